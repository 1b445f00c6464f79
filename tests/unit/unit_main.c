/* unit_main.c: run every unit suite of the grader (make check does).
 *
 *   $ build/tests/unit            # prints Check's closing line, exits 1 on failure */
#include <stdlib.h>

#include "unit.h"

int
main(void)
{
    SRunner *sr = srunner_create(ipcstate_suite());
    int failed;

    srunner_add_suite(sr, vgxml_suite());
    srunner_add_suite(sr, diagnose_suite());
    srunner_add_suite(sr, run_suite());
    srunner_add_suite(sr, report_suite());
    srunner_add_suite(sr, options_suite());
    srunner_add_suite(sr, sockdiag_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    /* Guard against a run that silently selected nothing (CK_RUN_SUITE=...). */
    if (srunner_ntests_run(sr) < 20)
        failed++;
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
