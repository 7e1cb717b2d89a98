// SPDX-License-Identifier: GPL-2.0
/*
 * test_regress.c - engine bugs found by the model test and the fuzzers,
 * each reduced to a few lines so that it stays fixed.
 *
 *  1. A scan or count over a Node256 whose byte entries lead into child
 *     frames (wide fan-out spilled at the full budget) stopped with
 *     -EUCLEAN after part of the keys.
 *  2. At a small budget, keys differing in one byte under a wide node made
 *     one put spill again and again: 256 small keys took ~1,800 frames.
 *  3. A scan with prefix NULL and plen 0 (no prefix) passed NULL to
 *     memcmp (undefined behaviour, caught by UBSan).
 *  4. The frame-depth statistic walks every body up to the bump cursor,
 *     dead ones included, which the validator does not check: a frame from
 *     a device whose cursor is at the end and whose last dead 8 bytes say
 *     "Blob" made it read past the frame (caught by ASan).
 *  5. A tree whose first keys came in a batch was never taken as having
 *     no hollow subtree, so its delimiter scans went down every rolled-up
 *     subtree for a live key (found by holt-bench once its writes went in
 *     batches: listings ~60 % slower).  A batch that rolls back must put
 *     back what the tree knew before it.
 *  6. (Found by the model test before it was ever committed.)  A scan
 *     that reads a rebuilt frame's leaves straight from memory dropped the
 *     keys behind a node's later child that shares its Blob with an
 *     earlier child (one Blob per child frame and node, where the first of
 *     them is), which a key put between them after the spillover causes.
 *  7. A tree loaded from a device, or one that ever had a delete, was
 *     never taken as dense again, so its listings went down every
 *     rolled-up subtree (four to six times slower on buckets and paths).
 *     holt_iter_dense() now proves it after a compaction and a load; this
 *     checks that it refuses a Blob whose child frame lost every key for
 *     its byte (compacted alone, without its parent), and that
 *     holt_tree_compact() drops that Blob (the parent rebuilt after the
 *     child, holt_tidy_frame()).  Deleting every key a child frame holds
 *     for one byte of its parent's Blob made the tree not dense; now the
 *     parent frame is marked hollow_below, and a roll-up at the Blob's own
 *     byte (which does not look into the child) goes down instead.

 *  8. A tree stays dense after a delete that leaves a live key nearby
 *     (listings went down every subtree after the first delete before),
 *     but its roll-ups must then read a leaf child (a key that ends with
 *     the delimiter, deleted, still came out as a common prefix without
 *     that read, in the dense step and in the general one), and must go
 *     down in a frame where a delete left a subtree without a live key
 *     (its prefix came out too).
 *  9. A child frame whose keys were all deleted stayed for good, once a
 *     rebuild emptied it (deletes in a batch, which merges nothing, then
 *     a compaction of the child alone): merging it needs its parent, which was looked for
 *     through a byte of the child's root, and an empty root has none.  The
 *     frame's memory was never given back, and its parent's Blob kept the
 *     tree from being proved dense again, so listings went down every
 *     subtree even after holt_tree_compact() (found by the model test once
 *     it checked that a compaction makes the tree dense).
 *
 * (Inputs that made fuzz_ops fail are kept in tests/fuzz/seeds-fuzz_ops/,
 * which every fuzz run replays first.)
 */
#include "tree.h"
#include "validate.h"
#include "tree_load.h"
#include "frame.h"
#include "tree_int.h"
#include "harness.h"

static int count_cb(void *ctx, const struct holt_scan_item *it)
{
	(*(u64 *)ctx)++;
	return 0;
}

static struct holt_tree *mk(u64 *seq, u32 budget)
{
	struct holt_tree_config cfg = { .seq = seq, .data_budget = budget };
	struct holt_tree *t = holt_tree_create(&cfg);

	CHECK(t, "create");
	return t;
}

/* 1: 4096 keys "r/" + byte + byte with 1000-byte values, full budget. */
static void wide_scan(void)
{
	struct holt_scan_args a = { .prefix = (const u8 *)"", .delimiter = -1 };
	static u8 v[1000];
	u64 seq = 1, n = 0, cnt = 0;
	struct holt_tree *t = mk(&seq, 0);
	u8 k[4] = { 'r', '/' };
	u32 b, j;

	harness_phase = "wide node scan";
	for (j = 0; j < 16; j++)
		for (b = 0; b < 256; b++) {
			k[2] = (u8)b;
			k[3] = (u8)j;
			CHECK_EQ(holt_tree_put(t, k, 4, v, sizeof(v), 0, 0,
					       NULL), 0);
		}
	CHECK(holt_tree_nr_frames(t) > 1, "expected spilled frames");
	CHECK_EQ(holt_tree_scan(t, &a, count_cb, &n), 0);
	CHECK_EQ(n, 4096);
	CHECK_EQ(holt_tree_prefix_count(t, (const u8 *)"r/", 2, 0, &cnt), 0);
	CHECK_EQ(cnt, 4096);
	holt_tree_destroy(t);
	harness_case_ok();
}

/* 2: 256 keys "r/" + byte + NUL with 40-byte values, 8 KiB budget. */
static void wide_spill(void)
{
	static u8 v[40];
	u64 seq = 1, cnt = 0;
	struct holt_tree *t = mk(&seq, 8192);
	u8 k[4] = { 'r', '/', 0, 0 };
	u32 b;

	harness_phase = "wide node spill";
	for (b = 0; b < 256; b++) {
		k[2] = (u8)b;
		CHECK_EQ(holt_tree_put(t, k, 4, v, sizeof(v), 0, 0, NULL), 0);
	}
	/* 256 * (16 + 4 + 40) B of leaves: a handful of 8 KiB frames. */
	CHECK(holt_tree_nr_frames(t) <= 32, "%u frames for 256 keys",
	      holt_tree_nr_frames(t));
	CHECK_EQ(holt_tree_prefix_count(t, (const u8 *)"r/", 2, 0, &cnt), 0);
	CHECK_EQ(cnt, 256);
	holt_tree_destroy(t);
	harness_case_ok();
}

/* 3: no prefix given as NULL, 0. */
static void null_prefix(void)
{
	struct holt_scan_args a = { .prefix = NULL, .delimiter = '/' };
	u64 seq = 1, n = 0, cnt = 0;
	struct holt_tree *t = mk(&seq, 0);

	harness_phase = "NULL prefix";
	CHECK_EQ(holt_tree_put(t, (const u8 *)"a/b", 3, NULL, 0, 0, 0, NULL),
		 0);
	CHECK_EQ(holt_tree_put(t, (const u8 *)"c", 1, NULL, 0, 0, 0, NULL), 0);
	CHECK_EQ(holt_tree_scan(t, &a, count_cb, &n), 0);
	CHECK_EQ(n, 2);		/* "a/" and "c" */
	CHECK_EQ(holt_tree_prefix_count(t, NULL, 0, 0, &cnt), 0);
	CHECK_EQ(cnt, 2);
	CHECK_EQ(holt_tree_prefix_empty(t, NULL, 0), 0);
	holt_tree_destroy(t);
	harness_case_ok();
}

/* 4: a loaded frame whose dead tail ends in an 8-byte "Blob". */
static void dead_blob_tail(void)
{
	struct holt_tree_config cfg = { 0 };
	struct holt_tree_stats st;
	struct holt_tree *t, *t2;
	u64 seq = 0, seq2 = 0;
	u8 **f;
	u32 off, used, lim;
	int err;

	t = mk(&seq, 0);
	CHECK_EQ(holt_tree_put(t, (const u8 *)"a", 1, (const u8 *)"v", 1, 0,
			       0, NULL), 0);
	lim = holt_tree_id_limit(t);
	CHECK(lim >= 2 && holt_tree_frame_peek(t, 1), "no frame 1");
	for (off = 2; off < lim; off++)
		CHECK(!holt_tree_frame_peek(t, off), "frame %u", off);
	f = calloc(lim, sizeof(*f));
	CHECK(f, "out of memory");
	f[1] = holt_port_frame_alloc(HOLT_FRAME_SIZE);
	CHECK(f[1], "out of memory");
	CHECK_EQ(holt_tree_frame_copy_id(t, 1, f[1]), 0);
	holt_tree_destroy(t);

	/* Dead 8-byte bodies from the old cursor to the end, the last a Blob. */
	used = holt_get_le32(f[1] + HDR_USED);
	for (off = used; off < HOLT_FRAME_SIZE; off += 8) {
		memset(f[1] + off, 0, 8);
		f[1][off + 1] = HOLT_N_EMPTY;
	}
	f[1][HOLT_FRAME_SIZE - 8 + 1] = HOLT_N_BLOB;
	holt_put_le32(HOLT_FRAME_SIZE, f[1] + HDR_USED);
	holt_put_le32(HOLT_FRAME_SIZE - used, f[1] + HDR_DEAD);
	holt_frame_seal(f[1]);
	CHECK_EQ(holt_frame_validate(f[1], 0), 0);

	cfg.seq = &seq2;
	t2 = holt_tree_open(&cfg, f, lim, &err);
	CHECK(t2, "open: %d", err);
	free(f);
	holt_tree_get_stats(t2, &st);
	CHECK_EQ(st.keys, 1);
	CHECK_EQ(st.depth, 1);
	holt_tree_destroy(t2);
	harness_case_ok();
}

/* 5: what a batch tells the tree about hollow subtrees. */
static void batch_dense(void)
{
	const u8 *k[] = { (const u8 *)"a/1", (const u8 *)"a/2",
			  (const u8 *)"b/1" };
	struct holt_batch_op ops[4] = {
		{ .op = HOLT_BOP_PUT, .key = k[0], .klen = 3 },
		{ .op = HOLT_BOP_PUT, .key = k[1], .klen = 3 },
		{ .op = HOLT_BOP_PUT, .key = k[2], .klen = 3 },
	};
	struct holt_tree *t;
	u64 seq = 0;
	u32 failed;

	harness_phase = "batch dense";
	t = mk(&seq, 0);
	CHECK_EQ(holt_tree_batch(t, ops, 3, &failed), 0);
	CHECK(t->dense, "a batch into an empty tree");

	/* a delete that rolls back with its batch changes nothing */
	ops[0].op = HOLT_BOP_DEL;
	ops[1].op = HOLT_BOP_PUT_IF_ABSENT;	/* fails: a/2 exists */
	CHECK_EQ(holt_tree_batch(t, ops, 2, &failed), -EEXIST);
	CHECK_EQ(failed, 1);
	CHECK(t->dense, "rolled-back delete");

	/* one that stays, with a live sibling (a/2), leaves a dead leaf */
	CHECK_EQ(holt_tree_batch(t, ops, 1, &failed), 0);
	CHECK(t->dense && t->dead_leaves, "a delete with a live sibling");
	/* the last of a/: its subtree is hollow, b/1 still lives */
	ops[0] = (struct holt_batch_op){ .op = HOLT_BOP_DEL, .key = k[1],
					 .klen = 3 };
	CHECK_EQ(holt_tree_batch(t, ops, 1, &failed), 0);
	CHECK(t->dense && t->meta[HOLT_ROOT_FRAME].hollow,
	      "a delete of the last live leaf under a/");
	/* the last key makes the tree not dense, a rollback keeps that */
	ops[0] = (struct holt_batch_op){ .op = HOLT_BOP_DEL, .key = k[2],
					 .klen = 3 };
	CHECK_EQ(holt_tree_batch(t, ops, 1, &failed), 0);
	CHECK(!t->dense, "a delete of the last live key");
	ops[0] = (struct holt_batch_op){ .op = HOLT_BOP_PUT, .key = k[2],
					 .klen = 3 };
	ops[1] = (struct holt_batch_op){ .op = HOLT_BOP_PUT, .key = k[0],
					 .klen = 3 };
	ops[2] = (struct holt_batch_op){ .op = HOLT_BOP_DEL, .key = k[1],
					 .klen = 3 };	/* fails: gone */
	CHECK_EQ(holt_tree_batch(t, ops, 3, &failed), -ENOENT);
	CHECK_EQ(failed, 2);
	CHECK(!t->dense, "rolled back to a tree with a delete");
	holt_tree_destroy(t);
	harness_case_ok();
}

struct order_walk {
	u8 last[16];
	u32 llen;
	u64 n;
};

static int order_cb(void *ctx, const struct holt_scan_item *it)
{
	struct order_walk *w = ctx;
	u32 m = it->klen < w->llen ? it->klen : w->llen;
	int c = memcmp(w->last, it->key, m);

	CHECK(it->klen <= sizeof(w->last), "key length");
	CHECK(w->n == 0 || c < 0 || (c == 0 && w->llen < it->klen),
	      "keys out of order");
	memcpy(w->last, it->key, it->klen);
	w->llen = it->klen;
	w->n++;
	return 0;
}

/*
 * 6: "a" + even digit + "/kNN" fill a small frame, a spillover moves a run
 * of the digits into a child frame; odd digits come after, between them,
 * and a compaction lays the frame out again.  Every key must come back in
 * order, at several budgets so that the run and its neighbours vary (at
 * 10 KiB the scan meets the shared Blob behind it).
 */
static void shared_blob_run(void)
{
	struct holt_scan_args a = { .prefix = (const u8 *)"a", .plen = 1,
				    .delimiter = -1 };
	static u8 v[40];
	u32 budget, d, k;

	harness_phase = "shared Blob behind a linear run";
	for (budget = 8192; budget <= 16384; budget += 1024) {
		struct order_walk w = { .n = 0 };
		u64 seq = 1, want = 0;
		struct holt_tree *t = mk(&seq, budget);
		u8 key[7] = "a0/k00";

		/* the even digits first, then the odd ones between them */
		for (d = 0; d < 10; d++) {
			u32 digit = d < 5 ? 2 * d : 2 * (d - 5) + 1;
			u32 nk = d < 5 ? 40 : 12;

			key[1] = (u8)('0' + digit);
			for (k = 0; k < nk; k++) {
				key[4] = (u8)('0' + k / 10);
				key[5] = (u8)('0' + k % 10);
				CHECK_EQ(holt_tree_put(t, key, 6, v, sizeof(v),
						       0, 0, NULL), 0);
				want++;
			}
		}
		CHECK_EQ(holt_tree_compact(t), 0);
		CHECK_EQ(holt_tree_scan(t, &a, order_cb, &w), 0);
		CHECK_EQ(w.n, want);
		holt_tree_destroy(t);
	}
	harness_case_ok();
}

static int prefix_cb(void *ctx, const struct holt_scan_item *it)
{
	u32 *seen = ctx;

	CHECK(it->is_prefix && it->klen == 3, "a directory of the root");
	*seen |= 1u << (it->key[1] - '0');
	return 0;
}

/* The directories "dN/" a listing of the root gives, one bit each. */
static u32 root_dirs(struct holt_tree *t)
{
	struct holt_scan_args a = { .prefix = (const u8 *)"", .delimiter = '/' };
	u32 seen = 0;

	CHECK_EQ(holt_tree_scan(t, &a, prefix_cb, &seen), 0);
	return seen;
}

static int rolled_cb(void *ctx, const struct holt_scan_item *it)
{
	bool *hit = ctx;

	*hit |= it->is_prefix && it->klen == 2;
	return 0;
}

/*
 * Whether a listing of the root with delimiter @digit gives "d<digit>"
 * (rolled up in the root frame, at the byte of a Blob).
 */
static bool rolled_at(struct holt_tree *t, u8 digit)
{
	struct holt_scan_args a = { .prefix = (const u8 *)"",
				    .delimiter = digit };
	bool hit = false;

	CHECK_EQ(holt_tree_scan(t, &a, rolled_cb, &hit), 0);
	return hit;
}

/* A tree made of @t's frame images, dense or not as holt_tree_open() finds. */
static bool loaded_dense(struct holt_tree *t, u64 *seq, u32 want_dirs)
{
	struct holt_tree_config cfg = { .seq = seq, .data_budget = 8192 };
	u8 *images[64] = { NULL };
	struct holt_tree *t2;
	bool dense;
	u32 id;
	int err;

	CHECK(holt_tree_id_limit(t) <= 64, "few frames");
	for (id = HOLT_ROOT_FRAME; id < holt_tree_id_limit(t); id++) {
		if (!holt_tree_frame_peek(t, id))
			continue;
		images[id] = holt_port_frame_alloc(HOLT_FRAME_SIZE);
		CHECK(images[id], "image");
		CHECK_EQ(holt_tree_frame_copy_id(t, id, images[id]), 0);
	}
	t2 = holt_tree_open(&cfg, images, 64, &err);
	CHECK(t2, "open");
	dense = t2->dense;
	CHECK_EQ(root_dirs(t2), want_dirs);
	holt_tree_destroy(t2);
	return dense;
}

static void put_dir(struct holt_tree *t, u8 digit, u32 step, bool del)
{
	static u8 v[40];
	u8 key[7] = "d0/k00";
	u32 k;

	key[1] = digit;
	for (k = 0; k < 40; k += step) {
		key[4] = (u8)('0' + k / 10);
		key[5] = (u8)('0' + k % 10);
		if (del)
			CHECK_EQ(holt_tree_delete(t, key, 6, 0, 0), 0);
		else
			CHECK_EQ(holt_tree_put(t, key, 6, v, sizeof(v), 0, 0,
					       NULL), 0);
	}
}

/*
 * 7: "dN/kNN" for ten digits at a small budget (spilled into child
 * frames), then half of one directory deleted (a compaction makes the
 * tree dense again), then all of one that a child frame holds with others.
 */
static void dense_again(void)
{
	struct holt_tree *t;
	u32 id, k, tombs = 0, all = 0x3ff;
	const u8 *f, *base;
	u64 seq = 1;
	u8 gone = 0;

	harness_phase = "dense again";
	t = mk(&seq, 8192);
	for (k = '0'; k <= '9'; k++)
		put_dir(t, (u8)k, 1, false);
	CHECK(t->dense && holt_iter_dense(t), "filled from empty");
	CHECK(loaded_dense(t, &seq, all), "loaded from empty");

	put_dir(t, '5', 2, true);
	CHECK(t->dense && t->dead_leaves && !holt_iter_dense(t),
	      "tombstones, each with a live sibling");
	CHECK(!loaded_dense(t, &seq, all), "loaded with tombstones");
	CHECK_EQ(holt_tree_compact(t), 0);
	CHECK(t->dense && !t->dead_leaves, "compacted");
	CHECK_EQ(root_dirs(t), all);
	CHECK(loaded_dense(t, &seq, all), "loaded after compaction");

	/* a child frame whose base is "d": its root dispatches on digits */
	for (id = HOLT_ROOT_FRAME + 1; id < holt_tree_id_limit(t); id++) {
		f = holt_tree_frame_peek(t, id);
		base = f ? holt_frame_base(f, &k) : NULL;
		if (base && k == 1 && base[0] == 'd')
			break;
	}
	CHECK(id < holt_tree_id_limit(t), "a child frame under \"d\"");
	f = holt_tree_frame_peek(t, id);
	for (k = '0'; k <= '9' && !gone; k++)
		if (node_find(f + holt_dec(rd16(f + HDR_ROOT)), (u8)k))
			gone = (u8)k;
	CHECK(gone, "a digit in the child frame");
	put_dir(t, gone, 1, true);
	all &= ~(1u << (gone - '0'));
	/* what the root frame's Blob sends there is all tombstones */
	CHECK(t->dense && t->meta[id].hollow &&
	      t->meta[HOLT_ROOT_FRAME].hollow_below, "other digits live");
	CHECK_EQ(root_dirs(t), all);
	CHECK(!rolled_at(t, gone), "a roll-up at the Blob's byte");

	/* the child alone: its root loses the digit, the parent's Blob stays */
	CHECK_EQ(holt_compact_frame(t, id), 0);
	CHECK(t->dense && t->meta[HOLT_ROOT_FRAME].hollow_below, "still");
	CHECK(!rolled_at(t, gone), "a roll-up at the Blob's byte");
	for (k = HOLT_ROOT_FRAME; k < holt_tree_id_limit(t); k++) {
		f = holt_tree_frame_peek(t, k);
		tombs += f ? hdr32(f, HDR_TOMBS) : 0;
	}
	CHECK_EQ(tombs, 0);
	CHECK(!holt_iter_dense(t), "a Blob that leads nowhere");
	CHECK_EQ(root_dirs(t), all);
	CHECK(!loaded_dense(t, &seq, all), "loaded, a Blob that leads nowhere");
	CHECK_EQ(holt_tree_compact(t), 0);
	CHECK_EQ(root_dirs(t), all);
	CHECK(t->dense, "the parent rebuilt without the Blob");
	CHECK(loaded_dense(t, &seq, all), "loaded, the Blob gone");
	holt_tree_destroy(t);
	harness_case_ok();
}

struct list_out {
	char buf[256];
	u32 len;
};

static int list_cb(void *ctx, const struct holt_scan_item *it)
{
	struct list_out *o = ctx;

	CHECK(o->len + it->klen + 2 < sizeof(o->buf), "listing too long");
	memcpy(o->buf + o->len, it->key, it->klen);
	o->len += it->klen;
	o->buf[o->len++] = it->is_prefix ? '*' : ' ';
	o->buf[o->len] = 0;
	return 0;
}

/* The listing of "p/" with delimiter '/' after @after, as one string. */
static const char *list_p(struct holt_tree *t, const char *after,
			  struct list_out *o)
{
	struct holt_scan_args a = { .prefix = (const u8 *)"p/", .plen = 2,
				    .delimiter = '/' };

	if (after) {
		a.start_after = (const u8 *)after;
		a.salen = (u32)strlen(after);
	}
	o->len = 0;
	o->buf[0] = 0;
	CHECK_EQ(holt_tree_scan(t, &a, list_cb, o), 0);
	return o->buf;
}

static void put_keys(struct holt_tree *t, const char *const *keys, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		CHECK_EQ(holt_tree_put(t, (const u8 *)keys[i],
				       (u32)strlen(keys[i]), (const u8 *)"v", 1,
				       0, 0, NULL), 0);
}

static void del_key(struct holt_tree *t, const char *key)
{
	CHECK_EQ(holt_tree_delete(t, (const u8 *)key, (u32)strlen(key), 0, 0),
		 0);
}

/* 8: a dense tree with tombstones where a roll-up would not look. */
static void dead_leaf_rollup(void)
{
	static const char * const leafy[] = { "p/a", "p/y/", "p/yz" };
	static const char * const deep[] = { "p/a", "p/y/1", "p/y/2" };
	struct holt_tree_stats st;
	struct list_out o;
	struct holt_tree *t;
	u64 seq = 1;

	harness_phase = "dead leaf roll-up";
	/* "p/y/" is a leaf at the delimiter's byte */
	t = mk(&seq, 0);
	put_keys(t, leafy, 3);
	CHECK(!strcmp(list_p(t, NULL, &o), "p/a p/y/*p/yz "), "%s", o.buf);
	del_key(t, "p/y/");
	CHECK(t->dense && t->dead_leaves && !t->meta[HOLT_ROOT_FRAME].hollow,
	      "p/yz is still live beside p/y/");
	CHECK(!strcmp(list_p(t, NULL, &o), "p/a p/yz "), "%s", o.buf);
	CHECK(!strcmp(list_p(t, "p/a", &o), "p/yz "), "%s", o.buf);
	CHECK_EQ(holt_tree_compact(t), 0);
	CHECK(t->dense && !t->dead_leaves, "compacted");
	CHECK(!strcmp(list_p(t, NULL, &o), "p/a p/yz "), "%s", o.buf);
	holt_tree_destroy(t);

	/* "p/y/" a Prefix over a node whose leaves both go */
	t = mk(&seq, 0);
	put_keys(t, deep, 3);
	CHECK(!strcmp(list_p(t, NULL, &o), "p/a p/y/*"), "%s", o.buf);
	del_key(t, "p/y/1");
	CHECK(t->dense && !t->meta[HOLT_ROOT_FRAME].hollow, "p/y/2 is live");
	CHECK(!strcmp(list_p(t, NULL, &o), "p/a p/y/*"), "%s", o.buf);
	del_key(t, "p/y/2");
	CHECK(t->dense && t->meta[HOLT_ROOT_FRAME].hollow, "p/a is live");
	holt_tree_get_stats(t, &st);
	CHECK(st.dense == 1 && st.hollow_frames == 1, "stats: %u %llu",
	      st.dense, (unsigned long long)st.hollow_frames);
	CHECK(!strcmp(list_p(t, NULL, &o), "p/a "), "%s", o.buf);
	CHECK(!strcmp(list_p(t, "", &o), "p/a "), "%s", o.buf);
	/* the last live key: nothing above is known to hold one */
	del_key(t, "p/a");
	CHECK(!t->dense, "nothing live under p/");
	CHECK(!strcmp(list_p(t, NULL, &o), ""), "%s", o.buf);
	CHECK_EQ(holt_tree_compact(t), 0);
	CHECK(t->dense && !t->dead_leaves && !t->meta[HOLT_ROOT_FRAME].hollow,
	      "compacted");
	holt_tree_get_stats(t, &st);
	CHECK(st.dense == 1 && st.hollow_frames == 0, "stats: %u %llu",
	      st.dense, (unsigned long long)st.hollow_frames);
	CHECK(!strcmp(list_p(t, NULL, &o), ""), "%s", o.buf);
	holt_tree_destroy(t);
	harness_case_ok();
}

/* 9: every key below a child frame deleted, then compacted. */
static void empty_child_frame(void)
{
	static u8 v[100];
	u64 seq = 1;
	struct holt_tree *t = mk(&seq, 4096);
	static struct holt_batch_op ops[300];
	static char ks[300][8];
	char k[16];
	u32 i, empty, failed;

	harness_phase = "empty child frame";
	for (i = 0; i < 300; i++) {
		snprintf(k, sizeof(k), "d/%03u", i);
		CHECK_EQ(holt_tree_put(t, (const u8 *)k, 5, v, sizeof(v), 0, 0,
				       NULL), 0);
	}
	CHECK_EQ(holt_tree_put(t, (const u8 *)"e/0", 3, v, 1, 0, 0, NULL), 0);
	CHECK(holt_tree_nr_frames(t) > 4, "%u frames: no child frames",
	      holt_tree_nr_frames(t));
	/* in one batch: no merges on the way */
	for (i = 0; i < 300; i++) {
		snprintf(ks[i], sizeof(ks[i]), "d/%03u", i);
		ops[i].op = HOLT_BOP_DEL;
		ops[i].key = (const u8 *)ks[i];
		ops[i].klen = 5;
	}
	CHECK_EQ(holt_tree_batch(t, ops, 300, &failed), 0);
	/* the child frames rebuilt alone first: empty roots */
	for (i = HOLT_ROOT_FRAME + 1, empty = 0; i < t->frames_cap; i++) {
		const u8 *f = t->frames[i];

		if (!f)
			continue;
		CHECK_EQ(holt_compact_frame(t, i), 0);
		f = t->frames[i];
		empty += f[holt_dec(rd16(f + HDR_ROOT)) + 1] == HOLT_N_EMPTY;
	}
	CHECK(empty > 0, "no child frame left empty: test too weak");
	CHECK_EQ(holt_tree_compact(t), 0);
	CHECK_EQ(holt_tree_nr_frames(t), 1);
	CHECK(t->dense, "compacted, not dense");
	CHECK_EQ(holt_tree_prefix_empty(t, (const u8 *)"d/", 2), 1);
	CHECK_EQ(holt_tree_prefix_empty(t, (const u8 *)"e/", 2), 0);
	holt_tree_destroy(t);
	harness_case_ok();
}

int main(void)
{
	harness_init("test_regress", "REGRESS_SEED");
	empty_child_frame();
	dense_again();
	dead_leaf_rollup();
	shared_blob_run();
	batch_dense();
	dead_blob_tail();
	null_prefix();
	wide_spill();
	wide_scan();
	CHECK_EQ(holt_port_live_allocs, 0);
	return harness_done();
}
