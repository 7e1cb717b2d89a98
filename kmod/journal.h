/* SPDX-License-Identifier: GPL-2.0 */
/*
 * journal.h - the write-ahead log writer of a device-backed store; the
 * functions and &struct holt_journal are declared in persist.h.
 */
#ifndef HOLT_JOURNAL_H
#define HOLT_JOURNAL_H

#include "persist.h"

#endif /* HOLT_JOURNAL_H */
