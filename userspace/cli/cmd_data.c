// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_data.c - the data commands of holt: put, get, del, mv, ls, count,
 * longest-prefix, batch, load, dump.
 *
 * Keys and values on the command line are bytes, taken verbatim.  Line
 * formats (ls, dump, load, batch files) use the escapes of escape.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "holt.h"

/*
 * A key for a message: escaped, and cut after 80 bytes so that a 4 KiB key
 * does not flood the terminal.  Returns a static buffer.
 */
static const char *cli_key(const char *key)
{
	static char buf[2][128];
	static int which;
	size_t len = strlen(key), size = 0;
	char *out = NULL;
	FILE *f;

	which ^= 1;
	f = open_memstream(&out, &size);
	if (!f)
		return "?";
	cli_escape(f, key, len > 80 ? 80 : len);
	fclose(f);
	snprintf(buf[which], sizeof(buf[which]), "%s%s", out,
		 len > 80 ? "..." : "");
	free(out);
	return buf[which];
}

int cmd_put(struct cli *c, int argc, char **argv)
{
	const char *ifver = NULL;
	bool absent = false, hasver = false;
	struct cli_opt opts[] = {
		{ "if-absent", false, NULL, &absent },
		{ "if-version", true, &ifver, &hasver },
		{ NULL },
	};
	uint64_t expect = 0, version;
	unsigned int flags = 0;
	char *pos[2];
	int n, err;

	n = cli_parse(c, argc, argv, opts, pos, 2, 2);
	if (n < 0)
		return cli_parse_status(n);
	if (absent && hasver)
		return cli_usage_error(c, "--if-absent and --if-version exclude each other");
	if (hasver && cli_u64(c, "--if-version", ifver, &expect))
		return CLI_USAGE;
	if (!pos[0][0])
		return cli_usage_error(c, "empty key");
	flags = absent ? HOLT_PUT_IF_ABSENT : hasver ? HOLT_PUT_IF_VERSION : 0;
	err = cli_target(c);
	if (err)
		return err;
	err = holt_put(c->h, pos[0], strlen(pos[0]), pos[1], strlen(pos[1]),
		       flags, expect, &version);
	if (err)
		return cli_error(c, err, "%s", cli_key(pos[0]));
	if (c->json)
		printf("{\"version\": %" PRIu64 "}\n", version);
	return CLI_OK;
}

int cmd_get(struct cli *c, int argc, char **argv)
{
	bool show_version = false;
	struct cli_opt opts[] = {
		{ "version", false, NULL, &show_version },
		{ NULL },
	};
	uint64_t version;
	char *pos[1];
	void *val;
	size_t vlen;
	int n, err;

	n = cli_parse(c, argc, argv, opts, pos, 1, 1);
	if (n < 0)
		return cli_parse_status(n);
	if (!pos[0][0])
		return cli_usage_error(c, "empty key");
	err = cli_target(c);
	if (err)
		return err;
	err = holt_get(c->h, pos[0], strlen(pos[0]), &val, &vlen, &version);
	if (err)
		return cli_error(c, err, "%s", cli_key(pos[0]));
	if (c->json) {
		fputs("{\"key\": ", stdout);
		cli_json_string(stdout, pos[0], strlen(pos[0]));
		fputs(", \"value\": ", stdout);
		cli_json_string(stdout, val, vlen);
		printf(", \"version\": %" PRIu64 "}\n", version);
	} else {
		/* The value and a newline; nothing at all for an empty one. */
		fwrite(val, 1, vlen, stdout);
		if (show_version)
			printf("\t%" PRIu64 "\n", version);
		else if (vlen)
			putchar('\n');
	}
	free(val);
	return CLI_OK;
}

int cmd_del(struct cli *c, int argc, char **argv)
{
	const char *ifver = NULL;
	bool hasver = false;
	struct cli_opt opts[] = {
		{ "if-version", true, &ifver, &hasver },
		{ NULL },
	};
	uint64_t expect = 0;
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, opts, pos, 1, 1);
	if (n < 0)
		return cli_parse_status(n);
	if (hasver && cli_u64(c, "--if-version", ifver, &expect))
		return CLI_USAGE;
	if (!pos[0][0])
		return cli_usage_error(c, "empty key");
	err = cli_target(c);
	if (err)
		return err;
	err = holt_del(c->h, pos[0], strlen(pos[0]),
		       hasver ? HOLT_DEL_IF_VERSION : 0, expect);
	if (err)
		return cli_error(c, err, "%s", cli_key(pos[0]));
	return CLI_OK;
}

int cmd_mv(struct cli *c, int argc, char **argv)
{
	bool force = false;
	struct cli_opt opts[] = {
		{ "force", false, NULL, &force },
		{ NULL },
	};
	uint64_t version;
	char *pos[2];
	int n, err;

	n = cli_parse(c, argc, argv, opts, pos, 2, 2);
	if (n < 0)
		return cli_parse_status(n);
	if (!pos[0][0] || !pos[1][0])
		return cli_usage_error(c, "empty key");
	err = cli_target(c);
	if (err)
		return err;
	err = holt_rename(c->h, pos[0], strlen(pos[0]), pos[1], strlen(pos[1]),
			  force ? HOLT_RENAME_FORCE : 0, &version);
	if (err)
		return cli_error(c, err, "%s -> %s", cli_key(pos[0]),
				 cli_key(pos[1]));
	if (c->json)
		printf("{\"version\": %" PRIu64 "}\n", version);
	return CLI_OK;
}

struct cli_ls {
	struct cli *c;
	bool values;
	bool dump;		/* KEY<TAB>VALUE, prefixes impossible */
	unsigned char delim;
	bool use_delim;
	uint64_t n;
};

static int cli_ls_entry(const struct holt_entry *e, void *arg)
{
	struct cli_ls *l = arg;
	bool add_delim = e->is_prefix && l->use_delim &&
			 (!e->key_len ||
			  ((const unsigned char *)e->key)[e->key_len - 1] !=
			  l->delim);

	if (l->c->json) {
		fputs(l->n ? ",\n  {" : "\n  {", stdout);
		if (e->is_prefix) {
			fputs("\"prefix\": ", stdout);
			cli_json_string(stdout, e->key, e->key_len);
		} else {
			fputs("\"key\": ", stdout);
			cli_json_string(stdout, e->key, e->key_len);
			if (l->values) {
				fputs(", \"value\": ", stdout);
				cli_json_string(stdout, e->value, e->value_len);
			}
			printf(", \"version\": %" PRIu64, e->version);
		}
		putchar('}');
	} else {
		cli_escape(stdout, e->key, e->key_len);
		if (add_delim)
			cli_escape(stdout, &l->delim, 1);
		if ((l->values || l->dump) && !e->is_prefix) {
			putchar('\t');
			cli_escape(stdout, e->value, e->value_len);
		}
		putchar('\n');
	}
	l->n++;
	if (ferror(stdout))
		return -EIO;
	return 0;
}

static int cli_run_scan(struct cli *c, const struct holt_scan_opts *o,
			struct cli_ls *l)
{
	int err;

	if (c->json)
		fputs("[", stdout);
	err = holt_scan(c->h, o, cli_ls_entry, l);
	if (c->json)
		fputs(l->n ? "\n]\n" : "]\n", stdout);
	if (err)
		return cli_error(c, err, "scan");
	return CLI_OK;
}

int cmd_ls(struct cli *c, int argc, char **argv)
{
	const char *delim = NULL, *after = NULL, *limit = NULL;
	bool values = false;
	struct cli_opt opts[] = {
		{ "delimiter", true, &delim, NULL },
		{ "start-after", true, &after, NULL },
		{ "limit", true, &limit, NULL },
		{ "values", false, NULL, &values },
		{ NULL },
	};
	struct holt_scan_opts o = { 0 };
	struct cli_ls l = { .c = c };
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, opts, pos, 0, 1);
	if (n < 0)
		return cli_parse_status(n);
	if (n) {
		o.prefix = pos[0];
		o.prefix_len = strlen(pos[0]);
	}
	if (delim) {
		if (strlen(delim) != 1)
			return cli_usage_error(c, "--delimiter takes one byte");
		o.use_delimiter = 1;
		o.delimiter = (unsigned char)delim[0];
	}
	if (after) {
		o.start_after = after;
		o.start_after_len = strlen(after);
	}
	if (limit && cli_u64(c, "--limit", limit, &o.limit))
		return CLI_USAGE;	/* 0, as in the ABI: no limit */
	o.keys_only = !values;
	l.values = values;
	l.use_delim = o.use_delimiter;
	l.delim = o.delimiter;
	err = cli_target(c);
	if (err)
		return err;
	return cli_run_scan(c, &o, &l);
}

int cmd_dump(struct cli *c, int argc, char **argv)
{
	struct holt_scan_opts o = { 0 };
	struct cli_ls l = { .c = c, .values = true, .dump = true };
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, NULL, pos, 0, 1);
	if (n < 0)
		return cli_parse_status(n);
	if (n) {
		o.prefix = pos[0];
		o.prefix_len = strlen(pos[0]);
	}
	err = cli_target(c);
	if (err)
		return err;
	return cli_run_scan(c, &o, &l);
}

int cmd_count(struct cli *c, int argc, char **argv)
{
	const char *limit = NULL;
	struct cli_opt opts[] = {
		{ "limit", true, &limit, NULL },
		{ NULL },
	};
	uint64_t lim = 0, count;
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, opts, pos, 0, 1);
	if (n < 0)
		return cli_parse_status(n);
	if (limit && cli_u64(c, "--limit", limit, &lim))
		return CLI_USAGE;
	err = cli_target(c);
	if (err)
		return err;
	err = holt_count(c->h, n ? pos[0] : NULL, n ? strlen(pos[0]) : 0,
			 lim, &count);
	if (err)
		return cli_error(c, err, NULL);
	if (c->json)
		printf("{\"count\": %" PRIu64 "}\n", count);
	else
		printf("%" PRIu64 "\n", count);
	return CLI_OK;
}

int cmd_longest_prefix(struct cli *c, int argc, char **argv)
{
	struct holt_entry e;
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, NULL, pos, 1, 1);
	if (n < 0)
		return cli_parse_status(n);
	if (!pos[0][0])
		return cli_usage_error(c, "empty key");
	err = cli_target(c);
	if (err)
		return err;
	err = holt_longest_prefix(c->h, pos[0], strlen(pos[0]), &e);
	if (err)
		return cli_error(c, err, "%s", cli_key(pos[0]));
	if (c->json) {
		fputs("{\"key\": ", stdout);
		cli_json_string(stdout, e.key, e.key_len);
		fputs(", \"value\": ", stdout);
		cli_json_string(stdout, e.value, e.value_len);
		printf(", \"version\": %" PRIu64 "}\n", e.version);
	} else {
		cli_escape(stdout, e.key, e.key_len);
		putchar('\n');
	}
	holt_entry_free(&e);
	return CLI_OK;
}

static FILE *cli_open_input(struct cli *c, int n, char **pos)
{
	FILE *f;

	if (!n || !strcmp(pos[0], "-"))
		return stdin;
	f = fopen(pos[0], "r");
	if (!f)
		fprintf(stderr, "holt: %s: %s: %s\n", c->cmd, pos[0],
			strerror(errno));
	return f;
}

static const char *cli_op_name(unsigned int type)
{
	static const char *const names[] = {
		[HOLT_OP_PUT] = "put",
		[HOLT_OP_PUT_IF_ABSENT] = "put-if-absent",
		[HOLT_OP_PUT_IF_VERSION] = "put-if-version",
		[HOLT_OP_DEL] = "del",
		[HOLT_OP_DEL_IF_VERSION] = "del-if-version",
		[HOLT_OP_RENAME] = "mv",
		[HOLT_OP_ASSERT_VERSION] = "assert-version",
		[HOLT_OP_ASSERT_EMPTY] = "assert-empty",
	};

	return type <= HOLT_OP_MAX && names[type] ? names[type] : "?";
}

int cmd_batch(struct cli *c, int argc, char **argv)
{
	struct cli_ops ops = { 0 };
	struct holt_batch *b = NULL;
	unsigned long bad = 0;
	const char *why = NULL;
	char *pos[1];
	FILE *f;
	long failed;
	size_t i;
	int n, err, ret;

	n = cli_parse(c, argc, argv, NULL, pos, 0, 1);
	if (n < 0)
		return cli_parse_status(n);
	f = cli_open_input(c, n, pos);
	if (!f)
		return CLI_FAIL;
	err = cli_batch_parse(f, &ops, &bad, &why);
	if (f != stdin)
		fclose(f);
	if (err == -1) {
		ret = cli_usage_error(c, "line %lu: %s; nothing was sent",
				      bad, why);
		goto free_ops;
	}
	if (err) {
		fprintf(stderr, "holt: batch: line %lu: %s\n", bad, why);
		ret = CLI_FAIL;
		goto free_ops;
	}
	ret = CLI_OK;
	if (!ops.n)
		goto free_ops;	/* an empty batch applies nothing */
	b = holt_batch_new();
	if (!b) {
		ret = cli_error(c, -ENOMEM, NULL);
		goto free_ops;
	}
	for (i = 0; i < ops.n; i++) {
		const struct cli_op *op = &ops.op[i];

		err = holt_batch_add(b, op->type, op->key, op->klen, op->val,
				     op->vlen, op->version, op->flags);
		if (err) {
			ret = cli_error(c, err, "line %lu", op->line);
			goto free_batch;
		}
	}
	ret = cli_target(c);
	if (ret)
		goto free_batch;
	err = holt_batch_commit(c->h, b, &failed);
	if (err && failed >= 0 && (size_t)failed < ops.n) {
		const struct cli_op *op = &ops.op[failed];
		char *what = NULL;
		size_t size = 0;
		FILE *m = open_memstream(&what, &size);

		if (m) {
			fprintf(m, "line %lu (%s ", op->line,
				cli_op_name(op->type));
			cli_escape(m, op->key, op->klen);
			fputs("), nothing was applied", m);
			fclose(m);
		}
		ret = cli_error(c, err, "%s", what ? what : "?");
		free(what);
	} else if (err) {
		ret = cli_error(c, err, "nothing was applied");
	} else if (c->json) {
		printf("{\"applied\": %zu}\n", ops.n);
	}
free_batch:
	holt_batch_free(b);
free_ops:
	cli_ops_free(&ops);
	return ret;
}

/* Line numbers of the puts the kernel has not acknowledged yet. */
struct cli_pending {
	unsigned long *line;
	size_t n;
	size_t cap;
	uint64_t base;		/* put index of line[0] */
};

static int cli_pending_add(struct cli_pending *p, uint64_t done,
			   unsigned long line)
{
	if (done > p->base) {
		size_t drop = (size_t)(done - p->base);

		if (drop > p->n)
			drop = p->n;
		memmove(p->line, p->line + drop,
			(p->n - drop) * sizeof(*p->line));
		p->n -= drop;
		p->base += drop;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		unsigned long *l = realloc(p->line, cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		p->line = l;
		p->cap = cap;
	}
	p->line[p->n++] = line;
	return 0;
}

static double cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct cli_progress {
	bool on;
	off_t total;		/* input size, 0 when unknown */
	double start;
	double last;
};

static void cli_progress(struct cli_progress *pr, uint64_t keys,
			 off_t pos, bool end)
{
	double now = cli_now(), rate;
	int i, fill;

	if (!pr->on || (!end && now - pr->last < 0.1))
		return;
	pr->last = now;
	rate = now > pr->start ? keys / (now - pr->start) : 0;
	if (pr->total > 0) {
		double frac = (double)pos / pr->total;

		if (frac > 1)
			frac = 1;
		fill = (int)(frac * 30);
		fputs("\r[", stderr);
		for (i = 0; i < 30; i++)
			fputc(i < fill ? '#' : ' ', stderr);
		fprintf(stderr, "] %3d%% %" PRIu64 " keys %.0f keys/s ",
			(int)(frac * 100), keys, rate);
	} else {
		fprintf(stderr, "\r%" PRIu64 " keys %.0f keys/s ", keys, rate);
	}
	if (end)
		fputc('\n', stderr);
}

int cmd_load(struct cli *c, int argc, char **argv)
{
	struct cli_progress pr = { 0 };
	struct cli_pending pend = { 0 };
	struct holt_loader *l = NULL;
	unsigned long lineno = 0;
	const char *why = NULL;
	char *pos[1], *line = NULL;
	size_t cap = 0, klen, vlen;
	struct stat st;
	off_t bytes = 0;
	ssize_t len;
	FILE *f;
	int n, err = 0, ret = CLI_OK;

	n = cli_parse(c, argc, argv, NULL, pos, 0, 1);
	if (n < 0)
		return cli_parse_status(n);
	f = cli_open_input(c, n, pos);
	if (!f)
		return CLI_FAIL;
	ret = cli_target(c);
	if (ret)
		goto close_input;
	l = holt_loader_new(c->h, 0, 0);
	if (!l) {
		ret = cli_error(c, -ENOMEM, NULL);
		goto close_input;
	}
	pr.on = isatty(STDERR_FILENO);
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode))
		pr.total = st.st_size;
	pr.start = cli_now();
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *tab;

		lineno++;
		bytes += len;
		if (len && line[len - 1] == '\n')
			len--;
		if (!len)
			continue;
		tab = memchr(line, '\t', len);
		if (!tab) {
			why = "no TAB between key and value";
			goto malformed;
		}
		cli_unescape(line, tab - line, false, &klen);
		cli_unescape(tab + 1, line + len - tab - 1, false, &vlen);
		if (!klen) {
			why = "empty key";
			goto malformed;
		}
		if (cli_pending_add(&pend, holt_loader_done(l), lineno)) {
			ret = cli_error(c, -ENOMEM, NULL);
			goto free_loader;
		}
		err = holt_loader_put(l, line, klen, tab + 1, vlen);
		if (err)
			goto failed;
		cli_progress(&pr, holt_loader_done(l), bytes, false);
	}
	if (ferror(f)) {
		fprintf(stderr, "holt: load: reading line %lu: %s\n",
			lineno + 1, strerror(errno));
		ret = CLI_FAIL;
		goto free_loader;
	}
	err = holt_loader_flush(l);
	if (err)
		goto failed;
	cli_progress(&pr, holt_loader_done(l), bytes, true);
	if (c->json)
		printf("{\"loaded\": %" PRIu64 "}\n", holt_loader_done(l));
	goto free_loader;

malformed:
	if (pr.on)
		fputc('\n', stderr);
	ret = cli_usage_error(c, "line %lu: %s; %" PRIu64 " keys loaded before it",
			      lineno, why, holt_loader_done(l));
	goto free_loader;
failed:
	if (pr.on)
		fputc('\n', stderr);
	{
		long long idx = holt_loader_failed(l);

		if (idx >= 0 && (uint64_t)idx >= pend.base &&
		    (uint64_t)idx - pend.base < pend.n)
			ret = cli_error(c, err, "line %lu (%" PRIu64 " keys loaded before its message)",
					pend.line[idx - pend.base],
					holt_loader_done(l));
		else
			ret = cli_error(c, err, "%" PRIu64 " keys loaded",
					holt_loader_done(l));
	}
free_loader:
	holt_loader_free(l);
close_input:
	free(line);
	free(pend.line);
	if (f != stdin)
		fclose(f);
	return ret;
}
