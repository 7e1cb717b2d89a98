/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bdev.h - synchronous block I/O for holt stores: open a block device by
 * path, read and write byte ranges with bios, FLUSH and FUA.
 */
#ifndef HOLT_BDEV_H
#define HOLT_BDEV_H

#include <linux/types.h>
#include <linux/blk_types.h>

/* Flags of holt_bdev_write(). */
#define HOLT_BDEV_FUA		0x1u	/* the data is durable on completion */
#define HOLT_BDEV_PREFLUSH	0x2u	/* earlier writes are durable first */

/**
 * struct holt_bdev - an open block device
 * @bdev: the kernel's device, opened exclusively
 * @mode: the mode it was opened with (for blkdev_put())
 * @size: its size in bytes
 * @lbs: its logical block size (every I/O is aligned to it)
 */
struct holt_bdev {
	struct block_device *bdev;
	fmode_t mode;
	u64 size;
	u32 lbs;
};

int holt_bdev_open(const char *path, void *holder, struct holt_bdev *b);
void holt_bdev_close(struct holt_bdev *b);
int holt_bdev_read(struct holt_bdev *b, u64 off, void *buf, size_t len);
int holt_bdev_write(struct holt_bdev *b, u64 off, const void *buf,
		    size_t len, u32 flags);
int holt_bdev_flush(struct holt_bdev *b);

#endif /* HOLT_BDEV_H */
