// SPDX-License-Identifier: GPL-2.0
/*
 * frame.c - one blob frame: header, bump allocation of node bodies, the
 * inner node operations (add, grow, build), the base prefix, the leaf
 * fingerprint, and sealing (slot table and crc32c).
 */
#include "frame.h"

/**
 * holt_leaf_fp() - the 8-bit fingerprint stored in byte 0 of a leaf
 * @key: key bytes
 * @klen: key length, at least 1
 *
 * Mixes the length and the last eight bytes (where path keys differ), so a
 * miss on a lazily expanded leaf rarely needs a key compare.
 *
 * Context: any.
 * Return: the fingerprint.
 */
u8 holt_leaf_fp(const u8 *key, u32 klen)
{
	u32 h = klen * 0x9e3779b1u;
	u32 i = klen > 8 ? klen - 8 : 0;

	for (; i < klen; i++)
		h = (h ^ key[i]) * 0x01000193u;
	return (u8)(h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24));
}

/**
 * holt_frame_init() - format an empty frame
 * @f: HOLT_FRAME_SIZE bytes; only the header and the EmptyRoot are
 *	written, the rest may hold anything (the bump cursor bounds it)
 * @id: frame id within its tree
 * @budget: data budget recorded in the header
 *
 * The frame gets an EmptyRoot and no base prefix.
 *
 * Context: any.
 */
void holt_frame_init(u8 *f, u64 id, u32 budget)
{
	u32 off;

	memset(f, 0, HOLT_HDR_SIZE);
	holt_put_le32(HOLT_FRAME_MAGIC, f + HDR_MAGIC);
	holt_put_le16(HOLT_FRAME_VERSION, f + HDR_VERSION);
	holt_put_le16(HOLT_HDR_SIZE, f + HDR_HSIZE);
	holt_put_le32(HOLT_DATA_OFF, f + HDR_DATA_START);
	holt_put_le64(id, f + HDR_FRAME_ID);
	hdr32_set(f, HDR_USED, HOLT_DATA_OFF);
	hdr32_set(f, HDR_BUDGET, budget);
	off = holt_frame_alloc_body(f, HOLT_EMPTY_SIZE);
	memset(f + off, 0, HOLT_EMPTY_SIZE);
	f[off + 1] = HOLT_N_EMPTY;
	wr16(f + HDR_ROOT, holt_enc(off));
	hdr32_set(f, HDR_NODES, 1);
}

/**
 * holt_frame_alloc_body() - bump-allocate a node body
 * @f: frame
 * @size: bytes, a multiple of 8
 *
 * The caller has checked that the frame has room.
 *
 * Context: any.
 * Return: the absolute offset of the body, 0 if the frame is full.
 */
u32 holt_frame_alloc_body(u8 *f, u32 size)
{
	u32 used = hdr32(f, HDR_USED);

	if (size > HOLT_FRAME_SIZE - used)
		return 0;
	hdr32_set(f, HDR_USED, used + size);
	return used;
}

/**
 * holt_frame_set_base() - record the key prefix above the frame's root
 * @f: a frame just initialised (the body is allocated now)
 * @base: @len bytes
 * @len: depth of the root, at most HOLT_KEY_MAX
 *
 * Context: any.
 * Return: 0 or -ENOSPC.
 */
int holt_frame_set_base(u8 *f, const u8 *base, u32 len)
{
	u8 *b;

	if (!len)
		return 0;
	b = holt_frame_new_base(f, len);
	if (!b)
		return -ENOSPC;
	memcpy(b, base, len);
	return 0;
}

/**
 * holt_frame_new_base() - a new Base body of @len bytes for the frame
 * @f: frame
 * @len: depth of the root, 1 .. HOLT_KEY_MAX
 *
 * The header names the new body (a Base it named before is left for the
 * caller to count dead); its bytes are zero until the caller fills them.
 *
 * Context: any.
 * Return: the body's key bytes, or NULL if the frame is full.
 */
u8 *holt_frame_new_base(u8 *f, u32 len)
{
	u32 off = holt_frame_alloc_body(f, holt_align8(BASE_BYTES + len));

	if (!off)
		return NULL;
	memset(f + off, 0, holt_align8(BASE_BYTES + len));
	f[off + 1] = HOLT_N_BASE;
	wr16(f + off + BASE_LEN, (u16)len);
	wr16(f + HDR_BASE, holt_enc(off));
	wr16(f + HDR_BASE_LEN, (u16)len);
	hdr32_add(f, HDR_NODES, 1);
	return f + off + BASE_BYTES;
}

/**
 * holt_frame_base() - the key prefix above a frame's root
 * @f: a frame built by the engine
 * @len: gets the length
 *
 * Context: any.
 * Return: pointer to the bytes (or NULL when @len is 0).
 */
const u8 *holt_frame_base(const u8 *f, u32 *len)
{
	u16 enc = rd16(f + HDR_BASE);

	*len = rd16(f + HDR_BASE_LEN);
	if (!enc || !*len)
		return NULL;
	return f + holt_dec(enc) + BASE_BYTES;
}

/**
 * holt_prefix_fill() - write a Prefix into a body allocated for it
 * @n: pfx_size_len(@len) bytes of a frame
 * @bytes: the Prefix's key bytes
 * @len: how many, 1 .. HOLT_KEY_MAX
 * @child: enc of its child, an inner node
 *
 * Context: any.
 */
void holt_prefix_fill(u8 *n, const u8 *bytes, u32 len, u16 child)
{
	memset(n, 0, pfx_size_len(len));
	n[1] = HOLT_N_PREFIX;
	wr16(n + PFX_LEN, (u16)len);
	wr16(n + PFX_CHILD, child);
	memcpy(n + PFX_BYTES, bytes, len);
}

/**
 * holt_prefix_add() - allocate, fill and count a Prefix
 * @f: frame with room for it (the caller checked)
 * @bytes: the Prefix's key bytes
 * @len: how many, 1 .. HOLT_KEY_MAX
 * @child: enc of its child, an inner node
 *
 * Context: any.
 * Return: the Prefix's enc.
 */
u16 holt_prefix_add(u8 *f, const u8 *bytes, u32 len, u16 child)
{
	u32 off = holt_frame_alloc_body(f, pfx_size_len(len));

	holt_prefix_fill(f + off, bytes, len, child);
	hdr32_add(f, HDR_NODES, 1);
	return holt_enc(off);
}

/**
 * holt_node_type_for() - the smallest inner node type for @n children
 * @n: children, at most 256
 *
 * Context: any.
 * Return: HOLT_N_4 .. HOLT_N_256.
 */
u8 holt_node_type_for(u32 n)
{
	if (n <= 4)
		return HOLT_N_4;
	if (n <= 16)
		return HOLT_N_16;
	if (n <= 48)
		return HOLT_N_48;
	return HOLT_N_256;
}

/**
 * holt_node_add() - add a child to an inner node that has room
 * @n: node body
 * @b: byte, not yet present
 * @child: enc of the child
 *
 * Context: any.
 */
void holt_node_add(u8 *n, u8 b, u16 child)
{
	u32 cnt = node_count(n), i;
	u8 *keys, *kids;

	switch (n[1]) {
	case HOLT_N_4:
	case HOLT_N_16:
		keys = n + (n[1] == HOLT_N_4 ? N4_KEYS : N16_KEYS);
		kids = n + (n[1] == HOLT_N_4 ? N4_CHILD : N16_CHILD);
		for (i = 0; i < cnt && keys[i] < b; i++)
			;
		memmove(keys + i + 1, keys + i, cnt - i);
		memmove(kids + 2 * (i + 1), kids + 2 * i, 2 * (cnt - i));
		keys[i] = b;
		wr16(kids + 2 * i, child);
		n[0] = (u8)(cnt + 1);
		break;
	case HOLT_N_48:
		wr16(n + N48_CHILD + 2 * cnt, child);
		n[N48_INDEX + b] = (u8)(cnt + 1);
		n[0] = (u8)(cnt + 1);
		break;
	case HOLT_N_256:
		wr16(n + N256_CHILD + 2 * b, child);
		wr16(n + N256_COUNT, (u16)(cnt + 1));
		n[0] = (u8)(cnt + 1);
		break;
	}
}

/**
 * holt_node_set_child() - replace the child of an existing entry
 * @n: node body
 * @b: byte, present
 * @child: new enc
 *
 * Context: any.
 */
void holt_node_set_child(u8 *n, u8 b, u16 child)
{
	u32 cnt = node_count(n), i;

	switch (n[1]) {
	case HOLT_N_4:
		for (i = 0; i < cnt; i++)
			if (n[N4_KEYS + i] == b)
				wr16(n + N4_CHILD + 2 * i, child);
		break;
	case HOLT_N_16:
		for (i = 0; i < cnt; i++)
			if (n[N16_KEYS + i] == b)
				wr16(n + N16_CHILD + 2 * i, child);
		break;
	case HOLT_N_48:
		i = n[N48_INDEX + b];
		if (i)
			wr16(n + N48_CHILD + 2 * (i - 1), child);
		break;
	case HOLT_N_256:
		wr16(n + N256_CHILD + 2 * b, child);
		break;
	}
}

/**
 * holt_node_build() - allocate and fill an inner node
 * @f: frame with room for the node
 * @type: HOLT_N_4 .. HOLT_N_256, large enough for @n
 * @bytes: sorted child bytes
 * @kids: child encs
 * @n: number of children
 * @term: enc of the terminal leaf or 0
 *
 * Context: any.
 * Return: absolute offset of the node, 0 if the frame is full.
 */
u32 holt_node_build(u8 *f, u8 type, const u8 *bytes, const u16 *kids,
		    u32 n, u16 term)
{
	u32 off = holt_frame_alloc_body(f, inner_size(type));

	if (off)
		holt_node_fill(f + off, type, bytes, kids, n, term);
	return off;
}

/**
 * holt_node_fill() - write an inner node into a body allocated for it
 * @nd: inner_size(@type) bytes of a frame
 * @type: HOLT_N_4 .. HOLT_N_256, large enough for @n
 * @bytes: sorted child bytes
 * @kids: child encs
 * @n: number of children
 * @term: enc of the terminal leaf or 0
 *
 * Context: any.
 */
void holt_node_fill(u8 *nd, u8 type, const u8 *bytes, const u16 *kids,
		    u32 n, u16 term)
{
	u32 i;

	memset(nd, 0, inner_size(type));
	nd[1] = type;
	wr16(nd + NODE_TERM, term);
	switch (type) {
	case HOLT_N_4:
	case HOLT_N_16:
		for (i = 0; i < n; i++) {
			nd[(type == HOLT_N_4 ? N4_KEYS : N16_KEYS) + i] = bytes[i];
			wr16(nd + (type == HOLT_N_4 ? N4_CHILD : N16_CHILD) +
			     2 * i, kids[i]);
		}
		nd[0] = (u8)n;
		break;
	case HOLT_N_48:
		for (i = 0; i < n; i++) {
			wr16(nd + N48_CHILD + 2 * i, kids[i]);
			nd[N48_INDEX + bytes[i]] = (u8)(i + 1);
		}
		nd[0] = (u8)n;
		break;
	default:
		for (i = 0; i < n; i++)
			wr16(nd + N256_CHILD + 2 * bytes[i], kids[i]);
		wr16(nd + N256_COUNT, (u16)n);
		nd[0] = (u8)n;
		break;
	}
}

/**
 * holt_node_grow() - copy a full inner node into the next larger type
 * @f: frame with room for the larger node
 * @old: the full node (not freed here)
 *
 * Context: any.
 * Return: absolute offset of the new node, 0 if the frame is full.
 */
u32 holt_node_grow(u8 *f, const u8 *old)
{
	u8 bytes[48];
	u16 kids[48];
	u32 n = 0;
	int b = 0;
	u16 c = 0;

	/* Only Node4/16/48 grow; 48 children fit the arrays. */
	while (n < 48 && (b = node_next(old, (u32)b, &c)) >= 0) {
		bytes[n] = (u8)b;
		kids[n++] = c;
		b++;
	}
	return holt_node_build(f, (u8)(old[1] + 1), bytes, kids, n,
			       rd16(old + NODE_TERM));
}

/**
 * holt_frame_copy_out() - copy a frame for sealing, leaving nothing stale
 * @buf: HOLT_FRAME_SIZE bytes
 * @f: a frame of a tree
 *
 * Copies the header and the data below the bump cursor; the slot table
 * (written by holt_frame_seal()) and the bytes above the cursor come out
 * zero, whatever the frame's memory holds there (a rebuilt frame's memory
 * is not cleared).
 *
 * Context: any.
 */
void holt_frame_copy_out(void *buf, const u8 *f)
{
	u32 used = hdr32(f, HDR_USED);
	u8 *b = buf;

	if (used < HOLT_DATA_OFF || used > HOLT_FRAME_SIZE) {
		memcpy(b, f, HOLT_FRAME_SIZE);
		return;
	}
	memcpy(b, f, HOLT_HDR_SIZE);
	memset(b + HOLT_SLOT_OFF, 0, HOLT_DATA_OFF - HOLT_SLOT_OFF);
	memcpy(b + HOLT_DATA_OFF, f + HOLT_DATA_OFF, used - HOLT_DATA_OFF);
	memset(b + used, 0, HOLT_FRAME_SIZE - used);
}

/**
 * holt_frame_csum() - crc32c of a frame's header, slot table and used data
 * @f: frame whose HDR_USED is within the frame
 *
 * The checksum field itself counts as zero.
 *
 * Context: any.
 * Return: the checksum.
 */
u32 holt_frame_csum(const u8 *f)
{
	static const u8 zero[4];
	u32 used = hdr32(f, HDR_USED), crc;

	if (used < HOLT_DATA_OFF || used > HOLT_FRAME_SIZE)
		used = HOLT_FRAME_SIZE;
	crc = holt_crc32c(~0u, f, HDR_CSUM);
	crc = holt_crc32c(crc, zero, 4);
	crc = holt_crc32c(crc, f + HDR_CSUM + 4, used - HDR_CSUM - 4);
	return ~crc;
}

static u32 slot_entry(const u8 *f, u16 enc)
{
	return ((u32)f[holt_dec(enc) + 1] << 17) | (holt_dec(enc) / 8u);
}

/*
 * Append @enc to the slot table unless this node already did (a Blob
 * shared by several entries of one node appears once).
 */
static void seal_push(u8 *f, u32 *tail, u32 node_start, u16 enc)
{
	u32 e = slot_entry(f, enc), i;

	for (i = node_start; i < *tail; i++)
		if (holt_get_le32(f + HOLT_SLOT_OFF + 4 * i) == e)
			return;
	if (*tail >= HOLT_MAX_SLOTS)
		return;
	holt_put_le32(e, f + HOLT_SLOT_OFF + 4 * *tail);
	(*tail)++;
}

/**
 * holt_frame_seal() - write the slot table and the crc32c of a frame
 * @frame: a frame built by the engine
 *
 * The slot table lists every reachable body in breadth-first order from
 * the root (terminal leaf before children, children in byte order), then
 * the Base body.  It doubles as the walk's queue, so sealing allocates
 * nothing.
 *
 * Context: any.
 */
void holt_frame_seal(void *frame)
{
	u8 *f = frame;
	u32 head = 0, tail = 0, start;
	u16 root = rd16(f + HDR_ROOT), base = rd16(f + HDR_BASE);

	if (root)
		seal_push(f, &tail, 0, root);
	while (head < tail) {
		u32 e = holt_get_le32(f + HOLT_SLOT_OFF + 4 * head++);
		const u8 *n = f + (e & 0x1ffffu) * 8u;
		int b = 0;
		u16 c = 0;

		start = tail;
		if (n[1] == HOLT_N_PREFIX) {
			seal_push(f, &tail, start, rd16(n + PFX_CHILD));
			continue;
		}
		if (!type_is_inner(n[1]))
			continue;
		if (rd16(n + NODE_TERM))
			seal_push(f, &tail, start, rd16(n + NODE_TERM));
		while ((b = node_next(n, (u32)b, &c)) >= 0) {
			seal_push(f, &tail, start, c);
			b++;
		}
	}
	if (base)
		seal_push(f, &tail, tail, base);
	wr16(f + HDR_NUM_SLOTS, (u16)tail);
	holt_put_le32(holt_frame_csum(f), f + HDR_CSUM);
}
