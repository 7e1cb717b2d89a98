#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# persist.sh - host-side persistence tests of holt.ko across reboots of the
# VM (scripts/vm.sh), on a raw disk image attached as /dev/vda:
#
#  1. format, attach, load 100,000 keys, detach; boot again, attach: every
#     key and value present (dump | sort | cmp), and a new version is above
#     every version handed out before;
#  1b. the same store attached with --cache-mb 2 (4 frames of ~40): dump,
#     gets, writes, stats show evictions and loads and few resident frames;
#  2. write 2,000 keys in sync mode and power off without detach; boot again:
#     the log replays them (and the 100,000 are still there);
#  3. async mode: writes, then 'holt sync', then power off: all there;
#  4. refusals that leave the device untouched (image checksum before and
#     after): a zeroed image (not a holt store), a store whose superblocks
#     say format version 99, both superblocks damaged; and one superblock
#     damaged: attach falls back to the other;
#  5. the async bound, a sync record on the device at the reply, group commit;
#  6. owner, group and mode kept on the device: chown/chmod durable when they
#     return, restored at attach, enforced for other uids (runas); an
#     explicit --mode at attach wins.
#
# Usage: tests/vm/persist.sh   (needs make module userspace; ~6 min of TCG)
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM="$SRC/scripts/vm.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/holt-persist.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
IMG=$WORK/disk.img
fails=0
pass() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }

# The keys: path-shaped, deterministic, generated in the guest by awk.
cat >"$WORK/gen.sh" <<'G'
# gen.sh N PREFIX: N lines KEY<TAB>VALUE
awk -v n="$1" -v p="$2" 'BEGIN { for (i = 0; i < n; i++)
	printf "%s/d%03d/f%06d\t%s-value-%d\n", p, i % 997, i, p, i * 7 }'
G

vm() { "$VM" run --timeout 900 --disk "$IMG" --add "$WORK/gen.sh" "$@" </dev/null; }

# 1. load, detach, reboot, compare
truncate -s 256M "$IMG"
out=$(vm -- 'set -e
holt format /dev/vda
holt attach /dev/vda --name p
sh gen.sh 100000 big > keys
holt -s p load keys
holt -s p count
holt -s p put probe x >/dev/null
holt -s p get probe --version | cut -f2
holt detach p' 2>&1) || { echo "$out"; fail "boot 1: format, load, detach"; }
echo "$out" | tail -3
count=$(echo "$out" | tail -2 | head -1)
v1=$(echo "$out" | tail -1)
[ "$count" = 100000 ] && pass "boot 1: 100,000 keys loaded" ||
	fail "boot 1: count $count"

out=$(vm -- 'set -e
holt attach /dev/vda --name p
sh gen.sh 100000 big > exp
echo "probe	x" >> exp
sort exp > exp.s
holt -s p dump | sort > got.s
cmp exp.s got.s && echo SAME
holt -s p put probe2 y >/dev/null
holt -s p get probe2 --version | cut -f2' 2>&1) || { echo "$out"; fail "boot 2"; }
echo "$out" | grep -q '^SAME$' && pass "boot 2: every key and value present after reboot" ||
	{ echo "$out" | tail -5; fail "boot 2: dump differs"; }
v2=$(echo "$out" | tail -1)
[ -n "$v1" ] && [ -n "$v2" ] && [ "$v2" -gt "$v1" ] 2>/dev/null &&
	pass "boot 2: new version $v2 above the old $v1" ||
	fail "boot 2: version $v2 not above $v1"

# 1b. the same store with a frame cache far smaller than it (2 MiB: 4 of
# its frames): every key still reads right, frames are evicted and read
# back, writes under the small budget survive a detach
out=$(vm -- 'set -e
holt attach /dev/vda --name p --cache-mb 2
sh gen.sh 100000 big > exp
printf "probe\tx\nprobe2\ty\n" >> exp
sort exp > exp.s
holt -s p dump | sort > got.s
cmp exp.s got.s && echo SAME
sh gen.sh 100000 big | awk "NR % 97 == 0" | cut -f1 > some
while read k; do holt -s p get "$k"; done < some > gotvals
sh gen.sh 100000 big | awk "NR % 97 == 0" | cut -f2 | cmp - gotvals && echo GETS
sh gen.sh 3000 small > keys
holt -s p load keys
holt -s p checkpoint
sleep 1
holt -s p stats > st
cat st
holt detach p
holt attach /dev/vda --name p
sort exp keys > exp2.s
holt -s p dump | sort > got2.s
cmp exp2.s got2.s && echo SAME2
cut -f1 keys | sed "s/^/del /" | holt -s p batch
holt -s p count small/
holt detach p
dmesg | grep -i "holt" | grep -v "module verification" | grep -i "damaged\|failed" | sed "s/^/LOG: /" || true' 2>&1) ||
	{ echo "$out"; fail "boot 2b: small cache"; }
echo "$out" | grep -q '^SAME$' && pass "boot 2b: --cache-mb 2 (4 frames): every key and value read back" ||
	{ echo "$out" | tail -25; fail "boot 2b: dump with a small cache differs"; }
echo "$out" | grep -q '^GETS$' && pass "boot 2b: 1,030 random gets under the small cache" ||
	fail "boot 2b: gets under the small cache"
res=$(echo "$out" | awk '$1 == "resident" { print $2 }')
frm=$(echo "$out" | awk '$1 == "frames" { print $2 }')
lds=$(echo "$out" | awk '$1 == "loads" { print $2 }')
evs=$(echo "$out" | awk '$1 == "evictions" { print $2 }')
echo "     frames $frm, resident $res, loads $lds, evictions $evs"
[ -n "$res" ] && [ -n "$frm" ] && [ "$frm" -gt 16 ] && [ "$res" -le 8 ] &&
	[ "$lds" -gt 0 ] && [ "$evs" -gt 0 ] &&
	pass "boot 2b: at most 8 of $frm frames in memory after a load, $lds loads" ||
	fail "boot 2b: cache counters (frames $frm resident $res loads $lds evictions $evs)"
echo "$out" | grep -q '^SAME2$' && echo "$out" | grep -qx 0 &&
	pass "boot 2b: 3,000 keys written under the small cache survive detach/attach (then deleted)" ||
	fail "boot 2b: writes under the small cache"
echo "$out" | grep -q '^LOG: ' &&
	{ echo "$out" | grep '^LOG: '; fail "boot 2b: damage or failure in holt's kernel log"; } ||
	pass "boot 2b: no damage or failure in holt's kernel log"

# 2. sync writes, power off without detach: replay
out=$(vm -- 'set -e
holt attach /dev/vda --name p
sh gen.sh 2000 crash > keys
holt -s p load keys
holt -s p del big/d000/f000000
holt -s p mv big/d001/f000001 moved/one
echo WROTE' 2>&1) || { echo "$out"; fail "boot 3"; }
echo "$out" | grep -q WROTE || fail "boot 3: writes"
out=$(vm -- 'set -e
holt attach /dev/vda --name p
dmesg | grep "replayed" | tail -1
sh gen.sh 2000 crash > exp
sh gen.sh 100000 big | grep -v "^big/d000/f000000	" |
	sed "s#^big/d001/f000001	#moved/one	#" >> exp
printf "probe\tx\nprobe2\ty\n" >> exp
sort exp > exp.s
holt -s p dump | sort > got.s
cmp exp.s got.s && echo SAME
holt detach p' 2>&1) || { echo "$out"; fail "boot 4"; }
echo "$out" | grep -q '^SAME$' && pass "boot 4: sync writes replayed from the log after power off" ||
	{ echo "$out" | tail -5; fail "boot 4: state after replay differs"; }
echo "$out" | grep replayed | sed 's/^/     /'

# 3. async: writes, holt sync, power off
out=$(vm -- 'set -e
holt attach /dev/vda --name p --durability async
sh gen.sh 500 async > keys
holt -s p load keys
holt -s p sync
echo WROTE' 2>&1) || { echo "$out"; fail "boot 5"; }
out=$(vm -- 'set -e
holt attach /dev/vda --name p
holt -s p count async/
holt -s p get async/d499/f000499' 2>&1) || { echo "$out"; fail "boot 6"; }
[ "$(echo "$out" | tail -2 | tr '\n' ' ')" = "500 async-value-3493 " ] &&
	pass "boot 6: async writes made durable by holt sync survive power off" ||
	{ echo "$out" | tail -3; fail "boot 6: async keys"; }

# 4. refusals leave the device untouched
refuse() {	# refuse NAME EXPECTED-MESSAGE
	local before after out
	before=$(cksum <"$IMG")
	out=$(vm -- 'holt attach /dev/vda --name p; echo "rc=$?"; holt stores' 2>&1) || true
	after=$(cksum <"$IMG")
	if echo "$out" | grep -q "rc=3" && echo "$out" | grep -q "$2" &&
	   [ "$before" = "$after" ]; then
		pass "$1: refused ('$2'), device untouched"
	else
		echo "$out" | tail -4
		fail "$1: not refused as expected (or device changed)"
	fi
}
sbpatch() {	# sbpatch SLOT OFFSET BYTES...: patch a superblock, fix its crc
	python3 - "$IMG" "$@" <<'P'
import sys, struct
img, slot, off = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 0)
val = bytes(int(b, 0) for b in sys.argv[4:])
def crc32c(data):
	crc = 0xffffffff
	for b in data:
		crc ^= b
		for _ in range(8):
			crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
	return crc ^ 0xffffffff
with open(img, 'r+b') as f:
	f.seek(slot * 4096)
	sb = bytearray(f.read(4096))
	sb[off:off + len(val)] = val
	sb[12:16] = b'\0\0\0\0'
	sb[12:16] = struct.pack('<I', crc32c(bytes(sb)))
	f.seek(slot * 4096)
	f.write(sb)
P
}
cp "$IMG" "$WORK/good.img"
sbpatch 0 0x8 99 0 0 0
sbpatch 1 0x8 99 0 0 0
refuse "another format version" "another on-disk format version"
cp "$WORK/good.img" "$IMG"
printf 'garbage!' | dd of="$IMG" bs=1 seek=200 conv=notrunc status=none
printf 'garbage!' | dd of="$IMG" bs=1 seek=$((4096 + 300)) conv=notrunc status=none
refuse "both superblocks damaged" "both superblocks are damaged"
rm -f "$IMG"; truncate -s 64M "$IMG"
refuse "zeroed device" "not a holt store"
cp "$WORK/good.img" "$IMG"
# damage the newer superblock only: attach falls back to the older one,
# which is safe here (its frames and log are intact: nothing was reused)
out=$(vm -- 'set -e
for s in 0 1; do dd if=/dev/vda bs=4096 skip=$s count=1 2>/dev/null |
	od -An -tu8 -j16 -N8; done' 2>&1) || true
g0=$(echo "$out" | sed -n 1p | tr -d ' '); g1=$(echo "$out" | sed -n 2p | tr -d ' ')
newer=$([ "${g0:-0}" -gt "${g1:-0}" ] && echo 0 || echo 1)
printf 'X' | dd of="$IMG" bs=1 seek=$((newer * 4096 + 100)) conv=notrunc status=none
out=$(vm -- 'holt attach /dev/vda --name p && holt -s p count; dmesg | grep -c "refused (checksum"' 2>&1) || true
echo "$out" | grep -q '^102501$' &&
	pass "one superblock damaged: attach used the other ($(echo "$out" | tail -1) warning)" ||
	{ echo "$out" | tail -4; fail "fallback to the other superblock"; }

# 5. async bound and group commit (a fresh store)
truncate -s 128M "$IMG"
out=$(vm -- 'set -e
holt format /dev/vda --wal-mb 4
holt attach /dev/vda --name p --durability async
logdump() { dd if=/dev/vda bs=65536 skip=16 count=64 iflag=direct 2>/dev/null |
	grep -c "$1" || true; }
holt -s p put async-bound-key v1
sleep 0.5
echo "ASYNC $(logdump async-bound-key)"
holt detach p
holt attach /dev/vda --name p
holt -s p put sync-key v2
echo "SYNC $(logdump sync-key)"
for w in 1 2 3 4 5 6 7 8; do
	( i=0; while [ $i -lt 40 ]; do holt -s p put "gc/$w/$i" x || exit 1
	  i=$((i + 1)); done ) &
done
wait
holt -s p count gc/
holt detach p
dmesg | grep "store p detached" | tail -1' 2>&1) || { echo "$out"; fail "boot 5: async and group commit"; }
echo "$out" | grep -q '^ASYNC [1-9]' &&
	pass "async: the record is on the device 0.5 s after the reply (bound 50 ms)" ||
	{ echo "$out" | tail -6; fail "async: record not on the device after 0.5 s"; }
echo "$out" | grep -q '^SYNC [1-9]' &&
	pass "sync: the record is on the device when the reply comes" ||
	fail "sync: record not on the device after the reply"
echo "$out" | grep -q '^320$' && pass "group commit: 8 writers x 40 puts all applied" ||
	fail "group commit: count"
gc=$(echo "$out" | grep "store p detached" | sed 's/.*: \([0-9]*\) log records in \([0-9]*\) commits.*/\1 \2/')
echo "     8 concurrent sync writers: records commits = $gc"

# 6. owner, group and mode live on the device: chown/chmod are durable when
#    they return (power off without detach), come back at attach and are
#    enforced for other uids; an explicit --mode at attach wins and persists.
truncate -s 64M "$IMG"
out=$(vm -- 'set -e
holt format /dev/vda
holt attach /dev/vda --name p
holt -s p put k v >/dev/null
holt -s p chown 1000:1000
holt -s p chmod 0640
echo CHANGED' 2>&1) || { echo "$out"; fail "boot 7: chown, chmod"; }
out=$(vm -- 'holt attach /dev/vda --name p || echo ATTACH-FAILED
holt stores --json | tr -d " \n"; echo
runas 1000 holt -s p put k2 v2 >/dev/null && echo OWNER-WRITES
runas 1001 holt -s p get k >/dev/null 2>&1; echo "OTHER-READ rc=$?"
holt -s p chmod 0604 && holt detach p && holt attach /dev/vda --name p
runas 1001 holt -s p get k | sed "s/^/OTHER-GETS /"
holt detach p && holt attach /dev/vda --name p --mode 0600
runas 1001 holt -s p get k >/dev/null 2>&1; echo "EXPLICIT rc=$?"
holt detach p && holt attach /dev/vda --name p
holt stores --json | tr -d " \n"; echo
runas 1000 holt -s p get k2 | sed "s/^/OWNER-GETS /"' 2>&1) ||
	{ echo "$out"; fail "boot 8: owner after power off"; }
if echo "$out" | grep -q '"name":"p".*"uid":1000,"gid":1000,"mode":"0640"' &&
   echo "$out" | grep -q '^OWNER-WRITES$' && echo "$out" | grep -q '^OTHER-READ rc=[1-9]'; then
	pass "chown/chmod durable on return: owner 1000:1000 mode 0640 back after power off, enforced"
else
	echo "$out" | head -4; fail "owner and mode not restored after power off"
fi
echo "$out" | grep -q '^OTHER-GETS v$' &&
	pass "chmod 0604, detach, attach: uid 1001 may read" ||
	{ echo "$out" | grep OTHER; fail "mode 0604 not restored at attach"; }
if echo "$out" | grep -q '^EXPLICIT rc=[1-9]' &&
   echo "$out" | grep -q '"uid":1000,"gid":1000,"mode":"0600"' &&
   echo "$out" | grep -q '^OWNER-GETS v2$'; then
	pass "attach --mode 0600 wins over the kept mode and persists (owner kept)"
else
	echo "$out" | tail -4; fail "explicit mode at attach"
fi

echo "persist.sh: $fails failure(s)"
[ "$fails" = 0 ]
