# SPDX-License-Identifier: GPL-2.0
#
# t45-json: --json output is valid JSON with the members of
# Documentation/cli.rst, strings escaped (quotes, backslashes, control
# bytes).

# jcheck NAME TEXT CMD...: exit 0, valid JSON, holding TEXT.
jcheck()
{
	j_name=$1
	j_text=$2
	shift 2
	t_run "$@"
	if [ "$T_RC" != 0 ]; then
		fail "$j_name" "expected exit status 0"
		t_detail
	elif ! json_ok "$T_OUT" 2>"$T_DIR/json.err"; then
		fail "$j_name" "not valid JSON: $(cat "$T_DIR/json.err")"
		t_detail
	elif [ -n "$j_text" ] && ! json_has "$T_OUT" "$j_text"; then
		fail "$j_name" "the JSON lacks $j_text"
		t_detail
	else
		pass "$j_name"
	fi
}

# The validator itself must reject bad JSON.
printf '{"a": [1, 2,]}\n' >"$T_DIR/bad.json"
check "json_ok rejects a trailing comma" sh -c "! json_ok '$T_DIR/bad.json' 2>/dev/null"
printf '{"a": "x\ty"}\n' >"$T_DIR/bad.json"
check "json_ok rejects a raw tab in a string" sh -c "! json_ok '$T_DIR/bad.json' 2>/dev/null"
printf '{"a": [true, null, -1.5e3, "\\u00e9\\n"], "b": {}}\n' >"$T_DIR/good.json"
check "json_ok accepts valid JSON" json_ok "$T_DIR/good.json"

jcheck "--json attach" '"store":"js"' holt --json attach --memory js
jcheck "--json put prints the new version" '"version":' holt --json put /j/a 1
jcheck "--json get" '"value":"1"' holt --json get /j/a
check "  ... with the key" json_has "$T_OUT" '"key":"/j/a"'
printf 'put /j/q "say \\"hi\\" \\ back\\tslash\\x01"\n' >"$T_DIR/q.batch"
jcheck "--json batch" '"applied":1' holt --json batch "$T_DIR/q.batch"
jcheck "--json get of quotes, a backslash, a tab and a control byte" \
	'"value":"say \"hi\" \\ back\tslash\u0001"' holt --json get /j/q
jcheck "--json ls" '"key":"/j/a"' holt --json ls /j/
jcheck "--json ls --values" '"value":"1"' holt --json ls /j/ --values
jcheck "--json ls --delimiter" '"prefix":"/j/"' holt --json ls / --delimiter /
jcheck "--json ls of nothing" '' holt --json ls /nothing/
jcheck "--json count" '"count":2' holt --json count
jcheck "--json longest-prefix" '"key":"/j/a"' holt --json longest-prefix /j/a/b/c
jcheck "--json stores" '"name":"js"' holt --json stores
check "  ... a memory store" json_has "$T_OUT" '"memory":true'
jcheck "--json tree list" '"name":"default"' holt --json tree list
printf '/j/l1\tx\n/j/l2\ty\n' >"$T_DIR/l.tsv"
jcheck "--json load" '"loaded":2' holt --json load "$T_DIR/l.tsv"
jcheck "--json stats" '"keys":4' holt --json stats
t_run holt --json get /j/none
check "--json get of a missing key exits 1" [ "$T_RC" = 1 ]
ok "detach js" holt detach js
