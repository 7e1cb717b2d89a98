// SPDX-License-Identifier: GPL-2.0
/*
 * engine_holt.c - holt-bench adapter for the holt core (kmod/core, built
 * optimised for userspace as build/core-opt/libholtcore.a).
 *
 * A tree with the whole data area of every frame (data_budget 0) and its
 * own version counter.  Writes are grouped like the peers': each group of
 * --batch puts or deletes is one atomic holt_tree_batch() (which walks
 * ahead for the keys of its operations, prefetch.c); gets are one call
 * each.  Scans and listings are one holt_tree_scan() each,
 * the listing with delimiter and limit, so the tree rolls up common
 * prefixes itself.  Values are read (not keys-only) like the peers'.
 * Settling (untimed, like RocksDB's flush and compaction) is
 * holt_tree_compact(), what `holt compact` does to a store: every frame
 * rebuilt, its leaves laid out in key order.
 */
#include "bench.h"
#include "tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bench_holt {
	struct holt_tree *t;
	u64 seq;
	struct holt_batch_op *ops;	/* the write group being gathered */
	u32 nops, cap;
	bool grouping;
};

static void *bench_holt_open(const struct bench_opts *o, char *err,
			     size_t errlen)
{
	struct bench_holt *b = calloc(1, sizeof(*b));
	struct holt_tree_config cfg = { 0 };

	if (!b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cfg.seq = &b->seq;
	cfg.data_budget = 0;
	b->t = holt_tree_create(&cfg);
	if (!b->t) {
		snprintf(err, errlen, "holt_tree_create failed");
		free(b);
		return NULL;
	}
	if (o->batch > 1) {
		b->cap = o->batch;
		b->ops = calloc(b->cap, sizeof(*b->ops));
		if (!b->ops) {
			snprintf(err, errlen, "out of memory");
			holt_tree_destroy(b->t);
			free(b);
			return NULL;
		}
	}
	return b;
}

/* A group of writes is one atomic batch (LMDB: a transaction). */
static int bench_holt_begin(void *e, enum bench_mode mode)
{
	struct bench_holt *b = e;

	b->grouping = mode == BENCH_WRITE && b->ops;
	b->nops = 0;
	return 0;
}

/* Apply the operations gathered so far as one batch. */
static int bench_holt_flush(struct bench_holt *b)
{
	u32 failed;
	int rc = 0;

	if (b->nops) {
		rc = holt_tree_batch(b->t, b->ops, b->nops, &failed);
		if (rc)
			fprintf(stderr, "holt-bench: holt batch: op %u: %d\n",
				failed, rc);
	}
	b->nops = 0;
	return rc;
}

static int bench_holt_end(void *e, enum bench_mode mode)
{
	struct bench_holt *b = e;
	int rc = b->grouping ? bench_holt_flush(b) : 0;

	(void)mode;
	b->grouping = false;
	return rc ? -1 : 0;
}

/*
 * Add an operation to the group: 1, or 0 when there is no group (the
 * caller applies it alone), or the errno of a full group's batch.
 */
static int bench_holt_gather(struct bench_holt *b, u8 op, const u8 *k,
			     u32 klen, const u8 *v, u32 vlen)
{
	struct holt_batch_op *o;
	int rc;

	if (!b->grouping)
		return 0;
	if (b->nops == b->cap) {
		rc = bench_holt_flush(b);
		if (rc)
			return rc;
	}
	o = &b->ops[b->nops++];
	memset(o, 0, sizeof(*o));
	o->op = op;
	o->key = k;
	o->klen = klen;
	o->val = v;
	o->vlen = vlen;
	return 1;
}

static void bench_holt_close(void *e)
{
	struct bench_holt *b = e;

	holt_tree_destroy(b->t);
	free(b->ops);
	free(b);
}

static int bench_holt_put(void *e, const uint8_t *k, uint32_t klen,
			  const uint8_t *v, uint32_t vlen)
{
	struct bench_holt *b = e;
	int rc = bench_holt_gather(b, HOLT_BOP_PUT, k, klen, v, vlen);
	u64 version;

	if (rc)
		return rc < 0 ? rc : 0;
	return holt_tree_put(b->t, k, klen, v, vlen, 0, 0, &version);
}

static int bench_holt_get(void *e, const uint8_t *k, uint32_t klen,
			  const uint8_t **val, uint32_t *vlen)
{
	struct bench_holt *b = e;
	struct holt_ref ref;
	int rc = holt_tree_get(b->t, k, klen, &ref);

	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	*val = ref.val;
	*vlen = ref.vlen;
	return 1;
}

static int bench_holt_del(void *e, const uint8_t *k, uint32_t klen)
{
	struct bench_holt *b = e;
	int rc;

	/* in a group: applied (or failed, with its group) at the end */
	rc = bench_holt_gather(b, HOLT_BOP_DEL, k, klen, NULL, 0);
	if (rc)
		return rc < 0 ? rc : 2;
	rc = holt_tree_delete(b->t, k, klen, 0, 0);

	if (rc == -ENOENT)
		return 0;
	return rc ? rc : 1;
}

/* Untimed after the write phases: compact every frame (see above). */
static int bench_holt_settle(void *e)
{
	struct bench_holt *b = e;

	return holt_tree_compact(b->t);
}

struct bench_holt_walk {
	long items;
	uint64_t sum;
};

static int bench_holt_item(void *ctx, const struct holt_scan_item *it)
{
	struct bench_holt_walk *w = ctx;

	w->items++;
	w->sum += it->klen + it->vlen;
	return 0;
}

static long bench_holt_walk(struct bench_holt *b, const uint8_t *prefix,
			    uint32_t plen, int delim, uint32_t limit,
			    uint64_t *sum)
{
	struct holt_scan_args args = {
		.prefix = prefix,
		.plen = plen,
		.start_after = NULL,
		.salen = 0,
		.delimiter = delim,
		.limit = limit,
		.flags = 0,
	};
	struct bench_holt_walk w = { 0, 0 };
	int rc = holt_tree_scan(b->t, &args, bench_holt_item, &w);

	if (rc < 0)
		return rc;
	*sum += w.sum;
	return w.items;
}

static long bench_holt_scan(void *e, const uint8_t *prefix, uint32_t plen,
			    uint64_t *sum)
{
	return bench_holt_walk(e, prefix, plen, -1, 0, sum);
}

static long bench_holt_list(void *e, const uint8_t *prefix, uint32_t plen,
			    int delim, uint32_t limit, uint64_t *sum)
{
	return bench_holt_walk(e, prefix, plen, delim, limit, sum);
}

void bench_holt_memory(void *e, struct bench_holt_mem *m)
{
	struct bench_holt *b = e;
	struct holt_tree_stats st;

	holt_tree_get_stats(b->t, &st);
	m->keys = st.keys;
	m->frames = st.frames;
	m->frame_bytes = st.frame_bytes;
	m->data_used = st.data_used;
	m->data_live = st.data_live;
	m->data_capacity = st.data_capacity;
	m->hint_bytes = st.hint_bytes;
	m->depth = st.depth;
}

const struct bench_engine_ops bench_engine_holt = {
	.name = "holt",
	.open = bench_holt_open,
	.close = bench_holt_close,
	.begin = bench_holt_begin,
	.end = bench_holt_end,
	.settle = bench_holt_settle,
	.put = bench_holt_put,
	.get = bench_holt_get,
	.del = bench_holt_del,
	.scan = bench_holt_scan,
	.list = bench_holt_list,
};
