# SPDX-License-Identifier: GPL-2.0
#
# userspace.mk - libholt (shared, static, holt.pc), the holt CLI (dynamic and
# static, the static one goes into the VM's initramfs), holt-nlbench, and
# the host-side CLI test.
#
#   make userspace            everything below into $(BUILD)/userspace/
#   make test-cli             CLI parsing and batch-file tests, no kernel
#   make install-userspace    PREFIX=/usr/local DESTDIR=

US_DIR := $(SRC)/userspace
US_OUT := $(BUILD)/userspace
LIBHOLT_VERSION := 0.1.0

NL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null || echo -I/usr/include/libnl3)
NL_LIBS := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null || echo -lnl-genl-3 -lnl-3)
NL_STATIC_LIBS := $(shell pkg-config --static --libs libnl-genl-3.0 2>/dev/null || echo -lnl-genl-3 -lnl-3 -lpthread)

US_CFLAGS := -std=gnu11 -O2 -g $(WARN) -I$(US_DIR)/lib -I$(SRC)/uapi $(NL_CFLAGS)
LIBHOLT_SRCS := $(sort $(wildcard $(US_DIR)/lib/*.c))
LIBHOLT_HDRS := $(wildcard $(US_DIR)/lib/*.h) $(SRC)/uapi/linux/holt.h
CLI_SRCS := $(sort $(wildcard $(US_DIR)/cli/*.c))
CLI_SRCS := $(filter-out %/test-cli.c,$(CLI_SRCS))
CLI_HDRS := $(wildcard $(US_DIR)/cli/*.h) $(LIBHOLT_HDRS)

LIBHOLT_PIC := $(patsubst $(US_DIR)/lib/%.c,$(US_OUT)/pic/%.o,$(LIBHOLT_SRCS))
LIBHOLT_OBJS := $(patsubst $(US_DIR)/lib/%.c,$(US_OUT)/obj/%.o,$(LIBHOLT_SRCS))
CLI_OBJS := $(patsubst $(US_DIR)/cli/%.c,$(US_OUT)/obj/cli-%.o,$(CLI_SRCS))

US_TARGETS := $(US_OUT)/libholt.so $(US_OUT)/libholt.a $(US_OUT)/holt.pc \
	      $(US_OUT)/holt $(US_OUT)/holt-static $(US_OUT)/holt-nlbench \
	      $(US_OUT)/test-libholt

.PHONY: userspace test-cli install-userspace
userspace: $(US_TARGETS)

$(US_OUT)/pic/%.o: $(US_DIR)/lib/%.c $(LIBHOLT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(US_CFLAGS) -fPIC -c -o $@ $<

$(US_OUT)/obj/%.o: $(US_DIR)/lib/%.c $(LIBHOLT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(US_CFLAGS) -c -o $@ $<

$(US_OUT)/obj/cli-%.o: $(US_DIR)/cli/%.c $(CLI_HDRS)
	@mkdir -p $(@D)
	$(CC) $(US_CFLAGS) -I$(US_DIR)/cli -c -o $@ $<

$(US_OUT)/libholt.so.0: $(LIBHOLT_PIC) $(US_DIR)/lib/libholt.map
	$(CC) -shared -Wl,-soname,libholt.so.0 \
		-Wl,--version-script=$(US_DIR)/lib/libholt.map \
		-o $@ $(LIBHOLT_PIC) $(NL_LIBS)

$(US_OUT)/libholt.so: $(US_OUT)/libholt.so.0
	ln -sf libholt.so.0 $@

$(US_OUT)/libholt.a: $(LIBHOLT_OBJS)
	rm -f $@ && ar rcs $@ $^

$(US_OUT)/holt.pc: $(US_DIR)/lib/holt.pc.in
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(or $(PREFIX),/usr/local)|' \
	    -e 's|@VERSION@|$(LIBHOLT_VERSION)|' $< > $@

# The dynamic CLI finds libholt.so.0 next to itself.
$(US_OUT)/holt: $(CLI_OBJS) $(US_OUT)/libholt.so
	$(CC) -o $@ $(CLI_OBJS) -L$(US_OUT) -lholt -Wl,-rpath,'$$ORIGIN' \
		$(NL_LIBS)

# Static binaries: glibc's NSS lookups that libnl-3.a refers to are stubbed.
US_NSS_STUBS := $(US_OUT)/obj/nss-stubs.o
$(US_NSS_STUBS): $(US_DIR)/lib/static/nss-stubs.c
	@mkdir -p $(@D)
	$(CC) $(US_CFLAGS) -c -o $@ $<

$(US_OUT)/holt-static: $(CLI_OBJS) $(US_OUT)/libholt.a $(US_NSS_STUBS)
	$(CC) -static -o $@ $(CLI_OBJS) $(US_NSS_STUBS) $(US_OUT)/libholt.a \
		$(NL_STATIC_LIBS)

$(US_OUT)/holt-nlbench: $(US_DIR)/tools/holt-nlbench.c $(US_OUT)/libholt.a \
			$(US_NSS_STUBS) $(LIBHOLT_HDRS)
	$(CC) $(US_CFLAGS) -static -o $@ $< $(US_NSS_STUBS) \
		$(US_OUT)/libholt.a $(NL_STATIC_LIBS)

# libholt against a live holt.ko, run in the VM:
#   scripts/vm.sh run --add build/userspace/test-libholt -- ./test-libholt
$(US_OUT)/test-libholt: $(US_DIR)/lib/test/test-libholt.c $(US_OUT)/libholt.a \
			$(US_NSS_STUBS) $(LIBHOLT_HDRS)
	$(CC) $(US_CFLAGS) -static -o $@ $< $(US_NSS_STUBS) \
		$(US_OUT)/libholt.a $(NL_STATIC_LIBS)

# Host-side test: no kernel needed.  The batch-file parser against
# expected operation tables, and the CLI's usage errors (exit status 2).
$(US_OUT)/test-cli: $(US_DIR)/cli/test-cli.c $(US_OUT)/obj/cli-batchfile.o \
		    $(US_OUT)/obj/cli-escape.o $(CLI_HDRS)
	$(CC) $(US_CFLAGS) -I$(US_DIR)/cli -o $@ $< \
		$(US_OUT)/obj/cli-batchfile.o $(US_OUT)/obj/cli-escape.o

test-cli: $(US_OUT)/test-cli $(US_OUT)/holt
	$(US_OUT)/test-cli
	$(US_DIR)/cli/test-cli.sh $(US_OUT)/holt

install-userspace: userspace
	install -d $(DESTDIR)$(or $(PREFIX),/usr/local)/bin \
		$(DESTDIR)$(or $(PREFIX),/usr/local)/lib/pkgconfig \
		$(DESTDIR)$(or $(PREFIX),/usr/local)/include/linux
	install -m 755 $(US_OUT)/holt-static \
		$(DESTDIR)$(or $(PREFIX),/usr/local)/bin/holt
	install -m 644 $(US_OUT)/libholt.a $(US_OUT)/libholt.so.0 \
		$(DESTDIR)$(or $(PREFIX),/usr/local)/lib/
	ln -sf libholt.so.0 $(DESTDIR)$(or $(PREFIX),/usr/local)/lib/libholt.so
	install -m 644 $(US_OUT)/holt.pc \
		$(DESTDIR)$(or $(PREFIX),/usr/local)/lib/pkgconfig/
	install -m 644 $(US_DIR)/lib/holt.h \
		$(DESTDIR)$(or $(PREFIX),/usr/local)/include/
	install -m 644 $(SRC)/uapi/linux/holt.h \
		$(DESTDIR)$(or $(PREFIX),/usr/local)/include/linux/

# About two seconds; needs no kernel.
CHECK_TARGETS += test-cli
