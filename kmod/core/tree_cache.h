/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tree_cache.h - frames that leave memory and come back: a tree whose
 * clean frames can be evicted and read again on demand through a loader
 * (kmod/core/tree_cache.c, kmod/core/tree_load.c).
 *
 * DOC: The frame cache
 *
 * The engine tracks, for every frame id, a change count (the generation)
 * that grows with each write to the frame.  The store notes the generation
 * of the image it writes to the device; while the frame's generation is
 * unchanged the frame is clean and may be evicted with
 * holt_tree_frame_evict().  An evicted frame is "out": still part of the
 * tree, but not in memory.  The first walk that needs it reads it back
 * through the &struct holt_frame_loader, validates it (holt_frame_validate
 * and its id) and publishes it; readers that share the tree may do this at
 * the same time (one copy wins).  A frame that fails to load fails the
 * operation that needed it with the loader's error (-EUCLEAN, -EIO,
 * -ENOMEM) and leaves the tree unchanged.  The root frame is never out.
 */
#ifndef HOLT_CORE_TREE_CACHE_H
#define HOLT_CORE_TREE_CACHE_H

#include "tree.h"

/**
 * struct holt_frame_loader - where the frames that are out come from
 * @read: fill @buf (HOLT_FRAME_SIZE bytes) with the last image written of
 *	frame @id; 0 or -errno.  Called without any lock of the engine, by
 *	readers and writers of the tree, possibly at the same time.
 * @damaged: optional; told when an image @read gave fails validation
 *	(its checksum included, which @read need not compute), for a log line
 * @ctx: passed to @read and @damaged
 */
struct holt_frame_loader {
	int (*read)(void *ctx, u32 id, void *buf);
	void (*damaged)(void *ctx, u32 id, int err);
	void *ctx;
};

struct holt_tree *holt_tree_open_lazy(const struct holt_tree_config *cfg,
				      const u8 *present, u32 nr_ids,
				      const struct holt_frame_loader *loader,
				      u32 keep, int *err);
void holt_tree_set_loader(struct holt_tree *t,
			  const struct holt_frame_loader *loader);
u64 holt_tree_frame_gen(struct holt_tree *t, u32 id);
bool holt_tree_frame_in_use(struct holt_tree *t, u32 id);
bool holt_tree_frame_test_ref(struct holt_tree *t, u32 id);
int holt_tree_frame_evict(struct holt_tree *t, u32 id);
u32 holt_tree_nr_resident(struct holt_tree *t);
u64 holt_tree_nr_loads(struct holt_tree *t);

#endif /* HOLT_CORE_TREE_CACHE_H */
