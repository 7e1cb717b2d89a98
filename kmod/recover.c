// SPDX-License-Identifier: GPL-2.0
/*
 * recover.c - attaching a store kept on a block device.
 *
 * DOC: Recovery
 *
 * Everything is read and checked before anything is written:
 *
 * 1. Both superblock slots are read; holt_super_select() picks the newest
 *    valid one, or the device is refused (not a holt store, another format
 *    version, both damaged) untouched.
 * 2. The catalog and frame map chains are read slot by slot and checked
 *    (holt_super_chain_next()); every map entry must name a tree of the
 *    catalog and a slot inside the area that no other entry or chain uses.
 * 3. Every frame is read from its slot and must carry the id and checksum
 *    the map gives (holt_cache_read()); holt_tree_open_lazy() validates
 *    each frame and the links between them, keeps as many as the frame
 *    cache's budget allows and drops the others, to be read again when
 *    needed (cache.c).
 * 4. The log is scanned from the checkpoint position (holt_wal_scan()) and
 *    every record re-applied with the versions it carries; an op whose
 *    version is not above the key's is skipped (idempotency).  The rest of
 *    the log is probed (holt_wal_probe()): a later record proving that the
 *    record where the scan stopped had been durable refuses the store.
 * 5. The version counter is set above every version seen (superblock
 *    reservation, frames, log).
 * 6. Only then is anything written: a checkpoint with the next log epoch,
 *    after which appends start at the log's tail.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/bitmap.h>
#include <linux/printk.h>
#include <linux/user_namespace.h>

#include "recover.h"
#include "checkpoint.h"
#include "core/frame.h"
#include "core/tree_load.h"
#include "core/tree_cache.h"

struct rc_tree {
	u32 id;
	char name[HOLT_CAT_NAME_MAX + 1];
	u8 *present;		/* by frame id: the map names an image */
	u32 cap;
};

struct rc_ctx {
	struct holt_persist *p;
	struct rc_tree *trees;
	u32 nr_trees;
	u32 next_tree_id;
	/* log reads */
	u8 *win;
	u64 woff;
	u32 wlen;
	u64 skipped;
	u64 applied;
};

/* Read a metadata chain into one buffer; records its slots. */
static int rc_read_chain(struct holt_persist *p, const struct holt_super_extent *ext,
			 u32 kind, u8 **out, u64 **slots, u32 *nr)
{
	struct holt_super_chain_walk w;
	const u8 *pl;
	u8 *buf = NULL, *slot;
	u64 *sl = NULL;
	u32 len, n = 0;
	int ret;

	*out = NULL;
	*slots = NULL;
	*nr = 0;
	if (ext->slot == HOLT_SLOT_NONE)
		return 0;
	if (ext->bytes > HOLT_RECOVER_META_MAX)
		return -EUCLEAN;
	slot = vmalloc(HOLT_SLOT_SIZE);
	buf = vmalloc(ext->bytes + 1);
	sl = kcalloc(ext->nr_slots, sizeof(*sl), GFP_KERNEL);
	if (!slot || !buf || !sl) {
		ret = -ENOMEM;
		goto err;
	}
	holt_super_chain_begin(&w, ext, kind, p->sb.generation,
			       p->sb.slot_count);
	for (;;) {
		u64 at = w.slot;

		if (at == HOLT_SLOT_NONE)
			break;
		if (at >= p->sb.slot_count || n >= ext->nr_slots ||
		    test_bit(at, p->slot_used)) {
			ret = -EUCLEAN;
			goto err;
		}
		ret = holt_bdev_read(&p->bd, holt_super_slot_byte(&p->sb, at),
				     slot, HOLT_SLOT_SIZE);
		if (ret)
			goto err;
		ret = holt_super_chain_next(&w, slot, &pl, &len);
		if (ret < 0)
			goto err;
		if (!ret)
			break;
		memcpy(buf + w.bytes - len, pl, len);
		__set_bit(at, p->slot_used);
		sl[n++] = at;
	}
	if (w.bytes != ext->bytes) {
		ret = -EUCLEAN;
		goto err;
	}
	vfree(slot);
	*out = buf;
	*slots = sl;
	*nr = n;
	return 0;
err:
	vfree(slot);
	vfree(buf);
	kfree(sl);
	return ret;
}

static struct rc_tree *rc_tree_find(struct rc_ctx *rc, u32 id)
{
	u32 i;

	for (i = 0; i < rc->nr_trees; i++)
		if (rc->trees[i].id == id)
			return &rc->trees[i];
	return NULL;
}

static int rc_catalog(struct rc_ctx *rc, const u8 *cat, u32 len)
{
	struct holt_cat_entry e;
	u32 count, pos = HOLT_CAT_HDR_SIZE, i, j;
	int n;

	if (len < HOLT_CAT_HDR_SIZE)
		return -EUCLEAN;
	count = holt_get_le32(cat);
	rc->next_tree_id = holt_get_le32(cat + 4);
	if (count > len / HOLT_CAT_ENTRY_HDR || count > 65536)
		return -EUCLEAN;
	rc->trees = kcalloc(count + 1, sizeof(*rc->trees), GFP_KERNEL);
	if (!rc->trees)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		n = holt_super_cat_get(cat + pos, len - pos, &e);
		if (n < 0)
			return -EUCLEAN;
		pos += n;
		if (!e.tree || e.tree >= rc->next_tree_id || e.root != 1)
			return -EUCLEAN;
		for (j = 0; j < i; j++)
			if (rc->trees[j].id == e.tree ||
			    (strlen(rc->trees[j].name) == e.nlen &&
			     !memcmp(rc->trees[j].name, e.name, e.nlen)))
				return -EUCLEAN;
		rc->trees[i].id = e.tree;
		memcpy(rc->trees[i].name, e.name, e.nlen);
		rc->trees[i].name[e.nlen] = 0;
		if (!holt_store_name_valid(rc->trees[i].name))
			return -EUCLEAN;
	}
	if (pos != len)
		return -EUCLEAN;
	rc->nr_trees = count;
	return 0;
}

/* Record where every frame of the map is; the frames are read later. */
static int rc_frames(struct rc_ctx *rc, const u8 *map, u64 len,
		     const char **msg)
{
	struct holt_persist *p = rc->p;
	struct holt_map_entry e;
	struct holt_ptree *pt;
	struct rc_tree *t;
	u64 i;

	if (len % HOLT_MAP_ENTRY_SIZE)
		return -EUCLEAN;
	for (i = 0; i < len / HOLT_MAP_ENTRY_SIZE; i++) {
		*msg = "the frame map is damaged";
		if (holt_super_map_get(map + i * HOLT_MAP_ENTRY_SIZE,
				       p->sb.slot_count, &e))
			return -EUCLEAN;
		t = rc_tree_find(rc, e.tree);
		if (!t || !e.frame_id || e.frame_id >= HOLT_TREE_LOAD_MAX_ID ||
		    test_bit(e.slot, p->slot_used) ||
		    e.generation > p->sb.generation)
			return -EUCLEAN;
		__set_bit(e.slot, p->slot_used);
		if (e.frame_id >= t->cap) {
			u32 cap = max_t(u32, 16, t->cap);
			u8 *np;

			while (cap <= e.frame_id)
				cap *= 2;
			np = kvzalloc(cap, GFP_KERNEL);
			if (!np)
				return -ENOMEM;
			if (t->cap)
				memcpy(np, t->present, t->cap);
			kvfree(t->present);
			t->present = np;
			t->cap = cap;
		}
		if (t->present[e.frame_id])
			return -EUCLEAN;
		t->present[e.frame_id] = 1;
		pt = holt_ckpt_ptree(p, e.tree, (u32)e.frame_id + 1);
		if (!pt)
			return -ENOMEM;
		pt->f[e.frame_id].slot = e.slot;
		pt->f[e.frame_id].crc = e.frame_crc;
		pt->f[e.frame_id].generation = e.generation;
		pt->f[e.frame_id].gen = 0;	/* a new tree's count */
	}
	*msg = NULL;
	return 0;
}

/* Log reads through a window: the scan asks for unaligned ranges. */
static int rc_read(void *ctx, u64 off, void *buf, u32 len)
{
	struct rc_ctx *rc = ctx;
	struct holt_persist *p = rc->p;
	u64 start;
	u32 n;
	int err;

	if (off > p->sb.wal_len || len > p->sb.wal_len - off)
		return -EINVAL;
	if (off < rc->woff || off + len > rc->woff + rc->wlen) {
		start = round_down(off, HOLT_WAL_SECTOR);
		n = (u32)min_t(u64, HOLT_RECOVER_WINDOW, p->sb.wal_len - start);
		if (off + len > start + n)
			return -EINVAL;
		err = holt_bdev_read(&p->bd, p->sb.wal_off + start, rc->win, n);
		if (err)
			return err;
		rc->woff = start;
		rc->wlen = n;
	}
	memcpy(buf, rc->win + (off - rc->woff), len);
	return 0;
}

static struct holt_store_tree *rc_store_tree(struct holt_store *s, u32 id)
{
	struct holt_store_tree *st;

	list_for_each_entry(st, &s->trees, node)
		if (st->id == id)
			return st;
	return NULL;
}

static int rc_apply(struct rc_ctx *rc, const struct holt_wal_op *op)
{
	struct holt_store *s = rc->p->s;
	struct holt_store_tree *st = NULL;
	struct holt_ref r;
	char name[HOLT_CAT_NAME_MAX + 1];
	int err;

	if (op->kind == HOLT_WAL_SEQ)
		return 0;
	st = rc_store_tree(s, op->tree);
	switch (op->kind) {
	case HOLT_WAL_TREE_CREATE: {
		struct holt_tree_config cfg = {
			.seq = &s->seq,
			.data_budget = holt_store_limits.data_budget,
		};
		struct holt_tree *t;

		if (st) {
			rc->skipped++;
			return 0;
		}
		memcpy(name, op->a, op->alen);
		name[op->alen] = 0;
		if (!holt_store_name_valid(name))
			return -EUCLEAN;
		t = holt_tree_create(&cfg);
		if (!t)
			return -ENOMEM;
		err = holt_store_tree_adopt(s, name, op->tree, t);
		if (err)
			holt_tree_destroy(t);
		return err;
	}
	case HOLT_WAL_TREE_DROP:
		if (!st) {
			rc->skipped++;
			return 0;
		}
		return holt_store_tree_drop(s, st->name);
	}
	if (!st)
		return -EUCLEAN;
	switch (op->kind) {
	case HOLT_WAL_PUT:
		err = holt_tree_get(st->tree, op->a, op->alen, &r);
		if (!err && r.version >= op->version) {
			rc->skipped++;
			return 0;
		}
		s->seq = op->version - 1;
		return holt_tree_put(st->tree, op->a, op->alen, op->b,
				     op->blen, 0, 0, NULL);
	case HOLT_WAL_DEL:
		err = holt_tree_get(st->tree, op->a, op->alen, &r);
		if (err == -ENOENT || (!err && op->version &&
				       r.version > op->version)) {
			rc->skipped++;
			return 0;
		}
		if (err)
			return err;
		if (op->version)
			s->seq = op->version - 1;
		return holt_tree_delete(st->tree, op->a, op->alen, 0, 0);
	case HOLT_WAL_RENAME:
		err = holt_tree_get(st->tree, op->b, op->blen, &r);
		if (!err && r.version >= op->version) {
			rc->skipped++;
			return 0;
		}
		err = holt_tree_get(st->tree, op->a, op->alen, &r);
		if (err == -ENOENT) {
			rc->skipped++;
			return 0;
		}
		s->seq = op->version - 1;
		return holt_tree_rename(st->tree, op->a, op->alen, op->b,
					op->blen, true, NULL);
	}
	return -EUCLEAN;
}

static int rc_replay(void *ctx, const struct holt_wal_rec *rec)
{
	struct rc_ctx *rc = ctx;
	struct holt_wal_op op;
	u32 pos = 0;
	int ret;

	while ((ret = holt_wal_rec_op(rec, &pos, &op)) == 1) {
		u64 seq = rc->p->s->seq;

		ret = rc_apply(rc, &op);
		if (ret) {
			pr_err("replay of log record %llu failed (%d)\n",
			       rec->lsn, ret);
			return ret;
		}
		if (rc->p->s->seq < seq)
			rc->p->s->seq = seq;
		rc->applied++;
	}
	return ret;
}

/*
 * Past the log's tail: records of a torn last commit are normal; a record
 * proving that the record at the tail had been durable means damage in the
 * middle of the log, and the store is refused (holt_wal_judge()).
 */
static int rc_probe(struct holt_persist *p, const struct holt_wal_scan *sc,
		    struct rc_ctx *rc, const char **msg)
{
	struct holt_wal_probe pr;
	int err;

	err = holt_wal_probe(sc, rc_read, rc, &pr);
	if (err) {
		*msg = err == -EIO ? "reading the log failed (I/O error)" :
		       "probing the log past its tail failed";
		return err;
	}
	if (pr.verdict == HOLT_WAL_TAIL_TORN)
		pr_info("%s: log records of a torn commit past the tail (lsn %llu at %llu): not replayed\n",
			p->s->device, pr.lsn, pr.off);
	if (pr.verdict != HOLT_WAL_TAIL_DAMAGED)
		return 0;
	pr_warn_ratelimited("%s: refused: log record %llu at log offset %llu is damaged (%s), but record %llu at %llu shows it was durable (mark %llu): acknowledged writes would be lost\n",
			    p->s->device, sc->end_lsn, sc->end_off,
			    holt_wal_why_str(sc->why), pr.lsn, pr.off,
			    pr.durable);
	*msg = "the log is damaged: a record that must be replayed is unreadable (see the kernel log)";
	return -EUCLEAN;
}

static const char *rc_super_msg(int err, const struct holt_super_choice *ch)
{
	if (err == -EPROTONOSUPPORT)
		return "the device holds a holt store of another on-disk format version";
	if (ch->reason[0] == HOLT_SUPER_R_MAGIC &&
	    ch->reason[1] == HOLT_SUPER_R_MAGIC)
		return "not a holt store (no superblock; holt format writes one)";
	if (ch->reason[0] == HOLT_SUPER_R_DEVICE ||
	    ch->reason[1] == HOLT_SUPER_R_DEVICE)
		return "the device is smaller than the store it holds";
	return "both superblocks are damaged (the kernel log says why)";
}

/**
 * holt_recover() - load a store from its device and start its log
 * @p: device state, with the device open and @p->s new and private
 * @msg: receives a static message when the device is refused
 *
 * See the DOC comment above for the steps.  Nothing is written to the
 * device before the last step.
 *
 * Context: process context, may sleep.
 * Return: 0; -EMEDIUMTYPE (not a holt store), -EPROTONOSUPPORT (another
 * format version), -EUCLEAN (damaged), -EIO, -ENOMEM, -EINVAL (device).
 */
int holt_recover(struct holt_persist *p, const char **msg)
{
	struct holt_store *s = p->s;
	struct holt_super_choice ch;
	struct holt_wal_scan sc = { 0 };
	struct rc_ctx rc = { .p = p };
	u8 *sbuf, *cat = NULL, *map = NULL;
	u64 *cslots = NULL, *mslots = NULL;
	u32 i, ncs = 0, nms = 0;
	int err;

	if (p->bd.lbs > HOLT_WAL_SECTOR) {
		*msg = "the device's logical block size is above 512 bytes";
		return -EINVAL;
	}
	sbuf = kmalloc(2 * HOLT_SUPER_SIZE, GFP_KERNEL);
	if (!sbuf) {
		*msg = "out of memory";
		return -ENOMEM;
	}
	err = holt_bdev_read(&p->bd, 0, sbuf, 2 * HOLT_SUPER_SIZE);
	if (err) {
		kfree(sbuf);
		*msg = "reading the superblocks failed (I/O error)";
		return err;
	}
	err = holt_super_select(sbuf, sbuf + HOLT_SUPER_SIZE, p->bd.size,
				&p->sb, &ch);
	kfree(sbuf);
	if (err) {
		*msg = rc_super_msg(err, &ch);
		pr_warn("%s: refused: superblock A: %s; B: %s\n", s->device,
			holt_super_reason_str(ch.reason[0]),
			holt_super_reason_str(ch.reason[1]));
		if (err == -EUCLEAN && ch.reason[0] == HOLT_SUPER_R_MAGIC &&
		    ch.reason[1] == HOLT_SUPER_R_MAGIC)
			err = -EMEDIUMTYPE;
		return err;
	}
	p->sb_slot = ch.picked;
	/* the owner kept on the device (netlink applies explicit ones after) */
	s->uid = make_kuid(&init_user_ns, p->sb.owner_uid);
	s->gid = make_kgid(&init_user_ns, p->sb.owner_gid);
	s->mode = p->sb.owner_mode;
	if (!uid_valid(s->uid) || !gid_valid(s->gid)) {
		*msg = "the superblock names an invalid owner";
		return -EUCLEAN;
	}
	if (ch.reason[ch.picked ^ 1] != HOLT_SUPER_OK)
		pr_warn("%s: superblock %c refused (%s); using %c\n", s->device,
			'A' + (ch.picked ^ 1),
			holt_super_reason_str(ch.reason[ch.picked ^ 1]),
			'A' + ch.picked);

	err = -ENOMEM;
	*msg = "out of memory";
	p->slot_used = bitmap_zalloc(p->sb.slot_count, GFP_KERNEL);
	rc.win = vmalloc(HOLT_RECOVER_WINDOW);
	if (!p->slot_used || !rc.win)
		goto out;

	err = rc_read_chain(p, &p->sb.catalog, HOLT_META_CATALOG, &cat,
			    &cslots, &ncs);
	if (!err)
		err = rc_catalog(&rc, cat, (u32)p->sb.catalog.bytes);
	if (err) {
		*msg = err == -EIO ? "reading the tree catalog failed (I/O error)" :
		       "the tree catalog is damaged";
		goto out;
	}
	err = rc_read_chain(p, &p->sb.map, HOLT_META_MAP, &map, &mslots,
			    &nms);
	if (err) {
		*msg = err == -EIO ? "reading the frame map failed (I/O error)" :
		       "the frame map is damaged";
		goto out;
	}
	err = rc_frames(&rc, map, p->sb.map.bytes, msg);
	if (err)
		goto out;
	p->cat_slots = cslots;
	p->nr_cat_slots = ncs;
	p->map_slots = mslots;
	p->nr_map_slots = nms;
	cslots = mslots = NULL;

	for (i = 0; i < rc.nr_trees; i++) {
		struct holt_tree_config cfg = {
			.seq = &s->seq,
			.data_budget = holt_store_limits.data_budget,
		};
		u32 budget = p->cache.budget, keep = U32_MAX, have;
		struct holt_ptree *pt;
		struct holt_tree *t;

		pt = holt_ckpt_ptree(p, rc.trees[i].id, 1);
		err = -ENOMEM;
		*msg = "out of memory";
		if (!pt)
			goto out;
		if (budget) {
			have = holt_cache_resident(p);
			keep = budget > have ? budget - have : 0;
		}
		t = holt_tree_open_lazy(&cfg, rc.trees[i].present,
					rc.trees[i].cap, &pt->loader, keep,
					&err);
		if (!t) {
			pr_warn("%s: tree %s: its frames do not form a valid tree (%d)\n",
				s->device, rc.trees[i].name, err);
			*msg = err == -EIO ? "reading a frame failed (I/O error)" :
			       err == -ENOMEM ? "out of memory" :
			       "a tree's frames are damaged or inconsistent (see the kernel log)";
			goto out;
		}
		err = holt_store_tree_adopt(s, rc.trees[i].name, rc.trees[i].id,
					    t);
		if (err) {
			holt_tree_destroy(t);
			*msg = "the tree catalog is damaged";
			goto out;
		}
	}
	if (rc.next_tree_id)
		s->next_tree_id = max_t(u64, s->next_tree_id,
					rc.next_tree_id - 1);
	if (s->seq < p->sb.seq_high)
		s->seq = p->sb.seq_high;

	/* replay */
	sc.wal_len = p->sb.wal_len;
	sc.start_off = p->sb.ckpt_wal_off;
	sc.start_lsn = p->sb.ckpt_lsn;
	sc.epoch_max = p->sb.log_epoch;
	sc.store = holt_super_store_id(p->sb.uuid);
	p->replaying = true;
	err = holt_wal_scan(&sc, rc_read, &rc, rc_replay, &rc);
	p->replaying = false;
	if (err < 0) {
		*msg = err == -EIO ? "reading the log failed (I/O error)" :
		       "replaying the log failed (see the kernel log)";
		goto out;
	}
	if (sc.why == HOLT_WAL_W_GAP || sc.why == HOLT_WAL_W_FUTURE_EPOCH) {
		pr_warn("%s: log at offset %llu: %s\n", s->device, sc.end_off,
			holt_wal_why_str(sc.why));
		*msg = "the log does not match the superblock (damaged)";
		err = -EUCLEAN;
		goto out;
	}
	err = rc_probe(p, &sc, &rc, msg);
	if (err)
		goto out;
	if (s->seq < sc.max_version)
		s->seq = sc.max_version;
	p->seq_reserved = s->seq;
	pr_info("%s: attached %s: generation %llu, %u trees, replayed %llu records (%llu ops, %llu skipped), tail %s at lsn %llu\n",
		s->device, s->name, p->sb.generation, s->nr_trees, sc.records,
		rc.applied, rc.skipped, holt_wal_why_str(sc.why), sc.end_lsn);

	/* the first write: a checkpoint with the next epoch */
	err = holt_journal_init(&p->j, p, p->sb.ckpt_wal_off, sc.end_off,
				sc.end_lsn, p->sb.log_epoch + 1, p->j.async);
	if (err) {
		*msg = "cannot start the log";
		goto out;
	}
	p->live = true;
	err = holt_ckpt_run(p, false, 0);
	if (err) {
		p->live = false;
		*msg = "the checkpoint at attach failed";
		goto out;
	}
	*msg = NULL;
out:
	for (i = 0; i < rc.nr_trees; i++)
		kvfree(rc.trees[i].present);
	kfree(rc.trees);
	kfree(cslots);
	kfree(mslots);
	vfree(cat);
	vfree(map);
	vfree(rc.win);
	return err;
}
