/* SPDX-License-Identifier: GPL-2.0 */
/*
 * store.h - named stores, each a set of named trees sharing one version
 * counter, one lock and one owner.
 *
 * DOC: Stores, trees and their lifetime
 *
 * A &struct holt_store is found by name (holt_store_get()) and pinned by a
 * reference for the duration of one request.  The list of stores holds one
 * reference of its own; holt_store_detach() unlinks the store so that no new
 * request finds it, waits for the requests in flight to drop theirs, then
 * frees the trees.  Dumps that span several messages do not keep a store
 * pinned between messages: they remember its name and &holt_store.id and look
 * it up again, so a detach never waits for a slow reader.
 *
 * Lock order: holt_store_list_lock (a mutex: attach, detach, listing), then
 * a store's rw_semaphore &holt_store.lock.  Lookups take neither: they walk
 * the list under RCU.  &holt_store.lock guards the tree list, the trees'
 * contents, the version counter and the owner/mode: read commands share it,
 * writes and administrative changes take it exclusively.
 *
 * The backing of a store is reached through &holt_store.backend only, so
 * that a block-device backend can be added without touching the callers: a
 * memory store has &holt_store_memory_backend, whose checkpoint and sync do
 * nothing.
 */
#ifndef HOLT_STORE_H
#define HOLT_STORE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/kref.h>
#include <linux/completion.h>
#include <linux/rwsem.h>
#include <linux/rcupdate.h>
#include <linux/uidgid.h>
#include <linux/atomic.h>
#include <linux/workqueue.h>

#include "../uapi/linux/holt.h"
#include "core/tree.h"

#define HOLT_STORE_DEFAULT_TREE "default"

/* Permission bits asked of holt_store_permission(). */
#define HOLT_STORE_MAY_READ	04
#define HOLT_STORE_MAY_WRITE	02

struct holt_store;

/* Kinds of &struct holt_store_change (the log record types of core/wal.h). */
enum holt_store_change_kind {
	HOLT_CHANGE_PUT = 2,
	HOLT_CHANGE_DEL = 3,
	HOLT_CHANGE_RENAME = 4,
	HOLT_CHANGE_BATCH = 5,
	HOLT_CHANGE_TREE_CREATE = 6,
	HOLT_CHANGE_TREE_DROP = 7,
};

/**
 * struct holt_store_change - one mutation, as a backend logs it
 * @kind: enum holt_store_change_kind
 * @tree: the tree's &holt_store_tree.id
 * @a: key, rename source or tree name, @alen bytes
 * @b: value or rename destination, @blen bytes
 * @version: the version drawn (a batch: the first version it drew)
 * @ops: a batch's operations, @nr of them
 */
struct holt_store_change {
	u8 kind;
	u32 tree;
	const u8 *a;
	u32 alen;
	const u8 *b;
	u32 blen;
	u64 version;
	const struct holt_batch_op *ops;
	u32 nr;
};

/**
 * struct holt_store_backend - what a store is kept on
 * @name: "memory" or "bdev"
 * @checkpoint: make everything applied so far durable; may sleep; called
 *	without the store lock
 * @sync: make everything acknowledged so far durable; may sleep
 * @prepare: before a mutation is applied, under the write lock: room for
 *	its log record (@c's version fields are not set yet)
 * @commit: after a mutation was applied, under the write lock: log it
 * @ticket: under the write lock: what holt_store_write_end() waits for
 * @wait: without the lock: wait until the ticket's records are durable
 * @detach: the store is being detached: last checkpoint, stop background
 *	work; called once, before the trees are freed
 * @release: free the backend's state; called once, after the last user
 *
 * Every callback may be NULL, meaning "nothing to do".
 */
struct holt_store_backend {
	const char *name;
	int (*checkpoint)(struct holt_store *s);
	int (*sync)(struct holt_store *s);
	int (*prepare)(struct holt_store *s, const struct holt_store_change *c);
	int (*commit)(struct holt_store *s, const struct holt_store_change *c);
	u64 (*ticket)(struct holt_store *s);
	int (*wait)(struct holt_store *s, u64 ticket);
	int (*detach)(struct holt_store *s);
	void (*release)(struct holt_store *s);
};

extern const struct holt_store_backend holt_store_memory_backend;

/**
 * struct holt_store_tree - one named tree of a store
 * @node: in &holt_store.trees, kept in name order
 * @name: NUL-terminated
 * @id: unique within the store, never reused: tells a dump that the tree it
 *	walks was dropped and recreated under the same name
 * @tree: the engine's tree
 * @gets: point reads (get, longest prefix, count) served
 * @puts: successful puts, renames and batches
 * @dels: successful deletes
 * @scans: scan messages filled
 */
struct holt_store_tree {
	struct list_head node;
	char name[HOLT_NAME_MAX_LEN];
	u64 id;
	struct holt_tree *tree;
	atomic64_t gets;
	atomic64_t puts;
	atomic64_t dels;
	atomic64_t scans;
};

/**
 * struct holt_store - a named store
 * @node: in the list of stores, kept in name order, RCU-protected
 * @rcu: delays freeing for lockless lookups
 * @ref: requests pinning the store, plus one for the list
 * @released: completed when the last reference goes
 * @name: NUL-terminated
 * @id: unique for the module's lifetime
 * @lock: see the DOC comment above
 * @seq: the version counter every tree of the store draws from
 * @uid: owner
 * @gid: group
 * @mode: permission bits (0..0777)
 * @durability: enum holt_durability, as attached
 * @trees: &struct holt_store_tree, in name order
 * @nr_trees: entries of @trees
 * @next_tree_id: the next &holt_store_tree.id
 * @backend: what the store is kept on
 * @backend_priv: the backend's state (NULL for memory)
 * @device: the device path, empty for a memory store
 * @reclaim_work: rebuilds what deletes left behind (reclaim.c)
 */
struct holt_store {
	struct list_head node;
	struct rcu_head rcu;
	struct kref ref;
	struct completion released;
	char name[HOLT_NAME_MAX_LEN];
	u64 id;
	struct rw_semaphore lock;
	u64 seq;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	u8 durability;
	struct list_head trees;
	u32 nr_trees;
	u64 next_tree_id;
	const struct holt_store_backend *backend;
	void *backend_priv;
	char device[HOLT_PATH_MAX_LEN];
	struct delayed_work reclaim_work;
};

/**
 * struct holt_store_attach_args - what holt_store_attach() creates
 * @name: the store's name
 * @device: a block device path, or NULL for a memory store
 * @durability: enum holt_durability
 * @uid: owner
 * @gid: group
 * @mode: permission bits, 0..0777
 * @cache_mb: frame cache budget of a device store in MiB, 0 for the
 *	module's frame_cache_mb
 * @msg: receives a static message saying why a device was refused
 */
struct holt_store_attach_args {
	const char *name;
	const char *device;
	u8 durability;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	u32 cache_mb;
	const char *msg;
};

/**
 * struct holt_store_limits - bounds set by module parameters
 * @max_stores: stores attached at once
 * @max_trees: trees per store, "default" included
 * @data_budget: bytes of each frame's data area a tree may use, 0 for all
 */
struct holt_store_limits {
	unsigned int max_stores;
	unsigned int max_trees;
	unsigned int data_budget;
};

extern struct holt_store_limits holt_store_limits;

int holt_store_init(void);
void holt_store_uninit(void);

bool holt_store_name_valid(const char *name);
int holt_store_attach(struct holt_store_attach_args *args,
		      struct holt_store **out);
int holt_store_detach(const char *name);

struct holt_store *holt_store_get(const char *name);
void holt_store_put(struct holt_store *s);
struct holt_store *holt_store_next(const char *after);

bool holt_store_mode_permits(umode_t mode, bool owner, bool group, int mask);
int holt_store_permission(struct holt_store *s, int mask);
void holt_store_set_owner(struct holt_store *s, const kuid_t *uid,
			  const kgid_t *gid, const umode_t *mode);

struct holt_store_tree *holt_store_tree_find(struct holt_store *s,
					     const char *name);
struct holt_store_tree *holt_store_tree_next(struct holt_store *s,
					     const char *after);
int holt_store_tree_create(struct holt_store *s, const char *name);
int holt_store_tree_adopt(struct holt_store *s, const char *name, u64 id,
			  struct holt_tree *tree);
int holt_store_write_end(struct holt_store *s);
int holt_store_tree_drop(struct holt_store *s, const char *name);

int holt_store_get_key(struct holt_store_tree *st, const u8 *key, u32 klen,
		       struct holt_ref *out);
int holt_store_put_key(struct holt_store *s, struct holt_store_tree *st,
		       const u8 *key, u32 klen, const u8 *val, u32 vlen,
		       u32 flags, u64 expect, u64 *version);
int holt_store_del_key(struct holt_store *s, struct holt_store_tree *st,
		       const u8 *key, u32 klen, u32 flags, u64 expect);
int holt_store_rename_key(struct holt_store *s, struct holt_store_tree *st,
			  const u8 *src, u32 slen, const u8 *dst, u32 dlen,
			  bool force, u64 *version);
int holt_store_count(struct holt_store_tree *st, const u8 *prefix, u32 plen,
		     u64 limit, u64 *count);
int holt_store_longest_prefix(struct holt_store_tree *st, const u8 *key,
			      u32 klen, struct holt_ref *out);
int holt_store_scan(struct holt_store_tree *st,
		    const struct holt_scan_args *args, holt_scan_fn fn,
		    void *ctx);
int holt_store_batch(struct holt_store *s, struct holt_store_tree *st,
		     const struct holt_batch_op *ops, u32 nr, u32 *failed);
int holt_store_compact(struct holt_store *s, struct holt_store_tree *st);
int holt_store_checkpoint(struct holt_store *s);
int holt_store_sync(struct holt_store *s);

/*
 * The store lock, named so that callers read like what they do.  Readers
 * share it; writers (puts, tree create/drop, owner changes) exclude all.
 */
static inline void holt_store_read_lock(struct holt_store *s)
{
	down_read(&s->lock);
}

static inline void holt_store_read_unlock(struct holt_store *s)
{
	up_read(&s->lock);
}

static inline void holt_store_write_lock(struct holt_store *s)
{
	down_write(&s->lock);
}

static inline void holt_store_write_unlock(struct holt_store *s)
{
	up_write(&s->lock);
}

#endif /* HOLT_STORE_H */
