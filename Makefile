# jw — build, test, demo, bench.
#
# Layout (discovered, so adding a module or program needs no edit here):
#   pkg/<module>/*.c   -> build/libjw.a            (and build/asan/libjw.a for tests)
#   cmd/<program>/*.c  -> build/bin/<program>
#   tests/test_*.c     -> build/asan/tests/test_*  (Criterion, ASan + UBSan)
#   xsd/*.xsd          -> build/gen/xsd_embed.c    (embedded, one copy per iJw release)

CC      ?= cc
PKGS    := libxml-2.0 libzmq lmdb libsodium libarchive libcrypto
DEPS_OK := $(shell pkg-config --exists $(PKGS) criterion 2>/dev/null && command -v valgrind >/dev/null && command -v chromium >/dev/null && command -v clang >/dev/null && echo yes)

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
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
XSDS      := $(sort $(wildcard xsd/*.xsd))
PROFILES  := $(sort $(wildcard profiles/*.profile))
HDRS      := $(wildcard pkg/*/*.h)

OBJS      := $(patsubst %.c,build/obj/%.o,$(PKG_SRCS) $(GEN_SRCS))
ASAN_OBJS := $(patsubst %.c,build/asan/obj/%.o,$(PKG_SRCS) $(GEN_SRCS))
BINS      := $(addprefix build/bin/,$(PROGRAMS))
ASAN_BINS := $(addprefix build/asan/bin/,$(PROGRAMS))
TEST_BINS := $(patsubst tests/%.c,build/asan/tests/%,$(TEST_SRCS))

.PHONY: all deps test unit-tests leak-check demo bench clean fuzz

all: deps
	@$(MAKE) --no-print-directory build-all

build-all: $(BINS)

# Install missing Debian packages (scripts/install-deps is idempotent and
# quick when everything is present).
deps:
ifneq ($(DEPS_OK),yes)
	scripts/install-deps
endif

build/gen/xsd_embed.c: $(XSDS) scripts/embed-xsd
	@mkdir -p $(dir $@)
	scripts/embed-xsd $@ $(XSDS)

build/gen/profile_embed.c: $(PROFILES) scripts/embed-profiles
	@mkdir -p $(dir $@)
	scripts/embed-profiles $@ $(PROFILES)

build/obj/%.o: %.c $(HDRS) | build/gen/xsd_embed.c build/gen/profile_embed.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CSTD) $(WARN) $(CFLAGS) $(INCS) $(PKG_CFLAGS) -c $< -o $@

build/asan/obj/%.o: %.c $(HDRS) | build/gen/xsd_embed.c build/gen/profile_embed.c
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	@$(CC) $(CSTD) $(WARN) $(SANFLAGS) $(INCS) $(PKG_CFLAGS) -c $< -o $@

build/libjw.a: $(OBJS)
	@rm -f $@; ar rcs $@ $^

build/asan/libjw.a: $(ASAN_OBJS)
	@rm -f $@; ar rcs $@ $^

.SECONDEXPANSION:
build/bin/%: $$(wildcard cmd/%/*.c) $$(wildcard cmd/%/*.h) build/libjw.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CSTD) $(WARN) $(CFLAGS) $(INCS) $(PKG_CFLAGS) $(filter %.c,$^) build/libjw.a $(PKG_LIBS) -o $@

build/asan/bin/%: $$(wildcard cmd/%/*.c) $$(wildcard cmd/%/*.h) build/asan/libjw.a
	@mkdir -p $(dir $@)
	@echo "  LD asan $@"
	@$(CC) $(CSTD) $(WARN) $(SANFLAGS) $(INCS) $(PKG_CFLAGS) $(filter %.c,$^) build/asan/libjw.a $(PKG_LIBS) -o $@

build/asan/tests/%: tests/%.c $(wildcard tests/*.h) build/asan/libjw.a
	@mkdir -p $(dir $@)
	@echo "  LD test $@"
	@$(CC) $(CSTD) $(WARN) $(SANFLAGS) $(INCS) -Itests $(PKG_CFLAGS) $< build/asan/libjw.a $(PKG_LIBS) -lcriterion -o $@

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
	@$(FUZZ_CC) $(CSTD) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(INCS) $(PKG_CFLAGS) -c $< -o $@

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
	@$(MAKE) --no-print-directory build-all $(ASAN_BINS) $(TEST_BINS)
	scripts/run-tests $(TEST_BINS)

demo: deps
	@$(MAKE) --no-print-directory build-all
	scripts/demo

bench: deps
	@$(MAKE) --no-print-directory build-all
	scripts/bench

clean:
	rm -rf build
