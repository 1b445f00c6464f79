/* unit.h: the grader's own unit tests, one Check suite per file
 * (check_<module>.c), run by unit_main.c in one binary per layer. */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>

/* Weak: a layer's binary links only its own suites (unit_main.c). */
#define UNIT_SUITE(name) Suite *name(void) __attribute__((weak))
UNIT_SUITE(ipcstate_suite);
UNIT_SUITE(vgxml_suite);
UNIT_SUITE(diagnose_suite);
UNIT_SUITE(sockdiag_suite);
UNIT_SUITE(run_suite);
UNIT_SUITE(sandbox_suite);
UNIT_SUITE(report_suite);
UNIT_SUITE(options_suite);

#endif
