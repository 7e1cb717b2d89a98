# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/bench.mk - holt-bench: the holt core against LMDB, RocksDB
# and JudySL on the same workload (see tests/bench/README.md).
#
#   make bench                       build and run (20k objstore keys)
#   make bench ARGS='-n 1000000 --shape fs --json'
#   make bench-build                 only build $(BUILD)/bench/holt-bench
#   make bench-prof                  build $(BUILD)/bench/holt-prof, a driver
#                                    of the holt core alone for callgrind
#
# Not part of make check: a benchmark is not pass/fail.  stdout carries only
# the program's output, so `make -s bench ARGS=--json | jq` works.

BENCH_DIR := $(SRC)/tests/bench
BENCH_BIN := $(BUILD)/bench/holt-bench
BENCH_SRCS := $(sort $(wildcard $(BENCH_DIR)/*.c))
BENCH_LIBS := -llmdb -lrocksdb -lJudy -lm

PROF_BIN := $(BUILD)/bench/holt-prof

.PHONY: bench bench-build bench-deps bench-prof

bench-deps:
	@$(SRC)/scripts/deps.sh bench

bench-build: $(BENCH_BIN)

$(BENCH_BIN): $(BENCH_SRCS) $(BENCH_DIR)/bench.h $(CORE_HDRS) \
	      $(BUILD)/core-opt/libholtcore.a | bench-deps
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) $(OPT_FLAGS) -o $@ $(BENCH_SRCS) \
		$(BUILD)/core-opt/libholtcore.a $(BENCH_LIBS)

# The build talks on stderr so that stdout is only the program's (--json).
bench:
	@$(MAKE) -C $(SRC) --no-print-directory bench-build >&2
	@$(BENCH_BIN) $(ARGS)

bench-prof: $(PROF_BIN)

$(PROF_BIN): $(BENCH_DIR)/prof/holt-prof.c $(BENCH_DIR)/keys.c \
	     $(BENCH_DIR)/bench.h $(CORE_HDRS) $(BUILD)/core-opt/libholtcore.a
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) $(OPT_FLAGS) -o $@ $(BENCH_DIR)/prof/holt-prof.c \
		$(BENCH_DIR)/keys.c $(BUILD)/core-opt/libholtcore.a -lm
