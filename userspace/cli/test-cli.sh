#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test-cli.sh HOLT - the holt command's usage errors, on the host: every
# case must exit with status 2 before any netlink traffic, so it passes
# whether or not holt.ko is loaded.  Also checks that help exits 0 and that
# a command needing the kernel exits 0 or 3 (never 2) on good arguments.
set -u
holt=${1:?usage: test-cli.sh HOLT}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() {
	want=$1; shift
	"$holt" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: holt $* -> exit $got, expected $want" >&2
		sed 's/^/  stderr: /' "$tmp/err" >&2
	fi
	if [ "$want" -eq 2 ] && ! grep -q 'holt' "$tmp/err"; then
		fail=$((fail + 1))
		echo "FAIL: holt $* -> no message on stderr" >&2
	fi
}

# No command, unknown command, unknown global option.
expect 2
expect 2 frobnicate
expect 2 --bogus stores
expect 2 -s
expect 2 -t "" get a
# Missing and surplus arguments.
expect 2 get
expect 2 get a b
expect 2 put a
expect 2 put a b c
expect 2 del
expect 2 mv a
expect 2 longest-prefix
expect 2 detach
expect 2 format
expect 2 tree
expect 2 tree create
expect 2 tree list x
expect 2 tree frob x
expect 2 stores extra
expect 2 stats extra
expect 2 checkpoint x
expect 2 ls a b
expect 2 chmod
# Bad options and option values.
expect 2 get a --bogus
expect 2 get a -x
expect 2 put a b --if-absent --if-version 3
expect 2 put a b --if-version
expect 2 put a b --if-version x
expect 2 put a b --if-version -1
expect 2 del a --if-version 1x
expect 2 ls --limit
expect 2 ls --limit ten
expect 2 ls --delimiter ab
expect 2 ls --values=yes
expect 2 count --limit -5
expect 2 attach
expect 2 attach --memory
expect 2 attach --memory m /dev/vdb
expect 2 attach /dev/vdb --durability maybe
expect 2 attach --memory m --mode 0999
expect 2 attach --memory m --mode rw
expect 2 attach --memory m --owner bob
expect 2 attach --memory m --owner 1:x
expect 2 attach --memory ""
expect 2 format /dev/vdb --wal-mb 0
expect 2 chmod 888
expect 2 chown x
expect 2 put "" v
expect 2 get ""
# Malformed batch files: nothing is sent, the line is named.
printf 'put a b\nput c\n' >"$tmp/b1"
expect 2 batch "$tmp/b1"
grep -q 'line 2' "$tmp/err" || {
	fail=$((fail + 1)); echo "FAIL: batch error does not name line 2" >&2; }
printf 'put a b\n\n# c\nfrob\n' >"$tmp/b2"
expect 2 batch "$tmp/b2"
grep -q 'line 4' "$tmp/err" || {
	fail=$((fail + 1)); echo "FAIL: batch error does not name line 4" >&2; }
printf 'put a "b\n' >"$tmp/b3"
expect 2 batch "$tmp/b3"
# An empty batch applies nothing and needs no kernel.
printf '# nothing\n\n' >"$tmp/b4"
expect 0 batch "$tmp/b4"
# Help.
expect 0 help
expect 0 --help
expect 0 help ls
expect 0 ls --help
expect 2 help frob
# Good arguments never give a usage error (3 without the module).
for args in "stores" "get /a" "put /a b" "ls /a --delimiter / --limit 3" \
	    "count" "tree list"; do
	# shellcheck disable=SC2086
	"$holt" $args >/dev/null 2>&1 </dev/null
	rc=$?
	if [ "$rc" -eq 2 ]; then
		fail=$((fail + 1)); echo "FAIL: holt $args -> usage error" >&2
	else
		pass=$((pass + 1))
	fi
done

echo "test-cli.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
