#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# logdamage.sh - damage to a log record that replay needs is refused, a torn
# last commit is not (called by corrupt.sh; make corrupt-test).
#
# A store gets 20 sync puts after its attach checkpoint, one commit each,
# and the VM is powered off without detach: all 20 live only in the log.
# The host walks the log (an independent reader of the record header of
# Documentation/ondisk.rst) and makes two copies:
#
#   MID   one payload byte of the 5th put flipped: 15 acknowledged puts
#         follow it, and the next record's durable mark proves it was
#         durable.  holt-fsck must call the image damaged; attach must be
#         refused (exit 3) with a message naming the log damage, the kernel
#         log must say which record, and the image must be unchanged.
#   LAST  one payload byte of the last put flipped: its commit is the last
#         (what a power cut tears).  holt-fsck finds the image consistent;
#         attach succeeds with the 19 other puts and without the last.
#
# Usage: tests/crash/logdamage.sh   (needs make module userspace tools)
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM="$SRC/scripts/vm.sh"
FSCK="$SRC/build/tools/holt-fsck"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/holt-logdamage.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fails=0
pass() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }

truncate -s 64M "$WORK/good.img"
"$VM" run --timeout 600 --disk "$WORK/good.img" -- 'set -e
holt format /dev/vda --wal-mb 4
holt attach /dev/vda --name p
i=1; while [ $i -le 20 ]; do holt -s p put "a/$i" "value-$i"; i=$((i + 1)); done
holt -s p count' </dev/null >"$WORK/setup.out" 2>&1 ||
	{ cat "$WORK/setup.out"; echo "logdamage.sh: setup failed"; exit 1; }

# Walk the log from the newer superblock's checkpoint; flip one payload
# byte of a PUT record.  Prints what it did; exit 1 if the log is not as
# expected (20 PUT records, each later one proving the earlier durable).
walk() {	# walk IMG OUT which(5|last)
	python3 - "$@" <<'P'
import struct, sys, shutil
img, out, which = sys.argv[1], sys.argv[2], sys.argv[3]
f = open(img, 'rb')
def sb(slot):
	f.seek(slot * 4096)
	b = f.read(4096)
	return b if b[:8] == b'HOLTSUPR' else None
s = max((x for x in (sb(0), sb(1)) if x), key=lambda b: struct.unpack_from('<Q', b, 0x10)[0])
wal_off, wal_len = struct.unpack_from('<QQ', s, 0x40)
lsn, off = struct.unpack_from('<QQ', s, 0x60)
recs = []
while True:
	f.seek(wal_off + off)
	h = f.read(40)
	if h[:4] != b'HOLW' or struct.unpack_from('<Q', h, 16)[0] != lsn:
		break
	ln = struct.unpack_from('<I', h, 8)[0]
	recs.append((off, lsn, h[5], ln, struct.unpack_from('<Q', h, 28)[0]))
	off += ln
	if wal_len - off < 40:
		off = 0
	lsn += 1
puts = [r for r in recs if r[2] == 2]
if len(puts) != 20:
	sys.exit('expected 20 PUT records after the checkpoint, found %d' % len(puts))
v = puts[4] if which == '5' else puts[-1]
later = [r for r in recs if r[1] > v[1] and r[4] > v[1]]
if (which == '5') != bool(later):
	sys.exit('durable marks: %d later records prove record %d durable' % (len(later), v[1]))
shutil.copyfile(img, out)
with open(out, 'r+b') as g:
	g.seek(wal_off + v[0] + v[3] - 2)
	b = g.read(1)
	g.seek(wal_off + v[0] + v[3] - 2)
	g.write(bytes([b[0] ^ 0x20]))
print('record %d (lsn %d at log offset %d, %d records after it, %d with a mark above it)'
      % (puts.index(v) + 1, v[1], v[0], len([r for r in recs if r[1] > v[1]]), len(later)))
P
}
if ! what=$(walk "$WORK/good.img" "$WORK/mid.img" 5); then
	fail "the log of 20 sync puts is not as expected: $what"
	exit 1
fi
echo "     MID: put $what"
what=$(walk "$WORK/good.img" "$WORK/last.img" last) || { fail "last: $what"; exit 1; }
echo "     LAST: put $what"

# Offline first: fsck must tell damage from a torn tail.
set +e
fo=$("$FSCK" "$WORK/mid.img" 2>&1); frc=$?
set -e
if [ $frc = 1 ] && echo "$fo" | grep -q "the log is damaged"; then
	pass "holt-fsck: damaged log record followed by durable records is an error"
else
	echo "$fo" | tail -5; fail "holt-fsck on MID: exit $frc"
fi
set +e
fo=$("$FSCK" "$WORK/last.img" 2>&1); frc=$?
set -e
[ $frc = 0 ] && pass "holt-fsck: a damaged last commit is a torn tail (consistent)" ||
	{ echo "$fo" | tail -5; fail "holt-fsck on LAST: exit $frc"; }

before=$(cksum <"$WORK/mid.img")
set +e
out=$("$VM" run --timeout 600 --disk "$WORK/mid.img" --disk "$WORK/last.img" -- '
holt attach /dev/vda --name m 2>err; echo "MID rc=$? $(cat err)"
dmesg | grep "refused: log record" | sed "s/^/MIDLOG /"
echo "MIDSTORES $(holt stores | grep -cx m)"
holt attach /dev/vdb --name l; echo "LAST rc=$?"
echo "LASTCOUNT $(holt -s l count a/)"
holt -s l get a/19 | sed "s/^/LAST19 /"
holt -s l get a/20 >/dev/null 2>&1; echo "LAST20 rc=$?"
holt detach l' </dev/null 2>"$WORK/vm.err")
rc=$?
set -e
after=$(cksum <"$WORK/mid.img")
if [ $rc != 0 ]; then
	tail -20 "$WORK/vm.err"; fail "VM exit $rc (dirty kernel log, hang or crash)"
fi
if echo "$out" | grep -q "^MID rc=3 .*the log is damaged" &&
   echo "$out" | grep -q "^MIDLOG .*damaged.*was durable" &&
   echo "$out" | grep -q "^MIDSTORES 0" && [ "$before" = "$after" ]; then
	pass "attach refused a log whose damaged record later records prove durable (message, kernel log, image unchanged)"
	echo "$out" | grep "^MID" | cut -c1-200 | sed 's/^/     /'
else
	echo "$out" | grep "^MID" ; [ "$before" = "$after" ] || echo "     image changed"
	fail "damage in the middle of the log: not refused as expected"
fi
if echo "$out" | grep -q "^LAST rc=0" && echo "$out" | grep -q "^LASTCOUNT 19$" &&
   echo "$out" | grep -q "^LAST19 value-19" && echo "$out" | grep -q "^LAST20 rc=[1-9]"; then
	pass "a damaged last commit is a torn tail: attached with the 19 earlier puts"
else
	echo "$out" | grep "^LAST"; fail "damaged last commit: not a normal torn tail"
fi
echo "logdamage.sh: $fails failure(s)"
[ "$fails" = 0 ]
