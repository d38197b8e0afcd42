# SPDX-License-Identifier: EUPL-1.2
# DoteComune: one non-recursive Makefile (see README.md).
#   make            build everything into build/ (binaries in build/bin/)
#   make run        demo data + hub on localhost + kiosk in a window
#   make test       every test; ends with "N passed, N failed"
#   make check      the test suite under ASan + UBSan (build-asan/)
#   make bench      benchmarks with baselines measured in the same run
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (build-fuzz/, tests/fuzz/)
#   make image      the kiosk's bootable disk image (image/README.md)
# O=DIR puts objects and binaries in DIR instead of build/.
# DEVELOPER=1 turns warnings into errors and adds more of them.

O ?= build
BIN := $(O)/bin
CC ?= cc
PKGS := sdl2 SDL2_ttf espeak-ng sqlite3 libqrencode libcurl libmicrohttpd jansson libsodium libpq libpng \
	pangocairo

# A fresh machine gets its packages before anything is compiled.
HAVE_DEPS := $(shell pkg-config --exists $(PKGS) 2>/dev/null && test -f /usr/include/uninorm.h && echo yes)
ifneq ($(HAVE_DEPS),yes)
ifeq ($(filter clean,$(MAKECMDGOALS)),)
$(info Installing missing build dependencies with scripts/deps)
DEPS_RC := $(shell scripts/deps build >&2; echo $$?)
ifneq ($(DEPS_RC),0)
$(error scripts/deps failed; run it as root)
endif
endif
endif

pc = $(shell pkg-config --cflags $(1) 2>/dev/null)
pl = $(shell pkg-config --libs $(1) 2>/dev/null)

# CFLAGS and LDFLAGS are the user's (make check sets them); the project's
# own flags go into ALL_CFLAGS / ALL_LDFLAGS so a command line never drops them.
CFLAGS ?= -O2 -g
ALL_CFLAGS = $(CFLAGS) -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	-D_GNU_SOURCE -I. -I$(O)/gen -MMD -MP -pthread \
	-DDOTE_SRCDIR='"$(CURDIR)"'
ifeq ($(DEVELOPER),1)
ALL_CFLAGS += -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wvla -Wpointer-arith
endif
ALL_LDFLAGS = $(LDFLAGS) -pthread
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

CORE_CFLAGS := $(call pc,sqlite3 jansson libsodium libqrencode libpng)
# GNU libunistring (names' NFC, core/names.c) has no pkg-config file.
CORE_LIBS := $(call pl,sqlite3 jansson libsodium libqrencode libpng) -lunistring -lm
# pangocairo: the PDF documents (reports/web/pdf.c).
REPORTS_CFLAGS := $(call pc,libmicrohttpd libpq libcurl pangocairo)
REPORTS_LIBS := $(call pl,libmicrohttpd libpq libcurl pangocairo)
KIOSK_CFLAGS := $(call pc,sdl2 SDL2_ttf libcurl espeak-ng)
KIOSK_LIBS := $(call pl,sdl2 SDL2_ttf libcurl espeak-ng)

CORE_SRC := $(wildcard core/*.c)
CORE_ASM := $(wildcard core/*.S)
REPORTS_SRC := $(wildcard reports/store/*.c reports/stats/*.c reports/web/*.c)
HUB_SRC := $(wildcard reports/hub/*.c)
CLI_SRC := $(wildcard reports/cli/*.c)
KIOSK_SRC := $(wildcard kiosk/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TOOL_SRC := $(wildcard tests/tools/*.c)

obj = $(patsubst %.c,$(O)/obj/%.o,$(patsubst %.S,$(O)/obj/%.o,$(1)))
CORE_OBJ := $(call obj,$(CORE_SRC) $(CORE_ASM))
REPORTS_OBJ := $(call obj,$(REPORTS_SRC))
HUB_OBJ := $(call obj,$(HUB_SRC))
CLI_OBJ := $(call obj,$(CLI_SRC))
KIOSK_OBJ := $(call obj,$(KIOSK_SRC))
TESTS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(TEST_SRC))
TOOLS := $(patsubst tests/tools/%.c,$(O)/tests/%,$(TOOL_SRC))
# Shared objects tests load with LD_PRELOAD (fault injection).
PRELOADS := $(patsubst tests/tools/preload/%.c,$(O)/tests/%.so,$(wildcard tests/tools/preload/*.c))

LIBCORE := $(O)/libdotecore.a
LIBREPORTS := $(O)/libdotereports.a
PROGRAMS := $(BIN)/dote $(BIN)/dote-hub $(BIN)/dote-kiosk

MO := $(patsubst assets/po/%.po,$(O)/locale/%/LC_MESSAGES/dote-kiosk.mo,$(wildcard assets/po/*.po))

.PHONY: all run test check bench fuzz fuzz-build fuzzers image image-test clean deps FORCE

# Only the files that print the version (DOTE_VERSION) are rebuilt when
# it changes, not the whole tree at every commit.
VERSION_USERS := $(call obj,$(shell grep -l DOTE_VERSION core/*.c kiosk/*.c reports/*/*.c 2>/dev/null))
$(VERSION_USERS): ALL_CFLAGS += -DDOTE_VERSION='"$(VERSION)"'
$(VERSION_USERS): $(O)/gen/version
$(O)/gen/version: FORCE
	@mkdir -p $(dir $@)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@
all: $(PROGRAMS) $(TESTS) $(TOOLS) $(PRELOADS) $(MO)

$(O)/obj/core/%.o: core/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) -c -o $@ $<
$(O)/obj/core/%.o: core/%.S
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(O)/obj/reports/%.o: reports/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) $(REPORTS_CFLAGS) -c -o $@ $<
$(O)/obj/kiosk/%.o: kiosk/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) $(KIOSK_CFLAGS) -c -o $@ $<
$(O)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) $(REPORTS_CFLAGS) $(KIOSK_CFLAGS) -c -o $@ $<

$(LIBCORE): $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(LIBREPORTS): $(REPORTS_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# Each binary links its own objects, then the archives of the layers below
# it: the central side's (store, stats, web) before core's, since the
# linker searches an archive only for what is still missing.
$(BIN)/dote: $(CLI_OBJ) $(LIBREPORTS) $(LIBCORE)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIBREPORTS) $(LIBCORE) $(REPORTS_LIBS) $(CORE_LIBS)
$(BIN)/dote-hub: $(HUB_OBJ) $(LIBREPORTS) $(LIBCORE)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $(HUB_OBJ) $(LIBREPORTS) $(LIBCORE) $(REPORTS_LIBS) $(CORE_LIBS)
$(BIN)/dote-kiosk: $(KIOSK_OBJ) $(LIBCORE)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $(KIOSK_OBJ) $(LIBCORE) $(KIOSK_LIBS) $(CORE_LIBS)

# Unit tests and test tools link every library; kiosk objects other than
# main are available to them through the kiosk's own archive.
KIOSK_LIBOBJ := $(filter-out $(O)/obj/kiosk/main.o,$(KIOSK_OBJ))
LIBKIOSK := $(O)/libdotekiosk.a
$(LIBKIOSK): $(KIOSK_LIBOBJ)
	@rm -f $@
	$(AR) rcs $@ $^
ALL_LIBS := $(REPORTS_LIBS) $(KIOSK_LIBS) $(CORE_LIBS)
$(O)/tests/%: $(O)/obj/tests/unit/%.o $(LIBKIOSK) $(LIBREPORTS) $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBKIOSK) $(LIBREPORTS) $(LIBCORE) $(ALL_LIBS)
$(O)/tests/%: $(O)/obj/tests/tools/%.o $(LIBKIOSK) $(LIBREPORTS) $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBKIOSK) $(LIBREPORTS) $(LIBCORE) $(ALL_LIBS)

$(O)/tests/%.so: tests/tools/preload/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -shared -fPIC -o $@ $< -ldl

# libFuzzer targets (tests/fuzz/README.md): built by `make fuzz` (and by
# tests/e2e/fuzz_short.sh) with O=build-fuzz and clang's sanitizers, so
# every object they link carries the same coverage instrumentation.
FUZZERS := $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
FUZZ_SECONDS ?= 60
$(O)/fuzz/%: $(O)/obj/tests/fuzz/%.o $(LIBKIOSK) $(LIBREPORTS) $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LIBKIOSK) $(LIBREPORTS) $(LIBCORE) $(ALL_LIBS)
fuzzers: $(FUZZERS)

$(O)/locale/%/LC_MESSAGES/dote-kiosk.mo: assets/po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# The comuni tables are compiled into the binaries (core/comuni_data.S).
$(O)/obj/core/comuni_data.o: assets/data/comuni.tsv assets/data/belfiore.tsv

run: all
	@scripts/run

test: all
	@scripts/deps test
	@O=$(O) tests/run

check:
	@$(MAKE) --no-print-directory O=build-asan CC=clang \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		LDFLAGS="-fsanitize=address,undefined" all
	@scripts/deps test
	@O=build-asan ASAN_OPTIONS=detect_leaks=1 tests/run

fuzz: fuzz-build
	@O=build-fuzz tests/fuzz/run $(FUZZ_SECONDS)
fuzz-build:
	@scripts/deps test
	@$(MAKE) --no-print-directory O=build-fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" fuzzers

bench: all
	@scripts/deps bench
	@O=$(O) tests/bench/run

image: all
	@scripts/deps image
	@O=$(O) image/build

image-test: image
	@O=$(O) image/test

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
