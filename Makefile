# Makefile: the workbook's one entry point.
#
#   make                 install what is missing, build, show your progress
#   make grade EX=keys   grade one exercise (bin/ipcgrade list shows the ids)
#   make check           install what is missing, build, run every test (the book too)
#   make check EX=keys   only what is about one exercise, end to end (under a minute)
#   make html            the book as a website, student edition: build/book/html
#   make book            the whole book: HTML, PDF and EPUB, student and instructor
#                        editions, in build/book (installs TeX the first time)
#   make pdf, make epub  only that format of the book (both editions)
#   make bench           how long grading takes; which IPC is fastest here
#   make fuzz            fuzz the grader's parsers, FUZZ_SECONDS (300) each
#   make handout         the students' copy: dist/ipc-workbook-student.tar.gz
#   make gradescope EX=shmget   a Gradescope autograder zip in dist/
#   make cross           every C file again for aarch64 (build/aarch64), and the
#                        unit tests under qemu-user (make check installs both)
#
# Every C file in the repository is built with the same strict flags.

CC       := gcc
CFLAGS   := -std=gnu11 -Wall -Wextra -Werror -g -O2
CPPFLAGS :=
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS   = $(shell pkg-config --libs check)

include grader/layers.mk
obj          = $(patsubst %,build/obj/%.o,$(1))
ENGINE_OBJ   := $(call obj,$(UPTO_REPORT))
GRADER_HDR   := $(wildcard grader/*.h)
NPROC        := $(shell nproc 2>/dev/null || echo 2)

SOLUTION_SRC := $(wildcard solutions/*/*.c)
REF_BINS     := $(patsubst solutions/%.c,build/ref/%,$(SOLUTION_SRC))
LISTING_SRC  := $(wildcard chapters/listings/*/*.c)
LISTING_BINS := $(patsubst chapters/listings/%.c,build/listings/%,$(LISTING_SRC))
# Each layer's unit tests link only that layer and the ones below it.
UNIT_KERNEL  := check_ipcstate check_vgxml check_diagnose check_sockdiag check_debuginfo \
                check_cgroup check_proctree
UNIT_PROCESS := check_run check_sandbox
UNIT_REPORT  := check_report check_options
UNIT_BINS    := build/tests/unit-kernel build/tests/unit-process build/tests/unit-report

.PHONY: all deps deps-book deps-check build book book-files html pdf epub progress grade check test \
        bench fuzz clean handout gradescope watch mutants cross cross-build check-cgroup2

all: deps
	@$(MAKE) --no-print-directory build html
	@echo
	@bin/ipcgrade progress

deps:
	@sh grader/deps.sh

# The book's PDF needs TeX (a few hundred MB): only `make book` and `make check`
# install it, never plain `make`.
deps-book:
	@sh grader/deps.sh --book

# make check also fuzzes the grader's parsers, with clang's libFuzzer.
deps-check:
	@sh grader/deps.sh --check

build: bin/ipcgrade bin/libipcfault.so $(REF_BINS) $(LISTING_BINS)

bin/ipcgrade: build/obj/ipcgrade.o $(ENGINE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS)

bin/libipcfault.so: grader/preload/faultinject.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -fPIC -shared -o $@ $< -ldl

build/obj/%.o: grader/%.c $(GRADER_HDR) $(wildcard exercises/include/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(CHECK_CFLAGS) -Igrader -c -o $@ $<

build/obj/unit_%.o: tests/unit/%.c $(GRADER_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(CHECK_CFLAGS) -Igrader -c -o $@ $<

# Each exercise folder gets this workbook's path in workbook-path (ignored
# by git, so not in the handout): a copy of the folder made afterwards, in
# the student's own repository say, still finds the headers and chapter
# 10's benchmark (exercises/keys/Makefile says why this way). Written only
# when the path changes: a plain `make` leaves the student's folders alone.
EXERCISE_DIRS := $(patsubst %/Makefile,%,$(wildcard exercises/*/Makefile))
build: workbook-paths
workbook-paths:
	@for d in $(EXERCISE_DIRS); do \
	    test "$$(cat "$$d/workbook-path" 2>/dev/null)" = "$(CURDIR)" || \
	        echo "$(CURDIR)" >"$$d/workbook-path"; \
	done
.PHONY: workbook-paths

# Reference programs, used by tests that pair a student's program with ours.
build/ref/%: solutions/%.c exercises/include/ipcbook.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O0 -Iexercises/include -o $@ $<

# Every listing of the book is a real program that must compile.
build/listings/%: chapters/listings/%.c exercises/include/ipcbook.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Iexercises/include -o $@ $<

# Exercise `transport`: the student's file is linked with the given driver.
build/ref/transport/%: solutions/transport/%.c exercises/include/transport-driver.c \
        exercises/include/transport.h exercises/include/ipcbook.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O0 -Iexercises/include -o $@ $< exercises/include/transport-driver.c

# Chapter 10's benchmark: the transports in bench/, and exercise transport's
# System V shared memory one when this copy has its solution.
BENCH_DIR := chapters/listings/10-choosing/bench
build/listings/10-choosing/ipcbench: chapters/listings/10-choosing/ipcbench.c \
        $(wildcard $(BENCH_DIR)/*.[ch] solutions/transport/shmtransport.c) \
        exercises/include/transport.h exercises/include/ipcbook.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Iexercises/include -I$(BENCH_DIR) -o $@ $(filter %.c,$^) -lm

unit = $(patsubst %,build/obj/unit_%.o,$(1) unit_main)
build/tests/unit-kernel: $(call unit,$(UNIT_KERNEL)) $(call obj,$(UPTO_KERNEL))
build/tests/unit-process: $(call unit,$(UNIT_PROCESS)) $(call obj,$(UPTO_PROCESS))
build/tests/unit-report: $(call unit,$(UNIT_REPORT)) $(call obj,$(UPTO_REPORT))
$(UNIT_BINS):
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS)

# The grader again, with AddressSanitizer and UBSan, for the tests.
ASAN_FLAGS := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined
build/asan/ipcgrade: $(patsubst %,build/asan/obj/%.o,$(UPTO_CLI))
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -o $@ $^ $(CHECK_LIBS)

build/asan/obj/%.o: grader/%.c $(GRADER_HDR) $(wildcard exercises/include/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) $(CPPFLAGS) $(CHECK_CFLAGS) -Igrader -c -o $@ $<

# The chapters' include blocks carry a copy of what they show, so that the
# Markdown reads well on its own (chapters/book/fill-includes.sh): building
# the book refreshes them; make check only checks them (tests/book/), so
# that a copy left stale fails it.
BOOK_FILL ?= sh chapters/book/fill-includes.sh

# The student's website only: what plain `make` builds (no TeX needed).
html: $(LISTING_BINS)
	@sh chapters/book/run-listings.sh
	@$(BOOK_FILL)
	@sh chapters/book/build-html.sh build/book/html
	@echo "book: open build/book/html/index.html"

# The whole book (chapters/book/build-book.sh says what goes where).
# BOOK_FORMATS and BOOK_EDITIONS choose, e.g. make book BOOK_EDITIONS=student.
BOOK_FORMATS  ?= html,pdf,epub
BOOK_EDITIONS ?= student,instructor
book: deps-book
	@$(MAKE) --no-print-directory build book-files

pdf epub: deps-book
	@$(MAKE) --no-print-directory build book-files BOOK_FORMATS=$@

# The book from what is built, without checking packages.
book-files: $(LISTING_BINS) bin/ipcgrade
	@sh chapters/book/run-listings.sh
	@$(BOOK_FILL)
	@sh chapters/book/build-book.sh --formats $(BOOK_FORMATS) --editions $(BOOK_EDITIONS) build/book

progress: build
	@bin/ipcgrade progress

watch: deps
	@$(MAKE) --no-print-directory build
	@bin/ipcgrade watch $(EX)

grade: deps
	@$(MAKE) --no-print-directory build
	@test -n "$(EX)" || { echo "usage: make grade EX=exercise (one of: $$(bin/ipcgrade list | cut -f1 | tr '\n' ' '))"; exit 2; }
	@bin/ipcgrade grade $(EX)

# make check EX=ID tests one exercise end to end (no book, no packaging);
# make check SKIP="TAG ..." leaves those steps out (tests/run.sh tags them;
# a wrong tag lists them).
# The builds use every core; tests/run.sh then runs its steps side by side
# (the book is built by one of them).
check: deps-check
	@$(MAKE) --no-print-directory -j$(NPROC) build $(UNIT_BINS) build/asan/ipcgrade
	@$(MAKE) --no-print-directory test

test: build $(UNIT_BINS) build/asan/ipcgrade
	@EX="$(EX)" CHECK_SKIP="$(SKIP)" sh tests/run.sh

bench: build
	@sh tests/bench.sh
	@sh tests/bench-ipc.sh

# libFuzzer on the grader's parsers (tests/fuzz/run.sh; make check runs 10 s each).
FUZZ_SECONDS ?= 300
fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# Mutation testing of the suites (tests/mutants/README.md): every classic-bug
# mutant of every solution graded; MUTANTS_EX=keys for one exercise,
# MUTANTS_SLICE=fast for the small sample make check grades.
mutants: build
	@sh tests/mutants/run.sh

# The student handout: no solutions, no hidden tests (dist/ipc-workbook-student.tar.gz).
handout:
	@sh grader/dist/handout.sh

# A Gradescope autograder zip for EX (or every exercise): dist/gradescope-EX.zip.
gradescope: build
	@sh grader/dist/gradescope.sh "$(EX)"

# ---- make cross: the workbook on aarch64 ----
# Many students run Linux in a VM on Apple silicon. Every C file of the
# workbook (but tests/hostile/, submissions the grader compiles to attack
# it) is compiled again with the aarch64 cross compiler and the same flags,
# one object each in build/aarch64/obj/ (tests/cross.sh counts them), and
# linked as on x86_64 (the fuzz targets are only compiled: their main() is
# libFuzzer's). The unit tests then run under qemu-user. grader/deps.sh
# --check installs the cross compiler, qemu-user and Check for arm64.
XCC      := aarch64-linux-gnu-gcc
XDIR     := build/aarch64
XLIBDIR  := /usr/lib/aarch64-linux-gnu
# Without -L /usr/aarch64-linux-gnu: Check for arm64 brings Debian's own
# arm64 C library (libc6:arm64), which the machine's ld.so.cache lists, so
# under -L the emulated loader (the cross compiler's glibc build) would load
# that libc.so.6 (another build): mixed, every fork() hangs. Without -L,
# loader and libc are both libc6:arm64's.
XRUN     := qemu-aarch64
# On an aarch64 machine: its own compiler, and no emulator.
ifeq ($(shell uname -m),aarch64)
XCC      := $(CC)
XRUN     :=
endif
# check.h is the same on every architecture (Debian's check is Multi-Arch:
# same): a link to it, so that the cross compiler sees no other header of
# /usr/include. Check and subunit are linked statically, so the programs
# need no arm64 library but the C library.
XCHECK_CFLAGS := -pthread -I$(XDIR)/include
XCHECK_LIBS   := $(XLIBDIR)/libcheck_pic.a $(XLIBDIR)/libsubunit.a -lrt -lm -pthread

X_SRC := $(wildcard grader/*.c grader/suites/*.c grader/preload/*.c tests/unit/*.c \
           tests/fuzz/*.c tests/book/fixtures/*.c solutions/*/*.c exercises/*/*.c \
           chapters/listings/*/*.c $(BENCH_DIR)/*.c)
X_OBJ := $(patsubst %.c,$(XDIR)/obj/%.o,$(X_SRC))
xobj   = $(patsubst %,$(XDIR)/obj/grader/%.o,$(1))
xunit  = $(patsubst %,$(XDIR)/obj/tests/unit/%.o,$(1) unit_main)
X_UNIT_BINS := $(patsubst build/%,$(XDIR)/%,$(UNIT_BINS))
X_EX_SRC    := $(filter-out exercises/include/%,$(wildcard exercises/*/*.c))
X_BINS := $(XDIR)/bin/ipcgrade $(XDIR)/bin/libipcfault.so $(X_UNIT_BINS) \
          $(patsubst solutions/%.c,$(XDIR)/ref/%,$(SOLUTION_SRC)) \
          $(patsubst chapters/listings/%.c,$(XDIR)/listings/%,$(LISTING_SRC)) \
          $(patsubst exercises/%.c,$(XDIR)/exercises/%,$(X_EX_SRC)) \
          $(patsubst tests/book/fixtures/%.c,$(XDIR)/fixtures/%,$(wildcard tests/book/fixtures/*.c))

# The flags of each tree, as on x86_64: the grader and its tests see
# grader/ and Check; the programs see the workbook's headers; reference
# programs and skeletons build at -O0, as the grader builds a submission.
xflags = $(if $(filter grader/% tests/%,$<),-Igrader $(XCHECK_CFLAGS),-Iexercises/include) \
         $(if $(filter grader/preload/%,$<),-fPIC) \
         $(if $(filter solutions/% exercises/%,$<),-O0) \
         $(if $(filter $(BENCH_DIR)/% %/ipcbench.c,$<),-I$(BENCH_DIR))

cross-build: $(X_BINS) $(X_OBJ)

# The memory bound on a cgroup v2 kernel, in a VM (tests/cgroup2-vm.sh):
# not in make check, which runs where cgroup v1 or v2 happens to be.
check-cgroup2:
	@sh tests/cgroup2-vm.sh

cross: cross-build
	@for u in $(X_UNIT_BINS); do \
	    echo "== $$u (aarch64, $(if $(XRUN),under $(XRUN),natively))"; \
	    $(XRUN) $$u || exit 1; \
	done

$(XDIR)/include/%.h:
	@mkdir -p $(@D)
	@test -f /usr/include/$*.h || { echo "make cross: no /usr/include/$*.h: run sh grader/deps.sh --check" >&2; exit 1; }
	ln -sf /usr/include/$*.h $@

$(XDIR)/obj/%.o: %.c | $(XDIR)/include/check.h $(XDIR)/include/check_stdint.h
	@mkdir -p $(@D)
	$(XCC) $(CFLAGS) $(xflags) -MMD -MP -c -o $@ $<

-include $(X_OBJ:.o=.d)

$(XDIR)/bin/ipcgrade: $(call xobj,$(UPTO_CLI))
$(XDIR)/tests/unit-kernel: $(call xunit,$(UNIT_KERNEL)) $(call xobj,$(UPTO_KERNEL))
$(XDIR)/tests/unit-process: $(call xunit,$(UNIT_PROCESS)) $(call xobj,$(UPTO_PROCESS))
$(XDIR)/tests/unit-report: $(call xunit,$(UNIT_REPORT)) $(call xobj,$(UPTO_REPORT))
$(XDIR)/bin/ipcgrade $(X_UNIT_BINS):
	@mkdir -p $(@D)
	$(XCC) $(CFLAGS) -o $@ $^ $(XCHECK_LIBS)

$(XDIR)/bin/libipcfault.so: $(XDIR)/obj/grader/preload/faultinject.o
	@mkdir -p $(@D)
	$(XCC) $(CFLAGS) -fPIC -shared -o $@ $< -ldl

# Exercise transport: the program is the student's file and the driver.
XDRIVER := $(XDIR)/obj/exercises/include/transport-driver.o
$(XDIR)/ref/transport/%: $(XDIR)/obj/solutions/transport/%.o $(XDRIVER)
	@mkdir -p $(@D)
	$(XCC) $(CFLAGS) -o $@ $^
$(XDIR)/exercises/transport/%: $(XDIR)/obj/exercises/transport/%.o $(XDRIVER)
	@mkdir -p $(@D)
	$(XCC) $(CFLAGS) -o $@ $^
$(XDIR)/ref/%: $(XDIR)/obj/solutions/%.o
	@mkdir -p $(@D)
	$(XCC) $(CFLAGS) -o $@ $^
$(XDIR)/exercises/%: $(XDIR)/obj/exercises/%.o
	@mkdir -p $(@D)
	$(XCC) $(CFLAGS) -o $@ $^
$(XDIR)/listings/%: $(XDIR)/obj/chapters/listings/%.o
	@mkdir -p $(@D)
	$(XCC) $(CFLAGS) -o $@ $^
$(XDIR)/listings/10-choosing/ipcbench: \
        $(patsubst %.c,$(XDIR)/obj/%.o,chapters/listings/10-choosing/ipcbench.c \
            $(wildcard $(BENCH_DIR)/*.c solutions/transport/shmtransport.c))
	@mkdir -p $(@D)
	$(XCC) $(CFLAGS) -o $@ $^ -lm
$(XDIR)/fixtures/%: $(XDIR)/obj/tests/book/fixtures/%.o
	@mkdir -p $(@D)
	$(XCC) $(CFLAGS) -o $@ $^

clean:
	rm -rf build bin dist

# The C files make cross compiles, one a line, for tests/cross.sh.
print-cross-sources:
	@printf '%s\n' $(X_SRC)

# The layers, one line each, lowest first, for tests/layers.sh.
print-layers:
	@$(foreach l,$(LAYERS),echo "$(l) $(LAYER_$(l))";)
