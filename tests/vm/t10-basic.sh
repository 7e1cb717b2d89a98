# SPDX-License-Identifier: GPL-2.0
#
# t10-basic: attach, stores, put/get/del with versions and guards, mv, and
# the exit statuses of the CLI contract (0 done, 1 a definite no, 2 usage).

# The store's background reclaim stays off until its own part below: a
# round queued by an early delete would race the checks of hollow frames.
RECLAIM=/sys/module/holt/parameters/reclaim_delay_ms
ok "background reclaim off" sh -c "echo 0 > $RECLAIM"

rc_is "a data command with no store attached fails" "1|3" holt get /x
check "  ... and says so on stderr" [ -s "$T_ERR" ]

ok "attach --memory s1" holt attach --memory s1
out_is "stores lists s1" "s1" t_stores
rc_is "attaching s1 twice fails" "1|3" holt attach --memory s1
out_is "still one store" "s1" t_stores

rc_is "get of a missing key exits 1" 1 holt get /nope
check "  ... with a message on stderr" [ -s "$T_ERR" ]
check "  ... and nothing on stdout" [ ! -s "$T_OUT" ]
rc_is "del of a missing key exits 1" 1 holt del /nope

ok "put /a/b hello" holt put /a/b hello
out_is "get /a/b" "hello" holt get /a/b
out_is "get -s s1 -t default /a/b" "hello" holt -s s1 -t default get /a/b
ok "put a value with spaces" holt put /a/sp "two words  and more"
out_is "get it back exactly" "two words  and more" holt get /a/sp
ok "put an empty value" holt put /a/empty ""
out_is "get an empty value" "" holt get /a/empty

t_run holt get /a/b --version
v1=$(cut -f2 "$T_OUT")
check "get --version prints VALUE<TAB>VERSION" \
	[ "$T_RC" = 0 ] && [ "$(cut -f1 "$T_OUT")" = hello ] && [ -n "$v1" ] &&
	[ "$v1" -gt 0 ] 2>/dev/null
ok "overwrite /a/b" holt put /a/b world
t_run holt get /a/b --version
v2=$(cut -f2 "$T_OUT")
check "the version grows on overwrite" [ "$v2" -gt "$v1" ] 2>/dev/null
out_is "get the new value" "world" holt get /a/b

rc_is "put --if-absent on an existing key exits 1" 1 \
	holt put /a/b other --if-absent
out_is "  ... and the value is unchanged" "world" holt get /a/b
ok "put --if-absent on a new key" holt put /a/new fresh --if-absent
out_is "  ... writes it" "fresh" holt get /a/new

rc_is "put --if-version with a stale version exits 1" 1 \
	holt put /a/b stale --if-version "$v1"
out_is "  ... and the value is unchanged" "world" holt get /a/b
ok "put --if-version with the current version" \
	holt put /a/b third --if-version "$v2"
out_is "  ... writes it" "third" holt get /a/b
rc_is "put --if-version 0 (absent) on an existing key exits 1" 1 \
	holt put /a/b x --if-version 0
ok "put --if-version 0 on a missing key creates it" \
	holt put /a/v0 created --if-version 0
out_is "  ... readable" "created" holt get /a/v0
rc_is "put --if-absent with --if-version is a usage error" 2 \
	holt put /a/b x --if-absent --if-version 1

t_run holt get /a/b --version
v3=$(cut -f2 "$T_OUT")
rc_is "del --if-version with a stale version exits 1" 1 \
	holt del /a/b --if-version "$v1"
out_is "  ... and the key is still there" "third" holt get /a/b
ok "del --if-version with the current version" \
	holt del /a/b --if-version "$v3"
rc_is "  ... the key is gone" 1 holt get /a/b
ok "del /a/new" holt del /a/new
rc_is "  ... gone" 1 holt get /a/new
rc_is "del it again exits 1" 1 holt del /a/new

# mv
ok "put /m/src" holt put /m/src payload
ok "mv /m/src /m/dst" holt mv /m/src /m/dst
rc_is "  ... the source is gone" 1 holt get /m/src
out_is "  ... the destination holds the value" "payload" holt get /m/dst
rc_is "mv a missing source exits 1" 1 holt mv /m/none /m/x
rc_is "  ... and creates nothing" 1 holt get /m/x
ok "put /m/other" holt put /m/other keep
rc_is "mv onto an existing key without --force exits 1" 1 \
	holt mv /m/dst /m/other
out_is "  ... the destination is unchanged" "keep" holt get /m/other
out_is "  ... the source is still there" "payload" holt get /m/dst
ok "mv --force onto an existing key" holt mv /m/dst /m/other --force
out_is "  ... replaces the destination" "payload" holt get /m/other
rc_is "  ... and removes the source" 1 holt get /m/dst

# Versions never repeat, deletes included.
holt put /ver/a 1 >/dev/null 2>&1
t_run holt get /ver/a --version
va=$(cut -f2 "$T_OUT")
holt del /ver/a >/dev/null 2>&1
holt put /ver/a 2 >/dev/null 2>&1
t_run holt get /ver/a --version
vb=$(cut -f2 "$T_OUT")
check "a re-created key gets a new, larger version" [ "$vb" -gt "$va" ] 2>/dev/null

# Keys with odd bytes: spaces, tabs are values only; UTF-8 and punctuation.
ok "put a key with spaces and UTF-8" holt put "/odd/é k=v;#" "ü"
out_is "  ... get it back" "ü" holt get "/odd/é k=v;#"

# A delete that empties a directory beside a live one keeps the tree
# dense and marks its frame hollow; holt compact clears the mark.  (The
# background reclaim would too: it is off so far.)
stat_of() { holt stats | awk -v k="$1" '$1 == k { print $2 }'; }
ok "compact before" holt compact
ok "put /dn/a/1" holt put /dn/a/1 x
ok "put /dn/a/2" holt put /dn/a/2 x
ok "put /dn/b/1" holt put /dn/b/1 x
ok "delete /dn/a/1" holt del /dn/a/1
ok "delete /dn/a/2" holt del /dn/a/2
out_is "  ... the tree is still dense" "1" stat_of dense
out_is "  ... its frame is hollow" "1" stat_of hollow_frames
out_is "  ... /dn/ lists b/ alone" "/dn/b/" holt ls /dn/ --delimiter /
ok "compact" holt compact
out_is "  ... dense" "1" stat_of dense
out_is "  ... no hollow frame" "0" stat_of hollow_frames

# The same deletes with the background reclaim on (100 ms after them):
# the store's work rebuilds the frame without being asked.
ok "background reclaim after 100 ms" sh -c "echo 100 > $RECLAIM"
ok "put /rc/a/1" holt put /rc/a/1 x
ok "put /rc/a/2" holt put /rc/a/2 x
ok "put /rc/b/1" holt put /rc/b/1 x
ok "delete /rc/a/1" holt del /rc/a/1
ok "delete /rc/a/2" holt del /rc/a/2
sleep 2
out_is "  ... no tombstone left" "0" stat_of tombstones
out_is "  ... no hollow frame" "0" stat_of hollow_frames
out_is "  ... dense" "1" stat_of dense
out_is "  ... /rc/ lists b/ alone" "/rc/b/" holt ls /rc/ --delimiter /
ok "background reclaim back to 1000 ms" sh -c "echo 1000 > $RECLAIM"

# Usage errors exit 2.
rc_is "no command is a usage error" 2 holt
rc_is "an unknown command is a usage error" 2 holt frobnicate
rc_is "put without a value is a usage error" 2 holt put /only-key
rc_is "get without a key is a usage error" 2 holt get
rc_is "an unknown option is a usage error" 2 holt get /a/sp --bogus
rc_is "--if-version with a non-number is a usage error" 2 \
	holt put /a/sp x --if-version abc
rc_is "an empty key is refused" "2|3" holt put "" value
rc_is "ls --limit with a non-number is a usage error" 2 holt ls --limit x

ok "detach s1" holt detach s1
out_is "no store left" "" t_stores
rc_is "detach s1 again fails" "1|3" holt detach s1
rc_is "a data command on a detached store fails" "1|3" holt -s s1 get /a/sp
