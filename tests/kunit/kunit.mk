# SPDX-License-Identifier: GPL-2.0
#
# make kunit: the engine core (holt_port, holt_tree, holt_frame) and the
# module's store layer (holt_store) inside a UML kernel built from Debian's
# linux-source-6.1 with lockdep and KASAN, through scripts/kunit.sh.
#
# The kernel tree and its build are cached in $(HOLT_CACHE)/kunit (default
# /var/cache/holt/kunit).  Measured on the 2-core build machine: a cold run
# (unpack, configure, full UML build, -j2) used 9 minutes of CPU and took 30
# minutes of wall clock while seven other builds shared the cores (so about
# 5 minutes on an idle machine: an estimate); a warm run takes about 25
# seconds, of which the tests themselves take 4.

.PHONY: kunit kunit-clean

kunit:
	$(SRC)/scripts/kunit.sh

# A cold run: throw away the cached kernel tree and build first.
kunit-clean:
	$(SRC)/scripts/kunit.sh --clean

CHECK_TARGETS += kunit
