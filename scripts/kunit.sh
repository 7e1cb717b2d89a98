#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh - run holt's KUnit suites in a UML kernel built from Debian's
# linux-source-6.1, with lockdep and KASAN.  This is what `make kunit` runs.
#
#   scripts/kunit.sh [--clean] [GLOB]
#
#   --clean   throw the cached kernel tree and build away first (a cold run)
#   GLOB      only run suites matching it, as kunit.py's filter_glob
#             (e.g. 'holt_tree' or 'holt_store.*attach*')
#
# What it does:
#  1. Unpacks /usr/src/linux-source-6.1.tar.xz once into
#     $HOLT_CACHE/kunit/linux (HOLT_CACHE defaults to /var/cache/holt), and
#     hooks drivers/holt/ into drivers/Kconfig and drivers/Makefile.
#  2. At every run, mirrors this clone's kmod/ (module and kmod/core/
#     engine), uapi/ and tests/kunit/*.[ch] into drivers/holt/ (by content,
#     so unchanged files keep their timestamps and nothing is rebuilt), with
#     tests/kunit/Kconfig and tests/kunit/Kbuild next to them.
#  3. Runs tools/testing/kunit/kunit.py run (ARCH=um) with
#     tests/kunit/.kunitconfig and the build directory $HOLT_CACHE/kunit/build,
#     which is kept: the first run builds the whole kernel (minutes), later
#     ones only what changed (a change to .kunitconfig rebuilds it all).
#  4. Fails if kunit.py reports a failed, crashed or missing test, or if the
#     kernel log shows a lockdep report, a KASAN report, a WARNING, a BUG,
#     an Oops or a task blocked for 30 s (the hung-task detector).  The full
#     log stays in $HOLT_CACHE/kunit/build/test.log; on a failure its last
#     lines are printed too, so that CI's output keeps the stacks.
#
# Environment: HOLT_CACHE (cache root), KUNIT_JOBS (make -j, default 2),
# KUNIT_TIMEOUT (seconds for the test run, default 300).  Works with stdin
# closed.  Runs holding a lock on the cache, so concurrent runs queue.
# Needs: linux-source-6.1 bc flex bison xz-utils python3 gcc
# (scripts/deps.sh kunit).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${HOLT_CACHE:-/var/cache/holt}/kunit
TARBALL=${KUNIT_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
JOBS=${KUNIT_JOBS:-2}
TIMEOUT=${KUNIT_TIMEOUT:-300}
TREE=$CACHE/linux
BUILD_DIR=$CACHE/build

clean=0
filter=()
while [ $# -gt 0 ]; do
	case "$1" in
	--clean) clean=1 ;;
	-h|--help) sed -n '3,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "kunit.sh: unknown option $1" >&2; exit 2 ;;
	*) filter+=("$1") ;;
	esac
	shift
done

say() { echo "kunit: $*" >&2; }
die() { echo "kunit: error: $*" >&2; exit 1; }

[ -r "$TARBALL" ] ||
	die "$TARBALL missing: install linux-source-6.1 (scripts/deps.sh kunit)"
for tool in make gcc bc flex bison xz python3 flock cmp; do
	command -v "$tool" >/dev/null || die "$tool missing (scripts/deps.sh kunit)"
done

mkdir -p "$CACHE" || die "cannot create $CACHE (set HOLT_CACHE)"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
	say "waiting for another run holding $CACHE/.lock"
	flock 9
fi

if [ "$clean" = 1 ]; then
	say "removing $TREE and $BUILD_DIR"
	rm -rf "$TREE" "$BUILD_DIR"
fi

# 1. The kernel tree, unpacked once per tarball version.
stamp="$(stat -c '%s %Y' "$TARBALL") $TARBALL"
if [ ! -f "$TREE/.holt-unpacked" ] || [ "$(cat "$TREE/.holt-unpacked")" != "$stamp" ]; then
	say "unpacking $TARBALL into $TREE"
	rm -rf "$TREE" "$TREE.tmp" "$BUILD_DIR"
	mkdir -p "$TREE.tmp"
	tar -xf "$TARBALL" -C "$TREE.tmp" --strip-components=1
	grep -qx 'source "drivers/holt/Kconfig"' "$TREE.tmp/drivers/Kconfig" ||
		echo 'source "drivers/holt/Kconfig"' >>"$TREE.tmp/drivers/Kconfig"
	grep -qx 'obj-$(CONFIG_HOLT)		+= holt/' "$TREE.tmp/drivers/Makefile" ||
		printf 'obj-$(CONFIG_HOLT)\t\t+= holt/\n' >>"$TREE.tmp/drivers/Makefile"
	echo "$stamp" >"$TREE.tmp/.holt-unpacked"
	mv "$TREE.tmp" "$TREE"
fi

# 2. This clone's sources, mirrored by content: a file is copied only when
# its bytes differ (so kbuild rebuilds only what changed, whatever the
# timestamps say), and a file gone from the clone goes from the mirror.
dst=$TREE/drivers/holt
sync_tree() {	# sync_tree FROM TO FIND-TESTS...
	local from=$1 to=$2 f rel dir
	shift 2
	mkdir -p "$to"
	if [ -d "$from" ]; then
		while IFS= read -r -d '' f; do
			rel=${f#"$from"/}
			dir=$(dirname "$to/$rel")
			[ -d "$dir" ] || mkdir -p "$dir"
			cmp -s "$f" "$to/$rel" || cp "$f" "$to/$rel"
		done < <(find "$from" -type f \( "$@" \) -print0)
	fi
	while IFS= read -r -d '' f; do
		rel=${f#"$to"/}
		[ -f "$from/$rel" ] || rm -f "$f"
	done < <(find "$to" -type f -print0)
}
sync_tree "$SRC/kmod" "$dst/kmod" \( -name '*.c' ! -name '*.mod.c' \) -o -name '*.h'
sync_tree "$SRC/uapi" "$dst/uapi" -name '*.h'
sync_tree "$SRC/tests/kunit" "$dst/tests/kunit" -name '*.c' -o -name '*.h'
for f in Kconfig Kbuild; do
	cmp -s "$SRC/tests/kunit/$f" "$dst/$f" || cp "$SRC/tests/kunit/$f" "$dst/$f"
done

# Say which suites are left out because their code is not there yet (the
# rule itself is in tests/kunit/Kbuild).
have_core=$(find "$dst/kmod/core" -maxdepth 1 -name '*.c' 2>/dev/null | head -1)
for t in "$dst"/tests/kunit/*_test.c; do
	[ -e "$t" ] || continue
	s=$(basename "$t")
	case "$s" in
	port_test.c) ;;
	tree_test.c|frame_test.c|wal_test.c|super_test.c)
		[ -n "$have_core" ] || say "not built: $s (no kmod/core/*.c yet)" ;;
	*)	[ -e "$dst/kmod/${s%_test.c}.c" ] ||
			say "not built: $s (no kmod/${s%_test.c}.c yet)" ;;
	esac
done

# 3. Build and run.
mkdir -p "$BUILD_DIR"
cd "$TREE"
say "kunit.py run (ARCH=um, -j$JOBS, build dir $BUILD_DIR)"
rc=0
python3 tools/testing/kunit/kunit.py run --arch=um --jobs="$JOBS" \
	--kunitconfig="$SRC/tests/kunit/.kunitconfig" \
	--build_dir="$BUILD_DIR" --timeout="$TIMEOUT" \
	${filter[@]+"${filter[@]}"} </dev/null || rc=$?

# 4. What kunit.py's verdict does not cover: reports in the kernel log.
log=$BUILD_DIR/test.log
if [ $rc -eq 0 ]; then
	if [ ! -s "$log" ]; then
		say "no kernel log at $log"
		rc=1
	elif grep -nE 'WARNING:|BUG:|Oops|possible circular locking|possible recursive locking|inconsistent lock state|lock held when returning|suspicious RCU usage|INFO: lockdep|Kernel panic|general protection|blocked for more than' "$log" >&2; then
		say "the kernel log above shows a report: failing ($log)"
		rc=1
	fi
fi
if [ $rc -ne 0 ]; then
	# a hang or a crash: the end of the kernel log (with the hung-task
	# detector's stacks, .kunitconfig) is what CI's output keeps
	if [ -s "$log" ]; then
		say "the last lines of $log:"
		tail -n 120 "$log" >&2
	fi
	say "FAILED (kunit.py status $rc); kernel log: $log"
else
	say "passed"
fi
exit $rc
