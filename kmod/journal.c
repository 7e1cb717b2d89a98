// SPDX-License-Identifier: GPL-2.0
/*
 * journal.c - the write-ahead log writer: placement, staging, group commit
 * and the async flush.
 *
 * DOC: Appends and commits
 *
 * A writer holding the store's write lock appends its record with
 * holt_journal_append(): the record gets the next LSN and its place in the
 * log region (holt_wal_head_reserve(), with a PAD before it when it would
 * straddle the region's end) and is copied, sealed, into the open staging
 * buffer, which mirrors the log bytes from a sector boundary on.  Nothing
 * is written yet.
 *
 * A commit closes the open buffer (a PAD to the next 512-byte boundary),
 * opens the other buffer for the appends that follow, and writes the
 * closed one with FUA, in one or two pieces (the region is circular).
 * One commit is in flight at a time (&holt_journal.cmutex).  In sync mode
 * a writer, after releasing the store lock, waits in holt_journal_wait()
 * until its ticket (the LSN after everything appended before it) is
 * durable; the first waiter to find no commit running becomes the leader
 * and commits everything appended so far, the others sleep and are woken
 * when it completes: writers that arrive during a commit share the next
 * one (group commit).  In async mode the append schedules a delayed work
 * that commits within HOLT_ASYNC_FLUSH_MS.
 *
 * Every record carries the durable mark of the moment it is staged
 * (&holt_journal.durable_lsn: everything below it was committed by earlier,
 * completed commits).  Since one commit is in flight at a time, the records
 * of a commit never claim each other durable: a crash that tears the last
 * commit leaves records that recovery takes for a torn tail, while a record
 * damaged after its commit completed is proved durable by any record staged
 * afterwards (holt_wal_judge()).
 *
 * A failed log write sets a sticky error: every later append and wait
 * fails with -EIO, so that no reply claims durability it does not have.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/vmalloc.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/printk.h>

#include "journal.h"

/* Index in the open buffer of log offset @off. */
static u64 holt_journal_pos(struct holt_journal *j, u64 off)
{
	u64 len = j->head.wal_len;

	return (off + len - j->open_off) % len;
}

static void holt_journal_flush_fn(struct work_struct *w)
{
	struct holt_journal *j = container_of(to_delayed_work(w),
					      struct holt_journal, flush_work);

	holt_journal_sync(j);
}

/**
 * holt_journal_init() - start the log writer of an attach session
 * @j: the journal
 * @p: its store's device state
 * @tail_off: the checkpoint position: the oldest byte replay needs
 * @off: where the next record goes (the recovered tail)
 * @lsn: its LSN
 * @epoch: the log epoch of this session (already in a durable superblock)
 * @async: async durability
 *
 * When @off is not on a sector boundary, the bytes of its sector before
 * it are read back, so that the first commit rewrites them unchanged.
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOMEM or -EIO.
 */
int holt_journal_init(struct holt_journal *j, struct holt_persist *p,
		      u64 tail_off, u64 off, u64 lsn, u32 epoch, bool async)
{
	int err;

	mutex_init(&j->lock);
	mutex_init(&j->cmutex);
	init_waitqueue_head(&j->wq);
	INIT_DELAYED_WORK(&j->flush_work, holt_journal_flush_fn);
	j->p = p;
	j->async = async;
	j->epoch = epoch;
	j->store_id = holt_super_store_id(p->sb.uuid);
	holt_wal_head_init(&j->head, p->sb.wal_len, tail_off, off, lsn);
	j->stage[0] = vzalloc(HOLT_JOURNAL_STAGE);
	j->stage[1] = vzalloc(HOLT_JOURNAL_STAGE);
	if (!j->stage[0] || !j->stage[1]) {
		err = -ENOMEM;
		goto err_free;
	}
	j->open = 0;
	j->open_off = round_down(off, HOLT_WAL_SECTOR);
	j->open_len = (u32)(off - j->open_off);
	if (j->open_len) {
		err = holt_bdev_read(&p->bd, p->sb.wal_off + j->open_off,
				     j->stage[0], HOLT_WAL_SECTOR);
		if (err)
			goto err_free;
	}
	j->open_lsn = lsn;
	j->durable_lsn = lsn;
	j->err = 0;
	return 0;

err_free:
	vfree(j->stage[0]);
	vfree(j->stage[1]);
	j->stage[0] = j->stage[1] = NULL;
	return err;
}

/**
 * holt_journal_uninit() - stop the log writer and free its buffers
 * @j: the journal (initialised)
 *
 * Records not yet committed are dropped: the caller commits or
 * checkpoints first.
 *
 * Context: process context, may sleep.
 */
void holt_journal_uninit(struct holt_journal *j)
{
	if (!j->stage[0])
		return;
	cancel_delayed_work_sync(&j->flush_work);
	vfree(j->stage[0]);
	vfree(j->stage[1]);
	j->stage[0] = j->stage[1] = NULL;
}

/* Commit everything appended so far; the caller holds @j->cmutex. */
static int holt_journal_commit(struct holt_journal *j)
{
	struct holt_persist *p = j->p;
	struct holt_wal_place pad;
	u64 off, end_lsn, wal_len = j->head.wal_len, first;
	u32 len, wlen, prefix;
	u8 *buf;
	int err;

	mutex_lock(&j->lock);
	if (j->err || j->open_lsn == j->durable_lsn) {
		err = j->err;
		mutex_unlock(&j->lock);
		return err;
	}
	if (!holt_wal_head_align(&j->head, &pad) && pad.size) {
		holt_wal_encode_pad(j->stage[j->open] +
				    holt_journal_pos(j, pad.off), pad.size,
				    pad.lsn, j->durable_lsn, j->epoch,
				    j->store_id);
		j->open_lsn = pad.lsn + 1;
	}
	/* the bytes up to the head; the head may have wrapped to 0 */
	len = (u32)(j->head.off ? holt_journal_pos(j, j->head.off) :
		    wal_len - j->open_off);
	if (len < j->open_len)
		len = j->open_len;
	wlen = round_up(len, HOLT_WAL_SECTOR);
	buf = j->stage[j->open];
	memset(buf + len, 0, wlen - len);
	off = j->open_off;
	end_lsn = j->open_lsn;
	/* open the other buffer at the head's sector */
	j->open ^= 1;
	j->open_off = round_down(j->head.off, HOLT_WAL_SECTOR);
	prefix = (u32)(j->head.off - j->open_off);
	if (prefix)
		memcpy(j->stage[j->open], buf + len - prefix, prefix);
	j->open_len = prefix;
	mutex_unlock(&j->lock);

	first = min_t(u64, wlen, wal_len - off);
	err = holt_bdev_write(&p->bd, p->sb.wal_off + off, buf, first,
			      HOLT_BDEV_FUA);
	if (!err && wlen > first)
		err = holt_bdev_write(&p->bd, p->sb.wal_off, buf + first,
				      wlen - first, HOLT_BDEV_FUA);

	mutex_lock(&j->lock);
	if (err) {
		pr_err_ratelimited("store %s: log write failed (%d): the store accepts no more writes\n",
				   p->s->name, err);
		j->err = -EIO;
	} else {
		j->durable_lsn = end_lsn;
		j->commits++;
	}
	mutex_unlock(&j->lock);
	wake_up_all(&j->wq);
	return err ? -EIO : 0;
}

/**
 * holt_journal_room() - can a record of @size bytes be appended now?
 * @j: the journal
 * @size: record size; room is also kept for a SEQ record and the PADs
 *
 * Context: process context; the caller holds the store's write lock.
 * Return: 0, -ENOSPC (a checkpoint must free log space first) or the
 * sticky -EIO.
 */
int holt_journal_room(struct holt_journal *j, u32 size)
{
	int err;

	mutex_lock(&j->lock);
	err = j->err;
	if (!err && holt_wal_head_room(&j->head) < 2ull * size + 256)
		err = -ENOSPC;
	mutex_unlock(&j->lock);
	return err;
}

/**
 * holt_journal_append() - place, seal and stage one record
 * @j: the journal
 * @rec: a record built by holt_wal_build_*() (not sealed yet)
 * @size: its size
 * @lsn: receives its LSN
 *
 * Context: process context, may sleep (commits when the staging buffer is
 * full); the caller holds the store's write lock.
 * Return: 0, -ENOSPC (no log space: checkpoint first), -EINVAL, or the
 * sticky -EIO.
 */
int holt_journal_append(struct holt_journal *j, void *rec, u32 size,
			u64 *lsn)
{
	struct holt_wal_place pad, place;
	u64 pos;
	u8 *buf;
	int err;

	for (;;) {
		mutex_lock(&j->lock);
		err = j->err;
		if (err)
			goto out_unlock;
		if ((u64)j->open_len + 2ull * size + 4 * HOLT_WAL_SECTOR <=
		    HOLT_JOURNAL_STAGE)
			break;
		mutex_unlock(&j->lock);
		/* the staging buffer is full: commit it now */
		mutex_lock(&j->cmutex);
		err = holt_journal_commit(j);
		mutex_unlock(&j->cmutex);
		wake_up_all(&j->wq);
		if (err)
			return err;
	}
	err = holt_wal_head_reserve(&j->head, size, &pad, &place);
	if (err)
		goto out_unlock;
	buf = j->stage[j->open];
	if (pad.size) {
		pos = holt_journal_pos(j, pad.off);
		if (pos > j->open_len)
			memset(buf + j->open_len, 0, pos - j->open_len);
		holt_wal_encode_pad(buf + pos, pad.size, pad.lsn,
				    j->durable_lsn, j->epoch, j->store_id);
		j->open_len = (u32)(pos + pad.size);
	}
	pos = holt_journal_pos(j, place.off);
	if (pos > j->open_len)
		memset(buf + j->open_len, 0, pos - j->open_len);
	memcpy(buf + pos, rec, size);
	/* the mark: what earlier commits made durable (see ondisk.rst) */
	holt_wal_seal(buf + pos, place.lsn, j->durable_lsn, j->epoch,
		      j->store_id);
	j->open_len = (u32)(pos + size);
	j->open_lsn = place.lsn + 1;
	j->records++;
	*lsn = place.lsn;
	if (j->async)
		schedule_delayed_work(&j->flush_work,
				      msecs_to_jiffies(HOLT_ASYNC_FLUSH_MS));
out_unlock:
	mutex_unlock(&j->lock);
	return err;
}

/**
 * holt_journal_ticket() - what a writer must wait for
 * @j: the journal
 *
 * Context: process context; the caller holds the store's write lock, so
 * that the ticket covers every record it appended.
 * Return: the LSN after the last record appended.
 */
u64 holt_journal_ticket(struct holt_journal *j)
{
	u64 t;

	mutex_lock(&j->lock);
	t = j->open_lsn;
	mutex_unlock(&j->lock);
	return t;
}

/**
 * holt_journal_wait() - wait until every record below @ticket is durable
 * @j: the journal
 * @ticket: from holt_journal_ticket()
 *
 * Leads a commit when none is running (group commit, see the DOC above).
 *
 * Context: process context, may sleep; no store lock held.
 * Return: 0 or -EIO.
 */
int holt_journal_wait(struct holt_journal *j, u64 ticket)
{
	for (;;) {
		if (READ_ONCE(j->durable_lsn) >= ticket)
			return 0;
		if (READ_ONCE(j->err))
			return -EIO;
		if (mutex_trylock(&j->cmutex)) {
			if (READ_ONCE(j->durable_lsn) < ticket)
				holt_journal_commit(j);
			mutex_unlock(&j->cmutex);
			/* waiters not covered by this commit: one leads next */
			wake_up_all(&j->wq);
			continue;
		}
		wait_event(j->wq, READ_ONCE(j->durable_lsn) >= ticket ||
			   READ_ONCE(j->err) || !mutex_is_locked(&j->cmutex));
	}
}

/**
 * holt_journal_sync() - make everything appended so far durable
 * @j: the journal
 *
 * Context: process context, may sleep; no store lock needed.
 * Return: 0 or -EIO.
 */
int holt_journal_sync(struct holt_journal *j)
{
	return holt_journal_wait(j, holt_journal_ticket(j));
}

/**
 * holt_journal_position() - where the next record will go
 * @j: the journal
 * @off: receives its offset in the log region
 * @lsn: receives its LSN
 *
 * Context: process context; under the store's write lock this is a
 * checkpoint's cut.
 */
void holt_journal_position(struct holt_journal *j, u64 *off, u64 *lsn)
{
	mutex_lock(&j->lock);
	*off = j->head.off;
	*lsn = j->head.lsn;
	mutex_unlock(&j->lock);
}

/**
 * holt_journal_release() - log space before @tail_off is no longer needed
 * @j: the journal
 * @tail_off: the position of a durable checkpoint
 *
 * Context: process context.
 */
void holt_journal_release(struct holt_journal *j, u64 tail_off)
{
	mutex_lock(&j->lock);
	holt_wal_head_release(&j->head, tail_off);
	mutex_unlock(&j->lock);
}

/**
 * holt_journal_free() - bytes of log that can still be placed
 * @j: the journal
 *
 * Context: process context.
 * Return: the room.
 */
u64 holt_journal_free(struct holt_journal *j)
{
	u64 room;

	mutex_lock(&j->lock);
	room = holt_wal_head_room(&j->head);
	mutex_unlock(&j->lock);
	return room;
}
