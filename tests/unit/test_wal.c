// SPDX-License-Identifier: GPL-2.0
/*
 * test_wal.c - write-ahead log records and the log scan.
 *
 * The oracle is a model writer (struct tlog) that appends random records to
 * a small circular region exactly as the kernel writer is specified to
 * (PAD to the region end when a record does not fit, PAD to a sector at
 * each commit, checkpoints that move the replay start), and remembers the
 * records appended since the last checkpoint.  Every scan must hand back
 * exactly those records, in order, and stop exactly at the writer's head,
 * over many laps of stale records; torn writes of the last record at every
 * byte, lost sectors of the last commit, stale records of an earlier
 * session, records of another store, bit flips and random damage must stop
 * the scan at the right place or be refused.
 */
#include "port.h"
#include "super.h"
#include "wal.h"
#include "harness.h"

#define STORE	0x5eed1234u
#define POOL	(1u << 18)

static u8 pool[POOL];			/* random bytes keys are cut from */
static u8 recbuf[HOLT_WAL_REC_MAX];
static u8 rec2[HOLT_WAL_REC_MAX];

/* ---- building records from op descriptions ---- */

static int add_op(struct holt_wal_builder *b, const struct holt_wal_op *op)
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

static int build(u8 *buf, u32 cap, u8 type, const struct holt_wal_op *ops,
		 u32 nr)
{
	struct holt_wal_builder b;
	u32 i;

	holt_wal_build_begin(&b, buf, cap, type);
	for (i = 0; i < nr; i++)
		add_op(&b, &ops[i]);
	return holt_wal_build_end(&b);
}

static void check_ops(const struct holt_wal_rec *rec,
		      const struct holt_wal_op *ops, u32 nr)
{
	struct holt_wal_op op;
	u32 pos = 0, i;

	CHECK_EQ(rec->nr_ops, nr);
	for (i = 0; i < nr; i++) {
		CHECK_EQ(holt_wal_rec_op(rec, &pos, &op), 1);
		CHECK_EQ(op.kind, ops[i].kind);
		CHECK_EQ(op.flags, ops[i].flags);
		CHECK_EQ(op.tree, ops[i].tree);
		CHECK_EQ(op.version, ops[i].version);
		CHECK_MEM(op.a, op.alen, ops[i].a, ops[i].alen);
		CHECK_MEM(op.b, op.blen, ops[i].b, ops[i].blen);
	}
	CHECK_EQ(holt_wal_rec_op(rec, &pos, &op), 0);
}

/* Decode from an exactly sized heap copy, so ASan sees any over-read. */
static int decode_exact(const u8 *src, u32 avail, u32 store,
			struct holt_wal_rec *rec, enum holt_wal_why *why,
			u8 **keep)
{
	u8 *copy = malloc(avail ? avail : 1);
	int err;

	CHECK(copy != NULL, "malloc");
	memcpy(copy, src, avail);
	err = holt_wal_decode(copy, avail, store, rec, why);
	if (keep)
		*keep = copy;
	else
		free(copy);
	return err;
}

/* A random op of @kind; keys and values point into the pool. */
static void rand_op(struct holt_wal_op *op, u8 kind, u32 big)
{
	u32 kmax = big ? 1500 : 48;
	u32 vmax = big ? 4000 : 160;

	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->tree = rnd(4);
	op->version = 1 + rnd64() % 1000000;
	switch (kind) {
	case HOLT_WAL_PUT:
		op->alen = 1 + rnd(kmax);
		op->blen = rnd(vmax + 1);
		break;
	case HOLT_WAL_DEL:
		op->alen = 1 + rnd(kmax);
		op->version = rnd(2) ? op->version : 0;
		break;
	case HOLT_WAL_RENAME:
		op->alen = 1 + rnd(kmax);
		op->blen = 1 + rnd(kmax);
		op->flags = rnd(2) ? HOLT_WAL_F_FORCE : 0;
		break;
	case HOLT_WAL_TREE_CREATE:
		op->alen = 1 + rnd(HOLT_WAL_NAME_MAX);
		op->a = (const u8 *)"abcdefghijklmnopqrstuvwxyz0123456789"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ_-.";
		return;
	case HOLT_WAL_SEQ:
		op->tree = 0;
		return;
	default:
		return;
	}
	op->a = pool + rnd(POOL - op->alen);
	op->b = pool + rnd(POOL - op->blen);
}

/* A random record into @buf; returns its size.  @ops receives its ops. */
static int rand_record(u8 *buf, u32 cap, struct holt_wal_op *ops, u32 *nr,
		       u8 *type, u32 big)
{
	static const u8 kinds[] = { HOLT_WAL_PUT, HOLT_WAL_DEL,
				    HOLT_WAL_RENAME };
	u32 r = rnd(100), i;

	*nr = 1;
	if (r < 55)
		*type = HOLT_WAL_PUT;
	else if (r < 70)
		*type = HOLT_WAL_DEL;
	else if (r < 80)
		*type = HOLT_WAL_RENAME;
	else if (r < 93)
		*type = HOLT_WAL_BATCH;
	else if (r < 96)
		*type = HOLT_WAL_TREE_CREATE;
	else if (r < 98)
		*type = HOLT_WAL_TREE_DROP;
	else
		*type = HOLT_WAL_SEQ;
	if (*type == HOLT_WAL_BATCH) {
		/*
		 * A log must hold two of its largest records (a PAD to the
		 * end and the record): keep big batches small.
		 */
		*nr = 1 + rnd(big ? 2 : 6);
		for (i = 0; i < *nr; i++)
			rand_op(&ops[i], kinds[rnd(3)], big);
	} else {
		rand_op(&ops[0], *type, big);
	}
	return build(buf, cap, *type, ops, *nr);
}

/* ---- record encoding ---- */

static void test_roundtrip_types(void)
{
	static const u8 name[] = "photos";
	struct holt_wal_op ops[8];
	struct holt_wal_rec rec;
	enum holt_wal_why why;
	int n;

	/* One PUT, byte by byte. */
	memset(ops, 0, sizeof(ops));
	ops[0] = (struct holt_wal_op){ .kind = HOLT_WAL_PUT, .tree = 7,
		.version = 42, .a = (const u8 *)"a/b", .alen = 3,
		.b = (const u8 *)"value", .blen = 5 };
	n = build(recbuf, sizeof(recbuf), HOLT_WAL_PUT, ops, 1);
	CHECK_EQ(n, 40 + 24 + 8);
	holt_wal_seal(recbuf, 99, 97, 3, STORE);
	CHECK_MEM(recbuf, 4, "HOLW", 4);
	CHECK_EQ(recbuf[4], HOLT_WAL_VERSION);
	CHECK_EQ(recbuf[4], 2);
	CHECK_EQ(recbuf[5], HOLT_WAL_PUT);
	CHECK_EQ(holt_get_le32(recbuf + 8), n);
	CHECK_EQ(holt_get_le64(recbuf + 16), 99);
	CHECK_EQ(holt_get_le32(recbuf + 24), 3);
	CHECK_EQ(holt_get_le64(recbuf + 28), 97);
	CHECK_EQ(holt_get_le32(recbuf + 12),
		 holt_ondisk_crc(0, recbuf + 40, n - 40));
	{
		u8 seed[4];

		holt_put_le32(STORE, seed);
		CHECK_EQ(holt_get_le32(recbuf + 36),
			 holt_ondisk_crc(holt_ondisk_crc(0, seed, 4), recbuf,
					 36));
	}
	CHECK_MEM(recbuf + 40 + 24, 8, "a/bvalue", 8);
	CHECK_EQ(decode_exact(recbuf, n, STORE, &rec, &why, NULL), 0);
	/* (decode_exact freed the copy: decode again in place to look) */
	CHECK_EQ(holt_wal_decode(recbuf, n, STORE, &rec, &why), 0);
	CHECK_EQ(why, HOLT_WAL_OK);
	CHECK_EQ(rec.type, HOLT_WAL_PUT);
	CHECK_EQ(rec.len, n);
	CHECK_EQ(rec.size, n);
	CHECK_EQ(rec.lsn, 99);
	CHECK_EQ(rec.durable, 97);
	CHECK_EQ(rec.epoch, 3);
	check_ops(&rec, ops, 1);

	/* The largest key and value. */
	ops[0].alen = HOLT_WAL_KEY_MAX;
	ops[0].a = pool;
	ops[0].blen = HOLT_WAL_VAL_MAX;
	ops[0].b = pool + 1000;
	n = build(recbuf, sizeof(recbuf), HOLT_WAL_PUT, ops, 1);
	CHECK_EQ(n, 40 + 24 + ((65534 + 65535 + 7) & ~7));
	holt_wal_seal(recbuf, 1, 1, 1, STORE);
	CHECK_EQ(holt_wal_decode(recbuf, n, STORE, &rec, &why), 0);
	check_ops(&rec, ops, 1);

	/* Every other type. */
	ops[0] = (struct holt_wal_op){ .kind = HOLT_WAL_DEL, .tree = 1,
		.version = 0, .a = (const u8 *)"k", .alen = 1 };
	n = build(recbuf, sizeof(recbuf), HOLT_WAL_DEL, ops, 1);
	CHECK_EQ(n, 40 + 24 + 8);
	holt_wal_seal(recbuf, 5, 1, 1, STORE);
	CHECK_EQ(holt_wal_decode(recbuf, n, STORE, &rec, &why), 0);
	check_ops(&rec, ops, 1);

	ops[0] = (struct holt_wal_op){ .kind = HOLT_WAL_RENAME, .tree = 2,
		.flags = HOLT_WAL_F_FORCE, .version = 77,
		.a = (const u8 *)"src", .alen = 3,
		.b = (const u8 *)"dst/x", .blen = 5 };
	n = build(recbuf, sizeof(recbuf), HOLT_WAL_RENAME, ops, 1);
	holt_wal_seal(recbuf, 6, 6, 1, STORE);
	CHECK_EQ(holt_wal_decode(recbuf, n, STORE, &rec, &why), 0);
	CHECK_EQ(rec.type, HOLT_WAL_RENAME);
	check_ops(&rec, ops, 1);

	ops[0] = (struct holt_wal_op){ .kind = HOLT_WAL_TREE_CREATE,
		.tree = 9, .version = 3, .a = name, .alen = 6 };
	n = build(recbuf, sizeof(recbuf), HOLT_WAL_TREE_CREATE, ops, 1);
	holt_wal_seal(recbuf, 7, 7, 1, STORE);
	CHECK_EQ(holt_wal_decode(recbuf, n, STORE, &rec, &why), 0);
	check_ops(&rec, ops, 1);

	ops[0] = (struct holt_wal_op){ .kind = HOLT_WAL_TREE_DROP, .tree = 9,
		.version = 4 };
	n = build(recbuf, sizeof(recbuf), HOLT_WAL_TREE_DROP, ops, 1);
	CHECK_EQ(n, 40 + 24);
	holt_wal_seal(recbuf, 8, 1, 1, STORE);
	CHECK_EQ(holt_wal_decode(recbuf, n, STORE, &rec, &why), 0);
	check_ops(&rec, ops, 1);

	ops[0] = (struct holt_wal_op){ .kind = HOLT_WAL_SEQ,
		.version = 1ull << 40 };
	n = build(recbuf, sizeof(recbuf), HOLT_WAL_SEQ, ops, 1);
	holt_wal_seal(recbuf, 9, 9, 1, STORE);
	CHECK_EQ(holt_wal_decode(recbuf, n, STORE, &rec, &why), 0);
	check_ops(&rec, ops, 1);

	/* A batch of every data kind, cross-tree. */
	ops[0] = (struct holt_wal_op){ .kind = HOLT_WAL_PUT, .tree = 0,
		.version = 10, .a = (const u8 *)"x", .alen = 1,
		.b = (const u8 *)"", .blen = 0 };
	ops[1] = (struct holt_wal_op){ .kind = HOLT_WAL_DEL, .tree = 1,
		.version = 11, .a = (const u8 *)"yy", .alen = 2 };
	ops[2] = (struct holt_wal_op){ .kind = HOLT_WAL_RENAME, .tree = 2,
		.version = 12, .a = (const u8 *)"p", .alen = 1,
		.b = (const u8 *)"q", .blen = 1 };
	n = build(recbuf, sizeof(recbuf), HOLT_WAL_BATCH, ops, 3);
	CHECK_EQ(n, 40 + 8 + 32 + 32 + 32);
	CHECK_EQ(holt_get_le32(recbuf + 40), 3);
	holt_wal_seal(recbuf, 10, 10, 2, STORE);
	CHECK_EQ(holt_wal_decode(recbuf, n, STORE, &rec, &why), 0);
	CHECK_EQ(rec.type, HOLT_WAL_BATCH);
	check_ops(&rec, ops, 3);

	/* PAD records of the smallest and a large size. */
	CHECK_EQ(holt_wal_encode_pad(recbuf, 40, 11, 5, 2, STORE), 40);
	CHECK_EQ(holt_wal_decode(recbuf, 40, STORE, &rec, &why), 0);
	CHECK_EQ(rec.type, HOLT_WAL_PAD);
	CHECK_EQ(rec.nr_ops, 0);
	CHECK_EQ(rec.durable, 5);
	CHECK_EQ(holt_wal_encode_pad(recbuf, 4096, 12, 12, 2, STORE), 4096);
	CHECK_EQ(holt_wal_decode(recbuf, 4096, STORE, &rec, &why), 0);
	CHECK_EQ(rec.lsn, 12);
	CHECK_EQ(holt_wal_encode_pad(recbuf, 32, 1, 1, 1, STORE), -EINVAL);
	CHECK_EQ(holt_wal_encode_pad(recbuf, 44, 1, 1, 1, STORE), -EINVAL);
	CHECK_EQ(holt_wal_encode_pad(recbuf, HOLT_WAL_REC_MAX + 8, 1, 1, 1,
				     STORE), -EINVAL);
	/* A mark above the record's own LSN is refused. */
	CHECK_EQ(holt_wal_encode_pad(recbuf, 64, 12, 13, 2, STORE), 64);
	CHECK_EQ(holt_wal_decode(recbuf, 64, STORE, &rec, &why), -EUCLEAN);
	CHECK_EQ(why, HOLT_WAL_W_DURABLE);

	/* Random records of every shape. */
	for (n = 0; n < 3000; n++) {
		struct holt_wal_op rops[8];
		u32 nr;
		u8 type;
		int size;

		harness_step = n;
		size = rand_record(recbuf, sizeof(recbuf), rops, &nr, &type,
				   n & 1);
		CHECK(size > 0, "build %d", size);
		holt_wal_seal(recbuf, n + 1, n + 1, 1, STORE);
		CHECK_EQ(holt_wal_decode(recbuf, size, STORE, &rec, &why), 0);
		CHECK_EQ(rec.type, type);
		check_ops(&rec, rops, nr);
	}
	harness_case_ok();
}

static void test_builder_errors(void)
{
	struct holt_wal_builder b;
	u8 small[72];
	u32 i;

	/* Bad ops. */
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_PUT);
	CHECK_EQ(holt_wal_build_put(&b, 0, pool, 0, pool, 1, 1), -EINVAL);
	CHECK_EQ(holt_wal_build_end(&b), -EINVAL);	/* sticky */
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_PUT);
	CHECK_EQ(holt_wal_build_put(&b, 0, pool, 65535, pool, 1, 1), -E2BIG);
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_PUT);
	CHECK_EQ(holt_wal_build_put(&b, 0, pool, 1, pool, 65536, 1), -E2BIG);
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_PUT);
	CHECK_EQ(holt_wal_build_put(&b, 0, pool, 1, pool, 1, 0), -EINVAL);
	/* A second op in a single-op record, an op of the wrong kind. */
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_PUT);
	CHECK_EQ(holt_wal_build_put(&b, 0, pool, 1, pool, 1, 1), 0);
	CHECK_EQ(holt_wal_build_put(&b, 0, pool, 1, pool, 1, 2), -EINVAL);
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_PUT);
	CHECK_EQ(holt_wal_build_del(&b, 0, pool, 1, 1), -EINVAL);
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_BATCH);
	CHECK_EQ(holt_wal_build_tree_drop(&b, 1, 1), -EINVAL);
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_BATCH);
	CHECK_EQ(holt_wal_build_seq(&b, 5), -EINVAL);
	/* No ops at all. */
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_BATCH);
	CHECK_EQ(holt_wal_build_end(&b), -EINVAL);
	/* PAD and unknown types are not built this way. */
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_PAD);
	CHECK_EQ(holt_wal_build_end(&b), -EINVAL);
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), __HOLT_WAL_TYPE_END);
	CHECK_EQ(holt_wal_build_end(&b), -EINVAL);
	/* Tree names. */
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_TREE_CREATE);
	CHECK_EQ(holt_wal_build_tree_create(&b, 1, (const u8 *)"a\0b", 3, 1),
		 -EINVAL);
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_TREE_CREATE);
	CHECK_EQ(holt_wal_build_tree_create(&b, 1, pool, 64, 1), -E2BIG);
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_TREE_CREATE);
	CHECK_EQ(holt_wal_build_tree_create(&b, 1, pool, 0, 1), -EINVAL);
	/* Renames need both keys and a version; SEQ needs a high-water. */
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_RENAME);
	CHECK_EQ(holt_wal_build_rename(&b, 1, pool, 1, pool, 0, 0, 1),
		 -EINVAL);
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_RENAME);
	CHECK_EQ(holt_wal_build_rename(&b, 1, pool, 1, pool, 1, 0, 0),
		 -EINVAL);
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_SEQ);
	CHECK_EQ(holt_wal_build_seq(&b, 0), -EINVAL);
	/* Buffer too small: -ENOSPC; record too large: -E2BIG. */
	holt_wal_build_begin(&b, small, 16, HOLT_WAL_PUT);
	CHECK_EQ(holt_wal_build_end(&b), -ENOSPC);
	holt_wal_build_begin(&b, small, sizeof(small), HOLT_WAL_PUT);
	CHECK_EQ(holt_wal_build_put(&b, 0, pool, 9, pool, 0, 1), -ENOSPC);
	holt_wal_build_begin(&b, small, sizeof(small), HOLT_WAL_PUT);
	CHECK_EQ(holt_wal_build_put(&b, 0, pool, 8, pool, 0, 1), 0);
	CHECK_EQ(holt_wal_build_end(&b), 72);
	holt_wal_build_begin(&b, recbuf, sizeof(recbuf), HOLT_WAL_BATCH);
	for (i = 0; i < 100 && !b.err; i++)
		holt_wal_build_put(&b, 0, pool, 60000, pool, 60000, i + 1);
	CHECK_EQ(b.err, -E2BIG);
	CHECK_EQ(i, 9);		/* the 9th op of ~120 KB overflows 1 MiB */
	CHECK_EQ(holt_wal_build_end(&b), -E2BIG);
	harness_case_ok();
}

static void test_truncation(void)
{
	struct holt_wal_op ops[8];
	struct holt_wal_rec rec;
	enum holt_wal_why why;
	u32 nr, avail;
	u8 type;
	int size;

	size = rand_record(recbuf, sizeof(recbuf), ops, &nr, &type, 0);
	holt_wal_seal(recbuf, 1, 1, 1, STORE);
	for (avail = 0; avail < (u32)size; avail++) {
		harness_step = avail;
		CHECK_EQ(decode_exact(recbuf, avail, STORE, &rec, &why, NULL),
			 -EUCLEAN);
		CHECK_EQ(why, HOLT_WAL_W_SHORT);
	}
	CHECK_EQ(decode_exact(recbuf, size, STORE, &rec, &why, NULL), 0);
	harness_case_ok();
}

static void test_bit_flips(void)
{
	struct holt_wal_op ops[8];
	struct holt_wal_rec rec;
	enum holt_wal_why why, want;
	u32 nr, bit, i;
	u8 type;
	int size;

	for (i = 0; i < 6; i++) {
		size = rand_record(recbuf, sizeof(recbuf), ops, &nr, &type, 0);
		holt_wal_seal(recbuf, 1000 + i, 1000 + i, 2, STORE);
		for (bit = 0; bit < (u32)size * 8; bit++) {
			harness_step = bit;
			memcpy(rec2, recbuf, size);
			rec2[bit / 8] ^= 1u << (bit % 8);
			CHECK_EQ(decode_exact(rec2, size, STORE, &rec, &why,
					      NULL), -EUCLEAN);
			if (bit < 32)
				want = HOLT_WAL_W_MAGIC;
			else if (bit < HOLT_WAL_HDR_SIZE * 8)
				want = HOLT_WAL_W_HCRC;
			else
				want = HOLT_WAL_W_PCRC;
			CHECK_EQ(why, want);
		}
	}
	harness_case_ok();
}

/* Recompute both checksums after a test patched a record. */
static void reseal(u8 *buf, u32 len)
{
	holt_put_le32(holt_ondisk_crc(0, buf + 40, len - 40), buf + 12);
	holt_wal_seal(buf, holt_get_le64(buf + 16), holt_get_le64(buf + 28),
		      holt_get_le32(buf + 24), STORE);
}

static void test_structure_checks(void)
{
	struct holt_wal_op ops[3];
	struct holt_wal_rec rec;
	enum holt_wal_why why;
	int n, nb;
	static u8 good[256], goodb[256];

	/* A PUT with 3 bytes of padding: key "abc", value "de". */
	ops[0] = (struct holt_wal_op){ .kind = HOLT_WAL_PUT, .tree = 1,
		.version = 5, .a = (const u8 *)"abc", .alen = 3,
		.b = (const u8 *)"de", .blen = 2 };
	n = build(good, sizeof(good), HOLT_WAL_PUT, ops, 1);
	CHECK_EQ(n, 72);
	holt_wal_seal(good, 3, 2, 1, STORE);
	/* A batch of two puts. */
	ops[1] = ops[0];
	ops[1].version = 6;
	nb = build(goodb, sizeof(goodb), HOLT_WAL_BATCH, ops, 2);
	CHECK_EQ(nb, 40 + 8 + 64);
	holt_wal_seal(goodb, 4, 4, 1, STORE);

#define PATCH(base, blen, stmt, len, want)				\
	do {								\
		u8 *r = rec2;						\
		memcpy(r, base, blen);					\
		stmt;							\
		reseal(r, len);						\
		CHECK_EQ(decode_exact(r, blen, STORE, &rec, &why, NULL), \
			 -EUCLEAN);					\
		CHECK(why == (want), "got %s", holt_wal_why_str(why));	\
	} while (0)

	PATCH(good, n, r[4] = 1, n, HOLT_WAL_W_VERSION);
	PATCH(good, n, r[4] = 3, n, HOLT_WAL_W_VERSION);
	PATCH(good, n, r[5] = 0, n, HOLT_WAL_W_TYPE);
	PATCH(good, n, r[5] = __HOLT_WAL_TYPE_END, n, HOLT_WAL_W_TYPE);
	PATCH(good, n, r[6] = 1, n, HOLT_WAL_W_TYPE);
	PATCH(good, n, holt_put_le32(24, r + 8), n, HOLT_WAL_W_LEN);
	PATCH(good, n, holt_put_le32(60, r + 8), 60, HOLT_WAL_W_LEN);
	PATCH(good, n, holt_put_le32(HOLT_WAL_REC_MAX + 8, r + 8), n,
	      HOLT_WAL_W_LEN);
	PATCH(good, n, holt_put_le32(80, r + 8), n, HOLT_WAL_W_SHORT);
	/* the durable mark above the LSN */
	PATCH(good, n, holt_put_le64(4, r + 28), n, HOLT_WAL_W_DURABLE);
	/* len 56 cuts the op short */
	PATCH(good, n, holt_put_le32(56, r + 8), 56, HOLT_WAL_W_PAYLOAD);
	/* op fields */
	PATCH(good, n, holt_put_le32(0xffffffffu, r + 40 + 16), n,
	      HOLT_WAL_W_PAYLOAD);
	PATCH(good, n, holt_put_le32(0xfffffff0u, r + 40 + 20), n,
	      HOLT_WAL_W_PAYLOAD);
	PATCH(good, n, holt_put_le32(0, r + 40 + 16), n, HOLT_WAL_W_PAYLOAD);
	PATCH(good, n, holt_put_le32(7, r + 40 + 16), n, HOLT_WAL_W_PAYLOAD);
	PATCH(good, n, r[40 + 2] = 1, n, HOLT_WAL_W_PAYLOAD);
	PATCH(good, n, r[40 + 1] = 1, n, HOLT_WAL_W_PAYLOAD);
	PATCH(good, n, r[71] = 1, n, HOLT_WAL_W_PAYLOAD);	/* padding */
	PATCH(good, n, r[40] = HOLT_WAL_DEL, n, HOLT_WAL_W_PAYLOAD);
	PATCH(good, n, r[40] = 0, n, HOLT_WAL_W_PAYLOAD);
	PATCH(good, n, holt_put_le64(0, r + 40 + 8), n, HOLT_WAL_W_PAYLOAD);
	/* the same op as a SEQ record: SEQ carries no key */
	PATCH(good, n, (r[5] = HOLT_WAL_SEQ, r[40] = HOLT_WAL_SEQ), n,
	      HOLT_WAL_W_PAYLOAD);
	/* the PUT op in a TREE_CREATE record */
	PATCH(good, n, r[5] = HOLT_WAL_TREE_CREATE, n, HOLT_WAL_W_PAYLOAD);
	/* batch header and count */
	PATCH(goodb, nb, holt_put_le32(0, r + 40), nb, HOLT_WAL_W_PAYLOAD);
	PATCH(goodb, nb, holt_put_le32(1, r + 40), nb, HOLT_WAL_W_PAYLOAD);
	PATCH(goodb, nb, holt_put_le32(3, r + 40), nb, HOLT_WAL_W_PAYLOAD);
	PATCH(goodb, nb, holt_put_le32(0xffffffffu, r + 40), nb,
	      HOLT_WAL_W_PAYLOAD);
	PATCH(goodb, nb, r[44] = 1, nb, HOLT_WAL_W_PAYLOAD);
	PATCH(goodb, nb, r[48] = HOLT_WAL_TREE_DROP, nb, HOLT_WAL_W_PAYLOAD);
	/* a batch whose length stops inside its header */
	PATCH(goodb, nb, holt_put_le32(40, r + 8), 40, HOLT_WAL_W_PAYLOAD);
#undef PATCH

	/* Another store's record: the seeded header checksum refuses it. */
	CHECK_EQ(decode_exact(good, n, STORE + 1, &rec, &why, NULL),
		 -EUCLEAN);
	CHECK_EQ(why, HOLT_WAL_W_HCRC);
	CHECK_EQ(decode_exact(good, n, STORE, &rec, &why, NULL), 0);
	CHECK(strcmp(holt_wal_why_str(HOLT_WAL_W_GAP), "valid"), "");
	CHECK(holt_wal_why_str((enum holt_wal_why)77) != NULL, "");
	harness_case_ok();
}

/* Random damage: a damaged record is refused or (never) identical. */
static void test_random_damage(void)
{
	struct holt_wal_op ops[8];
	struct holt_wal_rec rec;
	enum holt_wal_why why;
	u32 nr, i, k;
	u8 type;
	int size = 0;

	for (i = 0; i < 40000; i++) {
		u32 avail, n;

		harness_step = i;
		if (i % 64 == 0) {
			size = rand_record(recbuf, sizeof(recbuf), ops, &nr,
					   &type, 0);
			holt_wal_seal(recbuf, i, i, 1, STORE);
		}
		memcpy(rec2, recbuf, size);
		n = 1 + rnd(4);
		for (k = 0; k < n; k++)
			rec2[rnd(size)] = (u8)rnd64();
		avail = chance(1, 4) ? rnd(size + 64) : (u32)size;
		if (avail > (u32)size)
			memset(rec2 + size, (u8)rnd64(), avail - size);
		if (!decode_exact(rec2, avail, STORE, &rec, &why, NULL))
			CHECK_MEM(rec2, size, recbuf, size);
		else
			CHECK(why != HOLT_WAL_OK, "refused without reason");
	}
	/* Random bytes with a valid magic. */
	for (i = 0; i < 20000; i++) {
		for (k = 0; k < 256; k++)
			rec2[k] = (u8)rnd64();
		holt_put_le32(HOLT_WAL_MAGIC, rec2);
		CHECK_EQ(decode_exact(rec2, 1 + rnd(256), STORE, &rec, &why,
				      NULL), -EUCLEAN);
	}
	harness_case_ok();
}

/* ---- positions ---- */

static void test_positions(void)
{
	CHECK_EQ(holt_wal_next_off(4096, 0, 64), 64);
	CHECK_EQ(holt_wal_next_off(4096, 4000, 56), 4056);	/* 40 B left */
	CHECK_EQ(holt_wal_next_off(4096, 4000, 64), 0);	/* 32 B left */
	CHECK_EQ(holt_wal_next_off(4096, 4000, 72), 0);	/* 24 B left */
	CHECK_EQ(holt_wal_next_off(4096, 4064, 32), 0);
	CHECK_EQ(holt_wal_fit(4096, 4000, 96), 0);
	CHECK_EQ(holt_wal_fit(4096, 4000, 104), 96);
	CHECK_EQ(holt_wal_fit(4096, 0, 4096), 0);
	CHECK_EQ(holt_wal_fit(4096, 64, 4096), 4032);
	CHECK_EQ(holt_wal_sector_pad(8192, 0), 0);
	CHECK_EQ(holt_wal_sector_pad(8192, 512), 0);
	CHECK_EQ(holt_wal_sector_pad(8192, 8), 504);
	CHECK_EQ(holt_wal_sector_pad(8192, 472), 40);
	CHECK_EQ(holt_wal_sector_pad(8192, 480), 544);	/* 32 < a header */
	CHECK_EQ(holt_wal_sector_pad(8192, 488), 536);	/* 24 < a header */
	CHECK_EQ(holt_wal_sector_pad(8192, 8152), 40);	/* to the end */
	CHECK_EQ(holt_wal_sector_pad(8192, 8160), 0);	/* wraps anyway */
	CHECK_EQ(holt_wal_sector_pad(8192, 8176), 0);	/* wraps anyway */
	harness_case_ok();
}

static void test_head(void)
{
	struct holt_wal_place pad, rec;
	struct holt_wal_head h;

	holt_wal_head_init(&h, 8192, 0, 0, 1);
	CHECK_EQ(holt_wal_head_used(&h), 0);
	CHECK_EQ(holt_wal_head_room(&h), 8192 - HOLT_WAL_RESERVE);
	CHECK_EQ(holt_wal_head_reserve(&h, 12, &pad, &rec), -EINVAL);
	CHECK_EQ(holt_wal_head_reserve(&h, 36, &pad, &rec), -EINVAL);
	/* The largest record that fits an empty 8 KiB log. */
	CHECK_EQ(holt_wal_head_reserve(&h, 8192 - HOLT_WAL_RESERVE + 8, &pad,
				       &rec), -ENOSPC);
	CHECK_EQ(holt_wal_head_reserve(&h, 8192 - HOLT_WAL_RESERVE, &pad,
				       &rec), 0);
	CHECK_EQ(pad.size, 0);
	CHECK_EQ(rec.off, 0);
	CHECK_EQ(rec.lsn, 1);
	CHECK_EQ(h.off, 8192 - HOLT_WAL_RESERVE);
	CHECK_EQ(h.lsn, 2);
	CHECK_EQ(holt_wal_head_room(&h), 0);
	CHECK_EQ(holt_wal_head_reserve(&h, 40, &pad, &rec), -ENOSPC);
	CHECK_EQ(holt_wal_head_align(&h, &pad), 0);
	CHECK_EQ(pad.size, 0);		/* already on a sector */
	/* A checkpoint at the head frees everything. */
	holt_wal_head_release(&h, h.off);
	CHECK_EQ(holt_wal_head_used(&h), 0);
	/* 1000 bytes at 7168 leave 24, less than a header: wrap to 0. */
	CHECK_EQ(holt_wal_head_reserve(&h, 1000, &pad, &rec), 0);
	CHECK_EQ(pad.size, 0);
	CHECK_EQ(rec.off, 7168);
	CHECK_EQ(h.off, 0);
	CHECK_EQ(holt_wal_head_used(&h), 1024);

	/* A record that does not fit before the end: PAD first. */
	holt_wal_head_init(&h, 8192, 4096, 7680, 10);
	CHECK_EQ(holt_wal_head_reserve(&h, 600, &pad, &rec), 0);
	CHECK_EQ(pad.off, 7680);
	CHECK_EQ(pad.lsn, 10);
	CHECK_EQ(pad.size, 512);
	CHECK_EQ(rec.off, 0);
	CHECK_EQ(rec.lsn, 11);
	CHECK_EQ(h.off, 600);
	CHECK_EQ(h.lsn, 12);
	CHECK_EQ(holt_wal_head_used(&h), 4096 + 600);
	/* The commit ends on a sector. */
	CHECK_EQ(holt_wal_head_align(&h, &pad), 0);
	CHECK_EQ(pad.off, 600);
	CHECK_EQ(pad.lsn, 12);
	CHECK_EQ(pad.size, 424);
	CHECK_EQ(h.off, 1024);
	/* Up to the reserve before the checkpoint position, not a byte more. */
	CHECK_EQ(holt_wal_head_room(&h), 2048);
	CHECK_EQ(holt_wal_head_reserve(&h, 2056, &pad, &rec), -ENOSPC);
	CHECK_EQ(h.off, 1024);
	CHECK_EQ(h.lsn, 13);
	CHECK_EQ(holt_wal_head_reserve(&h, 2048, &pad, &rec), 0);
	CHECK_EQ(h.off, 3072);
	CHECK_EQ(holt_wal_head_used(&h), 8192 - HOLT_WAL_RESERVE);
	harness_case_ok();
}

/* ---- the model writer ---- */

struct orec {
	u64 lsn;
	u64 durable;
	u64 off;
	u8 type;
	u32 len;
	u8 *bytes;
};

struct tlog {
	u8 *img;
	u64 len;
	u64 head;
	u64 lsn;
	u64 durable;		/* the writer's mark: LSNs below it committed */
	u32 epoch;
	u32 store;
	u64 ckpt_off;
	u64 ckpt_lsn;
	u64 used;		/* bytes from the checkpoint to the head */
	u64 max_version;	/* highest version since the checkpoint */
	struct orec *recs;	/* appended since the checkpoint, no PADs */
	u32 nr;
	u32 cap;
	struct orec *chain;	/* every record since the checkpoint */
	u32 chain_nr;
	u32 chain_cap;
	struct holt_wal_head h;	/* the code under test, kept in step */
};

static void tlog_init(struct tlog *l, u64 len, u32 store)
{
	memset(l, 0, sizeof(*l));
	l->img = calloc(1, len);
	CHECK(l->img != NULL, "calloc");
	l->len = len;
	l->lsn = 1;
	l->durable = 1;
	l->epoch = 1;
	l->store = store;
	l->ckpt_lsn = 1;
	l->cap = 1024;
	l->recs = calloc(l->cap, sizeof(*l->recs));
	l->chain_cap = 1024;
	l->chain = calloc(l->chain_cap, sizeof(*l->chain));
	CHECK(l->recs && l->chain, "calloc");
	holt_wal_head_init(&l->h, len, 0, 0, 1);
}

/* After a test moved the model by hand: the head follows. */
static void tlog_resync(struct tlog *l)
{
	holt_wal_head_init(&l->h, l->len, l->ckpt_off, l->head, l->lsn);
}

static void tlog_check_head(const struct tlog *l)
{
	CHECK_EQ(l->h.off, l->head);
	CHECK_EQ(l->h.lsn, l->lsn);
	CHECK_EQ(holt_wal_head_used(&l->h), l->used);
}

static void tlog_forget(struct tlog *l)
{
	u32 i;

	for (i = 0; i < l->nr; i++)
		free(l->recs[i].bytes);
	l->nr = 0;
	l->chain_nr = 0;
}

static void tlog_free(struct tlog *l)
{
	tlog_forget(l);
	free(l->recs);
	free(l->chain);
	free(l->img);
}

static void tlog_checkpoint(struct tlog *l)
{
	tlog_forget(l);
	l->ckpt_off = l->head;
	l->ckpt_lsn = l->lsn;
	l->used = 0;
	l->max_version = 0;
	holt_wal_head_release(&l->h, l->head);
}

static void tlog_advance(struct tlog *l, u32 size, u8 type)
{
	u64 next = holt_wal_next_off(l->len, l->head, size);

	if (l->chain_nr == l->chain_cap) {
		l->chain_cap *= 2;
		l->chain = realloc(l->chain, l->chain_cap * sizeof(*l->chain));
		CHECK(l->chain != NULL, "realloc");
	}
	l->chain[l->chain_nr++] = (struct orec){ .lsn = l->lsn,
		.durable = l->durable, .off = l->head, .type = type,
		.len = size };

	l->used += next ? size : l->len - l->head;
	/* The oracle of "never overwrite what replay needs". */
	CHECK(l->used < l->len, "head ran into the checkpoint position");
	l->head = next;
	l->lsn++;
}

static void tlog_pad(struct tlog *l, u32 size)
{
	CHECK_EQ(holt_wal_encode_pad(l->img + l->head, size, l->lsn,
				     l->durable, l->epoch, l->store),
		 (int)size);
	tlog_advance(l, size, HOLT_WAL_PAD);
}

/*
 * Make room for a record of @size through holt_wal_head_reserve(), checked
 * against the model's own accounting: checkpoint when the log is full, PAD
 * to the end of the region when the record does not fit before it.
 * Returns where the record goes.
 */
static u64 tlog_prepare(struct tlog *l, u32 size)
{
	struct holt_wal_place pad, rec;
	u32 fit = holt_wal_fit(l->len, l->head, size);
	int fits = l->used + fit + size + HOLT_WAL_RESERVE <= l->len;
	int err;

	tlog_check_head(l);
	err = holt_wal_head_reserve(&l->h, size, &pad, &rec);
	CHECK_EQ(err, fits ? 0 : -ENOSPC);
	if (err) {
		tlog_checkpoint(l);
		CHECK_EQ(holt_wal_head_reserve(&l->h, size, &pad, &rec), 0);
	}
	CHECK_EQ(pad.off, l->head);
	CHECK_EQ(pad.lsn, l->lsn);
	CHECK_EQ(pad.size, fit);
	if (fit)
		tlog_pad(l, fit);
	CHECK_EQ(rec.off, l->head);
	CHECK_EQ(rec.lsn, l->lsn);
	CHECK_EQ(rec.size, size);
	return l->head;
}

/* Place an unsealed record at the head (after tlog_prepare()). */
static void tlog_place(struct tlog *l, u8 *rec, u32 size)
{
	struct holt_wal_rec r;
	struct orec *o;

	holt_wal_seal(rec, l->lsn, l->durable, l->epoch, l->store);
	CHECK_EQ(holt_wal_decode(rec, size, l->store, &r, NULL), 0);
	{
		struct holt_wal_op op;
		u32 pos = 0;

		while (holt_wal_rec_op(&r, &pos, &op) > 0)
			if (op.version > l->max_version)
				l->max_version = op.version;
	}
	memcpy(l->img + l->head, rec, size);
	if (l->nr == l->cap) {
		l->cap *= 2;
		l->recs = realloc(l->recs, l->cap * sizeof(*l->recs));
		CHECK(l->recs != NULL, "realloc");
	}
	o = &l->recs[l->nr++];
	o->lsn = l->lsn;
	o->durable = l->durable;
	o->off = l->head;
	o->type = rec[5];
	o->len = size;
	o->bytes = malloc(size);
	memcpy(o->bytes, rec, size);
	tlog_advance(l, size, rec[5]);
	tlog_check_head(l);
}

static void tlog_append(struct tlog *l, u8 *rec, u32 size)
{
	tlog_prepare(l, size);
	tlog_place(l, rec, size);
}

static void tlog_commit(struct tlog *l)
{
	struct holt_wal_place place;
	u32 pad = holt_wal_sector_pad(l->len, l->head);

	CHECK_EQ(holt_wal_head_align(&l->h, &place), 0);
	CHECK_EQ(place.size, pad);
	CHECK_EQ(place.off, l->head);
	CHECK_EQ(place.lsn, l->lsn);
	if (pad)
		tlog_pad(l, pad);
	tlog_check_head(l);
	/* the commit completed: later records may say so */
	l->durable = l->lsn;
}

/* Append a random record, no commit; @big for large keys and values. */
static void tlog_random_rec(struct tlog *l, u32 big)
{
	struct holt_wal_op ops[8];
	u32 nr;
	u8 type;
	int size;

	size = rand_record(recbuf, sizeof(recbuf), ops, &nr, &type, big);
	CHECK(size > 0, "build %d", size);
	tlog_append(l, recbuf, size);
}

/* Append a random record, and commit one time in three. */
static void tlog_random(struct tlog *l, u32 big)
{
	tlog_random_rec(l, big);
	if (chance(1, 3))
		tlog_commit(l);
}

static void scan_init(struct holt_wal_scan *s, const struct tlog *l)
{
	memset(s, 0, sizeof(*s));
	s->wal_len = l->len;
	s->start_off = l->ckpt_off;
	s->start_lsn = l->ckpt_lsn;
	s->epoch_max = l->epoch;
	s->store = l->store;
}

/* The scan callback: compare with the model's records, in order. */
struct expect {
	const struct tlog *l;
	u32 idx;
	u32 stop_at;	/* return 7 at this record (1-based), 0 never */
};

static int expect_fn(void *ctx, const struct holt_wal_rec *rec)
{
	struct expect *e = ctx;
	const struct orec *o;
	u32 hdr;

	CHECK(e->idx < e->l->nr, "record %llu beyond the model's %u",
	      (unsigned long long)rec->lsn, e->l->nr);
	o = &e->l->recs[e->idx];
	CHECK_EQ(rec->lsn, o->lsn);
	CHECK_EQ(rec->type, o->type);
	CHECK_EQ(rec->len, o->len);
	hdr = HOLT_WAL_HDR_SIZE + (o->type == HOLT_WAL_BATCH ? 8 : 0);
	CHECK_MEM(rec->ops, rec->ops_len, o->bytes + hdr, o->len - hdr);
	e->idx++;
	if (e->stop_at && e->idx == e->stop_at)
		return 7;
	return 0;
}

/* Scan @img as the model's log and expect its first @nr records. */
static void expect_scan(const struct tlog *l, const u8 *img, u32 nr,
			struct holt_wal_scan *s)
{
	struct tlog view = *l;
	struct expect e = { .l = &view };

	view.nr = nr;
	scan_init(s, l);
	CHECK_EQ(holt_wal_scan_image(s, img, expect_fn, &e), 0);
	CHECK_EQ(e.idx, nr);
	if (nr == l->nr) {
		CHECK_EQ(s->end_off, l->head);
		CHECK_EQ(s->end_lsn, l->lsn);
	} else {
		CHECK_EQ(s->end_off, l->recs[nr].off);
		CHECK_EQ(s->end_lsn, l->recs[nr].lsn);
	}
	CHECK(s->why != HOLT_WAL_OK, "a scan that reached the tail says why");
}

static void test_log_model(void)
{
	struct holt_wal_scan s;
	struct tlog l;
	u32 i, laps_seen = 0;
	u64 last_head = 0;

	tlog_init(&l, 32 * 1024, STORE);
	expect_scan(&l, l.img, 0, &s);
	CHECK_EQ(s.why, HOLT_WAL_W_MAGIC);
	for (i = 0; i < 6000; i++) {
		harness_step = i;
		tlog_random(&l, chance(1, 20));
		if (l.head < last_head)
			laps_seen++;
		last_head = l.head;
		if (chance(1, 50))
			tlog_checkpoint(&l);
		if (i % 37 == 0) {
			expect_scan(&l, l.img, l.nr, &s);
			CHECK_EQ(s.max_version, l.max_version);
			if (laps_seen)
				CHECK(s.why == HOLT_WAL_W_MAGIC ||
				      s.why == HOLT_WAL_W_STALE_LSN ||
				      s.why == HOLT_WAL_W_HCRC,
				      "stopped: %s", holt_wal_why_str(s.why));
		}
	}
	CHECK(laps_seen > 20, "only %u laps", laps_seen);
	tlog_free(&l);

	/* A 4 MiB log with records up to the largest put. */
	tlog_init(&l, HOLT_WAL_MIN_BYTES, STORE);
	for (i = 0; i < 400; i++) {
		struct holt_wal_op op;
		int size;

		harness_step = i;
		rand_op(&op, HOLT_WAL_PUT, 1);
		op.alen = 1 + rnd(HOLT_WAL_KEY_MAX);
		op.blen = rnd(HOLT_WAL_VAL_MAX + 1);
		op.a = pool + rnd(POOL - op.alen);
		op.b = pool + rnd(POOL - op.blen);
		size = build(recbuf, sizeof(recbuf), HOLT_WAL_PUT, &op, 1);
		CHECK(size > 0, "build");
		tlog_append(&l, recbuf, size);
		tlog_commit(&l);
		if (i % 50 == 49)
			expect_scan(&l, l.img, l.nr, &s);
	}
	tlog_free(&l);
	harness_case_ok();
}

/*
 * The last record torn at every byte: only a prefix (or only a suffix) of
 * its bytes reached the device, the rest is what was there before (records
 * of the previous lap) or garbage.  The scan must return every earlier
 * record and stop exactly at the torn one.
 */
static void test_torn_tail(void)
{
	struct holt_wal_op op;
	struct holt_wal_scan s;
	struct tlog l;
	u8 *before, *img;
	u64 at;
	u32 i, t, variant, size;

	tlog_init(&l, 16 * 1024, STORE);
	/* Several laps, so the region is full of stale records. */
	for (i = 0; i < 300; i++)
		tlog_random(&l, 0);
	tlog_checkpoint(&l);
	for (i = 0; i < 12; i++)
		tlog_random(&l, 0);
	rand_op(&op, HOLT_WAL_PUT, 0);
	op.alen = 40;
	op.blen = 300;
	size = build(recbuf, sizeof(recbuf), HOLT_WAL_PUT, &op, 1);
	at = tlog_prepare(&l, size);
	before = malloc(l.len);
	img = malloc(l.len);
	memcpy(before, l.img, l.len);
	tlog_place(&l, recbuf, size);
	CHECK_EQ(l.recs[l.nr - 1].off, at);

	for (variant = 0; variant < 3; variant++) {
		for (t = 0; t <= size; t++) {
			harness_step = t;
			memcpy(img, before, l.len);
			if (variant == 0) {		/* new prefix */
				memcpy(img + at, l.img + at, t);
			} else if (variant == 1) {	/* new suffix */
				memcpy(img + at + t, l.img + at + t, size - t);
			} else {			/* prefix + garbage */
				u32 k;

				memcpy(img + at, l.img + at, t);
				for (k = t; k < size; k++)
					img[at + k] = (u8)rnd64();
			}
			if (!memcmp(img + at, l.img + at, size))
				expect_scan(&l, img, l.nr, &s);
			else
				expect_scan(&l, img, l.nr - 1, &s);
		}
	}
	free(before);
	free(img);
	tlog_free(&l);
	harness_case_ok();
}

struct fail_read {
	const u8 *img;
	u64 len;
	u64 fail_off;
};

static int fail_read_fn(void *ctx, u64 off, void *buf, u32 len)
{
	struct fail_read *f = ctx;

	CHECK(off <= f->len && len <= f->len - off,
	      "read outside the region: %llu+%u", (unsigned long long)off,
	      len);
	if (off == f->fail_off)
		return -EIO;
	memcpy(buf, f->img + off, len);
	return 0;
}

/*
 * Does the device image hold [@off, @off + @len) as written?  Asked of the
 * bytes, not of the sectors: a lost sector may hold what an earlier lap
 * wrote at that place, and that can equal the new bytes (the same header
 * fields at the same offset), which the scan rightly accepts.
 */
static int bytes_kept(const u8 *img, const u8 *written, u64 off, u32 len)
{
	return !memcmp(img + off, written + off, len);
}

/*
 * A commit of several records spanning several sectors, of which a random
 * subset of sectors reached the device (a device may write them in any
 * order).  The scan returns the records before the first one with a lost
 * sector, and none after it.
 */
static void test_lost_sectors(void)
{
	u32 seen[3] = { 0 };
	struct fail_read fr;
	struct holt_wal_scan s;
	struct tlog l;
	u8 *before, *img;
	u32 trial, tries = 0;

	tlog_init(&l, 64 * 1024, STORE);
	before = malloc(l.len);
	img = malloc(l.len);
	fr = (struct fail_read){ .len = l.len, .fail_off = ~0ull };
	for (trial = 0; trial < 300; tries++) {
		enum holt_wal_tail want;
		u64 first_sector, last_sector, sec;
		u32 first_chain, k, keep_nr, n;
		u8 lost[64];

		harness_step = trial;
		CHECK(tries < 3000, "cannot place commits");
		tlog_checkpoint(&l);
		tlog_random(&l, 0);
		tlog_commit(&l);
		if (l.head + 20000 > l.len) {	/* keep the commit unwrapped */
			tlog_pad(&l, (u32)(l.len - l.head));
			tlog_resync(&l);
			tlog_checkpoint(&l);
		}
		memcpy(before, l.img, l.len);
		first_chain = l.chain_nr;
		keep_nr = l.nr;
		first_sector = l.head / HOLT_WAL_SECTOR;
		n = 1 + rnd(8);
		for (k = 0; k < n; k++)
			tlog_random_rec(&l, 0);	/* one commit */
		tlog_commit(&l);
		if (l.head && l.head < first_sector * HOLT_WAL_SECTOR)
			continue;	/* wrapped after all: try again */
		last_sector = l.head ? l.head / HOLT_WAL_SECTOR :
				       l.len / HOLT_WAL_SECTOR;
		CHECK(last_sector - first_sector <= 64, "commit too long");
		memcpy(img, before, l.len);
		for (sec = first_sector; sec < last_sector; sec++) {
			lost[sec - first_sector] = chance(1, 3);
			if (!lost[sec - first_sector])
				memcpy(img + sec * HOLT_WAL_SECTOR,
				       l.img + sec * HOLT_WAL_SECTOR,
				       HOLT_WAL_SECTOR);
		}
		/*
		 * Expected: the chain up to the first record (PAD included)
		 * with a byte that did not reach the device.
		 */
		for (k = first_chain; k < l.chain_nr; k++) {
			const struct orec *c = &l.chain[k];

			if (!bytes_kept(img, l.img, c->off, c->len))
				break;
			if (c->type != HOLT_WAL_PAD)
				keep_nr++;
		}
		/*
		 * Past the tail: records of the torn commit whose header
		 * survived.  They never prove damage: a torn tail.
		 */
		want = HOLT_WAL_TAIL_CLEAN;
		for (k = k + 1; k < l.chain_nr; k++)
			if (bytes_kept(img, l.img, l.chain[k].off,
				       HOLT_WAL_HDR_SIZE))
				want = HOLT_WAL_TAIL_TORN;
		{
			struct tlog view = l;
			struct expect e = { .l = &view };
			struct holt_wal_probe pr;

			scan_init(&s, &l);
			CHECK_EQ(holt_wal_scan_image(&s, img, expect_fn, &e), 0);
			CHECK_EQ(e.idx, keep_nr);
			fr.img = img;
			CHECK_EQ(holt_wal_probe(&s, fail_read_fn, &fr, &pr), 0);
			CHECK(pr.verdict == want, "probe: %s, expected %s",
			      holt_wal_tail_str(pr.verdict),
			      holt_wal_tail_str(want));
			seen[pr.verdict]++;
		}
		trial++;
	}
	/* both torn tails with and without surviving records were met */
	CHECK(seen[HOLT_WAL_TAIL_TORN] > 20 && seen[HOLT_WAL_TAIL_CLEAN] > 20,
	      "torn %u clean %u", seen[HOLT_WAL_TAIL_TORN],
	      seen[HOLT_WAL_TAIL_CLEAN]);
	free(before);
	free(img);
	tlog_free(&l);
	harness_case_ok();
}

/*
 * Leftovers of an earlier session: session 1 wrote records 1..10 and
 * crashed with record 8 torn but 9 and 10 on the device.  Session 2
 * (epoch 2) recovered 1..7 and wrote a new record 8 of the same size, so
 * the old record 9 sits exactly where record 9 belongs.  It must not be
 * replayed: its epoch is older than the record before it.
 */
static void test_stale_epoch(void)
{
	struct holt_wal_op op;
	struct holt_wal_scan s;
	struct tlog l;
	u64 off8;
	u32 i, size8 = 0;
	int size;

	tlog_init(&l, 32 * 1024, STORE);
	for (i = 1; i <= 10; i++) {
		rand_op(&op, HOLT_WAL_PUT, 0);
		op.alen = 10;
		op.blen = 50;
		size = build(recbuf, sizeof(recbuf), HOLT_WAL_PUT, &op, 1);
		tlog_append(&l, recbuf, size);
		if (i == 8)
			size8 = size;
	}
	off8 = l.recs[7].off;
	l.img[off8 + 40] ^= 0xff;		/* record 8 torn */
	expect_scan(&l, l.img, 7, &s);
	CHECK_EQ(s.why, HOLT_WAL_W_PCRC);
	CHECK_EQ(s.end_lsn, 8);
	CHECK_EQ(s.end_epoch, 1);

	/* Session 2 continues at the tail with epoch 2. */
	l.head = s.end_off;
	l.lsn = s.end_lsn;
	l.used = l.head - l.ckpt_off;
	for (i = 7; i < l.nr; i++)
		free(l.recs[i].bytes);
	l.nr = 7;
	l.chain_nr = 7;
	l.epoch = 2;
	l.durable = l.lsn;	/* what the new session's writer starts with */
	tlog_resync(&l);
	rand_op(&op, HOLT_WAL_PUT, 0);
	op.alen = 10;
	op.blen = 50;
	size = build(recbuf, sizeof(recbuf), HOLT_WAL_PUT, &op, 1);
	CHECK_EQ(size, (int)size8);
	tlog_append(&l, recbuf, size);
	CHECK_EQ(l.head, l.recs[7].off + size8);
	/* Old record 9 (epoch 1, LSN 9) follows at the right place. */
	expect_scan(&l, l.img, 8, &s);
	CHECK_EQ(s.why, HOLT_WAL_W_STALE_EPOCH);
	CHECK_EQ(s.end_lsn, 9);
	CHECK_EQ(s.end_epoch, 2);
	/* Session 1's leftovers past the tail say nothing about session 2. */
	{
		struct fail_read fr = { .img = l.img, .len = l.len,
					.fail_off = ~0ull };
		struct holt_wal_probe pr;

		CHECK_EQ(holt_wal_probe(&s, fail_read_fn, &fr, &pr), 0);
		CHECK_EQ(pr.verdict, HOLT_WAL_TAIL_CLEAN);
	}

	/* A superblock that says epoch 1 does not accept epoch-2 records. */
	scan_init(&s, &l);
	s.epoch_max = 1;
	CHECK_EQ(holt_wal_scan_image(&s, l.img, NULL, NULL), 0);
	CHECK_EQ(s.why, HOLT_WAL_W_FUTURE_EPOCH);
	CHECK_EQ(s.end_lsn, 8);

	/* Another store's scan finds nothing. */
	scan_init(&s, &l);
	s.store = STORE ^ 1;
	CHECK_EQ(holt_wal_scan_image(&s, l.img, NULL, NULL), 0);
	CHECK_EQ(s.why, HOLT_WAL_W_HCRC);
	CHECK_EQ(s.records, 0);
	CHECK_EQ(s.end_off, l.ckpt_off);

	/* A checkpoint LSN one too high or low: stale, or a gap. */
	scan_init(&s, &l);
	s.start_lsn++;
	CHECK_EQ(holt_wal_scan_image(&s, l.img, NULL, NULL), 0);
	CHECK_EQ(s.why, HOLT_WAL_W_STALE_LSN);
	scan_init(&s, &l);
	s.start_lsn--;
	CHECK_EQ(holt_wal_scan_image(&s, l.img, NULL, NULL), 0);
	CHECK_EQ(s.why, HOLT_WAL_W_GAP);
	tlog_free(&l);
	harness_case_ok();
}

static void test_scan_edges(void)
{
	struct holt_wal_probe pr;
	struct holt_wal_scan s;
	struct fail_read fr;
	struct expect e;
	struct tlog l;
	unsigned long live;
	u32 i;

	tlog_init(&l, 64 * 1024, STORE);
	for (i = 0; i < 12; i++)
		tlog_random(&l, 0);
	CHECK_EQ(l.nr, 12);

	/* The callback stops the walk; its value comes back. */
	memset(&e, 0, sizeof(e));
	e.l = &l;
	e.stop_at = 3;
	scan_init(&s, &l);
	CHECK_EQ(holt_wal_scan_image(&s, l.img, expect_fn, &e), 7);
	CHECK_EQ(s.end_lsn, l.recs[2].lsn);
	CHECK_EQ(s.end_off, l.recs[2].off);

	/* Highest version: that of the model. */
	scan_init(&s, &l);
	CHECK_EQ(holt_wal_scan_image(&s, l.img, NULL, NULL), 0);
	CHECK_EQ(s.max_version, l.max_version);

	/* Read errors come back; reads never leave the region. */
	fr = (struct fail_read){ .img = l.img, .len = l.len,
				 .fail_off = l.recs[4].off };
	scan_init(&s, &l);
	CHECK_EQ(holt_wal_scan(&s, fail_read_fn, &fr, NULL, NULL), -EIO);
	fr.fail_off = ~0ull;
	scan_init(&s, &l);
	CHECK_EQ(holt_wal_scan(&s, fail_read_fn, &fr, NULL, NULL), 0);
	CHECK_EQ(s.end_lsn, l.lsn);
	CHECK_EQ(holt_wal_probe(&s, fail_read_fn, &fr, &pr), 0);
	CHECK_EQ(pr.verdict, HOLT_WAL_TAIL_CLEAN);
	fr.fail_off = s.end_off;
	CHECK_EQ(holt_wal_probe(&s, fail_read_fn, &fr, &pr), -EIO);
	fr.fail_off = ~0ull;
	s.end_off = 4;
	CHECK_EQ(holt_wal_probe(&s, fail_read_fn, &fr, &pr), -EINVAL);

	/* Bad inputs. */
	scan_init(&s, &l);
	s.start_off = 12;
	CHECK_EQ(holt_wal_scan_image(&s, l.img, NULL, NULL), -EINVAL);
	s.start_off = l.len;
	CHECK_EQ(holt_wal_scan_image(&s, l.img, NULL, NULL), -EINVAL);
	s.start_off = l.len - 24;
	CHECK_EQ(holt_wal_scan_image(&s, l.img, NULL, NULL), -EINVAL);
	s.start_off = 0;
	s.wal_len = 0;
	CHECK_EQ(holt_wal_scan_image(&s, l.img, NULL, NULL), -EINVAL);

	/* Allocation failures: -ENOMEM and nothing leaked. */
	live = holt_port_live_allocs;
	scan_init(&s, &l);
	holt_port_fail_countdown = 1;
	CHECK_EQ(holt_wal_scan_image(&s, l.img, NULL, NULL), -ENOMEM);
	CHECK_EQ(holt_port_live_allocs, live);
	scan_init(&s, &l);
	CHECK_EQ(holt_wal_scan_image(&s, l.img, NULL, NULL), 0);
	holt_port_fail_countdown = 1;
	CHECK_EQ(holt_wal_probe(&s, fail_read_fn, &fr, &pr), -ENOMEM);
	CHECK_EQ(holt_port_live_allocs, live);
	holt_port_fail_countdown = 0;
	tlog_free(&l);
	harness_case_ok();
}

/* The damage-or-torn decision, case by case. */
static void test_judge(void)
{
	static const struct {
		u64 tail;
		u32 epoch;
		u64 lsn, durable;
		u32 rec_epoch;
		enum holt_wal_tail want;
	} c[] = {
		/* a later record whose mark covers the tail: damage */
		{ 10, 3, 11, 11, 3, HOLT_WAL_TAIL_DAMAGED },
		{ 10, 3, 50, 40, 3, HOLT_WAL_TAIL_DAMAGED },
		{ 10, 3, 12, 11, 3, HOLT_WAL_TAIL_DAMAGED },
		/* its mark stops at the tail: same (torn) commit */
		{ 10, 3, 11, 10, 3, HOLT_WAL_TAIL_TORN },
		{ 10, 3, 15, 9, 3, HOLT_WAL_TAIL_TORN },
		{ 10, 3, 15, 0, 3, HOLT_WAL_TAIL_TORN },
		/* the damaged record itself, a previous lap */
		{ 10, 3, 10, 10, 3, HOLT_WAL_TAIL_CLEAN },
		{ 10, 3, 9, 9, 3, HOLT_WAL_TAIL_CLEAN },
		{ 10, 3, 2, 1, 3, HOLT_WAL_TAIL_CLEAN },
		/* another session's leftovers, whatever their marks */
		{ 10, 3, 20, 20, 2, HOLT_WAL_TAIL_CLEAN },
		{ 10, 3, 20, 20, 4, HOLT_WAL_TAIL_CLEAN },
		{ 10, 3, 20, 5, 1, HOLT_WAL_TAIL_CLEAN },
		/* an empty replay (tail at the checkpoint) */
		{ 1, 1, 2, 2, 1, HOLT_WAL_TAIL_DAMAGED },
		{ 1, 1, 2, 1, 1, HOLT_WAL_TAIL_TORN },
		/* the extremes */
		{ ~0ull - 1, 7, ~0ull, ~0ull, 7, HOLT_WAL_TAIL_DAMAGED },
		{ 0, 7, 1, 0, 7, HOLT_WAL_TAIL_TORN },
	};
	struct holt_wal_rec r;
	u32 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		harness_step = i;
		memset(&r, 0, sizeof(r));
		r.lsn = c[i].lsn;
		r.durable = c[i].durable;
		r.epoch = c[i].rec_epoch;
		CHECK_EQ(holt_wal_judge(c[i].tail, c[i].epoch, &r), c[i].want);
	}
	CHECK(strcmp(holt_wal_tail_str(HOLT_WAL_TAIL_DAMAGED),
		     holt_wal_tail_str(HOLT_WAL_TAIL_TORN)), "");
	CHECK(holt_wal_tail_str((enum holt_wal_tail)9) != NULL, "");
	harness_case_ok();
}

/*
 * Damage in the middle of the log: the model writer commits at random
 * (every record carries the writer's durable mark), over many laps; one
 * record since the checkpoint is damaged.  The scan stops there, and the
 * probe must say DAMAGED exactly when a later record (PADs included) was
 * appended after the victim's commit completed: its mark is above the
 * victim's LSN.  Otherwise the victim belongs to the last, uncommitted
 * commit: a torn tail (TORN when records follow it, CLEAN when none do).
 */
static void test_damage(void)
{
	u32 seen[3] = { 0 };
	struct holt_wal_probe pr;
	struct holt_wal_scan s;
	struct fail_read fr;
	struct tlog l;
	u8 *img;
	u32 i, k, v;

	tlog_init(&l, 64 * 1024, STORE);
	img = malloc(l.len);
	CHECK(img != NULL, "malloc");
	fr = (struct fail_read){ .img = img, .len = l.len,
				 .fail_off = ~0ull };
	for (i = 0; i < 1500; i++) {
		enum holt_wal_tail want = HOLT_WAL_TAIL_CLEAN;
		const struct orec *o;
		u32 at;

		harness_step = i;
		tlog_random(&l, 0);
		if (chance(1, 40))
			tlog_checkpoint(&l);
		if (i % 3 || !l.nr)
			continue;
		v = rnd(l.nr);
		o = &l.recs[v];
		memcpy(img, l.img, l.len);
		/* a byte anywhere in the victim: header or payload */
		at = rnd(o->len);
		img[o->off + at] ^= 1 + rnd(255);
		expect_scan(&l, img, v, &s);
		for (k = 0; k < l.chain_nr; k++) {
			const struct orec *c = &l.chain[k];

			if (c->lsn <= o->lsn)
				continue;
			if (c->durable > o->lsn) {
				want = HOLT_WAL_TAIL_DAMAGED;
				break;
			}
			want = HOLT_WAL_TAIL_TORN;
		}
		CHECK_EQ(holt_wal_probe(&s, fail_read_fn, &fr, &pr), 0);
		CHECK(pr.verdict == want, "victim %llu: %s, expected %s",
		      (unsigned long long)o->lsn,
		      holt_wal_tail_str(pr.verdict), holt_wal_tail_str(want));
		seen[want]++;
		if (want == HOLT_WAL_TAIL_CLEAN)
			continue;
		/* the record named is one of the chain, mark included */
		for (k = 0; k < l.chain_nr; k++)
			if (l.chain[k].lsn == pr.lsn)
				break;
		CHECK(k < l.chain_nr, "probe named LSN %llu",
		      (unsigned long long)pr.lsn);
		CHECK_EQ(pr.off, l.chain[k].off);
		CHECK_EQ(pr.durable, l.chain[k].durable);
		CHECK(pr.lsn > o->lsn, "");
		if (want == HOLT_WAL_TAIL_DAMAGED)
			CHECK(pr.durable > o->lsn, "");
	}
	CHECK(seen[HOLT_WAL_TAIL_DAMAGED] > 50 &&
	      seen[HOLT_WAL_TAIL_TORN] > 5 && seen[HOLT_WAL_TAIL_CLEAN] > 5,
	      "damaged %u torn %u clean %u", seen[HOLT_WAL_TAIL_DAMAGED],
	      seen[HOLT_WAL_TAIL_TORN], seen[HOLT_WAL_TAIL_CLEAN]);
	free(img);
	tlog_free(&l);
	harness_case_ok();
}

int main(void)
{
	u32 i;

	harness_init("test_wal", "TEST_WAL_SEED");
	for (i = 0; i < POOL; i++)
		pool[i] = (u8)rnd64();
	CHECK_EQ(HOLT_WAL_HDR_SIZE, 40);
	test_roundtrip_types();
	test_builder_errors();
	test_truncation();
	test_bit_flips();
	test_structure_checks();
	test_random_damage();
	test_positions();
	test_head();
	test_log_model();
	test_torn_tail();
	test_lost_sectors();
	test_stale_epoch();
	test_scan_edges();
	test_judge();
	test_damage();
	return harness_done();
}
