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
 *
 * Kernels built for the KUnit suites (CONFIG_HOLT_KUNIT_TEST) also know
 * simulated devices, registered by name with holt_bdev_fake_register():
 * holt_bdev_open() looks the path up among them first, and the I/O of a
 * device so opened goes to its &struct holt_bdev_ops after the same range
 * checks.  Without that option none of this is compiled.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/printk.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "bdev.h"

#if IS_ENABLED(CONFIG_HOLT_KUNIT_TEST)
static LIST_HEAD(holt_bdev_fakes);
static DEFINE_MUTEX(holt_bdev_fake_lock);

/**
 * holt_bdev_fake_register() - make a simulated device openable by name
 * @f: the device, with @f->path, @f->ops, @f->size and @f->lbs set; it
 *	stays the caller's and must stay valid until unregistered
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL (bad size or block size), -EEXIST (the name is
 * taken).
 */
int holt_bdev_fake_register(struct holt_bdev_fake *f)
{
	struct holt_bdev_fake *pos;
	int err = 0;

	if (!f->path || !f->ops || f->lbs < SECTOR_SIZE ||
	    f->lbs > PAGE_SIZE || !is_power_of_2(f->lbs) ||
	    f->size % f->lbs)
		return -EINVAL;
	f->busy = false;
	mutex_lock(&holt_bdev_fake_lock);
	list_for_each_entry(pos, &holt_bdev_fakes, node)
		if (!strcmp(pos->path, f->path))
			err = -EEXIST;
	if (!err)
		list_add_tail(&f->node, &holt_bdev_fakes);
	mutex_unlock(&holt_bdev_fake_lock);
	return err;
}

/**
 * holt_bdev_fake_unregister() - forget a simulated device
 * @f: a device registered with holt_bdev_fake_register(), not open
 *
 * Context: process context, may sleep.
 */
void holt_bdev_fake_unregister(struct holt_bdev_fake *f)
{
	mutex_lock(&holt_bdev_fake_lock);
	WARN_ON(f->busy);
	list_del(&f->node);
	mutex_unlock(&holt_bdev_fake_lock);
}

/* Open the simulated device named @path; -ENOENT when there is none. */
static int holt_bdev_fake_open(const char *path, struct holt_bdev *b)
{
	struct holt_bdev_fake *f;
	int err = -ENOENT;

	b->fake = NULL;
	mutex_lock(&holt_bdev_fake_lock);
	list_for_each_entry(f, &holt_bdev_fakes, node) {
		if (strcmp(f->path, path))
			continue;
		err = -EBUSY;
		if (!f->busy) {
			f->busy = true;
			b->fake = f;
			b->bdev = NULL;
			b->size = f->size;
			b->lbs = f->lbs;
			err = 0;
		}
		break;
	}
	mutex_unlock(&holt_bdev_fake_lock);
	return err;
}

static struct holt_bdev_fake *holt_bdev_fake_of(const struct holt_bdev *b)
{
	return b->fake;
}

static void holt_bdev_fake_close(struct holt_bdev *b)
{
	mutex_lock(&holt_bdev_fake_lock);
	b->fake->busy = false;
	mutex_unlock(&holt_bdev_fake_lock);
	b->fake = NULL;
}

static int holt_bdev_fake_rw(struct holt_bdev *b, u64 off, void *buf,
			     size_t len, blk_opf_t opf)
{
	struct holt_bdev_fake *f = b->fake;
	u32 flags = 0;
	int err;

	if (op_is_write(opf)) {
		if (opf & REQ_FUA)
			flags |= HOLT_BDEV_FUA;
		if (opf & REQ_PREFLUSH)
			flags |= HOLT_BDEV_PREFLUSH;
		err = f->ops->write(f->priv, off, buf, len, flags);
	} else {
		err = f->ops->read(f->priv, off, buf, len);
	}
	return err ? -EIO : 0;
}

static int holt_bdev_fake_flush(struct holt_bdev *b)
{
	return b->fake->ops->flush(b->fake->priv) ? -EIO : 0;
}
#else
static inline int holt_bdev_fake_open(const char *path, struct holt_bdev *b)
{
	return -ENOENT;
}

static inline struct holt_bdev_fake *
holt_bdev_fake_of(const struct holt_bdev *b)
{
	return NULL;
}

static inline void holt_bdev_fake_close(struct holt_bdev *b)
{
}

static inline int holt_bdev_fake_rw(struct holt_bdev *b, u64 off, void *buf,
				    size_t len, blk_opf_t opf)
{
	return -EIO;
}

static inline int holt_bdev_fake_flush(struct holt_bdev *b)
{
	return -EIO;
}
#endif

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
	int err;

	err = holt_bdev_fake_open(path, b);
	if (err != -ENOENT)
		return err;
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
	if (holt_bdev_fake_of(b))
		holt_bdev_fake_close(b);
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

	if (!b->bdev && !holt_bdev_fake_of(b))
		return -EIO;
	if (!len)
		return 0;
	if ((off | len) & (b->lbs - 1) || off > b->size ||
	    len > b->size - off)
		return -EINVAL;
	if (holt_bdev_fake_of(b))
		return holt_bdev_fake_rw(b, off, buf, len, opf);
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
	if (holt_bdev_fake_of(b))
		return holt_bdev_fake_flush(b);
	if (!b->bdev)
		return -EIO;
	return blkdev_issue_flush(b->bdev) ? -EIO : 0;
}
