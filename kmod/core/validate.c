// SPDX-License-Identifier: GPL-2.0
/*
 * validate.c - deciding whether 512 KiB of untrusted bytes are a frame every
 * walk may use, and walking one frame alone (holt_frame_scan).
 *
 * DOC: What the validator proves
 *
 * After the header checks (magic, version, sizes, crc32c), a depth-first
 * walk from the root with an explicit heap stack checks every reachable
 * body: its offset and size lie inside the used data area, its type is
 * allowed where it sits, its counts and child bytes are consistent, and
 * it overlaps no other body (a coverage bitmap over the 8-byte units of
 * the data area, which also rules out cycles and shared nodes; only a Blob
 * may be referenced by several entries of one node).  Every leaf's key is
 * compared with the path that leads to it, which proves the keys are in
 * order.  The header counters must match what the walk found, and the
 * slot table must be the breadth-first listing holt_frame_seal() writes.
 * Every loop is bounded by the frame size; nothing trusts a byte it has
 * not checked.
 */
#include "frame.h"
#include "grow.h"

#define V_UNITS		(HOLT_DATA_SIZE / 8u)
#define V_MAX_BLOBS	(HOLT_DATA_SIZE / HOLT_BLOB_SIZE + 1u)

struct v_ent {
	u16 enc;
	u16 blob_base;		/* first of this node's entries in blobs[] */
	u32 depth;		/* key bytes consumed above this node */
	u32 next;		/* next child byte, > 255 done */
	bool started;
};

struct v_ctx {
	const u8 *f;
	u32 used;
	u8 *cover;		/* V_UNITS bits */
	u8 *path;		/* HOLT_KEY_MAX + 1 bytes */
	struct v_ent *st;
	u32 sp, cap;
	u16 *blobs;
	u32 nblobs;
	u32 leaves, tombs, tomb_bytes, nodes;
	u64 max_seq;
	holt_scan_fn fn;
	void *fn_ctx;
};

/* Claim [off, off + size) for one body; false if out of range or taken. */
static bool v_cover(struct v_ctx *v, u32 off, u32 size)
{
	u32 u, end;

	if (off < HOLT_DATA_OFF || size > v->used || off > v->used - size ||
	    !size || size & 7)
		return false;
	end = (off + size - HOLT_DATA_OFF) / 8;
	for (u = (off - HOLT_DATA_OFF) / 8; u < end; u++) {
		if (v->cover[u >> 3] & (1u << (u & 7)))
			return false;
		v->cover[u >> 3] |= (u8)(1u << (u & 7));
	}
	v->nodes++;
	return true;
}

/* Size of the body at @off, checked against the used area; 0 if bad. */
static u32 v_body(struct v_ctx *v, u16 enc, u8 *type)
{
	u32 off, size;
	const u8 *n;

	if (!enc)
		return 0;
	off = holt_dec(enc);
	if (off > v->used - 8 || v->used < HOLT_DATA_OFF + 8)
		return 0;
	n = v->f + off;
	*type = n[1];
	switch (n[1]) {
	case HOLT_N_LEAF:
		if (off > v->used - HOLT_LEAF_HDR)
			return 0;
		size = leaf_size(n);
		break;
	case HOLT_N_PREFIX:
		size = pfx_size_len(rd16(n + PFX_LEN));
		break;
	case HOLT_N_BLOB:
		size = HOLT_BLOB_SIZE;
		break;
	case HOLT_N_4:
	case HOLT_N_16:
	case HOLT_N_48:
	case HOLT_N_256:
		size = inner_size(n[1]);
		break;
	case HOLT_N_EMPTY:
		size = HOLT_EMPTY_SIZE;
		break;
	case HOLT_N_BASE:
		size = holt_align8(BASE_BYTES + rd16(n + BASE_LEN));
		break;
	default:
		return 0;
	}
	if (size > v->used - off)
		return 0;
	return size;
}

static int v_push(struct v_ctx *v, u16 enc, u32 depth)
{
	struct v_ent *e;

	if (v->sp == v->cap) {
		u32 cap = v->cap ? v->cap * 2 : 64;
		struct v_ent *ns;

		if (cap > V_UNITS * 2)
			return -EUCLEAN;
		ns = holt_grow(v->st, v->sp, cap, sizeof(*ns));
		if (!ns)
			return -ENOMEM;
		v->st = ns;
		v->cap = cap;
	}
	e = &v->st[v->sp++];
	memset(e, 0, sizeof(*e));
	e->enc = enc;
	e->depth = depth;
	e->blob_base = (u16)v->nblobs;
	return 0;
}

/*
 * A leaf reached at key depth @depth: as a terminal (@term, key == path)
 * or below a child byte (key starts with path[0..depth)).
 */
static int v_leaf(struct v_ctx *v, u16 enc, u32 depth, bool term)
{
	const u8 *l = v->f + holt_dec(enc);
	u32 klen = leaf_klen(l), size = leaf_size(l);
	u64 seq = holt_get_le64(l + LEAF_SEQ);

	if (!v_cover(v, holt_dec(enc), size))
		return -EUCLEAN;
	if (!klen || l[LEAF_TOMB] > 1 || l[7] || !seq)
		return -EUCLEAN;
	if (term ? klen != depth : klen < depth)
		return -EUCLEAN;
	if (memcmp(leaf_key(l), v->path, depth))
		return -EUCLEAN;
	if (l[LEAF_FP] != holt_leaf_fp(leaf_key(l), klen))
		return -EUCLEAN;
	if (seq > v->max_seq)
		v->max_seq = seq;
	if (leaf_dead(l)) {
		v->tombs++;
		v->tomb_bytes += size;
		return 0;
	}
	v->leaves++;
	if (v->fn) {
		struct holt_scan_item it = {
			.key = leaf_key(l), .klen = klen,
			.val = leaf_val(l), .vlen = leaf_vlen(l),
			.version = seq,
		};

		return v->fn(v->fn_ctx, &it);
	}
	return 0;
}

/* An inner node's own fields: counts, sorted bytes, distinct indexes. */
static int v_inner(struct v_ctx *v, const u8 *n)
{
	u32 cnt = n[0], i, seen = 0;
	const u8 *keys;

	switch (n[1]) {
	case HOLT_N_4:
	case HOLT_N_16:
		keys = n + (n[1] == HOLT_N_4 ? N4_KEYS : N16_KEYS);
		if (cnt > node_capacity(n[1]))
			return -EUCLEAN;
		for (i = 1; i < cnt; i++)
			if (keys[i] <= keys[i - 1])
				return -EUCLEAN;
		return 0;
	case HOLT_N_48: {
		u8 used[48] = { 0 };

		if (cnt > 48)
			return -EUCLEAN;
		for (i = 0; i < 256; i++) {
			u32 x = n[N48_INDEX + i];

			if (!x)
				continue;
			if (x > cnt || used[x - 1])
				return -EUCLEAN;
			used[x - 1] = 1;
			seen++;
		}
		return seen == cnt ? 0 : -EUCLEAN;
	}
	default:
		cnt = rd16(n + N256_COUNT);
		for (i = 0; i < 256; i++)
			if (rd16(n + N256_CHILD + 2 * i))
				seen++;
		return seen == cnt && (u8)cnt == n[0] ? 0 : -EUCLEAN;
	}
}

/* Child @c of the top entry, reached by byte @b at key depth @depth. */
static int v_child(struct v_ctx *v, u16 c, int b, u32 depth)
{
	u8 type = 0;
	u32 size = v_body(v, c, &type), i;
	const u8 *n = v->f + holt_dec(c);

	if (!size)
		return -EUCLEAN;
	if (b >= 0) {
		if (depth >= HOLT_KEY_MAX)
			return -EUCLEAN;
		v->path[depth] = (u8)b;
		depth++;
	}
	switch (type) {
	case HOLT_N_LEAF:
		return v_leaf(v, c, depth, false);
	case HOLT_N_PREFIX: {
		u32 len = rd16(n + PFX_LEN);
		u8 ct = 0;

		if (b < 0 || !len || len > HOLT_KEY_MAX - depth ||
		    !v_body(v, rd16(n + PFX_CHILD), &ct) || !type_is_inner(ct))
			return -EUCLEAN;
		if (!v_cover(v, holt_dec(c), size))
			return -EUCLEAN;
		return v_push(v, c, depth);
	}
	case HOLT_N_BLOB: {
		u64 id = holt_get_le64(n + BLOB_CHILD);

		if (b < 0 || rd16(n + BLOB_PLEN) || !id ||
		    id == holt_get_le64(v->f + HDR_FRAME_ID))
			return -EUCLEAN;
		for (i = v->st[v->sp - 1].blob_base; i < v->nblobs; i++)
			if (v->blobs[i] == c)
				break;
		if (i == v->nblobs) {
			if (v->nblobs >= V_MAX_BLOBS ||
			    !v_cover(v, holt_dec(c), size))
				return -EUCLEAN;
			v->blobs[v->nblobs++] = c;
		}
		if (v->fn) {
			struct holt_scan_item it = {
				.key = v->path, .klen = depth,
				.val = n + BLOB_CHILD, .vlen = 8,
				.is_prefix = true,
			};

			return v->fn(v->fn_ctx, &it);
		}
		return 0;
	}
	case HOLT_N_4:
	case HOLT_N_16:
	case HOLT_N_48:
	case HOLT_N_256:
		if (!v_cover(v, holt_dec(c), size))
			return -EUCLEAN;
		return v_push(v, c, depth);
	default:
		return -EUCLEAN;
	}
}

static int v_walk(struct v_ctx *v, u16 root, u32 depth)
{
	int err = v_push(v, root, depth);

	while (!err && v->sp) {
		struct v_ent *e = &v->st[v->sp - 1];
		const u8 *n = v->f + holt_dec(e->enc);
		u32 d = e->depth;
		u16 c = 0;
		int b;

		if (n[1] == HOLT_N_PREFIX) {
			u32 len = rd16(n + PFX_LEN);

			if (e->started) {
				v->sp--;
				continue;
			}
			e->started = true;
			memcpy(v->path + d, n + PFX_BYTES, len);
			err = v_child(v, rd16(n + PFX_CHILD), -1, d + len);
			continue;
		}
		if (!e->started) {
			e->started = true;
			err = v_inner(v, n);
			if (err)
				break;
			c = rd16(n + NODE_TERM);
			if (c) {
				u8 tt = 0;

				if (!v_body(v, c, &tt) || tt != HOLT_N_LEAF ||
				    v->sp == 1)
					return -EUCLEAN;
				err = v_leaf(v, c, d, true);
				if (err)
					break;
			}
		}
		b = e->next > 255 ? -1 : node_next(n, e->next, &c);
		if (b < 0) {
			v->nblobs = e->blob_base;
			v->sp--;
			continue;
		}
		e->next = (u32)b + 1;
		err = v_child(v, c, b, d);
	}
	return err;
}

/*
 * The body at @enc must be listed in the slot table at an index in
 * [@start, *@tail): a body several entries share is listed once.  When it
 * is not, it must be the next entry, at *@tail, which is then consumed.
 */
static int v_expect(const u8 *f, u16 enc, u32 start, u32 *tail, u32 num)
{
	u32 e = ((u32)f[holt_dec(enc) + 1] << 17) | (holt_dec(enc) / 8u);
	u32 i;

	for (i = start; i < *tail; i++)
		if (holt_get_le32(f + HOLT_SLOT_OFF + 4 * i) == e)
			return 0;
	if (*tail >= num || holt_get_le32(f + HOLT_SLOT_OFF + 4 * *tail) != e)
		return -EUCLEAN;
	(*tail)++;
	return 0;
}

/* The slot table must be what holt_frame_seal() writes. */
static int v_slots(struct v_ctx *v)
{
	const u8 *f = v->f;
	u32 num = rd16(f + HDR_NUM_SLOTS), head = 0, tail = 0;
	u16 root = rd16(f + HDR_ROOT), base = rd16(f + HDR_BASE);

	if (num > HOLT_MAX_SLOTS || num != v->nodes)
		return -EUCLEAN;
	if (v_expect(f, root, 0, &tail, num))
		return -EUCLEAN;
	while (head < tail) {
		u32 e = holt_get_le32(f + HOLT_SLOT_OFF + 4 * head++);
		const u8 *n = f + (e & 0x1ffffu) * 8u;
		u32 start = tail;
		u16 c = 0;
		int b = 0;

		if (n[1] == HOLT_N_PREFIX) {
			if (v_expect(f, rd16(n + PFX_CHILD), start, &tail, num))
				return -EUCLEAN;
			continue;
		}
		if (!type_is_inner(n[1]))
			continue;
		if (rd16(n + NODE_TERM) &&
		    v_expect(f, rd16(n + NODE_TERM), start, &tail, num))
			return -EUCLEAN;
		while ((b = node_next(n, (u32)b, &c)) >= 0) {
			if (v_expect(f, c, start, &tail, num))
				return -EUCLEAN;
			b++;
		}
	}
	if (base && v_expect(f, base, tail, &tail, num))
		return -EUCLEAN;
	return tail == num ? 0 : -EUCLEAN;
}

static int v_header(const u8 *f, u32 flags)
{
	u32 used = hdr32(f, HDR_USED);

	if (hdr32(f, HDR_MAGIC) != HOLT_FRAME_MAGIC ||
	    rd16(f + HDR_VERSION) < HOLT_FRAME_VERSION_MIN ||
	    rd16(f + HDR_VERSION) > HOLT_FRAME_VERSION ||
	    rd16(f + HDR_HSIZE) != HOLT_HDR_SIZE ||
	    hdr32(f, HDR_DATA_START) != HOLT_DATA_OFF)
		return -EUCLEAN;
	if (used < HOLT_DATA_OFF + 8 || used > HOLT_FRAME_SIZE || used & 7)
		return -EUCLEAN;
	if (!holt_get_le64(f + HDR_FRAME_ID))
		return -EUCLEAN;
	if (hdr32(f, HDR_DEAD) > used - HOLT_DATA_OFF)
		return -EUCLEAN;
	if (!(flags & HOLT_VALIDATE_SKIP_CSUM) &&
	    hdr32(f, HDR_CSUM) != holt_frame_csum(f))
		return -EUCLEAN;
	return 0;
}

static int v_run(const u8 *f, u32 flags, holt_scan_fn fn, void *ctx)
{
	struct v_ctx *v;
	u32 blen = rd16(f + HDR_BASE_LEN);
	u16 root = rd16(f + HDR_ROOT), base = rd16(f + HDR_BASE);
	u8 type = 0;
	int err;

	err = v_header(f, flags);
	if (err)
		return err;
	v = holt_port_alloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->f = f;
	v->used = hdr32(f, HDR_USED);
	v->fn = fn;
	v->fn_ctx = ctx;
	v->cover = holt_port_alloc(V_UNITS / 8 + 1);
	v->path = holt_port_alloc(HOLT_KEY_MAX + 1);
	v->blobs = holt_port_alloc(sizeof(u16) * V_MAX_BLOBS);
	err = -ENOMEM;
	if (!v->cover || !v->path || !v->blobs)
		goto out;
	err = -EUCLEAN;
	/* the base prefix: the key bytes above the root */
	if (!blen != !base || blen > HOLT_KEY_MAX)
		goto out;
	if (base) {
		u32 size = v_body(v, base, &type);
		const u8 *bn = f + holt_dec(base);

		if (!size || type != HOLT_N_BASE || rd16(bn + BASE_LEN) != blen ||
		    !v_cover(v, holt_dec(base), size))
			goto out;
		memcpy(v->path, bn + BASE_BYTES, blen);
	}
	if (!v_body(v, root, &type))
		goto out;
	if (type == HOLT_N_EMPTY) {
		if (!v_cover(v, holt_dec(root), HOLT_EMPTY_SIZE))
			goto out;
	} else {
		if (!type_is_inner(type) || rd16(f + holt_dec(root) + NODE_TERM) ||
		    !v_cover(v, holt_dec(root), inner_size(type)))
			goto out;
		err = v_walk(v, root, blen);
		if (err)
			goto out;
		err = -EUCLEAN;
	}
	if (v->leaves != hdr32(f, HDR_LEAVES) ||
	    v->tombs != hdr32(f, HDR_TOMBS) ||
	    v->tomb_bytes != hdr32(f, HDR_TOMB_BYTES) ||
	    v->nodes != hdr32(f, HDR_NODES) ||
	    v->max_seq > holt_get_le64(f + HDR_MAX_SEQ)) {
		err = -EUCLEAN;
		goto out;
	}
	if ((flags & HOLT_VALIDATE_SKIP_CSUM) && !rd16(f + HDR_NUM_SLOTS))
		err = 0;
	else
		err = v_slots(v);
out:
	holt_port_free(v->cover);
	holt_port_free(v->path);
	holt_port_free(v->blobs);
	holt_port_free(v->st);
	holt_port_free(v);
	return err;
}

/**
 * holt_frame_validate() - accept or reject 512 KiB of untrusted bytes
 * @frame: HOLT_FRAME_SIZE bytes
 * @flags: HOLT_VALIDATE_SKIP_CSUM to check the structure only
 *
 * With HOLT_VALIDATE_SKIP_CSUM, a frame whose slot table was never written
 * (num_slots 0: an in-memory frame not sealed) skips the slot table check.
 *
 * Context: process context; allocates about 200 KiB of scratch.
 * Return: 0, -EUCLEAN, or -ENOMEM.
 */
int holt_frame_validate(const void *frame, u32 flags)
{
	return v_run(frame, flags, NULL, NULL);
}

/**
 * holt_frame_scan() - visit one frame alone, in key order
 * @frame: HOLT_FRAME_SIZE bytes (validated here first, checksum aside)
 * @fn: called for every live leaf (a key item) and every Blob entry (an
 *	item with is_prefix set, key = the full key prefix of the entry,
 *	val = the 8-byte little-endian child frame id)
 * @ctx: passed to @fn
 *
 * Context: process context; allocates.
 * Return: 0, @fn's non-zero return, -EUCLEAN or -ENOMEM.
 */
int holt_frame_scan(const void *frame, holt_scan_fn fn, void *ctx)
{
	int err = v_run(frame, HOLT_VALIDATE_SKIP_CSUM, NULL, NULL);

	if (err)
		return err;
	return v_run(frame, HOLT_VALIDATE_SKIP_CSUM, fn, ctx);
}
