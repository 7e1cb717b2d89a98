/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * holt: a metadata storage engine in the kernel - the generic netlink ABI.
 *
 * Family HOLT_GENL_NAME ("holt"), version HOLT_GENL_VERSION.  All commands
 * take a flat set of HOLT_A_* attributes; nested attributes are described
 * where they appear.  Every rejection carries an extended-ack message and,
 * where one attribute is at fault, that attribute's offset.
 *
 * Data commands address a tree with HOLT_A_STORE (optional when exactly one
 * store is attached) and HOLT_A_TREE (optional, default "default").  They are
 * checked against the store's owner uid/gid and mode like a file: read
 * commands need r, write commands need w.  Administrative commands need
 * CAP_SYS_ADMIN.  Keys are arbitrary bytes, 1..HOLT_KEY_MAX long; values are
 * 0..HOLT_VAL_MAX bytes.  Versions are u64, never 0, and never repeat within a
 * store.
 *
 * Errors: ENOENT (key, store or tree not found), EEXIST (present), ECANCELED
 * (version guard failed), ENOTEMPTY (assert-empty guard failed), E2BIG (key or
 * value too long), EINVAL (malformed request), EACCES/EPERM (no rights),
 * EBUSY (store or tree in use), EUCLEAN (damaged metadata).
 *
 * HOLT_CMD_NOOP: does nothing and replies with an empty message.  Used to
 *   measure the cost of a generic netlink round trip.
 *
 * HOLT_CMD_GET: read one key.
 *   in:  HOLT_A_KEY (binary)
 *   out: HOLT_A_VALUE (binary), HOLT_A_VERSION (u64)
 *
 * HOLT_CMD_PUT: write one key.
 *   in:  HOLT_A_KEY, HOLT_A_VALUE, HOLT_A_FLAGS (u32, optional:
 *        HOLT_F_IF_ABSENT or HOLT_F_IF_VERSION), HOLT_A_VERSION (u64, the
 *        expected version, with HOLT_F_IF_VERSION)
 *   out: HOLT_A_VERSION, the new version
 *
 * HOLT_CMD_DEL: delete one key.
 *   in:  HOLT_A_KEY, HOLT_A_FLAGS (optional HOLT_F_IF_VERSION), HOLT_A_VERSION
 *
 * HOLT_CMD_RENAME: move a key's value to another key, atomically.
 *   in:  HOLT_A_KEY (source), HOLT_A_DST_KEY, HOLT_A_FLAGS (optional
 *        HOLT_F_FORCE: replace an existing destination)
 *   out: HOLT_A_VERSION, the destination's new version
 *
 * HOLT_CMD_COUNT: count keys under a prefix, stopping at a limit.
 *   in:  HOLT_A_PREFIX (optional, empty for all), HOLT_A_LIMIT (u64, optional)
 *   out: HOLT_A_COUNT (u64)
 *
 * HOLT_CMD_LONGEST_PREFIX: the longest stored key that is a prefix of a key.
 *   in:  HOLT_A_KEY
 *   out: HOLT_A_KEY (the stored key), HOLT_A_VALUE, HOLT_A_VERSION
 *
 * HOLT_CMD_SCAN (NLM_F_DUMP only): keys in order.
 *   in:  HOLT_A_PREFIX, HOLT_A_START_AFTER (binary), HOLT_A_DELIMITER (u8),
 *        HOLT_A_LIMIT (u64), HOLT_A_FLAGS (optional HOLT_F_KEYS_ONLY), all
 *        optional
 *   out: each message carries one or more HOLT_A_ENTRY nests of
 *        HOLT_A_KEY, and for keys (not common prefixes) HOLT_A_VERSION and,
 *        unless HOLT_F_KEYS_ONLY, HOLT_A_VALUE; a common prefix carries
 *        HOLT_A_IS_PREFIX (flag).  The dump resumes after the last item sent,
 *        so an entry that exists for the whole dump is returned exactly once
 *        even when the tree changes between messages.
 *
 * HOLT_CMD_BATCH: apply operations atomically: all or none.
 *   in:  HOLT_A_BATCH, a nest of HOLT_A_OP nests (attribute type ignored),
 *        each with HOLT_OP_A_TYPE (u8, enum holt_batch_op_type), HOLT_OP_A_KEY
 *        (key, source or prefix), HOLT_OP_A_VALUE (value or destination
 *        key), HOLT_OP_A_VERSION (u64), HOLT_OP_A_FLAGS (u32, HOLT_F_FORCE)
 *   out: HOLT_A_COUNT (operations applied).  On failure the error is the
 *        failing operation's and HOLT_A_FAILED_INDEX (u32) names it in a
 *        reply carried by the extended ack.
 *
 * HOLT_CMD_TREE_CREATE, HOLT_CMD_TREE_DROP (admin): create or drop a named
 *   tree.  in: HOLT_A_STORE, HOLT_A_TREE.  "default" cannot be dropped.
 *
 * HOLT_CMD_TREE_LIST (NLM_F_DUMP): one message per tree with HOLT_A_STORE,
 *   HOLT_A_TREE and HOLT_A_COUNT (keys).
 *
 * HOLT_CMD_STORE_ATTACH (admin): attach a store.
 *   in:  HOLT_A_STORE (name), either HOLT_A_MEMORY (flag) or HOLT_A_DEVICE
 *        (path), optional HOLT_A_DURABILITY (u8 enum holt_durability),
 *        HOLT_A_UID, HOLT_A_GID (u32), HOLT_A_MODE (u32, permission bits
 *        0..0777, default 0600 with owner root)
 *   out: HOLT_A_STORE (the name given or derived)
 *
 * HOLT_CMD_STORE_DETACH (admin): detach a store.  in: HOLT_A_STORE
 *
 * HOLT_CMD_STORE_LIST (NLM_F_DUMP): one message per store with HOLT_A_STORE,
 *   HOLT_A_DEVICE (if any), HOLT_A_UID, HOLT_A_GID, HOLT_A_MODE,
 *   HOLT_A_DURABILITY.
 *
 * HOLT_CMD_STORE_SET (admin): change HOLT_A_UID, HOLT_A_GID, HOLT_A_MODE of
 *   HOLT_A_STORE.
 *
 * HOLT_CMD_STATS: counters of a tree.  in: HOLT_A_STORE, HOLT_A_TREE.
 *   out: HOLT_A_STATS, a nest of HOLT_STATS_A_* u64 attributes.
 *
 * HOLT_CMD_FORMAT (admin): in: HOLT_A_DEVICE, HOLT_A_WAL_MB (u32, optional).
 * HOLT_CMD_CHECKPOINT, HOLT_CMD_SYNC, HOLT_CMD_COMPACT (admin): in:
 *   HOLT_A_STORE.  On a memory store checkpoint and sync do nothing.
 */
#ifndef _UAPI_LINUX_HOLT_H
#define _UAPI_LINUX_HOLT_H

#define HOLT_GENL_NAME "holt"
#define HOLT_GENL_VERSION 1

#define HOLT_KEY_MAX_LEN 65534
#define HOLT_VAL_MAX_LEN 65535
#define HOLT_NAME_MAX_LEN 64		/* store and tree names, with NUL */
#define HOLT_PATH_MAX_LEN 256		/* device paths, with NUL */

enum holt_cmd {
	HOLT_CMD_UNSPEC,
	HOLT_CMD_NOOP,
	HOLT_CMD_GET,
	HOLT_CMD_PUT,
	HOLT_CMD_DEL,
	HOLT_CMD_RENAME,
	HOLT_CMD_COUNT,
	HOLT_CMD_LONGEST_PREFIX,
	HOLT_CMD_SCAN,
	HOLT_CMD_BATCH,
	HOLT_CMD_TREE_CREATE,
	HOLT_CMD_TREE_DROP,
	HOLT_CMD_TREE_LIST,
	HOLT_CMD_STORE_ATTACH,
	HOLT_CMD_STORE_DETACH,
	HOLT_CMD_STORE_LIST,
	HOLT_CMD_STORE_SET,
	HOLT_CMD_STATS,
	HOLT_CMD_FORMAT,
	HOLT_CMD_CHECKPOINT,
	HOLT_CMD_SYNC,
	HOLT_CMD_COMPACT,
	__HOLT_CMD_MAX
};
#define HOLT_CMD_MAX (__HOLT_CMD_MAX - 1)

enum holt_attr {
	HOLT_A_UNSPEC,
	HOLT_A_STORE,		/* NUL-terminated string */
	HOLT_A_TREE,		/* NUL-terminated string */
	HOLT_A_KEY,		/* binary */
	HOLT_A_VALUE,		/* binary */
	HOLT_A_VERSION,		/* u64 */
	HOLT_A_FLAGS,		/* u32, HOLT_F_* */
	HOLT_A_DST_KEY,		/* binary */
	HOLT_A_PREFIX,		/* binary */
	HOLT_A_START_AFTER,	/* binary */
	HOLT_A_DELIMITER,	/* u8 */
	HOLT_A_LIMIT,		/* u64 */
	HOLT_A_COUNT,		/* u64 */
	HOLT_A_ENTRY,		/* nest: KEY, VALUE, VERSION, IS_PREFIX */
	HOLT_A_IS_PREFIX,	/* flag */
	HOLT_A_BATCH,		/* nest of HOLT_A_OP */
	HOLT_A_OP,		/* nest of HOLT_OP_A_* */
	HOLT_A_FAILED_INDEX,	/* u32 */
	HOLT_A_MEMORY,		/* flag */
	HOLT_A_DEVICE,		/* NUL-terminated string */
	HOLT_A_DURABILITY,	/* u8, enum holt_durability */
	HOLT_A_UID,		/* u32 */
	HOLT_A_GID,		/* u32 */
	HOLT_A_MODE,		/* u32 */
	HOLT_A_STATS,		/* nest of HOLT_STATS_A_* */
	HOLT_A_WAL_MB,		/* u32 */
	HOLT_A_PAD,
	__HOLT_A_LAST
};
#define HOLT_A_MAX (__HOLT_A_LAST - 1)

enum holt_flag {
	HOLT_F_IF_ABSENT = 1U << 0,
	HOLT_F_IF_VERSION = 1U << 1,
	HOLT_F_FORCE = 1U << 2,
	HOLT_F_KEYS_ONLY = 1U << 3,
	__HOLT_F_ALL = HOLT_F_IF_ABSENT | HOLT_F_IF_VERSION | HOLT_F_FORCE |
		       HOLT_F_KEYS_ONLY
};

enum holt_batch_op_type {
	HOLT_OP_UNSPEC,
	HOLT_OP_PUT,		/* KEY, VALUE */
	HOLT_OP_PUT_IF_ABSENT,	/* KEY, VALUE */
	HOLT_OP_PUT_IF_VERSION,	/* KEY, VALUE, VERSION */
	HOLT_OP_DEL,		/* KEY */
	HOLT_OP_DEL_IF_VERSION,	/* KEY, VERSION */
	HOLT_OP_RENAME,		/* KEY (source), VALUE (destination), FLAGS */
	HOLT_OP_ASSERT_VERSION,	/* KEY, VERSION (0: must be absent) */
	HOLT_OP_ASSERT_EMPTY,	/* KEY (prefix) */
	__HOLT_OP_MAX
};
#define HOLT_OP_MAX (__HOLT_OP_MAX - 1)

enum holt_op_attr {
	HOLT_OP_A_UNSPEC,
	HOLT_OP_A_TYPE,		/* u8 */
	HOLT_OP_A_KEY,		/* binary */
	HOLT_OP_A_VALUE,	/* binary */
	HOLT_OP_A_VERSION,	/* u64 */
	HOLT_OP_A_FLAGS,	/* u32 */
	HOLT_OP_A_PAD,
	__HOLT_OP_A_LAST
};
#define HOLT_OP_A_MAX (__HOLT_OP_A_LAST - 1)

enum holt_durability {
	HOLT_DURABILITY_SYNC,
	HOLT_DURABILITY_ASYNC,
	__HOLT_DURABILITY_MAX
};

enum holt_stats_attr {
	HOLT_STATS_A_UNSPEC,
	HOLT_STATS_A_KEYS,
	HOLT_STATS_A_FRAMES,
	HOLT_STATS_A_FRAME_BYTES,
	HOLT_STATS_A_DATA_USED,
	HOLT_STATS_A_DATA_LIVE,
	HOLT_STATS_A_DATA_CAPACITY,
	HOLT_STATS_A_TOMBSTONES,
	HOLT_STATS_A_SPILLS,
	HOLT_STATS_A_COMPACTIONS,
	HOLT_STATS_A_MERGES,
	HOLT_STATS_A_DEPTH,
	HOLT_STATS_A_GETS,
	HOLT_STATS_A_PUTS,
	HOLT_STATS_A_DELS,
	HOLT_STATS_A_SCANS,
	HOLT_STATS_A_PAD,
	__HOLT_STATS_A_LAST
};
#define HOLT_STATS_A_MAX (__HOLT_STATS_A_LAST - 1)

#endif /* _UAPI_LINUX_HOLT_H */
