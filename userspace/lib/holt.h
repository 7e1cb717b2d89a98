/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * libholt - a C client of holt, the metadata storage engine in the kernel.
 *
 * DOC: Using libholt
 *
 * Open a handle with holt_open(); it owns one generic netlink socket and
 * resolves the "holt" family once.  A handle is not thread-safe: use one
 * handle per thread (handles are cheap).
 *
 * Every call that can fail returns 0 (or a documented positive value) on
 * success and a negative errno on failure.  The errno is the kernel's own
 * (-ENOENT: no such key, store or tree; -EEXIST: present; -ECANCELED: a
 * version guard failed; -ENOTEMPTY: an assert-empty guard failed; -E2BIG:
 * key or value too long; -EACCES/-EPERM: no rights; ...), never one of
 * libnl's private codes.  When the kernel explains a rejection with an
 * extended-ack message, holt_errmsg() returns that text until the next call
 * on the handle.
 *
 * Data calls (get, put, del, rename, count, longest_prefix, scan, batch,
 * load, stats) address the store and tree chosen with holt_select().  The
 * defaults are "no store named" (the kernel uses the only attached store,
 * and fails with -ENOENT when there is none, -EINVAL when there are
 * several) and the tree "default".
 *
 * Replies are read with one recvmsg() each into a 256 KiB buffer (a scan
 * message holds up to about 64 KiB); messages are matched to requests by
 * sequence number, so a stale reply is never taken for a later one.
 *
 * Keys are byte strings of 1..HOLT_KEY_MAX_LEN bytes, values 0..
 * HOLT_VAL_MAX_LEN bytes; neither needs a terminating NUL.  Longer ones are
 * refused with -E2BIG (by the kernel, with its text; by libholt itself when
 * they would not even fit a netlink attribute).  Versions are
 * u64, never 0; 0 in a guard means "absent".
 */
#ifndef LIBHOLT_H
#define LIBHOLT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/holt.h>

#ifdef __cplusplus
extern "C" {
#endif

struct holt;

/**
 * holt_open() - open a handle on the holt netlink family
 *
 * Return: a handle, or NULL with errno set (ENOENT when holt.ko is not
 * loaded, ENOMEM, or the socket's errno).
 */
struct holt *holt_open(void);

/**
 * holt_close() - close a handle; NULL is allowed
 * @h: the handle
 */
void holt_close(struct holt *h);

/**
 * holt_errmsg() - the kernel's explanation of the last failure
 * @h: the handle
 *
 * Return: the extended-ack text of the last failed call on @h, or an
 * empty string when the kernel gave none.  Valid until the next call.
 */
const char *holt_errmsg(const struct holt *h);

/**
 * holt_select() - choose the store and tree that data calls address
 * @h: the handle
 * @store: store name, or NULL to let the kernel pick the only store
 * @tree: tree name, or NULL for "default"
 *
 * Return: 0, or -ENAMETOOLONG when a name does not fit HOLT_NAME_MAX_LEN.
 */
int holt_select(struct holt *h, const char *store, const char *tree);

/**
 * holt_noop() - one round trip to the kernel that does nothing
 * @h: the handle
 *
 * Return: 0 or -errno.
 */
int holt_noop(struct holt *h);

/* ---------------------------------------------------------------------
 * Point operations
 */

/**
 * holt_get() - read one key
 * @h: the handle
 * @key: the key, @klen bytes
 * @klen: key length
 * @value: if not NULL, receives a malloc()ed copy of the value (free() it);
 *	a NUL byte is appended after the value for convenience
 * @vlen: if not NULL, receives the value length
 * @version: if not NULL, receives the key's version
 *
 * Return: 0, -ENOENT when the key is absent, or another -errno.
 */
int holt_get(struct holt *h, const void *key, size_t klen,
	     void **value, size_t *vlen, uint64_t *version);

/* Flags of holt_put(), holt_del() and holt_rename(): the uapi's HOLT_F_*. */
#define HOLT_PUT_IF_ABSENT	HOLT_F_IF_ABSENT	/* -EEXIST if present */
#define HOLT_PUT_IF_VERSION	HOLT_F_IF_VERSION	/* -ECANCELED unless @expect */
#define HOLT_DEL_IF_VERSION	HOLT_F_IF_VERSION
#define HOLT_RENAME_FORCE	HOLT_F_FORCE		/* replace the destination */

/**
 * holt_put() - write one key
 * @h: the handle
 * @key: the key, @klen bytes
 * @klen: key length
 * @val: the value, @vlen bytes
 * @vlen: value length
 * @flags: 0, HOLT_PUT_IF_ABSENT or HOLT_PUT_IF_VERSION
 * @expect: with HOLT_PUT_IF_VERSION, the version the key must have now
 * @version: if not NULL, receives the new version
 *
 * Return: 0, -EEXIST, -ECANCELED, -E2BIG or another -errno.
 */
int holt_put(struct holt *h, const void *key, size_t klen,
	     const void *val, size_t vlen, unsigned int flags,
	     uint64_t expect, uint64_t *version);

/**
 * holt_del() - delete one key
 * @h: the handle
 * @key: the key, @klen bytes
 * @klen: key length
 * @flags: 0 or HOLT_DEL_IF_VERSION
 * @expect: with HOLT_DEL_IF_VERSION, the version the key must have now
 *
 * Return: 0, -ENOENT, -ECANCELED or another -errno.
 */
int holt_del(struct holt *h, const void *key, size_t klen,
	     unsigned int flags, uint64_t expect);

/**
 * holt_rename() - move a key's value to another key, atomically
 * @h: the handle
 * @src: the source key, @slen bytes
 * @slen: source length
 * @dst: the destination key, @dlen bytes
 * @dlen: destination length
 * @flags: 0 or HOLT_RENAME_FORCE (replace an existing destination)
 * @version: if not NULL, receives the destination's new version
 *
 * Return: 0, -ENOENT (no source), -EEXIST (destination present without
 * force) or another -errno.
 */
int holt_rename(struct holt *h, const void *src, size_t slen,
		const void *dst, size_t dlen, unsigned int flags,
		uint64_t *version);

/**
 * holt_count() - count the keys under a prefix
 * @h: the handle
 * @prefix: the prefix, @plen bytes (NULL/0 for all keys)
 * @plen: prefix length
 * @limit: stop counting at this many, 0 for no limit
 * @count: receives the count
 *
 * Return: 0 or -errno.
 */
int holt_count(struct holt *h, const void *prefix, size_t plen,
	       uint64_t limit, uint64_t *count);

/**
 * struct holt_entry - a key (or common prefix) as the kernel returned it
 * @key: the key bytes, @key_len long
 * @key_len: key length
 * @value: the value bytes (NULL for keys-only scans and common prefixes)
 * @value_len: value length
 * @version: the key's version, 0 for a common prefix
 * @is_prefix: 1 for a common prefix rolled up by a scan's delimiter (the
 *	key then ends with the delimiter)
 *
 * Scans hand out entries whose pointers are valid until the next entry;
 * holt_longest_prefix() hands out malloc()ed copies freed by
 * holt_entry_free().
 */
struct holt_entry {
	const void *key;
	size_t key_len;
	const void *value;
	size_t value_len;
	uint64_t version;
	int is_prefix;
};

/**
 * holt_longest_prefix() - the longest stored key that is a prefix of @key
 * @h: the handle
 * @key: the key, @klen bytes
 * @klen: key length
 * @out: receives the stored key, its value and version, as malloc()ed
 *	copies (release them with holt_entry_free())
 *
 * Return: 0, -ENOENT when no stored key is a prefix of @key, or -errno.
 */
int holt_longest_prefix(struct holt *h, const void *key, size_t klen,
			struct holt_entry *out);

/**
 * holt_entry_free() - free the copies held by an entry of
 * holt_longest_prefix(); the struct itself is not freed
 * @e: the entry
 */
void holt_entry_free(struct holt_entry *e);

/* ---------------------------------------------------------------------
 * Scans
 *
 * A scan is a netlink dump.  The kernel resumes each message after the last
 * item it sent, so a key that exists for the whole scan is returned exactly
 * once even when the tree changes meanwhile; keys written or deleted during
 * the scan may or may not appear.  If the kernel flags a message as
 * inconsistent (NLM_F_DUMP_INTR), the scan goes on (the guarantee above
 * still holds) and holt_scan_interrupted() reports it.  If the dump fails
 * half way, the entries already delivered stand and the error is returned;
 * a caller can resume with start_after set to the last key it saw.
 *
 * While a scan iterator is open, other calls on the same handle fail with
 * -EBUSY.
 */

/**
 * struct holt_scan_opts - what a scan visits; all fields optional (zero)
 * @prefix: only keys starting with these @prefix_len bytes
 * @prefix_len: prefix length
 * @start_after: only items greater than these @start_after_len bytes
 * @start_after_len: its length; 0 for "from the start"
 * @delimiter: the delimiter byte, used when @use_delimiter is set
 * @use_delimiter: nonzero to roll keys containing @delimiter after the
 *	prefix up into one common prefix entry
 * @limit: at most this many entries, 0 for no limit
 * @keys_only: nonzero to leave values out
 */
struct holt_scan_opts {
	const void *prefix;
	size_t prefix_len;
	const void *start_after;
	size_t start_after_len;
	unsigned char delimiter;
	int use_delimiter;
	uint64_t limit;
	int keys_only;
};

/*
 * A scan callback returns 0 to go on; any other value stops the scan and is
 * returned by holt_scan() (use a positive value to stop early).
 */
typedef int (*holt_scan_fn)(const struct holt_entry *e, void *arg);

/**
 * holt_scan() - visit the items of a scan in key order
 * @h: the handle
 * @o: what to visit (NULL for every key with its value)
 * @fn: called for each entry
 * @arg: passed to @fn
 *
 * Return: 0 at the end, the callback's nonzero value, or -errno.
 */
int holt_scan(struct holt *h, const struct holt_scan_opts *o,
	      holt_scan_fn fn, void *arg);

struct holt_scan;

/**
 * holt_scan_open() - start a scan iterator
 * @h: the handle (busy until holt_scan_close())
 * @o: what to visit (NULL for every key with its value)
 * @out: receives the iterator
 *
 * Return: 0 or -errno.
 */
int holt_scan_open(struct holt *h, const struct holt_scan_opts *o,
		   struct holt_scan **out);

/**
 * holt_scan_next() - the next entry of a scan
 * @s: the iterator
 * @e: receives the entry; its pointers are valid until the next call
 *
 * Return: 1 with an entry, 0 at the end, or -errno (the scan is then over).
 */
int holt_scan_next(struct holt_scan *s, struct holt_entry *e);

/**
 * holt_scan_interrupted() - whether the kernel flagged the dump as changed
 * @s: the iterator
 *
 * Return: 1 if some message carried NLM_F_DUMP_INTR, else 0.
 */
int holt_scan_interrupted(const struct holt_scan *s);

/**
 * holt_scan_close() - end a scan, early or not; NULL is allowed
 * @s: the iterator
 *
 * Closing before the end abandons the rest of the dump (the handle opens a
 * fresh socket so that no stale reply can be mistaken for a later one).
 */
void holt_scan_close(struct holt_scan *s);

/* ---------------------------------------------------------------------
 * Atomic batches: one HOLT_CMD_BATCH message, applied all or nothing.
 */

struct holt_batch;

/**
 * holt_batch_new() - an empty batch
 *
 * Return: the batch, or NULL when out of memory.
 */
struct holt_batch *holt_batch_new(void);

/**
 * holt_batch_free() - free a batch; NULL is allowed
 * @b: the batch
 */
void holt_batch_free(struct holt_batch *b);

/**
 * holt_batch_reset() - empty a batch to reuse it
 * @b: the batch
 */
void holt_batch_reset(struct holt_batch *b);

/**
 * holt_batch_add() - append one operation
 * @b: the batch
 * @type: an enum holt_batch_op_type (HOLT_OP_PUT ... HOLT_OP_ASSERT_EMPTY)
 * @key: key, rename source or assert-empty prefix, @klen bytes
 * @klen: its length
 * @val: value or rename destination, @vlen bytes (NULL/0 if unused)
 * @vlen: its length
 * @version: expected version of the *_IF_VERSION and ASSERT_VERSION
 *	operations (0 in ASSERT_VERSION: the key must be absent)
 * @flags: HOLT_RENAME_FORCE for HOLT_OP_RENAME, else 0
 *
 * The helpers below wrap it.  Lengths are checked by the kernel.
 *
 * Return: 0, -EINVAL for an unknown type, -ENOMEM.
 */
int holt_batch_add(struct holt_batch *b, unsigned int type,
		   const void *key, size_t klen, const void *val, size_t vlen,
		   uint64_t version, unsigned int flags);

static inline int holt_batch_put(struct holt_batch *b, const void *key,
				 size_t klen, const void *val, size_t vlen)
{
	return holt_batch_add(b, HOLT_OP_PUT, key, klen, val, vlen, 0, 0);
}

static inline int holt_batch_put_if_absent(struct holt_batch *b,
					   const void *key, size_t klen,
					   const void *val, size_t vlen)
{
	return holt_batch_add(b, HOLT_OP_PUT_IF_ABSENT, key, klen, val, vlen,
			      0, 0);
}

static inline int holt_batch_put_if_version(struct holt_batch *b,
					    const void *key, size_t klen,
					    const void *val, size_t vlen,
					    uint64_t expect)
{
	return holt_batch_add(b, HOLT_OP_PUT_IF_VERSION, key, klen, val, vlen,
			      expect, 0);
}

static inline int holt_batch_del(struct holt_batch *b, const void *key,
				 size_t klen)
{
	return holt_batch_add(b, HOLT_OP_DEL, key, klen, NULL, 0, 0, 0);
}

static inline int holt_batch_del_if_version(struct holt_batch *b,
					    const void *key, size_t klen,
					    uint64_t expect)
{
	return holt_batch_add(b, HOLT_OP_DEL_IF_VERSION, key, klen, NULL, 0,
			      expect, 0);
}

static inline int holt_batch_rename(struct holt_batch *b, const void *src,
				    size_t slen, const void *dst, size_t dlen,
				    unsigned int flags)
{
	return holt_batch_add(b, HOLT_OP_RENAME, src, slen, dst, dlen, 0,
			      flags);
}

static inline int holt_batch_assert_version(struct holt_batch *b,
					    const void *key, size_t klen,
					    uint64_t version)
{
	return holt_batch_add(b, HOLT_OP_ASSERT_VERSION, key, klen, NULL, 0,
			      version, 0);
}

static inline int holt_batch_assert_empty(struct holt_batch *b,
					  const void *prefix, size_t plen)
{
	return holt_batch_add(b, HOLT_OP_ASSERT_EMPTY, prefix, plen, NULL, 0,
			      0, 0);
}

/**
 * holt_batch_count() - number of operations in a batch
 * @b: the batch
 *
 * Return: the count.
 */
size_t holt_batch_count(const struct holt_batch *b);

/**
 * holt_batch_bytes() - payload bytes a batch will take in its message
 * @b: the batch
 *
 * Return: an upper bound of the HOLT_A_BATCH attribute's size.
 */
size_t holt_batch_bytes(const struct holt_batch *b);

/**
 * holt_batch_commit() - send a batch as one atomic message
 * @h: the handle
 * @b: the batch (unchanged; reset it to reuse it)
 * @failed: if not NULL, receives the index of the failing operation, or
 *	-1 when the kernel did not name one (or on success)
 *
 * A batch travels as one HOLT_A_BATCH nest when it fits one (64 KiB), else
 * as HOLT_A_OP nests at the top level of the message; at most
 * HOLT_BATCH_MAX_OPS operations, and the message must fit the socket's send
 * buffer (-EMSGSIZE otherwise).
 *
 * Return: 0 when every operation was applied; otherwise -errno of the
 * failing operation (-ENOENT, -EEXIST, -ECANCELED, -ENOTEMPTY, ...) and
 * nothing was applied.
 */
int holt_batch_commit(struct holt *h, const struct holt_batch *b,
		      long *failed);

/* ---------------------------------------------------------------------
 * Bulk loading: many puts packed into each batch message.  Atomic within a
 * message, not across messages: when a message fails, the messages before it
 * stay applied and nothing after it is sent.
 */

struct holt_loader;

/*
 * Defaults of holt_loader_new(): 64 KiB of operations, 4096 per message.
 * A message must fit the socket's send buffer (the kernel's wmem_max,
 * usually 208 KiB, unless the caller has CAP_NET_ADMIN).
 */
#define HOLT_LOAD_MSG_BYTES	(64u * 1024)
#define HOLT_LOAD_MSG_OPS	4096u

/**
 * holt_loader_new() - start a bulk load on a handle
 * @h: the handle
 * @msg_bytes: flush a message once its operations exceed this many bytes
 *	(0: HOLT_LOAD_MSG_BYTES); a single larger put travels alone
 * @msg_ops: and at this many operations (0: HOLT_LOAD_MSG_OPS)
 *
 * Return: the loader, or NULL when out of memory.
 */
struct holt_loader *holt_loader_new(struct holt *h, size_t msg_bytes,
				    unsigned int msg_ops);

/**
 * holt_loader_put() - queue one put, sending a message when one is full
 * @l: the loader
 * @key: the key, @klen bytes
 * @klen: key length
 * @val: the value, @vlen bytes
 * @vlen: value length
 *
 * Return: 0 or -errno of a failed message (see holt_loader_failed()).
 */
int holt_loader_put(struct holt_loader *l, const void *key, size_t klen,
		    const void *val, size_t vlen);

/**
 * holt_loader_flush() - send what is queued
 * @l: the loader
 *
 * Return: 0 or -errno.
 */
int holt_loader_flush(struct holt_loader *l);

/**
 * holt_loader_done() - puts acknowledged by the kernel so far
 * @l: the loader
 *
 * Return: the number of puts applied.
 */
uint64_t holt_loader_done(const struct holt_loader *l);

/**
 * holt_loader_failed() - after a failure, the index (counting every put
 *	given to the loader from 0) of the put the kernel rejected
 * @l: the loader
 *
 * Return: the index, or -1 when unknown or when nothing failed.
 */
long long holt_loader_failed(const struct holt_loader *l);

/**
 * holt_loader_free() - free a loader without flushing; NULL is allowed
 * @l: the loader
 */
void holt_loader_free(struct holt_loader *l);

/* ---------------------------------------------------------------------
 * Stores and trees (attach, detach, create, drop, format, checkpoint and
 * compact need CAP_SYS_ADMIN).
 */

/**
 * struct holt_attach_opts - how to attach a store
 * @name: store name (required for memory stores; derived by the kernel
 *	from the device when NULL)
 * @device: block device path, or NULL with @memory
 * @memory: nonzero for a volatile store with no device
 * @durability: HOLT_DURABILITY_SYNC or _ASYNC, or -1 for the default
 * @uid: owner uid, or -1 for the default (root)
 * @gid: owner gid, or -1 for the default (root)
 * @mode: permission bits 0..0777, or -1 for the default (0600)
 * @cache_mb: a device store's frame cache budget in MiB, 0 for the
 *	module's default (parameter frame_cache_mb)
 */
struct holt_attach_opts {
	const char *name;
	const char *device;
	int memory;
	int durability;
	int64_t uid;
	int64_t gid;
	int64_t mode;
	uint32_t cache_mb;
};

/**
 * holt_attach_opts_init() - fill @o with "all defaults"
 * @o: the options
 */
void holt_attach_opts_init(struct holt_attach_opts *o);

/**
 * holt_store_attach() - attach a store
 * @h: the handle
 * @o: how
 * @name: if not NULL, receives the store's name (as given or derived)
 * @name_size: size of @name (HOLT_NAME_MAX_LEN is enough)
 *
 * Return: 0 or -errno (-EEXIST when the name is taken).
 */
int holt_store_attach(struct holt *h, const struct holt_attach_opts *o,
		      char *name, size_t name_size);

/**
 * holt_store_detach() - detach a store
 * @h: the handle
 * @name: the store
 *
 * Return: 0 or -errno.
 */
int holt_store_detach(struct holt *h, const char *name);

/**
 * holt_store_set() - change a store's owner and mode
 * @h: the handle
 * @name: the store
 * @uid: new owner uid, or -1 to keep it
 * @gid: new owner gid, or -1 to keep it
 * @mode: new permission bits, or -1 to keep them
 *
 * Return: 0 or -errno.
 */
int holt_store_set(struct holt *h, const char *name, int64_t uid,
		   int64_t gid, int64_t mode);

/**
 * struct holt_store_info - one attached store
 * @name: its name
 * @device: its device path, empty for a memory store
 * @memory: 1 for a memory store
 * @uid: owner uid
 * @gid: owner gid
 * @mode: permission bits
 * @durability: enum holt_durability, or -1 when the kernel did not say
 */
struct holt_store_info {
	char name[HOLT_NAME_MAX_LEN];
	char device[HOLT_PATH_MAX_LEN];
	int memory;
	uint32_t uid;
	uint32_t gid;
	uint32_t mode;
	int durability;
};

/**
 * holt_store_list() - the attached stores
 * @h: the handle
 * @out: receives a malloc()ed array (free() it), NULL when empty
 * @n: receives its length
 *
 * The list is re-read from the start if the kernel says it changed while
 * being dumped.
 *
 * Return: 0 or -errno.
 */
int holt_store_list(struct holt *h, struct holt_store_info **out, size_t *n);

/**
 * holt_tree_create() - create a named tree in a store
 * @h: the handle
 * @store: the store, NULL for the only one
 * @tree: the new tree's name
 *
 * Return: 0, -EEXIST or -errno.
 */
int holt_tree_create(struct holt *h, const char *store, const char *tree);

/**
 * holt_tree_drop() - drop a named tree and its keys
 * @h: the handle
 * @store: the store, NULL for the only one
 * @tree: the tree ("default" cannot be dropped)
 *
 * Return: 0, -ENOENT or -errno.
 */
int holt_tree_drop(struct holt *h, const char *store, const char *tree);

/**
 * struct holt_tree_info - one tree
 * @store: the store holding it
 * @name: the tree's name
 * @keys: how many keys it holds
 */
struct holt_tree_info {
	char store[HOLT_NAME_MAX_LEN];
	char name[HOLT_NAME_MAX_LEN];
	uint64_t keys;
};

/**
 * holt_tree_list() - the trees of a store (or of every store)
 * @h: the handle
 * @store: the store, or NULL for what the kernel lists without one
 * @out: receives a malloc()ed array (free() it), NULL when empty
 * @n: receives its length
 *
 * Return: 0 or -errno.
 */
int holt_tree_list(struct holt *h, const char *store,
		   struct holt_tree_info **out, size_t *n);

/**
 * struct holt_stats - counters of a tree (HOLT_STATS_A_*); a counter the
 * kernel does not report reads 0.  @version is the store's latest version.
 */
struct holt_stats {
	uint64_t version;
	uint64_t keys;
	uint64_t frames;
	uint64_t frame_bytes;
	uint64_t data_used;
	uint64_t data_live;
	uint64_t data_capacity;
	uint64_t tombstones;
	uint64_t spills;
	uint64_t compactions;
	uint64_t merges;
	uint64_t depth;
	uint64_t gets;
	uint64_t puts;
	uint64_t dels;
	uint64_t scans;
	uint64_t resident;
	uint64_t loads;
	uint64_t evictions;
	uint64_t hint_bytes;
	uint64_t dense;
	uint64_t hollow_frames;
	uint64_t cuts;
};

/**
 * holt_stats() - counters of the selected tree
 * @h: the handle
 * @st: receives the counters
 *
 * Return: 0 or -errno.
 */
int holt_stats(struct holt *h, struct holt_stats *st);

/**
 * holt_format() - write an empty store onto a block device
 * @h: the handle
 * @device: the device path
 * @wal_mb: size of the write-ahead log in MiB, 0 for the kernel's default
 *
 * Return: 0 or -errno.
 */
int holt_format(struct holt *h, const char *device, uint32_t wal_mb);

/**
 * holt_checkpoint() - write a store's dirty frames and a new superblock
 * @h: the handle
 * @store: the store, NULL for the only one
 *
 * Return: 0 or -errno.
 */
int holt_checkpoint(struct holt *h, const char *store);

/**
 * holt_sync() - wait until a store's log is on stable storage
 * @h: the handle
 * @store: the store, NULL for the only one
 *
 * Return: 0 or -errno.
 */
int holt_sync(struct holt *h, const char *store);

/**
 * holt_compact() - compact the frames of a store's trees
 * @h: the handle
 * @store: the store, NULL for the only one
 * @tree: one tree, or NULL for all of them
 *
 * Return: 0 or -errno.
 */
int holt_compact(struct holt *h, const char *store, const char *tree);

#ifdef __cplusplus
}
#endif

#endif /* LIBHOLT_H */
