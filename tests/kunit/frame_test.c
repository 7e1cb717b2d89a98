// SPDX-License-Identifier: GPL-2.0
/*
 * frame_test.c - KUnit suite holt_frame: the frame validator
 * (kmod/core/validate.h) inside the kernel, under KASAN.  Sealed copies of
 * real frames must pass; any flipped bit must be caught by the checksum;
 * frames damaged behind the checksum's back must be rejected by the
 * structure checks or walk safely, with KASAN watching every byte the walk
 * reads.
 */
#include <kunit/test.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/unaligned.h>

#include "tree.h"
#include "validate.h"

struct holt_kf {
	struct holt_tree *t;
	u64 seq;
	u8 *frame;	/* HOLT_FRAME_SIZE bytes, page aligned */
	u8 *clean;	/* a sealed, valid copy of frame 0 */
};

static struct holt_tree *holt_kf_tree(struct holt_kf *kf, u32 budget)
{
	struct holt_tree_config cfg = { .seq = &kf->seq, .data_budget = budget };

	if (kf->t)
		holt_tree_destroy(kf->t);
	kf->t = holt_tree_create(&cfg);
	if (IS_ERR_OR_NULL(kf->t))
		kf->t = NULL;
	return kf->t;
}

static int holt_kf_init(struct kunit *test)
{
	struct holt_kf *kf = kunit_kzalloc(test, sizeof(*kf), GFP_KERNEL);

	if (!kf)
		return -ENOMEM;
	kf->frame = vmalloc(HOLT_FRAME_SIZE);
	kf->clean = vmalloc(HOLT_FRAME_SIZE);
	test->priv = kf;
	if (!kf->frame || !kf->clean)
		return -ENOMEM;
	return 0;
}

static void holt_kf_exit(struct kunit *test)
{
	struct holt_kf *kf = test->priv;

	if (!kf)
		return;
	if (kf->t)
		holt_tree_destroy(kf->t);
	vfree(kf->frame);
	vfree(kf->clean);
}

/* The keys of the single-frame tree, in order. */
static const char *const holt_kf_keys[] = {
	"etc/hosts", "etc/passwd", "usr/bin/cc", "usr/bin/ld", "usr/lib/",
	"usr/lib/libc.so", "usr/share/doc/holt/README", "var/log/",
};

/* A small tree in one frame; kf->clean holds its sealed frame 0. */
static void holt_kf_small_tree(struct kunit *test)
{
	struct holt_kf *kf = test->priv;
	u64 ver;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, holt_kf_tree(kf, 0));
	for (i = ARRAY_SIZE(holt_kf_keys); i-- > 0;)
		KUNIT_ASSERT_EQ(test, holt_tree_put(kf->t, holt_kf_keys[i],
						    strlen(holt_kf_keys[i]),
						    "value", 5, 0, 0, &ver), 0);
	/* Leave a tombstone and a dead body in the frame, too. */
	KUNIT_ASSERT_EQ(test, holt_tree_put(kf->t, "tmp", 3, "x", 1, 0, 0,
					    &ver), 0);
	KUNIT_ASSERT_EQ(test, holt_tree_delete(kf->t, "tmp", 3, 0, 0), 0);
	KUNIT_ASSERT_EQ(test, holt_tree_put(kf->t, "etc/hosts", 9,
					    "a longer value than before", 26,
					    0, 0, &ver), 0);
	KUNIT_ASSERT_EQ(test, holt_tree_nr_frames(kf->t), 1u);
	KUNIT_ASSERT_EQ(test, holt_tree_frame_copy(kf->t, 0, kf->clean), 0);
}

#define HOLT_KF_MAX_IDS 64

struct holt_kf_walk {
	u32 keys;
	u32 blobs;
	u64 ids[HOLT_KF_MAX_IDS];	/* distinct child frame ids seen */
	u32 nr_ids;
	u32 bad_blobs;
	u32 out_of_order;
	u8 last[64];		/* the previous key, or its first 64 bytes */
	u32 last_len;
	bool last_cut;
	const char *const *want;	/* expected keys in order, or NULL */
	u32 nr_want;
	u32 mismatches;
};

static int holt_kf_cmp(const u8 *a, u32 alen, const u8 *b, u32 blen)
{
	int c = memcmp(a, b, min(alen, blen));

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* Counts keys and Blob links; checks keys come in strictly rising order. */
static int holt_kf_walk_fn(void *ctx, const struct holt_scan_item *it)
{
	struct holt_kf_walk *w = ctx;
	u32 n = min_t(u32, it->klen, sizeof(w->last));
	bool cut = it->klen > sizeof(w->last);
	int c;

	if (it->is_prefix) {
		u64 id;
		u32 i;

		w->blobs++;
		/* A Blob entry's value is its child frame's id (le64). */
		if (!it->val || it->vlen != 8) {
			w->bad_blobs++;
			return 0;
		}
		id = get_unaligned_le64(it->val);
		for (i = 0; i < w->nr_ids; i++)
			if (w->ids[i] == id)
				return 0;
		if (w->nr_ids < HOLT_KF_MAX_IDS)
			w->ids[w->nr_ids++] = id;
		else
			w->bad_blobs++;
		return 0;
	}
	if (w->keys) {
		c = holt_kf_cmp(w->last, w->last_len, it->key, n);
		/* Equal truncated keys cannot be ordered: let them pass. */
		if (c > 0 || (c == 0 && !cut && !w->last_cut))
			w->out_of_order++;
	}
	if (w->want) {
		if (w->keys >= w->nr_want ||
		    it->klen != strlen(w->want[w->keys]) ||
		    memcmp(it->key, w->want[w->keys], it->klen))
			w->mismatches++;
	}
	memcpy(w->last, it->key, n);
	w->last_len = n;
	w->last_cut = cut;
	w->keys++;
	return 0;
}

static void holt_frame_accepts_clean_test(struct kunit *test)
{
	struct holt_kf *kf = test->priv;
	struct holt_kf_walk w = { .want = holt_kf_keys,
				  .nr_want = ARRAY_SIZE(holt_kf_keys) };

	holt_kf_small_tree(test);
	KUNIT_EXPECT_EQ(test, holt_frame_validate(kf->clean, 0), 0);
	KUNIT_EXPECT_EQ(test, holt_frame_validate(kf->clean,
						  HOLT_VALIDATE_SKIP_CSUM), 0);
	/* The frame alone lists the live keys in order, no tombstone. */
	KUNIT_EXPECT_EQ(test, holt_frame_scan(kf->clean, holt_kf_walk_fn, &w),
			0);
	KUNIT_EXPECT_EQ(test, w.keys, (u32)ARRAY_SIZE(holt_kf_keys));
	KUNIT_EXPECT_EQ(test, w.blobs, 0u);
	KUNIT_EXPECT_EQ(test, w.mismatches, 0u);

	/* Copying twice gives the same bytes; sealing again changes nothing. */
	KUNIT_ASSERT_EQ(test, holt_tree_frame_copy(kf->t, 0, kf->frame), 0);
	KUNIT_EXPECT_EQ(test, memcmp(kf->frame, kf->clean, HOLT_FRAME_SIZE), 0);
	holt_frame_seal(kf->frame);
	KUNIT_EXPECT_EQ(test, memcmp(kf->frame, kf->clean, HOLT_FRAME_SIZE), 0);

	/* There is no frame 1. */
	KUNIT_EXPECT_LT(test, holt_tree_frame_copy(kf->t, 1, kf->frame), 0);
}

static void holt_frame_rejects_garbage_test(struct kunit *test)
{
	struct holt_kf *kf = test->priv;
	u32 i, x = 0x9e3779b9;

	memset(kf->frame, 0, HOLT_FRAME_SIZE);
	KUNIT_EXPECT_EQ(test, holt_frame_validate(kf->frame, 0), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, holt_frame_validate(kf->frame,
						  HOLT_VALIDATE_SKIP_CSUM),
			-EUCLEAN);
	/* A checksum does not make zeros a frame. */
	holt_frame_seal(kf->frame);
	KUNIT_EXPECT_EQ(test, holt_frame_validate(kf->frame, 0), -EUCLEAN);

	memset(kf->frame, 0xff, HOLT_FRAME_SIZE);
	KUNIT_EXPECT_EQ(test, holt_frame_validate(kf->frame, 0), -EUCLEAN);
	holt_frame_seal(kf->frame);
	KUNIT_EXPECT_EQ(test, holt_frame_validate(kf->frame, 0), -EUCLEAN);

	for (i = 0; i < HOLT_FRAME_SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		kf->frame[i] = (u8)x;
	}
	holt_frame_seal(kf->frame);
	KUNIT_EXPECT_EQ(test, holt_frame_validate(kf->frame, 0), -EUCLEAN);
}

/*
 * Where a single bit is flipped: header, slot table, node bodies, and the
 * free end of the data area.  The crc32c covers the header, the slot table
 * and the used part of the data area (frame.c: holt_frame_csum()), so a
 * flip there must be rejected; past the bump cursor nothing is reachable
 * and a flip may be accepted, but then the frame must read exactly as the
 * clean one does.
 */
struct holt_kf_flip {
	u32 off;
	bool covered;	/* inside what the checksum covers in this frame */
};

static const struct holt_kf_flip holt_kf_flips[] = {
	{ 0x0, true }, { 0x4, true }, { 0x8, true }, { 0x54, true },
	{ 0x56, true }, { 0x58, true }, { 0x100, true }, { 0xfff, true },
	{ 0x1000, true }, { 0x1004, true }, { 0xb000, true }, { 0xb001, true },
	{ 0xb008, true }, { 0xb0f0, true },
	{ 0xc000, false }, { HOLT_FRAME_SIZE / 2, false },
	{ HOLT_FRAME_SIZE - 1, false },
};

static void holt_kf_flip_desc(const struct holt_kf_flip *f, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "offset 0x%x", f->off);
}

KUNIT_ARRAY_PARAM(holt_kf_flip, holt_kf_flips, holt_kf_flip_desc);

/* Any single flipped bit is caught, or is harmless. */
static void holt_frame_rejects_bit_flip_test(struct kunit *test)
{
	const struct holt_kf_flip *fl = test->param_value;
	struct holt_kf *kf = test->priv;
	int bit, ret;

	holt_kf_small_tree(test);
	for (bit = 0; bit < 8; bit++) {
		struct holt_kf_walk w = { .want = holt_kf_keys,
					  .nr_want = ARRAY_SIZE(holt_kf_keys) };

		memcpy(kf->frame, kf->clean, HOLT_FRAME_SIZE);
		kf->frame[fl->off] ^= 1u << bit;
		ret = holt_frame_validate(kf->frame, 0);
		if (fl->covered || ret) {
			KUNIT_EXPECT_EQ_MSG(test, ret, -EUCLEAN, "bit %d", bit);
			continue;
		}
		KUNIT_EXPECT_EQ(test, holt_frame_scan(kf->frame,
						      holt_kf_walk_fn, &w), 0);
		KUNIT_EXPECT_EQ_MSG(test, w.keys,
				    (u32)ARRAY_SIZE(holt_kf_keys), "bit %d",
				    bit);
		KUNIT_EXPECT_EQ_MSG(test, w.mismatches, 0u, "bit %d", bit);
	}
	/* And the copy it came from is still good. */
	KUNIT_EXPECT_EQ(test, holt_frame_validate(kf->clean, 0), 0);
}

/*
 * Damage one byte of a valid frame and check its structure only (as a
 * fuzzer does: HOLT_VALIDATE_SKIP_CSUM), so that nothing but the structure
 * checks stands between the bytes and a walk.  Every result must be a
 * rejection, or a frame that (sealed) walks without error with its keys in
 * order.  KASAN reports any read out of bounds as a failure of this case.
 */
static void holt_frame_damaged_structure_test(struct kunit *test)
{
	static const u8 patterns[] = { 0xff, 0x00, 0x01, 0x80 };
	static const u32 ranges[][2] = {
		{ 0, 0x200 },		/* the header's fields */
		{ 0x1000, 0x1100 },	/* the first slots */
		{ 0xb000, 0xb800 },	/* the first node bodies */
	};
	struct holt_kf *kf = test->priv;
	u32 off, p, r, rejected = 0, accepted = 0, bad_walks = 0;
	struct holt_kf_walk w;
	int ret;

	holt_kf_small_tree(test);
	memcpy(kf->frame, kf->clean, HOLT_FRAME_SIZE);
	for (p = 0; p < ARRAY_SIZE(patterns); p++) {
		for (r = 0; r < ARRAY_SIZE(ranges); r++) {
			for (off = ranges[r][0]; off < ranges[r][1]; off++) {
				u8 was = kf->frame[off];

				if (was == patterns[p])
					continue;
				kf->frame[off] = patterns[p];
				if (holt_frame_validate(kf->frame,
							HOLT_VALIDATE_SKIP_CSUM)) {
					rejected++;
					kf->frame[off] = was;
					continue;
				}
				accepted++;
				holt_frame_seal(kf->frame);
				memset(&w, 0, sizeof(w));
				ret = holt_frame_scan(kf->frame,
						      holt_kf_walk_fn, &w);
				if (ret || w.out_of_order) {
					kunit_err(test, "byte 0x%x = 0x%02x accepted, walk %d, %u out of order",
						  off, patterns[p], ret,
						  w.out_of_order);
					bad_walks++;
				}
				memcpy(kf->frame, kf->clean, HOLT_FRAME_SIZE);
			}
		}
	}
	kunit_info(test, "one damaged byte: %u rejected, %u accepted and walked",
		   rejected, accepted);
	KUNIT_EXPECT_EQ(test, bad_walks, 0u);
	KUNIT_EXPECT_GT(test, rejected, 0u);
}

/*
 * Many frames: each one validates alone, and together they hold every key
 * once; every frame but the root is the child of exactly one frame (one
 * Blob node, which several entries of one inner node may share).
 */
static void holt_frame_spilled_tree_test(struct kunit *test)
{
	struct holt_kf *kf = test->priv;
	struct holt_tree_stats st;
	u64 *children;
	char key[48];
	u64 ver, keys = 0;
	u32 i, j, n, nr_children = 0, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, holt_kf_tree(kf, 32 * 1024));
	for (i = 0; i < 2000; i++) {
		n = snprintf(key, sizeof(key), "tenant-%u/objects/%03u/%05u",
			     i % 5, i % 211, i);
		if (holt_tree_put(kf->t, key, n, key, n, 0, 0, &ver))
			bad++;
	}
	KUNIT_ASSERT_EQ(test, bad, 0u);
	holt_tree_get_stats(kf->t, &st);
	KUNIT_ASSERT_GT(test, st.frames, 1ull);
	KUNIT_ASSERT_LT(test, st.frames, (u64)HOLT_KF_MAX_IDS);
	KUNIT_ASSERT_EQ(test, (u64)holt_tree_nr_frames(kf->t), st.frames);
	children = kunit_kcalloc(test, st.frames * HOLT_KF_MAX_IDS,
				 sizeof(*children), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, children);

	for (i = 0; i < st.frames; i++) {
		struct holt_kf_walk *one = kunit_kzalloc(test, sizeof(*one),
							 GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, one);
		KUNIT_ASSERT_EQ(test, holt_tree_frame_copy(kf->t, i, kf->frame),
				0);
		KUNIT_EXPECT_EQ_MSG(test, holt_frame_validate(kf->frame, 0), 0,
				    "frame %u", i);
		KUNIT_EXPECT_EQ(test, holt_frame_scan(kf->frame,
						      holt_kf_walk_fn, one), 0);
		KUNIT_EXPECT_EQ_MSG(test, one->out_of_order, 0u, "frame %u", i);
		KUNIT_EXPECT_EQ_MSG(test, one->bad_blobs, 0u, "frame %u", i);
		keys += one->keys;
		for (j = 0; j < one->nr_ids; j++)
			children[nr_children++] = one->ids[j];
	}
	KUNIT_EXPECT_EQ(test, keys, st.keys);
	/* No frame is the child of two frames, and all but one are. */
	for (i = 0; i < nr_children; i++)
		for (j = i + 1; j < nr_children; j++)
			if (children[i] == children[j])
				bad++;
	KUNIT_EXPECT_EQ(test, bad, 0u);
	KUNIT_EXPECT_EQ(test, (u64)nr_children, st.frames - 1);
}

static struct kunit_case holt_frame_cases[] = {
	KUNIT_CASE(holt_frame_accepts_clean_test),
	KUNIT_CASE(holt_frame_rejects_garbage_test),
	KUNIT_CASE_PARAM(holt_frame_rejects_bit_flip_test, holt_kf_flip_gen_params),
	KUNIT_CASE(holt_frame_damaged_structure_test),
	KUNIT_CASE(holt_frame_spilled_tree_test),
	{}
};

static struct kunit_suite holt_frame_suite = {
	.name = "holt_frame",
	.init = holt_kf_init,
	.exit = holt_kf_exit,
	.test_cases = holt_frame_cases,
};

kunit_test_suite(holt_frame_suite);
