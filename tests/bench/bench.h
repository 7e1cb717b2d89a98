/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - the shared parts of holt-bench: the key set, the options and the
 * small vtable every engine adapter (engine_*.c) fills in.
 *
 * The driver (bench.c) owns the workload and the timing; an adapter only
 * maps the handful of operations below onto its engine.  Keys handed to an
 * adapter are always followed by a NUL byte in memory (JudySL needs C
 * strings), but their length is given explicitly and excludes it.
 */
#ifndef HOLT_BENCH_H
#define HOLT_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* One key: @len bytes at @p, followed in memory by a NUL byte. */
struct bench_key {
	const uint8_t *p;
	uint32_t len;
};

/* A set of keys in one arena. */
struct bench_keys {
	struct bench_key *k;
	size_t n;
	uint8_t *arena;
	size_t arena_len;
	size_t arena_cap;
	uint32_t max_len;
	bool has_nul;		/* some key contains a 0x00 byte */
};

struct bench_opts {
	size_t n;		/* number of keys */
	bool n_given;
	const char *shape;	/* "objstore" or "fs", NULL with --keys */
	const char *keys_file;
	unsigned int reps;
	uint64_t seed;
	unsigned int batch;	/* ops per LMDB txn / RocksDB write batch */
	unsigned int list_limit;
	size_t lists;		/* directory listings per repetition */
	size_t ops;		/* gets, misses and updates per repetition */
	bool settle;		/* let engines tidy up after write phases */
	bool list_walk;		/* peers list by walking every key */
	bool json;
	const char *engines;	/* comma-separated list */
	const char *dir;	/* where file-backed peers live (tmpfs) */
	uint32_t max_key_len;	/* longest key of the set */
	bool keys_have_nul;
};

/* Modes of bench_engine_ops.begin(). */
enum bench_mode {
	BENCH_READ,
	BENCH_WRITE,
};

/*
 * The operations of one engine.  Return conventions:
 *  put: 0 or a negative error;
 *  get: 1 found (*val, *vlen set), 0 absent, negative on error;
 *  del: 1 deleted, 0 absent, 2 "unknown" (blind deletes), negative on error;
 *  scan: number of entries under @prefix (key and value read), or negative;
 *  list: number of items (keys and rolled-up common prefixes) directly
 *	under @prefix with delimiter @delim, at most @limit, or negative.
 * @sum accumulates bytes seen so that the compiler cannot drop any work.
 *
 * settle, when set and enabled, runs untimed after the insert and update
 * phases (RocksDB: flush and compact, so its reads see its best shape;
 * holt: compact every frame, leaves in key order).
 *
 * begin/end bracket every group of opts->batch operations of one kind (a
 * write transaction for LMDB, a write batch for RocksDB, a read
 * transaction or iterator for reads); engines without such a notion leave
 * them NULL.
 */
struct bench_engine_ops {
	const char *name;
	/* NULL and a message in @err when the engine cannot run this set. */
	void *(*open)(const struct bench_opts *o, char *err, size_t errlen);
	void (*close)(void *e);
	int (*begin)(void *e, enum bench_mode mode);
	int (*end)(void *e, enum bench_mode mode);
	int (*settle)(void *e);
	int (*put)(void *e, const uint8_t *k, uint32_t klen,
		   const uint8_t *v, uint32_t vlen);
	int (*get)(void *e, const uint8_t *k, uint32_t klen,
		   const uint8_t **val, uint32_t *vlen);
	int (*del)(void *e, const uint8_t *k, uint32_t klen);
	long (*scan)(void *e, const uint8_t *prefix, uint32_t plen,
		     uint64_t *sum);
	long (*list)(void *e, const uint8_t *prefix, uint32_t plen,
		     int delim, uint32_t limit, uint64_t *sum);
};

/* Memory figures of the holt tree, filled by engine_holt.c. */
struct bench_holt_mem {
	uint64_t keys;
	uint64_t frames;
	uint64_t frame_bytes;
	uint64_t data_used;
	uint64_t data_live;
	uint64_t data_capacity;
	uint64_t hint_bytes;
	uint32_t depth;
};

extern const struct bench_engine_ops bench_engine_holt;
extern const struct bench_engine_ops bench_engine_lmdb;
extern const struct bench_engine_ops bench_engine_rocksdb;
extern const struct bench_engine_ops bench_engine_judysl;

void bench_holt_memory(void *e, struct bench_holt_mem *m);

/* keys.c */
uint64_t bench_rand(uint64_t *state);
int bench_keys_generate(struct bench_keys *ks, const char *shape, size_t n,
			uint64_t seed);
int bench_keys_load(struct bench_keys *ks, const char *path, size_t n);
int bench_keys_add(struct bench_keys *ks, const uint8_t *p, uint32_t len);
void bench_keys_fix(struct bench_keys *ks);
void bench_keys_sort_unique(struct bench_keys *ks);
void bench_keys_free(struct bench_keys *ks);
int bench_key_cmp(const uint8_t *a, uint32_t alen,
		  const uint8_t *b, uint32_t blen);
size_t bench_keys_lower_bound(const struct bench_keys *ks,
			      const uint8_t *p, uint32_t len);
bool bench_keys_contains(const struct bench_keys *ks,
			 const uint8_t *p, uint32_t len);

/* Successor of a rolled-up prefix: the least key above all that extend it. */
uint32_t bench_prefix_successor(uint8_t *buf, const uint8_t *p, uint32_t len);

/*
 * Directories of file-backed peers, removed at exit (also after
 * bench_die() or SIGINT/SIGTERM/SIGHUP) unless forgotten first.
 */
void bench_tmpdir_add(const char *path);
void bench_tmpdir_forget(const char *path);
void bench_tmpdir_remove(const char *path);

void bench_die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#endif /* HOLT_BENCH_H */
