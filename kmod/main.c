// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - holt.ko: module parameters, init and exit.
 *
 * Every part has an *_init() and an *_uninit(); init runs them in order and
 * unwinds in reverse on failure, exit runs the uninits in reverse.  The
 * netlink family goes first at exit, so that no request can reach a store
 * while the stores left attached are detached.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/init.h>
#include <net/genetlink.h>

#include "../uapi/linux/holt.h"
#include "netlink.h"
#include "store.h"
#include "cache.h"

module_param_named(max_stores, holt_store_limits.max_stores, uint, 0444);
MODULE_PARM_DESC(max_stores,
		 "stores that may be attached at once (default 16, at least 1)");
module_param_named(max_trees, holt_store_limits.max_trees, uint, 0444);
MODULE_PARM_DESC(max_trees,
		 "trees per store, \"default\" included (default 64, at least 1)");
module_param_named(frame_data_budget, holt_store_limits.data_budget, uint,
		   0444);
MODULE_PARM_DESC(frame_data_budget,
		 "bytes of each 512 KiB frame's data area a tree may fill before it spills into a new frame; 0 (default) for the whole area.  Small values exercise spillover in tests");

module_param_named(frame_cache_mb, holt_cache_default_mb, uint, 0644);
MODULE_PARM_DESC(frame_cache_mb,
		 "MiB of 512 KiB frames a store attached from a device keeps in memory, unless its attach sets cache_mb; 0 (default) for no limit.  Clean frames over it are evicted and read back on demand; the shrinker evicts under memory pressure either way");

static int __init holt_init(void)
{
	int err;

	if (!holt_store_limits.max_stores || !holt_store_limits.max_trees) {
		pr_err("max_stores and max_trees must be at least 1\n");
		return -EINVAL;
	}

	err = holt_store_init();
	if (err)
		goto err_out;
	err = holt_cache_init();
	if (err)
		goto err_store_uninit;
	err = holt_nl_init();
	if (err)
		goto err_cache_uninit;

	pr_info("loaded: generic netlink family %s version %d\n",
		HOLT_GENL_NAME, HOLT_GENL_VERSION);
	return 0;

err_cache_uninit:
	holt_cache_uninit();
err_store_uninit:
	holt_store_uninit();
err_out:
	return err;
}

static void __exit holt_exit(void)
{
	holt_nl_uninit();
	holt_store_uninit();
	holt_cache_uninit();
	pr_info("unloaded\n");
}

module_init(holt_init);
module_exit(holt_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("holt: a metadata storage engine (adaptive radix tree in 512 KiB frames) over generic netlink");
MODULE_AUTHOR("The holt authors");
MODULE_ALIAS_GENL_FAMILY(HOLT_GENL_NAME);
