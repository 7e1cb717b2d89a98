// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_admin.c - the administrative commands of holt: format, attach,
 * detach, stores, tree, stats, checkpoint, sync, compact, chmod, chown.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "holt.h"

int cmd_format(struct cli *c, int argc, char **argv)
{
	const char *wal = NULL;
	struct cli_opt opts[] = {
		{ "wal-mb", true, &wal, NULL },
		{ NULL },
	};
	uint64_t wal_mb = 0;
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, opts, pos, 1, 1);
	if (n < 0)
		return cli_parse_status(n);
	if (wal && (cli_u64(c, "--wal-mb", wal, &wal_mb)))
		return CLI_USAGE;
	if (wal && (!wal_mb || wal_mb > UINT32_MAX))
		return cli_usage_error(c, "--wal-mb: out of range");
	if (strlen(pos[0]) >= HOLT_PATH_MAX_LEN)
		return cli_usage_error(c, "device path too long");
	err = cli_connect(c);
	if (err)
		return err;
	err = holt_format(c->h, pos[0], (uint32_t)wal_mb);
	if (err)
		return cli_error(c, err, "%s", pos[0]);
	return CLI_OK;
}

/* UID[:GID], numeric. */
static int cli_owner(struct cli *c, const char *s, int64_t *uid,
		     int64_t *gid)
{
	const char *colon = strchr(s, ':');
	uint64_t v;
	char buf[32];

	if (!colon)
		colon = s + strlen(s);
	if ((size_t)(colon - s) >= sizeof(buf))
		return cli_usage_error(c, "bad owner '%s'", s);
	memcpy(buf, s, colon - s);
	buf[colon - s] = '\0';
	if (cli_u64(c, "owner uid", buf, &v))
		return CLI_USAGE;
	if (v > UINT32_MAX - 1)
		return cli_usage_error(c, "uid %s out of range", buf);
	*uid = (int64_t)v;
	if (*colon) {
		if (cli_u64(c, "owner gid", colon + 1, &v))
			return CLI_USAGE;
		if (v > UINT32_MAX - 1)
			return cli_usage_error(c, "gid %s out of range",
					       colon + 1);
		*gid = (int64_t)v;
	}
	return 0;
}

static int cli_mode(struct cli *c, const char *s, int64_t *mode)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 8);
	if (!s[0] || s[0] == '-' || *end || errno || v > 0777)
		return cli_usage_error(c, "mode '%s' is not octal 0..0777", s);
	*mode = (int64_t)v;
	return 0;
}

int cmd_attach(struct cli *c, int argc, char **argv)
{
	const char *name = NULL, *memory = NULL, *dur = NULL;
	const char *owner = NULL, *mode = NULL, *cache = NULL;
	struct cli_opt opts[] = {
		{ "name", true, &name, NULL },
		{ "memory", true, &memory, NULL },
		{ "durability", true, &dur, NULL },
		{ "cache-mb", true, &cache, NULL },
		{ "owner", true, &owner, NULL },
		{ "mode", true, &mode, NULL },
		{ NULL },
	};
	struct holt_attach_opts o;
	char got[HOLT_NAME_MAX_LEN];
	char *pos[1];
	int n, err;

	holt_attach_opts_init(&o);
	n = cli_parse(c, argc, argv, opts, pos, 0, 1);
	if (n < 0)
		return cli_parse_status(n);
	if (memory) {
		if (n || name || dur || cache)
			return cli_usage_error(c, "--memory NAME takes no DEVICE, --name, --durability or --cache-mb");
		o.memory = 1;
		o.name = memory;
	} else {
		if (!n)
			return cli_usage_error(c, "give a DEVICE or --memory NAME");
		o.device = pos[0];
		o.name = name;
		if (strlen(o.device) >= HOLT_PATH_MAX_LEN)
			return cli_usage_error(c, "device path too long");
	}
	if (o.name && (!o.name[0] || strlen(o.name) >= HOLT_NAME_MAX_LEN))
		return cli_usage_error(c, "store name must have 1..%d bytes",
				       HOLT_NAME_MAX_LEN - 1);
	if (dur) {
		if (!strcmp(dur, "sync"))
			o.durability = HOLT_DURABILITY_SYNC;
		else if (!strcmp(dur, "async"))
			o.durability = HOLT_DURABILITY_ASYNC;
		else
			return cli_usage_error(c, "--durability is sync or async");
	}
	if (owner && cli_owner(c, owner, &o.uid, &o.gid))
		return CLI_USAGE;
	if (mode && cli_mode(c, mode, &o.mode))
		return CLI_USAGE;
	if (cache) {
		uint64_t mb;

		if (cli_u64(c, "--cache-mb", cache, &mb))
			return CLI_USAGE;
		if (!mb || mb > UINT32_MAX)
			return cli_usage_error(c, "--cache-mb: 1..%u", UINT32_MAX);
		o.cache_mb = (uint32_t)mb;
	}
	err = cli_connect(c);
	if (err)
		return err;
	err = holt_store_attach(c->h, &o, got, sizeof(got));
	if (err)
		return cli_error(c, err, "%s", memory ? memory : pos[0]);
	if (c->json) {
		fputs("{\"store\": ", stdout);
		cli_json_string(stdout, got, strlen(got));
		fputs("}\n", stdout);
	} else if (!o.name) {
		printf("%s\n", got);	/* the name the kernel derived */
	}
	return CLI_OK;
}

int cmd_detach(struct cli *c, int argc, char **argv)
{
	const char *name;
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, NULL, pos, 0, 1);
	if (n < 0)
		return cli_parse_status(n);
	/* holt detach NAME, or holt -s NAME detach. */
	name = n ? pos[0] : c->store;
	if (!name)
		return cli_usage_error(c, "missing argument");
	err = cli_connect(c);
	if (err)
		return err;
	err = holt_store_detach(c->h, name);
	if (err)
		return cli_error(c, err, "%s", name);
	return CLI_OK;
}

int cmd_stores(struct cli *c, int argc, char **argv)
{
	struct holt_store_info *s;
	size_t i, count;
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, NULL, pos, 0, 0);
	if (n < 0)
		return cli_parse_status(n);
	err = cli_connect(c);
	if (err)
		return err;
	err = holt_store_list(c->h, &s, &count);
	if (err)
		return cli_error(c, err, NULL);
	if (c->json)
		fputs("[", stdout);
	for (i = 0; i < count; i++) {
		if (!c->json) {
			printf("%s\n", s[i].name);
			continue;
		}
		fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", stdout);
		cli_json_string(stdout, s[i].name, strlen(s[i].name));
		printf(", \"memory\": %s, \"device\": ",
		       s[i].memory ? "true" : "false");
		if (s[i].device[0])
			cli_json_string(stdout, s[i].device,
					strlen(s[i].device));
		else
			fputs("null", stdout);
		printf(", \"uid\": %" PRIu32 ", \"gid\": %" PRIu32
		       ", \"mode\": \"%04" PRIo32 "\", \"durability\": %s}",
		       s[i].uid, s[i].gid, s[i].mode,
		       s[i].durability == HOLT_DURABILITY_SYNC ? "\"sync\"" :
		       s[i].durability == HOLT_DURABILITY_ASYNC ? "\"async\"" :
		       "null");
	}
	if (c->json)
		fputs(count ? "\n]\n" : "]\n", stdout);
	free(s);
	return CLI_OK;
}

static int cli_tree_list(struct cli *c)
{
	struct holt_tree_info *t;
	const char *store;
	size_t i, count;
	int err;

	err = cli_store(c, &store);
	if (err)
		return err;
	err = holt_tree_list(c->h, store, &t, &count);
	if (err)
		return cli_error(c, err, "%s", store);
	if (c->json)
		fputs("[", stdout);
	for (i = 0; i < count; i++) {
		if (!c->json) {
			printf("%s\n", t[i].name);
			continue;
		}
		fputs(i ? ",\n  {\"store\": " : "\n  {\"store\": ", stdout);
		cli_json_string(stdout, t[i].store, strlen(t[i].store));
		fputs(", \"name\": ", stdout);
		cli_json_string(stdout, t[i].name, strlen(t[i].name));
		printf(", \"keys\": %" PRIu64 "}", t[i].keys);
	}
	if (c->json)
		fputs(count ? "\n]\n" : "]\n", stdout);
	free(t);
	return CLI_OK;
}

int cmd_tree(struct cli *c, int argc, char **argv)
{
	const char *store;
	char *pos[2];
	bool create;
	int n, err;

	n = cli_parse(c, argc, argv, NULL, pos, 1, 2);
	if (n < 0)
		return cli_parse_status(n);
	if (!strcmp(pos[0], "list")) {
		if (n != 1)
			return cli_usage_error(c, "tree list takes no NAME");
		return cli_tree_list(c);
	}
	create = !strcmp(pos[0], "create");
	if (!create && strcmp(pos[0], "drop"))
		return cli_usage_error(c, "unknown tree command '%s'", pos[0]);
	if (n != 2)
		return cli_usage_error(c, "tree %s needs a NAME", pos[0]);
	if (!pos[1][0] || strlen(pos[1]) >= HOLT_NAME_MAX_LEN)
		return cli_usage_error(c, "tree name must have 1..%d bytes",
				       HOLT_NAME_MAX_LEN - 1);
	err = cli_store(c, &store);
	if (err)
		return err;
	err = create ? holt_tree_create(c->h, store, pos[1]) :
		       holt_tree_drop(c->h, store, pos[1]);
	if (err)
		return cli_error(c, err, "%s", pos[1]);
	return CLI_OK;
}

static const struct {
	const char *name;
	size_t off;
} cli_stats_fields[] = {
#define F(x) { #x, offsetof(struct holt_stats, x) }
	F(version), F(keys), F(frames), F(frame_bytes), F(data_used), F(data_live),
	F(data_capacity), F(tombstones), F(spills), F(compactions),
	F(merges), F(depth), F(gets), F(puts), F(dels), F(scans),
	F(resident), F(loads), F(evictions), F(hint_bytes), F(dense),
	F(hollow_frames), F(cuts),
#undef F
};

int cmd_stats(struct cli *c, int argc, char **argv)
{
	struct holt_stats st;
	char *pos[1];
	size_t i;
	int n, err;

	n = cli_parse(c, argc, argv, NULL, pos, 0, 0);
	if (n < 0)
		return cli_parse_status(n);
	err = cli_target(c);
	if (err)
		return err;
	err = holt_stats(c->h, &st);
	if (err)
		return cli_error(c, err, NULL);
	if (c->json)
		putchar('{');
	for (i = 0; i < sizeof(cli_stats_fields) / sizeof(cli_stats_fields[0]);
	     i++) {
		uint64_t v = *(const uint64_t *)((const char *)&st +
						 cli_stats_fields[i].off);

		if (c->json)
			printf("%s\"%s\": %" PRIu64, i ? ", " : "",
			       cli_stats_fields[i].name, v);
		else
			printf("%s %" PRIu64 "\n", cli_stats_fields[i].name, v);
	}
	if (c->json)
		puts("}");
	return CLI_OK;
}

static int cli_store_cmd(struct cli *c, int argc, char **argv,
			 int (*fn)(struct holt *, const char *))
{
	const char *store;
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, NULL, pos, 0, 0);
	if (n < 0)
		return cli_parse_status(n);
	err = cli_store(c, &store);
	if (err)
		return err;
	err = fn(c->h, store);
	if (err)
		return cli_error(c, err, "%s", store);
	return CLI_OK;
}

int cmd_checkpoint(struct cli *c, int argc, char **argv)
{
	return cli_store_cmd(c, argc, argv, holt_checkpoint);
}

int cmd_sync(struct cli *c, int argc, char **argv)
{
	return cli_store_cmd(c, argc, argv, holt_sync);
}

int cmd_compact(struct cli *c, int argc, char **argv)
{
	const char *store;
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, NULL, pos, 0, 0);
	if (n < 0)
		return cli_parse_status(n);
	err = cli_store(c, &store);
	if (err)
		return err;
	/* Every tree of the store, or only the one named with -t. */
	err = holt_compact(c->h, store, c->tree);
	if (err)
		return cli_error(c, err, "%s", store);
	return CLI_OK;
}

int cmd_chmod(struct cli *c, int argc, char **argv)
{
	const char *store;
	int64_t mode;
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, NULL, pos, 1, 1);
	if (n < 0)
		return cli_parse_status(n);
	if (cli_mode(c, pos[0], &mode))
		return CLI_USAGE;
	err = cli_store(c, &store);
	if (err)
		return err;
	err = holt_store_set(c->h, store, -1, -1, mode);
	if (err)
		return cli_error(c, err, "%s", store);
	return CLI_OK;
}

int cmd_chown(struct cli *c, int argc, char **argv)
{
	int64_t uid = -1, gid = -1;
	const char *store;
	char *pos[1];
	int n, err;

	n = cli_parse(c, argc, argv, NULL, pos, 1, 1);
	if (n < 0)
		return cli_parse_status(n);
	if (cli_owner(c, pos[0], &uid, &gid))
		return CLI_USAGE;
	err = cli_store(c, &store);
	if (err)
		return err;
	err = holt_store_set(c->h, store, uid, gid, -1);
	if (err)
		return cli_error(c, err, "%s", store);
	return CLI_OK;
}
