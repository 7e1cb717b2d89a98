// SPDX-License-Identifier: GPL-2.0
/*
 * reclaim.c - giving back in the background what deletes leave behind.
 *
 * DOC: Background reclaim
 *
 * A delete leaves a tombstone where the key was; its bytes come back when
 * the frame is rebuilt.  Without help that happens when the frame fills
 * again or when someone runs ``holt compact``: a store whose keys were
 * mostly deleted would keep its frames, and a tree that deletes left
 * without density would list its upper levels slowly, for good.
 *
 * So a delete, a rename or a batch on a store kicks its reclaim work,
 * which runs reclaim_delay_ms later (a module parameter, 1000 by default;
 * 0 turns it off): a burst of deletes is done by then, and the work is
 * queued once for all of it.  The work takes the store's lock for writing
 * and lets each tree rebuild a few frames (holt_tree_reclaim(): the frames
 * a quarter garbage, those holding tombstones while the tree lost density
 * or carries marks, the child frames deletes emptied, which fold away),
 * then lets go of the lock and queues itself again a little later while
 * frames are left, so that requests get through between two rounds.  Once
 * no frame holds a tombstone, a tree of up to HOLT_RECLAIM_PROVE_FRAMES
 * frames is proved dense again.  A dense tree with a few tombstones is
 * left alone: its listings do not suffer from them.
 *
 * The frames it rebuilds change only in layout, not in content, so nothing
 * is logged: the next checkpoint writes them like any other changed frame.
 * Its rebuilds count in the tree's compactions and merges (``holt
 * stats``).  Detaching a store waits for a running round and cancels the
 * next one.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>

#include "store.h"
#include "reclaim.h"

unsigned int holt_reclaim_delay_ms = 1000;
module_param_named(reclaim_delay_ms, holt_reclaim_delay_ms, uint, 0644);
MODULE_PARM_DESC(reclaim_delay_ms,
		 "milliseconds after a delete before frames its store's deletes left garbage in are rebuilt in the background (default 1000); 0 turns background reclaim off");

/* Frames a round rebuilds at most, and the pause between two rounds. */
#define HOLT_RECLAIM_FRAMES	4
#define HOLT_RECLAIM_PAUSE_MS	10

static void holt_reclaim_work(struct work_struct *w)
{
	struct holt_store *s = container_of(to_delayed_work(w),
					    struct holt_store, reclaim_work);
	struct holt_store_tree *st;
	bool again = false;
	u32 rebuilt;
	int ret;

	holt_store_write_lock(s);
	list_for_each_entry(st, &s->trees, node) {
		ret = holt_tree_reclaim(st->tree, HOLT_RECLAIM_FRAMES,
					&rebuilt);
		if (ret < 0) {
			pr_warn_ratelimited("store %s, tree %s: background reclaim failed (%d)\n",
					    s->name, st->name, ret);
			break;
		}
		if (ret > 0) {
			again = true;	/* this tree first, next round */
			break;
		}
	}
	holt_store_write_unlock(s);
	if (again)
		queue_delayed_work(system_unbound_wq, &s->reclaim_work,
				   msecs_to_jiffies(HOLT_RECLAIM_PAUSE_MS));
}

/**
 * holt_reclaim_init() - set up a new store's reclaim work
 * @s: the store, not yet in use
 *
 * Context: process context.
 */
void holt_reclaim_init(struct holt_store *s)
{
	INIT_DELAYED_WORK(&s->reclaim_work, holt_reclaim_work);
}

/**
 * holt_reclaim_kick() - a delete, rename or batch was applied to @s
 * @s: the store
 *
 * Queues the store's reclaim work reclaim_delay_ms from now, unless it is
 * queued already or the parameter is 0.
 *
 * Context: any; the caller holds a reference to @s.
 */
void holt_reclaim_kick(struct holt_store *s)
{
	unsigned int ms = READ_ONCE(holt_reclaim_delay_ms);

	if (ms)
		queue_delayed_work(system_unbound_wq, &s->reclaim_work,
				   msecs_to_jiffies(ms));
}

/**
 * holt_reclaim_stop() - no more reclaim on @s
 * @s: the store: no request uses it any more, so nothing kicks it
 *
 * Waits for a round in progress and cancels the next one.
 *
 * Context: process context, may sleep; the caller does not hold @s->lock.
 */
void holt_reclaim_stop(struct holt_store *s)
{
	cancel_delayed_work_sync(&s->reclaim_work);
}
