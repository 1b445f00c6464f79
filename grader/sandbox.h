/* sandbox.h: the walls around every student program (sandbox.c). */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "debuginfo.h"
#include "ipcstate.h"

/* How the walls are built, chosen once per grading (sandbox_choose_mode()). */
enum sandbox_mode {
    /* New IPC, network, mount and PID namespaces per test and per run: a
     * machine or VM as root, or a normal user where user namespaces are
     * allowed. Tests run side by side. */
    SANDBOX_FULL,
    /* None can be made (a container's default profile, an Ubuntu runner's
     * AppArmor): tests run one at a time in the machine's IPC namespace,
     * seeing only the objects they made; each run's init is a child
     * subreaper that ends all it started; after each test the grading
     * ends whatever its programs' uid left (sandbox_sweep()). */
    SANDBOX_CONTAINER,
};
extern enum sandbox_mode sandbox_mode;

struct sandbox {
    bool ready;                 /* sandbox_enter_test() succeeded */
    bool separate_uid;          /* the grader is root: programs run as uid */
    uid_t uid;
    gid_t gid;
    int landlock_abi;           /* < 1: the kernel has no Landlock */
    /* The test's control group, below the grading's (g_ctx.cgroup): all of
     * its processes together stay under g_ctx.test_memory; CGROUP_NONE
     * where the grading has none. */
    struct cgroup group;
    pid_t parent;               /* the test process dies with it (sandbox.c) */
    /* Container mode: the objects the machine's namespace held as the test
     * began, which the test does not see (snapshot() leaves them out). */
    struct ipc_set foreign;
};
extern struct sandbox g_sandbox;

/* Go on without the seccomp filter where it cannot be installed (EINVAL).
 * Only the unit tests set it, under qemu-user, which refuses every filter
 * so that a guest cannot filter the emulator's own calls; the grader never
 * does: on a kernel without filters, a program is not started. */
extern bool sandbox_filter_optional;

/* Choose sandbox_mode, once per process: IPCGRADE_SANDBOX=full or
 * =container forces one; unset or =auto tries, in a child, what the full
 * mode needs (the namespaces, private mounts, the namespace's limits, a
 * PID namespace) and takes container mode when any of it is refused. *why
 * says why in words (static). Dies (exit 2) when IPCGRADE_SANDBOX has
 * another value. */
enum sandbox_mode sandbox_choose_mode(const char **why);
/* Container mode, in the grading's process, before and after each test:
 * end what no grading holds any more. As root: the processes, System V
 * objects and files in /tmp, /var/tmp and /dev/shm of every uid of the
 * sandbox's range whose claim is free (a test that ended, or a grader that
 * died); with namespace_locked (this IPC namespace's lock held, so no test
 * but ours runs in it), the System V objects of every uid of the range,
 * claimed or not: a claim taken again by a grading elsewhere the moment our
 * test gave it back must not keep our test's objects here. As a normal user,
 * who has no uid to tell them by: the objects this user made that are not in
 * before (NULL: none). */
void sandbox_sweep(const struct ipc_set *before, bool namespace_locked);
/* Container mode, as root: hold the lock of the IPC namespace this grader
 * is in (tests of every grading there take turns: their keys would meet;
 * gradings in other IPC namespaces, other containers say, go on beside
 * them). Return the descriptor to close, or -1 (a normal user's gradings
 * do not take turns with each other). */
int sandbox_lock_shared_ipc(void);

/* The Landlock ABI version the kernel offers; < 1 when it has none. */
int sandbox_landlock_abi(void);

#define SANDBOX_MAX_PATHS 8

/* What a test's scratch folder may hold: its tmpfs's size and files, or in
 * container mode, where it is on the machine's disk, the bound run.c's
 * watchdog holds it to. */
#define SANDBOX_SCRATCH_MIB     64
#define SANDBOX_SCRATCH_FILES   4096

/* What one program may touch beyond the system folders (NULL-terminated). */
struct sandbox_paths {
    const char *run[SANDBOX_MAX_PATHS];     /* read and execute: its binary, libraries */
    const char *write[SANDBOX_MAX_PATHS];   /* anything: scratch and Valgrind folders */
    /* Files mounted read-only over others: cover[i][1] in place of
     * cover[i][0] (Valgrind's lighter debug files), or NULLs. */
    const char *cover[DEBUGINFO_OBJECTS][2];
};

/* In the test process: new IPC, network and mount namespaces, a tmpfs on
 * scratch (unless !tmpfs), and as root the programs' own uid for the IPC
 * objects the test makes. Return 0, or -1 with a reason in why. */
int sandbox_enter_test(const char *scratch, bool tmpfs, char *why, size_t len);
/* Around a step that needs the test process's euid to be root's again. */
void sandbox_privileged(bool on);
/* Write a limit of the test's IPC namespace, e.g. ("shmmni", "0"), as
 * /proc/sys/kernel/NAME. Return 0 or -1 with errno. */
int sandbox_set_ipc_limit(const char *name, const char *value);
/* In the run's init process, before the program starts: a mount namespace
 * in which /proc shows only the run's own processes (where the kernel
 * allows a new /proc: *private_proc says), and /tmp is a fresh 16 MiB
 * tmpfs; of the old /tmp only the paths
 * themselves come back, at the same place, read-only but for p->write.
 * Each p->cover that is set is mounted over its file. */
int sandbox_private_mounts(const struct sandbox_paths *p, bool *private_proc);
/* Claim a uid of the sandbox's range that no other process on the machine
 * holds, by an flock() on its slot's file in dir (NULL: /run/ipcgrade, or
 * /tmp/ipcgrade-uids where /run is not writable; needs root). The claim
 * lasts as long as the returned descriptor (close-on-exec) stays open in
 * any process. Return it with *uid set, or -1 with errno (EAGAIN: every
 * slot is taken). */
int sandbox_claim_uid(const char *dir, uid_t *uid);
/* The uid the engine's compiler runs as: its own when not root, else one
 * claimed for this process (sandbox_claim_uid) until it exits; dies when
 * none can be claimed. */
uid_t sandbox_compiler_uid(void);
/* In the compiler's process, before exec: as sandbox_enter_program(). */
int sandbox_enter_compiler(uid_t uid, const struct sandbox_paths *paths);
/* In the program's process, just before exec: no capabilities, the
 * programs' uid, no_new_privs, Landlock, and a seccomp filter that refuses
 * new namespaces and the other escalation starters (sandbox.c says which).
 * Return 0 or -1 with errno. */
int sandbox_enter_program(const struct sandbox_paths *paths);

#endif
