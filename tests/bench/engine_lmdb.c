// SPDX-License-Identifier: GPL-2.0
/*
 * engine_lmdb.c - holt-bench adapter for LMDB (liblmdb).
 *
 * The environment lives in a fresh directory on tmpfs (--dir, /dev/shm by
 * default) and is opened with MDB_NOSYNC | MDB_NOMETASYNC | MDB_WRITEMAP |
 * MDB_NORDAHEAD: no fsync, writes straight into the shared mapping.  Writes
 * are grouped: one write transaction per --batch operations (1000 by
 * default), since a commit per put would measure LMDB's commit, not its
 * B+tree.  Reads use one read transaction per group as well (reset and
 * renewed, with one renewed cursor).  A listing seeks past each rolled-up
 * prefix (MDB_SET_RANGE on the prefix with its delimiter incremented);
 * with --list-walk it steps over every key under it instead.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct bench_lmdb {
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *wtxn;
	MDB_txn *rtxn;		/* reset between groups */
	MDB_cursor *cur;
	bool rtxn_live;
	bool walk;		/* --list-walk */
	uint8_t *succ;
	char path[256];
};

static void *bench_lmdb_open(const struct bench_opts *o, char *err,
			     size_t errlen)
{
	struct bench_lmdb *l = calloc(1, sizeof(*l));
	size_t mapsize;
	MDB_txn *txn;
	int rc;

	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->succ = malloc(o->max_key_len + 1);
	if (!l->succ) {
		snprintf(err, errlen, "out of memory");
		goto out_free;
	}
	snprintf(l->path, sizeof(l->path), "%s/holt-bench-lmdb-XXXXXX",
		 o->dir);
	if (!mkdtemp(l->path)) {
		snprintf(err, errlen, "mkdtemp %s: %m", l->path);
		goto out_free;
	}
	bench_tmpdir_add(l->path);
	rc = mdb_env_create(&l->env);
	if (rc)
		goto out_lmdb;
	/* A sparse map on tmpfs: room for ~1 KiB per key, 256 MiB at least. */
	mapsize = (o->n + 1) * (size_t)(1024 + o->max_key_len);
	if (mapsize < (256u << 20))
		mapsize = 256u << 20;
	rc = mdb_env_set_mapsize(l->env, mapsize);
	if (rc)
		goto out_env;
	rc = mdb_env_open(l->env, l->path, MDB_NOSYNC | MDB_NOMETASYNC |
			  MDB_WRITEMAP | MDB_NORDAHEAD | MDB_NOTLS, 0600);
	if (rc)
		goto out_env;
	if (o->max_key_len > (uint32_t)mdb_env_get_maxkeysize(l->env)) {
		snprintf(err, errlen, "a key of %u bytes, LMDB takes %d",
			 o->max_key_len, mdb_env_get_maxkeysize(l->env));
		mdb_env_close(l->env);
		goto out_dir;
	}
	rc = mdb_txn_begin(l->env, NULL, 0, &txn);
	if (rc)
		goto out_env;
	rc = mdb_dbi_open(txn, NULL, 0, &l->dbi);
	if (rc) {
		mdb_txn_abort(txn);
		goto out_env;
	}
	rc = mdb_txn_commit(txn);
	if (rc)
		goto out_env;
	l->walk = o->list_walk;
	return l;

out_env:
	mdb_env_close(l->env);
out_lmdb:
	snprintf(err, errlen, "%s", mdb_strerror(rc));
out_dir:
	bench_tmpdir_remove(l->path);
out_free:
	free(l->succ);
	free(l);
	return NULL;
}

static void bench_lmdb_close(void *e)
{
	struct bench_lmdb *l = e;

	if (l->wtxn)
		mdb_txn_abort(l->wtxn);
	if (l->cur)
		mdb_cursor_close(l->cur);
	if (l->rtxn)
		mdb_txn_abort(l->rtxn);
	mdb_env_close(l->env);
	bench_tmpdir_remove(l->path);
	free(l->succ);
	free(l);
}

static int bench_lmdb_begin(void *e, enum bench_mode mode)
{
	struct bench_lmdb *l = e;
	int rc;

	if (mode == BENCH_WRITE)
		return mdb_txn_begin(l->env, NULL, 0, &l->wtxn);
	if (l->rtxn)
		rc = mdb_txn_renew(l->rtxn);
	else
		rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, &l->rtxn);
	if (rc)
		return rc;
	if (l->cur)
		rc = mdb_cursor_renew(l->rtxn, l->cur);
	else
		rc = mdb_cursor_open(l->rtxn, l->dbi, &l->cur);
	l->rtxn_live = !rc;
	return rc;
}

static int bench_lmdb_end(void *e, enum bench_mode mode)
{
	struct bench_lmdb *l = e;
	int rc;

	if (mode == BENCH_WRITE) {
		rc = mdb_txn_commit(l->wtxn);
		l->wtxn = NULL;
		return rc;
	}
	mdb_txn_reset(l->rtxn);
	l->rtxn_live = false;
	return 0;
}

static int bench_lmdb_put(void *e, const uint8_t *k, uint32_t klen,
			  const uint8_t *v, uint32_t vlen)
{
	struct bench_lmdb *l = e;
	MDB_val key = { klen, (void *)k }, val = { vlen, (void *)v };

	return mdb_put(l->wtxn, l->dbi, &key, &val, 0);
}

static int bench_lmdb_get(void *e, const uint8_t *k, uint32_t klen,
			  const uint8_t **val, uint32_t *vlen)
{
	struct bench_lmdb *l = e;
	MDB_val key = { klen, (void *)k }, v;
	int rc = mdb_get(l->rtxn, l->dbi, &key, &v);

	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return -1;
	*val = v.mv_data;
	*vlen = v.mv_size;
	return 1;
}

static int bench_lmdb_del(void *e, const uint8_t *k, uint32_t klen)
{
	struct bench_lmdb *l = e;
	MDB_val key = { klen, (void *)k };
	int rc = mdb_del(l->wtxn, l->dbi, &key, NULL);

	if (rc == MDB_NOTFOUND)
		return 0;
	return rc ? -1 : 1;
}

static long bench_lmdb_walk(struct bench_lmdb *l, const uint8_t *prefix,
			    uint32_t plen, int delim, uint32_t limit,
			    uint64_t *sum)
{
	MDB_val key = { plen, (void *)prefix }, val;
	long items = 0;
	int rc;

	rc = mdb_cursor_get(l->cur, &key, &val,
			    plen ? MDB_SET_RANGE : MDB_FIRST);
	while (!rc && (!limit || items < (long)limit)) {
		const uint8_t *k = key.mv_data, *d;
		uint32_t slen;

		if (key.mv_size < plen || memcmp(k, prefix, plen))
			break;
		items++;
		d = delim < 0 ? NULL :
		    memchr(k + plen, delim, key.mv_size - plen);
		if (!d) {
			*sum += key.mv_size + val.mv_size;
			rc = mdb_cursor_get(l->cur, &key, &val, MDB_NEXT);
			continue;
		}
		*sum += d - k + 1;
		if (l->walk) {
			slen = d - k + 1;
			memcpy(l->succ, k, slen);
			do {
				rc = mdb_cursor_get(l->cur, &key, &val,
						    MDB_NEXT);
			} while (!rc && key.mv_size >= slen &&
				 !memcmp(key.mv_data, l->succ, slen));
			continue;
		}
		slen = bench_prefix_successor(l->succ, k, d - k + 1);
		if (!slen)
			break;
		key.mv_data = l->succ;
		key.mv_size = slen;
		rc = mdb_cursor_get(l->cur, &key, &val, MDB_SET_RANGE);
	}
	if (rc && rc != MDB_NOTFOUND)
		return -1;
	return items;
}

static long bench_lmdb_scan(void *e, const uint8_t *prefix, uint32_t plen,
			    uint64_t *sum)
{
	return bench_lmdb_walk(e, prefix, plen, -1, 0, sum);
}

static long bench_lmdb_list(void *e, const uint8_t *prefix, uint32_t plen,
			    int delim, uint32_t limit, uint64_t *sum)
{
	return bench_lmdb_walk(e, prefix, plen, delim, limit, sum);
}

const struct bench_engine_ops bench_engine_lmdb = {
	.name = "lmdb",
	.open = bench_lmdb_open,
	.close = bench_lmdb_close,
	.begin = bench_lmdb_begin,
	.end = bench_lmdb_end,
	.put = bench_lmdb_put,
	.get = bench_lmdb_get,
	.del = bench_lmdb_del,
	.scan = bench_lmdb_scan,
	.list = bench_lmdb_list,
};
