// SPDX-License-Identifier: GPL-2.0
/*
 * keys.c - the key sets of holt-bench: path-shaped keys from a seeded
 * generator, or one key per line from a file.
 *
 * Shapes (after the reference's benchmarks):
 *
 *  objstore  bucket-NN/path-P/sub-S/file-NNNN.bin
 *	Leaf directories hold 1..199 files (100 on average); the leaf
 *	directories are spread over buckets, paths and subs with about the
 *	same fan-out at each of the three levels (the cube root of their
 *	number), so 1M keys give ~10,000 leaf directories, ~22 buckets of
 *	~22 paths of ~22 subs.
 *  fs        /usr/local/share/category-N/file-NNNN
 *	Categories hold 1..999 files (500 on average): 1M keys give ~2,000
 *	categories under /usr/local/share/.
 *
 * File numbers within a directory are a random subset of 0000..9999, so
 * names are sparse like real ones.  Every key is distinct by construction.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bench_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("holt-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* splitmix64: small, fast and good enough for workload shuffles. */
uint64_t bench_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int bench_keys_add(struct bench_keys *ks, const uint8_t *p, uint32_t len)
{
	static const size_t kcap_step = 1 << 16;

	if (ks->arena_len + len + 1 > ks->arena_cap) {
		size_t cap = ks->arena_cap ? ks->arena_cap * 2 : 1 << 20;

		while (cap < ks->arena_len + len + 1)
			cap *= 2;
		ks->arena = realloc(ks->arena, cap);
		if (!ks->arena)
			return -1;
		ks->arena_cap = cap;
	}
	if (ks->n % kcap_step == 0) {
		ks->k = realloc(ks->k, (ks->n + kcap_step) * sizeof(*ks->k));
		if (!ks->k)
			return -1;
	}
	memcpy(ks->arena + ks->arena_len, p, len);
	ks->arena[ks->arena_len + len] = 0;
	/* Store the offset for now; pointers are fixed once the arena is. */
	ks->k[ks->n].p = (const uint8_t *)(uintptr_t)ks->arena_len;
	ks->k[ks->n].len = len;
	ks->arena_len += len + 1;
	ks->n++;
	if (len > ks->max_len)
		ks->max_len = len;
	if (memchr(p, 0, len))
		ks->has_nul = true;
	return 0;
}

/* Turn the stored offsets into pointers once the arena no longer moves. */
void bench_keys_fix(struct bench_keys *ks)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		ks->k[i].p = ks->arena + (uintptr_t)ks->k[i].p;
}

void bench_keys_free(struct bench_keys *ks)
{
	free(ks->k);
	free(ks->arena);
	memset(ks, 0, sizeof(*ks));
}

int bench_key_cmp(const uint8_t *a, uint32_t alen,
		  const uint8_t *b, uint32_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int bench_key_qcmp(const void *x, const void *y)
{
	const struct bench_key *a = x, *b = y;

	return bench_key_cmp(a->p, a->len, b->p, b->len);
}

void bench_keys_sort_unique(struct bench_keys *ks)
{
	size_t i, j;

	if (!ks->n)
		return;
	qsort(ks->k, ks->n, sizeof(*ks->k), bench_key_qcmp);
	for (i = 1, j = 1; i < ks->n; i++) {
		if (bench_key_qcmp(&ks->k[i], &ks->k[j - 1]))
			ks->k[j++] = ks->k[i];
	}
	ks->n = j;
}

/* First index whose key is >= (p, len) in a sorted set. */
size_t bench_keys_lower_bound(const struct bench_keys *ks,
			      const uint8_t *p, uint32_t len)
{
	size_t lo = 0, hi = ks->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bench_key_cmp(ks->k[mid].p, ks->k[mid].len, p, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool bench_keys_contains(const struct bench_keys *ks,
			 const uint8_t *p, uint32_t len)
{
	size_t i = bench_keys_lower_bound(ks, p, len);

	return i < ks->n && !bench_key_cmp(ks->k[i].p, ks->k[i].len, p, len);
}

uint32_t bench_prefix_successor(uint8_t *buf, const uint8_t *p, uint32_t len)
{
	memmove(buf, p, len);
	while (len && buf[len - 1] == 0xff)
		len--;
	if (len)
		buf[len - 1]++;
	return len;	/* 0: no successor, the scan is over */
}

/*
 * Draw @c distinct numbers out of 0..@range-1 in increasing order
 * (selection sampling) and call back with each.
 */
static unsigned int bench_pick_sorted(uint64_t *rng, unsigned int range,
				      unsigned int c, unsigned int *out)
{
	unsigned int i, got = 0;

	for (i = 0; i < range && got < c; i++) {
		uint64_t left = range - i;

		if (bench_rand(rng) % left < c - got)
			out[got++] = i;
	}
	return got;
}

int bench_keys_generate(struct bench_keys *ks, const char *shape, size_t n,
			uint64_t seed)
{
	bool objstore = !strcmp(shape, "objstore");
	unsigned int avg = objstore ? 100 : 500;
	unsigned int *counts, files[10000];
	size_t ndirs = 0, total = 0, d;
	unsigned int per, b_fan = 1, p_fan = 1, s_fan = 1;
	uint64_t rng = seed;
	char buf[128];

	if (!objstore && strcmp(shape, "fs"))
		return -1;
	counts = calloc(n + 1, sizeof(*counts));
	if (!counts)
		return -1;
	/* Files per leaf directory, uniform in 1..2*avg-1. */
	while (total < n) {
		unsigned int c = 1 + bench_rand(&rng) % (2 * avg - 1);

		if (c > n - total)
			c = n - total;
		counts[ndirs++] = c;
		total += c;
	}
	if (objstore) {
		b_fan = (unsigned int)ceil(cbrt((double)ndirs));
		p_fan = b_fan;
		s_fan = (ndirs + (size_t)b_fan * p_fan - 1) /
			((size_t)b_fan * p_fan);
	}
	for (d = 0; d < ndirs; d++) {
		unsigned int i, got;
		int len;

		got = bench_pick_sorted(&rng, 10000, counts[d], files);
		for (i = 0; i < got; i++) {
			if (objstore) {
				per = p_fan * s_fan;
				len = snprintf(buf, sizeof(buf),
					"bucket-%02u/path-%u/sub-%u/file-%04u.bin",
					(unsigned int)(d / per),
					(unsigned int)(d / s_fan % p_fan),
					(unsigned int)(d % s_fan), files[i]);
			} else {
				len = snprintf(buf, sizeof(buf),
					"/usr/local/share/category-%u/file-%04u",
					(unsigned int)d, files[i]);
			}
			if (bench_keys_add(ks, (const uint8_t *)buf, len))
				goto out_free;
		}
	}
	free(counts);
	bench_keys_fix(ks);
	bench_keys_sort_unique(ks);
	if (ks->n != n)
		bench_die("generator produced %zu distinct keys, not %zu",
			  ks->n, n);
	return 0;

out_free:
	free(counts);
	return -1;
}

/*
 * Keys from a file, one per line (the newline is not part of the key, a
 * trailing CR is; empty lines are skipped).  With @n nonzero, only the
 * first @n lines are read.  Duplicates are dropped.
 */
int bench_keys_load(struct bench_keys *ks, const char *path, size_t n)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lines = 0;
	ssize_t len;

	if (!f)
		return -1;
	while ((!n || lines < n) && (len = getline(&line, &cap, f)) >= 0) {
		if (len && line[len - 1] == '\n')
			len--;
		if (!len)
			continue;
		if (len > 65534)
			bench_die("%s: a key of %zd bytes (max 65534)", path,
				  len);
		if (bench_keys_add(ks, (const uint8_t *)line, len)) {
			free(line);
			fclose(f);
			return -1;
		}
		lines++;
	}
	free(line);
	fclose(f);
	bench_keys_fix(ks);
	bench_keys_sort_unique(ks);
	return 0;
}
