# jw — build, test, demo, bench.
#
# Layout (discovered, so adding a module or program needs no edit here):
#   pkg/<module>/*.c   -> build/libjw.a            (and build/asan/libjw.a for tests)
#   cmd/<program>/*.c  -> build/bin/<program>
#   tests/test_*.c     -> build/asan/tests/test_*  (Criterion, ASan + UBSan)
#   xsd/*.xsd          -> build/gen/xsd_embed.c    (embedded, one copy per iJw release)
#   docs/man/*.scd     -> build/man/*.[158]        (scdoc)
#   scripts/systemd/*.service.in -> installed with the paths filled in
#
# `make` only builds (programs and man pages); it never installs packages.
# `make deps` installs missing Debian packages (scripts/install-deps); the
# test, demo and bench targets call it first.

CC      ?= cc
PKGS    := libxml-2.0 libzmq lmdb libsodium libarchive libcrypto libmicrohttpd libsystemd xlsxwriter
DEPS_OK := $(shell pkg-config --exists $(PKGS) criterion 2>/dev/null && command -v valgrind >/dev/null && command -v chromium >/dev/null && command -v scdoc >/dev/null && command -v man >/dev/null && command -v dh >/dev/null && command -v systemd-analyze >/dev/null && command -v nginx >/dev/null && command -v clang >/dev/null && echo yes)

# The one version: the first line of debian/changelog, "jw (VERSION) ...".
VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)

# make install [PREFIX=/usr/local] [DESTDIR=]: jwd into sbin (a daemon,
# section 8), the other programs into bin.
PREFIX         ?= /usr/local
BINDIR         ?= $(PREFIX)/bin
SBINDIR        ?= $(PREFIX)/sbin
MANDIR         ?= $(PREFIX)/share/man
DATADIR        ?= $(PREFIX)/share/jw
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL        ?= install

CSTD     := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lpthread -lm
INCS     := -Ipkg -Ibuild/gen
CFLAGS   ?= -O2 -g
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

PKG_SRCS  := $(sort $(wildcard pkg/*/*.c))
GEN_SRCS  := build/gen/xsd_embed.c build/gen/profile_embed.c
PROGRAMS  := $(notdir $(patsubst %/,%,$(sort $(dir $(wildcard cmd/*/*.c)))))
# jw-bench-baseline is the benchmark's yardstick, not an operator tool.
SBIN_PROGRAMS := jwd
BIN_PROGRAMS  := $(filter-out jw-bench-baseline $(SBIN_PROGRAMS),$(PROGRAMS))
MANPAGES  := $(patsubst docs/man/%.scd,build/man/%,$(sort $(wildcard docs/man/*.scd)))
UNITS     := $(sort $(wildcard scripts/systemd/*.service.in))
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
XSDS      := $(sort $(wildcard xsd/*.xsd))
PROFILES  := $(sort $(wildcard profiles/*.profile))
HDRS      := $(wildcard pkg/*/*.h)

OBJS      := $(patsubst %.c,build/obj/%.o,$(PKG_SRCS) $(GEN_SRCS))
ASAN_OBJS := $(patsubst %.c,build/asan/obj/%.o,$(PKG_SRCS) $(GEN_SRCS))
BINS      := $(addprefix build/bin/,$(PROGRAMS))
ASAN_BINS := $(addprefix build/asan/bin/,$(PROGRAMS))
TEST_BINS := $(patsubst tests/%.c,build/asan/tests/%,$(TEST_SRCS))

.PHONY: all build-all man deps install test unit-tests leak-check demo bench clean fuzz

all: build-all man
ifneq ($(DEPS_OK),yes)
	@echo "note: some build or test dependencies are missing; 'make deps' (as root) installs them" >&2
endif

build-all: $(BINS)

man: $(MANPAGES)

# Install missing Debian packages (scripts/install-deps is idempotent and
# quick when everything is present). Only this target and the ones that
# call it (test, demo, bench) run apt-get.
deps:
ifneq ($(DEPS_OK),yes)
	scripts/install-deps
endif

build/man/%: docs/man/%.scd debian/changelog
	@mkdir -p $(dir $@)
	@echo "  SCDOC   $@"
	@sed 's/@VERSION@/$(VERSION)/g' $< | scdoc > $@.tmp && mv $@.tmp $@

install: build-all man
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
	  $(DESTDIR)$(DATADIR)/profiles $(DESTDIR)$(DATADIR)/nginx \
	  $(addprefix $(DESTDIR)$(MANDIR)/man,1 5 8)
	$(INSTALL) -m 0755 $(addprefix build/bin/,$(BIN_PROGRAMS)) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0755 $(addprefix build/bin/,$(SBIN_PROGRAMS)) $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0644 $(filter %.1,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 $(filter %.5,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 $(filter %.8,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 $(PROFILES) $(DESTDIR)$(DATADIR)/profiles/
	$(INSTALL) -m 0644 scripts/nginx/jw-indicators.conf $(DESTDIR)$(DATADIR)/nginx/
	for u in $(UNITS); do \
	  sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SBINDIR@|$(SBINDIR)|g' $$u > $(DESTDIR)$(SYSTEMDUNITDIR)/$$(basename $$u .in) && \
	  chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$(basename $$u .in) || exit 1; \
	done

build/gen/xsd_embed.c: $(XSDS) scripts/embed-xsd
	@mkdir -p $(dir $@)
	scripts/embed-xsd $@ $(XSDS)

build/gen/profile_embed.c: $(PROFILES) scripts/embed-profiles
	@mkdir -p $(dir $@)
	scripts/embed-profiles $@ $(PROFILES)

build/obj/%.o: %.c $(HDRS) | build/gen/xsd_embed.c build/gen/profile_embed.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CSTD) $(WARN) $(CPPFLAGS) $(VERSION_DEF) $(CFLAGS) $(INCS) $(PKG_CFLAGS) -c $< -o $@

build/asan/obj/%.o: %.c $(HDRS) | build/gen/xsd_embed.c build/gen/profile_embed.c
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	@$(CC) $(CSTD) $(WARN) $(CPPFLAGS) $(VERSION_DEF) $(SANFLAGS) $(INCS) $(PKG_CFLAGS) -c $< -o $@

# The version string is compiled into one object only.
build/obj/pkg/version/version.o build/asan/obj/pkg/version/version.o build/fuzz/obj/pkg/version/version.o: debian/changelog
build/obj/pkg/version/version.o build/asan/obj/pkg/version/version.o build/fuzz/obj/pkg/version/version.o: VERSION_DEF := -DJW_VERSION='"$(VERSION)"'

build/libjw.a: $(OBJS)
	@rm -f $@; ar rcs $@ $^

build/asan/libjw.a: $(ASAN_OBJS)
	@rm -f $@; ar rcs $@ $^

.SECONDEXPANSION:
build/bin/%: $$(wildcard cmd/%/*.c) $$(wildcard cmd/%/*.h) build/libjw.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CSTD) $(WARN) $(CPPFLAGS) $(CFLAGS) $(INCS) $(PKG_CFLAGS) $(filter %.c,$^) build/libjw.a $(LDFLAGS) $(PKG_LIBS) -o $@

build/asan/bin/%: $$(wildcard cmd/%/*.c) $$(wildcard cmd/%/*.h) build/asan/libjw.a
	@mkdir -p $(dir $@)
	@echo "  LD asan $@"
	@$(CC) $(CSTD) $(WARN) $(SANFLAGS) $(INCS) $(PKG_CFLAGS) $(filter %.c,$^) build/asan/libjw.a $(PKG_LIBS) -o $@

build/asan/tests/%: tests/%.c $(wildcard tests/*.h) build/asan/libjw.a
	@mkdir -p $(dir $@)
	@echo "  LD test $@"
	@$(CC) $(CSTD) $(WARN) $(SANFLAGS) $(INCS) -Itests $(PKG_CFLAGS) $< build/asan/libjw.a $(PKG_LIBS) -lcriterion -o $@

# The differential XSD check's helper (scripts/check-conformance): not a
# Criterion test, optimised because it decides tens of thousands of variants.
build/tests/conformance-diff: tests/conformance/diff.c build/libjw.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CSTD) $(WARN) $(CFLAGS) $(INCS) $(PKG_CFLAGS) $< build/libjw.a $(PKG_LIBS) -o $@

# libFuzzer targets: tests/fuzz/fuzz_<name>.c -> build/fuzz/fuzz_<name>, linked
# against a clang build of pkg/ with ASan + UBSan (scripts/check-fuzz runs them).
FUZZ_CC    ?= clang
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
FUZZ_OBJS  := $(patsubst %.c,build/fuzz/obj/%.o,$(PKG_SRCS) $(GEN_SRCS))

fuzz: $(FUZZ_BINS)

build/fuzz/obj/%.o: %.c $(HDRS) | build/gen/xsd_embed.c build/gen/profile_embed.c
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(CSTD) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(INCS) $(PKG_CFLAGS) $(VERSION_DEF) -c $< -o $@

build/fuzz/libjw.a: $(FUZZ_OBJS)
	@rm -f $@; ar rcs $@ $^

build/fuzz/%: tests/fuzz/%.c build/fuzz/libjw.a
	@mkdir -p $(dir $@)
	@echo "  LD fuzz $@"
	@$(FUZZ_CC) $(CSTD) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer $(INCS) $(PKG_CFLAGS) $< build/fuzz/libjw.a $(PKG_LIBS) -o $@

# The whole suite: Criterion unit tests under ASan/UBSan, then the programs
# under valgrind (Criterion does not fail a test on a leak, see
# reference/c-stack-notes.md §4), then the script-level checks.
test: deps
	@$(MAKE) --no-print-directory build-all man $(ASAN_BINS) $(TEST_BINS) build/tests/conformance-diff
	scripts/run-tests $(TEST_BINS)

demo: deps
	@$(MAKE) --no-print-directory build-all
	scripts/demo

bench: deps
	@$(MAKE) --no-print-directory build-all
	scripts/bench

clean:
	rm -rf build
