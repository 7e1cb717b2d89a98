// SPDX-License-Identifier: GPL-2.0
/*
 * test-cli.c - host-side test of the holt command's text formats: the
 * batch-file parser against expected operation tables, and the escapes of
 * ls/dump/load (round trips and rejections).  Needs no kernel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "holt.h"

static int failures, checks;

#define CHECK(cond, ...) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

struct want {
	unsigned int type;
	const char *key;
	size_t klen;
	const char *val;	/* NULL: no value */
	size_t vlen;
	unsigned long long version;
	unsigned int flags;
	unsigned long line;
};

#define W(t, k, v, ver, fl, ln) { t, k, sizeof(k) - 1, v, \
				  sizeof(v) - 1, ver, fl, ln }
#define WK(t, k, ver, fl, ln) { t, k, sizeof(k) - 1, NULL, 0, ver, fl, ln }

static int parse_text(const char *text, struct cli_ops *ops,
		      unsigned long *bad, const char **why)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	if (!f) {
		perror("fmemopen");
		exit(1);
	}
	err = cli_batch_parse(f, ops, bad, why);
	fclose(f);
	return err;
}

static void expect_ops(const char *name, const char *text,
		       const struct want *w, size_t n)
{
	struct cli_ops ops = { 0 };
	unsigned long bad = 0;
	const char *why = NULL;
	size_t i;
	int err;

	err = parse_text(text, &ops, &bad, &why);
	CHECK(!err, "%s: parse failed at line %lu: %s", name, bad,
	      why ? why : "?");
	CHECK(ops.n == n, "%s: %zu ops, expected %zu", name, ops.n, n);
	for (i = 0; !err && i < n && i < ops.n; i++) {
		const struct cli_op *o = &ops.op[i];

		CHECK(o->type == w[i].type, "%s[%zu]: type %u, expected %u",
		      name, i, o->type, w[i].type);
		CHECK(o->klen == w[i].klen &&
		      !memcmp(o->key, w[i].key, w[i].klen),
		      "%s[%zu]: key differs", name, i);
		if (w[i].val)
			CHECK(o->val && o->vlen == w[i].vlen &&
			      !memcmp(o->val, w[i].val, w[i].vlen),
			      "%s[%zu]: value differs", name, i);
		else
			CHECK(!o->val, "%s[%zu]: unexpected value", name, i);
		CHECK(o->version == w[i].version,
		      "%s[%zu]: version %llu, expected %llu", name, i,
		      (unsigned long long)o->version, w[i].version);
		CHECK(o->flags == w[i].flags, "%s[%zu]: flags", name, i);
		CHECK(o->line == w[i].line, "%s[%zu]: line %lu, expected %lu",
		      name, i, o->line, w[i].line);
	}
	cli_ops_free(&ops);
}

static void expect_bad(const char *text, unsigned long line)
{
	struct cli_ops ops = { 0 };
	unsigned long bad = 0;
	const char *why = NULL;
	int err;

	err = parse_text(text, &ops, &bad, &why);
	CHECK(err == -1, "'%s' parsed (err %d), expected malformed", text,
	      err);
	CHECK(bad == line, "'%s': bad line %lu, expected %lu", text, bad,
	      line);
	CHECK(why && why[0], "'%s': no reason given", text);
	cli_ops_free(&ops);
}

static void test_batch(void)
{
	static const struct want all[] = {
		W(HOLT_OP_PUT, "/a/b", "hello", 0, 0, 1),
		W(HOLT_OP_PUT_IF_ABSENT, "/a/c", "x y", 0, 0, 2),
		WK(HOLT_OP_DEL, "/a/d", 0, 0, 5),
		W(HOLT_OP_RENAME, "/a/e", "/a/f", 0, 0, 6),
		WK(HOLT_OP_ASSERT_VERSION, "/a/b", 42, 0, 7),
		WK(HOLT_OP_ASSERT_EMPTY, "/tmp/", 0, 0, 8),
		WK(HOLT_OP_ASSERT_VERSION, "/new", 0, 0, 9),
	};
	static const struct want ext[] = {
		W(HOLT_OP_PUT_IF_VERSION, "k", "v", 7, 0, 1),
		WK(HOLT_OP_DEL_IF_VERSION, "k", 18446744073709551615ull, 0, 2),
		W(HOLT_OP_RENAME, "s", "d", 0, HOLT_F_FORCE, 3),
		WK(HOLT_OP_ASSERT_EMPTY, "", 0, 0, 4),
	};
	static const struct want esc[] = {
		W(HOLT_OP_PUT, "a\tb", "line1\nline2\\", 0, 0, 1),
		W(HOLT_OP_PUT, "\x01\x7f", "", 0, 0, 2),
		W(HOLT_OP_PUT, "q\"k", "say \"hi\"", 0, 0, 3),
		W(HOLT_OP_PUT, "crlf", "v", 0, 0, 4),
		W(HOLT_OP_PUT, "nul", "a\0b", 0, 0, 5),
		W(HOLT_OP_PUT, "c:\\dir\\file", "C:\\Temp", 0, 0, 6),
		W(HOLT_OP_PUT, "\\xff", "\\x41\\q\\", 0, 0, 7),
		W(HOLT_OP_PUT, "k", "\\\t", 0, 0, 8),
	};

	expect_ops("contract",
		   "put /a/b hello\n"
		   "put-if-absent /a/c \"x y\"\n"
		   "\n"
		   "   # a comment\n"
		   "del /a/d\n"
		   "mv\t/a/e  /a/f\n"
		   "assert-version /a/b 42\n"
		   "assert-empty /tmp/\n"
		   "assert-version /new 0",
		   all, sizeof(all) / sizeof(all[0]));
	expect_ops("extensions",
		   "put-if-version k v 7\n"
		   "del-if-version k 18446744073709551615\n"
		   "mv-force s d\n"
		   "assert-empty \"\"\n",
		   ext, sizeof(ext) / sizeof(ext[0]));
	expect_ops("escapes",
		   "put a\\tb \"line1\\nline2\\x5c\"\n"
		   "put \\x01\\x7F \"\"\n"
		   "put q\\\"k \"say \\\"hi\\\"\"\n"
		   "put crlf v\r\n"
		   "put nul a\\x00b\n"
		   "put c:\\dir\\file C:\\Temp\n"
		   "put \\xff \\x41\\q\\\n"
		   "put k \\\\t\n",
		   esc, sizeof(esc) / sizeof(esc[0]));
	expect_ops("empty", "\n# nothing\n", NULL, 0);

	expect_bad("put a b\nfrobnicate x\n", 2);
	expect_bad("put a\n", 1);
	expect_bad("put a b c\n", 1);
	expect_bad("del\n", 1);
	expect_bad("del \"\"\n", 1);
	expect_bad("put \"\" v\n", 1);
	expect_bad("mv a \"\"\n", 1);
	expect_bad("put a \"open\n", 1);
	expect_bad("put a \"x\"y\n", 1);
	expect_bad("put a \"b\\\"\n", 1);
	expect_bad("del a\nassert-version a x\n", 2);
	expect_bad("assert-version a -1\n", 1);
	expect_bad("assert-version a 99999999999999999999\n", 1);
	expect_bad("put a b\nput c d\n\nassert-empty\n", 4);
	expect_bad("PUT a b\n", 1);
}

static void roundtrip(const char *name, const void *bytes, size_t len)
{
	char *out = NULL, *copy;
	size_t size = 0, back = 0;
	FILE *f = open_memstream(&out, &size);

	cli_escape(f, bytes, len);
	fclose(f);
	CHECK(!memchr(out, '\t', size) && !memchr(out, '\n', size) &&
	      !memchr(out, '\r', size),
	      "%s: escaped form holds a line-format byte", name);
	copy = malloc(size + 1);
	memcpy(copy, out, size);
	cli_unescape(copy, size, false, &back);
	CHECK(back == len && !memcmp(copy, bytes, len),
	      "%s: round trip differs", name);
	free(copy);
	free(out);
}

/* Text read then written comes back as it was. */
static void text_identity(const char *text)
{
	size_t len = strlen(text), back;
	char *copy = strdup(text), *out = NULL;
	size_t size = 0;
	FILE *f;

	cli_unescape(copy, len, false, &back);
	f = open_memstream(&out, &size);
	cli_escape(f, copy, back);
	fclose(f);
	CHECK(size == len && !memcmp(out, text, len),
	      "text '%s' came back as '%.*s'", text, (int)size, out);
	free(copy);
	free(out);
}

static void expect_escape(const void *bytes, size_t len, const char *want)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	cli_escape(f, bytes, len);
	fclose(f);
	CHECK(size == strlen(want) && !memcmp(out, want, size),
	      "escape: got '%.*s', expected '%s'", (int)size, out, want);
	free(out);
}

static void expect_json(const void *bytes, size_t len, const char *want)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	cli_json_string(f, bytes, len);
	fclose(f);
	CHECK(size == strlen(want) && !memcmp(out, want, size),
	      "json: got '%.*s', expected '%s'", (int)size, out, want);
	free(out);
}

static void test_escape(void)
{
	unsigned char all[256];
	int i;

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	roundtrip("every byte", all, sizeof(all));
	roundtrip("empty", "", 0);
	roundtrip("path", "/usr/lib/x86_64-linux-gnu/libnl-3.so", 36);
	roundtrip("backslashes", "\\t\\\\x09\\x5c\\\t\\", 14);
	{
		/* Every pair and triple of the bytes that matter. */
		static const char b[] = { '\\', 't', 'x', '0', '9', '5', 'c',
					  '\t', '\n', 'a', 0x7f, 0 };
		char s3[4];
		size_t i, j, k, n = sizeof(b);

		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				for (k = 0; k < n; k++) {
					s3[0] = b[i];
					s3[1] = b[j];
					s3[2] = b[k];
					s3[3] = '\\';
					roundtrip("triple", s3, 4);
				}
	}
	text_identity("plain text, with spaces");
	text_identity("C:\\Temp\\x41\\q trailing\\");
	text_identity("\\\\ two, \\t tab, \\x1f, \\x5cx7f");
	text_identity("~!@#$%^&*()_+`-={}|[]:;'<>?,./\"");
	expect_escape("/a/b", 4, "/a/b");
	expect_escape("a\tb\nc\\d\re", 9, "a\\tb\\nc\\d\\re");
	expect_escape("\x01\x7f\xc3\xa9", 4, "\\x01\\x7f\xc3\xa9");
	expect_escape("\\t\\x41\\x7f\\", 11, "\\x5ct\\x41\\x5cx7f\\");
	expect_json("a\"b\\c\n", 6, "\"a\\\"b\\\\c\\n\"");
	expect_json("\xc3\xa9\xff", 3, "\"\xc3\xa9\\u00ff\"");
	expect_json("\x01", 1, "\"\\u0001\"");
}

int main(void)
{
	test_batch();
	test_escape();
	printf("test-cli: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
