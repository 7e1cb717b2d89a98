# SPDX-License-Identifier: GPL-2.0
#
# t90-bulk: load 100,000 paths, list them back with ls and dump, and compare
# exactly; count, prefix listings and deletes at that size; directories cut
# into child frames of their own.

B=${BULK_KEYS:-100000}
ok "attach --memory bulk" holt attach --memory bulk
awk -v n="$B" 'BEGIN { for (i = 0; i < n; i++)
	printf "/srv/vol%02d/dir%03d/file-%07d.dat\t%d:%x\n",
		i % 13, (i * 31) % 997, i, i, i * 2654435761 % 4294967296 }' \
	>"$T_DIR/bulk.tsv"
LC_ALL=C sort "$T_DIR/bulk.tsv" >"$T_DIR/bulk.sorted"
cut -f1 "$T_DIR/bulk.sorted" >"$T_DIR/bulk.keys"
check "the generated input has $B distinct keys" \
	[ "$(uniq "$T_DIR/bulk.keys" | wc -l)" = "$B" ]

t0=$(date +%s)
ok "load $B paths" holt load "$T_DIR/bulk.tsv"
echo "   load: $(( $(date +%s) - t0 )) s"
out_is "count = $B" "$B" holt count
t0=$(date +%s)
file_is "ls lists every path back, in order" "$T_DIR/bulk.keys" holt ls
echo "   ls: $(( $(date +%s) - t0 )) s"
file_is "dump returns every path and value" "$T_DIR/bulk.sorted" holt dump
grep '^/srv/vol07/' "$T_DIR/bulk.sorted" >"$T_DIR/vol07.tsv"
file_is "ls /srv/vol07/ --values" "$T_DIR/vol07.tsv" holt ls /srv/vol07/ --values
out_is "count /srv/vol07/" "$(wc -l <"$T_DIR/vol07.tsv")" holt count /srv/vol07/
cut -f1 "$T_DIR/bulk.keys" | cut -d/ -f1-3 | uniq | sed 's|$|/|' \
	>"$T_DIR/vols"
file_is "ls /srv/ --delimiter / rolls up to the 13 volumes" "$T_DIR/vols" \
	holt ls /srv/ --delimiter /
h=$((B / 2))
sed -n "$((h + 1)),$((h + 100))p" "$T_DIR/bulk.keys" >"$T_DIR/mid"
file_is "ls --start-after the ${h}th key --limit 100" "$T_DIR/mid" \
	holt ls --start-after "$(sed -n "${h}p" "$T_DIR/bulk.keys")" --limit 100

# Delete every path of one volume in one batch, then check the rest.
grep '^/srv/vol03/' "$T_DIR/bulk.keys" | sed 's/^/del /' >"$T_DIR/del.batch"
ok "batch-delete /srv/vol03/ ($(wc -l <"$T_DIR/del.batch") keys)" \
	holt batch "$T_DIR/del.batch"
grep -v '^/srv/vol03/' "$T_DIR/bulk.sorted" >"$T_DIR/rest.tsv"
file_is "dump after the delete" "$T_DIR/rest.tsv" holt dump
out_is "count /srv/vol03/ = 0" "0" holt count /srv/vol03/
ok "detach bulk" holt detach bulk

# Directories that fill a good part of a frame each end up in child frames
# of their own, cut right below their '/' (holt stats: cuts), and the
# listing of their parent still names every one of them.
ok "attach --memory cut" holt attach --memory cut
awk 'BEGIN { for (d = 0; d < 12; d++) for (i = 0; i < 1500; i++)
	printf "/cut/dir%d/file-%05d\t%0100d\n", d, i, i }' >"$T_DIR/cut.tsv"
ok "load 12 directories of 1,500 keys" holt -s cut load "$T_DIR/cut.tsv"
cuts=$(holt -s cut stats | awk '$1 == "cuts" { print $2 }')
check "  ... child frames were cut below a '/' (cuts $cuts)" \
	[ "${cuts:-0}" -ge 1 ]
cut -f1 "$T_DIR/cut.tsv" | cut -d/ -f1-3 | LC_ALL=C sort -u | sed 's|$|/|' \
	>"$T_DIR/cut.dirs"
file_is "  ... ls /cut/ --delimiter / names the 12 directories" \
	"$T_DIR/cut.dirs" holt -s cut ls /cut/ --delimiter /
grep '^/cut/dir7/' "$T_DIR/cut.tsv" | LC_ALL=C sort >"$T_DIR/cut.dir7"
file_is "  ... ls /cut/dir7/ --values gives its 1,500 keys" "$T_DIR/cut.dir7" \
	holt -s cut ls /cut/dir7/ --values
ok "detach cut" holt detach cut

# Memory comes back: attach, load everything, detach; the free memory
# must return to within 2 MiB while the store held many megabytes of frames.
# Free pages parked on the per-cpu lists (which since 6.1 also keep 2 MiB
# blocks, the size of a hint table) are free too: MemFree leaves them out.
memfree() {
	awk '$1 == "MemFree:" { kb = $2 }
	     $1 == "count:" { pcp += $2 }
	     END { print kb + pcp * 4 }' /proc/meminfo /proc/zoneinfo
}
sync
echo 3 >/proc/sys/vm/drop_caches
m0=$(memfree)
holt attach --memory leak >/dev/null 2>&1
holt load "$T_DIR/bulk.tsv" >/dev/null 2>&1
m1=$(memfree)
fr=$(holt stats | awk '$1 == "frames" { print $2 }')
hb=$(holt stats | awk '$1 == "hint_bytes" { print $2 }')
holt detach leak >/dev/null 2>&1
sync
echo 3 >/proc/sys/vm/drop_caches
m2=$(memfree)
echo "   MemFree: ${m0} kB before, ${m1} kB loaded ($fr frames), ${m2} kB after detach"
check "the loaded store used memory (frames: $fr)" [ $((m0 - m1)) -gt 2048 ]
check "the loaded tree has a hint table ($hb bytes)" [ "${hb:-0}" -gt 0 ]
check "detach gives the frames back (within 2 MiB)" [ $((m0 - m2)) -lt 2048 ]
