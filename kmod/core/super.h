/* SPDX-License-Identifier: GPL-2.0 */
/*
 * super.h - the device layout of a holt store and its two superblock slots.
 *
 * DOC: Device layout
 *
 *   0        4 KiB    8 KiB            wal_off          slot_off
 *   +--------+--------+-------//-------+-------//-------+--------+--------+--
 *   | super A| super B|   (reserved)   |   write-ahead  | slot 0 | slot 1 | ..
 *   |        |        |                |   log region   | 512 KiB| 512 KiB|
 *   +--------+--------+-------//-------+-------//-------+--------+--------+--
 *
 * Everything past the log is copy-on-write: a checkpoint writes frames, the
 * frame map and the tree catalog into slots that the committed superblock
 * does not reference, issues a FLUSH, and then writes the *other* superblock
 * slot with FUA.  The valid slot with the highest generation is the committed
 * state.  The full format is described in Documentation/ondisk.rst.
 *
 * Every field of a superblock read from a device is untrusted:
 * holt_super_decode() checks magic, format version, crc32c and then every
 * field against the others and against the size of the device, and says
 * why it refuses one (enum holt_super_reason).
 */
#ifndef HOLT_CORE_SUPER_H
#define HOLT_CORE_SUPER_H

#include "port.h"

/* "HOLTSUPR" read as a little-endian u64. */
#define HOLT_SUPER_MAGIC	0x52505553544c4f48ull
/* The on-disk format version this code reads and writes. */
#define HOLT_FORMAT_VERSION	2u

#define HOLT_SUPER_SIZE		4096u		/* one slot, one block */
#define HOLT_SUPER_NR		2u		/* slots A and B */
#define HOLT_BLOCK_SIZE		4096u
#define HOLT_SLOT_SHIFT		19
#define HOLT_SLOT_SIZE		(1u << HOLT_SLOT_SHIFT)	/* one frame: 512 KiB */

/* Where the layout puts things when formatting (decode accepts others). */
#define HOLT_SUPER_RESERVED	0x100000ull	/* first MiB: superblocks */
#define HOLT_WAL_MIN_BYTES	0x400000ull	/* 4 MiB */
#define HOLT_WAL_MAX_BYTES	(1ull << 40)
#define HOLT_SLOTS_MIN		8ull		/* smallest usable store */

/* A chain that does not exist (empty frame map or catalog). */
#define HOLT_SLOT_NONE		(~0ull)

/* Bytes at the head of each slot of a metadata chain (map, catalog). */
#define HOLT_META_HDR_SIZE	64u
#define HOLT_META_PAYLOAD	(HOLT_SLOT_SIZE - HOLT_META_HDR_SIZE)

/* Superblock flags. */
#define HOLT_SUPER_F_CLEAN	0x1u	/* written by detach: log fully applied */
#define HOLT_SUPER_F_ALL	0x1u

/**
 * struct holt_super_extent - a metadata chain in the slot area
 * @slot: the first slot of the chain, HOLT_SLOT_NONE when there is none
 * @bytes: length of the serialised stream the chain holds
 * @nr_slots: slots in the chain: DIV_ROUND_UP(@bytes, HOLT_META_PAYLOAD)
 * @crc: crc32c of the whole stream
 */
struct holt_super_extent {
	u64 slot;
	u64 bytes;
	u32 nr_slots;
	u32 crc;
};

/**
 * struct holt_super - one superblock, decoded (CPU byte order)
 * @generation: incremented by every superblock write; never 0
 * @uuid: identity of the store, chosen at format time
 * @slot_index: 0 for slot A, 1 for slot B; a superblock found in the
 *	other slot than the one it names is refused (misdirected write)
 * @flags: HOLT_SUPER_F_*
 * @block_size: HOLT_BLOCK_SIZE
 * @slot_size: HOLT_SLOT_SIZE
 * @dev_size: bytes of the device when it was formatted; the device may have
 *	grown since, never shrunk
 * @wal_off: byte offset of the log region
 * @wal_len: byte length of the log region
 * @slot_off: byte offset of slot 0
 * @slot_count: number of 512 KiB slots
 * @ckpt_lsn: LSN of the first log record the checkpoint does not contain:
 *	replay starts there
 * @ckpt_wal_off: offset of that record within the log region
 * @log_epoch: the epoch the next attach session writes records with, minus
 *	one: an attach bumps it before its first append
 * @seq_high: every version handed out so far is <= this; after a restart
 *	versions continue above max(@seq_high, versions met in the log)
 * @map: the frame map chain (frame identity to slot)
 * @catalog: the tree catalog chain (tree id, name, root frame)
 * @owner_uid: the store's owner, a uid of the initial user namespace
 *	(not 0xffffffff)
 * @owner_gid: its group, likewise
 * @owner_mode: its permission bits, 0..0777
 */
struct holt_super {
	u64 generation;
	u8 uuid[16];
	u32 slot_index;
	u32 flags;
	u32 block_size;
	u32 slot_size;
	u64 dev_size;
	u64 wal_off;
	u64 wal_len;
	u64 slot_off;
	u64 slot_count;
	u64 ckpt_lsn;
	u64 ckpt_wal_off;
	u32 log_epoch;
	u64 seq_high;
	struct holt_super_extent map;
	struct holt_super_extent catalog;
	u32 owner_uid;
	u32 owner_gid;
	u32 owner_mode;
};

/* Owner of a newly formatted store: root, 0600. */
#define HOLT_SUPER_OWNER_MODE	0600u
/* The invalid id (-1), refused as an owner. */
#define HOLT_SUPER_ID_INVALID	0xffffffffu

/* Why a superblock slot was refused. */
enum holt_super_reason {
	HOLT_SUPER_OK = 0,
	HOLT_SUPER_R_MAGIC,	/* no holt superblock here at all */
	HOLT_SUPER_R_CSUM,	/* checksum mismatch: torn or damaged */
	HOLT_SUPER_R_VERSION,	/* intact, but another format version */
	HOLT_SUPER_R_SLOT,	/* names the other slot: misdirected write */
	HOLT_SUPER_R_FIELD,	/* reserved bytes, flags, generation, uuid */
	HOLT_SUPER_R_GEOMETRY,	/* layout inconsistent or out of bounds */
	HOLT_SUPER_R_DEVICE,	/* device smaller than the store */
	HOLT_SUPER_R_CKPT,	/* checkpoint position outside the log */
	HOLT_SUPER_R_EXTENT,	/* frame map or catalog chain out of bounds */
	HOLT_SUPER_R_AMBIGUOUS,	/* two different superblocks, same generation */
	HOLT_SUPER_R_NR
};

/**
 * struct holt_super_choice - what holt_super_select() found
 * @picked: 0 (slot A), 1 (slot B), or -1 when none was usable
 * @reason: why each slot was refused (HOLT_SUPER_OK when it was valid)
 */
struct holt_super_choice {
	int picked;
	enum holt_super_reason reason[HOLT_SUPER_NR];
};

/*
 * The checksum of every on-disk structure: standard CRC-32C (Castagnoli,
 * initial value and final xor 0xffffffff), so "123456789" gives 0xe3069283.
 */
static inline u32 holt_ondisk_crc(u32 crc, const void *p, size_t len)
{
	return ~holt_crc32c(~crc, p, len);
}

u64 holt_super_slot_offset(u32 slot_index);
u32 holt_super_store_id(const u8 uuid[16]);
const char *holt_super_reason_str(enum holt_super_reason r);

int holt_super_layout(struct holt_super *sb, u64 dev_size, u64 wal_bytes,
		      const u8 uuid[16]);
int holt_super_check(const struct holt_super *sb, u64 dev_size,
		     enum holt_super_reason *why);
int holt_super_encode(const struct holt_super *sb, void *buf);
int holt_super_decode(const void *buf, u64 dev_size, u32 slot_index,
		      struct holt_super *sb, enum holt_super_reason *why);
int holt_super_select(const void *a, const void *b, u64 dev_size,
		      struct holt_super *sb, struct holt_super_choice *choice);

u64 holt_super_slot_byte(const struct holt_super *sb, u64 slot);

/*
 * DOC: Metadata chains
 *
 * The frame map and the tree catalog are byte streams written by a
 * checkpoint into chains of slots.  Each slot of a chain starts with a
 * HOLT_META_HDR_SIZE header (magic "HOLTMETA", version, crc, kind, index,
 * generation, next slot, payload bytes) followed by up to HOLT_META_PAYLOAD
 * bytes of the stream.  A &struct holt_super_extent in the superblock names
 * the first slot, the stream length, the slot count and the stream's crc.
 *
 * The frame map stream is an array of HOLT_MAP_ENTRY_SIZE entries (never
 * split across slots: HOLT_META_PAYLOAD is a multiple of it).  The catalog
 * stream is a le32 count and a le32 next tree id followed by variable-size
 * entries (holt_super_cat_put()/holt_super_cat_get()).
 */
#define HOLT_META_MAGIC		0x4154454d544c4f48ull	/* "HOLTMETA" */
#define HOLT_META_VERSION	1u
#define HOLT_META_MAP		1u
#define HOLT_META_CATALOG	2u

#define HOLT_MAP_ENTRY_SIZE	32u
#define HOLT_CAT_HDR_SIZE	8u
#define HOLT_CAT_ENTRY_HDR	32u
#define HOLT_CAT_NAME_MAX	63u

/**
 * struct holt_super_chain_walk - reading a chain slot by slot
 * @slot: the slot to read next, HOLT_SLOT_NONE when the walk is complete
 * @index: index that slot must carry
 * @bytes: stream bytes seen so far
 * @crc: running CRC-32C of the stream
 * @ext: the chain as the superblock describes it (copied)
 * @kind: HOLT_META_MAP or HOLT_META_CATALOG
 * @generation: the superblock generation every slot must carry
 * @slot_count: slots in the slot area
 */
struct holt_super_chain_walk {
	u64 slot;
	u32 index;
	u64 bytes;
	u32 crc;
	struct holt_super_extent ext;
	u32 kind;
	u64 generation;
	u64 slot_count;
};

/**
 * struct holt_map_entry - one frame of the frame map
 * @frame_id: the frame's id (as in its header)
 * @slot: the slot holding it
 * @tree: the tree it belongs to
 * @frame_crc: the checksum stored in the frame's header when it was written
 * @generation: the superblock generation of the checkpoint that wrote it
 */
struct holt_map_entry {
	u64 frame_id;
	u64 slot;
	u32 tree;
	u32 frame_crc;
	u64 generation;
};

/**
 * struct holt_cat_entry - one tree of the catalog
 * @tree: tree id
 * @flags: 0 (reserved)
 * @root: frame id of the tree's root frame
 * @created: version drawn by the tree's creation
 * @name: name bytes (no NUL inside), @nlen of them
 * @nlen: 1..HOLT_CAT_NAME_MAX
 */
struct holt_cat_entry {
	u32 tree;
	u16 flags;
	u64 root;
	u64 created;
	const u8 *name;
	u32 nlen;
};

int holt_super_chain_seal(void *slot, u32 kind, u32 index, u64 generation,
			  u64 next, u32 bytes);
void holt_super_chain_begin(struct holt_super_chain_walk *w,
			    const struct holt_super_extent *ext, u32 kind,
			    u64 generation, u64 slot_count);
int holt_super_chain_next(struct holt_super_chain_walk *w, const void *slot,
			  const u8 **payload, u32 *len);

void holt_super_map_put(void *p, const struct holt_map_entry *e);
int holt_super_map_get(const void *p, u64 slot_count,
		       struct holt_map_entry *e);
int holt_super_cat_put(void *buf, u32 cap, const struct holt_cat_entry *e);
int holt_super_cat_get(const void *buf, u32 avail, struct holt_cat_entry *e);

#endif /* HOLT_CORE_SUPER_H */
