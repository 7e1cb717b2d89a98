// SPDX-License-Identifier: GPL-2.0
/*
 * tree_test.c - KUnit suite holt_tree: the portable engine (kmod/core/tree.h)
 * inside the kernel, under KASAN and lockdep.  Every case checks the engine's
 * answers against results worked out by hand or against a sorted array of
 * the keys it was given (the oracle), never only that a call returned 0.
 */
#include <kunit/test.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "tree.h"
#include "tree_load.h"
#include "tree_cache.h"
#include "frame.h"
#include "validate.h"

/* KUnit in 6.1 has no KUNIT_EXPECT_MEMEQ. */
#define HOLT_KT_EXPECT_MEMEQ(test, a, b, n)				\
	KUNIT_EXPECT_EQ_MSG(test, memcmp(a, b, n), 0, "%u bytes differ",	\
			    (u32)(n))

/* One tree per case, made by the suite's init and destroyed by its exit. */
struct holt_kt {
	struct holt_tree *t;
	u64 seq;
	void *big;	/* kvfree()d by exit */
};

static struct holt_tree *holt_kt_new_tree(struct kunit *test, u32 budget)
{
	struct holt_kt *kt = test->priv;
	struct holt_tree_config cfg = { .seq = &kt->seq, .data_budget = budget };
	struct holt_tree *t;

	t = holt_tree_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(t));
	if (kt->t)
		holt_tree_destroy(kt->t);
	kt->t = t;
	return t;
}

static int holt_kt_init(struct kunit *test)
{
	struct holt_kt *kt = kunit_kzalloc(test, sizeof(*kt), GFP_KERNEL);
	struct holt_tree_config cfg = { 0 };

	if (!kt)
		return -ENOMEM;
	cfg.seq = &kt->seq;
	kt->t = holt_tree_create(&cfg);
	if (IS_ERR_OR_NULL(kt->t))
		return -ENOMEM;
	test->priv = kt;
	return 0;
}

static void holt_kt_exit(struct kunit *test)
{
	struct holt_kt *kt = test->priv;

	if (!kt)
		return;
	if (kt->t)
		holt_tree_destroy(kt->t);
	kvfree(kt->big);
}

static struct holt_tree *holt_kt_tree(struct kunit *test)
{
	return ((struct holt_kt *)test->priv)->t;
}

static u64 holt_kt_put(struct kunit *test, struct holt_tree *t, const char *k,
		       const char *v)
{
	u64 ver = 0;

	KUNIT_ASSERT_EQ(test, holt_tree_put(t, k, strlen(k), v, strlen(v),
					    0, 0, &ver), 0);
	KUNIT_ASSERT_NE(test, ver, 0ull);
	return ver;
}

/* Expect @k to hold @v (a C string); returns its version, 0 if absent. */
static u64 holt_kt_expect(struct kunit *test, struct holt_tree *t,
			  const void *k, u32 klen, const void *v, u32 vlen)
{
	struct holt_ref ref;
	int ret = holt_tree_get(t, k, klen, &ref);

	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "key %*pE", (int)klen, k);
	if (ret)
		return 0;
	KUNIT_EXPECT_EQ(test, ref.vlen, vlen);
	if (ref.vlen == vlen)
		HOLT_KT_EXPECT_MEMEQ(test, ref.val, v, vlen);
	KUNIT_EXPECT_NE(test, ref.version, 0ull);
	return ref.version;
}

static void holt_kt_expect_str(struct kunit *test, struct holt_tree *t,
			       const char *k, const char *v)
{
	holt_kt_expect(test, t, k, strlen(k), v, strlen(v));
}

static void holt_kt_expect_absent(struct kunit *test, struct holt_tree *t,
				  const void *k, u32 klen)
{
	struct holt_ref ref;

	KUNIT_EXPECT_EQ_MSG(test, holt_tree_get(t, k, klen, &ref), -ENOENT,
			    "key %*pE", (int)klen, k);
}

/* A scan collector: copies of up to @max items. */
struct holt_kt_item {
	u8 *key;
	u32 klen;
	u8 *val;
	u32 vlen;
	bool has_val;
	u64 version;
	bool is_prefix;
};

struct holt_kt_scan {
	struct kunit *test;
	struct holt_kt_item *items;
	u32 nr;
	u32 max;
	u32 stop_at;	/* return 1 once this many were seen, 0: never */
};

static int holt_kt_collect(void *ctx, const struct holt_scan_item *it)
{
	struct holt_kt_scan *s = ctx;
	struct holt_kt_item *d;

	if (s->nr >= s->max)
		return -ENOSPC;
	d = &s->items[s->nr++];
	d->key = kunit_kmalloc(s->test, it->klen + 1, GFP_KERNEL);
	if (!d->key)
		return -ENOMEM;
	memcpy(d->key, it->key, it->klen);
	d->klen = it->klen;
	d->has_val = it->val != NULL;
	d->vlen = it->vlen;
	if (it->val) {
		d->val = kunit_kmalloc(s->test, it->vlen + 1, GFP_KERNEL);
		if (!d->val)
			return -ENOMEM;
		memcpy(d->val, it->val, it->vlen);
	}
	d->version = it->version;
	d->is_prefix = it->is_prefix;
	if (s->stop_at && s->nr == s->stop_at)
		return 1;
	return 0;
}

static struct holt_kt_scan *holt_kt_scan_new(struct kunit *test, u32 max)
{
	struct holt_kt_scan *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->items = kunit_kcalloc(test, max, sizeof(*s->items), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->items);
	s->test = test;
	s->max = max;
	return s;
}

/*
 * Expected scan output: "k:KEY" for a key, "p:PREFIX" for a common prefix
 * rolled up by the delimiter.
 */
static void holt_kt_expect_items(struct kunit *test, struct holt_kt_scan *s,
				 const char *const *want, u32 nr)
{
	u32 i;

	KUNIT_EXPECT_EQ(test, s->nr, nr);
	for (i = 0; i < min(nr, s->nr); i++) {
		const char *w = want[i] + 2;
		bool pfx = want[i][0] == 'p';

		KUNIT_EXPECT_EQ_MSG(test, s->items[i].is_prefix, pfx,
				    "item %u (%s)", i, want[i]);
		KUNIT_EXPECT_EQ_MSG(test, s->items[i].klen, (u32)strlen(w),
				    "item %u (%s)", i, want[i]);
		if (s->items[i].klen == strlen(w))
			HOLT_KT_EXPECT_MEMEQ(test, s->items[i].key, w, strlen(w));
		if (pfx) {
			KUNIT_EXPECT_FALSE(test, s->items[i].has_val);
			KUNIT_EXPECT_EQ(test, s->items[i].version, 0ull);
		} else {
			KUNIT_EXPECT_NE(test, s->items[i].version, 0ull);
		}
	}
}

/* ---- point operations ---- */

static void holt_tree_put_get_delete_test(struct kunit *test)
{
	struct holt_tree *t = holt_kt_tree(test);
	struct holt_kt *kt = test->priv;
	u64 v1, v2;

	holt_kt_expect_absent(test, t, "a/b", 3);
	v1 = holt_kt_put(test, t, "a/b", "one");
	/* The version is the counter the caller owns. */
	KUNIT_EXPECT_EQ(test, v1, kt->seq);
	holt_kt_expect_str(test, t, "a/b", "one");
	/* Neighbours of a key are not the key. */
	holt_kt_expect_absent(test, t, "a/", 2);
	holt_kt_expect_absent(test, t, "a/bc", 4);
	holt_kt_expect_absent(test, t, "a/c", 3);

	/* Overwrite: new value, larger version. */
	v2 = holt_kt_put(test, t, "a/b", "a longer second value");
	KUNIT_EXPECT_GT(test, v2, v1);
	KUNIT_EXPECT_EQ(test, holt_kt_expect(test, t, "a/b", 3,
					     "a longer second value", 21), v2);

	KUNIT_EXPECT_EQ(test, holt_tree_delete(t, "a/b", 3, 0, 0), 0);
	holt_kt_expect_absent(test, t, "a/b", 3);
	KUNIT_EXPECT_EQ(test, holt_tree_delete(t, "a/b", 3, 0, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, holt_tree_delete(t, "zz", 2, 0, 0), -ENOENT);

	/* A deleted key comes back with a fresh version. */
	KUNIT_EXPECT_GT(test, holt_kt_put(test, t, "a/b", "three"), v2);
	holt_kt_expect_str(test, t, "a/b", "three");
}

static void holt_tree_empty_value_test(struct kunit *test)
{
	struct holt_tree *t = holt_kt_tree(test);
	u64 ver;

	KUNIT_ASSERT_EQ(test, holt_tree_put(t, "dir/", 4, NULL, 0, 0, 0, &ver),
			0);
	holt_kt_expect(test, t, "dir/", 4, "", 0);
}

static void holt_tree_put_guards_test(struct kunit *test)
{
	struct holt_tree *t = holt_kt_tree(test);
	u64 v1, v2, ver = 0;

	KUNIT_ASSERT_EQ(test, holt_tree_put(t, "k", 1, "v1", 2,
					    HOLT_PUT_IF_ABSENT, 0, &v1), 0);
	KUNIT_EXPECT_EQ(test, holt_tree_put(t, "k", 1, "v2", 2,
					    HOLT_PUT_IF_ABSENT, 0, &ver),
			-EEXIST);
	holt_kt_expect(test, t, "k", 1, "v1", 2);

	/* Compare-and-put: a stale version is refused, the current one wins. */
	KUNIT_EXPECT_EQ(test, holt_tree_put(t, "k", 1, "v3", 2,
					    HOLT_PUT_IF_VERSION, v1 + 100,
					    &ver), -ECANCELED);
	holt_kt_expect(test, t, "k", 1, "v1", 2);
	KUNIT_ASSERT_EQ(test, holt_tree_put(t, "k", 1, "v4", 2,
					    HOLT_PUT_IF_VERSION, v1, &v2), 0);
	KUNIT_EXPECT_GT(test, v2, v1);
	holt_kt_expect(test, t, "k", 1, "v4", 2);
	/* The old token is stale now. */
	KUNIT_EXPECT_EQ(test, holt_tree_put(t, "k", 1, "v5", 2,
					    HOLT_PUT_IF_VERSION, v1, &ver),
			-ECANCELED);

	/* Delete-if-version. */
	KUNIT_EXPECT_EQ(test, holt_tree_delete(t, "k", 1, HOLT_DEL_IF_VERSION,
					       v1), -ECANCELED);
	holt_kt_expect(test, t, "k", 1, "v4", 2);
	KUNIT_EXPECT_EQ(test, holt_tree_delete(t, "k", 1, HOLT_DEL_IF_VERSION,
					       v2), 0);
	holt_kt_expect_absent(test, t, "k", 1);
}

static void holt_tree_rename_test(struct kunit *test)
{
	struct holt_tree *t = holt_kt_tree(test);
	u64 vsrc, vdst, ver = 0;

	vsrc = holt_kt_put(test, t, "d/src", "payload");
	vdst = holt_kt_put(test, t, "d/dst", "other");

	KUNIT_EXPECT_EQ(test, holt_tree_rename(t, "d/none", 6, "d/x", 3, false,
					       &ver), -ENOENT);
	holt_kt_expect_absent(test, t, "d/x", 3);

	/* Without force an existing destination stops it; nothing moves. */
	KUNIT_EXPECT_EQ(test, holt_tree_rename(t, "d/src", 5, "d/dst", 5,
					       false, &ver), -EEXIST);
	KUNIT_EXPECT_EQ(test, holt_kt_expect(test, t, "d/src", 5, "payload", 7),
			vsrc);
	KUNIT_EXPECT_EQ(test, holt_kt_expect(test, t, "d/dst", 5, "other", 5),
			vdst);

	KUNIT_ASSERT_EQ(test, holt_tree_rename(t, "d/src", 5, "e/new", 5,
					       false, &ver), 0);
	KUNIT_EXPECT_GT(test, ver, vdst);
	holt_kt_expect_absent(test, t, "d/src", 5);
	KUNIT_EXPECT_EQ(test, holt_kt_expect(test, t, "e/new", 5, "payload", 7),
			ver);

	/* With force the destination is replaced. */
	KUNIT_ASSERT_EQ(test, holt_tree_rename(t, "e/new", 5, "d/dst", 5, true,
					       &ver), 0);
	holt_kt_expect_absent(test, t, "e/new", 5);
	holt_kt_expect(test, t, "d/dst", 5, "payload", 7);
}

/* ---- keys with NUL bytes, some prefixes of others ---- */

struct holt_kt_bkey {
	const char *k;
	u32 klen;
};

#define BK(s) { s, sizeof(s) - 1 }

/* In memcmp order, shorter first on a common prefix. */
static const struct holt_kt_bkey holt_kt_nul_keys[] = {
	BK("\0"), BK("\0\0"), BK("\0a"), BK("a"), BK("a\0"), BK("a\0\0"),
	BK("a\0b"), BK("a\0b\0c"), BK("a\0b\x01"), BK("ab"), BK("ab\0"),
};

static void holt_tree_nul_keys_test(struct kunit *test)
{
	struct holt_tree *t = holt_kt_tree(test);
	const u32 n = ARRAY_SIZE(holt_kt_nul_keys);
	struct holt_scan_args all = { .delimiter = -1 };
	struct holt_kt_scan *s;
	struct holt_ref ref;
	u64 count, ver;
	u8 val[4];
	u32 i;

	/* Insert in reverse so that order comes from the tree. */
	for (i = n; i-- > 0;) {
		val[0] = 'v';
		val[1] = (u8)i;
		KUNIT_ASSERT_EQ_MSG(test, holt_tree_put(t, holt_kt_nul_keys[i].k,
							holt_kt_nul_keys[i].klen,
							val, 2, 0, 0, &ver), 0,
				    "key %u", i);
	}
	for (i = 0; i < n; i++) {
		val[0] = 'v';
		val[1] = (u8)i;
		holt_kt_expect(test, t, holt_kt_nul_keys[i].k,
			       holt_kt_nul_keys[i].klen, val, 2);
	}
	holt_kt_expect_absent(test, t, "a\0b\0", 4);
	holt_kt_expect_absent(test, t, "\0\0\0", 3);

	s = holt_kt_scan_new(test, 32);
	KUNIT_ASSERT_EQ(test, holt_tree_scan(t, &all, holt_kt_collect, s), 0);
	KUNIT_ASSERT_EQ(test, s->nr, n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, s->items[i].klen,
				    holt_kt_nul_keys[i].klen, "item %u", i);
		if (s->items[i].klen == holt_kt_nul_keys[i].klen)
			HOLT_KT_EXPECT_MEMEQ(test, s->items[i].key,
					   holt_kt_nul_keys[i].k,
					   holt_kt_nul_keys[i].klen);
		KUNIT_EXPECT_EQ(test, s->items[i].vlen, 2u);
		KUNIT_EXPECT_EQ(test, s->items[i].val[1], (u8)i);
	}

	/* "a\0" is a prefix of "a\0", "a\0\0", "a\0b", "a\0b\0c", "a\0b\1". */
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_count(t, "a\0", 2, 0, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 5ull);
	KUNIT_EXPECT_EQ(test, holt_tree_longest_prefix(t, "a\0b\0c\0d", 7,
						       &ref), 0);
	KUNIT_EXPECT_EQ(test, ref.klen, 5u);
	HOLT_KT_EXPECT_MEMEQ(test, ref.key, "a\0b\0c", 5);

	/* Deleting "a\0" leaves the keys it prefixes and the key it extends. */
	KUNIT_EXPECT_EQ(test, holt_tree_delete(t, "a\0", 2, 0, 0), 0);
	holt_kt_expect_absent(test, t, "a\0", 2);
	for (i = 0; i < n; i++) {
		if (holt_kt_nul_keys[i].klen == 2 &&
		    !memcmp(holt_kt_nul_keys[i].k, "a\0", 2))
			continue;
		val[0] = 'v';
		val[1] = (u8)i;
		holt_kt_expect(test, t, holt_kt_nul_keys[i].k,
			       holt_kt_nul_keys[i].klen, val, 2);
	}
}

/* ---- scans ---- */

static const char *const holt_kt_scan_keys[] = {
	"a/1", "a/2", "a/b/1", "a/b/2", "a/c", "b", "b/x", "c/d/e",
};

static void holt_kt_fill_scan_keys(struct kunit *test, struct holt_tree *t)
{
	int i;

	/* Not in order. */
	for (i = ARRAY_SIZE(holt_kt_scan_keys); i-- > 0;)
		holt_kt_put(test, t, holt_kt_scan_keys[i], holt_kt_scan_keys[i]);
}

struct holt_kt_scan_case {
	const char *name;
	const char *prefix;
	const char *start_after;
	int delimiter;
	u64 limit;
	const char *const want[8];
	u32 nr;
};

static const struct holt_kt_scan_case holt_kt_scan_cases[] = {
	{ "all", "", NULL, -1, 0,
	  { "k:a/1", "k:a/2", "k:a/b/1", "k:a/b/2", "k:a/c", "k:b", "k:b/x",
	    "k:c/d/e" }, 8 },
	{ "root listing", "", NULL, '/', 0,
	  { "p:a/", "k:b", "p:b/", "p:c/" }, 4 },
	{ "directory a/", "a/", NULL, '/', 0,
	  { "k:a/1", "k:a/2", "p:a/b/", "k:a/c" }, 4 },
	{ "directory a/ after a/2", "a/", "a/2", '/', 0,
	  { "p:a/b/", "k:a/c" }, 2 },
	{ "after a common prefix skips under it", "a/", "a/b/", '/', 0,
	  { "k:a/c" }, 1 },
	{ "after a key inside a common prefix", "a/", "a/b/1", '/', 0,
	  { "k:a/c" }, 1 },
	{ "prefix no delimiter", "a/b", NULL, -1, 0,
	  { "k:a/b/1", "k:a/b/2" }, 2 },
	{ "prefix with start_after", "a/", "a/b/1", -1, 0,
	  { "k:a/b/2", "k:a/c" }, 2 },
	{ "limit", "", NULL, -1, 3,
	  { "k:a/1", "k:a/2", "k:a/b/1" }, 3 },
	{ "limit counts common prefixes", "", NULL, '/', 2,
	  { "p:a/", "k:b" }, 2 },
	{ "start_after before everything", "", "0", -1, 2,
	  { "k:a/1", "k:a/2" }, 2 },
	{ "start_after past everything", "", "d", -1, 0, { }, 0 },
	{ "prefix matches nothing", "a/z", NULL, -1, 0, { }, 0 },
	{ "prefix is a whole key", "b", NULL, '/', 0,
	  { "k:b", "p:b/" }, 2 },
	{ "other delimiter", "", NULL, 'b', 0,
	  { "k:a/1", "k:a/2", "p:a/b", "k:a/c", "p:b", "k:c/d/e" }, 6 },
};

static void holt_kt_scan_case_desc(const struct holt_kt_scan_case *c,
				   char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(holt_kt_scan, holt_kt_scan_cases, holt_kt_scan_case_desc);

static void holt_tree_scan_table_test(struct kunit *test)
{
	const struct holt_kt_scan_case *c = test->param_value;
	struct holt_tree *t = holt_kt_tree(test);
	struct holt_scan_args a = {
		.prefix = c->prefix, .plen = strlen(c->prefix),
		.start_after = c->start_after,
		.salen = c->start_after ? strlen(c->start_after) : 0,
		.delimiter = c->delimiter, .limit = c->limit,
	};
	struct holt_kt_scan *s = holt_kt_scan_new(test, 16);
	u32 i;

	holt_kt_fill_scan_keys(test, t);
	KUNIT_ASSERT_EQ(test, holt_tree_scan(t, &a, holt_kt_collect, s), 0);
	holt_kt_expect_items(test, s, c->want, c->nr);
	/* Keys carry their values (each key's value is the key itself). */
	for (i = 0; i < s->nr; i++) {
		if (s->items[i].is_prefix)
			continue;
		KUNIT_EXPECT_TRUE(test, s->items[i].has_val);
		KUNIT_EXPECT_EQ(test, s->items[i].vlen, s->items[i].klen);
		if (s->items[i].vlen == s->items[i].klen)
			HOLT_KT_EXPECT_MEMEQ(test, s->items[i].val,
					   s->items[i].key, s->items[i].klen);
	}
}

static void holt_tree_scan_keys_only_and_stop_test(struct kunit *test)
{
	struct holt_tree *t = holt_kt_tree(test);
	struct holt_scan_args a = { .delimiter = -1,
				    .flags = HOLT_SCAN_KEYS_ONLY };
	struct holt_kt_scan *s = holt_kt_scan_new(test, 16);
	struct holt_ref ref;
	u32 i;

	holt_kt_fill_scan_keys(test, t);
	KUNIT_ASSERT_EQ(test, holt_tree_scan(t, &a, holt_kt_collect, s), 0);
	KUNIT_ASSERT_EQ(test, s->nr, (u32)ARRAY_SIZE(holt_kt_scan_keys));
	for (i = 0; i < s->nr; i++) {
		KUNIT_EXPECT_FALSE(test, s->items[i].has_val);
		/* Versions agree with get. */
		KUNIT_ASSERT_EQ(test, holt_tree_get(t, s->items[i].key,
						    s->items[i].klen, &ref), 0);
		KUNIT_EXPECT_EQ(test, s->items[i].version, ref.version);
	}

	/* A positive return from the callback stops the scan quietly. */
	s = holt_kt_scan_new(test, 16);
	s->stop_at = 3;
	KUNIT_EXPECT_EQ(test, holt_tree_scan(t, &a, holt_kt_collect, s), 1);
	KUNIT_EXPECT_EQ(test, s->nr, 3u);
	/* And an errno is passed through (the collector's -ENOSPC). */
	s = holt_kt_scan_new(test, 2);
	KUNIT_EXPECT_EQ(test, holt_tree_scan(t, &a, holt_kt_collect, s),
			-ENOSPC);
}

/* Resuming from the last item returned, in pages of 2, sees every item once. */
static void holt_tree_scan_resume_test(struct kunit *test)
{
	static const char *const want[] = {
		"p:a/", "k:b", "p:b/", "p:c/",
	};
	struct holt_tree *t = holt_kt_tree(test);
	struct holt_kt_scan *all = holt_kt_scan_new(test, 16);
	struct holt_kt_scan *page;
	struct holt_scan_args a = { .delimiter = '/', .limit = 2 };
	int rounds = 0;
	u32 i;

	holt_kt_fill_scan_keys(test, t);
	do {
		page = holt_kt_scan_new(test, 4);
		KUNIT_ASSERT_EQ(test, holt_tree_scan(t, &a, holt_kt_collect,
						     page), 0);
		for (i = 0; i < page->nr; i++)
			all->items[all->nr++] = page->items[i];
		if (page->nr) {
			a.start_after = page->items[page->nr - 1].key;
			a.salen = page->items[page->nr - 1].klen;
		}
		KUNIT_ASSERT_LT(test, ++rounds, 10);
	} while (page->nr == 2);
	holt_kt_expect_items(test, all, want, ARRAY_SIZE(want));
}

/* ---- prefix queries ---- */

static void holt_tree_prefix_count_and_empty_test(struct kunit *test)
{
	struct holt_tree *t = holt_kt_tree(test);
	u64 count = 99;

	KUNIT_EXPECT_EQ(test, holt_tree_prefix_count(t, "", 0, 0, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 0ull);
	/* 1: empty, 0: not (tree.c). */
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_empty(t, "a/", 2), 1);

	holt_kt_fill_scan_keys(test, t);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_count(t, "", 0, 0, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 8ull);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_count(t, "a/", 2, 0, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 5ull);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_count(t, "a/b", 3, 0, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 2ull);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_count(t, "b", 1, 0, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 2ull);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_count(t, "x", 1, 0, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 0ull);
	/* The limit caps the count. */
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_count(t, "a/", 2, 3, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 3ull);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_count(t, "a/", 2, 50, &count),
			0);
	KUNIT_EXPECT_EQ(test, count, 5ull);

	KUNIT_EXPECT_EQ(test, holt_tree_prefix_empty(t, "a/", 2), 0);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_empty(t, "c/d/e", 5), 0);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_empty(t, "c/d/e/", 6), 1);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_empty(t, "a/z", 3), 1);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_empty(t, "", 0), 0);

	/* Deleted keys do not count. */
	KUNIT_ASSERT_EQ(test, holt_tree_delete(t, "a/b/1", 5, 0, 0), 0);
	KUNIT_ASSERT_EQ(test, holt_tree_delete(t, "a/b/2", 5, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_count(t, "a/", 2, 0, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 3ull);
	KUNIT_EXPECT_EQ(test, holt_tree_prefix_empty(t, "a/b", 3), 1);
}

struct holt_kt_lp_case {
	const char *query;
	const char *want;	/* NULL: fails with @err */
	int err;
};

static const struct holt_kt_lp_case holt_kt_lp_cases[] = {
	{ "/usr/local/bin", "/usr/local" },
	{ "/usr/lo", "/usr" },
	{ "/usr", "/usr" },
	{ "/usr/local/share/x/y", "/usr/local/share/x" },
	{ "/usr/local/share/", "/usr/local" },
	{ "/", "/" },
	{ "/etc", "/" },
	{ "x", NULL, -ENOENT },
	{ "", NULL, -EINVAL },	/* keys are 1 .. HOLT_KEY_MAX bytes */
};

static void holt_kt_lp_desc(const struct holt_kt_lp_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "query \"%s\"", c->query);
}

KUNIT_ARRAY_PARAM(holt_kt_lp, holt_kt_lp_cases, holt_kt_lp_desc);

static void holt_tree_longest_prefix_table_test(struct kunit *test)
{
	const struct holt_kt_lp_case *c = test->param_value;
	struct holt_tree *t = holt_kt_tree(test);
	struct holt_ref ref;
	int ret;

	holt_kt_put(test, t, "/", "root");
	holt_kt_put(test, t, "/usr", "usr");
	holt_kt_put(test, t, "/usr/local", "local");
	holt_kt_put(test, t, "/usr/local/share/x", "x");
	holt_kt_put(test, t, "/usr/lib", "lib");
	holt_kt_put(test, t, "/var", "var");

	ret = holt_tree_longest_prefix(t, c->query, strlen(c->query), &ref);
	if (!c->want) {
		KUNIT_EXPECT_EQ(test, ret, c->err);
		return;
	}
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, ref.klen, (u32)strlen(c->want));
	if (ref.klen == strlen(c->want))
		HOLT_KT_EXPECT_MEMEQ(test, ref.key, c->want, ref.klen);
	KUNIT_EXPECT_NE(test, ref.version, 0ull);
}

/* ---- batches ---- */

static void holt_tree_batch_commits_test(struct kunit *test)
{
	struct holt_tree *t = holt_kt_tree(test);
	struct holt_batch_op ops[] = {
		{ .op = HOLT_BOP_ASSERT_VERSION, .key = "new", .klen = 3,
		  .version = 0 },
		{ .op = HOLT_BOP_PUT_IF_ABSENT, .key = "new", .klen = 3,
		  .val = "N", .vlen = 1 },
		{ .op = HOLT_BOP_PUT, .key = "a", .klen = 1,
		  .val = "A2", .vlen = 2 },
		{ .op = HOLT_BOP_DEL, .key = "b", .klen = 1 },
		{ .op = HOLT_BOP_RENAME, .key = "c", .klen = 1,
		  .val = "c2", .vlen = 2 },
		{ .op = HOLT_BOP_ASSERT_EMPTY, .key = "q/", .klen = 2 },
		{ .op = HOLT_BOP_PUT_IF_VERSION, .key = "d", .klen = 1,
		  .val = "D2", .vlen = 2 },
		{ .op = HOLT_BOP_DEL_IF_VERSION, .key = "e", .klen = 1 },
	};
	u32 failed = 1234;
	u64 va;

	va = holt_kt_put(test, t, "a", "A");
	holt_kt_put(test, t, "b", "B");
	holt_kt_put(test, t, "c", "C");
	ops[6].version = holt_kt_put(test, t, "d", "D");
	ops[7].version = holt_kt_put(test, t, "e", "E");

	KUNIT_ASSERT_EQ(test, holt_tree_batch(t, ops, ARRAY_SIZE(ops), &failed),
			0);
	holt_kt_expect_str(test, t, "new", "N");
	KUNIT_EXPECT_GT(test, holt_kt_expect(test, t, "a", 1, "A2", 2), va);
	holt_kt_expect_absent(test, t, "b", 1);
	holt_kt_expect_absent(test, t, "c", 1);
	holt_kt_expect_str(test, t, "c2", "C");
	holt_kt_expect_str(test, t, "d", "D2");
	holt_kt_expect_absent(test, t, "e", 1);
}

/*
 * A batch whose guard fails changes nothing, whichever operation fails:
 * every earlier operation of the batch is undone, and @failed names the one.
 */
struct holt_kt_batch_fail {
	const char *name;
	struct holt_batch_op bad;
	int err;
};

static const struct holt_kt_batch_fail holt_kt_batch_fails[] = {
	{ "assert-version stale",
	  { .op = HOLT_BOP_ASSERT_VERSION, .key = "a", .klen = 1,
	    .version = 1 }, -ECANCELED },
	{ "assert-version absent but present",
	  { .op = HOLT_BOP_ASSERT_VERSION, .key = "a", .klen = 1,
	    .version = 0 }, -ECANCELED },
	{ "assert-empty on a used prefix",
	  { .op = HOLT_BOP_ASSERT_EMPTY, .key = "dir/", .klen = 4 },
	  -ENOTEMPTY },
	{ "put-if-absent on a present key",
	  { .op = HOLT_BOP_PUT_IF_ABSENT, .key = "a", .klen = 1,
	    .val = "x", .vlen = 1 }, -EEXIST },
	{ "put-if-version stale",
	  { .op = HOLT_BOP_PUT_IF_VERSION, .key = "a", .klen = 1,
	    .val = "x", .vlen = 1, .version = 1 }, -ECANCELED },
	{ "delete-if-version stale",
	  { .op = HOLT_BOP_DEL_IF_VERSION, .key = "a", .klen = 1,
	    .version = 1 }, -ECANCELED },
	{ "rename without force onto a key",
	  { .op = HOLT_BOP_RENAME, .key = "a", .klen = 1,
	    .val = "dir/g", .vlen = 5 }, -EEXIST },
	{ "rename of a missing key",
	  { .op = HOLT_BOP_RENAME, .key = "nope", .klen = 4,
	    .val = "z", .vlen = 1 }, -ENOENT },
	{ "oversized value",
	  { .op = HOLT_BOP_PUT, .key = "big", .klen = 3,
	    .val = "x", .vlen = HOLT_VAL_MAX + 1 }, -E2BIG },
};

static void holt_kt_batch_fail_desc(const struct holt_kt_batch_fail *c,
				    char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(holt_kt_batch_fail, holt_kt_batch_fails,
		  holt_kt_batch_fail_desc);

static void holt_tree_batch_guard_fails_test(struct kunit *test)
{
	const struct holt_kt_batch_fail *c = test->param_value;
	struct holt_tree *t = holt_kt_tree(test);
	struct holt_batch_op ops[5];
	const struct holt_batch_op changes[4] = {
		{ .op = HOLT_BOP_PUT, .key = "fresh", .klen = 5,
		  .val = "F", .vlen = 1 },
		{ .op = HOLT_BOP_DEL, .key = "dir/f", .klen = 5 },
		{ .op = HOLT_BOP_RENAME, .key = "m", .klen = 1,
		  .val = "m2", .vlen = 2 },
		{ .op = HOLT_BOP_PUT, .key = "m", .klen = 1,
		  .val = "new m", .vlen = 5 },
	};
	struct holt_batch_op bad = c->bad;
	struct holt_tree_stats st;
	u64 va, vf, vg, vm;
	u32 failed, i;
	u8 *big;

	vm = holt_kt_put(test, t, "m", "M");
	vf = holt_kt_put(test, t, "dir/f", "F");
	vg = holt_kt_put(test, t, "dir/g", "G");
	/* After the others, so that version 1 is stale for "a". */
	va = holt_kt_put(test, t, "a", "A");
	KUNIT_ASSERT_GT(test, va, 1ull);
	if (bad.vlen > HOLT_VAL_MAX) {
		big = kunit_kzalloc(test, bad.vlen, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, big);
		bad.val = big;
	}

	/* The failing operation first: nothing has been applied yet. */
	ops[0] = bad;
	for (i = 0; i < 4; i++)
		ops[i + 1] = changes[i];
	failed = 1234;
	KUNIT_EXPECT_EQ(test, holt_tree_batch(t, ops, 5, &failed), c->err);
	KUNIT_EXPECT_EQ(test, failed, 0u);

	/* The failing operation last: four changes must be undone. */
	for (i = 0; i < 4; i++)
		ops[i] = changes[i];
	ops[4] = bad;
	failed = 1234;
	KUNIT_EXPECT_EQ(test, holt_tree_batch(t, ops, 5, &failed), c->err);
	KUNIT_EXPECT_EQ(test, failed, 4u);

	/* Nothing of either batch is visible, versions included. */
	KUNIT_EXPECT_EQ(test, holt_kt_expect(test, t, "a", 1, "A", 1), va);
	KUNIT_EXPECT_EQ(test, holt_kt_expect(test, t, "dir/f", 5, "F", 1), vf);
	KUNIT_EXPECT_EQ(test, holt_kt_expect(test, t, "dir/g", 5, "G", 1), vg);
	KUNIT_EXPECT_EQ(test, holt_kt_expect(test, t, "m", 1, "M", 1), vm);
	holt_kt_expect_absent(test, t, "fresh", 5);
	holt_kt_expect_absent(test, t, "m2", 2);
	holt_kt_expect_absent(test, t, "big", 3);
	holt_tree_get_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.keys, 4ull);
}

/* ---- limits ---- */

static void holt_tree_limits_test(struct kunit *test)
{
	struct holt_tree *t = holt_kt_tree(test);
	struct holt_tree_stats st;
	u8 *key, *val;
	u64 ver;

	key = kunit_kmalloc(test, HOLT_KEY_MAX + 1, GFP_KERNEL);
	val = kunit_kmalloc(test, HOLT_VAL_MAX + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, key);
	KUNIT_ASSERT_NOT_NULL(test, val);
	memset(key, 'k', HOLT_KEY_MAX + 1);
	memset(val, 'v', HOLT_VAL_MAX + 1);
	key[HOLT_KEY_MAX / 2] = 0;	/* a NUL in the middle, too */
	val[HOLT_VAL_MAX] = 'w';

	holt_kt_put(test, t, "k", "v");
	KUNIT_EXPECT_EQ(test, holt_tree_put(t, key, HOLT_KEY_MAX + 1, "v", 1,
					    0, 0, &ver), -E2BIG);
	KUNIT_EXPECT_EQ(test, holt_tree_put(t, "k", 1, val, HOLT_VAL_MAX + 1,
					    0, 0, &ver), -E2BIG);
	KUNIT_EXPECT_EQ(test, holt_tree_rename(t, "k", 1, key,
					       HOLT_KEY_MAX + 1, true, &ver),
			-E2BIG);
	/* Nothing was written: "k" is still the only key, unchanged. */
	holt_tree_get_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.keys, 1ull);
	holt_kt_expect_str(test, t, "k", "v");
	holt_kt_expect_absent(test, t, key, HOLT_KEY_MAX);

	/* The largest key and the largest value fit, together. */
	KUNIT_ASSERT_EQ(test, holt_tree_put(t, key, HOLT_KEY_MAX, val,
					    HOLT_VAL_MAX, 0, 0, &ver), 0);
	holt_kt_expect(test, t, key, HOLT_KEY_MAX, val, HOLT_VAL_MAX);
	/* One byte shorter is another key. */
	holt_kt_expect_absent(test, t, key, HOLT_KEY_MAX - 1);
	KUNIT_ASSERT_EQ(test, holt_tree_put(t, key, HOLT_KEY_MAX - 1, "s", 1,
					    0, 0, &ver), 0);
	holt_kt_expect(test, t, key, HOLT_KEY_MAX, val, HOLT_VAL_MAX);
	holt_kt_expect(test, t, key, HOLT_KEY_MAX - 1, "s", 1);
	/* An oversized put over an existing key leaves it alone. */
	KUNIT_EXPECT_EQ(test, holt_tree_put(t, key, HOLT_KEY_MAX, val,
					    HOLT_VAL_MAX + 1, 0, 0, &ver),
			-E2BIG);
	holt_kt_expect(test, t, key, HOLT_KEY_MAX, val, HOLT_VAL_MAX);
	holt_tree_get_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.keys, 3ull);
}

/* ---- many keys, a small frame budget: spillover ---- */

struct holt_kt_key {
	char k[48];
	u32 klen;
	u32 n;		/* the value is holt_kt_key_val(n, ...) */
	u32 vlen;
	bool live;
};

static int holt_kt_key_cmp(const void *a, const void *b)
{
	const struct holt_kt_key *x = a, *y = b;
	int c = memcmp(x->k, y->k, min(x->klen, y->klen));

	if (c)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

/* The value of key i: its length and bytes both depend on i. */
static void holt_kt_key_val(u32 i, u8 *val, u32 vlen)
{
	u32 j;

	for (j = 0; j < vlen; j++)
		val[j] = (u8)(i * 31 + j);
}

struct holt_kt_order_ctx {
	struct kunit *test;
	const struct holt_kt_key *keys;
	u32 nr;
	u32 pos;
	bool bad;
};

/* Scan callback: items must be exactly the live oracle keys, in order. */
static int holt_kt_check_order(void *ctx, const struct holt_scan_item *it)
{
	struct holt_kt_order_ctx *o = ctx;

	while (o->pos < o->nr && !o->keys[o->pos].live)
		o->pos++;
	if (o->pos >= o->nr || it->is_prefix ||
	    it->klen != o->keys[o->pos].klen ||
	    memcmp(it->key, o->keys[o->pos].k, it->klen) ||
	    it->vlen != o->keys[o->pos].vlen) {
		o->bad = true;
		return -EBADMSG;
	}
	o->pos++;
	return 0;
}

/*
 * A directory listing (delimiter '/') under @prefix against the oracle:
 * every live key under the prefix, with everything past the next '/'
 * rolled up into one common prefix, in order, each item once.
 */
static void holt_kt_check_listing(struct kunit *test, struct holt_tree *t,
				  const struct holt_kt_key *keys, u32 nk,
				  const char *prefix)
{
	u32 plen = strlen(prefix), i, j = 0, ilen, last_len = 0, bad = 0;
	struct holt_scan_args a = { .prefix = prefix, .plen = plen,
				    .delimiter = '/' };
	struct holt_kt_scan *s = holt_kt_scan_new(test, 1024);
	const char *last = NULL, *slash;
	bool pfx;

	KUNIT_ASSERT_EQ(test, holt_tree_scan(t, &a, holt_kt_collect, s), 0);
	for (i = 0; i < nk; i++) {
		const struct holt_kt_key *k = &keys[i];

		if (!k->live || k->klen < plen || memcmp(k->k, prefix, plen))
			continue;
		slash = memchr(k->k + plen, '/', k->klen - plen);
		pfx = slash != NULL;
		ilen = pfx ? slash - k->k + 1 : k->klen;
		if (last && ilen == last_len && !memcmp(last, k->k, ilen))
			continue;
		last = k->k;
		last_len = ilen;
		if (j >= s->nr || s->items[j].is_prefix != pfx ||
		    s->items[j].klen != ilen ||
		    memcmp(s->items[j].key, k->k, ilen))
			bad++;
		j++;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0u, "listing of \"%s\"", prefix);
	KUNIT_EXPECT_EQ_MSG(test, s->nr, j, "listing of \"%s\"", prefix);
}

static void holt_kt_check_listings(struct kunit *test, struct holt_tree *t,
				   const struct holt_kt_key *keys, u32 nk)
{
	static const char *const dirs[] = {
		"", "bucket-03/", "bucket-03/dir-7/", "bucket-03/dir-7/sub-1/",
		"bucket-0", "bucket-06/dir-1",
	};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		holt_kt_check_listing(test, t, keys, nk, dirs[i]);
}

struct holt_kt_spill_case {
	const char *name;
	u32 budget;
	u32 nkeys;
};

static const struct holt_kt_spill_case holt_kt_spill_cases[] = {
	{ "32 KiB budget, 4000 keys", 32 * 1024, 4000 },
	{ "whole frames, 20000 keys", 0, 20000 },
};

static void holt_kt_spill_desc(const struct holt_kt_spill_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(holt_kt_spill, holt_kt_spill_cases, holt_kt_spill_desc);

static void holt_tree_spillover_test(struct kunit *test)
{
	const struct holt_kt_spill_case *c = test->param_value;
	struct holt_kt *kt = test->priv;
	struct holt_tree *t = holt_kt_new_tree(test, c->budget);
	const u32 nk = c->nkeys;
	struct holt_kt_key *keys;
	struct holt_tree_stats st;
	struct holt_scan_args all = { .delimiter = -1 };
	struct holt_kt_order_ctx o = { .test = test };
	u8 val[64];
	u64 count, ver, expect_dir3 = 0;
	u32 i, live, bad = 0;
	void *frame;

	keys = kvcalloc(nk, sizeof(*keys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, keys);
	kt->big = keys;

	/* Path-shaped keys, inserted in a scattered order (i * 7919 mod N). */
	for (i = 0; i < nk; i++) {
		u32 n = (u32)(((u64)i * 7919) % nk);
		struct holt_kt_key *k = &keys[i];

		k->klen = snprintf(k->k, sizeof(k->k),
				   "bucket-%02u/dir-%u/sub-%u/file-%05u.bin",
				   n % 7, n % 13, n % 3, n);
		k->n = n;
		k->vlen = 8 + n % 40;
		holt_kt_key_val(n, val, k->vlen);
		if (holt_tree_put(t, k->k, k->klen, val, k->vlen, 0, 0, &ver))
			bad++;
		k->live = true;
		if (n % 7 == 3)
			expect_dir3++;
	}
	KUNIT_ASSERT_EQ(test, bad, 0u);

	holt_tree_get_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.keys, (u64)nk);
	KUNIT_EXPECT_GT(test, st.spills, 0ull);
	KUNIT_EXPECT_GT(test, st.frames, 1ull);
	KUNIT_EXPECT_EQ(test, (u64)holt_tree_nr_frames(t), st.frames);
	KUNIT_EXPECT_LE(test, st.data_used, st.data_capacity);
	kunit_info(test, "%u keys: %llu frames, %llu spills, depth %u",
		   nk, st.frames, st.spills, st.depth);

	/* Every key reads back with its own value. */
	for (i = 0; i < nk; i++) {
		struct holt_ref ref;

		holt_kt_key_val(keys[i].n, val, keys[i].vlen);
		if (holt_tree_get(t, keys[i].k, keys[i].klen, &ref) ||
		    ref.vlen != keys[i].vlen ||
		    memcmp(ref.val, val, ref.vlen))
			bad++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);

	KUNIT_EXPECT_EQ(test, holt_tree_prefix_count(t, "bucket-03/", 10, 0,
						     &count), 0);
	KUNIT_EXPECT_EQ(test, count, expect_dir3);

	/* The whole tree scans in order, across frames. */
	sort(keys, nk, sizeof(*keys), holt_kt_key_cmp, NULL);
	o.keys = keys;
	o.nr = nk;
	KUNIT_EXPECT_EQ(test, holt_tree_scan(t, &all, holt_kt_check_order, &o),
			0);
	KUNIT_EXPECT_FALSE(test, o.bad);
	KUNIT_EXPECT_EQ(test, o.pos, nk);

	/* Directory listings across frames. */
	holt_kt_check_listings(test, t, keys, nk);

	/* Every frame, sealed, passes the validator. */
	frame = vmalloc(HOLT_FRAME_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, frame);
	for (i = 0; i < holt_tree_nr_frames(t); i++) {
		KUNIT_EXPECT_EQ(test, holt_tree_frame_copy(t, i, frame), 0);
		KUNIT_EXPECT_EQ_MSG(test, holt_frame_validate(frame, 0), 0,
				    "frame %u", i);
	}
	vfree(frame);

	/* Delete two keys in three (in sorted order, so whole subtrees
	 * empty out), then check again.
	 */
	for (i = 0, live = 0; i < nk; i++) {
		if (i % 3) {
			if (holt_tree_delete(t, keys[i].k, keys[i].klen, 0, 0))
				bad++;
			keys[i].live = false;
		} else {
			live++;
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
	for (i = 0; i < nk; i++) {
		struct holt_ref ref;
		int ret = holt_tree_get(t, keys[i].k, keys[i].klen, &ref);

		if (!keys[i].live) {
			if (ret != -ENOENT)
				bad++;
			continue;
		}
		holt_kt_key_val(keys[i].n, val, keys[i].vlen);
		if (ret || ref.vlen != keys[i].vlen ||
		    memcmp(ref.val, val, ref.vlen))
			bad++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
	holt_tree_get_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.keys, (u64)live);

	holt_kt_check_listings(test, t, keys, nk);

	KUNIT_EXPECT_EQ(test, holt_tree_compact(t), 0);
	holt_kt_check_listings(test, t, keys, nk);
	holt_tree_get_stats(t, &st);
	KUNIT_EXPECT_EQ(test, st.keys, (u64)live);
	o.pos = 0;
	o.bad = false;
	KUNIT_EXPECT_EQ(test, holt_tree_scan(t, &all, holt_kt_check_order, &o),
			0);
	KUNIT_EXPECT_FALSE(test, o.bad);
	/* Deleted keys at the end are never reached by the callback. */
	while (o.pos < nk && !keys[o.pos].live)
		o.pos++;
	KUNIT_EXPECT_EQ(test, o.pos, nk);
}

/* A device for the frame cache case: sealed images by frame id. */
struct holt_kt_dev {
	void **img;
	u32 nr;
	u32 damaged;		/* id whose reads come back damaged, 0 none */
	u32 reads;
	u32 reports;		/* damage the engine reported, of @damaged */
	u32 wrong_reports;	/* ... of another frame */
};

static int holt_kt_dev_read(void *ctx, u32 id, void *buf)
{
	struct holt_kt_dev *d = ctx;

	d->reads++;
	if (id >= d->nr || !d->img[id])
		return -EIO;
	memcpy(buf, d->img[id], HOLT_FRAME_SIZE);
	if (id == d->damaged)
		((u8 *)buf)[HOLT_DATA_OFF + 16] ^= 0x10;	/* a node body */
	return 0;
}

static void holt_kt_dev_damaged(void *ctx, u32 id, int err)
{
	struct holt_kt_dev *d = ctx;

	if (id == d->damaged && err == -EUCLEAN)
		d->reports++;
	else
		d->wrong_reports++;
}

/* Write every frame to the device and evict all but the root. */
static u32 holt_kt_dev_evict_all(struct kunit *test, struct holt_tree *t,
				 struct holt_kt_dev *d)
{
	u32 id, n = 0;

	for (id = 1; id < d->nr; id++) {
		if (!holt_tree_frame_peek(t, id))
			continue;
		if (!d->img[id]) {
			d->img[id] = vmalloc(HOLT_FRAME_SIZE);
			KUNIT_ASSERT_NOT_NULL(test, d->img[id]);
		}
		KUNIT_ASSERT_EQ(test, holt_tree_frame_copy_id(t, id, d->img[id]),
				0);
		if (id > 1) {
			KUNIT_EXPECT_EQ(test, holt_tree_frame_evict(t, id), 0);
			n++;
		}
	}
	return n;
}

/*
 * The frame cache in the kernel: frames written to a device and evicted
 * are read back by the walks that need them (every key and the ordered
 * scan match the oracle), a damaged image fails exactly the lookups that
 * need that frame with -EUCLEAN and changes nothing, the root never goes.
 */
static void holt_tree_evict_reload_test(struct kunit *test)
{
	struct holt_tree *t = holt_kt_new_tree(test, 4096);
	struct holt_kt *kt = test->priv;
	struct holt_kt_dev d = { 0 };
	struct holt_frame_loader l = { .read = holt_kt_dev_read,
				       .damaged = holt_kt_dev_damaged,
				       .ctx = &d };
	struct holt_scan_args all = { .delimiter = -1 };
	struct holt_kt_order_ctx o = { .test = test };
	struct holt_kt_key *keys;
	const u32 nk = 1500;
	u32 i, bad = 0, failed = 0, evicted;
	u8 val[48];
	u64 ver;

	keys = kvcalloc(nk, sizeof(*keys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, keys);
	kt->big = keys;
	for (i = 0; i < nk; i++) {
		struct holt_kt_key *k = &keys[i];

		k->n = i;
		k->klen = snprintf(k->k, sizeof(k->k), "vol-%u/dir-%02u/f-%05u",
				   i % 5, i % 17, i);
		k->vlen = 8 + i % 40;
		k->live = true;
		holt_kt_key_val(i, val, k->vlen);
		if (holt_tree_put(t, k->k, k->klen, val, k->vlen, 0, 0, &ver))
			bad++;
	}
	KUNIT_ASSERT_EQ(test, bad, 0u);
	KUNIT_ASSERT_GT(test, holt_tree_nr_frames(t), 4u);
	holt_tree_set_loader(t, &l);
	d.nr = holt_tree_id_limit(t);
	d.img = kcalloc(d.nr, sizeof(*d.img), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d.img);

	evicted = holt_kt_dev_evict_all(test, t, &d);
	KUNIT_EXPECT_EQ(test, evicted + 1, holt_tree_nr_frames(t));
	KUNIT_EXPECT_EQ(test, holt_tree_nr_resident(t), 1u);
	KUNIT_EXPECT_EQ(test, holt_tree_frame_evict(t, 1), -EINVAL);
	for (i = 0; i < nk; i++) {
		struct holt_ref ref;

		holt_kt_key_val(i, val, keys[i].vlen);
		if (holt_tree_get(t, keys[i].k, keys[i].klen, &ref) ||
		    ref.vlen != keys[i].vlen || memcmp(ref.val, val, ref.vlen))
			bad++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
	KUNIT_EXPECT_EQ(test, holt_tree_nr_resident(t), holt_tree_nr_frames(t));
	KUNIT_EXPECT_EQ(test, holt_tree_nr_loads(t), (u64)evicted);

	/* evicted again, the ordered scan reads them back in order */
	holt_kt_dev_evict_all(test, t, &d);
	sort(keys, nk, sizeof(*keys), holt_kt_key_cmp, NULL);
	o.keys = keys;
	o.nr = nk;
	KUNIT_EXPECT_EQ(test, holt_tree_scan(t, &all, holt_kt_check_order, &o),
			0);
	KUNIT_EXPECT_FALSE(test, o.bad);
	KUNIT_EXPECT_EQ(test, o.pos, nk);

	/* one damaged image: only the keys under it fail, nothing changes */
	holt_kt_dev_evict_all(test, t, &d);
	d.damaged = 2;
	while (d.damaged < d.nr && !d.img[d.damaged])
		d.damaged++;
	KUNIT_ASSERT_LT(test, d.damaged, d.nr);
	for (i = 0; i < nk; i++) {
		struct holt_ref ref;
		int ret = holt_tree_get(t, keys[i].k, keys[i].klen, &ref);

		if (ret == -EUCLEAN)
			failed++;
		else if (ret)
			bad++;
		ret = holt_tree_put(t, keys[i].k, keys[i].klen, "x", 1,
				    HOLT_PUT_IF_ABSENT, 0, &ver);
		if (ret != -EEXIST && ret != -EUCLEAN)
			bad++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
	KUNIT_EXPECT_GT(test, failed, 0u);
	KUNIT_EXPECT_LT(test, failed, nk);
	/* every failed load was reported to the loader, naming the frame */
	KUNIT_EXPECT_GE(test, d.reports, failed);
	KUNIT_EXPECT_EQ(test, d.wrong_reports, 0u);
	d.damaged = 0;
	for (i = 0; i < nk; i++) {
		struct holt_ref ref;

		holt_kt_key_val(keys[i].n, val, keys[i].vlen);
		if (holt_tree_get(t, keys[i].k, keys[i].klen, &ref) ||
		    ref.vlen != keys[i].vlen || memcmp(ref.val, val, ref.vlen))
			bad++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
	kunit_info(test, "%u frames, %u reads, %u lookups failed on a damaged frame",
		   holt_tree_nr_frames(t), d.reads, failed);

	holt_tree_set_loader(t, NULL);
	for (i = 0; i < d.nr; i++)
		vfree(d.img[i]);
	kfree(d.img);
}

static struct kunit_case holt_tree_cases[] = {
	KUNIT_CASE(holt_tree_put_get_delete_test),
	KUNIT_CASE(holt_tree_empty_value_test),
	KUNIT_CASE(holt_tree_put_guards_test),
	KUNIT_CASE(holt_tree_rename_test),
	KUNIT_CASE(holt_tree_nul_keys_test),
	KUNIT_CASE_PARAM(holt_tree_scan_table_test, holt_kt_scan_gen_params),
	KUNIT_CASE(holt_tree_scan_keys_only_and_stop_test),
	KUNIT_CASE(holt_tree_scan_resume_test),
	KUNIT_CASE(holt_tree_prefix_count_and_empty_test),
	KUNIT_CASE_PARAM(holt_tree_longest_prefix_table_test, holt_kt_lp_gen_params),
	KUNIT_CASE(holt_tree_batch_commits_test),
	KUNIT_CASE_PARAM(holt_tree_batch_guard_fails_test,
			 holt_kt_batch_fail_gen_params),
	KUNIT_CASE(holt_tree_limits_test),
	KUNIT_CASE_PARAM(holt_tree_spillover_test, holt_kt_spill_gen_params),
	KUNIT_CASE(holt_tree_evict_reload_test),
	{}
};

static struct kunit_suite holt_tree_suite = {
	.name = "holt_tree",
	.init = holt_kt_init,
	.exit = holt_kt_exit,
	.test_cases = holt_tree_cases,
};

kunit_test_suite(holt_tree_suite);
