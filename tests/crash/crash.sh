#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# crash.sh - power cuts of the VM in the middle of sync writes.
#
# Each round boots the VM on the same disk image with a writer that
# attaches the store (sync mode) and loops: a put of "pN/kI", a put and a
# delete of "dN/kI" (so that the store's background reclaim rebuilds
# frames while the cuts come), and an atomic batch of "bN/I/x" and
# "bN/I/y", printing "ACK ..." on its standard output after each reply.
# QEMU is killed (SIGKILL) at a random moment; what the host received of
# that output is the list of acknowledged operations.  A second boot
# attaches the store (recovery) and dumps it; the host checks that every
# acknowledged put is present with its value, every acknowledged delete's
# key absent, that every batch is present entirely or not at all
# (acknowledged ones entirely), and the VM harness fails the check boot
# on any Oops, WARNING or other dirty kernel log line.  After each
# recovery, holt-fsck must find the image consistent and holt-dump
# (offline replay) must print what the kernel dumped.
#
# Usage: tests/crash/crash.sh [CUTS]   (default 3; CUT_MIN/CUT_MAX seconds,
# default 3 and 12, counted from the writer's start)
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM="$SRC/scripts/vm.sh"
CUTS=${1:-3}
CUT_MIN=${CUT_MIN:-3}
CUT_MAX=${CUT_MAX:-12}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/holt-crash.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
IMG=$WORK/disk.img
fails=0
total_acks=0
FSCK=$SRC/build/tools/holt-fsck
[ -x "$FSCK" ] || { echo "crash.sh: build the tools first (make tools)"; exit 2; }

truncate -s 128M "$IMG"
"$VM" run --timeout 600 --disk "$IMG" -- \
	'holt format /dev/vda --wal-mb 4 && holt attach /dev/vda --name p && holt detach p' </dev/null ||
	{ echo "crash.sh: format failed"; exit 1; }

cat >"$WORK/writer.sh" <<'W'
n=$1
holt attach /dev/vda --name p || exit 1
i=0
while :; do
	holt -s p put "p$n/k$i" "v$n-$i" && echo "ACK put p$n/k$i v$n-$i"
	holt -s p put "d$n/k$i" gone && holt -s p del "d$n/k$i" &&
		echo "ACK del d$n/k$i"
	printf 'put b%s/%s/x X%s\nput b%s/%s/y Y%s\n' "$n" "$i" "$i" "$n" "$i" "$i" |
		holt -s p batch && echo "ACK batch b$n/$i"
	i=$((i + 1))
done
W

for r in $(seq 1 "$CUTS"); do
	cut=$((CUT_MIN + RANDOM % (CUT_MAX - CUT_MIN + 1)))
	set +e
	"$VM" run --timeout 600 --cut-after "$cut" --disk "$IMG" \
		--add "$WORK/writer.sh" -- sh writer.sh "$r" </dev/null \
		>"$WORK/acks.$r" 2>"$WORK/cut.$r.err"
	rc=$?
	set -e
	if [ $rc != 137 ]; then
		echo "FAIL - round $r: the writer ended before the cut (rc $rc)"
		tail -3 "$WORK/cut.$r.err"
		fails=$((fails + 1))
		continue
	fi
	acks=$(grep -c '^ACK ' "$WORK/acks.$r" || true)
	total_acks=$((total_acks + acks))
	grep -a '^ACK ' "$WORK/acks.$r" >"$WORK/acked" || true
	set +e
	"$VM" run --timeout 600 --disk "$IMG" -- \
		'holt attach /dev/vda --name p && holt -s p dump > dump &&
		 holt detach p && cat dump' </dev/null >"$WORK/dump.$r" \
		2>"$WORK/check.$r.err"
	crc=$?
	set -e
	if [ $crc != 0 ]; then
		echo "FAIL - round $r: recovery boot failed (rc $crc)"
		tail -5 "$WORK/check.$r.err"
		fails=$((fails + 1))
		continue
	fi
	if ! "$FSCK" "$IMG" >"$WORK/fsck.$r" 2>&1; then
		echo "FAIL - round $r: holt-fsck: $(tail -3 "$WORK/fsck.$r" | tr '\n' ';')"
		fails=$((fails + 1))
	fi
	"$SRC/build/tools/holt-dump" "$IMG" 2>/dev/null | sort >"$WORK/odump.$r" || true
	if ! sort "$WORK/dump.$r" | cmp -s - "$WORK/odump.$r"; then
		echo "FAIL - round $r: holt-dump of the image differs from the kernel's dump"
		fails=$((fails + 1))
	fi
	bad=$(awk -F '\t' -v acks="$WORK/acked" '
		{ val[$1] = $2 }
		END {
			while ((getline line < acks) > 0) {
				split(line, a, " ")
				if (a[2] == "put" && val[a[3]] != a[4]) {
					print "lost put " a[3]; nbad++
				}
				if (a[2] == "batch" && (val[a[3] "/x"] == "" || val[a[3] "/y"] == "")) {
					print "lost batch " a[3]; nbad++
				}
				if (a[2] == "del" && (a[3] in val)) {
					print "deleted key back " a[3]; nbad++
				}
			}
			for (k in val) {
				if (k ~ /^b[0-9]+\/[0-9]+\/x$/) {
					b = substr(k, 1, length(k) - 2)
					if (!((b "/y") in val)) { print "half batch " b; nbad++ }
				}
				if (k ~ /^b[0-9]+\/[0-9]+\/y$/) {
					b = substr(k, 1, length(k) - 2)
					if (!((b "/x") in val)) { print "half batch " b; nbad++ }
				}
			}
			exit nbad > 0
		}' "$WORK/dump.$r")
	if [ -n "$bad" ]; then
		echo "FAIL - round $r (cut at ${cut}s, $acks acks): $(echo "$bad" | head -5 | tr '\n' ';')"
		fails=$((fails + 1))
	else
		echo "ok   - round $r: cut at ${cut}s, $acks acknowledged ops all present, no half batch ($(wc -l <"$WORK/dump.$r") keys)"
	fi
done
echo "crash.sh: $CUTS cuts, $total_acks acknowledged ops checked, $fails failure(s)"
[ "$fails" = 0 ]
