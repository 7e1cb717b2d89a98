// SPDX-License-Identifier: GPL-2.0
/*
 * test_corrupt.c - damaged frames are refused or read safely.
 *
 * Trees are built from path-shaped keys (NUL bytes, keys that are prefixes
 * of others, wide nodes, long keys), with small and full data budgets, and
 * every frame is copied out sealed.  Each copy must pass the validator, and
 * holt_frame_scan() over all frames together must give back exactly the
 * keys, values and versions that were put, plus one Blob item per child
 * frame.
 *
 * Then thousands of mutations: bit flips, byte overwrites, header fields
 * and child pointers set to chosen values, zeroed ranges, copied ranges and
 * truncations (the tail of the 512 KiB zeroed from a random point).
 *
 *  - With the checksum checked, any change to the bytes the checksum
 *    covers (header, slot table, data up to the bump cursor) must be
 *    refused with -EUCLEAN; a frame that is accepted anyway (the change
 *    was in the unused tail) must scan exactly like the original.
 *  - With HOLT_VALIDATE_SKIP_CSUM (structure only), a frame is either
 *    refused with -EUCLEAN, and then holt_frame_scan() refuses it too, or
 *    accepted, and then holt_frame_scan() runs to the end giving only
 *    well-formed items: inside the frame, lengths within limits, keys in
 *    strictly increasing order; sealed, it passes the full check too.
 *    ASan and UBSan watch every read.
 *
 * Environment: CORRUPT_SEED=S, CORRUPT_MUTATIONS=N (default 20000).
 */
#include "tree.h"
#include "validate.h"
#include "harness.h"

#define KEYBUF 2048
#define MAX_FRAMES 256

/* ---- the keys that were put ---- */

struct ent {
	u8 *key;
	u32 klen;
	u8 *val;
	u32 vlen;
	u64 ver;
	u32 seen;		/* times a frame scan returned it */
};

static struct ent *ora;
static size_t ora_n, ora_cap;

static int keycmp(const u8 *a, u32 al, const u8 *b, u32 bl)
{
	u32 n = al < bl ? al : bl;
	int c = n ? memcmp(a, b, n) : 0;

	return c ? c : (al > bl) - (al < bl);
}

static struct ent *ora_find(const u8 *k, u32 kl, size_t *pos)
{
	size_t lo = 0, hi = ora_n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (keycmp(ora[mid].key, ora[mid].klen, k, kl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (pos)
		*pos = lo;
	if (lo < ora_n && !keycmp(ora[lo].key, ora[lo].klen, k, kl))
		return &ora[lo];
	return NULL;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	CHECK(p, "out of memory");
	return p;
}

static void ora_put(const u8 *k, u32 kl, const u8 *v, u32 vl, u64 ver)
{
	size_t i;
	struct ent *e = ora_find(k, kl, &i);

	if (!e) {
		if (ora_n == ora_cap) {
			ora_cap = ora_cap ? 2 * ora_cap : 1024;
			ora = realloc(ora, ora_cap * sizeof(*ora));
			CHECK(ora, "realloc");
		}
		memmove(&ora[i + 1], &ora[i], (ora_n - i) * sizeof(*ora));
		ora_n++;
		e = &ora[i];
		e->key = xmalloc(kl);
		memcpy(e->key, k, kl);
		e->klen = kl;
	} else {
		free(e->val);
	}
	e->val = xmalloc(vl);
	if (vl)
		memcpy(e->val, v, vl);
	e->vlen = vl;
	e->ver = ver;
}

static void ora_del(struct ent *e)
{
	size_t i = e - ora;

	free(e->key);
	free(e->val);
	memmove(&ora[i], &ora[i + 1], (ora_n - i - 1) * sizeof(*ora));
	ora_n--;
}

static void ora_clear(void)
{
	while (ora_n)
		ora_del(&ora[ora_n - 1]);
}

/* ---- keys ---- */

static const char *const segs[] = {
	"a", "b", "ab", "dir", "d", "file", "f1", "usr", "local", "zz",
	"bucket-01", "file-0001.bin",
};

static u32 gen_key(u8 *b)
{
	u32 n = 0, i, nseg;

	switch (rnd(12)) {
	case 0:			/* wide fan-out */
		b[n++] = 'r';
		for (i = 0; i < 1 + rnd(3); i++)
			b[n++] = (u8)rnd(256);
		return n;
	case 1:			/* long: Prefix chains */
		for (i = 0; i < 30 + rnd(120) && n < 1500; i++)
			b[n++] = "abc/"[rnd(4)];
		return n;
	case 2:			/* NUL inside, prefix of others */
		b[n++] = 'n';
		for (i = 0; i < rnd(4); i++)
			b[n++] = rnd(2) ? 0 : 'n';
		return n;
	}
	nseg = 1 + rnd(5);
	for (i = 0; i < nseg; i++) {
		const char *s = segs[rnd(sizeof(segs) / sizeof(segs[0]))];

		if (i)
			b[n++] = rnd(8) ? '/' : 0;
		memcpy(b + n, s, strlen(s));
		n += strlen(s);
	}
	return n;
}

/* ---- building trees ---- */

static u64 seq;
static u8 *frames[MAX_FRAMES];
static u32 used_of[MAX_FRAMES];
static u32 nr_frames;

static u32 frame_used(const u8 *f)
{
	u32 used;

	/* HDR_USED: the bump cursor (see Documentation/format.rst). */
	memcpy(&used, f + 0x18, 4);
	return used;
}

/* A tree of @nkeys puts and some deletes; its frames are copied out. */
static void build(u32 budget, u32 nkeys, u32 vmax)
{
	struct holt_tree_config cfg = { .seq = &seq, .data_budget = budget };
	struct holt_tree *t;
	static u8 k[KEYBUF], v[8192];
	u32 i, kl, vl;
	u64 ver;

	ora_clear();
	seq = 1 + rnd(1000);
	t = holt_tree_create(&cfg);
	CHECK(t, "create");
	for (i = 0; i < nkeys; i++) {
		kl = gen_key(k);
		vl = rnd(vmax + 1);
		memset(v, (int)rnd(256), vl);
		if (vl > 4)
			memcpy(v, &i, 4);
		CHECK_EQ(holt_tree_put(t, k, kl, v, vl, 0, 0, &ver), 0);
		ora_put(k, kl, v, vl, ver);
		/* Tombstones and dead bodies in the frames too. */
		if (ora_n > 10 && rnd(5) == 0) {
			struct ent *e = &ora[rnd(ora_n)];

			CHECK_EQ(holt_tree_delete(t, e->key, e->klen, 0, 0), 0);
			ora_del(e);
		}
	}
	nr_frames = holt_tree_nr_frames(t);
	CHECK(nr_frames >= 1 && nr_frames <= MAX_FRAMES, "%u frames",
	      nr_frames);
	for (i = 0; i < nr_frames; i++) {
		if (!frames[i])
			frames[i] = aligned_alloc(4096, HOLT_FRAME_SIZE);
		CHECK(frames[i], "alloc");
		CHECK_EQ(holt_tree_frame_copy(t, i, frames[i]), 0);
		used_of[i] = frame_used(frames[i]);
		CHECK(used_of[i] > 0xB000 && used_of[i] <= HOLT_FRAME_SIZE,
		      "frame %u used %#x", i, used_of[i]);
	}
	holt_tree_destroy(t);
	CHECK_EQ(holt_port_live_allocs, 0);
}

/* ---- scanning a frame ---- */

struct scan_ctx {
	const u8 *base;		/* the frame buffer */
	const u8 *pk;		/* the previous key item */
	u32 pkl;
	u32 items, keys, blobs;
	u32 sum;
	bool against_oracle;
	/* for comparing two scans: a digest of the item stream */
	u32 digest;
};

/* Child frame ids named by the Blob items of the clean frames. */
static u64 child_ids[MAX_FRAMES * 64];
static u32 n_child_ids;

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return (x > y) - (x < y);
}

static bool inside(const struct scan_ctx *c, const u8 *p, u32 len)
{
	return p >= c->base && p + len <= c->base + HOLT_FRAME_SIZE &&
	       p + len >= p;
}

static u32 fold(u32 h, const void *p, u32 n)
{
	return holt_crc32c(h, p, n);
}

static int scan_cb(void *vctx, const struct holt_scan_item *it)
{
	struct scan_ctx *c = vctx;
	u32 i;

	c->items++;
	CHECK(c->items <= 200000, "a frame scan that does not end");
	CHECK(it->klen <= HOLT_KEY_MAX, "klen %u", it->klen);
	CHECK(it->vlen <= HOLT_VAL_MAX, "vlen %u", it->vlen);
	/* A Blob's key prefix is assembled outside the frame. */
	CHECK(it->is_prefix || !it->klen || inside(c, it->key, it->klen),
	      "key outside the frame");
	CHECK(it->is_prefix || !it->vlen || inside(c, it->val, it->vlen),
	      "value outside the frame");
	/* Touch every byte: ASan checks the reads. */
	for (i = 0; i < it->klen; i++)
		c->sum += it->key[i];
	for (i = 0; i < it->vlen; i++)
		c->sum += it->val[i];
	c->digest = fold(c->digest, &it->klen, 4);
	c->digest = fold(c->digest, it->key, it->klen);
	c->digest = fold(c->digest, &it->vlen, 4);
	if (it->vlen)
		c->digest = fold(c->digest, it->val, it->vlen);
	c->digest = fold(c->digest, &it->version, 8);
	c->digest = fold(c->digest, &it->is_prefix, 1);
	if (it->is_prefix) {
		c->blobs++;
		CHECK_EQ(it->vlen, 8);	/* the child frame id */
		if (c->against_oracle && n_child_ids < MAX_FRAMES * 64)
			memcpy(&child_ids[n_child_ids++], it->val, 8);
		return 0;
	}
	c->keys++;
	CHECK(it->klen >= 1, "an empty key");
	if (c->pk)
		CHECK(keycmp(c->pk, c->pkl, it->key, it->klen) < 0,
		      "keys out of order in a frame scan");
	c->pk = it->key;
	c->pkl = it->klen;
	if (c->against_oracle) {
		struct ent *e = ora_find(it->key, it->klen, NULL);

		if (!e) {
			fprintf(stderr, "key not in the tree: \"");
			harness_print_bytes(stderr, it->key, it->klen);
			fprintf(stderr, "\"\n");
		}
		CHECK(e, "a frame scan returned a key never put");
		CHECK_MEM(it->val, it->vlen, e->val, e->vlen);
		CHECK_EQ(it->version, e->ver);
		e->seen++;
	}
	return 0;
}

static int scan_frame(const u8 *f, struct scan_ctx *c, bool oracle)
{
	memset(c, 0, sizeof(*c));
	c->base = f;
	c->against_oracle = oracle;
	return holt_frame_scan(f, scan_cb, c);
}

/* Every frame is valid, and together they hold exactly the tree. */
static void check_clean(u32 *digests)
{
	struct scan_ctx c;
	u32 i, distinct = 0;
	size_t k;

	for (k = 0; k < ora_n; k++)
		ora[k].seen = 0;
	n_child_ids = 0;
	for (i = 0; i < nr_frames; i++) {
		CHECK_EQ(holt_frame_validate(frames[i], 0), 0);
		CHECK_EQ(holt_frame_validate(frames[i], HOLT_VALIDATE_SKIP_CSUM),
			 0);
		CHECK_EQ(scan_frame(frames[i], &c, true), 0);
		digests[i] = c.digest;
	}
	for (k = 0; k < ora_n; k++) {
		if (ora[k].seen != 1) {
			fprintf(stderr, "key \"");
			harness_print_bytes(stderr, ora[k].key, ora[k].klen);
			fprintf(stderr, "\" seen %u times\n", ora[k].seen);
		}
		CHECK_EQ(ora[k].seen, 1);
	}
	/*
	 * Several entries of one node may share a Blob, so count the child
	 * frames they name: each frame but the root, once.
	 */
	qsort(child_ids, n_child_ids, sizeof(u64), cmp_u64);
	for (i = 0; i < n_child_ids; i++)
		distinct += !i || child_ids[i] != child_ids[i - 1];
	CHECK_EQ(distinct, nr_frames - 1);
	harness_case_ok();
}

/* ---- mutations ---- */

static u8 *work;

/* A position: mostly where the structure is, sometimes anywhere. */
static u32 pick_pos(u32 used)
{
	switch (rnd(10)) {
	case 0:
	case 1:
		return rnd(0x48);			/* header fields */
	case 2:
		return rnd(0x1000);			/* header */
	case 3:
		return 0x1000 + rnd(0xA000);		/* slot table */
	case 4:
		return rnd(HOLT_FRAME_SIZE);
	default:
		return 0xB000 + rnd(used - 0xB000);	/* node bodies */
	}
}

static const u32 nasty[] = {
	0, 1, 2, 3, 7, 8, 9, 0xff, 0x100, 0x1000, 0xAFF8, 0xB000, 0xB008,
	0x7fff, 0x8000, 0xfffe, 0xffff, 0x10000, 0x7fff8, 0x80000, 0x80008,
	0xfffffff8, 0xffffffff,
};

/*
 * Damage @work (a copy of a frame with @used bytes in use); returns the
 * lowest offset changed.
 */
static u32 mutate(u32 used, const char **what)
{
	u32 pos = pick_pos(used), n, i, src;
	u32 v;

	switch (rnd(8)) {
	case 0:
		*what = "bit flips";
		n = 1 + rnd(4);
		for (i = 0; i < n; i++) {
			u32 p = i ? pick_pos(used) : pos;

			work[p] ^= 1u << rnd(8);
			pos = p < pos ? p : pos;
		}
		return pos;
	case 1:
		*what = "byte overwrite";
		n = 1 + rnd(8);
		if (pos + n > HOLT_FRAME_SIZE)
			n = HOLT_FRAME_SIZE - pos;
		for (i = 0; i < n; i++)
			work[pos + i] = rnd(3) ? (u8)rnd(256) :
					(u8)nasty[rnd(sizeof(nasty) / 4)];
		return pos;
	case 2:
		/* A 16- or 32-bit field set to a boundary value. */
		*what = "field value";
		pos &= ~1u;
		v = nasty[rnd(sizeof(nasty) / 4)];
		if (rnd(2) && pos + 4 <= HOLT_FRAME_SIZE)
			memcpy(work + pos, &v, 4);
		else
			memcpy(work + pos, &v, 2);
		return pos;
	case 3:
		/* A child pointer aimed at another body: cycles, sharing. */
		*what = "child pointer";
		pos = 0xB000 + (rnd(used - 0xB000) & ~1u);
		v = 1 + rnd((used - 0xB000) / 8 + 2);
		memcpy(work + pos, &v, 2);
		return pos;
	case 4:
		*what = "zeroed range";
		n = 1 + rnd(rnd(4) ? 64 : 8192);
		if (pos + n > HOLT_FRAME_SIZE)
			n = HOLT_FRAME_SIZE - pos;
		memset(work + pos, 0, n);
		return pos;
	case 5:
		*what = "copied range";
		n = 8 + rnd(512);
		src = 0xB000 + rnd(used - 0xB000);
		if (src + n > HOLT_FRAME_SIZE)
			n = HOLT_FRAME_SIZE - src;
		pos = 0xB000 + (rnd(used - 0xB000) & ~7u);
		if (pos + n > HOLT_FRAME_SIZE)
			n = HOLT_FRAME_SIZE - pos;
		memmove(work + pos, work + src, n);
		return pos;
	default:
		*what = "truncation";
		/* Mostly inside the used part, where it matters. */
		pos = rnd(3) ? 0xB000 + rnd(used - 0xB000 + 64) :
			       rnd(HOLT_FRAME_SIZE);
		if (pos > HOLT_FRAME_SIZE)
			pos = HOLT_FRAME_SIZE;
		memset(work + pos, 0, HOLT_FRAME_SIZE - pos);
		return pos;
	}
}

static u64 n_same, n_csum_rejected, n_csum_tail_ok, n_skip_rejected,
	   n_skip_accepted;

static void mutate_one(u32 fi, u32 digest, bool csum)
{
	const u8 *orig = frames[fi];
	u32 used = used_of[fi], low, i;
	const char *what = "";
	struct scan_ctx c;
	int r, r2;

	memcpy(work, orig, HOLT_FRAME_SIZE);
	low = mutate(used, &what);
	harness_phase = what;
	/* Where the first change really is (mutations may be no-ops). */
	for (i = 0; i < HOLT_FRAME_SIZE && work[i] == orig[i]; i++)
		;
	if (i == HOLT_FRAME_SIZE) {
		n_same++;
		return;
	}
	low = i;
	if (csum) {
		r = holt_frame_validate(work, 0);
		if (low < used) {
			if (r != -EUCLEAN)
				fprintf(stderr, "%s at %#x (used %#x) "
					"accepted with checksum\n", what, low,
					used);
			CHECK_EQ(r, -EUCLEAN);
			n_csum_rejected++;
			return;
		}
		/* Only the unused tail changed: same frame, same items. */
		if (r == 0) {
			CHECK_EQ(scan_frame(work, &c, false), 0);
			CHECK_EQ(c.digest, digest);
			n_csum_tail_ok++;
		} else {
			CHECK_EQ(r, -EUCLEAN);
			n_csum_rejected++;
		}
		return;
	}
	r = holt_frame_validate(work, HOLT_VALIDATE_SKIP_CSUM);
	if (r) {
		CHECK_EQ(r, -EUCLEAN);
		CHECK_EQ(scan_frame(work, &c, false), -EUCLEAN);
		n_skip_rejected++;
	} else {
		r2 = scan_frame(work, &c, false);
		if (r2)
			fprintf(stderr, "%s at %#x: validated, scan says %d\n",
				what, low, r2);
		CHECK_EQ(r2, 0);
		n_skip_accepted++;
	}
	/*
	 * A frame the structure check accepts passes the full check once
	 * sealed.  (Sealing walks the frame to rebuild the slot table, so
	 * it is only for frames known to be well formed.)
	 */
	if (!r && rnd(4) == 0) {
		holt_frame_seal(work);
		CHECK_EQ(holt_frame_validate(work, 0), 0);
	}
}

/* Bytes that were never a frame. */
static void check_garbage(void)
{
	u32 i;

	memset(work, 0, HOLT_FRAME_SIZE);
	CHECK_EQ(holt_frame_validate(work, 0), -EUCLEAN);
	CHECK_EQ(holt_frame_validate(work, HOLT_VALIDATE_SKIP_CSUM), -EUCLEAN);
	memset(work, 0xff, HOLT_FRAME_SIZE);
	CHECK_EQ(holt_frame_validate(work, HOLT_VALIDATE_SKIP_CSUM), -EUCLEAN);
	for (i = 0; i < HOLT_FRAME_SIZE; i++)
		work[i] = (u8)rnd64();
	CHECK_EQ(holt_frame_validate(work, HOLT_VALIDATE_SKIP_CSUM), -EUCLEAN);
	/* A valid header over random data. */
	memcpy(work, frames[0], 0x1000);
	CHECK_EQ(holt_frame_validate(work, HOLT_VALIDATE_SKIP_CSUM), -EUCLEAN);
	harness_case_ok();
}

struct shape {
	const char *name;
	u32 budget, nkeys, vmax;
};

static const struct shape shapes[] = {
	{ "one small frame", 0, 40, 16 },
	{ "one full frame", 0, 2500, 64 },
	{ "4 KiB budget", 4096, 400, 200 },
	{ "16 KiB budget", 16384, 1200, 100 },
	{ "large values", 0, 120, 4000 },
};

int main(void)
{
	u32 digests[MAX_FRAMES];
	u64 muts, per, m;
	size_t s;
	u32 i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	harness_init("test_corrupt", "CORRUPT_SEED");
	muts = harness_env_u64("CORRUPT_MUTATIONS", 20000);
	work = aligned_alloc(4096, HOLT_FRAME_SIZE);
	CHECK(work, "alloc");
	per = muts / (sizeof(shapes) / sizeof(shapes[0])) + 1;

	for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		harness_phase = shapes[s].name;
		build(shapes[s].budget, shapes[s].nkeys, shapes[s].vmax);
		check_clean(digests);
		if (s == 0)
			check_garbage();
		for (m = 0; m < per; m++) {
			harness_step++;
			i = rnd(nr_frames);
			mutate_one(i, digests[i], m & 1);
		}
		printf("  %-16s %u frames, %zu keys, %llu mutations\n",
		       shapes[s].name, nr_frames, ora_n,
		       (unsigned long long)per);
		harness_case_ok();
	}
	printf("test_corrupt: checksum: %llu refused, %llu accepted (tail "
	       "only); structure only: %llu refused, %llu accepted and "
	       "scanned; %llu no-ops\n",
	       (unsigned long long)n_csum_rejected,
	       (unsigned long long)n_csum_tail_ok,
	       (unsigned long long)n_skip_rejected,
	       (unsigned long long)n_skip_accepted,
	       (unsigned long long)n_same);
	CHECK(n_skip_rejected > 0 && n_csum_rejected > 0, "nothing refused");
	ora_clear();
	free(ora);
	for (i = 0; i < MAX_FRAMES; i++)
		free(frames[i]);
	free(work);
	CHECK_EQ(holt_port_live_allocs, 0);
	return harness_done();
}
