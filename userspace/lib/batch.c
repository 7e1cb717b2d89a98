// SPDX-License-Identifier: GPL-2.0
/*
 * batch.c - libholt's atomic batches (one HOLT_CMD_BATCH message) and the
 * bulk loader built on them.
 *
 * A batch keeps its operations as a table of lengths over one byte arena
 * and encodes them only when committed: inside one HOLT_A_BATCH nest when
 * they fit one (a nest's length is a u16), else as HOLT_A_OP nests at the
 * top level of the message, which the ABI allows for big batches.  The
 * message must still fit the socket's send buffer (EMSGSIZE otherwise).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct holt_batch_op {
	uint8_t type;
	uint32_t flags;
	uint64_t version;
	size_t koff;
	size_t klen;
	size_t voff;
	size_t vlen;
};

struct holt_batch {
	struct holt_batch_op *ops;
	size_t n;
	size_t cap;
	unsigned char *data;
	size_t used;
	size_t size;
	size_t bytes;		/* encoded size of the ops, nest included */
};

/* What one operation takes inside the HOLT_A_BATCH nest. */
static size_t holt_op_bytes(unsigned int type, size_t klen, size_t vlen)
{
	size_t n = NLA_HDRLEN;			/* HOLT_A_OP */

	n += nla_total_size(1);			/* HOLT_OP_A_TYPE */
	n += nla_total_size(klen);
	if (type == HOLT_OP_PUT || type == HOLT_OP_PUT_IF_ABSENT ||
	    type == HOLT_OP_PUT_IF_VERSION || type == HOLT_OP_RENAME)
		n += nla_total_size(vlen);
	n += nla_total_size(8);			/* HOLT_OP_A_VERSION */
	n += nla_total_size(4);			/* HOLT_OP_A_FLAGS */
	return n;
}

static bool holt_op_has_value(unsigned int type)
{
	return type == HOLT_OP_PUT || type == HOLT_OP_PUT_IF_ABSENT ||
	       type == HOLT_OP_PUT_IF_VERSION || type == HOLT_OP_RENAME;
}

static bool holt_op_has_version(unsigned int type)
{
	return type == HOLT_OP_PUT_IF_VERSION ||
	       type == HOLT_OP_DEL_IF_VERSION ||
	       type == HOLT_OP_ASSERT_VERSION;
}

struct holt_batch *holt_batch_new(void)
{
	struct holt_batch *b = calloc(1, sizeof(*b));

	if (b)
		b->bytes = NLA_HDRLEN;
	return b;
}

void holt_batch_free(struct holt_batch *b)
{
	if (!b)
		return;
	free(b->ops);
	free(b->data);
	free(b);
}

void holt_batch_reset(struct holt_batch *b)
{
	b->n = 0;
	b->used = 0;
	b->bytes = NLA_HDRLEN;
}

size_t holt_batch_count(const struct holt_batch *b)
{
	return b->n;
}

size_t holt_batch_bytes(const struct holt_batch *b)
{
	return b->bytes;
}

static int holt_batch_room(struct holt_batch *b, size_t more)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		struct holt_batch_op *ops = realloc(b->ops, cap * sizeof(*ops));

		if (!ops)
			return -ENOMEM;
		b->ops = ops;
		b->cap = cap;
	}
	if (b->used + more > b->size) {
		size_t size = b->size ? b->size : 4096;
		unsigned char *data;

		while (size < b->used + more)
			size *= 2;
		data = realloc(b->data, size);
		if (!data)
			return -ENOMEM;
		b->data = data;
		b->size = size;
	}
	return 0;
}

int holt_batch_add(struct holt_batch *b, unsigned int type,
		   const void *key, size_t klen, const void *val, size_t vlen,
		   uint64_t version, unsigned int flags)
{
	struct holt_batch_op *op;
	int err;

	if (type == HOLT_OP_UNSPEC || type > HOLT_OP_MAX)
		return -EINVAL;
	if (!holt_op_has_value(type))
		vlen = 0;
	if (klen > HOLT_NLA_MAX || vlen > HOLT_NLA_MAX)
		return -E2BIG;
	err = holt_batch_room(b, klen + vlen);
	if (err)
		return err;
	op = &b->ops[b->n++];
	op->type = type;
	op->flags = flags;
	op->version = version;
	op->koff = b->used;
	op->klen = klen;
	if (klen)
		memcpy(b->data + b->used, key, klen);
	b->used += klen;
	op->voff = b->used;
	op->vlen = vlen;
	if (vlen)
		memcpy(b->data + b->used, val, vlen);
	b->used += vlen;
	b->bytes += holt_op_bytes(type, klen, vlen);
	return 0;
}

static int holt_batch_encode(const struct holt_batch *b, struct nl_msg *m,
			     uint32_t *offs)
{
	const struct holt_batch_op *op;
	struct nlattr *batch = NULL, *nest;
	char *base = (char *)nlmsg_hdr(m);
	size_t i;

	if (b->bytes <= HOLT_NLA_MAX) {
		batch = nla_nest_start(m, HOLT_A_BATCH);
		if (!batch)
			return -EMSGSIZE;
	}
	for (i = 0; i < b->n; i++) {
		op = &b->ops[i];
		nest = nla_nest_start(m, HOLT_A_OP);
		if (!nest)
			return -EMSGSIZE;
		offs[i] = (uint32_t)((char *)nest - base);
		if (nla_put_u8(m, HOLT_OP_A_TYPE, op->type) ||
		    nla_put(m, HOLT_OP_A_KEY, (int)op->klen,
			    b->data + op->koff))
			return -EMSGSIZE;
		if (holt_op_has_value(op->type) &&
		    nla_put(m, HOLT_OP_A_VALUE, (int)op->vlen,
			    b->data + op->voff))
			return -EMSGSIZE;
		if (holt_op_has_version(op->type) &&
		    nla_put_u64(m, HOLT_OP_A_VERSION, op->version))
			return -EMSGSIZE;
		if (op->flags && nla_put_u32(m, HOLT_OP_A_FLAGS, op->flags))
			return -EMSGSIZE;
		nla_nest_end(m, nest);
	}
	if (batch)
		nla_nest_end(m, batch);
	return 0;
}

/* The operation an extended-ack offset points into. */
static long holt_batch_index_of(const uint32_t *offs, size_t n,
				uint32_t off)
{
	size_t lo = 0, hi = n;

	if (!n || off < offs[0])
		return -1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (offs[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo;
}

int holt_batch_commit(struct holt *h, const struct holt_batch *b,
		      long *failed)
{
	struct nl_msg *m;
	uint32_t *offs;
	int err;

	if (failed)
		*failed = -1;
	offs = malloc((b->n ? b->n : 1) * sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	m = holt_msg_new(h, HOLT_CMD_BATCH, b->bytes);
	if (!m) {
		err = -ENOMEM;
		goto free_offs;
	}
	err = holt_msg_target(h, m);
	if (!err)
		err = holt_batch_encode(b, m, offs);
	if (err) {
		nlmsg_free(m);
		goto free_offs;
	}
	err = holt_transact(h, m, HOLT_WANT_REPLY, NULL, NULL);
	if (err && failed) {
		if (h->err_index >= 0 && (size_t)h->err_index < b->n)
			*failed = h->err_index;
		else if (h->err_has_offs)
			*failed = holt_batch_index_of(offs, b->n, h->err_offs);
	}
free_offs:
	free(offs);
	return err;
}

struct holt_loader {
	struct holt *h;
	struct holt_batch *b;
	size_t msg_bytes;
	unsigned int msg_ops;
	uint64_t given;		/* puts handed to the loader */
	uint64_t done;		/* puts the kernel applied */
	long long failed;
};

struct holt_loader *holt_loader_new(struct holt *h, size_t msg_bytes,
				    unsigned int msg_ops)
{
	struct holt_loader *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->b = holt_batch_new();
	if (!l->b) {
		free(l);
		return NULL;
	}
	l->h = h;
	l->msg_bytes = msg_bytes ? msg_bytes : HOLT_LOAD_MSG_BYTES;
	l->msg_ops = msg_ops ? msg_ops : HOLT_LOAD_MSG_OPS;
	if (l->msg_ops > HOLT_BATCH_MAX_OPS)
		l->msg_ops = HOLT_BATCH_MAX_OPS;
	l->failed = -1;
	return l;
}

void holt_loader_free(struct holt_loader *l)
{
	if (!l)
		return;
	holt_batch_free(l->b);
	free(l);
}

int holt_loader_flush(struct holt_loader *l)
{
	size_t n = holt_batch_count(l->b);
	long failed;
	int err;

	if (!n)
		return 0;
	err = holt_batch_commit(l->h, l->b, &failed);
	if (err) {
		/* Nothing of this message was applied. */
		l->failed = failed >= 0 ? (long long)(l->given - n) + failed
					: -1;
		holt_batch_reset(l->b);
		return err;
	}
	l->done += n;
	holt_batch_reset(l->b);
	return 0;
}

int holt_loader_put(struct holt_loader *l, const void *key, size_t klen,
		    const void *val, size_t vlen)
{
	size_t need = holt_op_bytes(HOLT_OP_PUT, klen, vlen);
	int err;

	if (NLA_HDRLEN + need > l->msg_bytes) {
		/* Too large for any batch message: send it alone. */
		err = holt_loader_flush(l);
		if (err)
			return err;
		err = holt_put(l->h, key, klen, val, vlen, 0, 0, NULL);
		if (err) {
			l->failed = (long long)l->given;
			return err;
		}
		l->given++;
		l->done++;
		return 0;
	}
	if (holt_batch_bytes(l->b) + need > l->msg_bytes ||
	    holt_batch_count(l->b) >= l->msg_ops) {
		err = holt_loader_flush(l);
		if (err)
			return err;
	}
	err = holt_batch_put(l->b, key, klen, val, vlen);
	if (err)
		return err;
	l->given++;
	return 0;
}

uint64_t holt_loader_done(const struct holt_loader *l)
{
	return l->done;
}

long long holt_loader_failed(const struct holt_loader *l)
{
	return l->failed;
}
