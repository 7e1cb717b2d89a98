// SPDX-License-Identifier: GPL-2.0
/*
 * engine_rocksdb.c - holt-bench adapter for RocksDB (librocksdb, C API).
 *
 * A fresh database on tmpfs (--dir, /dev/shm by default), write-ahead log
 * off, otherwise the library defaults plus what a point-lookup workload is
 * normally given: a 10 bits/key bloom filter and a 64 MiB block cache.
 * Writes go through one WriteBatch per --batch operations (1000 by
 * default); a delete is blind (RocksDB cannot tell whether the key was
 * there; the driver checks with gets afterwards).  Gets use
 * rocksdb_get_pinned (no copy of the value).  Scans and listings share one
 * iterator per group of --batch operations; a listing seeks past each
 * rolled-up prefix (Seek to the prefix with its delimiter incremented);
 * with --list-walk it steps over every key under it instead.
 *
 * After the insert and update phases (untimed, unless --no-settle) the
 * memtable is flushed and the whole key range compacted, so that reads
 * see one sorted run instead of overlapping files and stale versions:
 * RocksDB's best read shape, which keeps the comparison conservative.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <rocksdb/c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct bench_rocksdb {
	rocksdb_t *db;
	rocksdb_options_t *opt;
	rocksdb_block_based_table_options_t *table;
	rocksdb_cache_t *cache;
	rocksdb_writeoptions_t *wopt;
	rocksdb_readoptions_t *ropt;
	rocksdb_writebatch_t *wb;
	rocksdb_iterator_t *it;
	rocksdb_pinnableslice_t *pin;	/* of the last get */
	uint8_t *succ;
	bool walk;		/* --list-walk */
	char path[256];
};

static void bench_rocksdb_free(struct bench_rocksdb *r)
{
	if (r->wb)
		rocksdb_writebatch_destroy(r->wb);
	if (r->ropt)
		rocksdb_readoptions_destroy(r->ropt);
	if (r->wopt)
		rocksdb_writeoptions_destroy(r->wopt);
	if (r->opt)
		rocksdb_options_destroy(r->opt);
	if (r->table)
		rocksdb_block_based_options_destroy(r->table);
	if (r->cache)
		rocksdb_cache_destroy(r->cache);
	free(r->succ);
	free(r);
}

static void *bench_rocksdb_open(const struct bench_opts *o, char *err,
				size_t errlen)
{
	struct bench_rocksdb *r = calloc(1, sizeof(*r));
	char *rerr = NULL;

	if (!r || !(r->succ = malloc(o->max_key_len + 1))) {
		snprintf(err, errlen, "out of memory");
		goto out_free;
	}
	snprintf(r->path, sizeof(r->path), "%s/holt-bench-rocksdb-XXXXXX",
		 o->dir);
	if (!mkdtemp(r->path)) {
		snprintf(err, errlen, "mkdtemp %s: %m", r->path);
		goto out_free;
	}
	bench_tmpdir_add(r->path);
	r->opt = rocksdb_options_create();
	rocksdb_options_set_create_if_missing(r->opt, 1);
	r->table = rocksdb_block_based_options_create();
	rocksdb_block_based_options_set_filter_policy(r->table,
		rocksdb_filterpolicy_create_bloom(10));
	r->cache = rocksdb_cache_create_lru(64u << 20);
	rocksdb_block_based_options_set_block_cache(r->table, r->cache);
	rocksdb_options_set_block_based_table_factory(r->opt, r->table);
	r->wopt = rocksdb_writeoptions_create();
	rocksdb_writeoptions_disable_WAL(r->wopt, 1);
	rocksdb_writeoptions_set_sync(r->wopt, 0);
	r->ropt = rocksdb_readoptions_create();
	r->wb = rocksdb_writebatch_create();
	r->db = rocksdb_open(r->opt, r->path, &rerr);
	if (!r->db) {
		snprintf(err, errlen, "rocksdb_open: %s", rerr ? rerr : "?");
		rocksdb_free(rerr);
		bench_tmpdir_remove(r->path);
		goto out_free;
	}
	r->walk = o->list_walk;
	return r;

out_free:
	if (r)
		bench_rocksdb_free(r);
	return NULL;
}

static void bench_rocksdb_close(void *e)
{
	struct bench_rocksdb *r = e;
	char *rerr = NULL;

	if (r->pin)
		rocksdb_pinnableslice_destroy(r->pin);
	if (r->it)
		rocksdb_iter_destroy(r->it);
	rocksdb_close(r->db);
	rocksdb_destroy_db(r->opt, r->path, &rerr);
	if (rerr) {
		fprintf(stderr, "holt-bench: rocksdb_destroy_db %s: %s\n",
			r->path, rerr);
		rocksdb_free(rerr);
	}
	bench_tmpdir_remove(r->path);
	bench_rocksdb_free(r);
}

static int bench_rocksdb_begin(void *e, enum bench_mode mode)
{
	struct bench_rocksdb *r = e;

	if (mode == BENCH_WRITE)
		rocksdb_writebatch_clear(r->wb);
	return 0;
}

static int bench_rocksdb_end(void *e, enum bench_mode mode)
{
	struct bench_rocksdb *r = e;
	char *rerr = NULL;

	if (mode == BENCH_READ) {
		if (r->it) {
			rocksdb_iter_destroy(r->it);
			r->it = NULL;
		}
		return 0;
	}
	rocksdb_write(r->db, r->wopt, r->wb, &rerr);
	rocksdb_writebatch_clear(r->wb);
	if (rerr) {
		fprintf(stderr, "holt-bench: rocksdb_write: %s\n", rerr);
		rocksdb_free(rerr);
		return -1;
	}
	return 0;
}

static int bench_rocksdb_settle(void *e)
{
	struct bench_rocksdb *r = e;
	rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
	char *rerr = NULL;

	rocksdb_flushoptions_set_wait(fo, 1);
	rocksdb_flush(r->db, fo, &rerr);
	rocksdb_flushoptions_destroy(fo);
	if (rerr) {
		fprintf(stderr, "holt-bench: rocksdb_flush: %s\n", rerr);
		rocksdb_free(rerr);
		return -1;
	}
	rocksdb_compact_range(r->db, NULL, 0, NULL, 0);
	return 0;
}

static int bench_rocksdb_put(void *e, const uint8_t *k, uint32_t klen,
			     const uint8_t *v, uint32_t vlen)
{
	struct bench_rocksdb *r = e;

	rocksdb_writebatch_put(r->wb, (const char *)k, klen,
			       (const char *)v, vlen);
	return 0;
}

static int bench_rocksdb_get(void *e, const uint8_t *k, uint32_t klen,
			     const uint8_t **val, uint32_t *vlen)
{
	struct bench_rocksdb *r = e;
	char *rerr = NULL;
	size_t len;

	if (r->pin) {
		rocksdb_pinnableslice_destroy(r->pin);
		r->pin = NULL;
	}
	r->pin = rocksdb_get_pinned(r->db, r->ropt, (const char *)k, klen,
				    &rerr);
	if (rerr) {
		rocksdb_free(rerr);
		return -1;
	}
	if (!r->pin)
		return 0;
	*val = (const uint8_t *)rocksdb_pinnableslice_value(r->pin, &len);
	*vlen = len;
	return 1;
}

static int bench_rocksdb_del(void *e, const uint8_t *k, uint32_t klen)
{
	struct bench_rocksdb *r = e;

	rocksdb_writebatch_delete(r->wb, (const char *)k, klen);
	return 2;
}

static long bench_rocksdb_walk(struct bench_rocksdb *r, const uint8_t *prefix,
			       uint32_t plen, int delim, uint32_t limit,
			       uint64_t *sum)
{
	long items = 0;
	char *rerr = NULL;

	if (!r->it)
		r->it = rocksdb_create_iterator(r->db, r->ropt);
	if (plen)
		rocksdb_iter_seek(r->it, (const char *)prefix, plen);
	else
		rocksdb_iter_seek_to_first(r->it);
	while (rocksdb_iter_valid(r->it) && (!limit || items < (long)limit)) {
		size_t klen, vlen;
		const uint8_t *k, *d;
		uint32_t slen;

		k = (const uint8_t *)rocksdb_iter_key(r->it, &klen);
		if (klen < plen || memcmp(k, prefix, plen))
			break;
		items++;
		d = delim < 0 ? NULL : memchr(k + plen, delim, klen - plen);
		if (!d) {
			rocksdb_iter_value(r->it, &vlen);
			*sum += klen + vlen;
			rocksdb_iter_next(r->it);
			continue;
		}
		*sum += d - k + 1;
		if (r->walk) {
			slen = d - k + 1;
			memcpy(r->succ, k, slen);
			do {
				rocksdb_iter_next(r->it);
				if (!rocksdb_iter_valid(r->it))
					break;
				k = (const uint8_t *)rocksdb_iter_key(r->it,
								      &klen);
			} while (klen >= slen && !memcmp(k, r->succ, slen));
			continue;
		}
		slen = bench_prefix_successor(r->succ, k, d - k + 1);
		if (!slen)
			break;
		rocksdb_iter_seek(r->it, (const char *)r->succ, slen);
	}
	rocksdb_iter_get_error(r->it, &rerr);
	if (rerr) {
		rocksdb_free(rerr);
		return -1;
	}
	return items;
}

static long bench_rocksdb_scan(void *e, const uint8_t *prefix, uint32_t plen,
			       uint64_t *sum)
{
	return bench_rocksdb_walk(e, prefix, plen, -1, 0, sum);
}

static long bench_rocksdb_list(void *e, const uint8_t *prefix, uint32_t plen,
			       int delim, uint32_t limit, uint64_t *sum)
{
	return bench_rocksdb_walk(e, prefix, plen, delim, limit, sum);
}

const struct bench_engine_ops bench_engine_rocksdb = {
	.name = "rocksdb",
	.open = bench_rocksdb_open,
	.close = bench_rocksdb_close,
	.begin = bench_rocksdb_begin,
	.end = bench_rocksdb_end,
	.settle = bench_rocksdb_settle,
	.put = bench_rocksdb_put,
	.get = bench_rocksdb_get,
	.del = bench_rocksdb_del,
	.scan = bench_rocksdb_scan,
	.list = bench_rocksdb_list,
};
