# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - the VM test framework, sourced by every tests/vm/t*.sh (busybox
# ash in the guest: POSIX sh, no bash).
#
# Each check records one PASS or FAIL line in $T_RESULTS; run.sh counts them.
#
#   t_run CMD...			run CMD; stdout in $T_OUT, stderr in $T_ERR,
#					status in $T_RC
#   ok NAME CMD...			CMD must exit 0
#   rc_is NAME RCS CMD...		CMD's status must be one of RCS ("1" or "2|3")
#   out_is NAME EXPECTED CMD...	CMD must exit 0 and print EXPECTED (plus
#					one newline; "" means no output at all)
#   file_is NAME FILE CMD...		CMD must exit 0 and print FILE's bytes
#   check NAME TEST...			the shell test (e.g. [ "$a" = b ]) must hold
#   pass NAME / fail NAME [DETAIL...]	record a result by hand

T_DIR=${T_DIR:-/tmp/holt-t}
T_RESULTS=$T_DIR/results
T_OUT=$T_DIR/out
T_ERR=$T_DIR/err
T_FILE=${T_FILE:-adhoc}
mkdir -p "$T_DIR"

# The ABI's limits, from the uapi header shipped next to the tests.
t_define()
{
	awk -v n="$1" '$1 == "#define" && $2 == n { print $3; exit }' \
		/holt-tests/holt.h 2>/dev/null
}
KEY_MAX=$(t_define HOLT_KEY_MAX_LEN)
VAL_MAX=$(t_define HOLT_VAL_MAX_LEN)
: "${KEY_MAX:=4096}" "${VAL_MAX:=60000}"

pass()
{
	echo "PASS $T_FILE: $1" >>"$T_RESULTS"
	echo "  ok    $1"
}

fail()
{
	t_name=$1
	shift
	echo "FAIL $T_FILE: $t_name" >>"$T_RESULTS"
	echo "  FAIL  $t_name"
	for t_l in "$@"; do
		echo "        $t_l"
	done
}

# The last command, for a failure report.
t_detail()
{
	echo "        command: $T_CMD"
	echo "        exit status: $T_RC"
	if [ -s "$T_OUT" ]; then
		echo "        stdout:"
		head -c 600 "$T_OUT" | head -n 8 | sed 's/^/          | /'
	fi
	if [ -s "$T_ERR" ]; then
		echo "        stderr:"
		head -c 600 "$T_ERR" | head -n 8 | sed 's/^/          | /'
	fi
}

t_run()
{
	T_CMD=$*
	"$@" >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
}

# t_rc_in RC RCS: RC is one of the |-separated RCS.
t_rc_in()
{
	case "|$2|" in
	*"|$1|"*) return 0 ;;
	esac
	return 1
}

ok()
{
	t_name=$1
	shift
	t_run "$@"
	if [ "$T_RC" = 0 ]; then
		pass "$t_name"
	else
		fail "$t_name" "expected exit status 0"
		t_detail
	fi
}

rc_is()
{
	t_name=$1
	t_want=$2
	shift 2
	t_run "$@"
	if t_rc_in "$T_RC" "$t_want"; then
		pass "$t_name"
	else
		fail "$t_name" "expected exit status $t_want"
		t_detail
	fi
}

out_is()
{
	t_name=$1
	t_want=$2
	shift 2
	t_run "$@"
	if [ -z "$t_want" ]; then
		: >"$T_DIR/want"
	else
		printf '%s\n' "$t_want" >"$T_DIR/want"
	fi
	if [ "$T_RC" = 0 ] && cmp -s "$T_OUT" "$T_DIR/want"; then
		pass "$t_name"
	else
		fail "$t_name" "expected exit 0 and output:" \
			"$(sed 's/^/  > /' "$T_DIR/want" | head -n 8)"
		t_detail
	fi
}

file_is()
{
	t_name=$1
	t_want=$2
	shift 2
	t_run "$@"
	if [ "$T_RC" = 0 ] && cmp -s "$T_OUT" "$t_want"; then
		pass "$t_name"
	else
		fail "$t_name" "expected exit 0 and the content of $t_want" \
			"$(cmp "$T_OUT" "$t_want" 2>&1 | head -n 2)"
		t_detail
	fi
}

check()
{
	t_name=$1
	shift
	if "$@"; then
		pass "$t_name"
	else
		fail "$t_name" "does not hold: $*"
	fi
}

# A string of N copies of character C.
t_repeat()
{
	head -c "$1" /dev/zero | tr '\0' "$2"
}

# Names of the attached stores (first word of each "holt stores" line).
t_stores()
{
	holt stores 2>/dev/null | awk '{ print $1 }'
}

# Detach every store: each test file starts from none.
t_detach_all()
{
	for t_s in $(t_stores); do
		holt detach "$t_s" >/dev/null 2>&1
	done
}

# json_ok FILE: FILE holds exactly one valid JSON value (RFC 8259 syntax;
# strings must not hold raw control bytes).
json_ok()
{
	awk '
	function err(m) { if (!bad) bad = m " at byte " p; p = n + 1; return 0 }
	function ws() { while (p <= n && index(" \t\n\r", substr(s, p, 1))) p++ }
	function str(   c) {
		p++
		while (p <= n) {
			c = substr(s, p, 1)
			if (c == "\"") { p++; return 1 }
			if (c == "\\") {
				c = substr(s, p + 1, 1)
				if (c == "u") {
					if (substr(s, p + 2, 4) !~ /^[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]$/)
						return err("bad \\u escape")
					p += 6
				} else if (index("\"\\/bfnrt", c)) {
					p += 2
				} else return err("bad escape")
			} else if (c < " ") {
				return err("raw control byte in a string")
			} else p++
		}
		return err("unterminated string")
	}
	function num(   t) {
		t = substr(s, p)
		if (!match(t, /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/))
			return err("bad number")
		p += RLENGTH
		return 1
	}
	function val(d,   c) {
		if (d > 64) return err("too deep")
		ws()
		c = substr(s, p, 1)
		if (c == "{") {
			p++; ws()
			if (substr(s, p, 1) == "}") { p++; return 1 }
			for (;;) {
				ws()
				if (substr(s, p, 1) != "\"") return err("expected a member name")
				if (!str()) return 0
				ws()
				if (substr(s, p, 1) != ":") return err("expected :")
				p++
				if (!val(d + 1)) return 0
				ws()
				c = substr(s, p, 1); p++
				if (c == "}") return 1
				if (c != ",") return err("expected , or }")
			}
		}
		if (c == "[") {
			p++; ws()
			if (substr(s, p, 1) == "]") { p++; return 1 }
			for (;;) {
				if (!val(d + 1)) return 0
				ws()
				c = substr(s, p, 1); p++
				if (c == "]") return 1
				if (c != ",") return err("expected , or ]")
			}
		}
		if (c == "\"") return str()
		if (substr(s, p, 4) == "true" || substr(s, p, 4) == "null") { p += 4; return 1 }
		if (substr(s, p, 5) == "false") { p += 5; return 1 }
		return num()
	}
	{ s = s $0 "\n" }
	END {
		n = length(s); p = 1
		if (val(0)) { ws(); if (p <= n) err("trailing bytes") }
		if (bad) { print "json: " bad > "/dev/stderr"; exit 1 }
	}' "$1"
}

# json_has FILE TEXT: the JSON in FILE holds TEXT (blanks around ':' and
# after ',' removed first).
json_has()
{
	tr -d '\n' <"$1" | sed 's/" *: */":/g; s/, */,/g' | grep -qF -- "$2"
}
