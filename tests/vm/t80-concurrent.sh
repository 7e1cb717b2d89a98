# SPDX-License-Identifier: GPL-2.0
#
# t80-concurrent: several clients at once, checked against an oracle.
#   - W writers, each putting and then deleting part of its own key range;
#   - C incrementers doing compare-and-set (--if-version) increments on two
#     shared counters, retrying on a failed guard;
#   - a reader listing a prefix whose "stable" keys exist for the whole run
#     while churn keys between them come and go: every listing must hold
#     every stable key exactly once, in order (the dump cursor property).
# Afterwards the store must hold exactly the expected keys and values.

W=${CONC_WRITERS:-4}
N=${CONC_KEYS:-100}
C=${CONC_INCR:-3}
I=${CONC_ROUNDS:-25}

ok "attach --memory conc" holt attach --memory conc
ok "counter /ctr/0 = 0" holt put /ctr/0 0
ok "counter /ctr/1 = 0" holt put /ctr/1 0
pad=0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz
awk -v p="$pad" 'BEGIN { for (i = 0; i < 2000; i++)
	printf "/st/%05d-s\t%s%s%s\n", i * 2, p, p, p }' >"$T_DIR/stable.tsv"
ok "load the stable keys" holt load "$T_DIR/stable.tsv"
cut -f1 "$T_DIR/stable.tsv" >"$T_DIR/stable.keys"

# writer ID: puts /w/ID/J = ID-J, then deletes the odd J; also churns keys
# between the stable ones.
writer()
{
	j=0
	while [ $j -lt $N ]; do
		holt put "/w/$1/$j" "$1-$j" >/dev/null ||
			echo "writer $1: put $j: $?"
		holt put "/st/$(printf %05d $((j * 2 + 1)))-c$1" churn >/dev/null ||
			echo "writer $1: churn put $j"
		j=$((j + 1))
	done
	j=1
	while [ $j -lt $N ]; do
		holt del "/w/$1/$j" >/dev/null || echo "writer $1: del $j: $?"
		holt del "/st/$(printf %05d $((j * 2 + 1)))-c$1" >/dev/null ||
			echo "writer $1: churn del $j"
		j=$((j + 2))
	done
}

# incrementer ID: I increments of each counter by compare-and-set.
incrementer()
{
	r=0
	while [ $r -lt $I ]; do
		for c in 0 1; do
			tries=0
			while :; do
				line=$(holt get "/ctr/$c" --version) ||
					{ echo "incr $1: get failed"; break; }
				val=${line%%	*}
				ver=${line##*	}
				holt put "/ctr/$c" $((val + 1)) --if-version "$ver" \
					>/dev/null 2>"$T_DIR/incr.$1.err"
				rc=$?
				[ $rc = 0 ] && break
				[ $rc = 1 ] || { echo "incr $1: put exit $rc:" \
					"$(cat "$T_DIR/incr.$1.err")"; break; }
				tries=$((tries + 1))
				[ $tries -lt 1000 ] || { echo "incr $1: starved"; break; }
			done
		done
		r=$((r + 1))
	done
}

# reader: list /st/ with values until told to stop; report bad listings.
reader()
{
	n=0
	while [ ! -f "$T_DIR/stop" ] || [ $n -lt 3 ]; do
		holt ls /st/ --values >"$T_DIR/r.out" 2>"$T_DIR/r.err" ||
			echo "reader: ls exit $?: $(head -n 1 "$T_DIR/r.err")"
		grep -e '-s	' "$T_DIR/r.out" | cut -f1 >"$T_DIR/r.stable"
		cmp -s "$T_DIR/r.stable" "$T_DIR/stable.keys" ||
			echo "reader: listing $n lost or repeated stable keys"
		LC_ALL=C sort -c "$T_DIR/r.out" 2>/dev/null ||
			echo "reader: listing $n out of order"
		n=$((n + 1))
	done
	echo "reader: $n listings" >"$T_DIR/reader.count"
}

rm -f "$T_DIR/stop"
reader >"$T_DIR/reader.log" 2>&1 &
rpid=$!
pids=
k=0
while [ $k -lt "$W" ]; do
	writer "$k" >"$T_DIR/writer.$k.log" 2>&1 &
	pids="$pids $!"
	k=$((k + 1))
done
k=0
while [ $k -lt "$C" ]; do
	incrementer "$k" >"$T_DIR/incr.$k.log" 2>&1 &
	pids="$pids $!"
	k=$((k + 1))
done
# shellcheck disable=SC2086
wait $pids
touch "$T_DIR/stop"
wait $rpid

cat "$T_DIR"/writer.*.log "$T_DIR"/incr.*.log >"$T_DIR/clients.log"
check "no client reported an error" [ ! -s "$T_DIR/clients.log" ]
[ -s "$T_DIR/clients.log" ] && head -n 5 "$T_DIR/clients.log"
check "the reader's listings were all exact" [ ! -s "$T_DIR/reader.log" ]
[ -s "$T_DIR/reader.log" ] && head -n 5 "$T_DIR/reader.log"
echo "   $(cat "$T_DIR/reader.count" 2>/dev/null)"

# The oracle.
awk -v w="$W" -v n="$N" -v c="$C" -v i="$I" 'BEGIN {
	printf "/ctr/0\t%d\n/ctr/1\t%d\n", c * i, c * i
	for (k = 0; k < w; k++)
		for (j = 0; j < n; j += 2) printf "/w/%d/%d\t%d-%d\n", k, j, k, j
	for (j = 0; j < n; j += 2)
		for (k = 0; k < w; k++)
			printf "/st/%05d-c%d\tchurn\n", j * 2 + 1, k
	}' >"$T_DIR/oracle.tsv"
cat "$T_DIR/stable.tsv" >>"$T_DIR/oracle.tsv"
LC_ALL=C sort "$T_DIR/oracle.tsv" >"$T_DIR/oracle.sorted"
file_is "the store equals the oracle exactly" "$T_DIR/oracle.sorted" holt dump
[ "$T_RC" = 0 ] && diff "$T_DIR/oracle.sorted" "$T_OUT" | head -n 6
out_is "counter 0 = $((C * I))" "$((C * I))" holt get /ctr/0
out_is "counter 1 = $((C * I))" "$((C * I))" holt get /ctr/1
ok "detach conc" holt detach conc
