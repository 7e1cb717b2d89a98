// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - holt-bench: the same workload on the holt core and on peers
 * (LMDB, RocksDB, JudySL), timed per operation.
 *
 * One repetition of one engine, on a fresh instance:
 *   insert   put every key once, in a random order
 *   get      look up --ops keys (default all, at most 250,000), in another
 *	      random order (all hit)
 *   miss     as many lookups of absent keys (a present key with one byte
 *	      of its last path component changed)
 *   update   overwrite --ops keys with a new value, random order
 *   scan     prefix scans of leaf directories (key and value read), timed
 *	      per entry returned
 *   list     directory listings with delimiter '/' of random directories
 *	      at every level (root included), at most --list-limit items
 *	      each, timed per listing
 *   delete   delete every key, random order
 * Every result is checked against the sorted key set (a miss that hits, a
 * scan that returns the wrong count ... stops the program with an error),
 * so a broken engine cannot post a fast time.
 *
 * Repetitions run round-robin over the engines so that a noisy neighbour
 * hurts them alike; the reported figure is the median over repetitions.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum bench_op {
	OP_GET,
	OP_MISS,
	OP_INSERT,
	OP_UPDATE,
	OP_DELETE,
	OP_SCAN,
	OP_LIST,
	OP_NR,
};

static const char *const op_json[OP_NR] = {
	"get_ns", "miss_ns", "insert_ns", "update_ns", "delete_ns",
	"scan_ns_per_entry", "list_dir_us",
};

static const char *const op_label[OP_NR] = {
	"get (ns)", "miss (ns)", "insert (ns)", "update (ns)", "delete (ns)",
	"scan (ns/entry)", "list dir (us)",
};

static const struct bench_engine_ops *const all_engines[] = {
	&bench_engine_holt,
	&bench_engine_lmdb,
	&bench_engine_rocksdb,
	&bench_engine_judysl,
};
#define NR_ENGINES (sizeof(all_engines) / sizeof(all_engines[0]))

#define VAL_POOL 128

struct workload {
	struct bench_keys keys;		/* sorted, distinct */
	struct bench_keys miss;		/* absent, in lookup order */
	uint32_t *ins_order, *get_order, *upd_order, *del_order;
	size_t nops;			/* gets, misses, updates */
	uint8_t *updated;		/* per key: in the first nops of upd */
	uint8_t val_ins[VAL_POOL], val_upd[VAL_POOL];
	struct bench_keys scan_pfx;	/* in scan order */
	long *scan_expect;
	uint64_t scan_entries;
	struct bench_keys list_pfx;
	long *list_expect;
	uint64_t list_items;
};

struct engine_run {
	const struct bench_engine_ops *ops;
	bool on;
	bool failed;			/* could not open: skipped */
	double t[OP_NR][64];		/* per repetition */
};

static struct bench_opts opts = {
	.n = 20000,
	.shape = "objstore",
	.reps = 0,			/* 5 below 200k keys, else 3 */
	.seed = 0x686f6c74,		/* "holt" */
	.batch = 1000,
	.list_limit = 1000,
	.lists = 5000,
	.ops = 250000,
	.settle = true,
	.engines = "holt,lmdb,rocksdb,judysl",
	.dir = "/dev/shm",
};
static bool verbose;
static clockid_t bench_clock = CLOCK_MONOTONIC;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(bench_clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t rss_bytes(void)
{
	unsigned long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static uint32_t val_len(size_t i)
{
	return 16 + (uint32_t)((i * 2654435761u) >> 7) % 49;	/* 16..64 */
}

static const uint8_t *val_ptr(const uint8_t *pool, size_t i)
{
	return pool + (i & 63);
}

static uint32_t *perm(size_t n, uint64_t *rng)
{
	uint32_t *p = malloc(n * sizeof(*p) + 1);
	size_t i;

	if (!p)
		bench_die("out of memory");
	for (i = 0; i < n; i++)
		p[i] = i;
	for (i = n; i > 1; i--) {
		size_t j = bench_rand(rng) % i;
		uint32_t x = p[i - 1];

		p[i - 1] = p[j];
		p[j] = x;
	}
	return p;
}

/* The listing of the oracle: same rule as the adapters, on sorted keys. */
static long oracle_list(const struct bench_keys *ks, const uint8_t *pfx,
			uint32_t plen, int delim, uint32_t limit)
{
	uint8_t *succ = malloc(ks->max_len + 1);
	size_t i = bench_keys_lower_bound(ks, pfx, plen);
	long items = 0;

	while (i < ks->n && (!limit || items < limit)) {
		const struct bench_key *k = &ks->k[i];
		const uint8_t *d;
		uint32_t slen;

		if (k->len < plen || memcmp(k->p, pfx, plen))
			break;
		items++;
		d = memchr(k->p + plen, delim, k->len - plen);
		if (!d) {
			i++;
			continue;
		}
		slen = bench_prefix_successor(succ, k->p, d - k->p + 1);
		if (!slen)
			break;
		i = bench_keys_lower_bound(ks, succ, slen);
	}
	free(succ);
	return items;
}

static long oracle_scan(const struct bench_keys *ks, const uint8_t *pfx,
			uint32_t plen)
{
	uint8_t *succ = malloc(plen + 1);
	size_t lo = bench_keys_lower_bound(ks, pfx, plen), hi = ks->n;
	uint32_t slen = bench_prefix_successor(succ, pfx, plen);

	if (slen)
		hi = bench_keys_lower_bound(ks, succ, slen);
	free(succ);
	return hi - lo;
}

/* An absent key near @k: one byte of its last path component changed. */
static void make_miss(struct workload *w, const struct bench_key *k,
		      uint64_t *rng)
{
	static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	uint8_t *buf = malloc(k->len + 16);
	const uint8_t *slash;
	uint32_t base = 0, try;

	slash = k->len ? memrchr(k->p, '/', k->len) : NULL;
	if (slash && (uint32_t)(slash - k->p) + 1 < k->len)
		base = slash - k->p + 1;
	memcpy(buf, k->p, k->len);
	for (try = 0; try < 16 && k->len; try++) {
		uint32_t pos = base + bench_rand(rng) % (k->len - base);

		buf[pos] = alnum[bench_rand(rng) % 36];
		if (!bench_keys_contains(&w->keys, buf, k->len)) {
			bench_keys_add(&w->miss, buf, k->len);
			free(buf);
			return;
		}
		buf[pos] = k->p[pos];
	}
	memcpy(buf + k->len, ".missing", 8);
	if (bench_keys_contains(&w->keys, buf, k->len + 8))
		bench_die("cannot make an absent key near a present one");
	bench_keys_add(&w->miss, buf, k->len + 8);
	free(buf);
}

static void build_workload(struct workload *w)
{
	uint64_t rng = opts.seed ^ 0x5eed;
	size_t n, i, want;
	int rc;

	if (opts.keys_file)
		rc = bench_keys_load(&w->keys, opts.keys_file,
				     opts.n_given ? opts.n : 0);
	else
		rc = bench_keys_generate(&w->keys, opts.shape, opts.n,
					 opts.seed);
	if (rc)
		bench_die("cannot build the key set: %s", strerror(errno));
	n = w->keys.n;
	if (!n)
		bench_die("no keys");
	opts.n = n;
	opts.max_key_len = w->keys.max_len;
	opts.keys_have_nul = w->keys.has_nul;

	w->ins_order = perm(n, &rng);
	w->get_order = perm(n, &rng);
	w->upd_order = perm(n, &rng);
	w->del_order = perm(n, &rng);
	for (i = 0; i < VAL_POOL; i++) {
		w->val_ins[i] = 'a' + bench_rand(&rng) % 26;
		w->val_upd[i] = 'A' + bench_rand(&rng) % 26;
	}

	w->nops = n < opts.ops ? n : opts.ops;
	w->updated = calloc(n, 1);
	if (!w->updated)
		bench_die("out of memory");
	for (i = 0; i < w->nops; i++)
		w->updated[w->upd_order[i]] = 1;

	/* Absent keys: one near each looked-up key, in the get order. */
	for (i = 0; i < w->nops; i++)
		make_miss(w, &w->keys.k[w->get_order[i]], &rng);
	bench_keys_fix(&w->miss);
	opts.max_key_len = w->miss.max_len > opts.max_key_len ?
			   w->miss.max_len : opts.max_key_len;

	/* Scans and listings draw from their own stream (same for any --ops). */
	rng = opts.seed ^ 0x5ca1ab1e;

	/* Scans of leaf directories until about n entries are read. */
	want = n < 1000000 ? n : 1000000;
	while (w->scan_entries < want && w->scan_pfx.n < 100000) {
		const struct bench_key *k = &w->keys.k[bench_rand(&rng) % n];
		const uint8_t *s = memrchr(k->p, '/', k->len);
		uint32_t plen = s ? s - k->p + 1 : 0;

		bench_keys_add(&w->scan_pfx, k->p, plen);
		w->scan_entries += oracle_scan(&w->keys, k->p, plen);
	}
	bench_keys_fix(&w->scan_pfx);
	w->scan_expect = malloc(w->scan_pfx.n * sizeof(long));
	for (i = 0; i < w->scan_pfx.n; i++)
		w->scan_expect[i] = oracle_scan(&w->keys, w->scan_pfx.k[i].p,
						w->scan_pfx.k[i].len);

	/* Listings: a random key, one of its ancestors (or the root). */
	for (i = 0; i < opts.lists; i++) {
		const struct bench_key *k = &w->keys.k[bench_rand(&rng) % n];
		uint32_t j, levels = 1, pick, plen = 0;

		for (j = 0; j < k->len; j++)
			levels += k->p[j] == '/';
		pick = bench_rand(&rng) % levels;
		for (j = 0; j < k->len && pick; j++) {
			if (k->p[j] == '/' && !--pick)
				plen = j + 1;
		}
		bench_keys_add(&w->list_pfx, k->p, plen);
	}
	bench_keys_fix(&w->list_pfx);
	w->list_expect = malloc(w->list_pfx.n * sizeof(long));
	for (i = 0; i < w->list_pfx.n; i++) {
		w->list_expect[i] = oracle_list(&w->keys, w->list_pfx.k[i].p,
						w->list_pfx.k[i].len, '/',
						opts.list_limit);
		w->list_items += w->list_expect[i];
	}
}

/* Brackets of a group of operations (a transaction for LMDB). */
#define GROUP(ops, e, i, mode)						\
	do {								\
		if ((i) % opts.batch == 0) {				\
			if ((i) && (ops)->end && (ops)->end(e, mode))	\
				bench_die("%s: end of group failed",	\
					  (ops)->name);			\
			if ((ops)->begin && (ops)->begin(e, mode))	\
				bench_die("%s: begin of group failed",	\
					  (ops)->name);			\
		}							\
	} while (0)

#define GROUP_END(ops, e, mode)						\
	do {								\
		if ((ops)->end && (ops)->end(e, mode))			\
			bench_die("%s: end of group failed", (ops)->name); \
	} while (0)

static double phase_insert(const struct bench_engine_ops *ops, void *e,
			   const struct workload *w, const uint8_t *pool,
			   const uint32_t *order, size_t n)
{
	size_t i;
	uint64_t t0 = now_ns();

	for (i = 0; i < n; i++) {
		const struct bench_key *k = &w->keys.k[order[i]];
		int rc;

		GROUP(ops, e, i, BENCH_WRITE);
		rc = ops->put(e, k->p, k->len, val_ptr(pool, order[i]),
			      val_len(order[i]));
		if (rc)
			bench_die("%s: put failed (%d)", ops->name, rc);
	}
	GROUP_END(ops, e, BENCH_WRITE);
	return (double)(now_ns() - t0) / n;
}

static double phase_get(const struct bench_engine_ops *ops, void *e,
			const struct workload *w, const uint8_t *pool)
{
	size_t i, n = w->nops, bad = 0;
	uint64_t t0 = now_ns();

	for (i = 0; i < n; i++) {
		uint32_t x = w->get_order[i], vlen = 0;
		const struct bench_key *k = &w->keys.k[x];
		const uint8_t *val = NULL;
		int rc;

		GROUP(ops, e, i, BENCH_READ);
		rc = ops->get(e, k->p, k->len, &val, &vlen);
		if (rc != 1 || vlen != val_len(x) || val[0] != pool[x & 63] ||
		    val[vlen - 1] != pool[(x & 63) + vlen - 1])
			bad++;
	}
	GROUP_END(ops, e, BENCH_READ);
	t0 = now_ns() - t0;
	if (bad)
		bench_die("%s: %zu of %zu gets missed or read a wrong value",
			  ops->name, bad, n);
	return (double)t0 / n;
}

static double phase_miss(const struct bench_engine_ops *ops, void *e,
			 const struct workload *w)
{
	size_t i, n = w->miss.n, bad = 0;
	uint64_t t0 = now_ns();

	for (i = 0; i < n; i++) {
		const struct bench_key *k = &w->miss.k[i];
		const uint8_t *val;
		uint32_t vlen;

		GROUP(ops, e, i, BENCH_READ);
		if (ops->get(e, k->p, k->len, &val, &vlen) != 0)
			bad++;
	}
	GROUP_END(ops, e, BENCH_READ);
	t0 = now_ns() - t0;
	if (bad)
		bench_die("%s: %zu of %zu lookups of absent keys hit",
			  ops->name, bad, n);
	return (double)t0 / n;
}

static double phase_delete(const struct bench_engine_ops *ops, void *e,
			   const struct workload *w)
{
	size_t i, n = w->keys.n, bad = 0;
	uint64_t t0 = now_ns();

	for (i = 0; i < n; i++) {
		const struct bench_key *k = &w->keys.k[w->del_order[i]];
		int rc;

		GROUP(ops, e, i, BENCH_WRITE);
		rc = ops->del(e, k->p, k->len);
		if (rc != 1 && rc != 2)
			bad++;
	}
	GROUP_END(ops, e, BENCH_WRITE);
	t0 = now_ns() - t0;
	if (bad)
		bench_die("%s: %zu of %zu deletes failed", ops->name, bad, n);
	return (double)t0 / n;
}

static uint64_t bench_sink;

static double phase_scan(const struct bench_engine_ops *ops, void *e,
			 const struct workload *w)
{
	size_t i, bad = 0;
	uint64_t sum = 0, t0 = now_ns();

	for (i = 0; i < w->scan_pfx.n; i++) {
		const struct bench_key *p = &w->scan_pfx.k[i];

		GROUP(ops, e, i, BENCH_READ);
		if (ops->scan(e, p->p, p->len, &sum) != w->scan_expect[i])
			bad++;
	}
	GROUP_END(ops, e, BENCH_READ);
	t0 = now_ns() - t0;
	bench_sink += sum;
	if (bad)
		bench_die("%s: %zu of %zu prefix scans returned a wrong count",
			  ops->name, bad, w->scan_pfx.n);
	return (double)t0 / w->scan_entries;
}

static double phase_list(const struct bench_engine_ops *ops, void *e,
			 const struct workload *w)
{
	size_t i, bad = 0;
	uint64_t sum = 0, t0 = now_ns();

	for (i = 0; i < w->list_pfx.n; i++) {
		const struct bench_key *p = &w->list_pfx.k[i];
		long got;

		GROUP(ops, e, i, BENCH_READ);
		got = ops->list(e, p->p, p->len, '/', opts.list_limit, &sum);
		if (got != w->list_expect[i]) {
			if (verbose && !bad)
				fprintf(stderr, "%s: listing '%.*s': %ld items, want %ld\n",
					ops->name, (int)p->len, p->p, got,
					w->list_expect[i]);
			bad++;
		}
	}
	GROUP_END(ops, e, BENCH_READ);
	t0 = now_ns() - t0;
	bench_sink += sum;
	if (bad)
		bench_die("%s: %zu of %zu listings returned a wrong count",
			  ops->name, bad, w->list_pfx.n);
	return (double)t0 / 1000.0 / w->list_pfx.n;
}

/*
 * Untimed checks between phases: a sample of keys must read the value of
 * @pool, or of @upd for the keys that the update phase wrote; with no
 * @pool, they must be absent.
 */
static void check_sample(const struct bench_engine_ops *ops, void *e,
			 const struct workload *w, const uint8_t *pool,
			 const uint8_t *upd, const char *when)
{
	size_t i, n = w->keys.n, step = n / 1000 + 1;

	if (ops->begin && ops->begin(e, BENCH_READ))
		bench_die("%s: begin failed", ops->name);
	for (i = 0; i < n; i += step) {
		const struct bench_key *k = &w->keys.k[i];
		const uint8_t *val, *want = upd && w->updated[i] ? upd : pool;
		uint32_t vlen;
		int rc = ops->get(e, k->p, k->len, &val, &vlen);

		if (!want ? rc != 0 :
		    rc != 1 || vlen != val_len(i) ||
		    memcmp(val, val_ptr(want, i), vlen))
			bench_die("%s: key %zu reads wrong %s", ops->name, i,
				  when);
	}
	if (ops->end && ops->end(e, BENCH_READ))
		bench_die("%s: end failed", ops->name);
}

static void settle(const struct bench_engine_ops *ops, void *e)
{
	if (opts.settle && ops->settle && ops->settle(e))
		bench_die("%s: settle failed", ops->name);
}

static struct bench_holt_mem holt_mem;
static uint64_t holt_rss;
static bool holt_mem_done;

static void run_one(struct engine_run *er, const struct workload *w,
		    unsigned int rep)
{
	const struct bench_engine_ops *ops = er->ops;
	bool measure = ops == &bench_engine_holt && !holt_mem_done;
	uint64_t rss0 = 0;
	char err[256] = "";
	void *e;

	if (measure)
		rss0 = rss_bytes();
	e = ops->open(&opts, err, sizeof(err));
	if (!e) {
		fprintf(stderr, "holt-bench: %s skipped: %s\n", ops->name, err);
		er->failed = true;
		return;
	}
	if (verbose)
		fprintf(stderr, "%s rep %u: insert\n", ops->name, rep);
	er->t[OP_INSERT][rep] = phase_insert(ops, e, w, w->val_ins,
					     w->ins_order, w->keys.n);
	if (measure) {
		holt_rss = rss_bytes() - rss0;
		bench_holt_memory(e, &holt_mem);
		holt_mem_done = true;
	}
	settle(ops, e);
	check_sample(ops, e, w, w->val_ins, NULL, "after insert");
	er->t[OP_GET][rep] = phase_get(ops, e, w, w->val_ins);
	er->t[OP_MISS][rep] = phase_miss(ops, e, w);
	if (verbose)
		fprintf(stderr, "%s rep %u: update\n", ops->name, rep);
	er->t[OP_UPDATE][rep] = phase_insert(ops, e, w, w->val_upd,
					     w->upd_order, w->nops);
	settle(ops, e);
	check_sample(ops, e, w, w->val_ins, w->val_upd, "after update");
	if (verbose)
		fprintf(stderr, "%s rep %u: scan, list\n", ops->name, rep);
	er->t[OP_SCAN][rep] = phase_scan(ops, e, w);
	er->t[OP_LIST][rep] = phase_list(ops, e, w);
	if (verbose)
		fprintf(stderr, "%s rep %u: delete\n", ops->name, rep);
	er->t[OP_DELETE][rep] = phase_delete(ops, e, w);
	check_sample(ops, e, w, NULL, NULL, "after delete");
	ops->close(e);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, unsigned int n)
{
	double s[64];

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), dbl_cmp);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static const char *keys_name(void)
{
	return opts.keys_file ? opts.keys_file : opts.shape;
}

static void report_json(struct engine_run *runs, size_t nr)
{
	bool first = true;
	size_t i;
	int op;

	printf("{\"n\": %zu, \"keys\": ", opts.n);
	json_string(keys_name());
	printf(", \"engines\": {");
	for (i = 0; i < nr; i++) {
		if (!runs[i].on || runs[i].failed)
			continue;
		printf("%s\"%s\": {", first ? "" : ", ", runs[i].ops->name);
		first = false;
		for (op = 0; op < OP_NR; op++)
			printf("%s\"%s\": %.*f", op ? ", " : "", op_json[op],
			       op == OP_LIST ? 3 : 1,
			       median(runs[i].t[op], opts.reps));
		printf("}");
	}
	printf("}");
	if (holt_mem_done && holt_mem.keys)
		printf(", \"holt_memory\": {\"frame_bytes_per_key\": %.1f, "
		       "\"avg_fill\": %.3f, \"rss_bytes_per_key\": %.1f, "
		       "\"hint_bytes_per_key\": %.1f}",
		       (double)holt_mem.frame_bytes / holt_mem.keys,
		       holt_mem.data_capacity ?
		       (double)holt_mem.data_live / holt_mem.data_capacity : 0,
		       (double)holt_rss / holt_mem.keys,
		       (double)holt_mem.hint_bytes / holt_mem.keys);
	printf("}\n");
}

static void report_table(const struct workload *w, struct engine_run *runs,
			 size_t nr)
{
	struct engine_run *holt = NULL;
	size_t i;
	int op;

	printf("holt-bench: %zu keys (%s), median of %u repetitions, "
	       "groups of %u ops, list limit %u%s%s\n",
	       opts.n, keys_name(), opts.reps, opts.batch, opts.list_limit,
	       opts.settle ? (opts.list_walk ? ", peers list by walking" : "") :
	       (opts.list_walk ? ", no settle, peers list by walking" :
		", no settle"),
	       bench_clock == CLOCK_MONOTONIC ? "" : ", thread CPU time");
	printf("  %zu gets, misses and updates, %zu prefix scans "
	       "(%llu entries), %zu listings (%llu items)\n\n",
	       w->nops, w->scan_pfx.n, (unsigned long long)w->scan_entries,
	       w->list_pfx.n, (unsigned long long)w->list_items);
	for (i = 0; i < nr; i++)
		if (runs[i].on && !runs[i].failed &&
		    runs[i].ops == &bench_engine_holt)
			holt = &runs[i];
	printf("%-16s", "");
	for (i = 0; i < nr; i++)
		if (runs[i].on && !runs[i].failed)
			printf("%21s", runs[i].ops->name);
	printf("\n");
	for (op = 0; op < OP_NR; op++) {
		double h = holt ? median(holt->t[op], opts.reps) : 0;

		printf("%-16s", op_label[op]);
		for (i = 0; i < nr; i++) {
			double v;

			if (!runs[i].on || runs[i].failed)
				continue;
			v = median(runs[i].t[op], opts.reps);
			if (holt && &runs[i] != holt && h > 0)
				printf("%12.*f (%6.2fx)", op == OP_LIST ? 2 : 1,
				       v, v / h);
			else
				printf("%21.*f", op == OP_LIST ? 2 : 1, v);
		}
		printf("\n");
	}
	if (holt)
		printf("(x): peer time / holt time, above 1 means holt is faster\n");
	if (holt_mem_done && holt_mem.keys) {
		printf("\nholt memory after inserting %llu keys: %llu frames "
		       "(%.1f MiB), depth %u\n",
		       (unsigned long long)holt_mem.keys,
		       (unsigned long long)holt_mem.frames,
		       holt_mem.frame_bytes / 1048576.0, holt_mem.depth);
		printf("  frame bytes per key   %.1f\n",
		       (double)holt_mem.frame_bytes / holt_mem.keys);
		printf("  average frame fill    %.3f live (data_live/data_capacity), "
		       "%.3f used\n",
		       holt_mem.data_capacity ? (double)holt_mem.data_live /
		       holt_mem.data_capacity : 0,
		       holt_mem.data_capacity ? (double)holt_mem.data_used /
		       holt_mem.data_capacity : 0);
		printf("  hint table per key    %.1f\n",
		       (double)holt_mem.hint_bytes / holt_mem.keys);
		printf("  RSS growth per key    %.1f (all of it)\n",
		       (double)holt_rss / holt_mem.keys);
	}
}

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
"usage: holt-bench [options]\n"
"  -n N               number of keys (default 20000; with --keys, the first\n"
"                     N lines of the file, default all)\n"
"  --shape S          objstore (bucket-NN/path-P/sub-S/file-NNNN.bin) or fs\n"
"                     (/usr/local/share/category-N/file-NNNN); default objstore\n"
"  --keys FILE        one key per line instead of the generator\n"
"  -r, --reps R       repetitions, the median is reported (default 5 below\n"
"                     200k keys, else 3)\n"
"  --cpu-time         time phases with the thread's CPU clock instead of\n"
"                     the wall clock (steadier on a loaded machine; leaves\n"
"                     out RocksDB's background threads)\n"
"  --engines LIST     comma-separated subset of holt,lmdb,rocksdb,judysl\n"
"  --json             print one JSON object instead of the table\n"
"  --batch B          operations per LMDB transaction / RocksDB write batch\n"
"                     (default 1000; 1 for one per operation)\n"
"  --list-limit L     items per directory listing at most (default 1000)\n"
"  --lists C          directory listings per repetition (default 5000)\n"
"  --ops M            gets, misses and updates per repetition (default\n"
"                     250000, at most N)\n"
"  --list-walk        peers list a directory by walking every key under it\n"
"                     and rolling up in the client, instead of seeking past\n"
"                     each common prefix (holt is unchanged)\n"
"  --no-settle        no untimed tidying after the insert and update phases\n"
"                     (RocksDB: flush and compaction; holt: compaction)\n"
"  --seed S           seed of the key generator and the workload\n"
"  --dir D            directory (tmpfs) for LMDB and RocksDB (default /dev/shm)\n"
"  -v, --verbose      progress on stderr\n");
	exit(rc);
}

static unsigned long long num_arg(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		bench_die("bad %s: %s", what, s);
	return v;
}

static bool engine_wanted(const char *name)
{
	size_t len = strlen(name);
	const char *p = opts.engines;

	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if (l == len && !memcmp(p, name, len))
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "shape", required_argument, NULL, 's' },
		{ "keys", required_argument, NULL, 'k' },
		{ "reps", required_argument, NULL, 'r' },
		{ "engines", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "batch", required_argument, NULL, 'b' },
		{ "list-limit", required_argument, NULL, 'L' },
		{ "lists", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 'S' },
		{ "dir", required_argument, NULL, 'd' },
		{ "ops", required_argument, NULL, 'o' },
		{ "cpu-time", no_argument, NULL, 'c' },
		{ "no-settle", no_argument, NULL, 'N' },
		{ "list-walk", no_argument, NULL, 'W' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct engine_run runs[NR_ENGINES];
	struct workload w;
	size_t i, on = 0;
	unsigned int rep;
	int c;

	while ((c = getopt_long(argc, argv, "n:r:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			opts.n = num_arg(optarg, "-n");
			opts.n_given = true;
			break;
		case 's':
			opts.shape = optarg;
			break;
		case 'k':
			opts.keys_file = optarg;
			break;
		case 'r':
			opts.reps = num_arg(optarg, "--reps");
			if (!opts.reps)
				bench_die("--reps must be 1..64");
			break;
		case 'e':
			opts.engines = optarg;
			break;
		case 'j':
			opts.json = true;
			break;
		case 'b':
			opts.batch = num_arg(optarg, "--batch");
			break;
		case 'L':
			opts.list_limit = num_arg(optarg, "--list-limit");
			break;
		case 'l':
			opts.lists = num_arg(optarg, "--lists");
			break;
		case 'S':
			opts.seed = num_arg(optarg, "--seed");
			break;
		case 'd':
			opts.dir = optarg;
			break;
		case 'o':
			opts.ops = num_arg(optarg, "--ops");
			break;
		case 'N':
			opts.settle = false;
			break;
		case 'W':
			opts.list_walk = true;
			break;
		case 'c':
			bench_clock = CLOCK_THREAD_CPUTIME_ID;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if (opts.reps > 64)
		bench_die("--reps must be 1..64");
	if (opts.ops < 1)
		bench_die("--ops must be at least 1");
	if (opts.batch < 1)
		bench_die("--batch must be at least 1");
	if (!opts.keys_file && strcmp(opts.shape, "objstore") &&
	    strcmp(opts.shape, "fs"))
		bench_die("unknown shape %s (objstore or fs)", opts.shape);
	if (!opts.keys_file && (opts.n < 1 || opts.n > 100000000))
		bench_die("-n must be 1..100000000");

	memset(runs, 0, sizeof(runs));
	for (i = 0; i < NR_ENGINES; i++) {
		runs[i].ops = all_engines[i];
		runs[i].on = engine_wanted(all_engines[i]->name);
		on += runs[i].on;
	}
	if (!on)
		bench_die("no known engine in '%s'", opts.engines);

	memset(&w, 0, sizeof(w));
	if (verbose)
		fprintf(stderr, "building the workload\n");
	build_workload(&w);
	if (!opts.reps)
		opts.reps = opts.n < 200000 ? 5 : 3;

	for (rep = 0; rep < opts.reps; rep++)
		for (i = 0; i < NR_ENGINES; i++)
			if (runs[i].on && !runs[i].failed)
				run_one(&runs[i], &w, rep);

	if (opts.json)
		report_json(runs, NR_ENGINES);
	else
		report_table(&w, runs, NR_ENGINES);
	if (bench_sink == 1)
		fputc('\n', stderr);
	return 0;
}
