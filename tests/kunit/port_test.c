// SPDX-License-Identifier: GPL-2.0
/*
 * port_test.c - KUnit suite holt_port: the kernel side of kmod/core/port.h,
 * the only services the engine takes from the kernel.  Checked against
 * known answers, so that the engine built into holt.ko computes exactly what
 * the userspace build (port_user.c) computes.
 */
#include <kunit/test.h>
#include <linux/mm.h>

#include "port.h"
#include "validate.h"

/* crc32c as the engine uses it: raw register, the caller inverts. */
static void holt_port_crc32c_check_value_test(struct kunit *test)
{
	static const char digits[] = "123456789";

	/* The CRC-32C check value of "123456789" (RFC 3720, B.4). */
	KUNIT_EXPECT_EQ(test, ~holt_crc32c(~0u, digits, 9), 0xe3069283u);
	/* Nothing hashed leaves the seed alone. */
	KUNIT_EXPECT_EQ(test, holt_crc32c(0x12345678u, digits, 0), 0x12345678u);
}

static void holt_port_crc32c_incremental_test(struct kunit *test)
{
	u8 *buf = kunit_kmalloc(test, 4096, GFP_KERNEL);
	u32 whole, parts;
	int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	for (i = 0; i < 4096; i++)
		buf[i] = (u8)(i * 7 + 3);
	whole = holt_crc32c(~0u, buf, 4096);
	parts = holt_crc32c(~0u, buf, 1000);
	parts = holt_crc32c(parts, buf + 1000, 3096);
	KUNIT_EXPECT_EQ(test, whole, parts);
	/* One flipped bit must change it. */
	buf[2048] ^= 0x10;
	KUNIT_EXPECT_NE(test, holt_crc32c(~0u, buf, 4096), whole);
}

/* The on-frame integer format is little-endian at any alignment. */
static void holt_port_le_unaligned_test(struct kunit *test)
{
	u8 buf[24] = { 0 };
	int off;

	for (off = 0; off < 8; off++) {
		memset(buf, 0, sizeof(buf));
		holt_put_le16(0xbeef, buf + off);
		KUNIT_EXPECT_EQ(test, buf[off], 0xef);
		KUNIT_EXPECT_EQ(test, buf[off + 1], 0xbe);
		KUNIT_EXPECT_EQ(test, holt_get_le16(buf + off), 0xbeef);

		holt_put_le32(0x01020304u, buf + off);
		KUNIT_EXPECT_EQ(test, buf[off], 0x04);
		KUNIT_EXPECT_EQ(test, buf[off + 3], 0x01);
		KUNIT_EXPECT_EQ(test, holt_get_le32(buf + off), 0x01020304u);

		holt_put_le64(0x0102030405060708ull, buf + off);
		KUNIT_EXPECT_EQ(test, buf[off], 0x08);
		KUNIT_EXPECT_EQ(test, buf[off + 7], 0x01);
		KUNIT_EXPECT_EQ(test, holt_get_le64(buf + off),
				0x0102030405060708ull);
	}
}

/*
 * A frame is HOLT_FRAME_SIZE bytes, page aligned and zeroed; writing every
 * byte of it must not trip KASAN whether it came from the page allocator or
 * from the vmalloc fallback.
 */
static void holt_port_frame_aligned_zeroed_test(struct kunit *test)
{
	u8 *f = holt_port_frame_alloc(HOLT_FRAME_SIZE);
	size_t i;
	bool zero = true;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(f));
	for (i = 0; i < HOLT_FRAME_SIZE; i++)
		if (f[i])
			zero = false;
	KUNIT_EXPECT_TRUE(test, zero);
	memset(f, 0xa5, HOLT_FRAME_SIZE);
	KUNIT_EXPECT_EQ(test, f[HOLT_FRAME_SIZE - 1], 0xa5);
	holt_port_frame_free(f, HOLT_FRAME_SIZE);
	/* Freeing nothing is allowed, as kfree(NULL) is. */
	holt_port_frame_free(NULL, HOLT_FRAME_SIZE);
}

static void holt_port_alloc_zeroed_test(struct kunit *test)
{
	u8 *p = holt_port_alloc(100);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, p[i], 0);
	holt_port_free(p);
	holt_port_free(NULL);
}

static struct kunit_case holt_port_cases[] = {
	KUNIT_CASE(holt_port_crc32c_check_value_test),
	KUNIT_CASE(holt_port_crc32c_incremental_test),
	KUNIT_CASE(holt_port_le_unaligned_test),
	KUNIT_CASE(holt_port_frame_aligned_zeroed_test),
	KUNIT_CASE(holt_port_alloc_zeroed_test),
	{}
};

static struct kunit_suite holt_port_suite = {
	.name = "holt_port",
	.test_cases = holt_port_cases,
};

kunit_test_suite(holt_port_suite);
