// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_wal.c - libFuzzer target: write-ahead log records from untrusted
 * bytes.
 *
 * The first input byte picks a mode:
 *  - raw: the bytes are decoded as one record; whatever is accepted must
 *    iterate to the end with every op inside the buffer and within limits;
 *  - round trip: the bytes are a program for the record builder (ops of
 *    every kind, keys, values, versions); the sealed record must decode to
 *    exactly the ops that were built; then some of its header bytes are
 *    changed and the header checksum recomputed, so that the length, type
 *    and count checks behind the checksum are reached: the record is then
 *    refused or read safely;
 *  - log: a few records laid end to end with consecutive LSNs form a log
 *    image, some bytes are changed, and holt_wal_scan_image() must stop
 *    cleanly having reported no more records than were written before the
 *    first change.
 * Any disagreement aborts, which libFuzzer reports as a crash.
 */
#include "wal.h"

#include <stdio.h>

#define FZ_CHECK(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "fuzz_wal: %s:%d: %s\n",	\
				__FILE__, __LINE__, #c);		\
			abort();					\
		}							\
	} while (0)

#define STORE 0x5eed1234u
#define BUF (1u << 16)
#define MAXOPS 8

static const u8 *in;
static size_t in_len, in_pos;

static u8 next(void)
{
	return in_pos < in_len ? in[in_pos++] : 0;
}

static u64 next64(void)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | next();
	return v;
}

/* Every op of an accepted record lies inside it and within limits. */
static u32 walk_ops(const struct holt_wal_rec *rec, const u8 *buf, size_t n)
{
	struct holt_wal_op op;
	u32 pos = 0, ops = 0, sum = 0, i;
	int r;

	while ((r = holt_wal_rec_op(rec, &pos, &op)) == 1) {
		FZ_CHECK(++ops <= rec->nr_ops);
		FZ_CHECK(op.alen <= HOLT_WAL_KEY_MAX);
		FZ_CHECK(op.blen <= HOLT_WAL_VAL_MAX);
		FZ_CHECK(!op.alen || (op.a >= buf && op.a + op.alen <= buf + n));
		FZ_CHECK(!op.blen || (op.b >= buf && op.b + op.blen <= buf + n));
		for (i = 0; i < op.alen; i++)
			sum += op.a[i];
		for (i = 0; i < op.blen; i++)
			sum += op.b[i];
	}
	FZ_CHECK(r == 0);
	FZ_CHECK(ops == rec->nr_ops);
	return sum;
}

static void mode_raw(void)
{
	size_t n = in_len - in_pos;
	u8 *buf = malloc(n + 1);
	struct holt_wal_rec rec;

	FZ_CHECK(buf);
	memcpy(buf, in + in_pos, n);
	if (!holt_wal_decode(buf, n, STORE, &rec, NULL)) {
		FZ_CHECK(rec.len <= n && rec.len >= HOLT_WAL_HDR_SIZE);
		walk_ops(&rec, buf, n);
	}
	free(buf);
}

struct bop {
	u8 kind;
	u32 tree;
	u64 version;
	u8 a[64], b[64];
	u32 alen, blen;
	bool force;
};

/* Build one record from the input; returns its size or 0. */
static u32 build(u8 *buf, u32 cap, struct bop *ops, u32 *nr)
{
	static const u8 types[] = {
		HOLT_WAL_PUT, HOLT_WAL_DEL, HOLT_WAL_RENAME, HOLT_WAL_BATCH,
		HOLT_WAL_TREE_CREATE, HOLT_WAL_TREE_DROP, HOLT_WAL_SEQ,
	};
	struct holt_wal_builder b;
	u8 type = types[next() % sizeof(types)];
	u32 n = type == HOLT_WAL_BATCH ? 1 + next() % MAXOPS : 1, i, j;
	int r = 0, size;

	holt_wal_build_begin(&b, buf, cap, type);
	for (i = 0; i < n; i++) {
		struct bop *o = &ops[i];

		o->kind = type == HOLT_WAL_BATCH ?
			  (u8)(HOLT_WAL_PUT + next() % 3) : type;
		o->tree = next() % 4;
		o->version = 1 + next() % 200;
		o->alen = 1 + next() % 63;
		o->blen = next() % 64;
		o->force = next() & 1;
		for (j = 0; j < o->alen; j++)
			o->a[j] = next();
		for (j = 0; j < o->blen; j++)
			o->b[j] = next();
		switch (o->kind) {
		case HOLT_WAL_PUT:
			r = holt_wal_build_put(&b, o->tree, o->a, o->alen,
					       o->b, o->blen, o->version);
			break;
		case HOLT_WAL_DEL:
			o->blen = 0;
			r = holt_wal_build_del(&b, o->tree, o->a, o->alen,
					       o->version);
			break;
		case HOLT_WAL_RENAME:
			o->blen += !o->blen;
			r = holt_wal_build_rename(&b, o->tree, o->a, o->alen,
						  o->b, o->blen, o->force,
						  o->version);
			break;
		case HOLT_WAL_TREE_CREATE:
			/* names: no NUL, at most 63 bytes */
			for (j = 0; j < o->alen; j++)
				o->a[j] |= 0x20;
			o->blen = 0;
			r = holt_wal_build_tree_create(&b, o->tree, o->a,
						       o->alen, o->version);
			break;
		case HOLT_WAL_TREE_DROP:
			o->alen = o->blen = 0;
			r = holt_wal_build_tree_drop(&b, o->tree, o->version);
			break;
		case HOLT_WAL_SEQ:
			o->alen = o->blen = 0;
			o->tree = 0;
			r = holt_wal_build_seq(&b, o->version);
			break;
		}
		if (r)
			return 0;	/* an input the builder refuses */
	}
	size = holt_wal_build_end(&b);
	if (size <= 0)
		return 0;
	*nr = n;
	return (u32)size;
}

static void mode_roundtrip(void)
{
	static u8 buf[BUF];
	struct bop ops[MAXOPS];
	struct holt_wal_rec rec;
	struct holt_wal_op op;
	u32 size, nr = 0, pos = 0, i;
	u64 lsn = next64() | 1;
	u64 back = next() % 8;
	u64 durable = back < lsn ? lsn - back : 0;
	u32 epoch = 1 + next() % 16;

	size = build(buf, sizeof(buf), ops, &nr);
	if (!size)
		return;
	holt_wal_seal(buf, lsn, durable, epoch, STORE);
	FZ_CHECK(!holt_wal_decode(buf, size, STORE, &rec, NULL));
	FZ_CHECK(rec.lsn == lsn && rec.epoch == epoch && rec.nr_ops == nr);
	FZ_CHECK(rec.durable == durable);
	FZ_CHECK(rec.size == size);
	for (i = 0; i < nr; i++) {
		FZ_CHECK(holt_wal_rec_op(&rec, &pos, &op) == 1);
		FZ_CHECK(op.kind == ops[i].kind && op.version == ops[i].version);
		FZ_CHECK(op.alen == ops[i].alen && op.blen == ops[i].blen);
		FZ_CHECK(!op.alen || !memcmp(op.a, ops[i].a, op.alen));
		FZ_CHECK(!op.blen || !memcmp(op.b, ops[i].b, op.blen));
		if (ops[i].kind != HOLT_WAL_SEQ)
			FZ_CHECK(op.tree == ops[i].tree);
		if (ops[i].kind == HOLT_WAL_RENAME)
			FZ_CHECK(!!(op.flags & HOLT_WAL_F_FORCE) == ops[i].force);
	}
	FZ_CHECK(holt_wal_rec_op(&rec, &pos, &op) == 0);
	/* Another store's identity does not validate. */
	FZ_CHECK(holt_wal_decode(buf, size, STORE + 1, &rec, NULL) == -EUCLEAN);
	/* A short read is refused. */
	FZ_CHECK(holt_wal_decode(buf, size - 1, STORE, &rec, NULL) == -EUCLEAN);
	/* Header fields changed behind a recomputed header checksum. */
	for (i = next() % 4; i; i--)
		buf[next() % HOLT_WAL_HDR_SIZE] ^= 1 + next() % 255;
	for (i = next() % 4; i; i--)
		buf[next() % size] ^= 1 + next() % 255;
	holt_wal_seal(buf, lsn, durable, epoch, STORE);
	if (!holt_wal_decode(buf, size, STORE, &rec, NULL)) {
		FZ_CHECK(rec.len <= size);
		walk_ops(&rec, buf, size);
	}
}

static int count_rec(void *ctx, const struct holt_wal_rec *rec)
{
	(*(u64 *)ctx)++;
	return 0;
}

struct fz_img {
	const u8 *p;
	u64 len;
};

/* Reads of the probe must stay inside the region. */
static int image_read(void *ctx, u64 off, void *buf, u32 len)
{
	const struct fz_img *img = ctx;

	FZ_CHECK(off <= img->len && len <= img->len - off);
	memcpy(buf, img->p + off, len);
	return 0;
}

static void mode_log(void)
{
	static u8 image[BUF];
	struct holt_wal_scan s;
	struct bop ops[MAXOPS];
	u32 off = 0, nrec = 0, size, nr, first_bad = BUF, i;
	u64 lsn = 1 + next() % 1000, seen = 0;
	u32 epoch = 1 + next() % 4;
	u32 wal_len = 4096 * (1 + next() % 8);

	memset(image, 0, sizeof(image));
	while (next() & 1) {
		size = build(image + off, wal_len - off, ops, &nr);
		if (!size)
			break;
		holt_wal_seal(image + off, lsn + nrec,
			      lsn + nrec - next() % (nrec + 1), epoch, STORE);
		off += size;
		nrec++;
	}
	for (i = next() % 4; i; i--) {
		u32 p = (next() << 8 | next()) % wal_len;

		image[p] ^= 1 + next() % 255;
		first_bad = p < first_bad ? p : first_bad;
	}
	memset(&s, 0, sizeof(s));
	s.wal_len = wal_len;
	s.start_off = 0;
	s.start_lsn = lsn;
	s.epoch_max = epoch + next() % 2;
	s.store = STORE;
	holt_wal_scan_image(&s, image, count_rec, &seen);
	FZ_CHECK(s.end_off < wal_len);
	if (first_bad >= off)
		FZ_CHECK(seen == nrec);	/* nothing written was damaged */
	else
		FZ_CHECK(seen <= nrec);
	/* The probe past the tail: any verdict, no crash, no leak. */
	{
		struct fz_img img = { .p = image, .len = wal_len };
		struct holt_wal_probe pr;

		if (!holt_wal_scan_image(&s, image, NULL, NULL) &&
		    !holt_wal_probe(&s, image_read, &img, &pr))
			FZ_CHECK(pr.verdict <= HOLT_WAL_TAIL_DAMAGED &&
				 (!pr.verdict || pr.lsn > s.end_lsn));
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	in = data;
	in_len = size;
	in_pos = 0;
	switch (next() % 3) {
	case 0:
		mode_raw();
		break;
	case 1:
		mode_roundtrip();
		break;
	default:
		mode_log();
		break;
	}
	FZ_CHECK(holt_port_live_allocs == 0);
	return 0;
}
