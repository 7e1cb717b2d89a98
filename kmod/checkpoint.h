/* SPDX-License-Identifier: GPL-2.0 */
/*
 * checkpoint.h - checkpoints of a device-backed store; the functions are
 * declared in persist.h.
 */
#ifndef HOLT_CHECKPOINT_H
#define HOLT_CHECKPOINT_H

#include "persist.h"

/* Flags of holt_ckpt_run(). */
#define HOLT_CKPT_CLEAN		0x1u	/* detach: mark the superblock clean */

#endif /* HOLT_CHECKPOINT_H */
