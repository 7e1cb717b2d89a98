# SPDX-License-Identifier: GPL-2.0
#
# Persistence tests that need reboots of the VM (host-side scripts).
#
#   make vm-persist   tests/vm/persist.sh: format, load 100,000 keys,
#                     detach, reboot, compare; replay after power off in
#                     sync mode; async + holt sync; refusals of a zeroed
#                     device, another format version and damaged
#                     superblocks with the image unchanged; fallback to the
#                     other superblock.  About 10 VM boots.

.PHONY: vm-persist

vm-persist: module userspace
	$(SRC)/tests/vm/persist.sh

# Power cuts in the middle of sync writes (tests/crash/crash.sh): every
# acknowledged operation must survive, no batch may be half applied, the
# recovery boot's kernel log must be clean.  Two VM boots per cut; each
# cut falls 3 to 12 s after the writer starts (CUT_MIN/CUT_MAX), which gives
# hundreds of acknowledged operations per cut under software emulation.
CUTS ?= 20
CUT_MIN ?= 3
CUT_MAX ?= 12

.PHONY: crash-test

crash-test: module userspace
	CUT_MIN=$(CUT_MIN) CUT_MAX=$(CUT_MAX) $(SRC)/tests/crash/crash.sh $(CUTS)

# The offline tools (userspace/tools/holt-image.c, built from the portable
# core): holt-fsck IMAGE, holt-dump IMAGE [PREFIX] [-t TREE].  One program;
# its name selects the tool.
TOOLS_OUT := $(BUILD)/tools

.PHONY: tools

tools: $(TOOLS_OUT)/holt-fsck $(TOOLS_OUT)/holt-dump

$(TOOLS_OUT)/holt-fsck: $(SRC)/userspace/tools/holt-image.c \
		$(SRC)/userspace/cli/escape.c $(BUILD)/core-opt/libholtcore.a
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) $(OPT_FLAGS) -o $@ $(SRC)/userspace/tools/holt-image.c \
		$(SRC)/userspace/cli/escape.c $(BUILD)/core-opt/libholtcore.a

$(TOOLS_OUT)/holt-dump: $(TOOLS_OUT)/holt-fsck
	ln -sf holt-fsck $@

crash-test vm-persist: tools

# make check: the reboot tests, CUTS power cuts (two VM boots each, about
# 40 s a cut on an idle machine) and the damaged images.
CHECK_TARGETS += vm-persist crash-test corrupt-test

# Damaged images (tests/crash/corrupt.sh): 8 damaged copies per round,
# attached in one boot; each must be refused with a message or attach and
# be readable, and the kernel log must stay clean.  Then tests/crash/logdamage.sh
# (one boot, ~45 s): a damaged log record that later records prove durable
# is refused with the image unchanged, a damaged last commit is a torn tail.
CORRUPT_ROUNDS ?= 2

.PHONY: corrupt-test

corrupt-test: module userspace tools
	$(SRC)/tests/crash/corrupt.sh $(CORRUPT_ROUNDS)
