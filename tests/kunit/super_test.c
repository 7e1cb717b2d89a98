// SPDX-License-Identifier: GPL-2.0
/*
 * super_test.c - KUnit suite holt_super: the superblock codec and the A/B
 * slot selection of kmod/core/super.h inside the kernel, under KASAN.  Every
 * expectation is worked out by hand from the format (generations, reasons,
 * errnos), never only "it returned 0".
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "port.h"
#include "super.h"

#define HOLT_KS_MIB	(1024ull * 1024)
#define HOLT_KS_DEV	(64 * HOLT_KS_MIB)

static const u8 holt_ks_uuid[16] = {
	0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
};

/* A 64 MiB store with a 4 MiB log and some checkpoint state. */
static void holt_ks_make(struct kunit *test, struct holt_super *sb, u64 gen,
			 u32 slot)
{
	KUNIT_ASSERT_EQ(test, holt_super_layout(sb, HOLT_KS_DEV,
						4 * HOLT_KS_MIB,
						holt_ks_uuid), 0);
	sb->generation = gen;
	sb->slot_index = slot;
	sb->flags = 0;
	sb->ckpt_lsn = 500 + gen;
	sb->ckpt_wal_off = 8 * (gen % 1000);
	sb->log_epoch = 4;
	sb->seq_high = 987654321ull + gen;
	sb->map.slot = 5;
	sb->map.bytes = 4000;
	sb->map.nr_slots = 1;
	sb->map.crc = 0xcafef00d;
	sb->catalog.slot = 6;
	sb->catalog.bytes = HOLT_META_PAYLOAD + 1;
	sb->catalog.nr_slots = 2;
	sb->catalog.crc = 0x0badcafe;
}

static void holt_ks_reseal(u8 *buf)
{
	holt_put_le32(0, buf + 12);
	holt_put_le32(holt_ondisk_crc(0, buf, HOLT_SUPER_SIZE), buf + 12);
}

static void holt_super_layout_test(struct kunit *test)
{
	struct holt_super *sb = kunit_kzalloc(test, sizeof(*sb), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sb);
	KUNIT_EXPECT_EQ(test, holt_ondisk_crc(0, "123456789", 9), 0xe3069283u);
	KUNIT_ASSERT_EQ(test, holt_super_layout(sb, HOLT_KS_DEV,
						4 * HOLT_KS_MIB,
						holt_ks_uuid), 0);
	KUNIT_EXPECT_EQ(test, sb->generation, 1ull);
	KUNIT_EXPECT_EQ(test, sb->wal_off, HOLT_KS_MIB);
	KUNIT_EXPECT_EQ(test, sb->wal_len, 4 * HOLT_KS_MIB);
	KUNIT_EXPECT_EQ(test, sb->slot_off, 5 * HOLT_KS_MIB);
	KUNIT_EXPECT_EQ(test, sb->slot_count, 118ull);
	KUNIT_EXPECT_EQ(test, sb->ckpt_lsn, 1ull);
	KUNIT_EXPECT_EQ(test, sb->log_epoch, 1u);
	KUNIT_EXPECT_EQ(test, sb->map.slot, HOLT_SLOT_NONE);
	KUNIT_EXPECT_EQ(test, holt_super_check(sb, HOLT_KS_DEV, NULL), 0);
	KUNIT_EXPECT_EQ(test, holt_super_slot_byte(sb, 3),
			5 * HOLT_KS_MIB + 3ull * HOLT_SLOT_SIZE);
	KUNIT_EXPECT_EQ(test, holt_super_slot_offset(1), 4096ull);
	/* Too small a device for log and 8 slots. */
	KUNIT_EXPECT_EQ(test, holt_super_layout(sb, 2 * HOLT_KS_MIB,
						4 * HOLT_KS_MIB,
						holt_ks_uuid), -ENOSPC);
}

static void holt_super_roundtrip_test(struct kunit *test)
{
	struct holt_super *in = kunit_kzalloc(test, sizeof(*in), GFP_KERNEL);
	struct holt_super *out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, HOLT_SUPER_SIZE, GFP_KERNEL);
	enum holt_super_reason why = HOLT_SUPER_R_NR;

	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	holt_ks_make(test, in, 77, 1);
	KUNIT_ASSERT_EQ(test, holt_super_encode(in, buf), 0);
	KUNIT_EXPECT_EQ(test, holt_get_le64(buf), HOLT_SUPER_MAGIC);
	KUNIT_ASSERT_EQ(test, holt_super_decode(buf, HOLT_KS_DEV, 1, out, &why),
			0);
	KUNIT_EXPECT_EQ(test, why, HOLT_SUPER_OK);
	KUNIT_EXPECT_EQ(test, out->generation, 77ull);
	KUNIT_EXPECT_EQ(test, memcmp(out->uuid, holt_ks_uuid, 16), 0);
	KUNIT_EXPECT_EQ(test, out->slot_index, 1u);
	KUNIT_EXPECT_EQ(test, out->flags, 0u);
	KUNIT_EXPECT_EQ(test, out->block_size, HOLT_BLOCK_SIZE);
	KUNIT_EXPECT_EQ(test, out->slot_size, HOLT_SLOT_SIZE);
	KUNIT_EXPECT_EQ(test, out->dev_size, HOLT_KS_DEV);
	KUNIT_EXPECT_EQ(test, out->wal_off, in->wal_off);
	KUNIT_EXPECT_EQ(test, out->wal_len, in->wal_len);
	KUNIT_EXPECT_EQ(test, out->slot_off, in->slot_off);
	KUNIT_EXPECT_EQ(test, out->slot_count, in->slot_count);
	KUNIT_EXPECT_EQ(test, out->ckpt_lsn, 577ull);
	KUNIT_EXPECT_EQ(test, out->ckpt_wal_off, 8ull * 77);
	KUNIT_EXPECT_EQ(test, out->log_epoch, 4u);
	KUNIT_EXPECT_EQ(test, out->seq_high, 987654321ull + 77);
	KUNIT_EXPECT_EQ(test, out->map.slot, 5ull);
	KUNIT_EXPECT_EQ(test, out->map.bytes, 4000ull);
	KUNIT_EXPECT_EQ(test, out->map.nr_slots, 1u);
	KUNIT_EXPECT_EQ(test, out->map.crc, 0xcafef00du);
	KUNIT_EXPECT_EQ(test, out->catalog.slot, 6ull);
	KUNIT_EXPECT_EQ(test, out->catalog.bytes, HOLT_META_PAYLOAD + 1ull);
	KUNIT_EXPECT_EQ(test, out->catalog.nr_slots, 2u);
	KUNIT_EXPECT_EQ(test, out->catalog.crc, 0x0badcafeu);

	/* Read from the other slot: a misdirected write. */
	KUNIT_EXPECT_EQ(test, holt_super_decode(buf, HOLT_KS_DEV, 0, out, &why),
			-EUCLEAN);
	KUNIT_EXPECT_EQ(test, why, HOLT_SUPER_R_SLOT);
	/* The device shrank below the store. */
	KUNIT_EXPECT_EQ(test, holt_super_decode(buf, HOLT_KS_DEV - 1, 1, out,
						&why), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, why, HOLT_SUPER_R_DEVICE);
	/* An inconsistent superblock is not encoded. */
	in->slot_count = 7;
	KUNIT_EXPECT_EQ(test, holt_super_encode(in, buf), -EINVAL);
}

/* ---- the A/B selection table ---- */

enum holt_ks_state {
	HOLT_KS_VALID,		/* valid, with the given generation */
	HOLT_KS_ZERO,		/* never written */
	HOLT_KS_TORN,		/* part of the block lost */
	HOLT_KS_FLIP,		/* one bit flipped */
	HOLT_KS_OTHER,		/* a valid superblock naming the other slot */
	HOLT_KS_V2,		/* intact, another (newer) format version */
};

struct holt_ks_sel {
	const char *name;
	enum holt_ks_state a;
	u64 gen_a;
	enum holt_ks_state b;
	u64 gen_b;
	int err;
	int picked;
	enum holt_super_reason why_a, why_b;
};

static const struct holt_ks_sel holt_ks_sel_cases[] = {
	{ "A newer", HOLT_KS_VALID, 5, HOLT_KS_VALID, 4, 0, 0,
	  HOLT_SUPER_OK, HOLT_SUPER_OK },
	{ "B newer", HOLT_KS_VALID, 4, HOLT_KS_VALID, 5, 0, 1,
	  HOLT_SUPER_OK, HOLT_SUPER_OK },
	{ "A far newer", HOLT_KS_VALID, 1ull << 40, HOLT_KS_VALID, 3, 0, 0,
	  HOLT_SUPER_OK, HOLT_SUPER_OK },
	{ "B never written", HOLT_KS_VALID, 5, HOLT_KS_ZERO, 0, 0, 0,
	  HOLT_SUPER_OK, HOLT_SUPER_R_MAGIC },
	{ "A never written", HOLT_KS_ZERO, 0, HOLT_KS_VALID, 5, 0, 1,
	  HOLT_SUPER_R_MAGIC, HOLT_SUPER_OK },
	{ "newer A torn", HOLT_KS_TORN, 6, HOLT_KS_VALID, 5, 0, 1,
	  HOLT_SUPER_R_CSUM, HOLT_SUPER_OK },
	{ "newer B torn", HOLT_KS_VALID, 6, HOLT_KS_TORN, 7, 0, 0,
	  HOLT_SUPER_OK, HOLT_SUPER_R_CSUM },
	{ "newer A bit flip", HOLT_KS_FLIP, 9, HOLT_KS_VALID, 8, 0, 1,
	  HOLT_SUPER_R_CSUM, HOLT_SUPER_OK },
	{ "A misdirected", HOLT_KS_OTHER, 9, HOLT_KS_VALID, 8, 0, 1,
	  HOLT_SUPER_R_SLOT, HOLT_SUPER_OK },
	{ "both damaged", HOLT_KS_TORN, 6, HOLT_KS_FLIP, 5, -EUCLEAN, -1,
	  HOLT_SUPER_R_CSUM, HOLT_SUPER_R_CSUM },
	{ "both empty", HOLT_KS_ZERO, 0, HOLT_KS_ZERO, 0, -EUCLEAN, -1,
	  HOLT_SUPER_R_MAGIC, HOLT_SUPER_R_MAGIC },
	{ "A version 2", HOLT_KS_V2, 9, HOLT_KS_VALID, 8, -EPROTONOSUPPORT,
	  -1, HOLT_SUPER_R_VERSION, HOLT_SUPER_OK },
	{ "B version 2 (older)", HOLT_KS_VALID, 9, HOLT_KS_V2, 8,
	  -EPROTONOSUPPORT, -1, HOLT_SUPER_OK, HOLT_SUPER_R_VERSION },
	{ "A torn, B version 2", HOLT_KS_TORN, 9, HOLT_KS_V2, 8,
	  -EPROTONOSUPPORT, -1, HOLT_SUPER_R_CSUM, HOLT_SUPER_R_VERSION },
};

static void holt_ks_sel_desc(const struct holt_ks_sel *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(holt_ks_sel, holt_ks_sel_cases, holt_ks_sel_desc);

static void holt_ks_fill(struct kunit *test, u8 *buf, enum holt_ks_state st,
			 u64 gen, u32 slot)
{
	struct holt_super *sb = kunit_kzalloc(test, sizeof(*sb), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sb);
	memset(buf, 0, HOLT_SUPER_SIZE);
	if (st == HOLT_KS_ZERO)
		return;
	holt_ks_make(test, sb, gen, st == HOLT_KS_OTHER ? !slot : slot);
	KUNIT_ASSERT_EQ(test, holt_super_encode(sb, buf), 0);
	switch (st) {
	case HOLT_KS_TORN:
		memset(buf + 0x40, 0, 0x40);
		break;
	case HOLT_KS_FLIP:
		buf[0x60] ^= 0x10;
		break;
	case HOLT_KS_V2:
		holt_put_le32(HOLT_FORMAT_VERSION + 1, buf + 8);
		holt_ks_reseal(buf);
		break;
	default:
		break;
	}
}

static void holt_super_select_test(struct kunit *test)
{
	const struct holt_ks_sel *c = test->param_value;
	u8 *a = kunit_kzalloc(test, HOLT_SUPER_SIZE, GFP_KERNEL);
	u8 *b = kunit_kzalloc(test, HOLT_SUPER_SIZE, GFP_KERNEL);
	struct holt_super *sb = kunit_kzalloc(test, sizeof(*sb), GFP_KERNEL);
	struct holt_super_choice ch;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, sb);
	holt_ks_fill(test, a, c->a, c->gen_a, 0);
	holt_ks_fill(test, b, c->b, c->gen_b, 1);
	KUNIT_EXPECT_EQ(test, holt_super_select(a, b, HOLT_KS_DEV, sb, &ch),
			c->err);
	KUNIT_EXPECT_EQ(test, ch.picked, c->picked);
	KUNIT_EXPECT_EQ(test, ch.reason[0], c->why_a);
	KUNIT_EXPECT_EQ(test, ch.reason[1], c->why_b);
	if (!c->err) {
		KUNIT_EXPECT_EQ(test, sb->generation,
				c->picked ? c->gen_b : c->gen_a);
		KUNIT_EXPECT_EQ(test, sb->slot_index, (u32)c->picked);
		KUNIT_EXPECT_EQ(test, sb->ckpt_lsn,
				500 + (c->picked ? c->gen_b : c->gen_a));
	}
}

/* Two different valid superblocks with one generation: refused. */
static void holt_super_select_ambiguous_test(struct kunit *test)
{
	u8 *a = kunit_kzalloc(test, HOLT_SUPER_SIZE, GFP_KERNEL);
	u8 *b = kunit_kzalloc(test, HOLT_SUPER_SIZE, GFP_KERNEL);
	struct holt_super *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	struct holt_super *y = kunit_kzalloc(test, sizeof(*y), GFP_KERNEL);
	struct holt_super_choice ch;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_ASSERT_NOT_NULL(test, y);
	/* Format's twin copies: A is taken. */
	holt_ks_make(test, x, 1, 0);
	*y = *x;
	y->slot_index = 1;
	KUNIT_ASSERT_EQ(test, holt_super_encode(x, a), 0);
	KUNIT_ASSERT_EQ(test, holt_super_encode(y, b), 0);
	KUNIT_EXPECT_EQ(test, holt_super_select(a, b, HOLT_KS_DEV, x, &ch), 0);
	KUNIT_EXPECT_EQ(test, ch.picked, 0);
	/* Same generation, different contents. */
	holt_ks_make(test, y, 1, 1);
	y->seq_high += 1;
	KUNIT_ASSERT_EQ(test, holt_super_encode(y, b), 0);
	KUNIT_EXPECT_EQ(test, holt_super_select(a, b, HOLT_KS_DEV, x, &ch),
			-EUCLEAN);
	KUNIT_EXPECT_EQ(test, ch.picked, -1);
	KUNIT_EXPECT_EQ(test, ch.reason[0], HOLT_SUPER_R_AMBIGUOUS);
	KUNIT_EXPECT_EQ(test, ch.reason[1], HOLT_SUPER_R_AMBIGUOUS);
}

/* ---- fields out of bounds, patched into an encoded slot ---- */

struct holt_ks_field {
	const char *name;
	u32 off;
	u32 width;
	u64 val;
	int err;
	enum holt_super_reason why;
};

static const struct holt_ks_field holt_ks_field_cases[] = {
	{ "unchanged map bytes", 0x88, 8, 4000, 0, HOLT_SUPER_OK },
	{ "block size 512", 0x30, 4, 512, -EUCLEAN, HOLT_SUPER_R_GEOMETRY },
	{ "slot size 1 MiB", 0x34, 4, 1ull << 20, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "dev size 2^63", 0x38, 8, 1ull << 63, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "dev size over device", 0x38, 8, 65ull << 20, -EUCLEAN,
	  HOLT_SUPER_R_DEVICE },
	{ "wal over superblocks", 0x40, 8, 4096, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "wal unaligned", 0x40, 8, (1ull << 20) + 512, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "wal beyond device", 0x40, 8, 1ull << 50, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "wal len huge", 0x48, 8, 1ull << 61, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "slot area past device", 0x50, 8, 65ull << 20, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "slot count one too many", 0x58, 8, 119, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "slot count 2^60", 0x58, 8, 1ull << 60, -EUCLEAN,
	  HOLT_SUPER_R_GEOMETRY },
	{ "slot count 117 fits", 0x58, 8, 117, 0, HOLT_SUPER_OK },
	{ "ckpt past log", 0x68, 8, 4ull << 20, -EUCLEAN, HOLT_SUPER_R_CKPT },
	{ "map slot past area", 0x80, 8, 118, -EUCLEAN, HOLT_SUPER_R_EXTENT },
	{ "format version 3", 0x08, 4, HOLT_FORMAT_VERSION + 1,
	  -EPROTONOSUPPORT, HOLT_SUPER_R_VERSION },
	{ "format version 1 (older)", 0x08, 4, 1, -EPROTONOSUPPORT,
	  HOLT_SUPER_R_VERSION },
	{ "owner uid -1", 0xb0, 4, 0xffffffffu, -EUCLEAN, HOLT_SUPER_R_FIELD },
	{ "owner mode 01000", 0xb8, 4, 01000, -EUCLEAN, HOLT_SUPER_R_FIELD },
	{ "owner mode 0750 fits", 0xb8, 4, 0750, 0, HOLT_SUPER_OK },
};

static void holt_ks_field_desc(const struct holt_ks_field *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(holt_ks_field, holt_ks_field_cases, holt_ks_field_desc);

static void holt_super_field_bounds_test(struct kunit *test)
{
	const struct holt_ks_field *c = test->param_value;
	u8 *buf = kunit_kzalloc(test, HOLT_SUPER_SIZE, GFP_KERNEL);
	struct holt_super *sb = kunit_kzalloc(test, sizeof(*sb), GFP_KERNEL);
	enum holt_super_reason why = HOLT_SUPER_R_NR;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, sb);
	holt_ks_make(test, sb, 12, 0);
	KUNIT_ASSERT_EQ(test, holt_super_encode(sb, buf), 0);
	if (c->width == 4)
		holt_put_le32((u32)c->val, buf + c->off);
	else
		holt_put_le64(c->val, buf + c->off);
	holt_ks_reseal(buf);
	KUNIT_EXPECT_EQ(test, holt_super_decode(buf, HOLT_KS_DEV, 0, sb, &why),
			c->err);
	KUNIT_EXPECT_EQ(test, why, c->why);
}

static struct kunit_case holt_super_cases[] = {
	KUNIT_CASE(holt_super_layout_test),
	KUNIT_CASE(holt_super_roundtrip_test),
	KUNIT_CASE_PARAM(holt_super_select_test, holt_ks_sel_gen_params),
	KUNIT_CASE(holt_super_select_ambiguous_test),
	KUNIT_CASE_PARAM(holt_super_field_bounds_test,
			 holt_ks_field_gen_params),
	{}
};

static struct kunit_suite holt_super_suite = {
	.name = "holt_super",
	.test_cases = holt_super_cases,
};

kunit_test_suite(holt_super_suite);
