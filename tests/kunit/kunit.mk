# SPDX-License-Identifier: GPL-2.0
#
# make kunit: the engine core and the module's store layer inside a UML kernel
# (Debian's linux-source-6.1, lockdep and KASAN), through scripts/kunit.sh.
# The kernel tree and its build are cached in $(HOLT_CACHE)/kunit (default
# /var/cache/holt/kunit): about 4-6 minutes on 2 cores the first time, well
# under a minute afterwards.

.PHONY: kunit kunit-clean

kunit:
	$(SRC)/scripts/kunit.sh

# A cold run: throw away the cached kernel tree and build first.
kunit-clean:
	$(SRC)/scripts/kunit.sh --clean
