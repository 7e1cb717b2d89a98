// SPDX-License-Identifier: GPL-2.0
/*
 * holt-nlbench - the cost of holt's netlink operations against a null
 * generic netlink round trip (HOLT_CMD_NOOP), measured in the same boot.
 *
 *   holt-nlbench [-s STORE] [-n OPS] [-r REPS] [-b BATCH] [--json]
 *
 * Without -s it attaches a memory store of its own and detaches it at the
 * end.  Each repetition runs every measure over OPS operations (the scan
 * over OPS keys); the median of the repetitions is reported in ns per
 * operation, with the ratios get/noop and batched-put throughput /
 * single-put throughput (medians of the per-repetition ratios).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "holt.h"

enum { B_NOOP, B_GET, B_PUT, B_BATCH, B_SCAN, B_MAX };

static const char *const bench_names[B_MAX] = {
	"noop", "get", "put", "batch_put", "scan",
};

struct bench {
	struct holt *h;
	unsigned int ops;
	unsigned int reps;
	unsigned int batch;
	double result[B_MAX];	/* median ns per op */
	double get_noop;	/* median of get / noop */
	double speedup;		/* median of put / batched put, per put */
};

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double bench_median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), bench_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int bench_fail(struct bench *b, const char *what, int err)
{
	const char *msg = holt_errmsg(b->h);

	fprintf(stderr, "holt-nlbench: %s: %s%s%s\n", what, strerror(-err),
		msg[0] ? ": " : "", msg);
	return -1;
}

static int bench_key(char *buf, size_t size, const char *space,
		     unsigned int rep, unsigned int i)
{
	return snprintf(buf, size, "/bench/%s%u/file-%08u", space, rep, i);
}

/* Keys /bench/g0/file-* for get and scan, loaded in bulk. */
static int bench_fill(struct bench *b)
{
	struct holt_loader *l = holt_loader_new(b->h, 0, 0);
	char key[64], val[32];
	unsigned int i;
	int err = 0, n;

	if (!l)
		return bench_fail(b, "loader", -ENOMEM);
	for (i = 0; i < b->ops && !err; i++) {
		n = bench_key(key, sizeof(key), "g", 0, i);
		err = holt_loader_put(l, key, n, val,
				      snprintf(val, sizeof(val), "v%u", i));
	}
	if (!err)
		err = holt_loader_flush(l);
	holt_loader_free(l);
	return err ? bench_fail(b, "fill", err) : 0;
}

struct bench_scan {
	unsigned long n;
};

static int bench_scan_entry(const struct holt_entry *e, void *arg)
{
	((struct bench_scan *)arg)->n++;
	return 0;
}

static int bench_one(struct bench *b, int which, unsigned int rep,
		     double *ns)
{
	struct holt_batch *batch = NULL;
	unsigned int i, j, x = 12345 + rep;
	char key[64];
	double t0;
	int err = 0, n;

	t0 = bench_now();
	switch (which) {
	case B_NOOP:
		for (i = 0; i < b->ops && !err; i++)
			err = holt_noop(b->h);
		break;
	case B_GET:
		for (i = 0; i < b->ops && !err; i++) {
			x = x * 1103515245u + 12345u;
			n = bench_key(key, sizeof(key), "g", 0,
				      (x >> 8) % b->ops);
			err = holt_get(b->h, key, n, NULL, NULL, NULL);
		}
		break;
	case B_PUT:
		for (i = 0; i < b->ops && !err; i++) {
			n = bench_key(key, sizeof(key), "p", rep, i);
			err = holt_put(b->h, key, n, "value", 5, 0, 0, NULL);
		}
		break;
	case B_BATCH:
		batch = holt_batch_new();
		if (!batch)
			return bench_fail(b, "batch", -ENOMEM);
		for (i = 0; i < b->ops && !err; i += b->batch) {
			holt_batch_reset(batch);
			for (j = i; j < i + b->batch && j < b->ops; j++) {
				n = bench_key(key, sizeof(key), "b", rep, j);
				holt_batch_put(batch, key, n, "value", 5);
			}
			err = holt_batch_commit(b->h, batch, NULL);
		}
		holt_batch_free(batch);
		break;
	case B_SCAN: {
		struct holt_scan_opts o = {
			.prefix = "/bench/g0/", .prefix_len = 10,
		};
		struct bench_scan s = { 0 };

		err = holt_scan(b->h, &o, bench_scan_entry, &s);
		if (!err && s.n != b->ops) {
			fprintf(stderr, "holt-nlbench: scan saw %lu keys, expected %u\n",
				s.n, b->ops);
			return -1;
		}
		break;
	}
	}
	if (err)
		return bench_fail(b, bench_names[which], err);
	*ns = (bench_now() - t0) / b->ops;
	return 0;
}

/*
 * Each repetition runs every measure once, in turn, so that a slow spell of
 * the (emulated, shared) machine weighs on all of them alike; the ratios
 * are the medians of the per-repetition ratios.
 */
static int bench_run(struct bench *b)
{
	double *v = calloc((size_t)b->reps * (B_MAX + 2), sizeof(*v));
	double *col = calloc(b->reps, sizeof(*col));
	unsigned int rep;
	int which, ret = -1;

	if (!v || !col)
		goto out;
	if (bench_fill(b))
		goto out;
	for (rep = 0; rep < b->reps; rep++) {
		double *row = v + (size_t)rep * (B_MAX + 2);

		for (which = 0; which < B_MAX; which++)
			if (bench_one(b, which, rep, &row[which]))
				goto out;
		row[B_MAX] = row[B_GET] / row[B_NOOP];
		row[B_MAX + 1] = row[B_PUT] / row[B_BATCH];
	}
	for (which = 0; which < B_MAX + 2; which++) {
		for (rep = 0; rep < b->reps; rep++)
			col[rep] = v[(size_t)rep * (B_MAX + 2) + which];
		if (which < B_MAX)
			b->result[which] = bench_median(col, b->reps);
		else if (which == B_MAX)
			b->get_noop = bench_median(col, b->reps);
		else
			b->speedup = bench_median(col, b->reps);
	}
	ret = 0;
out:
	free(col);
	free(v);
	return ret;
}

static void bench_print(const struct bench *b, int json)
{
	double get_noop = b->get_noop, speedup = b->speedup;
	int i;

	if (json) {
		printf("{\"ops\": %u, \"reps\": %u, \"batch\": %u", b->ops,
		       b->reps, b->batch);
		for (i = 0; i < B_MAX; i++)
			printf(", \"%s_ns\": %.0f", bench_names[i],
			       b->result[i]);
		printf(", \"get_over_noop\": %.3f, \"batch_put_speedup\": %.2f}\n",
		       get_noop, speedup);
		return;
	}
	printf("holt-nlbench: %u ops x %u reps, median ns per op\n", b->ops,
	       b->reps);
	for (i = 0; i < B_MAX; i++)
		printf("  %-10s %10.0f ns%s\n", bench_names[i], b->result[i],
		       i == B_BATCH ? " per put" : i == B_SCAN ? " per entry" :
		       "");
	printf("  get / noop                       %.2f (target <= 1.5)\n",
	       get_noop);
	printf("  batched put (%u per message) / single put throughput  %.1fx (target >= 10)\n",
	       b->batch, speedup);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: holt-nlbench [-s STORE] [-n OPS] [-r REPS] [-b BATCH] [--json]\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "reps", required_argument, NULL, 'r' },
		{ "batch", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench b = { .ops = 2000, .reps = 9, .batch = 256 };
	char own[HOLT_NAME_MAX_LEN] = "";
	const char *store = NULL;
	int c, json = 0, ret = 1, err;

	while ((c = getopt_long(argc, argv, "s:n:r:b:jh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's':
			store = optarg;
			break;
		case 'n':
			b.ops = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			b.reps = strtoul(optarg, NULL, 10);
			break;
		case 'b':
			b.batch = strtoul(optarg, NULL, 10);
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !b.ops || !b.reps || !b.batch) {
		usage(stderr);
		return 2;
	}
	b.h = holt_open();
	if (!b.h) {
		fprintf(stderr, "holt-nlbench: cannot open the holt family: %s\n",
			strerror(errno));
		return 1;
	}
	if (!store) {
		struct holt_attach_opts o;

		holt_attach_opts_init(&o);
		snprintf(own, sizeof(own), "nlbench-%d", (int)getpid());
		o.name = own;
		o.memory = 1;
		err = holt_store_attach(b.h, &o, NULL, 0);
		if (err) {
			bench_fail(&b, "attach", err);
			goto close;
		}
		store = own;
	}
	holt_select(b.h, store, NULL);
	if (!bench_run(&b)) {
		bench_print(&b, json);
		ret = 0;
	}
	if (own[0]) {
		err = holt_store_detach(b.h, own);
		if (err) {
			bench_fail(&b, "detach", err);
			ret = 1;
		}
	}
close:
	holt_close(b.h);
	return ret;
}
