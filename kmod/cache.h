/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cache.h - the frame cache of a store kept on a block device: a budget of
 * frames in memory, eviction of clean frames, reading them back, and a
 * shrinker (kmod/cache.c).
 */
#ifndef HOLT_CACHE_H
#define HOLT_CACHE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/workqueue.h>
#include <linux/atomic.h>

struct holt_persist;

/* The smallest budget a store may be given, in frames. */
#define HOLT_CACHE_MIN_FRAMES	4u

/**
 * struct holt_cache - the frame cache of one persistent store
 * @budget: frames in memory the store aims to stay under, 0 for no limit
 * @node: in the list the shrinker walks
 * @evict_work: eviction down to @budget, queued when a load or a write
 *	took the store over it
 * @evict_queued: @evict_work is queued or running
 * @loads: frames read back from the device
 * @evictions: frames dropped from memory
 * @load_errors: frames that could not be read back (I/O error, damage)
 */
struct holt_cache {
	u32 budget;
	struct list_head node;
	struct work_struct evict_work;
	bool evict_queued;
	atomic64_t loads;
	atomic64_t evictions;
	atomic64_t load_errors;
};

extern unsigned int holt_cache_default_mb;

int holt_cache_init(void);
void holt_cache_uninit(void);

void holt_cache_setup(struct holt_persist *p, u32 cache_mb);
void holt_cache_start(struct holt_persist *p);
void holt_cache_stop(struct holt_persist *p);
int holt_cache_read(void *ctx, u32 id, void *buf);
void holt_cache_damaged(void *ctx, u32 id, int err);
u32 holt_cache_resident(struct holt_persist *p);
void holt_cache_check(struct holt_persist *p);
u32 holt_cache_evict(struct holt_persist *p, u32 target, u32 max,
		     bool force);

#endif /* HOLT_CACHE_H */
