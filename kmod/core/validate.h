/* SPDX-License-Identifier: GPL-2.0 */
/*
 * validate.h - deciding whether 512 KiB of untrusted bytes are a frame that
 * every walk may use safely.
 */
#ifndef HOLT_CORE_VALIDATE_H
#define HOLT_CORE_VALIDATE_H

#include "port.h"
#include "tree.h"

#define HOLT_FRAME_SIZE 0x80000u

/* Flags of holt_frame_validate(). */
#define HOLT_VALIDATE_SKIP_CSUM 0x1u	/* structure only: for fuzzers */

/*
 * holt_frame_validate() - accept or reject a frame.  Checks magic, format
 * version and crc32c (unless HOLT_VALIDATE_SKIP_CSUM), then every header
 * field, every reachable node's type, size, offset and child in bounds, no
 * cycles or shared nodes, keys in order.  Returns 0 or -EUCLEAN.
 */
int holt_frame_validate(const void *frame, u32 flags);

/* holt_frame_seal() - store the frame's crc32c in its header. */
void holt_frame_seal(void *frame);

/*
 * holt_frame_scan() - visit a validated frame alone, in key order: every live
 * leaf as a key item, every Blob node (a link to a child frame) as an item
 * with is_prefix set and the blob's full key prefix as key.  Returns 0, the
 * callback's non-zero return, or -EUCLEAN.
 */
int holt_frame_scan(const void *frame, holt_scan_fn fn, void *ctx);

#endif /* HOLT_CORE_VALIDATE_H */
