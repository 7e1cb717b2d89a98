# SPDX-License-Identifier: GPL-2.0
#
# The VM harness (scripts/vm.sh): Debian's kernel in QEMU with software
# emulation, holt.ko and the static CLI in a busybox initramfs.
#
#   make run       boot with holt loaded and the memory store mem0 attached,
#                  and open a shell (on this terminal)
#   make vm-test   run tests/vm in the guest (VM_TESTS=t10 for a subset),
#                  then VM_SPILL_TESTS again with holt.ko reloaded with
#                  frame_data_budget=$(VM_SPILL) (small frames: spillover;
#                  VM_SPILL= to skip); fails on any failed test or a dirty
#                  kernel log
#   make vm-test-spill  the same with every spill test (t80 included)
#   make vm-bench  holt-nlbench in the guest (NLBENCH_ARGS=...)

VM_SH := $(SRC)/scripts/vm.sh
VM_TEST_TIMEOUT ?= 1500
VM_TESTS ?=
VM_SPILL ?= 8192
VM_SPILL_TESTS ?= t20 t30 t70 t90
NLBENCH_ARGS ?=

.PHONY: run vm-test vm-test-spill vm-bench

run: module userspace
	$(VM_SH) shell

vm-test: module userspace
	@mkdir -p $(BUILD)/vm
	@start=$$(date +%s); \
	{ $(VM_SH) run --timeout $(VM_TEST_TIMEOUT) -- \
		env T_SPILL=$(VM_SPILL) T_SPILL_TESTS='$(VM_SPILL_TESTS)' \
		sh /holt-tests/run.sh $(VM_TESTS) </dev/null; \
	  echo $$? >$(BUILD)/vm/vm-test.rc; } 2>&1 | tee $(BUILD)/vm/vm-test.log; \
	rc=$$(cat $(BUILD)/vm/vm-test.rc); \
	echo "vm-test: $$(( $$(date +%s) - start )) s, exit $$rc, log in build/vm/vm-test.log"; \
	tail -n 1 $(BUILD)/vm/vm-test.log | grep -Eq '^[0-9]+ passed, 0 failed$$' || rc=1; \
	exit $$rc

vm-test-spill:
	@$(MAKE) --no-print-directory vm-test \
		VM_SPILL_TESTS="t20 t30 t50 t70 t80 t90"

vm-bench: module userspace
	$(VM_SH) run --timeout 1200 -- \
		'holt attach --memory bench && holt-nlbench $(NLBENCH_ARGS)' </dev/null
CHECK_TARGETS += vm-test
