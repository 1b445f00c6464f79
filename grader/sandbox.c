/* sandbox.c: the walls around every student program.
 *
 * Two processes build them. The test process T (trusted: the suite's code)
 * enters new IPC, network and mount namespaces, mounts a small tmpfs on the
 * programs' scratch folder and, when the grader is root, takes on the
 * programs' IPC identity: an unprivileged uid S of its own, so the objects a
 * test makes belong to the student just as when a normal user grades. T keeps
 * its capabilities (SECBIT_NO_SETUID_FIXUP).
 *
 * The run's init process gives the program a mount namespace of its own in
 * which /tmp is a fresh small tmpfs. The program process P (untrusted), just
 * before exec, becomes uid S for good (or, as a normal user, keeps the user
 * namespace's uid 0 without any capability), sets no_new_privs and enters a
 * Landlock domain: it may read and run the system folders and its own
 * program, and write only its scratch folder, its Valgrind folder and its
 * /tmp. solutions/, the reference programs, the grader, other tests' folders
 * and the machine's /tmp are out of reach. Last, P installs a seccomp filter
 * (inherited by everything it starts) that refuses the system calls that
 * begin the known escalations and that no chapter teaches, with EPERM:
 *
 *   - new namespaces: unshare(), setns(), clone() with any CLONE_NEW* flag
 *     (a user namespace hands out every capability inside it, and most
 *     kernel privilege escalations of recent years start there); clone3()
 *     gets ENOSYS instead, because its flags are in memory a filter cannot
 *     read: glibc then falls back to clone(), whose flags it can;
 *   - kernel attack surface a student's program never needs: keyctl(),
 *     add_key(), request_key(), bpf(), userfaultfd() (holds the kernel in a
 *     page fault, the classic race widener), perf_event_open(), io_uring
 *     (its own path around seccomp and LSMs, and a long list of CVEs);
 *   - what only an administrator does: mount() and umount2() (and the new
 *     mount API), pivot_root(), kexec, kernel modules, swapon/swapoff,
 *     reboot(), acct(), and the file handle calls open_by_handle_at() and
 *     name_to_handle_at() (the container escape "shocker");
 *   - ptrace(), all of it: the grader never asks a student to trace;
 *   - any system call of another ABI (i386 through int 0x80, x32): a filter
 *     written for one table of numbers must not let another table through;
 *   - in container mode as a normal user, where the program runs as the
 *     grader's own user with no PID namespace between them: kill(-1) and
 *     every signal (kill, tkill, tgkill, sigqueue, pidfd_open) to the
 *     grader's processes, its ancestors, or to their process groups.
 *
 * Everything the chapters teach goes through: System V IPC, sockets (with
 * SCM_RIGHTS and SO_PEERCRED), fork, exec, wait, signals, mmap, pipes, poll;
 * and so does Valgrind, whose threads are clone() without CLONE_NEW*. The
 * engine's compiler gets the same treatment (sandbox_enter_compiler).
 *
 * What is defended and what is not: grader/README.md, "The sandbox". */
#define _GNU_SOURCE
#include "ns.h"
#include "proctree.h"
#include "sandbox.h"
#include "test.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <stddef.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Debian 12's headers know Landlock ABI 2; the kernel may know more. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define UID_BASE        1879048192u     /* 0x70000000: far from any real account */
/* Claimed uids start above every pid (pid_max <= 2^22): graders before the
 * claims used UID_BASE + pid, and one may still run beside us. */
#define UID_CLAIMED     (UID_BASE + (1u << 22))
#define UID_SLOTS       4096            /* uids UID_CLAIMED .. UID_CLAIMED + 4095 */
#define UID_DIR         "/run/ipcgrade"
#define UID_DIR_TMP     "/tmp/ipcgrade-uids"    /* where /run is not writable */
#define STR(x)          #x
#define XSTR(x)         STR(x)
#define SCRATCH_TMPFS   "size=" XSTR(SANDBOX_SCRATCH_MIB) "m,nr_inodes=" \
                        XSTR(SANDBOX_SCRATCH_FILES) ",mode=0700"
#define PRIVATE_TMP     "size=16m,nr_inodes=1024,mode=1777"
#define TEST_TASKS      512     /* pids.max of a test: its processes and their threads */

/* The namespace's own limits, lower than the machine's: a program that makes
 * objects in a loop meets ENOSPC long before the machine runs out of memory
 * (shared memory is 256 MiB in all, message queues 1024 of 16 KiB). */
static const char *const namespace_limits[][2] = {
    { "shmall", "65536" }, { "msgmni", "1024" },
};

struct sandbox g_sandbox;
bool sandbox_filter_optional;

int
sandbox_landlock_abi(void)
{
    return (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
}

/* ---- uids that no other grading on the machine is using ----
 *
 * A uid S is ours while we hold an flock() on its slot's file, as isolate
 * does with its box ids: a grader in another PID namespace (a container, a
 * second CI job) has pids, hence pids as uids, of its own, but shares the
 * machine's uids and, through /run, the locks. The kernel drops a lock when
 * the last descriptor of its open file goes, so a grader that dies gives its
 * uids back, however it dies. */

/* A folder only root may write, for the slots' files: made if missing,
 * refused if it is not a plain folder of ours (someone else's folder in
 * /tmp could hold every lock). Return 0 or -1 with errno. */
static int
uid_dir_ready(const char *dir)
{
    struct stat st;

    if (mkdir(dir, 0700) == -1 && errno != EEXIST)
        return -1;
    if (lstat(dir, &st) == -1)
        return -1;
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

/* Where this process starts looking for a free slot: random, drawn once
 * per process. Random, so that a slot just given back is taken again only
 * after the others (nothing of its last run, such as a process still being
 * reaped and counted in RLIMIT_NPROC, can meet the next one), and so that
 * graders that do not share the folder (containers with a /run each) seldom
 * meet; once per process, so that its own claims are predictable. */
static unsigned
first_slot(void)
{
    static pid_t drawn_by;
    static unsigned slot;

    if (drawn_by != getpid()) {
        if (getrandom(&slot, sizeof slot, GRND_NONBLOCK) != (ssize_t)sizeof slot)
            slot = (unsigned)getpid() * 2654435761u;   /* no entropy yet: spread pids */
        slot %= UID_SLOTS;
        drawn_by = getpid();
    }
    return slot;
}

/* The folder of the claims: /run's, else /tmp's; NULL (errno set) where
 * neither can be ours. */
static const char *
claims_dir(void)
{
    return uid_dir_ready(UID_DIR) == 0 ? UID_DIR : uid_dir_ready(UID_DIR_TMP) == 0
           ? UID_DIR_TMP : NULL;
}

/* Lock slot's file in dir if nobody holds it: return the descriptor, or
 * -1 with errno (EWOULDBLOCK: it is held). */
static int
lock_slot(const char *dir, unsigned slot)
{
    char path[PATH_MAX];
    int fd, err;

    snprintf(path, sizeof path, "%s/uid-%u", dir, slot);
    fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd == -1 || flock(fd, LOCK_EX | LOCK_NB) == 0)
        return fd;
    err = errno;
    close(fd);
    errno = err;
    return -1;
}

int
sandbox_claim_uid(const char *dir, uid_t *uid)
{
    unsigned start = first_slot();

    if (dir == NULL && (dir = claims_dir()) == NULL)
        return -1;
    for (unsigned i = 0; i < UID_SLOTS; i++) {
        unsigned slot = (start + i) % UID_SLOTS;
        int fd = lock_slot(dir, slot);

        if (fd >= 0) {
            *uid = UID_CLAIMED + slot;
            return fd;
        }
        if (errno != EWOULDBLOCK)
            return -1;
    }
    errno = EAGAIN;
    return -1;
}

/* As root: from now on create IPC objects and files as uid S, as the
 * programs will, keeping every capability (SECBIT_NO_SETUID_FIXUP). S is
 * claimed for as long as this process (and the runs it forks) lives. */
static int
take_student_identity(void)
{
    if (sandbox_claim_uid(NULL, &g_sandbox.uid) == -1)
        return -1;
    g_sandbox.gid = g_sandbox.uid;
    if (prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP) == -1 ||
        setresgid((gid_t)-1, g_sandbox.gid, (gid_t)-1) == -1 ||
        setresuid((uid_t)-1, g_sandbox.uid, (uid_t)-1) == -1)
        return -1;
    g_sandbox.separate_uid = true;
    return 0;
}

/* As root, before the test takes the programs' uid: the test's own control
 * group below the grading's, bounding all its programs together. Each run
 * joins a group of its own below it (run.c), which the test process, not
 * in any of them, outlives; the engine removes them all with the grading's. */
static int
enter_test_group(char *why, size_t len)
{
    char name[32];

    snprintf(name, sizeof name, "t%d", (int)getpid());
    if (cgroup_make(g_ctx.cgroup, name, &g_sandbox.group) == -1 ||
        cgroup_limit(&g_sandbox.group, g_ctx.test_memory, TEST_TASKS) == -1) {
        snprintf(why, len, "could not make the test's control group in %s (%s)",
                 g_ctx.cgroup->memory, strerror(errno));
        memset(&g_sandbox.group, 0, sizeof g_sandbox.group);
        return -1;
    }
    return 0;
}

static void die_with_parent(void);

/* The full mode's walls of a test: private IPC, network and mount
 * namespaces, with the IPC namespace's own limits. */
static int
enter_namespaces(char *why, size_t len)
{
    if (ns_unshare(CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS) == -1) {
        snprintf(why, len, "could not make private IPC, network and mount namespaces (%s); "
                 "it needs root, or unprivileged user namespaces enabled", strerror(errno));
        return -1;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
        snprintf(why, len, "could not make its mounts private (%s)", strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < ARRAY_LEN(namespace_limits); i++)
        if (sandbox_set_ipc_limit(namespace_limits[i][0], namespace_limits[i][1]) == -1) {
            snprintf(why, len, "could not set the namespace's %s (%s)",
                     namespace_limits[i][0], strerror(errno));
            return -1;
        }
    return 0;
}

int
sandbox_enter_test(const char *scratch, bool tmpfs, char *why, size_t len)
{
    char opts[128];
    bool root = geteuid() == 0;     /* before: in a user namespace we are "root" */

    memset(&g_sandbox, 0, sizeof g_sandbox);
    if (sandbox_mode == SANDBOX_CONTAINER) {
        /* The machine's namespaces: what is there already is not the test's. */
        if (ipc_snapshot(&g_sandbox.foreign) == -1) {
            snprintf(why, len, "could not read /proc/sysvipc (%s)", strerror(errno));
            return -1;
        }
        tmpfs = false;
    } else if (enter_namespaces(why, len) == -1) {
        return -1;
    }
    if (g_ctx.cgroup && enter_test_group(why, len) == -1)
        return -1;
    if (root && take_student_identity() == -1) {
        snprintf(why, len, "could not take an unprivileged uid for the programs (%s)",
                 strerror(errno));
        return -1;
    }
    if (!tmpfs && root && chown(scratch, geteuid(), getegid()) == -1) {
        snprintf(why, len, "could not hand %s to the programs (%s)", scratch, strerror(errno));
        return -1;
    }
    if (tmpfs) {
        snprintf(opts, sizeof opts, "%s,uid=%u,gid=%u", SCRATCH_TMPFS,
                 (unsigned)geteuid(), (unsigned)getegid());
        if (mount("ipcgrade-scratch", scratch, "tmpfs", MS_NOSUID | MS_NODEV, opts) == -1) {
            snprintf(why, len, "could not mount a tmpfs on %s (%s)", scratch, strerror(errno));
            return -1;
        }
    }
    g_sandbox.landlock_abi = sandbox_landlock_abi();
    g_sandbox.parent = getppid();
    die_with_parent();
    g_sandbox.ready = true;
    return 0;
}

/* The test process dies with the process that started it (Check's runner
 * in the engine's worker). Check puts it in a process group of its own,
 * which a kill of the worker's group misses: a grading stopped by a signal
 * must not leave it running on, orphaned, past the removal of its folders
 * and control groups. The kernel forgets the wish at every change of the
 * euid, so it is made again after each (sandbox_privileged()), and a parent
 * that died in between is noticed. */
static void
die_with_parent(void)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != g_sandbox.parent)
        _exit(1);
}

/* The test process's effective uid must be root's to write the namespace's
 * /proc/sys/kernel limits (the kernel compares euid, not capabilities). */
void
sandbox_privileged(bool on)
{
    if (g_sandbox.separate_uid) {
        setresuid((uid_t)-1, on ? 0 : g_sandbox.uid, (uid_t)-1);
        die_with_parent();
    }
}

int
sandbox_set_ipc_limit(const char *name, const char *value)
{
    char path[128];
    int rc;

    if (strchr(name, '/') != NULL) {
        errno = EINVAL;
        return -1;
    }
    snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
    sandbox_privileged(true);   /* the kernel wants the namespace owner's euid */
    rc = write_file(path, value);
    sandbox_privileged(false);
    return rc;
}

/* ---- in the run's init process ---- */

/* The flags a remount must keep: in a user namespace the kernel refuses to
 * drop nosuid, nodev or noexec from a mount it inherited. */
static unsigned long
kept_flags(const char *path)
{
    struct statvfs st;
    unsigned long flags = 0;

    if (statvfs(path, &st) == -1)
        return 0;
    flags |= st.f_flag & ST_NOSUID ? MS_NOSUID : 0;
    flags |= st.f_flag & ST_NODEV ? MS_NODEV : 0;
    flags |= st.f_flag & ST_NOEXEC ? MS_NOEXEC : 0;
    flags |= st.f_flag & ST_NOATIME ? MS_NOATIME : 0;
    flags |= st.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0;
    flags |= st.f_flag & ST_RELATIME ? MS_RELATIME : 0;
    return flags;
}

/* Make path (and its parents) in the fresh /tmp, as a folder, or as an
 * empty file to bind a file on. */
static int
make_mount_point(const char *path, bool folder)
{
    char copy[PATH_MAX];
    int fd;

    snprintf(copy, sizeof copy, "%s", path);
    for (char *slash = strchr(copy + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(copy, 0755) == -1 && errno != EEXIST)
            return -1;
        *slash = '/';
    }
    if (folder)
        return mkdir(path, 0755) == -1 && errno != EEXIST ? -1 : 0;
    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    return fd == -1 ? -1 : close(fd);
}

/* Mount what fd is at path, which exists: bind, and read-only unless
 * writable. */
static int
bind_fd_over(int fd, const char *path, bool writable)
{
    char source[64];

    snprintf(source, sizeof source, "/proc/self/fd/%d", fd);
    if (mount(source, path, NULL, MS_BIND, NULL) == -1)
        return -1;
    if (writable)
        return 0;
    return mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | kept_flags(path), NULL);
}

/* The same at a path made for it in the fresh /tmp. */
static int
bind_fd(int fd, const char *path, bool writable)
{
    struct stat st;

    if (fstat(fd, &st) == -1 || make_mount_point(path, S_ISDIR(st.st_mode)) == -1)
        return -1;
    return bind_fd_over(fd, path, writable);
}

int
sandbox_private_mounts(const struct sandbox_paths *p, bool *private_proc)
{
    const char *paths[2 * SANDBOX_MAX_PATHS];
    int fds[2 * SANDBOX_MAX_PATHS];
    size_t n = 0, nrun;
    int cover[DEBUGINFO_OBJECTS];

    if (unshare(CLONE_NEWNS) == -1)
        return -1;
    /* This process is pid 1 of the run's PID namespace, so a new /proc
     * shows the run's processes and nothing else of the machine (not the
     * grader's command line, not other students' runs); hidepid=2 hides
     * this init (root, or holding capabilities) from the program too.
     * The kernel refuses it in some containers (a /proc with parts masked
     * may not be mounted afresh there): the run then sees the test's. */
    *private_proc = mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                          "hidepid=2") == 0;
    for (size_t i = 0; i < DEBUGINFO_OBJECTS; i++) {
        cover[i] = -1;
        if (p->cover[i][0] && (cover[i] = open(p->cover[i][1], O_PATH | O_CLOEXEC)) == -1)
            return -1;
    }
    /* Take hold of what the program needs under /tmp, before /tmp is
     * covered; then bring back exactly that, and nothing beside it. */
    for (size_t i = 0; i < SANDBOX_MAX_PATHS && p->run[i]; i++)
        if (strncmp(p->run[i], "/tmp/", 5) == 0)
            paths[n++] = p->run[i];
    nrun = n;
    for (size_t i = 0; i < SANDBOX_MAX_PATHS && p->write[i]; i++)
        if (strncmp(p->write[i], "/tmp/", 5) == 0)
            paths[n++] = p->write[i];
    for (size_t i = 0; i < n; i++)
        if ((fds[i] = open(paths[i], O_PATH | O_CLOEXEC)) == -1)
            return -1;
    if (mount("ipcgrade-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, PRIVATE_TMP) == -1)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (bind_fd(fds[i], paths[i], i >= nrun) == -1)
            return -1;
    for (size_t i = 0; i < DEBUGINFO_OBJECTS; i++)
        if (cover[i] >= 0)
            bind_fd_over(cover[i], p->cover[i][0], false);  /* if not, Valgrind is only slower */
    return 0;
}

/* ---- the compiler ---- */

uid_t
sandbox_compiler_uid(void)
{
    static pid_t claimed_by;    /* a forked worker (batch) claims its own */
    static uid_t uid;

    if (geteuid() != 0)
        return geteuid();
    if (claimed_by != getpid()) {
        if (sandbox_claim_uid(NULL, &uid) == -1)
            die("cannot claim a uid for the compiler in %s or %s: %s", UID_DIR, UID_DIR_TMP,
                strerror(errno));
        claimed_by = getpid();  /* the descriptor stays open: ours till we exit */
    }
    return uid;
}

int
sandbox_enter_compiler(uid_t uid, const struct sandbox_paths *paths)
{
    memset(&g_sandbox, 0, sizeof g_sandbox);        /* this is the compiler's process */
    g_sandbox.separate_uid = geteuid() == 0;
    g_sandbox.uid = uid;
    g_sandbox.gid = (gid_t)uid;
    g_sandbox.landlock_abi = sandbox_landlock_abi();
    return sandbox_enter_program(paths);
}

/* ---- in the program's process ---- */

/* No capability may come back at exec: as uid 0 of a user namespace, exec
 * would grant the bounding set. Needs CAP_SETPCAP, so it comes first. */
static int
empty_bounding_set(void)
{
    for (int cap = 0; cap <= 63; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1 && errno != EINVAL)
            return -1;
    return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

/* As root: become uid S for good; setresuid() then clears every capability
 * (once SECBIT_NO_SETUID_FIXUP, which the test process set, is off again).
 * As a normal user: stay uid 0 of the user namespace, with no capability. */
static int
drop_privileges(void)
{
    struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct none[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

    if (!g_sandbox.separate_uid)
        return (int)syscall(SYS_capset, &head, none);
    if (prctl(PR_SET_SECUREBITS, 0) == -1 || setgroups(0, NULL) == -1 ||
        setresgid(g_sandbox.gid, g_sandbox.gid, g_sandbox.gid) == -1 ||
        setresuid(g_sandbox.uid, g_sandbox.uid, g_sandbox.uid) == -1)
        return -1;
    return 0;
}

/* Everything the ruleset governs: on other paths these are denied. */
static __u64
handled_access(int abi)
{
    __u64 all = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
                LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
                LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
                LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                LANDLOCK_ACCESS_FS_MAKE_SYM;

    if (abi >= 2)
        all |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        all |= LANDLOCK_ACCESS_FS_TRUNCATE;
    return all;
}

#define FILE_ACCESS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
                     LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)
#define READ_RUN    (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
                     LANDLOCK_ACCESS_FS_READ_DIR)

/* Allow `access` beneath path (a file gets the file rights only). A path
 * that does not exist is skipped: not every system has /lib32. */
static int
allow(int ruleset, const char *path, __u64 access, __u64 handled)
{
    struct landlock_path_beneath_attr rule = { 0 };
    struct stat st;
    int rc;

    rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
    if (rule.parent_fd == -1)
        return errno == ENOENT ? 0 : -1;
    if (fstat(rule.parent_fd, &st) == 0 && !S_ISDIR(st.st_mode))
        access &= FILE_ACCESS;
    rule.allowed_access = access & handled;
    rc = (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    close(rule.parent_fd);
    return rc;
}

static int
restrict_files(const struct sandbox_paths *p)
{
    static const char *const system[] = { "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
                                          "/libx32", "/etc", "/proc", "/sys", "/dev", NULL };
    static const char *const devices[] = { "/dev/null", "/dev/zero", "/dev/full",
                                           "/dev/random", "/dev/urandom", NULL };
    __u64 handled = handled_access(g_sandbox.landlock_abi);
    struct landlock_ruleset_attr attr = { .handled_access_fs = handled };
    int ruleset, rc = 0;

    ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (ruleset == -1)
        return -1;
    for (size_t i = 0; system[i]; i++)
        rc |= allow(ruleset, system[i], READ_RUN, handled);
    for (size_t i = 0; devices[i]; i++)
        rc |= allow(ruleset, devices[i], LANDLOCK_ACCESS_FS_READ_FILE |
                                         LANDLOCK_ACCESS_FS_WRITE_FILE, handled);
    for (size_t i = 0; i < SANDBOX_MAX_PATHS && p->run[i]; i++)
        rc |= allow(ruleset, p->run[i], READ_RUN, handled);
    for (size_t i = 0; i < SANDBOX_MAX_PATHS && p->write[i]; i++)
        rc |= allow(ruleset, p->write[i], handled, handled);
    if (rc == 0)
        rc = (int)syscall(SYS_landlock_restrict_self, ruleset, 0);
    close(ruleset);
    return rc;
}

/* ---- the seccomp filter ---- */

#if defined(__x86_64__)
#define FILTER_ARCH     AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FILTER_ARCH     AUDIT_ARCH_AARCH64
#endif

#ifdef FILTER_ARCH
/* The system calls P and its children may not make (sandbox.c's map says
 * why); a number the architecture lacks is left out of the list. */
static const long refused_calls[] = {
    SYS_unshare, SYS_setns, SYS_keyctl, SYS_add_key, SYS_request_key, SYS_bpf,
    SYS_userfaultfd, SYS_perf_event_open, SYS_kexec_load, SYS_mount, SYS_umount2,
    SYS_pivot_root, SYS_ptrace, SYS_init_module, SYS_finit_module, SYS_delete_module,
    SYS_swapon, SYS_swapoff, SYS_reboot, SYS_acct, SYS_open_by_handle_at,
    SYS_name_to_handle_at,
#ifdef SYS_kexec_file_load
    SYS_kexec_file_load,
#endif
#ifdef SYS_io_uring_setup
    SYS_io_uring_setup, SYS_io_uring_enter, SYS_io_uring_register,
#endif
#ifdef SYS_fsopen
    SYS_fsopen, SYS_fsconfig, SYS_fsmount, SYS_fspick, SYS_move_mount, SYS_open_tree,
#endif
#ifdef SYS_mount_setattr
    SYS_mount_setattr,
#endif
#ifdef SYS_umount
    SYS_umount,
#endif
};

/* Every namespace flag clone() takes (CLONE_NEWTIME only comes through
 * clone3() and unshare(): in clone()'s flags its bit is the exit signal's). */
#define CLONE_NEW_ANY   (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
                         CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

/* The low 32 bits of clone()'s flags, the first argument: every CLONE_NEW*
 * flag is there. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LOW        offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LOW        (offsetof(struct seccomp_data, args[0]) + 4)
#endif

#define REFUSE(err)     BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((err) & SECCOMP_RET_DATA))
#define ALLOW           BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

/* The calls that signal a process (or take hold of one to signal it) by
 * the pid in their first argument. */
static const long signal_calls[] = {
    SYS_kill, SYS_tkill, SYS_tgkill, SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo,
#ifdef SYS_pidfd_open
    SYS_pidfd_open,
#endif
};

/* Container mode as a normal user: the program runs as the grader's own
 * user, with no PID namespace between them, so the filter refuses it
 * kill(-1) and every signal to the grader's processes (its ancestors, and
 * their process groups): the first argument values of signal_calls that
 * are refused. Empty otherwise. */
#define GUARDED_MAX 32
static __u32 guarded[GUARDED_MAX];
static size_t nguarded;

static void
guard_ancestors(void)
{
    pid_t pid = getppid();

    nguarded = 0;
    guarded[nguarded++] = (__u32)-1;
    while (pid > 0 && nguarded + 2 <= GUARDED_MAX) {
        pid_t group = getpgid(pid);

        guarded[nguarded++] = (__u32)pid;
        /* A group of another PID namespace reads as 0: kill(0), the
         * program's own group, stays allowed. */
        if (group > 0)
            guarded[nguarded++] = (__u32)-group;
        pid = pid == 1 ? 0 : proctree_parent(pid);
    }
}

/* Build the filter in prog (room for max instructions); return its
 * length. Every test is "equal: refuse, else go on", so the program reads
 * top to bottom; only a guarded signal call's block is jumped over whole. */
static size_t
build_filter(struct sock_filter *prog, size_t max)
{
    size_t n = 0;

    /* Another ABI (i386 on x86_64, arm32 on arm64) has its own numbers. */
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, arch));
    prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FILTER_ARCH, 1, 0);
    prog[n++] = (struct sock_filter)REFUSE(EPERM);
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
    /* x32 shares the x86_64 arch value and marks its numbers with a bit. */
    prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
    prog[n++] = (struct sock_filter)REFUSE(EPERM);
#endif
    for (size_t i = 0; i < ARRAY_LEN(refused_calls) && n + 2 <= max; i++) {
        prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                                                 (__u32)refused_calls[i], 0, 1);
        prog[n++] = (struct sock_filter)REFUSE(EPERM);
    }
    /* A block per signal call, skipped unless it is that call: its pid
     * against every guarded value, then allowed (no other test is about it). */
    for (size_t i = 0; nguarded > 0 && i < ARRAY_LEN(signal_calls) &&
                       n + 2 * nguarded + 3 <= max; i++) {
        prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                                                 (__u32)signal_calls[i], 0,
                                                 (unsigned char)(2 * nguarded + 2));
        prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW);
        for (size_t k = 0; k < nguarded; k++) {
            prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, guarded[k], 0, 1);
            prog[n++] = (struct sock_filter)REFUSE(EPERM);
        }
        prog[n++] = (struct sock_filter)ALLOW;
    }
#ifdef SYS_clone3
    prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1);
    prog[n++] = (struct sock_filter)REFUSE(ENOSYS);
#endif
    /* Last, as it replaces the number in the accumulator with the flags. */
    prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3);
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW);
    prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEW_ANY, 0, 1);
    prog[n++] = (struct sock_filter)REFUSE(EPERM);
    prog[n++] = (struct sock_filter)ALLOW;
    return n;
}

/* Install the filter in this process (no_new_privs must be set): from now
 * on it and everything it starts are held to it, across exec. */
static int
install_filter(void)
{
    struct sock_filter prog[2 * ARRAY_LEN(refused_calls) + 16 +
                            ARRAY_LEN(signal_calls) * (2 * GUARDED_MAX + 3)];
    struct sock_fprog fprog = { 0, prog };

    fprog.len = (unsigned short)build_filter(prog, ARRAY_LEN(prog));
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0);
}
#else
/* An architecture whose numbers we have not checked: no filter (the other
 * walls stand; grader/README.md, "The sandbox", says so). */
static int
install_filter(void)
{
    return 0;
}
#endif

int
sandbox_enter_program(const struct sandbox_paths *paths)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
        return -1;
    /* A normal user outside a user namespace has nothing to drop, and with
     * no_new_privs nothing to gain at exec. */
    if (empty_bounding_set() == -1 && !(errno == EPERM && geteuid() != 0))
        return -1;
    if (drop_privileges() == -1)
        return -1;
    if (g_sandbox.landlock_abi >= 1 && restrict_files(paths) == -1)
        return -1;
#ifdef FILTER_ARCH
    if (sandbox_mode == SANDBOX_CONTAINER && !g_sandbox.separate_uid)
        guard_ancestors();
#endif
    if (install_filter() == -1 && !(errno == EINVAL && sandbox_filter_optional))
        return -1;
    return 0;
}

/* ---- the mode ---- */

enum sandbox_mode sandbox_mode;

/* Try, in a child, everything the full mode makes; leave in why what was
 * refused ("" when nothing was). */
static void
probe_full_mode(char *why, size_t len)
{
    int fds[2], status;
    pid_t child;
    ssize_t n;

    why[0] = '\0';
    if (pipe2(fds, O_CLOEXEC) == -1 || (child = fork()) == -1) {
        snprintf(why, len, "the grader could not start its probe (%s)", strerror(errno));
        return;
    }
    if (child == 0) {
        char step[256];
        pid_t init;

        close(fds[0]);
        if (enter_namespaces(step, sizeof step) == -1)
            dprintf(fds[1], "the grader %s", step);
        else if ((init = ns_fork_pid()) == 0)
            _exit(0);
        else if (init == -1 || waitpid(init, &status, 0) != init || status != 0)
            dprintf(fds[1], "the grader could not make a PID namespace (%s)", strerror(errno));
        _exit(0);
    }
    close(fds[1]);
    n = read(fds[0], why, len - 1);
    why[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    waitpid(child, &status, 0);
}

enum sandbox_mode
sandbox_choose_mode(const char **why)
{
    static bool chosen;
    static char reason[256];
    const char *force = getenv("IPCGRADE_SANDBOX");

    if (!chosen) {
        if (force == NULL || *force == '\0' || strcmp(force, "auto") == 0) {
            probe_full_mode(reason, sizeof reason);
            sandbox_mode = reason[0] ? SANDBOX_CONTAINER : SANDBOX_FULL;
            if (!reason[0])
                snprintf(reason, sizeof reason, "the machine allows new namespaces");
        } else if (strcmp(force, "full") == 0 || strcmp(force, "container") == 0) {
            sandbox_mode = force[0] == 'f' ? SANDBOX_FULL : SANDBOX_CONTAINER;
            snprintf(reason, sizeof reason, "IPCGRADE_SANDBOX=%s", force);
        } else {
            die("IPCGRADE_SANDBOX must be auto, full or container, not '%s'", force);
        }
        chosen = true;
    }
    *why = reason;
    return sandbox_mode;
}

/* ---- container mode: what no grading holds any more ---- */

/* How many PID namespaces down from /proc's a process is: the number of
 * pids on its NSpid line. */
static int
pid_depth(const char *status)
{
    const char *line = strstr(status, "\nNSpid:");
    int n = 0;

    for (line = line ? line + 7 : ""; *line && *line != '\n'; n++) {
        line += strspn(line, " \t");
        line += strcspn(line, " \t\n");
        line += strspn(line, " \t");
    }
    return n;
}

/* The real uid of process pid and whether it is still running (not a
 * zombie); -1 if it is gone, or lives in another PID namespace than ours:
 * a container's, whose gradings use the same uids with claims of their own
 * (or a run's of the full mode). */
static long
process_uid(const char *pid, bool *running)
{
    static int own_depth = -1;
    char path[64], *status, *line;
    long uid = -1;

    if (own_depth == -1 && (status = read_file_tail("/proc/self/status", 8192, NULL, NULL))) {
        own_depth = pid_depth(status);
        free(status);
    }
    snprintf(path, sizeof path, "/proc/%.16s/status", pid);
    if ((status = read_file_tail(path, 8192, NULL, NULL)) == NULL)
        return -1;
    line = strstr(status, "\nUid:");
    if (line && pid_depth(status) == own_depth)
        uid = strtol(line + 5, NULL, 10);
    line = strstr(status, "\nState:");
    *running = line == NULL || strchr("ZX", line[strspn(line + 7, " \t") + 7]) == NULL;
    free(status);
    return uid;
}

/* Add uid to uids (room for max, *n used) if it is of the range and new. */
static void
note_uid(uid_t *uids, size_t *n, size_t max, long uid)
{
    if (uid < (long)UID_CLAIMED || uid >= (long)(UID_CLAIMED + UID_SLOTS))
        return;
    for (size_t i = 0; i < *n; i++)
        if (uids[i] == (uid_t)uid)
            return;
    if (*n < max)
        uids[(*n)++] = (uid_t)uid;
}

static const char *const swept_folders[] = { "/tmp", "/var/tmp", "/dev/shm" };

/* The uids of the range that own a process, an IPC object or a file in
 * the swept folders. */
static size_t
uids_in_use(uid_t *uids, size_t max, struct ipc_set *objects)
{
    size_t n = 0;
    DIR *d;
    struct dirent *e;
    bool running;
    struct stat st;

    if ((d = opendir("/proc")) != NULL) {
        while ((e = readdir(d)) != NULL)
            if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
                note_uid(uids, &n, max, process_uid(e->d_name, &running));
        closedir(d);
    }
    for (size_t i = 0; i < objects->n; i++)
        note_uid(uids, &n, max, objects->obj[i].cuid);
    for (size_t f = 0; f < ARRAY_LEN(swept_folders); f++) {
        int dfd = open(swept_folders[f], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (dfd == -1 || (d = fdopendir(dfd)) == NULL) {
            if (dfd != -1)
                close(dfd);
            continue;
        }
        while ((e = readdir(d)) != NULL)
            if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                note_uid(uids, &n, max, st.st_uid);
        closedir(d);
    }
    return n;
}

/* Become uid for good, in a child of the sweep. */
static int
become(uid_t uid)
{
    return setgroups(0, NULL) == -1 || setresgid(uid, uid, uid) == -1 ||
           setresuid(uid, uid, uid) == -1 ? -1 : 0;
}

/* End every process of uid in our PID namespace, again until none runs
 * (RLIMIT_NPROC keeps a fork bomb's numbers small). Not kill(-1) as that
 * uid: it would reach the PID namespaces below ours too, where another
 * grading may be using the same uid. */
static void
kill_uid(uid_t uid)
{
    for (int round = 0; round < 50; round++) {
        DIR *d = opendir("/proc");
        struct dirent *e;
        bool running, left = false;

        while (d && (e = readdir(d)) != NULL)
            if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
                process_uid(e->d_name, &running) == (long)uid && running) {
                /* Held by a pidfd, asked again: the pid is not reused. */
                int pidfd = (int)syscall(SYS_pidfd_open, atoi(e->d_name), 0);

                if (pidfd >= 0 && process_uid(e->d_name, &running) == (long)uid)
                    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                if (pidfd >= 0)
                    close(pidfd);
                left = true;
            }
        if (d)
            closedir(d);
        if (!left)
            return;
        while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
            ;                   /* those of them that were our children */
        usleep(1000);
    }
}

/* Remove the objects that uid made: as that uid, since in a container
 * root may lack CAP_SYS_ADMIN. */
static void
remove_objects_of(uid_t uid, const struct ipc_set *objects)
{
    pid_t child = fork();

    if (child == 0) {
        if (become(uid) == -1)
            _exit(1);
        for (size_t i = 0; i < objects->n; i++)
            if (objects->obj[i].cuid == uid)
                ipc_remove(objects->obj[i].kind, objects->obj[i].id);
        _exit(0);
    }
    if (child > 0)
        waitpid(child, NULL, 0);
}

static void
remove_files_of(uid_t uid)
{
    for (size_t f = 0; f < ARRAY_LEN(swept_folders); f++) {
        DIR *d = opendir(swept_folders[f]);
        struct dirent *e;
        struct stat st;
        char path[PATH_MAX];

        while (d && (e = readdir(d)) != NULL) {
            snprintf(path, sizeof path, "%s/%s", swept_folders[f], e->d_name);
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                lstat(path, &st) == 0 && st.st_uid == uid)
                remove_tree(path);
        }
        if (d)
            closedir(d);
    }
}

/* As a normal user: remove the objects made since before. */
static void
remove_own_objects(const struct ipc_set *before)
{
    struct ipc_set now;

    if (before == NULL || ipc_snapshot(&now) == -1)
        return;
    for (size_t i = 0; i < now.n; i++)
        if (now.obj[i].cuid == geteuid() &&
            ipc_find_id(before, now.obj[i].kind, now.obj[i].id) == NULL)
            ipc_remove(now.obj[i].kind, now.obj[i].id);
    ipc_set_free(&now);
}

void
sandbox_sweep(const struct ipc_set *before, bool namespace_locked)
{
    const char *dir = geteuid() == 0 ? claims_dir() : NULL;
    struct ipc_set objects = { 0 };
    uid_t uids[64];
    size_t n;

    if (dir == NULL) {
        remove_own_objects(before);
        return;
    }
    ipc_snapshot(&objects);
    n = uids_in_use(uids, ARRAY_LEN(uids), &objects);
    for (size_t i = 0; i < n; i++) {
        int claim = lock_slot(dir, uids[i] - UID_CLAIMED);    /* uids_in_use(): in range */

        if (claim == -1) {      /* a test of some grading is using it */
            if (namespace_locked)
                remove_objects_of(uids[i], &objects);   /* not in this namespace */
            continue;
        }
        kill_uid(uids[i]);
        remove_objects_of(uids[i], &objects);
        remove_files_of(uids[i]);
        close(claim);
    }
    ipc_set_free(&objects);
}

/* One file holds the locks of every IPC namespace: the byte at the
 * namespace's inode number is its lock. An open file description's lock
 * (F_OFD_SETLKW) goes when the descriptor is closed, as flock()'s does, and
 * no file is left behind per namespace. */
int
sandbox_lock_shared_ipc(void)
{
    const char *dir = geteuid() == 0 ? claims_dir() : NULL;
    struct flock byte = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1 };
    struct stat ns;
    char path[PATH_MAX];
    int fd;

    if (dir == NULL)
        return -1;
    if (stat("/proc/self/ns/ipc", &ns) == 0)
        byte.l_start = (off_t)ns.st_ino;
    snprintf(path, sizeof path, "%s/ipc-namespaces.lock", dir);
    fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd != -1 && fcntl(fd, F_OFD_SETLKW, &byte) == -1) {  /* EINTR: the grading is stopped */
        close(fd);
        return -1;
    }
    return fd;
}
