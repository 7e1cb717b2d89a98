// SPDX-License-Identifier: GPL-2.0
/*
 * wal_test.c - KUnit suite holt_wal: write-ahead log records and the log
 * scan of kmod/core/wal.h inside the kernel, under KASAN.  Records are built
 * with the builder, laid end to end in a small log region in memory, and the
 * scan's answers (records handed over, in order; where and why it stopped)
 * are compared with what the layout says they must be.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "port.h"
#include "super.h"
#include "wal.h"

#define HOLT_KW_STORE	0x5eed0001u
#define HOLT_KW_LEN	(64u * 1024)	/* bytes of the test log region */
#define HOLT_KW_MAXREC	16

/* ---- building records ---- */

/* Adds @op to @b by its kind. */
static int holt_kw_add(struct holt_wal_builder *b, const struct holt_wal_op *op)
{
	switch (op->kind) {
	case HOLT_WAL_PUT:
		return holt_wal_build_put(b, op->tree, op->a, op->alen, op->b,
					  op->blen, op->version);
	case HOLT_WAL_DEL:
		return holt_wal_build_del(b, op->tree, op->a, op->alen,
					  op->version);
	case HOLT_WAL_RENAME:
		return holt_wal_build_rename(b, op->tree, op->a, op->alen,
					     op->b, op->blen,
					     op->flags & HOLT_WAL_F_FORCE,
					     op->version);
	case HOLT_WAL_TREE_CREATE:
		return holt_wal_build_tree_create(b, op->tree, op->a, op->alen,
						  op->version);
	case HOLT_WAL_TREE_DROP:
		return holt_wal_build_tree_drop(b, op->tree, op->version);
	case HOLT_WAL_SEQ:
		return holt_wal_build_seq(b, op->version);
	}
	return -EINVAL;
}

static int holt_kw_build(u8 *buf, u32 cap, u8 type,
			 const struct holt_wal_op *ops, u32 nr)
{
	struct holt_wal_builder b;
	u32 i;

	holt_wal_build_begin(&b, buf, cap, type);
	for (i = 0; i < nr; i++)
		holt_kw_add(&b, &ops[i]);
	return holt_wal_build_end(&b);
}

static void holt_kw_expect_ops(struct kunit *test,
			       const struct holt_wal_rec *rec,
			       const struct holt_wal_op *ops, u32 nr)
{
	struct holt_wal_op op;
	u32 pos = 0, i;

	KUNIT_EXPECT_EQ(test, rec->nr_ops, nr);
	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_EQ(test, holt_wal_rec_op(rec, &pos, &op), 1);
		KUNIT_EXPECT_EQ(test, op.kind, ops[i].kind);
		KUNIT_EXPECT_EQ(test, op.flags, ops[i].flags);
		KUNIT_EXPECT_EQ(test, op.tree, ops[i].tree);
		KUNIT_EXPECT_EQ(test, op.version, ops[i].version);
		KUNIT_ASSERT_EQ(test, op.alen, ops[i].alen);
		KUNIT_ASSERT_EQ(test, op.blen, ops[i].blen);
		if (op.alen)
			KUNIT_EXPECT_EQ(test, memcmp(op.a, ops[i].a, op.alen),
					0);
		if (op.blen)
			KUNIT_EXPECT_EQ(test, memcmp(op.b, ops[i].b, op.blen),
					0);
	}
	KUNIT_EXPECT_EQ(test, holt_wal_rec_op(rec, &pos, &op), 0);
}

/* ---- round trips, one per record type ---- */

struct holt_kw_rt {
	const char *name;
	u8 type;
	u32 nr;
	int len;		/* expected record length */
	struct holt_wal_op ops[3];
};

static const struct holt_kw_rt holt_kw_rt_cases[] = {
	{ "put", HOLT_WAL_PUT, 1, 40 + 24 + 8, {
	  { .kind = HOLT_WAL_PUT, .tree = 7, .version = 42,
	    .a = (const u8 *)"a/b", .alen = 3,
	    .b = (const u8 *)"value", .blen = 5 } } },
	{ "put empty value", HOLT_WAL_PUT, 1, 40 + 24 + 8, {
	  { .kind = HOLT_WAL_PUT, .tree = 0, .version = 1,
	    .a = (const u8 *)"k", .alen = 1, .b = (const u8 *)"", .blen = 0 } } },
	{ "del", HOLT_WAL_DEL, 1, 40 + 24 + 8, {
	  { .kind = HOLT_WAL_DEL, .tree = 1, .version = 0,
	    .a = (const u8 *)"gone", .alen = 4 } } },
	{ "rename force", HOLT_WAL_RENAME, 1, 40 + 24 + 8, {
	  { .kind = HOLT_WAL_RENAME, .tree = 2, .flags = HOLT_WAL_F_FORCE,
	    .version = 77, .a = (const u8 *)"src", .alen = 3,
	    .b = (const u8 *)"dst/x", .blen = 5 } } },
	{ "tree create", HOLT_WAL_TREE_CREATE, 1, 40 + 24 + 8, {
	  { .kind = HOLT_WAL_TREE_CREATE, .tree = 9, .version = 3,
	    .a = (const u8 *)"photos", .alen = 6 } } },
	{ "tree drop", HOLT_WAL_TREE_DROP, 1, 40 + 24, {
	  { .kind = HOLT_WAL_TREE_DROP, .tree = 9, .version = 4 } } },
	{ "seq", HOLT_WAL_SEQ, 1, 40 + 24, {
	  { .kind = HOLT_WAL_SEQ, .version = 1ull << 40 } } },
	{ "batch", HOLT_WAL_BATCH, 3, 40 + 8 + 32 + 32 + 32, {
	  { .kind = HOLT_WAL_PUT, .tree = 0, .version = 10,
	    .a = (const u8 *)"x", .alen = 1, .b = (const u8 *)"", .blen = 0 },
	  { .kind = HOLT_WAL_DEL, .tree = 1, .version = 11,
	    .a = (const u8 *)"yy", .alen = 2 },
	  { .kind = HOLT_WAL_RENAME, .tree = 2, .version = 12,
	    .a = (const u8 *)"p", .alen = 1, .b = (const u8 *)"q",
	    .blen = 1 } } },
};

static void holt_kw_rt_desc(const struct holt_kw_rt *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(holt_kw_rt, holt_kw_rt_cases, holt_kw_rt_desc);

static void holt_wal_roundtrip_test(struct kunit *test)
{
	const struct holt_kw_rt *c = test->param_value;
	u8 *buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	u8 *exact;
	struct holt_wal_rec rec;
	enum holt_wal_why why = HOLT_WAL_W_NR;
	int n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	n = holt_kw_build(buf, 4096, c->type, c->ops, c->nr);
	KUNIT_ASSERT_EQ(test, n, c->len);
	holt_wal_seal(buf, 99, 90, 3, HOLT_KW_STORE);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "HOLW", 4), 0);
	KUNIT_EXPECT_EQ(test, buf[4], (u8)HOLT_WAL_VERSION);
	KUNIT_EXPECT_EQ(test, buf[4], (u8)2);
	KUNIT_EXPECT_EQ(test, buf[5], c->type);
	KUNIT_EXPECT_EQ(test, holt_get_le32(buf + 8), (u32)n);
	KUNIT_EXPECT_EQ(test, holt_get_le64(buf + 16), 99ull);
	KUNIT_EXPECT_EQ(test, holt_get_le32(buf + 24), 3u);
	KUNIT_EXPECT_EQ(test, holt_get_le64(buf + 28), 90ull);

	/* Decode from an exactly sized copy: KASAN sees any over-read. */
	exact = kunit_kmalloc(test, n, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, exact);
	memcpy(exact, buf, n);
	KUNIT_ASSERT_EQ(test, holt_wal_decode(exact, n, HOLT_KW_STORE, &rec,
					      &why), 0);
	KUNIT_EXPECT_EQ(test, why, HOLT_WAL_OK);
	KUNIT_EXPECT_EQ(test, rec.type, c->type);
	KUNIT_EXPECT_EQ(test, rec.len, (u32)n);
	KUNIT_EXPECT_EQ(test, rec.size, (u32)n);
	KUNIT_EXPECT_EQ(test, rec.lsn, 99ull);
	KUNIT_EXPECT_EQ(test, rec.durable, 90ull);
	KUNIT_EXPECT_EQ(test, rec.epoch, 3u);
	holt_kw_expect_ops(test, &rec, c->ops, c->nr);

	/* Every shorter prefix is refused as short. */
	for (n = n - 1; n >= 0; n--) {
		KUNIT_EXPECT_EQ(test, holt_wal_decode(exact, n, HOLT_KW_STORE,
						      &rec, &why), -EUCLEAN);
		KUNIT_EXPECT_EQ(test, why, HOLT_WAL_W_SHORT);
	}
	/* Another store's record does not validate. */
	KUNIT_EXPECT_EQ(test, holt_wal_decode(buf, c->len, HOLT_KW_STORE + 1,
					      &rec, &why), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, why, HOLT_WAL_W_HCRC);
}

static void holt_wal_pad_test(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	struct holt_wal_rec rec;
	enum holt_wal_why why;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, holt_wal_encode_pad(buf, 40, 11, 11, 2,
						  HOLT_KW_STORE), 40);
	KUNIT_ASSERT_EQ(test, holt_wal_decode(buf, 40, HOLT_KW_STORE, &rec,
					      &why), 0);
	KUNIT_EXPECT_EQ(test, rec.type, (u8)HOLT_WAL_PAD);
	KUNIT_EXPECT_EQ(test, rec.nr_ops, 0u);
	KUNIT_EXPECT_EQ(test, rec.lsn, 11ull);
	KUNIT_EXPECT_EQ(test, holt_wal_encode_pad(buf, 4096, 12, 3, 2,
						  HOLT_KW_STORE), 4096);
	KUNIT_ASSERT_EQ(test, holt_wal_decode(buf, 4096, HOLT_KW_STORE, &rec,
					      &why), 0);
	KUNIT_EXPECT_EQ(test, rec.size, 4096u);
	KUNIT_EXPECT_EQ(test, rec.durable, 3ull);
	KUNIT_EXPECT_EQ(test, holt_wal_encode_pad(buf, 32, 1, 1, 1,
						  HOLT_KW_STORE), -EINVAL);
	KUNIT_EXPECT_EQ(test, holt_wal_encode_pad(buf, 44, 1, 1, 1,
						  HOLT_KW_STORE), -EINVAL);
	/* a durable mark above the record's own LSN */
	KUNIT_EXPECT_EQ(test, holt_wal_encode_pad(buf, 64, 5, 6, 1,
						  HOLT_KW_STORE), 64);
	KUNIT_EXPECT_EQ(test, holt_wal_decode(buf, 64, HOLT_KW_STORE, &rec,
					      &why), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, why, HOLT_WAL_W_DURABLE);
}

/* ---- bit flips ---- */

struct holt_kw_flip {
	const char *name;
	u32 bit;
	enum holt_wal_why why;
};

static const struct holt_kw_flip holt_kw_flip_cases[] = {
	{ "magic bit 0", 0, HOLT_WAL_W_MAGIC },
	{ "magic bit 31", 31, HOLT_WAL_W_MAGIC },
	{ "version", 32, HOLT_WAL_W_HCRC },
	{ "type", 40, HOLT_WAL_W_HCRC },
	{ "length", 64 + 3, HOLT_WAL_W_HCRC },
	{ "payload crc", 96 + 5, HOLT_WAL_W_HCRC },
	{ "lsn", 128, HOLT_WAL_W_HCRC },
	{ "epoch", 192 + 1, HOLT_WAL_W_HCRC },
	{ "durable mark", 224 + 3, HOLT_WAL_W_HCRC },
	{ "durable mark high bit", 287, HOLT_WAL_W_HCRC },
	{ "last header bit", 319, HOLT_WAL_W_HCRC },
	{ "op header", 320, HOLT_WAL_W_PCRC },
	{ "key byte", (40 + 24) * 8 + 2, HOLT_WAL_W_PCRC },
	{ "last value bit", 72 * 8 - 1, HOLT_WAL_W_PCRC },
};

static void holt_kw_flip_desc(const struct holt_kw_flip *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(holt_kw_flip, holt_kw_flip_cases, holt_kw_flip_desc);

static void holt_wal_bit_flip_test(struct kunit *test)
{
	const struct holt_kw_flip *c = test->param_value;
	const struct holt_kw_rt *put = &holt_kw_rt_cases[0];
	u8 *buf = kunit_kzalloc(test, 72, GFP_KERNEL);
	struct holt_wal_rec rec;
	enum holt_wal_why why = HOLT_WAL_OK;
	int n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	n = holt_kw_build(buf, 72, put->type, put->ops, put->nr);
	KUNIT_ASSERT_EQ(test, n, 72);
	holt_wal_seal(buf, 1000, 999, 2, HOLT_KW_STORE);
	KUNIT_ASSERT_EQ(test, holt_wal_decode(buf, n, HOLT_KW_STORE, &rec,
					      &why), 0);
	buf[c->bit / 8] ^= 1u << (c->bit % 8);
	KUNIT_EXPECT_EQ(test, holt_wal_decode(buf, n, HOLT_KW_STORE, &rec,
					      &why), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, why, c->why);
}

/* ---- a log image and scans of it ---- */

struct holt_kw_log {
	u8 *img;
	u64 mark;			/* durable mark of the next records */
	u32 off;			/* where the next record goes */
	u32 nr;
	u32 roff[HOLT_KW_MAXREC];	/* offset of each record */
	u32 rsize[HOLT_KW_MAXREC];
	u64 rlsn[HOLT_KW_MAXREC];
	u8 rtype[HOLT_KW_MAXREC];
};

static struct holt_kw_log *holt_kw_log_new(struct kunit *test)
{
	struct holt_kw_log *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, l);
	l->img = kunit_kzalloc(test, HOLT_KW_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l->img);
	return l;
}

/* Appends a PUT of tree @tree, version @version, as LSN @lsn, epoch @epoch. */
static void holt_kw_put(struct kunit *test, struct holt_kw_log *l, u64 lsn,
			u32 epoch, u32 tree, u64 version)
{
	struct holt_wal_op op = { .kind = HOLT_WAL_PUT, .tree = tree,
		.version = version, .a = (const u8 *)"key", .alen = 3,
		.b = (const u8 *)"value", .blen = 5 };
	int n;

	KUNIT_ASSERT_LT(test, l->nr, (u32)HOLT_KW_MAXREC);
	n = holt_kw_build(l->img + l->off, HOLT_KW_LEN - l->off, HOLT_WAL_PUT,
			  &op, 1);
	KUNIT_ASSERT_EQ(test, n, 72);
	holt_wal_seal(l->img + l->off, lsn, min(l->mark, lsn), epoch,
		      HOLT_KW_STORE);
	l->roff[l->nr] = l->off;
	l->rsize[l->nr] = n;
	l->rlsn[l->nr] = lsn;
	l->rtype[l->nr] = HOLT_WAL_PUT;
	l->nr++;
	l->off += n;
}

static void holt_kw_pad(struct kunit *test, struct holt_kw_log *l, u64 lsn,
			u32 epoch, u32 size)
{
	KUNIT_ASSERT_LT(test, l->nr, (u32)HOLT_KW_MAXREC);
	KUNIT_ASSERT_EQ(test, holt_wal_encode_pad(l->img + l->off, size, lsn,
						  min(l->mark, lsn), epoch,
						  HOLT_KW_STORE),
			(int)size);
	l->roff[l->nr] = l->off;
	l->rsize[l->nr] = size;
	l->rlsn[l->nr] = lsn;
	l->rtype[l->nr] = HOLT_WAL_PAD;
	l->nr++;
	l->off += size;
}

/* What the scan callback saw. */
struct holt_kw_seen {
	u32 nr;
	u64 lsn[HOLT_KW_MAXREC];
	u8 type[HOLT_KW_MAXREC];
	u64 version[HOLT_KW_MAXREC];
	u32 tree[HOLT_KW_MAXREC];
};

static int holt_kw_seen_fn(void *ctx, const struct holt_wal_rec *rec)
{
	struct holt_kw_seen *s = ctx;
	struct holt_wal_op op = { 0 };
	u32 pos = 0;

	if (s->nr >= HOLT_KW_MAXREC)
		return -E2BIG;
	if (holt_wal_rec_op(rec, &pos, &op) != 1)
		return -EBADMSG;
	s->lsn[s->nr] = rec->lsn;
	s->type[s->nr] = rec->type;
	s->version[s->nr] = op.version;
	s->tree[s->nr] = op.tree;
	s->nr++;
	return 0;
}

static void holt_kw_scan(struct kunit *test, struct holt_kw_log *l,
			 u32 epoch_max, struct holt_wal_scan *s,
			 struct holt_kw_seen *seen)
{
	memset(s, 0, sizeof(*s));
	memset(seen, 0, sizeof(*seen));
	s->wal_len = HOLT_KW_LEN;
	s->start_off = 0;
	s->start_lsn = 1;
	s->epoch_max = epoch_max;
	s->store = HOLT_KW_STORE;
	KUNIT_ASSERT_EQ(test, holt_wal_scan_image(s, l->img, holt_kw_seen_fn,
						  seen), 0);
}

/* Records applied in log order, PAD skipped but counted; tail found. */
static void holt_wal_replay_order_test(struct kunit *test)
{
	struct holt_kw_log *l = holt_kw_log_new(test);
	struct holt_wal_scan s;
	struct holt_kw_seen *seen = kunit_kzalloc(test, sizeof(*seen),
						  GFP_KERNEL);
	static const u64 want_lsn[] = { 1, 2, 4, 5, 6 };
	static const u64 want_ver[] = { 10, 12, 11, 30, 31 };
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	holt_kw_put(test, l, 1, 1, 0, 10);
	holt_kw_put(test, l, 2, 1, 1, 12);
	holt_kw_pad(test, l, 3, 1, 128);
	holt_kw_put(test, l, 4, 1, 2, 11);	/* versions need not rise */
	holt_kw_put(test, l, 5, 2, 3, 30);	/* a later session */
	holt_kw_put(test, l, 6, 2, 4, 31);
	holt_kw_scan(test, l, 2, &s, seen);
	KUNIT_ASSERT_EQ(test, seen->nr, 5u);
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_EQ(test, seen->lsn[i], want_lsn[i]);
		KUNIT_EXPECT_EQ(test, seen->version[i], want_ver[i]);
		KUNIT_EXPECT_EQ(test, seen->type[i], (u8)HOLT_WAL_PUT);
		KUNIT_EXPECT_EQ(test, seen->tree[i], (u32)(i == 0 ? 0 : i));
	}
	KUNIT_EXPECT_EQ(test, s.records, 6ull);
	KUNIT_EXPECT_EQ(test, s.bytes, (u64)l->off);
	KUNIT_EXPECT_EQ(test, s.end_off, (u64)l->off);
	KUNIT_EXPECT_EQ(test, s.end_lsn, 7ull);
	KUNIT_EXPECT_EQ(test, s.end_epoch, 2u);
	KUNIT_EXPECT_EQ(test, s.max_version, 31ull);
	KUNIT_EXPECT_EQ(test, s.why, HOLT_WAL_W_MAGIC);

	/* Replay starting at a checkpoint position skips what is before. */
	memset(&s, 0, sizeof(s));
	memset(seen, 0, sizeof(*seen));
	s.wal_len = HOLT_KW_LEN;
	s.start_off = l->roff[3];
	s.start_lsn = 4;
	s.epoch_max = 2;
	s.store = HOLT_KW_STORE;
	KUNIT_ASSERT_EQ(test, holt_wal_scan_image(&s, l->img, holt_kw_seen_fn,
						  seen), 0);
	KUNIT_ASSERT_EQ(test, seen->nr, 3u);
	KUNIT_EXPECT_EQ(test, seen->lsn[0], 4ull);
	KUNIT_EXPECT_EQ(test, seen->lsn[2], 6ull);
	KUNIT_EXPECT_EQ(test, s.end_lsn, 7ull);
}

/* A torn last record: stale bytes (0xa5) from offset @at of record 3 on. */
struct holt_kw_torn {
	const char *name;
	u32 at;
	enum holt_wal_why why;
};

static const struct holt_kw_torn holt_kw_torn_cases[] = {
	{ "nothing written", 0, HOLT_WAL_W_MAGIC },
	{ "1 byte", 1, HOLT_WAL_W_MAGIC },
	{ "magic only", 4, HOLT_WAL_W_HCRC },
	{ "up to length", 8, HOLT_WAL_W_HCRC },
	{ "up to lsn", 16, HOLT_WAL_W_HCRC },
	{ "up to the mark", 32, HOLT_WAL_W_HCRC },
	{ "header only", 40, HOLT_WAL_W_PCRC },
	{ "op header only", 64, HOLT_WAL_W_PCRC },
	{ "all but one byte", 71, HOLT_WAL_W_PCRC },
};

static void holt_kw_torn_desc(const struct holt_kw_torn *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(holt_kw_torn, holt_kw_torn_cases, holt_kw_torn_desc);

static void holt_wal_torn_tail_test(struct kunit *test)
{
	const struct holt_kw_torn *c = test->param_value;
	struct holt_kw_log *l = holt_kw_log_new(test);
	struct holt_kw_seen *seen = kunit_kzalloc(test, sizeof(*seen),
						  GFP_KERNEL);
	struct holt_wal_scan s;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	holt_kw_put(test, l, 1, 1, 0, 5);
	holt_kw_put(test, l, 2, 1, 1, 6);
	holt_kw_put(test, l, 3, 1, 2, 7);
	/* Whole: three records. */
	holt_kw_scan(test, l, 1, &s, seen);
	KUNIT_ASSERT_EQ(test, seen->nr, 3u);
	/* Torn: the first two only, and the tail is where the third began. */
	memset(l->img + l->roff[2] + c->at, 0xa5, l->rsize[2] - c->at);
	holt_kw_scan(test, l, 1, &s, seen);
	KUNIT_EXPECT_EQ(test, seen->nr, 2u);
	KUNIT_EXPECT_EQ(test, seen->lsn[1], 2ull);
	KUNIT_EXPECT_EQ(test, s.records, 2ull);
	KUNIT_EXPECT_EQ(test, s.end_off, (u64)l->roff[2]);
	KUNIT_EXPECT_EQ(test, s.end_lsn, 3ull);
	KUNIT_EXPECT_EQ(test, s.max_version, 6ull);
	KUNIT_EXPECT_EQ(test, s.why, c->why);
}

/* Record 3 of 4 carries a wrong LSN or epoch: the scan stops before it. */
struct holt_kw_stale {
	const char *name;
	u64 lsn3;
	u32 epoch3;
	u32 epoch_max;
	enum holt_wal_why why;
	u32 seen;
};

static const struct holt_kw_stale holt_kw_stale_cases[] = {
	{ "in order", 3, 2, 2, HOLT_WAL_W_MAGIC, 4 },
	{ "previous lap lsn", 1, 2, 2, HOLT_WAL_W_STALE_LSN, 2 },
	{ "lsn gap", 4, 2, 2, HOLT_WAL_W_GAP, 2 },
	{ "stale epoch", 3, 1, 2, HOLT_WAL_W_STALE_EPOCH, 2 },
	{ "future epoch", 3, 3, 2, HOLT_WAL_W_FUTURE_EPOCH, 2 },
};

static void holt_kw_stale_desc(const struct holt_kw_stale *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(holt_kw_stale, holt_kw_stale_cases, holt_kw_stale_desc);

static void holt_wal_stale_test(struct kunit *test)
{
	const struct holt_kw_stale *c = test->param_value;
	struct holt_kw_log *l = holt_kw_log_new(test);
	struct holt_kw_seen *seen = kunit_kzalloc(test, sizeof(*seen),
						  GFP_KERNEL);
	struct holt_wal_scan s;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	holt_kw_put(test, l, 1, 2, 0, 5);
	holt_kw_put(test, l, 2, 2, 1, 6);
	holt_kw_put(test, l, c->lsn3, c->epoch3, 2, 7);
	holt_kw_put(test, l, c->lsn3 + 1, c->epoch3, 3, 8);
	holt_kw_scan(test, l, c->epoch_max, &s, seen);
	KUNIT_EXPECT_EQ(test, seen->nr, c->seen);
	KUNIT_EXPECT_EQ(test, s.why, c->why);
	KUNIT_EXPECT_EQ(test, s.end_off, (u64)l->roff[0] + 72 * c->seen);
	KUNIT_EXPECT_EQ(test, s.end_lsn, 1ull + c->seen);
	KUNIT_EXPECT_EQ(test, s.end_epoch, 2u);
	KUNIT_EXPECT_EQ(test, s.max_version, 4ull + c->seen);
}

/* ---- damage in the middle of the log, or a torn tail ---- */

/* The pure decision: a record found past the tail, judged. */
struct holt_kw_judge {
	const char *name;
	u64 tail;
	u32 epoch;
	u64 lsn;
	u64 mark;
	u32 rec_epoch;
	enum holt_wal_tail want;
};

static const struct holt_kw_judge holt_kw_judge_cases[] = {
	{ "mark covers the tail", 10, 3, 12, 11, 3, HOLT_WAL_TAIL_DAMAGED },
	{ "mark far above", 10, 3, 900, 800, 3, HOLT_WAL_TAIL_DAMAGED },
	{ "mark at the tail (same commit)", 10, 3, 12, 10, 3,
	  HOLT_WAL_TAIL_TORN },
	{ "mark below the tail", 10, 3, 12, 4, 3, HOLT_WAL_TAIL_TORN },
	{ "the damaged record itself", 10, 3, 10, 10, 3,
	  HOLT_WAL_TAIL_CLEAN },
	{ "previous lap", 10, 3, 7, 7, 3, HOLT_WAL_TAIL_CLEAN },
	{ "older session", 10, 3, 12, 12, 2, HOLT_WAL_TAIL_CLEAN },
	{ "newer session", 10, 3, 12, 12, 4, HOLT_WAL_TAIL_CLEAN },
	{ "empty replay", 1, 1, 2, 2, 1, HOLT_WAL_TAIL_DAMAGED },
};

static void holt_kw_judge_desc(const struct holt_kw_judge *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(holt_kw_judge, holt_kw_judge_cases, holt_kw_judge_desc);

static void holt_wal_judge_test(struct kunit *test)
{
	const struct holt_kw_judge *c = test->param_value;
	struct holt_wal_rec rec = { .lsn = c->lsn, .durable = c->mark,
				    .epoch = c->rec_epoch };

	KUNIT_EXPECT_EQ(test, holt_wal_judge(c->tail, c->epoch, &rec),
			c->want);
}

/*
 * A log of records 1..3 (epoch 2), record 3 damaged, then @after records
 * of epoch @epoch carrying durable mark @mark: the scan stops at 3, the
 * probe tells damage from a torn tail.
 */
struct holt_kw_dmg {
	const char *name;
	u32 after;
	u64 mark;
	u32 epoch;
	enum holt_wal_tail want;
};

static const struct holt_kw_dmg holt_kw_dmg_cases[] = {
	{ "nothing after", 0, 0, 2, HOLT_WAL_TAIL_CLEAN },
	{ "torn commit (mark 3)", 2, 3, 2, HOLT_WAL_TAIL_TORN },
	{ "torn commit (mark 1)", 3, 1, 2, HOLT_WAL_TAIL_TORN },
	{ "later commit (mark 4)", 1, 4, 2, HOLT_WAL_TAIL_DAMAGED },
	{ "later commits (mark 6)", 4, 6, 2, HOLT_WAL_TAIL_DAMAGED },
	{ "older session's leftovers", 3, 6, 1, HOLT_WAL_TAIL_CLEAN },
};

static void holt_kw_dmg_desc(const struct holt_kw_dmg *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(holt_kw_dmg, holt_kw_dmg_cases, holt_kw_dmg_desc);

static int holt_kw_read(void *ctx, u64 off, void *buf, u32 len)
{
	if (off > HOLT_KW_LEN || len > HOLT_KW_LEN - off)
		return -EINVAL;
	memcpy(buf, (const u8 *)ctx + off, len);
	return 0;
}

static void holt_wal_damage_test(struct kunit *test)
{
	const struct holt_kw_dmg *c = test->param_value;
	struct holt_kw_log *l = holt_kw_log_new(test);
	struct holt_kw_seen *seen = kunit_kzalloc(test, sizeof(*seen),
						  GFP_KERNEL);
	struct holt_wal_probe pr;
	struct holt_wal_scan s;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	l->mark = 1;
	for (i = 1; i <= 3; i++)
		holt_kw_put(test, l, i, 2, i, 10 + i);
	l->mark = c->mark;
	for (i = 0; i < c->after; i++)
		holt_kw_put(test, l, 4 + i, c->epoch, 0, 20 + i);
	/* the whole log scans; nothing past its end */
	holt_kw_scan(test, l, 2, &s, seen);
	KUNIT_ASSERT_EQ(test, holt_wal_probe(&s, holt_kw_read, l->img, &pr),
			0);
	KUNIT_EXPECT_EQ(test, pr.verdict, HOLT_WAL_TAIL_CLEAN);
	/* one payload byte of record 3 flipped */
	l->img[l->roff[2] + l->rsize[2] - 3] ^= 0x08;
	holt_kw_scan(test, l, 2, &s, seen);
	KUNIT_EXPECT_EQ(test, seen->nr, 2u);
	KUNIT_EXPECT_EQ(test, s.end_lsn, 3ull);
	KUNIT_EXPECT_EQ(test, s.why, HOLT_WAL_W_PCRC);
	KUNIT_ASSERT_EQ(test, holt_wal_probe(&s, holt_kw_read, l->img, &pr),
			0);
	KUNIT_EXPECT_EQ(test, pr.verdict, c->want);
	if (c->want != HOLT_WAL_TAIL_CLEAN) {
		KUNIT_EXPECT_EQ(test, pr.lsn, 4ull);
		KUNIT_EXPECT_EQ(test, pr.off, (u64)l->roff[3]);
		KUNIT_EXPECT_EQ(test, pr.durable, min_t(u64, c->mark, 4));
	}
}

static struct kunit_case holt_wal_cases[] = {
	KUNIT_CASE_PARAM(holt_wal_roundtrip_test, holt_kw_rt_gen_params),
	KUNIT_CASE(holt_wal_pad_test),
	KUNIT_CASE_PARAM(holt_wal_bit_flip_test, holt_kw_flip_gen_params),
	KUNIT_CASE(holt_wal_replay_order_test),
	KUNIT_CASE_PARAM(holt_wal_torn_tail_test, holt_kw_torn_gen_params),
	KUNIT_CASE_PARAM(holt_wal_stale_test, holt_kw_stale_gen_params),
	KUNIT_CASE_PARAM(holt_wal_judge_test, holt_kw_judge_gen_params),
	KUNIT_CASE_PARAM(holt_wal_damage_test, holt_kw_dmg_gen_params),
	{}
};

static struct kunit_suite holt_wal_suite = {
	.name = "holt_wal",
	.test_cases = holt_wal_cases,
};

kunit_test_suite(holt_wal_suite);
