// SPDX-License-Identifier: GPL-2.0
/*
 * test-libholt - libholt against a live holt.ko (run in the VM as root):
 * errno and extended-ack text, point operations, scans (callback and
 * iterator, across many messages, closed early), batches and their failing
 * index, the bulk loader (messages split, the failing put named), limits.
 * Every result is checked against an expected value; prints "N passed,
 * N failed" and exits 1 on any failure.
 *
 *   test-libholt [STORE]     (default: attaches and detaches "libtest")
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "holt.h"

static int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		putchar('\n');						\
	}								\
} while (0)

#define NKEYS 3000

static void key_of(char *buf, size_t size, unsigned int i)
{
	snprintf(buf, size, "/t/scan/%05u", i);
}

struct collect {
	unsigned int n;
	unsigned int bad_order;
	char last[64];
	size_t last_len;
	size_t value_bytes;
	unsigned int stop_at;
};

static int collect_fn(const struct holt_entry *e, void *arg)
{
	struct collect *c = arg;
	size_t n = e->key_len < sizeof(c->last) ? e->key_len : sizeof(c->last);

	if (c->n && (memcmp(c->last, e->key, n < c->last_len ? n :
			    c->last_len) > 0))
		c->bad_order++;
	memcpy(c->last, e->key, n);
	c->last_len = n;
	c->value_bytes += e->value_len;
	c->n++;
	if (c->stop_at && c->n == c->stop_at)
		return 7;
	return 0;
}

static void test_point(struct holt *h)
{
	uint64_t v1 = 0, v2 = 0, ver = 0, count = 0;
	struct holt_entry e;
	void *val = NULL;
	size_t vlen = 0;
	int err;

	err = holt_put(h, "/t/a", 4, "one", 3, 0, 0, &v1);
	CHECK(!err && v1, "put: %d version %" PRIu64, err, v1);
	err = holt_get(h, "/t/a", 4, &val, &vlen, &ver);
	CHECK(!err && vlen == 3 && !memcmp(val, "one", 3) && ver == v1,
	      "get: %d", err);
	free(val);
	err = holt_get(h, "/t/none", 7, &val, &vlen, &ver);
	CHECK(err == -ENOENT && !val, "get missing: %d", err);
	CHECK(holt_errmsg(h)[0], "get missing: no extended-ack text");
	err = holt_put(h, "/t/a", 4, "x", 1, HOLT_PUT_IF_ABSENT, 0, NULL);
	CHECK(err == -EEXIST, "put if-absent: %d", err);
	err = holt_put(h, "/t/a", 4, "x", 1, HOLT_PUT_IF_VERSION, v1 + 100,
		       NULL);
	CHECK(err == -ECANCELED, "put if-version wrong: %d", err);
	err = holt_put(h, "/t/a", 4, "two", 3, HOLT_PUT_IF_VERSION, v1, &v2);
	CHECK(!err && v2 > v1, "put if-version right: %d", err);
	/* The handle works after errors; errmsg clears on success. */
	err = holt_noop(h);
	CHECK(!err && !holt_errmsg(h)[0], "noop: %d '%s'", err,
	      holt_errmsg(h));
	err = holt_rename(h, "/t/a", 4, "/t/b", 4, 0, &ver);
	CHECK(!err && ver > v2, "rename: %d", err);
	err = holt_rename(h, "/t/a", 4, "/t/b", 4, 0, NULL);
	CHECK(err == -ENOENT, "rename missing source: %d", err);
	err = holt_longest_prefix(h, "/t/b/c/d", 8, &e);
	CHECK(!err && e.key_len == 4 && !memcmp(e.key, "/t/b", 4) &&
	      e.value_len == 3 && !memcmp(e.value, "two", 3),
	      "longest prefix: %d", err);
	if (!err)
		holt_entry_free(&e);
	err = holt_longest_prefix(h, "/zzz", 4, &e);
	CHECK(err == -ENOENT, "longest prefix none: %d", err);
	err = holt_del(h, "/t/b", 4, HOLT_DEL_IF_VERSION, 1);
	CHECK(err == -ECANCELED, "del if-version wrong: %d", err);
	err = holt_del(h, "/t/b", 4, 0, 0);
	CHECK(!err, "del: %d", err);
	err = holt_del(h, "/t/b", 4, 0, 0);
	CHECK(err == -ENOENT, "del again: %d", err);
	err = holt_count(h, "/t/", 3, 0, &count);
	CHECK(!err && count == 0, "count empty: %d %" PRIu64, err, count);
}

static void test_limits(struct holt *h)
{
	size_t big = HOLT_VAL_MAX_LEN + 1;
	char *buf = malloc(big);
	void *val = NULL;
	size_t vlen = 0;
	int err;

	memset(buf, 'v', big);
	err = holt_put(h, "/t/big", 6, buf, HOLT_VAL_MAX_LEN, 0, 0, NULL);
	CHECK(!err, "put a longest value: %d (%s)", err, holt_errmsg(h));
	err = holt_get(h, "/t/big", 6, &val, &vlen, NULL);
	CHECK(!err && vlen == HOLT_VAL_MAX_LEN && !memcmp(val, buf, vlen),
	      "get a longest value: %d %zu", err, vlen);
	free(val);
	err = holt_put(h, "/t/big2", 7, buf, big, 0, 0, NULL);
	CHECK(err == -E2BIG && holt_errmsg(h)[0],
	      "put an oversized value: %d", err);
	memset(buf, 'k', big);
	buf[0] = '/';
	err = holt_put(h, buf, HOLT_KEY_MAX_LEN, "v", 1, 0, 0, NULL);
	CHECK(!err, "put a longest key: %d (%s)", err, holt_errmsg(h));
	err = holt_put(h, buf, HOLT_KEY_MAX_LEN + 1, "v", 1, 0, 0, NULL);
	CHECK(err == -E2BIG && holt_errmsg(h)[0],
	      "put an oversized key: %d", err);
	err = holt_put(h, buf, 70000, "v", 1, 0, 0, NULL);
	CHECK(err == -E2BIG, "put a key beyond an attribute: %d", err);
	err = holt_del(h, buf, HOLT_KEY_MAX_LEN, 0, 0);
	CHECK(!err, "del the longest key: %d", err);
	err = holt_del(h, "/t/big", 6, 0, 0);
	CHECK(!err, "del the longest value: %d", err);
	free(buf);
}

static void test_scan(struct holt *h)
{
	struct holt_scan_opts o = { .prefix = "/t/scan/", .prefix_len = 8 };
	struct holt_loader *l = holt_loader_new(h, 8192, 100);
	struct collect c = { 0 };
	struct holt_scan *s;
	struct holt_entry e;
	char key[32], val[600];
	unsigned int i;
	int err;

	memset(val, 'x', sizeof(val));
	for (i = 0, err = 0; i < NKEYS && !err; i++) {
		key_of(key, sizeof(key), i);
		err = holt_loader_put(l, key, strlen(key), val,
				      i % sizeof(val));
	}
	if (!err)
		err = holt_loader_flush(l);
	CHECK(!err && holt_loader_done(l) == NKEYS,
	      "loader: %d done %" PRIu64, err, holt_loader_done(l));
	holt_loader_free(l);

	/* Many messages: ~900 KB of values. */
	err = holt_scan(h, &o, collect_fn, &c);
	CHECK(!err && c.n == NKEYS && !c.bad_order,
	      "scan with values: %d n %u disorder %u", err, c.n, c.bad_order);
	{
		size_t want = 0;

		for (i = 0; i < NKEYS; i++)
			want += i % sizeof(val);
		CHECK(c.value_bytes == want, "scan value bytes %zu != %zu",
		      c.value_bytes, want);
	}
	/* A callback that stops early; the handle still works. */
	memset(&c, 0, sizeof(c));
	c.stop_at = 10;
	o.keys_only = 1;
	err = holt_scan(h, &o, collect_fn, &c);
	CHECK(err == 7 && c.n == 10, "scan stopped early: %d n %u", err,
	      c.n);
	err = holt_noop(h);
	CHECK(!err, "noop after an abandoned dump: %d", err);
	/* The iterator: busy handle, early close, then normal use. */
	err = holt_scan_open(h, &o, &s);
	CHECK(!err, "scan_open: %d", err);
	if (!err) {
		err = holt_scan_next(s, &e);
		CHECK(err == 1 && e.key_len == 13 &&
		      !memcmp(e.key, "/t/scan/00000", 13) && !e.value,
		      "first entry: %d", err);
		err = holt_noop(h);
		CHECK(err == -EBUSY, "noop while iterating: %d", err);
		holt_scan_close(s);
	}
	err = holt_get(h, "/t/scan/00002", 13, NULL, NULL, NULL);
	CHECK(!err, "get after an early close: %d", err);
	/* start-after, limit, delimiter. */
	memset(&c, 0, sizeof(c));
	o.start_after = "/t/scan/02990";
	o.start_after_len = 13;
	err = holt_scan(h, &o, collect_fn, &c);
	CHECK(!err && c.n == 9, "start-after: %d n %u", err, c.n);
	memset(&c, 0, sizeof(c));
	o.start_after = NULL;
	o.start_after_len = 0;
	o.limit = 1234;
	err = holt_scan(h, &o, collect_fn, &c);
	CHECK(!err && c.n == 1234, "limit: %d n %u", err, c.n);
	{
		struct holt_scan_opts d = {
			.prefix = "/t/", .prefix_len = 3,
			.use_delimiter = 1, .delimiter = '/',
		};

		err = holt_scan_open(h, &d, &s);
		CHECK(!err, "scan_open delimiter: %d", err);
		if (!err) {
			err = holt_scan_next(s, &e);
			CHECK(err == 1 && e.is_prefix && e.key_len == 8 &&
			      !memcmp(e.key, "/t/scan/", 8),
			      "common prefix: %d", err);
			err = holt_scan_next(s, &e);
			CHECK(err == 0, "one common prefix only: %d", err);
			holt_scan_close(s);
		}
	}
}

static void test_batch(struct holt *h)
{
	struct holt_batch *b = holt_batch_new();
	uint64_t count = 0;
	long idx = -5;
	char key[32];
	unsigned int i;
	int err;

	holt_batch_put(b, "/t/b/1", 6, "a", 1);
	holt_batch_put_if_absent(b, "/t/b/2", 6, "b", 1);
	holt_batch_assert_empty(b, "/t/none/", 8);
	holt_batch_rename(b, "/t/b/1", 6, "/t/b/3", 6, 0);
	err = holt_batch_commit(h, b, &idx);
	CHECK(!err && idx == -1, "batch: %d idx %ld", err, idx);
	holt_batch_reset(b);
	holt_batch_put(b, "/t/b/4", 6, "c", 1);
	holt_batch_del(b, "/t/b/9", 6);
	holt_batch_put(b, "/t/b/5", 6, "c", 1);
	err = holt_batch_commit(h, b, &idx);
	CHECK(err == -ENOENT && idx == 1 && holt_errmsg(h)[0],
	      "failing batch: %d idx %ld '%s'", err, idx, holt_errmsg(h));
	err = holt_get(h, "/t/b/4", 6, NULL, NULL, NULL);
	CHECK(err == -ENOENT, "failed batch applied nothing: %d", err);
	/* A batch bigger than one nest: HOLT_A_OP at the top level. */
	holt_batch_reset(b);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "/t/big/%05u", i);
		holt_batch_put(b, key, strlen(key), "0123456789", 10);
	}
	CHECK(holt_batch_bytes(b) > 65535, "big batch bytes %zu",
	      holt_batch_bytes(b));
	err = holt_batch_commit(h, b, &idx);
	CHECK(!err, "big batch: %d (%s)", err, holt_errmsg(h));
	err = holt_count(h, "/t/big/", 7, 0, &count);
	CHECK(!err && count == 5000, "big batch count %" PRIu64, count);
	holt_batch_assert_version(b, "/t/big/00000", 12, 0);
	err = holt_batch_commit(h, b, &idx);
	CHECK(err == -ECANCELED && idx == 5000,
	      "big batch failing last: %d idx %ld", err, idx);
	holt_batch_free(b);
}

static void test_loader_failure(struct holt *h)
{
	struct holt_loader *l = holt_loader_new(h, 4096, 50);
	static char key[5000];
	unsigned int i;
	int err = 0;

	for (i = 0; i < 500 && !err; i++) {
		snprintf(key, sizeof(key), "/t/lf/%04u", i);
		/* Put 321 carries an oversized key: its message fails. */
		err = holt_loader_put(l, key, i == 321 ? 5000 : strlen(key),
				      "v", 1);
	}
	if (!err)
		err = holt_loader_flush(l);
	CHECK(err == -E2BIG, "loader failure: %d", err);
	CHECK(holt_loader_failed(l) == 321, "loader failed index %lld",
	      holt_loader_failed(l));
	CHECK(holt_loader_done(l) <= 321 && holt_loader_done(l) >= 250,
	      "loader done %" PRIu64, holt_loader_done(l));
	holt_loader_free(l);
}

static void test_admin(struct holt *h, const char *store)
{
	struct holt_store_info *si = NULL;
	struct holt_tree_info *ti = NULL;
	struct holt_stats st;
	size_t n = 0, i;
	int err, found = 0;

	err = holt_store_list(h, &si, &n);
	for (i = 0; !err && i < n; i++)
		if (!strcmp(si[i].name, store))
			found = si[i].memory && si[i].mode == 0600;
	CHECK(!err && found, "store list: %d n %zu", err, n);
	free(si);
	err = holt_tree_create(h, store, "t2");
	CHECK(!err, "tree create: %d", err);
	err = holt_tree_create(h, store, "t2");
	CHECK(err == -EEXIST, "tree create twice: %d", err);
	err = holt_tree_list(h, store, &ti, &n);
	CHECK(!err && n == 2 && !strcmp(ti[0].name, "default") &&
	      !strcmp(ti[1].name, "t2"), "tree list: %d n %zu", err, n);
	free(ti);
	err = holt_tree_drop(h, store, "default");
	CHECK(err == -EINVAL, "drop default: %d", err);
	err = holt_tree_drop(h, store, "t2");
	CHECK(!err, "tree drop: %d", err);
	err = holt_stats(h, &st);
	CHECK(!err && st.keys > NKEYS && st.version, "stats: %d keys %" PRIu64,
	      err, st.keys);
	err = holt_store_set(h, store, 1000, 1000, 0640);
	CHECK(!err, "store set: %d", err);
	err = holt_compact(h, store, NULL);
	CHECK(!err, "compact: %d", err);
	err = holt_checkpoint(h, store);
	CHECK(!err, "checkpoint: %d", err);
	err = holt_tree_create(h, "no-such-store", "x");
	CHECK(err == -ENOENT && holt_errmsg(h)[0], "unknown store: %d", err);
}

int main(int argc, char **argv)
{
	const char *store = argc > 1 ? argv[1] : "libtest";
	struct holt_attach_opts o;
	struct holt *h = holt_open();
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!h) {
		printf("holt_open: %s\n0 passed, 1 failed\n", strerror(errno));
		return 1;
	}
	holt_attach_opts_init(&o);
	o.memory = 1;
	o.name = store;
	if (argc <= 1) {
		err = holt_store_attach(h, &o, NULL, 0);
		CHECK(!err, "attach: %d (%s)", err, holt_errmsg(h));
	}
	holt_select(h, store, NULL);
	printf("point\n");
	test_point(h);
	printf("limits\n");
	test_limits(h);
	printf("scan\n");
	test_scan(h);
	printf("batch\n");
	test_batch(h);
	printf("loader\n");
	test_loader_failure(h);
	printf("admin\n");
	test_admin(h, store);
	if (argc <= 1) {
		err = holt_store_detach(h, store);
		CHECK(!err, "detach: %d", err);
		err = holt_noop(h);
		CHECK(!err, "noop at the end: %d", err);
	}
	holt_close(h);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
