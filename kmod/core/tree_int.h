/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tree_int.h - internals of struct holt_tree shared by the files of
 * kmod/core (private).
 */
#ifndef HOLT_CORE_TREE_INT_H
#define HOLT_CORE_TREE_INT_H

#include "frame.h"
#include "hint.h"

/*
 * The undo journal of a batch: every in-place write to existing frame
 * bytes is preceded by a record of the old bytes, every frame replaced
 * or released keeps its old memory until the batch commits.  Rolling back
 * restores records newest first; nothing in a rollback allocates.
 */
struct holt_jnl {
	u8 *buf;
	u32 len, cap;
};

/*
 * What the tree keeps about each frame id besides its memory.  @gen counts
 * the changes of the id's frame (every journaled write, every replacement):
 * it only grows, so a caller that noted it when it wrote the frame out
 * knows the frame is clean while it is unchanged.  @out is set while the
 * frame is in use but not in memory (evicted: its loader can read it back).
 * @ref is set by every walk that enters the frame (for a clock eviction).
 * @epoch is new each time the id gets new memory (hint.c).  @root is where
 * a walk last found the frame's root body (tree_frame_root()).  @laid is
 * set while the frame is as a rebuild laid it out (tree_frame_laid()).
 */
struct holt_frame_loader;

struct holt_fmeta {
	u64 gen;
	u32 epoch;
	u8 out;
	u8 ref;
	u16 root;
	u8 laid;
	u8 hollow;	/* a subtree in this frame may hold no live key */
	u8 hollow_below;	/* and a Blob of it may lead to none */
	u32 upper;	/* while @laid: where the directory bodies begin */
};

struct holt_tree {
	u64 *seq;
	u32 budget;		/* usable data bytes per frame */
	u8 **frames;		/* by frame id; [0] unused, NULL = free or out */
	struct holt_fmeta *meta;	/* by frame id, as @frames */
	u32 frames_cap;
	u32 nr_frames;		/* in use, in memory or out */
	struct holt_atomic nr_out;	/* in use but not in memory */
	struct holt_atomic loads;	/* frames read back by the loader */
	const struct holt_frame_loader *loader;
	struct holt_hint_table hints;
	u32 epochs;		/* the last frame epoch given out */
	u64 nr_keys;
	u64 spills, compactions, merges, evictions, cuts;
	struct holt_jnl *jnl;	/* non-NULL while a batch applies */
	struct holt_jnl spare;	/* journal buffer kept between batches */
	bool no_maint;		/* no merges (inside batches) */
	/*
	 * Every subtree that is not a single leaf holds a live key, which
	 * lets a delimiter scan roll a subtree up without going down
	 * (iter.c): no delete since the tree was last seen empty (one frame,
	 * EmptyRoot), or since holt_iter_dense() proved it (after loading,
	 * after a compaction), other than deletes that left a live key
	 * beside the leaf in its frame (delete_density()).  Those leave
	 * @dead_leaves set: a leaf may then be a tombstone, and a roll-up
	 * that would give out a leaf child's prefix reads it first, in a
	 * frame that has any.  A frame whose meta says hollow may also hold
	 * inner subtrees with no live key: roll-ups in it go down as in a
	 * tree that is not dense.  A Blob's byte leads to a live key in its
	 * child frame, unless its frame says hollow_below (a delete left no
	 * live key under a child frame's root for the byte: delete_above());
	 * roll-ups there go down too.  A rebuild clears hollow, but not
	 * hollow_below: the Blob still leads where it did.  That mark goes
	 * with the frame's bodies into the frames a spill or a merge gives
	 * them (mark_below()), and only holt_tree_compact(), which drops every
	 * such Blob and proves the tree dense, clears it.
	 */
	bool dense;
	bool dead_leaves;
	/*
	 * Frames deletes marked (hollow, hollow_below) since the tree was
	 * last known dense: past half of the frames (and past
	 * HOLT_MARKED_MIN) the tree stops being taken as dense.  Roll-ups in
	 * marked frames go down anyway, and a delete there reads bodies to
	 * keep the promise (delete_density()).
	 */
	u32 marked;
};

#define HOLT_MARKED_MIN	16u

/* Frame @fid is marked hollow or hollow_below (see struct holt_tree). */
static inline bool tree_frame_marked(const struct holt_tree *t, u32 fid)
{
	return t->meta[fid].hollow || t->meta[fid].hollow_below;
}

static inline u8 *tree_frame(struct holt_tree *t, u64 id)
{
	if (id >= t->frames_cap)
		return NULL;
	return t->frames[id];
}

int holt_tree_frame_fault(struct holt_tree *t, u64 id, u8 **fp);
int holt_tree_frame_read(const struct holt_frame_loader *l, u32 id, u8 **fp);

/*
 * Frame @id was used: set its reference bit for the cache's clock (only
 * when clear, so that readers do not keep dirtying a shared line).
 */
static inline void tree_frame_touch(struct holt_tree *t, u32 id)
{
	if (!holt_port_read_once(t->meta[id].ref))
		holt_port_write_once(t->meta[id].ref, 1);
}

/*
 * The frame a Blob names, read back through the loader when it is out.
 * Readers sharing the tree may call this at the same time.
 * Returns 0, or -EUCLEAN (no such frame, or it failed validation), -EIO or
 * -ENOMEM from the loader.
 */
static inline int tree_frame_get(struct holt_tree *t, u64 id, u8 **fp)
{
	u8 *f;

	if (unlikely(id >= t->frames_cap))
		return -EUCLEAN;
	f = holt_port_read_once(t->frames[id]);
	if (unlikely(!f))
		return holt_tree_frame_fault(t, id, fp);
	tree_frame_touch(t, (u32)id);
	*fp = f;
	return 0;
}

/*
 * The root body of frame @f, id @id, for a walk crossing into it.  The
 * walk would wait for the header's line and only then for the root body;
 * the root's place last seen is kept in the frame's meta so that both are
 * asked for at once.  That place is only ever a prefetch address (the
 * root always comes from the header), and it was a validated frame's root,
 * so it lies in the frame's memory even when stale.
 * tree_frame_prefetch_root() only asks for it (and returns it).
 */
static inline u16 tree_frame_prefetch_root(struct holt_tree *t, u32 id,
					   const u8 *f)
{
	u16 seen = holt_port_read_once(t->meta[id].root);

	if (seen)
		holt_port_prefetch(f + holt_dec(seen));
	return seen;
}

static inline u16 tree_frame_root(struct holt_tree *t, u32 id, const u8 *f)
{
	u16 seen = tree_frame_prefetch_root(t, id, f);
	u16 root = rd16(f + HDR_ROOT);

	if (root != seen)
		holt_port_write_once(t->meta[id].root, root);
	return root;
}

/*
 * Frame id @fid's leaves may have moved: a new epoch, so that hints into
 * what it held stop matching.  Entries keep 24 bits of an epoch: when the
 * counter wraps, every hint and every frame's epoch start over.
 */
static inline void tree_frame_new_epoch(struct holt_tree *t, u32 fid)
{
	if (!(++t->epochs & HOLT_HINT_EPOCH_MASK))
		holt_hint_new_era(t);
	t->meta[fid].epoch = t->epochs;
}

/*
 * Frame id @fid gets new memory @f (NULL: released).  A rebuild drops
 * tombstones and the subtrees left with none but them: not hollow.
 */
static inline void tree_frame_install(struct holt_tree *t, u32 fid, u8 *f)
{
	t->frames[fid] = f;
	t->meta[fid].laid = 0;
	t->meta[fid].hollow = 0;
	tree_frame_new_epoch(t, fid);
}

/* A frame changes (journaled write, new memory, released). */
static inline void tree_frame_changed(struct holt_tree *t, u32 fid)
{
	t->meta[fid].gen++;
	t->meta[fid].laid = 0;
}

/*
 * Frame @fid is as a rebuild (compact.c) laid it out and nothing has
 * changed it since: its bodies lie in post-order, children in key order
 * before their parent, except the directory bodies (inner nodes and
 * Prefixes with a '/' or a Blob below them, or a leaf whose key holds a
 * '/' past them), which lie together from meta.upper to the end, parents
 * before their children.  So every subtree whose root is not a directory
 * body is one run of memory whose leaves come in key order, and no key in
 * it holds a '/' past the root's depth.  Any write clears it
 * (tree_frame_changed()), as does new memory, an eviction or a rollback;
 * a write that moves no body keeps it (holt_jnl_write_fixed()).
 */
static inline bool tree_frame_laid(const struct holt_tree *t, u32 fid)
{
	return fid < t->frames_cap && t->meta[fid].laid;
}

/* Live bytes of a frame: used minus dead minus tombstoned. */
static inline u32 frame_used(const u8 *f)
{
	return hdr32(f, HDR_USED) - HOLT_DATA_OFF;
}

static inline u32 frame_live(const u8 *f)
{
	return frame_used(f) - hdr32(f, HDR_DEAD) - hdr32(f, HDR_TOMB_BYTES);
}

/* journal (tree.c) */
int holt_jnl_reserve(struct holt_tree *t, u32 bytes);
void holt_jnl_write(struct holt_tree *t, u32 fid, u32 off, u32 len);
void holt_jnl_write_fixed(struct holt_tree *t, u32 fid, u32 off, u32 len);
void holt_jnl_frame(struct holt_tree *t, u32 fid, u8 *old);
int holt_tree_new_id(struct holt_tree *t, u32 *id);
int holt_tree_grow_ids(struct holt_tree *t, u32 cap);

/* compact.c */
int holt_compact_frame(struct holt_tree *t, u32 fid);
int holt_tidy_frame(struct holt_tree *t, u32 fid);
int holt_spill_frame(struct holt_tree *t, u32 fid);
int holt_merge_frame(struct holt_tree *t, u32 fid);
int holt_cut_frame(struct holt_tree *t, u32 xid);
u32 *holt_compact_order(struct holt_tree *t, u32 *nr, u8 *parents,
			bool resident);

/* prefetch.c: walks of this many keys at most go together */
#define HOLT_PREFETCH_MAX	32u
void holt_tree_prefetch(struct holt_tree *t, const u8 *const *keys,
			const u32 *klens, u32 nr, u32 *hashes);

/* iter.c */
int holt_iter_count(struct holt_tree *t, const u8 *prefix, u32 plen,
		    u64 limit, u64 *count);
bool holt_iter_dense(struct holt_tree *t);

#endif /* HOLT_CORE_TREE_INT_H */
