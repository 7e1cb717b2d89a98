// SPDX-License-Identifier: GPL-2.0
/*
 * checkpoint.c - writing a consistent image of a store's trees to free
 * slots and committing it with a superblock.
 *
 * DOC: Checkpoint
 *
 * Under the store's write lock (the cut) every frame of every tree that
 * changed since it was last written is copied and sealed: the engine
 * counts the changes of each frame (holt_tree_frame_gen()), and a frame
 * whose count equals the one recorded with its committed image is clean
 * and keeps that image (evicted frames are always clean: cache.c).  The
 * cut also notes the log position L (the next record), the version
 * reservation and the catalog.  Writers go on once
 * the lock is released: the log between L and the head stays untouched
 * until the new superblock is durable.
 *
 * Then, outside the lock: every dirty frame goes to a free slot (one that
 * neither the committed superblock nor this checkpoint references), then
 * the frame map and catalog chains, then a FLUSH, then the superblock
 * (generation + 1, checkpoint position L) to the other superblock slot
 * with FUA.  Only after that do the slots the old superblock referenced
 * and the new one does not become free, and the log before L reusable.
 * A failure before the superblock write leaves the committed state as it
 * was (the slots it had taken are free again); a failed superblock write
 * stops every later write to the device (&holt_persist.dead).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/bitmap.h>
#include <linux/printk.h>
#include <linux/user_namespace.h>

#include "checkpoint.h"
#include "core/tree_load.h"
#include "core/frame.h"

struct ck_frame {
	u32 tree;
	u32 id;
	u8 *img;		/* sealed copy when dirty, else NULL */
	struct holt_pframe pf;
};

struct ck_cut {
	struct ck_frame *fr;
	u32 nr, cap;
	u8 *cat;		/* catalog stream */
	u32 cat_len;
	u64 lsn, off, seq_high;
};

/**
 * holt_ckpt_ptree() - the frame records of a tree, created or grown
 * @p: device state
 * @tree: tree id
 * @need: at least this many entries, 0 to look up only
 *
 * Context: process context; to grow or create, the caller holds the
 * store's write lock or owns @p (attach).
 * Return: the records, or NULL (not found, or out of memory).
 */
struct holt_ptree *holt_ckpt_ptree(struct holt_persist *p, u32 tree,
				   u32 need)
{
	struct holt_ptree *pt;
	struct holt_pframe *nf;
	u32 i;

	list_for_each_entry(pt, &p->ptrees, node)
		if (pt->tree == tree)
			goto found;
	if (!need)
		return NULL;
	pt = kzalloc(sizeof(*pt), GFP_KERNEL);
	if (!pt)
		return NULL;
	pt->tree = tree;
	pt->p = p;
	pt->loader.read = holt_cache_read;
	pt->loader.damaged = holt_cache_damaged;
	pt->loader.ctx = pt;
	list_add_tail(&pt->node, &p->ptrees);
found:
	if (need <= pt->cap)
		return pt;
	nf = kvcalloc(need, sizeof(*nf), GFP_KERNEL);
	if (!nf)
		return NULL;
	if (pt->cap)
		memcpy(nf, pt->f, sizeof(*nf) * pt->cap);
	for (i = pt->cap; i < need; i++)
		nf[i].slot = HOLT_SLOT_NONE;
	kvfree(pt->f);
	pt->f = nf;
	pt->cap = need;
	return pt;
}

/**
 * holt_ckpt_free_ptrees() - forget every frame record
 * @p: device state
 *
 * Context: process context.
 */
void holt_ckpt_free_ptrees(struct holt_persist *p)
{
	struct holt_ptree *pt, *tmp;

	list_for_each_entry_safe(pt, tmp, &p->ptrees, node) {
		list_del(&pt->node);
		kvfree(pt->f);
		kfree(pt);
	}
}

static void ck_cut_free(struct ck_cut *c)
{
	u32 i;

	for (i = 0; i < c->nr; i++)
		vfree(c->fr[i].img);
	kvfree(c->fr);
	kvfree(c->cat);
}

static int ck_add(struct ck_cut *c, const struct ck_frame *f)
{
	if (c->nr == c->cap) {
		u32 cap = c->cap ? c->cap * 2 : 64;
		struct ck_frame *n = kvcalloc(cap, sizeof(*n), GFP_KERNEL);

		if (!n)
			return -ENOMEM;
		if (c->nr)
			memcpy(n, c->fr, sizeof(*n) * c->nr);
		kvfree(c->fr);
		c->fr = n;
		c->cap = cap;
	}
	c->fr[c->nr++] = *f;
	return 0;
}

/* The cut: the caller holds the store's write lock and @p->ckpt_lock. */
static int ck_take(struct holt_persist *p, struct ck_cut *c)
{
	struct holt_store *s = p->s;
	struct holt_store_tree *st;
	struct ck_frame f;
	u32 id, lim, cap, pos;
	int n, err;

	cap = HOLT_CAT_HDR_SIZE + s->nr_trees * (HOLT_CAT_ENTRY_HDR + 64);
	c->cat = kvzalloc(cap, GFP_KERNEL);
	if (!c->cat)
		return -ENOMEM;
	pos = HOLT_CAT_HDR_SIZE;
	list_for_each_entry(st, &s->trees, node) {
		struct holt_ptree *pt;
		struct holt_cat_entry ce = {
			.tree = (u32)st->id,
			.root = 1,
			.name = (const u8 *)st->name,
			.nlen = strlen(st->name),
		};

		n = holt_super_cat_put(c->cat + pos, cap - pos, &ce);
		if (n < 0)
			return n;
		pos += n;
		lim = holt_tree_id_limit(st->tree);
		/* the records the commit fills, allocated before any I/O */
		pt = holt_ckpt_ptree(p, (u32)st->id, lim);
		if (!pt)
			return -ENOMEM;
		holt_tree_set_loader(st->tree, &pt->loader);
		for (id = 1; id < lim; id++) {
			const struct holt_pframe *old = &pt->f[id];
			u64 gen = holt_tree_frame_gen(st->tree, id);

			if (!holt_tree_frame_in_use(st->tree, id))
				continue;
			memset(&f, 0, sizeof(f));
			f.tree = (u32)st->id;
			f.id = id;
			if (old->slot != HOLT_SLOT_NONE && old->gen == gen) {
				f.pf = *old;	/* clean: keeps its image */
				err = ck_add(c, &f);
				if (err)
					return err;
				continue;
			}
			if (WARN_ON_ONCE(!holt_tree_frame_peek(st->tree, id)))
				return -EUCLEAN;	/* out yet changed */
			f.img = vmalloc(HOLT_FRAME_SIZE);
			if (!f.img)
				return -ENOMEM;
			err = holt_tree_frame_copy_id(st->tree, id, f.img);
			if (err) {
				vfree(f.img);
				return err;
			}
			f.pf.slot = HOLT_SLOT_NONE;
			f.pf.crc = holt_get_le32(f.img + HDR_CSUM);
			f.pf.gen = gen;
			err = ck_add(c, &f);
			if (err) {
				vfree(f.img);
				return err;
			}
		}
	}
	holt_put_le32(s->nr_trees, c->cat);
	holt_put_le32((u32)s->next_tree_id + 1, c->cat + 4);
	c->cat_len = pos;
	holt_journal_position(&p->j, &c->off, &c->lsn);
	c->seq_high = max(p->seq_reserved, s->seq);
	return 0;
}

/* A free slot, marked used; HOLT_SLOT_NONE when the device is full. */
static u64 ck_alloc_slot(struct holt_persist *p)
{
	unsigned long n = find_first_zero_bit(p->slot_used,
					      p->sb.slot_count);

	if (n >= p->sb.slot_count)
		return HOLT_SLOT_NONE;
	__set_bit(n, p->slot_used);
	return n;
}

/* Write a metadata stream as a chain of new slots; fills @ext. */
static int ck_write_chain(struct holt_persist *p, u32 kind, u64 gen,
			  const u8 *stream, u32 len,
			  struct holt_super_extent *ext, u64 **slots, u32 *nr)
{
	u32 nslots = DIV_ROUND_UP(len, HOLT_META_PAYLOAD), i;
	u64 *sl;
	u8 *buf;
	int err = 0;

	memset(ext, 0, sizeof(*ext));
	ext->slot = HOLT_SLOT_NONE;
	*slots = NULL;
	*nr = 0;
	if (!len)
		return 0;
	sl = kcalloc(nslots, sizeof(*sl), GFP_KERNEL);
	buf = vzalloc(HOLT_SLOT_SIZE);
	if (!sl || !buf) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nslots; i++) {
		sl[i] = ck_alloc_slot(p);
		if (sl[i] == HOLT_SLOT_NONE) {
			err = -ENOSPC;
			goto out;
		}
	}
	for (i = 0; i < nslots; i++) {
		u32 n = min_t(u32, len - i * HOLT_META_PAYLOAD,
			      HOLT_META_PAYLOAD);

		memset(buf, 0, HOLT_SLOT_SIZE);
		memcpy(buf + HOLT_META_HDR_SIZE,
		       stream + (size_t)i * HOLT_META_PAYLOAD, n);
		err = holt_super_chain_seal(buf, kind, i, gen,
					    i + 1 < nslots ? sl[i + 1] :
					    HOLT_SLOT_NONE, n);
		if (!err)
			err = holt_bdev_write(&p->bd,
					      holt_super_slot_byte(&p->sb, sl[i]),
					      buf, round_up(HOLT_META_HDR_SIZE + n,
							    HOLT_BLOCK_SIZE), 0);
		if (err)
			goto out;
	}
	ext->slot = sl[0];
	ext->bytes = len;
	ext->nr_slots = nslots;
	ext->crc = holt_ondisk_crc(0, stream, len);
	*slots = sl;
	*nr = nslots;
	sl = NULL;
out:
	if (sl) {
		for (i = 0; i < nslots; i++)
			if (sl[i] != HOLT_SLOT_NONE && sl[i] < p->sb.slot_count)
				__clear_bit(sl[i], p->slot_used);
		kfree(sl);
	}
	vfree(buf);
	return err;
}

/**
 * holt_ckpt_write_super() - write a superblock to the slot after the
 * committed one, with FUA, and make it the committed one
 * @p: device state
 * @nsb: the superblock; its slot_index and generation are set here
 *
 * Context: process context, may sleep; @p->ckpt_lock held (or attach).
 * Return: 0, or -EIO after which @p is dead (nothing more is written).
 */
int holt_ckpt_write_super(struct holt_persist *p, struct holt_super *nsb)
{
	u32 idx = p->sb_slot ^ 1;
	void *buf;
	int err;

	nsb->slot_index = idx;
	nsb->generation = p->sb.generation + 1;
	buf = kzalloc(HOLT_SUPER_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = holt_super_encode(nsb, buf);
	if (err) {
		pr_err("store %s: refusing to write an invalid superblock (%d)\n",
		       p->s->name, err);
		kfree(buf);
		return -EIO;
	}
	err = holt_bdev_write(&p->bd, holt_super_slot_offset(idx), buf,
			      HOLT_SUPER_SIZE, HOLT_BDEV_FUA);
	kfree(buf);
	if (err) {
		pr_err("store %s: superblock write failed: the store accepts no more writes\n",
		       p->s->name);
		p->dead = true;
		return -EIO;
	}
	mutex_lock(&p->map_lock);
	p->sb = *nsb;
	mutex_unlock(&p->map_lock);
	p->sb_slot = idx;
	return 0;
}

/* Frames, chains, FLUSH, superblock: the caller holds @p->ckpt_lock. */
static int ck_write(struct holt_persist *p, struct ck_cut *c, u32 flags)
{
	struct holt_super nsb = p->sb;
	u64 gen = p->sb.generation + 1, *mslots = NULL, *cslots = NULL;
	u32 nm = 0, nc = 0, i;
	u8 *map = NULL;
	struct holt_ptree *pt;
	int err = 0;

	for (i = 0; i < c->nr; i++) {
		struct ck_frame *f = &c->fr[i];

		if (!f->img)
			continue;
		f->pf.slot = ck_alloc_slot(p);
		if (f->pf.slot == HOLT_SLOT_NONE) {
			pr_warn_ratelimited("store %s: no free slot for a checkpoint\n",
					    p->s->name);
			err = -ENOSPC;
			goto undo;
		}
		f->pf.generation = gen;
		err = holt_bdev_write(&p->bd,
				      holt_super_slot_byte(&p->sb, f->pf.slot),
				      f->img, HOLT_FRAME_SIZE, 0);
		if (err)
			goto undo;
	}
	map = kvzalloc((size_t)c->nr * HOLT_MAP_ENTRY_SIZE + 1, GFP_KERNEL);
	if (!map) {
		err = -ENOMEM;
		goto undo;
	}
	for (i = 0; i < c->nr; i++) {
		struct holt_map_entry e = {
			.frame_id = c->fr[i].id,
			.slot = c->fr[i].pf.slot,
			.tree = c->fr[i].tree,
			.frame_crc = c->fr[i].pf.crc,
			.generation = c->fr[i].pf.generation,
		};

		holt_super_map_put(map + (size_t)i * HOLT_MAP_ENTRY_SIZE, &e);
	}
	err = ck_write_chain(p, HOLT_META_MAP, gen, map,
			     c->nr * HOLT_MAP_ENTRY_SIZE, &nsb.map, &mslots,
			     &nm);
	if (err)
		goto undo;
	err = ck_write_chain(p, HOLT_META_CATALOG, gen, c->cat, c->cat_len,
			     &nsb.catalog, &cslots, &nc);
	if (err)
		goto undo;
	err = holt_bdev_flush(&p->bd);
	if (err)
		goto undo;

	nsb.ckpt_lsn = c->lsn;
	nsb.ckpt_wal_off = c->off;
	nsb.seq_high = c->seq_high;
	nsb.log_epoch = p->j.epoch;
	nsb.flags = flags & HOLT_CKPT_CLEAN ? HOLT_SUPER_F_CLEAN : 0;
	err = holt_ckpt_write_super(p, &nsb);
	if (err)
		goto out;

	/* committed: the new references replace the old ones */
	bitmap_zero(p->slot_used, p->sb.slot_count);
	mutex_lock(&p->map_lock);
	list_for_each_entry(pt, &p->ptrees, node)
		memset(pt->f, 0xff, sizeof(*pt->f) * pt->cap);
	for (i = 0; i < c->nr; i++) {
		struct ck_frame *f = &c->fr[i];

		__set_bit(f->pf.slot, p->slot_used);
		/* the cut made every record: this allocates nothing */
		pt = holt_ckpt_ptree(p, f->tree, 0);
		if (!WARN_ON_ONCE(!pt || f->id >= pt->cap))
			pt->f[f->id] = f->pf;
	}
	mutex_unlock(&p->map_lock);
	for (i = 0; i < nm; i++)
		__set_bit(mslots[i], p->slot_used);
	for (i = 0; i < nc; i++)
		__set_bit(cslots[i], p->slot_used);
	kfree(p->map_slots);
	kfree(p->cat_slots);
	p->map_slots = mslots;
	p->nr_map_slots = nm;
	p->cat_slots = cslots;
	p->nr_cat_slots = nc;
	mslots = cslots = NULL;
	holt_journal_release(&p->j, c->off);
	p->checkpoints++;
	goto out;

undo:
	for (i = 0; i < c->nr; i++)
		if (c->fr[i].img && c->fr[i].pf.slot != HOLT_SLOT_NONE)
			__clear_bit(c->fr[i].pf.slot, p->slot_used);
	for (i = 0; i < nm; i++)
		__clear_bit(mslots[i], p->slot_used);
	for (i = 0; i < nc; i++)
		__clear_bit(cslots[i], p->slot_used);
	if (err != -ENOSPC && err != -ENOMEM)
		err = -EIO;
out:
	kfree(mslots);
	kfree(cslots);
	kvfree(map);
	return err;
}

/*
 * The store's owner, group and mode as of the cut (the store's write lock
 * is held) go into the committed superblock's copy, and so into every
 * superblock written from now on; @p->ckpt_lock serialises @p->sb.
 */
static void ck_owner(struct holt_persist *p)
{
	p->sb.owner_uid = from_kuid(&init_user_ns, p->s->uid);
	p->sb.owner_gid = from_kgid(&init_user_ns, p->s->gid);
	p->sb.owner_mode = p->s->mode & 0777;
}

/**
 * holt_ckpt_run() - take a checkpoint now
 * @p: device state
 * @have_lock: the caller holds the store's write lock (and keeps it: the
 *	whole checkpoint then runs under it)
 * @flags: HOLT_CKPT_CLEAN
 *
 * Context: process context, may sleep.
 * Return: 0, -EIO (device), -ENOSPC (no free slots), -ENOMEM.
 */
int holt_ckpt_run(struct holt_persist *p, bool have_lock, u32 flags)
{
	struct ck_cut c = { 0 };
	int err;

	if (!have_lock)
		holt_store_write_lock(p->s);
	mutex_lock(&p->ckpt_lock);
	err = p->dead ? -EIO : 0;
	if (!err)
		err = ck_take(p, &c);
	if (!err)
		ck_owner(p);
	if (!have_lock)
		holt_store_write_unlock(p->s);
	if (!err)
		err = ck_write(p, &c, flags);
	mutex_unlock(&p->ckpt_lock);
	ck_cut_free(&c);
	if (err)
		pr_warn_ratelimited("store %s: checkpoint failed (%d)\n",
				    p->s->name, err);
	else if (READ_ONCE(p->cache.budget) && p->live &&
		 !READ_ONCE(p->cache.evict_queued)) {
		/* frames it wrote are clean now: evict what is over */
		WRITE_ONCE(p->cache.evict_queued, true);
		queue_work(system_unbound_wq, &p->cache.evict_work);
	}
	return err;
}

/**
 * holt_ckpt_work() - the background checkpoint
 * @w: &holt_persist.ckpt_work
 *
 * Context: workqueue.
 */
void holt_ckpt_work(struct work_struct *w)
{
	struct holt_persist *p = container_of(w, struct holt_persist,
					      ckpt_work);

	holt_ckpt_run(p, false, 0);
	WRITE_ONCE(p->ckpt_queued, false);
}

/**
 * holt_ckpt_kick() - start a background checkpoint when the log is more
 * than half full
 * @p: device state
 *
 * Context: process context.
 */
void holt_ckpt_kick(struct holt_persist *p)
{
	if (READ_ONCE(p->ckpt_queued) || !p->live)
		return;
	if (holt_journal_free(&p->j) > p->sb.wal_len / 2)
		return;
	WRITE_ONCE(p->ckpt_queued, true);
	queue_work(system_unbound_wq, &p->ckpt_work);
}

/**
 * holt_ckpt_kick_now() - start a background checkpoint whatever the log's
 * fill (the frame cache needs changed frames written to evict them)
 * @p: device state
 *
 * Context: process context.
 */
void holt_ckpt_kick_now(struct holt_persist *p)
{
	if (READ_ONCE(p->ckpt_queued) || !p->live)
		return;
	WRITE_ONCE(p->ckpt_queued, true);
	queue_work(system_unbound_wq, &p->ckpt_work);
}
