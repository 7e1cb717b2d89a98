// SPDX-License-Identifier: GPL-2.0
/*
 * tree.c - the point operations of a holt tree (get, put, delete, rename,
 * longest-prefix), atomic batches with their undo journal, statistics and
 * raw frame access.
 *
 * DOC: Making room
 *
 * An insert first walks to the place where it will write, works out
 * exactly how many bytes and bodies it needs there, and only then writes.
 * When the frame lacks room the insert is not started: the frame is
 * compacted (when at least a quarter of the budget would stay free) or
 * spilled (a part of it moves to a new child frame, see compact.c), and
 * the walk restarts from the root.  Compaction and spillover never change
 * what the tree contains, and each either completes or leaves everything
 * as it was, so a failed allocation leaves the tree unchanged.
 */
#include "tree_int.h"

#define JNL_WRITE	1
#define JNL_FRAME	2
#define JNL_REC_HDR	16u
#define JNL_APPLY	(2048u + HDR_MUTABLE_END)

static u64 tree_next_seq(struct holt_tree *t)
{
	if (!++*t->seq)
		++*t->seq;
	return *t->seq;
}

/* ---- undo journal ---- */

/**
 * holt_jnl_reserve() - make sure the journal can take @bytes more
 * @t: tree
 * @bytes: bytes of records the next step may write
 *
 * Context: process context; may allocate.
 * Return: 0, or -ENOMEM.
 */
int holt_jnl_reserve(struct holt_tree *t, u32 bytes)
{
	struct holt_jnl *j = t->jnl;
	u32 cap;
	u8 *nb;

	if (!j || j->cap - j->len >= bytes)
		return 0;
	cap = j->cap ? j->cap : 4096;
	while (cap - j->len < bytes)
		cap *= 2;
	nb = holt_port_alloc(cap);
	if (!nb)
		return -ENOMEM;
	if (j->len)
		memcpy(nb, j->buf, j->len);
	holt_port_free(j->buf);
	j->buf = nb;
	j->cap = cap;
	return 0;
}

static u8 *jnl_append(struct holt_jnl *j, u8 kind, u32 fid, u32 off, u32 len)
{
	u32 total = JNL_REC_HDR + holt_align8(len) + 8;
	u8 *r;

	if (HOLT_WARN_ON(j->cap - j->len < total))
		return NULL;
	r = j->buf + j->len;
	memset(r, 0, JNL_REC_HDR);
	r[0] = kind;
	holt_put_le32(fid, r + 4);
	holt_put_le32(off, r + 8);
	holt_put_le32(len, r + 12);
	holt_put_le32(total, r + total - 8);
	j->len += total;
	return r + JNL_REC_HDR;
}

/**
 * holt_jnl_write() - record the old bytes of a frame before writing them
 * @t: tree (nothing happens outside a batch)
 * @fid: frame id
 * @off: offset in the frame
 * @len: bytes
 *
 * Context: the caller reserved room with holt_jnl_reserve().
 */
void holt_jnl_write(struct holt_tree *t, u32 fid, u32 off, u32 len)
{
	u8 *p;

	tree_frame_changed(t, fid);
	if (!t->jnl)
		return;
	p = jnl_append(t->jnl, JNL_WRITE, fid, off, len);
	if (p)
		memcpy(p, t->frames[fid] + off, len);
}

/**
 * holt_jnl_write_fixed() - holt_jnl_write() for a write that moves no body
 * @t: tree
 * @fid: frame id
 * @off: offset in the frame
 * @len: bytes
 *
 * The frame changes as with holt_jnl_write(), but one laid out by a
 * rebuild stays so (tree_frame_laid()): the write and the bodies it goes
 * with leave every body of the layout where it was (a cleared roll bit,
 * a cut's new directory bodies at the frame's end).
 *
 * Context: the caller reserved room with holt_jnl_reserve().
 */
void holt_jnl_write_fixed(struct holt_tree *t, u32 fid, u32 off, u32 len)
{
	u8 laid = t->meta[fid].laid;

	holt_jnl_write(t, fid, off, len);
	t->meta[fid].laid = laid;
}

/**
 * holt_jnl_frame() - a frame's memory is about to be replaced or released
 * @t: tree
 * @fid: frame id
 * @old: the memory the frame had (NULL for a new frame)
 *
 * Outside a batch @old is freed now; inside, at commit (or put back by a
 * rollback).
 *
 * Context: the caller reserved room with holt_jnl_reserve().
 */
void holt_jnl_frame(struct holt_tree *t, u32 fid, u8 *old)
{
	u8 *p;

	tree_frame_changed(t, fid);
	if (!t->jnl) {
		holt_port_frame_free(old, HOLT_FRAME_SIZE);
		return;
	}
	p = jnl_append(t->jnl, JNL_FRAME, fid, 0, sizeof(old));
	if (p)
		memcpy(p, &old, sizeof(old));
}

static void jnl_rollback(struct holt_tree *t, struct holt_jnl *j)
{
	u32 end = j->len;

	while (end) {
		u32 total = holt_get_le32(j->buf + end - 8);
		u8 *r = j->buf + end - total;
		u32 fid = holt_get_le32(r + 4), off = holt_get_le32(r + 8);
		u32 len = holt_get_le32(r + 12);

		if (r[0] == JNL_WRITE) {
			memcpy(t->frames[fid] + off, r + JNL_REC_HDR, len);
			/* leaves written since may be gone: no hint into them */
			tree_frame_new_epoch(t, fid);
			t->meta[fid].laid = 0;
		} else {
			u8 *old, *cur = t->frames[fid];

			memcpy(&old, r + JNL_REC_HDR, sizeof(old));
			if (cur && cur != old)
				holt_port_frame_free(cur, HOLT_FRAME_SIZE);
			if (!old && cur)
				t->nr_frames--;
			if (old && !cur)
				t->nr_frames++;
			tree_frame_install(t, fid, old);
			/* it may hold what a delete left hollow */
			t->meta[fid].hollow = 1;
		}
		end -= total;
	}
	j->len = 0;
}

static void jnl_commit(struct holt_jnl *j)
{
	u32 end = j->len;

	while (end) {
		u32 total = holt_get_le32(j->buf + end - 8);
		u8 *r = j->buf + end - total;

		if (r[0] == JNL_FRAME) {
			u8 *old;

			memcpy(&old, r + JNL_REC_HDR, sizeof(old));
			holt_port_frame_free(old, HOLT_FRAME_SIZE);
		}
		end -= total;
	}
	j->len = 0;
}

/* Maximum journal buffer a tree keeps for its next batch. */
#define JNL_KEEP	(256u * 1024u)

/* Start a journal, reusing the buffer of an earlier batch. */
static void jnl_begin(struct holt_tree *t, struct holt_jnl *j)
{
	*j = t->spare;
	j->len = 0;
	t->spare.buf = NULL;
	t->spare.cap = 0;
	t->jnl = j;
	t->no_maint = true;
}

/* End a journal (committed or rolled back): keep a small buffer. */
static void jnl_end(struct holt_tree *t, struct holt_jnl *j)
{
	t->jnl = NULL;
	t->no_maint = false;
	if (j->cap <= JNL_KEEP && !t->spare.buf) {
		t->spare.buf = j->buf;
		t->spare.cap = j->cap;
		t->spare.len = 0;
	} else {
		holt_port_free(j->buf);
	}
	j->buf = NULL;
}

/**
 * holt_tree_grow_ids() - make room for frame ids below @cap
 * @t: tree
 * @cap: new size of the frame table (more than the current one)
 *
 * Context: process context; the caller holds the tree exclusively.
 * Return: 0 or -ENOMEM (the table is unchanged).
 */
int holt_tree_grow_ids(struct holt_tree *t, u32 cap)
{
	struct holt_fmeta *nm;
	u8 **nf;

	nf = holt_port_alloc(sizeof(*nf) * cap);
	nm = holt_port_alloc(sizeof(*nm) * cap);
	if (!nf || !nm) {
		holt_port_free(nf);
		holt_port_free(nm);
		return -ENOMEM;
	}
	memcpy(nf, t->frames, sizeof(*nf) * t->frames_cap);
	memcpy(nm, t->meta, sizeof(*nm) * t->frames_cap);
	holt_port_free(t->frames);
	holt_port_free(t->meta);
	t->frames = nf;
	t->meta = nm;
	t->frames_cap = cap;
	return 0;
}

/**
 * holt_tree_new_id() - find a free frame id, growing the table
 * @t: tree
 * @id: gets the id
 *
 * Context: process context; may allocate.
 * Return: 0 or -ENOMEM.
 */
int holt_tree_new_id(struct holt_tree *t, u32 *id)
{
	u32 i, first = t->frames_cap;

	for (i = 2; i < t->frames_cap; i++)
		if (!t->frames[i] && !t->meta[i].out) {
			*id = i;
			return 0;
		}
	if (holt_tree_grow_ids(t, t->frames_cap * 2))
		return -ENOMEM;
	*id = first;
	return 0;
}

/* ---- create / destroy ---- */

/**
 * holt_tree_create() - a new, empty tree of one frame
 * @cfg: the version counter and the data budget
 *
 * Context: process context; allocates.
 * Return: the tree, or NULL when out of memory or @cfg is invalid.
 */
struct holt_tree *holt_tree_create(const struct holt_tree_config *cfg)
{
	struct holt_tree *t;
	u32 budget;

	if (!cfg || !cfg->seq)
		return NULL;
	budget = cfg->data_budget;
	if (!budget || budget > HOLT_DATA_SIZE - HOLT_SPILL_RESERVE)
		budget = HOLT_DATA_SIZE - HOLT_SPILL_RESERVE;
	if (budget < 4096)
		budget = 4096;
	t = holt_port_alloc(sizeof(*t));
	if (!t)
		return NULL;
	t->seq = cfg->seq;
	t->budget = budget & ~7u;
	t->frames_cap = 16;
	t->frames = holt_port_alloc(sizeof(*t->frames) * t->frames_cap);
	if (!t->frames)
		goto free_tree;
	t->meta = holt_port_alloc(sizeof(*t->meta) * t->frames_cap);
	if (!t->meta)
		goto free_frames;
	t->frames[HOLT_ROOT_FRAME] = holt_port_frame_alloc(HOLT_FRAME_SIZE);
	if (!t->frames[HOLT_ROOT_FRAME])
		goto free_meta;
	holt_frame_init(t->frames[HOLT_ROOT_FRAME], HOLT_ROOT_FRAME, t->budget);
	t->nr_frames = 1;
	return t;

free_meta:
	holt_port_free(t->meta);
free_frames:
	holt_port_free(t->frames);
free_tree:
	holt_port_free(t);
	return NULL;
}

/**
 * holt_tree_destroy() - free a tree and all its frames
 * @t: tree or NULL
 *
 * Context: process context.
 */
void holt_tree_destroy(struct holt_tree *t)
{
	u32 i;

	if (!t)
		return;
	for (i = 0; i < t->frames_cap; i++)
		holt_port_frame_free(t->frames[i], HOLT_FRAME_SIZE);
	holt_port_free(t->frames);
	holt_port_free(t->meta);
	holt_port_free(t->spare.buf);
	holt_hint_free(t);
	holt_port_free(t);
}

static int check_key(const u8 *key, u32 klen)
{
	if (!klen || !key)
		return -EINVAL;
	if (klen > HOLT_KEY_MAX)
		return -E2BIG;
	return 0;
}

/*
 * Whether leaf @l holds @key.  The stored fingerprint is not used here:
 * hashing the key costs more than comparing the length and the last byte
 * (where path keys differ), which rejects nearly every other key before
 * the full compare.
 */
static bool leaf_is(const u8 *l, const u8 *key, u32 klen)
{
	const u8 *lk = leaf_key(l);

	return leaf_klen(l) == klen && lk[klen - 1] == key[klen - 1] &&
	       !memcmp(lk, key, klen);
}

/* Where a point lookup stands: a body of a frame, @d key bytes down. */
struct lookup_walk {
	u8 *f;
	u32 fid, d, hops;
	u16 cur;
};

/* A walk that stopped where it entered the root frame's first child frame. */
#define WALK_PAUSED	1

static void lookup_start(struct holt_tree *t, struct lookup_walk *w)
{
	w->fid = HOLT_ROOT_FRAME;
	w->f = t->frames[w->fid];
	w->cur = rd16(w->f + HDR_ROOT);
	w->d = 0;
	w->hops = 0;
}

/*
 * Point lookup from @w: the leaf holding @key (live or tombstoned) in
 * *@leafp, its frame id in @w->fid.  With @pause, the walk stops when it
 * enters its first child frame (WALK_PAUSED), to be run on from @w.
 * Returns 0, WALK_PAUSED, -ENOENT or -EUCLEAN.
 */
static int tree_lookup(struct holt_tree *t, const u8 *key, u32 klen,
		       struct lookup_walk *w, bool pause, u8 **leafp)
{
	u32 fid = w->fid, d = w->d;
	u8 *f = w->f;
	u16 cur = w->cur;

	for (;;) {
		u8 *n = f + holt_dec(cur);
		u8 type = n[1];
		u16 c;

		if (type == HOLT_N_LEAF) {
			if (!leaf_is(n, key, klen))
				return -ENOENT;
			w->fid = fid;
			*leafp = n;
			return 0;
		}
		if (type == HOLT_N_PREFIX) {
			u32 len = rd16(n + PFX_LEN);

			if (len > klen - d || memcmp(n + PFX_BYTES, key + d, len))
				return -ENOENT;
			d += len;
			cur = rd16(n + PFX_CHILD);
			continue;
		}
		if (d == klen) {
			c = type_is_inner(type) ? rd16(n + NODE_TERM) : 0;
			if (!c)
				return -ENOENT;
			n = f + holt_dec(c);
			if (!leaf_is(n, key, klen))
				return -ENOENT;
			w->fid = fid;
			*leafp = n;
			return 0;
		}
		c = node_find(n, key[d]);
		if (!c)
			return -ENOENT;
		if (f[holt_dec(c) + 1] == HOLT_N_BLOB) {
			u64 id = holt_get_le64(f + holt_dec(c) + BLOB_CHILD);
			int err = tree_frame_get(t, id, &f);

			if (err)
				return err;
			if (++w->hops > t->nr_frames)
				return -EUCLEAN;
			fid = (u32)id;
			cur = tree_frame_root(t, fid, f);
			if (pause) {
				w->f = f;
				w->fid = fid;
				w->cur = cur;
				w->d = d;
				return WALK_PAUSED;
			}
			continue;
		}
		cur = c;
		d++;
	}
}

/*
 * tree_lookup() through the hint table (hint.c); a walk that finds the
 * leaf leaves a hint for the next time.  The walk crosses the root frame
 * (whose bodies stay in the cache) while the key's bucket is fetched, and
 * goes on below it only when no hint names the key: an absent key or a
 * stale hint costs little more than the walk alone.  Keys decided in the
 * root frame take no hint.
 */
static int tree_find(struct holt_tree *t, u32 h, const u8 *key, u32 klen,
		     u32 *fidp, u8 **leafp)
{
	bool hinted = t->hints.b;
	struct lookup_walk w;
	int err;

	lookup_start(t, &w);
	if (hinted) {
		if (!h)
			h = holt_hint_hash(key, klen);
		holt_hint_prefetch(t, h);
	}
	err = tree_lookup(t, key, klen, &w, hinted, leafp);
	*fidp = w.fid;
	if (err != WALK_PAUSED)
		return err;	/* no table, or decided in the root frame */
	*leafp = (u8 *)holt_hint_find(t, h, key, klen, fidp);
	if (*leafp)
		return 0;
	err = tree_lookup(t, key, klen, &w, false, leafp);
	*fidp = w.fid;
	if (!err)
		holt_hint_set(t, h, w.fid, *leafp);
	return err;
}

static void ref_fill(struct holt_ref *out, const u8 *l)
{
	out->key = leaf_key(l);
	out->klen = leaf_klen(l);
	out->val = leaf_val(l);
	out->vlen = leaf_vlen(l);
	out->version = holt_get_le64(l + LEAF_SEQ);
}

/**
 * holt_tree_get() - look a key up
 * @t: tree
 * @key: key bytes
 * @klen: 1 .. HOLT_KEY_MAX
 * @out: gets pointers into frame memory, valid until the next mutation
 *
 * Context: the caller excludes writers.
 * Return: 0, -ENOENT, -EINVAL, -E2BIG or -EUCLEAN.
 */
int holt_tree_get(struct holt_tree *t, const u8 *key, u32 klen,
		  struct holt_ref *out)
{
	u32 fid;
	u8 *l;
	int err = check_key(key, klen);

	if (err)
		return err;
	err = tree_find(t, 0, key, klen, &fid, &l);
	if (err)
		return err;
	if (leaf_dead(l))
		return -ENOENT;
	ref_fill(out, l);
	return 0;
}

/* ---- insertion ---- */

enum {
	PUT_EXIST = 1,		/* the key has a leaf (live or tombstoned) */
	PUT_TERM,		/* a node at depth klen without terminal */
	PUT_ADD,		/* a node without a child for key[d] */
	PUT_PFX_SPLIT,		/* a prefix that differs at m */
	PUT_LEAF_SPLIT,		/* a leaf of another key */
	PUT_EMPTY,		/* the frame's EmptyRoot */
};

struct put_plan {
	u32 fid;
	u8 *f;
	u32 slot;	/* offset of the u16 that references cur */
	u16 cur;
	u32 depth;
	int kase;
	u32 m;		/* prefix match, or common length for a leaf split */
	u32 need;	/* bytes */
	u32 nodes;	/* bodies added */
	u32 hops;	/* frames entered */
};

static void put_walk_start(struct holt_tree *t, struct put_plan *p)
{
	p->fid = HOLT_ROOT_FRAME;
	p->f = t->frames[p->fid];
	p->slot = HDR_ROOT;
	p->cur = rd16(p->f + HDR_ROOT);
	p->depth = 0;
	p->hops = 0;
}

/*
 * A put goes below entry @b of a node through Blob @blob of frame @fid
 * with a key that lacks HOLT_CUT_BYTE right after @b: the Blob's roll bit
 * for @b is no longer true (blob_rolls()).
 */
static int put_unroll(struct holt_tree *t, u32 fid, u8 *blob, u8 b)
{
	u32 off = (u32)(blob - t->frames[fid]) + BLOB_ROLLS + b / 8;
	int err = holt_jnl_reserve(t, 64);

	if (err)
		return err;
	holt_jnl_write_fixed(t, fid, off, 1);
	blob_roll_set(blob, b, false);
	return 0;
}

/*
 * The plan of a put from where @p stands.  With @pause, the walk stops
 * when it enters its first child frame (WALK_PAUSED), to be run on.
 * Returns 0, WALK_PAUSED or a negative errno.
 */
static int put_walk(struct holt_tree *t, const u8 *key, u32 klen, u32 vlen,
		    struct put_plan *p, bool pause)
{
	u32 lsz = leaf_size_kv(klen, vlen);

	for (;;) {
		u8 *f = p->f, *n = f + holt_dec(p->cur);
		u32 d = p->depth, so, len, lk;
		u16 c;

		switch (n[1]) {
		case HOLT_N_EMPTY:
			p->kase = PUT_EMPTY;
			p->need = lsz + HOLT_N4_SIZE;
			p->nodes = 1;
			return 0;
		case HOLT_N_LEAF:
			lk = leaf_klen(n);
			if (lk < d)
				return -EUCLEAN;
			if (lk == klen && !memcmp(leaf_key(n), key, klen)) {
				p->kase = PUT_EXIST;
				p->need = lsz;
				p->nodes = 0;
				return 0;
			}
			p->kase = PUT_LEAF_SPLIT;
			p->m = holt_common_len(leaf_key(n) + d, key + d,
					  (lk < klen ? lk : klen) - d);
			p->need = lsz + HOLT_N4_SIZE +
				  (p->m ? pfx_size_len(p->m) : 0);
			p->nodes = 2 + (p->m ? 1 : 0);
			return 0;
		case HOLT_N_PREFIX:
			len = rd16(n + PFX_LEN);
			p->m = holt_common_len(n + PFX_BYTES, key + d,
					  len < klen - d ? len : klen - d);
			if (p->m == len) {
				p->slot = holt_dec(p->cur) + PFX_CHILD;
				p->cur = rd16(n + PFX_CHILD);
				p->depth += len;
				continue;
			}
			p->kase = PUT_PFX_SPLIT;
			p->need = lsz + HOLT_N4_SIZE +
				  (p->m ? pfx_size_len(p->m) : 0) +
				  (len - p->m - 1 ? pfx_size_len(len - p->m - 1) : 0);
			p->nodes = 2 + (p->m ? 1 : 0) +
				   (len - p->m - 1 ? 1 : 0);
			return 0;
		case HOLT_N_4:
		case HOLT_N_16:
		case HOLT_N_48:
		case HOLT_N_256:
			break;
		default:
			return -EUCLEAN;
		}
		if (d == klen) {
			c = rd16(n + NODE_TERM);
			if (c) {
				p->slot = holt_dec(p->cur) + NODE_TERM;
				p->cur = c;
				continue;	/* a leaf: EXIST or split */
			}
			p->kase = PUT_TERM;
			p->need = lsz;
			p->nodes = 1;
			return 0;
		}
		so = node_slot(n, key[d]);
		if (!so) {
			p->kase = PUT_ADD;
			p->need = lsz;
			if (node_count(n) >= node_capacity(n[1]))
				p->need += inner_size(n[1] + 1);
			p->nodes = 1;
			return 0;
		}
		c = rd16(n + so);
		if (f[holt_dec(c) + 1] == HOLT_N_BLOB) {
			u8 *blob = f + holt_dec(c);
			u64 id = holt_get_le64(blob + BLOB_CHILD);
			int err = 0;

			if (blob_rolls(blob, key[d]) &&
			    (klen == d + 1 || key[d + 1] != HOLT_CUT_BYTE))
				err = put_unroll(t, p->fid, blob, key[d]);
			if (!err)
				err = tree_frame_get(t, id, &p->f);
			if (err)
				return err;
			if (++p->hops > t->nr_frames)
				return -EUCLEAN;
			p->fid = (u32)id;
			p->slot = HDR_ROOT;
			p->cur = tree_frame_root(t, p->fid, p->f);
			if (pause)
				return WALK_PAUSED;
			continue;
		}
		p->slot = holt_dec(p->cur) + so;
		p->cur = c;
		p->depth++;
	}
}

static u16 new_leaf(u8 *f, const u8 *key, u32 klen, const u8 *val, u32 vlen,
		    u64 seq)
{
	u32 size = leaf_size_kv(klen, vlen);
	u32 off = holt_frame_alloc_body(f, size);
	u8 *l = f + off;

	memset(l, 0, HOLT_LEAF_HDR);
	l[LEAF_FP] = holt_leaf_fp(key, klen);
	l[1] = HOLT_N_LEAF;
	wr16(l + LEAF_VLEN, (u16)vlen);
	wr16(l + LEAF_KLEN, (u16)klen);
	holt_put_le64(seq, l + LEAF_SEQ);
	memcpy(l + HOLT_LEAF_HDR, key, klen);
	if (vlen)
		memcpy(l + HOLT_LEAF_HDR + klen, val, vlen);
	memset(l + HOLT_LEAF_HDR + klen + vlen, 0,
	       size - HOLT_LEAF_HDR - klen - vlen);
	if (holt_get_le64(f + HDR_MAX_SEQ) < seq)
		holt_put_le64(seq, f + HDR_MAX_SEQ);
	hdr32_add(f, HDR_LEAVES, 1);
	hdr32_add(f, HDR_NODES, 1);
	return holt_enc(off);
}

/* A Node4 for two entries, either of which may be the terminal. */
static u16 new_pair(u8 *f, int b1, u16 c1, int b2, u16 c2)
{
	u8 bytes[2];
	u16 kids[2], term = 0;
	u32 n = 0;

	if (b1 < 0)
		term = c1;
	if (b2 < 0)
		term = c2;
	if (b1 >= 0 && (b2 < 0 || b1 < b2)) {
		bytes[n] = (u8)b1;
		kids[n++] = c1;
	}
	if (b2 >= 0) {
		bytes[n] = (u8)b2;
		kids[n++] = c2;
	}
	if (b1 >= 0 && b2 >= 0 && b1 > b2) {
		bytes[n] = (u8)b1;
		kids[n++] = c1;
	}
	hdr32_add(f, HDR_NODES, 1);
	return holt_enc(holt_node_build(f, HOLT_N_4, bytes, kids, n, term));
}

static void mark_dead(u8 *f, u32 size)
{
	hdr32_add(f, HDR_DEAD, (s32)size);
	hdr32_add(f, HDR_NODES, -1);
}

static void set_slot(struct holt_tree *t, struct put_plan *p, u16 v)
{
	if (HOLT_WARN_ON(!p->slot))	/* a plan from put_hinted() */
		return;
	if (p->slot >= HDR_MUTABLE_END)
		holt_jnl_write(t, p->fid, p->slot, 2);
	wr16(p->f + p->slot, v);
}

/*
 * A put over an existing leaf rewrites it in place when the size stays
 * (inside a batch only small ones: the journal keeps the old bytes).
 */
static bool leaf_in_place(const struct holt_tree *t, u32 osz, u32 nsz)
{
	return osz == nsz && (!t->jnl || nsz <= 512);
}

/*
 * The plan of a put that rewrites the key's leaf in place, from the hint
 * table instead of a walk (no parent slot is needed for that).  Returns
 * false when there is no hint or the leaf must move.  Asked once the walk
 * has crossed the root frame (the bucket was fetched meanwhile): an update
 * skips the rest of its walk (~2x faster), a put of a new key pays little
 * for the probe.
 */
static bool put_hinted(struct holt_tree *t, u32 h, const u8 *key, u32 klen,
		       u32 vlen, struct put_plan *p)
{
	u32 lsz = leaf_size_kv(klen, vlen), fid;
	const u8 *l;

	l = holt_hint_find(t, h, key, klen, &fid);
	if (!l || !leaf_in_place(t, leaf_size(l), lsz))
		return false;
	p->fid = fid;
	p->f = t->frames[fid];
	p->slot = 0;
	p->cur = holt_enc((u32)(l - p->f));
	p->depth = klen;
	p->kase = PUT_EXIST;
	p->m = 0;
	p->need = lsz;
	p->nodes = 0;
	p->hops = 0;
	return true;
}

/* Apply the plan; returns the enc of the key's leaf. */
static u16 put_apply(struct holt_tree *t, struct put_plan *p, const u8 *key,
		     u32 klen, const u8 *val, u32 vlen, u64 seq)
{
	u8 *f = p->f, *n = f + holt_dec(p->cur);
	u32 d = p->depth, off, len, rest;
	u16 lf = p->cur, nd, pf;

	holt_jnl_write(t, p->fid, 0, HDR_MUTABLE_END);
	switch (p->kase) {
	case PUT_EXIST: {
		u32 osz = leaf_size(n), nsz = leaf_size_kv(klen, vlen);
		bool was_dead = leaf_dead(n);

		if (was_dead) {
			hdr32_add(f, HDR_TOMBS, -1);
			hdr32_add(f, HDR_TOMB_BYTES, -(s32)osz);
		}
		if (leaf_in_place(t, osz, nsz)) {
			holt_jnl_write(t, p->fid, holt_dec(p->cur), osz);
			n[LEAF_TOMB] = 0;
			wr16(n + LEAF_VLEN, (u16)vlen);
			holt_put_le64(seq, n + LEAF_SEQ);
			if (vlen)
				memcpy(n + HOLT_LEAF_HDR + klen, val, vlen);
			memset(n + HOLT_LEAF_HDR + klen + vlen, 0,
			       nsz - HOLT_LEAF_HDR - klen - vlen);
			if (holt_get_le64(f + HDR_MAX_SEQ) < seq)
				holt_put_le64(seq, f + HDR_MAX_SEQ);
			if (!was_dead)
				return lf;
			hdr32_add(f, HDR_LEAVES, 1);
			return lf;
		}
		lf = new_leaf(f, key, klen, val, vlen, seq);
		set_slot(t, p, lf);
		mark_dead(f, osz);
		if (!was_dead)
			hdr32_add(f, HDR_LEAVES, -1);
		return lf;
	}
	case PUT_TERM:
		lf = new_leaf(f, key, klen, val, vlen, seq);
		holt_jnl_write(t, p->fid, holt_dec(p->cur) + NODE_TERM, 2);
		wr16(n + NODE_TERM, lf);
		return lf;
	case PUT_ADD:
		lf = new_leaf(f, key, klen, val, vlen, seq);
		if (node_count(n) >= node_capacity(n[1])) {
			off = holt_node_grow(f, n);
			hdr32_add(f, HDR_NODES, 1);
			holt_node_add(f + off, key[d], lf);
			set_slot(t, p, holt_enc(off));
			mark_dead(f, inner_size(n[1]));
			return lf;
		}
		if (n[1] == HOLT_N_48) {
			holt_jnl_write(t, p->fid, holt_dec(p->cur), 8);
			holt_jnl_write(t, p->fid, holt_dec(p->cur) + N48_INDEX +
				       key[d], 1);
			holt_jnl_write(t, p->fid, holt_dec(p->cur) + N48_CHILD +
				       2 * node_count(n), 2);
		} else if (n[1] == HOLT_N_256) {
			holt_jnl_write(t, p->fid, holt_dec(p->cur), 8);
			holt_jnl_write(t, p->fid, holt_dec(p->cur) + N256_CHILD +
				       2 * key[d], 2);
		} else {
			holt_jnl_write(t, p->fid, holt_dec(p->cur),
				       inner_size(n[1]));
		}
		holt_node_add(n, key[d], lf);
		return lf;
	case PUT_EMPTY:
		lf = new_leaf(f, key, klen, val, vlen, seq);
		nd = new_pair(f, key[d], lf, -1, 0);
		set_slot(t, p, nd);
		mark_dead(f, HOLT_EMPTY_SIZE);
		return lf;
	case PUT_LEAF_SPLIT: {
		u32 e = d + p->m, lk = leaf_klen(n);
		const u8 *ok = leaf_key(n);

		lf = new_leaf(f, key, klen, val, vlen, seq);
		nd = new_pair(f, lk == e ? -1 : ok[e], p->cur,
			      klen == e ? -1 : key[e], lf);
		if (p->m)
			nd = holt_prefix_add(f, key + d, p->m, nd);
		set_slot(t, p, nd);
		return lf;
	}
	case PUT_PFX_SPLIT:
		len = rd16(n + PFX_LEN);
		rest = len - p->m - 1;
		lf = new_leaf(f, key, klen, val, vlen, seq);
		pf = rd16(n + PFX_CHILD);
		if (rest)
			pf = holt_prefix_add(f, n + PFX_BYTES + p->m + 1, rest,
					     pf);
		nd = new_pair(f, n[PFX_BYTES + p->m], pf,
			      d + p->m == klen ? -1 : key[d + p->m], lf);
		if (p->m)
			nd = holt_prefix_add(f, n + PFX_BYTES, p->m, nd);
		set_slot(t, p, nd);
		mark_dead(f, pfx_size_len(len));
		return lf;
	}
	return lf;
}

static bool frame_fits(struct holt_tree *t, const u8 *f, u32 need, u32 nodes,
		       u32 limit)
{
	if (hdr32(f, HDR_NODES) + nodes > HOLT_MAX_SLOTS)
		return false;
	return frame_used(f) + need <= limit;
}

/*
 * Make room for @need bytes and @nodes bodies in frame @fid: compaction
 * when that leaves a quarter of the budget free, else spillover.
 * Returns 0 (room may or may not be there yet: walk again), -ENOSPC when
 * nothing can be moved, or -ENOMEM.
 */
static int make_room(struct holt_tree *t, u32 fid, u32 need, u32 nodes)
{
	u8 *f = t->frames[fid];
	u32 live = frame_live(f);
	u32 lnodes = hdr32(f, HDR_NODES) - hdr32(f, HDR_TOMBS);
	u32 garbage = frame_used(f) - live;
	int err;

	err = holt_jnl_reserve(t, 1024);
	if (err)
		return err;
	/*
	 * In a dense tree, a spillover must not carry a subtree that holds
	 * only tombstones into a child frame: the copy drops it, and its
	 * byte would lead nowhere.  Compacting first drops them here.
	 */
	if (t->dense && t->dead_leaves && hdr32(f, HDR_TOMBS))
		return holt_compact_frame(t, fid);
	if (garbage && live + need <= t->budget - t->budget / 4 &&
	    lnodes + nodes <= HOLT_MAX_SLOTS - HOLT_MAX_SLOTS / 4)
		return holt_compact_frame(t, fid);
	return holt_spill_frame(t, fid);
}

static int tree_put(struct holt_tree *t, u32 h, const u8 *key, u32 klen,
		    const u8 *val, u32 vlen, u32 flags, u64 expect,
		    u64 *version)
{
	struct put_plan p;
	u32 round;
	/* a put-if-absent is a create: no probe for a leaf to rewrite */
	bool probe = t->hints.b && !(flags & HOLT_PUT_IF_ABSENT);
	int err;

	if (!t->hints.b)
		h = 0;
	else if (!h)
		h = holt_hint_hash(key, klen);
	holt_hint_prefetch(t, h);
	for (round = 0;; round++) {
		const u8 *l;
		bool exists;
		u64 seq;
		u16 lf;

		put_walk_start(t, &p);
		err = put_walk(t, key, klen, vlen, &p, probe && !round);
		/*
		 * The walk crossed the root frame while the key's bucket came
		 * in: a hint to a leaf that can be rewritten in place ends it.
		 */
		if (err == WALK_PAUSED) {
			struct put_plan hp;

			if (put_hinted(t, h, key, klen, vlen, &hp)) {
				p = hp;
				err = 0;
			} else {
				err = put_walk(t, key, klen, vlen, &p, false);
			}
		}
		if (err)
			return err;
		l = p.f + holt_dec(p.cur);
		exists = p.kase == PUT_EXIST && !leaf_dead(l);
		if ((flags & HOLT_PUT_IF_ABSENT) && exists)
			return -EEXIST;
		if (flags & HOLT_PUT_IF_VERSION) {
			u64 have = exists ? holt_get_le64(l + LEAF_SEQ) : 0;

			if (have != expect)
				return -ECANCELED;
		}
		if (!frame_fits(t, p.f, p.need, p.nodes, t->budget)) {
			err = -ENOSPC;
			if (round < 24)
				err = make_room(t, p.fid, p.need, p.nodes);
			if (!err)
				continue;
			if (err != -ENOSPC)
				return err;
			/* Nothing left to move: one oversized item. */
			if (!frame_fits(t, p.f, p.need, p.nodes,
					HOLT_DATA_SIZE - HOLT_SPILL_RESERVE))
				return -ENOMEM;
		}
		err = holt_jnl_reserve(t, JNL_APPLY);
		if (err)
			return err;
		seq = tree_next_seq(t);
		/*
		 * An empty tree has no hollow subtree (a batch's rollback
		 * puts back what it had before).
		 */
		if (p.kase == PUT_EMPTY && p.fid == HOLT_ROOT_FRAME &&
		    t->nr_frames == 1) {
			t->dense = true;
			t->marked = 0;
		}
		lf = put_apply(t, &p, key, klen, val, vlen, seq);
		if (t->hints.b)
			holt_hint_set(t, h, p.fid, p.f + holt_dec(lf));
		if (!exists && ++t->nr_keys > t->hints.grow_at)
			holt_hint_grow(t);
		if (version)
			*version = seq;
		return 0;
	}
}

/**
 * holt_tree_put() - insert or update a key
 * @t: tree
 * @key: key bytes
 * @klen: 1 .. HOLT_KEY_MAX
 * @val: value bytes
 * @vlen: 0 .. HOLT_VAL_MAX
 * @flags: HOLT_PUT_IF_ABSENT (-EEXIST if present), HOLT_PUT_IF_VERSION
 *	(-ECANCELED unless the key's version is @expect; @expect 0 means the
 *	key must be absent)
 * @expect: expected version
 * @version: gets the new version, may be NULL
 *
 * Context: the caller holds the tree exclusively; may allocate.
 * Return: 0 or a negative errno; on error the tree is unchanged.
 */
int holt_tree_put(struct holt_tree *t, const u8 *key, u32 klen,
		  const u8 *val, u32 vlen, u32 flags, u64 expect,
		  u64 *version)
{
	int err = check_key(key, klen);

	if (err)
		return err;
	if (vlen > HOLT_VAL_MAX)
		return -E2BIG;
	if (vlen && !val)
		return -EINVAL;
	return tree_put(t, 0, key, klen, val, vlen, flags, expect, version);
}

/* ---- deletion ---- */

/*
 * Frame @fid (@f) is a child frame with less than a quarter of the budget
 * live: worth folding into its parent (holt_merge_frame() decides whether
 * both fit).
 */
static bool frame_small(const struct holt_tree *t, u32 fid, const u8 *f)
{
	return fid != HOLT_ROOT_FRAME && frame_live(f) < t->budget / 4;
}

static void maintain(struct holt_tree *t, u32 fid)
{
	u8 *f = tree_frame(t, fid);

	if (t->no_maint || !f)
		return;
	if (frame_small(t, fid, f)) {
		holt_merge_frame(t, fid);
		return;
	}
	if (hdr32(f, HDR_TOMB_BYTES) + hdr32(f, HDR_DEAD) > t->budget / 2)
		holt_compact_frame(t, fid);
}

/* Bodies a delete may read to learn whether a marked subtree lives. */
#define LIVE_VISITS	512u
#define LIVE_STACK	16u

/* A body sub_lives() is to read; @byte led to it (a Blob's is needed). */
struct live_step {
	const u8 *f;
	u32 fid;
	u16 c;
	u8 byte;
};

static void live_push(struct live_step *st, u32 *sp, const u8 *f, u32 fid,
		      u16 c, u8 byte)
{
	st[*sp].f = f;
	st[*sp].fid = fid;
	st[*sp].c = c;
	st[(*sp)++].byte = byte;
}

/*
 * Whether the subtree at body @c of frame @f (id @fid), reached by byte
 * @byte, holds a live key.  In a dense tree every subtree of a frame with
 * no mark does; under a mark (hollow, hollow_below) the bodies are read,
 * into child frames in memory, until a live leaf or a subtree of an
 * unmarked frame answers, or *@visits runs out (then false: not known).
 */
static bool sub_lives(struct holt_tree *t, const u8 *f, u32 fid, u16 c,
		      u8 byte, u32 *visits)
{
	struct live_step st[LIVE_STACK];
	u32 sp = 0;

	live_push(st, &sp, f, fid, c, byte);
	while (sp && *visits) {
		struct live_step s = st[--sp];
		const u8 *x = s.f + holt_dec(s.c), *g;
		u16 k;
		int b;
		u64 id;

		--*visits;
		if (x[1] == HOLT_N_LEAF) {
			if (!leaf_dead(x))
				return true;
		} else if (x[1] == HOLT_N_BLOB) {
			if (!t->meta[s.fid].hollow_below)
				return true;
			/* its frame's root sends @byte on; one out is unknown */
			id = holt_get_le64(x + BLOB_CHILD);
			g = id < t->frames_cap ?
			    holt_port_read_once(t->frames[id]) : NULL;
			k = g ? node_find(g + holt_dec(rd16(g + HDR_ROOT)),
					  s.byte) : 0;
			if (k)
				live_push(st, &sp, g, (u32)id, k, s.byte);
		} else if (!tree_frame_marked(t, s.fid)) {
			return true;
		} else if (x[1] == HOLT_N_PREFIX) {
			live_push(st, &sp, s.f, s.fid, rd16(x + PFX_CHILD),
				  s.byte);
		} else if (type_is_inner(x[1])) {
			k = rd16(x + NODE_TERM);
			if (k && !leaf_dead(s.f + holt_dec(k)))
				return true;
			for (b = 0; sp < LIVE_STACK &&
				    (b = node_next(x, (u32)b, &k)) >= 0; b++)
				live_push(st, &sp, s.f, s.fid, k, (u8)b);
		}
	}
	return false;
}

/*
 * Whether a child or terminal of inner node @n of frame @f (id @fid),
 * other than @skip, holds a live key (sub_lives()).
 */
static bool node_lives_without(struct holt_tree *t, u32 fid, const u8 *f,
			       const u8 *n, u16 skip, u32 *visits)
{
	bool marked = tree_frame_marked(t, fid);
	u16 c = rd16(n + NODE_TERM);
	const u8 *x;
	int b = 0;

	if (c && c != skip && !leaf_dead(f + holt_dec(c)))
		return true;
	while ((b = node_next(n, (u32)b, &c)) >= 0) {
		x = f + holt_dec(c);
		if (c != skip &&
		    (x[1] == HOLT_N_LEAF ? !leaf_dead(x) :
		     !marked || sub_lives(t, f, fid, c, (u8)b, visits)))
			return true;
		b++;
	}
	return false;
}

/* What a delete in a dense tree leaves (delete_density()). */
enum {
	DEL_DENSE,	/* a dead leaf beside a live key */
	DEL_HOLLOW,	/* and a subtree of the frame with no live key */
	DEL_LOST,	/* a subtree a roll-up may meet anywhere: not dense */
};

#define DEL_PATH_MAX 64

/*
 * One step of a delete's way to its leaf: the child that @key takes at
 * depth *@d out of body @n, a Prefix or an inner node; 0 when there is
 * none or @n is neither.  A Prefix's bytes are not compared (only
 * reaching the leaf makes the bodies on the way its ancestors) and *@d
 * moves past them; an inner node's byte is left to the caller, since a
 * Blob's child frame dispatches on it again.
 */
static u16 way_next(const u8 *n, const u8 *key, u32 klen, u32 *d)
{
	if (n[1] == HOLT_N_PREFIX) {
		*d += rd16(n + PFX_LEN);
		return rd16(n + PFX_CHILD);
	}
	if (!type_is_inner(n[1]))
		return 0;
	return *d == klen ? rd16(n + NODE_TERM) : node_find(n, key[*d]);
}

/* A body on the way from the tree's root to a leaf (delete_above()). */
struct del_step {
	const u8 *f, *n;
	u32 fid;
	u16 kid;		/* the child the way takes */
	bool child_root;	/* the root of a frame other than the root frame */
};

/*
 * delete_density() found no live key left near leaf @l (frame @fid) below
 * its frame's root.  A child frame's root gives each byte its parent's
 * Blob sends there a subtree of its own, so what that Blob leads to may
 * now hold no live key, and a roll-up in the parent frame would not look.
 * Walk from the tree's root to @l (the hint gave the leaf alone) for the
 * lowest node on the way, in any frame, with another live child or
 * terminal.  Every frame from that node's down to the leaf's parent frame
 * is marked hollow_below, so that roll-ups in them go down (the leaf's
 * own frame is hollow: DEL_HOLLOW).  No such node, or a way that cannot
 * be walked: DEL_LOST.  Such a delete is rare (the last live key of what
 * one Blob's byte leads to), so the way is allocated.
 */
static int delete_above(struct holt_tree *t, u32 fid, const u8 *l,
			const u8 *key, u32 klen)
{
	u32 at = HOLT_ROOT_FRAME, d = 0, np = 0, hops = 0, visits = LIVE_VISITS;
	u8 *f = t->frames[HOLT_ROOT_FRAME];
	u16 cur = rd16(f + HDR_ROOT);
	bool child_root = false;
	struct del_step *w;
	int i, ret = DEL_LOST;

	w = holt_port_alloc(DEL_PATH_MAX * sizeof(*w));
	if (!w)
		return DEL_LOST;
	for (;;) {
		const u8 *n = f + holt_dec(cur);
		u16 c;

		if (n == l)
			break;
		if (np == DEL_PATH_MAX || d > klen)
			goto free_way;
		c = way_next(n, key, klen, &d);
		if (!c)
			goto free_way;
		w[np].f = f;
		w[np].n = n;
		w[np].fid = at;
		w[np].kid = c;
		w[np].child_root = child_root;
		np++;
		child_root = false;
		if (n[1] != HOLT_N_PREFIX &&
		    f[holt_dec(c) + 1] == HOLT_N_BLOB) {
			/* the child frame's root dispatches on key[d] again */
			u64 id = holt_get_le64(f + holt_dec(c) + BLOB_CHILD);

			if (tree_frame_get(t, id, &f) || ++hops > t->nr_frames)
				goto free_way;
			at = (u32)id;
			cur = tree_frame_root(t, at, f);
			child_root = true;
			continue;
		}
		if (n[1] != HOLT_N_PREFIX)
			d++;
		cur = c;
	}
	for (i = (int)np - 1; i >= 0; i--) {
		if (w[i].n[1] == HOLT_N_PREFIX || w[i].child_root)
			continue;
		if (node_lives_without(t, w[i].fid, w[i].f, w[i].n, w[i].kid,
				       &visits))
			break;
	}
	if (i < 0)
		goto free_way;
	for (; i < (int)np; i++) {
		if (w[i].fid == fid || t->meta[w[i].fid].hollow_below)
			continue;
		t->meta[w[i].fid].hollow_below = 1;
		t->marked++;
	}
	ret = DEL_HOLLOW;
free_way:
	holt_port_free(w);
	return ret;
}

/*
 * A delete is about to make leaf @l (of @key, in frame @fid at @f) a
 * tombstone in a dense tree.  The hint table gives the leaf alone, so the
 * leaf's frame is walked from its root to find the nodes above it.  If
 * the leaf's parent node has another live child or terminal, only a dead
 * leaf is left (DEL_DENSE).  Otherwise the parent's subtree holds no live
 * key, and so may its ancestors' up to the first one that has another:
 * below that, the frame is hollow (DEL_HOLLOW).  When no such node is
 * found in the frame below its root (a child frame's root node dispatches
 * on the byte of its parent's Blob: each of its children is all that
 * byte leads to), a Blob of another frame may lead to no live key: the
 * frames above are looked at too (delete_above()).  DEL_LOST when the
 * whole tree may hold no live key where a roll-up would not look.
 */
static int delete_density(struct holt_tree *t, u32 fid, const u8 *f,
			  const u8 *l, const u8 *key, u32 klen)
{
	u16 root = rd16(f + HDR_ROOT), cur = root, kid[DEL_PATH_MAX];
	const u8 *path[DEL_PATH_MAX], *n;
	u32 d = rd16(f + HDR_BASE_LEN), np = 0;
	u32 visits = LIVE_VISITS;
	bool parent = true;

	for (;;) {
		n = f + holt_dec(cur);
		if (n == l)
			break;
		if (np == DEL_PATH_MAX || d > klen)
			return DEL_LOST;
		path[np] = n;
		cur = way_next(n, key, klen, &d);
		if (!cur)
			return DEL_LOST;
		if (n[1] != HOLT_N_PREFIX)
			d++;
		kid[np++] = cur;
	}
	while (np--) {
		n = path[np];
		if (!np && fid != HOLT_ROOT_FRAME)	/* one subtree a byte */
			return delete_above(t, fid, l, key, klen);
		if (n[1] != HOLT_N_PREFIX &&
		    node_lives_without(t, fid, f, n, kid[np], &visits))
			return parent ? DEL_DENSE : DEL_HOLLOW;
		parent = false;
	}
	return DEL_LOST;
}

static int tree_delete(struct holt_tree *t, u32 h, const u8 *key, u32 klen,
		       u32 flags, u64 expect)
{
	u32 fid;
	u8 *l, *f;
	u64 seq;
	int err;

	err = tree_find(t, h, key, klen, &fid, &l);
	if (err)
		return err;
	if (leaf_dead(l))
		return -ENOENT;
	if ((flags & HOLT_DEL_IF_VERSION) &&
	    holt_get_le64(l + LEAF_SEQ) != expect)
		return -ECANCELED;
	err = holt_jnl_reserve(t, JNL_APPLY);
	if (err)
		return err;
	f = t->frames[fid];
	holt_jnl_write(t, fid, 0, HDR_MUTABLE_END);
	holt_jnl_write(t, fid, (u32)(l - f), HOLT_LEAF_HDR);
	if (t->dense) {
		int left = delete_density(t, fid, f, l, key, klen);

		if (left == DEL_HOLLOW && !t->meta[fid].hollow) {
			t->meta[fid].hollow = 1;
			t->marked++;
		}
		if (left == DEL_LOST || (t->marked > HOLT_MARKED_MIN &&
					 t->marked > t->nr_frames / 2))
			t->dense = false;
		else
			t->dead_leaves = true;
	}
	l[LEAF_TOMB] = 1;
	seq = tree_next_seq(t);
	holt_put_le64(seq, l + LEAF_SEQ);
	if (holt_get_le64(f + HDR_MAX_SEQ) < seq)
		holt_put_le64(seq, f + HDR_MAX_SEQ);
	hdr32_add(f, HDR_TOMBS, 1);
	hdr32_add(f, HDR_TOMB_BYTES, (s32)leaf_size(l));
	hdr32_add(f, HDR_LEAVES, -1);
	t->nr_keys--;
	maintain(t, fid);
	return 0;
}

/**
 * holt_tree_delete() - delete a key (a tombstone until compaction)
 * @t: tree
 * @key: key bytes
 * @klen: 1 .. HOLT_KEY_MAX
 * @flags: HOLT_DEL_IF_VERSION: -ECANCELED unless the version is @expect
 * @expect: expected version
 *
 * Context: the caller holds the tree exclusively.
 * Return: 0, -ENOENT, -ECANCELED, -EINVAL, -E2BIG or -EUCLEAN.
 */
int holt_tree_delete(struct holt_tree *t, const u8 *key, u32 klen,
		     u32 flags, u64 expect)
{
	int err = check_key(key, klen);

	if (err)
		return err;
	return tree_delete(t, 0, key, klen, flags, expect);
}

/* ---- rename ---- */

static int tree_rename(struct holt_tree *t, const u8 *src, u32 slen,
		       const u8 *dst, u32 dlen, bool force, u64 *version)
{
	struct holt_ref r;
	u8 *val = NULL;
	u32 vlen;
	int err;

	err = holt_tree_get(t, src, slen, &r);
	if (err)
		return err;
	vlen = r.vlen;
	if (!force) {
		err = holt_tree_get(t, dst, dlen, &r);
		if (!err)
			return -EEXIST;
		if (err != -ENOENT)
			return err;
	}
	if (vlen) {
		val = holt_port_alloc(vlen);
		if (!val)
			return -ENOMEM;
		memcpy(val, r.val, vlen);
		/* r was overwritten by the destination lookup: reread */
		err = holt_tree_get(t, src, slen, &r);
		if (err)
			goto free_val;
		memcpy(val, r.val, vlen);
	}
	err = tree_put(t, 0, dst, dlen, val, vlen, 0, 0, version);
	if (!err && (slen != dlen || memcmp(src, dst, slen)))
		err = tree_delete(t, 0, src, slen, 0, 0);
free_val:
	holt_port_free(val);
	return err;
}

/*
 * A rename outside a batch runs under its own journal, so that a failure
 * between its put and its delete rolls the put back.
 */
static int tree_rename_atomic(struct holt_tree *t, const u8 *src, u32 slen,
			      const u8 *dst, u32 dlen, bool force,
			      u64 *version)
{
	struct holt_jnl j;
	u64 seq0 = *t->seq, keys0 = t->nr_keys;
	int err;

	if (t->jnl)
		return tree_rename(t, src, slen, dst, dlen, force, version);
	jnl_begin(t, &j);
	err = tree_rename(t, src, slen, dst, dlen, force, version);
	if (err) {
		jnl_rollback(t, &j);
		*t->seq = seq0;
		t->nr_keys = keys0;
	} else {
		jnl_commit(&j);
	}
	jnl_end(t, &j);
	return err;
}

/**
 * holt_tree_rename() - move a key's value to another key atomically
 * @t: tree
 * @src: source key, @slen bytes
 * @slen: source length
 * @dst: destination key, @dlen bytes
 * @dlen: destination length
 * @force: overwrite an existing destination
 * @version: gets the destination's new version, may be NULL
 *
 * Context: the caller holds the tree exclusively; may allocate.
 * Return: 0, -ENOENT (no source), -EEXIST (destination present without
 * @force), -ENOMEM, -EINVAL, -E2BIG; on error the tree is unchanged.
 */
int holt_tree_rename(struct holt_tree *t, const u8 *src, u32 slen,
		     const u8 *dst, u32 dlen, bool force, u64 *version)
{
	int err = check_key(src, slen);

	if (!err)
		err = check_key(dst, dlen);
	if (err)
		return err;
	return tree_rename_atomic(t, src, slen, dst, dlen, force, version);
}

/* ---- longest prefix ---- */

/**
 * holt_tree_longest_prefix() - the longest stored key that is a prefix of
 * @key (@key itself included)
 * @t: tree
 * @key: key bytes
 * @klen: 1 .. HOLT_KEY_MAX
 * @out: gets the stored key, value and version
 *
 * Context: the caller excludes writers.
 * Return: 0, -ENOENT, -EINVAL, -E2BIG or -EUCLEAN.
 */
int holt_tree_longest_prefix(struct holt_tree *t, const u8 *key, u32 klen,
			     struct holt_ref *out)
{
	u32 d = 0, hops = 0;
	u8 *f = t->frames[HOLT_ROOT_FRAME];
	u16 cur = rd16(f + HDR_ROOT);
	const u8 *best = NULL;
	int err = check_key(key, klen);

	if (err)
		return err;
	for (;;) {
		u8 *n = f + holt_dec(cur);
		u16 c;

		if (n[1] == HOLT_N_LEAF) {
			u32 lk = leaf_klen(n);

			if (!leaf_dead(n) && lk <= klen &&
			    !memcmp(leaf_key(n), key, lk))
				best = n;
			break;
		}
		if (n[1] == HOLT_N_PREFIX) {
			u32 len = rd16(n + PFX_LEN);

			if (len > klen - d || memcmp(n + PFX_BYTES, key + d, len))
				break;
			d += len;
			cur = rd16(n + PFX_CHILD);
			continue;
		}
		if (!type_is_inner(n[1]))
			break;
		c = rd16(n + NODE_TERM);
		if (c) {
			const u8 *l = f + holt_dec(c);

			if (!leaf_dead(l) && leaf_klen(l) == d &&
			    !memcmp(leaf_key(l), key, d))
				best = l;
		}
		if (d == klen)
			break;
		c = node_find(n, key[d]);
		if (!c)
			break;
		if (f[holt_dec(c) + 1] == HOLT_N_BLOB) {
			u64 id = holt_get_le64(f + holt_dec(c) + BLOB_CHILD);

			err = tree_frame_get(t, id, &f);
			if (err)
				return err;
			if (++hops > t->nr_frames)
				return -EUCLEAN;
			cur = tree_frame_root(t, (u32)id, f);
			continue;
		}
		cur = c;
		d++;
	}
	if (!best)
		return -ENOENT;
	ref_fill(out, best);
	return 0;
}

/* ---- prefix queries ---- */

/**
 * holt_tree_prefix_count() - count keys under a prefix, up to a limit
 * @t: tree
 * @prefix: prefix bytes (may be empty: the whole tree)
 * @plen: prefix length
 * @limit: stop counting there, 0 for no limit
 * @count: gets the count
 *
 * Context: the caller excludes writers; allocates a walk stack.
 * Return: 0, -ENOMEM, -E2BIG or -EUCLEAN.
 */
int holt_tree_prefix_count(struct holt_tree *t, const u8 *prefix, u32 plen,
			   u64 limit, u64 *count)
{
	if (plen > HOLT_KEY_MAX)
		return -E2BIG;
	if (plen && !prefix)
		return -EINVAL;
	return holt_iter_count(t, prefix, plen, limit, count);
}

/**
 * holt_tree_prefix_empty() - whether no key starts with a prefix
 * @t: tree
 * @prefix: prefix bytes
 * @plen: prefix length
 *
 * Context: the caller excludes writers; allocates a walk stack.
 * Return: 1 if empty, 0 if not, or a negative errno.
 */
int holt_tree_prefix_empty(struct holt_tree *t, const u8 *prefix, u32 plen)
{
	u64 n = 0;
	int err = holt_tree_prefix_count(t, prefix, plen, 1, &n);

	if (err)
		return err;
	return n ? 0 : 1;
}

/* ---- batches ---- */

static int batch_check(const struct holt_batch_op *op)
{
	int err;

	if (op->op == HOLT_BOP_ASSERT_EMPTY) {
		if (op->klen > HOLT_KEY_MAX)
			return -E2BIG;
		return op->klen && !op->key ? -EINVAL : 0;
	}
	err = check_key(op->key, op->klen);
	if (err)
		return err;
	switch (op->op) {
	case HOLT_BOP_PUT:
	case HOLT_BOP_PUT_IF_ABSENT:
	case HOLT_BOP_PUT_IF_VERSION:
		if (op->vlen > HOLT_VAL_MAX)
			return -E2BIG;
		return op->vlen && !op->val ? -EINVAL : 0;
	case HOLT_BOP_RENAME:
		return check_key(op->val, op->vlen);
	case HOLT_BOP_DEL:
	case HOLT_BOP_DEL_IF_VERSION:
	case HOLT_BOP_ASSERT_VERSION:
		return 0;
	}
	return -EINVAL;
}

/* @h: the key's holt_hint_hash() when batch_prefetch() took it, else 0 */
static int batch_one(struct holt_tree *t, const struct holt_batch_op *op,
		     u32 h)
{
	struct holt_ref r;
	int err;

	switch (op->op) {
	case HOLT_BOP_PUT:
		return tree_put(t, h, op->key, op->klen, op->val, op->vlen, 0,
				0, NULL);
	case HOLT_BOP_PUT_IF_ABSENT:
		return tree_put(t, h, op->key, op->klen, op->val, op->vlen,
				HOLT_PUT_IF_ABSENT, 0, NULL);
	case HOLT_BOP_PUT_IF_VERSION:
		return tree_put(t, h, op->key, op->klen, op->val, op->vlen,
				HOLT_PUT_IF_VERSION, op->version, NULL);
	case HOLT_BOP_DEL:
		return tree_delete(t, h, op->key, op->klen, 0, 0);
	case HOLT_BOP_DEL_IF_VERSION:
		return tree_delete(t, h, op->key, op->klen, HOLT_DEL_IF_VERSION,
				   op->version);
	case HOLT_BOP_RENAME:
		return tree_rename(t, op->key, op->klen, op->val, op->vlen,
				   op->force, NULL);
	case HOLT_BOP_ASSERT_VERSION:
		err = holt_tree_get(t, op->key, op->klen, &r);
		if (err && err != -ENOENT)
			return err;
		if ((err ? 0 : r.version) != op->version)
			return -ECANCELED;
		return 0;
	case HOLT_BOP_ASSERT_EMPTY:
		err = holt_tree_prefix_empty(t, op->key, op->klen);
		if (err < 0)
			return err;
		return err ? 0 : -ENOTEMPTY;
	}
	return -EINVAL;
}

/*
 * Walk ahead for the keys of the next operations (prefetch.c): a batch of
 * puts on a large tree then waits for the misses of a group at once.
 * @hs gets the keys' hint hashes, which their operations then reuse.
 */
static void batch_prefetch(struct holt_tree *t,
			   const struct holt_batch_op *ops, u32 nr, u32 *hs)
{
	const u8 *keys[HOLT_PREFETCH_MAX];
	u32 klens[HOLT_PREFETCH_MAX], i;

	if (nr > HOLT_PREFETCH_MAX)
		nr = HOLT_PREFETCH_MAX;
	for (i = 0; i < nr; i++) {
		keys[i] = ops[i].key;
		klens[i] = ops[i].klen;
	}
	holt_tree_prefetch(t, keys, klens, nr, hs);
}

/**
 * holt_tree_batch() - apply operations atomically, in order
 * @t: tree
 * @ops: @nr operations (enum holt_bop); later ones see earlier ones
 * @nr: number of operations
 * @failed: gets the index of the operation that failed
 *
 * Either every operation applies, or none does: a failing guard, a bad
 * argument or an allocation failure rolls back everything already applied
 * (the version counter included).
 *
 * Context: the caller holds the tree exclusively; may allocate.
 * Return: 0, or the errno of operation *@failed.
 */
int holt_tree_batch(struct holt_tree *t, const struct holt_batch_op *ops,
		    u32 nr, u32 *failed)
{
	struct holt_jnl j;
	u64 seq0 = *t->seq, keys0 = t->nr_keys;
	u64 sp0 = t->spills, cp0 = t->compactions, mg0 = t->merges;
	u64 cut0 = t->cuts;
	u32 hs[HOLT_PREFETCH_MAX] = { 0 };
	bool dense0 = t->dense;
	u32 i;
	int err = 0;

	if (failed)
		*failed = 0;
	if (nr && !ops)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		err = batch_check(&ops[i]);
		if (err) {
			if (failed)
				*failed = i;
			return err;
		}
	}
	jnl_begin(t, &j);
	for (i = 0; i < nr; i++) {
		if (i % HOLT_PREFETCH_MAX == 0 && nr - i > 1)
			batch_prefetch(t, ops + i, nr - i, hs);
		else if (i % HOLT_PREFETCH_MAX == 0)
			hs[0] = 0;	/* the last one, alone: no walk ahead */
		err = batch_one(t, &ops[i], hs[i % HOLT_PREFETCH_MAX]);
		if (err)
			break;
	}
	if (err) {
		if (failed)
			*failed = i;
		jnl_rollback(t, &j);
		*t->seq = seq0;
		t->nr_keys = keys0;
		t->spills = sp0;
		t->compactions = cp0;
		t->merges = mg0;
		t->cuts = cut0;
		t->dense = dense0;
	} else {
		jnl_commit(&j);
	}
	jnl_end(t, &j);
	return err;
}

/* ---- maintenance, statistics, raw frames ---- */

/*
 * Every frame was rebuilt without tombstones and the Blobs that led
 * nowhere: when holt_iter_dense() proves it, the tree is dense again and
 * no frame is marked.
 */
static void tree_redense(struct holt_tree *t)
{
	u32 k;

	if (!holt_iter_dense(t))
		return;
	t->dense = true;
	t->dead_leaves = false;
	t->marked = 0;
	for (k = HOLT_ROOT_FRAME; k < t->frames_cap; k++) {
		t->meta[k].hollow = 0;
		t->meta[k].hollow_below = 0;
	}
}

/**
 * holt_tree_compact() - compact every frame and fold small child frames
 * @t: tree
 *
 * Child frames go before their parents (holt_compact_order()), so that a
 * parent drops the Blobs of bytes its children no longer hold; a child
 * frame that holds one directory is cut below its '/' (holt_cut_frame()).
 * With the tombstones gone, a tree that had deletes may become dense
 * again (holt_iter_dense()): delimiter scans roll up without going down.
 *
 * Context: the caller holds the tree exclusively; allocates.
 * Return: 0 or -ENOMEM (the tree is unchanged by a failure).
 */
int holt_tree_compact(struct holt_tree *t)
{
	u32 *order, nr, k;
	int err = 0;

	order = holt_compact_order(t, &nr, NULL, false);
	if (!order)
		return -ENOMEM;
	for (k = 0; k < nr; k++) {
		u32 i = order[k];
		u8 *f = tree_frame(t, i);

		if (!f)
			continue;	/* merged into its parent already */
		if (frame_small(t, i, f) && !holt_merge_frame(t, i))
			continue;
		f = tree_frame(t, i);
		if (!f)
			continue;
		err = holt_tidy_frame(t, i);
		if (!err)
			err = holt_cut_frame(t, i);
		if (err < 0)
			break;
		err = 0;
	}
	holt_port_free(order);
	/* the tombstones are gone: every subtree may hold a live key again */
	if (!err && (!t->dense || t->dead_leaves))
		tree_redense(t);
	return err;
}

/* What holt_tree_reclaim() does with a frame (reclaim_why()). */
enum {
	RECLAIM_NONE,
	RECLAIM_FOLD,		/* deletes emptied it: fold it away, no more */
	RECLAIM_REBUILD,	/* rebuild it, or fold it when it is small */
};

/*
 * Whether a walk may prove @t dense once its tombstones are gone: every
 * frame in memory, and few enough that the walk does not hold the tree
 * too long.
 */
static bool reclaim_provable(struct holt_tree *t)
{
	return t->nr_frames <= HOLT_RECLAIM_PROVE_FRAMES &&
	       !holt_atomic_read(&t->nr_out);
}

/*
 * Why holt_tree_reclaim() takes frame @fid (@f): a quarter of the budget
 * is garbage (dead bodies, tombstoned leaves); or it holds tombstones and
 * the tree lost density or has marks (listings go down there until they
 * are gone) and can be proved dense again, or deletes left it small
 * enough to fold into its parent; or deletes emptied it (a child frame).
 */
static int reclaim_why(struct holt_tree *t, u32 fid, const u8 *f,
		       bool provable)
{
	if (frame_used(f) - frame_live(f) >= t->budget / 4)
		return RECLAIM_REBUILD;
	if (hdr32(f, HDR_TOMBS) &&
	    ((provable && (!t->dense || t->marked)) ||
	     frame_small(t, fid, f)))
		return RECLAIM_REBUILD;
	if (fid != HOLT_ROOT_FRAME && !hdr32(f, HDR_LEAVES))
		return RECLAIM_FOLD;
	return RECLAIM_NONE;
}

/*
 * holt_tree_reclaim()'s last step, once no frame holds a tombstone, for a
 * tree that lost density or has marks and that a walk can prove dense
 * (reclaim_provable()): rebuild, children first, the frames that may hold
 * a Blob leading nowhere (the marked ones; every parent frame when deletes
 * stopped marking), then prove density.
 */
static int reclaim_finish(struct holt_tree *t, const u32 *order, u32 nr,
			  const u8 *parents, u32 *rebuilt)
{
	u32 k;
	int err;

	for (k = 0; k < nr; k++) {
		u32 id = order[k];

		if (!tree_frame(t, id) ||
		    !(tree_frame_marked(t, id) || (!t->dense && parents[id])))
			continue;
		err = holt_tidy_frame(t, id);
		if (err)
			return err;
		(*rebuilt)++;
	}
	tree_redense(t);
	return 0;
}

/**
 * holt_tree_reclaim() - give back what deletes left behind, a few frames
 *	at a time
 * @t: tree
 * @max: frames to rebuild at most in this call (0 counts as 1); the last
 *	call, which proves density, also tidies every marked frame
 * @rebuilt: gets the number of frames this call rebuilt or merged
 *
 * For a background worker between foreground operations.  Rebuilds, in
 * the order of holt_tree_compact() (children first), the frames in memory
 * that are a quarter garbage; those with tombstones while the tree is not
 * known dense or has frames marked by deletes, if it can be proved dense
 * again (all its frames in memory, at most HOLT_RECLAIM_PROVE_FRAMES of
 * them, where the walk would hold the tree too long:
 * holt_tree_compact() then); and child frames that deletes left small or
 * empty, which fold into their parents when both fit (an empty one
 * always).  Once no frame holds a tombstone, a tree that lost density gets
 * it back as after holt_tree_compact() (reclaim_finish()).  Frames out of
 * memory are left alone.  A dense tree with a few tombstones is left as
 * it is: its listings do not suffer, and a frame is rebuilt once a quarter
 * of it can be given back.
 *
 * Context: the caller holds the tree exclusively; allocates.
 * Return: 1 when frames are left to rebuild (call again), 0 when nothing
 * is, or -ENOMEM (what was rebuilt stays rebuilt).
 */
int holt_tree_reclaim(struct holt_tree *t, u32 max, u32 *rebuilt)
{
	bool provable = reclaim_provable(t);
	u32 *order, nr, k, tombs = 0;
	u8 *parents;
	int err = 0, more = 0;

	*rebuilt = 0;
	if (!max)
		max = 1;
	parents = holt_port_alloc(t->frames_cap);
	if (!parents)
		return -ENOMEM;
	order = holt_compact_order(t, &nr, parents, true);
	if (!order) {
		err = -ENOMEM;
		goto out_parents;
	}
	for (k = 0; k < nr; k++) {
		u32 id = order[k];
		u8 *f = tree_frame(t, id);
		int why = f ? reclaim_why(t, id, f, provable) : RECLAIM_NONE;

		if (why == RECLAIM_NONE)
			continue;
		if (*rebuilt >= max) {
			more = 1;
			break;
		}
		if (frame_small(t, id, f) && !holt_merge_frame(t, id)) {
			(*rebuilt)++;
			continue;
		}
		if (why == RECLAIM_FOLD)
			continue;	/* it would not fold: nothing to gain */
		(*rebuilt)++;
		err = holt_tidy_frame(t, id);
		if (err)
			goto out_order;
	}
	for (k = 0; k < nr && !more; k++)
		if (tree_frame(t, order[k]))
			tombs += hdr32(t->frames[order[k]], HDR_TOMBS);
	if (!more && !tombs && (!t->dense || t->marked) && provable)
		err = reclaim_finish(t, order, nr, parents, rebuilt);
out_order:
	holt_port_free(order);
out_parents:
	holt_port_free(parents);
	return err ? err : more;
}

static u32 tree_depth(struct holt_tree *t)
{
	u32 *depth, i, best = 1, changed = 1, rounds = 0;

	depth = holt_port_alloc(sizeof(u32) * t->frames_cap);
	if (!depth)
		return 0;
	depth[HOLT_ROOT_FRAME] = 1;
	/* Relax parent -> child depths over each frame's live blobs. */
	while (changed && rounds++ < t->frames_cap) {
		changed = 0;
		for (i = 1; i < t->frames_cap; i++) {
			u8 *f = t->frames[i];
			u32 off;

			if (!f || !depth[i])
				continue;
			for (off = HOLT_DATA_OFF; off < hdr32(f, HDR_USED);
			     off += body_size(f + off)) {
				u64 c;

				if (f[off + 1] < HOLT_N_LEAF ||
				    f[off + 1] > HOLT_N_BASE)
					break;
				if (f[off + 1] != HOLT_N_BLOB)
					continue;
				/* Dead bodies are not validated: stay in bounds. */
				if (off + HOLT_BLOB_SIZE > hdr32(f, HDR_USED))
					break;
				c = holt_get_le64(f + off + BLOB_CHILD);
				if (c < t->frames_cap && t->frames[c] &&
				    depth[c] < depth[i] + 1) {
					depth[c] = depth[i] + 1;
					changed = 1;
				}
			}
		}
	}
	for (i = 1; i < t->frames_cap; i++)
		if (depth[i] > best)
			best = depth[i];
	holt_port_free(depth);
	return best;
}

/**
 * holt_tree_get_stats() - fill the counters of a tree
 * @t: tree
 * @st: gets the counters
 *
 * Context: the caller excludes writers.
 */
void holt_tree_get_stats(struct holt_tree *t, struct holt_tree_stats *st)
{
	u32 i;

	memset(st, 0, sizeof(*st));
	st->keys = t->nr_keys;
	for (i = 1; i < t->frames_cap; i++) {
		u8 *f = t->frames[i];

		if (!f)
			continue;
		st->resident++;
		st->data_used += frame_used(f);
		st->data_live += frame_live(f);
		st->tombstones += hdr32(f, HDR_TOMBS);
	}
	for (i = HOLT_ROOT_FRAME; i < t->frames_cap; i++)
		st->hollow_frames += tree_frame_marked(t, i);
	st->dense = t->dense;
	st->frames = t->nr_frames;
	st->frame_bytes = st->frames * HOLT_FRAME_SIZE;
	st->data_capacity = st->resident * t->budget;
	st->spills = t->spills;
	st->compactions = t->compactions;
	st->merges = t->merges;
	st->cuts = t->cuts;
	st->loads = (u64)holt_atomic_read(&t->loads);
	st->evictions = t->evictions;
	st->depth = tree_depth(t);
	st->hint_bytes = holt_hint_bytes(t);
}

/**
 * holt_tree_nr_frames() - frames in use
 * @t: tree
 *
 * Context: the caller excludes writers.
 * Return: the number of frames.
 */
u32 holt_tree_nr_frames(struct holt_tree *t)
{
	return t->nr_frames;
}

/**
 * holt_tree_nr_keys() - live keys of a tree, in O(1)
 * @t: tree
 *
 * Context: the caller excludes writers.
 * Return: the number of keys.
 */
u64 holt_tree_nr_keys(struct holt_tree *t)
{
	return t->nr_keys;
}

/**
 * holt_tree_frame_copy() - a sealed copy of the @i-th frame (by frame id)
 * @t: tree
 * @i: 0 .. holt_tree_nr_frames() - 1
 * @buf: HOLT_FRAME_SIZE bytes
 *
 * Context: the caller excludes writers.
 * Return: 0 or -EINVAL.
 */
int holt_tree_frame_copy(struct holt_tree *t, u32 i, void *buf)
{
	u32 id;

	for (id = 1; id < t->frames_cap; id++) {
		if (!t->frames[id])
			continue;
		if (i--)
			continue;
		holt_frame_copy_out(buf, t->frames[id]);
		holt_frame_seal(buf);
		return 0;
	}
	return -EINVAL;
}
