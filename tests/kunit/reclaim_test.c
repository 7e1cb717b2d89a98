// SPDX-License-Identifier: GPL-2.0
/*
 * reclaim_test.c - KUnit suite holt_reclaim: a store's background reclaim
 * (kmod/reclaim.c) under lockdep and KASAN.  Deletes kick the work, which
 * gives the frames back and leaves every key and the tree's density as
 * they should be; reclaim_delay_ms 0 queues nothing; a detach with the
 * work queued cancels it; puts do not kick it, deletes, renames and
 * batches do.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "../../kmod/store.h"
#include "../../kmod/reclaim.h"

#define RT_STORE	"kunit-r"
#define RT_DIRS		30
#define RT_FILES	100

struct rt_ctx {
	unsigned int delay_ms;
	unsigned int budget;
	struct holt_store *s;
};

static int rt_init(struct kunit *test)
{
	struct rt_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	test->priv = c;
	c->delay_ms = holt_reclaim_delay_ms;
	c->budget = holt_store_limits.data_budget;
	return 0;
}

static void rt_exit(struct kunit *test)
{
	struct rt_ctx *c = test->priv;

	if (c->s)
		holt_store_put(c->s);
	holt_store_detach(RT_STORE);
	holt_reclaim_delay_ms = c->delay_ms;
	holt_store_limits.data_budget = c->budget;
}

/* A memory store with RT_DIRS * RT_FILES keys in 16 KiB frames. */
static struct holt_store_tree *rt_fill(struct kunit *test)
{
	struct holt_store_attach_args args = {
		.name = RT_STORE,
		.uid = GLOBAL_ROOT_UID,
		.gid = GLOBAL_ROOT_GID,
		.mode = 0600,
	};
	struct rt_ctx *c = test->priv;
	struct holt_store_tree *st;
	char key[32];
	int d, f, kl, err = 0;

	holt_store_limits.data_budget = 16 * 1024;
	KUNIT_ASSERT_EQ(test, holt_store_attach(&args, &c->s), 0);
	holt_store_limits.data_budget = c->budget;
	holt_store_write_lock(c->s);
	st = holt_store_tree_find(c->s, NULL);
	for (d = 0; st && !err && d < RT_DIRS; d++)
		for (f = 0; !err && f < RT_FILES; f++) {
			kl = snprintf(key, sizeof(key), "d%02d/f%04d", d, f);
			err = holt_store_put_key(c->s, st, (const u8 *)key,
						 kl, (const u8 *)key, kl, 0,
						 0, NULL);
		}
	if (st && !err)
		err = holt_store_compact(c->s, st);
	holt_store_write_unlock(c->s);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_EQ(test, err, 0);
	return st;
}

/*
 * rt_fill(), then every key but each tenth deleted: every frame is mostly
 * tombstones.
 */
static struct holt_store_tree *rt_fill_delete_most(struct kunit *test)
{
	struct rt_ctx *c = test->priv;
	struct holt_store_tree *st = rt_fill(test);
	char key[32];
	int d, f, kl, err = 0;

	holt_store_write_lock(c->s);
	for (d = 0; !err && d < RT_DIRS; d++)
		for (f = 0; !err && f < RT_FILES; f++) {
			if (f % 10 == 3)
				continue;
			kl = snprintf(key, sizeof(key), "d%02d/f%04d", d, f);
			err = holt_store_del_key(c->s, st, (const u8 *)key,
						 kl, 0, 0);
		}
	holt_store_write_unlock(c->s);
	KUNIT_ASSERT_EQ(test, err, 0);
	return st;
}

static void rt_stats(struct holt_store *s, struct holt_store_tree *st,
		     struct holt_tree_stats *out)
{
	holt_store_read_lock(s);
	holt_tree_get_stats(st->tree, out);
	holt_store_read_unlock(s);
}

/* Keys under @prefix (@plen bytes). */
static u64 rt_count(struct kunit *test, struct holt_store_tree *st,
		    const char *prefix, u32 plen)
{
	struct rt_ctx *c = test->priv;
	u64 n = 0;
	int err;

	holt_store_read_lock(c->s);
	err = holt_store_count(st, (const u8 *)prefix, plen, 0, &n);
	holt_store_read_unlock(c->s);
	KUNIT_EXPECT_EQ(test, err, 0);
	return n;
}

/* The work gives the frames back; the keys and listings stay. */
static void holt_reclaim_gives_back(struct kunit *test)
{
	struct rt_ctx *c = test->priv;
	struct holt_tree_stats before, after;
	struct holt_store_tree *st;
	unsigned long end;

	holt_reclaim_delay_ms = 10;
	st = rt_fill_delete_most(test);
	rt_stats(c->s, st, &before);
	KUNIT_EXPECT_GT(test, before.tombstones, 0ull);
	KUNIT_EXPECT_GT(test, before.frames, 4ull);
	/* it runs on its own; let it finish its rounds */
	end = jiffies + 30 * HZ;
	do {
		flush_delayed_work(&c->s->reclaim_work);
		cond_resched();
	} while (delayed_work_pending(&c->s->reclaim_work) &&
		 time_before(jiffies, end));
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&c->s->reclaim_work));
	rt_stats(c->s, st, &after);
	KUNIT_EXPECT_EQ(test, after.tombstones, 0ull);
	KUNIT_EXPECT_EQ(test, after.dense, 1u);
	KUNIT_EXPECT_EQ(test, after.hollow_frames, 0ull);
	KUNIT_EXPECT_LT(test, after.frames, before.frames);
	KUNIT_EXPECT_LT(test, after.data_used, before.data_used);
	KUNIT_EXPECT_EQ(test, rt_count(test, st, NULL, 0),
			(u64)RT_DIRS * RT_FILES / 10);
	KUNIT_EXPECT_EQ(test, rt_count(test, st, "d07/", 4),
			(u64)RT_FILES / 10);
}

/* reclaim_delay_ms 0: a delete queues nothing. */
static void holt_reclaim_off(struct kunit *test)
{
	struct rt_ctx *c = test->priv;

	holt_reclaim_delay_ms = 0;
	rt_fill_delete_most(test);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&c->s->reclaim_work));
}

/* A detach cancels a queued round (KASAN would see a use after free). */
static void holt_reclaim_detach_cancels(struct kunit *test)
{
	struct rt_ctx *c = test->priv;

	holt_reclaim_delay_ms = 60000;
	rt_fill_delete_most(test);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&c->s->reclaim_work));
	holt_store_put(c->s);
	c->s = NULL;
	KUNIT_EXPECT_EQ(test, holt_store_detach(RT_STORE), 0);
}

/* Puts do not kick the work; a delete, a rename and a batch do. */
static void holt_reclaim_kicks(struct kunit *test)
{
	struct holt_batch_op op = {
		.op = HOLT_BOP_PUT, .key = (const u8 *)"n/1", .klen = 3,
		.val = (const u8 *)"v", .vlen = 1,
	};
	struct rt_ctx *c = test->priv;
	struct delayed_work *w;
	struct holt_store_tree *st;
	bool after_put, after_del, after_mv, after_batch;
	u32 failed;
	int err;

	holt_reclaim_delay_ms = 60000;
	st = rt_fill(test);
	w = &c->s->reclaim_work;
	holt_store_write_lock(c->s);
	after_put = delayed_work_pending(w);
	err = holt_store_del_key(c->s, st, (const u8 *)"d00/f0000", 9, 0, 0);
	after_del = delayed_work_pending(w);
	cancel_delayed_work(w);
	err = err ?: holt_store_rename_key(c->s, st, (const u8 *)"d00/f0001",
					   9, (const u8 *)"m/1", 3, false,
					   NULL);
	after_mv = delayed_work_pending(w);
	cancel_delayed_work(w);
	err = err ?: holt_store_batch(c->s, st, &op, 1, &failed);
	after_batch = delayed_work_pending(w);
	holt_store_write_unlock(c->s);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_FALSE(test, after_put);
	KUNIT_EXPECT_TRUE(test, after_del);
	KUNIT_EXPECT_TRUE(test, after_mv);
	KUNIT_EXPECT_TRUE(test, after_batch);
}

static struct kunit_case holt_reclaim_test_cases[] = {
	KUNIT_CASE(holt_reclaim_gives_back),
	KUNIT_CASE(holt_reclaim_off),
	KUNIT_CASE(holt_reclaim_detach_cancels),
	KUNIT_CASE(holt_reclaim_kicks),
	{}
};

static struct kunit_suite holt_reclaim_test_suite = {
	.name = "holt_reclaim",
	.init = rt_init,
	.exit = rt_exit,
	.test_cases = holt_reclaim_test_cases,
};

kunit_test_suite(holt_reclaim_test_suite);

MODULE_LICENSE("GPL");
