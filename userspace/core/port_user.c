// SPDX-License-Identifier: GPL-2.0
/*
 * port_user.c - the userspace half of kmod/core/port.h: the fault-injection
 * counters and crc32c.
 *
 * crc32c uses the SSE4.2 CRC32 instruction, which computes exactly the
 * Castagnoli polynomial the kernel's crc32c() does (no final inversion:
 * callers pass and keep the raw register, like the kernel's interface).
 */
#include "../../kmod/core/port.h"

#include <nmmintrin.h>

long holt_port_fail_countdown;
unsigned long holt_port_live_allocs;

u32 holt_crc32c(u32 crc, const void *p, size_t len)
{
	const u8 *b = p;
	u64 c = crc;

	while (len >= 8) {
		u64 w;

		memcpy(&w, b, 8);
		c = _mm_crc32_u64(c, w);
		b += 8;
		len -= 8;
	}
	crc = (u32)c;
	while (len--)
		crc = _mm_crc32_u8(crc, *b++);
	return crc;
}
