// SPDX-License-Identifier: GPL-2.0
/*
 * test_hint.c - the hint table (kmod/core/hint.c): gets that skip the walk
 * must still give the key's current leaf after every way a leaf moves.
 *
 * The model test checks every get against its oracle with hints on; these
 * cases pin each rule of hint.c's DOC on its own, through the table
 * itself (holt_hint_find), so that breaking one rule fails here by name:
 * a put points the key's hint at its new leaf, a rebuild hints the new
 * frame again, new memory for a frame id stops old hints (epoch), a batch
 * that rolls back leaves no hint to the leaves it wrote, the table grows
 * without losing its entries, a tree without a table still answers, and
 * readers that fill the table at the same time leave it right.
 */
#include "tree_int.h"
#include "hint.h"
#include "harness.h"

#include <pthread.h>
#include <stdio.h>

#define NKEYS 20000u

static u32 mkkey(u8 *k, u32 i)
{
	return (u32)snprintf((char *)k, 64, "bucket-%02u/dir-%u/file-%05u.bin",
			     i % 17, i % 101, i);
}

/* A value whose length and bytes depend on the key and a generation. */
static u32 mkval(u8 *v, u32 i, u32 gen)
{
	u32 n = 8 + (i + gen * 7) % 40, j;

	for (j = 0; j < n; j++)
		v[j] = (u8)(i * 31 + gen * 17 + j);
	return n;
}

static struct holt_tree *mk(u64 *seq, u32 budget)
{
	struct holt_tree_config cfg = { .seq = seq, .data_budget = budget };
	struct holt_tree *t = holt_tree_create(&cfg);

	CHECK(t, "create");
	return t;
}

static const u8 *find(struct holt_tree *t, const u8 *k, u32 kl)
{
	u32 fid;

	return holt_hint_find(t, holt_hint_hash(k, kl), k, kl, &fid);
}

/* Does @p point into the root frame? */
static bool in_root(struct holt_tree *t, const u8 *p)
{
	const u8 *f = t->frames[HOLT_ROOT_FRAME];

	return p >= f && p < f + HOLT_FRAME_SIZE;
}

/*
 * Every hinted key of 0..@n must name a leaf with generation @gen's value;
 * returns how many keys had a hint.
 */
static u32 check_hints(struct holt_tree *t, u32 n, u32 gen)
{
	u8 k[64], v[64];
	u32 i, kl, vl, hits = 0;

	for (i = 0; i < n; i++) {
		const u8 *l;

		kl = mkkey(k, i);
		l = find(t, k, kl);
		if (!l)
			continue;
		hits++;
		vl = mkval(v, i, gen);
		CHECK(!leaf_dead(l), "key %u: hint to a tombstone", i);
		CHECK(leaf_vlen(l) == vl && !memcmp(leaf_val(l), v, vl),
		      "key %u: hint to an old leaf (generation %u wanted)", i,
		      gen);
	}
	return hits;
}

static void put_all(struct holt_tree *t, u32 n, u32 gen)
{
	u8 k[64], v[64];
	u32 i, kl, vl;

	for (i = 0; i < n; i++) {
		kl = mkkey(k, i);
		vl = mkval(v, i, gen);
		CHECK_EQ(holt_tree_put(t, k, kl, v, vl, 0, 0, NULL), 0);
	}
}

/* Puts, updates to new leaves, spills and compaction keep hints right. */
static void hints_follow_leaves(void)
{
	u64 seq = 1;
	struct holt_tree *t = mk(&seq, 64 * 1024);
	struct holt_tree_stats st;
	u32 hits;

	harness_phase = "hints follow leaves";
	put_all(t, NKEYS, 0);
	holt_tree_get_stats(t, &st);
	CHECK(st.spills > 10, "only %llu spills", (unsigned long long)st.spills);
	hits = check_hints(t, NKEYS, 0);
	/* rebuilt frames are hinted again: nearly every key has one */
	CHECK(hits > NKEYS * 85 / 100, "%u of %u keys hinted", hits, NKEYS);
	put_all(t, NKEYS, 1);	/* other lengths: new leaf bodies */
	hits = check_hints(t, NKEYS, 1);
	CHECK(hits > NKEYS * 85 / 100, "%u of %u after updates", hits, NKEYS);
	CHECK_EQ(holt_tree_compact(t), 0);
	hits = check_hints(t, NKEYS, 1);
	CHECK(hits > NKEYS * 85 / 100, "%u of %u after compaction", hits,
	      NKEYS);
	holt_tree_get_stats(t, &st);
	CHECK(st.hint_bytes >= NKEYS / 4 * sizeof(struct holt_hint_bucket),
	      "table of %llu bytes", (unsigned long long)st.hint_bytes);
	holt_tree_destroy(t);
	harness_case_ok();
}

/* Frame @fid moves to new memory holding the same bytes. */
static void frame_to_new_memory(struct holt_tree *t, u32 fid)
{
	u8 *old = t->frames[fid];
	u8 *copy = holt_port_frame_alloc(HOLT_FRAME_SIZE);

	CHECK(copy, "alloc");
	memcpy(copy, old, HOLT_FRAME_SIZE);
	tree_frame_install(t, fid, copy);
	holt_port_frame_free(old, HOLT_FRAME_SIZE);
}

/*
 * New memory for a frame id (same bytes, even) stops its old hints.  The
 * key is one below the root frame: a get decided in the root frame (whose
 * bodies stay in the cache) takes no hint.
 */
static void new_memory_new_epoch(void)
{
	u64 seq = 1;
	struct holt_tree *t = mk(&seq, 64 * 1024);
	const u8 *l = NULL;
	struct holt_ref r;
	u32 kl = 0, i, fid = HOLT_ROOT_FRAME;
	u8 k[64];

	harness_phase = "epoch";
	put_all(t, NKEYS, 0);
	for (i = 0; i < NKEYS && fid == HOLT_ROOT_FRAME; i++) {
		kl = mkkey(k, i);
		l = holt_hint_find(t, holt_hint_hash(k, kl), k, kl, &fid);
		CHECK(l, "key %u: no hint after put", i);
	}
	CHECK(fid != HOLT_ROOT_FRAME, "every key in the root frame");
	frame_to_new_memory(t, fid);
	CHECK(!find(t, k, kl), "a hint outlived its frame's memory");
	CHECK_EQ(holt_tree_get(t, k, kl, &r), 0);	/* walks, hints again */
	CHECK(find(t, k, kl) == r.key - HOLT_LEAF_HDR, "get left no hint");
	holt_tree_destroy(t);
	harness_case_ok();
}

/*
 * Entries keep 24 bits of an epoch: when the counter wraps, no entry may
 * outlive it (an epoch value that comes round again would make it match
 * new memory), so the table and every frame's epoch start over.
 */
static void epoch_wrap(void)
{
	u64 seq = 1;
	struct holt_tree *t = mk(&seq, 64 * 1024);
	struct holt_ref r;
	u8 k[64];
	u32 kl, id;

	harness_phase = "epoch wrap";
	put_all(t, NKEYS, 0);
	CHECK(check_hints(t, NKEYS, 0) > NKEYS / 2, "few hints");
	t->epochs = HOLT_HINT_EPOCH_MASK;	/* the next epoch wraps */
	frame_to_new_memory(t, HOLT_ROOT_FRAME);
	CHECK_EQ(t->meta[HOLT_ROOT_FRAME].epoch, 1);
	for (id = 0; id < t->frames_cap; id++)
		CHECK(id == HOLT_ROOT_FRAME || !t->meta[id].epoch,
		      "frame %u kept epoch %u", id, t->meta[id].epoch);
	CHECK_EQ(check_hints(t, NKEYS, 0), 0);
	kl = mkkey(k, 7);
	CHECK_EQ(holt_tree_get(t, k, kl, &r), 0);
	CHECK(in_root(t, r.key) || find(t, k, kl), "no hint after the wrap");
	holt_tree_destroy(t);
	harness_case_ok();
}

/* A batch that fails leaves no hint to the leaves it wrote. */
static void batch_rollback(void)
{
	u64 seq = 1;
	struct holt_tree *t = mk(&seq, 64 * 1024);
	u8 k[64], v[64], big[2000];
	struct holt_batch_op ops[2] = { { 0 } };
	u32 kl, vl, failed, i;

	harness_phase = "batch rollback";
	put_all(t, NKEYS, 0);
	memset(big, 'b', sizeof(big));
	for (i = 0; i < NKEYS; i += 97) {
		kl = mkkey(k, i);
		ops[0].op = HOLT_BOP_PUT;
		ops[0].key = k;
		ops[0].klen = kl;
		ops[0].val = big;
		ops[0].vlen = sizeof(big);
		ops[1].op = HOLT_BOP_ASSERT_VERSION;
		ops[1].key = (const u8 *)"absent";
		ops[1].klen = 6;
		ops[1].version = 1;
		CHECK_EQ(holt_tree_batch(t, ops, 2, &failed), -ECANCELED);
	}
	check_hints(t, NKEYS, 0);	/* none may name a rolled-back leaf */
	for (i = 0; i < NKEYS; i += 97) {
		struct holt_ref r;

		kl = mkkey(k, i);
		vl = mkval(v, i, 0);
		CHECK_EQ(holt_tree_get(t, k, kl, &r), 0);
		CHECK(r.vlen == vl && !memcmp(r.val, v, vl), "key %u", i);
		/* a get decided in the root frame takes no hint */
		CHECK(in_root(t, r.key) || find(t, k, kl) == r.key - HOLT_LEAF_HDR,
		      "key %u: the get left no hint", i);
	}
	holt_tree_destroy(t);
	harness_case_ok();
}

/* Growing keeps the entries; without memory for a table gets still work. */
static void grow_and_no_table(void)
{
	u64 seq = 1;
	struct holt_tree *t = mk(&seq, 0);
	struct holt_tree_stats st;
	struct holt_ref r;
	u8 k[64];
	u32 kl, i;

	harness_phase = "growth";
	put_all(t, 4 * NKEYS, 0);
	holt_tree_get_stats(t, &st);
	CHECK(st.hint_bytes >= 4 * NKEYS / 4 * sizeof(struct holt_hint_bucket),
	      "table of %llu bytes", (unsigned long long)st.hint_bytes);
	CHECK(check_hints(t, 4 * NKEYS, 0) > 4 * NKEYS * 85 / 100,
	      "growth lost hints");
	holt_tree_destroy(t);
	harness_case_ok();

	harness_phase = "no table";
	t = mk(&seq, 0);
	kl = mkkey(k, 0);
	holt_port_fail_countdown = 1;	/* the put's one allocation: the table */
	CHECK_EQ(holt_tree_put(t, k, kl, k, 1, 0, 0, NULL), 0);
	holt_port_fail_countdown = 0;
	holt_tree_get_stats(t, &st);
	CHECK_EQ(st.hint_bytes, 0);
	CHECK_EQ(holt_tree_get(t, k, kl, &r), 0);
	put_all(t, 1000, 0);	/* the table comes with later puts */
	for (i = 0; i < 1000; i++) {
		kl = mkkey(k, i);
		CHECK_EQ(holt_tree_get(t, k, kl, &r), 0);
	}
	holt_tree_get_stats(t, &st);
	CHECK(st.hint_bytes > 0, "no table after 1000 puts");
	holt_tree_destroy(t);
	harness_case_ok();
}

struct reader {
	struct holt_tree *t;
	u32 seed, bad;
};

/* Random gets of every key, each checked (readers write hints too). */
static void *reader_fn(void *arg)
{
	struct reader *rd = arg;
	u8 k[64], v[64];
	u32 n, i, kl, vl, x = rd->seed;

	for (n = 0; n < 8 * NKEYS; n++) {
		struct holt_ref r;

		x = x * 1103515245u + 12345u;
		i = (x >> 8) % NKEYS;
		kl = mkkey(k, i);
		vl = mkval(v, i, 0);
		if (holt_tree_get(rd->t, k, kl, &r) || r.vlen != vl ||
		    memcmp(r.val, v, vl))
			rd->bad++;
	}
	return NULL;
}

/*
 * Readers share a tree and fill its empty table at the same time (two
 * threads on two cores: racing writes to the same buckets); every answer
 * and every entry left must still be right.
 */
static void shared_readers(void)
{
	u64 seq = 1;
	struct holt_tree *t = mk(&seq, 64 * 1024);
	struct reader rd[2] = { { t, 1, 0 }, { t, 2, 0 } };
	pthread_t th[2];
	u32 i;

	harness_phase = "shared readers";
	put_all(t, NKEYS, 0);
	memset(t->hints.b, 0, ((size_t)t->hints.mask + 1) *
	       sizeof(*t->hints.b));
	for (i = 0; i < 2; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, reader_fn, &rd[i]), 0);
	for (i = 0; i < 2; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	CHECK_EQ(rd[0].bad + rd[1].bad, 0);
	CHECK(check_hints(t, NKEYS, 0) > NKEYS * 85 / 100,
	      "readers left few hints");
	holt_tree_destroy(t);
	harness_case_ok();
}

int main(void)
{
	harness_init("test_hint", "HINT_SEED");
	hints_follow_leaves();
	new_memory_new_epoch();
	epoch_wrap();
	batch_rollback();
	grow_and_no_table();
	shared_readers();
	CHECK_EQ(holt_port_live_allocs, 0);
	return harness_done();
}
