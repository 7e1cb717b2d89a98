/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netlink.h - the generic netlink family "holt" (see uapi/linux/holt.h).
 */
#ifndef HOLT_NETLINK_H
#define HOLT_NETLINK_H

int holt_nl_init(void);
void holt_nl_uninit(void);

#endif /* HOLT_NETLINK_H */
