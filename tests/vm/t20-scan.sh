# SPDX-License-Identifier: GPL-2.0
#
# t20-scan: ls (prefix, delimiter, start-after, limit, values), count and
# longest-prefix against known contents.

holt attach --memory scan >/dev/null 2>&1
for k in /a /a/1 /a/2 /a/2/x /a/3 /b/1 /b/2/y /b/2/z /c; do
	holt put "$k" "v$k" >/dev/null 2>&1
done
ok "the fixture is written" holt get /c

out_is "ls lists every key in order" "/a
/a/1
/a/2
/a/2/x
/a/3
/b/1
/b/2/y
/b/2/z
/c" holt ls
out_is "ls PREFIX" "/a/1
/a/2
/a/2/x
/a/3" holt ls /a/
out_is "ls with a prefix that is itself a key" "/a
/a/1
/a/2
/a/2/x
/a/3" holt ls /a
out_is "ls a prefix with no keys prints nothing" "" holt ls /zzz
out_is "ls --delimiter / at the root rolls up" "/" holt ls --delimiter /
out_is "ls / --delimiter /" "/a
/a/
/b/
/c" holt ls / --delimiter /
out_is "ls /a/ --delimiter /" "/a/1
/a/2
/a/2/
/a/3" holt ls /a/ --delimiter /
out_is "ls /b/ --delimiter /" "/b/1
/b/2/" holt ls /b/ --delimiter /
out_is "ls --start-after" "/a/3
/b/1
/b/2/y
/b/2/z
/c" holt ls --start-after /a/2/x
out_is "ls --start-after a key that does not exist" "/b/1
/b/2/y
/b/2/z
/c" holt ls --start-after /a/9
out_is "ls PREFIX --start-after" "/a/2/x
/a/3" holt ls /a/ --start-after /a/2
out_is "ls --limit 3" "/a
/a/1
/a/2" holt ls --limit 3
out_is "ls --limit 2 --start-after" "/b/1
/b/2/y" holt ls --start-after /a/3 --limit 2
out_is "ls --limit counts rollups" "/a
/a/" holt ls / --delimiter / --limit 2
out_is "ls --values" "/b/1	v/b/1
/b/2/y	v/b/2/y
/b/2/z	v/b/2/z" holt ls /b/ --values
out_is "ls --values --delimiter" "/a/1	v/a/1
/a/2	v/a/2
/a/2/
/a/3	v/a/3" holt ls /a/ --delimiter / --values

out_is "count" "9" holt count
out_is "count PREFIX" "4" holt count /a/
out_is "count /b/2/" "2" holt count /b/2/
out_is "count of an absent prefix" "0" holt count /nothing
t_run holt count --limit 5
check "count --limit 5 stops at 5 or more, at most the total" \
	[ "$T_RC" = 0 ] && [ "$(cat "$T_OUT")" -ge 5 ] 2>/dev/null &&
	[ "$(cat "$T_OUT")" -le 9 ]
out_is "count --limit above the total" "9" holt count --limit 100

out_is "longest-prefix of a stored key is the key" "/a/2/x" \
	holt longest-prefix /a/2/x
t_run holt longest-prefix /a/2/xyz
check "longest-prefix /a/2/xyz is /a/2/x" \
	[ "$T_RC" = 0 ] && [ "$(cut -f1 "$T_OUT")" = /a/2/x ]
t_run holt longest-prefix /a/3/deeper
check "longest-prefix /a/3/deeper is /a/3" \
	[ "$T_RC" = 0 ] && [ "$(cut -f1 "$T_OUT")" = /a/3 ]
t_run holt longest-prefix /a/0
check "longest-prefix /a/0 is /a" \
	[ "$T_RC" = 0 ] && [ "$(cut -f1 "$T_OUT")" = /a ]
rc_is "longest-prefix with no stored prefix exits 1" 1 holt longest-prefix /d/1
rc_is "longest-prefix of a shorter key exits 1" 1 holt longest-prefix /

# A larger listing crossing several netlink messages, with values.
awk 'BEGIN { for (i = 0; i < 3000; i++)
	printf "/big/%05d\tvalue-%05d-%s\n", i, i, "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghij" }' \
	>"$T_DIR/big.tsv"
ok "load 3000 keys with values" holt load "$T_DIR/big.tsv"
file_is "ls /big/ --values returns all of them, in order" "$T_DIR/big.tsv" \
	holt ls /big/ --values
cut -f1 "$T_DIR/big.tsv" >"$T_DIR/big.keys"
file_is "ls /big/ returns every key" "$T_DIR/big.keys" holt ls /big/
sed -n '1001,3000p' "$T_DIR/big.keys" >"$T_DIR/big.after"
file_is "ls /big/ --start-after /big/00999" "$T_DIR/big.after" \
	holt ls /big/ --start-after /big/00999
head -n 1234 "$T_DIR/big.keys" >"$T_DIR/big.head"
file_is "ls /big/ --limit 1234" "$T_DIR/big.head" holt ls /big/ --limit 1234
out_is "count /big/" "3000" holt count /big/
