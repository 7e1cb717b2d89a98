/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hint.h - the hint table: where a key's leaf was last seen, so that a get
 * can skip the walk from the root (private to kmod/core; see hint.c).
 */
#ifndef HOLT_CORE_HINT_H
#define HOLT_CORE_HINT_H

#include "port.h"

struct holt_tree;

#define HOLT_HINT_WAYS		5
#define HOLT_HINT_EPOCH_MASK	0xffffffu	/* 24 bits in an entry */

/*
 * One cache line: five entries (enc 16 | frame id 24 | frame epoch 24
 * bits, 0 = empty) and the key's hash for each, whose low bits are the
 * bucket's index (so a larger table needs no key).
 */
struct holt_hint_bucket {
	u64 loc[HOLT_HINT_WAYS];
	u32 tag[HOLT_HINT_WAYS];
	u32 pad;
};

struct holt_hint_table {
	struct holt_hint_bucket *b;	/* 64-byte aligned */
	u32 mask;			/* buckets - 1; no table when @b is NULL */
	u64 grow_at;			/* holt_hint_grow() when keys pass it */
};

u32 holt_hint_hash(const u8 *key, u32 klen);
void holt_hint_prefetch(struct holt_tree *t, u32 h);
const u8 *holt_hint_find(struct holt_tree *t, u32 h, const u8 *key, u32 klen,
			 u32 *fid);
void holt_hint_set(struct holt_tree *t, u32 h, u32 fid, const u8 *leaf);
void holt_hint_frame(struct holt_tree *t, u32 fid);
void holt_hint_grow(struct holt_tree *t);
void holt_hint_new_era(struct holt_tree *t);
void holt_hint_free(struct holt_tree *t);
u64 holt_hint_bytes(const struct holt_tree *t);

#endif /* HOLT_CORE_HINT_H */
