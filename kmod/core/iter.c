// SPDX-License-Identifier: GPL-2.0
/*
 * iter.c - ordered walks over a whole tree: scans (prefix, start-after,
 * delimiter rollup, keys-only, limit) and prefix counts.
 *
 * DOC: The ordered iterator
 *
 * The iterator keeps an explicit heap stack of (frame, node, next byte)
 * and yields live leaves in key order: at an inner node the terminal leaf
 * (the shortest key) first, then the children by byte.  A Blob entry for
 * byte b continues at the child frame's root restricted to byte b.
 * seek() positions it at the first key >= a bound, > a bound, or after
 * every key that starts with a bound (used to skip a rolled-up common
 * prefix with everything under it).
 */
#include "tree_int.h"
#include "grow.h"

enum { SEEK_GE, SEEK_GT, SEEK_AFTER };

/* memcmp that accepts NULL for zero bytes (an empty prefix or bound) */
static inline int bcmp_n(const void *a, const void *b, u32 n)
{
	return n ? memcmp(a, b, n) : 0;
}

struct it_ent {
	const u8 *f;
	u16 node;
	u16 hi;			/* last byte visited */
	u16 next;		/* next byte to visit; > 255 done */
	bool term_done;
};

struct holt_iter {
	struct holt_tree *t;
	struct it_ent *st;
	u32 sp, cap, hops;
	const u8 *pending;
};

static int it_push(struct holt_iter *it, const u8 *f, u16 node, u32 lo,
		   u32 hi, bool term_done)
{
	struct it_ent *e;

	if (it->sp == it->cap) {
		u32 cap = it->cap ? it->cap * 2 : 32;
		struct it_ent *ns;

		if (cap > HOLT_KEY_MAX * 2 + 64 + it->t->nr_frames * 2)
			return -EUCLEAN;
		ns = holt_grow(it->st, it->sp, cap, sizeof(*ns));
		if (!ns)
			return -ENOMEM;
		it->st = ns;
		it->cap = cap;
	}
	e = &it->st[it->sp++];
	e->f = f;
	e->node = node;
	e->next = (u16)lo;
	e->hi = (u16)hi;
	e->term_done = term_done;
	return 0;
}

/* Push whatever child @c of frame @f (reached by byte @b) needs. */
static int it_enter(struct holt_iter *it, const u8 *f, u16 c, int b,
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
		return it_push(it, x, rd16(x + HDR_ROOT), (u32)b, (u32)b, true);
	}
	case HOLT_N_PREFIX:
		return it_push(it, f, c, 0, 0, true);
	case HOLT_N_EMPTY:
		return 0;
	default:
		if (!type_is_inner(n[1]))
			return -EUCLEAN;
		return it_push(it, f, c, 0, 255, false);
	}
}

/* The next live leaf in key order, NULL at the end (*@err on error). */
static const u8 *it_next(struct holt_iter *it, int *err)
{
	const u8 *leaf;

	*err = 0;
	if (it->pending) {
		leaf = it->pending;
		it->pending = NULL;
		return leaf;
	}
	while (it->sp) {
		struct it_ent *e = &it->st[it->sp - 1];
		const u8 *n = e->f + holt_dec(e->node);
		u16 c = 0;
		int b;

		if (n[1] == HOLT_N_PREFIX) {
			if (e->next) {
				it->sp--;
				continue;
			}
			e->next = 1;
			*err = it_enter(it, e->f, rd16(n + PFX_CHILD), -1, &leaf);
			if (*err)
				return NULL;
			if (leaf)
				return leaf;
			continue;
		}
		if (!type_is_inner(n[1])) {
			it->sp--;
			continue;
		}
		if (!e->term_done) {
			e->term_done = true;
			c = rd16(n + NODE_TERM);
			if (c && !leaf_dead(e->f + holt_dec(c)))
				return e->f + holt_dec(c);
		}
		if (e->next > e->hi) {
			it->sp--;
			continue;
		}
		b = node_next(n, e->next, &c);
		if (b < 0 || b > e->hi) {
			it->sp--;
			continue;
		}
		e->next = (u16)(b + 1);
		*err = it_enter(it, e->f, c, b, &leaf);
		if (*err)
			return NULL;
		if (leaf)
			return leaf;
	}
	return NULL;
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

/* Position the iterator before the first key meeting the bound. */
static int it_seek(struct holt_iter *it, const u8 *bound, u32 blen, int mode)
{
	struct holt_tree *t = it->t;
	const u8 *f = t->frames[HOLT_ROOT_FRAME];
	u16 cur = rd16(f + HDR_ROOT);
	u32 d = 0;
	int err;

	it->sp = 0;
	it->hops = 0;
	it->pending = NULL;
	err = it_push(it, f, cur, 0, 255, false);
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
			err = it_push(it, e->f, c, 0, 255, false);
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
			err = it_enter(it, e->f, c, b, &leaf);
			if (!err) {
				/* the child root dispatches on b again */
				it->st[it->sp - 1].next = b;
			}
			continue;
		}
		err = it_enter(it, e->f, c, b, &leaf);
		d++;
	}
}

static void it_free(struct holt_iter *it)
{
	holt_port_free(it->st);
}

static bool has_prefix(const u8 *l, const u8 *p, u32 plen)
{
	return leaf_klen(l) >= plen && !bcmp_n(leaf_key(l), p, plen);
}

/**
 * holt_iter_count() - count live keys under a prefix, up to a limit
 * @t: tree
 * @prefix: @plen bytes
 * @plen: prefix length (0: the whole tree)
 * @limit: 0 for none
 * @count: gets the count
 *
 * Context: the caller excludes writers; allocates a stack.
 * Return: 0, -ENOMEM or -EUCLEAN.
 */
int holt_iter_count(struct holt_tree *t, const u8 *prefix, u32 plen,
		    u64 limit, u64 *count)
{
	struct holt_iter it = { .t = t };
	const u8 *l;
	int err;

	*count = 0;
	err = it_seek(&it, prefix, plen, SEEK_GE);
	while (!err && (l = it_next(&it, &err))) {
		if (!has_prefix(l, prefix, plen))
			break;
		if (++*count == limit)
			break;
	}
	it_free(&it);
	return err;
}

static int key_cmp(const u8 *a, u32 al, const u8 *b, u32 bl)
{
	int c = bcmp_n(a, b, al < bl ? al : bl);

	if (c)
		return c;
	return al < bl ? -1 : al > bl;
}

/**
 * holt_tree_scan() - visit keys in order (see struct holt_scan_args)
 * @t: tree
 * @args: prefix, start-after, delimiter, limit, flags
 * @fn: called for every item; non-zero stops the scan
 * @ctx: passed to @fn
 *
 * Items point into frame memory; @fn must not mutate the tree.
 *
 * Context: the caller excludes writers; allocates a stack.
 * Return: 0, @fn's non-zero return, -EINVAL, -E2BIG, -ENOMEM or -EUCLEAN.
 */
int holt_tree_scan(struct holt_tree *t, const struct holt_scan_args *args,
		   holt_scan_fn fn, void *ctx)
{
	struct holt_iter it = { .t = t };
	const u8 *p = args->prefix, *sa = args->start_after;
	u32 plen = args->plen, salen = args->salen;
	u64 n = 0;
	const u8 *l;
	int err;

	if (plen > HOLT_KEY_MAX || (sa && salen > HOLT_KEY_MAX))
		return -E2BIG;
	if ((plen && !p) || args->delimiter < -1 || args->delimiter > 255 ||
	    !fn)
		return -EINVAL;
	if (sa && key_cmp(sa, salen, p, plen) >= 0)
		err = it_seek(&it, sa, salen, SEEK_GT);
	else
		err = it_seek(&it, p, plen, SEEK_GE);
	while (!err && (l = it_next(&it, &err))) {
		struct holt_scan_item item = { 0 };
		const u8 *k = leaf_key(l);
		u32 kl = leaf_klen(l), i;

		if (!has_prefix(l, p, plen))
			break;
		if (args->delimiter >= 0) {
			for (i = plen; i < kl; i++)
				if (k[i] == (u8)args->delimiter)
					break;
			if (i < kl) {
				u32 cl = i + 1;
				bool show = !sa || key_cmp(k, cl, sa, salen) > 0;

				if (show) {
					item.key = k;
					item.klen = cl;
					item.is_prefix = true;
					err = fn(ctx, &item);
					if (err)
						break;
				}
				/* k stays valid: the tree does not change */
				err = it_seek(&it, k, cl, SEEK_AFTER);
				if (show && args->limit && ++n >= args->limit)
					break;
				continue;
			}
		}
		item.key = k;
		item.klen = kl;
		item.version = holt_get_le64(l + LEAF_SEQ);
		if (!(args->flags & HOLT_SCAN_KEYS_ONLY)) {
			item.val = leaf_val(l);
			item.vlen = leaf_vlen(l);
		}
		err = fn(ctx, &item);
		if (err)
			break;
		if (args->limit && ++n >= args->limit)
			break;
	}
	it_free(&it);
	return err;
}
