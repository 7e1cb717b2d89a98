// SPDX-License-Identifier: GPL-2.0
/*
 * scan.c - libholt's scans: HOLT_CMD_SCAN dumps read as an iterator, and a
 * callback interface on top of it.
 *
 * One datagram is read at a time; its entries are parsed in place into a
 * queue whose pointers stay valid until the next datagram is read, which
 * happens only when the caller asks for the entry after the last one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct holt_scan {
	struct holt *h;
	uint32_t seq;
	bool finished;
	bool intr;
	int err;		/* sticky once the scan failed */
	uint64_t limit;
	uint64_t delivered;
	struct holt_entry *q;
	size_t qn;
	size_t qpos;
	size_t qcap;
};

static const struct nla_policy holt_entry_policy[HOLT_A_MAX + 1] = {
	[HOLT_A_VERSION]	= { .type = NLA_U64 },
	[HOLT_A_IS_PREFIX]	= { .type = NLA_FLAG },
};

/**
 * holt_parse_entry() - parse one HOLT_A_ENTRY nest in place
 * @nest: the nest
 * @e: receives the entry, pointing into the nest
 *
 * Return: 0, or -EPROTO when the nest is malformed.
 */
int holt_parse_entry(const struct nlattr *nest, struct holt_entry *e)
{
	struct nlattr *tb[HOLT_A_MAX + 1];

	if (nla_parse_nested(tb, HOLT_A_MAX, (struct nlattr *)nest,
			     holt_entry_policy) < 0)
		return -EPROTO;
	if (!tb[HOLT_A_KEY])
		return -EPROTO;
	memset(e, 0, sizeof(*e));
	e->key = nla_data(tb[HOLT_A_KEY]);
	e->key_len = nla_len(tb[HOLT_A_KEY]);
	e->is_prefix = tb[HOLT_A_IS_PREFIX] != NULL;
	if (tb[HOLT_A_VALUE]) {
		e->value = nla_data(tb[HOLT_A_VALUE]);
		e->value_len = nla_len(tb[HOLT_A_VALUE]);
	}
	if (tb[HOLT_A_VERSION])
		e->version = nla_get_u64(tb[HOLT_A_VERSION]);
	return 0;
}

/* Queue every HOLT_A_ENTRY of one message (tb keeps only the last). */
static int holt_scan_reply(struct holt *h, const struct nlmsghdr *nlh,
			   struct nlattr **tb, void *arg)
{
	struct holt_scan *s = arg;
	struct nlattr *a;
	int rem, err;

	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(a) != HOLT_A_ENTRY)
			continue;
		if (s->qn == s->qcap) {
			size_t cap = s->qcap ? 2 * s->qcap : 64;
			struct holt_entry *q;

			q = realloc(s->q, cap * sizeof(*q));
			if (!q)
				return -ENOMEM;
			s->q = q;
			s->qcap = cap;
		}
		err = holt_parse_entry(a, &s->q[s->qn]);
		if (err)
			return err;
		s->qn++;
	}
	return 0;
}

int holt_scan_open(struct holt *h, const struct holt_scan_opts *o,
		   struct holt_scan **out)
{
	static const struct holt_scan_opts all;
	struct holt_scan *s;
	struct nl_msg *m;
	int err = -EMSGSIZE;

	*out = NULL;
	if (!o)
		o = &all;
	if (o->prefix_len > HOLT_NLA_MAX || o->start_after_len > HOLT_NLA_MAX)
		return -E2BIG;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->h = h;
	s->limit = o->limit;
	m = holt_msg_new(h, HOLT_CMD_SCAN,
			 o->prefix_len + o->start_after_len);
	if (!m) {
		err = -ENOMEM;
		goto free_scan;
	}
	err = holt_msg_target(h, m);
	if (err)
		goto free_msg;
	err = -EMSGSIZE;
	if (o->prefix_len &&
	    nla_put(m, HOLT_A_PREFIX, (int)o->prefix_len, o->prefix))
		goto free_msg;
	if (o->start_after_len &&
	    nla_put(m, HOLT_A_START_AFTER, (int)o->start_after_len,
		    o->start_after))
		goto free_msg;
	if (o->use_delimiter &&
	    nla_put_u8(m, HOLT_A_DELIMITER, o->delimiter))
		goto free_msg;
	if (o->limit && nla_put_u64(m, HOLT_A_LIMIT, o->limit))
		goto free_msg;
	if (o->keys_only && nla_put_u32(m, HOLT_A_FLAGS, HOLT_F_KEYS_ONLY))
		goto free_msg;
	err = holt_send(h, m, HOLT_WANT_DUMP, &s->seq);
	if (err)
		goto free_msg;
	nlmsg_free(m);
	h->busy = true;
	*out = s;
	return 0;

free_msg:
	nlmsg_free(m);
free_scan:
	free(s);
	return err;
}

int holt_scan_next(struct holt_scan *s, struct holt_entry *e)
{
	int err;

	if (s->err)
		return s->err;
	while (s->qpos == s->qn) {
		if (s->finished)
			return 0;
		s->qn = 0;
		s->qpos = 0;
		/* holt_recv_one() refuses nothing while busy: only send does. */
		err = holt_recv_one(s->h, s->seq, HOLT_WANT_DUMP,
				    holt_scan_reply, s, &s->finished, &s->intr);
		if (err) {
			s->err = err;
			s->qn = 0;
			if (!s->finished) {
				/* The dump is abandoned half-way. */
				s->finished = true;
				s->h->busy = false;
				holt_reset_socket(s->h);
			}
			s->h->busy = false;
			return err;
		}
		if (s->finished)
			s->h->busy = false;
	}
	if (s->limit && s->delivered >= s->limit) {
		/* The kernel sent more than asked for: stop here. */
		s->qpos = s->qn;
		s->finished = true;
		return 0;
	}
	*e = s->q[s->qpos++];
	s->delivered++;
	return 1;
}

int holt_scan_interrupted(const struct holt_scan *s)
{
	return s->intr;
}

void holt_scan_close(struct holt_scan *s)
{
	if (!s)
		return;
	if (s->h->busy) {
		/* Closed before the end: drop the rest of the dump. */
		s->h->busy = false;
		holt_reset_socket(s->h);
	}
	free(s->q);
	free(s);
}

int holt_scan(struct holt *h, const struct holt_scan_opts *o,
	      holt_scan_fn fn, void *arg)
{
	struct holt_scan *s;
	struct holt_entry e;
	int ret;

	ret = holt_scan_open(h, o, &s);
	if (ret)
		return ret;
	while ((ret = holt_scan_next(s, &e)) > 0) {
		ret = fn(&e, arg);
		if (ret)
			break;
	}
	holt_scan_close(s);
	return ret;
}
