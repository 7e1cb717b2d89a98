// SPDX-License-Identifier: GPL-2.0
/*
 * test_tree_load.c - holt_tree_open() (kmod/core/tree_load.c): a tree
 * rebuilt from the sealed images of its frames holds exactly what the
 * original held (keys, values, versions), and images that are damaged,
 * missing, misplaced or inconsistent with each other are refused without
 * leaks or crashes.
 */
#include "harness.h"
#include "tree.h"
#include "tree_load.h"
#include "validate.h"
#include "frame.h"

struct item {
	u8 key[64];
	u32 klen;
	u8 val[64];
	u32 vlen;
	u64 version;
};

struct items {
	struct item *v;
	u32 n, cap;
};

static int collect(void *ctx, const struct holt_scan_item *it)
{
	struct items *s = ctx;
	struct item *x;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->v = realloc(s->v, sizeof(*s->v) * s->cap);
		CHECK(s->v, "out of memory");
	}
	x = &s->v[s->n++];
	CHECK(it->klen <= sizeof(x->key) && it->vlen <= sizeof(x->val),
	      "item too long");
	memcpy(x->key, it->key, it->klen);
	x->klen = it->klen;
	memcpy(x->val, it->val, it->vlen);
	x->vlen = it->vlen;
	x->version = it->version;
	return 0;
}

static void scan_all(struct holt_tree *t, struct items *s)
{
	struct holt_scan_args a = { .delimiter = -1 };

	s->n = 0;
	CHECK_EQ(holt_tree_scan(t, &a, collect, s), 0);
}

/* Sealed copies of every frame of @t, indexed by id. */
static u8 **images(struct holt_tree *t, u32 *nr)
{
	u32 lim = holt_tree_id_limit(t), id;
	u8 **f = calloc(lim, sizeof(*f));

	CHECK(f, "out of memory");
	for (id = 1; id < lim; id++) {
		if (!holt_tree_frame_peek(t, id))
			continue;
		f[id] = holt_port_frame_alloc(HOLT_FRAME_SIZE);
		CHECK(f[id], "out of memory");
		CHECK_EQ(holt_tree_frame_copy_id(t, id, f[id]), 0);
	}
	*nr = lim;
	return f;
}

static void free_images(u8 **f, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++)
		holt_port_frame_free(f[i], HOLT_FRAME_SIZE);
	free(f);
}

static u32 count_frames(u8 **f, u32 nr)
{
	u32 i, n = 0;

	for (i = 0; i < nr; i++)
		n += f[i] != NULL;
	return n;
}

/* A non-root frame id, chosen at random. */
static u32 some_child(u8 **f, u32 nr)
{
	u32 i, pick;

	for (;;) {
		pick = 2 + rnd(nr - 2);
		for (i = 0; i < nr; i++) {
			u32 id = 2 + (pick + i) % (nr - 2);

			if (f[id])
				return id;
		}
	}
}

static void expect_refused(u8 **f, u32 nr, const char *what)
{
	struct holt_tree_config cfg;
	struct holt_tree *t;
	u64 seq = 0;
	int err = 0;

	cfg.seq = &seq;
	cfg.data_budget = 4096;
	t = holt_tree_open(&cfg, f, nr, &err);
	CHECK(!t, "%s: accepted", what);
	CHECK(err == -EUCLEAN, "%s: error %d", what, err);
}

static void test_roundtrip_and_refusals(void)
{
	struct holt_tree_config cfg = { .data_budget = 4096 };
	struct items a = { 0 }, b = { 0 };
	struct holt_tree *t, *t2;
	u64 seq = 0, seq2 = 0, v;
	u32 i, nr, id, id2;
	u8 **f, *save;
	int err;
	char key[64], val[64];

	cfg.seq = &seq;
	t = holt_tree_create(&cfg);
	CHECK(t, "create");
	for (i = 0; i < 6000; i++) {
		u32 k = rnd(4000);

		snprintf(key, sizeof(key), "dir%02u/sub%03u/file%05u", k % 37,
			 k % 211, k);
		snprintf(val, sizeof(val), "value-%u-%u", k, i);
		if (chance(1, 8))
			err = holt_tree_delete(t, (u8 *)key, strlen(key), 0, 0);
		else
			err = holt_tree_put(t, (u8 *)key, strlen(key), (u8 *)val,
					    strlen(val), 0, 0, &v);
		CHECK(!err || err == -ENOENT, "op %u: %d", i, err);
	}
	scan_all(t, &a);
	f = images(t, &nr);
	CHECK(count_frames(f, nr) >= 8, "only %u frames: no spillover",
	      count_frames(f, nr));

	/* the round trip */
	cfg.seq = &seq2;
	t2 = holt_tree_open(&cfg, f, nr, &err);
	CHECK(t2, "open: %d", err);
	CHECK_EQ(err, 0);
	CHECK(seq2 == holt_tree_max_version(t), "counter %llu, max %llu",
	      (unsigned long long)seq2,
	      (unsigned long long)holt_tree_max_version(t));
	scan_all(t2, &b);
	CHECK_EQ(a.n, b.n);
	for (i = 0; i < a.n; i++) {
		CHECK_MEM(a.v[i].key, a.v[i].klen, b.v[i].key, b.v[i].klen);
		CHECK_MEM(a.v[i].val, a.v[i].vlen, b.v[i].val, b.v[i].vlen);
		CHECK_EQ(a.v[i].version, b.v[i].version);
	}
	/* the loaded tree keeps working */
	CHECK_EQ(holt_tree_put(t2, (u8 *)"after/load", 10, (u8 *)"x", 1, 0, 0,
			       &v), 0);
	CHECK(v > holt_tree_max_version(t), "version %llu repeats",
	      (unsigned long long)v);
	free(f);	/* the images belong to t2 now */
	holt_tree_destroy(t2);
	harness_case_ok();

	/* a flipped bit anywhere in a frame's used bytes */
	for (i = 0; i < 40; i++) {
		u32 off;

		f = images(t, &nr);
		id = chance(1, 4) ? 1 : some_child(f, nr);
		off = rnd(hdr32(f[id], HDR_USED));
		f[id][off] ^= (u8)(1u << rnd(8));
		expect_refused(f, nr, "flipped bit");
		free_images(f, nr);
	}
	harness_case_ok();

	/* a missing child frame, a missing root */
	f = images(t, &nr);
	id = some_child(f, nr);
	save = f[id];
	f[id] = NULL;
	expect_refused(f, nr, "missing child");
	f[id] = save;
	save = f[1];
	f[1] = NULL;
	expect_refused(f, nr, "missing root");
	f[1] = save;
	free_images(f, nr);
	harness_case_ok();

	/* two frames swapped (each carries its own id) */
	f = images(t, &nr);
	id = some_child(f, nr);
	do
		id2 = some_child(f, nr);
	while (id2 == id);
	save = f[id];
	f[id] = f[id2];
	f[id2] = save;
	expect_refused(f, nr, "swapped frames");
	free_images(f, nr);
	harness_case_ok();

	/* an extra frame nobody links to (a copy of a child, re-identified) */
	f = images(t, &nr);
	for (id2 = 2; id2 < nr && f[id2]; id2++)
		;
	if (id2 < nr) {
		id = some_child(f, nr);
		f[id2] = holt_port_frame_alloc(HOLT_FRAME_SIZE);
		CHECK(f[id2], "out of memory");
		memcpy(f[id2], f[id], HOLT_FRAME_SIZE);
		holt_put_le64(id2, f[id2] + HDR_FRAME_ID);
		holt_frame_seal(f[id2]);
		expect_refused(f, nr, "unreachable frame");
	}
	free_images(f, nr);
	harness_case_ok();

	/* a child whose base (the key bytes above it) was changed, resealed */
	f = images(t, &nr);
	for (i = 0; i < 10; i++) {
		u32 blen;
		const u8 *base;

		id = some_child(f, nr);
		base = holt_frame_base(f[id], &blen);
		if (!base)
			continue;
		((u8 *)base)[rnd(blen)] ^= 0x20;
		holt_frame_seal(f[id]);
		expect_refused(f, nr, "changed base");
		break;
	}
	free_images(f, nr);
	harness_case_ok();

	/* no frames at all: an empty tree */
	cfg.seq = &seq2;
	t2 = holt_tree_open(&cfg, NULL, 0, &err);
	CHECK(t2 && !err, "empty open: %d", err);
	holt_tree_destroy(t2);
	harness_case_ok();

	holt_tree_destroy(t);
	free(a.v);
	free(b.v);
}

int main(void)
{
	harness_init("test_tree_load", "TREE_LOAD_SEED");
	test_roundtrip_and_refusals();
	return harness_done();
}
