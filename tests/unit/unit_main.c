/* unit_main.c: run the unit suites linked into this binary. Each layer of
 * the grader has its own binary (build/tests/unit-LAYER, Makefile), which
 * links only the check_*.c files of that layer and the grader's objects of
 * that layer and below: a suite that is not linked in is a null weak
 * symbol here, and is left out.
 *
 *   $ build/tests/unit-kernel     # prints Check's closing line, exits 1 on failure */
#include <stdlib.h>

#include "unit.h"

int unit_skipped;

int
main(void)
{
    Suite *(*const all[])(void) = {
        ipcstate_suite, vgxml_suite, diagnose_suite, sockdiag_suite, debuginfo_suite, cgroup_suite,
        proctree_suite,
        run_suite,
        sandbox_suite,
        report_suite, options_suite,
    };
    SRunner *sr = NULL;
    int failed, linked = 0;

    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (all[i] == NULL)
            continue;
        linked++;
        if (sr == NULL)
            sr = srunner_create(all[i]());
        else
            srunner_add_suite(sr, all[i]());
    }
    if (sr == NULL)
        return EXIT_FAILURE;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    /* Guard against a run that silently selected nothing (CK_RUN_SUITE=...);
     * a test skipped here said so (unit_skip()). */
    if (srunner_ntests_run(sr) + unit_skipped < linked)
        failed++;
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
