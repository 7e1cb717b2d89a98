// SPDX-License-Identifier: GPL-2.0
/*
 * test_cut.c - frames shaped for directory listings: holt_cut_frame()
 * cuts a child frame that holds one directory right below the '/' that
 * ends the directory's name, so that a listing of the directory above
 * rolls it up in the parent frame without reading the child; a rebuild
 * lays a frame's directory bodies out together at its end.  Checked:
 * cuts happen as the tree grows and most child frames end up cut; every
 * inner node and Prefix lies with the directory bodies exactly when a
 * '/' or a Blob is below it (in a leaf's key too); listings of the
 * directories above read no cut frame (they are evicted and a loader
 * counts reads); every roll bit of a Blob holds for the keys below its
 * entry, and a put of a key without the '/' there clears it; keys,
 * listings and straight scans stay those of a sorted oracle; every frame
 * image validates and a tree opened from the images holds the same keys;
 * a batch that rolls back leaves every frame byte for byte as it was;
 * deletes afterwards fold and reclaim as before.
 *
 * Keys are "bNN/pNN/sNN/fNNNN" put in a random order at a 16 KiB budget,
 * so that a directory of files fills about half a frame.  In every fourth
 * sub one name is a directory holding one file ("fNNNN/x"): its leaf hangs
 * from a node among the files with a '/' in its key below it.
 */
#include "tree.h"
#include "tree_int.h"
#include "tree_cache.h"
#include "tree_load.h"
#include "validate.h"
#include "harness.h"

#define BUCKETS	3
#define PATHS	4
#define SUBS	12
#define FILES	120
#define NKEYS	(BUCKETS * PATHS * SUBS * FILES)
#define BUDGET	16384u

static struct holt_tree *T;
static u64 seq;
static char keys[NKEYS][24];
static bool live[NKEYS];
static u32 order[NKEYS];

static u32 klen(u32 i)
{
	return (u32)strlen(keys[i]);
}

static int put(u32 i)
{
	u8 v[48];

	memset(v, 'a' + i % 26, sizeof(v));
	return holt_tree_put(T, (const u8 *)keys[i], klen(i), v, 8 + i % 40,
			     0, 0, NULL);
}

/* The first @n keys of a random order, in a fresh tree. */
static void tree_fill(u32 n)
{
	struct holt_tree_config cfg = { .seq = &seq, .data_budget = BUDGET };
	u32 i;

	T = holt_tree_create(&cfg);
	CHECK(T, "create");
	for (i = 0; i < NKEYS; i++) {
		u32 f = i % FILES, s = i / FILES % SUBS;
		u32 p = i / FILES / SUBS % PATHS, b = i / FILES / SUBS / PATHS;

		snprintf(keys[i], sizeof(keys[i]), "b%02u/p%02u/s%02u/f%04u%s",
			 b, p, s, f * 3, f == 7 && s % 4 == 1 ? "/x" : "");
		live[i] = false;
		order[i] = i;
	}
	for (i = NKEYS; i > 1; i--) {
		u32 j = rnd(i), x = order[i - 1];

		order[i - 1] = order[j];
		order[j] = x;
	}
	for (i = 0; i < n; i++) {
		CHECK_EQ(put(order[i]), 0);
		live[order[i]] = true;
	}
}

#define LIST_MAX	FILES	/* the longest listing: a sub's files */

struct walk {
	const char *pfx;	/* the listing's prefix */
	u32 plen;
	u32 next;		/* the oracle's next key */
	char last[24];		/* the last item given out */
	u32 items;
	char got[LIST_MAX][24];	/* the items, for the paged listings */
};

/* The item the oracle has next for a listing with delimiter '/'. */
static int walk_cb(void *ctx, const struct holt_scan_item *it)
{
	struct walk *w = ctx;
	const char *k = NULL, *slash = NULL;
	u32 len = 0;

	for (;;) {
		CHECK(w->next < NKEYS, "more items than the oracle under '%s'",
		      w->pfx);
		k = keys[w->next];
		if (live[w->next] && !strncmp(k, w->pfx, w->plen)) {
			slash = strchr(k + w->plen, '/');
			len = slash ? (u32)(slash - k) + 1 : klen(w->next);
			if (len != strlen(w->last) || strncmp(k, w->last, len))
				break;
		}
		w->next++;
	}
	CHECK_MEM(it->key, it->klen, k, len);
	CHECK_EQ(it->is_prefix, slash != NULL);
	memcpy(w->last, k, len);
	w->last[len] = 0;
	CHECK(w->items < LIST_MAX, "listing of '%s' too long", w->pfx);
	memcpy(w->got[w->items], w->last, len + 1);
	w->items++;
	return 0;
}

struct page {
	const struct walk *full;
	u32 at;			/* the full listing's item expected next */
	u32 items;		/* given out on this page */
	char last[24];
};

static int page_cb(void *ctx, const struct holt_scan_item *it)
{
	struct page *pg = ctx;
	const char *want;

	CHECK(pg->at < pg->full->items, "a page of '%s' goes on past its end",
	      pg->full->pfx);
	want = pg->full->got[pg->at];
	CHECK_MEM(it->key, it->klen, want, strlen(want));
	CHECK_EQ(it->is_prefix, want[strlen(want) - 1] == '/');
	memcpy(pg->last, want, strlen(want) + 1);
	pg->at++;
	pg->items++;
	return 0;
}

/*
 * The listing @w took in one scan, again in pages of @limit items, each
 * starting after the last item of the one before: the same items, no
 * page longer than the limit (a run of rolled-up siblings stops at the
 * limit and resumes from a seek past it).
 */
static void list_paged(const struct walk *w, u32 limit)
{
	struct holt_scan_args a = {
		.prefix = (const u8 *)w->pfx,
		.plen = w->plen,
		.delimiter = '/',
		.limit = limit,
	};
	struct page pg = { .full = w };
	char after[24];		/* the bound, apart from what the pages write */
	u32 pages = 0;

	do {
		memcpy(after, pg.last, sizeof(after));
		a.start_after = pages ? (const u8 *)after : NULL;
		a.salen = pages ? (u32)strlen(after) : 0;
		pg.items = 0;
		CHECK_EQ(holt_tree_scan(T, &a, page_cb, &pg), 0);
		CHECK(pg.items <= limit, "a page of '%s' holds %u items",
		      w->pfx, pg.items);
		pages++;
	} while (pg.items == limit);
	CHECK_EQ(pg.at, w->items);
}

static u32 list(const char *pfx)
{
	struct holt_scan_args a = {
		.prefix = (const u8 *)pfx,
		.plen = (u32)strlen(pfx),
		.delimiter = '/',
	};
	struct walk w = { .pfx = pfx, .plen = (u32)strlen(pfx) };
	u32 i, want = 0;

	CHECK_EQ(holt_tree_scan(T, &a, walk_cb, &w), 0);
	/* nothing the oracle has is left out */
	for (i = w.next; i < NKEYS; i++) {
		if (live[i] && !strncmp(keys[i], pfx, w.plen) &&
		    strncmp(keys[i], w.last, strlen(w.last)))
			want++;
	}
	CHECK_EQ(want, 0);
	if (w.items > 1) {
		list_paged(&w, 1);
		list_paged(&w, 3);
	}
	return w.items;
}

struct flat {
	const char *pfx;
	u32 next;		/* the oracle's next key */
};

static int flat_cb(void *ctx, const struct holt_scan_item *it)
{
	struct flat *w = ctx;
	u32 plen = (u32)strlen(w->pfx);

	while (w->next < NKEYS && (!live[w->next] ||
				   strncmp(keys[w->next], w->pfx, plen)))
		w->next++;
	CHECK(w->next < NKEYS, "more keys than the oracle under '%s'", w->pfx);
	CHECK_MEM(it->key, it->klen, keys[w->next], klen(w->next));
	w->next++;
	return 0;
}

/* Every key under @pfx in order, no delimiter (long straight reads). */
static void scan_flat(const char *pfx)
{
	struct holt_scan_args a = {
		.prefix = (const u8 *)pfx,
		.plen = (u32)strlen(pfx),
		.delimiter = -1,
	};
	struct flat w = { .pfx = pfx };
	u32 i;

	CHECK_EQ(holt_tree_scan(T, &a, flat_cb, &w), 0);
	for (i = w.next; i < NKEYS; i++)
		CHECK(!live[i] || strncmp(keys[i], pfx, a.plen),
		      "key %u missing under '%s'", i, pfx);
}

/*
 * Every key's value, the listing of every directory, and the keys of the
 * whole tree and of every bucket and path, as the oracle.
 */
static void verify(void)
{
	char pfx[16];
	u32 i, b, p, s;

	for (i = 0; i < NKEYS; i++) {
		struct holt_ref ref;
		int r = holt_tree_get(T, (const u8 *)keys[i], klen(i), &ref);

		CHECK_EQ(r, live[i] ? 0 : -ENOENT);
		if (!r)
			CHECK_EQ(ref.vlen, 8 + i % 40);
	}
	list("");
	scan_flat("");
	for (b = 0; b < BUCKETS; b++) {
		snprintf(pfx, sizeof(pfx), "b%02u/", b);
		list(pfx);
		scan_flat(pfx);
		for (p = 0; p < PATHS; p++) {
			snprintf(pfx, sizeof(pfx), "b%02u/p%02u/", b, p);
			list(pfx);
			scan_flat(pfx);
			for (s = 0; s < SUBS; s++) {
				snprintf(pfx, sizeof(pfx), "b%02u/p%02u/s%02u/",
					 b, p, s);
				list(pfx);
			}
		}
	}
}

/* Is frame @f (id @id) a child frame whose root holds only the '/'? */
static bool frame_cut(u32 id, const u8 *f)
{
	const u8 *r;
	u16 c;

	if (id == HOLT_ROOT_FRAME || !f)
		return false;
	r = f + holt_dec(rd16(f + HDR_ROOT));
	return type_is_inner(r[1]) && node_count(r) == 1 &&
	       node_next(r, 0, &c) == HOLT_CUT_BYTE;
}

/*
 * Does body @c of frame @f, at depth @d, lead to a directory (a '/' in a
 * node's bytes or a Prefix's, or a Blob, below it, or in a leaf's key from
 * @d on)?  Checks on the way that each inner node or Prefix lies with the
 * directory bodies, at or past @upper, exactly when it does.  Returns the
 * answer.
 */
static bool layout_walk(const u8 *f, u16 c, u32 d, u32 upper, u32 *dirs)
{
	const u8 *n = f + holt_dec(c);
	bool dir = false;
	u16 k = 0;
	int b = 0;

	switch (n[1]) {
	case HOLT_N_LEAF:
		return leaf_klen(n) > d &&
		       memchr(leaf_key(n) + d, HOLT_CUT_BYTE, leaf_klen(n) - d);
	case HOLT_N_BLOB:
		return true;
	case HOLT_N_PREFIX:
		dir = memchr(n + PFX_BYTES, HOLT_CUT_BYTE, rd16(n + PFX_LEN)) ||
		      layout_walk(f, rd16(n + PFX_CHILD), d + rd16(n + PFX_LEN),
				  upper, dirs);
		break;
	default:
		while ((b = node_next(n, (u32)b, &k)) >= 0) {
			dir |= layout_walk(f, k, d + 1, upper, dirs) ||
			       b == HOLT_CUT_BYTE;
			b++;
		}
	}
	CHECK(dir == (holt_dec(c) >= upper),
	      "a %s body at %u, directory bodies from %u",
	      dir ? "directory" : "file", holt_dec(c), upper);
	*dirs += dir;
	return dir;
}

/* The last entry rolls_walk() found with its roll bit set, and its depth. */
static u8 roll_path[64];
static u32 roll_d, roll_keys;

static int roll_cb(void *ctx, const struct holt_scan_item *it)
{
	(void)ctx;
	CHECK(it->klen > roll_d + 1 && it->key[roll_d + 1] == HOLT_CUT_BYTE,
	      "a key without '/' after a rolling entry: %.*s", (int)it->klen,
	      it->key);
	roll_keys++;
	return 0;
}

/*
 * Every roll bit of a Blob below body @c of frame @f (at depth @d, its
 * path in @path) holds: the keys below the entry all have a '/' right
 * after its byte, and there is one.  Returns the bits checked.
 */
static u32 rolls_walk(const u8 *f, u16 c, u8 *path, u32 d)
{
	const u8 *n = f + holt_dec(c);
	u32 set = 0, len;
	u16 k = 0;
	int b = 0;

	if (n[1] == HOLT_N_PREFIX) {
		len = rd16(n + PFX_LEN);
		CHECK(d + len < sizeof(roll_path), "path too long");
		memcpy(path + d, n + PFX_BYTES, len);
		return rolls_walk(f, rd16(n + PFX_CHILD), path, d + len);
	}
	if (!type_is_inner(n[1]))
		return 0;
	while ((b = node_next(n, (u32)b, &k)) >= 0) {
		const u8 *x = f + holt_dec(k);

		path[d] = (u8)b;
		if (x[1] == HOLT_N_BLOB && blob_rolls(x, (u8)b)) {
			struct holt_scan_args a = {
				.prefix = path, .plen = d + 1, .delimiter = -1,
			};

			roll_d = d;
			roll_keys = 0;
			CHECK_EQ(holt_tree_scan(T, &a, roll_cb, NULL), 0);
			CHECK(roll_keys > 0, "a rolling entry leads to no key");
			memcpy(roll_path, path, d + 1);
			set++;
		} else if (x[1] != HOLT_N_BLOB) {
			set += rolls_walk(f, k, path, d + 1);
		}
		b++;
	}
	return set;
}

/* rolls_walk() over every frame: the roll bits checked. */
static u32 rolls_check(void)
{
	u8 path[sizeof(roll_path)];
	u32 id, blen, set = 0;
	const u8 *base;

	for (id = HOLT_ROOT_FRAME; id < T->frames_cap; id++) {
		const u8 *f = T->frames[id];

		if (!f)
			continue;
		base = holt_frame_base(f, &blen);
		CHECK(blen < sizeof(path), "base too long");
		if (blen)
			memcpy(path, base, blen);
		set += rolls_walk(f, rd16(f + HDR_ROOT), path, blen);
	}
	return set;
}

/* Sealed images of every frame: each validates, and opens as a tree. */
static u8 **images_check(u32 *nr)
{
	struct holt_tree_config cfg = { .data_budget = BUDGET };
	struct holt_tree *t2, *t1 = T;
	u32 lim = holt_tree_id_limit(T), id;
	u8 **img = calloc(lim, sizeof(*img)), **own = calloc(lim, sizeof(*own));
	u64 seq2 = 0;
	int err = 0;

	CHECK(img && own, "calloc");
	for (id = 1; id < lim; id++) {
		if (!holt_tree_frame_peek(T, id))
			continue;
		img[id] = holt_port_frame_alloc(HOLT_FRAME_SIZE);
		own[id] = holt_port_frame_alloc(HOLT_FRAME_SIZE);
		CHECK(img[id] && own[id], "alloc");
		CHECK_EQ(holt_tree_frame_copy_id(T, id, img[id]), 0);
		CHECK_EQ(holt_frame_validate(img[id], 0), 0);
		memcpy(own[id], img[id], HOLT_FRAME_SIZE);
	}
	/* the tree opened takes the copies it is given */
	cfg.seq = &seq2;
	t2 = holt_tree_open(&cfg, own, lim, &err);
	CHECK(t2, "open: %d", err);
	T = t2;
	verify();
	holt_tree_destroy(t2);
	free(own);
	T = t1;
	*nr = lim;
	return img;
}

static void images_free(u8 **img, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++)
		holt_port_frame_free(img[i], HOLT_FRAME_SIZE);
	free(img);
}

static u8 **loader_img;
static u64 loader_reads;

static int image_read(void *ctx, u32 id, void *buf)
{
	(void)ctx;
	loader_reads++;
	CHECK(loader_img[id], "no image of frame %u", id);
	memcpy(buf, loader_img[id], HOLT_FRAME_SIZE);
	return 0;
}

static const struct holt_frame_loader image_loader = { .read = image_read };

/*
 * Does any cut frame (of images @img, @nr ids) hold a directory at or
 * above @pfx, so that listing @pfx must read it?
 */
static bool under_cut(u8 **img, u32 nr, const char *pfx)
{
	u32 id, blen, plen = (u32)strlen(pfx);
	const u8 *base;

	for (id = HOLT_ROOT_FRAME + 1; id < nr; id++) {
		if (!frame_cut(id, img[id]))
			continue;
		base = holt_frame_base(img[id], &blen);
		if (plen > blen && !memcmp(pfx, base, blen) &&
		    pfx[blen] == HOLT_CUT_BYTE)
			return true;
	}
	return false;
}

/* Cut frames that hold a directory right under @pfx (listing rolls up). */
static u32 cuts_under(u8 **img, u32 nr, const char *pfx)
{
	u32 id, blen, plen = (u32)strlen(pfx), n = 0;
	const u8 *base;

	for (id = HOLT_ROOT_FRAME + 1; id < nr; id++) {
		if (!frame_cut(id, img[id]))
			continue;
		base = holt_frame_base(img[id], &blen);
		if (blen > plen && !memcmp(pfx, base, plen) &&
		    !memchr(base + plen, HOLT_CUT_BYTE, blen - plen))
			n++;
	}
	return n;
}

/*
 * The tree grows by random puts: child frames get cut as they spill, most
 * of them end up cut, and the listings above them read none.
 */
static void listings_stay_in_parent(void)
{
	u32 id, children = 0, cut = 0, nr, b, p, rolled, dirs = 0;
	u8 **img;
	char pfx[16];

	harness_phase = "listings stay in the parent";
	tree_fill(NKEYS);
	CHECK(T->cuts > 0, "no frame was cut");
	CHECK_EQ(holt_tree_compact(T), 0);
	for (id = HOLT_ROOT_FRAME + 1; id < T->frames_cap; id++) {
		if (!T->frames[id])
			continue;
		children++;
		cut += frame_cut(id, T->frames[id]);
		/* the compaction left none to cut (a cut one stays as it is) */
		CHECK_EQ(holt_cut_frame(T, id), 0);
	}
	CHECK(children >= 20, "only %u child frames", children);
	/* the directory bodies of every frame lie together at its end */
	for (id = HOLT_ROOT_FRAME; id < T->frames_cap; id++) {
		const u8 *f = T->frames[id];

		if (!f)
			continue;
		CHECK(tree_frame_laid(T, id), "frame %u not laid out", id);
		layout_walk(f, rd16(f + HDR_ROOT), rd16(f + HDR_BASE_LEN),
			    T->meta[id].upper, &dirs);
	}
	CHECK(dirs >= children, "only %u directory bodies", dirs);
	CHECK(cut * 4 >= children * 3, "%u of %u child frames cut", cut,
	      children);
	verify();
	CHECK(rolls_check() > 0, "no roll bit set");
	img = images_check(&nr);

	/* the cut frames out of memory: listings above them read nothing */
	loader_img = img;
	loader_reads = 0;
	holt_tree_set_loader(T, &image_loader);
	for (id = HOLT_ROOT_FRAME + 1; id < T->frames_cap; id++)
		if (frame_cut(id, T->frames[id]))
			CHECK_EQ(holt_tree_frame_evict(T, id), 0);
	CHECK(!under_cut(img, nr, ""), "the root listing");
	list("");
	rolled = cuts_under(img, nr, "");
	for (b = 0; b < BUCKETS; b++) {
		for (p = 0; p <= PATHS; p++) {
			if (p == PATHS)
				snprintf(pfx, sizeof(pfx), "b%02u/", b);
			else
				snprintf(pfx, sizeof(pfx), "b%02u/p%02u/", b,
					 p);
			if (under_cut(img, nr, pfx))
				continue;
			list(pfx);
			rolled += cuts_under(img, nr, pfx);
		}
	}
	CHECK(rolled >= BUCKETS * PATHS, "only %u cut frames rolled up",
	      rolled);
	CHECK_EQ(loader_reads, 0);
	/* everything else reads them back */
	verify();
	CHECK(loader_reads > 0, "the cut frames were never read");
	holt_tree_destroy(T);
	images_free(img, nr);
	harness_case_ok();
}

/*
 * A batch whose puts spill and cut, then fails its last guard: every
 * frame byte for byte as before, the count of cuts too.  Without the
 * guard the same batch does cut.
 */
static void batch_rolls_back(void)
{
	struct holt_batch_op *ops;
	u32 half = NKEYS / 2, n = NKEYS - half, i, nr, nr2, failed;
	u8 **before, **after, v[48];
	u64 cuts;

	harness_phase = "a batch rolls back";
	tree_fill(half);
	CHECK_EQ(holt_tree_compact(T), 0);
	cuts = T->cuts;
	before = images_check(&nr);
	ops = calloc(n + 1, sizeof(*ops));
	CHECK(ops, "calloc");
	memset(v, 'x', sizeof(v));
	for (i = 0; i < n; i++) {
		u32 k = order[half + i];

		ops[i].op = HOLT_BOP_PUT;
		ops[i].key = (const u8 *)keys[k];
		ops[i].klen = klen(k);
		ops[i].val = v;
		ops[i].vlen = 8 + k % 40;
	}
	ops[n].op = HOLT_BOP_ASSERT_VERSION;
	ops[n].key = (const u8 *)keys[order[0]];
	ops[n].klen = klen(order[0]);
	ops[n].version = ~0ull;
	CHECK(holt_tree_batch(T, ops, n + 1, &failed) != 0, "guard passed");
	CHECK_EQ(failed, n);
	CHECK_EQ(T->cuts, cuts);
	after = images_check(&nr2);
	/* the table of ids may have grown; the ids past it stay unused */
	CHECK(nr2 >= nr, "%u ids, were %u", nr2, nr);
	for (i = 1; i < nr2; i++) {
		CHECK_EQ(i < nr && before[i], !!after[i]);
		if (after[i])
			CHECK_MEM(after[i], HOLT_FRAME_SIZE, before[i],
				  HOLT_FRAME_SIZE);
	}
	images_free(after, nr2);
	images_free(before, nr);
	verify();
	CHECK_EQ(holt_tree_batch(T, ops, n, &failed), 0);
	for (i = half; i < NKEYS; i++)
		live[order[i]] = true;
	CHECK(T->cuts > cuts, "the batch cut no frame");
	verify();
	free(ops);
	holt_tree_destroy(T);
	harness_case_ok();
}

/*
 * A put below a rolling entry of a key without the '/' clears the bit (a
 * batch that rolls back puts it back, byte for byte); listings stay right.
 */
static void roll_bits(void)
{
	struct holt_batch_op ops[2];
	u8 **before, **after, k[sizeof(roll_path)];
	u32 set, nr, nr2, i, failed, kl;

	harness_phase = "roll bits";
	tree_fill(NKEYS);
	CHECK_EQ(holt_tree_compact(T), 0);
	set = rolls_check();
	CHECK(set > 0, "no roll bit set");
	kl = roll_d + 2;
	memcpy(k, roll_path, roll_d + 1);
	k[roll_d + 1] = 'x';
	memset(ops, 0, sizeof(ops));
	ops[0].op = HOLT_BOP_PUT;
	ops[0].key = k;
	ops[0].klen = kl;
	ops[0].val = k;
	ops[0].vlen = 4;
	ops[1].op = HOLT_BOP_ASSERT_VERSION;
	ops[1].key = (const u8 *)keys[0];
	ops[1].klen = klen(0);
	ops[1].version = ~0ull;
	before = images_check(&nr);
	CHECK(holt_tree_batch(T, ops, 2, &failed) != 0, "guard passed");
	after = images_check(&nr2);
	CHECK_EQ(nr2, nr);
	for (i = 1; i < nr; i++)
		if (after[i])
			CHECK_MEM(after[i], HOLT_FRAME_SIZE, before[i],
				  HOLT_FRAME_SIZE);
	images_free(after, nr2);
	images_free(before, nr);
	CHECK_EQ(rolls_check(), set);
	CHECK_EQ(holt_tree_put(T, k, kl, k, 4, 0, 0, NULL), 0);
	CHECK(rolls_check() < set, "the bit stayed");
	CHECK_EQ(holt_tree_delete(T, k, kl, 0, 0), 0);
	verify();
	holt_tree_destroy(T);
	harness_case_ok();
}

/* Deletes after the cuts: whole directories, then frames fold away. */
static void deletes_after_cuts(void)
{
	u32 i, nr, rebuilt;
	u8 **img;
	int r;

	harness_phase = "deletes after cuts";
	tree_fill(NKEYS);
	CHECK(T->cuts > 0, "no frame was cut");
	for (i = 0; i < NKEYS; i++) {
		if (i / FILES % 3 && !rnd(8))
			continue;
		CHECK_EQ(holt_tree_delete(T, (const u8 *)keys[i], klen(i), 0,
					  0), 0);
		live[i] = false;
	}
	verify();
	do {
		r = holt_tree_reclaim(T, 4, &rebuilt);
		CHECK(r == 0 || r == 1, "reclaim: %d", r);
	} while (r);
	CHECK(T->dense, "not dense after reclaim");
	verify();
	rolls_check();
	img = images_check(&nr);
	images_free(img, nr);
	for (i = 0; i < NKEYS; i++) {
		if (live[i])
			continue;
		CHECK_EQ(put(i), 0);
		live[i] = true;
	}
	verify();
	holt_tree_destroy(T);
	harness_case_ok();
}

int main(void)
{
	harness_init("test_cut", "CUT_SEED");
	listings_stay_in_parent();
	batch_rolls_back();
	roll_bits();
	deletes_after_cuts();
	CHECK_EQ(holt_port_live_allocs, 0);
	return harness_done();
}
