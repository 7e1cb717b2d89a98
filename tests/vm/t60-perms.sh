# SPDX-License-Identifier: GPL-2.0
#
# t60-perms: stores are checked like files (owner uid/gid, mode); the
# administrative commands need CAP_SYS_ADMIN.  runas (tests/vm/runas.c)
# switches to an unprivileged uid/gid without capabilities.

check "runas is installed" [ -x /bin/runas ]
out_is "runas 1000 id -u" "1000" runas 1000 id -u

ok "attach a root-only store (the default)" holt attach --memory root0
ok "root writes it" holt -s root0 put /k root
rc_is "uid 1000 cannot read a default (root-only) store" 3 \
	runas 1000 holt -s root0 get /k
check "  ... and is told so" [ -s "$T_ERR" ]
rc_is "uid 1000 cannot write it" 3 runas 1000 holt -s root0 put /k x
out_is "  ... the value is unchanged" "root" holt -s root0 get /k
ok "detach root0" holt detach root0

ok "attach --memory s --owner 1000 --mode 0600" \
	holt attach --memory s --owner 1000 --mode 0600
ok "uid 1000 writes its store" runas 1000 holt -s s put /mine yes
out_is "uid 1000 reads its store" "yes" runas 1000 holt -s s get /mine
out_is "uid 1000 lists its store" "/mine" runas 1000 holt -s s ls
ok "uid 1000 runs a batch" sh -c "printf 'put /b 1\n' | runas 1000 holt -s s batch"
ok "uid 1000 deletes" runas 1000 holt -s s del /b
rc_is "uid 1001 cannot read it" 3 runas 1001 holt -s s get /mine
check "  ... and is told why (permission)" grep -qi 'perm\|denied\|acces' "$T_ERR"
rc_is "uid 1001 cannot write it" 3 runas 1001 holt -s s put /theirs no
rc_is "  ... nothing was written" 1 holt -s s get /theirs
rc_is "uid 1001 cannot delete" 3 runas 1001 holt -s s del /mine
out_is "  ... the key is still there" "yes" holt -s s get /mine
rc_is "uid 1001 cannot mv" 3 runas 1001 holt -s s mv /mine /moved
rc_is "uid 1001 cannot ls" 3 runas 1001 holt -s s ls
rc_is "uid 1001 cannot count" 3 runas 1001 holt -s s count
rc_is "uid 1001 cannot dump" 3 runas 1001 holt -s s dump
printf '/l\t1\n' >"$T_DIR/p.tsv"
rc_is "uid 1001 cannot load" 3 runas 1001 holt -s s load "$T_DIR/p.tsv"
printf 'put /bb 1\n' >"$T_DIR/p.batch"
rc_is "uid 1001 cannot run a batch" 3 runas 1001 holt -s s batch "$T_DIR/p.batch"
out_is "  ... the store holds only /mine" "/mine" holt -s s ls
t_run runas 1001 holt stores
check "uid 1001 may list the stores" [ "$T_RC" = 0 ] && grep -q '^s' "$T_OUT"

rc_is "uid 1000 cannot create a tree (admin)" 3 runas 1000 holt -s s tree create t
rc_is "uid 1000 cannot attach a store (admin)" 3 runas 1000 holt attach --memory u
rc_is "uid 1000 cannot detach its own store (admin)" 3 runas 1000 holt detach s
rc_is "uid 1000 cannot checkpoint (admin)" 3 runas 1000 holt -s s checkpoint
out_is "  ... only the stores root made" "s" t_stores
ok "root creates a tree in s" holt -s s tree create t
rc_is "uid 1000 cannot drop it (admin)" 3 runas 1000 holt -s s tree drop t
ok "uid 1000 writes the new tree" runas 1000 holt -s s -t t put /x 1
ok "detach s" holt detach s

ok "attach --memory pub --owner 1000 --mode 0644" \
	holt attach --memory pub --owner 1000 --mode 0644
ok "the owner writes" runas 1000 holt -s pub put /p 1
out_is "others read (mode 0644)" "1" runas 1001 holt -s pub get /p
rc_is "others cannot write (mode 0644)" 3 runas 1001 holt -s pub put /p 2
out_is "  ... unchanged" "1" holt -s pub get /p
ok "root (CAP_DAC_OVERRIDE) writes any store" holt -s pub put /p 3

rc_is "the owner cannot chmod (admin)" 3 runas 1000 holt -s pub chmod 0666
rc_is "the owner cannot chown (admin)" 3 runas 1000 holt -s pub chown 1001
ok "root: chmod 0600" holt -s pub chmod 0600
rc_is "  ... others can no longer read" 3 runas 1001 holt -s pub get /p
ok "root: chown 1001:1001" holt -s pub chown 1001:1001
ok "  ... the new owner writes" runas 1001 holt -s pub put /p 4
rc_is "  ... the old owner is denied" 3 runas 1000 holt -s pub get /p
ok "root: chown 1000:1001 and chmod 0640" \
	sh -c "holt -s pub chown 1000:1001 && holt -s pub chmod 0640"
out_is "  ... the group reads" "4" runas 1001 holt -s pub get /p
rc_is "  ... the group cannot write" 3 runas 1001 holt -s pub put /p 5
rc_is "  ... others cannot read" 3 runas 1002 holt -s pub get /p
rc_is "chmod with a bad mode is a usage error" 2 holt -s pub chmod 9999
ok "detach pub" holt detach pub
