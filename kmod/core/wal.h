/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wal.h - records of the write-ahead log: encoding, validation and the
 * scan that finds the valid records after a checkpoint and the log's tail.
 *
 * DOC: The log
 *
 * The log region (wal_off, wal_len in the superblock) is circular.  Records
 * are laid end to end, each at an 8-byte aligned offset; a record never
 * straddles the end of the region: when fewer than HOLT_WAL_HDR_SIZE bytes
 * are left the log continues at offset 0, and when a record does not fit in
 * what is left the writer first fills the rest with a PAD record.
 *
 * Every record carries its LSN; LSNs are consecutive (each record, PAD
 * included, takes the next one), so the record that follows LSN n is found
 * at a fixed place and must carry n + 1.  Every record also carries the
 * epoch of the attach session that wrote it (the superblock's log_epoch,
 * bumped by every attach before its first append): epochs never decrease
 * along the log.  The header checksum is seeded with the store identity
 * (holt_super_store_id()), so records of another store do not validate.
 *
 * A scan starts at the superblock's checkpoint position and stops at the
 * first record that is torn (checksum), stale (an LSN of a previous lap, or
 * an epoch lower than the record before it: the leftover of an earlier
 * session's torn tail), from the future (an epoch above the superblock's),
 * or malformed.  Whatever follows the stop is the tail: the next record is
 * written there.  See Documentation/ondisk.rst.
 *
 * Every record also carries the writer's durable mark: the LSN below which
 * every record was on stable storage when it was appended.  A valid record
 * of the session found past the tail whose mark lies above the tail proves
 * that the record at the tail had been durable, so the stop is damage, not
 * a torn tail (holt_wal_judge(), holt_wal_probe()); records of a torn last
 * commit never carry such a mark.
 *
 * Payloads are logical redo operations that record their *effect*, not the
 * request: a guarded put that succeeded is logged as a put with the version
 * it drew; guards and failed operations are not logged at all.
 */
#ifndef HOLT_CORE_WAL_H
#define HOLT_CORE_WAL_H

#include "port.h"
#include "super.h"

/* "HOLW" read as a little-endian u32. */
#define HOLT_WAL_MAGIC		0x574c4f48u
#define HOLT_WAL_VERSION	2u
#define HOLT_WAL_HDR_SIZE	40u
#define HOLT_WAL_ALIGN		8u
/* Suggested append granularity: commits end on a sector boundary. */
#define HOLT_WAL_SECTOR		512u
/* Largest record, header included; larger batches are refused (-E2BIG). */
#define HOLT_WAL_REC_MAX	(1u << 20)
#define HOLT_WAL_OP_HDR_SIZE	24u
#define HOLT_WAL_BATCH_HDR_SIZE	8u

/* Bounds of op fields (those of tree.h and uapi/linux/holt.h). */
#define HOLT_WAL_KEY_MAX	65534u
#define HOLT_WAL_VAL_MAX	65535u
#define HOLT_WAL_NAME_MAX	63u	/* tree name bytes, no NUL inside */

/* Op flags. */
#define HOLT_WAL_F_FORCE	0x1u	/* rename over an existing destination */

/* Record types, and the kinds of the ops records carry. */
enum holt_wal_type {
	HOLT_WAL_PAD = 1,	/* filler; payload ignored, takes an LSN */
	HOLT_WAL_PUT,		/* tree, key, value, version drawn */
	HOLT_WAL_DEL,		/* tree, key, version drawn (0: none) */
	HOLT_WAL_RENAME,	/* tree, source, destination, force, version */
	HOLT_WAL_BATCH,		/* PUT/DEL/RENAME ops applied atomically */
	HOLT_WAL_TREE_CREATE,	/* tree id, name, version */
	HOLT_WAL_TREE_DROP,	/* tree id, version */
	HOLT_WAL_SEQ,		/* versions up to this one may be handed out */
	__HOLT_WAL_TYPE_END
};

/* Why a record was refused, or why a scan stopped. */
enum holt_wal_why {
	HOLT_WAL_OK = 0,
	HOLT_WAL_W_SHORT,	/* fewer bytes than the record needs */
	HOLT_WAL_W_MAGIC,	/* no record here */
	HOLT_WAL_W_VERSION,	/* a record of another format version */
	HOLT_WAL_W_HCRC,	/* header checksum: torn, damaged, other store */
	HOLT_WAL_W_LEN,		/* length out of bounds */
	HOLT_WAL_W_TYPE,	/* unknown type or flags */
	HOLT_WAL_W_PCRC,	/* payload checksum: torn or damaged */
	HOLT_WAL_W_PAYLOAD,	/* payload structure */
	HOLT_WAL_W_STALE_LSN,	/* LSN below the expected one: previous lap */
	HOLT_WAL_W_GAP,		/* LSN above the expected one */
	HOLT_WAL_W_STALE_EPOCH,	/* epoch below the previous record's */
	HOLT_WAL_W_FUTURE_EPOCH, /* epoch above the superblock's */
	HOLT_WAL_W_FULL,	/* a whole region was scanned */
	HOLT_WAL_W_DURABLE,	/* durable mark above the record's own LSN */
	HOLT_WAL_W_NR
};

/**
 * struct holt_wal_rec - one validated record; pointers point into the
 * buffer it was decoded from
 * @type: enum holt_wal_type
 * @len: bytes of header and payload
 * @size: bytes the record occupies in the log: @len rounded up to 8
 * @lsn: log sequence number
 * @durable: every record with a lower LSN was durable when this one was
 *	appended (at most @lsn)
 * @epoch: epoch of the session that wrote it
 * @nr_ops: ops in the record (0 for PAD, 1 for all but BATCH)
 * @ops: the first op
 * @ops_len: bytes of all ops
 */
struct holt_wal_rec {
	u8 type;
	u32 len;
	u32 size;
	u64 lsn;
	u64 durable;
	u32 epoch;
	u32 nr_ops;
	const u8 *ops;
	u32 ops_len;
};

/**
 * struct holt_wal_op - one operation of a record
 * @kind: HOLT_WAL_PUT, _DEL, _RENAME, _TREE_CREATE, _TREE_DROP or _SEQ
 * @flags: HOLT_WAL_F_*
 * @tree: tree id (0 for SEQ)
 * @version: the version the operation drew (SEQ: the reserved high-water)
 * @a: key, rename source or tree name
 * @alen: bytes at @a
 * @b: value or rename destination
 * @blen: bytes at @b
 */
struct holt_wal_op {
	u8 kind;
	u8 flags;
	u32 tree;
	u64 version;
	const u8 *a;
	u32 alen;
	const u8 *b;
	u32 blen;
};

/**
 * struct holt_wal_builder - a record being built in a caller's buffer
 * @buf: the buffer
 * @cap: bytes of @buf that may be used
 * @len: bytes used so far (header included)
 * @nr: ops added
 * @type: the record's type
 * @err: the first error met; later calls do nothing
 */
struct holt_wal_builder {
	u8 *buf;
	u32 cap;
	u32 len;
	u32 nr;
	u8 type;
	int err;
};

/* Reads @len bytes at offset @off of the log region into @buf: 0 or -errno. */
typedef int (*holt_wal_read_fn)(void *ctx, u64 off, void *buf, u32 len);
/* Called per valid record (PAD excluded): 0 to go on, else stops the scan. */
typedef int (*holt_wal_rec_fn)(void *ctx, const struct holt_wal_rec *rec);

/**
 * struct holt_wal_scan - a walk of the log from a checkpoint position
 * @wal_len: bytes of the log region (in)
 * @start_off: offset of the first record to read (in)
 * @start_lsn: LSN that record must carry (in)
 * @epoch_max: the superblock's log_epoch: no valid record is newer (in)
 * @store: holt_super_store_id() of the store (in)
 * @end_off: where the scan stopped: the tail, where the next record goes
 * @end_lsn: the LSN the next record takes
 * @end_epoch: epoch of the last valid record, 0 if there was none
 * @records: valid records met, PAD included
 * @bytes: bytes those records occupy
 * @max_version: the highest version met in ops and SEQ records, 0 if none
 * @why: why the scan stopped (HOLT_WAL_OK when the callback stopped it)
 */
struct holt_wal_scan {
	u64 wal_len;
	u64 start_off;
	u64 start_lsn;
	u32 epoch_max;
	u32 store;

	u64 end_off;
	u64 end_lsn;
	u32 end_epoch;
	u64 records;
	u64 bytes;
	u64 max_version;
	enum holt_wal_why why;
};

/*
 * Bytes the writer keeps free between the head and the checkpoint position
 * beyond any record it places: room for the sector PAD that ends a commit
 * and for the bytes skipped at the end of the region, so that the head never
 * reaches the oldest record replay still needs.
 */
#define HOLT_WAL_RESERVE	(2 * HOLT_WAL_SECTOR)

/**
 * struct holt_wal_place - where one record goes
 * @off: offset in the log region
 * @lsn: the LSN it takes
 * @size: its size in bytes; 0 when there is no record to write
 */
struct holt_wal_place {
	u64 off;
	u64 lsn;
	u32 size;
};

/**
 * struct holt_wal_head - the writer's position in the circular log
 * @wal_len: bytes of the log region
 * @off: where the next record goes
 * @lsn: the LSN it takes
 * @tail_off: the durable checkpoint position: the oldest byte replay needs
 *
 * The bytes in use are the circular distance from @tail_off to @off; the
 * writer never lets them reach @wal_len.
 */
struct holt_wal_head {
	u64 wal_len;
	u64 off;
	u64 lsn;
	u64 tail_off;
};

/**
 * enum holt_wal_tail - what the log holds past the tail of a scan
 * @HOLT_WAL_TAIL_CLEAN: no record of the session past the tail
 * @HOLT_WAL_TAIL_TORN: records of the session past the tail, none of which
 *	proves the record at the tail durable: a commit torn by a crash (its
 *	sectors reach the media in any order); a normal stop
 * @HOLT_WAL_TAIL_DAMAGED: a record past the tail proves that the record at
 *	the tail had been durable: it was damaged after it was written, and
 *	the records replay needs are lost; the store must be refused
 */
enum holt_wal_tail {
	HOLT_WAL_TAIL_CLEAN = 0,
	HOLT_WAL_TAIL_TORN,
	HOLT_WAL_TAIL_DAMAGED,
};

/**
 * struct holt_wal_probe - what holt_wal_probe() found past the tail
 * @verdict: enum holt_wal_tail
 * @lsn: for TORN the first record found, for DAMAGED the proving record
 * @off: its offset in the log region
 * @durable: its durable mark
 */
struct holt_wal_probe {
	enum holt_wal_tail verdict;
	u64 lsn;
	u64 off;
	u64 durable;
};

const char *holt_wal_why_str(enum holt_wal_why why);
const char *holt_wal_tail_str(enum holt_wal_tail t);

void holt_wal_head_init(struct holt_wal_head *h, u64 wal_len, u64 tail_off,
			u64 off, u64 lsn);
u64 holt_wal_head_used(const struct holt_wal_head *h);
u64 holt_wal_head_room(const struct holt_wal_head *h);
int holt_wal_head_reserve(struct holt_wal_head *h, u32 size,
			  struct holt_wal_place *pad,
			  struct holt_wal_place *rec);
int holt_wal_head_align(struct holt_wal_head *h, struct holt_wal_place *pad);
void holt_wal_head_release(struct holt_wal_head *h, u64 tail_off);

void holt_wal_build_begin(struct holt_wal_builder *b, void *buf, u32 cap,
			  enum holt_wal_type type);
int holt_wal_build_put(struct holt_wal_builder *b, u32 tree, const u8 *key,
		       u32 klen, const u8 *val, u32 vlen, u64 version);
int holt_wal_build_del(struct holt_wal_builder *b, u32 tree, const u8 *key,
		       u32 klen, u64 version);
int holt_wal_build_rename(struct holt_wal_builder *b, u32 tree,
			  const u8 *src, u32 slen, const u8 *dst, u32 dlen,
			  bool force, u64 version);
int holt_wal_build_tree_create(struct holt_wal_builder *b, u32 tree,
			       const u8 *name, u32 nlen, u64 version);
int holt_wal_build_tree_drop(struct holt_wal_builder *b, u32 tree,
			     u64 version);
int holt_wal_build_seq(struct holt_wal_builder *b, u64 high);
int holt_wal_build_end(struct holt_wal_builder *b);
void holt_wal_seal(void *rec, u64 lsn, u64 durable, u32 epoch, u32 store);
int holt_wal_encode_pad(void *buf, u32 size, u64 lsn, u64 durable,
			u32 epoch, u32 store);

int holt_wal_decode(const void *buf, size_t avail, u32 store,
		    struct holt_wal_rec *rec, enum holt_wal_why *why);
int holt_wal_rec_op(const struct holt_wal_rec *rec, u32 *pos,
		    struct holt_wal_op *op);

u64 holt_wal_next_off(u64 wal_len, u64 off, u32 size);
u32 holt_wal_fit(u64 wal_len, u64 off, u32 size);
u32 holt_wal_sector_pad(u64 wal_len, u64 off);

int holt_wal_scan(struct holt_wal_scan *s, holt_wal_read_fn read,
		  void *rctx, holt_wal_rec_fn fn, void *fctx);
int holt_wal_scan_image(struct holt_wal_scan *s, const void *image,
			holt_wal_rec_fn fn, void *fctx);
enum holt_wal_tail holt_wal_judge(u64 tail_lsn, u32 epoch,
				  const struct holt_wal_rec *rec);
int holt_wal_probe(const struct holt_wal_scan *s, holt_wal_read_fn read,
		   void *rctx, struct holt_wal_probe *res);

#endif /* HOLT_CORE_WAL_H */
