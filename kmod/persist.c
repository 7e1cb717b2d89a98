// SPDX-License-Identifier: GPL-2.0
/*
 * persist.c - the block-device backend of a store: format, attach, the
 * logging of every mutation and the durability wait.
 *
 * DOC: Logging a mutation
 *
 * The store layer calls the backend twice per mutation, both times under
 * the store's write lock: prepare() before the engine applies it (is there
 * log space for its record?  If not, a checkpoint runs right there, so an
 * applied change can always be logged), and commit() after it applied,
 * which builds the record with the versions the engine drew and appends it
 * (journal.c).  Versions are reserved ahead by SEQ records, each covering
 * HOLT_SEQ_STEP versions and made durable before any version it covers is
 * handed out: a version never repeats after a crash, even in async mode.
 * After releasing the lock, a sync store waits for the record's commit;
 * an async store returns at once.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/random.h>
#include <linux/printk.h>

#include "persist.h"
#include "checkpoint.h"

static struct holt_persist *holt_persist_of(struct holt_store *s)
{
	return s->backend_priv;
}

static u32 holt_persist_op_size(u32 alen, u32 blen)
{
	return round_up(HOLT_WAL_OP_HDR_SIZE + alen + blen, HOLT_WAL_ALIGN);
}

static bool holt_persist_bop_logged(u8 op)
{
	return op != HOLT_BOP_ASSERT_VERSION && op != HOLT_BOP_ASSERT_EMPTY;
}

/* Size of the record of @c; 0 when it logs nothing. */
static u64 holt_persist_rec_size(const struct holt_store_change *c)
{
	u64 size = HOLT_WAL_HDR_SIZE;
	u32 i, n = 0;

	switch (c->kind) {
	case HOLT_CHANGE_PUT:
	case HOLT_CHANGE_RENAME:
		return size + holt_persist_op_size(c->alen, c->blen);
	case HOLT_CHANGE_DEL:
	case HOLT_CHANGE_TREE_CREATE:
		return size + holt_persist_op_size(c->alen, 0);
	case HOLT_CHANGE_TREE_DROP:
		return size + holt_persist_op_size(0, 0);
	case HOLT_CHANGE_BATCH:
		size += HOLT_WAL_BATCH_HDR_SIZE;
		for (i = 0; i < c->nr; i++) {
			const struct holt_batch_op *o = &c->ops[i];

			if (!holt_persist_bop_logged(o->op))
				continue;
			n++;
			size += holt_persist_op_size(o->klen,
						     o->op == HOLT_BOP_RENAME ||
						     o->op <= HOLT_BOP_PUT_IF_VERSION ?
						     o->vlen : 0);
		}
		return n ? size : 0;
	}
	return 0;
}

static int holt_persist_prepare(struct holt_store *s,
				const struct holt_store_change *c)
{
	struct holt_persist *p = holt_persist_of(s);
	u64 size;
	int err;

	if (p->replaying || !p->live)
		return 0;
	if (p->dead)
		return -EIO;
	size = holt_persist_rec_size(c);
	if (!size)
		return 0;
	if (size > HOLT_WAL_REC_MAX)
		return -E2BIG;
	err = holt_journal_room(&p->j, (u32)size);
	if (err != -ENOSPC)
		return err;
	/* the log is full: checkpoint now, under the lock we hold */
	err = holt_ckpt_run(p, true, 0);
	if (err)
		return err;
	return holt_journal_room(&p->j, (u32)size);
}

/* Build @c's record into @p->rec; returns its size, 0 for none, or -errno. */
static int holt_persist_build(struct holt_persist *p,
			      const struct holt_store_change *c)
{
	struct holt_wal_builder b;
	u64 v = c->version;
	u32 i, n = 0;

	switch (c->kind) {
	case HOLT_CHANGE_PUT:
		holt_wal_build_begin(&b, p->rec, HOLT_WAL_REC_MAX,
				     HOLT_WAL_PUT);
		holt_wal_build_put(&b, c->tree, c->a, c->alen, c->b, c->blen,
				   v);
		break;
	case HOLT_CHANGE_DEL:
		holt_wal_build_begin(&b, p->rec, HOLT_WAL_REC_MAX,
				     HOLT_WAL_DEL);
		holt_wal_build_del(&b, c->tree, c->a, c->alen, v);
		break;
	case HOLT_CHANGE_RENAME:
		holt_wal_build_begin(&b, p->rec, HOLT_WAL_REC_MAX,
				     HOLT_WAL_RENAME);
		holt_wal_build_rename(&b, c->tree, c->a, c->alen, c->b,
				      c->blen, true, v);
		break;
	case HOLT_CHANGE_TREE_CREATE:
		holt_wal_build_begin(&b, p->rec, HOLT_WAL_REC_MAX,
				     HOLT_WAL_TREE_CREATE);
		holt_wal_build_tree_create(&b, c->tree, c->a, c->alen, 0);
		break;
	case HOLT_CHANGE_TREE_DROP:
		holt_wal_build_begin(&b, p->rec, HOLT_WAL_REC_MAX,
				     HOLT_WAL_TREE_DROP);
		holt_wal_build_tree_drop(&b, c->tree, 0);
		break;
	case HOLT_CHANGE_BATCH:
		holt_wal_build_begin(&b, p->rec, HOLT_WAL_REC_MAX,
				     HOLT_WAL_BATCH);
		for (i = 0; i < c->nr; i++) {
			const struct holt_batch_op *o = &c->ops[i];

			switch (o->op) {
			case HOLT_BOP_PUT:
			case HOLT_BOP_PUT_IF_ABSENT:
			case HOLT_BOP_PUT_IF_VERSION:
				holt_wal_build_put(&b, c->tree, o->key,
						   o->klen, o->val, o->vlen,
						   v++);
				break;
			case HOLT_BOP_DEL:
			case HOLT_BOP_DEL_IF_VERSION:
				holt_wal_build_del(&b, c->tree, o->key,
						   o->klen, v++);
				break;
			case HOLT_BOP_RENAME:
				holt_wal_build_rename(&b, c->tree, o->key,
						      o->klen, o->val,
						      o->vlen, true, v);
				/* a rename draws two versions unless in place */
				v += o->klen == o->vlen &&
				     !memcmp(o->key, o->val, o->klen) ? 1 : 2;
				break;
			default:
				continue;
			}
			n++;
		}
		if (!n)
			return 0;
		WARN_ONCE(v - 1 != p->s->seq,
			  "holt: batch versions %llu..%llu but counter %llu\n",
			  c->version, v - 1, p->s->seq);
		break;
	default:
		return -EINVAL;
	}
	return holt_wal_build_end(&b);
}

/* Reserve versions up to past @v with a durable SEQ record. */
static int holt_persist_reserve_seq(struct holt_persist *p, u64 v)
{
	struct holt_wal_builder b;
	u64 lsn, high = v + HOLT_SEQ_STEP;
	int size, err;

	holt_wal_build_begin(&b, p->rec, HOLT_WAL_REC_MAX, HOLT_WAL_SEQ);
	holt_wal_build_seq(&b, high);
	size = holt_wal_build_end(&b);
	if (size < 0)
		return size;
	err = holt_journal_append(&p->j, p->rec, size, &lsn);
	if (!err)
		err = holt_journal_wait(&p->j, lsn + 1);
	if (!err)
		p->seq_reserved = high;
	return err;
}

static int holt_persist_commit(struct holt_store *s,
			       const struct holt_store_change *c)
{
	struct holt_persist *p = holt_persist_of(s);
	u64 lsn;
	int size, err;

	if (p->replaying || !p->live)
		return 0;
	if (s->seq > p->seq_reserved) {
		err = holt_persist_reserve_seq(p, s->seq);
		if (err)
			goto fail;
	}
	size = holt_persist_build(p, c);
	if (size <= 0) {
		err = size;
		if (!err)
			return 0;
		goto fail;
	}
	err = holt_journal_append(&p->j, p->rec, size, &lsn);
	if (err)
		goto fail;
	holt_ckpt_kick(p);
	return 0;
fail:
	/* applied but not logged: no later write may pass */
	pr_err_ratelimited("store %s: a change could not be logged (%d)\n",
			   s->name, err);
	mutex_lock(&p->j.lock);
	p->j.err = -EIO;
	mutex_unlock(&p->j.lock);
	return -EIO;
}

static u64 holt_persist_ticket(struct holt_store *s)
{
	struct holt_persist *p = holt_persist_of(s);

	if (!p->live || p->j.async)
		return 0;
	return holt_journal_ticket(&p->j);
}

static int holt_persist_wait(struct holt_store *s, u64 ticket)
{
	return holt_journal_wait(&holt_persist_of(s)->j, ticket);
}

static int holt_persist_sync(struct holt_store *s)
{
	return holt_journal_sync(&holt_persist_of(s)->j);
}

static int holt_persist_checkpoint(struct holt_store *s)
{
	return holt_ckpt_run(holt_persist_of(s), false, 0);
}

static int holt_persist_detach(struct holt_store *s)
{
	struct holt_persist *p = holt_persist_of(s);
	int err;

	holt_cache_stop(p);
	cancel_work_sync(&p->ckpt_work);
	err = holt_ckpt_run(p, false, HOLT_CKPT_CLEAN);
	if (err)
		pr_err("store %s: the checkpoint at detach failed (%d); the log keeps what it holds\n",
		       s->name, err);
	holt_journal_sync(&p->j);
	pr_info("store %s detached: %llu log records in %llu commits, %llu checkpoints\n",
		s->name, p->j.records, p->j.commits, p->checkpoints);
	p->live = false;
	holt_journal_uninit(&p->j);
	return err;
}

static void holt_persist_free(struct holt_persist *p)
{
	holt_cache_stop(p);
	cancel_work_sync(&p->ckpt_work);
	holt_journal_uninit(&p->j);
	holt_ckpt_free_ptrees(p);
	kfree(p->map_slots);
	kfree(p->cat_slots);
	bitmap_free(p->slot_used);
	vfree(p->rec);
	holt_bdev_close(&p->bd);
	kfree(p);
}

static void holt_persist_release(struct holt_store *s)
{
	struct holt_persist *p = holt_persist_of(s);

	if (p)
		holt_persist_free(p);
	s->backend_priv = NULL;
}

const struct holt_store_backend holt_persist_backend = {
	.name = "bdev",
	.checkpoint = holt_persist_checkpoint,
	.sync = holt_persist_sync,
	.prepare = holt_persist_prepare,
	.commit = holt_persist_commit,
	.ticket = holt_persist_ticket,
	.wait = holt_persist_wait,
	.detach = holt_persist_detach,
	.release = holt_persist_release,
};

static const char *holt_persist_open_msg(int err)
{
	switch (err) {
	case -ENOENT:
		return "no such device";
	case -ENOTBLK:
		return "not a block device";
	case -EBUSY:
		return "the device is in use (mounted, attached, or held by another holder)";
	case -EACCES:
	case -EROFS:
		return "the device cannot be opened for writing";
	default:
		return "cannot open the device";
	}
}

/**
 * holt_persist_format() - write an empty store onto a block device
 * @path: the device
 * @wal_mb: log size in MiB, 0 for HOLT_FORMAT_WAL_MB
 * @msg: receives a static message on failure
 *
 * Writes the tree catalog (the tree "default", id 1, no frames yet) to
 * slot 0, then the same superblock (generation 1) to slots B and A, each
 * with FUA.  The log is not cleared: records of an earlier store carry
 * another store identity and fail their checksum.
 *
 * Context: process context, may sleep.
 * Return: 0, the open's errno, -ENOSPC (device too small), -EINVAL (log
 * size), -EIO, -ENOMEM.
 */
int holt_persist_format(const char *path, u32 wal_mb, const char **msg)
{
	static const char fmt_holder[] = "holt-format";
	struct holt_super sb;
	struct holt_bdev bd = { 0 };
	struct holt_cat_entry ce = {
		.tree = 1, .root = 1,
		.name = (const u8 *)HOLT_STORE_DEFAULT_TREE,
		.nlen = sizeof(HOLT_STORE_DEFAULT_TREE) - 1,
	};
	u8 uuid[16];
	u8 *buf;
	int n, err;

	if (!wal_mb)
		wal_mb = HOLT_FORMAT_WAL_MB;
	err = holt_bdev_open(path, (void *)fmt_holder, &bd);
	if (err) {
		*msg = holt_persist_open_msg(err);
		return err;
	}
	do {
		get_random_bytes(uuid, sizeof(uuid));
	} while (!memchr_inv(uuid, 0, sizeof(uuid)));
	err = holt_super_layout(&sb, bd.size, (u64)wal_mb << 20, uuid);
	if (err) {
		*msg = err == -ENOSPC ?
		       "the device is too small for this log size (8 frame slots of 512 KiB are needed after the log)" :
		       "bad log size (--wal-mb: at least 4)";
		goto out_close;
	}
	buf = vzalloc(HOLT_SLOT_SIZE);
	err = -ENOMEM;
	if (!buf)
		goto out_close;
	/* the catalog stream: count, next tree id, the entry */
	holt_put_le32(1, buf + HOLT_META_HDR_SIZE);
	holt_put_le32(2, buf + HOLT_META_HDR_SIZE + 4);
	n = holt_super_cat_put(buf + HOLT_META_HDR_SIZE + HOLT_CAT_HDR_SIZE,
			       HOLT_META_PAYLOAD - HOLT_CAT_HDR_SIZE, &ce);
	err = n < 0 ? n : 0;
	if (!err) {
		n += HOLT_CAT_HDR_SIZE;
		sb.catalog.slot = 0;
		sb.catalog.bytes = n;
		sb.catalog.nr_slots = 1;
		sb.catalog.crc = holt_ondisk_crc(0, buf + HOLT_META_HDR_SIZE, n);
		err = holt_super_chain_seal(buf, HOLT_META_CATALOG, 0,
					    sb.generation, HOLT_SLOT_NONE, n);
	}
	if (!err)
		err = holt_bdev_write(&bd, holt_super_slot_byte(&sb, 0), buf,
				      HOLT_BLOCK_SIZE, 0);
	if (!err)
		err = holt_bdev_flush(&bd);
	memset(buf, 0, HOLT_SUPER_SIZE);
	if (!err) {
		sb.slot_index = 1;
		err = holt_super_encode(&sb, buf) ?:
		      holt_bdev_write(&bd, holt_super_slot_offset(1), buf,
				      HOLT_SUPER_SIZE, HOLT_BDEV_FUA);
	}
	if (!err) {
		sb.slot_index = 0;
		err = holt_super_encode(&sb, buf) ?:
		      holt_bdev_write(&bd, holt_super_slot_offset(0), buf,
				      HOLT_SUPER_SIZE, HOLT_BDEV_FUA);
	}
	vfree(buf);
	if (err) {
		*msg = "writing the new store failed (I/O error)";
		err = -EIO;
	} else {
		pr_info("formatted %s: log %u MiB, %llu frame slots\n", path,
			wal_mb, sb.slot_count);
	}
out_close:
	holt_bdev_close(&bd);
	return err;
}

/**
 * holt_persist_attach() - open a store kept on a block device
 * @s: the new store (not visible yet); its backend becomes
 *	&holt_persist_backend and its trees are loaded
 * @args: device path and durability
 * @msg: receives a static message when the device is refused
 *
 * Recovery (recover.c) reads and checks everything before it writes
 * anything: a device that is not a holt store, of another format version
 * or damaged is left untouched.
 *
 * Context: process context, may sleep.
 * Return: 0, or a negative errno with @msg set.
 */
int holt_persist_attach(struct holt_store *s,
			const struct holt_store_attach_args *args,
			const char **msg)
{
	struct holt_persist *p;
	int err;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		*msg = "out of memory";
		return -ENOMEM;
	}
	p->s = s;
	INIT_LIST_HEAD(&p->ptrees);
	mutex_init(&p->ckpt_lock);
	mutex_init(&p->map_lock);
	holt_cache_setup(p, args->cache_mb);
	INIT_WORK(&p->ckpt_work, holt_ckpt_work);
	INIT_DELAYED_WORK(&p->j.flush_work, NULL);
	p->j.async = args->durability == HOLT_DURABILITY_ASYNC;
	p->rec = vmalloc(HOLT_WAL_REC_MAX);
	if (!p->rec) {
		kfree(p);
		*msg = "out of memory";
		return -ENOMEM;
	}
	err = holt_bdev_open(args->device, s, &p->bd);
	if (err) {
		*msg = holt_persist_open_msg(err);
		vfree(p->rec);
		kfree(p);
		return err;
	}
	s->backend = &holt_persist_backend;
	s->backend_priv = p;
	err = holt_recover(p, msg);
	if (err) {
		/* the store frees the trees; release() frees @p */
		return err;
	}
	holt_cache_start(p);
	return 0;
}
