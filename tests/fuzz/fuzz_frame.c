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
 * sealed must pass the full validation.  Nothing may leak.
 *
 * The seed corpus is written by gen_corpus.c from real trees.
 */
#include "tree.h"
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
	} else if (holt_frame_scan(frame, fz_item, &c) != -EUCLEAN) {
		abort();
	}
	if (holt_port_live_allocs)
		abort();
	return 0;
}
