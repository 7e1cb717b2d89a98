/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tree_int.h - internals of struct holt_tree shared by the files of
 * kmod/core (private).
 */
#ifndef HOLT_CORE_TREE_INT_H
#define HOLT_CORE_TREE_INT_H

#include "frame.h"

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

struct holt_tree {
	u64 *seq;
	u32 budget;		/* usable data bytes per frame */
	u8 **frames;		/* by frame id; [0] unused, NULL = free */
	u32 frames_cap;
	u32 nr_frames;
	u64 nr_keys;
	u64 spills, compactions, merges;
	struct holt_jnl *jnl;	/* non-NULL while a batch applies */
	struct holt_jnl spare;	/* journal buffer kept between batches */
	bool no_maint;		/* no merges (inside batches) */
	/*
	 * No delete since the tree was last seen empty (one frame, EmptyRoot):
	 * every subtree then holds a live key, which lets a delimiter scan
	 * roll a subtree up without going down (iter.c).
	 */
	bool dense;
};

static inline u8 *tree_frame(struct holt_tree *t, u64 id)
{
	if (id >= t->frames_cap)
		return NULL;
	return t->frames[id];
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
void holt_jnl_frame(struct holt_tree *t, u32 fid, u8 *old);
int holt_tree_new_id(struct holt_tree *t, u32 *id);

/* compact.c */
int holt_compact_frame(struct holt_tree *t, u32 fid);
int holt_spill_frame(struct holt_tree *t, u32 fid);
int holt_merge_frame(struct holt_tree *t, u32 fid);

/* iter.c */
int holt_iter_count(struct holt_tree *t, const u8 *prefix, u32 plen,
		    u64 limit, u64 *count);

#endif /* HOLT_CORE_TREE_INT_H */
