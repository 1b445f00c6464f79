/* unit.h: the grader's own unit tests, one Check suite per file
 * (check_<module>.c), run by unit_main.c in one binary per layer. */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>
#include <stdbool.h>
#include <stdio.h>

#include "diagnose.h"

/* Under an emulator: make cross runs the aarch64 build's unit tests under
 * qemu-user on an x86_64 machine, where the kernel's system call numbers
 * (diagnose_arch()) are not this build's. */
static inline bool
unit_emulated(void)
{
    return diagnose_arch() != diagnose_built_arch();
}

/* A test that cannot run here is not dropped in silence: it says so, on a
 * line of its own that tests/cross.sh counts and shows. */
static inline void
unit_skip(const char *what, const char *why)
{
    printf("SKIP %s: %s\n", what, why);
    fflush(stdout);
}

/* Weak: a layer's binary links only its own suites (unit_main.c). */
#define UNIT_SUITE(name) Suite *name(void) __attribute__((weak))
UNIT_SUITE(ipcstate_suite);
UNIT_SUITE(vgxml_suite);
UNIT_SUITE(diagnose_suite);
UNIT_SUITE(sockdiag_suite);
UNIT_SUITE(run_suite);
UNIT_SUITE(report_suite);
UNIT_SUITE(options_suite);

#endif
