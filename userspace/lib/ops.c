// SPDX-License-Identifier: GPL-2.0
/*
 * ops.c - libholt's point operations: get, put, del, rename, count,
 * longest prefix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/*
 * Keys and values are checked by the kernel, but an attribute's length is a
 * u16 and libnl would silently truncate a longer one.
 */
static int holt_put_bytes(struct holt *h, struct nl_msg *m, int type,
			  const void *p, size_t len)
{
	if (len > HOLT_NLA_MAX) {
		snprintf(h->errmsg, sizeof(h->errmsg),
			 "%zu bytes do not fit a netlink attribute (max %u)",
			 len, HOLT_NLA_MAX);
		return -E2BIG;
	}
	return nla_put(m, type, (int)len, p) ? -EMSGSIZE : 0;
}

struct holt_get_out {
	void **value;
	size_t *vlen;
	uint64_t *version;
	struct holt_entry *entry;	/* longest prefix: copy the key too */
};

static void *holt_dup(const struct nlattr *a, size_t *len)
{
	size_t n = a ? (size_t)nla_len(a) : 0;
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	if (n)
		memcpy(p, nla_data(a), n);
	p[n] = '\0';
	*len = n;
	return p;
}

static int holt_get_reply(struct holt *h, const struct nlmsghdr *nlh,
			  struct nlattr **tb, void *arg)
{
	struct holt_get_out *o = arg;
	size_t n;

	if (!tb[HOLT_A_VERSION])
		return -EPROTO;
	if (o->version)
		*o->version = nla_get_u64(tb[HOLT_A_VERSION]);
	if (o->vlen)
		*o->vlen = tb[HOLT_A_VALUE] ? nla_len(tb[HOLT_A_VALUE]) : 0;
	if (o->value) {
		*o->value = holt_dup(tb[HOLT_A_VALUE], &n);
		if (!*o->value)
			return -ENOMEM;
	}
	if (o->entry) {
		struct holt_entry *e = o->entry;

		if (!tb[HOLT_A_KEY])
			return -EPROTO;
		e->version = nla_get_u64(tb[HOLT_A_VERSION]);
		e->key = holt_dup(tb[HOLT_A_KEY], &e->key_len);
		e->value = holt_dup(tb[HOLT_A_VALUE], &e->value_len);
		if (!e->key || !e->value) {
			holt_entry_free(e);
			return -ENOMEM;
		}
	}
	return 0;
}

int holt_get(struct holt *h, const void *key, size_t klen,
	     void **value, size_t *vlen, uint64_t *version)
{
	struct holt_get_out o = { value, vlen, version, NULL };
	struct nl_msg *m;
	int err;

	if (value)
		*value = NULL;
	m = holt_msg_new(h, HOLT_CMD_GET, klen);
	if (!m)
		return -ENOMEM;
	err = holt_msg_target(h, m);
	if (!err)
		err = holt_put_bytes(h, m, HOLT_A_KEY, key, klen);
	if (err) {
		nlmsg_free(m);
		return err;
	}
	return holt_transact(h, m, HOLT_WANT_REPLY, holt_get_reply, &o);
}

static int holt_version_reply(struct holt *h, const struct nlmsghdr *nlh,
			      struct nlattr **tb, void *arg)
{
	uint64_t *version = arg;

	if (version && tb[HOLT_A_VERSION])
		*version = nla_get_u64(tb[HOLT_A_VERSION]);
	return 0;
}

int holt_put(struct holt *h, const void *key, size_t klen,
	     const void *val, size_t vlen, unsigned int flags,
	     uint64_t expect, uint64_t *version)
{
	struct nl_msg *m;
	int err;

	if (flags & ~(unsigned int)(HOLT_PUT_IF_ABSENT | HOLT_PUT_IF_VERSION))
		return -EINVAL;
	if (version)
		*version = 0;
	m = holt_msg_new(h, HOLT_CMD_PUT, klen + vlen);
	if (!m)
		return -ENOMEM;
	err = holt_msg_target(h, m);
	if (!err)
		err = holt_put_bytes(h, m, HOLT_A_KEY, key, klen);
	if (!err)
		err = holt_put_bytes(h, m, HOLT_A_VALUE, val, vlen);
	if (!err && flags && nla_put_u32(m, HOLT_A_FLAGS, flags))
		err = -EMSGSIZE;
	if (!err && (flags & HOLT_PUT_IF_VERSION) &&
	    nla_put_u64(m, HOLT_A_VERSION, expect))
		err = -EMSGSIZE;
	if (err) {
		nlmsg_free(m);
		return err;
	}
	return holt_transact(h, m, HOLT_WANT_REPLY, holt_version_reply,
			     version);
}

int holt_del(struct holt *h, const void *key, size_t klen,
	     unsigned int flags, uint64_t expect)
{
	struct nl_msg *m;
	int err;

	if (flags & ~(unsigned int)HOLT_DEL_IF_VERSION)
		return -EINVAL;
	m = holt_msg_new(h, HOLT_CMD_DEL, klen);
	if (!m)
		return -ENOMEM;
	err = holt_msg_target(h, m);
	if (!err)
		err = holt_put_bytes(h, m, HOLT_A_KEY, key, klen);
	if (!err && flags && (nla_put_u32(m, HOLT_A_FLAGS, flags) ||
			      nla_put_u64(m, HOLT_A_VERSION, expect)))
		err = -EMSGSIZE;
	if (err) {
		nlmsg_free(m);
		return err;
	}
	return holt_transact(h, m, HOLT_WANT_ACK, NULL, NULL);
}

int holt_rename(struct holt *h, const void *src, size_t slen,
		const void *dst, size_t dlen, unsigned int flags,
		uint64_t *version)
{
	struct nl_msg *m;
	int err;

	if (flags & ~(unsigned int)HOLT_RENAME_FORCE)
		return -EINVAL;
	if (version)
		*version = 0;
	m = holt_msg_new(h, HOLT_CMD_RENAME, slen + dlen);
	if (!m)
		return -ENOMEM;
	err = holt_msg_target(h, m);
	if (!err)
		err = holt_put_bytes(h, m, HOLT_A_KEY, src, slen);
	if (!err)
		err = holt_put_bytes(h, m, HOLT_A_DST_KEY, dst, dlen);
	if (!err && flags && nla_put_u32(m, HOLT_A_FLAGS, flags))
		err = -EMSGSIZE;
	if (err) {
		nlmsg_free(m);
		return err;
	}
	return holt_transact(h, m, HOLT_WANT_REPLY, holt_version_reply,
			     version);
}

static int holt_count_reply(struct holt *h, const struct nlmsghdr *nlh,
			    struct nlattr **tb, void *arg)
{
	uint64_t *count = arg;

	if (!tb[HOLT_A_COUNT])
		return -EPROTO;
	*count = nla_get_u64(tb[HOLT_A_COUNT]);
	return 0;
}

int holt_count(struct holt *h, const void *prefix, size_t plen,
	       uint64_t limit, uint64_t *count)
{
	struct nl_msg *m;
	int err;

	*count = 0;
	m = holt_msg_new(h, HOLT_CMD_COUNT, plen);
	if (!m)
		return -ENOMEM;
	err = holt_msg_target(h, m);
	if (!err && plen)
		err = holt_put_bytes(h, m, HOLT_A_PREFIX, prefix, plen);
	if (!err && limit && nla_put_u64(m, HOLT_A_LIMIT, limit))
		err = -EMSGSIZE;
	if (err) {
		nlmsg_free(m);
		return err;
	}
	return holt_transact(h, m, HOLT_WANT_REPLY, holt_count_reply, count);
}

int holt_longest_prefix(struct holt *h, const void *key, size_t klen,
			struct holt_entry *out)
{
	struct holt_get_out o = { NULL, NULL, NULL, out };
	struct nl_msg *m;
	int err;

	memset(out, 0, sizeof(*out));
	m = holt_msg_new(h, HOLT_CMD_LONGEST_PREFIX, klen);
	if (!m)
		return -ENOMEM;
	err = holt_msg_target(h, m);
	if (!err)
		err = holt_put_bytes(h, m, HOLT_A_KEY, key, klen);
	if (err) {
		nlmsg_free(m);
		return err;
	}
	return holt_transact(h, m, HOLT_WANT_REPLY, holt_get_reply, &o);
}

void holt_entry_free(struct holt_entry *e)
{
	free((void *)e->key);
	free((void *)e->value);
	e->key = NULL;
	e->value = NULL;
	e->key_len = 0;
	e->value_len = 0;
}
