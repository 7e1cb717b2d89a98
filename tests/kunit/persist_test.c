// SPDX-License-Identifier: GPL-2.0
/*
 * persist_test.c - KUnit suite holt_persist: the real format, attach, log,
 * checkpoint, replay and detach code (kmod/persist.c, journal.c,
 * checkpoint.c, recover.c) on the simulated device of bdev_fault.c, which
 * keeps unflushed writes in a volatile cache, loses or tears them at a
 * power cut and fails chosen writes and flushes.
 *
 * Every case keeps an oracle: for each tree and key, the value of the last
 * acknowledged put (or absent).  After every cut the store is attached
 * again and compared with it key by key, and the key count must match, so
 * that a lost acknowledged change, a change that should not be there and
 * a mix of two checkpoints all fail.  A small frame data budget spreads a
 * few hundred keys over many frames, so that a checkpoint writes several
 * frames and leaves others clean.  The cases, (a) to (j), are listed in
 * Documentation/durability.rst ("How checkpoint ordering is tested").
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>

#include "../../kmod/persist.h"
#include "../../kmod/reclaim.h"
#include "bdev_fault.h"

#define PT_DEV		"holt-kunit-fault"
#define PT_STORE	"kunit-persist"
#define PT_WAL_MB	4u
#define PT_SLOTS	24u
/* 1 MiB of superblocks, the log, then the frame slots */
#define PT_DEV_SIZE	((1ull + PT_WAL_MB) * SZ_1M + \
			 (u64)PT_SLOTS * HOLT_SLOT_SIZE)
#define PT_BUDGET	8192u	/* bytes of data per frame: many frames */
#define PT_TREES	2
#define PT_KEYS		128u
#define PT_VMAX		96u
#define PT_NEVER	U64_MAX

static const char * const pt_tree_names[PT_TREES] = { "default", "t2" };

/* What the store must hold: the last acknowledged change of every key. */
struct pt_oracle {
	bool tree[PT_TREES];
	u32 val[PT_TREES][PT_KEYS];	/* generation of the value, 0: absent */
	u16 src[PT_TREES][PT_KEYS];	/* key it was put under (renames) */
};

enum { PT_PUT, PT_DEL, PT_RENAME };

struct pt_ctx {
	struct holt_fdev *d;
	struct holt_store *s;
	struct pt_oracle o;
	struct pt_oracle base;
	struct pt_oracle next;		/* the op in progress applied */
	u8 *img;
	unsigned int budget;
	unsigned int reclaim_ms;
};

static u32 pt_key(u8 *buf, u32 i)
{
	return scnprintf(buf, 16, "k%u/%04u", i % 8, i);
}

static u32 pt_val(u8 *buf, u32 i, u32 g)
{
	u32 len = 12 + (i * 13 + g * 7) % (PT_VMAX - 12), n, j;

	n = scnprintf(buf, PT_VMAX, "v%u.%u.", i, g);
	for (j = n; j < len; j++)
		buf[j] = 'a' + (i + g + j) % 26;
	return len;
}

static bool pt_oracle_eq(const struct pt_oracle *a, const struct pt_oracle *b)
{
	int t;

	for (t = 0; t < PT_TREES; t++)
		if (a->tree[t] != b->tree[t] ||
		    memcmp(a->val[t], b->val[t], sizeof(a->val[t])) ||
		    memcmp(a->src[t], b->src[t], sizeof(a->src[t])))
			return false;
	return true;
}

static struct holt_persist *pt_p(struct pt_ctx *c)
{
	return c->s->backend_priv;
}

static int pt_attach_opts(struct pt_ctx *c, u8 durability, u32 cache_mb)
{
	struct holt_store_attach_args a = {
		.name = PT_STORE,
		.device = c->d->path,
		.durability = durability,
		.cache_mb = cache_mb,
		.uid = GLOBAL_ROOT_UID,
		.gid = GLOBAL_ROOT_GID,
		.mode = 0600,
	};
	int err;

	err = holt_store_attach(&a, &c->s);
	if (err)
		c->s = NULL;
	return err;
}

static int pt_attach_mode(struct pt_ctx *c, u8 durability)
{
	return pt_attach_opts(c, durability, 0);
}

static int pt_attach(struct pt_ctx *c)
{
	return pt_attach_mode(c, HOLT_DURABILITY_SYNC);
}

static void pt_detach(struct pt_ctx *c)
{
	if (!c->s)
		return;
	holt_store_put(c->s);
	c->s = NULL;
	holt_store_detach(PT_STORE);
}

/* The power fails now; the store goes; the machine comes back. */
static void pt_crash(struct pt_ctx *c, enum holt_fdev_cut how)
{
	holt_fdev_power_off(c->d);
	pt_detach(c);
	holt_fdev_power_cycle(c->d, how);
}

/* One write: put @g under key @i, delete @i, or rename @i to @i2. */
static int pt_write(struct pt_ctx *c, int t, int kind, u32 i, u32 i2, u32 g)
{
	struct holt_store *s = c->s;
	struct holt_store_tree *st;
	u8 key[16], key2[16], val[PT_VMAX];
	u32 kl = pt_key(key, i), kl2, vl;
	int err, err2;

	holt_store_write_lock(s);
	st = holt_store_tree_find(s, pt_tree_names[t]);
	if (!st) {
		err = -ENOENT;
	} else if (kind == PT_PUT) {
		vl = pt_val(val, i, g);
		err = holt_store_put_key(s, st, key, kl, val, vl, 0, 0, NULL);
	} else if (kind == PT_DEL) {
		err = holt_store_del_key(s, st, key, kl, 0, 0);
	} else {
		kl2 = pt_key(key2, i2);
		err = holt_store_rename_key(s, st, key, kl, key2, kl2, true,
					    NULL);
	}
	err2 = holt_store_write_end(s);
	return err ?: err2;
}

/*
 * One deterministic op drawn from @r, in a tree of the oracle: a put of
 * generation @g (6 in 8), a delete or a rename onto another key (which may
 * exist).  @c->next receives the oracle with the op applied; the oracle
 * itself changes only when the op is acknowledged.  A delete or rename of
 * an absent key is no change and counts as success.
 */
static int pt_op(struct pt_ctx *c, u32 r, u32 g)
{
	struct pt_oracle *n = &c->next;
	int t = c->o.tree[1] && (r >> 28) % 3 == 0, kind, err;
	u32 i = (r >> 8) % PT_KEYS;
	u32 i2 = (i + 1 + (r >> 2) % (PT_KEYS - 1)) % PT_KEYS;

	kind = (r >> 20) % 8 == 0 ? PT_DEL :
	       (r >> 20) % 8 == 1 ? PT_RENAME : PT_PUT;
	*n = c->o;
	if (kind != PT_PUT && !n->val[t][i]) {
		err = pt_write(c, t, kind, i, i2, g);
		return err == -ENOENT ? 0 : err ?: -EEXIST;
	}
	if (kind == PT_PUT) {
		n->val[t][i] = g;
		n->src[t][i] = i;
	} else if (kind == PT_RENAME) {
		n->val[t][i2] = n->val[t][i];
		n->src[t][i2] = n->src[t][i];
	}
	if (kind != PT_PUT)
		n->val[t][i] = 0;
	err = pt_write(c, t, kind, i, i2, g);
	if (!err)
		c->o = *n;
	return err;
}

static u32 pt_next(u32 r)
{
	return r * 1664525u + 1013904223u;
}

/* @n deterministic puts and deletes of round @round, all acknowledged. */
static void pt_ops(struct kunit *test, struct pt_ctx *c, u32 round, u32 n)
{
	u32 r = round * 2654435761u + 12345, j;
	int err;

	for (j = 0; j < n; j++) {
		r = pt_next(r);
		err = pt_op(c, r, round * 1000 + j + 1);
		KUNIT_ASSERT_EQ_MSG(test, err, 0, "round %u op %u", round, j);
	}
}

static void pt_tree_create(struct kunit *test, struct pt_ctx *c, int t)
{
	KUNIT_ASSERT_EQ(test, holt_store_tree_create(c->s, pt_tree_names[t]),
			0);
	c->o.tree[t] = true;
}

static void pt_tree_drop(struct kunit *test, struct pt_ctx *c, int t)
{
	KUNIT_ASSERT_EQ(test, holt_store_tree_drop(c->s, pt_tree_names[t]),
			0);
	c->o.tree[t] = false;
	memset(c->o.val[t], 0, sizeof(c->o.val[t]));
}

/*
 * Keys of tree @t that differ from @o (a missing tree: all of them), the
 * first in @first; a wrong key count counts as one more.
 */
static u32 pt_diff(struct pt_ctx *c, const struct pt_oracle *o, int t,
		   u32 *first)
{
	struct holt_store_tree *st;
	u8 key[16], val[PT_VMAX];
	u32 i, bad = 0, n = 0;
	u64 count = 0;

	*first = 0;
	st = holt_store_tree_find(c->s, pt_tree_names[t]);
	if (!st || !o->tree[t])
		return !st == !o->tree[t] ? 0 : PT_KEYS;
	for (i = 0; i < PT_KEYS; i++) {
		u32 kl = pt_key(key, i), g = o->val[t][i], vl;
		struct holt_ref r;
		int err;

		err = holt_store_get_key(st, key, kl, &r);
		if (!g) {
			if (err != -ENOENT && !bad++)
				*first = i;
			continue;
		}
		n++;
		vl = pt_val(val, o->src[t][i], g);
		if ((err || r.vlen != vl || memcmp(r.val, val, vl)) && !bad++)
			*first = i;
	}
	if (holt_store_count(st, (const u8 *)"", 0, 0, &count) ||
	    count != n)
		bad++;
	return bad;
}

/* The store holds exactly what the oracle says. */
static void pt_verify(struct kunit *test, struct pt_ctx *c)
{
	u32 bad, first;
	int t;

	KUNIT_ASSERT_NOT_NULL(test, c->s);
	holt_store_read_lock(c->s);
	for (t = 0; t < PT_TREES; t++) {
		bad = pt_diff(c, &c->o, t, &first);
		KUNIT_EXPECT_EQ_MSG(test, bad, 0,
				    "tree %s: %u keys (or the count) differ from the oracle, the first k%u/%04u (expected generation %u)",
				    pt_tree_names[t], bad, first % 8, first,
				    c->o.val[t][first]);
	}
	holt_store_read_unlock(c->s);
}

static int pt_init(struct kunit *test)
{
	struct pt_ctx *c;
	const char *msg = NULL;
	int err;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	test->priv = c;
	c->budget = holt_store_limits.data_budget;
	holt_store_limits.data_budget = PT_BUDGET;
	/* the power cuts land on known writes: no background rebuilds */
	c->reclaim_ms = holt_reclaim_delay_ms;
	holt_reclaim_delay_ms = 0;
	c->d = holt_fdev_create(PT_DEV, PT_DEV_SIZE, 0x5eed);
	if (!c->d)
		return -ENOMEM;
	err = holt_persist_format(PT_DEV, PT_WAL_MB, &msg);
	if (err) {
		kunit_err(test, "format: %d (%s)\n", err, msg ?: "");
		return err;
	}
	c->o.tree[0] = true;
	return 0;
}

static void pt_exit(struct kunit *test)
{
	struct pt_ctx *c = test->priv;

	if (!c)
		return;
	pt_detach(c);
	holt_fdev_destroy(c->d);
	vfree(c->img);
	holt_store_limits.data_budget = c->budget;
	holt_reclaim_delay_ms = c->reclaim_ms;
}

/*
 * The common starting point of the cut loops: round 1 checkpointed, a
 * second tree and round 2 only in the log, then a cut.  Saved in @c->img
 * and @c->base.
 */
static void pt_build_base(struct kunit *test, struct pt_ctx *c)
{
	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_ops(test, c, 1, 300);
	KUNIT_ASSERT_EQ(test, holt_store_checkpoint(c->s), 0);
	pt_tree_create(test, c, 1);
	pt_ops(test, c, 2, 80);
	pt_crash(c, HOLT_FDEV_DROP);
	KUNIT_ASSERT_EQ(test, holt_fdev_save(c->d, &c->img), 0);
	c->base = c->o;
}

/* From the base: attach (replaying round 2), then round 3 in the log. */
static void pt_from_base(struct kunit *test, struct pt_ctx *c)
{
	holt_fdev_restore(c->d, c->img);
	c->o = c->base;
	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_ops(test, c, 3, 40);
}

/* (a) Acknowledged puts survive a cut that loses every unflushed write. */
static void pt_acked_survive_cut(struct kunit *test)
{
	struct pt_ctx *c = test->priv;

	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_ops(test, c, 1, 300);
	KUNIT_ASSERT_EQ(test, holt_store_checkpoint(c->s), 0);
	pt_tree_create(test, c, 1);
	pt_ops(test, c, 2, 120);
	pt_crash(c, HOLT_FDEV_DROP);
	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_verify(test, c);

	/* replayed state, then more changes, torn cache this time */
	pt_ops(test, c, 3, 120);
	KUNIT_ASSERT_EQ(test, holt_store_checkpoint(c->s), 0);
	pt_ops(test, c, 4, 50);
	pt_crash(c, HOLT_FDEV_TEAR);
	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_verify(test, c);

	/* a tree dropped and created again under the same name */
	pt_tree_drop(test, c, 1);
	pt_ops(test, c, 6, 30);
	pt_tree_create(test, c, 1);
	pt_ops(test, c, 7, 60);
	pt_crash(c, HOLT_FDEV_DROP);
	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_verify(test, c);

	/* a clean detach leaves nothing to replay and loses nothing */
	pt_ops(test, c, 5, 40);
	pt_detach(c);
	holt_fdev_power_cycle(c->d, HOLT_FDEV_DROP);
	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_verify(test, c);
}

/*
 * (b) A power cut after every I/O of a checkpoint: the attach that follows
 * gives exactly the acknowledged state, from the old superblock or the new
 * one, never a mix.
 */
static void pt_ckpt_cut_every_io(struct kunit *test)
{
	struct pt_ctx *c = test->priv;
	struct pt_oracle want;
	u64 gen0, n, k, gen;
	int how;

	pt_build_base(test, c);
	pt_from_base(test, c);
	holt_fdev_arm(c->d, 0, 0, PT_NEVER);
	KUNIT_ASSERT_EQ(test, holt_store_checkpoint(c->s), 0);
	n = holt_fdev_ios(c->d);
	/* some frames, the frame map, the catalog, a flush, the superblock */
	KUNIT_ASSERT_GE(test, n, 6ull);
	kunit_info(test, "a checkpoint: %llu I/Os\n", n);
	want = c->o;
	pt_crash(c, HOLT_FDEV_DROP);

	/*
	 * Cached writes dropped after even cuts, torn after odd ones; both
	 * for the cut during the superblock write.
	 */
	for (k = 0; k <= n; k++) {
		for (how = k & 1; how <= (k + 1 == n ? 1 : (int)(k & 1)); how++) {
			pt_from_base(test, c);
			gen0 = pt_p(c)->sb.generation;
			holt_fdev_arm(c->d, 0, 0, k);
			KUNIT_EXPECT_EQ_MSG(test, holt_store_checkpoint(c->s),
					    k >= n ? 0 : -EIO, "cut after %llu",
					    k);
			pt_crash(c, how);
			KUNIT_ASSERT_EQ_MSG(test, pt_attach(c), 0,
					    "cut after %llu of %llu I/Os (%s)",
					    k, n, how ? "torn" : "dropped");
			/* the attach itself commits one generation */
			gen = pt_p(c)->sb.generation - 1;
			if (k + 1 == n && how == HOLT_FDEV_TEAR)
				KUNIT_EXPECT_TRUE(test, gen == gen0 ||
						  gen == gen0 + 1);
			else
				KUNIT_EXPECT_EQ_MSG(test, gen,
						    gen0 + (k >= n),
						    "cut after %llu", k);
			KUNIT_EXPECT_TRUE(test, pt_oracle_eq(&c->o, &want));
			pt_verify(test, c);
			pt_detach(c);
		}
	}
}

/*
 * (c) A failed frame write, chain write, flush or superblock write during
 * a checkpoint: the checkpoint reports -EIO, the committed superblock
 * stays, the store stays readable, and a later attach gives the
 * acknowledged state.  A failed superblock write stops all writes; a
 * failed log write fails its put and every later one.
 */
static void pt_ckpt_io_error(struct kunit *test)
{
	struct pt_ctx *c = test->priv;
	u32 nlog, w = 0, i, step;
	u64 gen0;

	pt_build_base(test, c);
	pt_from_base(test, c);
	holt_fdev_log_start(c->d);
	KUNIT_ASSERT_EQ(test, holt_store_checkpoint(c->s), 0);
	nlog = holt_fdev_log_stop(c->d);
	for (i = 0; i < nlog; i++)
		w += !(c->d->log[i].flags & HOLT_FDEV_IO_FLUSH);
	KUNIT_ASSERT_GE(test, w, 4u);
	pt_crash(c, HOLT_FDEV_DROP);

	/* steps: write 1 (a frame), write w - 1 (a chain), flush, write w */
	for (step = 0; step < 4; step++) {
		u64 fw = step == 0 ? 1 : step == 1 ? w - 1 : step == 3 ? w : 0;
		bool super = step == 3;

		pt_from_base(test, c);
		gen0 = pt_p(c)->sb.generation;
		holt_fdev_arm(c->d, fw, step == 2 ? 1 : 0, PT_NEVER);
		KUNIT_EXPECT_EQ_MSG(test, holt_store_checkpoint(c->s), -EIO,
				    "step %u", step);
		KUNIT_EXPECT_EQ(test, pt_p(c)->sb.generation, gen0);
		KUNIT_EXPECT_EQ(test, pt_p(c)->dead, super);
		pt_verify(test, c);
		if (super) {
			KUNIT_EXPECT_EQ(test, pt_write(c, 0, PT_PUT, 7, 0, 99999),
					-EIO);
		} else {
			pt_ops(test, c, 4, 30);
			KUNIT_EXPECT_EQ(test, holt_store_checkpoint(c->s), 0);
			KUNIT_EXPECT_EQ(test, pt_p(c)->sb.generation, gen0 + 1);
			pt_ops(test, c, 5, 30);
		}
		pt_crash(c, HOLT_FDEV_TEAR);
		KUNIT_ASSERT_EQ_MSG(test, pt_attach(c), 0, "step %u", step);
		pt_verify(test, c);
		pt_detach(c);
	}

	/* a failed log write: that put and every later one fail */
	pt_from_base(test, c);
	holt_fdev_arm(c->d, 1, 0, PT_NEVER);
	KUNIT_EXPECT_EQ(test, pt_write(c, 0, PT_PUT, 3, 0, 77777), -EIO);
	KUNIT_EXPECT_EQ(test, pt_write(c, 0, PT_PUT, 4, 0, 77778), -EIO);
	pt_crash(c, HOLT_FDEV_TEAR);
	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_verify(test, c);
}

/* Slots and superblock slot referenced by the durable superblock. */
static void pt_committed(struct kunit *test, struct pt_ctx *c,
			 struct holt_super *sb, int *idx,
			 unsigned long *refs)
{
	const struct holt_super_extent *ext[2];
	struct holt_super_choice ch;
	u8 *buf;
	int x;

	buf = vmalloc(HOLT_SLOT_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, holt_fdev_read_durable(c->d, 0, buf,
						     2 * HOLT_SUPER_SIZE), 0);
	KUNIT_EXPECT_EQ(test, holt_super_select(buf, buf + HOLT_SUPER_SIZE,
						PT_DEV_SIZE, sb, &ch), 0);
	*idx = ch.picked;
	bitmap_zero(refs, PT_SLOTS);
	ext[0] = &sb->map;
	ext[1] = &sb->catalog;
	for (x = 0; x < 2 && *idx >= 0; x++) {
		struct holt_super_chain_walk w;
		const u8 *pl;
		u32 len, e;

		holt_super_chain_begin(&w, ext[x], x ? HOLT_META_CATALOG :
				       HOLT_META_MAP, sb->generation,
				       sb->slot_count);
		while (w.slot != HOLT_SLOT_NONE && w.slot < PT_SLOTS) {
			__set_bit(w.slot, refs);
			if (holt_fdev_read_durable(c->d,
						   holt_super_slot_byte(sb, w.slot),
						   buf, HOLT_SLOT_SIZE) ||
			    holt_super_chain_next(&w, buf, &pl, &len) != 1)
				break;
			for (e = 0; !x && e < len / HOLT_MAP_ENTRY_SIZE; e++) {
				struct holt_map_entry me;

				if (!holt_super_map_get(pl + e * HOLT_MAP_ENTRY_SIZE,
							sb->slot_count, &me) &&
				    me.slot < PT_SLOTS)
					__set_bit(me.slot, refs);
			}
		}
		KUNIT_EXPECT_EQ_MSG(test, w.slot, HOLT_SLOT_NONE,
				    "chain %d of generation %llu", x,
				    sb->generation);
	}
	vfree(buf);
}

/*
 * (d) A checkpoint writes no slot that the committed superblock
 * references, flushes after its last slot write, and only then writes the
 * other superblock slot, with FUA, as its last write.
 */
/*
 * A checkpoint, its writes recorded and checked as (d) says.  Should a
 * background checkpoint run in the same window all the same, the writes
 * up to the first superblock write are checked against the superblock
 * committed before, and the rest only counted.
 */
static void pt_checked_checkpoint(struct kunit *test, struct pt_ctx *c,
				  u32 round)
{
	DECLARE_BITMAP(refs, PT_SLOTS);
	struct holt_super sb, nsb;
	u32 nlog, i, end, flush_at, slot_writes, supers = 0, budget;
	int idx, nidx;

	/*
	 * No background checkpoint in the window: the frame cache starts
	 * none while its budget is 0, and what is queued runs now.
	 */
	budget = READ_ONCE(pt_p(c)->cache.budget);
	WRITE_ONCE(pt_p(c)->cache.budget, 0);
	flush_work(&pt_p(c)->cache.evict_work);
	flush_work(&pt_p(c)->ckpt_work);
	pt_committed(test, c, &sb, &idx, refs);
	KUNIT_ASSERT_GE(test, idx, 0);
	KUNIT_ASSERT_EQ(test, sb.slot_count, (u64)PT_SLOTS);
	KUNIT_EXPECT_GT(test, bitmap_weight(refs, PT_SLOTS), 2u);

	holt_fdev_log_start(c->d);
	KUNIT_ASSERT_EQ(test, holt_store_checkpoint(c->s), 0);
	nlog = holt_fdev_log_stop(c->d);
	KUNIT_ASSERT_GE(test, nlog, 3u);
	WRITE_ONCE(pt_p(c)->cache.budget, budget);

	/* the superblock writes end the checkpoints of the window */
	end = nlog;
	for (i = 0; i < nlog; i++) {
		const struct holt_fdev_io *io = &c->d->log[i];

		if (!(io->flags & HOLT_FDEV_IO_FLUSH) &&
		    io->off < HOLT_SUPER_RESERVED) {
			KUNIT_EXPECT_EQ(test, io->len, (u64)HOLT_SUPER_SIZE);
			KUNIT_EXPECT_TRUE(test, io->flags & HOLT_BDEV_FUA);
			if (!supers++)
				end = i;
		}
	}
	KUNIT_ASSERT_GE(test, supers, 1u);
	if (supers > 1)
		kunit_info(test, "round %u: %u checkpoints in the window\n",
			   round, supers);

	flush_at = end;
	slot_writes = 0;
	for (i = 0; i < end; i++) {
		const struct holt_fdev_io *io = &c->d->log[i];
		bool committed;
		u64 slot;

		if (io->flags & HOLT_FDEV_IO_FLUSH) {
			flush_at = i;
			continue;
		}
		slot_writes++;
		KUNIT_EXPECT_EQ_MSG(test, flush_at, end,
				    "round %u: write %u after the flush",
				    round, i);
		if (io->off < sb.slot_off) {
			KUNIT_FAIL(test, "round %u: write %u at %llu outside the slots",
				   round, i, io->off);
			continue;
		}
		slot = (io->off - sb.slot_off) >> HOLT_SLOT_SHIFT;
		KUNIT_EXPECT_LE(test, io->off + io->len,
				holt_super_slot_byte(&sb, slot) +
				HOLT_SLOT_SIZE);
		committed = slot < PT_SLOTS && test_bit(slot, refs);
		KUNIT_EXPECT_FALSE_MSG(test, committed,
				       "round %u: write %u overwrites committed slot %llu",
				       round, i, slot);
	}
	KUNIT_EXPECT_GT_MSG(test, slot_writes, 0u, "round %u", round);
	KUNIT_EXPECT_EQ_MSG(test, flush_at + 1, end,
			    "round %u: the flush comes right before the superblock",
			    round);
	KUNIT_EXPECT_EQ(test, c->d->log[end].off,
			holt_super_slot_offset(idx ^ 1));

	/* the medium holds the next generations, alternating slots */
	pt_committed(test, c, &nsb, &nidx, refs);
	KUNIT_EXPECT_EQ(test, nidx, idx ^ (supers & 1));
	KUNIT_EXPECT_EQ(test, nsb.generation, sb.generation + supers);
}

static void pt_ckpt_spares_committed(struct kunit *test)
{
	struct pt_ctx *c = test->priv;
	u32 round;

	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	for (round = 1; round <= 6; round++) {
		if (round == 3)
			pt_tree_create(test, c, 1);
		pt_ops(test, c, round, 40 + 30 * (round % 3));
		pt_checked_checkpoint(test, c, round);
	}
	pt_crash(c, HOLT_FDEV_TEAR);
	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_verify(test, c);
}

/*
 * (e) Replay after a cut, with records after the checkpoint, and a cut at
 * every I/O of the checkpoint the attach itself writes: the attach fails,
 * and the next one replays the same log again to the same state; the
 * store then logs and recovers new changes as usual.
 */
static void pt_replay_idempotent(struct kunit *test)
{
	struct pt_ctx *c = test->priv;
	u64 n, k;
	int how;

	pt_build_base(test, c);
	holt_fdev_restore(c->d, c->img);
	holt_fdev_arm(c->d, 0, 0, PT_NEVER);
	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	n = holt_fdev_ios(c->d);
	KUNIT_ASSERT_GE(test, n, 5ull);
	kunit_info(test, "an attach: %llu I/Os\n", n);
	pt_verify(test, c);
	pt_crash(c, HOLT_FDEV_DROP);

	for (k = 0; k < n; k++) {
		how = k & 1 ? HOLT_FDEV_TEAR : HOLT_FDEV_DROP;
		holt_fdev_restore(c->d, c->img);
		c->o = c->base;
		holt_fdev_arm(c->d, 0, 0, k);
		KUNIT_EXPECT_EQ_MSG(test, pt_attach(c), -EIO,
				    "attach cut after %llu of %llu I/Os", k, n);
		pt_detach(c);
		holt_fdev_power_cycle(c->d, how);
		KUNIT_ASSERT_EQ_MSG(test, pt_attach(c), 0,
				    "attach after a cut at I/O %llu", k);
		pt_verify(test, c);
		/* after the last, the next session's records and a cut */
		if (k + 1 == n) {
			pt_ops(test, c, 6, 20);
			pt_crash(c, how);
			KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
			pt_verify(test, c);
		}
		pt_detach(c);
	}
}

/*
 * (f) The log wraps several times: checkpoints start in the background
 * when it is half full and run under the writer when it is full, and the
 * space before each checkpoint is written again.  Every acknowledged
 * change survives the cuts in between.
 */
static void pt_log_wrap(struct kunit *test)
{
	struct pt_ctx *c = test->priv;
	u64 ckpts = 0;
	u32 round, part;

	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_tree_create(test, c, 1);
	for (round = 1; round <= 2; round++) {
		/*
		 * About 512 log bytes per sync put: 12,000 are 1.5 logs.  The
		 * pauses let the background checkpoint run (the suite's
		 * kernel does not preempt); in round 2 only full logs start
		 * checkpoints.
		 */
		for (part = 0; part < 6; part++) {
			pt_ops(test, c, 10 * round + part, 2000);
			if (round < 2)
				msleep(20);
		}
		/* 1.4 logs do not fit without one */
		KUNIT_EXPECT_GE(test, pt_p(c)->checkpoints, 2ull);
		ckpts += pt_p(c)->checkpoints - 1;
		pt_crash(c, round & 1 ? HOLT_FDEV_TEAR : HOLT_FDEV_DROP);
		KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
		pt_verify(test, c);
	}
	kunit_info(test, "%llu checkpoints while writing\n", ckpts);
}

/*
 * (g) The power fails during a stream of sync writes, at the Nth I/O: every
 * acknowledged change survives, and the one in flight (its log write
 * failed, dropped or torn) is either entirely there or not at all.
 */
static void pt_cut_during_writes(struct kunit *test)
{
	static const u64 cuts[] = { 1, 2, 5, 13, 101 };
	struct pt_ctx *c = test->priv;
	u32 r = 777, x, j, first;
	bool applied;
	int t, err;

	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_tree_create(test, c, 1);
	pt_ops(test, c, 1, 100);
	for (x = 0; x < ARRAY_SIZE(cuts); x++) {
		holt_fdev_arm(c->d, 0, 0, cuts[x]);
		for (j = 0, err = 0; j < 1000 && !err; j++) {
			r = pt_next(r);
			err = pt_op(c, r, 100000 * (x + 1) + j);
		}
		KUNIT_ASSERT_EQ_MSG(test, err, -EIO, "cut after %llu I/Os",
				    cuts[x]);
		pt_crash(c, x & 1 ? HOLT_FDEV_TEAR : HOLT_FDEV_DROP);
		KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
		/* the op in flight: did it land, entirely? */
		holt_store_read_lock(c->s);
		applied = true;
		for (t = 0; t < PT_TREES; t++)
			if (pt_diff(c, &c->next, t, &first))
				applied = false;
		holt_store_read_unlock(c->s);
		if (applied)
			c->o = c->next;
		pt_verify(test, c);
	}
}

/*
 * The longest prefix of writes the store holds: the largest m <= @n whose
 * oracle @after[m] matches every tree, or -1 when none does.
 */
static int pt_prefix_held(struct pt_ctx *c, const struct pt_oracle *after,
			  u32 n)
{
	u32 first;
	int m, t;

	holt_store_read_lock(c->s);
	for (m = n; m >= 0; m--) {
		bool same = true;

		for (t = 0; t < PT_TREES; t++)
			if (pt_diff(c, &after[m], t, &first))
				same = false;
		if (same)
			break;
	}
	holt_store_read_unlock(c->s);
	return m;
}

/*
 * (h) Async: what holt_store_sync() acknowledged survives; of the writes
 * after it, what survives is a prefix of their order, and it holds every
 * write older than the flush bound.
 */
static void pt_async_prefix(struct kunit *test)
{
	enum { N = 120, HALF = N / 2 };
	struct pt_ctx *c = test->priv;
	struct pt_oracle *after;	/* [j]: the oracle after j writes */
	u32 r = 4242, j;
	int m;

	after = kunit_kcalloc(test, N + 1, sizeof(*after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_ASSERT_EQ(test, pt_attach_mode(c, HOLT_DURABILITY_ASYNC), 0);
	pt_tree_create(test, c, 1);
	pt_ops(test, c, 1, 200);
	KUNIT_ASSERT_EQ(test, holt_store_sync(c->s), 0);
	after[0] = c->o;
	for (j = 0; j < N; j++) {
		if (j == HALF)
			msleep(3 * HOLT_ASYNC_FLUSH_MS);
		r = pt_next(r);
		KUNIT_ASSERT_EQ(test, pt_op(c, r, 5000 + j), 0);
		after[j + 1] = c->o;
	}
	pt_crash(c, HOLT_FDEV_DROP);
	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);

	/* the longest prefix of the writes after the sync that matches */
	m = pt_prefix_held(c, after, N);
	KUNIT_ASSERT_TRUE_MSG(test, m >= 0,
			      "the store is no prefix of the async writes");
	/* the flush work ran during the pause */
	KUNIT_EXPECT_GE(test, m, (int)HALF);
	kunit_info(test, "%d of %u async writes after the sync survived\n",
		   m, N);
	c->o = after[m];
	pt_verify(test, c);
}

/*
 * (h2) Async commits torn by the cut: many records staged, then the power
 * fails during the one multi-sector log write that commits them, and each
 * of its sectors lands or not.  The attach must succeed, and what survives
 * of the staged writes is a prefix of their order.
 */
static void pt_async_torn_commit(struct kunit *test)
{
	enum { N = 60 };
	struct pt_ctx *c = test->priv;
	struct pt_oracle *after;
	u32 r = 99, x, j, total = 0;
	int m;

	after = kunit_kcalloc(test, N + 1, sizeof(*after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_ASSERT_EQ(test, pt_attach_mode(c, HOLT_DURABILITY_ASYNC), 0);
	pt_tree_create(test, c, 1);
	for (x = 0; x < 6; x++) {
		pt_ops(test, c, 60 + x, 50);
		KUNIT_ASSERT_EQ(test, holt_store_sync(c->s), 0);
		after[0] = c->o;
		for (j = 0; j < N; j++) {
			r = pt_next(r);
			KUNIT_ASSERT_EQ(test, pt_op(c, r, 7000 + 100 * x + j),
					0);
			after[j + 1] = c->o;
		}
		/* the commit of all N is the I/O the power fails in */
		holt_fdev_arm(c->d, 0, 0, 0);
		KUNIT_EXPECT_EQ(test, holt_store_sync(c->s), -EIO);
		pt_crash(c, HOLT_FDEV_TEAR);
		KUNIT_ASSERT_EQ_MSG(test, pt_attach_mode(c,
							 HOLT_DURABILITY_ASYNC),
				    0, "attach after torn commit %u", x);
		m = pt_prefix_held(c, after, N);
		KUNIT_ASSERT_TRUE_MSG(test, m >= 0,
				      "torn commit %u: the store is no prefix of the staged writes",
				      x);
		total += m;
		c->o = after[m];
		pt_verify(test, c);
	}
	kunit_info(test, "%u of %u staged writes survived 6 torn commits\n",
		   total, 6 * N);
}

/*
 * (i) A format over an existing store, cut after each of its I/Os: the
 * device then attaches as the old store, intact, or as the new empty
 * store, or is refused with an error; never anything in between.
 */
static void pt_format_cut(struct kunit *test)
{
	struct pt_ctx *c = test->priv;
	struct pt_oracle empty = { .tree = { true } };
	u32 first;
	u64 n, k;
	bool old_ok, new_ok;
	const char *msg;
	int t, how, err;

	KUNIT_ASSERT_EQ(test, pt_attach(c), 0);
	pt_tree_create(test, c, 1);
	pt_ops(test, c, 1, 150);
	pt_detach(c);
	KUNIT_ASSERT_EQ(test, holt_fdev_save(c->d, &c->img), 0);
	holt_fdev_arm(c->d, 0, 0, PT_NEVER);
	KUNIT_ASSERT_EQ(test, holt_persist_format(PT_DEV, PT_WAL_MB, &msg), 0);
	n = holt_fdev_ios(c->d);
	KUNIT_ASSERT_GE(test, n, 3ull);

	for (k = 0; k <= n; k++) {
		for (how = HOLT_FDEV_DROP; how <= HOLT_FDEV_TEAR; how++) {
			holt_fdev_restore(c->d, c->img);
			holt_fdev_arm(c->d, 0, 0, k);
			err = holt_persist_format(PT_DEV, PT_WAL_MB, &msg);
			KUNIT_EXPECT_EQ(test, err, k >= n ? 0 : -EIO);
			holt_fdev_power_cycle(c->d, how);
			err = pt_attach(c);
			if (err) {
				KUNIT_EXPECT_LT(test, err, 0);
				KUNIT_EXPECT_LT_MSG(test, k, n,
						    "a complete format does not attach (%d)",
						    err);
				continue;
			}
			holt_store_read_lock(c->s);
			old_ok = new_ok = true;
			for (t = 0; t < PT_TREES; t++) {
				if (pt_diff(c, &c->o, t, &first))
					old_ok = false;
				if (pt_diff(c, &empty, t, &first))
					new_ok = false;
			}
			holt_store_read_unlock(c->s);
			KUNIT_EXPECT_TRUE_MSG(test, old_ok || new_ok,
					      "format cut after %llu of %llu I/Os (%s): neither the old store nor an empty one",
					      k, n, how ? "torn" : "dropped");
			if (k >= n)
				KUNIT_EXPECT_TRUE(test, new_ok);
			pt_detach(c);
		}
	}
}

/* Evict every clean frame of the store; returns how many went. */
static u32 pt_evict(struct pt_ctx *c)
{
	u32 n;

	holt_store_write_lock(c->s);
	n = holt_cache_evict(pt_p(c), 0, U32_MAX, false);
	holt_store_write_unlock(c->s);
	return n;
}

/*
 * (j) A frame cache budget below the store's size: frames evicted after a
 * checkpoint are read back through the device; a failed read fails only
 * the operations that need the frame, and the store stays usable; a
 * checkpoint never writes the slot of an evicted frame; cuts lose nothing
 * acknowledged.
 */
static void pt_cache_evicted(struct kunit *test)
{
	struct pt_ctx *c = test->priv;
	u8 key[16];
	u32 round, i, evicted, eio;
	struct holt_ref ref;
	int err;

	holt_store_limits.data_budget = 4096;	/* more frames; pt_exit resets */
	KUNIT_ASSERT_EQ(test, pt_attach_opts(c, HOLT_DURABILITY_SYNC, 2), 0);
	pt_tree_create(test, c, 1);
	for (round = 1; round <= 4; round++) {
		pt_ops(test, c, 30 + round, 150);
		KUNIT_ASSERT_EQ(test, holt_store_checkpoint(c->s), 0);
		evicted = pt_evict(c);
		KUNIT_EXPECT_GT(test, evicted, 0u);
		/* evicted frames stay referenced: not written over */
		pt_ops(test, c, 40 + round, 20);
		pt_checked_checkpoint(test, c, round);
		pt_evict(c);
		pt_verify(test, c);
	}
	KUNIT_EXPECT_GT(test, atomic64_read(&pt_p(c)->cache.loads), 0ll);

	/* a read error while loading a frame fails that read only */
	pt_evict(c);
	holt_fdev_fail_read(c->d, 1);
	eio = 0;
	holt_store_read_lock(c->s);
	for (i = 0; i < PT_KEYS; i++) {
		err = holt_store_get_key(holt_store_tree_find(c->s, "default"),
					 key, pt_key(key, i), &ref);
		if (err == -EIO)
			eio++;
		else if (err != -ENOENT)
			KUNIT_EXPECT_EQ(test, err, 0);
	}
	holt_store_read_unlock(c->s);
	KUNIT_EXPECT_GE(test, eio, 1u);
	pt_verify(test, c);
	pt_ops(test, c, 50, 60);

	/* cuts, attaching with the small budget again */
	pt_crash(c, HOLT_FDEV_TEAR);
	KUNIT_ASSERT_EQ(test, pt_attach_opts(c, HOLT_DURABILITY_SYNC, 2), 0);
	pt_verify(test, c);
	KUNIT_ASSERT_EQ(test, holt_store_checkpoint(c->s), 0);
	pt_evict(c);
	pt_ops(test, c, 51, 60);
	pt_crash(c, HOLT_FDEV_DROP);
	KUNIT_ASSERT_EQ(test, pt_attach_opts(c, HOLT_DURABILITY_SYNC, 2), 0);
	pt_verify(test, c);
}

static struct kunit_case pt_cases[] = {
	KUNIT_CASE(pt_acked_survive_cut),
	KUNIT_CASE(pt_ckpt_cut_every_io),
	KUNIT_CASE(pt_ckpt_io_error),
	KUNIT_CASE(pt_ckpt_spares_committed),
	KUNIT_CASE(pt_replay_idempotent),
	KUNIT_CASE(pt_log_wrap),
	KUNIT_CASE(pt_cut_during_writes),
	KUNIT_CASE(pt_async_prefix),
	KUNIT_CASE(pt_async_torn_commit),
	KUNIT_CASE(pt_format_cut),
	KUNIT_CASE(pt_cache_evicted),
	{}
};

static struct kunit_suite pt_suite = {
	.name = "holt_persist",
	.init = pt_init,
	.exit = pt_exit,
	.test_cases = pt_cases,
};
kunit_test_suite(pt_suite);

MODULE_LICENSE("GPL");
