// SPDX-License-Identifier: GPL-2.0
/*
 * tmpdir.c - the scratch directories of the file-backed peers (LMDB and
 * RocksDB on tmpfs): removed with everything in them when an engine
 * closes, and also when the program ends early (bench_die(), a signal), so
 * that an interrupted run does not leave a gigabyte-sized map in /dev/shm.
 * A SIGKILL still leaves them: they are named holt-bench-<engine>-XXXXXX.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BENCH_TMPDIRS 8

static char bench_tmpdirs[BENCH_TMPDIRS][256];
static bool bench_tmpdir_hooked;

static int bench_tmpdir_unlink(const char *path, const struct stat *st,
			       int type, struct FTW *ftw)
{
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void bench_tmpdir_cleanup(void)
{
	int i;

	for (i = 0; i < BENCH_TMPDIRS; i++) {
		if (!bench_tmpdirs[i][0])
			continue;
		nftw(bench_tmpdirs[i], bench_tmpdir_unlink, 16,
		     FTW_DEPTH | FTW_PHYS);
		bench_tmpdirs[i][0] = 0;
	}
}

static void bench_tmpdir_signal(int sig)
{
	bench_tmpdir_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

void bench_tmpdir_add(const char *path)
{
	int i;

	if (!bench_tmpdir_hooked) {
		atexit(bench_tmpdir_cleanup);
		signal(SIGINT, bench_tmpdir_signal);
		signal(SIGTERM, bench_tmpdir_signal);
		signal(SIGHUP, bench_tmpdir_signal);
		bench_tmpdir_hooked = true;
	}
	for (i = 0; i < BENCH_TMPDIRS; i++) {
		if (!bench_tmpdirs[i][0]) {
			snprintf(bench_tmpdirs[i], sizeof(bench_tmpdirs[i]),
				 "%s", path);
			return;
		}
	}
	bench_die("too many scratch directories");
}

void bench_tmpdir_forget(const char *path)
{
	int i;

	for (i = 0; i < BENCH_TMPDIRS; i++)
		if (!strcmp(bench_tmpdirs[i], path))
			bench_tmpdirs[i][0] = 0;
}

/* Remove @path and everything under it, and forget it. */
void bench_tmpdir_remove(const char *path)
{
	nftw(path, bench_tmpdir_unlink, 16, FTW_DEPTH | FTW_PHYS);
	bench_tmpdir_forget(path);
}
