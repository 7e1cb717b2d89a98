// SPDX-License-Identifier: GPL-2.0
/*
 * bdev_fault.c - the simulated device of bdev_fault.h: two images of the
 * device (what reads see, what is on the medium), the list of writes still
 * in the volatile cache, and the faults a suite arms.
 *
 * A cached write keeps a copy of its data, so that a torn power cut can
 * apply any subset of its sectors in write order.  A FUA write goes to both
 * images at once; when it overlaps a cached write it is kept in the list
 * too (as "forced"), so that replaying an older cached write at a torn cut
 * cannot overwrite it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/string.h>
#include <linux/minmax.h>

#include "bdev_fault.h"

#define HOLT_FDEV_SECTOR	512u

struct holt_fdev_cached {
	struct list_head node;
	u64 off;
	u64 len;
	bool forced;		/* a FUA write: always on the medium */
	u8 data[];
};

static bool holt_fdev_overlaps_cache(struct holt_fdev *d, u64 off, u64 len)
{
	struct holt_fdev_cached *c;

	list_for_each_entry(c, &d->cache, node)
		if (!c->forced && off < c->off + c->len && c->off < off + len)
			return true;
	return false;
}

static void holt_fdev_drop_cache(struct holt_fdev *d)
{
	struct holt_fdev_cached *c, *tmp;

	list_for_each_entry_safe(c, tmp, &d->cache, node) {
		list_del(&c->node);
		kvfree(c);
	}
}

/* Everything cached reaches the medium. */
static void holt_fdev_flush_locked(struct holt_fdev *d)
{
	struct holt_fdev_cached *c;

	list_for_each_entry(c, &d->cache, node)
		memcpy(d->dur + c->off, d->cur + c->off, c->len);
	holt_fdev_drop_cache(d);
}

/* Count one I/O; false when it must fail because the power is off. */
static bool holt_fdev_powered(struct holt_fdev *d)
{
	if (!d->off && d->ios >= d->cut_after)
		d->off = true;
	d->ios++;
	if (d->off)
		d->failed++;
	return !d->off;
}

static int holt_fdev_read(void *priv, u64 off, void *buf, size_t len)
{
	struct holt_fdev *d = priv;
	int err = 0;

	mutex_lock(&d->lock);
	if (d->off || ++d->reads == d->fail_read)
		err = -EIO;
	else
		memcpy(buf, d->cur + off, len);
	mutex_unlock(&d->lock);
	return err;
}

static void holt_fdev_log(struct holt_fdev *d, u64 off, u64 len, u32 flags)
{
	struct holt_fdev_io *n;

	if (!d->logging)
		return;
	if (d->log_nr == d->log_cap) {
		u32 cap = d->log_cap ? d->log_cap * 2 : 64;

		n = krealloc_array(d->log, cap, sizeof(*n), GFP_KERNEL);
		if (!n) {
			/* the suite sees a short log and fails */
			d->logging = false;
			return;
		}
		d->log = n;
		d->log_cap = cap;
	}
	d->log[d->log_nr++] = (struct holt_fdev_io){
		.off = off, .len = len, .flags = flags,
	};
}

static int holt_fdev_write(void *priv, u64 off, const void *buf, size_t len,
			   u32 flags)
{
	struct holt_fdev *d = priv;
	struct holt_fdev_cached *c = NULL;
	bool fua = flags & HOLT_BDEV_FUA;
	int err = -EIO;

	mutex_lock(&d->lock);
	d->writes++;
	if (flags & HOLT_BDEV_PREFLUSH)
		d->flushes++;
	if (!holt_fdev_powered(d)) {
		if (d->ios == d->cut_after + 1)
			goto in_flight;
		goto out;
	}
	if (d->writes == d->fail_write) {
		d->failed++;
		goto out;
	}
	if (!fua || holt_fdev_overlaps_cache(d, off, len)) {
		err = -ENOMEM;
		c = kvmalloc(struct_size(c, data, len), GFP_KERNEL);
		if (!c)
			goto out;
		c->off = off;
		c->len = len;
		c->forced = fua;
		memcpy(c->data, buf, len);
	}
	if (flags & HOLT_BDEV_PREFLUSH)
		holt_fdev_flush_locked(d);
	holt_fdev_log(d, off, len, flags);
	memcpy(d->cur + off, buf, len);
	if (fua)
		memcpy(d->dur + off, buf, len);
	if (c)
		list_add_tail(&c->node, &d->cache);
	err = 0;
out:
	mutex_unlock(&d->lock);
	return err;

in_flight:
	/*
	 * The power failed during this write: any of its sectors may have
	 * reached the medium.  Kept as a cached write, it is dropped or torn
	 * by the power cycle; it fails all the same.
	 */
	c = kvmalloc(struct_size(c, data, len), GFP_KERNEL);
	if (c) {
		c->off = off;
		c->len = len;
		c->forced = false;
		memcpy(c->data, buf, len);
		list_add_tail(&c->node, &d->cache);
	}
	goto out;
}

static int holt_fdev_flush(void *priv)
{
	struct holt_fdev *d = priv;
	int err = -EIO;

	mutex_lock(&d->lock);
	d->flushes++;
	if (!holt_fdev_powered(d))
		goto out;
	if (d->flushes == d->fail_flush) {
		d->failed++;
		goto out;
	}
	holt_fdev_log(d, 0, 0, HOLT_FDEV_IO_FLUSH);
	holt_fdev_flush_locked(d);
	err = 0;
out:
	mutex_unlock(&d->lock);
	return err;
}

static const struct holt_bdev_ops holt_fdev_ops = {
	.read = holt_fdev_read,
	.write = holt_fdev_write,
	.flush = holt_fdev_flush,
};

/**
 * holt_fdev_create() - a zeroed simulated device, registered under @path
 * @path: the name holt_bdev_open() will find it by (at most 31 bytes)
 * @size: bytes, a multiple of 4096
 * @seed: seed of the torn-write coin
 *
 * Context: process context, may sleep.
 * Return: the device, or NULL (out of memory, or the name is taken).
 */
struct holt_fdev *holt_fdev_create(const char *path, u64 size, u64 seed)
{
	struct holt_fdev *d;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	mutex_init(&d->lock);
	INIT_LIST_HEAD(&d->cache);
	strscpy(d->path, path, sizeof(d->path));
	d->size = size;
	d->cut_after = U64_MAX;
	prandom_seed_state(&d->rnd, seed);
	d->cur = vzalloc(size);
	d->dur = vzalloc(size);
	if (!d->cur || !d->dur)
		goto err_free;
	d->fake.path = d->path;
	d->fake.ops = &holt_fdev_ops;
	d->fake.priv = d;
	d->fake.size = size;
	d->fake.lbs = HOLT_FDEV_SECTOR;
	if (holt_bdev_fake_register(&d->fake))
		goto err_free;
	return d;

err_free:
	vfree(d->cur);
	vfree(d->dur);
	kfree(d);
	return NULL;
}

/**
 * holt_fdev_destroy() - unregister and free a device
 * @d: the device (not open), or NULL
 *
 * Context: process context, may sleep.
 */
void holt_fdev_destroy(struct holt_fdev *d)
{
	if (!d)
		return;
	holt_bdev_fake_unregister(&d->fake);
	holt_fdev_drop_cache(d);
	kfree(d->log);
	vfree(d->cur);
	vfree(d->dur);
	kfree(d);
}

/**
 * holt_fdev_power_off() - the power goes off now: every I/O fails until
 * holt_fdev_power_cycle()
 * @d: the device
 *
 * Context: process context, may sleep.
 */
void holt_fdev_power_off(struct holt_fdev *d)
{
	mutex_lock(&d->lock);
	d->off = true;
	mutex_unlock(&d->lock);
}

/**
 * holt_fdev_power_cycle() - the cut and the reboot
 * @d: the device, closed by every user (the store detached)
 * @how: what becomes of the writes still in the cache
 *
 * Afterwards the device holds what is on the medium, the power is on,
 * the counters are zero and no fault is armed.
 *
 * Context: process context, may sleep.
 */
void holt_fdev_power_cycle(struct holt_fdev *d, enum holt_fdev_cut how)
{
	struct holt_fdev_cached *c;
	u64 s;

	mutex_lock(&d->lock);
	if (how == HOLT_FDEV_TEAR) {
		list_for_each_entry(c, &d->cache, node) {
			for (s = 0; s < c->len; s += HOLT_FDEV_SECTOR) {
				if (!c->forced && (prandom_u32_state(&d->rnd) & 1))
					continue;
				memcpy(d->dur + c->off + s, c->data + s,
				       min_t(u64, HOLT_FDEV_SECTOR, c->len - s));
			}
		}
	}
	holt_fdev_drop_cache(d);
	memcpy(d->cur, d->dur, d->size);
	d->off = false;
	d->writes = d->flushes = d->ios = d->failed = 0;
	d->fail_write = d->fail_flush = d->fail_read = 0;
	d->cut_after = U64_MAX;
	mutex_unlock(&d->lock);
}

/**
 * holt_fdev_arm() - zero the counters and arm faults counted from now
 * @d: the device
 * @fail_write: the write with this number (1 = the next one) fails with
 *	-EIO; 0 for none
 * @fail_flush: the same for flushes
 * @cut_after: the power goes off after this many more I/Os (writes and
 *	flushes); U64_MAX for never
 *
 * Context: process context, may sleep.
 */
void holt_fdev_arm(struct holt_fdev *d, u64 fail_write, u64 fail_flush,
		   u64 cut_after)
{
	mutex_lock(&d->lock);
	d->writes = d->flushes = d->ios = d->failed = 0;
	d->fail_write = fail_write;
	d->fail_flush = fail_flush;
	d->cut_after = cut_after;
	mutex_unlock(&d->lock);
}

/**
 * holt_fdev_fail_read() - make a later read fail with -EIO
 * @d: the device
 * @nth: 1 for the next read, 2 for the one after ...; 0 to disarm
 *
 * Context: process context, may sleep.
 */
void holt_fdev_fail_read(struct holt_fdev *d, u64 nth)
{
	mutex_lock(&d->lock);
	d->fail_read = nth ? d->reads + nth : 0;
	mutex_unlock(&d->lock);
}

/**
 * holt_fdev_ios() - I/Os (writes and flushes) since holt_fdev_arm()
 * @d: the device
 *
 * Context: process context, may sleep.
 * Return: the count, failed ones included.
 */
u64 holt_fdev_ios(struct holt_fdev *d)
{
	u64 n;

	mutex_lock(&d->lock);
	n = d->ios;
	mutex_unlock(&d->lock);
	return n;
}

/**
 * holt_fdev_cached() - writes in the volatile cache now
 * @d: the device
 *
 * Context: process context, may sleep.
 * Return: their number (forced FUA entries included).
 */
u32 holt_fdev_cached(struct holt_fdev *d)
{
	struct holt_fdev_cached *c;
	u32 n = 0;

	mutex_lock(&d->lock);
	list_for_each_entry(c, &d->cache, node)
		n++;
	mutex_unlock(&d->lock);
	return n;
}

/**
 * holt_fdev_save() - copy what is on the medium
 * @d: the device
 * @img: receives a vmalloc'ed copy of @d->size bytes (vfree() it)
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int holt_fdev_save(struct holt_fdev *d, u8 **img)
{
	*img = vmalloc(d->size);
	if (!*img)
		return -ENOMEM;
	mutex_lock(&d->lock);
	memcpy(*img, d->dur, d->size);
	mutex_unlock(&d->lock);
	return 0;
}

/**
 * holt_fdev_restore() - put an image saved by holt_fdev_save() back, as
 * after a power cycle
 * @d: the device, closed
 * @img: the image
 *
 * Context: process context, may sleep.
 */
void holt_fdev_restore(struct holt_fdev *d, const u8 *img)
{
	mutex_lock(&d->lock);
	memcpy(d->dur, img, d->size);
	mutex_unlock(&d->lock);
	holt_fdev_power_cycle(d, HOLT_FDEV_DROP);
}

/**
 * holt_fdev_log_start() - record every write and flush that succeeds
 * from now on
 * @d: the device
 *
 * Context: process context, may sleep.
 */
void holt_fdev_log_start(struct holt_fdev *d)
{
	mutex_lock(&d->lock);
	d->log_nr = 0;
	d->logging = true;
	mutex_unlock(&d->lock);
}

/**
 * holt_fdev_log_stop() - stop recording; the writes are in @d->log
 * @d: the device
 *
 * Context: process context, may sleep.
 * Return: the number of writes recorded.
 */
u32 holt_fdev_log_stop(struct holt_fdev *d)
{
	u32 n;

	mutex_lock(&d->lock);
	d->logging = false;
	n = d->log_nr;
	mutex_unlock(&d->lock);
	return n;
}

/**
 * holt_fdev_read_durable() - read what is on the medium (not the cache)
 * @d: the device
 * @off: byte offset
 * @buf: @len bytes
 * @len: bytes
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL outside the device.
 */
int holt_fdev_read_durable(struct holt_fdev *d, u64 off, void *buf,
			   size_t len)
{
	if (off > d->size || len > d->size - off)
		return -EINVAL;
	mutex_lock(&d->lock);
	memcpy(buf, d->dur + off, len);
	mutex_unlock(&d->lock);
	return 0;
}
