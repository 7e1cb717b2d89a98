// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_frame.c - libFuzzer target: the frame validator and the frame walk
 * on untrusted bytes.
 *
 * The input is a frame: padded with zeros (or cut) to HOLT_FRAME_SIZE in a
 * buffer of exactly that size, so that ASan sees any read past its end.
 * The structure is validated without the checksum (a fuzzer cannot keep a
 * crc32c right); a frame that is accepted must then be walked by
 * holt_frame_scan() to the end with only well-formed items, and once
 * sealed must pass the full validation.  A sealed root frame (id 1) is
 * then loaded as a one-frame tree (holt_tree_open(): its link checks and
 * the density walk) and listed with a delimiter.  Nothing may leak.
 *
 * The seed corpus is written by gen_corpus.c from real trees.
 */
#include "tree.h"
#include "tree_load.h"
#include "frame.h"
#include "validate.h"

struct fz_ctx {
	const u8 *frame;
	u32 items;
	u32 sum;
};

static int fz_item(void *vctx, const struct holt_scan_item *it)
{
	struct fz_ctx *c = vctx;
	u32 i;

	if (++c->items > 1000000 || it->klen > HOLT_KEY_MAX ||
	    it->vlen > HOLT_VAL_MAX)
		abort();
	/* Leaves point into the frame (Blob prefixes are assembled). */
	if (!it->is_prefix && it->klen &&
	    (it->key < c->frame ||
	     it->key + it->klen > c->frame + HOLT_FRAME_SIZE))
		abort();
	for (i = 0; i < it->klen; i++)
		c->sum += it->key[i];
	for (i = 0; i < it->vlen; i++)
		c->sum += it->val[i];
	return 0;
}

/* A one-frame tree of the sealed root frame @frame, listed by '/'. */
static void fz_tree(const u8 *frame)
{
	struct holt_scan_args a = { .prefix = (const u8 *)"", .delimiter = '/' };
	u64 seq = 1;
	struct holt_tree_config cfg = { .seq = &seq };
	struct fz_ctx c = { .frame = NULL };
	struct holt_tree *t;
	u8 *images[2] = { NULL, NULL };
	int err;

	images[1] = holt_port_frame_alloc(HOLT_FRAME_SIZE);
	if (!images[1])
		abort();
	memcpy(images[1], frame, HOLT_FRAME_SIZE);
	c.frame = images[1];	/* the tree's own copy from here */
	t = holt_tree_open(&cfg, images, 2, &err);
	if (!t) {
		if (err != -EUCLEAN)
			abort();
		holt_port_frame_free(images[1], HOLT_FRAME_SIZE);
		return;
	}
	err = holt_tree_scan(t, &a, fz_item, &c);
	if (err && err != -EUCLEAN)
		abort();
	holt_tree_destroy(t);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u8 *frame;
	struct fz_ctx c = { 0 };
	size_t n = size < HOLT_FRAME_SIZE ? size : HOLT_FRAME_SIZE;
	int r;

	if (!frame) {
		frame = malloc(HOLT_FRAME_SIZE);
		if (!frame)
			abort();
	}
	memcpy(frame, data, n);
	memset(frame + n, 0, HOLT_FRAME_SIZE - n);
	r = holt_frame_validate(frame, HOLT_VALIDATE_SKIP_CSUM);
	if (r && r != -EUCLEAN)
		abort();
	if (!r) {
		c.frame = frame;
		if (holt_frame_scan(frame, fz_item, &c))
			abort();
		holt_frame_seal(frame);
		if (holt_frame_validate(frame, 0))
			abort();
		if (holt_get_le64(frame + HDR_FRAME_ID) == HOLT_ROOT_FRAME)
			fz_tree(frame);
	} else if (holt_frame_scan(frame, fz_item, &c) != -EUCLEAN) {
		abort();
	}
	if (holt_port_live_allocs)
		abort();
	return 0;
}
