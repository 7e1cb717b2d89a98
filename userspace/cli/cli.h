/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - what the parts of the holt command share.
 */
#ifndef HOLT_CLI_H
#define HOLT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit status, as the CLI contract fixes it. */
enum {
	CLI_OK = 0,
	CLI_NO = 1,		/* a definite no: not found, guard failed, exists */
	CLI_USAGE = 2,
	CLI_FAIL = 3,
};

struct holt;

struct cli {
	const char *store;	/* -s, or NULL */
	const char *tree;	/* -t, or NULL */
	bool json;		/* --json */
	const char *cmd;	/* the command's name, for messages */
	struct holt *h;		/* opened on first use */
};

/* One option of a command: --name, or --name ARG / --name=ARG. */
struct cli_opt {
	const char *name;
	bool has_arg;
	const char **arg;	/* where the argument goes (has_arg) */
	bool *set;		/* set when present (may be NULL) */
};

struct cli_cmd {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *args;
	const char *help;
};

/* The exit status of a failed cli_parse(): 0 after --help, else usage. */
static inline int cli_parse_status(int n)
{
	return n == -2 ? CLI_OK : CLI_USAGE;
}

/* holt.c */
int cli_usage_error(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_parse(struct cli *c, int argc, char **argv, const struct cli_opt *opts,
	      char **pos, int min_pos, int max_pos);
int cli_connect(struct cli *c);
int cli_store(struct cli *c, const char **store);
int cli_target(struct cli *c);
int cli_error(struct cli *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cli_u64(struct cli *c, const char *what, const char *s, uint64_t *out);

/* escape.c: the line formats of ls, dump, load and batch files. */
void cli_escape(FILE *f, const void *p, size_t len);
void cli_unescape(char *s, size_t len, bool quotes, size_t *out_len);
void cli_json_string(FILE *f, const void *p, size_t len);

/* batchfile.c */
struct cli_op {
	unsigned int type;	/* enum holt_batch_op_type */
	char *key;
	size_t klen;
	char *val;
	size_t vlen;
	uint64_t version;
	unsigned int flags;
	unsigned long line;
};

struct cli_ops {
	struct cli_op *op;
	size_t n;
	size_t cap;
};

int cli_batch_parse(FILE *f, struct cli_ops *ops, unsigned long *bad_line,
		    const char **why);
int cli_batch_parse_line(char *line, size_t len, struct cli_ops *ops,
			 unsigned long lineno, const char **why);
void cli_ops_free(struct cli_ops *ops);

/* cmd_data.c, cmd_admin.c */
int cmd_put(struct cli *c, int argc, char **argv);
int cmd_get(struct cli *c, int argc, char **argv);
int cmd_del(struct cli *c, int argc, char **argv);
int cmd_mv(struct cli *c, int argc, char **argv);
int cmd_ls(struct cli *c, int argc, char **argv);
int cmd_count(struct cli *c, int argc, char **argv);
int cmd_longest_prefix(struct cli *c, int argc, char **argv);
int cmd_batch(struct cli *c, int argc, char **argv);
int cmd_load(struct cli *c, int argc, char **argv);
int cmd_dump(struct cli *c, int argc, char **argv);
int cmd_format(struct cli *c, int argc, char **argv);
int cmd_attach(struct cli *c, int argc, char **argv);
int cmd_detach(struct cli *c, int argc, char **argv);
int cmd_stores(struct cli *c, int argc, char **argv);
int cmd_tree(struct cli *c, int argc, char **argv);
int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_checkpoint(struct cli *c, int argc, char **argv);
int cmd_sync(struct cli *c, int argc, char **argv);
int cmd_compact(struct cli *c, int argc, char **argv);
int cmd_chmod(struct cli *c, int argc, char **argv);
int cmd_chown(struct cli *c, int argc, char **argv);

#endif /* HOLT_CLI_H */
