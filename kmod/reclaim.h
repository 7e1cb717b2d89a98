/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reclaim.h - giving back in the background what deletes leave behind
 * (see reclaim.c).
 */
#ifndef HOLT_RECLAIM_H
#define HOLT_RECLAIM_H

struct holt_store;
struct work_struct;

extern unsigned int holt_reclaim_delay_ms;

void holt_reclaim_init(struct holt_store *s);
void holt_reclaim_kick(struct holt_store *s);
void holt_reclaim_stop(struct holt_store *s);

#endif /* HOLT_RECLAIM_H */
