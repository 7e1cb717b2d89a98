/* SPDX-License-Identifier: GPL-2.0 */
/*
 * recover.h - attaching a device-backed store: superblock selection,
 * frame map and catalog, frames, log replay.  holt_recover() is declared
 * in persist.h.
 */
#ifndef HOLT_RECOVER_H
#define HOLT_RECOVER_H

#include "persist.h"

/* Bytes of the log read at once while scanning. */
#define HOLT_RECOVER_WINDOW	(2u << 20)
/* Largest frame map or catalog stream attach accepts. */
#define HOLT_RECOVER_META_MAX	(64u << 20)

#endif /* HOLT_RECOVER_H */
