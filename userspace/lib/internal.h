/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - what the files of libholt share and users do not see.
 */
#ifndef LIBHOLT_INTERNAL_H
#define LIBHOLT_INTERNAL_H

#include <stdbool.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include "holt.h"

/* Receive buffer: a do reply is at most a key, a value and small change. */
#define HOLT_RX_SIZE		(256u * 1024)
/* The longest attribute payload netlink can carry (nla_len is a u16). */
#define HOLT_NLA_MAX		(0xffffu - NLA_HDRLEN)
/* Room for the headers and small attributes of a request. */
#define HOLT_MSG_SLACK		1024u

struct holt {
	struct nl_sock *sk;
	int family;
	bool has_store;
	bool has_tree;
	bool busy;		/* a scan iterator owns the socket */
	char store[HOLT_NAME_MAX_LEN];
	char tree[HOLT_NAME_MAX_LEN];
	char errmsg[512];
	/* What the last error's extended ack carried besides the text. */
	bool err_has_offs;
	uint32_t err_offs;
	long err_index;		/* HOLT_A_FAILED_INDEX, -1 if none */
	unsigned char *rx;
};

/* How a request is answered. */
enum holt_want {
	HOLT_WANT_ACK,		/* an ack and no data */
	HOLT_WANT_REPLY,	/* one data message, no ack asked for */
	HOLT_WANT_DUMP,		/* data messages until NLMSG_DONE */
};

/*
 * Called for each data message of a reply with its attributes parsed
 * (tb[HOLT_A_MAX + 1]); returns 0 or -errno, which ends the exchange.
 */
typedef int (*holt_reply_fn)(struct holt *h, const struct nlmsghdr *nlh,
			     struct nlattr **tb, void *arg);

struct nl_msg *holt_msg_new(struct holt *h, uint8_t cmd, size_t payload);
int holt_msg_target(struct holt *h, struct nl_msg *m);
int holt_msg_store(struct nl_msg *m, const char *store);
int holt_send(struct holt *h, struct nl_msg *m, enum holt_want want,
	      uint32_t *seq);
int holt_recv_one(struct holt *h, uint32_t seq, enum holt_want want,
		  holt_reply_fn fn, void *arg, bool *finished, bool *intr);
int holt_transact(struct holt *h, struct nl_msg *m, enum holt_want want,
		  holt_reply_fn fn, void *arg);
int holt_reset_socket(struct holt *h);
void holt_clear_error(struct holt *h);
int holt_nla_err(int nlerr);
int holt_copy_name(char *dst, size_t size, const struct nlattr *a);

/* Entries of a scan reply message, parsed in place. */
int holt_parse_entry(const struct nlattr *nest, struct holt_entry *e);

#endif /* LIBHOLT_INTERNAL_H */
