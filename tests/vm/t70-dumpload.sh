# SPDX-License-Identifier: GPL-2.0
#
# t70-dumpload: dump prints KEY<TAB>VALUE lines that load reads back into an
# identical store.

ok "attach --memory d1" holt attach --memory d1
awk 'BEGIN { srand(7);
	for (i = 0; i < 2000; i++) {
		k = sprintf("/dl/%c/%04d", 97 + i % 7, i * 7919 % 10007)
		v = ""
		n = int(rand() * 60)
		for (j = 0; j < n; j++) {
			c = 32 + int(rand() * 95)
			if (c == 92) c = 47	# no backslash: see the escapes below
			v = v sprintf("%c", c)
		}
		printf "%s\t%s\n", k, v
	} }' >"$T_DIR/in.tsv"
printf '/dl/empty\t\n' >>"$T_DIR/in.tsv"
printf '/dl/spaces\t  lead and trail  \n' >>"$T_DIR/in.tsv"
LC_ALL=C sort -t "$(printf '\t')" -k1,1 -u "$T_DIR/in.tsv" >"$T_DIR/want.tsv"
n=$(wc -l <"$T_DIR/want.tsv")
ok "load FILE" holt load "$T_DIR/in.tsv"
out_is "count after load" "$n" holt count
file_is "dump equals the sorted input" "$T_DIR/want.tsv" holt dump
grep '^/dl/c/' "$T_DIR/want.tsv" >"$T_DIR/want-c.tsv"
file_is "dump PREFIX" "$T_DIR/want-c.tsv" holt dump /dl/c/
holt dump >"$T_DIR/d1.tsv" 2>/dev/null

ok "attach --memory d2" holt attach --memory d2
t_run sh -c "holt -s d2 load <'$T_DIR/d1.tsv'"
check "load from standard input (no tty: no progress bar)" [ "$T_RC" = 0 ]
check "  ... and nothing on stdout" [ ! -s "$T_OUT" ]
file_is "the reloaded store dumps identically" "$T_DIR/d1.tsv" holt -s d2 dump

# The line escapes (Documentation/cli.rst): \t \n \xHH in load and dump.
printf '/esc/tab\tx\\ty\n/esc/nl\ta\\nb\n/esc/bs\tc:\\dir\n' >"$T_DIR/esc.tsv"
ok "load escaped values" holt -s d2 load "$T_DIR/esc.tsv"
t_run holt -s d2 get /esc/tab
check "  ... \\t is a tab" [ "$(cat "$T_OUT")" = "$(printf 'x\ty')" ]
t_run holt -s d2 get /esc/nl
check "  ... \\n is a newline" [ "$(cat "$T_OUT")" = "$(printf 'a\nb')" ]
t_run holt -s d2 get /esc/bs
check "  ... another backslash is itself" [ "$(cat "$T_OUT")" = 'c:\dir' ]
LC_ALL=C sort "$T_DIR/esc.tsv" >"$T_DIR/esc.want"
file_is "dump writes them back escaped" "$T_DIR/esc.want" holt -s d2 dump /esc/

printf '/x/ok\t1\nno-tab-line\n' >"$T_DIR/bad.tsv"
t_run holt -s d2 load "$T_DIR/bad.tsv"
check "load of a line without a tab fails" [ "$T_RC" != 0 ] && [ -s "$T_ERR" ]
rc_is "load of a missing file fails" "2|3" holt -s d2 load /no/such.tsv
ok "detach d2" holt detach d2
ok "detach d1" holt detach d1
