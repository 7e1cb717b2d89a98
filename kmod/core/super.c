// SPDX-License-Identifier: GPL-2.0
/*
 * super.c - encoding, validation and selection of holt superblocks.
 *
 * DOC: Superblock slot (4096 bytes, little-endian)
 *
 *   0x000 le64 magic          HOLT_SUPER_MAGIC ("HOLTSUPR")
 *   0x008 le32 version        HOLT_FORMAT_VERSION
 *   0x00c le32 crc            CRC-32C of all 4096 bytes, this field zero
 *   0x010 le64 generation
 *   0x018 u8   uuid[16]
 *   0x028 le32 slot_index     0 = A, 1 = B
 *   0x02c le32 flags
 *   0x030 le32 block_size     4096
 *   0x034 le32 slot_size      524288
 *   0x038 le64 dev_size
 *   0x040 le64 wal_off
 *   0x048 le64 wal_len
 *   0x050 le64 slot_off
 *   0x058 le64 slot_count
 *   0x060 le64 ckpt_lsn
 *   0x068 le64 ckpt_wal_off
 *   0x070 le32 log_epoch
 *   0x074 le32 reserved (0)
 *   0x078 le64 seq_high
 *   0x080 extent map          le64 slot, le64 bytes, le32 nr_slots, le32 crc
 *   0x098 extent catalog      same
 *   0x0b0 le32 owner_uid      the store's owner (initial user namespace)
 *   0x0b4 le32 owner_gid      its group
 *   0x0b8 le32 owner_mode     permission bits, 0..0777
 *   0x0bc le32 reserved (0)
 *   0x0c0 .. 0xfff            zero
 *
 * Bytes 0x000-0x00f (magic, version, crc) and the rule "crc over the whole
 * slot with the crc field zeroed" are frozen for every future version, so
 * that an intact superblock of another version is told apart from a damaged
 * one: the former refuses the store, the latter falls back to the other slot.
 */
#include "super.h"

#define SB_MAGIC	0x000
#define SB_VERSION	0x008
#define SB_CRC		0x00c
#define SB_GENERATION	0x010
#define SB_UUID		0x018
#define SB_SLOT_INDEX	0x028
#define SB_FLAGS	0x02c
#define SB_BLOCK_SIZE	0x030
#define SB_SLOT_SIZE	0x034
#define SB_DEV_SIZE	0x038
#define SB_WAL_OFF	0x040
#define SB_WAL_LEN	0x048
#define SB_SLOT_OFF	0x050
#define SB_SLOT_COUNT	0x058
#define SB_CKPT_LSN	0x060
#define SB_CKPT_WAL_OFF	0x068
#define SB_LOG_EPOCH	0x070
#define SB_RESERVED0	0x074
#define SB_SEQ_HIGH	0x078
#define SB_MAP		0x080
#define SB_CATALOG	0x098
#define SB_EXTENT_SIZE	24
#define SB_OWNER_UID	0x0b0
#define SB_OWNER_GID	0x0b4
#define SB_OWNER_MODE	0x0b8
#define SB_RESERVED1	0x0bc
#define SB_END		0x0c0

/* Smallest record header of the log; see wal.h (kept equal by a test). */
#define SB_WAL_HDR	40u	/* HOLT_WAL_HDR_SIZE of wal.h */
/* Geometry sanity bound: 2^62 bytes is far beyond any block device. */
#define SB_DEV_MAX	(1ull << 62)

static const char *const holt_super_reasons[HOLT_SUPER_R_NR] = {
	[HOLT_SUPER_OK] = "valid",
	[HOLT_SUPER_R_MAGIC] = "no holt superblock (bad magic)",
	[HOLT_SUPER_R_CSUM] = "checksum mismatch (torn or damaged)",
	[HOLT_SUPER_R_VERSION] = "unsupported format version",
	[HOLT_SUPER_R_SLOT] = "superblock belongs to the other slot",
	[HOLT_SUPER_R_FIELD] = "bad field (flags, generation, uuid or reserved bytes)",
	[HOLT_SUPER_R_GEOMETRY] = "inconsistent geometry",
	[HOLT_SUPER_R_DEVICE] = "device smaller than the store",
	[HOLT_SUPER_R_CKPT] = "checkpoint position outside the log",
	[HOLT_SUPER_R_EXTENT] = "frame map or catalog out of bounds",
	[HOLT_SUPER_R_AMBIGUOUS] = "two different superblocks with one generation",
};

/**
 * holt_super_reason_str() - a human-readable reason for a refused slot
 * @r: the reason
 *
 * Context: any.
 * Return: a static string, never NULL.
 */
const char *holt_super_reason_str(enum holt_super_reason r)
{
	if ((unsigned int)r >= HOLT_SUPER_R_NR)
		return "unknown reason";
	return holt_super_reasons[r];
}

/**
 * holt_super_slot_offset() - byte offset of a superblock slot on the device
 * @slot_index: 0 (A) or 1 (B)
 *
 * Context: any.
 * Return: the offset; slot B for any @slot_index other than 0.
 */
u64 holt_super_slot_offset(u32 slot_index)
{
	return slot_index ? HOLT_SUPER_SIZE : 0;
}

/**
 * holt_super_store_id() - the 32-bit store identity that seeds log checksums
 * @uuid: the store's uuid
 *
 * Context: any.
 * Return: CRC-32C of the 16 uuid bytes.
 */
u32 holt_super_store_id(const u8 uuid[16])
{
	return holt_ondisk_crc(0, uuid, 16);
}

/**
 * holt_super_slot_byte() - byte offset of a frame slot on the device
 * @sb: a valid superblock
 * @slot: slot number, below @sb->slot_count
 *
 * Context: any.
 * Return: the offset of the first byte of @slot.
 */
u64 holt_super_slot_byte(const struct holt_super *sb, u64 slot)
{
	return sb->slot_off + slot * (u64)HOLT_SLOT_SIZE;
}

static bool holt_super_extent_ok(const struct holt_super_extent *e,
				 u64 slot_count)
{
	if (e->slot == HOLT_SLOT_NONE)
		return !e->bytes && !e->nr_slots && !e->crc;
	if (e->slot >= slot_count || !e->bytes || !e->nr_slots ||
	    e->nr_slots > slot_count)
		return false;
	/* nr_slots == DIV_ROUND_UP(bytes, payload), without a u64 division */
	return (u64)(e->nr_slots - 1) * HOLT_META_PAYLOAD < e->bytes &&
	       e->bytes <= (u64)e->nr_slots * HOLT_META_PAYLOAD;
}

static int holt_super_refuse(enum holt_super_reason r,
			     enum holt_super_reason *why)
{
	if (why)
		*why = r;
	return -EUCLEAN;
}

/**
 * holt_super_check() - check a decoded superblock's fields for consistency
 * @sb: the superblock
 * @dev_size: bytes of the device it is to be used with
 * @why: if not NULL, receives the reason of a refusal (HOLT_SUPER_OK else)
 *
 * Checks everything but magic, version, crc and slot index (which only
 * exist in the encoded form): flags, generation, uuid, owner (no invalid
 * id, mode within 0777), geometry against
 * itself and @dev_size, checkpoint position, frame map and catalog chains.
 *
 * Context: any.
 * Return: 0, or -EUCLEAN with *@why set.
 */
int holt_super_check(const struct holt_super *sb, u64 dev_size,
		     enum holt_super_reason *why)
{
	static const u8 zero_uuid[16];
	u64 end;

	if (why)
		*why = HOLT_SUPER_OK;
	if (!sb->generation || (sb->flags & ~HOLT_SUPER_F_ALL) ||
	    !sb->log_epoch || !memcmp(sb->uuid, zero_uuid, 16) ||
	    sb->slot_index >= HOLT_SUPER_NR ||
	    sb->owner_uid == HOLT_SUPER_ID_INVALID ||
	    sb->owner_gid == HOLT_SUPER_ID_INVALID || sb->owner_mode & ~0777u)
		return holt_super_refuse(HOLT_SUPER_R_FIELD, why);

	if (sb->block_size != HOLT_BLOCK_SIZE ||
	    sb->slot_size != HOLT_SLOT_SIZE || sb->dev_size > SB_DEV_MAX ||
	    sb->wal_off < HOLT_SUPER_NR * HOLT_SUPER_SIZE ||
	    sb->wal_off % HOLT_BLOCK_SIZE ||
	    sb->wal_len < HOLT_WAL_MIN_BYTES ||
	    sb->wal_len > HOLT_WAL_MAX_BYTES ||
	    sb->wal_len % HOLT_BLOCK_SIZE ||
	    sb->slot_off % HOLT_BLOCK_SIZE ||
	    sb->slot_count < HOLT_SLOTS_MIN)
		return holt_super_refuse(HOLT_SUPER_R_GEOMETRY, why);
	/* Every term is below 2^62 here, so these sums cannot overflow. */
	if (sb->wal_off > sb->dev_size || sb->slot_off > sb->dev_size ||
	    sb->wal_off + sb->wal_len > sb->slot_off)
		return holt_super_refuse(HOLT_SUPER_R_GEOMETRY, why);
	if (sb->slot_count > (sb->dev_size - sb->slot_off) >> HOLT_SLOT_SHIFT)
		return holt_super_refuse(HOLT_SUPER_R_GEOMETRY, why);
	end = sb->slot_off + sb->slot_count * (u64)HOLT_SLOT_SIZE;
	if (end > sb->dev_size)
		return holt_super_refuse(HOLT_SUPER_R_GEOMETRY, why);
	if (sb->dev_size > dev_size)
		return holt_super_refuse(HOLT_SUPER_R_DEVICE, why);

	/*
	 * The checkpoint position is where a record starts: 8-byte aligned,
	 * with room for a record header before the end of the region (the
	 * log wraps to offset 0 when less than a header is left).
	 */
	if (!sb->ckpt_lsn || sb->ckpt_wal_off >= sb->wal_len ||
	    sb->ckpt_wal_off % 8 || sb->wal_len - sb->ckpt_wal_off < SB_WAL_HDR)
		return holt_super_refuse(HOLT_SUPER_R_CKPT, why);

	if (!holt_super_extent_ok(&sb->map, sb->slot_count) ||
	    !holt_super_extent_ok(&sb->catalog, sb->slot_count))
		return holt_super_refuse(HOLT_SUPER_R_EXTENT, why);
	return 0;
}

/**
 * holt_super_layout() - the superblock of a freshly formatted store
 * @sb: filled in
 * @dev_size: bytes of the device
 * @wal_bytes: size of the log region, a multiple of 4 KiB between
 *	HOLT_WAL_MIN_BYTES and HOLT_WAL_MAX_BYTES
 * @uuid: a random uuid for the new store (not all zero)
 *
 * The log starts at 1 MiB; the slots start at the next MiB boundary after
 * the log.  The result has generation 1, slot index 0, an empty log
 * (checkpoint LSN 1 at offset 0, epoch 1), no frame map and no catalog,
 * owned by root with mode 0600.
 * Formatting writes it, generation 1, to slot B and then to slot A (each
 * with FUA), so that no superblock of an older store survives.
 *
 * Context: any.
 * Return: 0, -EINVAL for a bad @wal_bytes or uuid, -ENOSPC when the device
 * has room for fewer than HOLT_SLOTS_MIN slots.
 */
int holt_super_layout(struct holt_super *sb, u64 dev_size, u64 wal_bytes,
		      const u8 uuid[16])
{
	static const u8 zero_uuid[16];
	u64 slot_off;

	memset(sb, 0, sizeof(*sb));
	if (wal_bytes < HOLT_WAL_MIN_BYTES || wal_bytes > HOLT_WAL_MAX_BYTES ||
	    wal_bytes % HOLT_BLOCK_SIZE || !memcmp(uuid, zero_uuid, 16))
		return -EINVAL;
	if (dev_size > SB_DEV_MAX)
		dev_size = SB_DEV_MAX;
	slot_off = HOLT_SUPER_RESERVED + wal_bytes;
	slot_off = (slot_off + HOLT_SUPER_RESERVED - 1) &
		   ~(HOLT_SUPER_RESERVED - 1);
	if (slot_off > dev_size ||
	    (dev_size - slot_off) >> HOLT_SLOT_SHIFT < HOLT_SLOTS_MIN)
		return -ENOSPC;

	sb->generation = 1;
	memcpy(sb->uuid, uuid, 16);
	sb->slot_index = 0;
	sb->flags = HOLT_SUPER_F_CLEAN;
	sb->block_size = HOLT_BLOCK_SIZE;
	sb->slot_size = HOLT_SLOT_SIZE;
	sb->dev_size = dev_size;
	sb->wal_off = HOLT_SUPER_RESERVED;
	sb->wal_len = wal_bytes;
	sb->slot_off = slot_off;
	sb->slot_count = (dev_size - slot_off) >> HOLT_SLOT_SHIFT;
	sb->ckpt_lsn = 1;
	sb->ckpt_wal_off = 0;
	sb->log_epoch = 1;
	sb->seq_high = 0;
	sb->map.slot = HOLT_SLOT_NONE;
	sb->catalog.slot = HOLT_SLOT_NONE;
	sb->owner_uid = 0;
	sb->owner_gid = 0;
	sb->owner_mode = HOLT_SUPER_OWNER_MODE;
	return 0;
}

static void holt_super_put_extent(const struct holt_super_extent *e, u8 *p)
{
	holt_put_le64(e->slot, p);
	holt_put_le64(e->bytes, p + 8);
	holt_put_le32(e->nr_slots, p + 16);
	holt_put_le32(e->crc, p + 20);
}

static void holt_super_get_extent(struct holt_super_extent *e, const u8 *p)
{
	e->slot = holt_get_le64(p);
	e->bytes = holt_get_le64(p + 8);
	e->nr_slots = holt_get_le32(p + 16);
	e->crc = holt_get_le32(p + 20);
}

/* CRC-32C of a whole slot with its crc field taken as zero. */
static u32 holt_super_csum(const u8 *buf)
{
	static const u8 zero[4];
	u32 crc;

	crc = holt_ondisk_crc(0, buf, SB_CRC);
	crc = holt_ondisk_crc(crc, zero, sizeof(zero));
	return holt_ondisk_crc(crc, buf + SB_CRC + 4,
			       HOLT_SUPER_SIZE - SB_CRC - 4);
}

/**
 * holt_super_encode() - serialise a superblock into one slot's bytes
 * @sb: the superblock; @sb->slot_index says which slot it is meant for
 * @buf: HOLT_SUPER_SIZE bytes, overwritten
 *
 * Refuses to encode a superblock that holt_super_decode() would refuse, so
 * that a bug can never commit an unreadable store.
 *
 * Context: any.
 * Return: 0, or -EINVAL (and @buf zeroed) when @sb is inconsistent.
 */
int holt_super_encode(const struct holt_super *sb, void *buf)
{
	u8 *p = buf;

	memset(buf, 0, HOLT_SUPER_SIZE);
	if (holt_super_check(sb, sb->dev_size, NULL))
		return -EINVAL;
	holt_put_le64(HOLT_SUPER_MAGIC, p + SB_MAGIC);
	holt_put_le32(HOLT_FORMAT_VERSION, p + SB_VERSION);
	holt_put_le64(sb->generation, p + SB_GENERATION);
	memcpy(p + SB_UUID, sb->uuid, 16);
	holt_put_le32(sb->slot_index, p + SB_SLOT_INDEX);
	holt_put_le32(sb->flags, p + SB_FLAGS);
	holt_put_le32(sb->block_size, p + SB_BLOCK_SIZE);
	holt_put_le32(sb->slot_size, p + SB_SLOT_SIZE);
	holt_put_le64(sb->dev_size, p + SB_DEV_SIZE);
	holt_put_le64(sb->wal_off, p + SB_WAL_OFF);
	holt_put_le64(sb->wal_len, p + SB_WAL_LEN);
	holt_put_le64(sb->slot_off, p + SB_SLOT_OFF);
	holt_put_le64(sb->slot_count, p + SB_SLOT_COUNT);
	holt_put_le64(sb->ckpt_lsn, p + SB_CKPT_LSN);
	holt_put_le64(sb->ckpt_wal_off, p + SB_CKPT_WAL_OFF);
	holt_put_le32(sb->log_epoch, p + SB_LOG_EPOCH);
	holt_put_le64(sb->seq_high, p + SB_SEQ_HIGH);
	holt_super_put_extent(&sb->map, p + SB_MAP);
	holt_super_put_extent(&sb->catalog, p + SB_CATALOG);
	holt_put_le32(sb->owner_uid, p + SB_OWNER_UID);
	holt_put_le32(sb->owner_gid, p + SB_OWNER_GID);
	holt_put_le32(sb->owner_mode, p + SB_OWNER_MODE);
	holt_put_le32(holt_super_csum(p), p + SB_CRC);
	return 0;
}

static bool holt_super_zero(const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/**
 * holt_super_decode() - validate and parse one superblock slot
 * @buf: HOLT_SUPER_SIZE untrusted bytes read from the slot
 * @dev_size: bytes of the device the slot was read from
 * @slot_index: which slot @buf was read from (0 = A, 1 = B)
 * @sb: receives the superblock when it is valid
 * @why: if not NULL, receives the reason of a refusal (HOLT_SUPER_OK else)
 *
 * Context: any.
 * Return: 0; -EPROTONOSUPPORT for an intact superblock of another format
 * version; -EUCLEAN for anything else that is wrong.
 */
int holt_super_decode(const void *buf, u64 dev_size, u32 slot_index,
		      struct holt_super *sb, enum holt_super_reason *why)
{
	const u8 *p = buf;

	if (why)
		*why = HOLT_SUPER_OK;
	if (holt_get_le64(p + SB_MAGIC) != HOLT_SUPER_MAGIC)
		return holt_super_refuse(HOLT_SUPER_R_MAGIC, why);
	if (holt_get_le32(p + SB_CRC) != holt_super_csum(p))
		return holt_super_refuse(HOLT_SUPER_R_CSUM, why);
	if (holt_get_le32(p + SB_VERSION) != HOLT_FORMAT_VERSION) {
		if (why)
			*why = HOLT_SUPER_R_VERSION;
		return -EPROTONOSUPPORT;
	}
	if (holt_get_le32(p + SB_RESERVED0) || holt_get_le32(p + SB_RESERVED1) ||
	    !holt_super_zero(p + SB_END, HOLT_SUPER_SIZE - SB_END))
		return holt_super_refuse(HOLT_SUPER_R_FIELD, why);

	memset(sb, 0, sizeof(*sb));
	sb->generation = holt_get_le64(p + SB_GENERATION);
	memcpy(sb->uuid, p + SB_UUID, 16);
	sb->slot_index = holt_get_le32(p + SB_SLOT_INDEX);
	sb->flags = holt_get_le32(p + SB_FLAGS);
	sb->block_size = holt_get_le32(p + SB_BLOCK_SIZE);
	sb->slot_size = holt_get_le32(p + SB_SLOT_SIZE);
	sb->dev_size = holt_get_le64(p + SB_DEV_SIZE);
	sb->wal_off = holt_get_le64(p + SB_WAL_OFF);
	sb->wal_len = holt_get_le64(p + SB_WAL_LEN);
	sb->slot_off = holt_get_le64(p + SB_SLOT_OFF);
	sb->slot_count = holt_get_le64(p + SB_SLOT_COUNT);
	sb->ckpt_lsn = holt_get_le64(p + SB_CKPT_LSN);
	sb->ckpt_wal_off = holt_get_le64(p + SB_CKPT_WAL_OFF);
	sb->log_epoch = holt_get_le32(p + SB_LOG_EPOCH);
	sb->seq_high = holt_get_le64(p + SB_SEQ_HIGH);
	holt_super_get_extent(&sb->map, p + SB_MAP);
	holt_super_get_extent(&sb->catalog, p + SB_CATALOG);
	sb->owner_uid = holt_get_le32(p + SB_OWNER_UID);
	sb->owner_gid = holt_get_le32(p + SB_OWNER_GID);
	sb->owner_mode = holt_get_le32(p + SB_OWNER_MODE);

	if (sb->slot_index != slot_index)
		return holt_super_refuse(HOLT_SUPER_R_SLOT, why);
	return holt_super_check(sb, dev_size, why);
}

/* Two valid slots with one generation: identical apart from crc and index? */
static bool holt_super_same(const u8 *a, const u8 *b)
{
	u32 i;

	for (i = 0; i < HOLT_SUPER_SIZE; i++) {
		if ((i >= SB_CRC && i < SB_CRC + 4) ||
		    (i >= SB_SLOT_INDEX && i < SB_SLOT_INDEX + 4))
			continue;
		if (a[i] != b[i])
			return false;
	}
	return true;
}

/**
 * holt_super_select() - pick the committed superblock of a store
 * @a: HOLT_SUPER_SIZE untrusted bytes of slot A
 * @b: HOLT_SUPER_SIZE untrusted bytes of slot B
 * @dev_size: bytes of the device
 * @sb: receives the chosen superblock
 * @choice: receives which slot was picked and why each was refused
 *
 * The valid slot with the higher generation wins; a damaged slot falls back
 * to the other one (a torn superblock write leaves the previous commit in
 * the other slot).  Two valid slots with the same generation must be copies
 * of each other (as format writes them); otherwise the store is refused.
 * If either slot holds an intact superblock of another format version the
 * store is refused whatever the other slot says: falling back would roll
 * back a store that a newer holt has written.
 *
 * Context: any.
 * Return: 0; -EPROTONOSUPPORT (another format version); -EUCLEAN when no
 * slot is usable or the slots are ambiguous (see @choice for reasons).
 */
int holt_super_select(const void *a, const void *b, u64 dev_size,
		      struct holt_super *sb, struct holt_super_choice *choice)
{
	struct holt_super tmp;
	const void *buf[HOLT_SUPER_NR] = { a, b };
	u64 gen[HOLT_SUPER_NR] = { 0, 0 };
	int err[HOLT_SUPER_NR];
	u32 i;

	choice->picked = -1;
	for (i = 0; i < HOLT_SUPER_NR; i++) {
		err[i] = holt_super_decode(buf[i], dev_size, i, &tmp,
					   &choice->reason[i]);
		if (!err[i])
			gen[i] = tmp.generation;
	}
	if (err[0] == -EPROTONOSUPPORT || err[1] == -EPROTONOSUPPORT)
		return -EPROTONOSUPPORT;
	if (err[0] && err[1])
		return -EUCLEAN;
	if (!err[0] && !err[1]) {
		if (gen[0] == gen[1] && !holt_super_same(a, b)) {
			choice->reason[0] = HOLT_SUPER_R_AMBIGUOUS;
			choice->reason[1] = HOLT_SUPER_R_AMBIGUOUS;
			return -EUCLEAN;
		}
		choice->picked = gen[1] > gen[0] ? 1 : 0;
	} else {
		choice->picked = err[0] ? 1 : 0;
	}
	return holt_super_decode(buf[choice->picked], dev_size, choice->picked,
				 sb, NULL);
}

/*
 * Metadata chain slot header (HOLT_META_HDR_SIZE bytes, then the payload):
 *
 *   0x00 le64 magic       HOLT_META_MAGIC ("HOLTMETA")
 *   0x08 le32 version     HOLT_META_VERSION
 *   0x0c le32 crc         CRC-32C of header (this field zero) + payload
 *   0x10 le32 kind        HOLT_META_MAP or HOLT_META_CATALOG
 *   0x14 le32 index       position in the chain, from 0
 *   0x18 le64 generation  superblock generation that commits the chain
 *   0x20 le64 next        next slot, HOLT_SLOT_NONE for the last one
 *   0x28 le32 bytes       payload bytes: HOLT_META_PAYLOAD but in the last
 *   0x2c .. 0x3f          zero
 */
#define MH_MAGIC	0x00
#define MH_VERSION	0x08
#define MH_CRC		0x0c
#define MH_KIND		0x10
#define MH_INDEX	0x14
#define MH_GENERATION	0x18
#define MH_NEXT		0x20
#define MH_BYTES	0x28
#define MH_END		0x2c

static u32 holt_super_chain_csum(const u8 *slot, u32 bytes)
{
	static const u8 zero[4];
	u32 crc;

	crc = holt_ondisk_crc(0, slot, MH_CRC);
	crc = holt_ondisk_crc(crc, zero, sizeof(zero));
	return holt_ondisk_crc(crc, slot + MH_CRC + 4,
			       HOLT_META_HDR_SIZE - MH_CRC - 4 + bytes);
}

/**
 * holt_super_chain_seal() - write the header of one slot of a chain
 * @slot: HOLT_SLOT_SIZE bytes; the payload is already at
 *	@slot + HOLT_META_HDR_SIZE
 * @kind: HOLT_META_MAP or HOLT_META_CATALOG
 * @index: position of this slot in the chain
 * @generation: the generation of the superblock that will commit the chain
 * @next: the next slot of the chain, HOLT_SLOT_NONE for the last one
 * @bytes: payload bytes in this slot, 1..HOLT_META_PAYLOAD (exactly
 *	HOLT_META_PAYLOAD unless this is the last slot)
 *
 * Context: any.
 * Return: 0, or -EINVAL for bad arguments.
 */
int holt_super_chain_seal(void *slot, u32 kind, u32 index, u64 generation,
			  u64 next, u32 bytes)
{
	u8 *p = slot;

	if ((kind != HOLT_META_MAP && kind != HOLT_META_CATALOG) || !bytes ||
	    bytes > HOLT_META_PAYLOAD || !generation ||
	    (next != HOLT_SLOT_NONE && bytes != HOLT_META_PAYLOAD))
		return -EINVAL;
	memset(p, 0, HOLT_META_HDR_SIZE);
	holt_put_le64(HOLT_META_MAGIC, p + MH_MAGIC);
	holt_put_le32(HOLT_META_VERSION, p + MH_VERSION);
	holt_put_le32(kind, p + MH_KIND);
	holt_put_le32(index, p + MH_INDEX);
	holt_put_le64(generation, p + MH_GENERATION);
	holt_put_le64(next, p + MH_NEXT);
	holt_put_le32(bytes, p + MH_BYTES);
	holt_put_le32(holt_super_chain_csum(p, bytes), p + MH_CRC);
	return 0;
}

/**
 * holt_super_chain_begin() - start reading a chain
 * @w: the walk
 * @ext: the chain as the (validated) superblock describes it
 * @kind: HOLT_META_MAP or HOLT_META_CATALOG
 * @generation: the superblock's generation
 * @slot_count: the superblock's slot count
 *
 * Then read slot @w->slot and pass it to holt_super_chain_next(), until
 * @w->slot is HOLT_SLOT_NONE.
 *
 * Context: any.
 */
void holt_super_chain_begin(struct holt_super_chain_walk *w,
			    const struct holt_super_extent *ext, u32 kind,
			    u64 generation, u64 slot_count)
{
	w->ext = *ext;
	w->slot = ext->slot;
	w->index = 0;
	w->bytes = 0;
	w->crc = 0;
	w->kind = kind;
	w->generation = generation;
	w->slot_count = slot_count;
}

/**
 * holt_super_chain_next() - validate the slot a walk asked for
 * @w: the walk
 * @slot: the HOLT_SLOT_SIZE untrusted bytes of slot @w->slot
 * @payload: receives the slot's payload (points into @slot)
 * @len: receives its length
 *
 * Checks the slot's header and checksum, its kind, index and generation,
 * and its next link; after the last slot, checks the stream's length and
 * crc against the superblock.  A chain can neither loop (indexes must grow
 * up to the slot count the superblock gave) nor leave the slot area.
 *
 * Context: any.
 * Return: 1 with a payload; 0 when the walk was already complete;
 * -EUCLEAN when anything does not match.
 */
int holt_super_chain_next(struct holt_super_chain_walk *w, const void *slot,
			  const u8 **payload, u32 *len)
{
	const u8 *p = slot;
	u32 bytes;
	u64 next;

	if (w->slot == HOLT_SLOT_NONE)
		return 0;
	bytes = holt_get_le32(p + MH_BYTES);
	next = holt_get_le64(p + MH_NEXT);
	if (holt_get_le64(p + MH_MAGIC) != HOLT_META_MAGIC ||
	    holt_get_le32(p + MH_VERSION) != HOLT_META_VERSION ||
	    !bytes || bytes > HOLT_META_PAYLOAD ||
	    holt_get_le32(p + MH_CRC) != holt_super_chain_csum(p, bytes))
		return -EUCLEAN;
	if (holt_get_le32(p + MH_KIND) != w->kind ||
	    holt_get_le32(p + MH_INDEX) != w->index ||
	    holt_get_le64(p + MH_GENERATION) != w->generation ||
	    !holt_super_zero(p + MH_END, HOLT_META_HDR_SIZE - MH_END))
		return -EUCLEAN;
	if (w->index >= w->ext.nr_slots)
		return -EUCLEAN;
	if (next == HOLT_SLOT_NONE) {
		if (w->index + 1 != w->ext.nr_slots)
			return -EUCLEAN;
	} else if (next >= w->slot_count || bytes != HOLT_META_PAYLOAD ||
		   w->index + 1 >= w->ext.nr_slots) {
		return -EUCLEAN;
	}
	if (bytes > w->ext.bytes - w->bytes)
		return -EUCLEAN;

	*payload = p + HOLT_META_HDR_SIZE;
	*len = bytes;
	w->crc = holt_ondisk_crc(w->crc, *payload, bytes);
	w->bytes += bytes;
	w->index++;
	w->slot = next;
	if (next == HOLT_SLOT_NONE &&
	    (w->bytes != w->ext.bytes || w->crc != w->ext.crc))
		return -EUCLEAN;
	return 1;
}

/**
 * holt_super_map_put() - encode one frame map entry
 * @p: HOLT_MAP_ENTRY_SIZE bytes
 * @e: the entry
 *
 * Layout: le64 frame_id, le64 slot, le32 tree, le32 frame_crc,
 * le64 generation.
 *
 * Context: any.
 */
void holt_super_map_put(void *p, const struct holt_map_entry *e)
{
	u8 *b = p;

	holt_put_le64(e->frame_id, b);
	holt_put_le64(e->slot, b + 8);
	holt_put_le32(e->tree, b + 16);
	holt_put_le32(e->frame_crc, b + 20);
	holt_put_le64(e->generation, b + 24);
}

/**
 * holt_super_map_get() - decode and check one frame map entry
 * @p: HOLT_MAP_ENTRY_SIZE untrusted bytes
 * @slot_count: slots in the slot area
 * @e: receives the entry
 *
 * Context: any.
 * Return: 0, or -EUCLEAN when the slot is outside the area or the
 * generation is 0.
 */
int holt_super_map_get(const void *p, u64 slot_count,
		       struct holt_map_entry *e)
{
	const u8 *b = p;

	e->frame_id = holt_get_le64(b);
	e->slot = holt_get_le64(b + 8);
	e->tree = holt_get_le32(b + 16);
	e->frame_crc = holt_get_le32(b + 20);
	e->generation = holt_get_le64(b + 24);
	if (e->slot >= slot_count || !e->generation)
		return -EUCLEAN;
	return 0;
}

/*
 * Catalog entry: le32 tree, le16 name_len, le16 flags (0), le64 root frame
 * id, le64 created version, le64 reserved (0), name, zero padding to 8.
 */
static bool holt_super_name_ok(const u8 *name, u32 nlen)
{
	return nlen && nlen <= HOLT_CAT_NAME_MAX && !memchr(name, 0, nlen);
}

/**
 * holt_super_cat_put() - encode one tree catalog entry
 * @buf: where to write it
 * @cap: bytes available at @buf
 * @e: the entry
 *
 * Context: any.
 * Return: bytes written (a multiple of 8), -EINVAL for a bad name or
 * flags, -ENOSPC when @cap is too small.
 */
int holt_super_cat_put(void *buf, u32 cap, const struct holt_cat_entry *e)
{
	u8 *p = buf;
	u32 size;

	if (e->flags || !holt_super_name_ok(e->name, e->nlen))
		return -EINVAL;
	size = HOLT_CAT_ENTRY_HDR + ((e->nlen + 7) & ~7u);
	if (size > cap)
		return -ENOSPC;
	memset(p, 0, size);
	holt_put_le32(e->tree, p);
	holt_put_le16((u16)e->nlen, p + 4);
	holt_put_le64(e->root, p + 8);
	holt_put_le64(e->created, p + 16);
	memcpy(p + HOLT_CAT_ENTRY_HDR, e->name, e->nlen);
	return (int)size;
}

/**
 * holt_super_cat_get() - decode and check one tree catalog entry
 * @buf: untrusted bytes
 * @avail: bytes readable at @buf
 * @e: receives the entry; @e->name points into @buf
 *
 * Context: any.
 * Return: bytes the entry occupies, or -EUCLEAN.
 */
int holt_super_cat_get(const void *buf, u32 avail, struct holt_cat_entry *e)
{
	const u8 *p = buf;
	u32 size;

	if (avail < HOLT_CAT_ENTRY_HDR)
		return -EUCLEAN;
	e->tree = holt_get_le32(p);
	e->nlen = holt_get_le16(p + 4);
	e->flags = holt_get_le16(p + 6);
	e->root = holt_get_le64(p + 8);
	e->created = holt_get_le64(p + 16);
	e->name = p + HOLT_CAT_ENTRY_HDR;
	if (e->flags || holt_get_le64(p + 24) || !e->nlen ||
	    e->nlen > HOLT_CAT_NAME_MAX)
		return -EUCLEAN;
	size = HOLT_CAT_ENTRY_HDR + ((e->nlen + 7) & ~7u);
	if (size > avail || !holt_super_name_ok(e->name, e->nlen) ||
	    !holt_super_zero(e->name + e->nlen, size - HOLT_CAT_ENTRY_HDR -
			     e->nlen))
		return -EUCLEAN;
	return (int)size;
}
