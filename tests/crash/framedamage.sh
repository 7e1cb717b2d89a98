#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# framedamage.sh - a frame damaged on the device after attach, while the
# frame cache has it evicted (called by corrupt.sh; make corrupt-test).
#
# A store of a few thousand keys in many small frames (frame_data_budget=
# 8192) is attached with --cache-mb 2 (4 frames in memory).  Then, with the
# store attached, one 4 KiB block inside the data area of one of its frames
# (a non-root frame, chosen from holt-fsck --frames) is overwritten on the
# device.  The operations that need that frame must fail with EUCLEAN
# ("Structure needs cleaning") when the frame is read back, the kernel log
# must name the damaged frame, the store must stay attached and usable
# (detach works), no Oops or BUG.  A second attach must refuse the store,
# naming the damaged frames, and leave the image unchanged.
#
# Usage: tests/crash/framedamage.sh   (needs make module userspace tools)
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM="$SRC/scripts/vm.sh"
FSCK="$SRC/build/tools/holt-fsck"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/holt-framedamage.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
IMG=$WORK/disk.img
fails=0
pass() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
vm() { "$VM" run --timeout 600 --param frame_data_budget=8192 \
	--disk "$IMG" "$@" </dev/null; }

truncate -s 64M "$IMG"
vm -- 'set -e
holt format /dev/vda --wal-mb 4
holt attach /dev/vda --name p
awk "BEGIN { for (i = 0; i < 4000; i++)
	printf \"d%02d/f%05d\tvalue-%d\n\", i % 37, i, i }" > keys
holt -s p load keys
holt detach p' >"$WORK/setup.out" 2>&1 ||
	{ cat "$WORK/setup.out"; echo "framedamage.sh: setup failed"; exit 1; }

"$FSCK" "$IMG" --frames >"$WORK/frames" 2>"$WORK/fsck.err" ||
	{ cat "$WORK/fsck.err"; echo "framedamage.sh: the setup image is not consistent"; exit 1; }
nfr=$(grep -c '^frame tree 1 ' "$WORK/frames" || true)
# the non-root frame with the highest id: spilled last, far from the root
off=$(awk '$1 == "frame" && $3 == 1 && $5 > 1 { print $5, $9 }' "$WORK/frames" |
	sort -n | tail -1 | cut -d' ' -f2)
[ "$nfr" -gt 8 ] && [ -n "$off" ] ||
	{ echo "framedamage.sh: expected more than 8 frames, got $nfr"; exit 1; }
blk=$(( (off + 0xB000) / 4096 ))	# the first block of its data area
python3 - "$IMG" "$blk" "$WORK/blk" <<'P'
import sys
img, blk, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(img, 'rb') as f:
	f.seek(blk * 4096)
	b = bytearray(f.read(4096))
for i in range(16, 4096, 64):
	b[i] ^= 0x5a
open(out, 'wb').write(b)
P

out=$(vm --add "$WORK/blk" -- "
holt attach /dev/vda --name p --cache-mb 2 || exit 1
dd if=blk of=/dev/vda bs=4096 seek=$blk count=1 conv=notrunc,fsync 2>/dev/null
echo 1 > /proc/sys/vm/drop_caches
for r in 1 2; do
	holt -s p dump > /dev/null 2> dump.err; echo \"DUMP \$? \$(cat dump.err)\"
	sleep 1
done
holt -s p put fresh/key v > /dev/null; echo \"PUT \$?\"
holt stores
holt detach p; echo \"DETACH \$?\"
dmesg | grep -c 'is damaged' | sed 's/^/DAMAGED /'
dmesg | grep -c 'Oops\|BUG:\|WARNING:' | sed 's/^/OOPS /'
dmesg | grep -A12 'Oops\|BUG:\|WARNING:' | sed 's/^/KLOG /' | head -40
" 2>&1) || true
echo "$out" | grep -E '^(DUMP|PUT|DETACH|DAMAGED|OOPS)' | sed 's/^/     /'
echo "$out" | grep -q '^DUMP 3 .*damaged frame' &&
	pass "late damage: a dump that needs the damaged frame fails with EUCLEAN" ||
	fail "late damage: no dump failed with EUCLEAN"
echo "$out" | grep -q '^DAMAGED [1-9]' &&
	pass "late damage: the kernel log names the damaged frame" ||
	fail "late damage: nothing in the kernel log"
echo "$out" | grep -qx 'p' && echo "$out" | grep -q '^DETACH 0' &&
	pass "late damage: the store stays attached and detaches" ||
	fail "late damage: the store did not stay up"
echo "$out" | grep -q '^OOPS 0' && pass "late damage: no Oops, BUG or WARNING" ||
	{ echo "$out" | grep '^KLOG '; fail "late damage: the kernel log has an Oops, BUG or WARNING"; }

sum1=$(md5sum <"$IMG")
out=$(vm -- 'holt attach /dev/vda --name p; echo "rc=$?"' 2>&1) || true
sum2=$(md5sum <"$IMG")
echo "$out" | grep -q 'rc=3' && echo "$out" | grep -qi 'damaged' &&
	pass "late damage: the next attach refuses the store ($(echo "$out" | grep -i 'holt: attach' | head -1 | cut -c1-90))" ||
	{ echo "$out" | tail -3; fail "late damage: the next attach was not refused"; }
[ "$sum1" = "$sum2" ] && pass "late damage: the refused image is unchanged" ||
	fail "late damage: the refused attach changed the image"

echo "framedamage.sh: $fails failure(s)"
[ "$fails" = 0 ]
