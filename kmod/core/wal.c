// SPDX-License-Identifier: GPL-2.0
/*
 * wal.c - write-ahead log records: build, seal, validate, scan.
 *
 * DOC: Record layout (little-endian, 8-byte aligned, never straddles the
 * end of the log region)
 *
 *   0  le32 magic     HOLT_WAL_MAGIC ("HOLW")
 *   4  u8   version   HOLT_WAL_VERSION
 *   5  u8   type      enum holt_wal_type
 *   6  le16 flags     0
 *   8  le32 len       header + payload bytes, a multiple of 8, at most
 *                     HOLT_WAL_REC_MAX
 *  12  le32 pcrc      CRC-32C of the payload (len - 32 bytes)
 *  16  le64 lsn
 *  24  le32 epoch
 *  28  le64 durable   every record below this LSN was on stable storage
 *                     when this one was appended; at most lsn
 *  36  le32 hcrc      CRC-32C of the store id (le32) followed by bytes 0-35
 *  40  payload
 *
 * Two checksums rather than one let a writer build and checksum a large
 * payload outside the log lock, and stamp LSN, durable mark and epoch (40
 * bytes of crc) under it; together they cover every byte of the record.
 *
 * Payload: PAD: anything (zero).  BATCH: le32 nr (>= 1), le32 0, then nr
 * ops of kind PUT, DEL or RENAME.  Every other type: exactly one op of the
 * kind equal to the type.  An op:
 *
 *   0  u8   kind      enum holt_wal_type
 *   1  u8   flags     HOLT_WAL_F_FORCE for RENAME, else 0
 *   2  le16 reserved  0
 *   4  le32 tree      tree id (0 for SEQ)
 *   8  le64 version   the version the op drew (SEQ: reserved high-water)
 *  16  le32 alen      key, source or tree name
 *  20  le32 blen      value or destination
 *  24  a bytes, b bytes, zero padding to a multiple of 8
 */
#include "wal.h"

#define WR_MAGIC	0
#define WR_VERSION	4
#define WR_TYPE		5
#define WR_FLAGS	6
#define WR_LEN		8
#define WR_PCRC		12
#define WR_LSN		16
#define WR_EPOCH	24
#define WR_DURABLE	28
#define WR_HCRC		36

#define OP_KIND		0
#define OP_FLAGS	1
#define OP_RESERVED	2
#define OP_TREE		4
#define OP_VERSION	8
#define OP_ALEN		16
#define OP_BLEN		20

/* Window of the probe for records past the tail. */
#define HOLT_WAL_PROBE_CHUNK	65536u

static const char *const holt_wal_whys[HOLT_WAL_W_NR] = {
	[HOLT_WAL_OK] = "valid",
	[HOLT_WAL_W_SHORT] = "record truncated",
	[HOLT_WAL_W_MAGIC] = "no record (bad magic)",
	[HOLT_WAL_W_VERSION] = "record of another format version",
	[HOLT_WAL_W_HCRC] = "header checksum mismatch (torn, damaged or another store)",
	[HOLT_WAL_W_LEN] = "record length out of bounds",
	[HOLT_WAL_W_TYPE] = "unknown record type or flags",
	[HOLT_WAL_W_PCRC] = "payload checksum mismatch (torn or damaged)",
	[HOLT_WAL_W_PAYLOAD] = "malformed payload",
	[HOLT_WAL_W_STALE_LSN] = "stale record (LSN of a previous lap)",
	[HOLT_WAL_W_GAP] = "LSN gap (records missing)",
	[HOLT_WAL_W_STALE_EPOCH] = "stale record (epoch of an earlier session)",
	[HOLT_WAL_W_FUTURE_EPOCH] = "record newer than the superblock",
	[HOLT_WAL_W_FULL] = "the whole log region was scanned",
	[HOLT_WAL_W_DURABLE] = "durable mark above the record's LSN",
};

static const char *const holt_wal_tails[] = {
	[HOLT_WAL_TAIL_CLEAN] = "nothing past the tail",
	[HOLT_WAL_TAIL_TORN] = "records of a torn last commit past the tail",
	[HOLT_WAL_TAIL_DAMAGED] = "a record needed for replay is damaged (a later record proves it was durable)",
};

/**
 * holt_wal_why_str() - a human-readable reason for a refused record
 * @why: the reason
 *
 * Context: any.
 * Return: a static string, never NULL.
 */
const char *holt_wal_why_str(enum holt_wal_why why)
{
	if ((unsigned int)why >= HOLT_WAL_W_NR)
		return "unknown reason";
	return holt_wal_whys[why];
}

/**
 * holt_wal_tail_str() - a human-readable verdict of holt_wal_probe()
 * @t: the verdict
 *
 * Context: any.
 * Return: a static string, never NULL.
 */
const char *holt_wal_tail_str(enum holt_wal_tail t)
{
	if ((unsigned int)t > HOLT_WAL_TAIL_DAMAGED)
		return "unknown verdict";
	return holt_wal_tails[t];
}

static inline u32 holt_wal_align(u32 n)
{
	return (n + HOLT_WAL_ALIGN - 1) & ~(HOLT_WAL_ALIGN - 1);
}

static u32 holt_wal_hcrc(const u8 *hdr, u32 store)
{
	u8 seed[4];

	holt_put_le32(store, seed);
	return holt_ondisk_crc(holt_ondisk_crc(0, seed, sizeof(seed)), hdr,
			       WR_HCRC);
}

/* Is @op well formed for its kind?  0, -EINVAL, or -E2BIG for lengths. */
static int holt_wal_op_check(const struct holt_wal_op *op)
{
	switch (op->kind) {
	case HOLT_WAL_PUT:
		if (op->flags || !op->alen || !op->version)
			return -EINVAL;
		if (op->alen > HOLT_WAL_KEY_MAX || op->blen > HOLT_WAL_VAL_MAX)
			return -E2BIG;
		return 0;
	case HOLT_WAL_DEL:
		if (op->flags || !op->alen || op->blen)
			return -EINVAL;
		if (op->alen > HOLT_WAL_KEY_MAX)
			return -E2BIG;
		return 0;
	case HOLT_WAL_RENAME:
		if ((op->flags & ~HOLT_WAL_F_FORCE) || !op->alen || !op->blen ||
		    !op->version)
			return -EINVAL;
		if (op->alen > HOLT_WAL_KEY_MAX || op->blen > HOLT_WAL_KEY_MAX)
			return -E2BIG;
		return 0;
	case HOLT_WAL_TREE_CREATE:
		if (op->flags || !op->alen || op->blen)
			return -EINVAL;
		if (op->alen > HOLT_WAL_NAME_MAX)
			return -E2BIG;
		if (memchr(op->a, 0, op->alen))
			return -EINVAL;
		return 0;
	case HOLT_WAL_TREE_DROP:
		if (op->flags || op->alen || op->blen)
			return -EINVAL;
		return 0;
	case HOLT_WAL_SEQ:
		if (op->flags || op->tree || op->alen || op->blen ||
		    !op->version)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/* May an op of @kind appear in a record of @type? */
static bool holt_wal_kind_ok(u8 type, u8 kind)
{
	if (type == HOLT_WAL_BATCH)
		return kind == HOLT_WAL_PUT || kind == HOLT_WAL_DEL ||
		       kind == HOLT_WAL_RENAME;
	return kind == type;
}

/**
 * holt_wal_build_begin() - start building a record in a buffer
 * @b: the builder
 * @buf: where the record is built; at least HOLT_WAL_HDR_SIZE bytes
 * @cap: bytes of @buf (only HOLT_WAL_REC_MAX of them are ever used)
 * @type: any type but HOLT_WAL_PAD (see holt_wal_encode_pad())
 *
 * Then add ops with holt_wal_build_*(), finish with holt_wal_build_end()
 * and stamp the record with holt_wal_seal() once its LSN is known.
 *
 * Context: any.
 */
void holt_wal_build_begin(struct holt_wal_builder *b, void *buf, u32 cap,
			  enum holt_wal_type type)
{
	b->buf = buf;
	b->cap = min(cap, HOLT_WAL_REC_MAX);
	b->len = HOLT_WAL_HDR_SIZE;
	b->nr = 0;
	b->type = type;
	b->err = 0;
	if (type <= HOLT_WAL_PAD || type >= __HOLT_WAL_TYPE_END) {
		b->err = -EINVAL;
		return;
	}
	if (type == HOLT_WAL_BATCH)
		b->len += HOLT_WAL_BATCH_HDR_SIZE;
	if (b->cap < b->len) {
		b->err = -ENOSPC;
		return;
	}
	memset(b->buf, 0, b->len);
}

static int holt_wal_build_op(struct holt_wal_builder *b,
			     const struct holt_wal_op *op)
{
	u8 *p;
	u32 need;
	int err;

	if (b->err)
		return b->err;
	err = -EINVAL;
	if (!holt_wal_kind_ok(b->type, op->kind) ||
	    (b->type != HOLT_WAL_BATCH && b->nr))
		goto fail;
	err = holt_wal_op_check(op);
	if (err)
		goto fail;
	/* alen and blen are at most 65535 each here: no overflow. */
	need = HOLT_WAL_OP_HDR_SIZE + holt_wal_align(op->alen + op->blen);
	err = -E2BIG;
	if (need > HOLT_WAL_REC_MAX - b->len)
		goto fail;
	err = -ENOSPC;
	if (need > b->cap - b->len)
		goto fail;

	p = b->buf + b->len;
	memset(p, 0, need);
	p[OP_KIND] = op->kind;
	p[OP_FLAGS] = op->flags;
	holt_put_le32(op->tree, p + OP_TREE);
	holt_put_le64(op->version, p + OP_VERSION);
	holt_put_le32(op->alen, p + OP_ALEN);
	holt_put_le32(op->blen, p + OP_BLEN);
	if (op->alen)
		memcpy(p + HOLT_WAL_OP_HDR_SIZE, op->a, op->alen);
	if (op->blen)
		memcpy(p + HOLT_WAL_OP_HDR_SIZE + op->alen, op->b, op->blen);
	b->len += need;
	b->nr++;
	return 0;
fail:
	b->err = err;
	return err;
}

/**
 * holt_wal_build_put() - add a put to a PUT or BATCH record
 * @b: the builder
 * @tree: tree id
 * @key: the key, @klen bytes (1..HOLT_WAL_KEY_MAX)
 * @klen: key length
 * @val: the value, @vlen bytes (0..HOLT_WAL_VAL_MAX)
 * @vlen: value length
 * @version: the version the put drew (not 0)
 *
 * Context: any.
 * Return: 0; -EINVAL (bad op or wrong record type), -E2BIG (lengths, or
 * the record would exceed HOLT_WAL_REC_MAX), -ENOSPC (buffer full).  The
 * first error sticks: holt_wal_build_end() returns it too.
 */
int holt_wal_build_put(struct holt_wal_builder *b, u32 tree, const u8 *key,
		       u32 klen, const u8 *val, u32 vlen, u64 version)
{
	struct holt_wal_op op = {
		.kind = HOLT_WAL_PUT, .tree = tree, .version = version,
		.a = key, .alen = klen, .b = val, .blen = vlen,
	};

	return holt_wal_build_op(b, &op);
}

/**
 * holt_wal_build_del() - add a delete to a DEL or BATCH record
 * @b: the builder
 * @tree: tree id
 * @key: the key, @klen bytes (1..HOLT_WAL_KEY_MAX)
 * @klen: key length
 * @version: the version the delete drew, 0 if it drew none
 *
 * Context: any.
 * Return: as holt_wal_build_put().
 */
int holt_wal_build_del(struct holt_wal_builder *b, u32 tree, const u8 *key,
		       u32 klen, u64 version)
{
	struct holt_wal_op op = {
		.kind = HOLT_WAL_DEL, .tree = tree, .version = version,
		.a = key, .alen = klen,
	};

	return holt_wal_build_op(b, &op);
}

/**
 * holt_wal_build_rename() - add a rename to a RENAME or BATCH record
 * @b: the builder
 * @tree: tree id
 * @src: source key, @slen bytes
 * @slen: source length
 * @dst: destination key, @dlen bytes
 * @dlen: destination length
 * @force: the destination was overwritten if present
 * @version: the version the destination drew (not 0)
 *
 * Context: any.
 * Return: as holt_wal_build_put().
 */
int holt_wal_build_rename(struct holt_wal_builder *b, u32 tree,
			  const u8 *src, u32 slen, const u8 *dst, u32 dlen,
			  bool force, u64 version)
{
	struct holt_wal_op op = {
		.kind = HOLT_WAL_RENAME, .flags = force ? HOLT_WAL_F_FORCE : 0,
		.tree = tree, .version = version,
		.a = src, .alen = slen, .b = dst, .blen = dlen,
	};

	return holt_wal_build_op(b, &op);
}

/**
 * holt_wal_build_tree_create() - the op of a TREE_CREATE record
 * @b: the builder
 * @tree: the new tree's id
 * @name: its name, @nlen bytes (1..HOLT_WAL_NAME_MAX, no NUL)
 * @nlen: name length
 * @version: the version the creation drew
 *
 * Context: any.
 * Return: as holt_wal_build_put().
 */
int holt_wal_build_tree_create(struct holt_wal_builder *b, u32 tree,
			       const u8 *name, u32 nlen, u64 version)
{
	struct holt_wal_op op = {
		.kind = HOLT_WAL_TREE_CREATE, .tree = tree, .version = version,
		.a = name, .alen = nlen,
	};

	return holt_wal_build_op(b, &op);
}

/**
 * holt_wal_build_tree_drop() - the op of a TREE_DROP record
 * @b: the builder
 * @tree: the dropped tree's id
 * @version: the version the drop drew
 *
 * Context: any.
 * Return: as holt_wal_build_put().
 */
int holt_wal_build_tree_drop(struct holt_wal_builder *b, u32 tree,
			     u64 version)
{
	struct holt_wal_op op = {
		.kind = HOLT_WAL_TREE_DROP, .tree = tree, .version = version,
	};

	return holt_wal_build_op(b, &op);
}

/**
 * holt_wal_build_seq() - the op of a SEQ record
 * @b: the builder
 * @high: versions up to @high may be handed out before the next SEQ record
 *	(or checkpoint) is durable
 *
 * Context: any.
 * Return: as holt_wal_build_put().
 */
int holt_wal_build_seq(struct holt_wal_builder *b, u64 high)
{
	struct holt_wal_op op = { .kind = HOLT_WAL_SEQ, .version = high };

	return holt_wal_build_op(b, &op);
}

/**
 * holt_wal_build_end() - finish a record: header and payload checksum
 * @b: the builder
 *
 * The record still has LSN 0, epoch 0 and no header checksum: stamp it with
 * holt_wal_seal() before writing it.
 *
 * Context: any.
 * Return: the bytes the record occupies (a multiple of 8), or the first
 * error met while building (-EINVAL also for a record without ops).
 */
int holt_wal_build_end(struct holt_wal_builder *b)
{
	u8 *p = b->buf;

	if (b->err)
		return b->err;
	if (!b->nr) {
		b->err = -EINVAL;
		return b->err;
	}
	if (b->type == HOLT_WAL_BATCH)
		holt_put_le32(b->nr, p + HOLT_WAL_HDR_SIZE);
	holt_put_le32(HOLT_WAL_MAGIC, p + WR_MAGIC);
	p[WR_VERSION] = HOLT_WAL_VERSION;
	p[WR_TYPE] = b->type;
	holt_put_le16(0, p + WR_FLAGS);
	holt_put_le32(b->len, p + WR_LEN);
	holt_put_le32(holt_ondisk_crc(0, p + HOLT_WAL_HDR_SIZE,
				      b->len - HOLT_WAL_HDR_SIZE), p + WR_PCRC);
	holt_put_le64(0, p + WR_LSN);
	holt_put_le32(0, p + WR_EPOCH);
	holt_put_le64(0, p + WR_DURABLE);
	holt_put_le32(0, p + WR_HCRC);
	return (int)b->len;
}

/**
 * holt_wal_seal() - stamp a built record with its LSN, mark and epoch
 * @rec: a record finished by holt_wal_build_end() or holt_wal_encode_pad()
 * @lsn: its log sequence number
 * @durable: the writer's durable mark: every record below this LSN is on
 *	stable storage now (at most @lsn; a lower value is always safe)
 * @epoch: the writing session's epoch
 * @store: holt_super_store_id() of the store
 *
 * The mark must be true when the record is appended: recovery takes a
 * record found past the log's tail with a mark above the tail as proof
 * that the log was damaged (holt_wal_judge()).
 *
 * Context: any; cheap (checksums 40 bytes), meant to run under the log lock.
 */
void holt_wal_seal(void *rec, u64 lsn, u64 durable, u32 epoch, u32 store)
{
	u8 *p = rec;

	holt_put_le64(lsn, p + WR_LSN);
	holt_put_le32(epoch, p + WR_EPOCH);
	holt_put_le64(durable, p + WR_DURABLE);
	holt_put_le32(holt_wal_hcrc(p, store), p + WR_HCRC);
}

/**
 * holt_wal_encode_pad() - a sealed PAD record of exactly @size bytes
 * @buf: at least @size bytes
 * @size: HOLT_WAL_HDR_SIZE..HOLT_WAL_REC_MAX, a multiple of 8
 * @lsn: its log sequence number (a PAD takes one like any record)
 * @durable: the writer's durable mark (see holt_wal_seal())
 * @epoch: the writing session's epoch
 * @store: holt_super_store_id() of the store
 *
 * Context: any.
 * Return: @size, or -EINVAL for a bad @size.
 */
int holt_wal_encode_pad(void *buf, u32 size, u64 lsn, u64 durable,
			u32 epoch, u32 store)
{
	u8 *p = buf;

	if (size < HOLT_WAL_HDR_SIZE || size > HOLT_WAL_REC_MAX ||
	    size % HOLT_WAL_ALIGN)
		return -EINVAL;
	memset(p, 0, size);
	holt_put_le32(HOLT_WAL_MAGIC, p + WR_MAGIC);
	p[WR_VERSION] = HOLT_WAL_VERSION;
	p[WR_TYPE] = HOLT_WAL_PAD;
	holt_put_le32(size, p + WR_LEN);
	holt_put_le32(holt_ondisk_crc(0, p + HOLT_WAL_HDR_SIZE,
				      size - HOLT_WAL_HDR_SIZE), p + WR_PCRC);
	holt_wal_seal(p, lsn, durable, epoch, store);
	return (int)size;
}

static int holt_wal_bad(enum holt_wal_why w, enum holt_wal_why *why)
{
	if (why)
		*why = w;
	return -EUCLEAN;
}

/* The header bytes alone: magic, checksum, version, type, length, mark. */
static int holt_wal_decode_hdr(const u8 *p, u32 store,
			       struct holt_wal_rec *rec, enum holt_wal_why *why)
{
	u32 len;

	if (holt_get_le32(p + WR_MAGIC) != HOLT_WAL_MAGIC)
		return holt_wal_bad(HOLT_WAL_W_MAGIC, why);
	if (holt_get_le32(p + WR_HCRC) != holt_wal_hcrc(p, store))
		return holt_wal_bad(HOLT_WAL_W_HCRC, why);
	if (p[WR_VERSION] != HOLT_WAL_VERSION)
		return holt_wal_bad(HOLT_WAL_W_VERSION, why);
	if (p[WR_TYPE] < HOLT_WAL_PAD || p[WR_TYPE] >= __HOLT_WAL_TYPE_END ||
	    holt_get_le16(p + WR_FLAGS))
		return holt_wal_bad(HOLT_WAL_W_TYPE, why);
	len = holt_get_le32(p + WR_LEN);
	if (len < HOLT_WAL_HDR_SIZE || len > HOLT_WAL_REC_MAX ||
	    len % HOLT_WAL_ALIGN)
		return holt_wal_bad(HOLT_WAL_W_LEN, why);
	memset(rec, 0, sizeof(*rec));
	rec->type = p[WR_TYPE];
	rec->len = len;
	rec->size = len;
	rec->lsn = holt_get_le64(p + WR_LSN);
	rec->durable = holt_get_le64(p + WR_DURABLE);
	rec->epoch = holt_get_le32(p + WR_EPOCH);
	if (rec->durable > rec->lsn)
		return holt_wal_bad(HOLT_WAL_W_DURABLE, why);
	return 0;
}

/*
 * Parse the op at @p, @rem bytes available.  Every length is checked
 * against @rem before use.  Returns the op's size, or 0 if it is malformed.
 */
static u32 holt_wal_op_parse(const u8 *p, u32 rem, struct holt_wal_op *op)
{
	u32 body, size, i;

	if (rem < HOLT_WAL_OP_HDR_SIZE)
		return 0;
	op->kind = p[OP_KIND];
	op->flags = p[OP_FLAGS];
	op->tree = holt_get_le32(p + OP_TREE);
	op->version = holt_get_le64(p + OP_VERSION);
	op->alen = holt_get_le32(p + OP_ALEN);
	op->blen = holt_get_le32(p + OP_BLEN);
	if (holt_get_le16(p + OP_RESERVED) || op->alen > HOLT_WAL_REC_MAX ||
	    op->blen > HOLT_WAL_REC_MAX)
		return 0;
	body = op->alen + op->blen;
	size = HOLT_WAL_OP_HDR_SIZE + holt_wal_align(body);
	if (size > rem)
		return 0;
	op->a = p + HOLT_WAL_OP_HDR_SIZE;
	op->b = op->a + op->alen;
	for (i = HOLT_WAL_OP_HDR_SIZE + body; i < size; i++)
		if (p[i])
			return 0;
	if (holt_wal_op_check(op))
		return 0;
	return size;
}

static int holt_wal_parse_payload(struct holt_wal_rec *rec, const u8 *pl,
				  u32 plen)
{
	struct holt_wal_op op;
	u32 pos = 0, i, n;

	if (rec->type == HOLT_WAL_PAD) {
		rec->ops = pl;
		return 0;
	}
	if (rec->type == HOLT_WAL_BATCH) {
		if (plen < HOLT_WAL_BATCH_HDR_SIZE ||
		    holt_get_le32(pl + 4))
			return -EUCLEAN;
		rec->nr_ops = holt_get_le32(pl);
		pl += HOLT_WAL_BATCH_HDR_SIZE;
		plen -= HOLT_WAL_BATCH_HDR_SIZE;
		if (!rec->nr_ops)
			return -EUCLEAN;
	} else {
		rec->nr_ops = 1;
	}
	rec->ops = pl;
	rec->ops_len = plen;
	for (i = 0; i < rec->nr_ops; i++) {
		n = holt_wal_op_parse(pl + pos, plen - pos, &op);
		if (!n || !holt_wal_kind_ok(rec->type, op.kind))
			return -EUCLEAN;
		pos += n;
	}
	return pos == plen ? 0 : -EUCLEAN;
}

/**
 * holt_wal_decode() - validate and parse one record from untrusted bytes
 * @buf: the bytes; the record starts at @buf
 * @avail: bytes readable at @buf; nothing past them is read
 * @store: holt_super_store_id() of the store
 * @rec: receives the record; its pointers point into @buf
 * @why: if not NULL, the reason of a refusal (HOLT_WAL_OK else)
 *
 * Checks magic, header checksum (which covers the store identity), version,
 * type, length, the durable mark (not above the LSN), payload checksum and
 * every op's structure.  Does not judge LSN or epoch: that is the scan's
 * job.
 *
 * Context: any.
 * Return: 0 or -EUCLEAN.
 */
int holt_wal_decode(const void *buf, size_t avail, u32 store,
		    struct holt_wal_rec *rec, enum holt_wal_why *why)
{
	const u8 *p = buf;
	int err;

	if (why)
		*why = HOLT_WAL_OK;
	if (avail < HOLT_WAL_HDR_SIZE)
		return holt_wal_bad(HOLT_WAL_W_SHORT, why);
	err = holt_wal_decode_hdr(p, store, rec, why);
	if (err)
		return err;
	if (rec->len > avail)
		return holt_wal_bad(HOLT_WAL_W_SHORT, why);
	if (holt_get_le32(p + WR_PCRC) !=
	    holt_ondisk_crc(0, p + HOLT_WAL_HDR_SIZE,
			    rec->len - HOLT_WAL_HDR_SIZE))
		return holt_wal_bad(HOLT_WAL_W_PCRC, why);
	if (holt_wal_parse_payload(rec, p + HOLT_WAL_HDR_SIZE,
				   rec->len - HOLT_WAL_HDR_SIZE))
		return holt_wal_bad(HOLT_WAL_W_PAYLOAD, why);
	return 0;
}

/**
 * holt_wal_rec_op() - iterate over the ops of a decoded record
 * @rec: a record from holt_wal_decode()
 * @pos: cursor, 0 to start; advanced past the op returned
 * @op: receives the op
 *
 * Context: any.
 * Return: 1 with an op, 0 when there are no more, -EUCLEAN if @rec does
 * not describe a valid op at @pos (it always does after holt_wal_decode()).
 */
int holt_wal_rec_op(const struct holt_wal_rec *rec, u32 *pos,
		    struct holt_wal_op *op)
{
	u32 n;

	if (*pos >= rec->ops_len)
		return 0;
	n = holt_wal_op_parse(rec->ops + *pos, rec->ops_len - *pos, op);
	if (!n)
		return -EUCLEAN;
	*pos += n;
	return 1;
}

/**
 * holt_wal_next_off() - where the record after one at @off starts
 * @wal_len: bytes of the log region
 * @off: offset of a record
 * @size: bytes it occupies
 *
 * Context: any.
 * Return: @off + @size, or 0 when fewer than HOLT_WAL_HDR_SIZE bytes are
 * left before the end of the region.
 */
u64 holt_wal_next_off(u64 wal_len, u64 off, u32 size)
{
	off += size;
	if (off >= wal_len || wal_len - off < HOLT_WAL_HDR_SIZE)
		return 0;
	return off;
}

/**
 * holt_wal_fit() - does a record of @size bytes fit at @off?
 * @wal_len: bytes of the log region
 * @off: where the next record goes (as left by holt_wal_next_off())
 * @size: bytes of the record
 *
 * Context: any.
 * Return: 0 if it fits; else the size of the PAD record to write at @off
 * first (it runs to the end of the region; the record then goes at 0).
 */
u32 holt_wal_fit(u64 wal_len, u64 off, u32 size)
{
	if (off <= wal_len && size <= wal_len - off)
		return 0;
	return (u32)(wal_len - off);
}

/**
 * holt_wal_sector_pad() - PAD that makes the next append start on a sector
 * @wal_len: bytes of the log region (a multiple of HOLT_WAL_SECTOR)
 * @off: where the next record goes
 *
 * A commit that ends on a HOLT_WAL_SECTOR boundary is never rewritten by
 * the next one, so an acknowledged record cannot be damaged by a torn write
 * of a later commit even on a device whose sector writes are not atomic.
 *
 * Context: any.
 * Return: the size of the PAD record to write at @off, 0 when none is
 * needed (already aligned, or the log wraps to 0 there anyway).
 */
u32 holt_wal_sector_pad(u64 wal_len, u64 off)
{
	u32 rem = (u32)(off & (HOLT_WAL_SECTOR - 1));
	u32 pad;

	if (!rem)
		return 0;
	pad = HOLT_WAL_SECTOR - rem;
	if (off + pad >= wal_len)
		return pad < HOLT_WAL_HDR_SIZE ? 0 : pad;
	if (pad < HOLT_WAL_HDR_SIZE)
		pad += HOLT_WAL_SECTOR;
	return pad;
}

static u64 holt_wal_max_version(const struct holt_wal_rec *rec, u64 max)
{
	struct holt_wal_op op;
	u32 pos = 0;

	while (holt_wal_rec_op(rec, &pos, &op) > 0)
		if (op.version > max)
			max = op.version;
	return max;
}

/**
 * holt_wal_scan() - walk the valid records from a checkpoint position
 * @s: the walk: inputs set, outputs filled in
 * @read: reads bytes of the log region
 * @rctx: context of @read
 * @fn: called for each valid record but PAD, in LSN order; may be NULL
 * @fctx: context of @fn
 *
 * Reads the record at @s->start_off, which must carry @s->start_lsn, then
 * each following one, which must carry the next LSN and an epoch between
 * the previous record's and @s->epoch_max, until a record fails; that is
 * the tail (@s->end_off, @s->end_lsn; @s->why says what was found there).
 * Never reads outside [0, @s->wal_len) and scans at most one lap.
 *
 * Context: may sleep (allocates HOLT_WAL_REC_MAX bytes; calls @read).
 * Return: 0 when the tail was reached; -EINVAL for bad inputs; -ENOMEM;
 * an error of @read; or the non-zero return of @fn, which stops the walk
 * with @s->end_* naming the record @fn refused.
 */
int holt_wal_scan(struct holt_wal_scan *s, holt_wal_read_fn read,
		  void *rctx, holt_wal_rec_fn fn, void *fctx)
{
	struct holt_wal_rec rec;
	enum holt_wal_why why = HOLT_WAL_OK;
	u64 off, lsn, next, consumed = 0;
	u32 prev_epoch = 0;
	u8 *buf;
	int ret = 0;

	s->end_off = s->start_off;
	s->end_lsn = s->start_lsn;
	s->end_epoch = 0;
	s->records = 0;
	s->bytes = 0;
	s->max_version = 0;
	s->why = HOLT_WAL_OK;
	if (!s->wal_len || s->wal_len % HOLT_WAL_ALIGN ||
	    s->start_off >= s->wal_len || s->start_off % HOLT_WAL_ALIGN ||
	    s->wal_len - s->start_off < HOLT_WAL_HDR_SIZE)
		return -EINVAL;

	buf = holt_port_alloc(HOLT_WAL_REC_MAX);
	if (!buf)
		return -ENOMEM;
	off = s->start_off;
	lsn = s->start_lsn;
	for (;;) {
		if (consumed >= s->wal_len) {
			why = HOLT_WAL_W_FULL;
			break;
		}
		ret = read(rctx, off, buf, HOLT_WAL_HDR_SIZE);
		if (ret)
			goto out_free;
		if (holt_wal_decode_hdr(buf, s->store, &rec, &why))
			break;
		if (rec.len > s->wal_len - off) {
			why = HOLT_WAL_W_LEN;
			break;
		}
		ret = read(rctx, off, buf, rec.len);
		if (ret)
			goto out_free;
		if (holt_wal_decode(buf, rec.len, s->store, &rec, &why))
			break;
		if (rec.lsn != lsn) {
			why = rec.lsn < lsn ? HOLT_WAL_W_STALE_LSN :
					      HOLT_WAL_W_GAP;
			break;
		}
		if (rec.epoch > s->epoch_max) {
			why = HOLT_WAL_W_FUTURE_EPOCH;
			break;
		}
		if (rec.epoch < prev_epoch) {
			why = HOLT_WAL_W_STALE_EPOCH;
			break;
		}
		if (rec.type != HOLT_WAL_PAD && fn) {
			ret = fn(fctx, &rec);
			if (ret)
				goto out_free;
		}
		s->max_version = holt_wal_max_version(&rec, s->max_version);
		s->records++;
		s->bytes += rec.size;
		next = holt_wal_next_off(s->wal_len, off, rec.size);
		consumed += next ? rec.size : s->wal_len - off;
		off = next;
		lsn++;
		prev_epoch = rec.epoch;
		s->end_off = off;
		s->end_lsn = lsn;
		s->end_epoch = prev_epoch;
		holt_cond_resched();
	}
	s->why = why;
out_free:
	holt_port_free(buf);
	return ret;
}

struct holt_wal_image {
	const u8 *p;
	u64 len;
};

static int holt_wal_image_read(void *ctx, u64 off, void *buf, u32 len)
{
	const struct holt_wal_image *img = ctx;

	if (off > img->len || len > img->len - off)
		return -EINVAL;
	memcpy(buf, img->p + off, len);
	return 0;
}

/**
 * holt_wal_scan_image() - holt_wal_scan() over a log region in memory
 * @s: the walk (@s->wal_len bytes at @image)
 * @image: the whole log region
 * @fn: per-record callback, may be NULL
 * @fctx: its context
 *
 * Context: may sleep.
 * Return: as holt_wal_scan().
 */
int holt_wal_scan_image(struct holt_wal_scan *s, const void *image,
			holt_wal_rec_fn fn, void *fctx)
{
	struct holt_wal_image img = { .p = image, .len = s->wal_len };

	return holt_wal_scan(s, holt_wal_image_read, &img, fn, fctx);
}

/**
 * holt_wal_judge() - what a record found past a scan's tail says about it
 * @tail_lsn: the LSN of the tail: the first record the scan did not accept
 *	(&holt_wal_scan.end_lsn)
 * @epoch: the epoch of the session whose records the scan replayed (the
 *	superblock's log_epoch, &holt_wal_scan.epoch_max)
 * @rec: the header of a valid record found in the part of the log region
 *	the scan did not cover
 *
 * A writer stamps every record with its durable mark (holt_wal_seal()):
 * the records below it were on stable storage when the record was
 * appended.  Records of the last commit, which a crash may tear in any
 * order of its sectors, carry a mark at most the LSN of that commit's first
 * record, so they never prove the tail durable.  A record whose mark lies
 * above the tail does: the record at the tail was written completely and
 * made durable, and something damaged it afterwards.
 *
 * Context: any; a pure function of its arguments.
 * Return: HOLT_WAL_TAIL_CLEAN when @rec is not a record of the session
 * written after the tail (another epoch, or an LSN not above the tail: a
 * previous lap or the damaged record itself); HOLT_WAL_TAIL_DAMAGED when its
 * mark is above @tail_lsn; HOLT_WAL_TAIL_TORN otherwise.
 */
enum holt_wal_tail holt_wal_judge(u64 tail_lsn, u32 epoch,
				  const struct holt_wal_rec *rec)
{
	if (rec->epoch != epoch || rec->lsn <= tail_lsn)
		return HOLT_WAL_TAIL_CLEAN;
	if (rec->durable > tail_lsn)
		return HOLT_WAL_TAIL_DAMAGED;
	return HOLT_WAL_TAIL_TORN;
}

/**
 * holt_wal_probe() - tell a torn tail from damage in the middle of the log
 * @s: a finished holt_wal_scan()
 * @read: reads bytes of the log region
 * @rctx: context of @read
 * @res: receives the verdict and the record that decided it
 *
 * Searches the part of the region the scan did not cover (from the tail
 * to the scan's start, circularly), at every 8-byte offset, for record
 * headers of the store (magic, header checksum, version, type, length,
 * mark) and judges each with holt_wal_judge() against the tail and
 * @s->epoch_max.  Stops at the first that proves damage.  A header suffices:
 * its checksum shows the writer wrote it, and the mark is what the writer
 * knew, whatever happened to the payload.
 *
 * Context: may sleep; reads up to the whole log region.
 * Return: 0 (@res->verdict says what was found), -EINVAL for a bad @s,
 * -ENOMEM, or an error of @read.
 */
int holt_wal_probe(const struct holt_wal_scan *s, holt_wal_read_fn read,
		   void *rctx, struct holt_wal_probe *res)
{
	struct holt_wal_rec rec;
	enum holt_wal_tail t;
	u64 done = 0, todo, pos, at;
	u32 n, rlen, i;
	u8 *chunk;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	if (!s->wal_len || s->wal_len % HOLT_WAL_ALIGN ||
	    s->end_off >= s->wal_len || s->end_off % HOLT_WAL_ALIGN ||
	    s->start_off >= s->wal_len)
		return -EINVAL;
	if (s->end_off >= s->start_off)
		todo = s->wal_len - (s->end_off - s->start_off);
	else
		todo = s->start_off - s->end_off;
	if (s->why == HOLT_WAL_W_FULL)
		todo = 0;

	chunk = holt_port_alloc(HOLT_WAL_PROBE_CHUNK + HOLT_WAL_HDR_SIZE);
	if (!chunk)
		return -ENOMEM;
	pos = s->end_off;
	while (done < todo) {
		n = (u32)min(todo - done, (u64)HOLT_WAL_PROBE_CHUNK);
		if (n > s->wal_len - pos)
			n = (u32)(s->wal_len - pos);
		rlen = (u32)min((u64)n + HOLT_WAL_HDR_SIZE, s->wal_len - pos);
		ret = read(rctx, pos, chunk, rlen);
		if (ret)
			goto out;
		for (i = 0; i < n && i + HOLT_WAL_HDR_SIZE <= rlen;
		     i += HOLT_WAL_ALIGN) {
			if (holt_get_le32(chunk + i) != HOLT_WAL_MAGIC ||
			    holt_wal_decode_hdr(chunk + i, s->store, &rec, NULL))
				continue;
			at = pos + i;
			if (rec.len > s->wal_len - at)
				continue;
			t = holt_wal_judge(s->end_lsn, s->epoch_max, &rec);
			if (t == HOLT_WAL_TAIL_CLEAN ||
			    (t == HOLT_WAL_TAIL_TORN && res->verdict))
				continue;
			res->verdict = t;
			res->lsn = rec.lsn;
			res->off = at;
			res->durable = rec.durable;
			if (t == HOLT_WAL_TAIL_DAMAGED)
				goto out;
		}
		done += n;
		pos += n;
		if (pos >= s->wal_len)
			pos = 0;
		holt_cond_resched();
	}
out:
	holt_port_free(chunk);
	return ret;
}

/**
 * holt_wal_head_init() - the writer's position after recovery or format
 * @h: the head
 * @wal_len: bytes of the log region
 * @tail_off: the committed checkpoint position (superblock ckpt_wal_off)
 * @off: where the next record goes (the scan's end_off)
 * @lsn: the LSN it takes (the scan's end_lsn)
 *
 * Context: any.
 */
void holt_wal_head_init(struct holt_wal_head *h, u64 wal_len, u64 tail_off,
			u64 off, u64 lsn)
{
	h->wal_len = wal_len;
	h->tail_off = tail_off;
	h->off = off;
	h->lsn = lsn;
}

/**
 * holt_wal_head_used() - bytes between the checkpoint position and the head
 * @h: the head
 *
 * Context: any.
 * Return: the circular distance from @h->tail_off to @h->off.
 */
u64 holt_wal_head_used(const struct holt_wal_head *h)
{
	if (h->off >= h->tail_off)
		return h->off - h->tail_off;
	return h->wal_len - h->tail_off + h->off;
}

/**
 * holt_wal_head_room() - bytes that may still be appended
 * @h: the head
 *
 * A checkpoint should start well before this reaches the largest record.
 *
 * Context: any.
 * Return: bytes of records (PADs included) that fit before the log is full.
 */
u64 holt_wal_head_room(const struct holt_wal_head *h)
{
	u64 used = holt_wal_head_used(h) + HOLT_WAL_RESERVE;

	return used < h->wal_len ? h->wal_len - used : 0;
}

static void holt_wal_head_advance(struct holt_wal_head *h, u32 size)
{
	h->off = holt_wal_next_off(h->wal_len, h->off, size);
	h->lsn++;
}

/**
 * holt_wal_head_reserve() - place the next record
 * @h: the head
 * @size: bytes of the record (as returned by holt_wal_build_end())
 * @pad: receives the PAD record to write first (@pad->size 0 for none)
 * @rec: receives the offset and LSN of the record
 *
 * The caller writes the PAD (holt_wal_encode_pad()) and the record
 * (holt_wal_seal()) at the places given, in that order.
 *
 * Context: any; the caller serialises appends (log lock).
 * Return: 0; -EINVAL for a bad @size; -ENOSPC when the log is full up to
 * the checkpoint position (nothing was reserved: checkpoint, then retry).
 */
int holt_wal_head_reserve(struct holt_wal_head *h, u32 size,
			  struct holt_wal_place *pad,
			  struct holt_wal_place *rec)
{
	u32 fill;

	if (size < HOLT_WAL_HDR_SIZE || size > HOLT_WAL_REC_MAX ||
	    size % HOLT_WAL_ALIGN)
		return -EINVAL;
	fill = holt_wal_fit(h->wal_len, h->off, size);
	if ((u64)fill + size > holt_wal_head_room(h))
		return -ENOSPC;
	pad->off = h->off;
	pad->lsn = h->lsn;
	pad->size = fill;
	if (fill)
		holt_wal_head_advance(h, fill);
	rec->off = h->off;
	rec->lsn = h->lsn;
	rec->size = size;
	holt_wal_head_advance(h, size);
	return 0;
}

/**
 * holt_wal_head_align() - end a commit on a sector boundary
 * @h: the head
 * @pad: receives the PAD record to write (@pad->size 0 for none)
 *
 * Always fits: holt_wal_head_reserve() kept HOLT_WAL_RESERVE bytes for it.
 *
 * Context: any; the caller serialises appends (log lock).
 * Return: 0, or -ENOSPC if the head was moved without a reservation.
 */
int holt_wal_head_align(struct holt_wal_head *h, struct holt_wal_place *pad)
{
	u32 fill = holt_wal_sector_pad(h->wal_len, h->off);

	pad->off = h->off;
	pad->lsn = h->lsn;
	pad->size = fill;
	if (!fill)
		return 0;
	if (holt_wal_head_used(h) + fill >= h->wal_len) {
		pad->size = 0;
		return -ENOSPC;
	}
	holt_wal_head_advance(h, fill);
	return 0;
}

/**
 * holt_wal_head_release() - a checkpoint became durable
 * @h: the head
 * @tail_off: its position (the new superblock's ckpt_wal_off), a record
 *	start between the old checkpoint position and the head
 *
 * The log before @tail_off may now be overwritten.  Call only after the
 * superblock naming @tail_off is on stable storage.
 *
 * Context: any; the caller serialises appends (log lock).
 */
void holt_wal_head_release(struct holt_wal_head *h, u64 tail_off)
{
	h->tail_off = tail_off;
}
