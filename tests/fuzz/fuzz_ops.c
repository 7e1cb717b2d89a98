// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_ops.c - libFuzzer target: the input is a program of tree operations
 * (put, put-if-absent, put-if-version, delete, rename, get, scans, counts,
 * longest-prefix, batches, compaction, reclaim steps) on a tree with a
 * tiny frame budget, and every answer is compared with a sorted-array
 * oracle.  Keys come from a six-symbol alphabet (NUL and '/' included) so
 * they collide, nest and spill.  Any disagreement aborts, which libFuzzer
 * reports as a crash.
 */
#include "tree.h"
#include "validate.h"

#include <stdio.h>

#define FZ_CHECK(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "fuzz_ops: %s:%d: %s\n",	\
				__FILE__, __LINE__, #c);		\
			abort();					\
		}							\
	} while (0)

#define MAXK 16
#define MAXV 2048
#define MAXE 4096

struct fent {
	u8 k[MAXK];
	u32 kl;
	u8 *v;
	u32 vl;
	u64 ver;
};

static struct fent ora[MAXE];
static u32 ora_n;

static const u8 *in;
static size_t in_len, in_pos;

static u8 next(void)
{
	return in_pos < in_len ? in[in_pos++] : 0;
}

static int kcmp(const u8 *a, u32 al, const u8 *b, u32 bl)
{
	u32 n = al < bl ? al : bl;
	int c = n ? memcmp(a, b, n) : 0;

	return c ? c : (al > bl) - (al < bl);
}

static u32 lower(const u8 *k, u32 kl)
{
	u32 lo = 0, hi = ora_n;

	while (lo < hi) {
		u32 m = (lo + hi) / 2;

		if (kcmp(ora[m].k, ora[m].kl, k, kl) < 0)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

static struct fent *find(const u8 *k, u32 kl)
{
	u32 i = lower(k, kl);

	return i < ora_n && !kcmp(ora[i].k, ora[i].kl, k, kl) ? &ora[i] : NULL;
}

static void o_put(const u8 *k, u32 kl, const u8 *v, u32 vl, u64 ver)
{
	struct fent *e = find(k, kl);
	u32 i;

	if (!e) {
		FZ_CHECK(ora_n < MAXE);
		i = lower(k, kl);
		memmove(&ora[i + 1], &ora[i], (ora_n - i) * sizeof(ora[0]));
		ora_n++;
		e = &ora[i];
		memcpy(e->k, k, kl);
		e->kl = kl;
	} else {
		free(e->v);
	}
	e->v = malloc(vl + 1);
	FZ_CHECK(e->v);
	if (vl)
		memcpy(e->v, v, vl);
	e->vl = vl;
	e->ver = ver;
}

static void o_del(const u8 *k, u32 kl)
{
	struct fent *e = find(k, kl);
	u32 i;

	FZ_CHECK(e);
	i = e - ora;
	free(e->v);
	memmove(&ora[i], &ora[i + 1], (ora_n - i - 1) * sizeof(ora[0]));
	ora_n--;
}

static bool starts(const u8 *k, u32 kl, const u8 *p, u32 pl)
{
	return kl >= pl && (!pl || !memcmp(k, p, pl));
}

static u64 o_count(const u8 *p, u32 pl)
{
	u64 n = 0;
	u32 i;

	for (i = lower(p, pl); i < ora_n && starts(ora[i].k, ora[i].kl, p, pl);
	     i++)
		n++;
	return n;
}

static u32 gen_key(u8 *k)
{
	static const u8 alpha[6] = { 'a', 'b', '/', 0, 'c', 0xff };
	u32 n = 1 + next() % (MAXK - 4), i;

	for (i = 0; i < n; i++)
		k[i] = alpha[next() % 6];
	return n;
}

static u32 gen_val(u8 *v)
{
	u32 n = next(), i;

	n = n < 200 ? n : (n - 200) * 36;
	if (n > MAXV)
		n = MAXV;
	for (i = 0; i < n; i++)
		v[i] = (u8)(i * 7 + n);
	return n;
}

static struct holt_tree *T;
static u64 seq;

static void check_key(const u8 *k, u32 kl)
{
	struct holt_ref r;
	struct fent *e = find(k, kl);
	int err;

	if (!kl)
		return;		/* an empty prefix of an assert-empty */
	err = holt_tree_get(T, k, kl, &r);
	if (!e) {
		FZ_CHECK(err == -ENOENT);
		return;
	}
	FZ_CHECK(err == 0);
	FZ_CHECK(r.klen == kl && !memcmp(r.key, k, kl));
	FZ_CHECK(r.vlen == e->vl && (!r.vlen || !memcmp(r.val, e->v, r.vlen)));
	FZ_CHECK(r.version == e->ver);
}

/* ---- scans ---- */

struct item {
	const u8 *k;
	u32 kl;
	const struct fent *e;
};

static struct item items[MAXE];

static u32 o_scan(const struct holt_scan_args *a)
{
	u32 i = lower(a->prefix, a->plen), n = 0;

	while (i < ora_n && starts(ora[i].k, ora[i].kl, a->prefix, a->plen)) {
		const struct fent *e = &ora[i];
		const u8 *d = NULL;
		u32 il = e->kl, j = i + 1;

		if (a->delimiter >= 0)
			d = memchr(e->k + a->plen, a->delimiter, e->kl - a->plen);
		if (d) {
			il = d - e->k + 1;
			while (j < ora_n && starts(ora[j].k, ora[j].kl, e->k, il))
				j++;
		}
		if (!a->start_after ||
		    kcmp(e->k, il, a->start_after, a->salen) > 0) {
			items[n].k = e->k;
			items[n].kl = il;
			items[n].e = d ? NULL : e;
			n++;
			if (a->limit && n == a->limit)
				break;
		}
		i = j;
	}
	return n;
}

struct sctx {
	const struct holt_scan_args *a;
	u32 pos, n;
};

static int scan_cb(void *vc, const struct holt_scan_item *it)
{
	struct sctx *c = vc;
	const struct item *x;

	FZ_CHECK(c->pos < c->n);
	x = &items[c->pos++];
	FZ_CHECK(it->klen == x->kl && !memcmp(it->key, x->k, x->kl));
	FZ_CHECK(it->is_prefix == !x->e);
	if (x->e) {
		FZ_CHECK(it->version == x->e->ver);
		if (!(c->a->flags & HOLT_SCAN_KEYS_ONLY))
			FZ_CHECK(it->vlen == x->e->vl &&
				 (!it->vlen || !memcmp(it->val, x->e->v, it->vlen)));
	}
	return 0;
}

static void do_scan(void)
{
	u8 p[MAXK], sa[MAXK];
	struct holt_scan_args a = { .prefix = p, .delimiter = -1 };
	struct sctx c = { .a = &a };
	u8 f = next();

	a.plen = gen_key(p) % (f % 4 + 1);
	if (f & 4)
		a.delimiter = (f & 8) ? '/' : 0;
	if (f & 16) {
		a.salen = gen_key(sa);
		a.start_after = sa;
	}
	if (f & 32)
		a.limit = 1 + next() % 8;
	if (f & 64)
		a.flags = HOLT_SCAN_KEYS_ONLY;
	c.n = o_scan(&a);
	FZ_CHECK(holt_tree_scan(T, &a, scan_cb, &c) == 0);
	FZ_CHECK(c.pos == c.n);
}

static void check_all(void)
{
	struct holt_scan_args a = { .prefix = (const u8 *)"", .delimiter = -1 };
	struct sctx c = { .a = &a };
	struct holt_tree_stats st;

	c.n = o_scan(&a);
	FZ_CHECK(holt_tree_scan(T, &a, scan_cb, &c) == 0);
	FZ_CHECK(c.pos == ora_n);
	holt_tree_get_stats(T, &st);
	FZ_CHECK(st.keys == ora_n);
}

/* ---- operations ---- */

static u8 vbuf[MAXV];

static void do_put(void)
{
	u8 k[MAXK];
	u32 kl = gen_key(k), vl = gen_val(vbuf), mode = next() % 3, flags = 0;
	struct fent *e = find(k, kl);
	u64 expect = 0, before = seq, ver = 0;
	int want = 0, r;

	if (mode == 1) {
		flags = HOLT_PUT_IF_ABSENT;
		want = e ? -EEXIST : 0;
	} else if (mode == 2) {
		flags = HOLT_PUT_IF_VERSION;
		expect = e && next() % 2 ? e->ver : next() % 4;
		want = (e ? e->ver : 0) == expect ? 0 : -ECANCELED;
	}
	r = holt_tree_put(T, k, kl, vbuf, vl, flags, expect, &ver);
	FZ_CHECK(r == want);
	if (!r) {
		FZ_CHECK(ver == before + 1 && seq == ver);
		o_put(k, kl, vbuf, vl, ver);
	}
	check_key(k, kl);
}

static void do_del(void)
{
	u8 k[MAXK];
	u32 kl = gen_key(k);
	struct fent *e = find(k, kl);
	bool ifv = next() & 1;
	u64 expect = ifv && e && next() % 2 ? e->ver : next() % 4;
	int want = !e ? -ENOENT : (ifv && expect != e->ver) ? -ECANCELED : 0;
	int r = holt_tree_delete(T, k, kl, ifv ? HOLT_DEL_IF_VERSION : 0,
				 expect);

	FZ_CHECK(r == want);
	if (!r)
		o_del(k, kl);
	check_key(k, kl);
}

static void do_rename(void)
{
	u8 s[MAXK], d[MAXK];
	u32 sl = gen_key(s), dl = gen_key(d);
	bool force = next() & 1;
	struct fent *e = find(s, sl);
	u64 before = seq, ver = 0;
	int want, r;

	if (!kcmp(s, sl, d, dl))
		return;
	want = !e ? -ENOENT : (!force && find(d, dl)) ? -EEXIST : 0;
	r = holt_tree_rename(T, s, sl, d, dl, force, &ver);
	if (!e && !force && find(d, dl))
		FZ_CHECK(r == -ENOENT || r == -EEXIST);
	else
		FZ_CHECK(r == want);
	if (!r) {
		u32 vl = e->vl;
		u8 *v = malloc(vl + 1);

		FZ_CHECK(v && ver == before + 1);
		memcpy(v, e->v, vl);
		o_del(s, sl);
		o_put(d, dl, v, vl, ver);
		free(v);
	}
	check_key(s, sl);
	check_key(d, dl);
}

static void do_count(void)
{
	u8 p[MAXK];
	u32 pl = gen_key(p) % 4;
	u64 lim = next() % 5, n = o_count(p, pl), cnt = ~0ull;

	FZ_CHECK(holt_tree_prefix_count(T, p, pl, lim, &cnt) == 0);
	FZ_CHECK(cnt == (lim && lim < n ? lim : n));
	FZ_CHECK(holt_tree_prefix_empty(T, p, pl) == (n == 0));
}

static void do_lpm(void)
{
	u8 k[MAXK];
	u32 kl = gen_key(k), l;
	struct fent *best = NULL;
	struct holt_ref r;
	int err;

	for (l = kl; l >= 1 && !best; l--)
		best = find(k, l);
	err = holt_tree_longest_prefix(T, k, kl, &r);
	if (!best) {
		FZ_CHECK(err == -ENOENT);
		return;
	}
	FZ_CHECK(err == 0 && r.klen == best->kl && r.version == best->ver);
}

static struct fent saved[MAXE];
static u32 saved_n;

static void o_save(void)
{
	u32 i;

	for (i = 0; i < ora_n; i++) {
		saved[i] = ora[i];
		saved[i].v = malloc(ora[i].vl + 1);
		FZ_CHECK(saved[i].v);
		memcpy(saved[i].v, ora[i].v, ora[i].vl);
	}
	saved_n = ora_n;
}

static void o_restore(bool back)
{
	u32 i;

	if (back) {
		for (i = 0; i < ora_n; i++)
			free(ora[i].v);
		memcpy(ora, saved, saved_n * sizeof(ora[0]));
		ora_n = saved_n;
	} else {
		for (i = 0; i < saved_n; i++)
			free(saved[i].v);
	}
	saved_n = 0;
}

/*
 * A batch of up to 4 operations that often share keys, simulated in order
 * on the oracle (a batch applies in order, later operations seeing earlier
 * ones; puts and deletes each draw a version), then taken back if a guard
 * fails.
 */
static void do_batch(void)
{
	struct holt_batch_op ops[4];
	u8 keys[4][MAXK];
	u32 nr = 1 + next() % 4, i, failed = ~0u, want_failed = 0;
	u64 seq0 = seq, sim = seq;
	int want = 0, r;

	memset(ops, 0, sizeof(ops));
	for (i = 0; i < nr; i++) {
		struct holt_batch_op *o = &ops[i];

		o->klen = gen_key(keys[i]);
		if (i && next() % 2) {
			u32 j = next() % i;

			if (ops[j].klen) {
				memcpy(keys[i], ops[j].key, ops[j].klen);
				o->klen = ops[j].klen;
			}
		}
		o->key = keys[i];
		switch (next() % 5) {
		case 0:
		case 1:
			o->op = HOLT_BOP_PUT;
			o->val = vbuf;
			o->vlen = next() % 64;
			break;
		case 2:
			o->op = HOLT_BOP_DEL;
			break;
		case 3:
			o->op = HOLT_BOP_ASSERT_VERSION;
			o->version = next() % 2 ? 0 : seq + next() % 4;
			break;
		default:
			o->op = HOLT_BOP_ASSERT_EMPTY;
			o->klen %= 3;
			break;
		}
	}
	o_save();
	for (i = 0; i < nr && !want; i++) {
		const struct holt_batch_op *o = &ops[i];
		struct fent *e = find(o->key, o->klen);

		switch (o->op) {
		case HOLT_BOP_PUT:
			o_put(o->key, o->klen, o->val, o->vlen, ++sim);
			break;
		case HOLT_BOP_DEL:
			if (!e)
				want = -ENOENT;
			else
				o_del(o->key, o->klen), sim++;
			break;
		case HOLT_BOP_ASSERT_VERSION:
			if ((e ? e->ver : 0) != o->version)
				want = -ECANCELED;
			break;
		case HOLT_BOP_ASSERT_EMPTY:
			if (o_count(o->key, o->klen))
				want = -ENOTEMPTY;
			break;
		}
		if (want)
			want_failed = i;
	}
	o_restore(want != 0);
	r = holt_tree_batch(T, ops, nr, &failed);
	FZ_CHECK(r == want);
	if (r) {
		FZ_CHECK(failed == want_failed);
		FZ_CHECK(seq == seq0);
	} else {
		FZ_CHECK(seq == sim);
	}
	for (i = 0; i < nr; i++)
		check_key(ops[i].key, ops[i].klen);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct holt_tree_config cfg = { .seq = &seq };
	u32 steps = 0;

	in = data;
	in_len = size;
	in_pos = 0;
	seq = 100;
	cfg.data_budget = next() % 4 ? 4096 : 0;
	T = holt_tree_create(&cfg);
	FZ_CHECK(T);
	while (in_pos < in_len && steps++ < 2000) {
		switch (next() % 10) {
		case 0:
		case 1:
		case 2:
			do_put();
			break;
		case 3:
			do_del();
			break;
		case 4: {
			u8 k[MAXK];
			u32 kl = gen_key(k);

			check_key(k, kl);
			break;
		}
		case 5:
			do_rename();
			break;
		case 6:
			do_scan();
			break;
		case 7:
			do_count();
			do_lpm();
			break;
		case 8:
			do_batch();
			break;
		default: {
			u32 n;
			int r;

			/* every other time a step of the background reclaim */
			if (steps % 2) {
				FZ_CHECK(holt_tree_compact(T) == 0);
			} else {
				r = holt_tree_reclaim(T, 1 + steps % 3, &n);
				FZ_CHECK(r == 0 || (r == 1 && n <= 1 + steps % 3));
			}
			check_all();
			break;
		}
		}
	}
	check_all();
	holt_tree_destroy(T);
	while (ora_n)
		o_del(ora[ora_n - 1].k, ora[ora_n - 1].kl);
	FZ_CHECK(holt_port_live_allocs == 0);
	return 0;
}
