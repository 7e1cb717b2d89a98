# SPDX-License-Identifier: GPL-2.0
#
# t40-trees: named trees, several stores, unknown store or tree, checkpoint,
# sync, compact and stats (--json).

ok "attach --memory st1" holt attach --memory st1
t_trees() { holt "$@" tree list 2>/dev/null | awk '{ print $1 }'; }
out_is "a new store has the tree default" "default" t_trees
ok "tree create users" holt tree create users
ok "tree create groups" holt tree create groups
out_is "tree list, in name order" "default
groups
users" t_trees
rc_is "tree create of an existing tree fails" "1|3" holt tree create users
rc_is "a bad tree name is refused" "2|3" holt tree create "a/b"

ok "put into the tree users" holt -t users put /u/1 alice
ok "put the same key into default" holt put /u/1 default-value
out_is "the trees are separate (users)" "alice" holt -t users get /u/1
out_is "the trees are separate (default)" "default-value" holt get /u/1
rc_is "the key is not in groups" 1 holt -t groups get /u/1
out_is "ls in a tree" "/u/1" holt -t users ls
out_is "count in a tree" "1" holt -t users count
rc_is "an unknown tree fails" "1|3" holt -t nosuch get /u/1
check "  ... with a message" [ -s "$T_ERR" ]
rc_is "put into an unknown tree fails" "1|3" holt -t nosuch put /x y
rc_is "ls of an unknown tree fails" "1|3" holt -t nosuch ls
ok "tree drop users" holt tree drop users
out_is "tree list after the drop" "default
groups" t_trees
rc_is "a dropped tree is gone" "1|3" holt -t users get /u/1
rc_is "dropping it again fails" "1|3" holt tree drop users
rc_is "the tree default cannot be dropped" "1|2|3" holt tree drop default
out_is "  ... and keeps its keys" "default-value" holt get /u/1
ok "re-create users" holt tree create users
rc_is "  ... it starts empty" 1 holt -t users get /u/1

# Two stores: -s chooses; without -s a data command is refused.
ok "attach --memory st2" holt attach --memory st2
out_is "stores lists both, in order" "st1
st2" t_stores
rc_is "get without -s with two stores attached fails" "1|2|3" holt get /u/1
ok "put into st2" holt -s st2 put /u/1 second
out_is "-s st1" "default-value" holt -s st1 get /u/1
out_is "-s st2" "second" holt -s st2 get /u/1
rc_is "an unknown store fails" "1|3" holt -s nosuch get /u/1
check "  ... with a message" [ -s "$T_ERR" ]
rc_is "put to an unknown store fails" "1|3" holt -s nosuch put /a b
rc_is "detach of an unknown store fails" "1|3" holt detach nosuch
ok "detach st2" holt detach st2
out_is "one store left" "st1" t_stores
out_is "without -s again" "default-value" holt get /u/1

ok "checkpoint on a memory store" holt checkpoint
ok "sync on a memory store" holt sync
ok "compact on a memory store" holt compact
out_is "  ... the data is intact" "default-value" holt get /u/1

# stats
for i in 1 2 3 4 5 6 7 8 9; do holt put "/s/$i" "$i" >/dev/null 2>&1; done
ok "stats" holt stats
check "  ... prints something" [ -s "$T_OUT" ]
t_run holt --json stats
check "--json stats exits 0" [ "$T_RC" = 0 ]
check "  ... is one JSON object" \
	awk 'BEGIN { RS = "\001" } { gsub(/[ \t\n]+$/, ""); gsub(/^[ \t\n]+/, "") }
	     END { exit !(substr($0, 1, 1) == "{" && substr($0, length($0)) == "}") }' "$T_OUT"
check "  ... with balanced braces and quotes" \
	awk 'BEGIN { RS = "\001" } { o = gsub(/\{/, "{"); c = gsub(/\}/, "}");
	     q = gsub(/"/, "\"") } END { exit !(o == c && q % 2 == 0) }' "$T_OUT"
keys=$(grep -o '"keys" *: *[0-9]*' "$T_OUT" | head -n 1 | grep -o '[0-9]*$')
check "  ... \"keys\" counts the tree's keys (10)" [ "$keys" = 10 ]
t_run holt -t groups --json stats
keys=$(grep -o '"keys" *: *[0-9]*' "$T_OUT" | head -n 1 | grep -o '[0-9]*$')
check "--json stats of an empty tree: keys 0" [ "$T_RC" = 0 ] && [ "$keys" = 0 ]
rc_is "stats of an unknown tree fails" "1|3" holt -t nosuch stats
ok "detach st1" holt detach st1
