/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * holt: a metadata storage engine in the kernel - the generic netlink ABI.
 *
 * Family HOLT_GENL_NAME ("holt"), version HOLT_GENL_VERSION, in the initial
 * network namespace only.  All commands take a flat set of HOLT_A_* attributes;
 * nested attributes are described where they appear.  Every attribute has a
 * policy: an unknown attribute, a wrong length, an unknown flag bit
 * (outside __HOLT_F_ALL) or an attribute that only the kernel sends is
 * rejected with EINVAL.  Every rejection carries an extended-ack message and,
 * where one attribute is at fault, that attribute's offset.
 *
 * Data commands address a tree with HOLT_A_STORE (optional when exactly one
 * store is attached: with none attached the error is ENOENT, with several
 * EINVAL) and HOLT_A_TREE (optional, default "default").  They are checked
 * against the store's owner uid/gid and mode like a file: read commands need
 * r, write commands need w; CAP_DAC_OVERRIDE bypasses the check; a denial is
 * EACCES.  Administrative commands need CAP_SYS_ADMIN (EPERM otherwise).
 *
 * Limits.  Keys are arbitrary bytes (NUL included), 1..HOLT_KEY_MAX_LEN long;
 * values are 0..HOLT_VAL_MAX_LEN bytes.  The engine itself accepts longer
 * ones, but a netlink attribute (and a nest) holds at most 65535 bytes, and
 * one HOLT_A_ENTRY of a scan must carry a longest key and a longest value
 * together; a longer key or value is refused with E2BIG.  Store and tree
 * names are 1..HOLT_NAME_MAX_LEN - 1 printable characters without '/'.
 * Versions are u64, never 0, and never repeat within a store; 0 in a guard
 * means "absent".
 *
 * Errors: ENOENT (key, store or tree not found), EEXIST (present), ECANCELED
 * (version guard failed), ENOTEMPTY (assert-empty guard failed), E2BIG (key
 * or value too long, too many operations), EINVAL (malformed request),
 * ERANGE (an integer attribute out of its range: HOLT_A_MODE above 0777,
 * an unknown HOLT_A_DURABILITY or HOLT_OP_A_TYPE),
 * EACCES (the store's mode denies it), EPERM (not CAP_SYS_ADMIN), EBUSY
 * (store or tree in use), ENOSPC (too many stores or trees; a device store's
 * log or frame slots full), EIO (a device store's device failed: the store
 * refuses further writes), ENOMEM, EUCLEAN (damaged metadata).
 *
 * HOLT_CMD_NOOP: does nothing and replies with an empty message.  Used to
 *   measure the cost of a generic netlink round trip.  No rights needed.
 *
 * HOLT_CMD_GET (r): read one key.
 *   in:  HOLT_A_KEY (binary)
 *   out: HOLT_A_VALUE (binary), HOLT_A_VERSION (u64)
 *
 * HOLT_CMD_PUT (w): write one key.
 *   in:  HOLT_A_KEY, HOLT_A_VALUE, HOLT_A_FLAGS (u32, optional:
 *        HOLT_F_IF_ABSENT or HOLT_F_IF_VERSION, not both), HOLT_A_VERSION
 *        (u64, the expected version, required with HOLT_F_IF_VERSION)
 *   out: HOLT_A_VERSION, the new version
 *
 * HOLT_CMD_DEL (w): delete one key.
 *   in:  HOLT_A_KEY, HOLT_A_FLAGS (optional HOLT_F_IF_VERSION), HOLT_A_VERSION
 *   out: nothing (an empty message)
 *
 * HOLT_CMD_RENAME (w): move a key's value to another key, atomically.
 *   in:  HOLT_A_KEY (source), HOLT_A_DST_KEY, HOLT_A_FLAGS (optional
 *        HOLT_F_FORCE: replace an existing destination)
 *   out: HOLT_A_VERSION, the destination's new version
 *
 * HOLT_CMD_COUNT (r): count keys under a prefix, stopping at a limit.
 *   in:  HOLT_A_PREFIX (optional, empty for all), HOLT_A_LIMIT (u64, optional,
 *        0 for none)
 *   out: HOLT_A_COUNT (u64)
 *
 * HOLT_CMD_LONGEST_PREFIX (r): the longest stored key that is a prefix of a
 *   key (the key itself included).
 *   in:  HOLT_A_KEY
 *   out: HOLT_A_KEY (the stored key), HOLT_A_VALUE, HOLT_A_VERSION
 *
 * HOLT_CMD_SCAN (r, NLM_F_DUMP only): keys in order.
 *   in:  HOLT_A_PREFIX, HOLT_A_START_AFTER (binary), HOLT_A_DELIMITER (u8),
 *        HOLT_A_LIMIT (u64, 0 for none), HOLT_A_FLAGS (optional
 *        HOLT_F_KEYS_ONLY), all optional
 *   out: each message carries one or more HOLT_A_ENTRY nests of
 *        HOLT_A_KEY, and for keys (not common prefixes) HOLT_A_VERSION and,
 *        unless HOLT_F_KEYS_ONLY, HOLT_A_VALUE; a common prefix (the keys
 *        that hold the delimiter after the prefix, rolled up to the first
 *        delimiter, which it ends with) carries HOLT_A_IS_PREFIX (flag).
 *        The dump keeps the last item sent as its cursor and resumes strictly
 *        after it, so an entry that exists for the whole dump is returned
 *        exactly once, in order, even when the tree changes between
 *        messages; entries added or removed meanwhile may or may not appear.
 *        The limit counts items over the whole dump.  A message holds up to
 *        about 64 KiB when values are sent (receive with MSG_PEEK or a
 *        buffer that large).  If the store or tree goes away during the
 *        dump, it ends with ENOENT.
 *
 * HOLT_CMD_BATCH (w): apply operations atomically: all or none.
 *   in:  HOLT_A_BATCH, a nest of HOLT_A_OP nests (attribute type ignored),
 *        each with HOLT_OP_A_TYPE (u8, enum holt_batch_op_type), HOLT_OP_A_KEY
 *        (key, source or prefix; empty only for HOLT_OP_ASSERT_EMPTY),
 *        HOLT_OP_A_VALUE (value or destination key), HOLT_OP_A_VERSION
 *        (u64), HOLT_OP_A_FLAGS (u32, HOLT_F_FORCE for HOLT_OP_RENAME).
 *        A nest holds at most 65535 bytes, so a bigger batch sends its
 *        HOLT_A_OP nests at the top level of the message instead, without
 *        HOLT_A_BATCH (not both in one message); operations apply in order.
 *        At most HOLT_BATCH_MAX_OPS operations.
 *   out: HOLT_A_COUNT (operations applied), HOLT_A_VERSION (the store's
 *        latest version after the batch).  On failure nothing is applied,
 *        the error is the failing operation's, the extended ack points at its
 *        HOLT_A_OP nest, and its cookie (NLMSGERR_ATTR_COOKIE) holds a
 *        HOLT_A_FAILED_INDEX (u32) attribute: the 0-based index of the
 *        operation that failed.
 *
 * HOLT_CMD_TREE_CREATE, HOLT_CMD_TREE_DROP (admin): create or drop a named
 *   tree.  in: HOLT_A_STORE, HOLT_A_TREE (required).  "default" cannot be
 *   dropped (EINVAL).  Dropping frees the tree's keys.
 *
 * HOLT_CMD_TREE_LIST (r, NLM_F_DUMP): one message per tree, in name order,
 *   with HOLT_A_STORE, HOLT_A_TREE and HOLT_A_COUNT (keys).  in: HOLT_A_STORE
 *   (optional: without it, the trees of every store the caller may read).
 *
 * HOLT_CMD_STORE_ATTACH (admin): attach a store.
 *   in:  HOLT_A_STORE (name; required for a memory store, for a device the
 *        device node's basename by default), either HOLT_A_MEMORY (flag) or
 *        HOLT_A_DEVICE (path of a block device written by HOLT_CMD_FORMAT),
 *        optional HOLT_A_DURABILITY (u8 enum holt_durability, default sync;
 *        see Documentation/durability.rst), HOLT_A_UID, HOLT_A_GID (u32,
 *        default 0), HOLT_A_CACHE_MB (u32, a device store's frame cache
 *        budget in MiB; default the module parameter frame_cache_mb, 0 for
 *        no limit), HOLT_A_MODE (u32, permission bits 0..0777, default
 *        0600)
 *   out: HOLT_A_STORE (the name given or derived)
 *   A new memory store holds the empty tree "default"; a device store is
 *   recovered from its device (newest valid superblock, then log replay),
 *   and a device that is not a holt store, or is damaged, is refused with a
 *   message naming what is wrong.
 *
 * HOLT_CMD_STORE_DETACH (admin): detach a store; waits for the operations in
 *   flight on it, checkpoints a device store and closes its device, then
 *   frees it (a memory store's contents are lost).
 *   in: HOLT_A_STORE (required)
 *
 * HOLT_CMD_STORE_LIST (NLM_F_DUMP): one message per store, in name order,
 *   with HOLT_A_STORE, HOLT_A_DEVICE (if any), HOLT_A_MEMORY (flag, for a
 *   memory store), HOLT_A_UID, HOLT_A_GID, HOLT_A_MODE, HOLT_A_DURABILITY.
 *   No rights needed.
 *
 * HOLT_CMD_STORE_SET (admin): change HOLT_A_UID, HOLT_A_GID and/or
 *   HOLT_A_MODE (at least one) of HOLT_A_STORE.
 *
 * HOLT_CMD_STATS (r): counters of a tree.  in: HOLT_A_STORE, HOLT_A_TREE.
 *   out: HOLT_A_STORE, HOLT_A_TREE, HOLT_A_VERSION (the store's latest
 *   version), HOLT_A_STATS, a nest of HOLT_STATS_A_* u64 attributes.
 *
 * HOLT_CMD_FORMAT (admin): write an empty store onto a block device.
 *   in: HOLT_A_DEVICE, HOLT_A_WAL_MB (u32, optional: log size in MiB).
 * HOLT_CMD_CHECKPOINT, HOLT_CMD_SYNC, HOLT_CMD_COMPACT (admin): in:
 *   HOLT_A_STORE; COMPACT also HOLT_A_TREE (optional: all trees without
 *   it).  CHECKPOINT writes a device store's dirty frames and a new
 *   superblock, SYNC waits until its log is on stable storage; on a memory
 *   store both do nothing.
 */
#ifndef _UAPI_LINUX_HOLT_H
#define _UAPI_LINUX_HOLT_H

#define HOLT_GENL_NAME "holt"
#define HOLT_GENL_VERSION 1

/*
 * A scan entry (nest header, key, value, version) must fit one netlink
 * attribute of at most 65535 bytes: 4 + (4 + 4096) + (4 + 60000) + 16.
 */
#define HOLT_KEY_MAX_LEN 4096
#define HOLT_VAL_MAX_LEN 60000
#define HOLT_BATCH_MAX_OPS 65536	/* operations in one HOLT_CMD_BATCH */
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
	HOLT_A_CACHE_MB,	/* u32 */
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
	HOLT_STATS_A_RESIDENT,
	HOLT_STATS_A_LOADS,
	HOLT_STATS_A_EVICTIONS,
	HOLT_STATS_A_HINT_BYTES,
	HOLT_STATS_A_DENSE,
	HOLT_STATS_A_HOLLOW_FRAMES,
	HOLT_STATS_A_CUTS,
	__HOLT_STATS_A_LAST
};
#define HOLT_STATS_A_MAX (__HOLT_STATS_A_LAST - 1)

#endif /* _UAPI_LINUX_HOLT_H */
