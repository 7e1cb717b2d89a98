// SPDX-License-Identifier: GPL-2.0
/*
 * test_core_basic.c - the engine against a sorted-array oracle: every
 * operation of tree.h on small alphabets (so keys are prefixes of each
 * other and contain NUL), with tiny, small and full frame budgets so that
 * spillover, compaction and merges happen, checking after every operation
 * and validating sealed frame copies along the way.
 */
#include "harness.h"

#include "kmod/core/tree.h"
#include "kmod/core/tree_int.h"
#include "kmod/core/validate.h"

struct ent {
	uint8_t *k, *v;
	uint32_t kl, vl;
	uint64_t ver;
};

static struct ent *ora;
static size_t nora;
static uint64_t seq;
static struct holt_tree *t;

static int kcmp(const uint8_t *a, uint32_t al, const uint8_t *b, uint32_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	if (c)
		return c;
	return al < bl ? -1 : al > bl;
}

/* index of key or insertion point (*found) */
static size_t ofind(const uint8_t *k, uint32_t kl, int *found)
{
	size_t lo = 0, hi = nora;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = kcmp(ora[mid].k, ora[mid].kl, k, kl);

		if (!c) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static void oput(const uint8_t *k, uint32_t kl, const uint8_t *v, uint32_t vl,
		 uint64_t ver)
{
	int f;
	size_t i = ofind(k, kl, &f);

	if (!f) {
		ora = realloc(ora, sizeof(*ora) * (nora + 1));
		memmove(ora + i + 1, ora + i, sizeof(*ora) * (nora - i));
		nora++;
		ora[i].k = malloc(kl);
		memcpy(ora[i].k, k, kl);
		ora[i].kl = kl;
	} else {
		free(ora[i].v);
	}
	ora[i].v = malloc(vl ? vl : 1);
	memcpy(ora[i].v, v, vl);
	ora[i].vl = vl;
	ora[i].ver = ver;
}

static void odel(size_t i)
{
	free(ora[i].k);
	free(ora[i].v);
	memmove(ora + i, ora + i + 1, sizeof(*ora) * (nora - i - 1));
	nora--;
}

static uint8_t alpha[] = { 'a', 'b', '/', 0, 'c' };

static uint32_t gen_key(uint8_t *k)
{
	uint32_t n, i;

	if (chance(1, 200)) {
		n = 100 + rnd(3000);
		for (i = 0; i < n; i++)
			k[i] = 'x';
		k[n - 1] = alpha[rnd(5)];
		return n;
	}
	n = 1 + rnd(7);
	for (i = 0; i < n; i++)
		k[i] = alpha[rnd(chance(1, 3) ? 5 : 3)];
	return n;
}

static uint32_t gen_val(uint8_t *v)
{
	uint32_t n = chance(1, 100) ? rnd(9000) : rnd(40), i;

	for (i = 0; i < n; i++)
		v[i] = (uint8_t)rnd64();
	return n;
}

static void check_get(const uint8_t *k, uint32_t kl)
{
	struct holt_ref r;
	int f, err;
	size_t i = ofind(k, kl, &f);

	err = holt_tree_get(t, k, kl, &r);
	if (!f) {
		CHECK_EQ(err, -ENOENT);
		return;
	}
	CHECK_EQ(err, 0);
	CHECK_MEM(r.val, r.vlen, ora[i].v, ora[i].vl);
	CHECK_MEM(r.key, r.klen, k, kl);
	CHECK_EQ(r.version, ora[i].ver);
}

/* ---- scans ---- */

struct item {
	uint8_t *k;
	uint32_t kl;
	int is_prefix;
	uint64_t ver;
	uint8_t *v;
	uint32_t vl;
};

struct items {
	struct item *it;
	size_t n;
};

static void items_add(struct items *s, const uint8_t *k, uint32_t kl,
		      int isp, uint64_t ver, const uint8_t *v, uint32_t vl)
{
	struct item *x;

	s->it = realloc(s->it, sizeof(*s->it) * (s->n + 1));
	x = &s->it[s->n++];
	x->k = malloc(kl ? kl : 1);
	memcpy(x->k, k, kl);
	x->kl = kl;
	x->is_prefix = isp;
	x->ver = ver;
	x->v = malloc(vl ? vl : 1);
	if (v)
		memcpy(x->v, v, vl);
	x->vl = vl;
}

static void items_free(struct items *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->it[i].k);
		free(s->it[i].v);
	}
	free(s->it);
	s->it = NULL;
	s->n = 0;
}

static int scan_cb(void *ctx, const struct holt_scan_item *it)
{
	items_add(ctx, it->key, it->klen, it->is_prefix, it->version, it->val,
		  it->val ? it->vlen : 0);
	return 0;
}

static void oracle_scan(const struct holt_scan_args *a, struct items *out)
{
	size_t i;

	for (i = 0; i < nora; i++) {
		struct ent *e = &ora[i];
		uint32_t j;

		if (a->limit && out->n >= a->limit)
			break;
		if (e->kl < a->plen || memcmp(e->k, a->prefix, a->plen))
			continue;
		if (a->delimiter >= 0) {
			for (j = a->plen; j < e->kl; j++)
				if (e->k[j] == a->delimiter)
					break;
			if (j < e->kl) {
				struct item *l = out->n ? &out->it[out->n - 1] :
							  NULL;

				if (l && l->is_prefix &&
				    !kcmp(l->k, l->kl, e->k, j + 1))
					continue;
				if (a->start_after &&
				    kcmp(e->k, j + 1, a->start_after,
					 a->salen) <= 0)
					continue;
				items_add(out, e->k, j + 1, 1, 0, NULL, 0);
				continue;
			}
		}
		if (a->start_after &&
		    kcmp(e->k, e->kl, a->start_after, a->salen) <= 0)
			continue;
		if (a->flags & HOLT_SCAN_KEYS_ONLY)
			items_add(out, e->k, e->kl, 0, e->ver, NULL, 0);
		else
			items_add(out, e->k, e->kl, 0, e->ver, e->v, e->vl);
	}
}

static void check_scan(void)
{
	uint8_t p[8], sa[8];
	struct holt_scan_args a = { 0 };
	struct items got = { 0 }, want = { 0 };
	uint32_t i;
	int err;

	a.plen = rnd(3);
	for (i = 0; i < a.plen; i++)
		p[i] = alpha[rnd(4)];
	a.prefix = p;
	if (chance(1, 2)) {
		a.salen = 1 + rnd(5);
		for (i = 0; i < a.salen; i++)
			sa[i] = alpha[rnd(4)];
		a.start_after = sa;
	}
	a.delimiter = chance(1, 2) ? -1 : (chance(2, 3) ? '/' : 0);
	a.limit = chance(1, 2) ? 0 : 1 + rnd(20);
	a.flags = chance(1, 3) ? HOLT_SCAN_KEYS_ONLY : 0;
	err = holt_tree_scan(t, &a, scan_cb, &got);
	CHECK_EQ(err, 0);
	oracle_scan(&a, &want);
	CHECK_EQ(got.n, want.n);
	for (i = 0; i < got.n; i++) {
		CHECK_MEM(got.it[i].k, got.it[i].kl, want.it[i].k,
			  want.it[i].kl);
		CHECK_EQ(got.it[i].is_prefix, want.it[i].is_prefix);
		CHECK_EQ(got.it[i].ver, want.it[i].ver);
		CHECK_MEM(got.it[i].v, got.it[i].vl, want.it[i].v,
			  want.it[i].vl);
	}
	items_free(&got);
	items_free(&want);
	/* count and emptiness */
	{
		uint64_t c = 0, w = 0, lim = chance(1, 2) ? 0 : 1 + rnd(10);

		for (i = 0; i < nora; i++)
			if (ora[i].kl >= a.plen && !memcmp(ora[i].k, p, a.plen))
				w++;
		CHECK_EQ(holt_tree_prefix_empty(t, p, a.plen), w == 0);
		CHECK_EQ(holt_tree_prefix_count(t, p, a.plen, lim, &c), 0);
		CHECK_EQ(c, lim && w > lim ? lim : w);
	}
}

static void check_lpm(void)
{
	uint8_t k[8];
	uint32_t kl = 1 + rnd(7), i;
	struct holt_ref r;
	int err, best = -1;

	for (i = 0; i < kl; i++)
		k[i] = alpha[rnd(3)];
	for (i = 0; i < nora; i++)
		if (ora[i].kl <= kl && !memcmp(ora[i].k, k, ora[i].kl))
			best = (int)i;
	err = holt_tree_longest_prefix(t, k, kl, &r);
	if (best < 0) {
		CHECK_EQ(err, -ENOENT);
		return;
	}
	CHECK_EQ(err, 0);
	CHECK_MEM(r.key, r.klen, ora[best].k, ora[best].kl);
	CHECK_EQ(r.version, ora[best].ver);
}

static int fscan_cb(void *ctx, const struct holt_scan_item *it)
{
	(*(uint64_t *)ctx) += !it->is_prefix;
	return 0;
}

static void check_frames(void)
{
	uint32_t n = holt_tree_nr_frames(t), i;
	uint8_t *buf = aligned_alloc(4096, HOLT_FRAME_SIZE);
	uint64_t leaves = 0;
	struct holt_tree_stats st;

	for (i = 0; i < n; i++) {
		CHECK_EQ(holt_tree_frame_copy(t, i, buf), 0);
		CHECK_EQ(holt_frame_validate(buf, 0), 0);
		CHECK_EQ(holt_frame_scan(buf, fscan_cb, &leaves), 0);
		/* one flipped bit: rejected or still safe */
		{
			uint32_t used;

			memcpy(&used, buf + 0x18, 4);
			buf[rnd(used)] ^= (uint8_t)(1u << rnd(8));
		}
		CHECK_EQ(holt_frame_validate(buf, 0), -EUCLEAN);
		if (!holt_frame_validate(buf, HOLT_VALIDATE_SKIP_CSUM)) {
			uint64_t x = 0;

			CHECK_EQ(holt_frame_scan(buf, fscan_cb, &x), 0);
		}
	}
	CHECK_EQ(leaves, nora);
	CHECK_EQ(holt_tree_frame_copy(t, n, buf), -EINVAL);
	holt_tree_get_stats(t, &st);
	CHECK_EQ(st.keys, nora);
	CHECK_EQ(st.frames, n);
	free(buf);
}

/* After an injected allocation failure the tree must be unchanged. */
static unsigned long nr_injected;

static int injected(int err)
{
	size_t i;
	uint64_t c = 0;

	holt_port_fail_countdown = 0;
	if (err != -ENOMEM)
		return 0;
	nr_injected++;
	for (i = 0; i < nora; i++)
		check_get(ora[i].k, ora[i].kl);
	CHECK_EQ(holt_tree_prefix_count(t, NULL, 0, 0, &c), 0);
	CHECK_EQ(c, nora);
	return 1;
}

/*
 * Walks ahead (prefetch.c) for @k and for more keys than a group takes:
 * present, absent and empty ones.  They only read: the checks after every
 * operation find the tree unchanged, and ASan any read out of place.
 */
static void walk_ahead(const uint8_t *k, uint32_t kl)
{
	const uint8_t *keys[HOLT_PREFETCH_MAX + 4];
	uint32_t klens[HOLT_PREFETCH_MAX + 4], hs[HOLT_PREFETCH_MAX], n, i;

	keys[0] = k;
	klens[0] = kl;
	keys[1] = k;
	klens[1] = 0;
	for (n = 2, i = 0; n < HOLT_PREFETCH_MAX + 4 && i < nora; n++, i++) {
		size_t j = rnd((uint32_t)nora);

		keys[n] = ora[j].k;
		klens[n] = ora[j].kl;
	}
	holt_tree_prefetch(t, keys, klens, n, hs);
	/* the hashes the batch's operations reuse: the keys', or none */
	for (i = 0; i < n && i < HOLT_PREFETCH_MAX; i++)
		CHECK(hs[i] == (t->hints.b ? holt_hint_hash(keys[i], klens[i]) :
				0), "walk-ahead hash %u", i);
}

static void run(uint32_t budget, unsigned long ops)
{
	struct holt_tree_config cfg = { .seq = &seq, .data_budget = budget };
	static uint8_t k[4096], k2[4096], v[9000];
	unsigned long op;

	t = holt_tree_create(&cfg);
	CHECK(t != NULL, "create");
	for (op = 0; op < ops; op++) {
		uint32_t kl = gen_key(k), vl, kl2, r = rnd(100);
		uint64_t ver = 0;
		int f, err;
		size_t i = ofind(k, kl, &f);

		harness_step = op;
		if (r < 84 && chance(1, 8))
			holt_port_fail_countdown = 1 + rnd(6);
		if (r < 45) {
			uint32_t flags = 0;
			uint64_t expect = 0;

			vl = gen_val(v);
			if (chance(1, 5))
				flags = HOLT_PUT_IF_ABSENT;
			else if (chance(1, 5)) {
				flags = HOLT_PUT_IF_VERSION;
				expect = f && chance(1, 2) ? ora[i].ver :
					 rnd(3);
			}
			err = holt_tree_put(t, k, kl, v, vl, flags, expect,
					    &ver);
			if (injected(err))
				continue;
			if ((flags & HOLT_PUT_IF_ABSENT) && f) {
				CHECK_EQ(err, -EEXIST);
			} else if ((flags & HOLT_PUT_IF_VERSION) &&
				   expect != (f ? ora[i].ver : 0)) {
				CHECK_EQ(err, -ECANCELED);
			} else {
				CHECK_EQ(err, 0);
				CHECK(ver == seq, "version");
				oput(k, kl, v, vl, ver);
			}
		} else if (r < 70) {
			int iv = chance(1, 4);
			uint64_t expect = f && chance(1, 2) ? ora[i].ver : 1;

			err = holt_tree_delete(t, k, kl,
					       iv ? HOLT_DEL_IF_VERSION : 0,
					       expect);
			if (injected(err))
				continue;
			if (!f)
				CHECK_EQ(err, -ENOENT);
			else if (iv && expect != ora[i].ver)
				CHECK_EQ(err, -ECANCELED);
			else {
				CHECK_EQ(err, 0);
				odel(i);
			}
		} else if (r < 78) {
			bool force = chance(1, 2);
			int f2;
			size_t j;

			kl2 = gen_key(k2);
			j = ofind(k2, kl2, &f2);
			(void)j;
			err = holt_tree_rename(t, k, kl, k2, kl2, force, &ver);
			if (injected(err))
				continue;
			if (!f) {
				CHECK_EQ(err, -ENOENT);
			} else if (f2 && !force) {
				CHECK_EQ(err, -EEXIST);
			} else {
				uint8_t *vv = malloc(ora[i].vl + 1);

				CHECK_EQ(err, 0);
				vl = ora[i].vl;
				memcpy(vv, ora[i].v, vl);
				if (kcmp(k, kl, k2, kl2))
					odel(i);
				oput(k2, kl2, vv, vl, ver);
				free(vv);
				check_get(k, kl);
			}
			check_get(k2, kl2);
		} else if (r < 84) {
			/* batch: a few puts/deletes and maybe a failing guard */
			struct holt_batch_op ops2[4];
			uint8_t bk[4][8], bv[4][8];
			uint32_t nb = 1 + rnd(4), x, failed = 99;
			int fail_at = chance(1, 3) ? (int)rnd(nb) : -1;

			for (x = 0; x < nb; x++) {
				uint32_t y, bl = 1 + rnd(5);

				for (y = 0; y < bl; y++)
					bk[x][y] = alpha[rnd(3)];
				memset(bv[x], (int)x, 8);
				memset(&ops2[x], 0, sizeof(ops2[x]));
				ops2[x].key = bk[x];
				ops2[x].klen = bl;
				if ((int)x == fail_at) {
					ops2[x].op = HOLT_BOP_ASSERT_VERSION;
					ops2[x].version = 12345678901ull;
				} else {
					ops2[x].op = HOLT_BOP_PUT;
					ops2[x].val = bv[x];
					ops2[x].vlen = 1 + x;
				}
			}
			err = holt_tree_batch(t, ops2, nb, &failed);
			if (injected(err))
				continue;
			if (fail_at >= 0) {
				CHECK_EQ(err, -ECANCELED);
				CHECK_EQ(failed, fail_at);
			} else {
				uint64_t s0 = seq - nb;

				CHECK_EQ(err, 0);
				for (x = 0; x < nb; x++)
					oput(bk[x], ops2[x].klen, bv[x],
					     ops2[x].vlen, s0 + x + 1);
			}
		} else if (r < 92) {
			holt_port_fail_countdown = 0;
			check_scan();
		} else if (r < 97) {
			check_lpm();
		} else if (r < 98) {
			CHECK_EQ(holt_tree_compact(t), 0);
		} else {
			walk_ahead(k, kl);
			check_get(k, kl);
		}
		if (op % 64 == 0) {
			for (i = 0; i < nora; i++)
				check_get(ora[i].k, ora[i].kl);
		}
		if (op % 2000 == 0)
			check_frames();
	}
	check_frames();
	{
		struct holt_tree_stats st;

		holt_tree_get_stats(t, &st);
		printf("budget %u: %lu ops, %zu keys, %llu frames, spills %llu "
		       "compactions %llu merges %llu depth %u, %lu injected "
		       "allocation failures rolled back\n", budget, ops,
		       nora, (unsigned long long)st.frames,
		       (unsigned long long)st.spills,
		       (unsigned long long)st.compactions,
		       (unsigned long long)st.merges, st.depth, nr_injected);
	}
	holt_tree_destroy(t);
	while (nora)
		odel(nora - 1);
	harness_case_ok();
}

int main(void)
{
	unsigned long ops = harness_env_u64("TEST_CORE_BASIC_OPS", 10000);

	harness_init("test_core_basic", "TEST_CORE_BASIC_SEED");
	run(4096, ops);
	run(16384, ops);
	run(0, ops);
	CHECK_EQ(holt_port_live_allocs, 0);
	return harness_done();
}
