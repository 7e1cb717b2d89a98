// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c - the generic netlink family "holt": policies, permission
 * checks, request handlers and dumps.  The ABI is documented in
 * uapi/linux/holt.h and Documentation/netlink.rst.
 *
 * DOC: Requests
 *
 * A data request resolves its target (store, then tree) with
 * holt_nl_target_open(), which pins the store, takes its lock shared (reads)
 * or exclusive (writes), checks the caller against the store's mode, and
 * finds the tree; holt_nl_target_close() undoes all of that.  Replies that
 * carry values are sized from the value found, while the lock is still
 * held, since the value lives in frame memory only until the next write.
 *
 * Dumps (scan, tree list, store list) keep their cursor in a state
 * allocated by .start and freed by .done: the last item sent, never an
 * index, so a change between two messages neither skips nor repeats an item
 * that exists throughout.  They hold no store reference and no lock between
 * messages; they remember the store's and tree's ids and end with ENOENT if
 * either went away.  Errors found while resolving the target are reported
 * by the first dumpit call rather than by .start, because only dumpit can
 * attach an extended-ack message (it travels in NLMSG_DONE).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink.h"
#include "store.h"
#include "persist.h"

/* genl_ops.internal_flags: the command needs CAP_SYS_ADMIN. */
#define HOLT_NL_ADMIN 0x1

/* The largest HOLT_A_ENTRY a scan may have to send, with or without value. */
#define HOLT_NL_ENTRY_KEYS_MAX						\
	nla_total_size(nla_total_size(HOLT_KEY_MAX_LEN) +		\
		       nla_total_size_64bit(sizeof(u64)))
#define HOLT_NL_ENTRY_MAX						\
	nla_total_size(nla_total_size(HOLT_KEY_MAX_LEN) +		\
		       nla_total_size(HOLT_VAL_MAX_LEN) +		\
		       nla_total_size_64bit(sizeof(u64)))

static struct genl_family holt_nl_family;

/* Policies */

static int holt_nl_check_key(const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	if (nla_len(attr) < 1) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "empty key");
		return -EINVAL;
	}
	if (nla_len(attr) > HOLT_KEY_MAX_LEN) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "key longer than HOLT_KEY_MAX_LEN (4096) bytes");
		return -E2BIG;
	}
	return 0;
}

static int holt_nl_check_prefix(const struct nlattr *attr,
				struct netlink_ext_ack *extack)
{
	if (nla_len(attr) > HOLT_KEY_MAX_LEN) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "key or prefix longer than HOLT_KEY_MAX_LEN (4096) bytes");
		return -E2BIG;
	}
	return 0;
}

static int holt_nl_check_value(const struct nlattr *attr,
			       struct netlink_ext_ack *extack)
{
	if (nla_len(attr) > HOLT_VAL_MAX_LEN) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "value longer than HOLT_VAL_MAX_LEN (60000) bytes");
		return -E2BIG;
	}
	return 0;
}

#define HOLT_NL_REPLY_ONLY						\
	{ .type = NLA_REJECT,						\
	  .reject_message = "attribute only sent by the kernel" }

static const struct nla_policy holt_nl_op_policy[HOLT_OP_A_MAX + 1] = {
	[HOLT_OP_A_UNSPEC]	= { .strict_start_type = HOLT_OP_A_UNSPEC + 1 },
	[HOLT_OP_A_TYPE]	= NLA_POLICY_RANGE(NLA_U8, HOLT_OP_PUT,
						   HOLT_OP_MAX),
	/* May be empty for HOLT_OP_ASSERT_EMPTY: checked per type. */
	[HOLT_OP_A_KEY]		= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 holt_nl_check_prefix),
	[HOLT_OP_A_VALUE]	= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 holt_nl_check_value),
	[HOLT_OP_A_VERSION]	= { .type = NLA_U64 },
	[HOLT_OP_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, HOLT_F_FORCE),
	[HOLT_OP_A_PAD]		= HOLT_NL_REPLY_ONLY,
};

static const struct nla_policy holt_nl_policy[HOLT_A_MAX + 1] = {
	[HOLT_A_UNSPEC]		= { .strict_start_type = HOLT_A_UNSPEC + 1 },
	[HOLT_A_STORE]		= { .type = NLA_NUL_STRING,
				    .len = HOLT_NAME_MAX_LEN - 1 },
	[HOLT_A_TREE]		= { .type = NLA_NUL_STRING,
				    .len = HOLT_NAME_MAX_LEN - 1 },
	[HOLT_A_KEY]		= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 holt_nl_check_key),
	[HOLT_A_VALUE]		= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 holt_nl_check_value),
	[HOLT_A_VERSION]	= { .type = NLA_U64 },
	[HOLT_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32, __HOLT_F_ALL),
	[HOLT_A_DST_KEY]	= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 holt_nl_check_key),
	[HOLT_A_PREFIX]		= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 holt_nl_check_prefix),
	[HOLT_A_START_AFTER]	= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 holt_nl_check_prefix),
	[HOLT_A_DELIMITER]	= { .type = NLA_U8 },
	[HOLT_A_LIMIT]		= { .type = NLA_U64 },
	[HOLT_A_COUNT]		= HOLT_NL_REPLY_ONLY,
	[HOLT_A_ENTRY]		= HOLT_NL_REPLY_ONLY,
	[HOLT_A_IS_PREFIX]	= HOLT_NL_REPLY_ONLY,
	[HOLT_A_BATCH]		= NLA_POLICY_NESTED_ARRAY(holt_nl_op_policy),
	[HOLT_A_OP]		= NLA_POLICY_NESTED(holt_nl_op_policy),
	[HOLT_A_FAILED_INDEX]	= HOLT_NL_REPLY_ONLY,
	[HOLT_A_MEMORY]		= { .type = NLA_FLAG },
	[HOLT_A_DEVICE]		= { .type = NLA_NUL_STRING,
				    .len = HOLT_PATH_MAX_LEN - 1 },
	[HOLT_A_DURABILITY]	= NLA_POLICY_MAX(NLA_U8,
						 __HOLT_DURABILITY_MAX - 1),
	[HOLT_A_UID]		= { .type = NLA_U32 },
	[HOLT_A_GID]		= { .type = NLA_U32 },
	[HOLT_A_MODE]		= NLA_POLICY_MAX(NLA_U32, 0777),
	[HOLT_A_STATS]		= HOLT_NL_REPLY_ONLY,
	[HOLT_A_WAL_MB]		= { .type = NLA_U32 },
	[HOLT_A_CACHE_MB]	= { .type = NLA_U32 },
	[HOLT_A_PAD]		= HOLT_NL_REPLY_ONLY,
};

/* Helpers shared by the handlers */

static int holt_nl_require(struct genl_info *info, int type)
{
	if (info->attrs[type])
		return 0;
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, type);
	NL_SET_ERR_MSG(info->extack, "a required attribute is missing");
	return -EINVAL;
}

static const char *holt_nl_str(struct nlattr **attrs, int type)
{
	return attrs[type] ? nla_data(attrs[type]) : NULL;
}

/*
 * Read HOLT_A_FLAGS (0 when absent) and refuse bits that mean nothing for
 * this command.
 */
static int holt_nl_flags(struct nlattr **attrs, struct netlink_ext_ack *extack,
			 u32 allowed, u32 *flags)
{
	*flags = attrs[HOLT_A_FLAGS] ? nla_get_u32(attrs[HOLT_A_FLAGS]) : 0;
	if (*flags & ~allowed) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[HOLT_A_FLAGS],
				    "flag not valid for this command");
		return -EINVAL;
	}
	return 0;
}

/* Explain a failed store lookup (see holt_store_get()). */
static void holt_nl_store_err(struct netlink_ext_ack *extack,
			      const struct nlattr *name, int err)
{
	if (name)
		NL_SET_ERR_MSG_ATTR(extack, name, "no store with this name");
	else if (err == -ENOENT)
		NL_SET_ERR_MSG(extack, "no store attached");
	else
		NL_SET_ERR_MSG(extack,
			       "several stores attached: name one with HOLT_A_STORE");
}

static struct holt_store *holt_nl_store_get(struct nlattr **attrs,
					    struct netlink_ext_ack *extack)
{
	struct holt_store *s = holt_store_get(holt_nl_str(attrs, HOLT_A_STORE));

	if (IS_ERR(s))
		holt_nl_store_err(extack, attrs[HOLT_A_STORE], PTR_ERR(s));
	return s;
}

/* Explain an error of the engine on a single-key operation. */
static void holt_nl_engine_err(struct netlink_ext_ack *extack, int err)
{
	switch (err) {
	case -ENOENT:
		NL_SET_ERR_MSG(extack, "key not found");
		break;
	case -EEXIST:
		NL_SET_ERR_MSG(extack, "key exists");
		break;
	case -ECANCELED:
		NL_SET_ERR_MSG(extack, "version guard failed: the key's version differs");
		break;
	case -ENOTEMPTY:
		NL_SET_ERR_MSG(extack, "prefix not empty");
		break;
	case -E2BIG:
		NL_SET_ERR_MSG(extack, "key or value too long");
		break;
	case -ENOMEM:
		NL_SET_ERR_MSG(extack, "out of memory; nothing changed");
		break;
	case -EUCLEAN:
		NL_SET_ERR_MSG(extack, "damaged frame met; nothing changed");
		break;
	case -EINVAL:
		NL_SET_ERR_MSG(extack, "invalid arguments");
		break;
	case -EIO:
		NL_SET_ERR_MSG(extack, "the store's device failed: the change is not durable and the store refuses further writes");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG(extack, "the store's device is full (log or frame slots); nothing changed");
		break;
	default:
		NL_SET_ERR_MSG(extack, "the engine failed");
		break;
	}
}

/* The store and tree a data command addresses, pinned and locked. */
struct holt_nl_target {
	struct holt_store *s;
	struct holt_store_tree *st;
	bool write;
};

static int holt_nl_target_open(struct nlattr **attrs,
			       struct netlink_ext_ack *extack, int mask,
			       struct holt_nl_target *t)
{
	int err;

	t->s = holt_nl_store_get(attrs, extack);
	if (IS_ERR(t->s))
		return PTR_ERR(t->s);
	t->write = mask & HOLT_STORE_MAY_WRITE;
	if (t->write)
		holt_store_write_lock(t->s);
	else
		holt_store_read_lock(t->s);
	err = holt_store_permission(t->s, mask);
	if (err) {
		if (t->write)
			NL_SET_ERR_MSG(extack,
				       "permission denied: the store's mode does not grant write");
		else
			NL_SET_ERR_MSG(extack,
				       "permission denied: the store's mode does not grant read");
		goto err_unlock;
	}
	t->st = holt_store_tree_find(t->s, holt_nl_str(attrs, HOLT_A_TREE));
	if (!t->st) {
		err = -ENOENT;
		if (attrs[HOLT_A_TREE])
			NL_SET_ERR_MSG_ATTR(extack, attrs[HOLT_A_TREE],
					    "no tree with this name in the store");
		else
			NL_SET_ERR_MSG(extack, "the store has no default tree");
		goto err_unlock;
	}
	return 0;

err_unlock:
	if (t->write)
		holt_store_write_unlock(t->s);
	else
		holt_store_read_unlock(t->s);
	holt_store_put(t->s);
	return err;
}

/* For a write: 0, or -EIO when what it logged could not be made durable. */
static int holt_nl_target_close(struct holt_nl_target *t)
{
	int err = 0;

	if (t->write)
		err = holt_store_write_end(t->s);
	else
		holt_store_read_unlock(t->s);
	holt_store_put(t->s);
	return err;
}

/* A reply of @size attribute bytes; NULL after setting the ext-ack. */
static struct sk_buff *holt_nl_reply_new(struct genl_info *info, u8 cmd,
					 size_t size, void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		goto err_nomem;
	*hdr = genlmsg_put_reply(msg, info, &holt_nl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		goto err_nomem;
	}
	return msg;

err_nomem:
	NL_SET_ERR_MSG(info->extack, "out of memory for the reply");
	return NULL;
}

static int holt_nl_reply_overflow(struct genl_info *info, struct sk_buff *msg)
{
	nlmsg_free(msg);
	NL_SET_ERR_MSG(info->extack, "reply did not fit its message");
	return -EMSGSIZE;
}

/* Data commands */

static int holt_nl_noop(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = holt_nl_reply_new(info, HOLT_CMD_NOOP, 0, &hdr);
	if (!msg)
		return -ENOMEM;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int holt_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct holt_nl_target t;
	struct holt_ref ref;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = holt_nl_require(info, HOLT_A_KEY);
	if (err)
		return err;
	err = holt_nl_target_open(attrs, info->extack, HOLT_STORE_MAY_READ,
				  &t);
	if (err)
		return err;
	err = holt_store_get_key(t.st, nla_data(attrs[HOLT_A_KEY]),
				 nla_len(attrs[HOLT_A_KEY]), &ref);
	if (err) {
		holt_nl_engine_err(info->extack, err);
		goto out_close;
	}
	err = -ENOMEM;
	msg = holt_nl_reply_new(info, HOLT_CMD_GET,
				nla_total_size(ref.vlen) +
				nla_total_size_64bit(sizeof(u64)), &hdr);
	if (!msg)
		goto out_close;
	if (nla_put(msg, HOLT_A_VALUE, ref.vlen, ref.val) ||
	    nla_put_u64_64bit(msg, HOLT_A_VERSION, ref.version, HOLT_A_PAD)) {
		err = holt_nl_reply_overflow(info, msg);
		goto out_close;
	}
	holt_nl_target_close(&t);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_close:
	holt_nl_target_close(&t);
	return err;
}

/* Reply with one HOLT_A_VERSION. */
static int holt_nl_reply_version(struct genl_info *info, u8 cmd, u64 version)
{
	struct sk_buff *msg;
	void *hdr;

	msg = holt_nl_reply_new(info, cmd, nla_total_size_64bit(sizeof(u64)),
				&hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u64_64bit(msg, HOLT_A_VERSION, version, HOLT_A_PAD))
		return holt_nl_reply_overflow(info, msg);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int holt_nl_put(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct holt_nl_target t;
	u32 flags, tflags = 0;
	u64 expect = 0, version;
	int err;

	err = holt_nl_require(info, HOLT_A_KEY) ?:
	      holt_nl_require(info, HOLT_A_VALUE) ?:
	      holt_nl_flags(attrs, info->extack,
			    HOLT_F_IF_ABSENT | HOLT_F_IF_VERSION, &flags);
	if (err)
		return err;
	if ((flags & HOLT_F_IF_ABSENT) && (flags & HOLT_F_IF_VERSION)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[HOLT_A_FLAGS],
				    "HOLT_F_IF_ABSENT and HOLT_F_IF_VERSION exclude each other");
		return -EINVAL;
	}
	if (flags & HOLT_F_IF_ABSENT)
		tflags |= HOLT_PUT_IF_ABSENT;
	if (flags & HOLT_F_IF_VERSION) {
		err = holt_nl_require(info, HOLT_A_VERSION);
		if (err)
			return err;
		tflags |= HOLT_PUT_IF_VERSION;
		expect = nla_get_u64(attrs[HOLT_A_VERSION]);
	}
	err = holt_nl_target_open(attrs, info->extack, HOLT_STORE_MAY_WRITE,
				  &t);
	if (err)
		return err;
	err = holt_store_put_key(t.s, t.st, nla_data(attrs[HOLT_A_KEY]),
				 nla_len(attrs[HOLT_A_KEY]),
				 nla_data(attrs[HOLT_A_VALUE]),
				 nla_len(attrs[HOLT_A_VALUE]), tflags, expect,
				 &version);
	err = holt_nl_target_close(&t) ?: err;
	if (err) {
		holt_nl_engine_err(info->extack, err);
		return err;
	}
	return holt_nl_reply_version(info, HOLT_CMD_PUT, version);
}

static int holt_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct holt_nl_target t;
	u32 flags, tflags = 0;
	u64 expect = 0;
	int err;

	err = holt_nl_require(info, HOLT_A_KEY) ?:
	      holt_nl_flags(attrs, info->extack, HOLT_F_IF_VERSION, &flags);
	if (err)
		return err;
	if (flags & HOLT_F_IF_VERSION) {
		err = holt_nl_require(info, HOLT_A_VERSION);
		if (err)
			return err;
		tflags |= HOLT_DEL_IF_VERSION;
		expect = nla_get_u64(attrs[HOLT_A_VERSION]);
	}
	err = holt_nl_target_open(attrs, info->extack, HOLT_STORE_MAY_WRITE,
				  &t);
	if (err)
		return err;
	err = holt_store_del_key(t.s, t.st, nla_data(attrs[HOLT_A_KEY]),
				 nla_len(attrs[HOLT_A_KEY]), tflags, expect);
	err = holt_nl_target_close(&t) ?: err;
	if (err)
		holt_nl_engine_err(info->extack, err);
	return err;
}

static int holt_nl_rename(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct holt_nl_target t;
	u64 version;
	u32 flags;
	int err;

	err = holt_nl_require(info, HOLT_A_KEY) ?:
	      holt_nl_require(info, HOLT_A_DST_KEY) ?:
	      holt_nl_flags(attrs, info->extack, HOLT_F_FORCE, &flags);
	if (err)
		return err;
	err = holt_nl_target_open(attrs, info->extack, HOLT_STORE_MAY_WRITE,
				  &t);
	if (err)
		return err;
	err = holt_store_rename_key(t.s, t.st, nla_data(attrs[HOLT_A_KEY]),
				    nla_len(attrs[HOLT_A_KEY]),
				    nla_data(attrs[HOLT_A_DST_KEY]),
				    nla_len(attrs[HOLT_A_DST_KEY]),
				    flags & HOLT_F_FORCE, &version);
	err = holt_nl_target_close(&t) ?: err;
	switch (err) {
	case 0:
		return holt_nl_reply_version(info, HOLT_CMD_RENAME, version);
	case -ENOENT:
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[HOLT_A_KEY],
				    "source key not found");
		break;
	case -EEXIST:
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[HOLT_A_DST_KEY],
				    "destination key exists (HOLT_F_FORCE replaces it)");
		break;
	default:
		holt_nl_engine_err(info->extack, err);
		break;
	}
	return err;
}

static int holt_nl_count(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct nlattr *prefix = attrs[HOLT_A_PREFIX];
	struct holt_nl_target t;
	struct sk_buff *msg;
	u64 limit, count;
	void *hdr;
	int err;

	limit = attrs[HOLT_A_LIMIT] ? nla_get_u64(attrs[HOLT_A_LIMIT]) : 0;
	err = holt_nl_target_open(attrs, info->extack, HOLT_STORE_MAY_READ,
				  &t);
	if (err)
		return err;
	err = holt_store_count(t.st, prefix ? nla_data(prefix) : NULL,
			       prefix ? nla_len(prefix) : 0, limit, &count);
	holt_nl_target_close(&t);
	if (err) {
		holt_nl_engine_err(info->extack, err);
		return err;
	}
	msg = holt_nl_reply_new(info, HOLT_CMD_COUNT,
				nla_total_size_64bit(sizeof(u64)), &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u64_64bit(msg, HOLT_A_COUNT, count, HOLT_A_PAD))
		return holt_nl_reply_overflow(info, msg);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int holt_nl_longest_prefix(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct holt_nl_target t;
	struct holt_ref ref;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = holt_nl_require(info, HOLT_A_KEY);
	if (err)
		return err;
	err = holt_nl_target_open(attrs, info->extack, HOLT_STORE_MAY_READ,
				  &t);
	if (err)
		return err;
	err = holt_store_longest_prefix(t.st, nla_data(attrs[HOLT_A_KEY]),
					nla_len(attrs[HOLT_A_KEY]), &ref);
	if (err) {
		if (err == -ENOENT)
			NL_SET_ERR_MSG(info->extack,
				       "no stored key is a prefix of this key");
		else
			holt_nl_engine_err(info->extack, err);
		goto out_close;
	}
	err = -ENOMEM;
	msg = holt_nl_reply_new(info, HOLT_CMD_LONGEST_PREFIX,
				nla_total_size(ref.klen) +
				nla_total_size(ref.vlen) +
				nla_total_size_64bit(sizeof(u64)), &hdr);
	if (!msg)
		goto out_close;
	if (nla_put(msg, HOLT_A_KEY, ref.klen, ref.key) ||
	    nla_put(msg, HOLT_A_VALUE, ref.vlen, ref.val) ||
	    nla_put_u64_64bit(msg, HOLT_A_VERSION, ref.version, HOLT_A_PAD)) {
		err = holt_nl_reply_overflow(info, msg);
		goto out_close;
	}
	holt_nl_target_close(&t);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_close:
	holt_nl_target_close(&t);
	return err;
}

/* Batches */

static const u8 holt_nl_bop[HOLT_OP_MAX + 1] = {
	[HOLT_OP_PUT]			= HOLT_BOP_PUT,
	[HOLT_OP_PUT_IF_ABSENT]		= HOLT_BOP_PUT_IF_ABSENT,
	[HOLT_OP_PUT_IF_VERSION]	= HOLT_BOP_PUT_IF_VERSION,
	[HOLT_OP_DEL]			= HOLT_BOP_DEL,
	[HOLT_OP_DEL_IF_VERSION]	= HOLT_BOP_DEL_IF_VERSION,
	[HOLT_OP_RENAME]		= HOLT_BOP_RENAME,
	[HOLT_OP_ASSERT_VERSION]	= HOLT_BOP_ASSERT_VERSION,
	[HOLT_OP_ASSERT_EMPTY]		= HOLT_BOP_ASSERT_EMPTY,
};

/* Which attributes each operation type needs. */
#define HOLT_NL_NEED_VALUE	0x1
#define HOLT_NL_NEED_VERSION	0x2
#define HOLT_NL_KEY_MAY_BE_EMPTY 0x4

static const u8 holt_nl_op_needs[HOLT_OP_MAX + 1] = {
	[HOLT_OP_PUT]			= HOLT_NL_NEED_VALUE,
	[HOLT_OP_PUT_IF_ABSENT]		= HOLT_NL_NEED_VALUE,
	[HOLT_OP_PUT_IF_VERSION]	= HOLT_NL_NEED_VALUE |
					  HOLT_NL_NEED_VERSION,
	[HOLT_OP_DEL_IF_VERSION]	= HOLT_NL_NEED_VERSION,
	[HOLT_OP_RENAME]		= HOLT_NL_NEED_VALUE,
	[HOLT_OP_ASSERT_VERSION]	= HOLT_NL_NEED_VERSION,
	[HOLT_OP_ASSERT_EMPTY]		= HOLT_NL_KEY_MAY_BE_EMPTY,
};

/*
 * Fill @op from the HOLT_A_OP nest @nest.  The generic netlink core already
 * validated every nest against holt_nl_op_policy (strictly: no unknown or
 * trailing attribute) when it parsed the request, so a plain walk suffices
 * where a second validation would only repeat that work for every op.
 */
static int holt_nl_batch_parse_op(const struct nlattr *nest,
				  struct holt_batch_op *op,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[HOLT_OP_A_MAX + 1] = {};
	struct nlattr *a;
	u8 type, needs;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) <= HOLT_OP_A_MAX)
			tb[nla_type(a)] = a;
	}
	if (!tb[HOLT_OP_A_TYPE]) {
		NL_SET_ERR_ATTR_MISS(extack, nest, HOLT_OP_A_TYPE);
		NL_SET_ERR_MSG(extack, "batch operation without HOLT_OP_A_TYPE");
		return -EINVAL;
	}
	type = nla_get_u8(tb[HOLT_OP_A_TYPE]);
	needs = holt_nl_op_needs[type];
	op->op = holt_nl_bop[type];

	if (tb[HOLT_OP_A_KEY]) {
		op->key = nla_data(tb[HOLT_OP_A_KEY]);
		op->klen = nla_len(tb[HOLT_OP_A_KEY]);
	} else if (!(needs & HOLT_NL_KEY_MAY_BE_EMPTY)) {
		NL_SET_ERR_ATTR_MISS(extack, nest, HOLT_OP_A_KEY);
		NL_SET_ERR_MSG(extack, "batch operation without HOLT_OP_A_KEY");
		return -EINVAL;
	}
	if (!op->klen && !(needs & HOLT_NL_KEY_MAY_BE_EMPTY)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[HOLT_OP_A_KEY],
				    "batch operation with an empty key");
		return -EINVAL;
	}

	if (tb[HOLT_OP_A_VALUE]) {
		if (!(needs & HOLT_NL_NEED_VALUE)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[HOLT_OP_A_VALUE],
					    "HOLT_OP_A_VALUE not valid for this operation");
			return -EINVAL;
		}
		op->val = nla_data(tb[HOLT_OP_A_VALUE]);
		op->vlen = nla_len(tb[HOLT_OP_A_VALUE]);
	} else if (needs & HOLT_NL_NEED_VALUE) {
		NL_SET_ERR_ATTR_MISS(extack, nest, HOLT_OP_A_VALUE);
		NL_SET_ERR_MSG(extack, "batch operation without HOLT_OP_A_VALUE");
		return -EINVAL;
	}
	if (type == HOLT_OP_RENAME) {
		if (!op->vlen) {
			NL_SET_ERR_MSG_ATTR(extack, tb[HOLT_OP_A_VALUE],
					    "rename with an empty destination key");
			return -EINVAL;
		}
		if (op->vlen > HOLT_KEY_MAX_LEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[HOLT_OP_A_VALUE],
					    "destination key longer than HOLT_KEY_MAX_LEN (4096) bytes");
			return -E2BIG;
		}
	}

	if (tb[HOLT_OP_A_VERSION]) {
		if (!(needs & HOLT_NL_NEED_VERSION)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[HOLT_OP_A_VERSION],
					    "HOLT_OP_A_VERSION not valid for this operation");
			return -EINVAL;
		}
		op->version = nla_get_u64(tb[HOLT_OP_A_VERSION]);
	} else if (needs & HOLT_NL_NEED_VERSION) {
		NL_SET_ERR_ATTR_MISS(extack, nest, HOLT_OP_A_VERSION);
		NL_SET_ERR_MSG(extack, "batch operation without HOLT_OP_A_VERSION");
		return -EINVAL;
	}

	if (tb[HOLT_OP_A_FLAGS]) {
		u32 flags = nla_get_u32(tb[HOLT_OP_A_FLAGS]);

		if (flags && type != HOLT_OP_RENAME) {
			NL_SET_ERR_MSG_ATTR(extack, tb[HOLT_OP_A_FLAGS],
					    "HOLT_F_FORCE is only valid for HOLT_OP_RENAME");
			return -EINVAL;
		}
		op->force = flags & HOLT_F_FORCE;
	}
	return 0;
}

/* Explain why operation @nest of a batch failed, and name its index. */
static void holt_nl_batch_err(struct netlink_ext_ack *extack,
			      const struct nlattr *nest, u32 index, int err)
{
	struct nlattr cookie = {
		.nla_len = nla_attr_size(sizeof(u32)),
		.nla_type = HOLT_A_FAILED_INDEX,
	};

	switch (err) {
	case -ENOENT:
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "batch failed, nothing applied: a key of this operation was not found");
		break;
	case -EEXIST:
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "batch failed, nothing applied: a key of this operation exists");
		break;
	case -ECANCELED:
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "batch failed, nothing applied: version guard of this operation failed");
		break;
	case -ENOTEMPTY:
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "batch failed, nothing applied: prefix of this operation not empty");
		break;
	case -E2BIG:
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "batch failed, nothing applied: key or value of this operation too long");
		break;
	case -ENOMEM:
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "batch failed, nothing applied: out of memory");
		break;
	case -EUCLEAN:
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "batch failed, nothing applied: damaged frame met");
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "batch failed, nothing applied: this operation is invalid");
		break;
	}
	if (!extack)
		return;
	/* The cookie is a HOLT_A_FAILED_INDEX attribute (uapi/linux/holt.h). */
	BUILD_BUG_ON(nla_total_size(sizeof(u32)) > NETLINK_MAX_COOKIE_LEN);
	memcpy(extack->cookie, &cookie, sizeof(cookie));
	memcpy(extack->cookie + NLA_HDRLEN, &index, sizeof(index));
	extack->cookie_len = nla_total_size(sizeof(u32));
}

/* Explain why a batch failed as a whole, no operation being at fault. */
static void holt_nl_batch_whole_err(struct netlink_ext_ack *extack, int err)
{
	if (err == -E2BIG)
		NL_SET_ERR_MSG(extack,
			       "batch too big for one record of the store's log; nothing applied");
	else
		holt_nl_engine_err(extack, err);
}

/*
 * The HOLT_A_OP nests of a batch: inside HOLT_A_BATCH, or at the top level
 * of the message for batches bigger than one nest can hold.
 */
static int holt_nl_batch_collect(struct genl_info *info,
				 const struct nlattr ***nests, u32 *nr)
{
	struct nlattr *batch = info->attrs[HOLT_A_BATCH];
	const struct nlattr *head, *a;
	u32 n = 0, i = 0;
	int len, rem;

	if (batch) {
		if (info->attrs[HOLT_A_OP]) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[HOLT_A_OP],
					    "HOLT_A_OP both inside and outside HOLT_A_BATCH");
			return -EINVAL;
		}
		head = nla_data(batch);
		len = nla_len(batch);
	} else {
		head = genlmsg_data(info->genlhdr);
		len = genlmsg_len(info->genlhdr);
	}
	nla_for_each_attr(a, head, len, rem) {
		if (batch || nla_type(a) == HOLT_A_OP)
			n++;
	}
	if (n > HOLT_BATCH_MAX_OPS) {
		NL_SET_ERR_MSG(info->extack,
			       "more than HOLT_BATCH_MAX_OPS operations");
		return -E2BIG;
	}
	*nr = n;
	*nests = NULL;
	if (!n)
		return 0;
	*nests = kvmalloc_array(n, sizeof(**nests), GFP_KERNEL);
	if (!*nests) {
		NL_SET_ERR_MSG(info->extack, "out of memory for the batch");
		return -ENOMEM;
	}
	nla_for_each_attr(a, head, len, rem) {
		if (batch || nla_type(a) == HOLT_A_OP)
			(*nests)[i++] = a;
	}
	return 0;
}

static int holt_nl_batch(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr **nests;
	struct holt_batch_op *ops;
	struct holt_nl_target t;
	struct sk_buff *msg;
	u32 nr, i, failed;
	u64 version;
	int err, cerr;
	void *hdr;

	err = holt_nl_batch_collect(info, &nests, &nr);
	if (err)
		return err;
	err = -ENOMEM;
	ops = nr ? kvcalloc(nr, sizeof(*ops), GFP_KERNEL) : NULL;
	if (nr && !ops) {
		NL_SET_ERR_MSG(info->extack, "out of memory for the batch");
		goto out_free_nests;
	}
	for (i = 0; i < nr; i++) {
		err = holt_nl_batch_parse_op(nests[i], &ops[i], info->extack);
		if (err)
			goto out_free_ops;
	}

	err = holt_nl_target_open(info->attrs, info->extack,
				  HOLT_STORE_MAY_WRITE, &t);
	if (err)
		goto out_free_ops;
	failed = nr;
	err = nr ? holt_store_batch(t.s, t.st, ops, nr, &failed) : 0;
	version = t.s->seq;
	cerr = holt_nl_target_close(&t);
	if (!err && cerr) {
		/* Applied, but the store could not make it durable. */
		err = cerr;
		failed = nr;
	}
	if (err) {
		if (failed < nr)
			holt_nl_batch_err(info->extack, nests[failed], failed,
					  err);
		else
			holt_nl_batch_whole_err(info->extack, err);
		goto out_free_ops;
	}

	err = -ENOMEM;
	msg = holt_nl_reply_new(info, HOLT_CMD_BATCH,
				2 * nla_total_size_64bit(sizeof(u64)), &hdr);
	if (!msg)
		goto out_free_ops;
	if (nla_put_u64_64bit(msg, HOLT_A_COUNT, nr, HOLT_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_A_VERSION, version, HOLT_A_PAD)) {
		err = holt_nl_reply_overflow(info, msg);
		goto out_free_ops;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);

out_free_ops:
	kvfree(ops);
out_free_nests:
	kvfree(nests);
	return err;
}

/* Scans */

/**
 * struct holt_nl_scan - the state of one HOLT_CMD_SCAN dump
 * @store: the store's name as resolved by the first message
 * @tree: the tree's name
 * @store_id: &holt_store.id of the store the dump started on
 * @tree_id: &holt_store_tree.id of the tree the dump started on
 * @resolved: the first message resolved the target
 * @done: the last item was sent
 * @keys_only: HOLT_F_KEYS_ONLY
 * @delimiter: -1 or the delimiter byte
 * @limit: items over the whole dump, 0 for no limit
 * @sent: items sent so far
 * @plen: bytes of @prefix
 * @clen: bytes of @cursor
 * @has_cursor: @cursor is set: resume strictly after it
 * @prefix: only keys under it
 * @cursor: the last item sent (or the request's start-after)
 */
struct holt_nl_scan {
	char store[HOLT_NAME_MAX_LEN];
	char tree[HOLT_NAME_MAX_LEN];
	u64 store_id;
	u64 tree_id;
	bool resolved;
	bool done;
	bool keys_only;
	int delimiter;
	u64 limit;
	u64 sent;
	u32 plen;
	u32 clen;
	bool has_cursor;
	u8 prefix[HOLT_KEY_MAX_LEN];
	u8 cursor[HOLT_KEY_MAX_LEN];
};

/* Where a dump keeps its state: the start of netlink_callback.ctx. */
struct holt_nl_dump_ctx {
	void *state;
};

static void *holt_nl_dump_state(struct netlink_callback *cb)
{
	return ((struct holt_nl_dump_ctx *)cb->ctx)->state;
}

static void holt_nl_dump_set_state(struct netlink_callback *cb, void *state)
{
	BUILD_BUG_ON(sizeof(struct holt_nl_dump_ctx) > sizeof(cb->ctx));
	((struct holt_nl_dump_ctx *)cb->ctx)->state = state;
}

static int holt_nl_dump_done(struct netlink_callback *cb)
{
	kvfree(holt_nl_dump_state(cb));
	return 0;
}

static int holt_nl_scan_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;
	struct holt_nl_scan *sc;

	sc = kvzalloc(sizeof(*sc), GFP_KERNEL);
	if (!sc)
		return -ENOMEM;
	if (attrs[HOLT_A_STORE])
		nla_strscpy(sc->store, attrs[HOLT_A_STORE], sizeof(sc->store));
	if (attrs[HOLT_A_TREE])
		nla_strscpy(sc->tree, attrs[HOLT_A_TREE], sizeof(sc->tree));
	else
		strscpy(sc->tree, HOLT_STORE_DEFAULT_TREE, sizeof(sc->tree));
	if (attrs[HOLT_A_PREFIX]) {
		sc->plen = nla_len(attrs[HOLT_A_PREFIX]);
		memcpy(sc->prefix, nla_data(attrs[HOLT_A_PREFIX]), sc->plen);
	}
	if (attrs[HOLT_A_START_AFTER]) {
		sc->clen = nla_len(attrs[HOLT_A_START_AFTER]);
		memcpy(sc->cursor, nla_data(attrs[HOLT_A_START_AFTER]),
		       sc->clen);
		sc->has_cursor = true;
	}
	sc->delimiter = attrs[HOLT_A_DELIMITER] ?
			nla_get_u8(attrs[HOLT_A_DELIMITER]) : -1;
	sc->limit = attrs[HOLT_A_LIMIT] ? nla_get_u64(attrs[HOLT_A_LIMIT]) : 0;
	if (attrs[HOLT_A_FLAGS])
		sc->keys_only = nla_get_u32(attrs[HOLT_A_FLAGS]) &
				HOLT_F_KEYS_ONLY;
	/* Every message must be able to hold the biggest entry. */
	cb->min_dump_alloc = NLMSG_HDRLEN + GENL_HDRLEN +
			     (sc->keys_only ? HOLT_NL_ENTRY_KEYS_MAX :
					      HOLT_NL_ENTRY_MAX);
	holt_nl_dump_set_state(cb, sc);
	return 0;
}

/*
 * Resolve the store (and check the caller's rights) on the first message;
 * afterwards find the same store again by name and id.  Returns the store
 * with a reference, or an ERR_PTR with the ext-ack set.
 */
static struct holt_store *holt_nl_scan_store(struct netlink_callback *cb,
					     struct holt_nl_scan *sc)
{
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;
	struct holt_store *s;
	int err;

	if (sc->resolved) {
		s = holt_store_get(sc->store);
		if (!IS_ERR(s) && s->id == sc->store_id)
			return s;
		if (!IS_ERR(s))
			holt_store_put(s);
		NL_SET_ERR_MSG(cb->extack, "the store was detached during the dump");
		return ERR_PTR(-ENOENT);
	}
	s = holt_nl_store_get(attrs, cb->extack);
	if (IS_ERR(s))
		return s;
	holt_store_read_lock(s);
	err = holt_store_permission(s, HOLT_STORE_MAY_READ);
	holt_store_read_unlock(s);
	if (err) {
		NL_SET_ERR_MSG(cb->extack,
			       "permission denied: the store's mode does not grant read");
		holt_store_put(s);
		return ERR_PTR(err);
	}
	strscpy(sc->store, s->name, sizeof(sc->store));
	sc->store_id = s->id;
	return s;
}

struct holt_nl_scan_fill {
	struct sk_buff *skb;
	struct holt_nl_scan *sc;
	u32 items;
};

static int holt_nl_scan_item(void *ctx, const struct holt_scan_item *item)
{
	struct holt_nl_scan_fill *f = ctx;
	struct holt_nl_scan *sc = f->sc;
	struct sk_buff *skb = f->skb;
	struct nlattr *nest;

	/* A longer one would overflow the nest's u16 length. */
	if (WARN_ON_ONCE(item->klen > HOLT_KEY_MAX_LEN ||
			 item->vlen > HOLT_VAL_MAX_LEN))
		return -EUCLEAN;
	nest = nla_nest_start(skb, HOLT_A_ENTRY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put(skb, HOLT_A_KEY, item->klen, item->key))
		goto err_cancel;
	if (item->is_prefix) {
		if (nla_put_flag(skb, HOLT_A_IS_PREFIX))
			goto err_cancel;
	} else {
		if (nla_put_u64_64bit(skb, HOLT_A_VERSION, item->version,
				      HOLT_A_PAD))
			goto err_cancel;
		if (!sc->keys_only &&
		    nla_put(skb, HOLT_A_VALUE, item->vlen, item->val))
			goto err_cancel;
	}
	nla_nest_end(skb, nest);
	memcpy(sc->cursor, item->key, item->klen);
	sc->clen = item->klen;
	sc->has_cursor = true;
	sc->sent++;
	f->items++;
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int holt_nl_scan_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct holt_nl_scan *sc = holt_nl_dump_state(cb);
	struct holt_nl_scan_fill fill = { .skb = skb, .sc = sc };
	struct holt_scan_args args = {};
	struct holt_store_tree *st;
	struct holt_store *s;
	void *hdr;
	int err;

	if (sc->done || (sc->limit && sc->sent >= sc->limit))
		return 0;
	s = holt_nl_scan_store(cb, sc);
	if (IS_ERR(s))
		return PTR_ERR(s);

	holt_store_read_lock(s);
	st = holt_store_tree_find(s, sc->tree);
	err = -ENOENT;
	if (!st || (sc->resolved && st->id != sc->tree_id)) {
		if (sc->resolved)
			NL_SET_ERR_MSG(cb->extack,
				       "the tree was dropped during the dump");
		else
			NL_SET_ERR_MSG(cb->extack,
				       "no tree with this name in the store");
		goto out_unlock;
	}
	sc->tree_id = st->id;
	sc->resolved = true;

	err = -EMSGSIZE;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &holt_nl_family, NLM_F_MULTI, HOLT_CMD_SCAN);
	if (!hdr)
		goto out_unlock;
	args.prefix = sc->prefix;
	args.plen = sc->plen;
	if (sc->has_cursor) {
		args.start_after = sc->cursor;
		args.salen = sc->clen;
	}
	args.delimiter = sc->delimiter;
	args.limit = sc->limit ? sc->limit - sc->sent : 0;
	args.flags = sc->keys_only ? HOLT_SCAN_KEYS_ONLY : 0;
	err = holt_store_scan(st, &args, holt_nl_scan_item, &fill);
	if (err == -EMSGSIZE && fill.items) {
		/* The message is full: the next one resumes after the cursor. */
		err = 0;
	} else if (err == -EMSGSIZE) {
		NL_SET_ERR_MSG(cb->extack, "an entry does not fit a message");
		goto out_cancel;
	} else if (err) {
		holt_nl_engine_err(cb->extack, err);
		goto out_cancel;
	} else {
		sc->done = true;
		if (!fill.items)
			goto out_cancel;
	}
	genlmsg_end(skb, hdr);
	holt_store_read_unlock(s);
	holt_store_put(s);
	return skb->len;

out_cancel:
	genlmsg_cancel(skb, hdr);
out_unlock:
	holt_store_read_unlock(s);
	holt_store_put(s);
	return err;
}

/* Tree and store listings */

/**
 * struct holt_nl_list - the state of a tree or store listing
 * @filter: HOLT_A_STORE of the request (tree list), empty for every store
 * @filter_id: &holt_store.id of the filter store, once resolved
 * @store: the store the cursor is in
 * @tree: the last tree sent from @store, empty before the first
 * @started: @store is set
 * @done: every store was visited
 */
struct holt_nl_list {
	char filter[HOLT_NAME_MAX_LEN];
	u64 filter_id;
	char store[HOLT_NAME_MAX_LEN];
	char tree[HOLT_NAME_MAX_LEN];
	bool started;
	bool done;
};

static int holt_nl_list_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;
	struct holt_nl_list *l;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	if (attrs && attrs[HOLT_A_STORE])
		nla_strscpy(l->filter, attrs[HOLT_A_STORE], sizeof(l->filter));
	holt_nl_dump_set_state(cb, l);
	return 0;
}

static int holt_nl_store_fill(struct sk_buff *skb, struct netlink_callback *cb,
			      struct holt_store *s)
{
	struct user_namespace *ns = current_user_ns();
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &holt_nl_family, NLM_F_MULTI, HOLT_CMD_STORE_LIST);
	if (!hdr)
		return -EMSGSIZE;
	holt_store_read_lock(s);
	if (nla_put_string(skb, HOLT_A_STORE, s->name) ||
	    (s->device[0] && nla_put_string(skb, HOLT_A_DEVICE, s->device)) ||
	    (!s->device[0] && nla_put_flag(skb, HOLT_A_MEMORY)) ||
	    nla_put_u32(skb, HOLT_A_UID, from_kuid_munged(ns, s->uid)) ||
	    nla_put_u32(skb, HOLT_A_GID, from_kgid_munged(ns, s->gid)) ||
	    nla_put_u32(skb, HOLT_A_MODE, s->mode) ||
	    nla_put_u8(skb, HOLT_A_DURABILITY, s->durability)) {
		holt_store_read_unlock(s);
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	holt_store_read_unlock(s);
	genlmsg_end(skb, hdr);
	return 0;
}

static int holt_nl_store_list(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct holt_nl_list *l = holt_nl_dump_state(cb);
	struct holt_store *s;
	int err;

	for (;;) {
		s = holt_store_next(l->started ? l->store : NULL);
		if (!s)
			break;
		err = holt_nl_store_fill(skb, cb, s);
		if (!err) {
			strscpy(l->store, s->name, sizeof(l->store));
			l->started = true;
		}
		holt_store_put(s);
		if (err)
			break;
	}
	return skb->len;
}

/* Send the trees of @s after l->tree; -EMSGSIZE when the skb is full. */
static int holt_nl_tree_fill(struct sk_buff *skb, struct netlink_callback *cb,
			     struct holt_nl_list *l, struct holt_store *s)
{
	struct holt_store_tree *st;
	int err = 0;
	void *hdr;

	holt_store_read_lock(s);
	for (st = holt_store_tree_next(s, l->tree[0] ? l->tree : NULL); st;
	     st = holt_store_tree_next(s, st->name)) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &holt_nl_family,
				  NLM_F_MULTI, HOLT_CMD_TREE_LIST);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		if (nla_put_string(skb, HOLT_A_STORE, s->name) ||
		    nla_put_string(skb, HOLT_A_TREE, st->name) ||
		    nla_put_u64_64bit(skb, HOLT_A_COUNT, holt_tree_nr_keys(st->tree),
				      HOLT_A_PAD)) {
			genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		strscpy(l->tree, st->name, sizeof(l->tree));
	}
	holt_store_read_unlock(s);
	return err;
}

static int holt_nl_tree_list_one(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 struct holt_nl_list *l)
{
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;
	struct holt_store *s;
	int err;

	s = holt_store_get(l->filter);
	if (IS_ERR(s) || (l->started && s->id != l->filter_id)) {
		if (!IS_ERR(s))
			holt_store_put(s);
		if (l->started) {
			NL_SET_ERR_MSG(cb->extack,
				       "the store was detached during the dump");
			return -ENOENT;
		}
		holt_nl_store_err(cb->extack, attrs[HOLT_A_STORE], -ENOENT);
		return -ENOENT;
	}
	if (!l->started) {
		holt_store_read_lock(s);
		err = holt_store_permission(s, HOLT_STORE_MAY_READ);
		holt_store_read_unlock(s);
		if (err) {
			NL_SET_ERR_MSG(cb->extack,
				       "permission denied: the store's mode does not grant read");
			holt_store_put(s);
			return err;
		}
		l->filter_id = s->id;
		l->started = true;
	}
	err = holt_nl_tree_fill(skb, cb, l, s);
	holt_store_put(s);
	return err == -EMSGSIZE ? skb->len : err ? err : skb->len;
}

static int holt_nl_tree_list(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct holt_nl_list *l = holt_nl_dump_state(cb);
	struct holt_store *s;
	int err;

	if (l->done)
		return 0;
	if (l->filter[0])
		return holt_nl_tree_list_one(skb, cb, l);

	/* Every store the caller may read, resuming at (store, tree). */
	s = l->started ? holt_store_get(l->store) : NULL;
	if (IS_ERR(s))
		s = NULL;
	if (!s) {
		s = holt_store_next(l->started ? l->store : NULL);
		l->tree[0] = '\0';
	}
	while (s) {
		strscpy(l->store, s->name, sizeof(l->store));
		l->started = true;
		holt_store_read_lock(s);
		err = holt_store_permission(s, HOLT_STORE_MAY_READ);
		holt_store_read_unlock(s);
		if (!err) {
			err = holt_nl_tree_fill(skb, cb, l, s);
			if (err) {
				holt_store_put(s);
				return skb->len;
			}
		}
		holt_store_put(s);
		s = holt_store_next(l->store);
		if (s)
			l->tree[0] = '\0';
	}
	l->done = true;
	return skb->len;
}

/* Statistics */

static int holt_nl_put_stats(struct sk_buff *msg, struct holt_store_tree *st)
{
	struct holt_tree_stats ts;
	struct nlattr *nest;

	holt_tree_get_stats(st->tree, &ts);
	nest = nla_nest_start(msg, HOLT_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, HOLT_STATS_A_KEYS, ts.keys,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_FRAMES, ts.frames,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_FRAME_BYTES, ts.frame_bytes,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_DATA_USED, ts.data_used,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_DATA_LIVE, ts.data_live,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_DATA_CAPACITY,
			      ts.data_capacity, HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_TOMBSTONES, ts.tombstones,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_SPILLS, ts.spills,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_COMPACTIONS, ts.compactions,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_MERGES, ts.merges,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_DEPTH, ts.depth,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_GETS,
			      atomic64_read(&st->gets), HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_PUTS,
			      atomic64_read(&st->puts), HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_DELS,
			      atomic64_read(&st->dels), HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_SCANS,
			      atomic64_read(&st->scans), HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_RESIDENT, ts.resident,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_LOADS, ts.loads,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_EVICTIONS, ts.evictions,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_DENSE, ts.dense,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_HOLLOW_FRAMES,
			      ts.hollow_frames, HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_CUTS, ts.cuts,
			      HOLT_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, HOLT_STATS_A_HINT_BYTES, ts.hint_bytes,
			      HOLT_STATS_A_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int holt_nl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct holt_nl_target t;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = holt_nl_target_open(info->attrs, info->extack,
				  HOLT_STORE_MAY_READ, &t);
	if (err)
		return err;
	err = -ENOMEM;
	msg = holt_nl_reply_new(info, HOLT_CMD_STATS, NLMSG_GOODSIZE, &hdr);
	if (!msg)
		goto out_close;
	if (nla_put_string(msg, HOLT_A_STORE, t.s->name) ||
	    nla_put_string(msg, HOLT_A_TREE, t.st->name) ||
	    nla_put_u64_64bit(msg, HOLT_A_VERSION, t.s->seq, HOLT_A_PAD) ||
	    holt_nl_put_stats(msg, t.st)) {
		err = holt_nl_reply_overflow(info, msg);
		goto out_close;
	}
	holt_nl_target_close(&t);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_close:
	holt_nl_target_close(&t);
	return err;
}

/* Administrative commands */

static int holt_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			    struct genl_info *info)
{
	if ((ops->internal_flags & HOLT_NL_ADMIN) &&
	    !netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "administrative command: CAP_SYS_ADMIN required");
		return -EPERM;
	}
	return 0;
}

static int holt_nl_get_uid(struct genl_info *info, kuid_t *uid)
{
	*uid = make_kuid(current_user_ns(),
			 nla_get_u32(info->attrs[HOLT_A_UID]));
	if (uid_valid(*uid))
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[HOLT_A_UID],
			    "uid not valid in the caller's user namespace");
	return -EINVAL;
}

static int holt_nl_get_gid(struct genl_info *info, kgid_t *gid)
{
	*gid = make_kgid(current_user_ns(),
			 nla_get_u32(info->attrs[HOLT_A_GID]));
	if (gid_valid(*gid))
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[HOLT_A_GID],
			    "gid not valid in the caller's user namespace");
	return -EINVAL;
}

/*
 * Change a store's owner, group and/or mode, and make the change durable
 * before the reply: a store on a device keeps them in its superblock,
 * which a checkpoint writes.  For a memory store the checkpoint does
 * nothing.
 */
static int holt_nl_store_set_owner(struct holt_store *s, const kuid_t *uid,
				   const kgid_t *gid, const umode_t *mode,
				   struct netlink_ext_ack *extack)
{
	int err;

	holt_store_write_lock(s);
	holt_store_set_owner(s, uid, gid, mode);
	holt_store_write_unlock(s);
	err = holt_store_checkpoint(s);
	if (err)
		NL_SET_ERR_MSG(extack,
			       "owner or mode changed in memory but not made durable (the checkpoint failed)");
	return err;
}

static int holt_nl_store_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct holt_store_attach_args args = {
		.durability = HOLT_DURABILITY_SYNC,
		.uid = GLOBAL_ROOT_UID,
		.gid = GLOBAL_ROOT_GID,
		.mode = 0600,
	};
	struct holt_store *s;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (attrs[HOLT_A_MEMORY] && attrs[HOLT_A_DEVICE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[HOLT_A_DEVICE],
				    "HOLT_A_MEMORY and HOLT_A_DEVICE exclude each other");
		return -EINVAL;
	}
	if (attrs[HOLT_A_DEVICE]) {
		args.device = nla_data(attrs[HOLT_A_DEVICE]);
		/* without a name, the store is named after the device node */
		if (!attrs[HOLT_A_STORE])
			args.name = kbasename(args.device);
	} else if (!attrs[HOLT_A_MEMORY]) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, HOLT_A_MEMORY);
		NL_SET_ERR_MSG(info->extack,
			       "HOLT_A_MEMORY or HOLT_A_DEVICE required");
		return -EINVAL;
	}
	if (!args.name) {
		err = holt_nl_require(info, HOLT_A_STORE);
		if (err)
			return err;
		args.name = nla_data(attrs[HOLT_A_STORE]);
	}
	if (!holt_store_name_valid(args.name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[HOLT_A_STORE],
				    "store name: 1..63 printable characters, no '/'");
		return -EINVAL;
	}
	if (attrs[HOLT_A_DURABILITY])
		args.durability = nla_get_u8(attrs[HOLT_A_DURABILITY]);
	if (attrs[HOLT_A_CACHE_MB]) {
		if (!args.device) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[HOLT_A_CACHE_MB],
					    "a frame cache budget is for a store on a device");
			return -EINVAL;
		}
		args.cache_mb = nla_get_u32(attrs[HOLT_A_CACHE_MB]);
	}
	if (attrs[HOLT_A_MODE])
		args.mode = nla_get_u32(attrs[HOLT_A_MODE]);
	if (attrs[HOLT_A_UID]) {
		err = holt_nl_get_uid(info, &args.uid);
		if (err)
			return err;
	}
	if (attrs[HOLT_A_GID]) {
		err = holt_nl_get_gid(info, &args.gid);
		if (err)
			return err;
	}

	msg = holt_nl_reply_new(info, HOLT_CMD_STORE_ATTACH,
				nla_total_size(HOLT_NAME_MAX_LEN), &hdr);
	if (!msg)
		return -ENOMEM;
	err = holt_store_attach(&args, &s);
	switch (err) {
	case 0:
		break;
	case -EEXIST:
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[HOLT_A_STORE],
				    "a store with this name is attached");
		goto err_free;
	case -ENOSPC:
		NL_SET_ERR_MSG(info->extack,
			       "too many stores (module parameter max_stores)");
		goto err_free;
	case -ENOMEM:
		NL_SET_ERR_MSG(info->extack, "out of memory for the store");
		goto err_free;
	default:
		if (args.msg)
			info->extack->_msg = args.msg;	/* static storage */
		else
			NL_SET_ERR_MSG(info->extack, "cannot attach the store");
		goto err_free;
	}
	/* explicit owner, group or mode win over those the device keeps */
	if (args.device &&
	    (attrs[HOLT_A_UID] || attrs[HOLT_A_GID] || attrs[HOLT_A_MODE]) &&
	    holt_nl_store_set_owner(s, attrs[HOLT_A_UID] ? &args.uid : NULL,
				    attrs[HOLT_A_GID] ? &args.gid : NULL,
				    attrs[HOLT_A_MODE] ? &args.mode : NULL,
				    info->extack))
		pr_warn_ratelimited("store %s: the owner and mode given at attach are not durable yet\n",
				    s->name);
	if (nla_put_string(msg, HOLT_A_STORE, s->name)) {
		holt_store_put(s);
		return holt_nl_reply_overflow(info, msg);
	}
	holt_store_put(s);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static int holt_nl_store_detach(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = holt_nl_require(info, HOLT_A_STORE);
	if (err)
		return err;
	err = holt_store_detach(nla_data(info->attrs[HOLT_A_STORE]));
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[HOLT_A_STORE],
				    "no store with this name");
	return err;
}

static int holt_nl_store_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	kuid_t uid = GLOBAL_ROOT_UID;
	kgid_t gid = GLOBAL_ROOT_GID;
	umode_t mode = 0;
	struct holt_store *s;
	int err;

	err = holt_nl_require(info, HOLT_A_STORE);
	if (err)
		return err;
	if (!attrs[HOLT_A_UID] && !attrs[HOLT_A_GID] && !attrs[HOLT_A_MODE]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give HOLT_A_UID, HOLT_A_GID or HOLT_A_MODE");
		return -EINVAL;
	}
	if (attrs[HOLT_A_UID]) {
		err = holt_nl_get_uid(info, &uid);
		if (err)
			return err;
	}
	if (attrs[HOLT_A_GID]) {
		err = holt_nl_get_gid(info, &gid);
		if (err)
			return err;
	}
	if (attrs[HOLT_A_MODE])
		mode = nla_get_u32(attrs[HOLT_A_MODE]);
	s = holt_nl_store_get(attrs, info->extack);
	if (IS_ERR(s))
		return PTR_ERR(s);
	err = holt_nl_store_set_owner(s, attrs[HOLT_A_UID] ? &uid : NULL,
				      attrs[HOLT_A_GID] ? &gid : NULL,
				      attrs[HOLT_A_MODE] ? &mode : NULL,
				      info->extack);
	holt_store_put(s);
	return err;
}

static int holt_nl_tree_create(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[HOLT_A_TREE];
	struct holt_store *s;
	int err;

	err = holt_nl_require(info, HOLT_A_TREE);
	if (err)
		return err;
	if (!holt_store_name_valid(nla_data(name))) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "tree name: 1..63 printable characters, no '/'");
		return -EINVAL;
	}
	s = holt_nl_store_get(info->attrs, info->extack);
	if (IS_ERR(s))
		return PTR_ERR(s);
	err = holt_store_tree_create(s, nla_data(name));
	holt_store_put(s);
	switch (err) {
	case 0:
		break;
	case -EEXIST:
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "a tree with this name exists in the store");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG(info->extack,
			       "too many trees in the store (module parameter max_trees)");
		break;
	case -ENOMEM:
		NL_SET_ERR_MSG(info->extack, "out of memory for the tree");
		break;
	default:
		NL_SET_ERR_MSG(info->extack, "cannot create the tree");
		break;
	}
	return err;
}

static int holt_nl_tree_drop(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[HOLT_A_TREE];
	struct holt_store *s;
	int err;

	err = holt_nl_require(info, HOLT_A_TREE);
	if (err)
		return err;
	s = holt_nl_store_get(info->attrs, info->extack);
	if (IS_ERR(s))
		return PTR_ERR(s);
	err = holt_store_tree_drop(s, nla_data(name));
	holt_store_put(s);
	if (err == -EINVAL)
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "the tree \"default\" cannot be dropped");
	else if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "no tree with this name in the store");
	return err;
}

static int holt_nl_format(struct sk_buff *skb, struct genl_info *info)
{
	const char *msg = NULL;
	u32 wal_mb = 0;
	int err;

	err = holt_nl_require(info, HOLT_A_DEVICE);
	if (err)
		return err;
	if (info->attrs[HOLT_A_WAL_MB])
		wal_mb = nla_get_u32(info->attrs[HOLT_A_WAL_MB]);
	err = holt_persist_format(nla_data(info->attrs[HOLT_A_DEVICE]), wal_mb,
				  &msg);
	if (err && msg)
		info->extack->_msg = msg;	/* static storage */
	return err;
}

static int holt_nl_checkpoint(struct sk_buff *skb, struct genl_info *info)
{
	struct holt_store *s;
	int err;

	s = holt_nl_store_get(info->attrs, info->extack);
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (info->genlhdr->cmd == HOLT_CMD_SYNC)
		err = holt_store_sync(s);
	else
		err = holt_store_checkpoint(s);
	holt_store_put(s);
	if (err)
		NL_SET_ERR_MSG(info->extack, "the store's backend failed");
	return err;
}

static int holt_nl_compact(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[HOLT_A_TREE];
	struct holt_store_tree *st = NULL;
	struct holt_store *s;
	int err;

	s = holt_nl_store_get(info->attrs, info->extack);
	if (IS_ERR(s))
		return PTR_ERR(s);
	holt_store_write_lock(s);
	if (name) {
		st = holt_store_tree_find(s, nla_data(name));
		err = -ENOENT;
		if (!st) {
			NL_SET_ERR_MSG_ATTR(info->extack, name,
					    "no tree with this name in the store");
			goto out_unlock;
		}
	}
	err = holt_store_compact(s, st);
	if (err)
		holt_nl_engine_err(info->extack, err);
out_unlock:
	holt_store_write_unlock(s);
	holt_store_put(s);
	return err;
}

static const struct genl_ops holt_nl_ops[] = {
	{ .cmd = HOLT_CMD_NOOP, .doit = holt_nl_noop },
	{ .cmd = HOLT_CMD_GET, .doit = holt_nl_get },
	{ .cmd = HOLT_CMD_PUT, .doit = holt_nl_put },
	{ .cmd = HOLT_CMD_DEL, .doit = holt_nl_del },
	{ .cmd = HOLT_CMD_RENAME, .doit = holt_nl_rename },
	{ .cmd = HOLT_CMD_COUNT, .doit = holt_nl_count },
	{ .cmd = HOLT_CMD_LONGEST_PREFIX, .doit = holt_nl_longest_prefix },
	{
		.cmd = HOLT_CMD_SCAN,
		.start = holt_nl_scan_start,
		.dumpit = holt_nl_scan_dump,
		.done = holt_nl_dump_done,
	},
	{ .cmd = HOLT_CMD_BATCH, .doit = holt_nl_batch },
	{
		.cmd = HOLT_CMD_TREE_CREATE,
		.doit = holt_nl_tree_create,
		.internal_flags = HOLT_NL_ADMIN,
	},
	{
		.cmd = HOLT_CMD_TREE_DROP,
		.doit = holt_nl_tree_drop,
		.internal_flags = HOLT_NL_ADMIN,
	},
	{
		.cmd = HOLT_CMD_TREE_LIST,
		.start = holt_nl_list_start,
		.dumpit = holt_nl_tree_list,
		.done = holt_nl_dump_done,
	},
	{
		.cmd = HOLT_CMD_STORE_ATTACH,
		.doit = holt_nl_store_attach,
		.internal_flags = HOLT_NL_ADMIN,
	},
	{
		.cmd = HOLT_CMD_STORE_DETACH,
		.doit = holt_nl_store_detach,
		.internal_flags = HOLT_NL_ADMIN,
	},
	{
		.cmd = HOLT_CMD_STORE_LIST,
		.start = holt_nl_list_start,
		.dumpit = holt_nl_store_list,
		.done = holt_nl_dump_done,
	},
	{
		.cmd = HOLT_CMD_STORE_SET,
		.doit = holt_nl_store_set,
		.internal_flags = HOLT_NL_ADMIN,
	},
	{ .cmd = HOLT_CMD_STATS, .doit = holt_nl_stats },
	{
		.cmd = HOLT_CMD_FORMAT,
		.doit = holt_nl_format,
		.internal_flags = HOLT_NL_ADMIN,
	},
	{
		.cmd = HOLT_CMD_CHECKPOINT,
		.doit = holt_nl_checkpoint,
		.internal_flags = HOLT_NL_ADMIN,
	},
	{
		.cmd = HOLT_CMD_SYNC,
		.doit = holt_nl_checkpoint,
		.internal_flags = HOLT_NL_ADMIN,
	},
	{
		.cmd = HOLT_CMD_COMPACT,
		.doit = holt_nl_compact,
		.internal_flags = HOLT_NL_ADMIN,
	},
};

static struct genl_family holt_nl_family __ro_after_init = {
	.name = HOLT_GENL_NAME,
	.version = HOLT_GENL_VERSION,
	.maxattr = HOLT_A_MAX,
	.policy = holt_nl_policy,
	.netnsok = false,
	.parallel_ops = true,
	.resv_start_op = HOLT_CMD_NOOP,
	.pre_doit = holt_nl_pre_doit,
	.ops = holt_nl_ops,
	.n_ops = ARRAY_SIZE(holt_nl_ops),
	.module = THIS_MODULE,
};

/**
 * holt_nl_init() - register the generic netlink family "holt"
 *
 * Context: module init, process context.
 * Return: 0 or the negative errno of genl_register_family().
 */
int holt_nl_init(void)
{
	return genl_register_family(&holt_nl_family);
}

/**
 * holt_nl_uninit() - unregister the family
 *
 * When this returns no handler runs any more (dumps in progress hold a
 * reference on the module, so unloading waits for them to end).
 *
 * Context: module exit, process context.
 */
void holt_nl_uninit(void)
{
	genl_unregister_family(&holt_nl_family);
}
