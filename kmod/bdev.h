/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bdev.h - synchronous block I/O for holt stores: open a block device by
 * path, read and write byte ranges with bios, FLUSH and FUA.  Kernels built
 * with CONFIG_HOLT_KUNIT_TEST can also register simulated devices
 * (&struct holt_bdev_fake) that holt_bdev_open() finds by path, so that
 * the KUnit suites drive the real persistence code through a device that
 * loses unflushed writes and fails on demand (tests/kunit/bdev_fault.c).
 */
#ifndef HOLT_BDEV_H
#define HOLT_BDEV_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/blk_types.h>

/* Flags of holt_bdev_write(). */
#define HOLT_BDEV_FUA		0x1u	/* the data is durable on completion */
#define HOLT_BDEV_PREFLUSH	0x2u	/* earlier writes are durable first */

struct holt_bdev_fake;

/**
 * struct holt_bdev - an open block device
 * @bdev: the kernel's device, opened exclusively
 * @mode: the mode it was opened with (for blkdev_put())
 * @size: its size in bytes
 * @lbs: its logical block size (every I/O is aligned to it)
 * @fake: a simulated device instead of @bdev (KUnit kernels only)
 */
struct holt_bdev {
	struct block_device *bdev;
	fmode_t mode;
	u64 size;
	u32 lbs;
#if IS_ENABLED(CONFIG_HOLT_KUNIT_TEST)
	struct holt_bdev_fake *fake;
#endif
};

int holt_bdev_open(const char *path, void *holder, struct holt_bdev *b);
void holt_bdev_close(struct holt_bdev *b);
int holt_bdev_read(struct holt_bdev *b, u64 off, void *buf, size_t len);
int holt_bdev_write(struct holt_bdev *b, u64 off, const void *buf,
		    size_t len, u32 flags);
int holt_bdev_flush(struct holt_bdev *b);

#if IS_ENABLED(CONFIG_HOLT_KUNIT_TEST)
/**
 * struct holt_bdev_ops - the I/O of a simulated device
 * @read: copy @len bytes at @off into @buf
 * @write: write @len bytes at @off; @flags as of holt_bdev_write()
 * @flush: make every completed write durable
 *
 * Ranges are checked (inside the device, aligned to its logical block
 * size) before a callback is called.  Each returns 0 or a negative errno,
 * which holt_bdev_read(), holt_bdev_write() and holt_bdev_flush() pass on
 * as -EIO, like an I/O error of a real device.
 */
struct holt_bdev_ops {
	int (*read)(void *priv, u64 off, void *buf, size_t len);
	int (*write)(void *priv, u64 off, const void *buf, size_t len,
		     u32 flags);
	int (*flush)(void *priv);
};

/**
 * struct holt_bdev_fake - a simulated device that holt_bdev_open() finds
 * @node: in the list of registered devices
 * @path: the name holt_bdev_open() matches (instead of a device node)
 * @ops: its I/O
 * @priv: passed to @ops
 * @size: its size in bytes
 * @lbs: its logical block size
 * @busy: opened; a second open fails with -EBUSY, as an exclusive open of
 *	a real device does
 */
struct holt_bdev_fake {
	struct list_head node;
	const char *path;
	const struct holt_bdev_ops *ops;
	void *priv;
	u64 size;
	u32 lbs;
	bool busy;
};

int holt_bdev_fake_register(struct holt_bdev_fake *f);
void holt_bdev_fake_unregister(struct holt_bdev_fake *f);
#endif

#endif /* HOLT_BDEV_H */
