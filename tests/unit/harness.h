/* SPDX-License-Identifier: GPL-2.0 */
/*
 * harness.h - the few things every holt unit test program shares: a seeded
 * random generator, assertions that name the file, line and seed when they
 * fail, and a pass/fail summary line.
 *
 * A test program includes this header once, calls harness_init() with its
 * name and default seed, and ends with `return harness_done();`.  A failed
 * CHECK() prints where and why, the seed that reproduces the run, the
 * operation counter, and aborts (the program fails, ASan/UBSan runtimes
 * stay quiet).  Case counts are kept so the runner can add them up.
 *
 * Environment: <NAME>_SEED=S picks the seed (decimal or 0x hex), else it is
 * taken from the clock; the seed is always printed first.
 */
#ifndef HOLT_TESTS_UNIT_HARNESS_H
#define HOLT_TESTS_UNIT_HARNESS_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HARNESS_UNUSED __attribute__((unused))

static HARNESS_UNUSED const char *harness_name = "test";
static HARNESS_UNUSED uint64_t harness_seed;
static HARNESS_UNUSED uint64_t harness_rng_state;
/* What the test is doing, for the failure message (an operation number). */
static HARNESS_UNUSED unsigned long long harness_step;
static HARNESS_UNUSED const char *harness_phase = "";
static HARNESS_UNUSED unsigned long harness_cases;

static inline uint64_t harness_env_u64(const char *var, uint64_t dflt)
{
	const char *s = getenv(var);
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return dflt;
	v = strtoull(s, &end, 0);
	if (*end) {
		fprintf(stderr, "%s: bad %s=%s\n", harness_name, var, s);
		exit(2);
	}
	return v;
}

static inline uint64_t harness_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rnd64(void)
{
	return harness_splitmix(&harness_rng_state);
}

/* Uniform in [0, n), n > 0 (the bias of the modulo is irrelevant here). */
static inline uint32_t rnd(uint32_t n)
{
	return (uint32_t)(rnd64() % n);
}

/* True with probability num/den. */
static inline int chance(uint32_t num, uint32_t den)
{
	return rnd(den) < num;
}

static inline void rnd_seed(uint64_t seed)
{
	harness_rng_state = seed;
}

/*
 * harness_init() - name the program and pick its seed: the environment
 * variable @seed_var if set, else the clock.
 */
static inline void harness_init(const char *name, const char *seed_var)
{
	struct timespec ts;

	harness_name = name;
	clock_gettime(CLOCK_REALTIME, &ts);
	harness_seed = harness_env_u64(seed_var,
			(uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec);
	rnd_seed(harness_seed);
	printf("%s: seed %llu (rerun with %s=%llu)\n", name,
	       (unsigned long long)harness_seed, seed_var,
	       (unsigned long long)harness_seed);
	fflush(stdout);
}

static inline void __attribute__((noreturn, format(printf, 3, 4)))
harness_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s:%d: FAIL: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s: failed at step %llu (%s), seed %llu\n",
		harness_name, harness_step, harness_phase,
		(unsigned long long)harness_seed);
	fflush(stderr);
	abort();
}

/* CHECK(cond, fmt, ...): fail with a message unless cond holds. */
#define CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			harness_fail(__FILE__, __LINE__, "(" #cond ") " \
				     __VA_ARGS__);			\
	} while (0)

/* Integer equality, printing both sides. */
#define CHECK_EQ(a, b)							\
	do {								\
		long long __a = (long long)(a), __b = (long long)(b);	\
		if (__a != __b)						\
			harness_fail(__FILE__, __LINE__,		\
				     "%s == %lld, expected %s == %lld",	\
				     #a, __a, #b, __b);			\
	} while (0)

/* Byte strings equal (lengths and contents). */
#define CHECK_MEM(p, plen, q, qlen)					\
	do {								\
		size_t __pl = (plen), __ql = (qlen);			\
		if (__pl != __ql ||					\
		    (__pl && memcmp((p), (q), __pl)))			\
			harness_fail(__FILE__, __LINE__,		\
				     "%s (%zu B) differs from %s (%zu B)", \
				     #p, __pl, #q, __ql);		\
	} while (0)

/* Count one passed case (for the runner's summary). */
static inline void harness_case_ok(void)
{
	harness_cases++;
}

static inline int harness_done(void)
{
	printf("%s: PASS (%lu cases, seed %llu)\n", harness_name,
	       harness_cases, (unsigned long long)harness_seed);
	return 0;
}

/* A key or value shown for humans: printable bytes as is, others as \xNN. */
static inline void harness_print_bytes(FILE *f, const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i, n = len > 80 ? 80 : len;

	for (i = 0; i < n; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\')
			fputc(b[i], f);
		else
			fprintf(f, "\\x%02x", b[i]);
	}
	if (n < len)
		fprintf(f, "...(%zu B)", len);
}

#endif /* HOLT_TESTS_UNIT_HARNESS_H */
