# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz: libFuzzer targets built with clang against the core sources.
#
#   make fuzz                       fuzz_frame for FUZZ_SECONDS (300)
#   make fuzz FUZZ_TARGET=fuzz_ops  another target
#   make fuzz-short                 every target for FUZZ_SHORT_SECONDS (30 s
#                                   in all); part of make check when clang
#                                   is installed
#
# The core (kmod/core/*.c and userspace/core/port_user.c) is compiled here
# with clang, coverage and ASan/UBSan; a crash leaves its input in
# build/fuzz/artifacts/.  Corpora live in build/fuzz/corpus-<target>/, seeded
# by gen_corpus (frames of real trees) for fuzz_frame; the inputs kept in
# tests/fuzz/seeds-<target>/ (past failures) are replayed by every run.

FUZZ_DIR := $(SRC)/tests/fuzz
FUZZ_OUT := $(BUILD)/fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 300
FUZZ_SHORT_SECONDS ?= 30
FUZZ_TARGET ?= fuzz_frame
FUZZ_TARGETS := $(patsubst $(FUZZ_DIR)/%.c,%,$(wildcard $(FUZZ_DIR)/fuzz_*.c))
HAVE_FUZZ_CC := $(shell command -v $(FUZZ_CC) 2>/dev/null)

FUZZ_CFLAGS := -std=gnu11 $(WARN) -msse4.2 -I$(SRC)/kmod/core -I$(SRC) \
	-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_CORE_OBJS := $(patsubst %.c,$(FUZZ_OUT)/core/%.o,$(notdir $(CORE_SRCS)))
FUZZ_ENV := ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# -rss_limit_mb: frames are 512 KiB each, the default 2 GB is plenty but
# say so; -timeout: a walk that loops is a bug.
FUZZ_ARGS := -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
# A frame is 512 KiB; an operation program needs a few KiB.
FUZZ_MAXLEN_fuzz_frame := 524288
FUZZ_MAXLEN_fuzz_ops := 8192

.PHONY: fuzz fuzz-short fuzz-build
# Keep the core objects between runs (they are intermediate to make).
.SECONDARY: $(FUZZ_CORE_OBJS)

$(FUZZ_OUT)/core/%.o: $(SRC)/kmod/core/%.c $(CORE_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_OUT)/core/%.o: $(SRC)/userspace/core/%.c $(CORE_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_OUT)/fuzz_%: $(FUZZ_DIR)/fuzz_%.c $(FUZZ_CORE_OBJS) $(CORE_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_CORE_OBJS)

# The corpus generator is an ordinary program on the sanitized core.
$(FUZZ_OUT)/gen_corpus: $(FUZZ_DIR)/gen_corpus.c $(BUILD)/core-asan/libholtcore.a
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) $(ASAN_FLAGS) -o $@ $< \
		$(BUILD)/core-asan/libholtcore.a

$(FUZZ_OUT)/corpus-fuzz_frame/.seeded: $(FUZZ_OUT)/gen_corpus
	@mkdir -p $(@D)
	$(FUZZ_OUT)/gen_corpus $(@D)
	@touch $@

$(FUZZ_OUT)/corpus-%/.seeded:
	@mkdir -p $(@D)
	@touch $@

fuzz-build: $(addprefix $(FUZZ_OUT)/,$(FUZZ_TARGETS))

# fuzz_run TARGET SECONDS
define fuzz_run
	@mkdir -p $(FUZZ_OUT)/artifacts
	cd $(FUZZ_OUT) && env $(FUZZ_ENV) ./$(1) $(FUZZ_ARGS) \
		-max_len=$(or $(FUZZ_MAXLEN_$(1)),4096) \
		-max_total_time=$(2) -artifact_prefix=$(FUZZ_OUT)/artifacts/$(1)- \
		corpus-$(1) $(wildcard $(FUZZ_DIR)/seeds-$(1)) </dev/null 2>&1 | \
		grep -v -e '^#[0-9]' -e '^\s*"' | tail -n 40; \
		test $${PIPESTATUS[0]} -eq 0
endef

fuzz: SHELL := /bin/bash
fuzz: $(FUZZ_OUT)/$(FUZZ_TARGET) $(FUZZ_OUT)/corpus-$(FUZZ_TARGET)/.seeded
	$(call fuzz_run,$(FUZZ_TARGET),$(FUZZ_SECONDS))

# The short run splits its time between the targets.
fuzz-short: SHELL := /bin/bash
fuzz-short: fuzz-build $(foreach t,$(FUZZ_TARGETS),$(FUZZ_OUT)/corpus-$(t)/.seeded)
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "== $$t"; \
		$(MAKE) --no-print-directory fuzz FUZZ_TARGET=$$t \
			FUZZ_SECONDS=$$(( $(FUZZ_SHORT_SECONDS) / $(words $(FUZZ_TARGETS)) )); \
	done

ifneq ($(HAVE_FUZZ_CC),)
ifneq ($(wildcard $(SRC)/kmod/core/validate.c),)
CHECK_TARGETS += fuzz-short
endif
endif
