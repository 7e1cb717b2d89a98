// SPDX-License-Identifier: GPL-2.0
/*
 * holt-prof.c - a small driver of the holt core for callgrind: the same
 * objstore keys as holt-bench, inserted in a random order, then random
 * gets, as many lookups of absent keys (a key's last byte changed:
 * prof_miss) and directory listings with delimiter '/' (a random key, then the
 * root or one of its ancestor directories, limit 1000).  Each phase is one
 * noinline function, so that
 *
 *   valgrind --tool=callgrind --toggle-collect=prof_get \
 *	build/bench/holt-prof 1000000 100000 2000
 *
 * counts only the gets (instructions per get = total / ops).  Natively it
 * prints the wall time of each phase and of the listings by level.
 *
 *   holt-prof [keys [gets [listings]]]   (default 1000000 100000 2000)
 *
 * With HOLT_PROF_LEVEL=L in the environment only the listings of level L
 * (0: the root, 1: a bucket, ...) are made.  With HOLT_PROF_COMPACT=1 the
 * tree is compacted after the inserts (untimed), as holt-bench settles it.
 * With HOLT_PROF_BATCH=N the inserts go in atomic batches of N puts
 * (holt_tree_batch()), as holt-bench groups them.
 */
#include "../bench.h"
#include "tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct bench_keys ks;
static struct holt_tree *tree;
static size_t *order;
static u8 value[64];
static double lvl_ns[8];
static int only_level = -1;	/* HOLT_PROF_LEVEL: list only that level */
static u32 list_limit = 1000;	/* HOLT_PROF_LIMIT: items per listing */
static size_t batch;	/* HOLT_PROF_BATCH: puts per holt_tree_batch() */
static int compact;	/* HOLT_PROF_COMPACT: compact after the inserts */
static long lvl_lists[8], lvl_items[8];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int count_item(void *ctx, const struct holt_scan_item *it)
{
	(*(long *)ctx)++;
	return 0;
}

__attribute__((__noinline__)) void prof_insert(size_t n)
{
	size_t i;

	if (batch) {
		struct holt_batch_op *ops = calloc(batch, sizeof(*ops));
		u32 failed;

		if (!ops)
			bench_die("out of memory");
		for (i = 0; i < n; i += batch) {
			size_t j, m = n - i < batch ? n - i : batch;

			for (j = 0; j < m; j++) {
				const struct bench_key *k = &ks.k[order[i + j]];

				ops[j].op = HOLT_BOP_PUT;
				ops[j].key = k->p;
				ops[j].klen = k->len;
				ops[j].val = value;
				ops[j].vlen = 16 + k->len % 48;
			}
			if (holt_tree_batch(tree, ops, m, &failed))
				bench_die("batch failed");
		}
		free(ops);
		return;
	}
	for (i = 0; i < n; i++) {
		const struct bench_key *k = &ks.k[order[i]];

		if (holt_tree_put(tree, k->p, k->len, value,
				  16 + k->len % 48, 0, 0, NULL))
			bench_die("put failed");
	}
}

__attribute__((__noinline__)) void prof_get(size_t n, size_t ops, uint64_t *rng)
{
	size_t i;

	for (i = 0; i < ops; i++) {
		const struct bench_key *k = &ks.k[bench_rand(rng) % n];
		struct holt_ref r;

		if (holt_tree_get(tree, k->p, k->len, &r))
			bench_die("get failed");
	}
}

/* Lookups of absent keys: a present key with its last byte changed. */
__attribute__((__noinline__)) void prof_miss(size_t n, size_t ops,
					     uint64_t *rng)
{
	u8 buf[256];
	size_t i;

	for (i = 0; i < ops; i++) {
		const struct bench_key *k = &ks.k[bench_rand(rng) % n];
		struct holt_ref r;

		if (k->len > sizeof(buf))
			bench_die("key too long");
		memcpy(buf, k->p, k->len);
		buf[k->len - 1] = '#';
		if (holt_tree_get(tree, buf, k->len, &r) != -ENOENT)
			bench_die("a miss hit");
	}
}

__attribute__((__noinline__)) void prof_list(size_t n, size_t lists,
					 uint64_t *rng)
{
	size_t i;

	for (i = 0; i < lists; i++) {
		const struct bench_key *k = &ks.k[bench_rand(rng) % n];
		u32 j, levels = 1, pick, plen = 0, lv = 0;
		struct holt_scan_args a = { .delimiter = '/',
					    .limit = list_limit };
		long items = 0;
		double t0;

		for (j = 0; j < k->len; j++)
			levels += k->p[j] == '/';
		pick = bench_rand(rng) % levels;
		for (j = 0; j < k->len && pick; j++)
			if (k->p[j] == '/' && !--pick)
				plen = j + 1;
		for (j = 0; j < plen; j++)
			lv += k->p[j] == '/';
		if (only_level >= 0 && lv != (u32)only_level)
			continue;
		a.prefix = k->p;
		a.plen = plen;
		t0 = now_ns();
		if (holt_tree_scan(tree, &a, count_item, &items))
			bench_die("scan failed");
		if (lv < 8) {
			lvl_ns[lv] += now_ns() - t0;
			lvl_lists[lv]++;
			lvl_items[lv] += items;
		}
	}
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	size_t ops = argc > 2 ? strtoul(argv[2], NULL, 0) : 100000;
	size_t lists = argc > 3 ? strtoul(argv[3], NULL, 0) : 2000;
	struct holt_tree_config cfg = { 0 };
	struct holt_tree_stats st;
	uint64_t rng = 42, seq = 0;
	double t0, t1, t1c, t2, t3, t4;
	size_t i;
	int lv;

	if (getenv("HOLT_PROF_COMPACT"))
		compact = atoi(getenv("HOLT_PROF_COMPACT"));
	if (getenv("HOLT_PROF_BATCH"))
		batch = strtoul(getenv("HOLT_PROF_BATCH"), NULL, 0);
	if (getenv("HOLT_PROF_LIMIT"))
		list_limit = strtoul(getenv("HOLT_PROF_LIMIT"), NULL, 0);
	if (getenv("HOLT_PROF_LEVEL"))
		only_level = atoi(getenv("HOLT_PROF_LEVEL"));
	if (!n || bench_keys_generate(&ks, "objstore", n, 1))
		bench_die("cannot generate %zu keys", n);
	order = malloc(n * sizeof(*order));
	if (!order)
		bench_die("out of memory");
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n; i > 1; i--) {
		size_t j = bench_rand(&rng) % i, x = order[i - 1];

		order[i - 1] = order[j];
		order[j] = x;
	}
	memset(value, 'v', sizeof(value));
	cfg.seq = &seq;
	tree = holt_tree_create(&cfg);
	if (!tree)
		bench_die("holt_tree_create failed");
	t0 = now_ns();
	prof_insert(n);
	t1 = now_ns();
	if (compact && holt_tree_compact(tree))
		bench_die("holt_tree_compact failed");
	t1c = now_ns();
	prof_get(n, ops, &rng);
	t2 = now_ns();
	prof_miss(n, ops, &rng);
	t3 = now_ns();
	prof_list(n, lists, &rng);
	t4 = now_ns();
	holt_tree_get_stats(tree, &st);
	printf("%llu keys, %llu frames, depth %u, fill %.3f, %llu spills, %llu compactions\n",
	       (unsigned long long)st.keys, (unsigned long long)st.frames,
	       st.depth, (double)st.data_live / st.data_capacity,
	       (unsigned long long)st.spills,
	       (unsigned long long)st.compactions);
	printf("insert %.0f ns/put, get %.0f ns/get, miss %.0f ns/get, list %.2f us/listing\n",
	       (t1 - t0) / n, ops ? (t2 - t1c) / ops : 0,
	       ops ? (t3 - t2) / ops : 0, lists ? (t4 - t3) / lists / 1000 : 0);
	for (lv = 0; lv < 8; lv++)
		if (lvl_lists[lv])
			printf("  listings of level %d: %ld, %.1f items, %.2f us\n",
			       lv, lvl_lists[lv],
			       (double)lvl_items[lv] / lvl_lists[lv],
			       lvl_ns[lv] / lvl_lists[lv] / 1000);
	holt_tree_destroy(tree);
	bench_keys_free(&ks);
	free(order);
	return 0;
}
