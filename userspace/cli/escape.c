// SPDX-License-Identifier: GPL-2.0
/*
 * escape.c - bytes in line-oriented text: the escapes of ls, dump, load and
 * batch files, and JSON strings.
 *
 * The rule keeps ordinary text, backslashes included, as it is, and still
 * lets any byte string through a line:
 *
 *  - written: a tab as "\t", a newline as "\n", a carriage return as "\r",
 *    any other byte below 0x20 and 0x7f as "\xHH", and a backslash as
 *    "\x5c" only where it would otherwise start one of the escapes read
 *    back (see below); every other byte as is.
 *  - read: "\t", "\n", "\r", and "\xHH" naming one of the bytes above
 *    (below 0x20, 0x7f or 0x5c; either case of hex digits) are decoded;
 *    any other backslash is an ordinary byte.
 *
 * Reading what was written gives the bytes back exactly; writing what was
 * read gives the text back unless it held an escape in another spelling
 * than the one written ("\x09" for "\t", upper-case hex digits).
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static bool cli_escapable(unsigned char b)
{
	return b < 0x20 || b == 0x7f || b == '\\';
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

/* Whether the backslash at @s[@i] would start an escape when read. */
static bool cli_starts_escape(const unsigned char *s, size_t i, size_t len)
{
	int hi, lo;

	if (i + 1 >= len)
		return false;
	switch (s[i + 1]) {
	case 't':
	case 'n':
	case 'r':
		return true;
	case 'x':
		if (i + 3 >= len)
			return false;
		hi = cli_hex(s[i + 2]);
		lo = cli_hex(s[i + 3]);
		return hi >= 0 && lo >= 0 &&
		       cli_escapable((unsigned char)(hi << 4 | lo));
	default:
		return false;
	}
}

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

		if (b == '\\' ? !cli_starts_escape(s, i, len) :
				 !cli_escapable(b))
			continue;
		fwrite(s + run, 1, i - run, f);
		run = i + 1;
		switch (b) {
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

/**
 * cli_unescape() - undo cli_escape() in place
 * @s: the text, @len bytes (need not be terminated)
 * @len: its length
 * @quotes: also decode "\"" (inside a quoted field of a batch file)
 * @out_len: receives the length of the bytes it decodes to
 */
void cli_unescape(char *s, size_t len, bool quotes, size_t *out_len)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		char next = i + 1 < len ? s[i + 1] : 0;

		if (s[i] != '\\' || i + 1 == len) {
			s[o++] = s[i];
			continue;
		}
		switch (next) {
		case 't':
			s[o++] = '\t';
			i++;
			continue;
		case 'n':
			s[o++] = '\n';
			i++;
			continue;
		case 'r':
			s[o++] = '\r';
			i++;
			continue;
		case '"':
			if (!quotes)
				break;
			s[o++] = '"';
			i++;
			continue;
		case 'x':
			hi = i + 2 < len ? cli_hex(s[i + 2]) : -1;
			lo = i + 3 < len ? cli_hex(s[i + 3]) : -1;
			if (hi < 0 || lo < 0 ||
			    !cli_escapable((unsigned char)(hi << 4 | lo)))
				break;
			s[o++] = (char)(hi << 4 | lo);
			i += 3;
			continue;
		default:
			break;
		}
		s[o++] = '\\';	/* an ordinary backslash */
	}
	*out_len = o;
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
