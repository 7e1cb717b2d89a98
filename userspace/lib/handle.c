// SPDX-License-Identifier: GPL-2.0
/*
 * handle.c - the libholt handle: its socket, requests and replies, errors.
 *
 * libnl builds the messages, parses attributes and resolves the family.
 * Sending and receiving are done here, on the raw socket: libnl's receive
 * loop turns the kernel's errno into its own NLE_* codes and drops the
 * extended ack, and peeks every message (two system calls per reply).
 * Here one recvmsg() reads one datagram into a buffer large enough for any
 * reply, every message is matched to its request by sequence number (stale
 * replies are skipped), and errors keep the kernel's errno and text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static const struct nla_policy holt_reply_policy[HOLT_A_MAX + 1] = {
	[HOLT_A_VERSION]	= { .type = NLA_U64 },
	[HOLT_A_FLAGS]		= { .type = NLA_U32 },
	[HOLT_A_DELIMITER]	= { .type = NLA_U8 },
	[HOLT_A_LIMIT]		= { .type = NLA_U64 },
	[HOLT_A_COUNT]		= { .type = NLA_U64 },
	[HOLT_A_ENTRY]		= { .type = NLA_NESTED },
	[HOLT_A_IS_PREFIX]	= { .type = NLA_FLAG },
	[HOLT_A_BATCH]		= { .type = NLA_NESTED },
	[HOLT_A_FAILED_INDEX]	= { .type = NLA_U32 },
	[HOLT_A_MEMORY]		= { .type = NLA_FLAG },
	[HOLT_A_DURABILITY]	= { .type = NLA_U8 },
	[HOLT_A_UID]		= { .type = NLA_U32 },
	[HOLT_A_GID]		= { .type = NLA_U32 },
	[HOLT_A_MODE]		= { .type = NLA_U32 },
	[HOLT_A_STATS]		= { .type = NLA_NESTED },
	[HOLT_A_WAL_MB]		= { .type = NLA_U32 },
};

/**
 * holt_nla_err() - map a libnl error code met while building or parsing a
 * message to an errno
 * @nlerr: a negative NLE_* code
 *
 * Return: -EMSGSIZE when a message is full, -EPROTO for a malformed reply,
 * -ENOMEM when out of memory.
 */
int holt_nla_err(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM:
		return -EMSGSIZE;	/* nla_put: no room left */
	case NLE_RANGE:
	case NLE_INVAL:
	case NLE_MSG_TOOSHORT:
		return -EPROTO;
	default:
		return -EPROTO;
	}
}

static int holt_sock_new(struct nl_sock **out)
{
	struct nl_sock *sk;
	int one = 1, mib = 1 << 20, fd, err;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	err = genl_connect(sk);
	if (err < 0) {
		err = errno ? -errno : -ECONNREFUSED;
		goto free_sock;
	}
	fd = nl_socket_get_fd(sk);
	/*
	 * Big batches must fit the send buffer: ask for 1 MiB, which the
	 * kernel caps at wmem_max unless we may force it.
	 */
	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &mib, sizeof(mib));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &mib, sizeof(mib));
	/* The kernel's text for every rejection, without echoing requests. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	*out = sk;
	return 0;

free_sock:
	nl_socket_free(sk);
	return err;
}

/**
 * holt_reset_socket() - replace the handle's socket with a fresh one
 * @h: the handle
 *
 * Used when a dump is abandoned: its remaining messages would otherwise
 * stand in the way of the next request.
 *
 * Return: 0 or -errno (the handle then has no socket and fails calls).
 */
int holt_reset_socket(struct holt *h)
{
	struct nl_sock *sk;
	int err;

	if (h->sk) {
		nl_socket_free(h->sk);
		h->sk = NULL;
	}
	err = holt_sock_new(&sk);
	if (err)
		return err;
	nl_socket_disable_auto_ack(sk);
	h->sk = sk;
	return 0;
}

struct holt *holt_open(void)
{
	struct holt *h;
	int err;

	h = calloc(1, sizeof(*h));
	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->err_index = -1;
	h->rx = malloc(HOLT_RX_SIZE);
	if (!h->rx) {
		err = -ENOMEM;
		goto free_handle;
	}
	err = holt_sock_new(&h->sk);
	if (err)
		goto free_rx;
	/* libnl's resolver waits for an ack: resolve before disabling it. */
	h->family = genl_ctrl_resolve(h->sk, HOLT_GENL_NAME);
	if (h->family < 0) {
		err = h->family == -NLE_OBJ_NOTFOUND ? -ENOENT : -EPROTO;
		goto free_sock;
	}
	nl_socket_disable_auto_ack(h->sk);
	return h;

free_sock:
	nl_socket_free(h->sk);
free_rx:
	free(h->rx);
free_handle:
	free(h);
	errno = -err;
	return NULL;
}

void holt_close(struct holt *h)
{
	if (!h)
		return;
	if (h->sk)
		nl_socket_free(h->sk);
	free(h->rx);
	free(h);
}

const char *holt_errmsg(const struct holt *h)
{
	return h->errmsg;
}

/**
 * holt_clear_error() - forget the previous call's error details
 * @h: the handle
 */
void holt_clear_error(struct holt *h)
{
	h->errmsg[0] = '\0';
	h->err_has_offs = false;
	h->err_index = -1;
}

int holt_select(struct holt *h, const char *store, const char *tree)
{
	if ((store && strlen(store) >= HOLT_NAME_MAX_LEN) ||
	    (tree && strlen(tree) >= HOLT_NAME_MAX_LEN))
		return -ENAMETOOLONG;
	h->has_store = store != NULL;
	h->has_tree = tree != NULL;
	snprintf(h->store, sizeof(h->store), "%s", store ? store : "");
	snprintf(h->tree, sizeof(h->tree), "%s", tree ? tree : "");
	return 0;
}

/**
 * holt_msg_new() - a request of the holt family
 * @h: the handle
 * @cmd: HOLT_CMD_*
 * @payload: bytes of attributes it will carry beyond HOLT_MSG_SLACK
 *
 * Return: the message, or NULL when out of memory.
 */
struct nl_msg *holt_msg_new(struct holt *h, uint8_t cmd, size_t payload)
{
	struct nl_msg *m;

	holt_clear_error(h);
	m = nlmsg_alloc_size(payload + HOLT_MSG_SLACK);
	if (!m)
		return NULL;
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0, 0, cmd,
			 HOLT_GENL_VERSION)) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

/**
 * holt_msg_store() - add HOLT_A_STORE unless @store is NULL
 * @m: the request
 * @store: store name or NULL
 *
 * Return: 0 or -errno.
 */
int holt_msg_store(struct nl_msg *m, const char *store)
{
	if (!store)
		return 0;
	if (strlen(store) >= HOLT_NAME_MAX_LEN)
		return -ENAMETOOLONG;
	return nla_put_string(m, HOLT_A_STORE, store) ? -EMSGSIZE : 0;
}

/**
 * holt_msg_target() - add the selected store and tree to a data request
 * @h: the handle
 * @m: the request
 *
 * Return: 0 or -errno.
 */
int holt_msg_target(struct holt *h, struct nl_msg *m)
{
	if (h->has_store && nla_put_string(m, HOLT_A_STORE, h->store))
		return -EMSGSIZE;
	if (h->has_tree && nla_put_string(m, HOLT_A_TREE, h->tree))
		return -EMSGSIZE;
	return 0;
}

/**
 * holt_send() - send a request
 * @h: the handle
 * @m: the request (not freed)
 * @want: how it will be answered; sets NLM_F_ACK or NLM_F_DUMP
 * @seq: receives its sequence number
 *
 * Return: 0 or -errno.
 */
int holt_send(struct holt *h, struct nl_msg *m, enum holt_want want,
	      uint32_t *seq)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	ssize_t n;

	if (!h->sk)
		return -ENOTCONN;
	if (h->busy)
		return -EBUSY;
	holt_clear_error(h);
	nl_complete_msg(h->sk, m);
	if (want == HOLT_WANT_ACK)
		nlh->nlmsg_flags |= NLM_F_ACK;
	else if (want == HOLT_WANT_DUMP)
		nlh->nlmsg_flags |= NLM_F_DUMP;
	*seq = nlh->nlmsg_seq;
	do {
		n = send(nl_socket_get_fd(h->sk), nlh, nlh->nlmsg_len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != nlh->nlmsg_len)
		return -EMSGSIZE;
	return 0;
}

/* Keep the extended ack of an NLMSG_ERROR or NLMSG_DONE message. */
static void holt_parse_ext_ack(struct holt *h, const struct nlmsghdr *nlh,
			       size_t offset)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *a;
	size_t len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	offset = NLMSG_ALIGN(offset);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + offset)
		return;
	len = nlh->nlmsg_len - NLMSG_HDRLEN - offset;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)NLMSG_DATA(nlh) + offset),
		      len, NULL) < 0)
		return;
	a = tb[NLMSGERR_ATTR_MSG];
	if (a && nla_len(a) > 0) {
		len = strnlen(nla_data(a), nla_len(a));
		if (len >= sizeof(h->errmsg))
			len = sizeof(h->errmsg) - 1;
		memcpy(h->errmsg, nla_data(a), len);
		h->errmsg[len] = '\0';
	}
	a = tb[NLMSGERR_ATTR_OFFS];
	if (a && nla_len(a) == sizeof(uint32_t)) {
		h->err_has_offs = true;
		h->err_offs = nla_get_u32(a);
	}
	/*
	 * The failing operation of a batch travels as the cookie: either a
	 * bare u32 or a HOLT_A_FAILED_INDEX attribute.
	 */
	a = tb[NLMSGERR_ATTR_COOKIE];
	if (a && nla_len(a) == sizeof(uint32_t)) {
		h->err_index = nla_get_u32(a);
	} else if (a && nla_len(a) >= NLA_HDRLEN) {
		struct nlattr *ctb[HOLT_A_MAX + 1];

		if (!nla_parse(ctb, HOLT_A_MAX, nla_data(a), nla_len(a),
			       holt_reply_policy) && ctb[HOLT_A_FAILED_INDEX])
			h->err_index = nla_get_u32(ctb[HOLT_A_FAILED_INDEX]);
	}
}

static int holt_errno(int err)
{
	/* The kernel sends -errno; be lenient with a positive one. */
	if (err > 0)
		return -err;
	if (err < -4095)
		return -EPROTO;
	return err;
}

/**
 * holt_recv_one() - read one datagram of the answer to request @seq
 * @h: the handle
 * @seq: the request's sequence number
 * @want: how the request is answered
 * @fn: called for each data message (may be NULL)
 * @arg: passed to @fn
 * @finished: set when the answer is complete
 * @intr: if not NULL, set when a message carries NLM_F_DUMP_INTR
 *
 * Return: 0, the kernel's -errno (then *@finished is set), the callback's
 * -errno, or -errno of the socket.
 */
int holt_recv_one(struct holt *h, uint32_t seq, enum holt_want want,
		  holt_reply_fn fn, void *arg, bool *finished, bool *intr)
{
	struct sockaddr_nl from;
	struct iovec iov = { h->rx, HOLT_RX_SIZE };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct nlmsghdr *nlh;
	ssize_t n;
	int len, err;

	*finished = false;
	do {
		n = recvmsg(nl_socket_get_fd(h->sk), &msg, MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n > (ssize_t)HOLT_RX_SIZE || (msg.msg_flags & MSG_TRUNC))
		return -EMSGSIZE;
	if (from.nl_pid != 0)
		return 0;	/* not from the kernel */
	len = (int)n;
	for (nlh = (struct nlmsghdr *)h->rx; NLMSG_OK(nlh, len);
	     nlh = NLMSG_NEXT(nlh, len)) {
		if (nlh->nlmsg_seq != seq)
			continue;	/* stale: an abandoned request's */
		if (intr && (nlh->nlmsg_flags & NLM_F_DUMP_INTR))
			*intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_OVERRUN:
			*finished = true;
			return -EOVERFLOW;
		case NLMSG_ERROR: {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);
			size_t off = sizeof(*e);

			*finished = true;
			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EPROTO;
			if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
				off += e->msg.nlmsg_len > NLMSG_HDRLEN ?
				       e->msg.nlmsg_len - NLMSG_HDRLEN : 0;
			if (e->error)
				holt_parse_ext_ack(h, nlh, off);
			return holt_errno(e->error);
		}
		case NLMSG_DONE: {
			int derr = 0;

			*finished = true;
			if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
				memcpy(&derr, NLMSG_DATA(nlh), sizeof(int));
			if (derr)
				holt_parse_ext_ack(h, nlh, sizeof(int));
			return holt_errno(derr);
		}
		default:
			break;
		}
		if (nlh->nlmsg_type != h->family)
			continue;
		if (fn) {
			struct nlattr *tb[HOLT_A_MAX + 1];

			err = genlmsg_parse(nlh, 0, tb, HOLT_A_MAX,
					    holt_reply_policy);
			if (err < 0)
				return holt_nla_err(err);
			err = fn(h, nlh, tb, arg);
			if (err)
				return err;
		}
		if (want == HOLT_WANT_REPLY) {
			*finished = true;
			return 0;
		}
	}
	return 0;
}

/**
 * holt_transact() - send a request and read its whole answer
 * @h: the handle
 * @m: the request, freed here
 * @want: how it is answered
 * @fn: called for each data message (may be NULL)
 * @arg: passed to @fn
 *
 * When @fn fails, the rest of the answer is abandoned: the socket is
 * replaced so that it cannot be mistaken for a later answer.
 *
 * Return: 0 or -errno.
 */
int holt_transact(struct holt *h, struct nl_msg *m, enum holt_want want,
		  holt_reply_fn fn, void *arg)
{
	bool finished = false;
	uint32_t seq;
	int err;

	err = holt_send(h, m, want, &seq);
	nlmsg_free(m);
	if (err)
		return err;
	while (!finished) {
		err = holt_recv_one(h, seq, want, fn, arg, &finished, NULL);
		if (err) {
			if (!finished && want == HOLT_WANT_DUMP)
				holt_reset_socket(h);
			return err;
		}
	}
	return 0;
}

/**
 * holt_copy_name() - copy a string attribute into a fixed buffer
 * @dst: the buffer
 * @size: its size
 * @a: the attribute (NULL gives an empty string)
 *
 * Return: 0, or -EPROTO when it does not fit or is not terminated.
 */
int holt_copy_name(char *dst, size_t size, const struct nlattr *a)
{
	size_t len;

	dst[0] = '\0';
	if (!a)
		return 0;
	len = strnlen(nla_data(a), nla_len(a));
	if (len >= size)
		return -EPROTO;
	memcpy(dst, nla_data(a), len);
	dst[len] = '\0';
	return 0;
}

int holt_noop(struct holt *h)
{
	struct nl_msg *m = holt_msg_new(h, HOLT_CMD_NOOP, 0);

	if (!m)
		return -ENOMEM;
	return holt_transact(h, m, HOLT_WANT_REPLY, NULL, NULL);
}
