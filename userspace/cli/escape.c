// SPDX-License-Identifier: GPL-2.0
/*
 * escape.c - bytes in line-oriented text: the escapes of ls, dump, load and
 * batch files, and JSON strings.
 *
 * The rule: a backslash is written "\\", a tab "\t", a newline "\n", a
 * carriage return "\r", any other byte below 0x20 and 0x7f as "\xHH".
 * Everything else (UTF-8 included) is written as is.  Reading accepts
 * exactly these escapes and refuses any other use of a backslash.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

/**
 * cli_escape() - write bytes with the line-format escapes
 * @f: the stream
 * @p: the bytes
 * @len: how many
 */
void cli_escape(FILE *f, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		unsigned char b = s[i];

		if (b >= 0x20 && b != 0x7f && b != '\\')
			continue;
		fwrite(s + run, 1, i - run, f);
		run = i + 1;
		switch (b) {
		case '\\':
			fputs("\\\\", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			fprintf(f, "\\x%02x", b);
			break;
		}
	}
	fwrite(s + run, 1, len - run, f);
}

static int cli_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * cli_unescape() - undo cli_escape() in place
 * @s: the text, @len bytes (need not be terminated)
 * @len: its length
 * @out_len: receives the length of the bytes it decodes to
 * @why: receives the reason on failure
 *
 * Return: 0, or -1 for a malformed escape.
 */
int cli_unescape(char *s, size_t len, size_t *out_len, const char **why)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] != '\\') {
			s[o++] = s[i];
			continue;
		}
		if (++i == len) {
			*why = "a backslash ends the field";
			return -1;
		}
		switch (s[i]) {
		case '\\':
			s[o++] = '\\';
			break;
		case 't':
			s[o++] = '\t';
			break;
		case 'n':
			s[o++] = '\n';
			break;
		case 'r':
			s[o++] = '\r';
			break;
		case '"':
			s[o++] = '"';
			break;
		case 'x':
			hi = i + 1 < len ? cli_hex(s[i + 1]) : -1;
			lo = i + 2 < len ? cli_hex(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*why = "\\x needs two hex digits";
				return -1;
			}
			s[o++] = (char)(hi << 4 | lo);
			i += 2;
			break;
		default:
			*why = "unknown escape (use \\\\ \\t \\n \\r \\\" \\xHH)";
			return -1;
		}
	}
	*out_len = o;
	return 0;
}

/* Length of the valid UTF-8 sequence at @s, or 0. */
static size_t cli_utf8_len(const unsigned char *s, size_t len)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n > len)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/**
 * cli_json_string() - write bytes as a JSON string
 * @f: the stream
 * @p: the bytes
 * @len: how many
 *
 * Valid UTF-8 is written as is; a byte that is not part of valid UTF-8 is
 * written as the code point of the same number (\u00HH), so binary keys
 * stay printable, though not distinguishable from those code points.
 */
void cli_json_string(FILE *f, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i, n;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char b = s[i];

		if (b == '"' || b == '\\') {
			fputc('\\', f);
			fputc(b, f);
		} else if (b == '\n') {
			fputs("\\n", f);
		} else if (b == '\t') {
			fputs("\\t", f);
		} else if (b < 0x20 || b == 0x7f) {
			fprintf(f, "\\u%04x", b);
		} else if (b < 0x80) {
			fputc(b, f);
		} else if ((n = cli_utf8_len(s + i, len - i))) {
			fwrite(s + i, 1, n, f);
			i += n - 1;
		} else {
			fprintf(f, "\\u%04x", b);
		}
	}
	fputc('"', f);
}
