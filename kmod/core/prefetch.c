// SPDX-License-Identifier: GPL-2.0
/*
 * prefetch.c - walking ahead for a group of keys, so that the cache misses
 * of their walks overlap.
 *
 * DOC: Walking ahead
 *
 * On a tree larger than the cache, a put or a delete spends most of its
 * time waiting for the bodies of its walk, one miss after another, since
 * each body names the next.  One walk cannot go faster, but the walks of
 * different keys do not depend on each other.  holt_tree_prefetch() takes
 * a group of keys and advances their walks in turns, one body each per
 * round, so that the processor has a miss of every walk in flight at once;
 * the operations that follow find their bodies in the cache.  The keys'
 * hint buckets (hint.c) are fetched too: a put files its leaf there.
 *
 * The walks only read, and they stop at whatever they cannot follow
 * cheaply: a leaf, a frame that is not in memory, a key that ends.  They
 * do not check a Prefix's bytes (a key that leaves the tree there only
 * brings in bodies its operation will not need).  Nothing depends on what
 * they bring in: a key left behind only waits for its misses as before.
 * holt_tree_batch() walks ahead for each group of its operations.
 */
#include "tree_int.h"
#include "hint.h"

struct pf_walk {
	const u8 *f;
	const u8 *key;
	u32 klen;
	u32 d;
	u32 hops;
	u16 cur;
};

/* One step of walk @w; false when it is over. */
static bool pf_step(struct holt_tree *t, struct pf_walk *w)
{
	const u8 *n = w->f + holt_dec(w->cur);
	const u8 *cf;
	u64 id;
	u16 c;

	switch (n[1]) {
	case HOLT_N_PREFIX:
		w->d += rd16(n + PFX_LEN);
		w->cur = rd16(n + PFX_CHILD);
		return w->d < w->klen;
	case HOLT_N_BLOB:
		/* the child frame's root dispatches on the same byte again */
		id = holt_get_le64(n + BLOB_CHILD);
		if (!w->d || id >= t->frames_cap || ++w->hops > t->nr_frames)
			return false;
		cf = holt_port_read_once(t->frames[id]);
		if (!cf)
			return false;
		w->f = cf;
		w->cur = tree_frame_root(t, (u32)id, cf);
		w->d--;
		return true;
	case HOLT_N_4:
	case HOLT_N_16:
	case HOLT_N_48:
	case HOLT_N_256:
		if (w->d >= w->klen)
			return false;
		c = node_find(n, w->key[w->d]);
		if (!c)
			return false;
		w->cur = c;
		w->d++;
		return true;
	case HOLT_N_LEAF:
		/* the key compare reads on past the leaf's first line */
		holt_port_prefetch(n + 64);
		return false;
	default:
		return false;
	}
}

/**
 * holt_tree_prefetch() - bring in the walks of a group of keys together
 * @t: tree
 * @keys: @nr keys (the first HOLT_PREFETCH_MAX are taken)
 * @klens: their lengths
 * @nr: number of keys
 * @hashes: gets each key's holt_hint_hash(), or 0 when the tree has no
 *	hint table
 *
 * Within a frame a walk never meets a body twice (the validator rules
 * out cycles and shared bodies), and it crosses into child frames at most
 * as many times as there are frames, so the rounds always end.
 *
 * Context: the caller excludes writers (or is the writer).
 */
void holt_tree_prefetch(struct holt_tree *t, const u8 *const *keys,
			const u32 *klens, u32 nr, u32 *hashes)
{
	struct pf_walk w[HOLT_PREFETCH_MAX];
	const u8 *root = t->frames[HOLT_ROOT_FRAME];
	u32 i, live;

	if (nr > HOLT_PREFETCH_MAX)
		nr = HOLT_PREFETCH_MAX;
	for (i = 0; i < nr; i++) {
		w[i].f = root;
		w[i].key = keys[i];
		w[i].klen = klens[i];
		w[i].d = 0;
		w[i].hops = 0;
		w[i].cur = rd16(root + HDR_ROOT);
		hashes[i] = 0;
		if (t->hints.b) {
			hashes[i] = holt_hint_hash(keys[i], klens[i]);
			holt_hint_prefetch(t, hashes[i]);
		}
	}
	live = nr;
	while (live) {
		/* ask for every walk's next body before reading any of them */
		for (i = 0; i < nr; i++)
			if (w[i].f)
				holt_port_prefetch(w[i].f + holt_dec(w[i].cur));
		for (i = 0; i < nr; i++) {
			if (w[i].f && !pf_step(t, &w[i])) {
				w[i].f = NULL;
				live--;
			}
		}
	}
}
