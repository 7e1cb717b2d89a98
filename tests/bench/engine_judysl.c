// SPDX-License-Identifier: GPL-2.0
/*
 * engine_judysl.c - holt-bench adapter for JudySL (libjudy), an in-memory
 * radix trie of C strings.
 *
 * Each key's slot holds a pointer to a malloc'd block: a u32 length and
 * the value bytes.  An update reallocs that block (glibc keeps it in place
 * when the size does not grow), a delete frees it after one JudySLGet.
 * Scans walk JudySLFirst/JudySLNext in a buffer as long as the longest
 * key; a listing jumps past a rolled-up prefix with JudySLFirst on its
 * successor (the delimiter byte incremented); with --list-walk it steps
 * over every key under it instead.  JudySL cannot hold a key
 * that contains a 0x00 byte: such key sets skip this engine.
 */
#include "bench.h"

#include <Judy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bench_judysl {
	Pvoid_t arr;
	uint8_t *buf;		/* index buffer for First/Next */
	uint8_t *cp;		/* common prefix, for --list-walk */
	uint32_t buflen;
	bool walk;
};

static void *bench_judysl_open(const struct bench_opts *o, char *err,
			       size_t errlen)
{
	struct bench_judysl *j;

	if (o->keys_have_nul) {
		snprintf(err, errlen, "keys contain NUL bytes, JudySL keys "
			 "are C strings");
		return NULL;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		goto out_nomem;
	j->buflen = o->max_key_len + 2;
	j->buf = malloc(j->buflen);
	j->cp = malloc(j->buflen);
	if (!j->buf || !j->cp)
		goto out_free;
	j->walk = o->list_walk;
	return j;

out_free:
	free(j->buf);
	free(j->cp);
	free(j);
out_nomem:
	snprintf(err, errlen, "out of memory");
	return NULL;
}

static void bench_judysl_close(void *e)
{
	struct bench_judysl *j = e;
	PWord_t slot;

	j->buf[0] = 0;
	for (slot = (PWord_t)JudySLFirst(j->arr, j->buf, PJE0); slot;
	     slot = (PWord_t)JudySLNext(j->arr, j->buf, PJE0))
		free((void *)*slot);
	JudySLFreeArray(&j->arr, PJE0);
	free(j->buf);
	free(j->cp);
	free(j);
}

static int bench_judysl_put(void *e, const uint8_t *k, uint32_t klen,
			    const uint8_t *v, uint32_t vlen)
{
	struct bench_judysl *j = e;
	PWord_t slot = (PWord_t)JudySLIns(&j->arr, k, PJE0);
	uint8_t *blk;

	if (slot == PJERR || !slot)
		return -1;
	blk = realloc((void *)*slot, 4 + vlen);
	if (!blk)
		return -1;
	memcpy(blk, &vlen, 4);
	memcpy(blk + 4, v, vlen);
	*slot = (Word_t)blk;
	return 0;
}

static int bench_judysl_get(void *e, const uint8_t *k, uint32_t klen,
			    const uint8_t **val, uint32_t *vlen)
{
	struct bench_judysl *j = e;
	PWord_t slot = (PWord_t)JudySLGet(j->arr, k, PJE0);
	const uint8_t *blk;

	if (!slot)
		return 0;
	if (slot == PJERR)
		return -1;
	blk = (const uint8_t *)*slot;
	memcpy(vlen, blk, 4);
	*val = blk + 4;
	return 1;
}

static int bench_judysl_del(void *e, const uint8_t *k, uint32_t klen)
{
	struct bench_judysl *j = e;
	PWord_t slot = (PWord_t)JudySLGet(j->arr, k, PJE0);

	if (!slot)
		return 0;
	if (slot == PJERR)
		return -1;
	free((void *)*slot);
	return JudySLDel(&j->arr, k, PJE0) == 1 ? 1 : -1;
}

static long bench_judysl_walk(struct bench_judysl *j, const uint8_t *prefix,
			      uint32_t plen, int delim, uint32_t limit,
			      uint64_t *sum)
{
	long items = 0;
	PWord_t slot;

	memcpy(j->buf, prefix, plen);
	j->buf[plen] = 0;
	slot = (PWord_t)JudySLFirst(j->arr, j->buf, PJE0);
	while (slot && (!limit || items < (long)limit)) {
		uint32_t vlen, len, slen;
		uint8_t *d;

		if (slot == PJERR)
			return -1;
		if (memcmp(j->buf, prefix, plen))
			break;
		items++;
		memcpy(&vlen, (const void *)*slot, 4);
		if (delim < 0) {
			*sum += vlen;
			slot = (PWord_t)JudySLNext(j->arr, j->buf, PJE0);
			continue;
		}
		len = plen + strlen((const char *)j->buf + plen);
		d = memchr(j->buf + plen, delim, len - plen);
		if (!d) {
			*sum += len + vlen;
			slot = (PWord_t)JudySLNext(j->arr, j->buf, PJE0);
			continue;
		}
		*sum += d - j->buf + 1;
		if (j->walk) {
			slen = d - j->buf + 1;
			memcpy(j->cp, j->buf, slen);
			do {
				slot = (PWord_t)JudySLNext(j->arr, j->buf,
							   PJE0);
			} while (slot && slot != PJERR &&
				 !memcmp(j->buf, j->cp, slen));
			continue;
		}
		slen = bench_prefix_successor(j->buf, j->buf, d - j->buf + 1);
		if (!slen)
			break;
		j->buf[slen] = 0;
		slot = (PWord_t)JudySLFirst(j->arr, j->buf, PJE0);
	}
	return items;
}

static long bench_judysl_scan(void *e, const uint8_t *prefix, uint32_t plen,
			      uint64_t *sum)
{
	return bench_judysl_walk(e, prefix, plen, -1, 0, sum);
}

static long bench_judysl_list(void *e, const uint8_t *prefix, uint32_t plen,
			      int delim, uint32_t limit, uint64_t *sum)
{
	return bench_judysl_walk(e, prefix, plen, delim, limit, sum);
}

const struct bench_engine_ops bench_engine_judysl = {
	.name = "judysl",
	.open = bench_judysl_open,
	.close = bench_judysl_close,
	.put = bench_judysl_put,
	.get = bench_judysl_get,
	.del = bench_judysl_del,
	.scan = bench_judysl_scan,
	.list = bench_judysl_list,
};
