// SPDX-License-Identifier: GPL-2.0
/*
 * hint.c - the hint table: a set-associative cache from a key's hash to
 * the place of its leaf (frame id, body), which lets a get skip the walk.
 *
 * DOC: Hints
 *
 * A get walks some fifteen bodies from the root frame down to the leaf,
 * most of them cache misses on a large tree.  The tree keeps, next to the
 * frames, a table of 64-byte buckets indexed by the low bits of the key's
 * crc32c; each bucket holds five entries (frame id, leaf enc, frame
 * epoch), each with the whole crc as its tag.  A get, a delete and a put
 * that rewrites a leaf in place look there once their walk leaves the
 * root frame (the bucket is prefetched while they cross it): an entry
 * whose tag matches is checked (frame in memory, its epoch unchanged, a
 * leaf body inside the frame, the same key byte for byte) and used;
 * anything else falls back to the rest of the walk, which then records
 * what it found.
 *
 * Hints are a cache, never the truth: the walk is always right, and a
 * hint is only used when it still names the key's current leaf.  What
 * keeps that true:
 *
 * - A frame's leaves only move when the frame gets new memory (a rebuild:
 *   compaction, spillover, merge; a load).  Every such install gives the
 *   frame id a new epoch (tree_frame_install()), so all entries into the
 *   old memory stop matching.  Eviction and reload bring back the same
 *   bytes and keep the epoch.
 * - A key's leaf is replaced only by a put of that key (alone, in a rename
 *   or in a batch), which points the key's entries at the new leaf
 *   (holt_hint_set()); a delete marks the leaf dead where it is.
 * - A batch that rolls back gives every frame it touched a new epoch (its
 *   leaves may be gone), as well as every frame memory it puts back.
 * - An entry keeps 24 bits of the epoch; when the counter wraps, the table
 *   and every frame's epoch are cleared (holt_hint_new_era()).
 * - Every entry with a key's tag in its bucket is updated together, so no
 *   stale duplicate survives.  Entries are written by readers too (the
 *   walk's result, while writers are excluded); a torn tag/location pair
 *   only ever pairs one key's tag with another key's leaf, which the key
 *   compare rejects.
 *
 * The table grows with the keys (about four per bucket, 16 bytes a key);
 * each entry moves to the bucket its tag picks in the larger table, so no
 * key is read, and a failed allocation keeps the old table.  After a
 * rebuild the new frame's leaves are hinted again.
 */
#include "tree_int.h"
#include "hint.h"

#define HINT_MIN_BUCKETS	16u
#define HINT_KEYS_PER_BUCKET	4u
#define HINT_FID_MAX		0xffffffu

static struct holt_hint_bucket *hint_bucket(struct holt_hint_bucket *b,
					    u32 mask, u32 tag)
{
	return &b[tag & mask];
}

static u64 hint_loc(struct holt_tree *t, u32 fid, u16 enc)
{
	u64 epoch = t->meta[fid].epoch & HOLT_HINT_EPOCH_MASK;

	return epoch << 40 | (u64)fid << 16 | enc;
}

/*
 * An entry that names nothing any more: empty, or into memory its frame
 * id no longer has (a victim that costs no hint).
 */
static bool hint_stale(struct holt_tree *t, u64 loc)
{
	u32 id = (u32)(loc >> 16) & HINT_FID_MAX;

	return !loc || id >= t->frames_cap ||
	       (t->meta[id].epoch & HOLT_HINT_EPOCH_MASK) != loc >> 40;
}

/*
 * The leaf an entry names, if it is still a leaf body inside its frame;
 * *@fid gets the frame.  Every field is checked: an entry may be stale or
 * torn.
 */
static const u8 *hint_leaf(struct holt_tree *t, u64 loc, u32 *fid)
{
	u32 id = (u32)(loc >> 16) & HINT_FID_MAX, off;
	u16 enc = (u16)loc;
	const u8 *f, *l;

	if (!enc || hint_stale(t, loc))
		return NULL;
	f = holt_port_read_once(t->frames[id]);
	if (!f)
		return NULL;
	off = holt_dec(enc);
	if (off + HOLT_LEAF_HDR > HOLT_FRAME_SIZE)
		return NULL;
	l = f + off;
	if (l[1] != HOLT_N_LEAF ||
	    off + HOLT_LEAF_HDR + leaf_klen(l) + leaf_vlen(l) > HOLT_FRAME_SIZE)
		return NULL;
	*fid = id;
	return l;
}

/**
 * holt_hint_hash() - the hash the hint table files a key under
 * @key: key bytes
 * @klen: their number
 *
 * crc32c, which both builds already have in hardware (SSE4.2, or the
 * kernel's crc32c-intel): a few instructions for a path, where a general
 * hash costs a hundred, and the rebuild of a frame hashes all its keys.
 * Its weakness against chosen keys only costs hints, never answers.
 *
 * Context: any.
 * Return: the crc32c of the key.
 */
u32 holt_hint_hash(const u8 *key, u32 klen)
{
	return holt_crc32c(~0u, key, klen);
}

/**
 * holt_hint_prefetch() - start fetching the bucket of a key
 * @t: tree
 * @h: holt_hint_hash() of the key
 *
 * The bucket is a cache miss on a large tree; a caller that has other work
 * before holt_hint_find() or holt_hint_set() (the top of a walk) lets the
 * two overlap.
 *
 * Context: any; the bucket itself is not read.
 */
void holt_hint_prefetch(struct holt_tree *t, u32 h)
{
	if (t->hints.b)
		holt_port_prefetch(hint_bucket(t->hints.b, t->hints.mask, h));
}

/**
 * holt_hint_find() - the leaf of a key, if a hint still names it
 * @t: tree
 * @h: holt_hint_hash() of the key
 * @key: key bytes
 * @klen: their number
 * @fid: gets the frame of the leaf
 *
 * Context: the caller excludes writers; readers may share the tree.
 * Return: the key's leaf (live or tombstoned), or NULL: walk.
 */
const u8 *holt_hint_find(struct holt_tree *t, u32 h, const u8 *key, u32 klen,
			 u32 *fid)
{
	struct holt_hint_bucket *b;
	u32 i, tag = h;

	if (!t->hints.b)
		return NULL;
	b = hint_bucket(t->hints.b, t->hints.mask, tag);
	for (i = 0; i < HOLT_HINT_WAYS; i++) {
		const u8 *l;

		if (holt_port_read_once(b->tag[i]) != tag)
			continue;
		l = hint_leaf(t, holt_port_read_once(b->loc[i]), fid);
		if (!l || leaf_klen(l) != klen ||
		    memcmp(leaf_key(l), key, klen))
			continue;
		tree_frame_touch(t, *fid);
		return l;
	}
	return NULL;
}

/* The entry a full bucket gives up: by tag bits the index does not use. */
static u32 hint_victim(u32 tag)
{
	return (tag >> 27) % HOLT_HINT_WAYS;
}

/*
 * File @loc (0: forget) under @tag in its bucket @b: over the entries of
 * the tag (the first takes it, the others are cleared), else over an
 * empty or stale entry, else over one picked by tag bits the index does
 * not use.
 */
static void hint_put(struct holt_tree *t, struct holt_hint_bucket *b, u32 tag,
		     u64 loc)
{
	u32 i, way = HOLT_HINT_WAYS;

	for (i = 0; i < HOLT_HINT_WAYS; i++) {
		if (holt_port_read_once(b->tag[i]) != tag)
			continue;
		holt_port_write_once(b->loc[i], way == HOLT_HINT_WAYS ? loc : 0);
		way = i;
	}
	if (way < HOLT_HINT_WAYS || !loc)
		return;
	for (way = 0; way < HOLT_HINT_WAYS; way++)
		if (hint_stale(t, holt_port_read_once(b->loc[way])))
			break;
	if (way == HOLT_HINT_WAYS)
		way = hint_victim(tag);
	holt_port_write_once(b->tag[way], tag);
	holt_port_write_once(b->loc[way], loc);
}

/**
 * holt_hint_set() - record where a key's leaf is
 * @t: tree
 * @h: holt_hint_hash() of the key
 * @fid: the frame holding the leaf
 * @leaf: the leaf, in frame @fid's memory
 *
 * Context: a writer, or a reader that just walked to @leaf (writers are
 * excluded).
 */
void holt_hint_set(struct holt_tree *t, u32 h, u32 fid, const u8 *leaf)
{
	u64 loc = 0;

	if (!t->hints.b)
		return;
	if (fid <= HINT_FID_MAX)
		loc = hint_loc(t, fid, holt_enc((u32)(leaf - t->frames[fid])));
	hint_put(t, hint_bucket(t->hints.b, t->hints.mask, h),
		 h, loc);
}

/*
 * The leaves of a rebuilt frame, filed HINT_BATCH at a time: each one's
 * bucket is prefetched when the leaf is met and written once the batch is
 * full, so that the buckets' cache misses overlap instead of following one
 * another (a rebuild hints thousands of leaves in random buckets).
 */
#define HINT_BATCH	16u

struct hint_batch {
	u32 nr;
	u32 tag[HINT_BATCH];
	u16 enc[HINT_BATCH];
};

static void hint_batch_flush(struct holt_tree *t, u32 fid,
			     struct hint_batch *hb)
{
	u32 i;

	for (i = 0; i < hb->nr; i++)
		hint_put(t, hint_bucket(t->hints.b, t->hints.mask, hb->tag[i]),
			 hb->tag[i], hint_loc(t, fid, hb->enc[i]));
	hb->nr = 0;
}

/* Queue leaf @l (body @enc of frame @fid) under its own key's hash. */
static void hint_batch_add(struct holt_tree *t, u32 fid, struct hint_batch *hb,
			   u16 enc, const u8 *l)
{
	u32 tag = holt_hint_hash(leaf_key(l), leaf_klen(l));

	holt_hint_prefetch(t, tag);
	hb->tag[hb->nr] = tag;
	hb->enc[hb->nr] = enc;
	if (++hb->nr == HINT_BATCH)
		hint_batch_flush(t, fid, hb);
}

/**
 * holt_hint_frame() - hint every live leaf of a frame just built
 * @t: tree
 * @fid: the frame (in memory, with its new epoch)
 *
 * A depth-first walk of the frame's own bodies (Blobs are not followed),
 * which gives up quietly when it meets more bodies than a frame holds.
 *
 * Context: the caller holds the tree exclusively; allocates.
 */
void holt_hint_frame(struct holt_tree *t, u32 fid)
{
	const u8 *f = tree_frame(t, fid);
	struct hint_batch hb = { .nr = 0 };
	u32 sp = 0, visits = 0;
	u16 *st;

	if (!t->hints.b || !f || fid > HINT_FID_MAX)
		return;
	st = holt_port_alloc(HOLT_MAX_SLOTS * sizeof(*st));
	if (!st)
		return;
	st[sp++] = rd16(f + HDR_ROOT);
	while (sp && ++visits <= HOLT_MAX_SLOTS) {
		const u8 *n = f + holt_dec(st[--sp]);
		u32 i, first, nr;

		if (!node_kid_slots(n, &first, &nr))
			continue;
		/* the terminal (inner nodes), then the children */
		for (i = n[1] == HOLT_N_PREFIX ? 1 : 0; i <= nr; i++) {
			u16 c = rd16(n + (i ? first + 2 * (i - 1) : NODE_TERM));
			const u8 *x = f + holt_dec(c);

			if (!c || x[1] == HOLT_N_BLOB)
				continue;
			if (x[1] == HOLT_N_LEAF) {
				if (!leaf_dead(x))
					hint_batch_add(t, fid, &hb, c, x);
			} else if (sp < HOLT_MAX_SLOTS) {
				st[sp++] = c;
			}
		}
	}
	hint_batch_flush(t, fid, &hb);
	holt_port_free(st);
}

/*
 * File an entry of the old table in bucket @b of the new one (private to
 * the writer growing it): over the first empty entry, else as hint_put().
 * A tag may end up twice (readers raced once); hint_put() clears extras.
 */
static void hint_move(struct holt_hint_bucket *b, u32 tag, u64 loc)
{
	u32 i;

	for (i = 0; i < HOLT_HINT_WAYS; i++)
		if (!b->loc[i])
			break;
	if (i == HOLT_HINT_WAYS)
		i = hint_victim(tag);
	b->tag[i] = tag;
	b->loc[i] = loc;
}

/**
 * holt_hint_grow() - give the table room for the tree's keys
 * @t: tree
 *
 * Called when the keys pass @grow_at.  Doubles the buckets while there are
 * more than four keys a bucket, and moves every entry that may still name
 * a leaf to the bucket its tag picks in the larger table (entry and tag
 * move together, as they were).  Without memory the old table stays.
 *
 * Context: the caller holds the tree exclusively; allocates.
 */
void holt_hint_grow(struct holt_tree *t)
{
	struct holt_hint_table *ht = &t->hints;
	u32 nb = ht->b ? ht->mask + 1 : 0, want = nb ? nb : HINT_MIN_BUCKETS;
	struct holt_hint_bucket *nbk;
	u32 i, w;

	while ((u64)want * HINT_KEYS_PER_BUCKET < t->nr_keys && want < 1u << 30)
		want *= 2;
	ht->grow_at = (u64)want * HINT_KEYS_PER_BUCKET;
	if (want == nb)
		return;
	/* a power of two: no slack, and each bucket in one cache line */
	nbk = holt_port_alloc_pow2((size_t)want * sizeof(*nbk));
	if (!nbk) {
		ht->grow_at = t->nr_keys * 2;	/* try again later */
		return;
	}
	for (i = 0; i < nb; i++) {
		for (w = 0; w < HOLT_HINT_WAYS; w++) {
			u32 tag = ht->b[i].tag[w];
			u64 loc = ht->b[i].loc[w];

			if (!hint_stale(t, loc))
				hint_move(hint_bucket(nbk, want - 1, tag), tag,
					  loc);
		}
	}
	holt_port_free(ht->b);
	ht->b = nbk;
	ht->mask = want - 1;
}

/**
 * holt_hint_new_era() - the epoch counter wrapped: forget every hint
 * @t: tree
 *
 * Clears the table and every frame's epoch, and restarts the counter at
 * 1, so no entry can carry an epoch that a frame id held before.
 *
 * Context: the caller holds the tree exclusively.
 */
void holt_hint_new_era(struct holt_tree *t)
{
	u32 i;

	if (t->hints.b)
		memset(t->hints.b, 0, holt_hint_bytes(t));
	for (i = 0; i < t->frames_cap; i++)
		t->meta[i].epoch = 0;
	t->epochs = 1;
}

/**
 * holt_hint_free() - drop the table
 * @t: tree
 *
 * Context: the caller holds the tree exclusively.
 */
void holt_hint_free(struct holt_tree *t)
{
	holt_port_free(t->hints.b);
	memset(&t->hints, 0, sizeof(t->hints));
}

/**
 * holt_hint_bytes() - memory of the table
 * @t: tree
 *
 * Context: any.
 * Return: bytes allocated for it.
 */
u64 holt_hint_bytes(const struct holt_tree *t)
{
	return t->hints.b ? ((u64)t->hints.mask + 1) *
			    sizeof(struct holt_hint_bucket) : 0;
}
