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
 * frame is reachable from the root.  On success the tree owns the images,
 * and is taken as dense when holt_iter_dense() proves it (all frames in
 * memory, no tombstone, no hollow subtree).
 */
#include "tree_int.h"
#include "tree_load.h"
#include "tree_cache.h"

struct tl_link {
	u32 parent;		/* 0: not referenced yet */
	u32 plen;		/* parent's node depth (child base length) */
	u32 base_crc;		/* crc32c of the key bytes above the child */
	u8 bytes[32];		/* key bytes the parent sends to the child */
};

/*
 * One pass over the frames in breadth-first order from the root.  The
 * images come either from an array (@frames) or, one at a time, from a
 * loader (@present says which ids have one); in the second case only the
 * first @keep frames stay in memory (@kept), the others are dropped after
 * their check and left for the loader to read again.
 */
struct tl_ctx {
	u8 **frames;
	const u8 *present;
	const struct holt_frame_loader *loader;
	u8 **kept;
	u32 keep, nr_kept;
	u32 nr_ids;
	u32 cur;
	struct tl_link *links;
	u32 *order;		/* frames in discovery order */
	u32 nr_order;
	u64 leaves, max_seq;
	/* checking a child: its base, and the link its parent made */
	u32 cblen;
	const struct tl_link *clink;
};

static bool tl_present(const struct tl_ctx *cx, u64 id)
{
	if (id >= cx->nr_ids)
		return false;
	return cx->frames ? cx->frames[id] != NULL : cx->present[id] != 0;
}

/* Blob entries of frame cx->cur: record each child and its parent. */
static int tl_links(void *ctx, const struct holt_scan_item *it)
{
	struct tl_ctx *cx = ctx;
	struct tl_link *l;
	u32 crc;
	u64 id;

	if (!it->is_prefix)
		return 0;
	if (it->vlen != 8 || !it->klen)
		return -EUCLEAN;
	id = holt_get_le64(it->val);
	if (id <= HOLT_ROOT_FRAME || !tl_present(cx, id))
		return -EUCLEAN;
	crc = holt_crc32c(0, it->key, it->klen - 1);
	l = &cx->links[id];
	if (!l->parent) {
		l->parent = cx->cur;
		l->plen = it->klen - 1;
		l->base_crc = crc;
		cx->order[cx->nr_order++] = (u32)id;
	} else if (l->parent != cx->cur || l->plen != it->klen - 1 ||
		   l->base_crc != crc) {
		return -EUCLEAN;	/* two parents, or two paths */
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

/* Check frame cx->cur (the image @f) and record the links it makes. */
static int tl_visit(struct tl_ctx *cx, const u8 *f, bool root)
{
	const u8 *base;
	u32 blen;
	int err;

	base = holt_frame_base(f, &blen);
	if (root) {
		if (blen)
			return -EUCLEAN;
	} else {
		cx->clink = &cx->links[cx->cur];
		if (blen != cx->clink->plen ||
		    holt_crc32c(0, base, blen) != cx->clink->base_crc)
			return -EUCLEAN;
		cx->cblen = blen;
		err = holt_frame_scan(f, tl_child_items, cx);
		if (err)
			return err < 0 ? err : -EUCLEAN;
	}
	err = holt_frame_scan(f, tl_links, cx);
	if (err)
		return err < 0 ? err : -EUCLEAN;
	cx->leaves += hdr32(f, HDR_LEAVES);
	if (cx->max_seq < holt_get_le64(f + HDR_MAX_SEQ))
		cx->max_seq = holt_get_le64(f + HDR_MAX_SEQ);
	return 0;
}

static int tl_check(struct tl_ctx *cx)
{
	u32 id, i;
	u8 *f;
	int err;

	if (cx->frames) {
		for (id = 1; id < cx->nr_ids; id++) {
			if (!cx->frames[id])
				continue;
			err = holt_frame_validate(cx->frames[id], 0);
			if (err)
				return err;
			if (holt_get_le64(cx->frames[id] + HDR_FRAME_ID) != id)
				return -EUCLEAN;
		}
	}
	if (!tl_present(cx, HOLT_ROOT_FRAME))
		return -EUCLEAN;
	/* breadth first from the root; order[] doubles as the queue */
	cx->order[cx->nr_order++] = HOLT_ROOT_FRAME;
	for (i = 0; i < cx->nr_order; i++) {
		cx->cur = cx->order[i];
		if (cx->frames) {
			f = cx->frames[cx->cur];
		} else {
			err = holt_tree_frame_read(cx->loader, cx->cur, &f);
			if (err)
				return err;
		}
		err = tl_visit(cx, f, i == 0);
		if (!cx->frames) {
			if (!err && (i == 0 || cx->nr_kept < cx->keep)) {
				cx->kept[cx->cur] = f;
				cx->nr_kept++;
			} else {
				holt_port_frame_free(f, HOLT_FRAME_SIZE);
			}
		}
		if (err)
			return err;
		holt_cond_resched();
	}
	for (id = 1; id < cx->nr_ids; id++)
		if (id != HOLT_ROOT_FRAME && tl_present(cx, id) &&
		    !cx->links[id].parent)
			return -EUCLEAN;	/* unreachable */
	return 0;
}

/* Give the tree room for @nr_ids ids. */
static int tl_reserve(struct holt_tree *t, u32 nr_ids)
{
	u32 cap;

	for (cap = t->frames_cap; cap < nr_ids; cap *= 2)
		;
	return cap == t->frames_cap ? 0 : holt_tree_grow_ids(t, cap);
}

static struct holt_tree *tl_open(const struct holt_tree_config *cfg,
				 struct tl_ctx *cx, int *err)
{
	struct holt_tree *t = NULL;
	u32 id, nr = 0;

	*err = -ENOMEM;
	cx->links = holt_port_alloc(sizeof(*cx->links) * cx->nr_ids);
	cx->order = holt_port_alloc(sizeof(*cx->order) * (cx->nr_ids + 1));
	if (!cx->frames)
		cx->kept = holt_port_alloc(sizeof(*cx->kept) * cx->nr_ids);
	if (!cx->links || !cx->order || (!cx->frames && !cx->kept))
		goto out;
	*err = tl_check(cx);
	if (*err) {
		if (*err > 0)
			*err = -EUCLEAN;
		goto out;
	}
	*err = -ENOMEM;
	t = holt_tree_create(cfg);
	if (!t)
		goto out;
	if (tl_reserve(t, cx->nr_ids)) {
		holt_tree_destroy(t);
		t = NULL;
		goto out;
	}
	holt_port_frame_free(t->frames[HOLT_ROOT_FRAME], HOLT_FRAME_SIZE);
	t->frames[HOLT_ROOT_FRAME] = NULL;
	for (id = 1; id < cx->nr_ids; id++) {
		if (!tl_present(cx, id))
			continue;
		nr++;
		if (cx->frames) {
			t->frames[id] = cx->frames[id];
			/* in memory a frame's slot table is stale until sealed */
			wr16(t->frames[id] + HDR_NUM_SLOTS, 0);
		} else if (cx->kept[id]) {
			t->frames[id] = cx->kept[id];
			cx->kept[id] = NULL;
		} else {
			t->meta[id].out = 1;
		}
	}
	t->nr_frames = nr;
	holt_atomic_set(&t->nr_out, cx->frames ? 0 : nr - cx->nr_kept);
	t->nr_keys = cx->leaves;
	if (*t->seq < cx->max_seq)
		*t->seq = cx->max_seq;
	t->loader = cx->loader;
	/* a hint table for the keys, with the frames in memory hinted */
	holt_hint_grow(t);
	for (id = 1; id < cx->nr_ids; id++)
		holt_hint_frame(t, id);
	t->dense = holt_iter_dense(t);
	*err = 0;
out:
	if (cx->kept) {
		for (id = 0; id < cx->nr_ids; id++)
			holt_port_frame_free(cx->kept[id], HOLT_FRAME_SIZE);
		holt_port_free(cx->kept);
	}
	holt_port_free(cx->links);
	holt_port_free(cx->order);
	return t;
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
	u32 id, any = 0;

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
	cx.frames = frames;
	cx.nr_ids = nr_ids;
	return tl_open(cfg, &cx, err);
}

/**
 * holt_tree_open_lazy() - a tree whose frames are read through a loader
 * @cfg: the version counter and the data budget, as holt_tree_create()
 * @present: @nr_ids flags indexed by frame id: nonzero where the loader has
 *	an image.  None at all gives a fresh empty tree.
 * @nr_ids: entries of @present, at most HOLT_TREE_LOAD_MAX_ID
 * @loader: reads an image by id; it stays in use by the tree (for frames
 *	that are out) until holt_tree_destroy()
 * @keep: frames to keep in memory besides the root; the others are read,
 *	checked as holt_tree_open() checks them, dropped, and read again on
 *	first use
 * @err: receives -EUCLEAN, -ENOMEM, -EINVAL or the loader's error
 *
 * Context: process context; allocates and calls the loader, may sleep.
 * Return: the tree, or NULL.
 */
struct holt_tree *holt_tree_open_lazy(const struct holt_tree_config *cfg,
				      const u8 *present, u32 nr_ids,
				      const struct holt_frame_loader *loader,
				      u32 keep, int *err)
{
	struct tl_ctx cx = { 0 };
	struct holt_tree *t;
	u32 id, any = 0;

	*err = -EINVAL;
	if (!cfg || !cfg->seq || !loader || !loader->read ||
	    (!present && nr_ids) || nr_ids > HOLT_TREE_LOAD_MAX_ID)
		return NULL;
	for (id = 0; id < nr_ids; id++)
		any += present[id] != 0;
	if (!any) {
		t = holt_tree_create(cfg);
		*err = t ? 0 : -ENOMEM;
		if (t)
			t->loader = loader;
		return t;
	}
	if (present[0]) {
		*err = -EUCLEAN;
		return NULL;
	}
	cx.present = present;
	cx.loader = loader;
	cx.keep = keep + 1;
	cx.nr_ids = nr_ids;
	return tl_open(cfg, &cx, err);
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
