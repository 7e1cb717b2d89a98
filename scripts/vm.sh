#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh - boot Debian's kernel in QEMU (software emulation) with holt.ko and
# the static holt CLI in a busybox initramfs.
#
#   scripts/vm.sh run [OPTIONS] -- COMMAND...
#	Boot, insmod holt.ko, run COMMAND in the guest's working directory
#	(/work, which holds the --add files), print its standard output on
#	stdout and its standard error on stderr, and exit with its status.
#	One argument is a shell command line (sh -c); several are an argv.
#	The guest's kernel log is checked afterwards: an Oops, BUG, WARNING,
#	KASAN, UBSAN, lockup, hung task or leak report fails the run.
#   scripts/vm.sh shell [OPTIONS]
#	Boot with holt.ko loaded and a memory store "mem0" attached, and
#	open a shell on the serial console (stdin/stdout).  Leave with
#	"exit" (or Ctrl-A x).
#   scripts/vm.sh initramfs [OPTIONS]
#	Only build the initramfs; print its path.
#
# Options:
#   --disk IMG		attach IMG as a raw virtio disk (/dev/vda, then vdb...)
#   --add FILE		copy FILE (or directory) into the guest's /work
#   --no-load		do not insmod holt.ko (it is at /lib/modules/holt.ko)
#   --param P=V		holt.ko module parameter (repeatable)
#   --module NAME	also insmod this module of the guest kernel (and deps)
#   --timeout SEC	kill the VM after SEC seconds (default $VM_TIMEOUT or 900)
#   --cut-after SEC	power cut: SIGKILL QEMU SEC seconds (may be fractional)
#			after COMMAND started (crash tests); prints what the
#			command wrote so far and exits 137
#   --no-dmesg-check	do not fail on a dirty kernel log
#   --attach NAME	shell: the memory store to attach (default mem0, "" none)
#
# Environment: VM_KERNEL (vmlinuz; default the newest /boot/vmlinuz-*-amd64),
# VM_MEM (1G), VM_SMP (2), VM_TIMEOUT, VM_START_TIMEOUT (120: a guest that
# has not started COMMAND by then stalled in its boot; it is booted once
# more, and a second stall fails the run), VM_KEEP=1 (keep build/vm/run.* logs),
# VM_QEMU_ARGS (more QEMU arguments), VM_VERBOSE=1, HOLT_KO, HOLT_CLI,
# HOLT_NLBENCH (override the built files).
#
# Exit status of "run": COMMAND's status; 124 the VM timed out or died
# before COMMAND finished; 125 the kernel log is dirty or holt.ko did not
# load; 2 usage; 137 after --cut-after.
set -euo pipefail
# The whole script is one block: bash parses it before running it, so
# editing this file cannot disturb runs in progress.
{

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$SRC/build}
VMDIR=$BUILD/vm

HOLT_KO=${HOLT_KO:-$SRC/kmod/holt.ko}
HOLT_CLI=${HOLT_CLI:-$BUILD/userspace/holt-static}
HOLT_NLBENCH=${HOLT_NLBENCH:-$BUILD/userspace/holt-nlbench}

# The kernel log lines that fail a run.
DIRTY_RE='Oops|BUG:|kernel BUG|WARNING:|KASAN|UBSAN|unreferenced object|Kernel panic|general protection fault|soft lockup|hard LOCKUP|blocked for more than|rcu.*detected stall|list_(add|del) corruption|refcount_t:|Call Trace'

usage()
{
	sed -n '3,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

die()
{
	echo "vm.sh: $*" >&2
	exit 2
}

# Microseconds since the epoch, without forking.
now_us()
{
	local t=$EPOCHREALTIME
	NOW=${t//[!0-9]/}
}

[ $# -ge 1 ] || usage
MODE=$1
shift
case "$MODE" in
run|shell|initramfs) ;;
-h|--help|help) usage ;;
*) echo "vm.sh: unknown mode '$MODE'" >&2; usage ;;
esac

DISKS=()
ADDS=()
EXTRA_MODULES=()
PARAMS=()
LOAD=1
TIMEOUT=${VM_TIMEOUT:-900}
CUT=
DMESG_CHECK=1
ATTACH=mem0
while [ $# -gt 0 ]; do
	case "$1" in
	--disk)		[ $# -ge 2 ] || usage; DISKS+=("$2"); shift 2 ;;
	--add)		[ $# -ge 2 ] || usage; ADDS+=("$2"); shift 2 ;;
	--module)	[ $# -ge 2 ] || usage; EXTRA_MODULES+=("$2"); shift 2 ;;
	--param)	[ $# -ge 2 ] || usage; PARAMS+=("$2"); shift 2 ;;
	--timeout)	[ $# -ge 2 ] || usage; TIMEOUT=$2; shift 2 ;;
	--cut-after)	[ $# -ge 2 ] || usage; CUT=$2; shift 2 ;;
	--attach)	[ $# -ge 2 ] || usage; ATTACH=$2; shift 2 ;;
	--no-load)	LOAD=0; shift ;;
	--no-dmesg-check) DMESG_CHECK=0; shift ;;
	--)		shift; break ;;
	-h|--help)	usage ;;
	*)		die "unknown option '$1' (the command goes after --)" ;;
	esac
done
if [ "$MODE" = run ]; then
	[ $# -ge 1 ] || die "run: no command (scripts/vm.sh run [OPTIONS] -- COMMAND...)"
else
	[ $# -eq 0 ] || die "$MODE: unexpected arguments: $*"
fi
for d in "${DISKS[@]+"${DISKS[@]}"}"; do
	[ -f "$d" ] || [ -b "$d" ] || die "--disk $d: no such file"
done
for a in "${ADDS[@]+"${ADDS[@]}"}"; do
	[ -e "$a" ] || die "--add $a: no such file"
done

# --- the kernel --------------------------------------------------------------

if [ -n "${VM_KERNEL:-}" ]; then
	KERNEL=$VM_KERNEL
else
	KERNEL=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
fi
[ -n "$KERNEL" ] && [ -r "$KERNEL" ] ||
	die "no readable kernel (install linux-image-amd64 or set VM_KERNEL)"
KVER=${VM_KVER:-$(basename "$KERNEL" | sed 's/^vmlinuz-//')}
MODDIR=/lib/modules/$KVER
[ -f "$MODDIR/modules.dep" ] || die "no $MODDIR/modules.dep for $KERNEL"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (scripts/deps.sh)"
command -v cpio >/dev/null || die "cpio missing (scripts/deps.sh)"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "busybox missing (busybox-static)"

# Path of a module of the guest kernel relative to $MODDIR, from modules.dep.
mod_path()
{
	local n=${1//-/_} p
	p=$(awk -F: -v a="/$n.ko" -v b="/${n//_/-}.ko" \
		'{ f = $1; sub(/\.(xz|gz|zst)$/, "", f);
		   if (substr(f, length(f) - length(a) + 1) == a ||
		       substr(f, length(f) - length(b) + 1) == b) { print $1; exit } }' \
		"$MODDIR/modules.dep")
	echo "$p"
}

# Print NAME's dependencies then NAME, in load order (paths).
mod_closure()
{
	local p deps d
	p=$(mod_path "$1")
	[ -n "$p" ] || return 0	# built in, or absent
	deps=$(grep -m1 "^$p:" "$MODDIR/modules.dep" | cut -d: -f2)
	# modules.dep lists the deepest dependencies last.
	for d in $(echo "$deps" | tr ' ' '\n' | tac); do
		echo "$d"
	done
	echo "$p"
}

# --- the initramfs -----------------------------------------------------------

mkdir -p "$VMDIR"

# The tests' helper programs (tests/vm/*.c: runas, nlfuzz), static.
for c in "$SRC"/tests/vm/*.c; do
	[ -f "$c" ] || continue
	b=$VMDIR/$(basename "$c" .c)
	if [ ! -x "$b" ] || [ "$c" -nt "$b" ] ||
	   [ "$SRC/uapi/linux/holt.h" -nt "$b" ]; then
		${CC:-cc} -static -O2 -Wall -Wextra -Werror -I"$SRC" \
			-o "$b.tmp.$$" "$c" && mv "$b.tmp.$$" "$b" ||
			echo "vm.sh: note: cannot build $c" >&2
	fi
done

RUN=$(mktemp -d "$VMDIR/run.XXXXXX")
QPID=
TAILS=()
cleanup()
{
	local rc=$?
	if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
		kill -KILL "$QPID" 2>/dev/null || true
		wait "$QPID" 2>/dev/null || true
	fi
	for t in "${TAILS[@]+"${TAILS[@]}"}"; do
		kill "$t" 2>/dev/null || true
	done
	if [ "${VM_KEEP:-0}" = 1 ] || [ "${KEEP_RUN:-0}" = 1 ]; then
		echo "vm.sh: logs kept in $RUN" >&2
	else
		rm -rf "$RUN"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

ROOT=$RUN/root
mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,run,root,work,etc,lib/modules/vm,mnt}
mkdir -p "$ROOT/usr" "$ROOT/sys/kernel/debug"
ln -s bin "$ROOT/sbin"
ln -s ../bin "$ROOT/usr/bin"
ln -s ../bin "$ROOT/usr/sbin"
cp "$BUSYBOX" "$ROOT/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -s busybox "$ROOT/bin/$a"
done
install -m 0755 "$SRC/tests/vm/init" "$ROOT/init"

NOTES=()
if [ -f "$HOLT_KO" ]; then
	cp "$HOLT_KO" "$ROOT/lib/modules/holt.ko"
else
	NOTES+=("holt.ko missing ($HOLT_KO): run 'make module'")
	LOAD=0
fi
if [ -f "$HOLT_CLI" ]; then
	install -m 0755 "$HOLT_CLI" "$ROOT/bin/holt"
else
	NOTES+=("holt CLI missing ($HOLT_CLI): run 'make userspace'")
fi
[ -f "$HOLT_NLBENCH" ] && install -m 0755 "$HOLT_NLBENCH" "$ROOT/bin/holt-nlbench"
for c in "$SRC"/tests/vm/*.c; do
	b=$VMDIR/$(basename "$c" .c)
	[ -x "$b" ] && install -m 0755 "$b" "$ROOT/bin/"
done
mkdir -p "$ROOT/holt-tests"
# The guest suite (host-side scripts such as persist.sh stay out).
for f in "$SRC"/tests/vm/lib.sh "$SRC"/tests/vm/run.sh "$SRC"/tests/vm/t[0-9]*.sh; do
	[ -f "$f" ] && cp "$f" "$ROOT/holt-tests/"
done
cp "$SRC/uapi/linux/holt.h" "$ROOT/holt-tests/"
for a in "${ADDS[@]+"${ADDS[@]}"}"; do
	cp -r "$a" "$ROOT/work/"
done
for n in "${NOTES[@]+"${NOTES[@]}"}"; do
	echo "vm.sh: note: $n" >&2
done

# Guest kernel modules: what holt.ko depends on, virtio for disks, extras.
WANT=()
if [ -f "$HOLT_KO" ]; then
	deps=$(/sbin/modinfo -F depends "$HOLT_KO" 2>/dev/null || true)
	for d in ${deps//,/ }; do
		case "$d" in
		libcrc32c|crc32c*) WANT+=(crc32c_generic crc32c-intel) ;;
		esac
		WANT+=("$d")
	done
fi
# virtio_console: the command's output ports (much faster than a 8250 UART).
WANT+=(virtio_pci virtio_console)
[ ${#DISKS[@]} -gt 0 ] && WANT+=(virtio_blk)
WANT+=("${EXTRA_MODULES[@]+"${EXTRA_MODULES[@]}"}")
: >"$ROOT/etc/holt-vm.modules"
if [ ${#WANT[@]} -gt 0 ]; then
	for m in "${WANT[@]}"; do
		[ -n "$(mod_path "$m")" ] || grep -q "/${m//-/_}.ko$" "$MODDIR/modules.builtin" ||
			echo "vm.sh: note: module $m not found for $KVER" >&2
		mod_closure "$m"
	done | awk '!seen[$0]++' | while read -r p; do
		cp "$MODDIR/$p" "$ROOT/lib/modules/vm/"
		basename "$p" >>"$ROOT/etc/holt-vm.modules"
	done
fi

cat >"$ROOT/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user1000:x:1000:1000:test user:/tmp:/bin/sh
user1001:x:1001:1001:test user:/tmp:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$ROOT/etc/group" <<'EOF'
root:x:0:
user1000:x:1000:
user1001:x:1001:
nogroup:x:65534:
EOF
cat >"$ROOT/etc/profile" <<'EOF'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
PS1='holt-vm:\w# '
cd /work 2>/dev/null
EOF
cat >"$ROOT/etc/holt-vm.banner" <<EOF

holt VM: kernel $KVER; the holt CLI is /bin/holt, holt.ko is /lib/modules/holt.ko.
Try: holt put /hello world; holt get /hello; holt ls /
Type 'exit' (or Ctrl-A x) to power off.

EOF

# Shell quoting for the guest's ash: 'a'\''b'.
sq()
{
	local s=${1//\'/\'\\\'\'}
	printf "'%s'" "$s"
}

{
	echo "VM_MODE=$MODE"
	echo "VM_LOAD=$LOAD"
	echo "VM_PARAMS=$(sq "${PARAMS[*]+"${PARAMS[*]}"}")"
	echo "VM_ATTACH=$(sq "$ATTACH")"
} >"$ROOT/etc/holt-vm.conf"

if [ "$MODE" = run ]; then
	{
		printf '# the command of this run\n'
		if [ $# -eq 1 ]; then
			printf 'eval %s\n' "$(sq "$1")"
		else
			printf 'exec'
			for a in "$@"; do printf ' %s' "$(sq "$a")"; done
			printf '\n'
		fi
	} >"$ROOT/etc/holt-vm.cmd"
fi

INITRD=$RUN/initramfs.cpio
(cd "$ROOT" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) >"$INITRD"

if [ "$MODE" = initramfs ]; then
	cp "$INITRD" "$VMDIR/initramfs.cpio"
	echo "$VMDIR/initramfs.cpio"
	exit 0
fi

# --- QEMU --------------------------------------------------------------------

QEMU=(qemu-system-x86_64 -accel tcg -cpu max -m "${VM_MEM:-1G}"
	-smp "${VM_SMP:-2}" -nodefaults -no-user-config -no-reboot
	-display none -vga none
	-kernel "$KERNEL" -initrd "$INITRD")
# no_timer_check: a starved TCG guest can miss the IO-APIC timer check and
# panic at boot; the lockup and stall detectors get more room for the same
# reason (a loaded host), and still catch real lockups.
APPEND="console=ttyS0,115200 panic=-1 rdinit=/init quiet loglevel=4"
APPEND+=" no_timer_check watchdog_thresh=30 rcupdate.rcu_cpu_stall_timeout=60"
# shellcheck disable=SC2206
[ -n "${VM_QEMU_ARGS:-}" ] && QEMU+=($VM_QEMU_ARGS)
i=0
for d in "${DISKS[@]+"${DISKS[@]}"}"; do
	QEMU+=(-drive "file=$d,if=none,id=d$i,format=raw,cache=writeback"
	       -device "virtio-blk-pci,drive=d$i")
	i=$((i + 1))
done

if [ "$MODE" = shell ]; then
	{ true <&0; } 2>/dev/null || die "shell: standard input is closed (use 'run')"
	echo "vm.sh: booting $KVER (TCG, ~10 s)..." >&2
	QEMU+=(-serial mon:stdio -append "$APPEND")
	set +e
	"${QEMU[@]}"
	exit $?
fi

QEMU+=(-monitor none
	-chardev "file,id=con,path=$RUN/console" -serial chardev:con
	-device virtio-serial-pci,id=vser
	-chardev "file,id=out,path=$RUN/out"
	-device virtserialport,bus=vser.0,chardev=out,name=holt.out
	-chardev "file,id=err,path=$RUN/err"
	-device virtserialport,bus=vser.0,chardev=err,name=holt.err
	-chardev "file,id=ctl,path=$RUN/ctl"
	-device virtserialport,bus=vser.0,chardev=ctl,name=holt.ctl
	-append "$APPEND")

# A guest that has not started the command START_TIMEOUT seconds after
# QEMU did (a boot takes ~6 s) stalled in the boot or in insmod: it is
# stopped and booted once more, and the run says so.  Nothing has touched
# the disks by then (holt attaches them in the command).
START_TIMEOUT=${VM_START_TIMEOUT:-120}
attempt=1
while :; do
	: >"$RUN/out"
	: >"$RUN/err"
	: >"$RUN/ctl"
	: >"$RUN/console"
	now_us
	START=$NOW
	"${QEMU[@]}" </dev/null >"$RUN/qemu.log" 2>&1 &
	QPID=$!
	# Stream the command's output while it runs.
	tail -c +1 -s 0.2 -f --pid="$QPID" "$RUN/out" &
	TAILS+=($!)
	tail -c +1 -s 0.2 -f --pid="$QPID" "$RUN/err" >&2 &
	TAILS+=($!)

	TIMED_OUT=0
	STALLED=0
	CUT_DONE=0
	# Watchdog: sleep in small steps so that a finished VM returns at once.
	now_us
	deadline=$((NOW + TIMEOUT * 1000000))
	start_by=$((NOW + START_TIMEOUT * 1000000))
	cut_us=
	[ -n "$CUT" ] && cut_us=$(awk -v c="$CUT" 'BEGIN { printf "%d", c * 1000000 }')
	cut_at=
	started=0
	while kill -0 "$QPID" 2>/dev/null; do
		now_us
		if [ $started = 0 ]; then
			line=
			read -r line <"$RUN/ctl" || true
			if [ -n "$line" ]; then
				# VM-START, or VM-ERROR from init: it got there
				started=1
				[ "$line" = VM-START ] && [ -n "$cut_us" ] &&
					cut_at=$((NOW + cut_us))
			elif [ "$NOW" -ge "$start_by" ]; then
				STALLED=1
				kill -KILL "$QPID" 2>/dev/null || true
				break
			fi
		fi
		if [ -n "$cut_at" ] && [ "$NOW" -ge "$cut_at" ]; then
			CUT_DONE=1
			kill -KILL "$QPID" 2>/dev/null || true
			break
		fi
		if [ "$NOW" -ge "$deadline" ]; then
			TIMED_OUT=1
			kill -KILL "$QPID" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
	set +e
	{ wait "$QPID"; } 2>/dev/null
	QRC=$?
	set -e
	QPID=
	for t in "${TAILS[@]}"; do
		wait "$t" 2>/dev/null || true
	done
	TAILS=()
	[ $STALLED = 1 ] || break
	echo "vm.sh: the guest had not started the command ${START_TIMEOUT}s after boot (stalled in the boot or in insmod; console: $(tail -n 3 "$RUN/console" | tr '\n' ' '))" >&2
	[ $attempt = 2 ] && break
	attempt=2
	echo "vm.sh: booting it once more" >&2
done
now_us
ELAPSED=$(( (NOW - START) / 1000000 ))

if [ $CUT_DONE = 1 ]; then
	echo "vm.sh: power cut ${CUT}s after the command started" >&2
	exit 137
fi

EXIT_LINE=$(grep -a -m1 '^VM-EXIT=' "$RUN/ctl" || true)
ERROR_LINE=$(grep -a -m1 '^VM-ERROR=' "$RUN/ctl" || true)
STATUS=
if [ -n "$EXIT_LINE" ]; then
	STATUS=${EXIT_LINE#VM-EXIT=}
	STATUS=${STATUS%%[!0-9]*}
fi

# The kernel log: the guest's dmesg after the command, and the console (a
# panic never reaches the control port).
DIRTY=
if [ $DMESG_CHECK = 1 ]; then
	DIRTY=$( { sed '0,/^VM-\(EXIT\|ERROR\)=/d' "$RUN/ctl"; cat "$RUN/console"; } |
		grep -a -E "$DIRTY_RE" | head -n 20 || true)
fi

fail_keep()
{
	KEEP_RUN=1
	echo "vm.sh: console log (last 40 lines of $RUN/console):" >&2
	tail -n 40 "$RUN/console" | sed 's/^/  | /' >&2
	[ -s "$RUN/qemu.log" ] && sed 's/^/  qemu: /' "$RUN/qemu.log" >&2
	return 0
}

if [ -n "$ERROR_LINE" ]; then
	echo "vm.sh: ${ERROR_LINE#VM-ERROR=}" >&2
	fail_keep
	exit 125
fi
if [ -z "$STATUS" ]; then
	if [ $STALLED = 1 ]; then
		echo "vm.sh: the guest never started the command (two boots stalled)" >&2
	elif [ $TIMED_OUT = 1 ]; then
		echo "vm.sh: the VM timed out after ${TIMEOUT}s" >&2
	else
		echo "vm.sh: the VM stopped (qemu status $QRC) before the command finished" >&2
	fi
	[ -n "$DIRTY" ] && printf 'vm.sh: kernel log:\n%s\n' "$DIRTY" >&2
	fail_keep
	exit 124
fi
if [ -n "$DIRTY" ]; then
	echo "vm.sh: the kernel log is dirty (command exit status $STATUS):" >&2
	printf '%s\n' "$DIRTY" | sed 's/^/  ! /' >&2
	sed '0,/^VM-EXIT=/d' "$RUN/ctl" >"$RUN/dmesg"
	fail_keep
	exit 125
fi
[ "${VM_VERBOSE:-0}" = 1 ] && echo "vm.sh: VM ran about ${ELAPSED}s, exit $STATUS" >&2
exit "$STATUS"
}
