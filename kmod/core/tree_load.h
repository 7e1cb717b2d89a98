/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tree_load.h - building a tree from frame images read from a device, and
 * reading its frames by id for a checkpoint (kmod/core/tree_load.c).
 */
#ifndef HOLT_CORE_TREE_LOAD_H
#define HOLT_CORE_TREE_LOAD_H

#include "tree.h"

/* Frame ids of a loaded tree are below this (the engine uses u32 ids). */
#define HOLT_TREE_LOAD_MAX_ID	(1u << 24)

struct holt_tree *holt_tree_open(const struct holt_tree_config *cfg,
				 u8 **frames, u32 nr_ids, int *err);
u32 holt_tree_id_limit(struct holt_tree *t);
const u8 *holt_tree_frame_peek(struct holt_tree *t, u32 id);
int holt_tree_frame_copy_id(struct holt_tree *t, u32 id, void *buf);
u64 holt_tree_max_version(struct holt_tree *t);

#endif /* HOLT_CORE_TREE_LOAD_H */
