/* unit.h: the grader's own unit tests, one Check suite per file
 * (check_<module>.c), run by unit_main.c in one binary per layer. */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diagnose.h"
#include "ns.h"

/* How many tests were skipped, saying why (unit_main.c). */
extern int unit_skipped;

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
    unit_skipped++;
    printf("SKIP %s: %s\n", what, why);
    fflush(stdout);
}

/* Why the tests cannot make the namespaces they use (enter_private_ipc())
 * here, or NULL if they can: always natively; under qemu-user not as a
 * normal user, who needs a user namespace, which the kernel refuses to a
 * multi-threaded process, and qemu runs a thread of its own. Tried in a
 * child. */
static inline const char *
unit_no_namespaces(void)
{
    pid_t pid;
    int status;

    if (!unit_emulated())
        return NULL;
    fflush(NULL);
    if ((pid = fork()) == 0)
        _exit(enter_private_ipc() == 0 ? 0 : 1);
    if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0)
        return NULL;
    return "under the emulator (qemu-user) only root can make the namespaces this test "
           "uses: a normal user needs a user namespace, which the kernel refuses to a "
           "multi-threaded process such as qemu";
}

/* Weak: a layer's binary links only its own suites (unit_main.c). */
#define UNIT_SUITE(name) Suite *name(void) __attribute__((weak))
UNIT_SUITE(ipcstate_suite);
UNIT_SUITE(vgxml_suite);
UNIT_SUITE(diagnose_suite);
UNIT_SUITE(sockdiag_suite);
UNIT_SUITE(debuginfo_suite);
UNIT_SUITE(cgroup_suite);
UNIT_SUITE(proctree_suite);
UNIT_SUITE(run_suite);
UNIT_SUITE(sandbox_suite);
UNIT_SUITE(report_suite);
UNIT_SUITE(options_suite);

#endif
