// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz - send malformed and random generic netlink requests to the holt
 * family, for the VM tests.
 *
 *   nlfuzz [-n COUNT] [-s SEED] [-a] [-v] [-d]
 *
 * -d builds the requests without sending them (a check of nlfuzz itself).
 *
 * Each request has a random command (HOLT_CMD_FORMAT excluded: it would
 * write to a device; with -a the administrative commands that destroy
 * stores are kept out as well) and random flags (dumps included).  Three
 * in four are near-valid: the command's attributes for the store "fz" with
 * keys, values, versions and batch operations from small spaces (so that
 * they meet each other and guards sometimes hold).  On top come random
 * attributes: well-formed ones of every type with lengths around the
 * policy's (0, 1, 4, 8, 16, odd, up to 65 KiB), nests of operations, and
 * plain garbage, sometimes with a broken header.  Every request
 * asks for an ACK; nlfuzz reads until the request's ACK, error or DONE.
 *
 * It checks what it can from outside: every reply is well formed and
 * answers the request, and the family still answers a NOOP at the end.
 * The kernel's side (no Oops, no WARNING, no leak) is checked by the
 * suite's kernel-log check.  Prints a summary; exits 0 when all held, 1
 * otherwise, 2 on usage errors, 3 when the family is missing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "uapi/linux/holt.h"

#define NLFUZZ_BUF (1 << 20)

static uint64_t nlfuzz_state = 0x9e3779b97f4a7c15ULL;
static unsigned int nlfuzz_cmd;	/* of the request in flight, for -vv */

static uint32_t nlfuzz_rand(void)
{
	/* xorshift64* */
	nlfuzz_state ^= nlfuzz_state >> 12;
	nlfuzz_state ^= nlfuzz_state << 25;
	nlfuzz_state ^= nlfuzz_state >> 27;
	return (uint32_t)((nlfuzz_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static uint32_t nlfuzz_below(uint32_t n)
{
	return n ? nlfuzz_rand() % n : 0;
}

struct nlfuzz_msg {
	unsigned char *buf;
	size_t len;
	size_t cap;
};

static int nlfuzz_put(struct nlfuzz_msg *m, const void *p, size_t len)
{
	size_t pad = NLA_ALIGN(len) - len;

	if (m->len + len + pad > m->cap)
		return -1;
	if (len)
		memcpy(m->buf + m->len, p, len);
	memset(m->buf + m->len + len, 0, pad);
	m->len += len + pad;
	return 0;
}

/* Start an attribute; returns its offset (for nlfuzz_end) or -1. */
static long nlfuzz_begin(struct nlfuzz_msg *m, uint16_t type)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN, .nla_type = type };
	long off = (long)m->len;

	if (nlfuzz_put(m, &a, sizeof(a)))
		return -1;
	return off;
}

static void nlfuzz_end(struct nlfuzz_msg *m, long off)
{
	struct nlattr *a = (struct nlattr *)(m->buf + off);
	size_t len = m->len - (size_t)off;

	a->nla_len = len > 0xffff ? 0xffff : (uint16_t)len;
}

static const char *const nlfuzz_names[] = {
	"fz", "default", "t1", "mem0", "", "x/y", "a-very-long-name-"
	"0123456789012345678901234567890123456789012345678901234567890",
};

/* Random payload bytes of a plausible kind. */
static void nlfuzz_fill(unsigned char *p, size_t len)
{
	size_t i;
	uint32_t kind = nlfuzz_below(4);

	for (i = 0; i < len; i++) {
		switch (kind) {
		case 0:
			p[i] = (unsigned char)nlfuzz_rand();
			break;
		case 1:
			p[i] = "/ab/"[nlfuzz_below(4)];
			break;
		case 2:
			p[i] = 0;
			break;
		default:
			p[i] = 0xff;
			break;
		}
	}
}

static size_t nlfuzz_len(void)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 63, 64,
				       65, 255, 4095, 4096, 4097, 60000,
				       60001, 65000 };

	if (nlfuzz_below(3) == 0)
		return nlfuzz_below(300);
	return lens[nlfuzz_below(sizeof(lens) / sizeof(lens[0]))];
}

static void nlfuzz_attr(struct nlfuzz_msg *m, uint16_t type, int depth);

/* A plausible batch operation nest. */
static void nlfuzz_op(struct nlfuzz_msg *m)
{
	long off = nlfuzz_begin(m, HOLT_A_OP |
				   (nlfuzz_below(4) ? NLA_F_NESTED : 0));
	uint32_t i, n = nlfuzz_below(5);

	if (off < 0)
		return;
	for (i = 0; i < n; i++)
		nlfuzz_attr(m, (uint16_t)nlfuzz_below(HOLT_OP_A_MAX + 3), 2);
	if (nlfuzz_below(2)) {
		uint8_t t = (uint8_t)nlfuzz_below(HOLT_OP_MAX + 3);
		long a = nlfuzz_begin(m, HOLT_OP_A_TYPE);

		if (a >= 0) {
			nlfuzz_put(m, &t, 1);
			nlfuzz_end(m, a);
		}
	}
	nlfuzz_end(m, off);
}

static void nlfuzz_attr(struct nlfuzz_msg *m, uint16_t type, int depth)
{
	unsigned char tmp[256];
	long off;
	size_t len;

	if (nlfuzz_below(16) == 0)
		type |= NLA_F_NESTED;
	off = nlfuzz_begin(m, type);
	if (off < 0)
		return;
	switch (nlfuzz_below(depth < 2 ? 8 : 6)) {
	case 0: {	/* a name */
		const char *s = nlfuzz_names[nlfuzz_below(
			sizeof(nlfuzz_names) / sizeof(nlfuzz_names[0]))];

		nlfuzz_put(m, s, strlen(s) + nlfuzz_below(2));
		break;
	}
	case 1: {	/* u8/u32/u64 sized */
		static const size_t w[] = { 1, 4, 8 };

		len = w[nlfuzz_below(3)];
		nlfuzz_fill(tmp, len);
		nlfuzz_put(m, tmp, len);
		break;
	}
	case 6:		/* a nest of operations */
	case 7: {
		uint32_t i, n = nlfuzz_below(6);

		for (i = 0; i < n; i++)
			nlfuzz_op(m);
		break;
	}
	default:	/* bytes */
		len = nlfuzz_len();
		if (m->len + NLA_ALIGN(len) + 64 > m->cap)
			len = 16;
		{
			unsigned char *p = m->buf + m->len;

			if (m->len + NLA_ALIGN(len) <= m->cap) {
				nlfuzz_fill(p, len);
				memset(p + len, 0, NLA_ALIGN(len) - len);
				m->len += NLA_ALIGN(len);
			}
		}
		break;
	}
	nlfuzz_end(m, off);
}

static void nlfuzz_add(struct nlfuzz_msg *m, uint16_t type, const void *p,
		       size_t len)
{
	long off = nlfuzz_begin(m, type);

	if (off < 0)
		return;
	nlfuzz_put(m, p, len);
	nlfuzz_end(m, off);
}

/* A key from a small space, so that operations meet each other's keys. */
static size_t nlfuzz_key(unsigned char *k, size_t cap)
{
	size_t len = 0, i, parts = 1 + nlfuzz_below(4);

	for (i = 0; i < parts && len + 3 <= cap; i++) {
		k[len++] = '/';
		k[len++] = "abcd"[nlfuzz_below(4)];
		if (nlfuzz_below(2))
			k[len++] = "xy"[nlfuzz_below(2)];
	}
	if (nlfuzz_below(50) == 0)
		len = 0;		/* empty: invalid for most commands */
	return len;
}

static void nlfuzz_u64(struct nlfuzz_msg *m, uint16_t type, uint64_t v)
{
	nlfuzz_add(m, type, &v, sizeof(v));
}

static void nlfuzz_u32(struct nlfuzz_msg *m, uint16_t type, uint32_t v)
{
	nlfuzz_add(m, type, &v, sizeof(v));
}

/*
 * A near-valid request for @cmd: the attributes the command takes, with
 * values from small spaces (so that guards sometimes hold), each left out
 * now and then.
 */
/* Whether near-valid requests for @cmd carry attribute @a (1 in 12 when not). */
static int nlfuzz_takes(uint8_t cmd, int a)
{
	static const char *const uses[HOLT_CMD_MAX + 1] = {
		[HOLT_CMD_GET] = "k",
		[HOLT_CMD_PUT] = "kvfV",
		[HOLT_CMD_DEL] = "kfV",
		[HOLT_CMD_RENAME] = "kdf",
		[HOLT_CMD_COUNT] = "pl",
		[HOLT_CMD_LONGEST_PREFIX] = "k",
		[HOLT_CMD_SCAN] = "psDlf",
		[HOLT_CMD_TREE_CREATE] = "T",
		[HOLT_CMD_TREE_DROP] = "T",
		[HOLT_CMD_STATS] = "",
		[HOLT_CMD_COMPACT] = "",
	};

	if (cmd <= HOLT_CMD_MAX && uses[cmd] && strchr(uses[cmd], a))
		return nlfuzz_below(8) != 0;
	return nlfuzz_below(12) == 0;
}

static void nlfuzz_valid(struct nlfuzz_msg *m, uint8_t cmd)
{
	unsigned char k[64], v[300];
	size_t klen;
	uint32_t i, n;

	if (nlfuzz_below(10))
		nlfuzz_add(m, HOLT_A_STORE, "fz", 3);
	if (nlfuzz_takes(cmd, 'T') || nlfuzz_below(4) == 0) {
		if (nlfuzz_below(2))
			nlfuzz_add(m, HOLT_A_TREE, "t1", 3);
		else
			nlfuzz_add(m, HOLT_A_TREE, "default", 8);
	}
	if (nlfuzz_takes(cmd, 'k')) {
		klen = nlfuzz_key(k, sizeof(k));
		nlfuzz_add(m, HOLT_A_KEY, k, klen);
	}
	if (nlfuzz_takes(cmd, 'v')) {
		size_t vl = nlfuzz_below(sizeof(v));

		nlfuzz_fill(v, vl);
		nlfuzz_add(m, HOLT_A_VALUE, v, vl);
	}
	if (nlfuzz_takes(cmd, 'f') && nlfuzz_below(2))
		nlfuzz_u32(m, HOLT_A_FLAGS, nlfuzz_below(8) ?
			   1U << nlfuzz_below(4) : nlfuzz_rand());
	if (nlfuzz_takes(cmd, 'V') && nlfuzz_below(2))
		nlfuzz_u64(m, HOLT_A_VERSION, nlfuzz_below(8) ?
			   nlfuzz_below(200) : ((uint64_t)nlfuzz_rand() << 32));
	if (nlfuzz_takes(cmd, 'd')) {
		klen = nlfuzz_key(k, sizeof(k));
		nlfuzz_add(m, HOLT_A_DST_KEY, k, klen);
	}
	if (nlfuzz_takes(cmd, 'p') && nlfuzz_below(2)) {
		klen = nlfuzz_key(k, sizeof(k));
		nlfuzz_add(m, HOLT_A_PREFIX, k, klen / (1 + nlfuzz_below(3)));
	}
	if (nlfuzz_takes(cmd, 's') && nlfuzz_below(2)) {
		klen = nlfuzz_key(k, sizeof(k));
		nlfuzz_add(m, HOLT_A_START_AFTER, k, klen);
	}
	if (nlfuzz_takes(cmd, 'D') && nlfuzz_below(2)) {
		uint8_t d = nlfuzz_below(4) ? '/' : (uint8_t)nlfuzz_rand();

		nlfuzz_add(m, HOLT_A_DELIMITER, &d, 1);
	}
	if (nlfuzz_takes(cmd, 'l') && nlfuzz_below(2))
		nlfuzz_u64(m, HOLT_A_LIMIT, nlfuzz_below(20));
	if (cmd == HOLT_CMD_BATCH || nlfuzz_below(20) == 0) {
		long nest = nlfuzz_below(3) ?
			nlfuzz_begin(m, HOLT_A_BATCH | NLA_F_NESTED) : -1;

		n = nlfuzz_below(12);
		for (i = 0; i < n; i++) {
			long op = nlfuzz_begin(m, HOLT_A_OP | NLA_F_NESTED);
			uint8_t t = (uint8_t)(1 + nlfuzz_below(HOLT_OP_MAX));

			if (op < 0)
				break;
			nlfuzz_add(m, HOLT_OP_A_TYPE, &t, 1);
			klen = nlfuzz_key(k, sizeof(k));
			nlfuzz_add(m, HOLT_OP_A_KEY, k, klen);
			if (nlfuzz_below(2)) {
				if (t == HOLT_OP_RENAME)
					klen = nlfuzz_key(v, sizeof(v));
				else
					nlfuzz_fill(v, klen = nlfuzz_below(40));
				nlfuzz_add(m, HOLT_OP_A_VALUE, v, klen);
			}
			if (nlfuzz_below(2))
				nlfuzz_u64(m, HOLT_OP_A_VERSION,
					   nlfuzz_below(200));
			if (nlfuzz_below(4) == 0)
				nlfuzz_u32(m, HOLT_OP_A_FLAGS,
					   nlfuzz_below(2) ? HOLT_F_FORCE :
					   nlfuzz_rand());
			nlfuzz_end(m, op);
		}
		if (nest >= 0)
			nlfuzz_end(m, nest);
	}
}

static int nlfuzz_family(int fd, uint16_t *id)
{
	static unsigned char buf[8192];
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		unsigned char a[64];
	} req;
	struct nlattr *a = (struct nlattr *)req.a;
	ssize_t r;

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_type = GENL_ID_CTRL;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.n.nlmsg_seq = 1;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(HOLT_GENL_NAME);
	memcpy(req.a + NLA_HDRLEN, HOLT_GENL_NAME, sizeof(HOLT_GENL_NAME));
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
	if (send(fd, &req, req.n.nlmsg_len, 0) < 0)
		return -1;
	r = recv(fd, buf, sizeof(buf), 0);
	if (r < (ssize_t)NLMSG_LENGTH(GENL_HDRLEN))
		return -1;
	{
		struct nlmsghdr *n = (struct nlmsghdr *)buf;
		unsigned char *p = NLMSG_DATA(n) + GENL_HDRLEN;
		unsigned char *end = buf + (n->nlmsg_len < r ? n->nlmsg_len :
					    (size_t)r);

		if (n->nlmsg_type == NLMSG_ERROR)
			return -1;
		while (p + NLA_HDRLEN <= end) {
			struct nlattr *x = (struct nlattr *)p;

			if (x->nla_len < NLA_HDRLEN || p + x->nla_len > end)
				break;
			if ((x->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID) {
				memcpy(id, p + NLA_HDRLEN, 2);
				return 0;
			}
			p += NLA_ALIGN(x->nla_len);
		}
	}
	return -1;
}

struct nlfuzz_stats {
	unsigned long sent, acks, errors, dumps, timeouts, bad;
	unsigned long by_errno[4096];
};

/* Print the extended-ack message of error reply @n (-vv). */
static void nlfuzz_extack(struct nlmsghdr *n, struct nlmsgerr *e)
{
	unsigned char *p = (unsigned char *)NLMSG_DATA(n) + sizeof(*e);
	unsigned char *end = (unsigned char *)n + n->nlmsg_len;

	if (!(n->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (p + NLA_HDRLEN <= end) {
		struct nlattr *a = (struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			return;
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			fprintf(stderr, "nlfuzz: cmd %u: error %d: %.*s\n",
				nlfuzz_cmd, e->error,
				(int)(a->nla_len - NLA_HDRLEN), p + NLA_HDRLEN);
		p += NLA_ALIGN(a->nla_len);
	}
}

/* Read the replies to request @seq; -1 on a malformed reply. */
static int nlfuzz_replies(int fd, uint32_t seq, unsigned char *buf,
			  struct nlfuzz_stats *st, int verbose)
{
	for (;;) {
		ssize_t r = recv(fd, buf, NLFUZZ_BUF, 0);
		struct nlmsghdr *n;
		size_t left;

		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				st->timeouts++;
				return 0;
			}
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			return 0;
		}
		left = (size_t)r;
		for (n = (struct nlmsghdr *)buf; NLMSG_OK(n, left);
		     n = NLMSG_NEXT(n, left)) {
			if (n->nlmsg_seq != seq)
				continue;	/* a late reply to an earlier one */
			if (n->nlmsg_type == NLMSG_DONE) {
				st->dumps++;
				return 0;
			}
			if (n->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(n);

				if (n->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
					st->bad++;
					return -1;
				}
				if (e->error > 0 || e->error < -4095) {
					if (verbose)
						fprintf(stderr,
							"nlfuzz: error %d\n",
							e->error);
					st->bad++;
					return -1;
				}
				if (e->error) {
					st->errors++;
					st->by_errno[-e->error]++;
					if (verbose > 1)
						nlfuzz_extack(n, e);
				}
				else
					st->acks++;
				if (!(n->nlmsg_flags & NLM_F_MULTI))
					return 0;
			}
		}
		if (left && verbose)
			fprintf(stderr, "nlfuzz: %zu trailing bytes\n", left);
	}
}

static int nlfuzz_noop(int fd, uint16_t fam, unsigned char *buf)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} req;
	ssize_t r;
	int tries;

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = sizeof(req);
	req.n.nlmsg_type = fam;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.n.nlmsg_seq = 0xfffffff0;
	req.g.cmd = HOLT_CMD_NOOP;
	req.g.version = HOLT_GENL_VERSION;
	if (send(fd, &req, sizeof(req), 0) < 0)
		return -1;
	for (tries = 0; tries < 100; tries++) {
		struct nlmsghdr *n = (struct nlmsghdr *)buf;
		size_t left;

		r = recv(fd, buf, NLFUZZ_BUF, 0);
		if (r < 0)
			return -1;
		left = (size_t)r;
		for (; NLMSG_OK(n, left); n = NLMSG_NEXT(n, left)) {
			if (n->nlmsg_seq != req.n.nlmsg_seq)
				continue;
			if (n->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(n);

				return e->error ? -1 : 0;
			}
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	static struct nlfuzz_stats st;
	unsigned long count = 20000, i;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_usec = 300000 };
	struct nlfuzz_msg m;
	unsigned char *rbuf;
	int fd = -1, opt, verbose = 0, safe = 0, failed = 0, dry = 0;
	uint16_t fam;

	while ((opt = getopt(argc, argv, "n:s:avd")) != -1) {
		switch (opt) {
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 's':
			nlfuzz_state ^= strtoull(optarg, NULL, 0) *
					0x9e3779b97f4a7c15ULL;
			if (!nlfuzz_state)
				nlfuzz_state = 1;
			break;
		case 'a':
			safe = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'd':
			dry = 1;
			break;
		default:
			fprintf(stderr, "usage: nlfuzz [-n COUNT] [-s SEED] [-a] [-v] [-d]\n");
			return 2;
		}
	}
	if (dry) {
		fam = GENL_MIN_ID;
		goto built;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("nlfuzz: socket");
		return 3;
	}
	{
		int one = 1, big = 4 << 20;

		setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
		setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	}
	if (nlfuzz_family(fd, &fam)) {
		fprintf(stderr, "nlfuzz: no generic netlink family %s\n",
			HOLT_GENL_NAME);
		return 3;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
built:
	m.cap = 128 * 1024;
	m.buf = malloc(m.cap);
	rbuf = malloc(NLFUZZ_BUF);
	if (!m.buf || !rbuf)
		return 3;

	for (i = 0; i < count; i++) {
		struct nlmsghdr *n = (struct nlmsghdr *)m.buf;
		struct genlmsghdr *g;
		uint32_t k, nattr = nlfuzz_below(8);
		uint8_t cmd;

		do {
			cmd = (uint8_t)nlfuzz_below(nlfuzz_below(20) ?
						     HOLT_CMD_MAX + 1 : 256);
		} while (cmd == HOLT_CMD_FORMAT ||
			 (safe && (cmd == HOLT_CMD_STORE_DETACH ||
				   cmd == HOLT_CMD_STORE_SET ||
				   cmd == HOLT_CMD_TREE_DROP)));
		memset(m.buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
		m.len = NLMSG_HDRLEN + GENL_HDRLEN;
		g = NLMSG_DATA(n);
		g->cmd = cmd;
		nlfuzz_cmd = cmd;
		g->version = nlfuzz_below(8) ? HOLT_GENL_VERSION :
			     (uint8_t)nlfuzz_rand();
		/* near-valid, with a random attribute added now and then */
		if (nlfuzz_below(4)) {
			nlfuzz_valid(&m, cmd);
			nattr = nlfuzz_below(4) ? 0 : 1 + nlfuzz_below(2);
		}
		for (k = 0; k < nattr; k++)
			nlfuzz_attr(&m, (uint16_t)nlfuzz_below(HOLT_A_MAX + 3), 0);
		if (nlfuzz_below(10) == 0 && m.len + 64 <= m.cap) {
			/* trailing garbage */
			size_t len = nlfuzz_below(64);

			nlfuzz_fill(m.buf + m.len, len);
			m.len += len;
		}
		n->nlmsg_len = (uint32_t)m.len;
		if (nlfuzz_below(200) == 0)	/* a lying header */
			n->nlmsg_len = (uint32_t)nlfuzz_below((uint32_t)m.len + 1);
		n->nlmsg_type = fam;
		n->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		/* dumps for the dump commands, mostly */
		if ((cmd == HOLT_CMD_SCAN || cmd == HOLT_CMD_TREE_LIST ||
		     cmd == HOLT_CMD_STORE_LIST) == (nlfuzz_below(10) != 0))
			n->nlmsg_flags |= NLM_F_DUMP;
		n->nlmsg_seq = (uint32_t)i + 2;
		if (dry) {
			st.sent++;
			continue;
		}
		if (send(fd, m.buf, m.len, 0) < 0) {
			if (verbose)
				perror("nlfuzz: send");
			continue;
		}
		st.sent++;
		if (nlfuzz_replies(fd, (uint32_t)i + 2, rbuf, &st, verbose))
			failed = 1;
	}
	if (!dry && nlfuzz_noop(fd, fam, rbuf)) {
		fprintf(stderr, "nlfuzz: the family no longer answers a NOOP\n");
		failed = 1;
	}
	printf("nlfuzz: %lu sent, %lu acks, %lu errors, %lu dumps, %lu without reply, %lu malformed replies\n",
	       st.sent, st.acks, st.errors, st.dumps, st.timeouts, st.bad);
	if (verbose) {
		for (i = 0; i < 4096; i++)
			if (st.by_errno[i])
				printf("  %-24s %lu\n", strerror((int)i),
				       st.by_errno[i]);
	}
	free(m.buf);
	free(rbuf);
	if (fd >= 0)
		close(fd);
	return failed;
}
