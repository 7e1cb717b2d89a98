// SPDX-License-Identifier: GPL-2.0
/*
 * gen_corpus.c - write the seed corpus of fuzz_frame: frames of real trees
 * (one small frame, a full one, the frames of a tree spilled over many
 * frames with a small budget, keys with NUL bytes and long prefixes), each
 * with its zero tail cut off (the fuzz target pads it back).
 *
 * Usage: gen_corpus DIR
 */
#include "tree.h"
#include "validate.h"

#include <stdio.h>

static u64 rng = 0x9e3779b97f4a7c15ull;

static u32 rnd(u32 n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)(rng % n);
}

static u32 gen_key(u8 *b)
{
	static const char *const seg[] = {
		"a", "ab", "dir", "file", "usr", "local", "bucket-01", "x\0y",
	};
	u32 n = 0, i, nseg = 1 + rnd(4);

	if (rnd(10) == 0) {
		b[n++] = 'r';
		for (i = 0; i < 1 + rnd(2); i++)
			b[n++] = (u8)rnd(256);
		return n;
	}
	if (rnd(20) == 0) {
		for (i = 0; i < 130 + rnd(100); i++)
			b[n++] = "ab/"[rnd(3)];
		return n;
	}
	for (i = 0; i < nseg; i++) {
		const char *s = seg[rnd(8)];
		u32 l = s[0] == 'x' ? 3 : strlen(s);

		if (i)
			b[n++] = rnd(6) ? '/' : 0;
		memcpy(b + n, s, l);
		n += l;
	}
	return n;
}

static int write_frames(const char *dir, const char *name, u32 budget,
			u32 nkeys, u32 vmax, u32 max_files)
{
	struct holt_tree_config cfg = { .data_budget = budget };
	struct holt_tree *t;
	static u8 frame[HOLT_FRAME_SIZE];
	u8 k[512], v[4096];
	u64 seq = 1;
	u32 i, nr, len;

	cfg.seq = &seq;
	t = holt_tree_create(&cfg);
	if (!t)
		return -1;
	for (i = 0; i < nkeys; i++) {
		u32 kl = gen_key(k), vl = rnd(vmax + 1);

		memset(v, 'a' + i % 26, vl);
		if (holt_tree_put(t, k, kl, v, vl, 0, 0, NULL))
			return -1;
		if (i % 7 == 3 && holt_tree_delete(t, k, kl, 0, 0))
			return -1;
	}
	nr = holt_tree_nr_frames(t);
	for (i = 0; i < nr && i < max_files; i++) {
		char path[4096];
		FILE *fp;

		if (holt_tree_frame_copy(t, i, frame))
			return -1;
		for (len = HOLT_FRAME_SIZE; len && !frame[len - 1]; len--)
			;
		snprintf(path, sizeof(path), "%s/%s-%u", dir, name, i);
		fp = fopen(path, "wb");
		if (!fp || fwrite(frame, 1, len, fp) != len || fclose(fp))
			return -1;
	}
	holt_tree_destroy(t);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	if (write_frames(argv[1], "empty", 0, 0, 0, 1) ||
	    write_frames(argv[1], "tiny", 0, 3, 8, 1) ||
	    write_frames(argv[1], "small", 0, 40, 16, 1) ||
	    write_frames(argv[1], "full", 0, 600, 32, 1) ||
	    write_frames(argv[1], "spilled", 4096, 300, 64, 8) ||
	    write_frames(argv[1], "values", 0, 20, 4000, 1)) {
		fprintf(stderr, "gen_corpus: failed\n");
		return 1;
	}
	return 0;
}
