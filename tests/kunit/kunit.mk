# SPDX-License-Identifier: GPL-2.0
#
# make kunit: the engine core (holt_port, holt_tree, holt_frame, holt_wal,
# holt_super), the module's store layer (holt_store) and its persistence
# code on a fault-injecting simulated device (holt_persist: power cuts
# during checkpoints, replay, failed writes and flushes) inside a UML kernel
# built from Debian's linux-source-6.1 with lockdep and KASAN, through
# scripts/kunit.sh.
#
# The kernel tree and its build are cached in $(HOLT_CACHE)/kunit (default
# /var/cache/holt/kunit).  Measured on the 2-core build machine: a cold run
# (unpack, configure, full UML build, -j2) used 9 minutes of CPU and took 30
# minutes of wall clock while seven other builds shared the cores (so about
# 5 minutes on an idle machine: an estimate); a warm run took about 25
# seconds, of which the tests themselves took 4, before holt_persist, which
# adds 20-36 s of wall clock measured with a load average of 4-5 on the 2
# cores (12-15 s of CPU; most of it is the attach and detach of a store,
# about 80 of them, i.e. vmalloc and vfree of their buffers under KASAN).

.PHONY: kunit kunit-clean

kunit:
	$(SRC)/scripts/kunit.sh

# A cold run: throw away the cached kernel tree and build first.
kunit-clean:
	$(SRC)/scripts/kunit.sh --clean

CHECK_TARGETS += kunit
