// SPDX-License-Identifier: GPL-2.0
/*
 * admin.c - libholt's store and tree administration, stats, format and
 * the maintenance commands.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* Lists are small: re-read them from the start if they changed meanwhile. */
#define HOLT_LIST_RETRIES	5

void holt_attach_opts_init(struct holt_attach_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->durability = -1;
	o->uid = -1;
	o->gid = -1;
	o->mode = -1;
}

static int holt_put_owner(struct nl_msg *m, int64_t uid, int64_t gid,
			  int64_t mode)
{
	if (uid > UINT32_MAX || gid > UINT32_MAX || mode > 07777)
		return -EINVAL;
	if (uid >= 0 && nla_put_u32(m, HOLT_A_UID, (uint32_t)uid))
		return -EMSGSIZE;
	if (gid >= 0 && nla_put_u32(m, HOLT_A_GID, (uint32_t)gid))
		return -EMSGSIZE;
	if (mode >= 0 && nla_put_u32(m, HOLT_A_MODE, (uint32_t)mode))
		return -EMSGSIZE;
	return 0;
}

struct holt_name_out {
	char *name;
	size_t size;
};

static int holt_attach_reply(struct holt *h, const struct nlmsghdr *nlh,
			     struct nlattr **tb, void *arg)
{
	struct holt_name_out *o = arg;

	if (o->name && o->size)
		return holt_copy_name(o->name, o->size, tb[HOLT_A_STORE]);
	return 0;
}

int holt_store_attach(struct holt *h, const struct holt_attach_opts *o,
		      char *name, size_t name_size)
{
	struct holt_name_out out = { name, name_size };
	struct nl_msg *m;
	int err;

	if (name && name_size)
		name[0] = '\0';
	if (!o->memory == !o->device)
		return -EINVAL;		/* exactly one of the two */
	if (o->device && strlen(o->device) >= HOLT_PATH_MAX_LEN)
		return -ENAMETOOLONG;
	m = holt_msg_new(h, HOLT_CMD_STORE_ATTACH, 0);
	if (!m)
		return -ENOMEM;
	err = holt_msg_store(m, o->name);
	if (!err && o->memory && nla_put_flag(m, HOLT_A_MEMORY))
		err = -EMSGSIZE;
	if (!err && o->device && nla_put_string(m, HOLT_A_DEVICE, o->device))
		err = -EMSGSIZE;
	if (!err && o->durability >= 0 &&
	    nla_put_u8(m, HOLT_A_DURABILITY, (uint8_t)o->durability))
		err = -EMSGSIZE;
	if (!err && o->cache_mb && nla_put_u32(m, HOLT_A_CACHE_MB, o->cache_mb))
		err = -EMSGSIZE;
	if (!err)
		err = holt_put_owner(m, o->uid, o->gid, o->mode);
	if (err) {
		nlmsg_free(m);
		return err;
	}
	err = holt_transact(h, m, HOLT_WANT_REPLY, holt_attach_reply, &out);
	if (!err && name && name_size && !name[0] && o->name)
		snprintf(name, name_size, "%s", o->name);
	return err;
}

/* A request naming a store (or none), answered by an ack. */
static int holt_store_cmd(struct holt *h, uint8_t cmd, const char *store,
			  const char *tree)
{
	struct nl_msg *m;
	int err;

	m = holt_msg_new(h, cmd, 0);
	if (!m)
		return -ENOMEM;
	err = holt_msg_store(m, store);
	if (!err && tree) {
		if (strlen(tree) >= HOLT_NAME_MAX_LEN)
			err = -ENAMETOOLONG;
		else if (nla_put_string(m, HOLT_A_TREE, tree))
			err = -EMSGSIZE;
	}
	if (err) {
		nlmsg_free(m);
		return err;
	}
	return holt_transact(h, m, HOLT_WANT_ACK, NULL, NULL);
}

int holt_store_detach(struct holt *h, const char *name)
{
	return holt_store_cmd(h, HOLT_CMD_STORE_DETACH, name, NULL);
}

int holt_store_set(struct holt *h, const char *name, int64_t uid,
		   int64_t gid, int64_t mode)
{
	struct nl_msg *m;
	int err;

	m = holt_msg_new(h, HOLT_CMD_STORE_SET, 0);
	if (!m)
		return -ENOMEM;
	err = holt_msg_store(m, name);
	if (!err)
		err = holt_put_owner(m, uid, gid, mode);
	if (err) {
		nlmsg_free(m);
		return err;
	}
	return holt_transact(h, m, HOLT_WANT_ACK, NULL, NULL);
}

/* A growing array filled by a dump. */
struct holt_list {
	void *items;
	size_t n;
	size_t cap;
	size_t size;	/* of one item */
};

static void *holt_list_add(struct holt_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		void *p = realloc(l->items, cap * l->size);

		if (!p)
			return NULL;
		l->items = p;
		l->cap = cap;
	}
	memset((char *)l->items + l->n * l->size, 0, l->size);
	return (char *)l->items + l->n++ * l->size;
}

static int holt_store_list_reply(struct holt *h, const struct nlmsghdr *nlh,
				 struct nlattr **tb, void *arg)
{
	struct holt_store_info *s = holt_list_add(arg);
	int err;

	if (!s)
		return -ENOMEM;
	err = holt_copy_name(s->name, sizeof(s->name), tb[HOLT_A_STORE]);
	if (!err)
		err = holt_copy_name(s->device, sizeof(s->device),
				     tb[HOLT_A_DEVICE]);
	if (err)
		return err;
	if (tb[HOLT_A_UID])
		s->uid = nla_get_u32(tb[HOLT_A_UID]);
	if (tb[HOLT_A_GID])
		s->gid = nla_get_u32(tb[HOLT_A_GID]);
	if (tb[HOLT_A_MODE])
		s->mode = nla_get_u32(tb[HOLT_A_MODE]);
	s->memory = tb[HOLT_A_MEMORY] != NULL;
	s->durability = tb[HOLT_A_DURABILITY] ?
			nla_get_u8(tb[HOLT_A_DURABILITY]) : -1;
	return 0;
}

static int holt_tree_list_reply(struct holt *h, const struct nlmsghdr *nlh,
				struct nlattr **tb, void *arg)
{
	struct holt_tree_info *t = holt_list_add(arg);
	int err;

	if (!t)
		return -ENOMEM;
	err = holt_copy_name(t->store, sizeof(t->store), tb[HOLT_A_STORE]);
	if (!err)
		err = holt_copy_name(t->name, sizeof(t->name),
				     tb[HOLT_A_TREE]);
	if (err)
		return err;
	if (tb[HOLT_A_COUNT])
		t->keys = nla_get_u64(tb[HOLT_A_COUNT]);
	return 0;
}

/* Dump a list, starting over when the kernel flags it as changed. */
static int holt_dump_list(struct holt *h, uint8_t cmd, const char *store,
			  holt_reply_fn fn, struct holt_list *l)
{
	int tries, err;

	for (tries = 0; tries < HOLT_LIST_RETRIES; tries++) {
		bool finished = false, intr = false;
		struct nl_msg *m;
		uint32_t seq;

		l->n = 0;
		m = holt_msg_new(h, cmd, 0);
		if (!m)
			return -ENOMEM;
		err = holt_msg_store(m, store);
		if (!err)
			err = holt_send(h, m, HOLT_WANT_DUMP, &seq);
		nlmsg_free(m);
		if (err)
			return err;
		while (!finished) {
			err = holt_recv_one(h, seq, HOLT_WANT_DUMP, fn, l,
					    &finished, &intr);
			if (err) {
				if (!finished)
					holt_reset_socket(h);
				return err;
			}
		}
		if (!intr)
			return 0;
	}
	return -EAGAIN;
}

int holt_store_list(struct holt *h, struct holt_store_info **out, size_t *n)
{
	struct holt_list l = { .size = sizeof(struct holt_store_info) };
	int err;

	err = holt_dump_list(h, HOLT_CMD_STORE_LIST, NULL,
			     holt_store_list_reply, &l);
	if (err) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return err;
}

int holt_tree_list(struct holt *h, const char *store,
		   struct holt_tree_info **out, size_t *n)
{
	struct holt_list l = { .size = sizeof(struct holt_tree_info) };
	int err;

	err = holt_dump_list(h, HOLT_CMD_TREE_LIST, store,
			     holt_tree_list_reply, &l);
	if (err) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return err;
}

int holt_tree_create(struct holt *h, const char *store, const char *tree)
{
	return holt_store_cmd(h, HOLT_CMD_TREE_CREATE, store, tree);
}

int holt_tree_drop(struct holt *h, const char *store, const char *tree)
{
	return holt_store_cmd(h, HOLT_CMD_TREE_DROP, store, tree);
}

static const struct nla_policy holt_stats_policy[HOLT_STATS_A_MAX + 1] = {
	[HOLT_STATS_A_KEYS ... HOLT_STATS_A_SCANS] = { .type = NLA_U64 },
	[HOLT_STATS_A_RESIDENT ... HOLT_STATS_A_CUTS] = {
		.type = NLA_U64 },
};

static int holt_stats_reply(struct holt *h, const struct nlmsghdr *nlh,
			    struct nlattr **tb, void *arg)
{
	struct nlattr *st[HOLT_STATS_A_MAX + 1];
	struct holt_stats *s = arg;
	uint64_t *field[HOLT_STATS_A_MAX + 1] = {
		[HOLT_STATS_A_KEYS] = &s->keys,
		[HOLT_STATS_A_FRAMES] = &s->frames,
		[HOLT_STATS_A_FRAME_BYTES] = &s->frame_bytes,
		[HOLT_STATS_A_DATA_USED] = &s->data_used,
		[HOLT_STATS_A_DATA_LIVE] = &s->data_live,
		[HOLT_STATS_A_DATA_CAPACITY] = &s->data_capacity,
		[HOLT_STATS_A_TOMBSTONES] = &s->tombstones,
		[HOLT_STATS_A_SPILLS] = &s->spills,
		[HOLT_STATS_A_COMPACTIONS] = &s->compactions,
		[HOLT_STATS_A_MERGES] = &s->merges,
		[HOLT_STATS_A_DEPTH] = &s->depth,
		[HOLT_STATS_A_GETS] = &s->gets,
		[HOLT_STATS_A_PUTS] = &s->puts,
		[HOLT_STATS_A_DELS] = &s->dels,
		[HOLT_STATS_A_SCANS] = &s->scans,
		[HOLT_STATS_A_RESIDENT] = &s->resident,
		[HOLT_STATS_A_LOADS] = &s->loads,
		[HOLT_STATS_A_EVICTIONS] = &s->evictions,
		[HOLT_STATS_A_HINT_BYTES] = &s->hint_bytes,
		[HOLT_STATS_A_DENSE] = &s->dense,
		[HOLT_STATS_A_HOLLOW_FRAMES] = &s->hollow_frames,
		[HOLT_STATS_A_CUTS] = &s->cuts,
	};
	int i;

	if (!tb[HOLT_A_STATS])
		return -EPROTO;
	if (tb[HOLT_A_VERSION])
		s->version = nla_get_u64(tb[HOLT_A_VERSION]);
	if (nla_parse_nested(st, HOLT_STATS_A_MAX, tb[HOLT_A_STATS],
			     holt_stats_policy) < 0)
		return -EPROTO;
	for (i = 0; i <= HOLT_STATS_A_MAX; i++)
		if (field[i] && st[i])
			*field[i] = nla_get_u64(st[i]);
	return 0;
}

int holt_stats(struct holt *h, struct holt_stats *st)
{
	struct nl_msg *m;
	int err;

	memset(st, 0, sizeof(*st));
	m = holt_msg_new(h, HOLT_CMD_STATS, 0);
	if (!m)
		return -ENOMEM;
	err = holt_msg_target(h, m);
	if (err) {
		nlmsg_free(m);
		return err;
	}
	return holt_transact(h, m, HOLT_WANT_REPLY, holt_stats_reply, st);
}

int holt_format(struct holt *h, const char *device, uint32_t wal_mb)
{
	struct nl_msg *m;
	int err = 0;

	if (strlen(device) >= HOLT_PATH_MAX_LEN)
		return -ENAMETOOLONG;
	m = holt_msg_new(h, HOLT_CMD_FORMAT, 0);
	if (!m)
		return -ENOMEM;
	if (nla_put_string(m, HOLT_A_DEVICE, device) ||
	    (wal_mb && nla_put_u32(m, HOLT_A_WAL_MB, wal_mb)))
		err = -EMSGSIZE;
	if (err) {
		nlmsg_free(m);
		return err;
	}
	return holt_transact(h, m, HOLT_WANT_ACK, NULL, NULL);
}

int holt_checkpoint(struct holt *h, const char *store)
{
	return holt_store_cmd(h, HOLT_CMD_CHECKPOINT, store, NULL);
}

int holt_sync(struct holt *h, const char *store)
{
	return holt_store_cmd(h, HOLT_CMD_SYNC, store, NULL);
}

int holt_compact(struct holt *h, const char *store, const char *tree)
{
	return holt_store_cmd(h, HOLT_CMD_COMPACT, store, tree);
}
