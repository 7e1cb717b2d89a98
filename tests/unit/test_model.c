// SPDX-License-Identifier: GPL-2.0
/*
 * test_model.c - the model test of the holt engine: millions of random
 * operations on a tree, each checked against a plain sorted array that holds
 * the same (key, value, version) triples.
 *
 * Every operation of tree.h is exercised: get, put (plain, if-absent,
 * if-version), delete (plain, if-version), rename (with and without force),
 * prefix_empty, prefix_count, longest_prefix, scans (prefix, start_after,
 * delimiter, keys-only, limit, paging, early stop), batches that apply and
 * batches whose guard fails, compaction, and the -E2BIG limits.
 *
 * Keys are path-shaped, drawn from a small alphabet of segments so that
 * prefixes collide a lot; some contain NUL bytes, many are prefixes of
 * others, some have random bytes that force wide nodes.  The test owns the
 * version counter and predicts each new version exactly.
 *
 * Each phase runs with its own frame data budget: tiny budgets make
 * spillover, compaction and merges happen thousands of times, which the
 * tree's counters must show.  A cache phase runs with a "device": every
 * few operations the changed frames are written to it (a checkpoint), clean
 * frames are evicted at random and read back on demand through the loader,
 * the loader fails or returns a damaged image now and then (the operation
 * must fail with that error and change nothing), and the tree is reopened
 * lazily from the device; every frame the engine calls clean must equal its
 * image byte for byte.  A last phase makes the N-th allocation fail during
 * mutations and checks the tree is unchanged.
 *
 * Environment: MODEL_SEED=S (seed), MODEL_OPS=N (total random operations,
 * default 1,000,000), MODEL_VERBOSE=1 (per-phase counters), MODEL_PHASE=P
 * (only the phases whose name contains P, to chase a failure), and
 * MODEL_DENSE_EACH=1 (check a dense tree's promise after every operation
 * instead of with every full check, to find the one that broke it).
 */
#include "tree.h"
#include "tree_load.h"
#include "tree_cache.h"
#include "frame.h"
#include "validate.h"
#include "tree_int.h"
#include "harness.h"

/* ---------------------------------------------------------------- */
/* The oracle: a sorted array of entries. */

struct ent {
	u8 *key;
	u32 klen;
	u8 *val;
	u32 vlen;
	u64 ver;
};

static struct ent *ora;
static size_t ora_n, ora_cap;

static struct holt_tree *T;
static u64 seq;			/* the engine's version counter */
static u32 budget;		/* data budget of the current phase */
static u32 val_cap;		/* largest ordinary value in this phase */
/* Whether a successful delete draws a version: -1 not yet seen. */
static int del_takes_seq = -1;

static int keycmp(const u8 *a, u32 al, const u8 *b, u32 bl)
{
	u32 n = al < bl ? al : bl;
	int c = n ? memcmp(a, b, n) : 0;

	if (c)
		return c;
	return (al > bl) - (al < bl);
}

static bool starts_with(const u8 *k, u32 kl, const u8 *p, u32 pl)
{
	return kl >= pl && (!pl || !memcmp(k, p, pl));
}

/* First index whose key is >= (k, kl). */
static size_t ora_lower(const u8 *k, u32 kl)
{
	size_t lo = 0, hi = ora_n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (keycmp(ora[mid].key, ora[mid].klen, k, kl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First index past every key that is < p or starts with p. */
static size_t ora_prefix_end(const u8 *p, u32 pl)
{
	size_t lo = 0, hi = ora_n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ent *e = &ora[mid];

		if (keycmp(e->key, e->klen, p, pl) < 0 ||
		    starts_with(e->key, e->klen, p, pl))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	return p;
}

static u8 *dup_bytes(const u8 *p, u32 n)
{
	u8 *d = xmalloc(n);

	if (n)
		memcpy(d, p, n);
	return d;
}

static struct ent *ora_get(const u8 *k, u32 kl)
{
	size_t i = ora_lower(k, kl);

	if (i < ora_n && !keycmp(ora[i].key, ora[i].klen, k, kl))
		return &ora[i];
	return NULL;
}

static u64 ora_count_prefix(const u8 *p, u32 pl)
{
	return ora_prefix_end(p, pl) - ora_lower(p, pl);
}

/*
 * An undo log of the oracle, so that a batch can be simulated on it
 * operation by operation and then taken back.
 */
struct undo {
	u8 *key;
	u32 klen;
	bool had;
	u8 *val;
	u32 vlen;
	u64 ver;
};

static struct undo *ulog;
static size_t ulog_n, ulog_cap;
static bool ulog_on;

static void ulog_record(const u8 *k, u32 kl, const struct ent *e)
{
	struct undo *u;

	if (!ulog_on)
		return;
	if (ulog_n == ulog_cap) {
		ulog_cap = ulog_cap ? 2 * ulog_cap : 64;
		ulog = realloc(ulog, ulog_cap * sizeof(*ulog));
		CHECK(ulog, "realloc");
	}
	u = &ulog[ulog_n++];
	u->key = dup_bytes(k, kl);
	u->klen = kl;
	u->had = e != NULL;
	u->val = e ? dup_bytes(e->val, e->vlen) : NULL;
	u->vlen = e ? e->vlen : 0;
	u->ver = e ? e->ver : 0;
}

static void ora_put(const u8 *k, u32 kl, const u8 *v, u32 vl, u64 ver)
{
	size_t i = ora_lower(k, kl);
	struct ent *e;

	ulog_record(k, kl, i < ora_n && !keycmp(ora[i].key, ora[i].klen,
						 k, kl) ? &ora[i] : NULL);

	if (i < ora_n && !keycmp(ora[i].key, ora[i].klen, k, kl)) {
		e = &ora[i];
		free(e->val);
	} else {
		if (ora_n == ora_cap) {
			ora_cap = ora_cap ? 2 * ora_cap : 1024;
			ora = realloc(ora, ora_cap * sizeof(*ora));
			CHECK(ora, "oracle realloc");
		}
		memmove(&ora[i + 1], &ora[i], (ora_n - i) * sizeof(*ora));
		ora_n++;
		e = &ora[i];
		e->key = dup_bytes(k, kl);
		e->klen = kl;
	}
	e->val = dup_bytes(v, vl);
	e->vlen = vl;
	e->ver = ver;
}

static void ora_del(const u8 *k, u32 kl)
{
	size_t i = ora_lower(k, kl);

	CHECK(i < ora_n && !keycmp(ora[i].key, ora[i].klen, k, kl),
	      "oracle delete of an absent key");
	ulog_record(k, kl, &ora[i]);
	free(ora[i].key);
	free(ora[i].val);
	memmove(&ora[i], &ora[i + 1], (ora_n - i - 1) * sizeof(*ora));
	ora_n--;
}

/* Take back everything since ulog_on was set, and stop logging. */
static void ulog_rollback(void)
{
	ulog_on = false;
	while (ulog_n) {
		struct undo *u = &ulog[--ulog_n];

		if (u->had)
			ora_put(u->key, u->klen, u->val, u->vlen, u->ver);
		else
			ora_del(u->key, u->klen);
		free(u->key);
		free(u->val);
	}
}

static void ora_clear(void)
{
	size_t i;

	for (i = 0; i < ora_n; i++) {
		free(ora[i].key);
		free(ora[i].val);
	}
	ora_n = 0;
}

/* ---------------------------------------------------------------- */
/* Keys and values. */

#define KEYBUF 4096
#define VALBUF (HOLT_VAL_MAX + 2)

struct seg {
	const char *s;
	u32 n;
};

#define SEG(x) { x, sizeof(x) - 1 }
static const struct seg segs[] = {
	SEG("a"), SEG("b"), SEG("ab"), SEG("abc"), SEG("dir"), SEG("d"),
	SEG("file"), SEG("f1"), SEG("f10"), SEG("x\0y"), SEG("\0"),
	SEG("\0\0"), SEG("usr"), SEG("local"), SEG("-"), SEG("zz"),
	SEG("bucket-01"), SEG("bucket-02"), SEG("file-0001.bin"),
};
#define NSEGS (sizeof(segs) / sizeof(segs[0]))

static u32 put_seg(u8 *b, u32 n)
{
	const struct seg *s = &segs[rnd(NSEGS)];

	memcpy(b + n, s->s, s->n);
	return n + s->n;
}

/* A fresh path-shaped key (1 .. ~1500 bytes). */
static u32 gen_key(u8 *b)
{
	u32 n = 0, i, nseg;
	int shape = rnd(100);

	if (shape < 8) {
		/* Wide fan-out: random bytes after a short stem. */
		b[n++] = 'r';
		if (chance(1, 2))
			b[n++] = '/';
		nseg = 1 + rnd(3);
		for (i = 0; i < nseg; i++)
			b[n++] = (u8)rnd(256);
		return n;
	}
	if (shape < 11) {
		/* Long keys: Prefix chains longer than one node. */
		nseg = 20 + rnd(150);
		for (i = 0; i < nseg && n < 1400; i++) {
			n = put_seg(b, n);
			b[n++] = '/';
		}
		return put_seg(b, n);
	}
	nseg = 1 + rnd(5);
	for (i = 0; i < nseg; i++) {
		if (i) {
			int s = rnd(20);

			if (s < 15)
				b[n++] = '/';
			else if (s < 17)
				b[n++] = 0;
			else if (s < 18)
				b[n++] = '.';
			/* else: segments run together */
		}
		n = put_seg(b, n);
	}
	if (chance(1, 10))
		b[n++] = '/';
	return n;
}

/* Keys of the batch being generated: later operations reuse them. */
#define BATCH_POOL 128
static struct {
	const u8 *k;
	u32 kl;
} batch_pool[BATCH_POOL];
static u32 batch_pool_n;

/* A key: often an existing one, a prefix or an extension of one. */
static u32 pick_key(u8 *b, int exist_pct)
{
	const struct ent *e;
	u32 n;

	if (batch_pool_n && chance(2, 5)) {
		n = rnd(batch_pool_n);
		memcpy(b, batch_pool[n].k, batch_pool[n].kl);
		return batch_pool[n].kl;
	}

	if (!ora_n || (int)rnd(100) >= exist_pct) {
		n = gen_key(b);
		if (ora_n && chance(1, 8)) {
			/* An existing key extended, or cut short. */
			e = &ora[rnd(ora_n)];
			if (e->klen < KEYBUF - 1600) {
				memcpy(b, e->key, e->klen);
				if (chance(1, 2) && e->klen > 1)
					return 1 + rnd(e->klen - 1);
				n = e->klen;
				b[n++] = chance(1, 3) ? 0 : '/';
				if (chance(1, 2))
					n = put_seg(b, n);
			}
		}
		return n;
	}
	e = &ora[rnd(ora_n)];
	memcpy(b, e->key, e->klen);
	return e->klen;
}

/* A prefix for scans and counts: empty, or a cut of some key. */
static u32 pick_prefix(u8 *b)
{
	u32 n;

	if (chance(1, 6))
		return 0;
	n = pick_key(b, 70);
	if (chance(1, 4))
		return n;
	return 1 + rnd(n < 12 ? n : 12);
}

static void fill_random(u8 *b, u32 n)
{
	u32 i = 0;
	u64 r;

	while (i + 8 <= n) {
		r = rnd64();
		memcpy(b + i, &r, 8);
		i += 8;
	}
	r = rnd64();
	while (i < n) {
		b[i++] = (u8)r;
		r >>= 8;
	}
}

static u32 gen_val(u8 *b)
{
	u32 r = rnd(10000), n;

	if (r < 8000)
		n = rnd(33);
	else if (r < 9500)
		n = 33 + rnd(268);
	else if (r < 9995 || val_cap <= 4096)
		n = 300 + rnd(3797);
	else
		n = 60000 + rnd(HOLT_VAL_MAX - 60000 + 1);
	if (n > val_cap)
		n = rnd(val_cap + 1);
	fill_random(b, n);
	return n;
}

static void print_key(const char *what, const u8 *k, u32 kl)
{
	fprintf(stderr, "  %s: \"", what);
	harness_print_bytes(stderr, k, kl);
	fprintf(stderr, "\" (%u B)\n", kl);
}

/* ---------------------------------------------------------------- */
/* Point checks. */

static void check_ref(const struct holt_ref *ref, const struct ent *e)
{
	CHECK_MEM(ref->key, ref->klen, e->key, e->klen);
	CHECK_MEM(ref->val, ref->vlen, e->val, e->vlen);
	CHECK_EQ(ref->version, e->ver);
}

/* The engine and the oracle agree on one key. */
static void verify_key(const u8 *k, u32 kl)
{
	struct holt_ref ref;
	const struct ent *e;
	int r;

	if (kl > HOLT_KEY_MAX)
		return;
	e = ora_get(k, kl);
	memset(&ref, 0, sizeof(ref));
	r = holt_tree_get(T, k, kl, &ref);
	if (!e) {
		if (r != -ENOENT)
			print_key("key", k, kl);
		CHECK_EQ(r, -ENOENT);
		return;
	}
	if (r)
		print_key("key", k, kl);
	CHECK_EQ(r, 0);
	check_ref(&ref, e);
}

static unsigned long stats_checks;

static void verify_stats(void)
{
	struct holt_tree_stats st;

	memset(&st, 0xa5, sizeof(st));
	holt_tree_get_stats(T, &st);
	CHECK_EQ(st.keys, ora_n);
	CHECK(st.frames >= 1, "frames %llu", (unsigned long long)st.frames);
	CHECK_EQ(st.frames, holt_tree_nr_frames(T));
	CHECK_EQ(st.frame_bytes, st.frames * HOLT_FRAME_SIZE);
	CHECK(st.data_live <= st.data_used, "live %llu used %llu",
	      (unsigned long long)st.data_live,
	      (unsigned long long)st.data_used);
	CHECK(st.data_used <= st.data_capacity, "used %llu capacity %llu",
	      (unsigned long long)st.data_used,
	      (unsigned long long)st.data_capacity);
	CHECK(st.depth >= 1 && st.depth <= st.frames, "depth %u frames %llu",
	      st.depth, (unsigned long long)st.frames);
	stats_checks++;
}

/* ---------------------------------------------------------------- */
/* Scans against the oracle. */

struct item {
	const u8 *key;
	u32 klen;
	const struct ent *e;	/* NULL for a common prefix */
};

struct items {
	struct item *v;
	size_t n, cap;
};

static struct items exp_a, exp_b;

static void items_add(struct items *it, const u8 *k, u32 kl,
		      const struct ent *e)
{
	if (it->n == it->cap) {
		it->cap = it->cap ? 2 * it->cap : 256;
		it->v = realloc(it->v, it->cap * sizeof(*it->v));
		CHECK(it->v, "realloc");
	}
	it->v[it->n].key = k;
	it->v[it->n].klen = kl;
	it->v[it->n].e = e;
	it->n++;
}

/*
 * What a scan must return: the keys under the prefix, those with the
 * delimiter after the prefix replaced by one common prefix each, in order,
 * only items > start_after, at most limit of them.
 */
static void oracle_scan(const struct holt_scan_args *a, struct items *out)
{
	size_t i;

	out->n = 0;
	i = ora_lower(a->prefix, a->plen);
	if (a->start_after &&
	    keycmp(a->start_after, a->salen, a->prefix, a->plen) > 0)
		i = ora_lower(a->start_after, a->salen);
	while (i < ora_n) {
		const struct ent *e = &ora[i];
		const u8 *d = NULL;
		u32 ilen = e->klen;
		size_t next = i + 1;

		if (!starts_with(e->key, e->klen, a->prefix, a->plen))
			break;
		if (a->delimiter >= 0)
			d = memchr(e->key + a->plen, a->delimiter,
				   e->klen - a->plen);
		if (d) {
			ilen = d - e->key + 1;
			next = ora_prefix_end(e->key, ilen);
		}
		if (!a->start_after ||
		    keycmp(e->key, ilen, a->start_after, a->salen) > 0) {
			items_add(out, e->key, ilen, d ? NULL : e);
			if (a->limit && out->n == a->limit)
				break;
		}
		i = next;
	}
}

struct scan_ctx {
	const struct holt_scan_args *args;
	const struct item *exp;
	size_t nexp;
	size_t pos;
	size_t stop_at;		/* stop after this many items, 0: never */
};

static void scan_mismatch(const struct scan_ctx *c,
			  const struct holt_scan_item *it, const char *why)
{
	const struct holt_scan_args *a = c->args;

	fprintf(stderr, "scan mismatch at item %zu: %s\n", c->pos, why);
	print_key("prefix", a->prefix, a->plen);
	if (a->start_after)
		print_key("start_after", a->start_after, a->salen);
	fprintf(stderr, "  delimiter %d limit %llu flags %#x\n", a->delimiter,
		(unsigned long long)a->limit, a->flags);
	print_key("got", it->key, it->klen);
	fprintf(stderr, "  got is_prefix %d version %llu\n", it->is_prefix,
		(unsigned long long)it->version);
	if (c->pos < c->nexp)
		print_key("expected", c->exp[c->pos].key,
			  c->exp[c->pos].klen);
	else
		fprintf(stderr, "  expected: no more items (%zu)\n", c->nexp);
}

static int scan_cb(void *vctx, const struct holt_scan_item *it)
{
	struct scan_ctx *c = vctx;
	const struct item *x;

	if (c->pos >= c->nexp) {
		scan_mismatch(c, it, "extra item");
		CHECK(0, "scan returned too many items");
	}
	x = &c->exp[c->pos];
	if (it->klen != x->klen || memcmp(it->key, x->key, x->klen) ||
	    it->is_prefix != !x->e) {
		scan_mismatch(c, it, "wrong key");
		CHECK(0, "scan item differs");
	}
	if (!x->e) {
		CHECK(it->val == NULL, "a common prefix with a value");
		CHECK_EQ(it->version, 0);
	} else {
		CHECK_EQ(it->version, x->e->ver);
		if (c->args->flags & HOLT_SCAN_KEYS_ONLY)
			CHECK(it->val == NULL, "keys-only scan gave a value");
		else
			CHECK_MEM(it->val, it->vlen, x->e->val, x->e->vlen);
	}
	c->pos++;
	if (c->stop_at && c->pos == c->stop_at)
		return 7;
	return 0;
}

/* Run one scan and compare it with the oracle. */
static void check_scan(const struct holt_scan_args *a, size_t stop_at)
{
	struct scan_ctx c = { .args = a };
	size_t want;
	int r;

	oracle_scan(a, &exp_a);
	c.exp = exp_a.v;
	c.nexp = exp_a.n;
	c.stop_at = stop_at;
	r = holt_tree_scan(T, a, scan_cb, &c);
	if (stop_at && stop_at <= exp_a.n) {
		CHECK_EQ(r, 7);
		want = stop_at;
	} else {
		CHECK_EQ(r, 0);
		want = exp_a.n;
	}
	if (c.pos != want) {
		fprintf(stderr, "scan returned %zu items, expected %zu\n",
			c.pos, want);
		print_key("prefix", a->prefix, a->plen);
		if (a->start_after)
			print_key("start_after", a->start_after, a->salen);
		fprintf(stderr, "  delimiter %d limit %llu\n", a->delimiter,
			(unsigned long long)a->limit);
		if (c.pos < exp_a.n)
			print_key("first missing", exp_a.v[c.pos].key,
				  exp_a.v[c.pos].klen);
	}
	CHECK_EQ(c.pos, want);
}

/*
 * Whether the subtree at body @c of frame @f (id @fid) holds a live key; a
 * frame out of memory counts as one (it is not checked).  Fails the test
 * when a subtree that is not a single leaf holds none outside a frame
 * marked hollow or hollow_below, or a Blob's byte leads to none outside a
 * frame marked hollow_below: what a dense tree promises (tree_int.h), so
 * that roll-ups need not go down.
 */
static bool marked(u32 fid)
{
	return T->meta[fid].hollow || T->meta[fid].hollow_below;
}

static bool dense_live(const u8 *f, u32 fid, u16 c, u32 level)
{
	const u8 *x = f + holt_dec(c), *g;
	bool any = false;
	u16 k, gc;
	u32 gid;
	int b = 0;
	u64 id;

	CHECK(level < 4096, "a subtree deeper than any key");
	if (x[1] == HOLT_N_LEAF)
		return !leaf_dead(x);
	if (x[1] == HOLT_N_EMPTY)
		return false;
	if (x[1] == HOLT_N_PREFIX) {
		any = dense_live(f, fid, rd16(x + PFX_CHILD), level + 1);
		CHECK(any || marked(fid),
		      "a dense tree's Prefix leads to no live key");
		return any;
	}
	CHECK(type_is_inner(x[1]), "type %u in a subtree", x[1]);
	k = rd16(x + NODE_TERM);
	if (k && !leaf_dead(f + holt_dec(k)))
		any = true;
	while ((b = node_next(x, (u32)b, &k)) >= 0) {
		g = f;
		gid = fid;
		gc = k;
		/* a Blob: that byte's child in the child frame's root */
		while (g && gc && g[holt_dec(gc) + 1] == HOLT_N_BLOB) {
			u32 bid = gid;

			id = holt_get_le64(g + holt_dec(gc) + BLOB_CHILD);
			gid = (u32)id;
			g = holt_tree_frame_peek(T, gid);
			if (!g)
				break;
			gc = node_find(g + holt_dec(rd16(g + HDR_ROOT)), (u8)b);
			CHECK(gc || T->meta[bid].hollow_below,
			      "a dense tree's Blob leads nowhere (byte %d)", b);
		}
		/* a frame out of memory is not checked */
		if (!g || (gc && dense_live(g, gid, gc, level + 1)))
			any = true;
		else
			CHECK(g == f || T->meta[fid].hollow_below,
			      "a dense tree's Blob leads to no live key");
		b++;
	}
	CHECK(any || marked(fid),
	      "a dense tree's node holds no live key");
	return any;
}

/* What a dense tree promises, checked body by body. */
static void verify_dense(void)
{
	const u8 *f = T->frames[HOLT_ROOT_FRAME];

	if (T->dense)
		dense_live(f, HOLT_ROOT_FRAME, rd16(f + HDR_ROOT), 0);
}

/* The whole tree equals the oracle. */
static void verify_all(bool gets)
{
	struct holt_scan_args a = { .prefix = (const u8 *)"", .delimiter = -1 };
	size_t i;

	verify_dense();
	check_scan(&a, 0);
	CHECK_EQ(exp_a.n, ora_n);
	if (gets)
		for (i = 0; i < ora_n; i++)
			verify_key(ora[i].key, ora[i].klen);
	verify_stats();
}

/* What the frames hold, frame by frame, against the oracle. */
struct frames_ctx {
	u32 *seen;		/* per oracle entry */
	u64 *ids;		/* child frame ids named by Blob items */
	u32 nids, cap;
};

static int frames_cb(void *vctx, const struct holt_scan_item *it)
{
	struct frames_ctx *c = vctx;
	const struct ent *e;

	if (it->is_prefix) {
		CHECK_EQ(it->vlen, 8);
		if (c->nids == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 64;
			c->ids = realloc(c->ids, c->cap * sizeof(u64));
			CHECK(c->ids, "realloc");
		}
		memcpy(&c->ids[c->nids++], it->val, 8);
		return 0;
	}
	e = ora_get(it->key, it->klen);
	if (!e)
		print_key("frame key", it->key, it->klen);
	CHECK(e, "a frame holds a key the tree does not");
	CHECK_MEM(it->val, it->vlen, e->val, e->vlen);
	CHECK_EQ(it->version, e->ver);
	c->seen[e - ora]++;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return (x > y) - (x < y);
}

/*
 * Every frame copies out sealed and passes the validator, and the frames
 * walked one by one hold every key exactly once, with one Blob link (or
 * several sharing it) to each frame but the root.
 */
static const u8 *dev_image(u32 id);

static void verify_frames(void)
{
	static u8 *buf;
	struct frames_ctx c = { 0 };
	u32 i, nr = holt_tree_nr_frames(T), distinct = 0, seen = 0;
	size_t k;

	if (!buf)
		buf = aligned_alloc(4096, HOLT_FRAME_SIZE);
	CHECK(nr >= 1, "no frames");
	c.seen = calloc(ora_n + 1, sizeof(u32));
	CHECK(c.seen, "calloc");
	for (i = 1; i < holt_tree_id_limit(T); i++) {
		const u8 *img = buf;

		if (!holt_tree_frame_in_use(T, i))
			continue;
		seen++;
		if (holt_tree_frame_peek(T, i))
			CHECK_EQ(holt_tree_frame_copy_id(T, i, buf), 0);
		else
			img = dev_image(i);	/* out: its image */
		CHECK(img, "frame %u is out and has no image", i);
		CHECK_EQ(holt_frame_validate(img, 0), 0);
		CHECK_EQ(holt_frame_scan(img, frames_cb, &c), 0);
	}
	CHECK_EQ(seen, nr);
	if (holt_tree_nr_resident(T) == nr)
		CHECK(holt_tree_frame_copy(T, nr, buf) < 0,
		      "copy past the end");
	for (k = 0; k < ora_n; k++) {
		if (c.seen[k] != 1)
			print_key("key", ora[k].key, ora[k].klen);
		CHECK_EQ(c.seen[k], 1);
	}
	if (c.nids)
		qsort(c.ids, c.nids, sizeof(u64), cmp_u64);
	for (i = 0; i < c.nids; i++)
		distinct += !i || c.ids[i] != c.ids[i - 1];
	CHECK_EQ(distinct, nr - 1);
	free(c.seen);
	free(c.ids);
}

static u8 kb[4][KEYBUF];
static u8 *vb;

static void gen_scan_args(struct holt_scan_args *a)
{
	memset(a, 0, sizeof(*a));
	a->prefix = kb[0];
	a->plen = pick_prefix(kb[0]);
	a->delimiter = -1;
	if (chance(1, 2)) {
		int d = rnd(10);

		a->delimiter = d < 7 ? '/' : d < 9 ? 0 : 'a';
	}
	if (chance(1, 2)) {
		a->start_after = kb[1];
		if (chance(1, 2)) {
			/* Inside the prefix range: a key or a cut of one. */
			a->salen = pick_key(kb[1], 80);
			if (chance(1, 3))
				a->salen = rnd(a->salen + 1);
		} else {
			memcpy(kb[1], a->prefix, a->plen);
			a->salen = a->plen;
			if (chance(2, 3))
				a->salen += gen_key(kb[1] + a->plen);
		}
	}
	if (chance(1, 2))
		a->limit = 1 + rnd(20);
	else if (!a->plen && chance(9, 10))
		a->limit = 1 + rnd(200);	/* full scans are rare */
	if (chance(1, 3))
		a->flags |= HOLT_SCAN_KEYS_ONLY;
}

static void op_scan(void)
{
	struct holt_scan_args a;

	gen_scan_args(&a);
	check_scan(&a, chance(1, 10) ? 1 + rnd(5) : 0);
}

/* Page through a scan with a small limit: the pages add up to one scan. */
static void op_scan_pages(void)
{
	struct holt_scan_args a, p;
	struct scan_ctx c;
	size_t pos = 0, pages = 0;
	u64 lim = 1 + rnd(7);
	int r;

	gen_scan_args(&a);
	a.limit = 0;
	if (!a.plen && chance(3, 4)) {
		/* Keep most paging walks short. */
		a.plen = 1;
	}
	oracle_scan(&a, &exp_b);
	p = a;
	p.limit = lim;
	for (;;) {
		memset(&c, 0, sizeof(c));
		c.args = &p;
		c.exp = exp_b.v + pos;
		c.nexp = exp_b.n - pos;
		r = holt_tree_scan(T, &p, scan_cb, &c);
		CHECK_EQ(r, 0);
		CHECK_EQ(c.pos, c.nexp < lim ? c.nexp : lim);
		pos += c.pos;
		pages++;
		if (c.pos < lim)
			break;
		memcpy(kb[2], exp_b.v[pos - 1].key, exp_b.v[pos - 1].klen);
		p.start_after = kb[2];
		p.salen = exp_b.v[pos - 1].klen;
		CHECK(pages <= exp_b.n + 1, "paging does not end");
	}
	CHECK_EQ(pos, exp_b.n);
}

/* ---------------------------------------------------------------- */
/* Read-only point operations. */

static void op_get(void)
{
	u32 kl = pick_key(kb[0], 60);

	verify_key(kb[0], kl);
}

static void op_prefix_empty(void)
{
	u32 pl = pick_prefix(kb[0]);
	int r = holt_tree_prefix_empty(T, kb[0], pl);

	CHECK_EQ(r, ora_count_prefix(kb[0], pl) == 0);
}

static void op_prefix_count(void)
{
	u32 pl = pick_prefix(kb[0]);
	u64 n = ora_count_prefix(kb[0], pl), lim = 0, cnt = ~0ull;
	int r;

	if (chance(1, 2))
		lim = 1 + rnd(n + 5);
	r = holt_tree_prefix_count(T, kb[0], pl, lim, &cnt);
	CHECK_EQ(r, 0);
	CHECK_EQ(cnt, lim && lim < n ? lim : n);
}

static void op_longest_prefix(void)
{
	struct holt_ref ref;
	const struct ent *best = NULL;
	u32 kl = pick_key(kb[0], 50), l;
	int r;

	if (chance(1, 2) && kl < KEYBUF - 100) {
		kb[0][kl++] = chance(1, 2) ? '/' : 0;
		kl = put_seg(kb[0], kl);
	}
	for (l = kl; l >= 1 && !best; l--)
		best = ora_get(kb[0], l);
	memset(&ref, 0, sizeof(ref));
	r = holt_tree_longest_prefix(T, kb[0], kl, &ref);
	if (!best) {
		CHECK_EQ(r, -ENOENT);
		return;
	}
	if (r || ref.klen != best->klen) {
		print_key("query", kb[0], kl);
		print_key("expected", best->key, best->klen);
		if (!r)
			print_key("got", ref.key, ref.klen);
	}
	CHECK_EQ(r, 0);
	check_ref(&ref, best);
}

/* ---------------------------------------------------------------- */
/* Mutations: one description for single operations and batches. */

struct mop {
	struct holt_batch_op o;
	u8 *k;			/* owned key (source) */
	u8 *v;			/* owned value or destination */
};

static bool op_mutates(u8 op)
{
	return op >= HOLT_BOP_PUT && op <= HOLT_BOP_RENAME;
}

static bool op_is_del(u8 op)
{
	return op == HOLT_BOP_DEL || op == HOLT_BOP_DEL_IF_VERSION;
}

/* What an operation must return against the oracle's current state. */
static int mop_expect(const struct holt_batch_op *o)
{
	const struct ent *e;

	if (o->klen > HOLT_KEY_MAX)
		return -E2BIG;
	switch (o->op) {
	case HOLT_BOP_PUT:
	case HOLT_BOP_PUT_IF_ABSENT:
	case HOLT_BOP_PUT_IF_VERSION:
		if (o->vlen > HOLT_VAL_MAX)
			return -E2BIG;
		break;
	case HOLT_BOP_RENAME:
		if (o->vlen > HOLT_KEY_MAX)
			return -E2BIG;
		break;
	}
	e = ora_get(o->key, o->klen);
	switch (o->op) {
	case HOLT_BOP_PUT:
		return 0;
	case HOLT_BOP_PUT_IF_ABSENT:
		return e ? -EEXIST : 0;
	case HOLT_BOP_PUT_IF_VERSION:
	case HOLT_BOP_ASSERT_VERSION:
		if (e)
			return o->version == e->ver ? 0 : -ECANCELED;
		return o->version == 0 ? 0 : -ECANCELED;
	case HOLT_BOP_DEL:
		return e ? 0 : -ENOENT;
	case HOLT_BOP_DEL_IF_VERSION:
		if (!e)
			return -ENOENT;
		return o->version == e->ver ? 0 : -ECANCELED;
	case HOLT_BOP_RENAME:
		if (!e)
			return -ENOENT;
		if (!o->force && ora_get(o->val, o->vlen))
			return -EEXIST;
		return 0;
	case HOLT_BOP_ASSERT_EMPTY:
		return ora_count_prefix(o->key, o->klen) ? -ENOTEMPTY : 0;
	}
	CHECK(0, "bad op %u", o->op);
	return 0;
}

static void mop_apply(const struct holt_batch_op *o, u64 ver)
{
	struct ent *e;
	u8 *v;
	u32 vl;

	switch (o->op) {
	case HOLT_BOP_PUT:
	case HOLT_BOP_PUT_IF_ABSENT:
	case HOLT_BOP_PUT_IF_VERSION:
		ora_put(o->key, o->klen, o->val, o->vlen, ver);
		break;
	case HOLT_BOP_DEL:
	case HOLT_BOP_DEL_IF_VERSION:
		ora_del(o->key, o->klen);
		break;
	case HOLT_BOP_RENAME:
		e = ora_get(o->key, o->klen);
		CHECK(e, "rename of an absent key applied");
		vl = e->vlen;
		v = dup_bytes(e->val, vl);
		ora_del(o->key, o->klen);
		ora_put(o->val, o->vlen, v, vl, ver);
		free(v);
		break;
	}
}

static void mop_verify(const struct holt_batch_op *o)
{
	if (o->op != HOLT_BOP_ASSERT_EMPTY)
		verify_key(o->key, o->klen);
	if (o->op == HOLT_BOP_RENAME)
		verify_key(o->val, o->vlen);
}

static void mop_free(struct mop *m)
{
	free(m->k);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static void mop_set_key(struct mop *m, const u8 *k, u32 kl)
{
	m->k = dup_bytes(k, kl);
	m->o.key = m->k;
	m->o.klen = kl;
}

static void mop_set_val(struct mop *m, const u8 *v, u32 vl)
{
	m->v = dup_bytes(v, vl);
	m->o.val = m->v;
	m->o.vlen = vl;
}

static u64 wrong_version(u64 right)
{
	u64 w;

	do {
		switch (rnd(3)) {
		case 0:
			w = right + 1 + rnd(3);
			break;
		case 1:
			w = right > 1 ? right - 1 : right + 7;
			break;
		default:
			w = 1 + rnd64() % (seq + 10);
			break;
		}
	} while (w == right || w == 0);
	return w;
}

/* A key that is stored (pct of the time, when there is one) or not. */
static u32 pick_present(u8 *b, bool present)
{
	int tries;
	u32 n = 0;

	for (tries = 0; tries < 20; tries++) {
		n = present ? pick_key(b, 95) : pick_key(b, 0);
		if (!!ora_get(b, n) == present)
			return n;
	}
	return n;
}

/*
 * Fill @m with an operation of type @op that should (@ok) or should not
 * succeed on the current oracle.  The caller checks mop_expect() anyway.
 */
static void gen_mop(struct mop *m, u8 op, bool ok)
{
	const struct ent *e;
	u32 kl, vl;

	memset(m, 0, sizeof(*m));
	m->o.op = op;
	switch (op) {
	case HOLT_BOP_PUT:
	case HOLT_BOP_PUT_IF_ABSENT:
	case HOLT_BOP_PUT_IF_VERSION:
		if (op == HOLT_BOP_PUT)
			kl = pick_key(kb[3], 50);
		else if (op == HOLT_BOP_PUT_IF_ABSENT)
			kl = pick_present(kb[3], !ok);
		else
			kl = pick_present(kb[3], chance(4, 5));
		mop_set_key(m, kb[3], kl);
		vl = gen_val(vb);
		mop_set_val(m, vb, vl);
		if (op == HOLT_BOP_PUT_IF_VERSION) {
			e = ora_get(kb[3], kl);
			if (e)
				m->o.version = ok ? e->ver :
					chance(1, 5) ? 0 : wrong_version(e->ver);
			else
				m->o.version = ok ? 0 : wrong_version(0);
		}
		break;
	case HOLT_BOP_DEL:
	case HOLT_BOP_DEL_IF_VERSION:
		kl = pick_present(kb[3], op == HOLT_BOP_DEL ? ok : true);
		mop_set_key(m, kb[3], kl);
		e = ora_get(kb[3], kl);
		if (op == HOLT_BOP_DEL_IF_VERSION)
			m->o.version = e && ok ? e->ver :
				       wrong_version(e ? e->ver : 0);
		break;
	case HOLT_BOP_RENAME:
		kl = pick_present(kb[3], ok || chance(1, 2));
		mop_set_key(m, kb[3], kl);
		e = ora_get(kb[3], kl);
		if (e && chance(1, 25)) {
			/* Onto itself: a new version with force, or -EEXIST. */
			memcpy(kb[2], kb[3], kl);
			vl = kl;
			m->o.force = ok;
		} else if (e) {
			/* -EEXIST when failing; else absent or forced. */
			vl = pick_present(kb[2], !ok || chance(1, 3));
			if (!keycmp(kb[2], vl, kb[3], kl))
				kb[2][vl++] = '~';
			m->o.force = ok ? (ora_get(kb[2], vl) || chance(1, 2))
					: false;
		} else {
			/* Source absent: a free destination, -ENOENT. */
			vl = pick_present(kb[2], false);
			if (!keycmp(kb[2], vl, kb[3], kl))
				kb[2][vl++] = '~';
			m->o.force = chance(1, 2);
		}
		mop_set_val(m, kb[2], vl);
		break;
	case HOLT_BOP_ASSERT_VERSION:
		kl = pick_present(kb[3], chance(2, 3));
		mop_set_key(m, kb[3], kl);
		e = ora_get(kb[3], kl);
		if (ok)
			m->o.version = e ? e->ver : 0;
		else
			m->o.version = e && chance(1, 3) ? 0 :
				       wrong_version(e ? e->ver : 0);
		break;
	case HOLT_BOP_ASSERT_EMPTY:
		kl = pick_prefix(kb[3]);
		if (ok) {
			if (ora_count_prefix(kb[3], kl)) {
				kl = pick_present(kb[3], false);
				kb[3][kl++] = 0xfe;
			}
		} else if (!kl) {
			kl = pick_key(kb[3], 100);
		}
		mop_set_key(m, kb[3], kl);
		break;
	}
}

static u64 stat_single_ok, stat_single_fail, stat_batch_ok, stat_batch_fail;

/* Run @m through the single-operation API. */
static int run_single(const struct holt_batch_op *o, u64 *ver)
{
	switch (o->op) {
	case HOLT_BOP_PUT:
		return holt_tree_put(T, o->key, o->klen, o->val, o->vlen, 0,
				     0, ver);
	case HOLT_BOP_PUT_IF_ABSENT:
		return holt_tree_put(T, o->key, o->klen, o->val, o->vlen,
				     HOLT_PUT_IF_ABSENT, 0, ver);
	case HOLT_BOP_PUT_IF_VERSION:
		return holt_tree_put(T, o->key, o->klen, o->val, o->vlen,
				     HOLT_PUT_IF_VERSION, o->version, ver);
	case HOLT_BOP_DEL:
		return holt_tree_delete(T, o->key, o->klen, 0, 0);
	case HOLT_BOP_DEL_IF_VERSION:
		return holt_tree_delete(T, o->key, o->klen,
					HOLT_DEL_IF_VERSION, o->version);
	case HOLT_BOP_RENAME:
		return holt_tree_rename(T, o->key, o->klen, o->val, o->vlen,
					o->force, ver);
	}
	CHECK(0, "not a single op: %u", o->op);
	return 0;
}

/* Versions an operation draws: a delete's tombstone may take one. */
static u64 mop_seq_cost(const struct holt_batch_op *o)
{
	switch (o->op) {
	case HOLT_BOP_PUT:
	case HOLT_BOP_PUT_IF_ABSENT:
	case HOLT_BOP_PUT_IF_VERSION:
		return 1;
	case HOLT_BOP_DEL:
	case HOLT_BOP_DEL_IF_VERSION:
		CHECK(del_takes_seq >= 0, "delete behaviour not learnt yet");
		return del_takes_seq;
	case HOLT_BOP_RENAME:
		CHECK(del_takes_seq >= 0, "delete behaviour not learnt yet");
		/* Onto itself: only the new version, nothing deleted. */
		if (!keycmp(o->key, o->klen, o->val, o->vlen))
			return 1;
		/* The destination's put, then the source's delete. */
		return 1 + del_takes_seq;
	}
	return 0;
}

static void check_del_seq(u64 before)
{
	int took = seq != before;

	CHECK(seq == before || seq == before + 1, "delete moved seq %llu -> %llu",
	      (unsigned long long)before, (unsigned long long)seq);
	if (del_takes_seq < 0)
		del_takes_seq = took;
	CHECK_EQ(took, del_takes_seq);
}

/*
 * Run one single operation, check its result and its version, and apply
 * it to the oracle.  Returns the engine's result.  With @may_nomem an
 * -ENOMEM is accepted (and then nothing may have changed).
 */
static long inject;		/* fail this allocation of the next op */

static int do_single(struct mop *m, bool may_nomem)
{
	u64 before = seq, ver = 0;
	int want = mop_expect(&m->o), r;

	holt_port_fail_countdown = inject;
	r = run_single(&m->o, &ver);
	holt_port_fail_countdown = 0;
	if (may_nomem && r == -ENOMEM) {
		CHECK_EQ(seq, before);
		mop_verify(&m->o);
		return r;
	}
	if (r != want) {
		fprintf(stderr, "op %u force %d version %llu\n", m->o.op,
			m->o.force, (unsigned long long)m->o.version);
		print_key("key", m->o.key, m->o.klen);
		if (m->o.op == HOLT_BOP_RENAME)
			print_key("dst", m->o.val, m->o.vlen);
	}
	CHECK_EQ(r, want);
	if (r) {
		/* A failed operation draws no version (or puts it back). */
		CHECK_EQ(seq, before);
		stat_single_fail++;
	} else if (op_is_del(m->o.op)) {
		check_del_seq(before);
		mop_apply(&m->o, 0);
		stat_single_ok++;
	} else {
		CHECK_EQ(ver, before + 1);
		CHECK_EQ(seq, before + mop_seq_cost(&m->o));
		mop_apply(&m->o, ver);
		stat_single_ok++;
	}
	mop_verify(&m->o);
	return r;
}

static void op_single(u8 op)
{
	struct mop m;

	gen_mop(&m, op, chance(2, 3));
	do_single(&m, false);
	mop_free(&m);
}

/* ---------------------------------------------------------------- */
/* Batches. */

#define BATCH_MAX 64

struct batch {
	struct mop m[BATCH_MAX];
	struct holt_batch_op ops[BATCH_MAX];
	u32 nr;
	int fail_at;		/* the one op that fails, or -1 */
	int want;
};

/* The dense phase: no operation that deletes (see struct phase). */
static bool dense_phase;

static bool op_deletes(u8 op)
{
	return op == HOLT_BOP_DEL || op == HOLT_BOP_DEL_IF_VERSION ||
	       op == HOLT_BOP_RENAME;
}

static u8 pick_batch_op(void)
{
	static const u8 w[] = {
		HOLT_BOP_PUT, HOLT_BOP_PUT, HOLT_BOP_PUT, HOLT_BOP_PUT,
		HOLT_BOP_PUT_IF_ABSENT, HOLT_BOP_PUT_IF_ABSENT,
		HOLT_BOP_PUT_IF_VERSION, HOLT_BOP_PUT_IF_VERSION,
		HOLT_BOP_DEL, HOLT_BOP_DEL, HOLT_BOP_DEL,
		HOLT_BOP_DEL_IF_VERSION, HOLT_BOP_DEL_IF_VERSION,
		HOLT_BOP_RENAME, HOLT_BOP_RENAME,
		HOLT_BOP_ASSERT_VERSION, HOLT_BOP_ASSERT_VERSION,
		HOLT_BOP_ASSERT_EMPTY, HOLT_BOP_ASSERT_EMPTY,
	};
	u8 op;

	do
		op = w[rnd(sizeof(w))];
	while (dense_phase && op_deletes(op));
	return op;
}

static void batch_free(struct batch *b)
{
	u32 i;

	for (i = 0; i < b->nr; i++)
		mop_free(&b->m[i]);
	b->nr = 0;
}

/* Apply a successful operation to the oracle; returns the next version. */
static u64 mop_replay(const struct holt_batch_op *o, u64 next)
{
	if (op_mutates(o->op))
		mop_apply(o, op_is_del(o->op) ? 0 : next + 1);
	return next + mop_seq_cost(o);
}

/*
 * A batch whose operations often work on the same keys (a put then a
 * guard on the version it drew, a rename chain, a delete then an
 * assert-empty): each operation is generated against the oracle as the
 * earlier ones left it, which is what the engine sees (a batch applies in
 * order).  With @fail one operation is made to fail and the ones after it
 * are never reached.  The oracle is left as it was.
 */
static void gen_batch(struct batch *b, u32 nr, bool fail)
{
	u32 i, fail_at = fail ? rnd(nr) : nr;
	u64 next = seq;
	int tries;

	b->nr = 0;
	b->fail_at = -1;
	b->want = 0;
	ulog_on = true;
	batch_pool_n = 0;
	for (i = 0; i < nr; i++) {
		bool ok = i != fail_at;
		struct mop *m = &b->m[b->nr];
		int e = 0;

		for (tries = 0; tries < 30; tries++) {
			gen_mop(m, pick_batch_op(), ok);
			e = mop_expect(&m->o);
			if ((e == 0) == ok)
				break;
			mop_free(m);
		}
		if (tries == 30)
			continue;
		b->ops[b->nr++] = m->o;
		if (batch_pool_n < BATCH_POOL && m->o.klen) {
			batch_pool[batch_pool_n].k = m->o.key;
			batch_pool[batch_pool_n++].kl = m->o.klen;
		}
		if (m->o.op == HOLT_BOP_RENAME && batch_pool_n < BATCH_POOL) {
			batch_pool[batch_pool_n].k = m->o.val;
			batch_pool[batch_pool_n++].kl = m->o.vlen;
		}
		if (!ok) {
			b->fail_at = b->nr - 1;
			b->want = e;
			break;
		}
		next = mop_replay(&m->o, next);
	}
	batch_pool_n = 0;
	ulog_rollback();
}

/* Insert an -E2BIG op at a random place of @b; returns its index. */
static int batch_add_e2big(struct batch *b)
{
	struct mop m;
	u32 at = rnd(b->nr + 1);

	memset(&m, 0, sizeof(m));
	if (chance(1, 2)) {
		m.o.op = chance(1, 2) ? HOLT_BOP_PUT : HOLT_BOP_PUT_IF_ABSENT;
		mop_set_key(&m, (const u8 *)"e2big", 5);
		m.v = xmalloc(HOLT_VAL_MAX + 1);
		memset(m.v, 'v', HOLT_VAL_MAX + 1);
		m.o.val = m.v;
		m.o.vlen = HOLT_VAL_MAX + 1;
	} else {
		m.o.op = chance(1, 2) ? HOLT_BOP_PUT : HOLT_BOP_DEL;
		m.k = xmalloc(HOLT_KEY_MAX + 1);
		memset(m.k, 'k', HOLT_KEY_MAX + 1);
		m.o.key = m.k;
		m.o.klen = HOLT_KEY_MAX + 1;
		mop_set_val(&m, (const u8 *)"v", 1);
	}
	memmove(&b->m[at + 1], &b->m[at], (b->nr - at) * sizeof(b->m[0]));
	memmove(&b->ops[at + 1], &b->ops[at],
		(b->nr - at) * sizeof(b->ops[0]));
	b->m[at] = m;
	b->ops[at] = m.o;
	b->nr++;
	return at;
}

static void batch_verify(const struct batch *b)
{
	u32 i;

	for (i = 0; i < b->nr; i++)
		mop_verify(&b->ops[i]);
	verify_stats();
}

/*
 * Check the engine's answer @r to batch @b (run from version @before) and
 * bring the oracle along.  With @may_nomem an -ENOMEM is accepted, and
 * then nothing may have changed.
 */
static void batch_result(struct batch *b, int r, u32 failed, u64 before,
			 bool may_nomem)
{
	u64 next = before;
	u32 i;

	if (may_nomem && r == -ENOMEM) {
		CHECK_EQ(seq, before);
		batch_verify(b);
		return;
	}
	if (r != b->want) {
		fprintf(stderr, "batch of %u ops, failing op %d:\n", b->nr,
			b->fail_at);
		for (i = 0; i < b->nr; i++) {
			fprintf(stderr, " op %u: %u force %d version %llu\n",
				i, b->ops[i].op, b->ops[i].force,
				(unsigned long long)b->ops[i].version);
			print_key("key", b->ops[i].key, b->ops[i].klen);
			if (b->ops[i].op == HOLT_BOP_RENAME)
				print_key("dst", b->ops[i].val,
					  b->ops[i].vlen);
		}
	}
	CHECK_EQ(r, b->want);
	if (r) {
		CHECK_EQ(failed, b->fail_at);
		/* A failed batch gives back the versions it drew. */
		CHECK_EQ(seq, before);
		stat_batch_fail++;
		batch_verify(b);
		return;
	}
	/* Each mutation draws the next versions, in the batch's order. */
	for (i = 0; i < b->nr; i++)
		next = mop_replay(&b->ops[i], next);
	CHECK_EQ(seq, next);
	stat_batch_ok++;
	batch_verify(b);
}

static void op_batch(bool fail)
{
	static struct batch b;
	u32 nr = chance(1, 5) ? 9 + rnd(BATCH_MAX - 9) : 1 + rnd(8);
	u32 failed = ~0u;
	u64 before;
	int r;

	gen_batch(&b, nr, fail);
	if (fail && b.fail_at < 0 && b.nr < BATCH_MAX) {
		b.fail_at = batch_add_e2big(&b);
		b.want = -E2BIG;
	}
	before = seq;
	r = holt_tree_batch(T, b.ops, b.nr, &failed);
	batch_result(&b, r, failed, before, false);
	batch_free(&b);
}

/* ---------------------------------------------------------------- */
/* Limits, compaction. */

/* Over-long keys and values are refused with -E2BIG and change nothing. */
static void op_limits(void)
{
	static u8 *big;
	struct holt_tree_stats st;
	u64 before = seq, ver = 0;
	u32 kl = pick_key(kb[0], 70);
	int r;

	if (!big)
		big = xmalloc(HOLT_VAL_MAX + 2);
	/* An over-long key sharing its start with a real one. */
	memset(big, 'k', HOLT_KEY_MAX + 1);
	memcpy(big, kb[0], kl);
	CHECK_EQ(holt_tree_put(T, big, HOLT_KEY_MAX + 1, big, 1, 0, 0, &ver),
		 -E2BIG);
	CHECK_EQ(holt_tree_put(T, big, HOLT_KEY_MAX + 1, big, 1,
			       HOLT_PUT_IF_ABSENT, 0, &ver), -E2BIG);
	r = holt_tree_delete(T, big, HOLT_KEY_MAX + 1, 0, 0);
	CHECK(r == -E2BIG || r == -ENOENT, "delete of a long key: %d", r);
	r = holt_tree_rename(T, kb[0], kl, big, HOLT_KEY_MAX + 1, true, &ver);
	CHECK(r == -E2BIG || (r == -ENOENT && !ora_get(kb[0], kl)),
	      "rename to a long key: %d", r);
	/* An over-long value for a real key. */
	memset(big, 'v', HOLT_VAL_MAX + 1);
	CHECK_EQ(holt_tree_put(T, kb[0], kl, big, HOLT_VAL_MAX + 1, 0, 0,
			       &ver), -E2BIG);
	if (ora_get(kb[0], kl))
		CHECK_EQ(holt_tree_put(T, kb[0], kl, big, HOLT_VAL_MAX + 1,
				       HOLT_PUT_IF_VERSION,
				       ora_get(kb[0], kl)->ver, &ver), -E2BIG);
	CHECK_EQ(seq, before);
	verify_key(kb[0], kl);
	holt_tree_get_stats(T, &st);
	CHECK_EQ(st.keys, ora_n);
}

/* The largest key with the largest value is stored, read back, removed. */
static void op_max_key(void)
{
	struct mop m;
	u32 kl = pick_key(kb[0], 70);

	memset(&m, 0, sizeof(m));
	m.o.op = HOLT_BOP_PUT;
	m.k = xmalloc(HOLT_KEY_MAX);
	memcpy(m.k, kb[0], kl);
	fill_random(m.k + kl, HOLT_KEY_MAX - kl);
	m.o.key = m.k;
	m.o.klen = HOLT_KEY_MAX;
	m.v = xmalloc(HOLT_VAL_MAX);
	fill_random(m.v, HOLT_VAL_MAX);
	m.o.val = m.v;
	m.o.vlen = HOLT_VAL_MAX;
	do_single(&m, false);
	verify_all(false);
	m.o.op = HOLT_BOP_DEL;
	do_single(&m, false);
	mop_free(&m);
}

static void op_compact(void)
{
	CHECK_EQ(holt_tree_compact(T), 0);
	verify_stats();
}

/*
 * holt_tree_reclaim(), one call or (@to_end) until it says done; frames
 * in memory only, so in the cache phase it may leave some behind.
 */
static void op_reclaim(bool to_end)
{
	u32 max = 1 + rnd(4), n, calls = 0;
	int r;

	do {
		r = holt_tree_reclaim(T, max, &n);
		CHECK(r == 0 || r == 1, "reclaim: %d", r);
		if (r)
			CHECK(n <= max, "reclaim rebuilt %u of at most %u", n,
			      max);
		verify_stats();
		CHECK(++calls < 1000000, "reclaim never ends");
	} while (to_end && r);
}

/* ---------------------------------------------------------------- */
/* Phases. */

enum {
	OP_GET, OP_PUT, OP_PIA, OP_PIV, OP_DEL, OP_DIV, OP_RENAME,
	OP_PEMPTY, OP_PCOUNT, OP_LPM, OP_SCAN, OP_PAGES, OP_BATCH_OK,
	OP_BATCH_FAIL, OP_NR
};

static const u8 w_grow[OP_NR] = {
	14, 16, 6, 6, 6, 3, 6, 4, 4, 5, 8, 2, 4, 3
};
static const u8 w_shrink[OP_NR] = {
	14, 3, 1, 2, 22, 8, 6, 4, 4, 5, 8, 2, 4, 3
};
static const u8 w_dense[OP_NR] = {
	14, 16, 6, 6, 0, 0, 0, 4, 4, 5, 12, 4, 4, 3
};

static int pick_op(const u8 *w)
{
	u32 total = 0, r;
	int i;

	for (i = 0; i < OP_NR; i++)
		total += w[i];
	r = rnd(total);
	for (i = 0; r >= w[i]; i++)
		r -= w[i];
	return i;
}

static void do_op(int op)
{
	switch (op) {
	case OP_GET:
		op_get();
		break;
	case OP_PUT:
		op_single(HOLT_BOP_PUT);
		break;
	case OP_PIA:
		op_single(HOLT_BOP_PUT_IF_ABSENT);
		break;
	case OP_PIV:
		op_single(HOLT_BOP_PUT_IF_VERSION);
		break;
	case OP_DEL:
		op_single(HOLT_BOP_DEL);
		break;
	case OP_DIV:
		op_single(HOLT_BOP_DEL_IF_VERSION);
		break;
	case OP_RENAME:
		op_single(HOLT_BOP_RENAME);
		break;
	case OP_PEMPTY:
		op_prefix_empty();
		break;
	case OP_PCOUNT:
		op_prefix_count();
		break;
	case OP_LPM:
		op_longest_prefix();
		break;
	case OP_SCAN:
		op_scan();
		break;
	case OP_PAGES:
		op_scan_pages();
		break;
	case OP_BATCH_OK:
		op_batch(false);
		break;
	case OP_BATCH_FAIL:
		op_batch(true);
		break;
	}
}

struct phase {
	const char *name;
	u32 budget;
	u32 target;		/* oscillate between target/5 and target keys */
	u32 val_cap;
	u32 share;		/* per mille of the operations */
	bool small;		/* spills, compactions, merges must happen */
	bool cache;		/* frames go out and come back */
	/*
	 * Nothing is ever deleted: the tree knows it has no hollow subtree,
	 * so delimiter scans roll subtrees up without going down, and frames
	 * stay as compaction laid them out between writes (iter.c).
	 */
	bool dense;
	/*
	 * Deletes too, but the tree is compacted back to dense whenever a
	 * delete took that away (checked every 64 operations), so that most
	 * operations meet a dense tree with dead leaves in it (tree_int.h);
	 * what a dense tree promises is checked after every operation.
	 */
	bool redense;
};

static const struct phase phases[] = {
	{ "budget 4 KiB", 4096, 200, 512, 250, true, false, false, false },
	{ "budget 8 KiB", 8192, 600, 1024, 150, true, false, false, false },
	{ "dense 8 KiB", 8192, 0, 1024, 50, false, false, true, false },
	{ "redense 4 KiB", 4096, 1500, 512, 50, false, false, false, true },
	{ "cache 4 KiB", 4096, 400, 512, 60, false, true, false, false },
	{ "budget 64 KiB", 65536, 2000, 4096, 150, false, false, false,
	  false },
	{ "full budget", 0, 3000, HOLT_VAL_MAX, 240, false, false, false,
	  false },
};

static bool verbose;
static const char *only_phase;	/* MODEL_PHASE: phases whose name has it */
static bool dense_each;		/* MODEL_DENSE_EACH: verify_dense() per op */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void tree_open(u32 data_budget, bool probe)
{
	struct holt_tree_config cfg = { .seq = &seq, .data_budget = data_budget };
	struct mop m;

	CHECK_EQ(holt_port_live_allocs, 0);
	budget = data_budget;
	/* The counter starts where the caller says, not at 0. */
	seq = 1000 + rnd(100000);
	T = holt_tree_create(&cfg);
	CHECK(T, "holt_tree_create failed");
	verify_all(true);
	if (!probe)
		return;

	/* Learn whether deletes draw a version (both are allowed). */
	memset(&m, 0, sizeof(m));
	m.o.op = HOLT_BOP_PUT;
	mop_set_key(&m, (const u8 *)"probe", 5);
	mop_set_val(&m, (const u8 *)"1", 1);
	do_single(&m, false);
	m.o.op = HOLT_BOP_DEL;
	do_single(&m, false);
	mop_free(&m);
}

static void tree_close(void)
{
	holt_tree_destroy(T);
	T = NULL;
	ora_clear();
	CHECK(holt_port_live_allocs == 0, "%lu allocations leaked",
	      holt_port_live_allocs);
}

static void print_stats(const char *name, double t0)
{
	struct holt_tree_stats st;

	holt_tree_get_stats(T, &st);
	printf("  %-14s %6.1fs keys %llu frames %llu depth %u spills %llu "
	       "compactions %llu merges %llu cuts %llu fill %.0f%%\n", name,
	       now() - t0, (unsigned long long)st.keys,
	       (unsigned long long)st.frames, st.depth,
	       (unsigned long long)st.spills,
	       (unsigned long long)st.compactions,
	       (unsigned long long)st.merges,
	       (unsigned long long)st.cuts,
	       st.data_capacity ? 100.0 * st.data_live / st.data_capacity : 0);
	fflush(stdout);
}

/* ---------------------------------------------------------------- */
/* The cache phase: a device of frame images, evictions, loads. */

static struct {
	u8 **img;		/* sealed image by frame id */
	u64 *gen;		/* the frame's generation when written */
	u32 cap;
	int fail;		/* the loader's next answer when nonzero */
	u64 reads, evictions, checkpoints, reopens, faults;
} dev;

static const u8 *dev_image(u32 id)
{
	return id < dev.cap ? dev.img[id] : NULL;
}

static int dev_read(void *ctx, u32 id, void *buf)
{
	(void)ctx;
	dev.reads++;
	if (dev.fail)
		return dev.fail;
	CHECK(id < dev.cap && dev.img[id], "load of frame %u without image",
	      id);
	memcpy(buf, dev.img[id], HOLT_FRAME_SIZE);
	return 0;
}

static const struct holt_frame_loader dev_loader = { .read = dev_read };

static void dev_grow(u32 need)
{
	u32 cap = dev.cap ? dev.cap : 16;

	while (cap < need)
		cap *= 2;
	if (cap == dev.cap)
		return;
	dev.img = realloc(dev.img, cap * sizeof(*dev.img));
	dev.gen = realloc(dev.gen, cap * sizeof(*dev.gen));
	CHECK(dev.img && dev.gen, "realloc");
	memset(dev.img + dev.cap, 0, (cap - dev.cap) * sizeof(*dev.img));
	memset(dev.gen + dev.cap, 0, (cap - dev.cap) * sizeof(*dev.gen));
	dev.cap = cap;
}

static void dev_free(void)
{
	u32 i;

	for (i = 0; i < dev.cap; i++)
		free(dev.img[i]);
	free(dev.img);
	free(dev.gen);
	memset(&dev, 0, sizeof(dev));
}

/* Is frame @id what the device has (the engine says it is unchanged)? */
static bool dev_clean(u32 id)
{
	return id < dev.cap && dev.img[id] &&
	       holt_tree_frame_gen(T, id) == dev.gen[id];
}

/*
 * A checkpoint: write every changed frame, drop images of ids no longer in
 * use; and the oracle of the generations: a frame the engine did not
 * change since it was written must still equal its image.
 */
static void dev_checkpoint(bool check_clean)
{
	static u8 *buf;
	u32 id, lim = holt_tree_id_limit(T);

	if (!buf)
		buf = aligned_alloc(4096, HOLT_FRAME_SIZE);
	dev_grow(lim);
	for (id = 1; id < dev.cap; id++) {
		if (!holt_tree_frame_in_use(T, id)) {
			free(dev.img[id]);
			dev.img[id] = NULL;
			continue;
		}
		if (!holt_tree_frame_peek(T, id)) {
			CHECK(dev_clean(id), "frame %u is out but changed", id);
			continue;
		}
		if (dev_clean(id) && !check_clean)
			continue;
		CHECK_EQ(holt_tree_frame_copy_id(T, id, buf), 0);
		if (dev_clean(id)) {
			CHECK(!memcmp(buf, dev.img[id], HOLT_FRAME_SIZE),
			      "frame %u changed but its generation did not",
			      id);
			continue;
		}
		if (!dev.img[id])
			dev.img[id] = aligned_alloc(4096, HOLT_FRAME_SIZE);
		CHECK(dev.img[id], "aligned_alloc");
		memcpy(dev.img[id], buf, HOLT_FRAME_SIZE);
		dev.gen[id] = holt_tree_frame_gen(T, id);
	}
	dev.checkpoints++;
}

/* Evict each clean frame with probability 1/@den. */
static void dev_evict(u32 den)
{
	u32 id, lim = holt_tree_id_limit(T);

	for (id = 2; id < lim; id++) {
		if (!holt_tree_frame_peek(T, id) || !dev_clean(id) ||
		    !chance(1, den))
			continue;
		CHECK_EQ(holt_tree_frame_evict(T, id), 0);
		dev.evictions++;
	}
	CHECK_EQ(holt_tree_frame_evict(T, 1), -EINVAL);
}

/*
 * Loads that fail: with every clean frame out, an I/O error or a damaged
 * image fails the operations that need a frame with that error and
 * changes nothing (versions included).
 */
static void dev_faults(void)
{
	u64 before = seq, ver = 0;
	struct holt_ref ref;
	u32 kl, id = 0, lim;
	const struct ent *e;
	int r, want;

	dev_checkpoint(false);
	dev_evict(1);
	if (holt_tree_nr_resident(T) == holt_tree_nr_frames(T))
		return;
	want = chance(1, 2) ? -EIO : -EUCLEAN;
	if (want == -EIO) {
		dev.fail = -EIO;
	} else {
		/* damage a byte of every image of an out frame */
		lim = holt_tree_id_limit(T);
		for (id = 2; id < lim; id++)
			if (holt_tree_frame_in_use(T, id) &&
			    !holt_tree_frame_peek(T, id))
				dev.img[id][HOLT_DATA_OFF + 16] ^= 0x40;
	}
	kl = pick_key(kb[0], 80);
	e = ora_get(kb[0], kl);
	r = holt_tree_get(T, kb[0], kl, &ref);
	CHECK(r == want || r == (e ? 0 : -ENOENT), "get: %d", r);
	if (!r)
		check_ref(&ref, e);
	dev.faults += r == want;
	r = holt_tree_put(T, kb[0], kl, (const u8 *)"x", 1, 0, 0, &ver);
	CHECK(r == want || r == 0, "put: %d", r);
	if (r == want) {
		CHECK_EQ(seq, before);
		dev.faults++;
	} else {
		ora_put(kb[0], kl, (const u8 *)"x", 1, ver);
	}
	dev.fail = 0;
	if (want == -EUCLEAN) {
		lim = holt_tree_id_limit(T);
		for (id = 2; id < lim && id < dev.cap; id++)
			if (dev.img[id] && holt_tree_frame_in_use(T, id) &&
			    !holt_tree_frame_peek(T, id))
				dev.img[id][HOLT_DATA_OFF + 16] ^= 0x40;
	}
	verify_key(kb[0], kl);
}

/* Write everything, throw the tree away and open it from the device. */
static void dev_reopen(void)
{
	struct holt_tree_config cfg = { .seq = &seq, .data_budget = budget };
	u32 id, lim;
	u64 keep_seq = seq;
	u8 *present;
	int err;

	dev_checkpoint(true);
	lim = holt_tree_id_limit(T);
	present = calloc(lim, 1);
	CHECK(present, "calloc");
	for (id = 1; id < lim; id++)
		present[id] = holt_tree_frame_in_use(T, id);
	holt_tree_destroy(T);
	T = holt_tree_open_lazy(&cfg, present, lim, &dev_loader, rnd(4),
				&err);
	CHECK(T, "lazy open: %d", err);
	CHECK_EQ(seq, keep_seq);
	for (id = 1; id < lim; id++)
		if (present[id])
			dev.gen[id] = holt_tree_frame_gen(T, id);
	free(present);
	CHECK(holt_tree_nr_resident(T) <= 5, "%u frames kept",
	      holt_tree_nr_resident(T));
	dev.reopens++;
	verify_all(true);
}

static void dev_step(u64 i)
{
	if (i % 23 == 0)
		dev_checkpoint(i % 2300 == 0);
	if (i % 4 == 0)
		dev_evict(chance(1, 50) ? 1 : 16);
	if (i % 1009 == 500)
		dev_faults();
	if (i % 25013 == 12000)
		dev_reopen();
}

static void run_phase(const struct phase *ph, u64 ops)
{
	struct holt_tree_stats st;
	bool grow = true;
	double t0 = now();
	u64 i;

	harness_phase = ph->name;
	val_cap = ph->val_cap;
	dense_phase = ph->dense;
	tree_open(ph->budget, !ph->dense);
	if (ph->cache)
		holt_tree_set_loader(T, &dev_loader);
	for (i = 0; i < ops; i++) {
		harness_step++;
		if (ph->cache)
			dev_step(i);
		if (ph->dense)
			grow = true;
		else if (grow && ora_n >= ph->target)
			grow = false;
		else if (!grow && ora_n <= ph->target / 5)
			grow = true;
		do_op(pick_op(ph->dense ? w_dense : grow ? w_grow : w_shrink));
		if (dense_each || ph->redense)
			verify_dense();
		if (i % 16 == 0)
			verify_stats();
		if (i % 4999 == 0)
			op_limits();
		if (ph->redense && i % 64 == 0 && !T->dense && i % 128) {
			/* what holt_tree_compact() restores, reclaim does */
			op_reclaim(true);
			CHECK(T->dense, "reclaimed to the end, not dense");
		} else if (ph->redense && i % 64 == 0 && !T->dense) {
			op_compact();
			CHECK(T->dense, "compacted, not dense");
		} else if (i % 5003 == 0) {
			op_compact();
		} else if (i % 1009 == 500) {
			op_reclaim(false);
		}
		if (!ph->budget && i % 20011 == 10000)
			op_max_key();
		if (i % 2000 == 1999 || (ph->redense && i % 250 == 249))
			verify_all(i % 20000 == 19999);
		if (i % 20000 == 19999)
			verify_frames();
		if (verbose && i % 50000 == 49999)
			print_stats(ph->name, t0);
	}
	verify_all(true);
	verify_frames();
	print_stats(ph->name, t0);
	if (ph->dense)
		CHECK(T->dense, "a tree nothing was deleted from");
	holt_tree_get_stats(T, &st);
	if (ph->cache) {
		printf("  %llu checkpoints, %llu evictions, %llu loads, "
		       "%llu failed loads seen, %llu reopens\n",
		       (unsigned long long)dev.checkpoints,
		       (unsigned long long)dev.evictions,
		       (unsigned long long)holt_tree_nr_loads(T),
		       (unsigned long long)dev.faults,
		       (unsigned long long)dev.reopens);
		if (ops >= 50000)
			CHECK(dev.evictions >= 1000 && dev.faults >= 10 &&
			      dev.reopens >= 1, "the cache was not exercised");
	}
	if (ph->small && ops >= 50000) {
		CHECK(st.spills >= 100, "only %llu spills",
		      (unsigned long long)st.spills);
		CHECK(st.compactions >= 100, "only %llu compactions",
		      (unsigned long long)st.compactions);
		CHECK(st.merges >= 10, "only %llu merges",
		      (unsigned long long)st.merges);
	}
	tree_close();
	dev_free();
	harness_case_ok();
}

/* ---------------------------------------------------------------- */
/* Allocation failures: the N-th allocation fails, nothing changes. */

static int count_cb(void *ctx, const struct holt_scan_item *it)
{
	(*(u64 *)ctx)++;
	return 0;
}

/*
 * Compaction and the walks that allocate (scans, counts) under injected
 * failures: -ENOMEM or the right answer, never a changed tree.
 */
static u32 alloc_fail_maintenance(void)
{
	struct holt_scan_args a = { .prefix = (const u8 *)"", .delimiter = -1 };
	u32 hits = 0;
	u64 n, cnt;
	long i;
	int r;

	for (i = 1; i < 100000; i++) {
		holt_port_fail_countdown = i;
		r = holt_tree_compact(T);
		holt_port_fail_countdown = 0;
		if (r != -ENOMEM)
			break;
		hits++;
		if (i % 4 == 1)
			verify_all(false);
	}
	CHECK_EQ(r, 0);
	verify_all(false);
	for (i = 1; i < 100000; i++) {
		n = 0;
		a.delimiter = i % 2 ? '/' : -1;
		holt_port_fail_countdown = i;
		r = holt_tree_scan(T, &a, count_cb, &n);
		holt_port_fail_countdown = 0;
		if (r != -ENOMEM)
			break;
		hits++;
	}
	CHECK_EQ(r, 0);
	oracle_scan(&a, &exp_a);
	CHECK_EQ(n, exp_a.n);
	for (i = 1; i < 100000; i++) {
		holt_port_fail_countdown = i;
		r = holt_tree_prefix_count(T, (const u8 *)"a", 1, 0, &cnt);
		holt_port_fail_countdown = 0;
		if (r != -ENOMEM)
			break;
		hits++;
	}
	CHECK_EQ(r, 0);
	CHECK_EQ(cnt, ora_count_prefix((const u8 *)"a", 1));
	CHECK_EQ(holt_port_live_allocs > 0, 1);
	return hits;
}

static void run_alloc_failures(u32 data_budget, u32 trials)
{
	struct holt_tree_config cfg = { .seq = &seq, .data_budget = data_budget };
	static struct batch b;
	u32 t, hits = 0;
	double t0 = now();
	long n;

	harness_phase = data_budget ? "alloc failures, small budget" :
				      "alloc failures, full budget";
	/* holt_tree_create() itself fails cleanly. */
	for (n = 1; n < 64; n++) {
		holt_port_fail_countdown = n;
		T = holt_tree_create(&cfg);
		holt_port_fail_countdown = 0;
		if (T)
			break;
		CHECK_EQ(holt_port_live_allocs, 0);
	}
	CHECK(T, "create never succeeded");
	holt_tree_destroy(T);
	T = NULL;
	CHECK_EQ(holt_port_live_allocs, 0);

	val_cap = data_budget ? 1024 : 4096;
	tree_open(data_budget, true);
	for (t = 0; t < trials; t++) {
		bool batch = chance(1, 3);
		struct mop m;
		int r;

		harness_step++;
		/* Grow the tree between trials so spills happen. */
		while (ora_n < 150 + t / 2)
			op_single(HOLT_BOP_PUT);
		if (batch) {
			gen_batch(&b, 1 + rnd(16), chance(1, 4));
		} else {
			static const u8 w[] = {
				HOLT_BOP_PUT, HOLT_BOP_PUT, HOLT_BOP_PUT,
				HOLT_BOP_PUT_IF_ABSENT, HOLT_BOP_DEL,
				HOLT_BOP_RENAME,
			};
			gen_mop(&m, w[rnd(sizeof(w))], true);
		}
		for (n = 1; n < 100000; n++) {
			inject = n;
			if (batch) {
				u32 failed = ~0u;
				u64 before = seq;

				holt_port_fail_countdown = inject;
				r = holt_tree_batch(T, b.ops, b.nr, &failed);
				holt_port_fail_countdown = 0;
				batch_result(&b, r, failed, before, true);
			} else {
				r = do_single(&m, true);
			}
			inject = 0;
			if (r != -ENOMEM)
				break;
			hits++;
			if (n % 8 == 1)
				verify_all(false);
		}
		CHECK(n < 100000, "the operation never stopped failing");
		if (batch)
			batch_free(&b);
		else
			mop_free(&m);
		if (t % 16 == 0)
			verify_all(false);
		if (t % 10 == 5)
			hits += alloc_fail_maintenance();
	}
	verify_all(true);
	verify_frames();
	print_stats(harness_phase, t0);
	printf("  %u injected allocation failures\n", hits);
	CHECK(hits > 0, "no allocation was ever made to fail");
	tree_close();
	harness_case_ok();
}

int main(void)
{
	u64 total, done = 0;
	double t0 = now();
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	harness_init("test_model", "MODEL_SEED");
	total = harness_env_u64("MODEL_OPS", 1000000);
	verbose = harness_env_u64("MODEL_VERBOSE", 0);
	only_phase = getenv("MODEL_PHASE");
	dense_each = harness_env_u64("MODEL_DENSE_EACH", 0);
	vb = xmalloc(VALBUF);
	printf("test_model: %llu operations\n", (unsigned long long)total);

	for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		u64 ops = total * phases[i].share / 1000;

		if (i == sizeof(phases) / sizeof(phases[0]) - 1)
			ops = total - done;
		if (only_phase && !strstr(phases[i].name, only_phase)) {
			done += ops;
			continue;
		}
		run_phase(&phases[i], ops);
		done += ops;
	}
	if (!only_phase || strstr("alloc failures", only_phase)) {
		run_alloc_failures(8192, total >= 100000 ? 300 : 40);
		run_alloc_failures(0, total >= 100000 ? 100 : 20);
	}

	printf("test_model: %llu operations (%llu single ok, %llu failed; "
	       "%llu batches ok, %llu failed), %lu stats checks, %.1fs\n",
	       (unsigned long long)done, (unsigned long long)stat_single_ok,
	       (unsigned long long)stat_single_fail,
	       (unsigned long long)stat_batch_ok,
	       (unsigned long long)stat_batch_fail, stats_checks,
	       now() - t0);
	free(vb);
	free(exp_a.v);
	free(exp_b.v);
	free(ora);
	return harness_done();
}
