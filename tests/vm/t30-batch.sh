# SPDX-License-Identifier: GPL-2.0
#
# t30-batch: atomic batches with guards; a failing guard or a malformed file
# applies nothing.

holt attach --memory batch >/dev/null 2>&1
holt put /acct/a 100 >/dev/null 2>&1
holt put /acct/b 50 >/dev/null 2>&1
holt put /lock/held yes >/dev/null 2>&1
t_run holt get /acct/a --version
va=$(cut -f2 "$T_OUT")

# Snapshot of the whole store, to prove "nothing applied".
snap() { holt dump >"$T_DIR/$1" 2>&1; }
snap before

cat >"$T_DIR/b1" <<EOB
assert-version /acct/a $va
put /acct/a 90
put /acct/c 10
put-if-absent /new/x created
del /acct/b
mv /lock/held /lock/moved
assert-empty /free/
EOB
ok "a batch of every kind of line (FILE)" holt batch "$T_DIR/b1"
t_run holt get /acct/a --version
check "  the guard saw the state before the batch, the put a new version" \
	[ "$(cut -f2 "$T_OUT")" -gt "$va" ] 2>/dev/null
printf 'assert-version /acct/a %s\n' "$va" >"$T_DIR/b1b"
rc_is "  ... and the old version no longer passes the guard" 1 \
	holt batch "$T_DIR/b1b"
out_is "  put applied" "90" holt get /acct/a
out_is "  second put applied" "10" holt get /acct/c
out_is "  put-if-absent applied" "created" holt get /new/x
rc_is "  del applied" 1 holt get /acct/b
rc_is "  mv removed the source" 1 holt get /lock/held
out_is "  mv wrote the destination" "yes" holt get /lock/moved

snap before
printf 'put /acct/a 0\nput /zz/new 1\nassert-version /acct/a 1\n' >"$T_DIR/b2"
rc_is "a batch whose assert-version fails exits 1" 1 holt batch "$T_DIR/b2"
snap after
check "  ... and applies nothing" cmp -s "$T_DIR/before" "$T_DIR/after"

printf 'del /acct/c\nput-if-absent /acct/a 1\n' >"$T_DIR/b3"
rc_is "a batch whose put-if-absent meets a key exits 1" 1 \
	holt batch "$T_DIR/b3"
snap after
check "  ... and applies nothing" cmp -s "$T_DIR/before" "$T_DIR/after"

printf 'put /free/one 1\nassert-empty /acct/\n' >"$T_DIR/b4"
rc_is "a batch whose assert-empty fails exits 1" 1 holt batch "$T_DIR/b4"
snap after
check "  ... and applies nothing" cmp -s "$T_DIR/before" "$T_DIR/after"

printf 'put /q/1 1\ndel /does/not/exist\n' >"$T_DIR/b5"
rc_is "a batch deleting a missing key exits 1" 1 holt batch "$T_DIR/b5"
snap after
check "  ... and applies nothing" cmp -s "$T_DIR/before" "$T_DIR/after"

printf 'put /q/1 1\nmv /nope /q/2\n' >"$T_DIR/b6"
rc_is "a batch moving a missing key exits 1" 1 holt batch "$T_DIR/b6"
snap after
check "  ... and applies nothing" cmp -s "$T_DIR/before" "$T_DIR/after"

printf 'put /q/1 1\nfrobnicate /x\n' >"$T_DIR/m1"
rc_is "a batch with an unknown verb exits 2" 2 holt batch "$T_DIR/m1"
snap after
check "  ... and applies nothing" cmp -s "$T_DIR/before" "$T_DIR/after"
printf 'put /q/1 1\nput /only-key\n' >"$T_DIR/m2"
rc_is "a batch with a put lacking its value exits 2" 2 holt batch "$T_DIR/m2"
snap after
check "  ... and applies nothing" cmp -s "$T_DIR/before" "$T_DIR/after"
printf 'put /q/1 1\nassert-version /acct/a notanumber\n' >"$T_DIR/m3"
rc_is "a batch with a bad version exits 2" 2 holt batch "$T_DIR/m3"
snap after
check "  ... and applies nothing" cmp -s "$T_DIR/before" "$T_DIR/after"
rc_is "a batch from a missing file fails" "2|3" holt batch /no/such/file
snap after
check "  ... and applies nothing" cmp -s "$T_DIR/before" "$T_DIR/after"

printf 'put /stdin/1 one\nput /stdin/2 two\n' >"$T_DIR/b7"
t_run sh -c "holt batch <'$T_DIR/b7'"
check "a batch from standard input" [ "$T_RC" = 0 ]
out_is "  ... applied" "one" holt get /stdin/1
out_is "  ... all of it" "two" holt get /stdin/2

# A batch of many operations is applied whole.
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "put /many/%05d v%d\n", i, i }' \
	>"$T_DIR/b8"
ok "a batch of 5000 puts" holt batch "$T_DIR/b8"
out_is "  ... all applied" "5000" holt count /many/
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "del /many/%05d\n", i;
	print "assert-version /many/00000 0" }' >"$T_DIR/b9"
snap before
ok "a batch of 5000 deletes ending with a guard on a deleted key" \
	holt batch "$T_DIR/b9"
out_is "  ... all applied" "0" holt count /many/
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "put /many/%05d v%d\n", i, i;
	print "assert-empty /many/" }' >"$T_DIR/b10"
snap before
rc_is "5000 puts then a failing assert-empty exits 1" 1 holt batch "$T_DIR/b10"
snap after
check "  ... and applies none of the 5000" cmp -s "$T_DIR/before" "$T_DIR/after"
