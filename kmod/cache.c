// SPDX-License-Identifier: GPL-2.0
/*
 * cache.c - the frame cache of a store kept on a block device.
 *
 * DOC: Frame cache
 *
 * A persistent store need not hold all its frames in memory.  Its budget
 * (attach option cache_mb, else the module parameter frame_cache_mb; 0 for
 * no limit) counts 512 KiB frames.  A frame is clean while the engine's
 * change count for it (holt_tree_frame_gen()) equals the one the last
 * committed checkpoint wrote; clean frames other than tree roots may be
 * evicted, and the engine reads them back through holt_cache_read() when a
 * walk needs them: from the slot the committed frame map names, checked
 * against the checksum and id the map records, then validated by the
 * engine.  A frame that cannot be read back fails only the operations
 * that need it (-EIO, -EUCLEAN), logged rate-limited; the store stays up.
 *
 * The slot of an evicted frame stays referenced: every checkpoint carries
 * a clean frame's record over unchanged, so the slot is never reused while
 * the frame may be read from it.
 *
 * Eviction runs under the store's write lock (no reader holds a frame
 * pointer then): from a work item queued when a load or a write takes the
 * store over its budget (down to 7/8 of it, so that it does not run for
 * every load), and from the shrinker under memory pressure (down to the
 * roots, taking locks only with trylock).  Frames changed since the last
 * checkpoint cannot be evicted: when they alone keep the store over its
 * budget, a checkpoint is started, after which eviction runs again.  A
 * clock with one reference bit per frame (set by every walk) gives
 * recently used frames a second chance.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/shrinker.h>
#include <linux/printk.h>

#include "cache.h"
#include "persist.h"
#include "checkpoint.h"
#include "core/frame.h"
#include "core/tree_load.h"
#include "core/tree_cache.h"

unsigned int holt_cache_default_mb;

/* Persistent stores, for the shrinker. */
static LIST_HEAD(holt_cache_stores);
static DEFINE_MUTEX(holt_cache_lock);

/**
 * holt_cache_read() - the loader of a persistent tree: read a frame back
 * @ctx: the tree's &struct holt_ptree
 * @id: frame id
 * @buf: HOLT_FRAME_SIZE bytes
 *
 * Context: process context, may sleep; the caller holds the store's lock
 * (shared or exclusive), or is attaching the store.
 * Return: 0, -EIO (read failed), -EUCLEAN (no committed image, or the
 * image does not carry the checksum and id the frame map records).
 */
int holt_cache_read(void *ctx, u32 id, void *buf)
{
	struct holt_ptree *pt = ctx;
	struct holt_persist *p = pt->p;
	u64 slot = HOLT_SLOT_NONE, off = 0;
	u32 crc = 0;
	int err;

	mutex_lock(&p->map_lock);
	if (id < pt->cap && pt->f[id].slot != HOLT_SLOT_NONE) {
		slot = pt->f[id].slot;
		crc = pt->f[id].crc;
		off = holt_super_slot_byte(&p->sb, slot);
	}
	mutex_unlock(&p->map_lock);
	if (slot == HOLT_SLOT_NONE) {
		pr_err_ratelimited("store %s: tree %u: frame %u has no image on the device\n",
				   p->s->name, pt->tree, id);
		err = -EUCLEAN;
		goto fail;
	}
	err = holt_bdev_read(&p->bd, off, buf, HOLT_FRAME_SIZE);
	if (err) {
		pr_err_ratelimited("store %s: tree %u: reading frame %u from slot %llu failed (%d)\n",
				   p->s->name, pt->tree, id, slot, err);
		err = -EIO;
		goto fail;
	}
	/*
	 * The image the map records (its checksum field and id); the engine
	 * then checks the bytes against the checksum and validates them, and
	 * tells holt_cache_damaged() when they fail.
	 */
	if (holt_get_le32((u8 *)buf + HDR_CSUM) != crc ||
	    holt_get_le64((u8 *)buf + HDR_FRAME_ID) != id) {
		pr_err_ratelimited("store %s: tree %u: frame %u in slot %llu is damaged (not the image the frame map records)\n",
				   p->s->name, pt->tree, id, slot);
		err = -EUCLEAN;
		goto fail;
	}
	atomic64_inc(&p->cache.loads);
	if (p->live)
		holt_cache_check(p);
	return 0;
fail:
	atomic64_inc(&p->cache.load_errors);
	return err;
}

/**
 * holt_cache_damaged() - the loader's report of an image that failed the
 * engine's checks (see &struct holt_frame_loader)
 * @ctx: the &struct holt_ptree
 * @id: frame id
 * @err: the engine's error
 *
 * Context: process context; as holt_cache_read().
 */
void holt_cache_damaged(void *ctx, u32 id, int err)
{
	struct holt_ptree *pt = ctx;
	struct holt_persist *p = pt->p;
	u64 slot = HOLT_SLOT_NONE;

	mutex_lock(&p->map_lock);
	if (id < pt->cap)
		slot = pt->f[id].slot;
	mutex_unlock(&p->map_lock);
	pr_err_ratelimited("store %s: tree %u: frame %u in slot %llu is damaged (checksum or structure, %d)\n",
			   p->s->name, pt->tree, id, slot, err);
	atomic64_inc(&p->cache.load_errors);
}

/**
 * holt_cache_resident() - frames of a store in memory
 * @p: device state
 *
 * Context: the caller holds the store's lock (shared or exclusive).
 * Return: the count.
 */
u32 holt_cache_resident(struct holt_persist *p)
{
	struct holt_store_tree *st;
	u32 n = 0;

	list_for_each_entry(st, &p->s->trees, node)
		n += holt_tree_nr_resident(st->tree);
	return n;
}

/**
 * holt_cache_check() - queue an eviction when the store is over its budget
 * @p: device state
 *
 * Context: the caller holds the store's lock (shared or exclusive).
 */
void holt_cache_check(struct holt_persist *p)
{
	u32 budget = READ_ONCE(p->cache.budget);

	if (!budget || READ_ONCE(p->cache.evict_queued) ||
	    holt_cache_resident(p) <= budget)
		return;
	WRITE_ONCE(p->cache.evict_queued, true);
	queue_work(system_unbound_wq, &p->cache.evict_work);
}

/*
 * Evict clean frames of @pt's tree; one clock pass.  *@dirty counts the
 * frames skipped for being changed.
 */
static u32 holt_cache_evict_tree(struct holt_tree *t, struct holt_ptree *pt,
				 bool second, u32 want, u32 *dirty)
{
	u32 id, lim = holt_tree_id_limit(t), done = 0;

	for (id = HOLT_ROOT_FRAME + 1; id < lim && done < want; id++) {
		if (!holt_tree_frame_peek(t, id))
			continue;
		if (id >= pt->cap || pt->f[id].slot == HOLT_SLOT_NONE ||
		    pt->f[id].gen != holt_tree_frame_gen(t, id)) {
			(*dirty)++;
			continue;
		}
		if (holt_tree_frame_test_ref(t, id) && !second)
			continue;
		if (!holt_tree_frame_evict(t, id))
			done++;
	}
	return done;
}

/**
 * holt_cache_evict() - drop clean frames of a store from memory
 * @p: device state
 * @target: stop when no more than this many frames are in memory
 * @max: and after this many evictions
 * @reclaim: called from the shrinker: take no lock that may be held by an
 *	allocation in progress (gives up instead)
 *
 * Context: the caller holds the store's write lock.
 * Return: frames evicted.
 */
u32 holt_cache_evict(struct holt_persist *p, u32 target, u32 max,
		     bool reclaim)
{
	struct holt_store_tree *st;
	struct holt_ptree *pt;
	u32 resident = holt_cache_resident(p), done = 0, dirty = 0, n;
	int pass;

	if (resident <= target || !max)
		return 0;
	if (reclaim) {
		if (!mutex_trylock(&p->map_lock))
			return 0;
	} else {
		mutex_lock(&p->map_lock);
	}
	for (pass = 0; pass < 2 && resident > target && done < max; pass++) {
		dirty = 0;
		list_for_each_entry(st, &p->s->trees, node) {
			pt = holt_ckpt_ptree(p, (u32)st->id, 0);
			if (!pt)
				continue;
			n = holt_cache_evict_tree(st->tree, pt, pass,
						  min(resident - target,
						      max - done), &dirty);
			done += n;
			resident -= n;
			if (resident <= target || done >= max)
				break;
		}
	}
	mutex_unlock(&p->map_lock);
	atomic64_add(done, &p->cache.evictions);
	if (!reclaim && resident > target && dirty)
		holt_ckpt_kick_now(p);
	return done;
}

static void holt_cache_work(struct work_struct *w)
{
	struct holt_persist *p = container_of(w, struct holt_persist,
					      cache.evict_work);
	u32 budget = READ_ONCE(p->cache.budget);

	holt_store_write_lock(p->s);
	if (p->live && budget)
		holt_cache_evict(p, budget - budget / 8, U32_MAX, false);
	holt_store_write_unlock(p->s);
	WRITE_ONCE(p->cache.evict_queued, false);
}

/**
 * holt_cache_setup() - set a store's budget and initialise its cache
 * @p: device state (attaching)
 * @cache_mb: MiB of frames, 0 for the module default (frame_cache_mb)
 *
 * Context: process context.
 */
void holt_cache_setup(struct holt_persist *p, u32 cache_mb)
{
	u64 frames;

	if (!cache_mb)
		cache_mb = holt_cache_default_mb;
	frames = (u64)cache_mb * (SZ_1M / HOLT_FRAME_SIZE);
	if (frames && frames < HOLT_CACHE_MIN_FRAMES)
		frames = HOLT_CACHE_MIN_FRAMES;
	p->cache.budget = (u32)min_t(u64, frames, U32_MAX);
	INIT_LIST_HEAD(&p->cache.node);
	INIT_WORK(&p->cache.evict_work, holt_cache_work);
}

/**
 * holt_cache_start() - make an attached store's frames reclaimable
 * @p: device state
 *
 * Context: process context.
 */
void holt_cache_start(struct holt_persist *p)
{
	mutex_lock(&holt_cache_lock);
	list_add_tail(&p->cache.node, &holt_cache_stores);
	mutex_unlock(&holt_cache_lock);
}

/**
 * holt_cache_stop() - no more eviction for a store (detach, release)
 * @p: device state
 *
 * Nothing queues the eviction work again: the budget is 0 from now on.
 * A checkpoint and an eviction queue each other; both are cancelled, the
 * eviction once more after the checkpoint (which may have read the budget
 * just before it became 0).
 *
 * Context: process context; the caller does not hold the store's lock.
 */
void holt_cache_stop(struct holt_persist *p)
{
	WRITE_ONCE(p->cache.budget, 0);
	mutex_lock(&holt_cache_lock);
	if (!list_empty(&p->cache.node))
		list_del_init(&p->cache.node);
	mutex_unlock(&holt_cache_lock);
	cancel_work_sync(&p->cache.evict_work);
	cancel_work_sync(&p->ckpt_work);
	cancel_work_sync(&p->cache.evict_work);
}

static unsigned long holt_cache_count(struct shrinker *sh,
				      struct shrink_control *sc)
{
	struct holt_persist *p;
	unsigned long n = 0;

	if (!mutex_trylock(&holt_cache_lock))
		return 0;
	list_for_each_entry(p, &holt_cache_stores, cache.node) {
		if (!down_read_trylock(&p->s->lock))
			continue;
		n += holt_cache_resident(p) - p->s->nr_trees;
		up_read(&p->s->lock);
	}
	mutex_unlock(&holt_cache_lock);
	return n;
}

static unsigned long holt_cache_scan(struct shrinker *sh,
				     struct shrink_control *sc)
{
	struct holt_persist *p;
	unsigned long freed = 0;

	if (!mutex_trylock(&holt_cache_lock))
		return SHRINK_STOP;
	list_for_each_entry(p, &holt_cache_stores, cache.node) {
		if (freed >= sc->nr_to_scan)
			break;
		if (!down_write_trylock(&p->s->lock))
			continue;
		if (p->live)
			freed += holt_cache_evict(p, 0, sc->nr_to_scan - freed,
						  true);
		up_write(&p->s->lock);
	}
	mutex_unlock(&holt_cache_lock);
	return freed ? freed : SHRINK_STOP;
}

static struct shrinker holt_cache_shrinker = {
	.count_objects = holt_cache_count,
	.scan_objects = holt_cache_scan,
	.seeks = DEFAULT_SEEKS,
	.batch = 8,
};

/**
 * holt_cache_init() - register the shrinker of clean frames
 *
 * Context: module init.
 * Return: 0 or -errno.
 */
int holt_cache_init(void)
{
	return register_shrinker(&holt_cache_shrinker, "holt-frames");
}

/**
 * holt_cache_uninit() - unregister the shrinker
 *
 * Context: module exit, after every store is gone.
 */
void holt_cache_uninit(void)
{
	unregister_shrinker(&holt_cache_shrinker);
}
