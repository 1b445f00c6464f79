/* unit.h: the grader's own unit tests, one Check suite per file
 * (check_<module>.c), all run by unit_main.c. */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>

Suite *ipcstate_suite(void);
Suite *vgxml_suite(void);
Suite *diagnose_suite(void);
Suite *run_suite(void);
Suite *report_suite(void);
Suite *options_suite(void);
Suite *sockdiag_suite(void);

#endif
