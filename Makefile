# SPDX-License-Identifier: GPL-2.0
#
# The front door of holt.
#
#   make             holt.ko, libholt, the holt CLI and the offline tools
#   make run         boot a VM with holt loaded and a memory store attached
#   make check       every test level: unit, kunit, vm (what CI runs)
#   make test-unit   the core in userspace under ASan and UBSan
#   make bench       the core against LMDB, RocksDB and JudySL
#
# Each part keeps its rules in a fragment next to its sources (*.mk); this
# file holds what they share.

ifneq ($(KERNELRELEASE),)
# Called back by kbuild: the module is described by Kbuild.
include $(src)/Kbuild
else

SRC := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(SRC)/build
# The newest Debian kernel headers installed, unless KDIR is given.
KDIR ?= $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64)))
KVER ?= $(patsubst linux-headers-%,%,$(notdir $(KDIR)))

CC ?= cc
WARN := -Wall -Wextra -Werror -Wno-unused-parameter
CORE_SRCS := $(sort $(wildcard $(SRC)/kmod/core/*.c)) $(SRC)/userspace/core/port_user.c
CORE_HDRS := $(wildcard $(SRC)/kmod/core/*.h)
# The userspace core, once with sanitizers (tests) and once optimised
# (benchmarks, offline tools).
CORE_CFLAGS := -std=gnu11 $(WARN) -msse4.2 -I$(SRC)/kmod/core -I$(SRC)
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	      -fno-sanitize-recover=all
OPT_FLAGS := -O2 -g

.PHONY: all module userspace clean check deps test-unit load unload

all: module userspace tools

deps:
	@$(SRC)/scripts/deps.sh

module:
	@test -n "$(KDIR)" || { echo "no kernel headers: run scripts/deps.sh or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(SRC) W=1 modules

load: module
	insmod $(SRC)/kmod/holt.ko
unload:
	rmmod holt

$(BUILD)/core-asan/libholtcore.a: $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(@D)
	cd $(@D) && $(CC) $(CORE_CFLAGS) $(ASAN_FLAGS) -c $(CORE_SRCS)
	rm -f $@ && ar rcs $@ $(addprefix $(@D)/,$(notdir $(CORE_SRCS:.c=.o)))

$(BUILD)/core-opt/libholtcore.a: $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(@D)
	cd $(@D) && $(CC) $(CORE_CFLAGS) $(OPT_FLAGS) -c $(CORE_SRCS)
	rm -f $@ && ar rcs $@ $(addprefix $(@D)/,$(notdir $(CORE_SRCS:.c=.o)))

# Fragments add their targets to CHECK_TARGETS in the order they run.
CHECK_TARGETS :=
-include $(SRC)/tests/unit/unit.mk
-include $(SRC)/tests/fuzz/fuzz.mk
-include $(SRC)/tests/bench/bench.mk
-include $(SRC)/userspace/userspace.mk
-include $(SRC)/tests/kunit/kunit.mk
-include $(SRC)/tests/vm/vm.mk
-include $(SRC)/tests/crash/crash.mk

check: deps
	@set -e; for t in $(CHECK_TARGETS); do \
		echo "=== make $$t"; $(MAKE) --no-print-directory $$t; done
	@echo "=== make check: all levels passed ($(CHECK_TARGETS))"
	@echo "check: $(words $(CHECK_TARGETS)) passed, 0 failed"

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C $(KDIR) M=$(SRC) clean >/dev/null 2>&1

endif
