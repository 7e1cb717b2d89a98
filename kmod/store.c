// SPDX-License-Identifier: GPL-2.0
/*
 * store.c - named stores and their trees: lookup, lifetime, permissions,
 * and the operations the netlink layer (and KUnit) call on them.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/lockdep.h>
#include <linux/printk.h>

#include "store.h"
#include "reclaim.h"
#include "persist.h"

struct holt_store_limits holt_store_limits = {
	.max_stores = 16,
	.max_trees = 64,
	.data_budget = 0,
};

/* Attach, detach and listing serialise on this; lookups use RCU. */
static DEFINE_MUTEX(holt_store_list_lock);
static LIST_HEAD(holt_stores);
static unsigned int holt_nr_stores;
static atomic64_t holt_store_last_id = ATOMIC64_INIT(0);

const struct holt_store_backend holt_store_memory_backend = {
	.name = "memory",
};

/**
 * holt_store_name_valid() - is this a valid store or tree name?
 * @name: NUL-terminated
 *
 * A name is 1..HOLT_NAME_MAX_LEN - 1 printable ASCII characters, without
 * '/' (names may one day appear in paths).
 *
 * Context: any.
 * Return: true when valid.
 */
bool holt_store_name_valid(const char *name)
{
	size_t len = strnlen(name, HOLT_NAME_MAX_LEN);
	size_t i;

	if (len == 0 || len >= HOLT_NAME_MAX_LEN)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (c < 0x20 || c > 0x7e || c == '/')
			return false;
	}
	return true;
}

static void holt_store_tree_free(struct holt_store_tree *st)
{
	holt_tree_destroy(st->tree);
	kfree(st);
}

static struct holt_store_tree *holt_store_tree_alloc(struct holt_store *s,
						     const char *name)
{
	struct holt_tree_config cfg = {
		.seq = &s->seq,
		.data_budget = holt_store_limits.data_budget,
	};
	struct holt_store_tree *st;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return NULL;
	strscpy(st->name, name, sizeof(st->name));
	st->tree = holt_tree_create(&cfg);
	if (!st->tree) {
		kfree(st);
		return NULL;
	}
	st->id = ++s->next_tree_id;
	atomic64_set(&st->gets, 0);
	atomic64_set(&st->puts, 0);
	atomic64_set(&st->dels, 0);
	atomic64_set(&st->scans, 0);
	return st;
}

/* Insert @st into @s->trees keeping name order; write lock held. */
static void holt_store_tree_link(struct holt_store *s,
				 struct holt_store_tree *st);

/**
 * holt_store_tree_adopt() - add a tree built elsewhere (attach, replay)
 * @s: a store not yet visible, or whose write lock the caller holds
 * @name: the tree's name
 * @id: its persistent id; &holt_store.next_tree_id is raised above it
 * @tree: the engine's tree, owned by the store on success
 *
 * Context: process context.
 * Return: 0, -EEXIST (name taken), -ENOMEM.
 */
int holt_store_tree_adopt(struct holt_store *s, const char *name, u64 id,
			  struct holt_tree *tree)
{
	struct holt_store_tree *st;

	list_for_each_entry(st, &s->trees, node)
		if (!strcmp(st->name, name) || st->id == id)
			return -EEXIST;
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	strscpy(st->name, name, sizeof(st->name));
	st->tree = tree;
	st->id = id;
	if (s->next_tree_id < id)
		s->next_tree_id = id;
	holt_store_tree_link(s, st);
	return 0;
}

/* Insert @st into @s->trees keeping name order; write lock held. */
static void holt_store_tree_link(struct holt_store *s,
				 struct holt_store_tree *st)
{
	struct holt_store_tree *pos;

	list_for_each_entry(pos, &s->trees, node) {
		if (strcmp(pos->name, st->name) > 0)
			break;
	}
	list_add_tail(&st->node, &pos->node);
	s->nr_trees++;
}

/* Before a mutation, under the write lock: may it be logged? */
static int holt_store_log_prepare(struct holt_store *s,
				  const struct holt_store_change *c)
{
	return s->backend->prepare ? s->backend->prepare(s, c) : 0;
}

/* After a mutation applied, under the write lock: log it. */
static int holt_store_log_commit(struct holt_store *s,
				 const struct holt_store_change *c)
{
	return s->backend->commit ? s->backend->commit(s, c) : 0;
}

/**
 * holt_store_write_end() - release the write lock, then wait until what
 * was logged under it is durable (sync stores)
 * @s: the store, write-locked by the caller
 *
 * Context: process context, may sleep.
 * Return: 0, or -EIO when the log could not be written.
 */
int holt_store_write_end(struct holt_store *s)
{
	u64 ticket = s->backend->ticket ? s->backend->ticket(s) : 0;

	holt_store_write_unlock(s);
	if (!ticket || !s->backend->wait)
		return 0;
	return s->backend->wait(s, ticket);
}

static void holt_store_free(struct holt_store *s)
{
	struct holt_store_tree *st, *tmp;

	holt_reclaim_stop(s);
	list_for_each_entry_safe(st, tmp, &s->trees, node) {
		list_del(&st->node);
		holt_store_tree_free(st);
	}
	if (s->backend->release)
		s->backend->release(s);
	kfree(s);
}

static void holt_store_release(struct kref *ref)
{
	struct holt_store *s = container_of(ref, struct holt_store, ref);

	complete(&s->released);
}

/**
 * holt_store_put() - drop a reference taken by holt_store_get() or
 * holt_store_next()
 * @s: the store
 *
 * Context: any sleepable context, no store lock held.
 */
void holt_store_put(struct holt_store *s)
{
	kref_put(&s->ref, holt_store_release);
}

/**
 * holt_store_get() - find a store by name and pin it
 * @name: the store's name, or NULL for "the only store attached"
 *
 * Context: any sleepable context.
 * Return: the store with a reference (drop it with holt_store_put()), or
 * ERR_PTR(-ENOENT) when there is no such store (or none at all when @name is
 * NULL), ERR_PTR(-EINVAL) when @name is NULL and several stores are attached.
 */
struct holt_store *holt_store_get(const char *name)
{
	struct holt_store *s, *found = NULL;
	int err = -ENOENT;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &holt_stores, node) {
		if (name) {
			if (!strcmp(s->name, name)) {
				found = s;
				break;
			}
			continue;
		}
		/* No name: the only store, if exactly one is attached. */
		if (found) {
			found = NULL;
			err = -EINVAL;
			break;
		}
		found = s;
	}
	/* The list's own reference keeps a listed store's count above 0. */
	if (found)
		kref_get(&found->ref);
	rcu_read_unlock();
	return found ? found : ERR_PTR(err);
}

/**
 * holt_store_next() - the first store whose name sorts after a name
 * @after: a name, or NULL (or "") to start from the first store
 *
 * Listings resume from the last name they sent with this, so that a store
 * attached or detached meanwhile does not make them skip or repeat another.
 *
 * Context: any sleepable context.
 * Return: the store with a reference (drop it with holt_store_put()), or
 * NULL when no store sorts after @after.
 */
struct holt_store *holt_store_next(const char *after)
{
	struct holt_store *s, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &holt_stores, node) {
		if (!after || strcmp(s->name, after) > 0) {
			found = s;
			kref_get(&s->ref);
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/**
 * holt_store_attach() - create a store and make it visible
 * @args: name, backing and owner
 * @out: if not NULL, receives the store with a reference the caller drops
 *	with holt_store_put()
 *
 * A memory store starts with the empty tree "default"; a device store
 * is recovered from its device (persist.c), which sets @args->msg when it
 * refuses the device.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL (bad name or mode), -EEXIST (name taken), -ENOSPC
 * (holt_store_limits.max_stores reached), -ENOMEM, or the device's errno
 * (see holt_persist_attach()).
 */
int holt_store_attach(struct holt_store_attach_args *args,
		      struct holt_store **out)
{
	struct holt_store_tree *st;
	struct holt_store *s, *pos;
	int err;

	if (!args->name || !holt_store_name_valid(args->name))
		return -EINVAL;
	if (args->mode & ~0777 || args->durability >= __HOLT_DURABILITY_MAX)
		return -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	kref_init(&s->ref);
	init_completion(&s->released);
	holt_reclaim_init(s);
	strscpy(s->name, args->name, sizeof(s->name));
	init_rwsem(&s->lock);
	s->uid = args->uid;
	s->gid = args->gid;
	s->mode = args->mode;
	s->durability = args->durability;
	INIT_LIST_HEAD(&s->trees);
	s->backend = &holt_store_memory_backend;

	if (args->device) {
		strscpy(s->device, args->device, sizeof(s->device));
		err = holt_persist_attach(s, args, &args->msg);
		if (err)
			goto err_free_store;
	} else {
		err = -ENOMEM;
		st = holt_store_tree_alloc(s, HOLT_STORE_DEFAULT_TREE);
		if (!st)
			goto err_free_store;
		holt_store_tree_link(s, st);
	}

	mutex_lock(&holt_store_list_lock);
	err = -ENOSPC;
	if (holt_nr_stores >= holt_store_limits.max_stores)
		goto err_unlock;
	list_for_each_entry(pos, &holt_stores, node) {
		int cmp = strcmp(pos->name, s->name);

		err = -EEXIST;
		if (!cmp)
			goto err_unlock;
		if (cmp > 0)
			break;
	}
	s->id = atomic64_inc_return(&holt_store_last_id);
	if (out)
		kref_get(&s->ref);
	/* Insert before the first store sorting after the new one. */
	list_add_tail_rcu(&s->node, &pos->node);
	holt_nr_stores++;
	mutex_unlock(&holt_store_list_lock);

	pr_debug("attached %s store %s\n", s->backend->name, s->name);
	if (out)
		*out = s;
	return 0;

err_unlock:
	mutex_unlock(&holt_store_list_lock);
err_free_store:
	holt_store_free(s);
	return err;
}

/*
 * Tear down a store already unlinked from the list: let lockless lookups
 * finish, drop the list's reference, wait for the requests in flight, free.
 */
static void holt_store_destroy(struct holt_store *s)
{
	synchronize_rcu();
	holt_store_put(s);
	wait_for_completion(&s->released);
	holt_reclaim_stop(s);	/* before the backend stops */
	if (s->backend->detach)
		s->backend->detach(s);
	else if (s->backend->checkpoint)
		s->backend->checkpoint(s);
	pr_debug("detached store %s\n", s->name);
	holt_store_free(s);
}

/**
 * holt_store_detach() - make a store disappear and free it
 * @name: the store's name
 *
 * New requests stop finding the store at once; the call then waits for the
 * requests in flight on it (each holds it for one message at most).
 *
 * Context: process context, may sleep; the caller holds no store reference.
 * Return: 0, or -ENOENT when no store has this name.
 */
int holt_store_detach(const char *name)
{
	struct holt_store *s, *found = NULL;

	mutex_lock(&holt_store_list_lock);
	list_for_each_entry(s, &holt_stores, node) {
		if (!strcmp(s->name, name)) {
			found = s;
			break;
		}
	}
	if (found) {
		list_del_rcu(&found->node);
		holt_nr_stores--;
	}
	mutex_unlock(&holt_store_list_lock);
	if (!found)
		return -ENOENT;
	holt_store_destroy(found);
	return 0;
}

/**
 * holt_store_mode_permits() - the file-like permission rule
 * @mode: permission bits of the store
 * @owner: the caller's fsuid is the store's owner
 * @group: the caller is in the store's group
 * @mask: HOLT_STORE_MAY_READ and/or HOLT_STORE_MAY_WRITE
 *
 * The owner gets the owner bits (and only those), a group member the group
 * bits, anyone else the other bits, as for a file.
 *
 * Context: any.
 * Return: true when every bit of @mask is granted.
 */
bool holt_store_mode_permits(umode_t mode, bool owner, bool group, int mask)
{
	unsigned int bits;

	if (owner)
		bits = mode >> 6;
	else if (group)
		bits = mode >> 3;
	else
		bits = mode;
	return (bits & mask & 7) == (mask & 7);
}

/**
 * holt_store_permission() - may the current task read or write a store?
 * @s: the store
 * @mask: HOLT_STORE_MAY_READ and/or HOLT_STORE_MAY_WRITE
 *
 * Checks the current credentials against the store's owner, group and mode
 * like generic_permission() does for a file: CAP_DAC_OVERRIDE bypasses the
 * mode.
 *
 * Context: process context; the caller holds @s->lock (either way).
 * Return: 0 or -EACCES.
 */
int holt_store_permission(struct holt_store *s, int mask)
{
	bool owner = uid_eq(current_fsuid(), s->uid);

	lockdep_assert_held(&s->lock);
	if (holt_store_mode_permits(s->mode, owner,
				    !owner && in_group_p(s->gid), mask))
		return 0;
	if (capable(CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

/**
 * holt_store_set_owner() - change a store's owner, group and/or mode
 * @s: the store
 * @uid: the new owner, or NULL to keep it
 * @gid: the new group, or NULL to keep it
 * @mode: the new permission bits (0..0777), or NULL to keep them
 *
 * Context: process context; the caller holds @s->lock for writing.
 */
void holt_store_set_owner(struct holt_store *s, const kuid_t *uid,
			  const kgid_t *gid, const umode_t *mode)
{
	lockdep_assert_held_write(&s->lock);
	if (uid)
		s->uid = *uid;
	if (gid)
		s->gid = *gid;
	if (mode)
		s->mode = *mode & 0777;
}

/**
 * holt_store_tree_find() - a tree of a store by name
 * @s: the store
 * @name: the tree's name, or NULL for "default"
 *
 * Context: the caller holds @s->lock (either way) while it uses the tree.
 * Return: the tree, or NULL.
 */
struct holt_store_tree *holt_store_tree_find(struct holt_store *s,
					     const char *name)
{
	struct holt_store_tree *st;

	lockdep_assert_held(&s->lock);
	if (!name)
		name = HOLT_STORE_DEFAULT_TREE;
	list_for_each_entry(st, &s->trees, node) {
		if (!strcmp(st->name, name))
			return st;
	}
	return NULL;
}

/**
 * holt_store_tree_next() - the first tree whose name sorts after a name
 * @s: the store
 * @after: a name, or NULL to start from the first tree
 *
 * Context: the caller holds @s->lock (either way) while it uses the tree.
 * Return: the tree, or NULL.
 */
struct holt_store_tree *holt_store_tree_next(struct holt_store *s,
					     const char *after)
{
	struct holt_store_tree *st;

	lockdep_assert_held(&s->lock);
	list_for_each_entry(st, &s->trees, node) {
		if (!after || strcmp(st->name, after) > 0)
			return st;
	}
	return NULL;
}

/**
 * holt_store_tree_create() - add an empty named tree to a store
 * @s: the store
 * @name: the new tree's name
 *
 * Context: process context, may sleep; takes @s->lock for writing.
 * Return: 0, -EINVAL (bad name), -EEXIST, -ENOSPC (holt_store_limits.
 * max_trees reached), -ENOMEM.
 */
int holt_store_tree_create(struct holt_store *s, const char *name)
{
	struct holt_store_change change = {
		.kind = HOLT_CHANGE_TREE_CREATE,
		.a = (const u8 *)name,
		.alen = strlen(name),
	};
	struct holt_store_tree *st;
	int err;

	if (!holt_store_name_valid(name))
		return -EINVAL;
	holt_store_write_lock(s);
	err = -EEXIST;
	if (holt_store_tree_find(s, name))
		goto out_unlock;
	err = -ENOSPC;
	if (s->nr_trees >= holt_store_limits.max_trees)
		goto out_unlock;
	err = -ENOMEM;
	st = holt_store_tree_alloc(s, name);
	if (!st)
		goto out_unlock;
	change.tree = (u32)st->id;
	err = holt_store_log_prepare(s, &change);
	if (err) {
		s->next_tree_id--;
		holt_store_tree_free(st);
		goto out_unlock;
	}
	holt_store_tree_link(s, st);
	err = holt_store_log_commit(s, &change);
out_unlock:
	return holt_store_write_end(s) ?: err;
}

/**
 * holt_store_tree_drop() - remove a named tree and free its keys
 * @s: the store
 * @name: the tree's name; "default" cannot be dropped
 *
 * Context: process context, may sleep; takes @s->lock for writing.
 * Return: 0, -EINVAL ("default"), -ENOENT.
 */
int holt_store_tree_drop(struct holt_store *s, const char *name)
{
	struct holt_store_change change = { .kind = HOLT_CHANGE_TREE_DROP };
	struct holt_store_tree *st;
	int err = 0;

	if (!strcmp(name, HOLT_STORE_DEFAULT_TREE))
		return -EINVAL;
	holt_store_write_lock(s);
	st = holt_store_tree_find(s, name);
	if (st) {
		change.tree = (u32)st->id;
		err = holt_store_log_prepare(s, &change);
		if (err) {
			st = NULL;
		} else {
			list_del(&st->node);
			s->nr_trees--;
			err = holt_store_log_commit(s, &change);
		}
	} else {
		err = -ENOENT;
	}
	err = holt_store_write_end(s) ?: err;
	if (!st)
		return err;
	/* Unlinked under the write lock: nobody else can reach it now. */
	holt_store_tree_free(st);
	return err;
}

/**
 * holt_store_get_key() - read one key
 * @st: the tree
 * @key: the key, @klen bytes
 * @klen: its length
 * @out: receives the stored value and version; valid while the store lock
 *	is held
 *
 * Context: the caller holds the store lock (either way).
 * Return: 0 or a negative errno of holt_tree_get().
 */
int holt_store_get_key(struct holt_store_tree *st, const u8 *key, u32 klen,
		       struct holt_ref *out)
{
	atomic64_inc(&st->gets);
	return holt_tree_get(st->tree, key, klen, out);
}

/**
 * holt_store_put_key() - write one key
 * @s: the store of @st
 * @st: the tree
 * @key: the key, @klen bytes
 * @klen: its length
 * @val: the value, @vlen bytes
 * @vlen: its length
 * @flags: HOLT_PUT_IF_ABSENT or HOLT_PUT_IF_VERSION
 * @expect: the expected version with HOLT_PUT_IF_VERSION
 * @version: receives the new version
 *
 * Context: the caller holds @s->lock for writing.
 * Return: 0 or a negative errno of holt_tree_put().
 */
int holt_store_put_key(struct holt_store *s, struct holt_store_tree *st,
		       const u8 *key, u32 klen, const u8 *val, u32 vlen,
		       u32 flags, u64 expect, u64 *version)
{
	int err;

	struct holt_store_change c = {
		.kind = HOLT_CHANGE_PUT, .tree = (u32)st->id,
		.a = key, .alen = klen, .b = val, .blen = vlen,
	};
	u64 v = 0;

	lockdep_assert_held_write(&s->lock);
	err = holt_store_log_prepare(s, &c);
	if (err)
		return err;
	err = holt_tree_put(st->tree, key, klen, val, vlen, flags, expect,
			    &v);
	if (version)
		*version = v;
	if (err)
		return err;
	atomic64_inc(&st->puts);
	c.version = v;
	return holt_store_log_commit(s, &c);
}

/**
 * holt_store_del_key() - delete one key
 * @s: the store of @st
 * @st: the tree
 * @key: the key, @klen bytes
 * @klen: its length
 * @flags: HOLT_DEL_IF_VERSION or 0
 * @expect: the expected version with HOLT_DEL_IF_VERSION
 *
 * Context: the caller holds @s->lock for writing.
 * Return: 0 or a negative errno of holt_tree_delete().
 */
int holt_store_del_key(struct holt_store *s, struct holt_store_tree *st,
		       const u8 *key, u32 klen, u32 flags, u64 expect)
{
	int err;

	struct holt_store_change c = {
		.kind = HOLT_CHANGE_DEL, .tree = (u32)st->id,
		.a = key, .alen = klen,
	};

	lockdep_assert_held_write(&s->lock);
	err = holt_store_log_prepare(s, &c);
	if (err)
		return err;
	err = holt_tree_delete(st->tree, key, klen, flags, expect);
	if (err)
		return err;
	atomic64_inc(&st->dels);
	holt_reclaim_kick(s);
	c.version = s->seq;	/* a delete draws exactly one version */
	return holt_store_log_commit(s, &c);
}

/**
 * holt_store_rename_key() - move a value from one key to another
 * @s: the store of @st
 * @st: the tree
 * @src: the source key, @slen bytes
 * @slen: its length
 * @dst: the destination key, @dlen bytes
 * @dlen: its length
 * @force: replace an existing destination
 * @version: receives the destination's new version
 *
 * Context: the caller holds @s->lock for writing.
 * Return: 0 or a negative errno of holt_tree_rename().
 */
int holt_store_rename_key(struct holt_store *s, struct holt_store_tree *st,
			  const u8 *src, u32 slen, const u8 *dst, u32 dlen,
			  bool force, u64 *version)
{
	int err;

	struct holt_store_change c = {
		.kind = HOLT_CHANGE_RENAME, .tree = (u32)st->id,
		.a = src, .alen = slen, .b = dst, .blen = dlen,
	};
	u64 v = 0;

	lockdep_assert_held_write(&s->lock);
	err = holt_store_log_prepare(s, &c);
	if (err)
		return err;
	err = holt_tree_rename(st->tree, src, slen, dst, dlen, force, &v);
	if (version)
		*version = v;
	if (err)
		return err;
	atomic64_inc(&st->puts);
	holt_reclaim_kick(s);
	c.version = v;
	return holt_store_log_commit(s, &c);
}

/**
 * holt_store_count() - count keys under a prefix
 * @st: the tree
 * @prefix: the prefix, @plen bytes (may be empty)
 * @plen: its length
 * @limit: stop counting at this many, 0 for no limit
 * @count: receives the count
 *
 * Context: the caller holds the store lock (either way).
 * Return: 0 or a negative errno of holt_tree_prefix_count().
 */
int holt_store_count(struct holt_store_tree *st, const u8 *prefix, u32 plen,
		     u64 limit, u64 *count)
{
	atomic64_inc(&st->gets);
	return holt_tree_prefix_count(st->tree, prefix, plen, limit, count);
}

/**
 * holt_store_longest_prefix() - the longest stored key that prefixes a key
 * @st: the tree
 * @key: the key, @klen bytes
 * @klen: its length
 * @out: receives the stored key, its value and version; valid while the
 *	store lock is held
 *
 * Context: the caller holds the store lock (either way).
 * Return: 0 or a negative errno of holt_tree_longest_prefix().
 */
int holt_store_longest_prefix(struct holt_store_tree *st, const u8 *key,
			      u32 klen, struct holt_ref *out)
{
	atomic64_inc(&st->gets);
	return holt_tree_longest_prefix(st->tree, key, klen, out);
}

/**
 * holt_store_scan() - visit items of a tree in order
 * @st: the tree
 * @args: what to visit
 * @fn: called for each item
 * @ctx: passed to @fn
 *
 * Context: the caller holds the store lock (either way).
 * Return: 0, @fn's non-zero return, or a negative errno of holt_tree_scan().
 */
int holt_store_scan(struct holt_store_tree *st,
		    const struct holt_scan_args *args, holt_scan_fn fn,
		    void *ctx)
{
	atomic64_inc(&st->scans);
	return holt_tree_scan(st->tree, args, fn, ctx);
}

/**
 * holt_store_batch() - apply operations atomically
 * @s: the store of @st
 * @st: the tree
 * @ops: the operations
 * @nr: how many
 * @failed: receives the index of the failing operation on error, or @nr
 *	when the batch failed as a whole (the store's log refused or failed it)
 *
 * Context: the caller holds @s->lock for writing.
 * Return: 0 or a negative errno of holt_tree_batch() or of the backend; on
 * an error of holt_tree_batch() or of the backend's prepare, nothing was
 * applied.
 */
int holt_store_batch(struct holt_store *s, struct holt_store_tree *st,
		     const struct holt_batch_op *ops, u32 nr, u32 *failed)
{
	int err;

	struct holt_store_change c = {
		.kind = HOLT_CHANGE_BATCH, .tree = (u32)st->id,
		.ops = ops, .nr = nr,
	};
	u64 seq0 = s->seq;

	lockdep_assert_held_write(&s->lock);
	err = holt_store_log_prepare(s, &c);
	if (err) {
		if (failed)
			*failed = nr;
		return err;
	}
	err = holt_tree_batch(st->tree, ops, nr, failed);
	if (err)
		return err;
	atomic64_inc(&st->puts);
	holt_reclaim_kick(s);
	c.version = seq0 + 1;
	err = holt_store_log_commit(s, &c);
	if (err && failed)
		*failed = nr;
	return err;
}

/**
 * holt_store_compact() - compact one tree or every tree of a store
 * @s: the store
 * @st: the tree, or NULL for every tree of @s
 *
 * Context: the caller holds @s->lock for writing.
 * Return: 0 or the first negative errno of holt_tree_compact().
 */
int holt_store_compact(struct holt_store *s, struct holt_store_tree *st)
{
	struct holt_store_tree *pos;
	int err;

	lockdep_assert_held_write(&s->lock);
	if (st)
		return holt_tree_compact(st->tree);
	list_for_each_entry(pos, &s->trees, node) {
		err = holt_tree_compact(pos->tree);
		if (err)
			return err;
	}
	return 0;
}

/**
 * holt_store_checkpoint() - make everything applied so far durable
 * @s: the store
 *
 * Context: process context, may sleep; the backend takes @s->lock for
 * writing while it takes its cut.
 * Return: 0 or the backend's negative errno; always 0 for memory.
 */
int holt_store_checkpoint(struct holt_store *s)
{
	if (!s->backend->checkpoint)
		return 0;
	return s->backend->checkpoint(s);
}

/**
 * holt_store_sync() - make everything acknowledged so far durable
 * @s: the store
 *
 * Context: process context, may sleep.
 * Return: 0 or the backend's negative errno; always 0 for memory.
 */
int holt_store_sync(struct holt_store *s)
{
	if (!s->backend->sync)
		return 0;
	return s->backend->sync(s);
}

/**
 * holt_store_init() - prepare the store layer
 *
 * The list of stores is static; nothing to allocate yet.
 *
 * Context: module init.
 * Return: 0.
 */
int holt_store_init(void)
{
	return 0;
}

/**
 * holt_store_uninit() - detach every store left attached
 *
 * Called after the netlink family is gone, so no request can be in flight.
 *
 * Context: module exit, may sleep.
 */
void holt_store_uninit(void)
{
	struct holt_store *s;

	for (;;) {
		mutex_lock(&holt_store_list_lock);
		s = list_first_entry_or_null(&holt_stores, struct holt_store,
					     node);
		if (s) {
			list_del_rcu(&s->node);
			holt_nr_stores--;
		}
		mutex_unlock(&holt_store_list_lock);
		if (!s)
			break;
		pr_info("detaching store %s at unload\n", s->name);
		holt_store_destroy(s);
	}
}
