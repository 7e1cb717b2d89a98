// SPDX-License-Identifier: GPL-2.0
/*
 * test_reclaim.c - holt_tree_reclaim(), the background worker's step:
 * what deletes leave behind is given back a few frames at a time, the
 * tree ends as holt_tree_compact() would leave it (dense again, no
 * tombstone, no mark), its keys and listings unchanged; a dense tree with
 * a few tombstones is left alone, and so are the tombstones of a tree too
 * big to prove dense; frames out of memory are not read back; allocation
 * failures change nothing.
 *
 * Keys are path-shaped, "bNN/pNN/sNN/fNNNN", at a 16 KiB budget so that
 * they span a few dozen frames, checked against a sorted oracle.
 */
#include "tree.h"
#include "tree_int.h"
#include "tree_cache.h"
#include "tree_load.h"
#include "harness.h"

#define BUCKETS	4
#define PATHS	5
#define SUBS	6
#define FILES	60
#define NKEYS	(BUCKETS * PATHS * SUBS * FILES)

static struct holt_tree *T;
static u64 seq;
static char keys[NKEYS][24];
static bool live[NKEYS];

static void key_make(u32 i, char *k)
{
	u32 f = i % FILES, s = i / FILES % SUBS;
	u32 p = i / FILES / SUBS % PATHS, b = i / FILES / SUBS / PATHS;

	snprintf(k, 24, "b%02u/p%02u/s%02u/f%04u", b, p, s, f * 7);
}

static u32 klen(u32 i)
{
	return (u32)strlen(keys[i]);
}

static void tree_fill_budget(u32 budget)
{
	struct holt_tree_config cfg = { .seq = &seq, .data_budget = budget };
	u8 v[48];
	u32 i;

	T = holt_tree_create(&cfg);
	CHECK(T, "create");
	memset(v, 'v', sizeof(v));
	for (i = 0; i < NKEYS; i++) {
		key_make(i, keys[i]);
		CHECK_EQ(holt_tree_put(T, (const u8 *)keys[i], klen(i), v,
				       16 + i % 32, 0, 0, NULL), 0);
		live[i] = true;
	}
	CHECK_EQ(holt_tree_compact(T), 0);
	CHECK(T->dense, "a tree nothing was deleted from");
	CHECK(T->nr_frames > 20, "only %u frames", T->nr_frames);
}

static void tree_fill(void)
{
	tree_fill_budget(16384);
}

static void del(u32 i)
{
	CHECK_EQ(holt_tree_delete(T, (const u8 *)keys[i], klen(i), 0, 0), 0);
	live[i] = false;
}

struct walk {
	u32 next;		/* the oracle's next live key */
	u32 items;
};

static int walk_cb(void *ctx, const struct holt_scan_item *it)
{
	struct walk *w = ctx;

	while (w->next < NKEYS && !live[w->next])
		w->next++;
	CHECK(w->next < NKEYS, "scan gave more keys than the oracle");
	CHECK_MEM(it->key, it->klen, keys[w->next], klen(w->next));
	w->next++;
	w->items++;
	return 0;
}

static int count_cb(void *ctx, const struct holt_scan_item *it)
{
	(*(u32 *)ctx)++;
	return 0;
}

/* Every key, and every listing of "bNN/" and "bNN/pNN/", as the oracle. */
static void verify(void)
{
	struct holt_scan_args a = { .prefix = (const u8 *)"", .delimiter = -1 };
	struct walk w = { 0, 0 };
	u32 i, want = 0, b, p;
	char pfx[16];

	for (i = 0; i < NKEYS; i++)
		want += live[i];
	CHECK_EQ(holt_tree_scan(T, &a, walk_cb, &w), 0);
	CHECK_EQ(w.items, want);
	for (b = 0; b < BUCKETS; b++) {
		for (p = 0; p <= PATHS; p++) {
			u32 got = 0, exp = 0, s, f;

			if (p == PATHS)
				snprintf(pfx, sizeof(pfx), "b%02u/", b);
			else
				snprintf(pfx, sizeof(pfx), "b%02u/p%02u/", b,
					 p);
			a.prefix = (const u8 *)pfx;
			a.plen = (u32)strlen(pfx);
			a.delimiter = '/';
			CHECK_EQ(holt_tree_scan(T, &a, count_cb, &got), 0);
			/* directories with a live key below */
			for (s = 0; s < (p == PATHS ? PATHS : SUBS); s++) {
				bool any = false;

				for (f = 0; f < (p == PATHS ? SUBS * FILES :
						 FILES); f++) {
					u32 k = p == PATHS ?
						(b * PATHS + s) * SUBS * FILES + f :
						((b * PATHS + p) * SUBS + s) *
						FILES + f;

					any |= live[k];
				}
				exp += any;
			}
			CHECK_EQ(got, exp);
		}
	}
}

static u64 tombstones(void)
{
	struct holt_tree_stats st;

	holt_tree_get_stats(T, &st);
	return st.tombstones;
}

/* Reclaim @max frames a call until it says done; returns the calls. */
static u32 reclaim_all(u32 max)
{
	u32 calls = 0, n;
	int r;

	do {
		harness_step = calls;
		r = holt_tree_reclaim(T, max, &n);
		CHECK(r == 0 || r == 1, "reclaim returned %d", r);
		if (r)
			CHECK(n <= max, "%u frames rebuilt, max %u", n, max);
		CHECK(++calls < 100000, "reclaim never ends");
	} while (r);
	return calls;
}

/*
 * Whole subdirectories and a third of the rest deleted: the tree is no
 * longer dense; reclaim makes it so again, two frames a call, and gives
 * the space back.
 */
static void lost_density(void)
{
	struct holt_tree_stats before, after;
	u32 i, calls;

	harness_phase = "lost density";
	tree_fill();
	for (i = 0; i < NKEYS; i++)
		if (i / FILES % SUBS == 2 || i / FILES % SUBS == 5 ||
		    rnd(3) == 0)
			del(i);
	CHECK(!T->dense || T->marked, "deletes left no mark: test too weak");
	holt_tree_get_stats(T, &before);
	verify();
	calls = reclaim_all(2);
	CHECK(calls > 2, "one call did it all (%u)", calls);
	holt_tree_get_stats(T, &after);
	CHECK(T->dense, "reclaim did not make the tree dense again");
	CHECK_EQ(T->marked, 0);
	CHECK_EQ(after.hollow_frames, 0);
	CHECK_EQ(tombstones(), 0);
	CHECK(after.data_used < before.data_used, "nothing given back");
	verify();
	holt_tree_destroy(T);
	harness_case_ok();
}

/* A few deletes beside live keys: dense, nothing worth a rebuild. */
static void left_alone(void)
{
	u64 compactions;
	u32 i, n;

	harness_phase = "left alone";
	tree_fill();
	for (i = 3; i < NKEYS; i += 97)
		del(i);
	CHECK(T->dense && !T->marked, "deletes beside live keys");
	CHECK(tombstones() > 0, "no tombstone");
	compactions = T->compactions;
	CHECK_EQ(holt_tree_reclaim(T, 8, &n), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(T->compactions, compactions);
	verify();
	holt_tree_destroy(T);
	harness_case_ok();
}

/* Frames in memory with a quarter of their budget garbage. */
static u32 frames_garbage(void)
{
	u32 id, n = 0;

	for (id = HOLT_ROOT_FRAME; id < T->frames_cap; id++)
		if (T->frames[id] && frame_used(T->frames[id]) -
		    frame_live(T->frames[id]) >= T->budget / 4)
			n++;
	return n;
}

/* Updates that move leaves leave a quarter of some frames dead. */
static void dead_bodies(void)
{
	u64 compactions;
	u8 v[64];
	u32 i;

	harness_phase = "dead bodies";
	tree_fill();
	memset(v, 'w', sizeof(v));
	/* every other key of the first bucket grows by 8 bytes: it moves */
	for (i = 0; i < NKEYS / BUCKETS; i += 2)
		CHECK_EQ(holt_tree_put(T, (const u8 *)keys[i], klen(i), v,
				       24 + i % 32, 0, 0, NULL), 0);
	CHECK(frames_garbage() > 0, "no frame a quarter garbage: too weak");
	compactions = T->compactions;
	reclaim_all(3);
	CHECK_EQ(frames_garbage(), 0);
	CHECK(T->compactions > compactions, "nothing rebuilt");
	CHECK(T->dense, "updates keep a tree dense");
	verify();
	holt_tree_destroy(T);
	harness_case_ok();
}

/*
 * A tree of more frames than a density proof may walk: deletes that take
 * density away leave their tombstones to holt_tree_compact(), but frames
 * a quarter garbage are still rebuilt.
 */
static void too_big_to_prove(void)
{
	struct holt_tree_config cfg = { .seq = &seq, .data_budget = 4096 };
	u8 v[48] = { 0 };
	char k[24];
	u32 i, n = 0;

	harness_phase = "too big to prove";
	T = holt_tree_create(&cfg);
	CHECK(T, "create");
	for (i = 0; T->nr_frames <= HOLT_RECLAIM_PROVE_FRAMES + 64; i++, n++) {
		snprintf(k, sizeof(k), "x%03u/%05u", i % 600, i);
		CHECK_EQ(holt_tree_put(T, (const u8 *)k, (u32)strlen(k), v,
				       sizeof(v), 0, 0, NULL), 0);
	}
	CHECK_EQ(holt_tree_compact(T), 0);
	/* whole directories, and one key in seven of twenty others */
	for (i = 0; i < n; i++) {
		if (i % 600 >= 10 && (i % 600 >= 30 || i % 7 != 3))
			continue;
		snprintf(k, sizeof(k), "x%03u/%05u", i % 600, i);
		CHECK_EQ(holt_tree_delete(T, (const u8 *)k, (u32)strlen(k), 0,
					  0), 0);
	}
	reclaim_all(8);
	CHECK(!T->dense || T->marked, "proved dense: too small a tree");
	CHECK_EQ(frames_garbage(), 0);
	CHECK(tombstones() > 0, "chased every tombstone of a big tree");
	holt_tree_destroy(T);
	harness_case_ok();
}

/* Frame images for a loader, taken while the frames were clean. */
static u8 *images[4096];
static u64 image_reads;

static int image_read(void *ctx, u32 id, void *buf)
{
	(void)ctx;
	image_reads++;
	CHECK(id < 4096 && images[id], "no image of frame %u", id);
	memcpy(buf, images[id], HOLT_FRAME_SIZE);
	return 0;
}

static const struct holt_frame_loader image_loader = { .read = image_read };

/*
 * The parent frames out of memory, their children in: the walk that
 * orders the frames for a background reclaim reads none back (the one of
 * holt_tree_compact() does).
 */
static void parents_out(void)
{
	u8 *parents;
	u32 id, nr, out = 0, n;
	u32 *order;

	harness_phase = "parents out of memory";
	tree_fill_budget(4096);
	parents = calloc(1, T->frames_cap);
	CHECK(parents, "calloc");
	order = holt_compact_order(T, &nr, parents, false);
	CHECK(order, "order");
	holt_port_free(order);
	CHECK(T->frames_cap <= 4096, "%u frame ids", T->frames_cap);
	for (id = HOLT_ROOT_FRAME; id < T->frames_cap; id++) {
		if (!T->frames[id])
			continue;
		images[id] = malloc(HOLT_FRAME_SIZE);
		CHECK(images[id], "malloc");
		CHECK_EQ(holt_tree_frame_copy_id(T, id, images[id]), 0);
	}
	holt_tree_set_loader(T, &image_loader);
	for (id = HOLT_ROOT_FRAME + 1; id < T->frames_cap; id++)
		if (parents[id] && T->frames[id]) {
			CHECK_EQ(holt_tree_frame_evict(T, id), 0);
			out++;
		}
	CHECK(out > 0, "no parent frame below the root: test too weak");
	order = holt_compact_order(T, &nr, NULL, true);
	CHECK(order, "order");
	holt_port_free(order);
	CHECK_EQ(image_reads, 0);
	CHECK_EQ(holt_tree_reclaim(T, 4, &n), 0);
	CHECK_EQ(image_reads, 0);
	/* the foreground's order does read them back */
	order = holt_compact_order(T, &nr, NULL, false);
	CHECK(order, "order");
	holt_port_free(order);
	CHECK(image_reads > 0, "holt_tree_compact()'s order read nothing");
	verify();
	holt_tree_destroy(T);
	for (id = 0; id < 4096; id++) {
		free(images[id]);
		images[id] = NULL;
	}
	free(parents);
	harness_case_ok();
}

/* Allocation failures: -ENOMEM, the keys unchanged, then it finishes. */
static void alloc_failures(void)
{
	u32 i, n, hits = 0;
	int r;

	harness_phase = "allocation failures";
	tree_fill();
	for (i = 0; i < NKEYS; i++)
		if (i / FILES % SUBS == 1 || rnd(2))
			del(i);
	for (i = 1; i < 100000; i++) {
		holt_port_fail_countdown = i;
		r = holt_tree_reclaim(T, 4, &n);
		holt_port_fail_countdown = 0;
		if (r != -ENOMEM)
			break;
		hits++;
		if (i % 8 == 1)
			verify();
	}
	CHECK(hits > 0, "no allocation failed");
	reclaim_all(4);
	CHECK(T->dense, "not dense after the failures");
	verify();
	holt_tree_destroy(T);
	harness_case_ok();
}

int main(void)
{
	harness_init("test_reclaim", "RECLAIM_SEED");
	lost_density();
	left_alone();
	dead_bodies();
	too_big_to_prove();
	parents_out();
	alloc_failures();
	CHECK_EQ(holt_port_live_allocs, 0);
	return harness_done();
}
