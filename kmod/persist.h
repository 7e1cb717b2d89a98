/* SPDX-License-Identifier: GPL-2.0 */
/*
 * persist.h - the state of a store kept on a block device, shared by the
 * files that implement it: persist.c (the store backend, format), journal.c
 * (the write-ahead log writer), checkpoint.c and recover.c (attach).
 *
 * Lock order: the store's rw_semaphore, then &holt_persist.ckpt_lock, then
 * &holt_journal.lock or &holt_persist.map_lock (never both).  Documentation/durability.rst and ondisk.rst describe
 * what is written when.
 */
#ifndef HOLT_PERSIST_H
#define HOLT_PERSIST_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "bdev.h"
#include "cache.h"
#include "store.h"
#include "core/super.h"
#include "core/wal.h"
#include "core/tree_cache.h"

/* An async store's log reaches the device at most this long after a reply. */
#define HOLT_ASYNC_FLUSH_MS	50
/* Versions reserved by one SEQ record. */
#define HOLT_SEQ_STEP		65536ull
/* Staging buffer of the log writer: records waiting for their commit. */
#define HOLT_JOURNAL_STAGE	(4u << 20)
/* Default log size of holt format. */
#define HOLT_FORMAT_WAL_MB	16u

/**
 * struct holt_journal - the write-ahead log writer of one store
 * @lock: guards everything below but @cmutex
 * @cmutex: held by the one commit in flight
 * @wq: writers waiting for their records to be durable
 * @head: placement and space accounting in the log region
 * @stage: two staging buffers; appends go to @stage[@open]
 * @open: index of the open buffer
 * @open_off: log offset of the open buffer's first byte (sector aligned)
 * @open_len: bytes of the open buffer in use
 * @open_lsn: LSN after the last record of the open buffer
 * @durable_lsn: every record below this LSN is on stable storage
 * @err: a sticky error: once the log could not be written, no write passes
 * @async: replies do not wait; a delayed work commits within
 *	HOLT_ASYNC_FLUSH_MS
 * @flush_work: the async commit
 * @commits: commits written (statistics, tests of group commit)
 * @records: records appended (statistics)
 * @epoch: log epoch of this attach session
 * @store_id: holt_super_store_id() of the store
 */
struct holt_journal {
	struct mutex lock;
	struct mutex cmutex;
	wait_queue_head_t wq;
	struct holt_wal_head head;
	u8 *stage[2];
	int open;
	u64 open_off;
	u32 open_len;
	u64 open_lsn;
	u64 durable_lsn;
	int err;
	bool async;
	struct delayed_work flush_work;
	u64 commits;
	u64 records;
	u32 epoch;
	u32 store_id;
	struct holt_persist *p;
};

/**
 * struct holt_pframe - where a frame of a tree was last written
 * @slot: its slot, HOLT_SLOT_NONE when never written
 * @crc: the crc32c of the image written there
 * @generation: the checkpoint that wrote it
 * @gen: the engine's change count of the frame when it was copied for
 *	that write (holt_tree_frame_gen()): the frame is clean while equal
 */
struct holt_pframe {
	u64 slot;
	u32 crc;
	u64 generation;
	u64 gen;
};

/**
 * struct holt_ptree - the frames of one tree as the committed checkpoint
 * has them
 * @node: in &holt_persist.ptrees
 * @tree: the tree id
 * @cap: entries of @f (indexed by frame id)
 * @f: the frames
 * @seen: set while a checkpoint finds the tree still in the store
 * @p: the store's device state
 * @loader: reads the tree's evicted frames back (cache.c); the tree points
 *	at it, so a &struct holt_ptree lives as long as the store
 *
 * @cap and @f change only under the store's write lock (growth) or with
 * &holt_persist.map_lock held (a commit), and are read by loaders under
 * map_lock.
 */
struct holt_ptree {
	struct list_head node;
	u32 tree;
	u32 cap;
	struct holt_pframe *f;
	bool seen;
	struct holt_persist *p;
	struct holt_frame_loader loader;
};

/**
 * struct holt_persist - a store's device state
 * @s: the store
 * @bd: its device
 * @sb: the committed superblock (the newest durable one)
 * @sb_slot: slot index of @sb (the next superblock goes to the other)
 * @slot_used: bitmap of slots referenced by @sb or by the checkpoint in
 *	progress
 * @ptrees: &struct holt_ptree of the trees of @sb
 * @map_slots: slots of @sb's frame map chain
 * @cat_slots: slots of @sb's catalog chain
 * @nr_map_slots: entries of @map_slots
 * @nr_cat_slots: entries of @cat_slots
 * @ckpt_lock: one checkpoint at a time
 * @map_lock: guards the frame records (@ptrees' entries) and @sb against
 *	loaders while a checkpoint commits
 * @cache: the frame cache (budget, eviction)
 * @ckpt_work: background checkpoint when the log fills
 * @ckpt_queued: @ckpt_work is queued or running
 * @checkpoints: checkpoints committed (statistics)
 * @seq_reserved: versions up to this one are covered by a durable SEQ
 *	record or superblock
 * @rec: scratch for building one record (guarded by the store write lock)
 * @replaying: attach is replaying the log: changes are not logged
 * @live: the journal accepts records
 * @dead: a superblock write failed: nothing more is written
 */
struct holt_persist {
	struct holt_store *s;
	struct holt_bdev bd;
	struct holt_super sb;
	u32 sb_slot;
	unsigned long *slot_used;
	struct list_head ptrees;
	u64 *map_slots;
	u64 *cat_slots;
	u32 nr_map_slots;
	u32 nr_cat_slots;
	struct mutex ckpt_lock;
	struct mutex map_lock;
	struct holt_cache cache;
	struct work_struct ckpt_work;
	bool ckpt_queued;
	u64 checkpoints;
	u64 seq_reserved;
	u8 *rec;
	bool replaying;
	bool live;
	bool dead;
	struct holt_journal j;
};

/* persist.c */
extern const struct holt_store_backend holt_persist_backend;
int holt_persist_format(const char *path, u32 wal_mb, const char **msg);
int holt_persist_attach(struct holt_store *s,
			const struct holt_store_attach_args *args,
			const char **msg);

/* journal.c */
int holt_journal_init(struct holt_journal *j, struct holt_persist *p,
		      u64 tail_off, u64 off, u64 lsn, u32 epoch, bool async);
void holt_journal_uninit(struct holt_journal *j);
int holt_journal_room(struct holt_journal *j, u32 size);
int holt_journal_append(struct holt_journal *j, void *rec, u32 size,
			u64 *lsn);
u64 holt_journal_ticket(struct holt_journal *j);
int holt_journal_wait(struct holt_journal *j, u64 ticket);
int holt_journal_sync(struct holt_journal *j);
void holt_journal_position(struct holt_journal *j, u64 *off, u64 *lsn);
void holt_journal_release(struct holt_journal *j, u64 tail_off);
u64 holt_journal_free(struct holt_journal *j);

/* checkpoint.c */
int holt_ckpt_run(struct holt_persist *p, bool have_lock, u32 flags);
void holt_ckpt_kick(struct holt_persist *p);
void holt_ckpt_kick_now(struct holt_persist *p);
void holt_ckpt_work(struct work_struct *w);
struct holt_ptree *holt_ckpt_ptree(struct holt_persist *p, u32 tree,
				   u32 need);
void holt_ckpt_free_ptrees(struct holt_persist *p);
int holt_ckpt_write_super(struct holt_persist *p, struct holt_super *nsb);

/* recover.c */
int holt_recover(struct holt_persist *p, const char **msg);

#endif /* HOLT_PERSIST_H */
