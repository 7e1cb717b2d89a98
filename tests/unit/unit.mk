# SPDX-License-Identifier: GPL-2.0
#
# tests/unit: the core in userspace under ASan and UBSan.
#
#   make test-unit                  build and run every tests/unit/test_*.c
#   make test-unit UNIT=test_model  only these programs (names, space separated)
#   make test-unit FULL=1           ten times the model test's operations
#                                   and the corruption test's mutations
#   MODEL_SEED=S MODEL_OPS=N make test-unit UNIT=test_model   reproduce a run
#
# Every tests/unit/test_*.c is one program, linked with the sanitized core
# library.  A program passes when it exits 0; a failed build counts as a
# failed program, so one broken test does not hide the others.  The last
# line is "N passed, N failed" and the target fails if any program failed.

UNIT_DIR := $(SRC)/tests/unit
UNIT_OUT := $(BUILD)/unit
UNIT_SRCS := $(sort $(wildcard $(UNIT_DIR)/test_*.c))
UNIT_ALL := $(patsubst $(UNIT_DIR)/%.c,%,$(UNIT_SRCS))
UNIT ?= $(UNIT_ALL)
# The library under test; a different one may be given for experiments.
UNIT_CORE_LIB ?= $(BUILD)/core-asan/libholtcore.a
UNIT_TIMEOUT ?= 1200

# Any sanitizer report ends the program with a failure.
UNIT_ENV := ASAN_OPTIONS=abort_on_error=1:halt_on_error=1:detect_leaks=1:check_initialization_order=1 \
	UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
ifneq ($(FULL),)
UNIT_ENV += MODEL_OPS=$(or $(MODEL_OPS),10000000) \
	CORRUPT_MUTATIONS=$(or $(CORRUPT_MUTATIONS),200000)
endif

.PHONY: test-unit

$(UNIT_OUT)/test_%: $(UNIT_DIR)/test_%.c $(UNIT_DIR)/harness.h $(CORE_HDRS) \
		    $(UNIT_CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) $(ASAN_FLAGS) -I$(UNIT_DIR) -o $@ $< \
		$(UNIT_CORE_LIB)

test-unit: $(UNIT_CORE_LIB)
	@pass=0; fail=0; failed=; \
	for t in $(UNIT); do \
		bin=$(UNIT_OUT)/$$t; log=$(UNIT_OUT)/$$t.log; \
		if ! $(MAKE) --no-print-directory -s $$bin; then \
			echo "FAIL $$t (does not build)"; \
			fail=$$((fail + 1)); failed="$$failed $$t"; continue; \
		fi; \
		start=$$(date +%s); \
		if env $(UNIT_ENV) timeout $(UNIT_TIMEOUT) $$bin </dev/null \
				>$$log 2>&1; then \
			tail -n 1 $$log; \
			echo "PASS $$t ($$(( $$(date +%s) - start ))s)"; \
			pass=$$((pass + 1)); \
		else \
			rc=$$?; tail -n 40 $$log; \
			echo "FAIL $$t (exit $$rc, $$(( $$(date +%s) - start ))s, log $$log)"; \
			fail=$$((fail + 1)); failed="$$failed $$t"; \
		fi; \
	done; \
	test -z "$$failed" || echo "failed:$$failed"; \
	echo "$$pass passed, $$fail failed"; \
	test $$fail -eq 0

# The unit level runs in make check once the tree engine exists.
ifneq ($(wildcard $(SRC)/kmod/core/tree.c),)
CHECK_TARGETS += test-unit
endif
