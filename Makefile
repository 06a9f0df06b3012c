# fupan — build, test, install. GNU make and gcc; nothing else.
#
#   make            build ./fupan
#   make deps       install the Debian packages the build and the tests need (as root or with sudo)
#   make check      build and run every test
#   make sanitize   the same tests built with AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      the benchmarks (generates the benchmark export on first use)
#   make demo       the demo output from samples/
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/fupan
DESTDIR ?=

CC      = gcc
BUILD  ?= build
OPT    ?= -O2 -g
SAN    ?=
CFLAGS_ALL = -std=c11 $(OPT) $(SAN) -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
             -Wmissing-prototypes -Wvla -fno-common -pthread $(CFLAGS)
CPPFLAGS_ALL = -D_POSIX_C_SOURCE=200809L -DFP_DATADIR='"$(DATADIR)"' -Isrc \
               $(shell pkg-config --cflags libxml-2.0 libzip cairo libcurl xlsxwriter libmicrohttpd 2>/dev/null) $(CPPFLAGS)
LIBS    = -lcsv -lhpdf -lisal $(shell pkg-config --libs libxml-2.0 libzip cairo libcurl xlsxwriter libcrypto libmicrohttpd zlib 2>/dev/null) -lm -pthread
TEST_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

LIB_SRC  = $(wildcard src/*.c)
CLI_SRC  = $(wildcard src/cli/*.c)
TEST_SRC = $(wildcard tests/test_*.c)
LIB_OBJ  = $(LIB_SRC:src/%.c=$(BUILD)/lib/%.o)
CLI_OBJ  = $(CLI_SRC:src/cli/%.c=$(BUILD)/cli/%.o)
TESTS    = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BIN      = $(BUILD)/fupan
STAMP    = $(BUILD)/.deps-ok

.PHONY: all deps check sanitize bench demo install uninstall clean distclean depcheck fuzz fuzz-build fuzz-regress fuzz-ci valgrind

all: fupan

fupan: $(BIN)
	@cp $(BIN) fupan

# --- dependencies -----------------------------------------------------------

# the package list is tools/debian-packages.txt
deps:
	sh tools/setup.sh

$(STAMP):
	@mkdir -p $(BUILD)
	@missing=""; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	pkg-config --exists libxml-2.0 2>/dev/null || missing="$$missing libxml2-dev"; \
	pkg-config --exists libzip 2>/dev/null || missing="$$missing libzip-dev"; \
	pkg-config --exists cairo 2>/dev/null || missing="$$missing libcairo2-dev"; \
	pkg-config --exists libcurl 2>/dev/null || missing="$$missing libcurl4-openssl-dev"; \
	pkg-config --exists xlsxwriter 2>/dev/null || missing="$$missing libxlsxwriter-dev"; \
	pkg-config --exists libcrypto 2>/dev/null || missing="$$missing libssl-dev"; \
	pkg-config --exists libmicrohttpd 2>/dev/null || missing="$$missing libmicrohttpd-dev"; \
	[ -f /usr/include/csv.h ] || missing="$$missing libcsv-dev"; \
	[ -f /usr/include/hpdf.h ] || missing="$$missing libhpdf-dev"; \
	[ -f /usr/include/isa-l/igzip_lib.h ] || missing="$$missing libisal-dev"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	pkg-config --exists cmocka 2>/dev/null || missing="$$missing libcmocka-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "fupan: missing build dependencies:$$missing"; \
	  echo "fupan: run 'make deps' (it uses apt-get; as root or with sudo) and then 'make' again"; \
	  exit 1; \
	fi; touch $@

depcheck: $(STAMP)

# --- build ------------------------------------------------------------------

$(BUILD)/lib/%.o: src/%.c $(STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/cli/%.o: src/cli/%.c $(STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/libfupan.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(BUILD)/libfupan.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libfupan.a $(LIBS)

$(BUILD)/tests/%: tests/%.c tests/testutil.h $(BUILD)/libfupan.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests $(CFLAGS_ALL) -Wno-missing-prototypes -MMD -MP -o $@ $< $(BUILD)/libfupan.a \
	  $(LIBS) $(TEST_LIBS)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TESTS:=.d)

# --- tests ------------------------------------------------------------------

# Every test binary prints cmocka's summary; tests/run prints the total and fails if any failed.
check: $(BIN) $(TESTS)
	@FUPAN_BIN=$(abspath $(BIN)) FUPAN_SRC=$(CURDIR) FUPAN_BUILD=$(BUILD) FUPAN_DATADIR=$(CURDIR)/templates \
	  sh tests/run $(TESTS)

sanitize:
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check

# --- valgrind memcheck: render, batch and mail end to end, no error and no definite leak ----------
VG = valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 -q
valgrind: $(BIN)
	@d=$$(mktemp -d); set -e; \
	$(VG) $(BIN) render --template monthly --data samples/demo --period 2026-10 --team 华东一组 --as-of 2026-10-31 \
	  --notes samples/notes/华东一组-2026-10.md --out $$d/r --format pdf,html,png,xlsx >/dev/null; \
	$(VG) $(BIN) batch --template monthly --data samples/demo --period 2026-10 --as-of 2026-10-31 --rollup rollup \
	  --jobs 2 --out $$d/b --quiet >/dev/null; \
	printf 'scope,to,cc\n华东一组,a@example.com,b@example.com\n' > $$d/rcpt.csv; \
	$(VG) $(BIN) mail --manifest $$d/b/manifest.json --recipients $$d/rcpt.csv --from f@example.com \
	  --dry-run $$d/m --quiet; \
	printf 'scope,service,url,secret\n华东一组,wecom,https://qyapi.example.com/cgi-bin/webhook/send?key=k,\n*,dingtalk,https://oapi.example.com/robot/send?access_token=t,s\n华东二组,feishu,https://open.example.com/open-apis/bot/v2/hook/h,s\n' > $$d/t.csv; \
	SOURCE_DATE_EPOCH=1793577600 $(VG) $(BIN) push --manifest $$d/b/manifest.json --targets $$d/t.csv \
	  --link-base https://intra.example.com/r --dry-run $$d/p --quiet; \
	rm -rf $$d; echo "valgrind: render (pdf, html, png, xlsx), batch, mail and push: no memory error, no leak"

# --- fuzzing (clang's libFuzzer, with ASan + UBSan) ------------------------------
# make fuzz           every target for FUZZ_SECONDS (default 60) from its seeds in tests/fuzz/corpus/
# make fuzz-regress   every target over its committed corpus once (what CI runs, with a short fuzz)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/bin/%)
FUZZ_SECONDS ?= 60

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" build/fuzz/libfupan.a
	@mkdir -p build/fuzz/bin
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  clang $(CPPFLAGS_ALL) -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o build/fuzz/bin/$$n $$f build/fuzz/libfupan.a $(LIBS) || exit 1; done

fuzz-regress: fuzz-build
	@for b in $(FUZZ_BIN); do n=$$(basename $$b); echo "== $$n: the corpus"; \
	  FUPAN_SRC=$(CURDIR) $$b -runs=0 tests/fuzz/corpus/$$n >/dev/null 2>build/fuzz/$$n.log \
	    || { tail -40 build/fuzz/$$n.log; exit 1; }; done; echo "fuzz corpora: every input runs clean"

# CI: the same targets, a fixed seed and a fixed number of runs each, so a CI run is repeatable
FUZZ_CI_RUNS = fuzz_csv:150 fuzz_report:200 fuzz_xlsx:3000 fuzz_template:3000 fuzz_font:20000 fuzz_expr:20000 fuzz_json:50000 \
               fuzz_mime:50000 fuzz_notes:50000
fuzz-ci: fuzz-build
	@for tr in $(FUZZ_CI_RUNS); do n=$${tr%%:*}; r=$${tr#*:}; w=$$(mktemp -d); \
	  echo "== $$n: $$r runs, seed 1"; \
	  FUPAN_SRC=$(CURDIR) build/fuzz/bin/$$n -seed=1 -runs=$$r -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=build/fuzz/$$n- $$w tests/fuzz/corpus/$$n 2>build/fuzz/$$n.log \
	    || { tail -40 build/fuzz/$$n.log; rm -rf $$w; exit 1; }; rm -rf $$w; done; \
	echo "fuzz-ci: no crash"

fuzz: fuzz-build
	@for b in $(FUZZ_BIN); do n=$$(basename $$b); mkdir -p build/fuzz/work/$$n; \
	  echo "== $$n: $(FUZZ_SECONDS) s"; \
	  FUPAN_SRC=$(CURDIR) $$b -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=build/fuzz/$$n- build/fuzz/work/$$n tests/fuzz/corpus/$$n 2>build/fuzz/$$n.log \
	    || { tail -40 build/fuzz/$$n.log; exit 1; }; \
	  grep -E "^#[0-9]+.*(DONE|pulse)" build/fuzz/$$n.log | tail -1; done

# --- benchmarks, demo -------------------------------------------------------

bench: $(BIN) $(BUILD)/csvfloor $(BUILD)/bench-render $(BUILD)/loadgen
	@FUPAN_BIN=$(abspath $(BIN)) CSVFLOOR=$(abspath $(BUILD)/csvfloor) BENCH_RENDER=$(abspath $(BUILD)/bench-render) \
	  LOADGEN=$(abspath $(BUILD)/loadgen) \
	  sh bench/run

$(BUILD)/bench-render: bench/render.c $(BUILD)/libfupan.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libfupan.a $(LIBS)

$(BUILD)/loadgen: bench/loadgen.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(shell pkg-config --libs libcurl 2>/dev/null)

$(BUILD)/csvfloor: bench/csvfloor.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< -lcsv

# the demo report: out/demo/华东一组-2026-10.pdf and .html, with the manager's notes
demo: fupan
	./fupan render --template monthly --data samples/demo --period 2026-10 --team 华东一组 --as-of 2026-10-31 \
	  --notes samples/notes/华东一组-2026-10.md --out out/demo

# --- install ----------------------------------------------------------------

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/profiles $(DESTDIR)$(DATADIR)/fonts
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/fupan
	install -m 644 templates/*.rng $(DESTDIR)$(DATADIR)/
	install -m 644 templates/profiles/*.xml $(DESTDIR)$(DATADIR)/profiles/
	@set -e; for f in templates/*.xml; do [ -e "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(DATADIR)/ || true; done
	install -d $(DESTDIR)$(DATADIR)/lib
	install -m 644 templates/lib/*.xml $(DESTDIR)$(DATADIR)/lib/
	@set -e; for f in fonts/*; do [ -f "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(DATADIR)/fonts/ || true; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/fupan
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build fupan

distclean: clean
	rm -rf bench/data
