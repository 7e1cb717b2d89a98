/* SPDX-License-Identifier: GPL-2.0 */
/*
 * grow.h - the engine's explicit stacks and lists grow by reallocation:
 * one helper for all of them (private to kmod/core).
 */
#ifndef HOLT_CORE_GROW_H
#define HOLT_CORE_GROW_H

#include "port.h"

/*
 * holt_grow() - a new array of @cap elements of @size bytes holding the
 * first @len elements of @old, which is freed.  On failure (NULL) @old is
 * left as it was.
 */
static inline void *holt_grow(void *old, u32 len, u32 cap, size_t size)
{
	void *n = holt_port_alloc(size * cap);

	if (!n)
		return NULL;
	if (len)
		memcpy(n, old, size * len);
	holt_port_free(old);
	return n;
}

#endif /* HOLT_CORE_GROW_H */
