# SPDX-License-Identifier: GPL-2.0
#
# t50-limits: keys and values at and beyond the ABI's limits; too long is an
# error that writes nothing.

holt attach --memory lim >/dev/null 2>&1
kmax=$(printf '/'; t_repeat $((KEY_MAX - 1)) k)
kover=$(printf '/'; t_repeat "$KEY_MAX" k)
k64=$(printf '/'; t_repeat 65534 k)
vmax=$(t_repeat "$VAL_MAX" v)
vover=$(t_repeat $((VAL_MAX + 1)) v)
v64=$(t_repeat 65536 v)

ok "a key of HOLT_KEY_MAX_LEN ($KEY_MAX) bytes" holt put "$kmax" max
out_is "  ... reads back" "max" holt get "$kmax"
t_run holt ls --limit 1
check "  ... and lists back whole" [ "$(cat "$T_OUT")" = "$kmax" ]
rc_is "a key of $((KEY_MAX + 1)) bytes is an error" "2|3" holt put "$kover" x
check "  ... with a message" [ -s "$T_ERR" ]
rc_is "a key of 65535 bytes is an error" "2|3" holt put "$k64" x
rc_is "get with a key too long is an error, not a crash" "1|2|3" \
	holt get "$kover"
ok "a value of HOLT_VAL_MAX_LEN ($VAL_MAX) bytes" holt put /vmax "$vmax"
t_run holt get /vmax
check "  ... reads back whole" [ "$(cat "$T_OUT")" = "$vmax" ]
t_run holt ls /vmax --values
check "  ... and scans back whole" [ "$(cat "$T_OUT")" = "/vmax	$vmax" ]
rc_is "a value of $((VAL_MAX + 1)) bytes is an error" "2|3" holt put /vover "$vover"
check "  ... with a message" [ -s "$T_ERR" ]
rc_is "a value of 65536 bytes is an error" "2|3" holt put /v64 "$v64"
rc_is "put --if-absent with a value too long is an error" "2|3" \
	holt put /v64b "$v64" --if-absent
out_is "nothing was written by the refused puts" "2" holt count
rc_is "  ... /vover absent" 1 holt get /vover
rc_is "  ... /v64 absent" 1 holt get /v64
rc_is "an overwrite with a value too long is refused" "2|3" holt put /vmax "$vover"
t_run holt get /vmax
check "  ... and keeps the old value" [ "$(cat "$T_OUT")" = "$vmax" ]

printf 'put /b/1 one\nput %s two\n' "$kover" >"$T_DIR/long.batch"
rc_is "a batch with a key too long fails" "1|2|3" holt batch "$T_DIR/long.batch"
rc_is "  ... and applies nothing" 1 holt get /b/1
printf '/l/1\tone\n%s\ttwo\n' "$kover" >"$T_DIR/long.tsv"
t_run holt load "$T_DIR/long.tsv"
check "load with a key too long fails" [ "$T_RC" != 0 ]
check "  ... with a message" [ -s "$T_ERR" ]
ok "mv to a key of the maximum length" holt mv /vmax "$kmax" --force
rc_is "mv to a key too long is an error" "2|3" holt mv "$kmax" "$kover"
out_is "  ... the source stays" "$vmax" holt get "$kmax"
out_is "the store holds what it should" "1" holt count
