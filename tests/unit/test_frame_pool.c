// SPDX-License-Identifier: GPL-2.0
/*
 * test_frame_pool.c - the userspace frame pool (userspace/core/frame_pool.c).
 *
 * The sanitized core gives every frame its own heap block, so the tests of
 * the tree never reach the pool; this program calls it directly.  It checks
 * that frames are aligned, four to a 2 MiB chunk and never overlap, that a
 * freed slot of the fullest chunk is handed out first, that empty chunks are
 * unmapped but one, and against a model of live frames over random
 * allocations and frees that every frame keeps what its owner wrote.
 */
#include "harness.h"

#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kmod/core/port.h"
#include "kmod/core/validate.h"

#define CHUNK (2UL << 20)
#define MAX_LIVE 48

static uintptr_t chunk_of(const void *p)
{
	return (uintptr_t)p & ~(CHUNK - 1);
}

/* Stamp a frame with its owner's tag at both ends and in the middle. */
static void stamp(u8 *f, u32 tag)
{
	memcpy(f, &tag, 4);
	memcpy(f + HOLT_FRAME_SIZE / 2, &tag, 4);
	memcpy(f + HOLT_FRAME_SIZE - 4, &tag, 4);
}

static void check_stamp(const u8 *f, u32 tag)
{
	u32 a, b, c;

	memcpy(&a, f, 4);
	memcpy(&b, f + HOLT_FRAME_SIZE / 2, 4);
	memcpy(&c, f + HOLT_FRAME_SIZE - 4, 4);
	CHECK(a == tag && b == tag && c == tag,
	      "frame %p lost its tag %u (%u %u %u)", (const void *)f, tag, a, b,
	      c);
}

static void test_layout_and_reuse(void)
{
	u8 *f[9];
	unsigned long frames;
	int i;

	for (i = 0; i < 9; i++) {
		f[i] = holt_frame_pool_alloc();
		CHECK(f[i], "allocation %d failed", i);
		CHECK_EQ((uintptr_t)f[i] % HOLT_FRAME_SIZE, 0);
		memset(f[i], i, HOLT_FRAME_SIZE);
	}
	/* Four to a chunk: the first eight fill two chunks, the ninth a third. */
	for (i = 1; i < 4; i++) {
		CHECK_EQ(chunk_of(f[i]), chunk_of(f[0]));
		CHECK_EQ(chunk_of(f[4 + i]), chunk_of(f[4]));
	}
	CHECK(chunk_of(f[0]) != chunk_of(f[4]) &&
	      chunk_of(f[8]) != chunk_of(f[0]) &&
	      chunk_of(f[8]) != chunk_of(f[4]), "chunks shared");
	CHECK_EQ(holt_frame_pool_chunks(&frames), 3);
	CHECK_EQ(frames, 9);
	for (i = 0; i < 9; i++)
		CHECK(f[i][0] == i && f[i][HOLT_FRAME_SIZE - 1] == i,
		      "frame %d overwritten", i);

	/* A slot freed in a full chunk goes out before the third chunk's. */
	holt_frame_pool_free(f[5]);
	f[5] = holt_frame_pool_alloc();
	CHECK_EQ(chunk_of(f[5]), chunk_of(f[4]));
	CHECK_EQ(holt_frame_pool_chunks(NULL), 3);

	/* Emptied chunks are unmapped, but one is kept. */
	for (i = 0; i < 9; i++)
		holt_frame_pool_free(f[i]);
	CHECK_EQ(holt_frame_pool_chunks(&frames), 1);
	CHECK_EQ(frames, 0);
	holt_frame_pool_free(NULL);
	harness_case_ok();
}

static void test_random_against_model(void)
{
	u8 *live[MAX_LIVE];
	u32 tags[MAX_LIVE];
	unsigned long frames, chunks;
	u32 next_tag = 1;
	int n = 0, i, j, op;

	for (op = 0; op < 4000; op++) {
		harness_step = (unsigned long long)op;
		if (n < MAX_LIVE && (n == 0 || chance(1, 2))) {
			u8 *f = holt_frame_pool_alloc();

			CHECK(f, "allocation failed");
			CHECK_EQ((uintptr_t)f % HOLT_FRAME_SIZE, 0);
			for (j = 0; j < n; j++)
				CHECK(live[j] != f, "frame %p handed out twice",
				      (void *)f);
			tags[n] = next_tag++;
			stamp(f, tags[n]);
			live[n++] = f;
		} else {
			i = (int)rnd((u32)n);
			check_stamp(live[i], tags[i]);
			holt_frame_pool_free(live[i]);
			live[i] = live[--n];
			tags[i] = tags[n];
		}
		chunks = holt_frame_pool_chunks(&frames);
		CHECK_EQ(frames, n);
		CHECK(chunks * HOLT_FRAME_POOL_SLOTS >= (unsigned long)n,
		      "%lu chunks for %d frames", chunks, n);
		/* At most one chunk is empty, so at most n + 1 chunks. */
		CHECK(chunks <= (unsigned long)n + 1, "%lu chunks for %d frames",
		      chunks, n);
	}
	for (i = 0; i < n; i++) {
		check_stamp(live[i], tags[i]);
		holt_frame_pool_free(live[i]);
	}
	CHECK_EQ(holt_frame_pool_chunks(&frames), 1);
	CHECK_EQ(frames, 0);
	harness_case_ok();
}

/* Freeing a frame twice, or memory the pool never gave, aborts. */
static void expect_abort(void (*fn)(void), const char *what)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0, "fork failed");
	if (pid == 0) {
		/* The abort is the expected outcome: keep its message short. */
		fclose(stderr);
		fn();
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	      "%s did not abort (status %#x)", what, status);
}

static void free_twice(void)
{
	u8 *f = holt_frame_pool_alloc();

	holt_frame_pool_free(f);
	holt_frame_pool_free(f);
}

static void free_foreign(void)
{
	static u8 not_a_frame[64];

	holt_frame_pool_free(not_a_frame);
}

static void test_bad_free(void)
{
	expect_abort(free_twice, "a double free");
	expect_abort(free_foreign, "freeing memory the pool never gave");
	harness_case_ok();
}

int main(void)
{
	harness_init("test_frame_pool", "TEST_FRAME_POOL_SEED");
	test_layout_and_reuse();
	test_random_against_model();
	test_bad_free();
	return harness_done();
}
