/* SPDX-License-Identifier: GPL-2.0 */
/*
 * frame.h - the layout of one 512 KiB blob frame and its node bodies
 * (private to kmod/core).  Documentation/format.rst describes every field.
 *
 * DOC: Frame layout
 *
 *   0x00000  header (4 KiB): magic, version, crc32c, counters, root
 *   0x01000  slot table: 10,240 u32 (type << 17 | offset / 8), written at seal
 *   0x0B000  data area: 8-byte aligned node bodies, bump allocated
 *   0x80000  end
 *
 * A child pointer is a u16 "enc": (offset - 0xB000) / 8 + 1, 0 for none.
 * Byte 1 of every body is its type.  Inner nodes (Node4..Node256) keep at
 * offset 2 the enc of their "terminal" leaf: the key that ends exactly at
 * the node's depth, which is how a key may be a prefix of another key.
 */
#ifndef HOLT_CORE_FRAME_H
#define HOLT_CORE_FRAME_H

#include "port.h"
#include "tree.h"
#include "validate.h"

#define HOLT_FRAME_MAGIC	0x46544c48u	/* "HLTF" little endian */
#define HOLT_FRAME_VERSION	2u	/* written */
#define HOLT_FRAME_VERSION_MIN	1u	/* still read: no roll bits */
#define HOLT_HDR_SIZE		0x1000u
#define HOLT_SLOT_OFF		0x1000u
#define HOLT_MAX_SLOTS		10240u
#define HOLT_DATA_OFF		0xB000u
#define HOLT_DATA_SIZE		(HOLT_FRAME_SIZE - HOLT_DATA_OFF)
#define HOLT_SPILL_RESERVE	128u
#define HOLT_ROOT_FRAME		1u

/* Header fields (byte offsets); all little endian. */
#define HDR_MAGIC	0x00	/* u32 */
#define HDR_VERSION	0x04	/* u16 */
#define HDR_HSIZE	0x06	/* u16 header size, 0x1000 */
#define HDR_CSUM	0x08	/* u32 crc32c, see holt_frame_csum() */
#define HDR_DATA_START	0x0C	/* u32 0xB000 */
#define HDR_FRAME_ID	0x10	/* u64 */
#define HDR_USED	0x18	/* u32 bump cursor, absolute offset */
#define HDR_DEAD	0x1C	/* u32 bytes of unreachable bodies */
#define HDR_TOMBS	0x20	/* u32 tombstoned leaves */
#define HDR_TOMB_BYTES	0x24	/* u32 bytes of tombstoned leaves */
#define HDR_LEAVES	0x28	/* u32 live leaves */
#define HDR_NODES	0x2C	/* u32 reachable bodies */
#define HDR_ROOT	0x30	/* u16 enc */
#define HDR_BASE	0x32	/* u16 enc of the Base body, 0 if none */
#define HDR_BASE_LEN	0x34	/* u16 depth of the root */
#define HDR_NUM_SLOTS	0x36	/* u16 */
#define HDR_COMPACTS	0x38	/* u32 */
#define HDR_BUDGET	0x3C	/* u32 data budget the frame was built for */
#define HDR_MAX_SEQ	0x40	/* u64 highest leaf version */
#define HDR_MUTABLE_END	0x48	/* every field a mutation writes is below */

/* Node types (byte 1 of a body). */
enum {
	HOLT_N_LEAF = 1,
	HOLT_N_PREFIX = 2,
	HOLT_N_BLOB = 3,
	HOLT_N_4 = 4,
	HOLT_N_16 = 5,
	HOLT_N_48 = 6,
	HOLT_N_256 = 7,
	HOLT_N_EMPTY = 8,
	HOLT_N_BASE = 9,
};

#define HOLT_LEAF_HDR	16u
#define HOLT_PREFIX_HDR	8u
#define HOLT_BLOB_SIZE	128u
#define HOLT_N4_SIZE	16u
#define HOLT_N16_SIZE	56u
#define HOLT_N48_SIZE	360u
#define HOLT_N256_SIZE	520u
#define HOLT_EMPTY_SIZE	8u

/* Leaf: fp @0, type @1, vlen @2, klen @4, tombstone @6, seq @8, key, value */
#define LEAF_FP		0
#define LEAF_VLEN	2
#define LEAF_KLEN	4
#define LEAF_TOMB	6
#define LEAF_SEQ	8
/* Prefix: type @1, len @4, child @6, bytes @8 */
#define PFX_LEN		4
#define PFX_CHILD	6
#define PFX_BYTES	8
/*
 * The byte that ends a directory name in path-shaped keys: spillovers and
 * compactions cut child frames right below it (holt_cut_frame()), so that
 * a listing with it as the delimiter rolls a directory held by a child
 * frame up in the parent; a Blob's roll bits are about it.
 */
#define HOLT_CUT_BYTE	'/'

/* Blob: type @1, prefix_len @4 (0), child frame id @8, roll bits @16 */
#define BLOB_PLEN	4
#define BLOB_CHILD	8
#define BLOB_ROLLS	16	/* u8[32]: blob_rolls() */
/* Inner nodes: count @0 (Node256: u16 @4), type @1, term @2 */
#define NODE_TERM	2
#define N4_KEYS		4
#define N4_CHILD	8
#define N16_KEYS	8
#define N16_CHILD	24
#define N48_INDEX	8
#define N48_CHILD	264
#define N256_COUNT	4
#define N256_CHILD	8
/* Base: type @1, len @4, bytes @8 */
#define BASE_LEN	4
#define BASE_BYTES	8

static inline u32 holt_align8(u32 n)
{
	return (n + 7u) & ~7u;
}

static inline u32 holt_dec(u16 enc)
{
	return ((u32)enc - 1u) * 8u + HOLT_DATA_OFF;
}

static inline u16 holt_enc(u32 off)
{
	return (u16)((off - HOLT_DATA_OFF) / 8u + 1u);
}

static inline u8 *holt_body(u8 *f, u16 enc)
{
	return f + holt_dec(enc);
}

static inline u32 hdr32(const u8 *f, u32 off)
{
	return holt_get_le32(f + off);
}

static inline void hdr32_set(u8 *f, u32 off, u32 v)
{
	holt_put_le32(v, f + off);
}

static inline void hdr32_add(u8 *f, u32 off, s32 d)
{
	holt_put_le32(holt_get_le32(f + off) + (u32)d, f + off);
}

static inline u16 rd16(const u8 *p)
{
	return holt_get_le16(p);
}

static inline void wr16(u8 *p, u16 v)
{
	holt_put_le16(v, p);
}

static inline u8 node_type(const u8 *n)
{
	return n[1];
}

static inline bool type_is_inner(u8 t)
{
	return t >= HOLT_N_4 && t <= HOLT_N_256;
}

static inline u32 leaf_klen(const u8 *l)
{
	return rd16(l + LEAF_KLEN);
}

static inline u32 leaf_vlen(const u8 *l)
{
	return rd16(l + LEAF_VLEN);
}

static inline const u8 *leaf_key(const u8 *l)
{
	return l + HOLT_LEAF_HDR;
}

static inline const u8 *leaf_val(const u8 *l)
{
	return l + HOLT_LEAF_HDR + leaf_klen(l);
}

static inline bool leaf_dead(const u8 *l)
{
	return l[LEAF_TOMB] != 0;
}

static inline u32 leaf_size_kv(u32 klen, u32 vlen)
{
	return holt_align8(HOLT_LEAF_HDR + klen + vlen);
}

static inline u32 leaf_size(const u8 *l)
{
	return leaf_size_kv(leaf_klen(l), leaf_vlen(l));
}

static inline u32 pfx_size_len(u32 len)
{
	return holt_align8(HOLT_PREFIX_HDR + len);
}

static inline u32 node_count(const u8 *n)
{
	if (n[1] == HOLT_N_256)
		return rd16(n + N256_COUNT);
	return n[0];
}

static inline u32 node_capacity(u8 type)
{
	switch (type) {
	case HOLT_N_4:
		return 4;
	case HOLT_N_16:
		return 16;
	case HOLT_N_48:
		return 48;
	default:
		return 256;
	}
}

static inline u32 inner_size(u8 type)
{
	switch (type) {
	case HOLT_N_4:
		return HOLT_N4_SIZE;
	case HOLT_N_16:
		return HOLT_N16_SIZE;
	case HOLT_N_48:
		return HOLT_N48_SIZE;
	default:
		return HOLT_N256_SIZE;
	}
}

/* Size of a well-formed body (frames built by the engine). */
static inline u32 body_size(const u8 *n)
{
	switch (n[1]) {
	case HOLT_N_LEAF:
		return leaf_size(n);
	case HOLT_N_PREFIX:
		return pfx_size_len(rd16(n + PFX_LEN));
	case HOLT_N_BLOB:
		return HOLT_BLOB_SIZE;
	case HOLT_N_EMPTY:
		return HOLT_EMPTY_SIZE;
	case HOLT_N_BASE:
		return holt_align8(BASE_BYTES + rd16(n + BASE_LEN));
	default:
		return inner_size(n[1]);
	}
}

/*
 * Length of the common start of @a and @b (at most @n bytes), a word at a
 * time: keys share long stretches (the same directories).
 */
static inline u32 holt_common_len(const u8 *a, const u8 *b, u32 n)
{
	u32 i = 0;

	u64 x;

	for (; i + 8 <= n; i += 8) {
		x = holt_get_le64(a + i) ^ holt_get_le64(b + i);
		if (x)
			return i + (u32)__builtin_ctzll(x) / 8;
	}
	/* the tail in 4-, 2- and 1-byte steps (never past the end) */
	if (n - i >= 4) {
		x = holt_get_le32(a + i) ^ holt_get_le32(b + i);
		if (x)
			return i + (u32)__builtin_ctzll(x) / 8;
		i += 4;
	}
	if (n - i >= 2) {
		x = holt_get_le16(a + i) ^ holt_get_le16(b + i);
		if (x)
			return i + (u32)__builtin_ctzll(x) / 8;
		i += 2;
	}
	if (i < n && a[i] == b[i])
		i++;
	return i;
}

#define SWAR_ONES	0x0101010101010101ull
#define SWAR_HIGHS	0x8080808080808080ull

/*
 * Index (0..15) of the first of the 16 bytes at @k equal to @b, 16 when
 * none is: a word-at-a-time search (no branch per key).  In each word the
 * lowest flagged byte is exact (a false flag can only sit above a true
 * one), and the keys of a node are distinct.
 */
static __always_inline u32 n16_match(const u8 *k, u8 b)
{
	u64 pat = SWAR_ONES * b, w, m;

	w = holt_get_le64(k) ^ pat;
	m = (w - SWAR_ONES) & ~w & SWAR_HIGHS;
	if (m)
		return (u32)__builtin_ctzll(m) / 8;
	w = holt_get_le64(k + 8) ^ pat;
	m = (w - SWAR_ONES) & ~w & SWAR_HIGHS;
	if (m)
		return 8 + (u32)__builtin_ctzll(m) / 8;
	return 16;
}

/*
 * Bit @b of a Blob's roll bits: every key below the entry @b that names
 * this Blob (in the node of depth d that holds the entry) holds
 * HOLT_CUT_BYTE at depth d + 1, right after @b.  A listing by '/' then
 * gives the entry's common prefix out without entering the child frame.
 * A rebuild of the Blob's frame sets the bit from the child frame's root
 * (blob_roll_body()); a put of a key below the entry that lacks the '/'
 * there clears it; a Blob that comes to hang from another node starts
 * with none.  A delete never makes one wrong, and a listing only trusts
 * them in a dense tree (every entry of a Blob leads to a live key).
 */
static inline bool blob_rolls(const u8 *blob, u8 b)
{
	return blob[BLOB_ROLLS + b / 8] & (1u << (b % 8));
}

static inline void blob_roll_set(u8 *blob, u8 b, bool on)
{
	u8 m = (u8)(1u << (b % 8));

	if (on)
		blob[BLOB_ROLLS + b / 8] |= m;
	else
		blob[BLOB_ROLLS + b / 8] &= (u8)~m;
}

/* Is @x a Node4 or Node16 whose only child is @b's (and no terminal)? */
static __always_inline bool node_holds_only(const u8 *x, u8 b)
{
	return (x[1] == HOLT_N_4 || x[1] == HOLT_N_16) && x[0] == 1 &&
	       !rd16(x + NODE_TERM) &&
	       x[x[1] == HOLT_N_4 ? N4_KEYS : N16_KEYS] == b;
}

/*
 * Does every key below body @x, at depth e, hold HOLT_CUT_BYTE at e: a
 * Prefix that begins with it, or a node that holds only its child?
 */
static inline bool blob_roll_body(const u8 *x)
{
	if (x[1] == HOLT_N_PREFIX)
		return rd16(x + PFX_LEN) && x[PFX_BYTES] == HOLT_CUT_BYTE;
	return node_holds_only(x, HOLT_CUT_BYTE);
}

/*
 * Whether @s[0..@len) holds @c, in few instructions for a short run: a
 * word at a time when the 16 bytes from @s lie before @lim, else memchr().
 */
static __always_inline bool bytes_hold(const u8 *s, u32 len, u8 c,
				       const u8 *lim)
{
	if (len <= 16 && s + 16 <= lim)
		return n16_match(s, c) < len;
	return len && memchr(s, c, len);
}

/*
 * Find the child of inner node @n for byte @b: its enc or 0.  Only reads
 * within the node body, whatever the bytes say (count is clamped).
 */
static inline u16 node_find(const u8 *n, u8 b)
{
	u32 i, cnt;

	switch (n[1]) {
	case HOLT_N_4:
		cnt = n[0] > 4 ? 4 : n[0];
		for (i = 0; i < cnt; i++)
			if (n[N4_KEYS + i] == b)
				return rd16(n + N4_CHILD + 2 * i);
		return 0;
	case HOLT_N_16:
		cnt = n[0] > 16 ? 16 : n[0];
		i = n16_match(n + N16_KEYS, b);
		if (i >= cnt)
			return 0;
		return rd16(n + N16_CHILD + 2 * i);
	case HOLT_N_48:
		i = n[N48_INDEX + b];
		if (!i || i > 48)
			return 0;
		return rd16(n + N48_CHILD + 2 * (i - 1));
	case HOLT_N_256:
		return rd16(n + N256_CHILD + 2 * b);
	default:
		return 0;
	}
}

/*
 * Offset within inner node @n of the u16 that holds the child for byte @b,
 * 0 when there is none.
 */
static inline u32 node_slot(const u8 *n, u8 b)
{
	u32 i, cnt = node_count(n);

	switch (n[1]) {
	case HOLT_N_4:
		for (i = 0; i < cnt && i < 4; i++)
			if (n[N4_KEYS + i] == b)
				return N4_CHILD + 2 * i;
		return 0;
	case HOLT_N_16:
		i = n16_match(n + N16_KEYS, b);
		return i < cnt && i < 16 ? N16_CHILD + 2 * i : 0;
	case HOLT_N_48:
		i = n[N48_INDEX + b];
		return i && i <= 48 ? N48_CHILD + 2 * (i - 1) : 0;
	case HOLT_N_256:
		return rd16(n + N256_CHILD + 2 * b) ? N256_CHILD + 2 * b : 0;
	}
	return 0;
}

/*
 * The first child of inner node @n whose byte is >= @from (0..256).
 * Returns the byte, or -1 when there is none; *@child gets the enc.
 * Node4 and Node16 keys are sorted.
 */
static inline int node_next(const u8 *n, u32 from, u16 *child)
{
	u32 i, cnt;

	switch (n[1]) {
	case HOLT_N_4:
		cnt = n[0] > 4 ? 4 : n[0];
		for (i = 0; i < cnt; i++)
			if (n[N4_KEYS + i] >= from) {
				*child = rd16(n + N4_CHILD + 2 * i);
				return n[N4_KEYS + i];
			}
		return -1;
	case HOLT_N_16:
		cnt = n[0] > 16 ? 16 : n[0];
		for (i = 0; i < cnt; i++)
			if (n[N16_KEYS + i] >= from) {
				*child = rd16(n + N16_CHILD + 2 * i);
				return n[N16_KEYS + i];
			}
		return -1;
	case HOLT_N_48:
		for (i = from; i < 256; i++) {
			u32 x = n[N48_INDEX + i];

			if (x && x <= 48) {
				*child = rd16(n + N48_CHILD + 2 * (x - 1));
				return (int)i;
			}
		}
		return -1;
	case HOLT_N_256:
		for (i = from; i < 256; i++) {
			u16 c = rd16(n + N256_CHILD + 2 * i);

			if (c) {
				*child = c;
				return (int)i;
			}
		}
		return -1;
	default:
		return -1;
	}
}

/*
 * Where inner node or Prefix @n keeps its children: the offset of the
 * first slot (u16 encs, one after another) and how many slots there are
 * (a Node4's or Node16's count, clamped; every slot of a Node48 or a
 * Node256; a Prefix's one child).  The terminal is not among them.  False
 * for bodies without children.
 */
static inline bool node_kid_slots(const u8 *n, u32 *first, u32 *nr)
{
	switch (n[1]) {
	case HOLT_N_PREFIX:
		*first = PFX_CHILD;
		*nr = 1;
		return true;
	case HOLT_N_4:
		*first = N4_CHILD;
		*nr = n[0] > 4 ? 4 : n[0];
		return true;
	case HOLT_N_16:
		*first = N16_CHILD;
		*nr = n[0] > 16 ? 16 : n[0];
		return true;
	case HOLT_N_48:
		*first = N48_CHILD;
		*nr = 48;
		return true;
	case HOLT_N_256:
		*first = N256_CHILD;
		*nr = 256;
		return true;
	default:
		return false;
	}
}

/*
 * A Node4's or Node16's child count (clamped to its capacity) and the
 * offsets of its sorted keys and of its children; false for other types.
 */
static __always_inline bool node_sorted(const u8 *n, u32 *cnt, u32 *keys,
					u32 *kids)
{
	if (n[1] == HOLT_N_4) {
		*cnt = n[0] > 4 ? 4 : n[0];
		*keys = N4_KEYS;
		*kids = N4_CHILD;
		return true;
	}
	if (n[1] == HOLT_N_16) {
		*cnt = n[0] > 16 ? 16 : n[0];
		*keys = N16_KEYS;
		*kids = N16_CHILD;
		return true;
	}
	return false;
}

/*
 * Has node_next_at() just returned the last child of a Node4 or Node16
 * (index @pos after it)?  False for other types, which may have more.
 */
static __always_inline bool node_sorted_last(const u8 *n, u8 pos)
{
	return (n[1] == HOLT_N_4 || n[1] == HOLT_N_16) && pos >= n[0];
}

/*
 * node_next() for a caller that visits the children in order: a Node4's
 * or Node16's sorted keys are searched from index *@pos (0 the first
 * time), the one after the child returned last, instead of from the first
 * key each time.  *@pos is left alone for Node48 and Node256.
 */
static __always_inline int node_next_at(const u8 *n, u32 from, u8 *pos,
					u16 *child)
{
	u32 i, cnt, keys, kids;

	if (!node_sorted(n, &cnt, &keys, &kids))
		return node_next(n, from, child);
	for (i = *pos; i < cnt; i++) {
		if (n[keys + i] >= from) {
			*pos = (u8)(i + 1);
			*child = rd16(n + kids + 2 * i);
			return n[keys + i];
		}
	}
	*pos = (u8)cnt;
	return -1;
}

/*
 * Start fetching the children of inner node @n of frame @f, for a scan
 * that will visit them: their cache misses then overlap instead of
 * following one another.  Only a Node4's and a Node16's: a Node48 has more
 * slots to look at than the prefetch gains (measured on listings), a
 * Node256 more still.  (The copy engine of a rebuild gained nothing from
 * it: its share of an insert's time stayed at 7.5 %.)  Always inlined: a
 * prefetch is no side effect to gcc, which took a copy left out of line
 * for a pure function and dropped the calls to it.
 */
static __always_inline void node_prefetch_kids(const u8 *f, const u8 *n)
{
	u32 i, cnt, keys, kids;

	if (!node_sorted(n, &cnt, &keys, &kids))
		return;
	for (i = 0; i < cnt; i++) {
		u16 c = rd16(n + kids + 2 * i);

		if (c)
			holt_port_prefetch(f + holt_dec(c));
	}
}

u8 holt_leaf_fp(const u8 *key, u32 klen);
void holt_frame_init(u8 *f, u64 id, u32 budget);
void holt_frame_copy_out(void *buf, const u8 *f);
u32 holt_frame_alloc_body(u8 *f, u32 size);
u32 holt_frame_csum(const u8 *f);
int holt_frame_set_base(u8 *f, const u8 *base, u32 len);
u8 *holt_frame_new_base(u8 *f, u32 len);
const u8 *holt_frame_base(const u8 *f, u32 *len);
void holt_node_add(u8 *n, u8 b, u16 child);
void holt_node_set_child(u8 *n, u8 b, u16 child);
u32 holt_node_grow(u8 *f, const u8 *old);
u32 holt_node_build(u8 *f, u8 type, const u8 *bytes, const u16 *kids,
		    u32 n, u16 term);
void holt_node_fill(u8 *nd, u8 type, const u8 *bytes, const u16 *kids,
		    u32 n, u16 term);
void holt_prefix_fill(u8 *n, const u8 *bytes, u32 len, u16 child);
u16 holt_prefix_add(u8 *f, const u8 *bytes, u32 len, u16 child);
u8 holt_node_type_for(u32 n);

#endif /* HOLT_CORE_FRAME_H */
