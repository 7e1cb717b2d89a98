#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# corrupt.sh - damaged devices never bring the kernel down.
#
# A store is formatted and loaded (5,000 keys, then 300 more left in the log
# only: the VM is powered off without detach).  Each round makes 8 copies
# of the image, damages each (random bytes or a zeroed sector in a
# superblock, the log region, the slots in use, or anywhere), boots once
# with the 8 copies as /dev/vda../dev/vdh and attaches each.  The allowed
# outcomes: attach refused with a message (exit status 3), or attach
# accepted and the store readable (count, dump) and detachable.  The VM
# harness fails the round on an Oops, BUG, WARNING, KASAN report, hang or
# any other dirty kernel log line.  A store that attached is then checked
# offline with holt-fsck (its verdict is reported, not judged: damage past
# the log's tail is legitimately invisible).  Log damage is aimed at the
# records that replay needs, slot damage at the first slots (those in use).
# Then tests/crash/logdamage.sh (one more boot): a damaged log record that
# later records prove durable refuses the attach with a message and leaves
# the image unchanged, while a damaged last commit is a torn tail.
#
# Usage: tests/crash/corrupt.sh [ROUNDS]   (default 2)
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM="$SRC/scripts/vm.sh"
ROUNDS=${1:-2}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/holt-corrupt.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
GOOD=$WORK/good.img
fails=0

truncate -s 64M "$GOOD"
"$VM" run --timeout 600 --disk "$GOOD" -- 'set -e
holt format /dev/vda --wal-mb 4
holt attach /dev/vda --name p
awk "BEGIN { for (i = 0; i < 5000; i++) printf \"k/%04d/x\tv%d\n\", i, i }" > k1
holt -s p load k1
holt -s p checkpoint
awk "BEGIN { for (i = 0; i < 300; i++) printf \"log/%03d\tL%d\n\", i, i }" > k2
holt -s p load k2' </dev/null >/dev/null || { echo "corrupt.sh: setup failed"; exit 1; }

# Geometry from superblock A: wal_off, wal_len, slot_off (little endian).
le64() { od -An -tu8 -j "$2" -N8 "$1" | tr -d ' '; }
WAL_OFF=$(le64 "$GOOD" 64); WAL_LEN=$(le64 "$GOOD" 72); SLOT_OFF=$(le64 "$GOOD" 80)
# The newer superblock's checkpoint offset in the log (0x68).
gA=$(le64 "$GOOD" 16); gB=$(le64 "$GOOD" $((4096 + 16)))
if [ "$gA" -ge "$gB" ]; then CKPT_OFF=$(le64 "$GOOD" 104); else CKPT_OFF=$(le64 "$GOOD" $((4096 + 104))); fi

damage() {	# damage IMG KIND
	local img=$1 kind=$2 base len n i
	case $kind in
	sbA) base=0; len=4096 ;;
	sbB) base=4096; len=4096 ;;
	log) base=$((WAL_OFF + CKPT_OFF)); len=32768 ;;	# the records to replay
	slots) base=$((SLOT_OFF + (RANDOM % 4) * 524288)); len=131072 ;;	# in use
	*) base=0; len=$((SLOT_OFF + 8 * 524288)) ;;
	esac
	if [ $((RANDOM % 3)) = 0 ]; then	# a zeroed sector
		dd if=/dev/zero of="$img" bs=512 count=1 conv=notrunc status=none \
			seek=$(((base + (RANDOM * 32768 + RANDOM) % len) / 512))
		echo "$kind: zeroed sector"
		return
	fi
	n=$((1 + RANDOM % 8))
	for i in $(seq "$n"); do
		printf "\\x$(printf %02x $((RANDOM % 256)))" |
			dd of="$img" bs=1 count=1 conv=notrunc status=none \
			seek=$((base + (RANDOM * 32768 + RANDOM) % len))
	done
	echo "$kind: $n random bytes"
}

kinds=(sbA sbB log slots slots log any any)
for r in $(seq 1 "$ROUNDS"); do
	disks=()
	: >"$WORK/what.$r"
	for d in 0 1 2 3 4 5 6 7; do
		cp "$GOOD" "$WORK/d$d.img"
		echo "vd$(printf "\\x$(printf %x $((97 + d)))") $(damage "$WORK/d$d.img" "${kinds[$d]}")" >>"$WORK/what.$r"
		disks+=(--disk "$WORK/d$d.img")
	done
	set +e
	out=$("$VM" run --timeout 900 "${disks[@]}" -- '
for x in a b c d e f g h; do
	if holt attach /dev/vd$x --name s$x 2>err; then
		n=$(holt -s s$x count 2>&1); holt -s s$x dump >/dev/null 2>&1
		echo "vd$x attached: $n keys (dump rc $?)"
		holt detach s$x || echo "vd$x: detach failed"
	else
		echo "vd$x refused (rc $?): $(cat err)"
	fi
done' </dev/null 2>"$WORK/err.$r")
	rc=$?
	set -e
	if [ $rc != 0 ]; then
		echo "FAIL - round $r: VM exit $rc (dirty kernel log, hang or crash)"
		cat "$WORK/what.$r"; tail -20 "$WORK/err.$r"
		fails=$((fails + 1))
		continue
	fi
	bad=0
	for d in 0 1 2 3 4 5 6 7; do
		x=$(printf "\\x$(printf %x $((97 + d)))")
		line=$(echo "$out" | grep "^vd$x " || true)
		what=$(grep "^vd$x " "$WORK/what.$r" | cut -d' ' -f2-)
		case $line in
		*"refused (rc 3): "*) verdict=refused ;;
		*"attached: "[0-9]*" keys (dump rc 0)") verdict="attached, $("$SRC/build/tools/holt-fsck" "$WORK/d$d.img" 2>/dev/null | sed 's/.*: //')" ;;
		*) verdict="UNEXPECTED: $line"; bad=1 ;;
		esac
		echo "     round $r vd$x [$what] -> $verdict"
	done
	if [ $bad = 0 ]; then
		echo "ok   - round $r: 8 damaged images, each refused or attached and readable, kernel log clean"
	else
		fails=$((fails + 1))
		echo "FAIL - round $r"
	fi
done
"$SRC/tests/crash/logdamage.sh" || fails=$((fails + 1))
echo "corrupt.sh: $ROUNDS rounds and the log damage cases, $fails failure(s)"
[ "$fails" = 0 ]
