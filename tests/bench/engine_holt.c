// SPDX-License-Identifier: GPL-2.0
/*
 * engine_holt.c - holt-bench adapter for the holt core (kmod/core, built
 * optimised for userspace as build/core-opt/libholtcore.a).
 *
 * A tree with the whole data area of every frame (data_budget 0) and its
 * own version counter.  Scans and listings are one holt_tree_scan() each,
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

struct bench_holt {
	struct holt_tree *t;
	u64 seq;
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
	return b;
}

static void bench_holt_close(void *e)
{
	struct bench_holt *b = e;

	holt_tree_destroy(b->t);
	free(b);
}

static int bench_holt_put(void *e, const uint8_t *k, uint32_t klen,
			  const uint8_t *v, uint32_t vlen)
{
	struct bench_holt *b = e;
	u64 version;

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
	int rc = holt_tree_delete(b->t, k, klen, 0, 0);

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
	.settle = bench_holt_settle,
	.put = bench_holt_put,
	.get = bench_holt_get,
	.del = bench_holt_del,
	.scan = bench_holt_scan,
	.list = bench_holt_list,
};
