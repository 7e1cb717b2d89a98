// SPDX-License-Identifier: GPL-2.0
/*
 * tree_load.c - a tree rebuilt from frame images (attach, offline tools),
 * and per-id frame access for checkpoints.
 *
 * DOC: Loading a tree
 *
 * holt_tree_open() receives frame images indexed by frame id, as read from
 * slots through the frame map.  It trusts none of them: every image must
 * pass holt_frame_validate() (checksum and structure) and carry its own id;
 * then the links between frames are checked so that every walk of the
 * engine stays inside the tree: frame 1 is the root and has no base, every
 * Blob names a frame that exists, each frame other than the root is named
 * by exactly one parent frame, the child's base (the key bytes above its
 * root) equals the Blob's key prefix without its last byte, every key byte
 * the child's root dispatches on is one its parent sends there, and every
 * frame is reachable from the root.  On success the tree owns the images.
 */
#include "tree_int.h"
#include "tree_load.h"

struct tl_link {
	u32 parent;		/* 0: not referenced yet */
	u32 plen;		/* parent's node depth (child base length) */
	u8 bytes[32];		/* key bytes the parent sends to the child */
};

struct tl_ctx {
	u8 **frames;
	u32 nr_ids;
	u32 cur;
	struct tl_link *links;
	u32 *order;		/* frames in discovery order */
	u32 nr_order;
	int err;
	/* checking a child: its base, and where its root sits */
	const u8 *cbase;
	u32 cblen;
	const struct tl_link *clink;
};

/* Blob entries of frame cx->cur: record each child and its parent. */
static int tl_links(void *ctx, const struct holt_scan_item *it)
{
	struct tl_ctx *cx = ctx;
	struct tl_link *l;
	u64 id;

	if (!it->is_prefix)
		return 0;
	if (it->vlen != 8 || !it->klen)
		return -EUCLEAN;
	id = holt_get_le64(it->val);
	if (id <= HOLT_ROOT_FRAME || id >= cx->nr_ids || !cx->frames[id])
		return -EUCLEAN;
	l = &cx->links[id];
	if (!l->parent) {
		l->parent = cx->cur;
		l->plen = it->klen - 1;
		cx->order[cx->nr_order++] = (u32)id;
	} else if (l->parent != cx->cur || l->plen != it->klen - 1) {
		return -EUCLEAN;	/* two parents, or two depths */
	}
	l->bytes[it->key[it->klen - 1] >> 3] |= 1u << (it->key[it->klen - 1] & 7);
	return 0;
}

/* Items of a child frame: each must lie under a byte its parent sends. */
static int tl_child_items(void *ctx, const struct holt_scan_item *it)
{
	struct tl_ctx *cx = ctx;
	u8 b;

	if (it->klen <= cx->cblen)
		return -EUCLEAN;
	b = it->key[cx->cblen];
	if (!(cx->clink->bytes[b >> 3] & (1u << (b & 7))))
		return -EUCLEAN;
	return 0;
}

static int tl_check(struct tl_ctx *cx)
{
	u32 id, i, blen;
	const u8 *base;
	int err;

	for (id = 1; id < cx->nr_ids; id++) {
		if (!cx->frames[id])
			continue;
		err = holt_frame_validate(cx->frames[id], 0);
		if (err)
			return err;
		if (holt_get_le64(cx->frames[id] + HDR_FRAME_ID) != id)
			return -EUCLEAN;
	}
	if (!cx->frames[HOLT_ROOT_FRAME])
		return -EUCLEAN;
	holt_frame_base(cx->frames[HOLT_ROOT_FRAME], &blen);
	if (blen)
		return -EUCLEAN;
	/* breadth first from the root; order[] doubles as the queue */
	cx->order[cx->nr_order++] = HOLT_ROOT_FRAME;
	for (i = 0; i < cx->nr_order; i++) {
		cx->cur = cx->order[i];
		err = holt_frame_scan(cx->frames[cx->cur], tl_links, cx);
		if (err)
			return err < 0 ? err : -EUCLEAN;
	}
	for (id = 1; id < cx->nr_ids; id++) {
		if (!cx->frames[id])
			continue;
		if (id != HOLT_ROOT_FRAME && !cx->links[id].parent)
			return -EUCLEAN;	/* unreachable */
	}
	for (i = 1; i < cx->nr_order; i++) {
		id = cx->order[i];
		base = holt_frame_base(cx->frames[id], &blen);
		if (blen != cx->links[id].plen)
			return -EUCLEAN;
		/* the parent's path to the node: any item key of the link */
		cx->cbase = base;
		cx->cblen = blen;
		cx->clink = &cx->links[id];
		err = holt_frame_scan(cx->frames[id], tl_child_items, cx);
		if (err)
			return err < 0 ? err : -EUCLEAN;
	}
	return 0;
}

/* The base of each child must equal its Blob prefix minus the last byte. */
static int tl_base_items(void *ctx, const struct holt_scan_item *it)
{
	struct tl_ctx *cx = ctx;
	const u8 *base;
	u32 blen;
	u64 id;

	if (!it->is_prefix)
		return 0;
	id = holt_get_le64(it->val);
	base = holt_frame_base(cx->frames[id], &blen);
	if (blen != it->klen - 1 || (blen && memcmp(base, it->key, blen)))
		return -EUCLEAN;
	return 0;
}

/**
 * holt_tree_open() - a tree made of frame images
 * @cfg: the version counter and the data budget, as holt_tree_create()
 * @frames: @nr_ids pointers indexed by frame id, NULL where no frame;
 *	each image allocated with holt_port_frame_alloc(HOLT_FRAME_SIZE).
 *	An empty tree (no frame at all) is created fresh.
 * @nr_ids: entries of @frames, at most HOLT_TREE_LOAD_MAX_ID
 * @err: receives -EUCLEAN (an image or a link is invalid), -ENOMEM or
 *	-EINVAL on failure
 *
 * On success the tree owns every image and the caller must forget them;
 * on failure the images are left to the caller.
 *
 * Context: process context; allocates, may sleep.
 * Return: the tree, or NULL.
 */
struct holt_tree *holt_tree_open(const struct holt_tree_config *cfg,
				 u8 **frames, u32 nr_ids, int *err)
{
	struct tl_ctx cx = { 0 };
	struct holt_tree *t;
	u32 id, cap, i, any = 0;

	*err = -EINVAL;
	if (!cfg || !cfg->seq || (!frames && nr_ids) ||
	    nr_ids > HOLT_TREE_LOAD_MAX_ID)
		return NULL;
	for (id = 0; id < nr_ids; id++)
		any += frames[id] != NULL;
	if (!any) {
		t = holt_tree_create(cfg);
		*err = t ? 0 : -ENOMEM;
		return t;
	}
	if (frames[0]) {
		*err = -EUCLEAN;
		return NULL;
	}
	*err = -ENOMEM;
	cx.frames = frames;
	cx.nr_ids = nr_ids;
	cx.links = holt_port_alloc(sizeof(*cx.links) * nr_ids);
	cx.order = holt_port_alloc(sizeof(*cx.order) * (nr_ids + 1));
	if (!cx.links || !cx.order)
		goto out;
	*err = tl_check(&cx);
	for (i = 0; !*err && i < cx.nr_order; i++)
		*err = holt_frame_scan(frames[cx.order[i]], tl_base_items, &cx);
	if (*err) {
		if (*err > 0)
			*err = -EUCLEAN;
		goto out;
	}
	*err = -ENOMEM;
	t = holt_tree_create(cfg);
	if (!t)
		goto out;
	for (cap = t->frames_cap; cap < nr_ids; cap *= 2)
		;
	if (cap != t->frames_cap) {
		u8 **nf = holt_port_alloc(sizeof(*nf) * cap);

		if (!nf) {
			holt_tree_destroy(t);
			goto out;
		}
		memcpy(nf, t->frames, sizeof(*nf) * t->frames_cap);
		holt_port_free(t->frames);
		t->frames = nf;
		t->frames_cap = cap;
	}
	holt_port_frame_free(t->frames[HOLT_ROOT_FRAME], HOLT_FRAME_SIZE);
	t->frames[HOLT_ROOT_FRAME] = NULL;
	t->nr_frames = 0;
	t->nr_keys = 0;
	for (id = 1; id < nr_ids; id++) {
		if (!frames[id])
			continue;
		t->frames[id] = frames[id];
		/* in memory a frame's slot table is stale until sealed */
		wr16(frames[id] + HDR_NUM_SLOTS, 0);
		t->nr_frames++;
		t->nr_keys += hdr32(frames[id], HDR_LEAVES);
		if (*t->seq < holt_get_le64(frames[id] + HDR_MAX_SEQ))
			*t->seq = holt_get_le64(frames[id] + HDR_MAX_SEQ);
	}
	*err = 0;
	holt_port_free(cx.links);
	holt_port_free(cx.order);
	return t;
out:
	holt_port_free(cx.links);
	holt_port_free(cx.order);
	return NULL;
}

/**
 * holt_tree_id_limit() - every frame id of the tree is below this
 * @t: tree
 *
 * Context: the caller excludes writers.
 * Return: the bound.
 */
u32 holt_tree_id_limit(struct holt_tree *t)
{
	return t->frames_cap;
}

/**
 * holt_tree_frame_peek() - the in-memory frame of an id, unsealed
 * @t: tree
 * @id: frame id
 *
 * Context: the caller excludes writers while it reads the frame.
 * Return: the frame, or NULL when the id is not in use.
 */
const u8 *holt_tree_frame_peek(struct holt_tree *t, u32 id)
{
	if (!id)
		return NULL;
	return tree_frame(t, id);
}

/**
 * holt_tree_frame_copy_id() - a sealed copy of the frame of an id
 * @t: tree
 * @id: frame id
 * @buf: HOLT_FRAME_SIZE bytes
 *
 * Context: the caller excludes writers.
 * Return: 0, or -ENOENT when the id is not in use.
 */
int holt_tree_frame_copy_id(struct holt_tree *t, u32 id, void *buf)
{
	const u8 *f = holt_tree_frame_peek(t, id);

	if (!f)
		return -ENOENT;
	holt_frame_copy_out(buf, f);
	holt_frame_seal(buf);
	return 0;
}

/**
 * holt_tree_max_version() - the highest version any frame has recorded
 * @t: tree
 *
 * Context: the caller excludes writers.
 * Return: the version, 0 for none.
 */
u64 holt_tree_max_version(struct holt_tree *t)
{
	u64 max = 0, v;
	u32 id;

	for (id = 1; id < t->frames_cap; id++) {
		if (!t->frames[id])
			continue;
		v = holt_get_le64(t->frames[id] + HDR_MAX_SEQ);
		if (v > max)
			max = v;
	}
	return max;
}
