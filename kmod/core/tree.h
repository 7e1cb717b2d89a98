/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tree.h - the public interface of the holt engine: one ordered map of byte
 * keys to byte values, stored as an adaptive radix tree spread over 512 KiB
 * blob frames.
 *
 * DOC: Using a tree
 *
 * A &struct holt_tree is not locked internally: the caller serialises writers
 * against everything else (the module holds a per-store rw_semaphore; readers
 * may share it).  Every mutation draws its version from a u64 sequence
 * counter that the caller owns and passes at creation (&holt_tree_config.seq),
 * so that the store can persist the high-water mark and versions never
 * repeat.  A version is never 0; 0 is used in guards to mean "absent".
 *
 * Pointers returned in &struct holt_ref and &struct holt_scan_item point into
 * frame memory and stay valid only until the next mutation of the tree.
 *
 * Errors (negative errno):
 *  -ENOENT      key (or source of a rename) not found
 *  -EEXIST      put-if-absent / rename without force found the key present
 *  -ECANCELED   a version guard did not match
 *  -ENOTEMPTY   an assert-prefix-empty guard found a key under the prefix
 *  -E2BIG       key longer than HOLT_KEY_MAX or value longer than HOLT_VAL_MAX
 *  -EINVAL      malformed arguments
 *  -ENOMEM      out of memory; the tree is unchanged
 *  -EUCLEAN     a frame failed validation; the tree is unchanged
 *
 * Details of the engine in kmod/core (Documentation/format.rst has the
 * frame format):
 *  - HOLT_PUT_IF_VERSION with @expect 0 succeeds only if the key is absent;
 *    with any other @expect an absent key gives -ECANCELED.
 *  - A delete draws a version too (stored in the tombstone); a rename draws
 *    one for the destination (its new version) and one for deleting the
 *    source.  A rename onto itself with @force gives it a new version.
 *  - holt_tree_prefix_empty() returns 1 (empty), 0 (not empty) or -errno.
 *  - &holt_tree_config.data_budget below 4096 is raised to 4096; one item
 *    (leaf plus the nodes it needs) larger than the budget may exceed it
 *    in its frame, within the 479,104 usable bytes of a data area.
 *  - A failed batch or rename also puts back the versions it drew: *seq
 *    is as before (the caller holds the tree, so nothing saw them).
 */
#ifndef HOLT_CORE_TREE_H
#define HOLT_CORE_TREE_H

#include "port.h"

#define HOLT_KEY_MAX 65534u
#define HOLT_VAL_MAX 65535u

struct holt_tree;

/**
 * struct holt_tree_config - parameters of a new tree
 * @seq: the caller's version counter; each mutation takes ++*seq.
 * @data_budget: bytes of each frame's data area that may be used, 0 for the
 *	whole area.  Tests use small budgets to force spillover, compaction
 *	and merges thousands of times.
 */
struct holt_tree_config {
	u64 *seq;
	u32 data_budget;
};

/**
 * struct holt_ref - a key's value as stored
 * @key: the stored key (for longest-prefix matches), @klen bytes
 * @val: the value, @vlen bytes
 * @version: the version the last mutation of this key drew
 */
struct holt_ref {
	const u8 *key;
	u32 klen;
	const u8 *val;
	u32 vlen;
	u64 version;
};

/* Flags of holt_tree_put() and holt_tree_delete(). */
#define HOLT_PUT_IF_ABSENT	0x1u	/* fail with -EEXIST if present */
#define HOLT_PUT_IF_VERSION	0x2u	/* fail with -ECANCELED unless version matches */
#define HOLT_DEL_IF_VERSION	0x2u

/* Flags of struct holt_scan_args. */
#define HOLT_SCAN_KEYS_ONLY	0x1u	/* items carry no value */

/**
 * struct holt_scan_args - what an ordered scan visits
 * @prefix: only keys starting with these @plen bytes
 * @start_after: only items strictly greater than these @salen bytes; NULL
 *	for none.  An item is a key or a common prefix; a common prefix that is
 *	not greater than @start_after is skipped with everything under it, so
 *	a scan resumes correctly from the last item it returned.
 * @delimiter: -1 for none; else a byte: keys that contain it after the
 *	prefix are rolled up into one common prefix item ending with it
 * @limit: at most this many items, 0 for no limit
 * @flags: HOLT_SCAN_*
 */
struct holt_scan_args {
	const u8 *prefix;
	u32 plen;
	const u8 *start_after;
	u32 salen;
	int delimiter;
	u64 limit;
	u32 flags;
};

/**
 * struct holt_scan_item - one item of a scan
 * @key: key or common prefix, @klen bytes
 * @val: value (NULL for keys-only scans and common prefixes), @vlen bytes
 * @version: the key's version, 0 for a common prefix
 * @is_prefix: true for a common prefix rolled up by the delimiter
 */
struct holt_scan_item {
	const u8 *key;
	u32 klen;
	const u8 *val;
	u32 vlen;
	u64 version;
	bool is_prefix;
};

/*
 * A scan callback returns 0 to go on; anything else stops the scan and is
 * returned by holt_tree_scan() (a positive value to stop quietly, or an
 * errno such as -EMSGSIZE when a netlink message is full).
 */
typedef int (*holt_scan_fn)(void *ctx, const struct holt_scan_item *item);

/* Operations of an atomic batch. */
enum holt_bop {
	HOLT_BOP_PUT = 1,		/* key, val */
	HOLT_BOP_PUT_IF_ABSENT,		/* key, val */
	HOLT_BOP_PUT_IF_VERSION,	/* key, val, version */
	HOLT_BOP_DEL,			/* key */
	HOLT_BOP_DEL_IF_VERSION,	/* key, version */
	HOLT_BOP_RENAME,		/* key (source), val (destination), force */
	HOLT_BOP_ASSERT_VERSION,	/* key, version (0: key must be absent) */
	HOLT_BOP_ASSERT_EMPTY,		/* key (a prefix) */
};

/**
 * struct holt_batch_op - one operation of an atomic batch
 * @op: enum holt_bop
 * @force: for HOLT_BOP_RENAME, overwrite an existing destination
 * @key: key, source key or prefix, @klen bytes
 * @val: value or destination key, @vlen bytes
 * @version: expected version for guarded operations
 */
struct holt_batch_op {
	u8 op;
	bool force;
	const u8 *key;
	u32 klen;
	const u8 *val;
	u32 vlen;
	u64 version;
};

/**
 * struct holt_tree_stats - counters of one tree
 */
struct holt_tree_stats {
	u64 keys;		/* live keys */
	u64 frames;		/* frames in use (in memory or out) */
	u64 resident;		/* frames in memory (data_*, depth: these) */
	u64 frame_bytes;	/* frames * frame size */
	u64 data_used;		/* bytes of data area in use, live and dead */
	u64 data_live;		/* bytes of live node bodies */
	u64 data_capacity;	/* resident * data budget */
	u64 tombstones;
	u64 spills;		/* spillovers since creation */
	u64 compactions;
	u64 merges;
	u64 cuts;		/* child frames cut below a '/' (holt_cut_frame()) */
	u64 loads;		/* frames read back through the loader */
	u64 evictions;		/* frames evicted */
	u64 hint_bytes;		/* memory of the hint table (hint.c) */
	u64 hollow_frames;	/* frames a delete left hollow (tree_int.h) */
	u32 depth;		/* frames on the longest root-to-leaf path */
	u32 dense;		/* 1: roll-ups need not go down (tree_int.h) */
};

struct holt_tree *holt_tree_create(const struct holt_tree_config *cfg);
void holt_tree_destroy(struct holt_tree *t);

int holt_tree_get(struct holt_tree *t, const u8 *key, u32 klen,
		  struct holt_ref *out);
int holt_tree_put(struct holt_tree *t, const u8 *key, u32 klen,
		  const u8 *val, u32 vlen, u32 flags, u64 expect,
		  u64 *version);
int holt_tree_delete(struct holt_tree *t, const u8 *key, u32 klen,
		     u32 flags, u64 expect);
int holt_tree_rename(struct holt_tree *t, const u8 *src, u32 slen,
		     const u8 *dst, u32 dlen, bool force, u64 *version);
int holt_tree_prefix_empty(struct holt_tree *t, const u8 *prefix, u32 plen);
int holt_tree_prefix_count(struct holt_tree *t, const u8 *prefix, u32 plen,
			   u64 limit, u64 *count);
int holt_tree_longest_prefix(struct holt_tree *t, const u8 *key, u32 klen,
			     struct holt_ref *out);
int holt_tree_scan(struct holt_tree *t, const struct holt_scan_args *args,
		   holt_scan_fn fn, void *ctx);
int holt_tree_batch(struct holt_tree *t, const struct holt_batch_op *ops,
		    u32 nr, u32 *failed);
int holt_tree_compact(struct holt_tree *t);
/* holt_tree_reclaim() proves density again on trees of this many frames */
#define HOLT_RECLAIM_PROVE_FRAMES	1024u
int holt_tree_reclaim(struct holt_tree *t, u32 max, u32 *rebuilt);
void holt_tree_get_stats(struct holt_tree *t, struct holt_tree_stats *st);

/*
 * Raw frame access for tests and offline tools: the number of frames of the
 * tree, and a sealed (checksummed) copy of frame @i (0 <= @i < nr) into
 * @buf, which holds HOLT_FRAME_SIZE bytes.
 */
u32 holt_tree_nr_frames(struct holt_tree *t);
u64 holt_tree_nr_keys(struct holt_tree *t);
int holt_tree_frame_copy(struct holt_tree *t, u32 i, void *buf);

#endif /* HOLT_CORE_TREE_H */
