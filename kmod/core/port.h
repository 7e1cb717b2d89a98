/* SPDX-License-Identifier: GPL-2.0 */
/*
 * port.h - the only file in kmod/core/ that knows which side it is built for.
 *
 * DOC: One engine, two builds
 *
 * Every other file in kmod/core/ includes this header and nothing from the
 * kernel or libc directly.  It maps the handful of services the engine needs
 * onto the kernel (holt.ko, KUnit) or onto libc (unit tests, fuzzers,
 * benchmarks, holt-fsck, holt-dump):
 *
 *  - fixed-width types (u8 .. u64), bool, size_t, errno values;
 *  - memcpy/memmove/memcmp/memset;
 *  - small allocations (holt_port_alloc/holt_port_free; naturally aligned
 *    ones of a power-of-two size: holt_port_alloc_pow2) and 512 KiB frame
 *    allocations (holt_port_frame_alloc/holt_port_frame_free), page aligned;
 *  - little-endian loads and stores (holt_get_le16 ...);
 *  - crc32c; a cache prefetch hint;
 *  - HOLT_WARN_ON, which warns once in the kernel and aborts in userspace
 *    tests, because a broken invariant in a test run must fail loudly.
 *
 * The userspace side has an allocation fault injector so that tests can make
 * the N-th allocation fail and exercise every error path.
 */
#ifndef HOLT_CORE_PORT_H
#define HOLT_CORE_PORT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/vmalloc.h>
#include <linux/crc32c.h>
#include <linux/minmax.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/printk.h>
#include <linux/atomic.h>
#include <linux/prefetch.h>
#include <linux/cache.h>
#include <asm/unaligned.h>

#define HOLT_WARN_ON(cond) WARN_ON_ONCE(cond)

static inline void *holt_port_alloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

/*
 * Cleared memory of a power-of-two @size (64 bytes or more) aligned to its
 * size or a page, whichever is less (kmalloc aligns such sizes naturally,
 * vmalloc to pages), freed with holt_port_free().
 */
static inline void *holt_port_alloc_pow2(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void holt_port_free(void *p)
{
	kvfree(p);
}

/* Frames are 512 KiB: order-7 pages when they can be had, else vmalloc. */
static inline void *holt_port_frame_alloc(size_t size)
{
	struct page *page;

	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY | __GFP_ZERO,
			   get_order(size));
	if (page)
		return page_address(page);
	return vzalloc(size);
}

/*
 * A frame whose bytes are not cleared: for rebuilds, which write every
 * byte below their cursor (bytes above it never leave the engine, see
 * holt_frame_copy_out()).
 */
static inline void *holt_port_frame_alloc_raw(size_t size)
{
	struct page *page;

	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
			   get_order(size));
	if (page)
		return page_address(page);
	return vmalloc(size);
}

static inline void holt_port_frame_free(void *p, size_t size)
{
	if (!p)
		return;
	if (is_vmalloc_addr(p))
		vfree(p);
	else
		free_pages((unsigned long)p, get_order(size));
}

static inline u32 holt_crc32c(u32 seed, const void *p, size_t len)
{
	return crc32c(seed, p, len);
}

static inline void holt_cond_resched(void)
{
	cond_resched();
}

/*
 * Frames are loaded on demand by readers that share the tree: a loaded
 * frame is published with a compare-and-exchange of its table entry.
 */
#define holt_port_cmpxchg_ptr(ptr, old, new) cmpxchg(ptr, old, new)
#define holt_port_read_once(x) READ_ONCE(x)
#define holt_port_write_once(x, v) WRITE_ONCE(x, v)
/* orders reading a "published" flag before reading what it published */
#define holt_port_rmb() smp_rmb()
/* a hint to the cache: @p will be read soon (never faults) */
#define holt_port_prefetch(p) prefetch(p)
/* the size of what one prefetch brings in */
#define HOLT_CACHE_LINE L1_CACHE_BYTES

struct holt_atomic {
	atomic_long_t v;
};

#define holt_atomic_read(a) atomic_long_read(&(a)->v)
#define holt_atomic_add(a, n) atomic_long_add(n, &(a)->v)
#define holt_atomic_set(a, n) atomic_long_set(&(a)->v, n)

#define holt_get_le16(p) get_unaligned_le16(p)
#define holt_get_le32(p) get_unaligned_le32(p)
#define holt_get_le64(p) get_unaligned_le64(p)
#define holt_put_le16(v, p) put_unaligned_le16(v, p)
#define holt_put_le32(v, p) put_unaligned_le32(v, p)
#define holt_put_le64(v, p) put_unaligned_le64(v, p)

#else /* userspace */

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/* glibc's sys/cdefs.h has __always_inline as the kernel spells it */
#include <sys/cdefs.h>
#ifndef noinline
#define noinline __attribute_noinline__	/* glibc's spelling */
#endif

#ifndef min
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif

#define HOLT_WARN_ON(cond)						\
	({								\
		int __holt_c = !!(cond);				\
		if (unlikely(__holt_c)) {				\
			fprintf(stderr, "holt: WARN_ON(%s) at %s:%d\n",	\
				#cond, __FILE__, __LINE__);		\
			abort();					\
		}							\
		__holt_c;						\
	})

/*
 * Fault injection for tests: when holt_port_fail_countdown is positive it is
 * decremented on every allocation and the allocation that takes it to zero
 * fails.  Zero (the default) disables injection.
 */
extern long holt_port_fail_countdown;
extern unsigned long holt_port_live_allocs;

static inline int holt_port_should_fail(void)
{
	if (holt_port_fail_countdown > 0 && --holt_port_fail_countdown == 0)
		return 1;
	return 0;
}

static inline void *holt_port_alloc(size_t size)
{
	void *p;

	if (holt_port_should_fail())
		return NULL;
	p = calloc(1, size ? size : 1);
	if (p)
		holt_port_live_allocs++;
	return p;
}

/* aligned_alloc() counted and under the fault injector; not cleared. */
static inline void *holt_port_aligned_raw(size_t align, size_t size)
{
	void *p;

	if (holt_port_should_fail())
		return NULL;
	p = aligned_alloc(align, size);
	if (p)
		holt_port_live_allocs++;
	return p;
}

static inline void *holt_port_alloc_pow2(size_t size)
{
	void *p = holt_port_aligned_raw(size < 4096 ? size : 4096, size);

	if (p)
		memset(p, 0, size);
	return p;
}

static inline void holt_port_free(void *p)
{
	if (!p)
		return;
	holt_port_live_allocs--;
	free(p);
}

/*
 * A frame whose bytes are not cleared (see the kernel side).  Sanitized
 * builds (the tests) fill it with a pattern instead, so that a reader of
 * bytes nobody wrote sees junk rather than lucky zeros.
 */
static inline void *holt_port_frame_alloc_raw(size_t size)
{
	void *p = holt_port_aligned_raw(4096, size);

#ifdef __SANITIZE_ADDRESS__
	if (p)
		memset(p, 0xa5, size);
#endif
	return p;
}

static inline void *holt_port_frame_alloc(size_t size)
{
	void *p = holt_port_frame_alloc_raw(size);

	if (p)
		memset(p, 0, size);
	return p;
}

static inline void holt_port_frame_free(void *p, size_t size)
{
	(void)size;
	if (!p)
		return;
	holt_port_live_allocs--;
	free(p);
}

u32 holt_crc32c(u32 seed, const void *p, size_t len);

#define holt_port_cmpxchg_ptr(ptr, old, new)				\
	({								\
		__typeof__(*(ptr)) __holt_o = (old);			\
		__atomic_compare_exchange_n(ptr, &__holt_o, new, false,	\
					    __ATOMIC_SEQ_CST,		\
					    __ATOMIC_SEQ_CST);		\
		__holt_o;						\
	})
#define holt_port_read_once(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define holt_port_write_once(x, v) __atomic_store_n(&(x), v, __ATOMIC_RELAXED)
#define holt_port_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define holt_port_prefetch(p) __builtin_prefetch(p)
#define HOLT_CACHE_LINE 64

struct holt_atomic {
	long v;
};

#define holt_atomic_read(a) __atomic_load_n(&(a)->v, __ATOMIC_RELAXED)
#define holt_atomic_add(a, n) __atomic_add_fetch(&(a)->v, n, __ATOMIC_RELAXED)
#define holt_atomic_set(a, n) __atomic_store_n(&(a)->v, n, __ATOMIC_RELAXED)

static inline void holt_cond_resched(void)
{
}

static inline u16 holt_get_le16(const void *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline u32 holt_get_le32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline u64 holt_get_le64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void holt_put_le16(u16 v, void *p)
{
	memcpy(p, &v, sizeof(v));
}

static inline void holt_put_le32(u32 v, void *p)
{
	memcpy(p, &v, sizeof(v));
}

static inline void holt_put_le64(u64 v, void *p)
{
	memcpy(p, &v, sizeof(v));
}

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the userspace build of the holt core assumes a little-endian host"
#endif

#endif /* __KERNEL__ */

#endif /* HOLT_CORE_PORT_H */
