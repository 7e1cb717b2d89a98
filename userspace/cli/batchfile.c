// SPDX-License-Identifier: GPL-2.0
/*
 * batchfile.c - the parser of `holt batch` files.
 *
 * One operation per line:
 *
 *   put K V | put-if-absent K V | del K | mv S D | assert-version K V |
 *   assert-empty PREFIX
 *
 * and the extensions put-if-version K V VERSION, del-if-version K VERSION,
 * mv-force S D.  Fields are separated by blanks (spaces, tabs).  A field is
 * either bare, or double-quoted to hold blanks or be empty; both take the
 * escapes of escape.c, and \" stands for a quote.  Empty lines and lines whose
 * first field starts with '#' are ignored; one trailing carriage return is
 * dropped.  The parser knows nothing of netlink: it yields a table of
 * operations that the host test compares with expected tables.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "holt.h"

#define CLI_MAX_FIELDS 5

enum cli_field { F_KEY, F_ANY, F_VALUE, F_VERSION };

struct cli_op_kind {
	const char *name;
	unsigned int type;
	unsigned int flags;
	int nfields;
	enum cli_field field[3];
};

static const struct cli_op_kind cli_op_kinds[] = {
	{ "put", HOLT_OP_PUT, 0, 2, { F_KEY, F_VALUE } },
	{ "put-if-absent", HOLT_OP_PUT_IF_ABSENT, 0, 2, { F_KEY, F_VALUE } },
	{ "put-if-version", HOLT_OP_PUT_IF_VERSION, 0, 3,
	  { F_KEY, F_VALUE, F_VERSION } },
	{ "del", HOLT_OP_DEL, 0, 1, { F_KEY } },
	{ "del-if-version", HOLT_OP_DEL_IF_VERSION, 0, 2,
	  { F_KEY, F_VERSION } },
	{ "mv", HOLT_OP_RENAME, 0, 2, { F_KEY, F_VALUE } },
	{ "mv-force", HOLT_OP_RENAME, HOLT_F_FORCE, 2, { F_KEY, F_VALUE } },
	{ "assert-version", HOLT_OP_ASSERT_VERSION, 0, 2,
	  { F_KEY, F_VERSION } },
	{ "assert-empty", HOLT_OP_ASSERT_EMPTY, 0, 1, { F_ANY } },
};

struct cli_field_text {
	char *p;
	size_t len;
};

static bool cli_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Split a line into fields, unescaping each in place. */
static int cli_fields(char *s, size_t len, struct cli_field_text *f,
		      int *nf, const char **why)
{
	size_t i = 0;
	int n = 0;

	for (;;) {
		size_t start, end;

		while (i < len && cli_blank(s[i]))
			i++;
		if (i == len)
			break;
		if (n == CLI_MAX_FIELDS) {
			*why = "too many fields";
			return -1;
		}
		if (s[i] == '"') {
			start = ++i;
			while (i < len && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < len &&
				    s[i + 1] == '"')
					i++;
				i++;
			}
			if (i >= len) {
				*why = "unterminated quote";
				return -1;
			}
			end = i++;
			if (i < len && !cli_blank(s[i])) {
				*why = "a closing quote must end the field";
				return -1;
			}
		} else {
			start = i;
			while (i < len && !cli_blank(s[i]))
				i++;
			end = i;
		}
		f[n].p = s + start;
		cli_unescape(s + start, end - start, true, &f[n].len);
		n++;
	}
	*nf = n;
	return 0;
}

static int cli_ops_add(struct cli_ops *ops, struct cli_op *op)
{
	if (ops->n == ops->cap) {
		size_t cap = ops->cap ? 2 * ops->cap : 16;
		struct cli_op *p = realloc(ops->op, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ops->op = p;
		ops->cap = cap;
	}
	ops->op[ops->n++] = *op;
	return 0;
}

static char *cli_dup(const struct cli_field_text *f)
{
	char *p = malloc(f->len + 1);

	if (p) {
		memcpy(p, f->p, f->len);
		p[f->len] = '\0';
	}
	return p;
}

/**
 * cli_batch_parse_line() - parse one line of a batch file
 * @line: the line, without its newline (modified in place)
 * @len: its length
 * @ops: the table the operation is appended to
 * @lineno: its line number, kept with the operation
 * @why: receives the reason when the line is malformed
 *
 * Return: 0 (an operation was added, or the line is empty or a comment),
 * -1 when the line is malformed, -ENOMEM.
 */
int cli_batch_parse_line(char *line, size_t len, struct cli_ops *ops,
			 unsigned long lineno, const char **why)
{
	struct cli_field_text f[CLI_MAX_FIELDS];
	const struct cli_op_kind *k = NULL;
	struct cli_op op = { 0 };
	int nf, i;
	size_t j;

	if (len && line[len - 1] == '\r')
		len--;
	for (j = 0; j < len && cli_blank(line[j]); j++)
		;
	if (j == len || line[j] == '#')
		return 0;
	if (cli_fields(line, len, f, &nf, why))
		return -1;
	for (j = 0; j < sizeof(cli_op_kinds) / sizeof(cli_op_kinds[0]); j++)
		if (strlen(cli_op_kinds[j].name) == f[0].len &&
		    !memcmp(cli_op_kinds[j].name, f[0].p, f[0].len))
			k = &cli_op_kinds[j];
	if (!k) {
		*why = "unknown operation (put, put-if-absent, del, mv, assert-version, assert-empty)";
		return -1;
	}
	if (nf - 1 != k->nfields) {
		*why = nf - 1 < k->nfields ? "missing field" : "too many fields";
		return -1;
	}
	op.type = k->type;
	op.flags = k->flags;
	op.line = lineno;
	for (i = 0; i < k->nfields; i++) {
		struct cli_field_text *t = &f[i + 1];
		char *end;

		switch (k->field[i]) {
		case F_KEY:
			if (!t->len) {
				*why = "empty key";
				goto bad;
			}
			/* fall through */
		case F_ANY:
			op.key = cli_dup(t);
			op.klen = t->len;
			if (!op.key)
				goto nomem;
			break;
		case F_VALUE:
			if (k->type == HOLT_OP_RENAME && !t->len) {
				*why = "empty key";
				goto bad;
			}
			op.val = cli_dup(t);
			op.vlen = t->len;
			if (!op.val)
				goto nomem;
			break;
		case F_VERSION:
			t->p[t->len] = '\0';
			errno = 0;
			if (!t->len || t->p[0] < '0' || t->p[0] > '9')
				goto bad_version;
			op.version = strtoull(t->p, &end, 10);
			if (errno || *end)
				goto bad_version;
			break;
		}
	}
	if (cli_ops_add(ops, &op))
		goto nomem;
	return 0;

bad_version:
	*why = "version is not a number";
bad:
	free(op.key);
	free(op.val);
	return -1;
nomem:
	free(op.key);
	free(op.val);
	*why = "out of memory";
	return -ENOMEM;
}

/**
 * cli_batch_parse() - parse a whole batch file
 * @f: the stream
 * @ops: receives the operations (free with cli_ops_free())
 * @bad_line: receives the number of the first malformed line
 * @why: receives the reason
 *
 * Return: 0, -1 for a malformed line, or -errno (reading, memory).
 */
int cli_batch_parse(FILE *f, struct cli_ops *ops, unsigned long *bad_line,
		    const char **why)
{
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;

	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n && line[n - 1] == '\n')
			n--;
		err = cli_batch_parse_line(line, n, ops, lineno, why);
		if (err) {
			*bad_line = lineno;
			break;
		}
	}
	if (!err && ferror(f)) {
		err = -errno;
		*why = "read error";
		*bad_line = lineno;
	}
	free(line);
	return err;
}

/**
 * cli_ops_free() - free a table of operations
 * @ops: the table
 */
void cli_ops_free(struct cli_ops *ops)
{
	size_t i;

	for (i = 0; i < ops->n; i++) {
		free(ops->op[i].key);
		free(ops->op[i].val);
	}
	free(ops->op);
	ops->op = NULL;
	ops->n = 0;
	ops->cap = 0;
}
