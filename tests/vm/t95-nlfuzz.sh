# SPDX-License-Identifier: GPL-2.0
#
# t95-nlfuzz: malformed and random generic netlink requests (nlfuzz.c) as
# root and as an unprivileged user; every reply must be well formed, the
# family must keep answering, holt must keep working, and the kernel log
# (checked at the end of the suite) must stay clean.

S=${NLFUZZ_SEED:-1}
check "nlfuzz is installed" [ -x /bin/nlfuzz ]
ok "attach --memory fz" holt attach --memory fz --owner 1000 --mode 0640
ok "tree create t1" holt -s fz tree create t1
for k in /a /a/b /b/c /c /d/a/x; do holt -s fz put "$k" v >/dev/null 2>&1; done
ok "nlfuzz as root, no destructive admin commands (6000 requests)" \
	nlfuzz -a -n 6000 -s "$S"
tail -n 1 "$T_OUT" | sed 's/^/   /'
ok "the store is still there and answers" holt -s fz count
ok "nlfuzz as uid 1000, the store's owner (2000 requests)" \
	runas 1000 nlfuzz -n 2000 -s $((S + 1))
tail -n 1 "$T_OUT" | sed 's/^/   /'
ok "nlfuzz as uid 1001, in the store's group (1000 requests)" \
	runas 1001:1000 nlfuzz -n 1000 -s $((S + 2))
ok "nlfuzz as root, every command but format (3000 requests)" \
	nlfuzz -n 3000 -s $((S + 3))
tail -n 1 "$T_OUT" | sed 's/^/   /'
t_detach_all
ok "attach a fresh store after the fuzzing" holt attach --memory after
ok "  ... put" holt put /k v
out_is "  ... get" "v" holt get /k
ok "  ... detach" holt detach after
