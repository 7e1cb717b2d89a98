// SPDX-License-Identifier: GPL-2.0
/*
 * store_test.c - KUnit suite holt_store: the module's store layer without
 * netlink.  Stores are attached and detached, trees created and dropped,
 * keys written and read through the store functions the netlink handlers
 * call, and the permission rule checked both as a pure function and with
 * real credentials.  Every expectation is a known answer.
 */
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../../kmod/store.h"

/*
 * Every store a case attaches is named from this list and detached by
 * holt_store_test_exit() whatever the outcome of the case.  A failed
 * assertion ends a case at once, so the references and the lock a case
 * holds are tracked in its context and released there too: a failure must
 * not leave a detach waiting forever.
 */
static const char * const holt_store_test_names[] = {
	"kunit-a", "kunit-b", "kunit-c",
};

struct holt_store_test_ctx {
	struct holt_store *held[8];
	struct holt_store *locked;
	bool write;
};

static int holt_store_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct holt_store_test_ctx),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void holt_store_test_hold(struct kunit *test, struct holt_store *s)
{
	struct holt_store_test_ctx *ctx = test->priv;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ctx->held); i++) {
		if (!ctx->held[i]) {
			ctx->held[i] = s;
			return;
		}
	}
	KUNIT_FAIL(test, "too many store references held");
}

/* Drop a reference taken by holt_store_test_attach(). */
static void holt_store_test_put(struct kunit *test, struct holt_store *s)
{
	struct holt_store_test_ctx *ctx = test->priv;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ctx->held); i++) {
		if (ctx->held[i] == s) {
			ctx->held[i] = NULL;
			holt_store_put(s);
			return;
		}
	}
	KUNIT_FAIL(test, "store reference not held");
}

static void holt_store_test_lock(struct kunit *test, struct holt_store *s,
				 bool write)
{
	struct holt_store_test_ctx *ctx = test->priv;

	if (write)
		holt_store_write_lock(s);
	else
		holt_store_read_lock(s);
	ctx->locked = s;
	ctx->write = write;
}

static void holt_store_test_unlock(struct kunit *test)
{
	struct holt_store_test_ctx *ctx = test->priv;

	if (!ctx->locked)
		return;
	if (ctx->write)
		holt_store_write_unlock(ctx->locked);
	else
		holt_store_read_unlock(ctx->locked);
	ctx->locked = NULL;
}

static struct holt_store *holt_store_test_attach(struct kunit *test,
						 const char *name)
{
	struct holt_store_attach_args args = {
		.name = name,
		.uid = GLOBAL_ROOT_UID,
		.gid = GLOBAL_ROOT_GID,
		.mode = 0600,
	};
	struct holt_store *s = NULL;

	KUNIT_ASSERT_EQ(test, holt_store_attach(&args, &s), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	holt_store_test_hold(test, s);
	return s;
}

static void holt_store_test_exit(struct kunit *test)
{
	struct holt_store_test_ctx *ctx = test->priv;
	size_t i;

	holt_store_test_unlock(test);
	for (i = 0; i < ARRAY_SIZE(ctx->held); i++) {
		if (ctx->held[i])
			holt_store_put(ctx->held[i]);
		ctx->held[i] = NULL;
	}
	for (i = 0; i < ARRAY_SIZE(holt_store_test_names); i++)
		holt_store_detach(holt_store_test_names[i]);
}

/* Names */

struct holt_store_name_case {
	const char *name;
	bool valid;
};

static const struct holt_store_name_case holt_store_name_cases[] = {
	{ "default", true },
	{ "a", true },
	{ "with space", true },
	{ "x-1_2.3~", true },
	{ "", false },
	{ "a/b", false },
	{ "/", false },
	{ "tab\there", false },
	{ "nl\n", false },
	{ "\x7f", false },
	{ "\xc3\xa9t\xc3\xa9", false },
	/* 63 characters: the longest name */
	{ "123456789012345678901234567890123456789012345678901234567890123",
	  true },
	/* 64 characters: one too many */
	{ "1234567890123456789012345678901234567890123456789012345678901234",
	  false },
};

static void holt_store_name_desc(const struct holt_store_name_case *c,
				 char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%zu bytes, %s",
		 strlen(c->name), c->valid ? "valid" : "invalid");
}

KUNIT_ARRAY_PARAM(holt_store_name, holt_store_name_cases,
		  holt_store_name_desc);

static void holt_store_name_validation(struct kunit *test)
{
	const struct holt_store_name_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, holt_store_name_valid(c->name), c->valid);
}

/* Attach, lookup, detach */

static void holt_store_attach_detach(struct kunit *test)
{
	struct holt_store_attach_args args = {
		.name = "kunit-a",
		.uid = GLOBAL_ROOT_UID,
		.gid = GLOBAL_ROOT_GID,
		.mode = 0600,
	};
	struct holt_store *s, *found;

	s = holt_store_test_attach(test, "kunit-a");
	KUNIT_EXPECT_STREQ(test, s->name, "kunit-a");
	KUNIT_EXPECT_EQ(test, s->nr_trees, 1u);
	KUNIT_EXPECT_EQ(test, s->mode, (umode_t)0600);
	KUNIT_EXPECT_PTR_EQ(test, s->backend, &holt_store_memory_backend);

	/* The same name twice is refused. */
	KUNIT_EXPECT_EQ(test, holt_store_attach(&args, NULL), -EEXIST);

	found = holt_store_get("kunit-a");
	KUNIT_EXPECT_PTR_EQ(test, found, s);
	if (!IS_ERR(found))
		holt_store_put(found);
	holt_store_test_put(test, s);

	KUNIT_EXPECT_EQ(test, holt_store_detach("kunit-a"), 0);
	KUNIT_EXPECT_PTR_EQ(test, holt_store_get("kunit-a"),
			    ERR_PTR(-ENOENT));
	KUNIT_EXPECT_EQ(test, holt_store_detach("kunit-a"), -ENOENT);

	/* Detached, the name is free again. */
	KUNIT_EXPECT_EQ(test, holt_store_attach(&args, NULL), 0);
	KUNIT_EXPECT_EQ(test, holt_store_detach("kunit-a"), 0);
}

static void holt_store_attach_refusals(struct kunit *test)
{
	struct holt_store_attach_args args = {
		.name = "kunit-a",
		.uid = GLOBAL_ROOT_UID,
		.gid = GLOBAL_ROOT_GID,
		.mode = 0600,
	};

	/* A device that does not exist is refused (the errno is the open's). */
	args.device = "/dev/holt-kunit-no-such-device";
	KUNIT_EXPECT_LT(test, holt_store_attach(&args, NULL), 0);
	args.device = NULL;
	args.mode = 01777;
	KUNIT_EXPECT_EQ(test, holt_store_attach(&args, NULL), -EINVAL);
	args.mode = 0600;
	args.durability = __HOLT_DURABILITY_MAX;
	KUNIT_EXPECT_EQ(test, holt_store_attach(&args, NULL), -EINVAL);
	args.durability = HOLT_DURABILITY_ASYNC;
	args.name = "bad/name";
	KUNIT_EXPECT_EQ(test, holt_store_attach(&args, NULL), -EINVAL);
	/* Nothing was left attached by the refusals. */
	KUNIT_EXPECT_PTR_EQ(test, holt_store_get("kunit-a"),
			    ERR_PTR(-ENOENT));
}

static void holt_store_attach_limit(struct kunit *test)
{
	unsigned int saved = holt_store_limits.max_stores;
	struct holt_store_attach_args args = {
		.name = "kunit-c",
		.uid = GLOBAL_ROOT_UID,
		.gid = GLOBAL_ROOT_GID,
		.mode = 0600,
	};
	struct holt_store *s, *next;
	unsigned int n = 0;

	holt_store_test_put(test, holt_store_test_attach(test, "kunit-a"));
	holt_store_test_put(test, holt_store_test_attach(test, "kunit-b"));
	/* Count what is attached now (normally just the two above). */
	for (s = holt_store_next(NULL); s; s = next) {
		next = holt_store_next(s->name);
		holt_store_put(s);
		n++;
	}
	KUNIT_ASSERT_GE(test, n, 2u);
	holt_store_limits.max_stores = n;
	KUNIT_EXPECT_EQ(test, holt_store_attach(&args, NULL), -ENOSPC);
	holt_store_limits.max_stores = n + 1;
	KUNIT_EXPECT_EQ(test, holt_store_attach(&args, NULL), 0);
	holt_store_limits.max_stores = saved;
}

static void holt_store_lookup_only_store(struct kunit *test)
{
	struct holt_store *a, *b, *found;

	/* Only meaningful when no other store is attached. */
	found = holt_store_get(NULL);
	if (!IS_ERR(found)) {
		holt_store_put(found);
		kunit_skip(test, "another store is attached");
	}
	KUNIT_EXPECT_PTR_EQ(test, found, ERR_PTR(-ENOENT));

	a = holt_store_test_attach(test, "kunit-a");
	found = holt_store_get(NULL);
	KUNIT_EXPECT_PTR_EQ(test, found, a);
	if (!IS_ERR(found))
		holt_store_put(found);

	b = holt_store_test_attach(test, "kunit-b");
	KUNIT_EXPECT_PTR_EQ(test, holt_store_get(NULL), ERR_PTR(-EINVAL));
	holt_store_test_put(test, a);
	holt_store_test_put(test, b);
}

static void holt_store_list_order(struct kunit *test)
{
	struct holt_store *s;

	/* Attached out of order, listed in name order. */
	holt_store_test_put(test, holt_store_test_attach(test, "kunit-c"));
	holt_store_test_put(test, holt_store_test_attach(test, "kunit-a"));
	holt_store_test_put(test, holt_store_test_attach(test, "kunit-b"));

	s = holt_store_next("kunit-");
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_STREQ(test, s->name, "kunit-a");
	holt_store_put(s);
	s = holt_store_next("kunit-a");
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_STREQ(test, s->name, "kunit-b");
	holt_store_put(s);
	s = holt_store_next("kunit-b");
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_STREQ(test, s->name, "kunit-c");
	holt_store_put(s);
}

struct holt_store_test_detach {
	struct completion done;
	int ret;
};

/* Static: the detaching thread may outlive a failed case's memory. */
static struct holt_store_test_detach holt_store_test_detach_state;

static int holt_store_test_detach_fn(void *arg)
{
	struct holt_store_test_detach *d = arg;

	d->ret = holt_store_detach("kunit-a");
	complete(&d->done);
	return 0;
}

/* Detach waits for the requests holding the store, never frees under them. */
static void holt_store_detach_waits_for_users(struct kunit *test)
{
	struct holt_store_test_detach *d = &holt_store_test_detach_state;
	struct task_struct *task;
	struct holt_store *s;

	init_completion(&d->done);
	s = holt_store_test_attach(test, "kunit-a");	/* our reference */

	task = kthread_run(holt_store_test_detach_fn, d, "holt-kunit-detach");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	/* The store disappears from lookups at once ... */
	msleep(50);
	KUNIT_EXPECT_PTR_EQ(test, holt_store_get("kunit-a"),
			    ERR_PTR(-ENOENT));
	/* ... but is not freed while we hold it: use it. */
	KUNIT_EXPECT_FALSE(test, completion_done(&d->done));
	holt_store_test_lock(test, s, false);
	KUNIT_EXPECT_NOT_NULL(test, holt_store_tree_find(s, NULL));
	holt_store_test_unlock(test);
	KUNIT_EXPECT_FALSE(test, completion_done(&d->done));

	holt_store_test_put(test, s);
	KUNIT_EXPECT_NE(test,
			wait_for_completion_timeout(&d->done, 10 * HZ), 0ul);
	KUNIT_EXPECT_EQ(test, d->ret, 0);
}

/* Trees */

static void holt_store_trees(struct kunit *test)
{
	unsigned int saved = holt_store_limits.max_trees;
	static const char * const want[] = { "alpha", "default", "zeta" };
	struct holt_store_tree *st;
	struct holt_store *s;
	size_t i = 0;

	s = holt_store_test_attach(test, "kunit-a");
	KUNIT_EXPECT_EQ(test, holt_store_tree_create(s, "zeta"), 0);
	KUNIT_EXPECT_EQ(test, holt_store_tree_create(s, "alpha"), 0);
	KUNIT_EXPECT_EQ(test, holt_store_tree_create(s, "alpha"), -EEXIST);
	KUNIT_EXPECT_EQ(test, holt_store_tree_create(s, "default"), -EEXIST);
	KUNIT_EXPECT_EQ(test, holt_store_tree_create(s, "a/b"), -EINVAL);
	KUNIT_EXPECT_EQ(test, holt_store_tree_create(s, ""), -EINVAL);
	KUNIT_EXPECT_EQ(test, s->nr_trees, 3u);

	holt_store_test_lock(test, s, false);
	for (st = holt_store_tree_next(s, NULL); st;
	     st = holt_store_tree_next(s, st->name)) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(want));
		KUNIT_EXPECT_STREQ(test, st->name, want[i]);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(want));
	KUNIT_EXPECT_NULL(test, holt_store_tree_find(s, "nope"));
	st = holt_store_tree_find(s, NULL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_EXPECT_STREQ(test, st->name, "default");
	holt_store_test_unlock(test);

	holt_store_limits.max_trees = 3;
	KUNIT_EXPECT_EQ(test, holt_store_tree_create(s, "more"), -ENOSPC);
	holt_store_limits.max_trees = saved;

	KUNIT_EXPECT_EQ(test, holt_store_tree_drop(s, "default"), -EINVAL);
	KUNIT_EXPECT_EQ(test, holt_store_tree_drop(s, "nope"), -ENOENT);
	KUNIT_EXPECT_EQ(test, holt_store_tree_drop(s, "alpha"), 0);
	KUNIT_EXPECT_EQ(test, holt_store_tree_drop(s, "alpha"), -ENOENT);
	KUNIT_EXPECT_EQ(test, s->nr_trees, 2u);

	/* A tree recreated under an old name is a new tree (new id). */
	holt_store_test_lock(test, s, false);
	st = holt_store_tree_find(s, "zeta");
	KUNIT_ASSERT_NOT_NULL(test, st);
	i = st->id;
	holt_store_test_unlock(test);
	KUNIT_EXPECT_EQ(test, holt_store_tree_drop(s, "zeta"), 0);
	KUNIT_EXPECT_EQ(test, holt_store_tree_create(s, "zeta"), 0);
	holt_store_test_lock(test, s, false);
	st = holt_store_tree_find(s, "zeta");
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_EXPECT_NE(test, st->id, (u64)i);
	holt_store_test_unlock(test);
	holt_store_test_put(test, s);
}

/* Operations through the store layer */

static const u8 *k(const char *s)
{
	return (const u8 *)s;
}

static void holt_store_point_ops(struct kunit *test)
{
	struct holt_store_tree *st;
	struct holt_store *s;
	struct holt_ref ref;
	u64 v1, v2, v3, n;

	s = holt_store_test_attach(test, "kunit-a");
	holt_store_test_lock(test, s, true);
	st = holt_store_tree_find(s, NULL);
	KUNIT_ASSERT_NOT_NULL(test, st);

	KUNIT_EXPECT_EQ(test, holt_store_get_key(st, k("a/1"), 3, &ref),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, holt_store_put_key(s, st, k("a/1"), 3, k("one"),
						 3, 0, 0, &v1), 0);
	KUNIT_EXPECT_NE(test, v1, 0ull);
	KUNIT_EXPECT_EQ(test, holt_store_get_key(st, k("a/1"), 3, &ref), 0);
	KUNIT_EXPECT_EQ(test, ref.vlen, 3u);
	KUNIT_EXPECT_EQ(test, memcmp(ref.val, "one", 3), 0);
	KUNIT_EXPECT_EQ(test, ref.version, v1);

	/* Guards */
	KUNIT_EXPECT_EQ(test, holt_store_put_key(s, st, k("a/1"), 3, k("x"), 1,
						 HOLT_PUT_IF_ABSENT, 0, &v2),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, holt_store_put_key(s, st, k("a/1"), 3, k("x"), 1,
						 HOLT_PUT_IF_VERSION, v1 + 100,
						 &v2), -ECANCELED);
	KUNIT_EXPECT_EQ(test, holt_store_put_key(s, st, k("a/1"), 3, k("two"),
						 3, HOLT_PUT_IF_VERSION, v1,
						 &v2), 0);
	KUNIT_EXPECT_GT(test, v2, v1);
	KUNIT_EXPECT_EQ(test, holt_store_del_key(s, st, k("a/1"), 3,
						 HOLT_DEL_IF_VERSION, v1),
			-ECANCELED);

	/* Rename, count, longest prefix */
	KUNIT_EXPECT_EQ(test, holt_store_put_key(s, st, k("a"), 1, k("root"),
						 4, 0, 0, &v3), 0);
	KUNIT_EXPECT_EQ(test, holt_store_rename_key(s, st, k("a/1"), 3,
						    k("a/2"), 3, false, &v3),
			0);
	KUNIT_EXPECT_EQ(test, holt_store_get_key(st, k("a/1"), 3, &ref),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, holt_store_get_key(st, k("a/2"), 3, &ref), 0);
	KUNIT_EXPECT_EQ(test, memcmp(ref.val, "two", 3), 0);
	KUNIT_EXPECT_EQ(test, holt_store_rename_key(s, st, k("a/2"), 3,
						    k("a"), 1, false, &v3),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, holt_store_count(st, k("a"), 1, 0, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 2ull);
	KUNIT_EXPECT_EQ(test, holt_store_count(st, k("a/"), 2, 0, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 1ull);
	KUNIT_EXPECT_EQ(test, holt_store_longest_prefix(st, k("a/2/deeper"),
							10, &ref), 0);
	KUNIT_EXPECT_EQ(test, ref.klen, 3u);
	KUNIT_EXPECT_EQ(test, memcmp(ref.key, "a/2", 3), 0);
	KUNIT_EXPECT_EQ(test, holt_store_longest_prefix(st, k("b"), 1, &ref),
			-ENOENT);

	KUNIT_EXPECT_EQ(test, holt_store_del_key(s, st, k("a/2"), 3, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, holt_store_del_key(s, st, k("a/2"), 3, 0, 0),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, atomic64_read(&st->dels), 1ll);
	holt_store_test_unlock(test);
	holt_store_test_put(test, s);
}

/* Versions come from the store: every tree draws from one counter. */
static void holt_store_versions_shared(struct kunit *test)
{
	struct holt_store_tree *t1, *t2;
	struct holt_store *s;
	u64 v1, v2, v3;

	s = holt_store_test_attach(test, "kunit-a");
	KUNIT_ASSERT_EQ(test, holt_store_tree_create(s, "other"), 0);
	holt_store_test_lock(test, s, true);
	t1 = holt_store_tree_find(s, NULL);
	t2 = holt_store_tree_find(s, "other");
	KUNIT_ASSERT_NOT_NULL(test, t1);
	KUNIT_ASSERT_NOT_NULL(test, t2);
	KUNIT_EXPECT_EQ(test, holt_store_put_key(s, t1, k("k"), 1, k("1"), 1,
						 0, 0, &v1), 0);
	KUNIT_EXPECT_EQ(test, holt_store_put_key(s, t2, k("k"), 1, k("2"), 1,
						 0, 0, &v2), 0);
	KUNIT_EXPECT_EQ(test, holt_store_put_key(s, t1, k("k"), 1, k("3"), 1,
						 0, 0, &v3), 0);
	KUNIT_EXPECT_GT(test, v2, v1);
	KUNIT_EXPECT_GT(test, v3, v2);
	KUNIT_EXPECT_EQ(test, s->seq, v3);
	holt_store_test_unlock(test);
	holt_store_test_put(test, s);
}

struct holt_store_test_scan {
	char items[8][8];
	bool prefix[8];
	int n;
};

static int holt_store_test_scan_fn(void *ctx, const struct holt_scan_item *it)
{
	struct holt_store_test_scan *sc = ctx;

	if (sc->n >= 8 || it->klen >= 8)
		return -E2BIG;
	memcpy(sc->items[sc->n], it->key, it->klen);
	sc->items[sc->n][it->klen] = '\0';
	sc->prefix[sc->n] = it->is_prefix;
	sc->n++;
	return 0;
}

static void holt_store_scan_resume(struct kunit *test)
{
	static const char * const keys[] = { "d/a", "d/b/1", "d/b/2", "d/c",
					     "e" };
	struct holt_scan_args args = { .delimiter = -1 };
	struct holt_store_test_scan *sc;
	struct holt_store_tree *st;
	struct holt_store *s;
	size_t i;
	u64 v;

	sc = kunit_kzalloc(test, sizeof(*sc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sc);
	s = holt_store_test_attach(test, "kunit-a");
	holt_store_test_lock(test, s, true);
	st = holt_store_tree_find(s, NULL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		KUNIT_ASSERT_EQ(test, holt_store_put_key(s, st, k(keys[i]),
							 strlen(keys[i]),
							 k("v"), 1, 0, 0, &v),
				0);
	holt_store_test_unlock(test);

	holt_store_test_lock(test, s, false);
	/* "d/" with delimiter '/': d/a, d/b/ (a common prefix), d/c */
	args.prefix = k("d/");
	args.plen = 2;
	args.delimiter = '/';
	KUNIT_EXPECT_EQ(test, holt_store_scan(st, &args,
					      holt_store_test_scan_fn, sc), 0);
	KUNIT_ASSERT_EQ(test, sc->n, 3);
	KUNIT_EXPECT_STREQ(test, sc->items[0], "d/a");
	KUNIT_EXPECT_STREQ(test, sc->items[1], "d/b/");
	KUNIT_EXPECT_TRUE(test, sc->prefix[1]);
	KUNIT_EXPECT_STREQ(test, sc->items[2], "d/c");

	/* Resuming after the common prefix skips everything under it. */
	memset(sc, 0, sizeof(*sc));
	args.start_after = k("d/b/");
	args.salen = 4;
	KUNIT_EXPECT_EQ(test, holt_store_scan(st, &args,
					      holt_store_test_scan_fn, sc), 0);
	KUNIT_ASSERT_EQ(test, sc->n, 1);
	KUNIT_EXPECT_STREQ(test, sc->items[0], "d/c");

	/* A limit, then the rest from the last key returned. */
	memset(sc, 0, sizeof(*sc));
	memset(&args, 0, sizeof(args));
	args.delimiter = -1;
	args.limit = 2;
	KUNIT_EXPECT_EQ(test, holt_store_scan(st, &args,
					      holt_store_test_scan_fn, sc), 0);
	KUNIT_ASSERT_EQ(test, sc->n, 2);
	KUNIT_EXPECT_STREQ(test, sc->items[1], "d/b/1");
	args.start_after = k("d/b/1");
	args.salen = 5;
	args.limit = 0;
	memset(sc, 0, sizeof(*sc));
	KUNIT_EXPECT_EQ(test, holt_store_scan(st, &args,
					      holt_store_test_scan_fn, sc), 0);
	KUNIT_ASSERT_EQ(test, sc->n, 3);
	KUNIT_EXPECT_STREQ(test, sc->items[0], "d/b/2");
	KUNIT_EXPECT_STREQ(test, sc->items[2], "e");
	holt_store_test_unlock(test);
	holt_store_test_put(test, s);
}

static void holt_store_batch_atomic(struct kunit *test)
{
	struct holt_batch_op ops[3] = {
		{ .op = HOLT_BOP_PUT, .key = k("b/1"), .klen = 3,
		  .val = k("x"), .vlen = 1 },
		{ .op = HOLT_BOP_PUT, .key = k("b/2"), .klen = 3,
		  .val = k("y"), .vlen = 1 },
		/* fails: "c/x" exists */
		{ .op = HOLT_BOP_ASSERT_EMPTY, .key = k("c/"), .klen = 2 },
	};
	struct holt_store_tree *st;
	struct holt_store *s;
	struct holt_ref ref;
	u32 failed = 99;
	u64 v;

	s = holt_store_test_attach(test, "kunit-a");
	holt_store_test_lock(test, s, true);
	st = holt_store_tree_find(s, NULL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_EQ(test, holt_store_put_key(s, st, k("c/x"), 3, k("z"), 1,
						 0, 0, &v), 0);

	KUNIT_EXPECT_EQ(test, holt_store_batch(s, st, ops, 3, &failed),
			-ENOTEMPTY);
	KUNIT_EXPECT_EQ(test, failed, 2u);
	/* All or nothing: the first two were not applied. */
	KUNIT_EXPECT_EQ(test, holt_store_get_key(st, k("b/1"), 3, &ref),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, holt_store_get_key(st, k("b/2"), 3, &ref),
			-ENOENT);

	ops[2].key = k("d/");
	KUNIT_EXPECT_EQ(test, holt_store_batch(s, st, ops, 3, &failed), 0);
	KUNIT_EXPECT_EQ(test, holt_store_get_key(st, k("b/1"), 3, &ref), 0);
	KUNIT_EXPECT_EQ(test, holt_store_get_key(st, k("b/2"), 3, &ref), 0);
	KUNIT_EXPECT_EQ(test, memcmp(ref.val, "y", 1), 0);
	holt_store_test_unlock(test);
	holt_store_test_put(test, s);
}

/* Enough keys to fill several frames with a small data budget. */
static void holt_store_many_keys(struct kunit *test)
{
	unsigned int saved = holt_store_limits.data_budget;
	struct holt_store_tree *st;
	struct holt_store *s;
	struct holt_ref ref;
	char key[32], val[32];
	u64 v, n;
	int i;

	holt_store_limits.data_budget = 64 * 1024;
	s = holt_store_test_attach(test, "kunit-a");
	holt_store_limits.data_budget = saved;
	holt_store_test_lock(test, s, true);
	st = holt_store_tree_find(s, NULL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	for (i = 0; i < 20000; i++) {
		int kl = snprintf(key, sizeof(key), "dir-%03d/file-%05d",
				  i % 97, i);
		int vl = snprintf(val, sizeof(val), "value-%d", i);

		KUNIT_ASSERT_EQ(test, holt_store_put_key(s, st, k(key), kl,
							 k(val), vl, 0, 0, &v),
				0);
	}
	KUNIT_EXPECT_EQ(test, holt_store_count(st, NULL, 0, 0, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 20000ull);
	KUNIT_EXPECT_EQ(test, holt_store_count(st, k("dir-005/"), 8, 0, &n),
			0);
	/* i % 97 == 5 for i = 5, 102, ... below 20000 */
	KUNIT_EXPECT_EQ(test, n, (u64)((20000 - 5 + 96) / 97));
	for (i = 0; i < 20000; i += 997) {
		int kl = snprintf(key, sizeof(key), "dir-%03d/file-%05d",
				  i % 97, i);
		int vl = snprintf(val, sizeof(val), "value-%d", i);

		KUNIT_ASSERT_EQ(test, holt_store_get_key(st, k(key), kl, &ref),
				0);
		KUNIT_EXPECT_EQ(test, ref.vlen, (u32)vl);
		KUNIT_EXPECT_EQ(test, memcmp(ref.val, val, vl), 0);
	}
	KUNIT_EXPECT_EQ(test, holt_store_compact(s, NULL), 0);
	KUNIT_EXPECT_EQ(test, holt_store_count(st, NULL, 0, 0, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 20000ull);
	holt_store_test_unlock(test);
	holt_store_test_put(test, s);
	/* Detaching (in exit) frees every frame; KASAN/kmemleak watch it. */
}

/*
 * The backend seam: a store asks its backend before every mutation
 * (prepare) and tells it after (commit).  A test backend that refuses
 * shows that nothing is applied, and that a batch refused as a whole names
 * no operation (failed == nr).
 */
static struct {
	int prepare_err;
	int commit_err;
	int commits;
	u8 last_kind;
	u64 last_version;
} holt_store_test_backend_state;

static int holt_store_test_prepare(struct holt_store *s,
				   const struct holt_store_change *c)
{
	return holt_store_test_backend_state.prepare_err;
}

static int holt_store_test_commit(struct holt_store *s,
				  const struct holt_store_change *c)
{
	holt_store_test_backend_state.commits++;
	holt_store_test_backend_state.last_kind = c->kind;
	holt_store_test_backend_state.last_version = c->version;
	return holt_store_test_backend_state.commit_err;
}

static const struct holt_store_backend holt_store_test_backend = {
	.name = "kunit",
	.prepare = holt_store_test_prepare,
	.commit = holt_store_test_commit,
};

static void holt_store_backend_seam(struct kunit *test)
{
	struct holt_batch_op ops[2] = {
		{ .op = HOLT_BOP_PUT, .key = k("x/1"), .klen = 3,
		  .val = k("1"), .vlen = 1 },
		{ .op = HOLT_BOP_PUT, .key = k("x/2"), .klen = 3,
		  .val = k("2"), .vlen = 1 },
	};
	struct holt_store_tree *st;
	struct holt_store *s;
	struct holt_ref ref;
	u32 failed;
	u64 v, n;

	memset(&holt_store_test_backend_state, 0,
	       sizeof(holt_store_test_backend_state));
	s = holt_store_test_attach(test, "kunit-a");
	s->backend = &holt_store_test_backend;

	/* Refused before anything is applied. */
	holt_store_test_backend_state.prepare_err = -ENOSPC;
	KUNIT_EXPECT_EQ(test, holt_store_tree_create(s, "t"), -ENOSPC);
	holt_store_test_lock(test, s, true);
	KUNIT_EXPECT_NULL(test, holt_store_tree_find(s, "t"));
	st = holt_store_tree_find(s, NULL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_EXPECT_EQ(test, holt_store_put_key(s, st, k("a"), 1, k("1"), 1,
						 0, 0, &v), -ENOSPC);
	failed = 0;
	KUNIT_EXPECT_EQ(test, holt_store_batch(s, st, ops, 2, &failed),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, failed, 2u);
	KUNIT_EXPECT_EQ(test, holt_store_count(st, NULL, 0, 0, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 0ull);
	KUNIT_EXPECT_EQ(test, holt_store_test_backend_state.commits, 0);

	/* Accepted: every applied change is committed with its version. */
	holt_store_test_backend_state.prepare_err = 0;
	KUNIT_EXPECT_EQ(test, holt_store_put_key(s, st, k("a"), 1, k("1"), 1,
						 0, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, holt_store_test_backend_state.commits, 1);
	KUNIT_EXPECT_EQ(test, holt_store_test_backend_state.last_kind,
			(u8)HOLT_CHANGE_PUT);
	KUNIT_EXPECT_EQ(test, holt_store_test_backend_state.last_version, v);
	/* A failed guard changes nothing and commits nothing. */
	KUNIT_EXPECT_EQ(test, holt_store_put_key(s, st, k("a"), 1, k("2"), 1,
						 HOLT_PUT_IF_ABSENT, 0, &v),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, holt_store_test_backend_state.commits, 1);

	/* Applied but not logged: the batch as a whole failed. */
	holt_store_test_backend_state.commit_err = -EIO;
	failed = 0;
	KUNIT_EXPECT_EQ(test, holt_store_batch(s, st, ops, 2, &failed), -EIO);
	KUNIT_EXPECT_EQ(test, failed, 2u);
	KUNIT_EXPECT_EQ(test, holt_store_test_backend_state.last_kind,
			(u8)HOLT_CHANGE_BATCH);
	KUNIT_EXPECT_EQ(test, holt_store_get_key(st, k("x/2"), 3, &ref), 0);
	holt_store_test_unlock(test);

	s->backend = &holt_store_memory_backend;
	holt_store_test_put(test, s);
}

/* Permissions */

struct holt_store_perm_case {
	umode_t mode;
	bool owner;
	bool group;
	int mask;
	bool ok;
};

static const struct holt_store_perm_case holt_store_perm_cases[] = {
	{ 0600, true, false, HOLT_STORE_MAY_READ, true },
	{ 0600, true, false, HOLT_STORE_MAY_WRITE, true },
	{ 0600, false, true, HOLT_STORE_MAY_READ, false },
	{ 0600, false, false, HOLT_STORE_MAY_READ, false },
	{ 0640, false, true, HOLT_STORE_MAY_READ, true },
	{ 0640, false, true, HOLT_STORE_MAY_WRITE, false },
	{ 0604, false, false, HOLT_STORE_MAY_READ, true },
	{ 0604, false, false, HOLT_STORE_MAY_WRITE, false },
	{ 0666, false, false, HOLT_STORE_MAY_READ | HOLT_STORE_MAY_WRITE,
	  true },
	{ 0644, false, false, HOLT_STORE_MAY_READ | HOLT_STORE_MAY_WRITE,
	  false },
	/* As for a file: the owner gets the owner bits only. */
	{ 0066, true, true, HOLT_STORE_MAY_READ, false },
	{ 0006, false, true, HOLT_STORE_MAY_READ, false },
	{ 0400, true, false, HOLT_STORE_MAY_WRITE, false },
	{ 0200, true, false, HOLT_STORE_MAY_WRITE, true },
	{ 0000, true, false, HOLT_STORE_MAY_READ, false },
};

static void holt_store_perm_desc(const struct holt_store_perm_case *c,
				 char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "mode %04o %s %s%s: %s",
		 c->mode, c->owner ? "owner" : c->group ? "group" : "other",
		 c->mask & HOLT_STORE_MAY_READ ? "r" : "",
		 c->mask & HOLT_STORE_MAY_WRITE ? "w" : "",
		 c->ok ? "granted" : "denied");
}

KUNIT_ARRAY_PARAM(holt_store_perm, holt_store_perm_cases,
		  holt_store_perm_desc);

static void holt_store_mode_rule(struct kunit *test)
{
	const struct holt_store_perm_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, holt_store_mode_permits(c->mode, c->owner,
						      c->group, c->mask),
			c->ok);
}

/*
 * Switch to uid and gid @id, without capabilities but CAP_DAC_OVERRIDE if
 * asked; holt_store_test_unbecome() switches back.
 */
static const struct cred *holt_store_test_become(struct kunit *test, u32 id,
						 bool dac_override,
						 struct cred **newp)
{
	struct cred *new = prepare_creds();

	KUNIT_ASSERT_NOT_NULL(test, new);
	new->fsuid = KUIDT_INIT(id);
	new->euid = KUIDT_INIT(id);
	new->fsgid = KGIDT_INIT(id);
	new->egid = KGIDT_INIT(id);
	cap_clear(new->cap_effective);
	if (dac_override)
		cap_raise(new->cap_effective, CAP_DAC_OVERRIDE);
	*newp = new;
	return override_creds(new);
}

static void holt_store_test_unbecome(const struct cred *old, struct cred *new)
{
	revert_creds(old);
	put_cred(new);
}

static int holt_store_test_perm(struct holt_store *s, int mask)
{
	int err;

	holt_store_read_lock(s);
	err = holt_store_permission(s, mask);
	holt_store_read_unlock(s);
	return err;
}

static void holt_store_permission_creds(struct kunit *test)
{
	const struct cred *old;
	struct holt_store *s;
	struct cred *new;
	kuid_t uid = KUIDT_INIT(1000);
	kgid_t gid = KGIDT_INIT(2000);
	umode_t mode;

	s = holt_store_test_attach(test, "kunit-a");	/* root, 0600 */

	/* Root (the test's own credentials) may do anything. */
	KUNIT_EXPECT_EQ(test, holt_store_test_perm(s, HOLT_STORE_MAY_WRITE),
			0);

	/* A user without rights is denied ... */
	old = holt_store_test_become(test, 1000, false, &new);
	KUNIT_EXPECT_EQ(test, holt_store_test_perm(s, HOLT_STORE_MAY_READ),
			-EACCES);
	KUNIT_EXPECT_EQ(test, holt_store_test_perm(s, HOLT_STORE_MAY_WRITE),
			-EACCES);
	holt_store_test_unbecome(old, new);

	/* ... unless CAP_DAC_OVERRIDE bypasses the mode. */
	old = holt_store_test_become(test, 1000, true, &new);
	KUNIT_EXPECT_EQ(test, holt_store_test_perm(s, HOLT_STORE_MAY_WRITE),
			0);
	holt_store_test_unbecome(old, new);

	/* Made the owner, the user gets the owner bits. */
	holt_store_test_lock(test, s, true);
	holt_store_set_owner(s, &uid, NULL, NULL);
	holt_store_test_unlock(test);
	old = holt_store_test_become(test, 1000, false, &new);
	KUNIT_EXPECT_EQ(test, holt_store_test_perm(s, HOLT_STORE_MAY_WRITE),
			0);
	holt_store_test_unbecome(old, new);

	/* Group 2000 with mode 0640: a member of it reads, cannot write. */
	mode = 0640;
	holt_store_test_lock(test, s, true);
	holt_store_set_owner(s, NULL, &gid, &mode);
	holt_store_test_unlock(test);
	KUNIT_EXPECT_EQ(test, s->mode, (umode_t)0640);
	old = holt_store_test_become(test, 2000, false, &new);
	KUNIT_EXPECT_EQ(test, holt_store_test_perm(s, HOLT_STORE_MAY_READ), 0);
	KUNIT_EXPECT_EQ(test, holt_store_test_perm(s, HOLT_STORE_MAY_WRITE),
			-EACCES);
	holt_store_test_unbecome(old, new);
	/* Someone else gets the other bits: none. */
	old = holt_store_test_become(test, 3000, false, &new);
	KUNIT_EXPECT_EQ(test, holt_store_test_perm(s, HOLT_STORE_MAY_READ),
			-EACCES);
	holt_store_test_unbecome(old, new);
	holt_store_test_put(test, s);
}

static struct kunit_case holt_store_test_cases[] = {
	KUNIT_CASE_PARAM(holt_store_name_validation,
			 holt_store_name_gen_params),
	KUNIT_CASE(holt_store_attach_detach),
	KUNIT_CASE(holt_store_attach_refusals),
	KUNIT_CASE(holt_store_attach_limit),
	KUNIT_CASE(holt_store_lookup_only_store),
	KUNIT_CASE(holt_store_list_order),
	KUNIT_CASE(holt_store_detach_waits_for_users),
	KUNIT_CASE(holt_store_trees),
	KUNIT_CASE(holt_store_point_ops),
	KUNIT_CASE(holt_store_versions_shared),
	KUNIT_CASE(holt_store_scan_resume),
	KUNIT_CASE(holt_store_batch_atomic),
	KUNIT_CASE(holt_store_many_keys),
	KUNIT_CASE(holt_store_backend_seam),
	KUNIT_CASE_PARAM(holt_store_mode_rule, holt_store_perm_gen_params),
	KUNIT_CASE(holt_store_permission_creds),
	{}
};

static struct kunit_suite holt_store_test_suite = {
	.name = "holt_store",
	.init = holt_store_test_init,
	.exit = holt_store_test_exit,
	.test_cases = holt_store_test_cases,
};

kunit_test_suite(holt_store_test_suite);

MODULE_LICENSE("GPL");
