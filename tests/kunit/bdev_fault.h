/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bdev_fault.h - an in-memory block device with a volatile write cache and
 * fault injection, for the KUnit suites that drive the persistence code
 * (tests/kunit/persist_test.c).  Registered with holt_bdev_fake_register(),
 * it is opened by holt_bdev_open() under its path like a real device.
 *
 * The model:
 *  - a write without FUA completes into the volatile cache: reads see it,
 *    a power cut loses it, unless a FLUSH (or a later write with PREFLUSH)
 *    made it durable first;
 *  - a write with FUA is durable when it completes (it does not make
 *    earlier cached writes durable);
 *  - holt_fdev_power_cycle() is the cut and the reboot: the cached writes
 *    are dropped (HOLT_FDEV_DROP) or each of their 512-byte sectors
 *    independently reaches the medium or not, in write order
 *    (HOLT_FDEV_TEAR), then the device holds only what is durable;
 *  - faults: the Nth read, write or flush fails with -EIO (and changes
 *    nothing),
 *    or the power goes off after N I/Os (writes and flushes): from then on
 *    every I/O fails until the power cycle.  The write that meets the cut
 *    is in flight: the power cycle drops or tears it like a cached write.
 */
#ifndef HOLT_KUNIT_BDEV_FAULT_H
#define HOLT_KUNIT_BDEV_FAULT_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/prandom.h>

#include "../../kmod/bdev.h"

/* How holt_fdev_power_cycle() treats the writes still in the cache. */
enum holt_fdev_cut {
	HOLT_FDEV_DROP,		/* every cached write is lost */
	HOLT_FDEV_TEAR,		/* a random subset of their sectors lands */
};

/* &holt_fdev_io.flags of a recorded flush (its @off and @len are 0). */
#define HOLT_FDEV_IO_FLUSH	0x100u

/**
 * struct holt_fdev_io - one write or flush, as recorded while logging
 * @off: byte offset
 * @len: bytes
 * @flags: HOLT_BDEV_FUA, HOLT_BDEV_PREFLUSH, or HOLT_FDEV_IO_FLUSH
 */
struct holt_fdev_io {
	u64 off;
	u64 len;
	u32 flags;
};

/**
 * struct holt_fdev - a simulated device
 * @fake: its registration with bdev.c
 * @path: its name
 * @lock: guards everything below
 * @size: bytes
 * @cur: what reads return: the medium plus the cache
 * @dur: what survives a power cut: the medium
 * @cache: writes not durable yet, oldest first
 * @reads: reads issued
 * @fail_read: the read with this @reads count fails; 0 for none
 * @writes: writes issued (counted even when failing)
 * @flushes: flushes issued, PREFLUSH included
 * @ios: @writes + @flushes
 * @fail_write: the write with this @writes count fails; 0 for none
 * @fail_flush: the flush with this @flushes count fails; 0 for none
 * @cut_after: the power goes off when @ios passes this count; 0 for never
 * @off: the power is off: every I/O fails
 * @failed: I/Os that failed
 * @log: the writes recorded since holt_fdev_log_start()
 * @log_nr: entries of @log
 * @log_cap: room of @log
 * @logging: recording
 * @rnd: the sector coin of HOLT_FDEV_TEAR
 */
struct holt_fdev {
	struct holt_bdev_fake fake;
	char path[32];
	struct mutex lock;
	u64 size;
	u8 *cur;
	u8 *dur;
	struct list_head cache;
	u64 reads;
	u64 fail_read;
	u64 writes;
	u64 flushes;
	u64 ios;
	u64 fail_write;
	u64 fail_flush;
	u64 cut_after;
	bool off;
	u64 failed;
	struct holt_fdev_io *log;
	u32 log_nr;
	u32 log_cap;
	bool logging;
	struct rnd_state rnd;
};

struct holt_fdev *holt_fdev_create(const char *path, u64 size, u64 seed);
void holt_fdev_destroy(struct holt_fdev *d);
void holt_fdev_power_off(struct holt_fdev *d);
void holt_fdev_power_cycle(struct holt_fdev *d, enum holt_fdev_cut how);
void holt_fdev_arm(struct holt_fdev *d, u64 fail_write, u64 fail_flush,
		   u64 cut_after);
void holt_fdev_fail_read(struct holt_fdev *d, u64 nth);
u64 holt_fdev_ios(struct holt_fdev *d);
u32 holt_fdev_cached(struct holt_fdev *d);
int holt_fdev_save(struct holt_fdev *d, u8 **img);
void holt_fdev_restore(struct holt_fdev *d, const u8 *img);
void holt_fdev_log_start(struct holt_fdev *d);
u32 holt_fdev_log_stop(struct holt_fdev *d);
int holt_fdev_read_durable(struct holt_fdev *d, u64 off, void *buf,
			   size_t len);

#endif /* HOLT_KUNIT_BDEV_FAULT_H */
