// SPDX-License-Identifier: GPL-2.0
/*
 * holt.c - the holt command: global options, the command table, option
 * parsing, errors and exit status.
 *
 *   holt [-s STORE] [-t TREE] [--json] COMMAND [ARGS]
 *
 * Every command parses all of its arguments before it talks to the kernel,
 * so a usage error exits with status 2 whether or not holt.ko is loaded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "holt.h"

static int cmd_help(struct cli *c, int argc, char **argv);

static const struct cli_cmd cli_cmds[] = {
	{ "format", cmd_format, "DEVICE [--wal-mb N]",
	  "write an empty store onto a block device" },
	{ "attach", cmd_attach,
	  "DEVICE [--name N] [--durability sync|async] [--cache-mb N] | --memory NAME "
	  "[--owner UID[:GID]] [--mode OCTAL]",
	  "attach a store on a device, or a volatile memory store" },
	{ "detach", cmd_detach, "NAME", "detach a store" },
	{ "stores", cmd_stores, "", "list the attached stores, one per line" },
	{ "tree", cmd_tree, "create NAME | drop NAME | list",
	  "create, drop or list the trees of a store" },
	{ "put", cmd_put, "KEY VALUE [--if-absent | --if-version V]",
	  "write a key" },
	{ "get", cmd_get, "KEY [--version]",
	  "print a key's value (and version)" },
	{ "del", cmd_del, "KEY [--if-version V]", "delete a key" },
	{ "mv", cmd_mv, "SRC DST [--force]", "rename a key atomically" },
	{ "ls", cmd_ls,
	  "[PREFIX] [--delimiter C] [--start-after KEY] [--limit N] [--values]",
	  "list keys in order" },
	{ "count", cmd_count, "[PREFIX] [--limit N]",
	  "count the keys under a prefix" },
	{ "longest-prefix", cmd_longest_prefix, "KEY",
	  "print the longest stored key that is a prefix of KEY" },
	{ "batch", cmd_batch, "[FILE]",
	  "apply a file of operations atomically" },
	{ "load", cmd_load, "[FILE]", "bulk put of KEY<TAB>VALUE lines" },
	{ "dump", cmd_dump, "[PREFIX]",
	  "print KEY<TAB>VALUE lines, the inverse of load" },
	{ "stats", cmd_stats, "", "print the tree's counters" },
	{ "checkpoint", cmd_checkpoint, "",
	  "write dirty frames and a new superblock" },
	{ "sync", cmd_sync, "", "wait until the log is on stable storage" },
	{ "compact", cmd_compact, "", "compact the store's frames" },
	{ "chmod", cmd_chmod, "OCTAL", "change the store's mode" },
	{ "chown", cmd_chown, "UID[:GID]", "change the store's owner" },
	{ "help", cmd_help, "", "print this help" },
};

#define CLI_NCMDS (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

static void cli_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: holt [-s STORE] [-t TREE] [--json] COMMAND [ARGS]\n\n"
		   "commands:\n");
	for (i = 0; i < CLI_NCMDS; i++)
		fprintf(f, "  %-15s %s\n", cli_cmds[i].name, cli_cmds[i].help);
	fprintf(f, "\nholt COMMAND --help shows a command's arguments.\n"
		   "exit status: 0 done, 1 not found / guard failed / exists, "
		   "2 usage error, 3 other failure\n");
}

static const struct cli_cmd *cli_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < CLI_NCMDS; i++)
		if (!strcmp(cli_cmds[i].name, name))
			return &cli_cmds[i];
	return NULL;
}

static void cli_cmd_usage(FILE *f, const struct cli_cmd *cmd)
{
	fprintf(f, "usage: holt [-s STORE] [-t TREE] [--json] %s%s%s\n",
		cmd->name, cmd->args[0] ? " " : "", cmd->args);
}

static int cmd_help(struct cli *c, int argc, char **argv)
{
	const struct cli_cmd *cmd;
	char *pos[1];
	int n;

	n = cli_parse(c, argc, argv, NULL, pos, 0, 1);
	if (n < 0)
		return CLI_USAGE;
	if (n == 1) {
		cmd = cli_find(pos[0]);
		if (!cmd)
			return cli_usage_error(c, "no command '%s'", pos[0]);
		cli_cmd_usage(stdout, cmd);
		printf("%s\n", cmd->help);
		return CLI_OK;
	}
	cli_usage(stdout);
	return CLI_OK;
}

/**
 * cli_usage_error() - report a usage error
 * @c: the invocation
 * @fmt: what is wrong
 *
 * Return: CLI_USAGE.
 */
int cli_usage_error(struct cli *c, const char *fmt, ...)
{
	const struct cli_cmd *cmd = cli_find(c->cmd);
	va_list ap;

	fprintf(stderr, "holt: %s%s", c->cmd ? c->cmd : "",
		c->cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		cli_cmd_usage(stderr, cmd);
	else
		fprintf(stderr, "try 'holt help'\n");
	return CLI_USAGE;
}

/* The global options, accepted before the command and among its args. */
static int cli_global(struct cli *c, const char *name, const char *arg)
{
	if (!strcmp(name, "json"))
		c->json = true;
	else if (!strcmp(name, "s") || !strcmp(name, "store"))
		c->store = arg;
	else if (!strcmp(name, "t") || !strcmp(name, "tree"))
		c->tree = arg;
	else
		return -1;
	return 0;
}

static bool cli_global_has_arg(const char *name)
{
	return !strcmp(name, "s") || !strcmp(name, "store") ||
	       !strcmp(name, "t") || !strcmp(name, "tree");
}

/**
 * cli_parse() - parse a command's arguments
 * @c: the invocation (receives global options met among the arguments)
 * @argc: number of arguments after the command's name
 * @argv: the arguments
 * @opts: the command's options, ended by a NULL name (NULL for none)
 * @pos: receives the positional arguments
 * @min_pos: fewest positional arguments allowed
 * @max_pos: most positional arguments allowed
 *
 * Options may come before, between or after positional arguments; "--"
 * ends them, so that a key may start with '-'.  "--help" prints the
 * command's usage.
 *
 * Return: the number of positional arguments, or -1 after a usage error
 * was reported (or -2 after --help).
 */
int cli_parse(struct cli *c, int argc, char **argv, const struct cli_opt *opts,
	      char **pos, int min_pos, int max_pos)
{
	bool dashdash = false;
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *name, *val = NULL;
		const struct cli_opt *o;
		char buf[64];
		size_t len;

		if (dashdash || a[0] != '-' || !a[1]) {
			if (n == max_pos) {
				cli_usage_error(c, "unexpected argument '%s'",
						a);
				return -1;
			}
			pos[n++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			const struct cli_cmd *cmd = cli_find(c->cmd);

			if (cmd)
				cli_cmd_usage(stdout, cmd);
			return -2;
		}
		if (a[1] != '-') {
			/* Short options: only the global -s and -t. */
			if (a[2] || (a[1] != 's' && a[1] != 't')) {
				cli_usage_error(c, "unknown option '%s' (put -- before an argument starting with '-')",
						a);
				return -1;
			}
			if (i + 1 == argc) {
				cli_usage_error(c, "option '%s' needs an argument",
						a);
				return -1;
			}
			cli_global(c, a + 1, argv[++i]);
			continue;
		}
		name = a + 2;
		len = strcspn(name, "=");
		if (name[len] == '=')
			val = name + len + 1;
		if (len >= sizeof(buf)) {
			cli_usage_error(c, "unknown option '%s'", a);
			return -1;
		}
		memcpy(buf, name, len);
		buf[len] = '\0';
		for (o = opts; o && o->name; o++)
			if (!strcmp(o->name, buf))
				break;
		if (!o || !o->name) {
			if (cli_global_has_arg(buf)) {
				if (!val && i + 1 == argc) {
					cli_usage_error(c, "option '--%s' needs an argument",
							buf);
					return -1;
				}
				cli_global(c, buf, val ? val : argv[++i]);
				continue;
			}
			if (!val && !cli_global(c, buf, NULL))
				continue;
			cli_usage_error(c, "unknown option '%s'", a);
			return -1;
		}
		if (o->has_arg) {
			if (!val) {
				if (i + 1 == argc) {
					cli_usage_error(c, "option '--%s' needs an argument",
							buf);
					return -1;
				}
				val = argv[++i];
			}
			*o->arg = val;
		} else if (val) {
			cli_usage_error(c, "option '--%s' takes no argument",
					buf);
			return -1;
		}
		if (o->set)
			*o->set = true;
	}
	if (n < min_pos) {
		cli_usage_error(c, "missing argument");
		return -1;
	}
	return n;
}

/**
 * cli_u64() - parse a decimal number argument
 * @c: the invocation
 * @what: the option or argument's name, for the message
 * @s: the text
 * @out: receives the number
 *
 * Return: 0, or CLI_USAGE after reporting the error.
 */
int cli_u64(struct cli *c, const char *what, const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!s[0] || s[0] == '-' || s[0] == '+')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		goto bad;
	*out = v;
	return 0;
bad:
	return cli_usage_error(c, "%s: '%s' is not a number", what, s);
}

static const char *cli_strerror(int err)
{
	switch (err) {
	case ENOENT:
		return "not found";
	case EEXIST:
		return "already exists";
	case ECANCELED:
		return "version guard failed";
	case ENOTEMPTY:
		return "prefix not empty";
	case E2BIG:
		return "key or value too long";
	case EACCES:
		return "permission denied";
	case EPERM:
		return "operation not permitted";
	case EUCLEAN:
		return "damaged metadata";
	default:
		return strerror(err);
	}
}

/**
 * cli_error() - report a failed call and choose the exit status
 * @c: the invocation
 * @err: the call's -errno
 * @fmt: what was being done (may be NULL)
 *
 * The message carries the kernel's extended-ack text when there is one.
 *
 * Return: CLI_NO for ENOENT, ECANCELED, EEXIST, ENOTEMPTY; else CLI_FAIL.
 */
int cli_error(struct cli *c, int err, const char *fmt, ...)
{
	const char *msg = c->h ? holt_errmsg(c->h) : "";
	va_list ap;

	if (err < 0)
		err = -err;
	fprintf(stderr, "holt: %s: ", c->cmd);
	if (fmt) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputs(": ", stderr);
	}
	fputs(cli_strerror(err), stderr);
	if (msg[0])
		fprintf(stderr, " (%s)", msg);
	fputc('\n', stderr);
	switch (err) {
	case ENOENT:
	case ECANCELED:
	case EEXIST:
	case ENOTEMPTY:
		return CLI_NO;
	default:
		return CLI_FAIL;
	}
}

/**
 * cli_connect() - open the handle, once
 * @c: the invocation
 *
 * Return: 0, or CLI_FAIL after reporting why.
 */
int cli_connect(struct cli *c)
{
	if (c->h)
		return 0;
	c->h = holt_open();
	if (c->h)
		return 0;
	if (errno == ENOENT)
		fprintf(stderr, "holt: %s: generic netlink family \"%s\" not found: is holt.ko loaded?\n",
			c->cmd, HOLT_GENL_NAME);
	else
		fprintf(stderr, "holt: %s: cannot open netlink: %s\n",
			c->cmd, strerror(errno));
	return CLI_FAIL;
}

/**
 * cli_store() - the store a command addresses: -s, or the only one
 * @c: the invocation (connected here)
 * @store: receives the name (static storage or argv)
 *
 * Return: 0, or an exit status after reporting why.
 */
int cli_store(struct cli *c, const char **store)
{
	static char only[HOLT_NAME_MAX_LEN];
	struct holt_store_info *list;
	size_t n;
	int err;

	err = cli_connect(c);
	if (err)
		return err;
	if (c->store) {
		*store = c->store;
		return 0;
	}
	err = holt_store_list(c->h, &list, &n);
	if (err)
		return cli_error(c, err, "listing stores");
	if (n == 1) {
		snprintf(only, sizeof(only), "%s", list[0].name);
		free(list);
		*store = only;
		return 0;
	}
	free(list);
	if (!n) {
		fprintf(stderr, "holt: %s: no store attached\n", c->cmd);
		return CLI_FAIL;
	}
	return cli_usage_error(c, "%zu stores attached: name one with -s STORE",
			       n);
}

/**
 * cli_target() - connect and select the store and tree of a data command
 * @c: the invocation
 *
 * Return: 0, or an exit status after reporting why.
 */
int cli_target(struct cli *c)
{
	const char *store;
	int err;

	err = cli_store(c, &store);
	if (err)
		return err;
	err = holt_select(c->h, store, c->tree);
	if (err)
		return cli_usage_error(c, "store or tree name too long");
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	const struct cli_cmd *cmd;
	int i, ret;

	/* Global options before the command. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			cli_usage(stdout);
			return CLI_OK;
		}
		if (!strcmp(a, "--json")) {
			c.json = true;
			continue;
		}
		if (!strcmp(a, "-s") || !strcmp(a, "-t") ||
		    !strcmp(a, "--store") || !strcmp(a, "--tree")) {
			if (i + 1 == argc)
				return cli_usage_error(&c, "option '%s' needs an argument",
						       a);
			cli_global(&c, a + (a[1] == '-' ? 2 : 1), argv[i + 1]);
			i++;
			continue;
		}
		if (!strncmp(a, "--store=", 8) || !strncmp(a, "--tree=", 7)) {
			const char *eq = strchr(a, '=');
			char name[8];

			snprintf(name, sizeof(name), "%.*s",
				 (int)(eq - a - 2), a + 2);
			cli_global(&c, name, eq + 1);
			continue;
		}
		return cli_usage_error(&c, "unknown option '%s'", a);
	}
	if (i == argc) {
		cli_usage(stderr);
		return CLI_USAGE;
	}
	cmd = cli_find(argv[i]);
	if (!cmd)
		return cli_usage_error(&c, "unknown command '%s'", argv[i]);
	c.cmd = cmd->name;
	if (c.store && (!c.store[0] || strlen(c.store) >= HOLT_NAME_MAX_LEN))
		return cli_usage_error(&c, "bad store name '%s'", c.store);
	if (c.tree && (!c.tree[0] || strlen(c.tree) >= HOLT_NAME_MAX_LEN))
		return cli_usage_error(&c, "bad tree name '%s'", c.tree);
	ret = cmd->run(&c, argc - i - 1, argv + i + 1);
	if (fflush(stdout) && ret == CLI_OK) {
		fprintf(stderr, "holt: %s: writing output: %s\n", c.cmd,
			strerror(errno));
		ret = CLI_FAIL;
	}
	holt_close(c.h);
	return ret;
}
