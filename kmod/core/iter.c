// SPDX-License-Identifier: GPL-2.0
/*
 * iter.c - ordered walks over a whole tree: scans (prefix, start-after,
 * delimiter rollup, keys-only, limit) and prefix counts.
 *
 * DOC: The ordered iterator
 *
 * The iterator keeps an explicit heap stack of (frame, node, next byte)
 * and yields live leaves in key order: at an inner node the terminal leaf
 * (the shortest key) first, then the children by byte.  A Blob for byte
 * b continues in the child frame, whose root dispatches on b again: the
 * walk goes straight to that root's child for b (it_cross()).  seek()
 * positions it at the first key >= a bound, > a bound, or after every key
 * that starts with a bound (used to skip a rolled-up common prefix with
 * everything under it); a scan of a prefix alone pushes only the body that
 * covers the prefix (it_seek_prefix()).  A scan of a prefix then marks the
 * entries below the prefix's subtree as its floor: the walk ends when it
 * is back down to them, and needs no key compare to know it is done.
 * An entry leaves the stack as its last child is taken, not when it is
 * next looked at.  The steps of a leaf directory (a Node4/16 whose next
 * child is a live leaf or a small inner node without a terminal) are taken
 * by it_next_leaf() before the general loop of it_next() is tried, and in
 * a frame still as a rebuild laid it out, the rest of the directory's
 * leaves are read straight from memory (scan_linear()).  The steps of an
 * upper level's listing in a dense tree (a child rolled up as soon as its
 * bytes reach the delimiter) are taken the same way by it_next_roll().
 */
#include "tree_int.h"
#include "grow.h"

enum { SEEK_GE, SEEK_GT, SEEK_AFTER };

/*
 * What it_next() yields.  IT_SEEK_LEAF is the leaf a seek stopped at,
 * which may lie past the prefix; every other item starts with it.
 */
enum { IT_END, IT_LEAF, IT_PREFIX, IT_SEEK_LEAF };

/* memcmp that accepts NULL for zero bytes (an empty prefix or bound) */
static inline int bcmp_n(const void *a, const void *b, u32 n)
{
	return n ? memcmp(a, b, n) : 0;
}

struct it_ent {
	const u8 *f;
	u32 fid;		/* @f's frame id */
	u16 node;
	u16 next;		/* next byte to visit; > 255 done */
	u16 depth;		/* key bytes above the node */
	u8 hi;			/* last byte visited */
	u8 pos;			/* node_next_at()'s index */
	bool term_done;
};

#define IT_KB_INLINE	256u
#define IT_ST_INLINE	16u

struct holt_iter {
	struct holt_tree *t;
	struct it_ent *st;
	u32 sp, cap;
	u32 floor;		/* it_set_floor() */
	const u8 *ahead;	/* it_stream(): next line to ask for */
	const u8 *lf;		/* it_next_leaf()'s leaf: its frame and id */
	u32 lfid;
	bool no_run;		/* scan_linear() had to seek: no more runs */
	bool dead;		/* the tree's dead_leaves, read once */
	const u8 *pending;
	/* delimiter rollup (see holt_tree_scan) */
	int delim;		/* -1: none */
	u32 plen;
	u32 roll_sp;		/* rolling: the entries above it are skipped */
	u32 roll_len;		/* length of the prefix rolled up, 0: none */
	u8 *kb;			/* the key bytes of the current path */
	u32 kcap;
	u8 kb_inline[IT_KB_INLINE];
	/* the stack starts here: most walks need no allocation */
	struct it_ent st_inline[IT_ST_INLINE];
};

/* The stack is full: double it (the walk's fast path stays small). */
static noinline int it_stack_grow(struct holt_iter *it)
{
	u32 cap = it->cap * 2;
	struct it_ent *ns;

	if (cap > HOLT_KEY_MAX * 2 + 64 + it->t->nr_frames * 2)
		return -EUCLEAN;
	if (it->st == it->st_inline) {
		ns = holt_port_alloc(cap * sizeof(*ns));
		if (ns)
			memcpy(ns, it->st, it->sp * sizeof(*ns));
	} else {
		ns = holt_grow(it->st, it->sp, cap, sizeof(*ns));
	}
	if (!ns)
		return -ENOMEM;
	it->st = ns;
	it->cap = cap;
	return 0;
}

static inline int it_push(struct holt_iter *it, const u8 *f, u32 fid,
			  u16 node, u32 lo, u32 hi, bool term_done, u32 depth)
{
	struct it_ent *e;

	if (unlikely(it->sp == it->cap)) {
		int err = it_stack_grow(it);

		if (err)
			return err;
	}
	e = &it->st[it->sp++];
	e->f = f;
	e->fid = fid;
	e->node = node;
	e->next = (u16)lo;
	e->hi = (u8)hi;
	e->pos = 0;
	e->term_done = term_done;
	e->depth = (u16)depth;
	return 0;
}

/* Grow the path buffer to hold @need bytes. */
static noinline int it_kb_grow(struct holt_iter *it, u32 need)
{
	u32 cap = it->kcap;
	u8 *nb;

	if (need > HOLT_KEY_MAX + 1)
		return -EUCLEAN;
	while (cap < need)
		cap *= 2;
	nb = holt_port_alloc(cap);
	if (!nb)
		return -ENOMEM;
	memcpy(nb, it->kb, it->kcap);
	if (it->kb != it->kb_inline)
		holt_port_free(it->kb);
	it->kb = nb;
	it->kcap = cap;
	return 0;
}

/* Room in the path buffer for @need bytes (delimiter scans only). */
static inline int it_kb_room(struct holt_iter *it, u32 need)
{
	return likely(need <= it->kcap) ? 0 : it_kb_grow(it, need);
}

/*
 * Index of the first @c in @s[0..@len), or @len when there is none: a
 * word at a time when the 16 bytes from @s lie before @lim (the bytes of
 * a Prefix and a name below its directory are short), else memchr().
 */
static __always_inline u32 bytes_find(const u8 *s, u32 len, u8 c,
				      const u8 *lim)
{
	const u8 *q;
	u32 i;

	if (len <= 16 && s + 16 <= lim) {
		i = n16_match(s, c);
		return i < len ? i : len;
	}
	q = len ? memchr(s, c, len) : NULL;
	return q ? (u32)(q - s) : len;
}

/*
 * Copy @len bytes from @s to @d, whose buffer has @room bytes: a short run
 * goes as one 16-byte copy when both sides have the room (@s before @lim).
 */
static __always_inline void bytes_copy(u8 *d, u32 room, const u8 *s, u32 len,
				       const u8 *lim)
{
	if (len <= 16 && room >= 16 && s + 16 <= lim)
		memcpy(d, s, 16);
	else
		memcpy(d, s, len);
}

/* At most this many bytes of a first child's subtree: it_prefetch_first() */
#define IT_FIRST_AHEAD	4096

/*
 * Inner node @n (at offset @off) of frame @fid is entered, its children to
 * be visited from the first.  In a laid-out frame, below its directory
 * bodies, a node's first child's subtree lies right before that child's
 * body (children before their parent) and starts with its first leaf, so
 * the walk down to that leaf waits for a miss at each level.  Ask for the
 * subtree's lines at once instead, taking its size to be about that of
 * the second child's (the distance between the two bodies, a quarter
 * more), at most IT_FIRST_AHEAD bytes: the first item of a leaf
 * directory's listing comes about a tenth of a microsecond sooner.
 */
static __always_inline void it_prefetch_first(struct holt_iter *it,
					      const u8 *f, u32 fid, u32 off,
					      const u8 *n)
{
	const u8 *x, *x1, *y;
	u32 cnt, keys, kids, span;

	if (!tree_frame_laid(it->t, fid) || off >= it->t->meta[fid].upper ||
	    !node_sorted(n, &cnt, &keys, &kids) || cnt < 2)
		return;
	x = f + holt_dec(rd16(n + kids));
	x1 = f + holt_dec(rd16(n + kids + 2));
	if (x1 <= x || x <= f)
		return;
	span = (u32)(x1 - x) + (u32)(x1 - x) / 4;
	if (span > IT_FIRST_AHEAD)
		span = IT_FIRST_AHEAD;
	y = x - f > span ? x - span : f;
	for (; y < x; y += HOLT_CACHE_LINE)
		holt_port_prefetch(y);
}

/*
 * Push whatever child @c of frame @f needs: reached by byte @b (-1: the
 * child of a Prefix), @depth key bytes above it.  A Blob's child frame
 * root sits at the depth of the node that dispatched on @b (@depth - 1)
 * and dispatches on @b again.
 */
static __always_inline int it_enter(struct holt_iter *it, const u8 *f,
				    u32 fid, u16 c, int b, u32 depth,
				    const u8 **leaf)
{
	const u8 *n = f + holt_dec(c);

	*leaf = NULL;
	switch (n[1]) {
	case HOLT_N_LEAF:
		if (!leaf_dead(n))
			*leaf = n;
		return 0;
	case HOLT_N_BLOB: {
		u64 id = holt_get_le64(n + BLOB_CHILD);
		u8 *x;
		int err = tree_frame_get(it->t, id, &x);

		if (err)
			return err;
		if (b < 0)
			return -EUCLEAN;
		return it_push(it, x, (u32)id, tree_frame_root(it->t, (u32)id, x),
			       (u32)b, (u32)b, true, depth - 1);
	}
	case HOLT_N_PREFIX:
		return it_push(it, f, fid, c, 0, 0, true, depth);
	case HOLT_N_EMPTY:
		return 0;
	default:
		if (!type_is_inner(n[1]))
			return -EUCLEAN;
		/* a listing's directory entries, a leaf directory's leaves */
		node_prefetch_kids(f, n);
		it_prefetch_first(it, f, fid, holt_dec(c), n);
		return it_push(it, f, fid, c, 0, 255, false, depth);
	}
}

/*
 * Child *@c of frame *@f, reached by byte @b, is a Blob: go on in the child
 * frame, whose root dispatches on @b again, straight to the root's child
 * for @b (the root itself needs no entry: nothing else under it is for
 * this walk), through as many child frames as it takes.  *@c becomes 0
 * when the child frame holds nothing for @b.
 */
static int it_cross(struct holt_iter *it, const u8 **f, u32 *fid, u16 *c,
		    u8 b)
{
	struct holt_tree *t = it->t;
	u32 hops = 0;

	do {
		u64 id = holt_get_le64(*f + holt_dec(*c) + BLOB_CHILD);
		const u8 *r;
		u8 *x;
		int err = tree_frame_get(t, id, &x);

		if (err)
			return err;
		if (++hops > t->nr_frames)
			return -EUCLEAN;
		r = x + holt_dec(tree_frame_root(t, (u32)id, x));
		if (r[1] == HOLT_N_EMPTY) {
			*c = 0;
			return 0;
		}
		if (!type_is_inner(r[1]))
			return -EUCLEAN;
		*f = x;
		*fid = (u32)id;
		*c = node_find(r, b);
	} while (*c && (*f)[holt_dec(*c) + 1] == HOLT_N_BLOB);
	return 0;
}

/*
 * The walk is about to cross a Blob into a child frame, and will next
 * take child @pos of the same Node4/16 @n of frame @f.  When that child is
 * a Blob too (a node whose children each went to a frame of their own,
 * the directories of a bucket), ask for that frame's header and root now,
 * so that the two crossings' misses overlap.  The Blob's body was fetched
 * with the node's children when the node was entered.
 */
static void it_peek_frame(struct holt_iter *it, const u8 *f, const u8 *n,
			  u32 pos)
{
	struct holt_tree *t = it->t;
	u32 cnt, keys, kids;
	const u8 *x, *y;
	u64 id;
	u16 c;

	if (!node_sorted(n, &cnt, &keys, &kids) || pos >= cnt)
		return;
	c = rd16(n + kids + 2 * pos);
	x = f + holt_dec(c);
	if (x[1] != HOLT_N_BLOB)
		return;
	id = holt_get_le64(x + BLOB_CHILD);
	if (id >= t->frames_cap)
		return;
	y = holt_port_read_once(t->frames[id]);
	if (!y)
		return;
	holt_port_prefetch(y + HDR_ROOT);
	tree_frame_prefetch_root(t, (u32)id, y);
}

/*
 * In a dense tree, whether frame @fid may hold a subtree of tombstones, or
 * a Blob whose byte leads to one.
 */
static bool it_hollow(const struct holt_iter *it, u32 fid)
{
	return it->dead && tree_frame_marked(it->t, fid);
}

/*
 * In a dense tree that has dead leaves, whether child @c of a node of
 * frame @f is a tombstone: only a leaf can be one, and only in a frame that
 * counts tombstones, so most roll-ups do not read the child.
 */
static bool it_dead_leaf(const struct holt_iter *it, const u8 *f, u16 c)
{
	const u8 *x;

	if (!it->dead || !hdr32(f, HDR_TOMBS))
		return false;
	x = f + holt_dec(c);
	return x[1] == HOLT_N_LEAF && leaf_dead(x);
}

/*
 * Rolling up: the subtree at child @c of frame @f (id @fid) holds a live
 * key, so the common prefix can be given out without going down (see
 * holt_tree_scan()).  In a dense tree every subtree but a tombstoned leaf
 * holds one, outside frames a delete left hollow; elsewhere only a live
 * leaf is known to (a subtree may be hollow: tombstones, or a Blob whose
 * child frame lost every key under it).
 */
static bool it_roll_now(struct holt_iter *it, const u8 *f, u32 fid, u16 c)
{
	u8 t;

	if (it->t->dense && !it_hollow(it, fid))
		return !it_dead_leaf(it, f, c);
	t = f[holt_dec(c) + 1];
	return t == HOLT_N_LEAF && !leaf_dead(f + holt_dec(c));
}

/* The rolled-up prefix is out: skip the rest of its subtree. */
static int it_roll_done(struct holt_iter *it)
{
	it->sp = it->roll_sp;
	return IT_PREFIX;
}

/*
 * Child @c of frame @f, @depth key bytes down, is a Prefix that the walk
 * is about to enter while no prefix is rolling up.  When its bytes hold
 * the delimiter past the scan's prefix and the subtree may be rolled up
 * at once, give the common prefix out now (IT_PREFIX) instead of pushing
 * the Prefix for the next turn of it_next() to do the same; 0 when not,
 * or a negative errno.
 */
static int it_roll_prefix(struct holt_iter *it, const u8 *f, u32 fid, u16 c,
			  u32 depth)
{
	const u8 *n = f + holt_dec(c), *s = n + PFX_BYTES;
	const u8 *lim = f + HOLT_FRAME_SIZE;
	u32 len = rd16(n + PFX_LEN);
	u32 from = depth < it->plen ? it->plen - depth : 0, at;
	int err;

	if (from >= len)
		return 0;
	at = from + bytes_find(s + from, len - from, (u8)it->delim, lim);
	if (at == len || !it_roll_now(it, f, fid, rd16(n + PFX_CHILD)))
		return 0;
	len = at + 1;
	err = it_kb_room(it, depth + len);
	if (err)
		return err;
	bytes_copy(it->kb + depth, it->kcap - depth, s, len, lim);
	it->roll_len = depth + len;
	it->roll_sp = it->sp;
	return it_roll_done(it);
}

/*
 * How far past a leaf it_stream() keeps the frame's lines on their way:
 * some ten leaves of a directory, which a listing takes in about the time
 * one miss to memory needs.
 */
#define IT_STREAM_AHEAD	1024

/*
 * A compacted frame holds a directory's leaves in key order one after
 * another (children before their parent), so its listing reads the frame
 * front to back.  Keep the lines up to IT_STREAM_AHEAD bytes past leaf @l
 * of frame @f on their way: all of them at the first leaf and after a
 * jump, then two lines a leaf (a leaf and its share of the nodes take one
 * to two), each line once while the walk moves forward.  On a frame whose
 * leaves lie scattered the lines asked for are of no use, but the walk
 * does not wait for them.
 */
static __always_inline void it_stream(struct holt_iter *it, const u8 *f,
				      const u8 *l)
{
	const u8 *end = l + IT_STREAM_AHEAD;

	if (end > f + HOLT_FRAME_SIZE)
		end = f + HOLT_FRAME_SIZE;
	if (unlikely(it->ahead < l || it->ahead > end + 2 * HOLT_CACHE_LINE)) {
		for (it->ahead = l + HOLT_CACHE_LINE; it->ahead < end;
		     it->ahead += HOLT_CACHE_LINE)
			holt_port_prefetch(it->ahead);
	} else if (it->ahead + 2 * HOLT_CACHE_LINE <= end) {
		holt_port_prefetch(it->ahead);
		holt_port_prefetch(it->ahead + HOLT_CACHE_LINE);
		it->ahead += 2 * HOLT_CACHE_LINE;
	}
}

/*
 * The common steps of a leaf directory's listing, taken without it_next()'s
 * loop: while the top entry is a Node4 or Node16 past its terminal, no
 * prefix is being rolled up, and its next child (reached by a byte that is
 * not the delimiter) is a Node4 or Node16 without a terminal, that child is
 * entered; a live leaf there is the item.  False for anything else, which
 * the loop takes from where this left off.  (A leaf's byte is not written
 * to the path buffer: only a rollup reads it, and a rollup below this node
 * writes its own.)
 */
static __always_inline bool it_next_leaf(struct holt_iter *it,
					 const u8 **leaf)
{
	if (it->sp <= it->floor || it->roll_len || it->pending)
		return false;
	for (;;) {
		struct it_ent *e = &it->st[it->sp - 1];
		const u8 *f = e->f, *n = f + holt_dec(e->node), *x;
		u32 cnt, keys, kids, i, d = e->depth;
		u16 c;
		u8 b;

		if (!e->term_done || !node_sorted(n, &cnt, &keys, &kids))
			return false;
		i = e->pos;
		if (i >= cnt)
			return false;
		b = n[keys + i];
		if (b < e->next || b > e->hi ||
		    (b == it->delim && d >= it->plen))
			return false;
		c = rd16(n + kids + 2 * i);
		x = f + holt_dec(c);
		if (x[1] == HOLT_N_LEAF) {
			if (leaf_dead(x))
				return false;
		} else if ((x[1] != HOLT_N_4 && x[1] != HOLT_N_16) ||
			   rd16(x + NODE_TERM) || it->sp == it->cap ||
			   (it->delim >= 0 && d + 1 > it->kcap)) {
			return false;
		} else if (it->delim >= 0) {
			it->kb[d] = b;
		}
		e->pos = (u8)(i + 1);
		e->next = (u16)(b + 1);
		if (b >= e->hi || i + 1 >= cnt)
			it->sp--;	/* the last child: done with the node */
		if (x[1] == HOLT_N_LEAF) {
			it_stream(it, f, x);
			it->lf = f;
			it->lfid = e->fid;
			*leaf = x;
			return true;
		}
		node_prefetch_kids(f, x);
		it_push(it, f, e->fid, c, 0, 255, true, d + 1);	/* room checked */
	}
}

/*
 * Does the entry @b leading to Blob @x roll up at its next byte without a
 * crossing: its roll bit set (blob_rolls()), and the delimiter the '/'
 * the bits speak of?  (Only where tombstones cannot hide its keys.)
 */
static __always_inline bool it_blob_rolls(const u8 *x, u32 b, int delim)
{
	return delim == HOLT_CUT_BYTE && blob_rolls(x, (u8)b);
}

/*
 * The common steps of an upper level's listing in a dense tree, taken
 * without it_next()'s loop: every subtree of a dense tree holds a live key
 * (it_roll_now()), so a common prefix is given out as soon as the walk has
 * its bytes.  While the top entry is an inner node at or below the prefix's
 * depth and past its terminal, its next child is taken: the delimiter's
 * byte rolls up at once (the child is not read unless it may be a dead
 * leaf: it_dead_leaf()); a Blob is crossed, unless its roll bit tells
 * (blob_rolls(): without tombstones, by '/'); a Prefix whose bytes hold the
 * delimiter rolls up with them; an inner node without a terminal is
 * entered, and when its first child is the delimiter's, that one rolls up
 * with it at once (a child frame cut below a '/' hangs under a Node4
 * holding only the '/').  True with the common prefix in it->kb,
 * it->roll_len bytes (IT_PREFIX); false for anything else (a leaf, a
 * terminal, a Prefix without the delimiter, a crossing that fails), which
 * it_next() takes from where this left off: a child is only taken once
 * this knows what to do with it.
 */
static __always_inline bool it_next_roll_as(struct holt_iter *it, bool dead)
{
	int delim = it->delim;

	if (it->roll_len) {
		if (it->sp > it->roll_sp)
			return false;
		it->roll_len = 0;	/* the last one is out */
	}
	if (delim < 0 || it->pending || !it->t->dense)
		return false;
	while (it->sp > it->floor) {
		struct it_ent *e = &it->st[it->sp - 1];
		const u8 *f = e->f, *n = f + holt_dec(e->node), *x, *q;
		u32 d = e->depth, fid = e->fid, len = 0;
		u8 pos = e->pos, xpos = 0;
		u16 c, xc;
		int b;

		if (!e->term_done || !type_is_inner(n[1]) || d < it->plen ||
		    d + 1 > it->kcap || it->sp == it->cap ||
		    (dead && it_hollow(it, fid)))
			return false;
		b = node_next_at(n, e->next, &pos, &c);
		if (b < 0 || b > e->hi) {
			it->sp--;	/* no child left */
			continue;
		}
		x = NULL;
		q = NULL;
		if (b == delim) {
			if (dead && it_dead_leaf(it, f, c))
				return false;
		} else {
			x = f + holt_dec(c);
			if (x[1] == HOLT_N_BLOB && !dead &&
			    it_blob_rolls(x, (u32)b, delim)) {
				if (d + 2 > it->kcap)
					return false;
				x = NULL;
				len = 1;
			} else if (x[1] == HOLT_N_BLOB) {
				if (b < e->hi)
					it_peek_frame(it, f, n, pos);
				if (it_cross(it, &f, &fid, &c, (u8)b) || !c ||
				    (dead && it_hollow(it, fid)))
					return false;
				x = f + holt_dec(c);
			}
			if (!x) {
				/* told by the Blob's roll bit */
			} else if (x[1] == HOLT_N_PREFIX) {
				u32 have = rd16(x + PFX_LEN);

				q = x + PFX_BYTES;
				len = bytes_find(q, have, (u8)delim,
						 f + HOLT_FRAME_SIZE);
				if (len == have)
					return false;
				len++;
				if (d + 1 + len > it->kcap)
					return false;
			} else if (!type_is_inner(x[1]) || rd16(x + NODE_TERM)) {
				return false;
			} else if (node_next_at(x, 0, &xpos, &xc) == delim) {
				/* a node whose first child is the delimiter's */
				if (d + 2 > it->kcap ||
				    (dead && it_dead_leaf(it, f, xc)))
					return false;
				len = 1;
			}
		}
		/* take the child */
		e->pos = pos;
		e->next = (u16)(b + 1);
		if (b >= e->hi || node_sorted_last(n, pos))
			it->sp--;	/* the last child: done with the node */
		it->kb[d] = (u8)b;
		if (!x || q) {
			if (q)
				bytes_copy(it->kb + d + 1, it->kcap - d - 1, q,
					   len, f + HOLT_FRAME_SIZE);
			else if (len)
				it->kb[d + 1] = (u8)delim;
			it->roll_len = d + 1 + len;
			it->roll_sp = it->sp;
			return true;
		}
		if (len) {
			/*
			 * Give the delimiter's child out now, and leave the
			 * node for its other children, if any (a Node4
			 * holding only '/' above a child frame cut below it).
			 */
			it->kb[d + 1] = (u8)delim;
			if (!node_sorted_last(x, xpos)) {
				node_prefetch_kids(f, x);
				it_push(it, f, fid, c, (u32)delim + 1, 255,
					true, d + 1);	/* room checked */
			}
			it->roll_len = d + 2;
			it->roll_sp = it->sp;
			return true;
		}
		node_prefetch_kids(f, x);
		it_push(it, f, fid, c, 0, 255, true, d + 1);	/* room checked */
	}
	return false;
}

/*
 * One copy of the step for trees with tombstones in them and one for those
 * without, which then test nothing more than they did before there were.
 */
static __always_inline bool it_next_roll(struct holt_iter *it)
{
	return it->dead ? it_next_roll_as(it, true) :
			  it_next_roll_as(it, false);
}

/*
 * The next item in key order: IT_LEAF or IT_SEEK_LEAF (*@leaf), IT_PREFIX
 * (a common prefix rolled up by the delimiter: it->kb, it->roll_len
 * bytes), IT_END (also when only entries under the floor are left), or a
 * negative errno.
 */
static int it_next(struct holt_iter *it, const u8 **leaf)
{
	const u8 *l;
	int err;

	if (it->pending) {
		*leaf = it->pending;
		it->pending = NULL;
		return IT_SEEK_LEAF;
	}
	while (it->sp > it->floor) {
		struct it_ent *e = &it->st[it->sp - 1];
		const u8 *f, *n = e->f + holt_dec(e->node);
		u32 d = e->depth, fid = e->fid;
		u16 c = 0;
		int b;

		if (it->roll_len && it->sp <= it->roll_sp)
			it->roll_len = 0;	/* the subtree was hollow */
		if (n[1] == HOLT_N_PREFIX) {
			u32 len = rd16(n + PFX_LEN);

			if (e->next) {
				it->sp--;
				continue;
			}
			/* its only child is taken now: done with it */
			f = e->f;
			it->sp--;
			c = rd16(n + PFX_CHILD);
			if (it->delim >= 0) {
				const u8 *s = n + PFX_BYTES;
				const u8 *lim = f + HOLT_FRAME_SIZE;
				u32 from = d < it->plen ? it->plen - d : 0;
				u32 at = len;

				err = it_kb_room(it, d + len);
				if (err)
					return err;
				bytes_copy(it->kb + d, it->kcap - d, s, len, lim);
				if (from < len && !it->roll_len)
					at = from + bytes_find(s + from, len - from,
							       (u8)it->delim,
							       lim);
				if (at < len) {
					it->roll_len = d + at + 1;
					it->roll_sp = it->sp;
				}
				if (it->roll_len && it_roll_now(it, f, fid, c))
					return it_roll_done(it);
			}
			err = it_enter(it, f, fid, c, -1, d + len, &l);
			if (err)
				return err;
			if (!l)
				continue;
			if (it->roll_len)
				return it_roll_done(it);
			*leaf = l;
			return IT_LEAF;
		}
		if (!type_is_inner(n[1])) {
			it->sp--;
			continue;
		}
		if (!e->term_done) {
			e->term_done = true;
			c = rd16(n + NODE_TERM);
			if (c && !leaf_dead(e->f + holt_dec(c))) {
				if (it->roll_len)
					return it_roll_done(it);
				*leaf = e->f + holt_dec(c);
				return IT_LEAF;
			}
		}
		if (e->next > e->hi) {
			it->sp--;
			continue;
		}
		b = node_next_at(n, e->next, &e->pos, &c);
		if (b < 0 || b > e->hi) {
			it->sp--;
			continue;
		}
		e->next = (u16)(b + 1);
		f = e->f;
		if (f[holt_dec(c) + 1] == HOLT_N_BLOB && b < e->hi)
			it_peek_frame(it, f, n, e->pos);
		if (b >= e->hi || node_sorted_last(n, e->pos))
			it->sp--;	/* the last child: done with the node */
		if (it->delim >= 0) {
			err = it_kb_room(it, d + 1);
			if (err)
				return err;
			it->kb[d] = (u8)b;
			if (!it->roll_len && b == it->delim && d >= it->plen) {
				it->roll_len = d + 1;
				it->roll_sp = it->sp;
			}
			if (it->roll_len && it_roll_now(it, f, fid, c))
				return it_roll_done(it);
		}
		if (f[holt_dec(c) + 1] == HOLT_N_BLOB) {
			err = it_cross(it, &f, &fid, &c, (u8)b);
			if (err)
				return err;
			if (!c)
				continue;
			if (it->roll_len && it_roll_now(it, f, fid, c))
				return it_roll_done(it);
		}
		if (it->delim >= 0 && !it->roll_len &&
		    f[holt_dec(c) + 1] == HOLT_N_PREFIX) {
			err = it_roll_prefix(it, f, fid, c, d + 1);
			if (err)
				return err;	/* IT_PREFIX or an errno */
		}
		err = it_enter(it, f, fid, c, b, d + 1, &l);
		if (err)
			return err;
		if (!l)
			continue;
		if (it->roll_len)
			return it_roll_done(it);
		*leaf = l;
		return IT_LEAF;
	}
	return IT_END;
}

/* Does leaf @l satisfy the bound? */
static bool it_leaf_ok(const u8 *l, const u8 *bound, u32 blen, int mode)
{
	u32 lk = leaf_klen(l), m = lk < blen ? lk : blen;
	int c = bcmp_n(leaf_key(l), bound, m);

	switch (mode) {
	case SEEK_GE:
		return c > 0 || (c == 0 && lk >= blen);
	case SEEK_GT:
		return c > 0 || (c == 0 && lk > blen);
	default:
		return c > 0;
	}
}

/*
 * A seek starts with an empty stack, nothing pending or rolling up, and
 * for a delimiter scan the bound's bytes in the path buffer (every entry
 * a seek leaves lies on the bound's path).
 */
static int it_seek_start(struct holt_iter *it, const u8 *bound, u32 blen)
{
	int err;

	it->sp = 0;
	it->pending = NULL;
	it->roll_len = 0;
	if (it->delim >= 0 && blen) {
		err = it_kb_room(it, blen);
		if (err)
			return err;
		memcpy(it->kb, bound, blen);
	}
	return 0;
}

/*
 * Position the iterator before the first key meeting the bound.  Every
 * entry it leaves on the stack lies on the bound's path, so the path
 * buffer of a delimiter scan is the bound's bytes.  SEEK_AFTER (past
 * every key that starts with the bound: a page of a listing that starts
 * after a common prefix) never goes below the bound's last byte, so a
 * child frame that holds only keys under the bound is not entered (nor
 * read back when it is out of memory).
 */
static int it_seek(struct holt_iter *it, const u8 *bound, u32 blen, int mode)
{
	struct holt_tree *t = it->t;
	const u8 *f = t->frames[HOLT_ROOT_FRAME];
	u16 cur = rd16(f + HDR_ROOT);
	u32 d = 0;
	int err;

	err = it_seek_start(it, bound, blen);
	if (!err)
		err = it_push(it, f, HOLT_ROOT_FRAME, cur, 0, 255, false, 0);
	for (;;) {
		struct it_ent *e;
		const u8 *n, *leaf;
		u16 c;
		u8 b;

		if (err)
			return err;
		e = &it->st[it->sp - 1];
		n = e->f + holt_dec(e->node);
		if (n[1] == HOLT_N_EMPTY) {
			it->sp--;
			return 0;
		}
		if (n[1] == HOLT_N_PREFIX) {
			u32 len = rd16(n + PFX_LEN);
			u32 m = len < blen - d ? len : blen - d;
			int cmp = bcmp_n(n + PFX_BYTES, bound + d, m);

			if (cmp < 0) {
				it->sp--;
				return 0;
			}
			if (cmp > 0)
				return 0;
			if (m < len) {
				/* every key below starts with the bound */
				if (mode == SEEK_AFTER)
					it->sp--;
				return 0;
			}
			e->next = 1;
			d += len;
			c = rd16(n + PFX_CHILD);
			n = e->f + holt_dec(c);
			if (n[1] == HOLT_N_LEAF) {
				if (!leaf_dead(n) && it_leaf_ok(n, bound, blen,
								mode))
					it->pending = n;
				return 0;
			}
			err = it_push(it, e->f, e->fid, c, 0, 255, false, d);
			continue;
		}
		if (!type_is_inner(n[1]))
			return -EUCLEAN;
		if (d == blen) {
			if (mode == SEEK_GT)
				e->term_done = true;
			else if (mode == SEEK_AFTER)
				it->sp--;
			return 0;
		}
		b = bound[d];
		e->term_done = true;
		if (b < e->next || b > e->hi)
			return 0;
		e->next = (u16)(b + 1);
		if (mode == SEEK_AFTER && d + 1 == blen)
			return 0;	/* every key under b starts with the bound */
		c = node_find(n, b);
		if (!c)
			return 0;
		n = e->f + holt_dec(c);
		if (n[1] == HOLT_N_LEAF) {
			if (!leaf_dead(n) && it_leaf_ok(n, bound, blen, mode))
				it->pending = n;
			return 0;
		}
		if (n[1] == HOLT_N_BLOB) {
			err = it_enter(it, e->f, e->fid, c, b, d + 1, &leaf);
			if (!err) {
				/* the child root dispatches on b again */
				it->st[it->sp - 1].next = b;
			}
			continue;
		}
		err = it_enter(it, e->f, e->fid, c, b, d + 1, &leaf);
		d++;
	}
}

/*
 * it_seek() for the keys that start with @p, @plen bytes, when nothing
 * below the prefix matters (a scan or count with no start-after): the
 * walk goes down without pushing an entry until it reaches the body that
 * covers the prefix's last byte, and leaves only that one on the stack
 * (it is then the floor: it_set_floor() gives 0).  No such body means
 * no key has the prefix, or a lone leaf holds the only one (pending).
 */
static int it_seek_prefix(struct holt_iter *it, const u8 *p, u32 plen)
{
	struct holt_tree *t = it->t;
	const u8 *f = t->frames[HOLT_ROOT_FRAME];
	u32 fid = HOLT_ROOT_FRAME, d = 0;
	u16 cur = rd16(f + HDR_ROOT);
	bool by_byte = false;	/* @cur was reached by byte p[d - 1] */
	int err;

	err = it_seek_start(it, p, plen);
	if (err)
		return err;
	for (;;) {
		const u8 *n = f + holt_dec(cur);
		u32 len;

		switch (n[1]) {
		case HOLT_N_EMPTY:
			return 0;
		case HOLT_N_LEAF:
			if (!leaf_dead(n) && it_leaf_ok(n, p, plen, SEEK_GE))
				it->pending = n;
			return 0;
		case HOLT_N_PREFIX:
			len = rd16(n + PFX_LEN);
			if (len >= plen - d) {
				/* the prefix ends in here: keys below, or none */
				if (!bcmp_n(n + PFX_BYTES, p + d, plen - d))
					return it_push(it, f, fid, cur, 0, 0,
						       true, d);
				return 0;
			}
			if (memcmp(n + PFX_BYTES, p + d, len))
				return 0;
			d += len;
			cur = rd16(n + PFX_CHILD);
			by_byte = false;
			continue;
		case HOLT_N_BLOB:
			/* the child frame's root dispatches on p[d - 1] again */
			if (!by_byte)
				return -EUCLEAN;
			err = it_cross(it, &f, &fid, &cur, p[d - 1]);
			if (err || !cur)
				return err;
			continue;
		default:
			if (!type_is_inner(n[1]))
				return -EUCLEAN;
			if (d >= plen)
				return it_push(it, f, fid, cur, 0, 255, false, d);
			cur = node_find(n, p[d]);
			if (!cur)
				return 0;
			d++;
			by_byte = true;
		}
	}
}

/*
 * After a seek for @p (or for a bound that starts with it): the entries
 * at the bottom of the stack whose keys to come all lie past the prefix.
 * They sit above the prefix's depth with their next byte past the
 * prefix's (the seek went down through them), or are Prefix bodies already
 * passed or whose bytes leave the prefix.  it_next() ends when it is back
 * down to them instead of walking to the first key past the prefix, and
 * every key it yields above them starts with the prefix.
 */
static void it_set_floor(struct holt_iter *it, const u8 *p, u32 plen)
{
	u32 i;

	for (i = 0; i < it->sp; i++) {
		const struct it_ent *e = &it->st[i];
		const u8 *n = e->f + holt_dec(e->node);
		u32 d = e->depth;

		if (d >= plen)
			break;
		if (n[1] == HOLT_N_PREFIX && !e->next &&
		    d + rd16(n + PFX_LEN) >= plen &&
		    !memcmp(n + PFX_BYTES, p + d, plen - d))
			break;
	}
	it->floor = i;
}

static void it_free(struct holt_iter *it)
{
	if (it->st != it->st_inline)
		holt_port_free(it->st);
	if (it->kb != it->kb_inline)
		holt_port_free(it->kb);
}

static void it_init(struct holt_iter *it, struct holt_tree *t, int delim,
		    u32 plen)
{
	memset(it, 0, offsetof(struct holt_iter, kb_inline));
	it->t = t;
	it->dead = t->dead_leaves;
	it->delim = delim;
	it->plen = plen;
	it->kb = it->kb_inline;
	it->kcap = IT_KB_INLINE;
	it->st = it->st_inline;
	it->cap = IT_ST_INLINE;
}

static bool has_prefix(const u8 *k, u32 kl, const u8 *p, u32 plen)
{
	return kl >= plen && !bcmp_n(k, p, plen);
}

/**
 * holt_iter_dense() - does every subtree of a tree hold a live key?
 * @t: tree
 *
 * What lets a delimiter scan roll a subtree up without going down
 * (it_roll_now()).  A tree filled from empty without deletes is known to
 * be dense; this proves it again for a tree loaded from images or after a
 * compaction dropped its tombstones.  With no tombstone in any frame every
 * leaf is live, so it suffices that every inner node has a child or a
 * terminal, a Prefix leads to a node or a leaf, and the child frame of a
 * Blob holds something for the Blob's byte: the walk visits every body
 * once (a child frame is entered once for each byte its parent sends
 * there, and each visit sees only that byte's part).  False also when a
 * frame is out of memory, on a walk that fails, or when memory is short.
 *
 * Context: the caller excludes writers; allocates a stack, may sleep (it
 * yields the CPU now and then: a large tree takes seconds).
 * Return: true when @t is dense.
 */
bool holt_iter_dense(struct holt_tree *t)
{
	struct holt_iter it;
	const u8 *f = t->frames[HOLT_ROOT_FRAME];
	u16 root = rd16(f + HDR_ROOT);
	u8 type = f[holt_dec(root) + 1];
	bool dense = false;
	u32 id, steps = 0;

	if (holt_atomic_read(&t->nr_out))
		return false;
	for (id = HOLT_ROOT_FRAME; id < t->frames_cap; id++)
		if (t->frames[id] && hdr32(t->frames[id], HDR_TOMBS))
			return false;
	if (type == HOLT_N_EMPTY || type == HOLT_N_LEAF)
		return true;
	it_init(&it, t, -1, 0);
	if (it_push(&it, f, HOLT_ROOT_FRAME, root, 0, 255,
		    type == HOLT_N_PREFIX, 0))
		goto out;
	while (it.sp) {
		struct it_ent *e = &it.st[it.sp - 1];
		const u8 *n, *x;
		u32 fid = e->fid;
		u16 c;
		int b;

		if (!(++steps % 65536))
			holt_cond_resched();
		f = e->f;
		n = f + holt_dec(e->node);
		if (n[1] == HOLT_N_PREFIX) {
			it.sp--;	/* its only child is taken now */
			c = rd16(n + PFX_CHILD);
		} else {
			if (!type_is_inner(n[1]))
				goto out;
			if (!e->term_done) {
				e->term_done = true;
				if (!rd16(n + NODE_TERM) && !node_count(n))
					goto out;	/* nothing below */
			}
			b = node_next_at(n, e->next, &e->pos, &c);
			if (b < 0) {
				it.sp--;
				continue;
			}
			e->next = (u16)(b + 1);
			if (f[holt_dec(c) + 1] == HOLT_N_BLOB &&
			    (it_cross(&it, &f, &fid, &c, (u8)b) || !c))
				goto out;	/* nothing for b there */
		}
		x = f + holt_dec(c);
		if (x[1] == HOLT_N_LEAF)
			continue;
		if (x[1] != HOLT_N_PREFIX && !type_is_inner(x[1]))
			goto out;
		if (it_push(&it, f, fid, c, 0, 255, x[1] == HOLT_N_PREFIX, 0))
			goto out;
	}
	dense = true;
out:
	it_free(&it);
	return dense;
}

static int key_cmp(const u8 *a, u32 al, const u8 *b, u32 bl)
{
	int c = bcmp_n(a, b, al < bl ? al : bl);

	if (c)
		return c;
	return al < bl ? -1 : al > bl;
}

/*
 * Where a delimiter scan starts: after @sa, or when @sa holds the
 * delimiter after the prefix, after everything under its first common
 * prefix (none of which is greater than @sa once rolled up).  The path of
 * every entry left on the stack then holds no delimiter after the prefix,
 * which it_next() relies on.
 */
static int scan_seek(struct holt_iter *it, const struct holt_scan_args *a)
{
	const u8 *sa = a->start_after, *q;

	if (!sa || key_cmp(sa, a->salen, a->prefix, a->plen) < 0)
		return it_seek_prefix(it, a->prefix, a->plen);
	if (!has_prefix(sa, a->salen, a->prefix, a->plen)) {
		/* past every key under the prefix */
		it->sp = 0;
		return 0;
	}
	q = a->delimiter < 0 ? NULL :
	    memchr(sa + a->plen, a->delimiter, a->salen - a->plen);
	if (q)
		return it_seek(it, sa, (u32)(q - sa) + 1, SEEK_AFTER);
	return it_seek(it, sa, a->salen, SEEK_GT);
}

/*
 * After leaf @l, which it_next_leaf() took in a frame laid out by a
 * rebuild (tree_frame_laid()), the rest of the subtrees of the entries on
 * the stack above some entry E of the same frame is one run of memory up
 * to E's own body, its leaves in key order among inner nodes' bodies,
 * provided E is not a directory body (those lie together at the end).
 * Give those leaves to @fn straight from memory, without the stack, then
 * drop E and everything above it.  E is the lowest entry that, like every
 * entry above it, is a Node4 or Node16 of that frame above the floor that
 * takes any byte (not a child frame's root entered for one byte) and
 * whose children still to come all lie ahead of @l.  (A rebuild gives a
 * node's children that lead into the same child frame one Blob, where the
 * first of them is; only a child of a node on the stack can point back to
 * it.  Inside the run a Blob ends the run.)
 *
 * A leaf whose key holds the delimiter after the prefix, a Blob or
 * anything unexpected ends the run early: the walk then seeks from the
 * root to the first key after the last leaf given out, as a scan that
 * started after it would, and takes no more runs (a directory that mixes
 * files and subdirectories costs at most one seek more).  With
 * HOLT_CUT_BYTE as the delimiter no leaf's key is read for it: no key
 * below a body outside the directory bodies holds that byte past the
 * body's depth (cp_dir()), the path down to E holds none past the prefix
 * (scan_seek()), and E and the entries above it lie outside.
 *
 * Return: 0 or an errno of the seek; *@stop when the scan ends here, with
 * *@err @fn's non-zero return (or 0 at the limit).
 */
static noinline int scan_linear(struct holt_iter *it,
				const struct holt_scan_args *a,
				holt_scan_fn fn, void *ctx, u64 *nr,
				const u8 *l, bool *stop, int *err)
{
	const u8 *f = it->lf, *fend = f + HOLT_FRAME_SIZE, *p, *end, *last = l;
	const u8 *ahead;
	struct holt_scan_item item = { 0 };
	bool vals = !(a->flags & HOLT_SCAN_KEYS_ONLY);
	/* a count down to the limit: one value across @fn, not two */
	u64 n = *nr, left = a->limit ? a->limit - n : ~0ull, left0 = left;
	u32 plen = it->plen, j = it->sp, upper = it->t->meta[it->lfid].upper;
	int delim = it->delim == HOLT_CUT_BYTE ? -1 : it->delim, r;

	if (!left) {
		*stop = true;	/* the caller stops before: never so */
		return 0;
	}

	while (j > it->floor) {
		const struct it_ent *e = &it->st[j - 1];
		const u8 *nd = f + holt_dec(e->node);
		u32 cnt, keys, kids, i;

		if (e->f != f || e->hi != 255 || !e->term_done ||
		    holt_dec(e->node) >= upper ||
		    !node_sorted(nd, &cnt, &keys, &kids))
			break;
		/* a child to come lies behind: a Blob shared with one before */
		for (i = e->pos; i < cnt; i++)
			if (nd[keys + i] >= e->next &&
			    f + holt_dec(rd16(nd + kids + 2 * i)) <= l)
				break;
		if (i < cnt)
			break;
		j--;
	}
	if (j == it->sp)
		return 0;
	end = f + holt_dec(it->st[j].node);
	p = l + leaf_size(l);
	if (end <= p || end > fend)
		return 0;
	it_stream(it, f, p);
	ahead = it->ahead;
	while (p < end) {
		u32 size, kl;

		if (p[1] != HOLT_N_LEAF) {
			if (!type_is_inner(p[1]) && p[1] != HOLT_N_PREFIX)
				goto reseek;
			size = body_size(p);
			if (size < 8 || size > (u32)(end - p))
				goto reseek;
			p += size;
			continue;
		}
		size = leaf_size(p);
		if (size > (u32)(end - p))
			goto reseek;
		if (leaf_dead(p)) {
			p += size;
			continue;
		}
		kl = leaf_klen(p);
		if (kl < plen || (delim >= 0 &&
				  bytes_hold(leaf_key(p) + plen, kl - plen,
					     (u8)delim, fend)))
			goto reseek;
		/* it_stream()'s two lines a leaf, within the run */
		if (ahead < end && ahead < p + IT_STREAM_AHEAD) {
			holt_port_prefetch(ahead);
			holt_port_prefetch(ahead + HOLT_CACHE_LINE);
			ahead += 2 * HOLT_CACHE_LINE;
		}
		item.key = leaf_key(p);
		item.klen = kl;
		item.version = holt_get_le64(p + LEAF_SEQ);
		if (vals) {
			item.val = leaf_val(p);
			item.vlen = leaf_vlen(p);
		}
		r = fn(ctx, &item);
		if (r || !--left) {
			*err = r;
			*nr = n + (left0 - left);
			*stop = true;
			return 0;
		}
		last = p;
		p += size;
	}
	*nr = n + (left0 - left);
	it->sp = j;
	it->ahead = ahead;
	return 0;
reseek:
	*nr = n + (left0 - left);
	it->no_run = true;
	r = it_seek(it, leaf_key(last), leaf_klen(last), SEEK_GT);
	if (!r)
		it_set_floor(it, a->prefix, plen);
	return r;
}

/*
 * Give out the common prefix in it->kb, it->roll_len bytes, unless the
 * start-after bound keeps it out (the seek past the bound already keeps
 * out every one a roll-up gives, but the loop's test is cheap).
 *
 * Return: 0 or @fn's non-zero return; *@stop at the limit.
 */
static __always_inline int roll_give(struct holt_iter *it,
				     const struct holt_scan_args *a,
				     holt_scan_fn fn, void *ctx, u64 *nr,
				     bool *stop)
{
	struct holt_scan_item item = {
		.key = it->kb,
		.klen = it->roll_len,
		.is_prefix = true,
	};
	int err;

	if (a->start_after && key_cmp(it->kb, it->roll_len, a->start_after,
				      a->salen) <= 0)
		return 0;
	err = fn(ctx, &item);
	if (!err && a->limit && ++*nr >= a->limit)
		*stop = true;
	return err;
}

/*
 * The siblings of a common prefix just given out that roll up without a
 * step down, given out in one loop over the node's keys: a child under
 * the delimiter's byte, a Prefix that holds the delimiter in its first 16
 * bytes, and an inner node whose only child is the delimiter's (a child
 * frame cut below its '/'), in this frame or, behind a Blob, in a child
 * frame (or told by the Blob's roll bits, blob_rolls(), with '/' as the
 * delimiter).  An upper level's listing is mostly such runs, which
 * it_next_roll_as() would take one call and a dozen tests each.  The loop
 * keeps its state in locals, as few as it can (gcc keeps most of them on
 * the stack around every call of @fn: the bytes already skipped, a count
 * down to the limit, the last child taken, from which the iterator's
 * state follows at the end), and leaves the iterator as
 * it_next_roll_as() would after the last child it took; the first child
 * that is anything else (a node to enter, a leaf, a
 * crossing that fails) stops it before that child is taken, and
 * it_next_roll() goes on from there.  Only in a dense tree without
 * tombstones, where a subtree is given out without a look inside.
 *
 * Return: 0 or @fn's non-zero return; *@stop at the limit.
 */
static noinline int roll_siblings(struct holt_iter *it,
				  const struct holt_scan_args *a,
				  holt_scan_fn fn, void *ctx, u64 *nr,
				  bool *stop)
{
	struct holt_scan_item item = { .is_prefix = true };
	const u8 *sa = a->start_after, *f, *n, *kp, *cp;
	u64 left = (a->limit ? a->limit : ~0ull) - *nr;
	u32 cnt, keys, kids, d, i, salen = a->salen;
	u32 hi, took = 0, tlen = 0, pos;
	int delim = it->delim, err = 0;
	struct it_ent *e;
	u8 *kd;

	if (!it->roll_len || it->sp > it->roll_sp || it->sp <= it->floor ||
	    it->dead || it->pending || delim < 0 || !it->t->dense || !left)
		return 0;
	e = &it->st[it->sp - 1];
	f = e->f;
	n = f + holt_dec(e->node);
	d = e->depth;
	hi = e->hi;
	/* room for the child's byte and a 16-byte copy of a Prefix's */
	if (!e->term_done || d < it->plen || d + 1 + 16 > it->kcap ||
	    !node_sorted(n, &cnt, &keys, &kids))
		return 0;
	kp = n + keys;
	cp = n + kids;
	for (pos = e->pos; pos < cnt && kp[pos] < e->next; pos++)
		;	/* as node_next_at() */
	kd = it->kb + d;	/* the child's byte goes here, its bytes after */
	for (i = pos; i < cnt; i++) {
		u32 b = kp[i], len = 0;
		u16 c = rd16(cp + 2 * i);
		const u8 *xf = f, *x = f + holt_dec(c);

		if (b > hi)
			break;
		if (b != (u32)delim && x[1] == HOLT_N_BLOB) {
			u32 xfid = e->fid;

			if (it_blob_rolls(x, b, delim)) {
				x = NULL;
			} else {
				if (b < hi)
					it_peek_frame(it, f, n, i + 1);
				if (it_cross(it, &xf, &xfid, &c, (u8)b) || !c)
					break;	/* it_next_roll() tells */
				x = xf + holt_dec(c);
			}
		}
		if (b == (u32)delim) {
			/* the child itself is the common prefix */
		} else if (!x) {
			kd[1] = (u8)delim;
			len = 1;
		} else if (x[1] == HOLT_N_PREFIX) {
			u32 have = rd16(x + PFX_LEN);
			const u8 *xend = xf + HOLT_FRAME_SIZE;

			len = bytes_find(x + PFX_BYTES, have, (u8)delim, xend);
			if (len == have || len >= 16)
				break;
			len++;
			bytes_copy(kd + 1, 16, x + PFX_BYTES, len, xend);
		} else if (node_holds_only(x, (u8)delim)) {
			kd[1] = (u8)delim;
			len = 1;
		} else {
			break;
		}
		/* take the child, as it_next_roll_as() would */
		kd[0] = (u8)b;
		took = i + 1;
		tlen = len;
		if (sa && key_cmp(kd - d, d + 1 + len, sa, salen) <= 0)
			continue;
		item.key = kd - d;
		item.klen = d + 1 + len;
		err = fn(ctx, &item);
		if (err)
			break;
		if (!--left) {
			*stop = true;
			break;
		}
		if (b >= hi)
			break;
	}
	if (took) {
		e->pos = (u8)took;
		e->next = (u16)(kp[took - 1] + 1);
		if (e->next > hi || took >= cnt)
			it->sp--;	/* the last child: done with the node */
		it->roll_len = d + 1 + tlen;
		it->roll_sp = it->sp;
	}
	*nr = (a->limit ? a->limit : ~0ull) - left;
	return err;
}

/*
 * After it_next_roll() gave out a common prefix, the ones that follow it
 * go straight to @fn, without the scan's loop (an upper level's listing
 * is mostly such a run): runs of siblings from roll_siblings(), the rest
 * one it_next_roll() at a time.
 *
 * Return: 0 or @fn's non-zero return; *@stop at the limit.
 */
static noinline int scan_roll(struct holt_iter *it,
			      const struct holt_scan_args *a, holt_scan_fn fn,
			      void *ctx, u64 *nr, bool *stop)
{
	int err;

	for (;;) {
		err = roll_siblings(it, a, fn, ctx, nr, stop);
		if (err || *stop || !it_next_roll(it))
			return err;
		err = roll_give(it, a, fn, ctx, nr, stop);
		if (err || *stop)
			return err;
	}
}

/**
 * holt_tree_scan() - visit keys in order (see struct holt_scan_args)
 * @t: tree
 * @args: prefix, start-after, delimiter, limit, flags
 * @fn: called for every item; non-zero stops the scan
 * @ctx: passed to @fn
 *
 * Keys and values of keys point into frame memory; the key of a common
 * prefix is valid during the call only.  @fn must not mutate the tree.
 *
 * A delimiter rolls up a subtree where the walk crosses it: the common
 * prefix comes from the walk's own path, and the subtree is skipped
 * without going down, unless a tree with deletes may hold no live key
 * there (then the walk goes down to the first live key).  A leaf whose
 * key holds the delimiter below the point where it hangs is the only key
 * of its subtree, so rolling it up needs no seek either.
 *
 * Context: the caller excludes writers; allocates a stack.
 * Return: 0, @fn's non-zero return, -EINVAL, -E2BIG, -ENOMEM or -EUCLEAN.
 */
int holt_tree_scan(struct holt_tree *t, const struct holt_scan_args *args,
		   holt_scan_fn fn, void *ctx)
{
	struct holt_iter it;
	const u8 *p = args->prefix, *sa = args->start_after;
	u32 plen = args->plen, salen = args->salen;
	int delim = args->delimiter;
	u64 n = 0;
	const u8 *l = NULL;
	int err, r;

	if (plen > HOLT_KEY_MAX || (sa && salen > HOLT_KEY_MAX))
		return -E2BIG;
	if ((plen && !p) || delim < -1 || delim > 255 || !fn)
		return -EINVAL;
	it_init(&it, t, delim, plen);
	err = scan_seek(&it, args);
	if (!err)
		it_set_floor(&it, p, plen);
	while (!err) {
		struct holt_scan_item item = { 0 };
		const u8 *q = NULL;
		bool run = it_next_leaf(&it, &l), stop = false;
		bool rolled = !run && it_next_roll(&it);

		r = run ? IT_LEAF : rolled ? IT_PREFIX : it_next(&it, &l);
		if (r == IT_END)
			break;
		if (r < 0) {
			err = r;
			break;
		}
		if (r == IT_PREFIX) {
			item.key = it.kb;
			item.klen = it.roll_len;
			item.is_prefix = true;
		} else {
			item.key = leaf_key(l);
			item.klen = leaf_klen(l);
			if (r == IT_SEEK_LEAF &&
			    !has_prefix(item.key, item.klen, p, plen))
				break;
			if (delim >= 0)
				q = memchr(item.key + plen, delim,
					   item.klen - plen);
		}
		if (q) {
			/* a lone leaf above its delimiter */
			item.klen = (u32)(q - item.key) + 1;
			item.is_prefix = true;
		}
		if (item.is_prefix) {
			if (sa && key_cmp(item.key, item.klen, sa, salen) <= 0)
				continue;
		} else {
			item.version = holt_get_le64(l + LEAF_SEQ);
			if (!(args->flags & HOLT_SCAN_KEYS_ONLY)) {
				item.val = leaf_val(l);
				item.vlen = leaf_vlen(l);
			}
		}
		err = fn(ctx, &item);
		if (err)
			break;
		if (args->limit && ++n >= args->limit)
			break;
		if (rolled) {
			err = scan_roll(&it, args, fn, ctx, &n, &stop);
			if (err || stop)
				break;
		}
		if (run && !q && !it.no_run && tree_frame_laid(t, it.lfid)) {
			r = scan_linear(&it, args, fn, ctx, &n, l, &stop, &err);
			if (r < 0)
				err = r;
			if (stop || r < 0)
				break;
		}
	}
	it_free(&it);
	return err;
}

static int it_count_one(void *ctx, const struct holt_scan_item *item)
{
	(*(u64 *)ctx)++;
	return 0;
}

/**
 * holt_iter_count() - count live keys under a prefix, up to a limit
 * @t: tree
 * @prefix: @plen bytes
 * @plen: prefix length (0: the whole tree)
 * @limit: 0 for none
 * @count: gets the count
 *
 * A keys-only scan of the prefix, so that a count takes the same steps
 * as a listing (it_next_leaf(), the straight read of a laid-out frame).
 *
 * Context: the caller excludes writers; allocates a stack.
 * Return: 0, -E2BIG, -ENOMEM or -EUCLEAN.
 */
int holt_iter_count(struct holt_tree *t, const u8 *prefix, u32 plen,
		    u64 limit, u64 *count)
{
	struct holt_scan_args a = {
		.prefix = prefix,
		.plen = plen,
		.delimiter = -1,
		.limit = limit,
		.flags = HOLT_SCAN_KEYS_ONLY,
	};

	*count = 0;
	return holt_tree_scan(t, &a, it_count_one, count);
}
