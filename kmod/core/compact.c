// SPDX-License-Identifier: GPL-2.0
/*
 * compact.c - rebuilding frames: compaction, spillover into a new child
 * frame, and merging a small child frame back into its parent.
 *
 * DOC: One copy engine for all three
 *
 * A frame is rebuilt by a post-order deep copy of its live tree into a
 * fresh frame, with an explicit heap stack (never recursion: a tree may be
 * 65,534 levels deep).  The copy drops tombstoned leaves and dead bodies,
 * shrinks inner nodes with hysteresis (256->48 at <= 37 children, 48->16 at
 * <= 12, 16->4 at <= 3), turns a node with a single child into a Prefix
 * (or lets a lone leaf move up: lazy expansion) and joins chains of
 * prefixes.  Bodies are laid out children first, parents last, but in
 * two runs: the *directory bodies* (inner nodes and Prefixes with a '/'
 * in their bytes or below them, in a leaf's key too, or a Blob below
 * them: cp_dir()) go to the top of the frame as they finish, downwards
 * (so parents before children), and are moved down behind the rest when
 * the copy ends (cp_pack()).  A
 * listing of a directory's subdirectories then reads one short run of
 * memory instead of a body between every two directories' files, and a
 * directory's files with their nodes stay one run of their own
 * (scan_linear() reads them straight).
 *
 * Spillover: the subtree sizes of the frame are summed, the walk goes down
 * from the root into any child holding more than half of the live bytes,
 * and at the node where it stops it picks the run of adjacent children
 * whose sizes add up closest to half.  Those children are copied into a new
 * frame whose root is a copy of that node restricted to them; in the
 * rebuilt parent they all point at one shared Blob node naming the new
 * frame.  The child frame's root sits at the same depth as the parent
 * node and dispatches on the same key byte again.
 *
 * Merge: a rebuild of the parent that, meeting the Blob entries of the
 * child frame, copies the child's subtrees in their place.
 *
 * A rebuild either completes and replaces the frames, or fails and leaves
 * everything untouched.
 */
#include "tree_int.h"
#include "grow.h"

/* sblob of the results that point at the Blob a spillover creates */
#define CP_SPILL_BLOB	0xffffu

struct cp_res {
	const u8 *sf;		/* source frame of a Blob result (dedupe) */
	u16 sblob;		/* source enc of that Blob, 0 otherwise */
	u16 dst;
	u8 byte;
};

struct cp_ent {
	const u8 *sf;
	u16 src;
	u16 term;		/* copied terminal leaf */
	u16 pres;		/* result of a Prefix's child */
	u32 next;		/* next child byte to look at */
	u32 rbase;
	int pend;		/* byte of the child being copied, -1 none */
	u8 pos;			/* node_next_at()'s index */
	u32 depth;		/* key bytes above the body */
	bool keep;		/* frame root: never collapses */
	bool started;
	const u8 *filter;	/* bitmap of the bytes to copy, or NULL */
};

struct cp_ctx {
	struct holt_tree *t;
	u8 *df;
	struct cp_ent *st;
	u32 sp, scap;
	struct cp_res *res;
	u32 rlen, rcap;
	u8 bytes[256];
	u16 kids[256];
	/* spillover rewrite: entries of (spill_sf, spill_node) in spill_set */
	const u8 *spill_sf;
	u16 spill_node;
	u8 spill_set[32];
	u64 spill_child;
	u16 spill_blob;
	bool spill_drop;	/* drop the entries instead (sibling split) */
	u32 fold_id;		/* child frame folded in, 0 none */
	bool tidy;		/* drop Blobs that lead nowhere (holt_tidy_frame()) */
	u64 max_seq;
	/*
	 * Directory bodies go to the top of the frame, downwards from
	 * @up_top, until cp_run() ends and moves them down behind the rest
	 * (cp_pack()); @upper is where they begin then.
	 */
	u32 up_top;
	u32 upper;
};

static bool bit_test(const u8 *map, u32 b)
{
	return map[b >> 3] & (1u << (b & 7));
}

static void bit_set(u8 *map, u32 b)
{
	map[b >> 3] |= (u8)(1u << (b & 7));
}

/* Room for @size more bytes below the directory bodies? */
static bool cp_room(struct cp_ctx *cx, u32 size)
{
	return size <= cx->up_top - hdr32(cx->df, HDR_USED);
}

/* A body of @size bytes: with the directory bodies (@up) or below them. */
static u32 cp_alloc_as(struct cp_ctx *cx, u32 size, bool up)
{
	u32 off;

	if (!cp_room(cx, size))
		return 0;
	if (up) {
		cx->up_top -= size;
		off = cx->up_top;
	} else {
		off = holt_frame_alloc_body(cx->df, size);
	}
	hdr32_add(cx->df, HDR_NODES, 1);
	return off;
}

static u32 cp_alloc(struct cp_ctx *cx, u32 size)
{
	return cp_alloc_as(cx, size, false);
}

/*
 * Does the copied body @r, a child whose key bytes below it begin at
 * depth @d, lead to a directory: a Blob (the child frame holds more of
 * the tree), an inner node or Prefix put with the directory bodies, or a
 * leaf whose key holds HOLT_CUT_BYTE from @d on (lazy expansion: a
 * directory holding one file).  So no key below a body outside the
 * directory bodies holds HOLT_CUT_BYTE past the body's depth, and
 * scan_linear() need not look for it in the leaves of a run.
 */
static __always_inline bool cp_dir(struct cp_ctx *cx, u16 r, u32 d)
{
	const u8 *n = cx->df + holt_dec(r);

	if (n[1] == HOLT_N_LEAF)
		return leaf_klen(n) > d &&
		       bytes_hold(leaf_key(n) + d, leaf_klen(n) - d,
				  HOLT_CUT_BYTE, cx->df + HOLT_FRAME_SIZE);
	return n[1] == HOLT_N_BLOB || holt_dec(r) >= cx->up_top;
}

static int cp_leaf(struct cp_ctx *cx, const u8 *l, u16 *out)
{
	u32 size = leaf_size(l), off;
	u64 seq;

	*out = 0;
	if (leaf_dead(l))
		return 0;
	off = cp_alloc(cx, size);
	if (!off)
		return -ENOSPC;
	memcpy(cx->df + off, l, size);
	hdr32_add(cx->df, HDR_LEAVES, 1);
	seq = holt_get_le64(l + LEAF_SEQ);
	if (seq > cx->max_seq)
		cx->max_seq = seq;
	*out = holt_enc(off);
	return 0;
}

/* A copy of Blob @b, its roll bits cleared (cp_blob_roll() sets them). */
static int cp_blob(struct cp_ctx *cx, const u8 *b, u16 *out)
{
	u32 off = cp_alloc(cx, HOLT_BLOB_SIZE);

	if (!off)
		return -ENOSPC;
	memcpy(cx->df + off, b, HOLT_BLOB_SIZE);
	memset(cx->df + off + BLOB_ROLLS, 0, 32);
	*out = holt_enc(off);
	return 0;
}

/*
 * Entry @b of the node being copied names child frame @id through the
 * copied Blob @dst (of source Blob @src): set its roll bit for @b as the
 * child frame's root tells when the frame is in memory, else as @src had
 * it (blob_rolls()).
 */
static void cp_blob_roll(struct cp_ctx *cx, const u8 *src, u16 dst, u64 id,
			 u8 b)
{
	const u8 *x = tree_frame(cx->t, id), *r;
	bool on = blob_rolls(src, b);
	u16 c;

	if (x) {
		r = x + holt_dec(rd16(x + HDR_ROOT));
		c = type_is_inner(r[1]) ? node_find(r, b) : 0;
		on = c && blob_roll_body(x + holt_dec(c));
	}
	blob_roll_set(cx->df + holt_dec(dst), b, on);
}

static int cp_push(struct cp_ctx *cx, const u8 *sf, u16 src, bool keep,
		   const u8 *filter, u32 depth)
{
	struct cp_ent *e;

	if (cx->sp == cx->scap) {
		u32 cap = cx->scap ? cx->scap * 2 : 64;
		struct cp_ent *ns = holt_grow(cx->st, cx->sp, cap, sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		cx->st = ns;
		cx->scap = cap;
	}
	e = &cx->st[cx->sp++];
	memset(e, 0, sizeof(*e));
	e->sf = sf;
	e->src = src;
	e->keep = keep;
	e->filter = filter;
	e->depth = depth;
	e->pend = -1;
	e->rbase = cx->rlen;
	return 0;
}

static int cp_add_res(struct cp_ctx *cx, u8 byte, u16 dst, const u8 *sf,
		      u16 sblob)
{
	struct cp_res *r;

	if (cx->rlen == cx->rcap) {
		u32 cap = cx->rcap ? cx->rcap * 2 : 256;
		struct cp_res *nr = holt_grow(cx->res, cx->rlen, cap,
					       sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		cx->res = nr;
		cx->rcap = cap;
	}
	r = &cx->res[cx->rlen++];
	r->byte = byte;
	r->dst = dst;
	r->sf = sf;
	r->sblob = sblob;
	return 0;
}

/* Does child frame @id, in memory, hold children but none for byte @b? */
static bool cp_blob_hollow(struct cp_ctx *cx, u64 id, u8 b)
{
	const u8 *x = tree_frame(cx->t, id), *r;

	if (!x)
		return false;
	r = x + holt_dec(rd16(x + HDR_ROOT));
	return type_is_inner(r[1]) && node_count(r) && !node_find(r, b);
}

/*
 * Handle child @c (of frame @sf) reached by byte @b (-1: a Prefix's child)
 * of the top entry.  Returns 1 when it was pushed, 0 with *@out set
 * (0 = nothing live), or a negative errno.
 */
static int cp_child(struct cp_ctx *cx, const u8 *sf, u16 c, int b, u16 *out,
		    u16 *sblob)
{
	const u8 *n = sf + holt_dec(c);
	struct cp_ent *e = &cx->st[cx->sp - 1];
	u32 i, d;
	int err;

	*out = 0;
	*sblob = 0;
	switch (n[1]) {
	case HOLT_N_LEAF:
		return cp_leaf(cx, n, out);
	case HOLT_N_BLOB: {
		u64 id = holt_get_le64(n + BLOB_CHILD);

		if (b < 0)
			return -EUCLEAN;
		if (cx->fold_id && id == cx->fold_id) {
			const u8 *x = tree_frame(cx->t, id);
			const u8 *xr;
			u16 c2, sb;

			if (!x)
				return -EUCLEAN;
			xr = x + holt_dec(rd16(x + HDR_ROOT));
			c2 = type_is_inner(xr[1]) ? node_find(xr, (u8)b) : 0;
			if (!c2)
				return 0;
			if (x[holt_dec(c2) + 1] == HOLT_N_BLOB &&
			    holt_get_le64(x + holt_dec(c2) + BLOB_CHILD) == id)
				return -EUCLEAN;
			err = cp_child(cx, x, c2, b, out, &sb);
			*sblob = sb;
			return err;
		}
		/*
		 * A child frame that holds nothing for b any more (its keys
		 * deleted and the child rebuilt alone): the Blob goes.  Only
		 * while the child's root holds some other byte, whose Blob
		 * keeps the frame reachable; an empty child is merged.  Not
		 * while a put makes room: it may be on its way to put a key
		 * for b into that child.
		 */
		if (cx->tidy && cp_blob_hollow(cx, id, (u8)b))
			return 0;
		/* one Blob per child frame within a node */
		for (i = e->rbase; i < cx->rlen; i++) {
			const u8 *d = cx->df + holt_dec(cx->res[i].dst);

			if (d[1] == HOLT_N_BLOB &&
			    holt_get_le64(d + BLOB_CHILD) == id) {
				*out = cx->res[i].dst;
				*sblob = c;
				cp_blob_roll(cx, n, *out, id, (u8)b);
				return 0;
			}
		}
		*sblob = c;
		err = cp_blob(cx, n, out);
		if (!err)
			cp_blob_roll(cx, n, *out, id, (u8)b);
		return err;
	}
	case HOLT_N_PREFIX:
	case HOLT_N_4:
	case HOLT_N_16:
	case HOLT_N_48:
	case HOLT_N_256:
		/* below a node by one byte, below a Prefix by its bytes */
		d = b < 0 ? rd16(e->sf + holt_dec(e->src) + PFX_LEN) : 1;
		err = cp_push(cx, sf, c, false, NULL, e->depth + d);
		return err ? err : 1;
	default:
		return -EUCLEAN;
	}
}

/* Is @enc the last body allocated in the destination? */
static bool cp_is_top(struct cp_ctx *cx, u16 enc)
{
	const u8 *n = cx->df + holt_dec(enc);

	return holt_dec(enc) + body_size(n) == hdr32(cx->df, HDR_USED);
}

/*
 * Put @len bytes in front of the prefix @r (which is in the destination),
 * a directory body or not (@up).  Returns the resulting enc, or 0 with
 * -ENOSPC.
 */
static u16 cp_prepend(struct cp_ctx *cx, u16 r, const u8 *bytes, u32 len,
		      bool up)
{
	u8 *rn = cx->df + holt_dec(r);
	u32 rlen = rd16(rn + PFX_LEN), nlen = rlen + len, off;
	u8 *nn;

	if (nlen > HOLT_KEY_MAX)
		return 0;
	if (!up && cp_is_top(cx, r)) {
		u32 grow = pfx_size_len(nlen) - pfx_size_len(rlen);

		if (grow && (!cp_room(cx, grow) ||
			     !holt_frame_alloc_body(cx->df, grow)))
			return 0;
		memmove(rn + PFX_BYTES + len, rn + PFX_BYTES, rlen);
		memcpy(rn + PFX_BYTES, bytes, len);
		/* the frame's memory is not cleared: zero the new padding */
		memset(rn + PFX_BYTES + nlen, 0,
		       pfx_size_len(nlen) - PFX_BYTES - nlen);
		wr16(rn + PFX_LEN, (u16)nlen);
		return r;
	}
	off = cp_alloc_as(cx, pfx_size_len(nlen), up);
	if (!off)
		return 0;
	nn = cx->df + off;
	rn = cx->df + holt_dec(r);
	memset(nn, 0, pfx_size_len(nlen));
	nn[1] = HOLT_N_PREFIX;
	wr16(nn + PFX_LEN, (u16)nlen);
	wr16(nn + PFX_CHILD, rd16(rn + PFX_CHILD));
	memcpy(nn + PFX_BYTES, bytes, len);
	memcpy(nn + PFX_BYTES + len, rn + PFX_BYTES, rlen);
	hdr32_add(cx->df, HDR_DEAD, (s32)pfx_size_len(rlen));
	hdr32_add(cx->df, HDR_NODES, -1);
	return holt_enc(off);
}

static u16 cp_new_prefix(struct cp_ctx *cx, const u8 *bytes, u32 len,
			 u16 child, bool up)
{
	u32 off = cp_alloc_as(cx, pfx_size_len(len), up);

	if (!off)
		return 0;
	holt_prefix_fill(cx->df + off, bytes, len, child);
	return holt_enc(off);
}

/* The Prefix entry @e, whose child became @r. */
static int cp_finish_prefix(struct cp_ctx *cx, const struct cp_ent *e, u16 r,
			    u16 *out)
{
	const u8 *n = e->sf + holt_dec(e->src);
	u32 len = rd16(n + PFX_LEN);
	bool up;
	u8 t;

	*out = 0;
	if (!r)
		return 0;
	t = cx->df[holt_dec(r) + 1];
	if (t == HOLT_N_LEAF) {
		*out = r;
		return 0;
	}
	up = memchr(n + PFX_BYTES, HOLT_CUT_BYTE, len) ||
	     cp_dir(cx, r, e->depth + len);
	if (t == HOLT_N_PREFIX)
		*out = cp_prepend(cx, r, n + PFX_BYTES, len, up);
	else
		*out = cp_new_prefix(cx, n + PFX_BYTES, len, r, up);
	return *out ? 0 : -ENOSPC;
}

static u8 cp_shrink(u8 type, u32 n)
{
	if (type == HOLT_N_256 && n <= 37)
		type = HOLT_N_48;
	if (type == HOLT_N_48 && n <= 12)
		type = HOLT_N_16;
	if (type == HOLT_N_16 && n <= 3)
		type = HOLT_N_4;
	while (node_capacity(type) < n)
		type++;
	return type;
}

static int cp_finish_node(struct cp_ctx *cx, struct cp_ent *e, u16 *out)
{
	const u8 *n = e->sf + holt_dec(e->src);
	u32 cnt = cx->rlen - e->rbase, i, off;
	struct cp_res *r = cnt ? cx->res + e->rbase : NULL;
	bool up = false;
	u8 b, type;

	*out = 0;
	if (!e->keep) {
		if (!cnt) {
			*out = e->term;
			return 0;
		}
		if (cnt == 1 && !e->term && !r[0].sblob) {
			u16 c = r[0].dst;
			u8 t = cx->df[holt_dec(c) + 1];

			if (t == HOLT_N_LEAF) {
				/* up to the parent, which files it */
				*out = c;
				return 0;
			}
			b = r[0].byte;
			up = b == HOLT_CUT_BYTE || cp_dir(cx, c, e->depth + 1);
			if (t == HOLT_N_PREFIX)
				*out = cp_prepend(cx, c, &b, 1, up);
			else
				*out = cp_new_prefix(cx, &b, 1, c, up);
			return *out ? 0 : -ENOSPC;
		}
	} else if (!cnt && !e->term) {
		return 0;
	}
	for (i = 0; i < cnt; i++) {
		cx->bytes[i] = r[i].byte;
		cx->kids[i] = r[i].dst;
		up = up || r[i].byte == HOLT_CUT_BYTE ||
		     cp_dir(cx, r[i].dst, e->depth + 1);
	}
	type = cp_shrink(type_is_inner(n[1]) ? n[1] : HOLT_N_4, cnt);
	off = cp_alloc_as(cx, inner_size(type), up);
	if (!off)
		return -ENOSPC;
	holt_node_fill(cx->df + off, type, cx->bytes, cx->kids, cnt, e->term);
	*out = holt_enc(off);
	return 0;
}

/* Hand the result of the finished top entry to its parent. */
static int cp_deliver(struct cp_ctx *cx, u16 r, u16 *final)
{
	struct cp_ent *p;

	cx->rlen = cx->st[cx->sp - 1].rbase;
	cx->sp--;
	if (!cx->sp) {
		*final = r;
		return 0;
	}
	p = &cx->st[cx->sp - 1];
	if (p->sf[holt_dec(p->src) + 1] == HOLT_N_PREFIX) {
		p->pres = r;
		return 0;
	}
	if (r)
		return cp_add_res(cx, (u8)p->pend, r, NULL, 0);
	p->pend = -1;
	return 0;
}

static int cp_spill_blob(struct cp_ctx *cx, u16 *out)
{
	u32 off;
	u8 *b;

	if (!cx->spill_blob) {
		off = cp_alloc(cx, HOLT_BLOB_SIZE);
		if (!off)
			return -ENOSPC;
		b = cx->df + off;
		memset(b, 0, HOLT_BLOB_SIZE);
		b[1] = HOLT_N_BLOB;
		holt_put_le64(cx->spill_child, b + BLOB_CHILD);
		cx->spill_blob = holt_enc(off);
	}
	*out = cx->spill_blob;
	return 0;
}

/* Point the children of body @n that lie at or past @from @shift lower. */
static void cp_pack_fix(u8 *n, u32 from, u32 shift)
{
	u32 slot, nr, i;
	u16 c;

	if (!node_kid_slots(n, &slot, &nr))
		return;
	for (i = 0; i < nr; i++, slot += 2) {
		c = rd16(n + slot);
		if (c && holt_dec(c) >= from)
			wr16(n + slot, holt_enc(holt_dec(c) - shift));
	}
}

/*
 * The copy is done: move the directory bodies from the top of the frame
 * down behind the others (they were laid out there one after another,
 * so they are read body by body), and point what points at them, and
 * *@out, at their new place.
 */
static void cp_pack(struct cp_ctx *cx, u16 *out)
{
	u8 *f = cx->df;
	u32 used = hdr32(f, HDR_USED), n = HOLT_FRAME_SIZE - cx->up_top;
	u32 shift = cx->up_top - used, p;

	cx->upper = used;
	if (n) {
		memmove(f + used, f + cx->up_top, n);
		for (p = used; p < used + n; p += body_size(f + p))
			cp_pack_fix(f + p, cx->up_top, shift);
		hdr32_set(f, HDR_USED, used + n);
		if (*out && holt_dec(*out) >= cx->up_top)
			*out = holt_enc(holt_dec(*out) - shift);
	}
	cx->up_top = HOLT_FRAME_SIZE;
}

/*
 * Copy the subtree at @root of @sf into cx->df.  @keep: @root is a frame
 * root (inner node or EmptyRoot), which stays a node.  *@out gets the
 * result, 0 when nothing live remains.
 */
static int cp_run(struct cp_ctx *cx, const u8 *sf, u16 root, bool keep,
		  const u8 *filter, u16 *out)
{
	int err;

	*out = 0;
	cx->up_top = HOLT_FRAME_SIZE;
	cx->upper = hdr32(cx->df, HDR_USED);
	if (sf[holt_dec(root) + 1] == HOLT_N_EMPTY)
		return 0;
	err = cp_push(cx, sf, root, keep, filter,
		      rd16(cx->df + HDR_BASE_LEN));
	if (err)
		return err;
	while (cx->sp) {
		struct cp_ent *e = &cx->st[cx->sp - 1];
		const u8 *n = e->sf + holt_dec(e->src);
		u16 r = 0, sb = 0, c = 0;
		int b;

		if (n[1] == HOLT_N_PREFIX) {
			if (!e->started) {
				e->started = true;
				err = cp_child(cx, e->sf, rd16(n + PFX_CHILD),
					       -1, &e->pres, &sb);
				if (err == 1)
					continue;
				if (err)
					return err;
			}
			err = cp_finish_prefix(cx, e, e->pres, &r);
			if (!err)
				err = cp_deliver(cx, r, out);
			if (err)
				return err;
			continue;
		}
		if (!type_is_inner(n[1]))
			return -EUCLEAN;
		if (!e->started) {
			e->started = true;
			c = rd16(n + NODE_TERM);
			if (c && !e->filter) {
				if (e->sf[holt_dec(c) + 1] != HOLT_N_LEAF)
					return -EUCLEAN;
				err = cp_leaf(cx, e->sf + holt_dec(c), &e->term);
				if (err)
					return err;
			}
		}
		e->pend = -1;
		for (;;) {
			b = node_next_at(n, e->next, &e->pos, &c);
			if (b < 0)
				break;
			e->next = (u32)b + 1;
			if (e->filter && !bit_test(e->filter, (u32)b))
				continue;
			if (e->sf == cx->spill_sf && e->src == cx->spill_node &&
			    bit_test(cx->spill_set, (u32)b)) {
				if (cx->spill_drop)
					continue;
				err = cp_spill_blob(cx, &r);
				if (!err)
					err = cp_add_res(cx, (u8)b, r, NULL,
							 CP_SPILL_BLOB);
				if (err)
					return err;
				continue;
			}
			err = cp_child(cx, e->sf, c, b, &r, &sb);
			if (err == 1) {
				/* the push may have moved the stack */
				cx->st[cx->sp - 2].pend = b;
				break;
			}
			if (err)
				return err;
			if (r) {
				err = cp_add_res(cx, (u8)b, r, e->sf, sb);
				if (err)
					return err;
				/* cp_add_res does not move the stack */
			}
		}
		if (b >= 0)
			continue;
		err = cp_finish_node(cx, e, &r);
		if (!err)
			err = cp_deliver(cx, r, out);
		if (err)
			return err;
	}
	cp_pack(cx, out);
	return 0;
}

static void cp_free(struct cp_ctx *cx)
{
	holt_port_free(cx->st);
	holt_port_free(cx->res);
	holt_port_free(cx);
}

/*
 * A fresh frame with the header and base of @sf, no root yet.  Its memory
 * is not cleared (clearing 512 KiB was a fifth of the instructions of an
 * insert): the copy writes every byte below the cursor.
 */
static u8 *frame_start(struct holt_tree *t, u64 id, const u8 *base, u32 blen)
{
	u8 *f = holt_port_frame_alloc_raw(HOLT_FRAME_SIZE);

	if (!f)
		return NULL;
	holt_frame_init(f, id, t->budget);
	/* drop the EmptyRoot holt_frame_init made */
	hdr32_set(f, HDR_USED, HOLT_DATA_OFF);
	hdr32_set(f, HDR_NODES, 0);
	wr16(f + HDR_ROOT, 0);
	if (holt_frame_set_base(f, base, blen)) {
		holt_port_frame_free(f, HOLT_FRAME_SIZE);
		return NULL;
	}
	return f;
}

static int frame_finish(struct cp_ctx *cx, u16 root)
{
	u8 *f = cx->df;

	if (!root) {
		u32 off = cp_alloc(cx, HOLT_EMPTY_SIZE);

		if (!off)
			return -ENOSPC;
		memset(f + off, 0, HOLT_EMPTY_SIZE);
		f[off + 1] = HOLT_N_EMPTY;
		root = holt_enc(off);
	}
	wr16(f + HDR_ROOT, root);
	if (holt_get_le64(f + HDR_MAX_SEQ) < cx->max_seq)
		holt_put_le64(cx->max_seq, f + HDR_MAX_SEQ);
	return 0;
}

/*
 * Rebuild frame @fid into a fresh frame (*@out), applying the spillover
 * rewrite and the fold set up in @cx.
 */
static int frame_rebuild(struct holt_tree *t, u32 fid, struct cp_ctx *cx,
			 u8 **out)
{
	const u8 *sf = t->frames[fid];
	const u8 *base;
	u32 blen;
	u16 root;
	int err;

	base = holt_frame_base(sf, &blen);
	cx->df = frame_start(t, fid, base, blen);
	if (!cx->df)
		return -ENOMEM;
	holt_put_le64(holt_get_le64(sf + HDR_MAX_SEQ), cx->df + HDR_MAX_SEQ);
	hdr32_set(cx->df, HDR_COMPACTS, hdr32(sf, HDR_COMPACTS) + 1);
	err = cp_run(cx, sf, rd16(sf + HDR_ROOT), true, NULL, &root);
	if (!err)
		err = frame_finish(cx, root);
	if (err) {
		holt_port_frame_free(cx->df, HOLT_FRAME_SIZE);
		cx->df = NULL;
		return err == -ENOSPC ? -ENOMEM : err;
	}
	*out = cx->df;
	return 0;
}

/*
 * Frame @dst took bodies of frame @src (a spill, a lift, a merge): a Blob
 * among them may lead to no live key if one of @src's may (tree_int.h).
 */
static void mark_below(struct holt_tree *t, u32 dst, u32 src)
{
	t->meta[dst].hollow_below |= t->meta[src].hollow_below;
}

/*
 * Frame @fid was laid out by cp_run(), its directory bodies from @upper
 * on (tree_frame_laid()).
 */
static void frame_laid(struct holt_tree *t, u32 fid, u32 upper)
{
	t->meta[fid].laid = 1;
	t->meta[fid].upper = upper;
}

static void frame_replace(struct holt_tree *t, u32 fid, u8 *nf, u32 upper)
{
	u8 *old = t->frames[fid];

	tree_frame_install(t, fid, nf);
	holt_jnl_frame(t, fid, old);
	holt_hint_frame(t, fid);
	frame_laid(t, fid, upper);
}

/* The new child frame @xid of a spillover gets its memory @xf. */
static void frame_add(struct holt_tree *t, u32 xid, u8 *xf, u32 upper)
{
	tree_frame_install(t, xid, xf);
	t->nr_frames++;
	holt_jnl_frame(t, xid, NULL);
	holt_hint_frame(t, xid);
	frame_laid(t, xid, upper);
}

static int compact_frame(struct holt_tree *t, u32 fid, bool tidy)
{
	struct cp_ctx *cx;
	u32 upper;
	u8 *nf;
	int err;

	err = holt_jnl_reserve(t, 256);
	if (err)
		return err;
	cx = holt_port_alloc(sizeof(*cx));
	if (!cx)
		return -ENOMEM;
	cx->t = t;
	cx->tidy = tidy;
	err = frame_rebuild(t, fid, cx, &nf);
	upper = cx->upper;
	cp_free(cx);
	if (err)
		return err;
	frame_replace(t, fid, nf, upper);
	t->compactions++;
	return 0;
}

/**
 * holt_compact_frame() - rebuild one frame without garbage
 * @t: tree
 * @fid: frame id
 *
 * Context: the caller holds the tree exclusively; allocates.
 * Return: 0, or -ENOMEM with the tree unchanged.
 */
int holt_compact_frame(struct holt_tree *t, u32 fid)
{
	return compact_frame(t, fid, false);
}

/**
 * holt_tidy_frame() - holt_compact_frame(), and drop the Blobs that lead
 *	nowhere
 * @t: tree
 * @fid: frame id
 *
 * A Blob whose child frame holds other bytes but no longer the Blob's own
 * is left out of the copy (see cp_blob_hollow()).  For holt_tree_compact(),
 * never while a put makes room.
 *
 * Context: the caller holds the tree exclusively; allocates.
 * Return: 0, or -ENOMEM with the tree unchanged.
 */
int holt_tidy_frame(struct holt_tree *t, u32 fid)
{
	return compact_frame(t, fid, true);
}

/* ---- subtree sizes and the choice of what to spill ---- */

struct sz_ent {
	u16 enc;
	bool init;
	u8 pos;			/* node_next_at()'s index */
	u32 next;
};

static u32 child_size(const u8 *f, const u32 *sz, u16 c)
{
	const u8 *n = f + holt_dec(c);

	switch (n[1]) {
	case HOLT_N_LEAF:
		return leaf_dead(n) ? 0 : leaf_size(n);
	case HOLT_N_BLOB:
		/* moving a link frees nothing: it is rebuilt on either side */
		return 0;
	default:
		return sz[c];
	}
}

static bool sz_pushable(const u8 *f, u16 c)
{
	u8 t = f[holt_dec(c) + 1];

	return t == HOLT_N_PREFIX || type_is_inner(t);
}

/* Live bytes of every Prefix and inner node's subtree, into @sz[enc]. */
static int spill_sizes(const u8 *f, u32 *sz)
{
	struct sz_ent *st;
	u32 sp = 0, cap = 256;
	u16 root = rd16(f + HDR_ROOT);

	if (!type_is_inner(f[holt_dec(root) + 1]))
		return 0;
	st = holt_port_alloc(sizeof(*st) * cap);
	if (!st)
		return -ENOMEM;
	memset(&st[0], 0, sizeof(st[0]));
	st[sp++].enc = root;
	while (sp) {
		struct sz_ent *e = &st[sp - 1];
		const u8 *n = f + holt_dec(e->enc);
		u16 c = 0, push = 0;
		int b;

		if (!e->init) {
			e->init = true;
			sz[e->enc] = body_size(n);
			if (type_is_inner(n[1]) && rd16(n + NODE_TERM))
				sz[e->enc] += child_size(f, sz,
							 rd16(n + NODE_TERM));
		}
		if (n[1] == HOLT_N_PREFIX) {
			if (!e->next) {
				e->next = 1;
				c = rd16(n + PFX_CHILD);
				if (sz_pushable(f, c))
					push = c;
				else
					sz[e->enc] += child_size(f, sz, c);
			}
		} else {
			while ((b = node_next_at(n, e->next, &e->pos, &c)) >= 0) {
				e->next = (u32)b + 1;
				if (sz_pushable(f, c)) {
					push = c;
					break;
				}
				sz[e->enc] += child_size(f, sz, c);
			}
		}
		if (push) {
			if (sp == cap) {
				struct sz_ent *ns;

				ns = holt_port_alloc(sizeof(*ns) * cap * 2);
				if (!ns) {
					holt_port_free(st);
					return -ENOMEM;
				}
				memcpy(ns, st, sizeof(*ns) * cap);
				holt_port_free(st);
				st = ns;
				cap *= 2;
			}
			memset(&st[sp], 0, sizeof(st[sp]));
			st[sp++].enc = push;
			continue;
		}
		sp--;
		if (sp)
			sz[st[sp - 1].enc] += sz[st[sp].enc];
	}
	holt_port_free(st);
	return 0;
}

#define LIFT_CHAIN_MAX	32
/* subtree sizes by enc, rounded up so the pick after them is aligned */
#define SPILL_SZ_BYTES	((sizeof(u32) * (HOLT_DATA_SIZE / 8 + 2) + 7) & ~7ul)

struct spill_pick {
	u16 node;		/* enc of the node whose children move */
	u8 set[32];
	u32 moved;		/* live bytes moving */
	u32 depth;
	bool all;		/* every entry of the node moves */
	bool sibling;		/* split into a sibling of this frame */
	u32 gid;		/* parent frame (sibling split) */
	u16 gnode;		/* parent node (sibling split, lift) */
	bool lift;		/* lift the routing into the parent */
	u16 xblob;		/* lift: the parent's Blob naming this frame */
	u32 gslot;		/* lift: offset of the parent entry's u16 */
	u32 lneed, lnodes;	/* lift: bytes and bodies the parent gains */
	u32 nchain;
	u16 chain[LIFT_CHAIN_MAX];	/* lift: root child .. above the node */
	u32 sizes[256];
	u8 bytes[256];
	u16 kids[256];
	u8 path[];		/* key bytes above the node */
};

_Static_assert(SPILL_SZ_BYTES + sizeof(struct spill_pick) + HOLT_KEY_MAX + 1 <=
	       HOLT_FRAME_SIZE, "the spill scratch fits in a frame");

static u32 absdiff(u32 a, u32 b)
{
	return a > b ? a - b : b - a;
}

/*
 * Choose what a spillover moves (see the DOC above).  @stay: split at the
 * root node without going down.
 */
static int spill_choose(const u8 *f, const u32 *sz, struct spill_pick *pk,
			bool stay)
{
	const u8 *base;
	u32 blen, target, d, n = 0, i, j, sum, best = 0, bi = 0, bj = 0;
	u16 cur = rd16(f + HDR_ROOT), c = 0;
	int b;

	base = holt_frame_base(f, &blen);
	if (blen)
		memcpy(pk->path, base, blen);
	d = blen;
	if (!type_is_inner(f[holt_dec(cur) + 1]))
		return -ENOSPC;
	target = sz[cur] / 2;
	for (;;) {
		const u8 *nd = f + holt_dec(cur), *hn;
		u32 heavy = 0;
		u16 hc = 0;
		int hb = -1;

		n = 0;
		b = 0;
		while ((b = node_next(nd, (u32)b, &c)) >= 0) {
			pk->sizes[n] = child_size(f, sz, c);
			pk->kids[n] = c;
			pk->bytes[n++] = (u8)b;
			if (pk->sizes[n - 1] > heavy) {
				heavy = pk->sizes[n - 1];
				hc = c;
				hb = b;
			}
			b++;
		}
		if (hb < 0 || heavy <= target || stay)
			break;
		hn = f + holt_dec(hc);
		if (type_is_inner(hn[1])) {
			pk->path[d++] = (u8)hb;
			cur = hc;
			continue;
		}
		if (hn[1] == HOLT_N_PREFIX &&
		    type_is_inner(f[holt_dec(rd16(hn + PFX_CHILD)) + 1])) {
			u32 len = rd16(hn + PFX_LEN);

			pk->path[d++] = (u8)hb;
			memcpy(pk->path + d, hn + PFX_BYTES, len);
			d += len;
			cur = rd16(hn + PFX_CHILD);
			continue;
		}
		break;
	}
	/* the run of adjacent children whose sum is closest to the target */
	for (i = 0; i < n; i++) {
		sum = 0;
		for (j = i; j < n; j++) {
			sum += pk->sizes[j];
			if (sum && (!best || absdiff(sum, target) <
					     absdiff(best, target))) {
				best = sum;
				bi = i;
				bj = j + 1;
			}
			if (sum > target)
				break;
		}
	}
	if (best < 2 * HOLT_BLOB_SIZE)
		return -ENOSPC;
	memset(pk->set, 0, sizeof(pk->set));
	for (i = bi; i < bj; i++) {
		bit_set(pk->set, pk->bytes[i]);
		if (f[holt_dec(pk->kids[i]) + 1] != HOLT_N_BLOB)
			continue;
		/* entries leading to one child frame move together */
		for (j = 0; j < n; j++)
			if (f[holt_dec(pk->kids[j]) + 1] == HOLT_N_BLOB &&
			    holt_get_le64(f + holt_dec(pk->kids[j]) + BLOB_CHILD) ==
			    holt_get_le64(f + holt_dec(pk->kids[i]) + BLOB_CHILD))
				bit_set(pk->set, pk->bytes[j]);
	}
	/* every entry moves (Blob entries joining the run count too) */
	pk->all = true;
	for (i = 0; i < n; i++)
		if (!bit_test(pk->set, pk->bytes[i]))
			pk->all = false;
	pk->node = cur;
	pk->moved = best;
	pk->depth = d;
	return 0;
}

/*
 * find_parent() for child frame @xid whose root is reached by byte @b0 at
 * depth @blen below the Base bytes @base.
 */
static u32 find_parent_by(struct holt_tree *t, u32 xid, const u8 *base,
			  u32 blen, u8 b0, u16 *node, bool resident)
{
	u32 fid = HOLT_ROOT_FRAME, d = 0, hops = 0;
	const u8 *f = t->frames[fid];
	u16 cur = rd16(f + HDR_ROOT), c;

	for (;;) {
		const u8 *n = f + holt_dec(cur);
		u8 kb;

		if (n[1] == HOLT_N_PREFIX) {
			u32 len = rd16(n + PFX_LEN);

			if (d + len > blen || memcmp(n + PFX_BYTES, base + d, len))
				return 0;
			d += len;
			cur = rd16(n + PFX_CHILD);
			continue;
		}
		if (!type_is_inner(n[1]) || d > blen)
			return 0;
		kb = d < blen ? base[d] : b0;
		c = node_find(n, kb);
		if (!c)
			return 0;
		if (f[holt_dec(c) + 1] == HOLT_N_BLOB) {
			u64 id = holt_get_le64(f + holt_dec(c) + BLOB_CHILD);
			u8 *nf;

			if (id == xid) {
				*node = cur;
				return fid;
			}
			if (resident) {
				nf = tree_frame(t, id);
				if (!nf)
					return 0;
			} else if (tree_frame_get(t, id, &nf)) {
				return 0;
			}
			if (++hops > t->nr_frames)
				return 0;
			f = nf;
			fid = (u32)id;
			cur = rd16(f + HDR_ROOT);
			continue;
		}
		cur = c;
		d++;
	}
}

/*
 * The frame holding the Blob that leads to frame @xid, 0 if not found (or,
 * with @resident, when the way there crosses a frame out of memory, which
 * is then not read back); *@node gets the node whose entries point at
 * that Blob.  The walk follows the Base bytes of @xid, then a byte its
 * root holds; a child frame whose deletes left it empty holds none, so
 * every byte is tried (a rare walk: that frame is then folded away).
 */
static u32 find_parent(struct holt_tree *t, u32 xid, u16 *node,
			bool resident)
{
	const u8 *x = t->frames[xid], *xr, *base;
	u32 blen, fid, b;
	u16 c;
	int b0 = -1;

	base = holt_frame_base(x, &blen);
	xr = x + holt_dec(rd16(x + HDR_ROOT));
	if (type_is_inner(xr[1]))
		b0 = node_next(xr, 0, &c);
	else if (xr[1] != HOLT_N_EMPTY)
		return 0;
	if (b0 >= 0)
		return find_parent_by(t, xid, base, blen, (u8)b0, node,
				      resident);
	for (b = 0; b < 256; b++) {
		fid = find_parent_by(t, xid, base, blen, (u8)b, node,
				     resident);
		if (fid)
			return fid;
	}
	return 0;
}

/*
 * The parent of child frame @fid, whose root has one entry, for byte @b0:
 * *@gid its frame (0 when find_parent() finds none; with @resident as
 * there), *@gnode the node, *@xblob the Blob naming @fid and *@gslot the
 * offset in the parent frame of the entry's u16.  False when there is
 * none, or when another entry of that node names @fid too.
 */
static bool parent_entry(struct holt_tree *t, u32 fid, u8 b0, bool resident,
			 u32 *gid, u16 *gnode, u16 *xblob, u32 *gslot)
{
	const u8 *gf, *gn;
	u32 cnt = 0;
	u16 c = 0;
	int b = 0;

	*gid = find_parent(t, fid, gnode, resident);
	if (!*gid)
		return false;
	gf = t->frames[*gid];
	gn = gf + holt_dec(*gnode);
	while ((b = node_next(gn, (u32)b, &c)) >= 0) {
		if (gf[holt_dec(c) + 1] == HOLT_N_BLOB &&
		    holt_get_le64(gf + holt_dec(c) + BLOB_CHILD) == fid) {
			if (b != b0)
				return false;
			cnt++;
			*xblob = c;
		}
		b++;
	}
	if (cnt != 1)
		return false;
	*gslot = node_slot(gn, b0);
	if (!*gslot)
		return false;
	*gslot += holt_dec(*gnode);
	return true;
}

/*
 * Lift (keeps the frame tree shallow): the chosen node M of frame @fid is
 * not its root, but the root leads to M through a chain of nodes with one
 * child and no terminal, and exactly one entry of the parent node names
 * this frame.  Then the chain and a copy of M move up into the parent, in
 * place of that entry: M's entries in the set point at the new frame, the
 * others at this frame, which is rebuilt with M (restricted) as its root.
 * Fills the lift fields of @pk; false when the shape does not allow it.
 */
static bool lift_check(struct holt_tree *t, u32 fid, struct spill_pick *pk)
{
	const u8 *sf = t->frames[fid], *n;
	u16 cur = rd16(sf + HDR_ROOT), c = 0;
	u32 i;
	int b0;

	n = sf + holt_dec(cur);
	if (!type_is_inner(n[1]) || node_count(n) != 1)
		return false;
	b0 = node_next(n, 0, &c);
	if (b0 < 0)
		return false;
	pk->nchain = 0;
	cur = c;
	while (cur != pk->node) {
		n = sf + holt_dec(cur);
		if (pk->nchain == LIFT_CHAIN_MAX)
			return false;
		pk->chain[pk->nchain++] = cur;
		if (n[1] == HOLT_N_PREFIX) {
			cur = rd16(n + PFX_CHILD);
			continue;
		}
		if (!type_is_inner(n[1]) || node_count(n) != 1 ||
		    rd16(n + NODE_TERM) || node_next(n, 0, &c) < 0)
			return false;
		cur = c;
	}
	n = sf + holt_dec(pk->node);
	if (rd16(n + NODE_TERM))
		return false;
	if (!parent_entry(t, fid, (u8)b0, false, &pk->gid, &pk->gnode,
			  &pk->xblob, &pk->gslot))
		return false;
	pk->lneed = HOLT_BLOB_SIZE + inner_size(holt_node_type_for(node_count(n)));
	pk->lnodes = 2;
	for (i = 0; i < pk->nchain; i++) {
		pk->lneed += body_size(sf + holt_dec(pk->chain[i]));
		pk->lnodes++;
	}
	return true;
}

/*
 * Frame @fid rebuilt with the node M minus the set as its root; *@upper
 * gets where its directory bodies begin.
 */
static int lift_build(struct holt_tree *t, u32 fid, struct spill_pick *pk,
		      u8 **out, u32 *upper)
{
	const u8 *sf = t->frames[fid];
	struct cp_ctx *cx;
	u8 comp[32];
	u16 root;
	u32 i;
	int err = -ENOMEM;

	cx = holt_port_alloc(sizeof(*cx));
	if (!cx)
		return -ENOMEM;
	cx->t = t;
	cx->df = frame_start(t, fid, pk->path, pk->depth);
	if (!cx->df)
		goto free_cx;
	holt_put_le64(holt_get_le64(sf + HDR_MAX_SEQ), cx->df + HDR_MAX_SEQ);
	hdr32_set(cx->df, HDR_COMPACTS, hdr32(sf, HDR_COMPACTS) + 1);
	for (i = 0; i < sizeof(comp); i++)
		comp[i] = (u8)~pk->set[i];
	err = cp_run(cx, sf, pk->node, true, comp, &root);
	if (!err)
		err = frame_finish(cx, root);
	if (err) {
		holt_port_frame_free(cx->df, HOLT_FRAME_SIZE);
		err = err == -ENOSPC ? -ENOMEM : err;
		goto free_cx;
	}
	*out = cx->df;
	*upper = cx->upper;
free_cx:
	cp_free(cx);
	return err;
}

/*
 * Blob @blob of frame @fid comes to hang from another node: its roll bits
 * spoke of the old one's bytes (blob_rolls()).  Journal reserved.
 */
static void blob_unroll(struct holt_tree *t, u32 fid, u16 blob)
{
	holt_jnl_write(t, fid, holt_dec(blob) + BLOB_ROLLS, 32);
	memset(t->frames[fid] + holt_dec(blob) + BLOB_ROLLS, 0, 32);
}

/* Write the lifted chain and node into the parent frame (room checked). */
static void lift_apply(struct holt_tree *t, struct spill_pick *pk,
		       const u8 *sf, u32 yid)
{
	u8 *gf = t->frames[pk->gid];
	const u8 *m = sf + holt_dec(pk->node);
	u32 off, n = 0, i;
	u16 yb, nd, c = 0;
	int b = 0;

	holt_jnl_write(t, pk->gid, 0, HDR_MUTABLE_END);
	/* the Blob naming this frame hangs from the lifted node now */
	blob_unroll(t, pk->gid, pk->xblob);
	off = holt_frame_alloc_body(gf, HOLT_BLOB_SIZE);
	memset(gf + off, 0, HOLT_BLOB_SIZE);
	gf[off + 1] = HOLT_N_BLOB;
	holt_put_le64(yid, gf + off + BLOB_CHILD);
	yb = holt_enc(off);
	while ((b = node_next(m, (u32)b, &c)) >= 0) {
		pk->bytes[n] = (u8)b;
		pk->kids[n++] = bit_test(pk->set, (u32)b) ? yb : pk->xblob;
		b++;
	}
	nd = holt_enc(holt_node_build(gf, holt_node_type_for(n), pk->bytes,
				      pk->kids, n, 0));
	for (i = pk->nchain; i-- > 0;) {
		const u8 *src = sf + holt_dec(pk->chain[i]);
		u32 size = body_size(src);
		u8 *dst;

		off = holt_frame_alloc_body(gf, size);
		dst = gf + off;
		memcpy(dst, src, size);
		if (src[1] == HOLT_N_PREFIX) {
			wr16(dst + PFX_CHILD, nd);
		} else {
			b = node_next(src, 0, &c);
			wr16(dst + node_slot(dst, (u8)b), nd);
		}
		nd = holt_enc(off);
	}
	hdr32_add(gf, HDR_NODES, (s32)pk->lnodes);
	holt_jnl_write(t, pk->gid, pk->gslot, 2);
	wr16(gf + pk->gslot, nd);
}

/*
 * Sibling split in place: the parent has room below its budget for one
 * more Blob, so it needs no rebuild (which copied the whole parent frame,
 * a third of the work of a spillover).
 */
static bool sibling_fits(struct holt_tree *t, const struct spill_pick *pk)
{
	const u8 *gf = t->frames[pk->gid];

	return frame_used(gf) + HOLT_BLOB_SIZE <= t->budget &&
	       hdr32(gf, HDR_NODES) + 1 <= HOLT_MAX_SLOTS;
}

/*
 * Point the parent node's entries of the set at a new Blob naming frame
 * @xid (room checked by sibling_fits(), journal reserved).
 */
static void sibling_apply(struct holt_tree *t, const struct spill_pick *pk,
			  u32 xid)
{
	u8 *gf = t->frames[pk->gid], *gn;
	u32 off, b, so;
	u16 yb;

	holt_jnl_write(t, pk->gid, 0, HDR_MUTABLE_END);
	off = holt_frame_alloc_body(gf, HOLT_BLOB_SIZE);
	memset(gf + off, 0, HOLT_BLOB_SIZE);
	gf[off + 1] = HOLT_N_BLOB;
	holt_put_le64(xid, gf + off + BLOB_CHILD);
	hdr32_add(gf, HDR_NODES, 1);
	yb = holt_enc(off);
	gn = gf + holt_dec(pk->gnode);
	for (b = 0; b < 256; b++) {
		if (!bit_test(pk->set, b))
			continue;
		so = node_slot(gn, (u8)b);
		if (!so)
			continue;
		holt_jnl_write(t, pk->gid, holt_dec(pk->gnode) + so, 2);
		wr16(gn + so, yb);
	}
}

/* ---- directory cuts ---- */

/* Key bytes a cut moves up into the parent frame, at most. */
#define CUT_LIFT_MAX	64u

struct cut_pick {
	u32 gid;		/* the parent frame */
	u32 gslot;		/* offset of the parent entry's u16 */
	u16 xblob;		/* the parent's Blob naming the frame */
	u16 rest;		/* the body below the separator */
	const u8 *rem;		/* bytes of a Prefix left after it */
	u32 nrem;
	u32 dead, dead_nodes;	/* the bodies a cut leaves unreachable */
	u32 nlift;		/* key bytes between the root's and it */
	u8 lift[CUT_LIFT_MAX];
	u8 b0;			/* the byte of the root's one entry */
};

/*
 * The body below the separator in the chain under child frame @x's root
 * (@n): Prefixes and inner nodes with one child and no terminal, down to
 * the one whose bytes hold HOLT_CUT_BYTE within CUT_LIFT_MAX bytes.
 * Fills the chain's part of @ck; false when there is none.
 */
static bool cut_chain(const u8 *x, const u8 *n, struct cut_pick *ck)
{
	u16 c = 0;
	int b;

	if (!type_is_inner(n[1]) || node_count(n) != 1 || rd16(n + NODE_TERM))
		return false;
	b = node_next(n, 0, &c);
	if (b < 0 || b == HOLT_CUT_BYTE)
		return false;
	ck->b0 = (u8)b;
	ck->nlift = 0;
	ck->nrem = 0;
	ck->dead = body_size(n);
	ck->dead_nodes = 1;
	for (;;) {
		n = x + holt_dec(c);
		ck->dead += body_size(n);
		ck->dead_nodes++;
		if (n[1] == HOLT_N_PREFIX) {
			u32 len = rd16(n + PFX_LEN), k;
			const u8 *s = n + PFX_BYTES;

			for (k = 0; k < len && s[k] != HOLT_CUT_BYTE; k++)
				;
			if (ck->nlift + k > CUT_LIFT_MAX)
				return false;
			memcpy(ck->lift + ck->nlift, s, k);
			ck->nlift += k;
			c = rd16(n + PFX_CHILD);
			if (k < len) {
				ck->rem = s + k + 1;
				ck->nrem = len - k - 1;
				break;
			}
			continue;
		}
		if (!type_is_inner(n[1]) || node_count(n) != 1 ||
		    rd16(n + NODE_TERM))
			return false;
		b = node_next(n, 0, &c);
		if (b == HOLT_CUT_BYTE)
			break;
		if (b < 0 || ck->nlift == CUT_LIFT_MAX)
			return false;
		ck->lift[ck->nlift++] = (u8)b;
	}
	ck->rest = c;
	return x[holt_dec(c) + 1] != HOLT_N_BLOB;
}

/* Bytes the frame gains: a Base body, a Prefix of what is left, a Node4. */
static u32 cut_need(u32 blen, const struct cut_pick *ck)
{
	return holt_align8(BASE_BYTES + blen + 1 + ck->nlift) +
	       (ck->nrem ? pfx_size_len(ck->nrem) : 0) + HOLT_N4_SIZE;
}

/*
 * Can child frame @xid be cut (holt_cut_frame()): the chain, room in the
 * frame and in its parent for what each gains, and exactly one entry of
 * the parent node naming the frame.  Fills @ck.
 */
static bool cut_check(struct holt_tree *t, u32 xid, struct cut_pick *ck)
{
	const u8 *x = t->frames[xid], *gf;
	u32 blen = rd16(x + HDR_BASE_LEN);
	u16 gnode;

	if (!cut_chain(x, x + holt_dec(rd16(x + HDR_ROOT)), ck) ||
	    blen + 1 + ck->nlift > HOLT_KEY_MAX ||
	    frame_used(x) + cut_need(blen, ck) > t->budget ||
	    hdr32(x, HDR_NODES) + 3 > HOLT_MAX_SLOTS)
		return false;
	if (!parent_entry(t, xid, ck->b0, true, &ck->gid, &gnode, &ck->xblob,
			  &ck->gslot))
		return false;
	gf = t->frames[ck->gid];
	return frame_used(gf) + HOLT_N4_SIZE + pfx_size_len(ck->nlift) <=
	       t->budget && hdr32(gf, HDR_NODES) + 2 <= HOLT_MAX_SLOTS;
}

/* A Node4 holding only the separator, leading to @c, in frame @f. */
static u16 cut_node(u8 *f, u16 c)
{
	u8 sep = HOLT_CUT_BYTE;

	hdr32_add(f, HDR_NODES, 1);
	return holt_enc(holt_node_build(f, HOLT_N_4, &sep, &c, 1, 0));
}

/*
 * Cut frame @xid in place (checked by cut_check(), journal reserved): a
 * Node4 for the separator becomes its root, the old root and chain are
 * dead bodies, its Base grows by the bytes the parent takes; the parent's
 * entry leads through them to the same Blob.  No leaf moves (hints stay
 * true), and the new bodies are directory bodies at the frame's end, so
 * a frame still as a rebuild laid it out stays so (tree_frame_laid()).
 */
static void cut_apply(struct holt_tree *t, u32 xid, const struct cut_pick *ck)
{
	u8 *x = t->frames[xid], *gf = t->frames[ck->gid], *path;
	u16 top = ck->rest;
	const u8 *base;
	u32 blen;

	holt_jnl_write_fixed(t, xid, 0, HDR_MUTABLE_END);
	base = holt_frame_base(x, &blen);
	path = holt_frame_new_base(x, blen + 1 + ck->nlift);	/* room checked */
	if (blen)
		memcpy(path, base, blen);
	path[blen] = ck->b0;
	memcpy(path + blen + 1, ck->lift, ck->nlift);
	if (blen) {
		/* the old Base is dead */
		hdr32_add(x, HDR_DEAD, (s32)holt_align8(BASE_BYTES + blen));
		hdr32_add(x, HDR_NODES, -1);
	}
	if (ck->nrem)
		top = holt_prefix_add(x, ck->rem, ck->nrem, top);
	wr16(x + HDR_ROOT, cut_node(x, top));
	hdr32_add(x, HDR_DEAD, (s32)ck->dead);
	hdr32_add(x, HDR_NODES, -(s32)ck->dead_nodes);

	holt_jnl_write(t, ck->gid, 0, HDR_MUTABLE_END);
	blob_unroll(t, ck->gid, ck->xblob);	/* from the new node now */
	top = cut_node(gf, ck->xblob);
	if (ck->nlift)
		top = holt_prefix_add(gf, ck->lift, ck->nlift, top);
	holt_jnl_write(t, ck->gid, ck->gslot, 2);
	wr16(gf + ck->gslot, top);
}

/**
 * holt_cut_frame() - move a child frame's top down to just below a '/'
 * @t: tree
 * @xid: frame id
 *
 * A child frame that holds one directory of its parent's node, say the
 * entry '3' of "bucket-07/path-1" leading to "bucket-07/path-13/...",
 * makes a listing of "bucket-07/" cross into it to learn where the name
 * ends.  When the frame's root has that one entry and the bodies below it
 * reach HOLT_CUT_BYTE without a branch, the parent's entry gets those
 * bytes (a Prefix) and a Node4 holding the separator, whose entry is the
 * frame's Blob, and the frame's root moves down to just below them: the
 * listing rolls the directory up in the parent (holt_tree_scan()).  Done
 * in place in both frames, a few small bodies each.  A frame of another
 * shape, or where either frame lacks room, stays as it is.
 *
 * Context: the caller holds the tree exclusively; allocates.
 * Return: 1 when the frame was cut, 0 when it stays, or -ENOMEM with the
 * tree unchanged.
 */
int holt_cut_frame(struct holt_tree *t, u32 xid)
{
	struct cut_pick ck;
	int err;

	if (xid == HOLT_ROOT_FRAME || !tree_frame(t, xid) ||
	    !cut_check(t, xid, &ck))
		return 0;
	err = holt_jnl_reserve(t, 512);
	if (err)
		return err;
	cut_apply(t, xid, &ck);
	t->cuts++;
	return 1;
}

/*
 * One spillover of frame @fid.  With @lift_ok, returns -EAGAIN and the
 * parent frame in *@busy when a lift would do but the parent lacks room.
 */
static int spill_once(struct holt_tree *t, u32 fid, bool lift_ok, u32 *busy)
{
	struct cp_ctx *cx;
	struct spill_pick *pk;
	u8 *sf = t->frames[fid], *nf, *xf = NULL, *gf;
	u32 *sz, xid, xup, fup;
	u16 root;
	int err;

	err = holt_jnl_reserve(t, 512);
	if (err)
		return err;
	/*
	 * One uncleared frame-sized scratch for the subtree sizes (each is
	 * written before it is read) and the pick (its fixed part cleared,
	 * the path written before it is read): clearing them was a tenth of
	 * the instructions of an insert.
	 */
	sz = holt_port_frame_alloc_raw(HOLT_FRAME_SIZE);
	if (!sz)
		return -ENOMEM;
	pk = (struct spill_pick *)((u8 *)sz + SPILL_SZ_BYTES);
	memset(pk, 0, sizeof(*pk));
	err = -ENOMEM;
	cx = holt_port_alloc(sizeof(*cx));
	if (!cx)
		goto free_sz;
	cx->t = t;
	err = spill_sizes(sf, sz);
	if (!err)
		err = spill_choose(sf, sz, pk, false);
	root = rd16(sf + HDR_ROOT);
	if (!err && fid != HOLT_ROOT_FRAME && pk->node != root &&
	    node_count(sf + holt_dec(root)) >= 2) {
		/*
		 * A child frame whose root has several entries splits there
		 * (a sibling: no new level) when that moves a quarter or more.
		 */
		err = spill_choose(sf, sz, pk, true);
		if (err || pk->all || pk->moved < sz[root] / 4)
			err = spill_choose(sf, sz, pk, false);
	}
	if (!err && fid != HOLT_ROOT_FRAME && pk->node == rd16(sf + HDR_ROOT) &&
	    !pk->all) {
		pk->gid = find_parent(t, fid, &pk->gnode, false);
		pk->sibling = pk->gid &&
			frame_live(t->frames[pk->gid]) + 2 * HOLT_BLOB_SIZE <=
			t->budget &&
			hdr32(t->frames[pk->gid], HDR_NODES) + 2 <= HOLT_MAX_SLOTS;
	} else if (!err && lift_ok && fid != HOLT_ROOT_FRAME && !pk->all &&
		   lift_check(t, fid, pk)) {
		gf = t->frames[pk->gid];
		if (frame_used(gf) + pk->lneed > t->budget ||
		    hdr32(gf, HDR_NODES) + pk->lnodes > HOLT_MAX_SLOTS) {
			*busy = pk->gid;
			err = -EAGAIN;
		}
		pk->lift = true;
	}
	if (!err)
		err = holt_tree_new_id(t, &xid);
	if (err)
		goto free_cx;
	/* the new child frame: a copy of the node restricted to the set */
	xf = frame_start(t, xid, pk->path, pk->depth);
	err = -ENOMEM;
	if (!xf)
		goto free_cx;
	cx->df = xf;
	err = cp_run(cx, sf, pk->node, true, pk->set, &root);
	if (!err && !root)
		err = -ENOSPC;
	if (!err)
		err = frame_finish(cx, root);
	if (err)
		goto free_x;
	xup = cx->upper;
	if (pk->lift) {
		err = lift_build(t, fid, pk, &nf, &fup);
		if (err)
			goto free_x;
		frame_add(t, xid, xf, xup);
		lift_apply(t, pk, sf, xid);
		frame_replace(t, fid, nf, fup);
		t->spills++;
		goto done;
	}
	cx->spill_sf = sf;
	cx->spill_node = pk->node;
	memcpy(cx->spill_set, pk->set, sizeof(pk->set));
	cx->spill_child = xid;
	cx->max_seq = 0;
	if (pk->sibling) {
		/*
		 * Sibling split: the frame loses the entries, and the parent
		 * node points them at the new frame, so depth stays flat.
		 */
		bool in_place = sibling_fits(t, pk);

		if (in_place) {
			err = holt_jnl_reserve(t, 128 + 32 * 256);
			if (err)
				goto free_x;
		}
		cx->spill_drop = true;
		err = frame_rebuild(t, fid, cx, &nf);
		if (err)
			goto free_x;
		fup = cx->upper;
		if (in_place) {
			sibling_apply(t, pk, xid);
			goto install;
		}
		cx->spill_drop = false;
		cx->spill_sf = t->frames[pk->gid];
		cx->spill_node = pk->gnode;
		cx->spill_blob = 0;
		cx->max_seq = 0;
		err = frame_rebuild(t, pk->gid, cx, &gf);
		if (err) {
			holt_port_frame_free(nf, HOLT_FRAME_SIZE);
			goto free_x;
		}
		frame_replace(t, pk->gid, gf, cx->upper);
	} else {
		/* the moved entries point at one Blob in this frame */
		err = frame_rebuild(t, fid, cx, &nf);
		if (err)
			goto free_x;
		fup = cx->upper;
	}
install:
	frame_add(t, xid, xf, xup);
	frame_replace(t, fid, nf, fup);
	t->spills++;
done:
	mark_below(t, xid, fid);
	if (pk->gid)
		mark_below(t, pk->gid, fid);
	cp_free(cx);
	holt_port_frame_free(sz, HOLT_FRAME_SIZE);
	if (!t->no_maint && fid != HOLT_ROOT_FRAME &&
	    frame_live(t->frames[fid]) < t->budget / 4)
		holt_merge_frame(t, fid);
	/* a frame left with one directory: cut it below the '/' (or not) */
	holt_cut_frame(t, xid);
	holt_cut_frame(t, fid);
	return 0;

free_x:
	holt_port_frame_free(xf, HOLT_FRAME_SIZE);
free_cx:
	cp_free(cx);
free_sz:
	holt_port_frame_free(sz, HOLT_FRAME_SIZE);
	return err;
}

/**
 * holt_spill_frame() - move about half of a frame into a new child frame
 * @t: tree
 * @fid: frame id
 *
 * Prefers a sibling split or a lift (both keep the frame tree shallow);
 * when a lift needs room in the parent frame, the parent is compacted or
 * spilled first.
 *
 * Context: the caller holds the tree exclusively; allocates.
 * Return: 0, -ENOSPC when nothing worth moving exists, or -ENOMEM; on
 * error the tree holds the same keys.
 */
int holt_spill_frame(struct holt_tree *t, u32 fid)
{
	u32 busy = 0, tries, live;
	u8 *g;
	int err;

	for (tries = 0; tries < 4; tries++) {
		err = spill_once(t, fid, true, &busy);
		if (err != -EAGAIN)
			return err;
		/* the parent lacks room for the lifted routing: make some */
		g = tree_frame(t, busy);
		if (!g)
			break;
		live = frame_live(g);
		/*
		 * As in make_room(): in a dense tree a frame that holds
		 * tombstones is compacted, not spilled (the copy into the
		 * child frame would drop a subtree of them and leave its
		 * byte leading nowhere).
		 */
		if ((t->dense && t->dead_leaves && hdr32(g, HDR_TOMBS)) ||
		    (live != frame_used(g) &&
		     live + 1024 <= t->budget - t->budget / 4))
			err = holt_compact_frame(t, busy);
		else
			err = spill_once(t, busy, false, &busy);
		if (err)
			break;
	}
	return spill_once(t, fid, false, &busy);
}

/* ---- merging ---- */

/* Frame depths holt_compact_order() tells apart; deeper ones count as this. */
#define CP_ORDER_DEPTHS	64u

/**
 * holt_compact_order() - the frame ids in memory, children before parents
 * @t: tree
 * @nr: gets the number of ids
 * @parents: NULL, or @t->frames_cap bytes that get 1 for each frame found
 *	to be the parent of a frame in memory, 0 for the others
 * @resident: read no frame back: a frame whose way to the root crosses one
 *	out of memory counts as deepest
 *
 * For holt_tree_compact(): a parent rebuilt after its children sees the
 * bytes they lost, and drops the Blobs that now lead nowhere
 * (cp_blob_hollow()), however long the chain of frames for one byte.
 * Each frame's parent comes from find_parent() once, and its depth from
 * the chain of parents up to the root; a frame whose chain breaks (an
 * empty one, or one below a frame that is out) counts as deepest, and so
 * does any below CP_ORDER_DEPTHS.
 *
 * Context: the caller holds the tree exclusively; allocates.
 * Return: the ids, to be freed with holt_port_free(), or NULL when memory
 * is short.
 */
u32 *holt_compact_order(struct holt_tree *t, u32 *nr, u8 *parents,
			bool resident)
{
	u32 count[CP_ORDER_DEPTHS + 1] = { 0 }, at[CP_ORDER_DEPTHS + 1];
	u32 *depth, *order, id, x, d, n = 0;
	u16 node;

	depth = holt_port_alloc(sizeof(*depth) * t->frames_cap);
	order = holt_port_alloc(sizeof(*order) * t->frames_cap);
	if (!depth || !order) {
		holt_port_free(depth);
		holt_port_free(order);
		return NULL;
	}
	/* order[] holds each frame's parent (0: none found) until the sort */
	for (id = HOLT_ROOT_FRAME + 1; id < t->frames_cap; id++)
		order[id] = t->frames[id] ?
			    find_parent(t, id, &node, resident) : 0;
	if (parents) {
		memset(parents, 0, t->frames_cap);
		for (id = HOLT_ROOT_FRAME + 1; id < t->frames_cap; id++)
			if (order[id] < t->frames_cap)
				parents[order[id]] = 1;
		parents[0] = 0;
	}
	for (id = HOLT_ROOT_FRAME; id < t->frames_cap; id++) {
		if (!t->frames[id])
			continue;
		for (x = id, d = 0; x && x != HOLT_ROOT_FRAME; d++) {
			if (d == CP_ORDER_DEPTHS)
				break;
			x = order[x];
		}
		depth[id] = x == HOLT_ROOT_FRAME ? d : CP_ORDER_DEPTHS;
		count[depth[id]]++;
		n++;
	}
	/* deepest first: a counting sort */
	for (d = CP_ORDER_DEPTHS + 1, x = 0; d-- > 0;) {
		at[d] = x;
		x += count[d];
	}
	for (id = HOLT_ROOT_FRAME; id < t->frames_cap; id++)
		if (t->frames[id])
			order[at[depth[id]]++] = id;
	holt_port_free(depth);
	*nr = n;
	return order;
}

/**
 * holt_merge_frame() - fold a small child frame back into its parent
 * @t: tree
 * @xid: the child frame
 *
 * Only when both fit in three quarters of the budget together, or when
 * @xid holds no live key (deletes emptied it: its Blob entries go, and the
 * frame with them).
 *
 * Context: the caller holds the tree exclusively; allocates.
 * Return: 0, -ENOSPC (not merged: too big), -ENOENT or -ENOMEM; on error
 * the tree is unchanged.
 */
int holt_merge_frame(struct holt_tree *t, u32 xid)
{
	struct cp_ctx *cx;
	u16 gnode;
	u32 gid, upper;
	u8 *nf, *x;
	int err;

	if (xid == HOLT_ROOT_FRAME || !tree_frame(t, xid))
		return -EINVAL;
	gid = find_parent(t, xid, &gnode, false);
	if (!gid)
		return -ENOENT;
	x = t->frames[xid];
	/* a frame without a live key adds nothing: it always folds */
	if (hdr32(x, HDR_LEAVES) &&
	    (frame_live(t->frames[gid]) + frame_live(x) >
	     t->budget - t->budget / 4 ||
	     hdr32(t->frames[gid], HDR_NODES) + hdr32(x, HDR_NODES) >
	     HOLT_MAX_SLOTS - HOLT_MAX_SLOTS / 4))
		return -ENOSPC;
	err = holt_jnl_reserve(t, 256);
	if (err)
		return err;
	cx = holt_port_alloc(sizeof(*cx));
	if (!cx)
		return -ENOMEM;
	cx->t = t;
	cx->fold_id = xid;
	err = frame_rebuild(t, gid, cx, &nf);
	upper = cx->upper;
	cp_free(cx);
	if (err)
		return err;
	frame_replace(t, gid, nf, upper);
	mark_below(t, gid, xid);
	tree_frame_install(t, xid, NULL);
	t->nr_frames--;
	holt_jnl_frame(t, xid, x);
	t->merges++;
	return 0;
}
