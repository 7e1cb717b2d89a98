// SPDX-License-Identifier: GPL-2.0
/*
 * test_super.c - superblock encoding, validation and A/B selection.
 *
 * Every expectation is a fixed value or a table: the layout of a known
 * device, the reason each corrupted field is refused with, which slot the
 * selection picks for every combination of valid, damaged, older, newer,
 * misdirected and foreign-version slots, and that no single bit flip and
 * no torn write of a superblock is ever accepted as something else.
 */
#include "port.h"
#include "super.h"
#include "harness.h"

#define MiB (1024ull * 1024)

static const u8 test_uuid[16] = {
	0x6b, 0x1e, 0x42, 0x90, 0x11, 0x22, 0x33, 0x44,
	0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
};

static u8 bufa[HOLT_SUPER_SIZE], bufb[HOLT_SUPER_SIZE];
static u8 scratch[HOLT_SUPER_SIZE];

static void check_same(const struct holt_super *x, const struct holt_super *y)
{
	CHECK_EQ(x->generation, y->generation);
	CHECK_MEM(x->uuid, 16, y->uuid, 16);
	CHECK_EQ(x->slot_index, y->slot_index);
	CHECK_EQ(x->flags, y->flags);
	CHECK_EQ(x->block_size, y->block_size);
	CHECK_EQ(x->slot_size, y->slot_size);
	CHECK_EQ(x->dev_size, y->dev_size);
	CHECK_EQ(x->wal_off, y->wal_off);
	CHECK_EQ(x->wal_len, y->wal_len);
	CHECK_EQ(x->slot_off, y->slot_off);
	CHECK_EQ(x->slot_count, y->slot_count);
	CHECK_EQ(x->ckpt_lsn, y->ckpt_lsn);
	CHECK_EQ(x->ckpt_wal_off, y->ckpt_wal_off);
	CHECK_EQ(x->log_epoch, y->log_epoch);
	CHECK_EQ(x->seq_high, y->seq_high);
	CHECK_EQ(x->map.slot, y->map.slot);
	CHECK_EQ(x->map.bytes, y->map.bytes);
	CHECK_EQ(x->map.nr_slots, y->map.nr_slots);
	CHECK_EQ(x->map.crc, y->map.crc);
	CHECK_EQ(x->catalog.slot, y->catalog.slot);
	CHECK_EQ(x->catalog.bytes, y->catalog.bytes);
	CHECK_EQ(x->catalog.nr_slots, y->catalog.nr_slots);
	CHECK_EQ(x->catalog.crc, y->catalog.crc);
	CHECK_EQ(x->owner_uid, y->owner_uid);
	CHECK_EQ(x->owner_gid, y->owner_gid);
	CHECK_EQ(x->owner_mode, y->owner_mode);
}

/* A fresh 64 MiB store with a 4 MiB log, then some checkpoint state. */
static void make_sb(struct holt_super *sb, u64 gen, u32 slot)
{
	CHECK_EQ(holt_super_layout(sb, 64 * MiB, 4 * MiB, test_uuid), 0);
	sb->generation = gen;
	sb->slot_index = slot;
	sb->flags = 0;
	sb->ckpt_lsn = 1000 + gen;
	sb->ckpt_wal_off = 8 * (gen % 1000);
	sb->log_epoch = 3;
	sb->seq_high = 123456789ull + gen;
	sb->map.slot = 5;
	sb->map.bytes = 4000;
	sb->map.nr_slots = 1;
	sb->map.crc = 0xdeadbeef;
	sb->catalog.slot = 6;
	sb->catalog.bytes = HOLT_META_PAYLOAD + 1;
	sb->catalog.nr_slots = 2;
	sb->catalog.crc = 0x12345678;
	sb->owner_uid = 1000;
	sb->owner_gid = 100;
	sb->owner_mode = 0640;
}

/* Recompute the crc of a slot image after a test patched it. */
static void reseal(u8 *buf)
{
	holt_put_le32(0, buf + 12);
	holt_put_le32(holt_ondisk_crc(0, buf, HOLT_SUPER_SIZE), buf + 12);
}

static void test_crc_convention(void)
{
	/* The standard CRC-32C check value. */
	CHECK_EQ(holt_ondisk_crc(0, "123456789", 9), 0xe3069283u);
	/* Chaining equals one pass. */
	CHECK_EQ(holt_ondisk_crc(holt_ondisk_crc(0, "1234", 4), "56789", 5),
		 0xe3069283u);
	CHECK_EQ(holt_super_store_id(test_uuid),
		 holt_ondisk_crc(0, test_uuid, 16));
	harness_case_ok();
}

static void test_layout(void)
{
	static const u8 zero[16];
	struct holt_super sb;

	CHECK_EQ(holt_super_layout(&sb, 64 * MiB, 4 * MiB, test_uuid), 0);
	CHECK_EQ(sb.generation, 1);
	CHECK_EQ(sb.wal_off, 1 * MiB);
	CHECK_EQ(sb.wal_len, 4 * MiB);
	CHECK_EQ(sb.slot_off, 5 * MiB);
	CHECK_EQ(sb.slot_count, (64 - 5) * 2);
	CHECK_EQ(sb.ckpt_lsn, 1);
	CHECK_EQ(sb.ckpt_wal_off, 0);
	CHECK_EQ(sb.log_epoch, 1);
	CHECK_EQ(sb.seq_high, 0);
	CHECK_EQ(sb.flags, HOLT_SUPER_F_CLEAN);
	CHECK_EQ(sb.map.slot, HOLT_SLOT_NONE);
	CHECK_EQ(sb.catalog.slot, HOLT_SLOT_NONE);
	CHECK_EQ(sb.owner_uid, 0);
	CHECK_EQ(sb.owner_gid, 0);
	CHECK_EQ(sb.owner_mode, 0600);
	CHECK_EQ(holt_super_check(&sb, 64 * MiB, NULL), 0);
	CHECK_EQ(holt_super_slot_byte(&sb, 3), 5 * MiB + 3 * 512 * 1024);
	CHECK_EQ(holt_super_slot_offset(0), 0);
	CHECK_EQ(holt_super_slot_offset(1), 4096);

	/* A log that is not a MiB multiple: slots start at the next MiB. */
	CHECK_EQ(holt_super_layout(&sb, 64 * MiB, 4 * MiB + 4096, test_uuid),
		 0);
	CHECK_EQ(sb.slot_off, 6 * MiB);

	/* Refusals. */
	CHECK_EQ(holt_super_layout(&sb, 64 * MiB, 4 * MiB - 4096, test_uuid),
		 -EINVAL);
	CHECK_EQ(holt_super_layout(&sb, 64 * MiB, 4 * MiB + 512, test_uuid),
		 -EINVAL);
	CHECK_EQ(holt_super_layout(&sb, 64 * MiB, 4 * MiB, zero), -EINVAL);
	/* 5 MiB + 7 slots is one slot short of the minimum of 8. */
	CHECK_EQ(holt_super_layout(&sb, 5 * MiB + 7 * 512 * 1024, 4 * MiB,
				   test_uuid), -ENOSPC);
	CHECK_EQ(holt_super_layout(&sb, 5 * MiB + 8 * 512 * 1024, 4 * MiB,
				   test_uuid), 0);
	CHECK_EQ(sb.slot_count, 8);
	CHECK_EQ(holt_super_layout(&sb, 2 * MiB, 4 * MiB, test_uuid), -ENOSPC);
	harness_case_ok();
}

static void test_roundtrip(void)
{
	struct holt_super sb, out;
	enum holt_super_reason why;

	make_sb(&sb, 42, 1);
	CHECK_EQ(holt_super_encode(&sb, bufb), 0);
	/* Fixed bytes: magic "HOLTSUPR", version 2. */
	CHECK_MEM(bufb, 8, "HOLTSUPR", 8);
	CHECK_EQ(holt_get_le32(bufb + 8), HOLT_FORMAT_VERSION);
	CHECK_EQ(holt_get_le64(bufb + 16), 42);
	/* The owner at 0xb0: uid, gid, mode. */
	CHECK_EQ(holt_get_le32(bufb + 0xb0), 1000);
	CHECK_EQ(holt_get_le32(bufb + 0xb4), 100);
	CHECK_EQ(holt_get_le32(bufb + 0xb8), 0640);
	CHECK_EQ(holt_super_decode(bufb, 64 * MiB, 1, &out, &why), 0);
	CHECK_EQ(why, HOLT_SUPER_OK);
	check_same(&sb, &out);
	/* A bigger device is fine (it grew); a smaller one is not. */
	CHECK_EQ(holt_super_decode(bufb, 1ull << 40, 1, &out, &why), 0);
	CHECK_EQ(holt_super_decode(bufb, 64 * MiB - 1, 1, &out, &why),
		 -EUCLEAN);
	CHECK_EQ(why, HOLT_SUPER_R_DEVICE);
	/* Read from slot A, it is a misdirected write. */
	CHECK_EQ(holt_super_decode(bufb, 64 * MiB, 0, &out, &why), -EUCLEAN);
	CHECK_EQ(why, HOLT_SUPER_R_SLOT);
	harness_case_ok();
}

static void test_bit_flips(void)
{
	struct holt_super sb, out;
	enum holt_super_reason why;
	u32 bit, i;

	make_sb(&sb, 7, 0);
	CHECK_EQ(holt_super_encode(&sb, bufa), 0);
	for (bit = 0; bit < HOLT_SUPER_SIZE * 8; bit++) {
		harness_step = bit;
		memcpy(scratch, bufa, HOLT_SUPER_SIZE);
		scratch[bit / 8] ^= 1u << (bit % 8);
		CHECK_EQ(holt_super_decode(scratch, 64 * MiB, 0, &out, &why),
			 -EUCLEAN);
		CHECK_EQ(why, bit < 64 ? HOLT_SUPER_R_MAGIC :
			 HOLT_SUPER_R_CSUM);
	}
	/* Random multi-byte damage: refused, or (never) the same block. */
	for (i = 0; i < 20000; i++) {
		u32 n = 1 + rnd(8), k;

		harness_step = i;
		memcpy(scratch, bufa, HOLT_SUPER_SIZE);
		for (k = 0; k < n; k++)
			scratch[rnd(HOLT_SUPER_SIZE)] = (u8)rnd64();
		if (!holt_super_decode(scratch, 64 * MiB, 0, &out, &why))
			CHECK_MEM(scratch, HOLT_SUPER_SIZE, bufa,
				  HOLT_SUPER_SIZE);
	}
	harness_case_ok();
}

/*
 * A field patched and the crc recomputed: the structure checks alone must
 * refuse it, for the stated reason.
 */
struct patch {
	const char *what;
	u32 off;
	u32 width;	/* 4 or 8 bytes, or 1 */
	u64 value;
	u64 dev_size;	/* 0: 64 MiB */
	int err;
	enum holt_super_reason why;
};

static const struct patch patches[] = {
	{ "version 3 (newer)", 0x08, 4, HOLT_FORMAT_VERSION + 1, 0,
	  -EPROTONOSUPPORT, HOLT_SUPER_R_VERSION },
	{ "version 1 (older)", 0x08, 4, 1, 0, -EPROTONOSUPPORT,
	  HOLT_SUPER_R_VERSION },
	{ "version 0", 0x08, 4, 0, 0, -EPROTONOSUPPORT, HOLT_SUPER_R_VERSION },
	{ "generation 0", 0x10, 8, 0, 0, -EUCLEAN, HOLT_SUPER_R_FIELD },
	{ "uuid zero", 0x18, 8, 0, 0, 0, HOLT_SUPER_OK }, /* half: still ok */
	{ "slot index 2", 0x28, 4, 2, 0, -EUCLEAN, HOLT_SUPER_R_SLOT },
	{ "unknown flag", 0x2c, 4, 2, 0, -EUCLEAN, HOLT_SUPER_R_FIELD },
	{ "block size 512", 0x30, 4, 512, 0, -EUCLEAN, HOLT_SUPER_R_GEOMETRY },
	{ "slot size 1 MiB", 0x34, 4, MiB, 0, -EUCLEAN, HOLT_SUPER_R_GEOMETRY },
	{ "dev size 2^63", 0x38, 8, 1ull << 63, ~0ull, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "dev size over device", 0x38, 8, 65 * MiB, 0, -EUCLEAN,
	  HOLT_SUPER_R_DEVICE },
	{ "dev size under slots", 0x38, 8, 63 * MiB, 0, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "wal over superblocks", 0x40, 8, 4096, 0, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "wal unaligned", 0x40, 8, MiB + 512, 0, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "wal past slots", 0x40, 8, 2 * MiB, 0, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "wal beyond device", 0x40, 8, 1ull << 50, 0, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "wal too short", 0x48, 8, MiB, 0, -EUCLEAN, HOLT_SUPER_R_GEOMETRY },
	{ "wal len unaligned", 0x48, 8, 4 * MiB - 8, 0, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "wal len huge", 0x48, 8, 1ull << 61, 0, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "slot area unaligned", 0x50, 8, 5 * MiB + 8, 0, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "slot area past device", 0x50, 8, 65 * MiB, 0, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "slot count one too many", 0x58, 8, 119, 0, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "slot count 2^60", 0x58, 8, 1ull << 60, 0, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "slot count 7", 0x58, 8, 7, 0, -EUCLEAN, HOLT_SUPER_R_GEOMETRY },
	{ "slot count 117 is fine", 0x58, 8, 117, 0, 0, HOLT_SUPER_OK },
	{ "ckpt lsn 0", 0x60, 8, 0, 0, -EUCLEAN, HOLT_SUPER_R_CKPT },
	{ "ckpt past log", 0x68, 8, 4 * MiB, 0, -EUCLEAN, HOLT_SUPER_R_CKPT },
	{ "ckpt unaligned", 0x68, 8, 12, 0, -EUCLEAN, HOLT_SUPER_R_CKPT },
	{ "ckpt no room for a header", 0x68, 8, 4 * MiB - 24, 0, -EUCLEAN,
	  HOLT_SUPER_R_CKPT },
	{ "ckpt 32 B before the end", 0x68, 8, 4 * MiB - 32, 0, -EUCLEAN,
	  HOLT_SUPER_R_CKPT },
	{ "ckpt last header", 0x68, 8, 4 * MiB - 40, 0, 0, HOLT_SUPER_OK },
	{ "epoch 0", 0x70, 4, 0, 0, -EUCLEAN, HOLT_SUPER_R_FIELD },
	{ "reserved word", 0x74, 4, 1, 0, -EUCLEAN, HOLT_SUPER_R_FIELD },
	{ "map slot past area", 0x80, 8, 118, 0, -EUCLEAN,
	  HOLT_SUPER_R_EXTENT },
	{ "map empty bytes", 0x88, 8, 0, 0, -EUCLEAN, HOLT_SUPER_R_EXTENT },
	{ "map too long for 1 slot", 0x88, 8, HOLT_META_PAYLOAD + 1, 0,
	  -EUCLEAN, HOLT_SUPER_R_EXTENT },
	{ "map exactly 1 slot", 0x88, 8, HOLT_META_PAYLOAD, 0, 0,
	  HOLT_SUPER_OK },
	{ "map 0 slots", 0x90, 4, 0, 0, -EUCLEAN, HOLT_SUPER_R_EXTENT },
	{ "catalog 1 slot for 2", 0xa8, 4, 1, 0, -EUCLEAN,
	  HOLT_SUPER_R_EXTENT },
	{ "catalog 3 slots for 2", 0xa8, 4, 3, 0, -EUCLEAN,
	  HOLT_SUPER_R_EXTENT },
	{ "catalog none with bytes", 0x98, 8, HOLT_SLOT_NONE, 0, -EUCLEAN,
	  HOLT_SUPER_R_EXTENT },
	{ "owner uid -1", 0xb0, 4, 0xffffffffu, 0, -EUCLEAN,
	  HOLT_SUPER_R_FIELD },
	{ "owner uid 65534", 0xb0, 4, 65534, 0, 0, HOLT_SUPER_OK },
	{ "owner gid -1", 0xb4, 4, 0xffffffffu, 0, -EUCLEAN,
	  HOLT_SUPER_R_FIELD },
	{ "owner gid 0", 0xb4, 4, 0, 0, 0, HOLT_SUPER_OK },
	{ "mode 01000", 0xb8, 4, 01000, 0, -EUCLEAN, HOLT_SUPER_R_FIELD },
	{ "mode 0x80000000", 0xb8, 4, 0x80000000u, 0, -EUCLEAN,
	  HOLT_SUPER_R_FIELD },
	{ "mode 0777", 0xb8, 4, 0777, 0, 0, HOLT_SUPER_OK },
	{ "mode 0", 0xb8, 4, 0, 0, 0, HOLT_SUPER_OK },
	{ "reserved word after the owner", 0xbc, 4, 1, 0, -EUCLEAN,
	  HOLT_SUPER_R_FIELD },
	{ "reserved tail byte", 0xc0, 1, 1, 0, -EUCLEAN, HOLT_SUPER_R_FIELD },
	{ "last byte", 0xfff, 1, 0x80, 0, -EUCLEAN, HOLT_SUPER_R_FIELD },
};

static void test_field_checks(void)
{
	struct holt_super sb, out;
	enum holt_super_reason why;
	u32 i;

	make_sb(&sb, 9, 0);
	CHECK_EQ(holt_super_encode(&sb, bufa), 0);
	for (i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
		const struct patch *p = &patches[i];
		u64 dev = p->dev_size ? p->dev_size : 64 * MiB;
		int err;

		harness_phase = p->what;
		memcpy(scratch, bufa, HOLT_SUPER_SIZE);
		if (p->width == 8)
			holt_put_le64(p->value, scratch + p->off);
		else if (p->width == 4)
			holt_put_le32((u32)p->value, scratch + p->off);
		else
			scratch[p->off] = (u8)p->value;
		reseal(scratch);
		err = holt_super_decode(scratch, dev, 0, &out, &why);
		CHECK(err == p->err && why == p->why,
		      "%s: got %d (%s), want %d (%s)", p->what, err,
		      holt_super_reason_str(why), p->err,
		      holt_super_reason_str(p->why));
	}
	harness_phase = "";

	/* An all-zero uuid is refused. */
	memcpy(scratch, bufa, HOLT_SUPER_SIZE);
	memset(scratch + 0x18, 0, 16);
	reseal(scratch);
	CHECK_EQ(holt_super_decode(scratch, 64 * MiB, 0, &out, &why),
		 -EUCLEAN);
	CHECK_EQ(why, HOLT_SUPER_R_FIELD);

	/* Encode refuses what decode would refuse, and zeroes the buffer. */
	sb.slot_count = 1000;
	memset(scratch, 0xaa, HOLT_SUPER_SIZE);
	CHECK_EQ(holt_super_encode(&sb, scratch), -EINVAL);
	CHECK_EQ(scratch[0] | scratch[100] | scratch[4095], 0);
	CHECK(strcmp(holt_super_reason_str(HOLT_SUPER_R_CSUM), "valid"), "");
	CHECK(holt_super_reason_str((enum holt_super_reason)99) != NULL, "");
	harness_case_ok();
}

/* The selection table: what is in A and B, what must come out. */
enum slot_state {
	S_VALID,	/* valid, with the given generation */
	S_ZERO,		/* never written */
	S_TORN,		/* part of the block missing */
	S_FLIP,		/* one bit flipped */
	S_OTHER_SLOT,	/* a valid superblock naming the other slot */
	S_VERSION2,	/* intact, another (newer) format version */
};

struct select_case {
	enum slot_state a;
	u64 gen_a;
	enum slot_state b;
	u64 gen_b;
	int err;
	int picked;
	enum holt_super_reason why_a, why_b;
};

static const struct select_case select_cases[] = {
	{ S_VALID, 5, S_VALID, 4, 0, 0, HOLT_SUPER_OK, HOLT_SUPER_OK },
	{ S_VALID, 4, S_VALID, 5, 0, 1, HOLT_SUPER_OK, HOLT_SUPER_OK },
	{ S_VALID, 1ull << 40, S_VALID, 3, 0, 0, HOLT_SUPER_OK,
	  HOLT_SUPER_OK },
	{ S_VALID, 5, S_ZERO, 0, 0, 0, HOLT_SUPER_OK, HOLT_SUPER_R_MAGIC },
	{ S_ZERO, 0, S_VALID, 5, 0, 1, HOLT_SUPER_R_MAGIC, HOLT_SUPER_OK },
	{ S_TORN, 6, S_VALID, 5, 0, 1, HOLT_SUPER_R_CSUM, HOLT_SUPER_OK },
	{ S_VALID, 6, S_TORN, 7, 0, 0, HOLT_SUPER_OK, HOLT_SUPER_R_CSUM },
	{ S_FLIP, 9, S_VALID, 8, 0, 1, HOLT_SUPER_R_CSUM, HOLT_SUPER_OK },
	{ S_OTHER_SLOT, 9, S_VALID, 8, 0, 1, HOLT_SUPER_R_SLOT,
	  HOLT_SUPER_OK },
	{ S_TORN, 6, S_FLIP, 5, -EUCLEAN, -1, HOLT_SUPER_R_CSUM,
	  HOLT_SUPER_R_CSUM },
	{ S_ZERO, 0, S_ZERO, 0, -EUCLEAN, -1, HOLT_SUPER_R_MAGIC,
	  HOLT_SUPER_R_MAGIC },
	{ S_VERSION2, 9, S_VALID, 8, -EPROTONOSUPPORT, -1,
	  HOLT_SUPER_R_VERSION, HOLT_SUPER_OK },
	{ S_VALID, 9, S_VERSION2, 8, -EPROTONOSUPPORT, -1, HOLT_SUPER_OK,
	  HOLT_SUPER_R_VERSION },
	{ S_TORN, 9, S_VERSION2, 8, -EPROTONOSUPPORT, -1, HOLT_SUPER_R_CSUM,
	  HOLT_SUPER_R_VERSION },
};

static void fill_slot(u8 *buf, enum slot_state st, u64 gen, u32 slot)
{
	struct holt_super sb;

	memset(buf, 0, HOLT_SUPER_SIZE);
	if (st == S_ZERO)
		return;
	make_sb(&sb, gen, st == S_OTHER_SLOT ? !slot : slot);
	CHECK_EQ(holt_super_encode(&sb, buf), 0);
	if (st == S_TORN)	/* part of the first sector never written */
		memset(buf + 0x40, 0, 0x40);
	else if (st == S_FLIP)
		buf[0x60] ^= 0x10;
	else if (st == S_VERSION2) {
		holt_put_le32(HOLT_FORMAT_VERSION + 1, buf + 8);
		reseal(buf);
	}
}

static void test_select_table(void)
{
	struct holt_super_choice ch;
	struct holt_super sb;
	u32 i;
	int err;

	for (i = 0; i < sizeof(select_cases) / sizeof(select_cases[0]); i++) {
		const struct select_case *c = &select_cases[i];

		harness_step = i;
		fill_slot(bufa, c->a, c->gen_a, 0);
		fill_slot(bufb, c->b, c->gen_b, 1);
		memset(&sb, 0, sizeof(sb));
		err = holt_super_select(bufa, bufb, 64 * MiB, &sb, &ch);
		CHECK(err == c->err, "case %u: err %d want %d", i, err,
		      c->err);
		CHECK_EQ(ch.picked, c->picked);
		CHECK_EQ(ch.reason[0], c->why_a);
		CHECK_EQ(ch.reason[1], c->why_b);
		if (!err) {
			CHECK_EQ(sb.generation,
				 c->picked ? c->gen_b : c->gen_a);
			CHECK_EQ(sb.slot_index, (u32)c->picked);
		}
	}
	harness_case_ok();
}

static void test_select_special(void)
{
	struct holt_super_choice ch;
	struct holt_super a, b, sb;

	/* Format writes the same superblock to both slots: A is taken. */
	make_sb(&a, 1, 0);
	b = a;
	b.slot_index = 1;
	CHECK_EQ(holt_super_encode(&a, bufa), 0);
	CHECK_EQ(holt_super_encode(&b, bufb), 0);
	CHECK_EQ(holt_super_select(bufa, bufb, 64 * MiB, &sb, &ch), 0);
	CHECK_EQ(ch.picked, 0);

	/* Same generation, different content: refuse, it is ambiguous. */
	b.seq_high++;
	CHECK_EQ(holt_super_encode(&b, bufb), 0);
	CHECK_EQ(holt_super_select(bufa, bufb, 64 * MiB, &sb, &ch), -EUCLEAN);
	CHECK_EQ(ch.picked, -1);
	CHECK_EQ(ch.reason[0], HOLT_SUPER_R_AMBIGUOUS);
	CHECK_EQ(ch.reason[1], HOLT_SUPER_R_AMBIGUOUS);

	/* Both valid but the device shrank under them. */
	make_sb(&a, 3, 0);
	make_sb(&b, 4, 1);
	CHECK_EQ(holt_super_encode(&a, bufa), 0);
	CHECK_EQ(holt_super_encode(&b, bufb), 0);
	CHECK_EQ(holt_super_select(bufa, bufb, 32 * MiB, &sb, &ch), -EUCLEAN);
	CHECK_EQ(ch.reason[0], HOLT_SUPER_R_DEVICE);
	CHECK_EQ(ch.reason[1], HOLT_SUPER_R_DEVICE);
	harness_case_ok();
}

/*
 * A superblock write torn at every byte: slot A holds generation n - 1,
 * slot B generation n, and A is being rewritten with n + 1.  Whatever
 * prefix (or suffix, for a device that reorders its writes) of the new
 * block reached the disk, selection yields the complete new A, or B; never
 * a mixture and never the older A.
 */
static void test_torn_superblock_write(void)
{
	struct holt_super_choice ch;
	struct holt_super sb, old_a, new_a, b;
	static u8 olda[HOLT_SUPER_SIZE], newa[HOLT_SUPER_SIZE];
	u32 t, order, mixed = 0;

	make_sb(&old_a, 10, 0);
	make_sb(&b, 11, 1);
	make_sb(&new_a, 12, 0);
	new_a.seq_high += 1000;
	new_a.map.slot = 17;
	CHECK_EQ(holt_super_encode(&old_a, olda), 0);
	CHECK_EQ(holt_super_encode(&b, bufb), 0);
	CHECK_EQ(holt_super_encode(&new_a, newa), 0);
	for (order = 0; order < 2; order++) {
		for (t = 0; t <= HOLT_SUPER_SIZE; t++) {
			const u8 *first = order ? olda : newa;
			const u8 *second = order ? newa : olda;

			harness_step = t;
			memcpy(bufa, first, t);
			memcpy(bufa + t, second + t, HOLT_SUPER_SIZE - t);
			CHECK_EQ(holt_super_select(bufa, bufb, 64 * MiB, &sb,
						   &ch), 0);
			if (!memcmp(bufa, newa, HOLT_SUPER_SIZE)) {
				CHECK_EQ(ch.picked, 0);
				CHECK_EQ(sb.generation, 12);
				CHECK_EQ(sb.seq_high, new_a.seq_high);
				CHECK_EQ(sb.map.slot, 17);
			} else {
				CHECK_EQ(ch.picked, 1);
				CHECK_EQ(sb.generation, 11);
				if (memcmp(bufa, olda, HOLT_SUPER_SIZE)) {
					CHECK_EQ(ch.reason[0],
						 HOLT_SUPER_R_CSUM);
					mixed++;
				}
			}
		}
	}
	/* The two blocks differ in a few bytes: some cuts did mix them. */
	CHECK(mixed > 10, "only %u mixed blocks", mixed);
	harness_case_ok();
}

/* Random valid superblocks survive encode/decode unchanged. */
static void test_random_roundtrip(void)
{
	struct holt_super sb, out;
	enum holt_super_reason why;
	u32 i;

	for (i = 0; i < 2000; i++) {
		u64 dev = (16 + rnd(1u << 20)) * MiB + rnd(4096) * 512ull;
		u64 wal = (1 + rnd(64)) * 4 * MiB + rnd(256) * 4096ull;
		u8 uuid[16];
		u32 k;

		harness_step = i;
		for (k = 0; k < 16; k++)
			uuid[k] = (u8)rnd64();
		uuid[0] |= 1;
		if (holt_super_layout(&sb, dev, wal, uuid)) {
			CHECK(HOLT_SUPER_RESERVED + wal + 8 * 512 * 1024ull >
			      dev - MiB, "layout refused a roomy device");
			continue;
		}
		sb.generation = 1 + rnd64() % (1ull << 62);
		sb.slot_index = rnd(2);
		sb.flags = rnd(2);
		sb.ckpt_lsn = 1 + rnd64() % (1ull << 62);
		sb.ckpt_wal_off = (rnd64() % (sb.wal_len - 40)) & ~7ull;
		sb.owner_uid = (u32)(rnd64() % 0xffffffffu);
		sb.owner_gid = (u32)(rnd64() % 0xffffffffu);
		sb.owner_mode = rnd(01000);
		sb.log_epoch = 1 + rnd(1u << 30);
		sb.seq_high = rnd64();
		if (chance(1, 2)) {
			sb.map.slot = rnd64() % sb.slot_count;
			sb.map.nr_slots = 1 + rnd((u32)min(sb.slot_count, 4ull));
			sb.map.bytes = (u64)(sb.map.nr_slots - 1) *
				       HOLT_META_PAYLOAD + 1 +
				       rnd(HOLT_META_PAYLOAD);
			sb.map.crc = (u32)rnd64();
		}
		CHECK_EQ(holt_super_encode(&sb, bufa), 0);
		CHECK_EQ(holt_super_decode(bufa, dev, sb.slot_index, &out,
					   &why), 0);
		check_same(&sb, &out);
	}
	harness_case_ok();
}

/* ---- metadata chains, frame map and catalog entries ---- */

struct chain_dev {
	u8 *slots[4];
	u64 numbers[4];
};

static const u8 *chain_slot(struct chain_dev *d, u64 slot)
{
	u32 i;

	for (i = 0; i < 4; i++)
		if (d->numbers[i] == slot)
			return d->slots[i];
	return NULL;
}

/* Walk a chain through @d: the number of map entries read, or -errno. */
static long walk_map(struct chain_dev *d, const struct holt_super_extent *ext,
		     u32 kind, u64 gen, u64 slot_count, u64 *sum)
{
	struct holt_super_chain_walk w;
	struct holt_map_entry e;
	const u8 *payload;
	long n = 0;
	u32 len, i;
	int ret;

	*sum = 0;
	holt_super_chain_begin(&w, ext, kind, gen, slot_count);
	while (w.slot != HOLT_SLOT_NONE) {
		const u8 *slot = chain_slot(d, w.slot);

		CHECK(slot != NULL, "walk asked for slot %llu",
		      (unsigned long long)w.slot);
		ret = holt_super_chain_next(&w, slot, &payload, &len);
		if (ret < 0)
			return ret;
		CHECK_EQ(ret, 1);
		CHECK_EQ(len % HOLT_MAP_ENTRY_SIZE, 0);
		for (i = 0; i < len; i += HOLT_MAP_ENTRY_SIZE) {
			CHECK_EQ(holt_super_map_get(payload + i, slot_count,
						    &e), 0);
			CHECK_EQ(e.frame_id, (u64)n * 3 + 1);
			CHECK_EQ(e.slot, (u64)n % slot_count);
			CHECK_EQ(e.tree, (u32)n % 5);
			CHECK_EQ(e.generation, 1 + (u64)n % 7);
			*sum += e.frame_crc;
			n++;
		}
	}
	CHECK_EQ(holt_super_chain_next(&w, d->slots[0], &payload, &len), 0);
	return n;
}

static void test_chain(void)
{
	const u64 slot_count = 100, gen = 77;
	const u32 nr = 2 * (HOLT_META_PAYLOAD / HOLT_MAP_ENTRY_SIZE) + 100;
	struct holt_super_extent ext;
	struct holt_super sb;
	struct chain_dev d = { .numbers = { 5, 9, 2, 50 } };
	u64 sum = 0, got_sum;
	u32 i, k, crc = 0, bytes;
	u8 *save;

	for (i = 0; i < 4; i++) {
		d.slots[i] = calloc(1, HOLT_SLOT_SIZE);
		CHECK(d.slots[i] != NULL, "calloc");
	}
	save = malloc(HOLT_SLOT_SIZE);
	/* Entries, 16382 per slot, into slots 5, 9, 2. */
	for (i = 0; i < nr; i++) {
		struct holt_map_entry e = {
			.frame_id = (u64)i * 3 + 1, .slot = i % slot_count,
			.tree = i % 5, .frame_crc = (u32)rnd64(),
			.generation = 1 + i % 7,
		};
		u32 per = HOLT_META_PAYLOAD / HOLT_MAP_ENTRY_SIZE;

		holt_super_map_put(d.slots[i / per] + HOLT_META_HDR_SIZE +
				   (i % per) * HOLT_MAP_ENTRY_SIZE, &e);
		sum += e.frame_crc;
	}
	for (k = 0; k < 3; k++) {
		bytes = k < 2 ? HOLT_META_PAYLOAD : 100 * HOLT_MAP_ENTRY_SIZE;
		crc = holt_ondisk_crc(crc, d.slots[k] + HOLT_META_HDR_SIZE,
				      bytes);
		CHECK_EQ(holt_super_chain_seal(d.slots[k], HOLT_META_MAP, k, gen,
					       k < 2 ? d.numbers[k + 1] :
					       HOLT_SLOT_NONE, bytes), 0);
	}
	ext = (struct holt_super_extent){ .slot = 5,
		.bytes = (u64)nr * HOLT_MAP_ENTRY_SIZE, .nr_slots = 3,
		.crc = crc };
	/* The superblock accepts the extent. */
	make_sb(&sb, gen, 0);
	sb.map = ext;
	CHECK_EQ(holt_super_check(&sb, 64 * MiB, NULL), 0);

	CHECK_EQ(walk_map(&d, &ext, HOLT_META_MAP, gen, slot_count, &got_sum),
		 nr);
	CHECK_EQ(got_sum, sum);

	/* Wrong kind, generation, count, stream crc, length: refused. */
	CHECK_EQ(walk_map(&d, &ext, HOLT_META_CATALOG, gen, slot_count,
			  &got_sum), -EUCLEAN);
	CHECK_EQ(walk_map(&d, &ext, HOLT_META_MAP, gen + 1, slot_count,
			  &got_sum), -EUCLEAN);
	ext.crc ^= 1;
	CHECK_EQ(walk_map(&d, &ext, HOLT_META_MAP, gen, slot_count, &got_sum),
		 -EUCLEAN);
	ext.crc ^= 1;
	ext.nr_slots = 4;
	CHECK_EQ(walk_map(&d, &ext, HOLT_META_MAP, gen, slot_count, &got_sum),
		 -EUCLEAN);
	ext.nr_slots = 2;
	CHECK_EQ(walk_map(&d, &ext, HOLT_META_MAP, gen, slot_count, &got_sum),
		 -EUCLEAN);
	ext.nr_slots = 3;
	ext.bytes -= HOLT_MAP_ENTRY_SIZE;
	CHECK_EQ(walk_map(&d, &ext, HOLT_META_MAP, gen, slot_count, &got_sum),
		 -EUCLEAN);
	ext.bytes += HOLT_MAP_ENTRY_SIZE;
	/* Starting at the second slot: its index is 1, not 0. */
	ext.slot = 9;
	CHECK_EQ(walk_map(&d, &ext, HOLT_META_MAP, gen, slot_count, &got_sum),
		 -EUCLEAN);
	ext.slot = 5;
	/* A next link outside the slot area. */
	CHECK_EQ(walk_map(&d, &ext, HOLT_META_MAP, gen, 9, &got_sum),
		 -EUCLEAN);
	/* A loop: the last slot links back to the first. */
	memcpy(save, d.slots[2], HOLT_SLOT_SIZE);
	CHECK_EQ(holt_super_chain_seal(d.slots[2], HOLT_META_MAP, 2, gen, 5,
				       HOLT_META_PAYLOAD), 0);
	CHECK_EQ(walk_map(&d, &ext, HOLT_META_MAP, gen, slot_count, &got_sum),
		 -EUCLEAN);
	memcpy(d.slots[2], save, HOLT_SLOT_SIZE);
	CHECK_EQ(walk_map(&d, &ext, HOLT_META_MAP, gen, slot_count, &got_sum),
		 nr);
	/* Any bit flip in any header, or in the payload, is refused. */
	for (i = 0; i < 200; i++) {
		u32 which = rnd(3), bit;
		u8 *p = d.slots[which];

		harness_step = i;
		bytes = which < 2 ? HOLT_META_PAYLOAD :
				    100 * HOLT_MAP_ENTRY_SIZE;
		bit = i < 100 ? rnd(HOLT_META_HDR_SIZE * 8) :
				 rnd((HOLT_META_HDR_SIZE + bytes) * 8);
		p[bit / 8] ^= 1u << (bit % 8);
		CHECK_EQ(walk_map(&d, &ext, HOLT_META_MAP, gen, slot_count,
				  &got_sum), -EUCLEAN);
		p[bit / 8] ^= 1u << (bit % 8);
	}
	/* Seal's own checks. */
	CHECK_EQ(holt_super_chain_seal(save, 3, 0, 1, HOLT_SLOT_NONE, 8),
		 -EINVAL);
	CHECK_EQ(holt_super_chain_seal(save, HOLT_META_MAP, 0, 0,
				       HOLT_SLOT_NONE, 8), -EINVAL);
	CHECK_EQ(holt_super_chain_seal(save, HOLT_META_MAP, 0, 1,
				       HOLT_SLOT_NONE, 0), -EINVAL);
	CHECK_EQ(holt_super_chain_seal(save, HOLT_META_MAP, 0, 1, 4, 8),
		 -EINVAL);	/* a slot before another must be full */
	CHECK_EQ(holt_super_chain_seal(save, HOLT_META_MAP, 0, 1,
				       HOLT_SLOT_NONE,
				       HOLT_META_PAYLOAD + 1), -EINVAL);
	for (i = 0; i < 4; i++)
		free(d.slots[i]);
	free(save);
	harness_case_ok();
}

static void test_map_catalog_entries(void)
{
	struct holt_map_entry e = { .frame_id = 1, .slot = 99, .tree = 2,
				    .frame_crc = 3, .generation = 4 }, f;
	struct holt_cat_entry c, g;
	u8 buf[512], *copy;
	u32 avail, pos, i;
	int n, k;

	holt_super_map_put(buf, &e);
	CHECK_EQ(holt_super_map_get(buf, 100, &f), 0);
	CHECK_EQ(f.slot, 99);
	CHECK_EQ(f.frame_crc, 3);
	CHECK_EQ(holt_super_map_get(buf, 99, &f), -EUCLEAN);
	e.generation = 0;
	holt_super_map_put(buf, &e);
	CHECK_EQ(holt_super_map_get(buf, 100, &f), -EUCLEAN);

	/* Catalog entries back to back. */
	pos = 0;
	for (i = 0; i < 5; i++) {
		c = (struct holt_cat_entry){ .tree = i, .root = 1000 + i,
			.created = 7 * i, .name = (const u8 *)
			"default-tree-name-of-a-reasonable-length-0123456789"
			"abcdefghijk",
			.nlen = 1 + i * 15 };
		n = holt_super_cat_put(buf + pos, sizeof(buf) - pos, &c);
		CHECK_EQ(n, 32 + ((c.nlen + 7) & ~7u));
		pos += n;
	}
	for (i = 0, k = 0; i < 5; i++) {
		n = holt_super_cat_get(buf + k, pos - k, &g);
		CHECK(n > 0, "entry %u", i);
		CHECK_EQ(g.tree, i);
		CHECK_EQ(g.root, 1000 + i);
		CHECK_EQ(g.created, 7 * i);
		CHECK_MEM(g.name, g.nlen, "default-tree-name-of-a-reasonable"
			  "-length-0123456789abcdefghijk", 1 + i * 15);
		k += n;
	}
	CHECK_EQ((u32)k, pos);

	/* Refusals when encoding. */
	c.nlen = 0;
	CHECK_EQ(holt_super_cat_put(buf, sizeof(buf), &c), -EINVAL);
	c.nlen = 64;
	CHECK_EQ(holt_super_cat_put(buf, sizeof(buf), &c), -EINVAL);
	c.name = (const u8 *)"a\0b";
	c.nlen = 3;
	CHECK_EQ(holt_super_cat_put(buf, sizeof(buf), &c), -EINVAL);
	c.name = (const u8 *)"abc";
	c.flags = 1;
	CHECK_EQ(holt_super_cat_put(buf, sizeof(buf), &c), -EINVAL);
	c.flags = 0;
	CHECK_EQ(holt_super_cat_put(buf, 39, &c), -ENOSPC);
	n = holt_super_cat_put(buf, 40, &c);
	CHECK_EQ(n, 40);

	/* Truncated at every length, from an exactly sized copy. */
	for (avail = 0; avail < 40; avail++) {
		copy = malloc(avail ? avail : 1);
		memcpy(copy, buf, avail);
		CHECK_EQ(holt_super_cat_get(copy, avail, &g), -EUCLEAN);
		free(copy);
	}
	/* Reserved, flags, padding, NUL in the name, lengths: refused. */
	{
		static const u32 offs[] = { 4, 5, 6, 7, 24, 31, 33, 35, 39 };
		static const u8 vals[] = { 0, 64, 1, 1, 1, 1, 0, 1, 1 };

		for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
			u8 save = buf[offs[i]];

			buf[offs[i]] = vals[i];
			CHECK(holt_super_cat_get(buf, 40, &g) == -EUCLEAN,
			      "byte %u = %u accepted", offs[i], vals[i]);
			buf[offs[i]] = save;
		}
		CHECK_EQ(holt_super_cat_get(buf, 40, &g), 40);
	}
	harness_case_ok();
}

int main(void)
{
	harness_init("test_super", "TEST_SUPER_SEED");
	test_crc_convention();
	test_layout();
	test_roundtrip();
	test_bit_flips();
	test_field_checks();
	test_select_table();
	test_select_special();
	test_torn_superblock_write();
	test_random_roundtrip();
	test_chain();
	test_map_catalog_entries();
	return harness_done();
}
