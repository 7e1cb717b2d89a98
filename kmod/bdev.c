// SPDX-License-Identifier: GPL-2.0
/*
 * bdev.c - synchronous block I/O for holt stores.
 *
 * DOC: Block I/O
 *
 * A store's device is opened exclusively (FMODE_EXCL with the store as
 * holder), so that no filesystem or second attach can use it meanwhile.
 * Reads and writes go through bios built page by page over the caller's
 * buffer, which may be kmalloc'ed or vmalloc'ed (frames are), and wait for
 * completion with submit_bio_wait().  Every failure is returned as -EIO
 * (-EINVAL for a request outside the device or not aligned to its logical
 * block size); nothing is retried and nothing oopses.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/printk.h>

#include "bdev.h"

/**
 * holt_bdev_open() - open a block device by path for exclusive read-write
 * @path: the device node, e.g. "/dev/vda"
 * @holder: the exclusive holder (the store)
 * @b: filled on success
 *
 * Context: process context, may sleep.
 * Return: 0, or the negative errno of blkdev_get_by_path() (-ENOENT,
 * -ENOTBLK, -EBUSY when someone else holds the device ...), or -EINVAL for
 * a logical block size above 4096.
 */
int holt_bdev_open(const char *path, void *holder, struct holt_bdev *b)
{
	struct block_device *bdev;

	b->mode = FMODE_READ | FMODE_WRITE | FMODE_EXCL;
	bdev = blkdev_get_by_path(path, b->mode, holder);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	b->bdev = bdev;
	b->size = bdev_nr_bytes(bdev);
	b->lbs = bdev_logical_block_size(bdev);
	if (b->lbs > PAGE_SIZE || b->lbs < SECTOR_SIZE) {
		pr_warn("%s: logical block size %u not supported\n", path,
			b->lbs);
		blkdev_put(bdev, b->mode);
		b->bdev = NULL;
		return -EINVAL;
	}
	return 0;
}

/**
 * holt_bdev_close() - release a device opened by holt_bdev_open()
 * @b: the device; closing twice is harmless
 *
 * Context: process context, may sleep.
 */
void holt_bdev_close(struct holt_bdev *b)
{
	if (b->bdev)
		blkdev_put(b->bdev, b->mode);
	b->bdev = NULL;
}

static struct page *holt_bdev_page(const void *p)
{
	if (is_vmalloc_addr(p))
		return vmalloc_to_page(p);
	return virt_to_page(p);
}

/* One synchronous transfer of [off, off + len) through one or more bios. */
static int holt_bdev_rw(struct holt_bdev *b, u64 off, void *buf, size_t len,
			blk_opf_t opf)
{
	u8 *p = buf;
	int err = 0;

	if (!b->bdev)
		return -EIO;
	if (!len)
		return 0;
	if ((off | len) & (b->lbs - 1) || off > b->size ||
	    len > b->size - off)
		return -EINVAL;
	while (len && !err) {
		size_t chunk = min_t(size_t, len, (size_t)BIO_MAX_VECS *
				     PAGE_SIZE - PAGE_SIZE);
		size_t done = 0;
		struct bio *bio;
		bool last = chunk == len;
		blk_opf_t op = opf;

		/* FUA belongs to the last bio only, PREFLUSH to the first. */
		if (!last)
			op &= ~REQ_FUA;
		bio = bio_alloc(b->bdev, BIO_MAX_VECS, op, GFP_NOIO);
		if (!bio)
			return -ENOMEM;
		bio->bi_iter.bi_sector = off >> SECTOR_SHIFT;
		while (done < chunk) {
			size_t pofs = offset_in_page(p + done);
			size_t n = min_t(size_t, chunk - done,
					 PAGE_SIZE - pofs);

			if (bio_add_page(bio, holt_bdev_page(p + done),
					 (unsigned int)n,
					 (unsigned int)pofs) != n)
				break;
			done += n;
		}
		if (!done) {
			bio_put(bio);
			return -EIO;
		}
		err = submit_bio_wait(bio);
		bio_put(bio);
		if (err) {
			pr_err_ratelimited("I/O error %d at byte %llu\n", err,
					   (unsigned long long)off);
			return -EIO;
		}
		opf &= ~REQ_PREFLUSH;
		p += done;
		off += done;
		len -= done;
	}
	return err;
}

/**
 * holt_bdev_read() - read a byte range
 * @b: the device
 * @off: byte offset, aligned to the logical block size
 * @buf: @len bytes, kmalloc'ed or vmalloc'ed
 * @len: a multiple of the logical block size
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL (range), or -EIO.
 */
int holt_bdev_read(struct holt_bdev *b, u64 off, void *buf, size_t len)
{
	return holt_bdev_rw(b, off, buf, len, REQ_OP_READ);
}

/**
 * holt_bdev_write() - write a byte range and wait for it
 * @b: the device
 * @off: byte offset, aligned to the logical block size
 * @buf: @len bytes, kmalloc'ed or vmalloc'ed
 * @len: a multiple of the logical block size
 * @flags: HOLT_BDEV_FUA, HOLT_BDEV_PREFLUSH
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL (range), or -EIO.
 */
int holt_bdev_write(struct holt_bdev *b, u64 off, const void *buf,
		    size_t len, u32 flags)
{
	blk_opf_t opf = REQ_OP_WRITE | REQ_SYNC;

	if (flags & HOLT_BDEV_FUA)
		opf |= REQ_FUA;
	if (flags & HOLT_BDEV_PREFLUSH)
		opf |= REQ_PREFLUSH;
	return holt_bdev_rw(b, off, (void *)buf, len, opf);
}

/**
 * holt_bdev_flush() - make every completed write durable
 * @b: the device
 *
 * Context: process context, may sleep.
 * Return: 0 or -EIO.
 */
int holt_bdev_flush(struct holt_bdev *b)
{
	if (!b->bdev)
		return -EIO;
	return blkdev_issue_flush(b->bdev) ? -EIO : 0;
}
