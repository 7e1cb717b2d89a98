# SPDX-License-Identifier: GPL-2.0
#
# run.sh - run the VM test suite in the guest (busybox ash):
#
#   sh /holt-tests/run.sh [PATTERN...]
#
# Runs every /holt-tests/t*.sh (or those matching PATTERN, e.g. t10) with a
# time limit each (T_LIMIT seconds), optionally again with small frames
# (T_SPILL, below), then checks that holt.ko unloads and that the kernel log
# is clean, and ends with exactly one line "N passed, N failed".  Exits 0
# only when nothing failed.

T_DIR=/tmp/holt-t
export T_DIR
rm -rf "$T_DIR"
mkdir -p "$T_DIR"
. /holt-tests/lib.sh
: >"$T_RESULTS"
T_LIMIT=${T_LIMIT:-400}
start=$(date +%s)

T_FILE=setup
if [ -x /bin/holt ]; then
	pass "the holt CLI is installed"
else
	fail "the holt CLI is installed" "no /bin/holt (make userspace)"
fi
if grep -q '^holt ' /proc/modules; then
	pass "holt.ko is loaded"
else
	fail "holt.ko is loaded" "not in /proc/modules (make module)"
fi
# Kernel log lines after this mark are the suite's.
echo "holt-vm-test: suite starts" >/dev/kmsg

# run_file FILE NAME: one test file in a shell of its own, with a time limit.
run_file()
{
	T_FILE=$2
	export T_FILE
	echo "== $T_FILE"
	t0=$(date +%s)
	t_detach_all
	timeout "$T_LIMIT" sh -c ". /holt-tests/lib.sh; cd /tmp; . '$1'"
	rc=$?
	if [ $rc -ge 124 ]; then
		fail "$T_FILE completes" "exit status $rc (124+: killed after ${T_LIMIT}s or crashed)"
	fi
	echo "   ($(( $(date +%s) - t0 )) s)"
}

# wanted NAME: NAME matches a PATTERN argument (or there are none).
wanted()
{
	[ $# -gt 1 ] || return 0
	w_name=$1
	shift
	for p in "$@"; do
		case "$w_name" in *"$p"*) return 0 ;; esac
	done
	return 1
}

for f in /holt-tests/t[0-9]*.sh; do
	wanted "$(basename "$f" .sh)" "$@" && run_file "$f" "$(basename "$f" .sh)"
done

# T_SPILL=N: again, with holt.ko reloaded with frame_data_budget=N, so that
# trees spill into many small frames (T_SPILL_TESTS picks the files, and
# the bulk test loads T_SPILL_KEYS keys).
if [ -n "${T_SPILL:-}" ] && grep -q '^holt ' /proc/modules; then
	T_FILE=spill
	echo "== spill: frame_data_budget=$T_SPILL"
	t_detach_all
	rmmod holt
	ok "reload holt.ko with frame_data_budget=$T_SPILL" \
		insmod /lib/modules/holt.ko frame_data_budget="$T_SPILL"
	BULK_KEYS=${T_SPILL_KEYS:-20000}
	export BULK_KEYS
	for f in /holt-tests/t[0-9]*.sh; do
		n=$(basename "$f" .sh)
		wanted "$n" ${T_SPILL_TESTS:-t20 t30 t50 t70 t80 t90} || continue
		wanted "$n" "$@" && run_file "$f" "$n+spill$T_SPILL"
	done
fi

T_FILE=teardown
echo "== $T_FILE"
# rmmod with a store attached may refuse or detach cleanly; never crash.
if [ -x /bin/holt ] && grep -q '^holt ' /proc/modules; then
	holt attach --memory last >/dev/null 2>&1
	holt put /k v >/dev/null 2>&1
	if rmmod holt 2>"$T_DIR/rmmod.err"; then
		check "rmmod with a store attached detached it" \
			[ ! -d /sys/module/holt ]
	else
		check "rmmod with a store attached refused, holt still works" \
			holt get /k
		t_detach_all
		ok "rmmod holt after detaching all stores" rmmod holt
	fi
	check "holt.ko is unloaded" [ ! -d /sys/module/holt ]
	check "no holt module in /proc/modules" \
		sh -c "! grep -q '^holt ' /proc/modules"
	ok "insmod holt.ko again" insmod /lib/modules/holt.ko
	ok "attach after reload" holt attach --memory again
	out_is "a reloaded module starts empty" "" holt ls
	ok "detach after reload" holt detach again
	ok "rmmod holt (final)" rmmod holt
fi

dirty='Oops|BUG:|kernel BUG|WARNING:|KASAN|UBSAN|unreferenced object|general protection fault|soft lockup|blocked for more than|detected stall|list_(add|del) corruption|refcount_t:|Call Trace'
if dmesg | grep -E "$dirty" >"$T_DIR/dirty"; then
	fail "the kernel log is clean" "$(head -n 10 "$T_DIR/dirty")"
else
	pass "the kernel log is clean"
fi

echo "== time: $(( $(date +%s) - start )) s"
grep '^FAIL' "$T_RESULTS" | sed 's/^/   /'
np=$(grep -c '^PASS' "$T_RESULTS")
nf=$(grep -c '^FAIL' "$T_RESULTS")
echo "$np passed, $nf failed"
[ "$nf" = 0 ]
