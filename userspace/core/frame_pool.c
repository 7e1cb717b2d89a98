// SPDX-License-Identifier: GPL-2.0
/*
 * frame_pool.c - 512 KiB frames for the userspace core, four to a 2 MiB
 * chunk that the kernel may back with one transparent huge page.
 *
 * In holt.ko a frame is an order-7 page allocation, which lives in the
 * kernel's direct map: its addresses are translated through 2 MiB or 1 GiB
 * mappings, and a walk that crosses many frames costs few TLB misses.  A
 * frame from aligned_alloc() gets 4 KiB pages, and the same walk in the
 * userspace build (benchmarks, offline tools) pays a TLB miss for almost
 * every node it reads in a large tree.  This pool gives the userspace build
 * what the kernel build has: frames are carved from 2 MiB-aligned anonymous
 * mappings advised with MADV_HUGEPAGE.  Where transparent huge pages are
 * off, the advice is ignored and the frames are ordinary pages.
 * HOLT_HUGEPAGE=0 in the environment leaves the advice out (to measure the
 * difference).
 *
 * A frame is taken from the fullest chunk that has a free slot, so that
 * frames freed by compaction and merging are reused before a new chunk is
 * mapped.  One empty chunk is kept for the next allocation (compaction
 * allocates and frees a scratch frame for every rebuild); others are
 * unmapped.  The sanitized builds (tests, fuzzers) do not use the pool:
 * there every frame is its own heap block, so that ASan sees a read past
 * its end (see port.h).  tests/unit/test_frame_pool.c tests the pool itself.
 */
#include "../../kmod/core/port.h"
#include "../../kmod/core/validate.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

#define POOL_CHUNK_SIZE (2UL << 20)

_Static_assert(HOLT_FRAME_SIZE == HOLT_FRAME_POOL_FRAME, "a frame is a slot");
_Static_assert(HOLT_FRAME_POOL_SLOTS * HOLT_FRAME_POOL_FRAME == POOL_CHUNK_SIZE,
	       "a chunk holds HOLT_FRAME_POOL_SLOTS frames");

/**
 * struct pool_chunk - one 2 MiB mapping holding HOLT_FRAME_POOL_SLOTS frames
 * @base: the mapping, aligned to its size
 * @used: bit i set when slot i (at @base + i * HOLT_FRAME_POOL_FRAME) is
 *	  handed out
 * @next: the next chunk of the pool
 */
struct pool_chunk {
	u8 *base;
	unsigned int used;
	struct pool_chunk *next;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool_chunk *pool_chunks;
static int pool_hugepage = -1;	/* -1 until the environment is read */

static unsigned int pool_nr_used(const struct pool_chunk *c)
{
	return (unsigned int)__builtin_popcount(c->used);
}

/* A 2 MiB-aligned anonymous mapping, advised for huge pages. */
static u8 *pool_map_chunk(void)
{
	size_t len = 2 * POOL_CHUNK_SIZE;
	uintptr_t start, base;
	u8 *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (uintptr_t)p;
	base = (start + POOL_CHUNK_SIZE - 1) & ~(POOL_CHUNK_SIZE - 1);
	if (base > start)
		munmap(p, base - start);
	if (base + POOL_CHUNK_SIZE < start + len)
		munmap((u8 *)base + POOL_CHUNK_SIZE,
		       start + len - base - POOL_CHUNK_SIZE);
	if (pool_hugepage < 0) {
		const char *env = getenv("HOLT_HUGEPAGE");

		pool_hugepage = !(env && env[0] == '0');
	}
	if (pool_hugepage)
		madvise((void *)base, POOL_CHUNK_SIZE, MADV_HUGEPAGE);
	return (u8 *)base;
}

/**
 * holt_frame_pool_alloc() - take a frame from the pool
 *
 * The frame's bytes are not cleared: a slot used before holds what its last
 * owner wrote.
 *
 * Context: any thread; takes the pool's mutex.
 * Return: a HOLT_FRAME_POOL_FRAME-byte frame aligned to its size, or NULL
 * when no memory could be mapped.
 */
void *holt_frame_pool_alloc(void)
{
	struct pool_chunk *c, *best = NULL;
	unsigned int slot;

	pthread_mutex_lock(&pool_lock);
	for (c = pool_chunks; c; c = c->next) {
		unsigned int n = pool_nr_used(c);

		if (n < HOLT_FRAME_POOL_SLOTS &&
		    (!best || n > pool_nr_used(best)))
			best = c;
	}
	if (!best) {
		best = malloc(sizeof(*best));
		if (!best)
			goto out_unlock;
		best->base = pool_map_chunk();
		if (!best->base) {
			free(best);
			best = NULL;
			goto out_unlock;
		}
		best->used = 0;
		best->next = pool_chunks;
		pool_chunks = best;
	}
	slot = (unsigned int)__builtin_ctz(~best->used);
	best->used |= 1U << slot;
out_unlock:
	pthread_mutex_unlock(&pool_lock);
	return best ? best->base + (size_t)slot * HOLT_FRAME_POOL_FRAME : NULL;
}

/**
 * holt_frame_pool_free() - give a frame back to the pool
 * @p: a frame from holt_frame_pool_alloc(), or NULL
 *
 * A chunk left empty is unmapped unless it is the only empty one.
 *
 * Context: any thread; takes the pool's mutex.
 * Return: nothing.  A pointer the pool never handed out aborts the program.
 */
void holt_frame_pool_free(void *p)
{
	uintptr_t base = (uintptr_t)p & ~(POOL_CHUNK_SIZE - 1);
	struct pool_chunk **pp, *c, *empty = NULL;
	unsigned int slot;

	if (!p)
		return;
	slot = (unsigned int)(((uintptr_t)p - base) / HOLT_FRAME_POOL_FRAME);
	pthread_mutex_lock(&pool_lock);
	for (c = pool_chunks; c; c = c->next)
		if ((uintptr_t)c->base == base)
			break;
	if (HOLT_WARN_ON(!c || (uintptr_t)p % HOLT_FRAME_POOL_FRAME ||
			 !(c->used & (1U << slot)))) {
		pthread_mutex_unlock(&pool_lock);
		return;
	}
	c->used &= ~(1U << slot);
	if (!c->used) {
		/* Keep one empty chunk: unmap c if another is empty. */
		for (pp = &pool_chunks; *pp; pp = &(*pp)->next)
			if (*pp != c && !(*pp)->used)
				empty = *pp;
		if (empty) {
			for (pp = &pool_chunks; *pp != c; pp = &(*pp)->next)
				;
			*pp = c->next;
			munmap(c->base, POOL_CHUNK_SIZE);
			free(c);
		}
	}
	pthread_mutex_unlock(&pool_lock);
}

/**
 * holt_frame_pool_chunks() - how many chunks the pool has mapped
 * @frames: if not NULL, set to the number of frames handed out
 *
 * Context: any thread; takes the pool's mutex.
 * Return: the number of 2 MiB chunks mapped (empty ones included).
 */
unsigned long holt_frame_pool_chunks(unsigned long *frames)
{
	unsigned long n = 0, used = 0;
	struct pool_chunk *c;

	pthread_mutex_lock(&pool_lock);
	for (c = pool_chunks; c; c = c->next) {
		n++;
		used += pool_nr_used(c);
	}
	pthread_mutex_unlock(&pool_lock);
	if (frames)
		*frames = used;
	return n;
}
