/* check_run.c: running programs: output, status, timeouts, and that nothing
 * a program starts outlives its run. The "student programs" here are
 * /bin/sh scripts. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "ns.h"
#include "sandbox.h"
#include "test.h"
#include "unit.h"

static char workdir[256];

static void
setup(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(workdir, sizeof workdir, "%s/ipcgrade-unit.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(workdir));
    g_ctx.student_bin = "/bin";
    g_ctx.ref_bin = NULL;
    snprintf(g_test.dir, sizeof g_test.dir, "%s", workdir);
    snprintf(g_test.scratch, sizeof g_test.scratch, "%s/scratch", workdir);
    mkdir_p(g_test.scratch, 0700);
    g_test.feedback_fd = -1;
    ck_assert_int_eq(enter_private_ipc(), 0);
}

static void
teardown(void)
{
    test_end();
    remove_tree(workdir);
}

START_TEST(captures_output_and_status)
{
    struct run r = RUN("sh", "-c", "echo out; echo err >&2; exit 3");

    run_program(&r);
    ck_assert(!r.res.timed_out);
    ck_assert_int_eq(r.res.exit_code, 3);
    ck_assert_str_eq(r.res.out, "out\n");
    ck_assert_str_eq(r.res.err, "err\n");
    ck_assert_int_gt(r.res.pid, 1);
}
END_TEST

START_TEST(feeds_stdin_and_reports_signals)
{
    struct run r = RUN("sh", "-c", "cat; kill -SEGV $$");

    r.req.input = "line one\nline two\n";
    run_program(&r);
    ck_assert_str_eq(r.res.out, "line one\nline two\n");
    ck_assert_int_eq(r.res.term_signal, SIGSEGV);
    ck_assert_int_eq(r.res.exit_code, -1);
}
END_TEST

START_TEST(times_out_and_says_where)
{
    struct run r = RUN("sh", "-c", "sleep 60");
    double t0 = now_seconds();

    r.req.timeout = 0.5;
    run_program(&r);
    ck_assert(r.res.timed_out);
    ck_assert_double_lt(now_seconds() - t0, 3.0);
    ck_assert_ptr_nonnull(strstr(r.res.blocked, "sleeping"));
    ck_assert_int_eq(r.res.limit, RUN_LIMIT_TIME);
    ck_assert_ptr_nonnull(strstr(run_limit_words(&r), "still running after 0.5 s (time limit)"));
}
END_TEST

/* A run's record: CPU time of every process of the run, the largest peak. */
START_TEST(records_cpu_time_and_peak_memory)
{
    struct run r = RUN("sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done");

    run_program(&r);
    ck_assert_int_eq(r.res.exit_code, 0);
    ck_assert_int_eq(r.res.limit, RUN_LIMIT_NONE);
    ck_assert_ptr_null(run_limit_words(&r));
    ck_assert_double_gt(r.res.cpu_seconds, 0.0);
    ck_assert_int_gt(r.res.peak_rss_kib, 0);
}
END_TEST

/* A run stopped at its deadline still counts what its processes used:
 * the init reaps them itself (the kernel's teardown would not count them). */
START_TEST(counts_the_cpu_time_of_a_stopped_run)
{
    struct run r = RUN("sh", "-c", "while :; do :; done & while :; do :; done");

    r.req.timeout = 1;
    run_program(&r);
    ck_assert_int_eq(r.res.limit, RUN_LIMIT_TIME);
    ck_assert_double_gt(r.res.cpu_seconds, 0.05);  /* a loaded machine shares its CPUs */
}
END_TEST

/* SIGXCPU is the CPU limit, named; here the program lowered its own soft
 * limit, so the words give the grader's figure and what the run used. */
START_TEST(names_the_cpu_limit)
{
    struct run r = RUN("sh", "-c", "ulimit -S -t 1; while :; do :; done");

    run_program(&r);
    ck_assert_int_eq(r.res.term_signal, SIGXCPU);
    ck_assert_int_eq(r.res.limit, RUN_LIMIT_CPU);
    ck_assert_double_ge(r.res.cpu_seconds, 0.8);
    ck_assert_ptr_nonnull(strstr(run_limit_words(&r), "ran out of CPU time: this test allows "
                                                      "11 s of CPU time a process"));
    ck_assert_ptr_nonnull(strstr(run_limit_words(&r), "(CPU limit)"));
}
END_TEST

START_TEST(names_the_file_size_limit)
{
    struct run r = RUN("sh", "-c", "exec head -c 9000000 /dev/zero");

    run_program(&r);
    ck_assert_int_eq(r.res.term_signal, SIGXFSZ);
    ck_assert_int_eq(r.res.limit, RUN_LIMIT_FSIZE);
    ck_assert_ptr_nonnull(strstr(run_limit_words(&r), "larger than the 8192 KiB this test "
                                                      "allows (file size limit"));
}
END_TEST

/* The seccomp filter (sandbox.c): no new user namespace for a program. */
START_TEST(refuses_new_namespaces)
{
    struct run r = RUN("sh", "-c", "unshare --user --net true");

    run_program(&r);
    ck_assert_int_ne(r.res.exit_code, 0);
    ck_assert_ptr_nonnull(strstr(r.res.err, "Operation not permitted"));
}
END_TEST

/* The process is gone, or a zombie waiting for init to reap it. */
static int
dead(pid_t pid)
{
    char path[64], *text;
    int gone;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    text = read_file_tail(path, 4096, NULL, NULL);
    gone = text == NULL || strstr(text, ") Z ") != NULL;
    free(text);
    return gone;
}

/* A run that leaves a setsid daemon behind, which must not outlive it. In
 * container mode (no PID namespace) its pid is the one the test sees. */
static void
expect_daemon_ends_with_the_run(bool container)
{
    struct run r = RUN("sh", "-c",
                       "setsid sh -c 'readlink /proc/self > daemon.res.pid; exec sleep 60' & "
                       "while [ ! -s daemon.res.pid ]; do sleep 0.05; done; exit 0");
    char path[PATH_MAX + 16], *text;
    pid_t daemon;
    int i;

    run_program(&r);
    ck_assert_int_eq(r.res.exit_code, 0);
    ck_assert_int_eq(r.res.leftover_procs, 1);
    snprintf(path, sizeof path, "%s/daemon.res.pid", g_test.scratch);
    text = read_file_tail(path, 64, NULL, NULL);
    ck_assert_ptr_nonnull(text);
    daemon = atoi(text);
    free(text);
    ck_assert_int_gt(daemon, 1);
    if (container)
        ck_assert_int_ne(daemon, r.res.pid);
    for (i = 0; i < 100 && !dead(daemon); i++)
        usleep(10000);
    ck_assert_msg(dead(daemon), "the daemon %d survived its run", daemon);
}

START_TEST(kills_setsid_daemons_with_the_run)
{
    /* The daemon escapes the process group; the PID namespace still ends it. */
    expect_daemon_ends_with_the_run(false);
}
END_TEST

START_TEST(container_mode_ends_daemons_with_the_run)
{
    /* No PID namespace: the run's init, a child subreaper, ends the daemon. */
    sandbox_mode = SANDBOX_CONTAINER;
    expect_daemon_ends_with_the_run(true);
}
END_TEST

START_TEST(closes_inherited_descriptors_and_clears_env)
{
    /* ls lists its own descriptors: 0, 1, 2 and 3, the directory it reads */
    struct run r = RUN("sh", "-c", "exec 2>&1; ls /proc/self/fd; env");
    int fd = open("/dev/null", O_RDONLY);     /* not close-on-exec */

    setenv("IPCGRADE_SECRET", "hidden", 1);
    run_program(&r);
    ck_assert_int_eq(r.res.exit_code, 0);
    ck_assert_str_eq(strtok(r.res.out, "\n"), "0");
    ck_assert_str_eq(strtok(NULL, "\n"), "1");
    ck_assert_str_eq(strtok(NULL, "\n"), "2");
    ck_assert_str_eq(strtok(NULL, "\n"), "3");
    ck_assert_ptr_nonnull(strstr(strtok(NULL, "\n"), "="));     /* env follows */
    ck_assert_ptr_null(strstr(r.res.out + strlen(r.res.out) + 1, "IPCGRADE_SECRET"));
    close(fd);
}
END_TEST

START_TEST(caps_output_and_keeps_its_tail)
{
    struct run r = RUN("sh", "-c", "yes line | head -c 3000000; echo; echo the-end");

    run_program(&r);
    ck_assert(r.res.out_cut);
    ck_assert_uint_le(strlen(r.res.out), 16 * 1024);
    ck_assert_ptr_nonnull(strstr(r.res.out, "the-end"));
}
END_TEST

START_TEST(runs_in_the_background_and_takes_signals)
{
    struct run server = RUN("sh", "-c", "trap 'echo got-term; exit 7' TERM; echo ready; "
                                        "while :; do sleep 0.05; done");

    run_start(&server);
    ck_assert_int_gt(server.res.pid, 1);
    ck_assert(run_wait_output(&server, "ready", 5));
    run_signal(&server, SIGTERM);
    run_wait(&server);
    ck_assert_int_eq(server.res.exit_code, 7);
    ck_assert_str_eq(server.res.out, "ready\ngot-term\n");
}
END_TEST

START_TEST(stops_a_run_on_demand)
{
    struct run r = RUN("sh", "-c", "sleep 60");
    double t0 = now_seconds();

    run_start(&r);
    ck_assert(!run_wait_output(&r, "never printed", 0.2));
    run_stop(&r);
    ck_assert(!r.res.timed_out);
    ck_assert_int_eq(r.res.exit_code, -1);
    ck_assert_double_lt(now_seconds() - t0, 3.0);
    run_stop(&r);                       /* a second stop is harmless */
}
END_TEST

/* A segment the test has attached must not count as attached by the run. */
START_TEST(runs_do_not_inherit_attachments)
{
    struct run r = RUN("sh", "-c", "echo ready; sleep 5");
    struct shmid_ds ds;
    int id = shmget(IPC_PRIVATE, 4096, 0600);
    void *p = shmat(id, NULL, 0);

    ck_assert_ptr_ne(p, (void *)-1);
    run_start(&r);
    ck_assert(run_wait_output(&r, "ready", 5));
    ck_assert_int_eq(shmctl(id, IPC_STAT, &ds), 0);
    ck_assert_uint_eq(ds.shm_nattch, 1);
    run_stop(&r);
    ck_assert(r.res.stopped);
    shmdt(p);
}
END_TEST

/* init_does: write the caller's pid to the pipe *arg. */
static int
write_own_pid(const void *arg)
{
    return dprintf(*(const int *)arg, "%d", (int)getpid()) > 0 ? 0 : -1;
}

START_TEST(init_does_its_call_in_the_programs_parent)
{
    struct run r = RUN("sh", "-c", "echo $PPID");
    int fds[2];
    char buf[16] = "";

    ck_assert_int_eq(pipe(fds), 0);
    r.req.init_does = write_own_pid;
    r.req.init_arg = &fds[1];
    run_program(&r);
    close(fds[1]);
    ck_assert_int_gt(read(fds[0], buf, sizeof buf - 1), 0);
    close(fds[0]);
    /* pid 1 of the run's namespace: the process the program is started from */
    ck_assert_str_eq(buf, "1");
    ck_assert_str_eq(r.res.out, "1\n");
}
END_TEST

START_TEST(notices_an_early_exit)
{
    struct run r = RUN("sh", "-c", "exit 3");
    double t0 = now_seconds();

    run_start(&r);
    ck_assert(!run_wait_output(&r, "never printed", 5));
    ck_assert_double_lt(now_seconds() - t0, 2.0);
    run_wait(&r);
    ck_assert_int_eq(r.res.exit_code, 3);
}
END_TEST

static const struct exercise demo = { .id = "demo" };

START_TEST(describes_the_command)
{
    struct run r = RUN("shmtool", "create", "it's", "a b");
    struct strbuf sb = { 0 };

    r.req.fault = "shmget:EACCES";
    g_ctx.root = "/wb";              /* the workbook's library: it outlives the grading */
    run_command(&r, &sb);
    ck_assert_str_eq(sb_str(&sb), "IPCGRADE_FAULT=shmget:EACCES "
                                  "LD_PRELOAD=/wb/bin/libipcfault.so "
                                  "./shmtool create 'it'\\''s' 'a b'");
    sb_free(&sb);
    r = RUN("shmreader", "0x1");         /* a reference program: its path in the workbook */
    r.req.reference = true;
    g_ctx.ex = &demo;
    run_command(&r, &sb);
    ck_assert_str_eq(sb_str(&sb), "/wb/build/ref/demo/shmreader 0x1");
    sb_free(&sb);
}
END_TEST

/* sandbox_set_ipc_limit() writes this namespace's limit, and only a plain name. */
START_TEST(limits_are_per_namespace)
{
    ck_assert_int_eq(sandbox_set_ipc_limit("shmmni", "0"), 0);
    ck_assert_int_eq(shmget(IPC_PRIVATE, 100, 0600), -1);
    ck_assert_int_eq(sandbox_set_ipc_limit("../shmmni", "0"), -1);
}
END_TEST

/* Can run.c start a program here? It forks every program's init into a
 * new PID namespace (ns_fork_pid()). Under qemu-user, which refuses that
 * clone(), it takes unshare(), fork() and setns(), and going back with
 * setns() needs root: a normal user cannot start programs there. */
static bool
can_start_programs(const char **why)
{
    pid_t pid;

    if (!unit_emulated())
        return true;
    fflush(NULL);
    if ((pid = ns_fork_pid()) == 0)
        _exit(0);
    if (pid > 0) {
        waitpid(pid, NULL, 0);
        return true;
    }
    *why = errno == EPERM ? "under the emulator (qemu-user) run.c starts a program's init in "
                            "a new PID namespace by unshare(), fork() and setns(), which "
                            "needs root"
                          : "under the emulator (qemu-user) run.c cannot start a program's "
                            "init in a new PID namespace";
    return false;
}

Suite *
run_suite(void)
{
    /* These start programs; the last two do not. */
    const TTest *const starting[] = {
        captures_output_and_status, feeds_stdin_and_reports_signals, times_out_and_says_where,
        kills_setsid_daemons_with_the_run, closes_inherited_descriptors_and_clears_env,
        caps_output_and_keeps_its_tail, runs_in_the_background_and_takes_signals,
        stops_a_run_on_demand, runs_do_not_inherit_attachments,
        init_does_its_call_in_the_programs_parent, notices_an_early_exit,
        records_cpu_time_and_peak_memory, counts_the_cpu_time_of_a_stopped_run,
        names_the_cpu_limit, names_the_file_size_limit,
    };
    Suite *s = suite_create("run");
    TCase *tc = tcase_create("run");
    const TTest *const others[] = { describes_the_command, limits_are_per_namespace };
    const char *no_ns = unit_no_namespaces(), *why = no_ns;
    bool can_start = !no_ns && can_start_programs(&why);
    const char *no_filter = "qemu-user installs no seccomp filter for its guest (it would "
                            "filter the emulator's own calls): the other runs go on without it";

    if (unit_emulated())
        sandbox_filter_optional = true;

    /* setup() makes a private IPC namespace for every test */
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    for (size_t i = 0; i < sizeof starting / sizeof starting[0]; i++) {
        if (can_start)
            tcase_add_test(tc, starting[i]);
        else
            unit_skip(starting[i]->name, why);
    }
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        if (!no_ns)
            tcase_add_test(tc, others[i]);
        else
            unit_skip(others[i]->name, no_ns);
    }
    /* Container mode's init is a child subreaper, which qemu-user refuses. */
    if (!can_start)
        unit_skip(container_mode_ends_daemons_with_the_run->name, why);
    else if (unit_emulated())
        unit_skip(container_mode_ends_daemons_with_the_run->name, "qemu-user refuses "
                  "PR_SET_CHILD_SUBREAPER to its guest");
    else
        tcase_add_test(tc, container_mode_ends_daemons_with_the_run);
    if (!can_start)
        unit_skip(refuses_new_namespaces->name, why);
    else if (unit_emulated())
        unit_skip(refuses_new_namespaces->name, no_filter);
    else
        tcase_add_test(tc, refuses_new_namespaces);
    suite_add_tcase(s, tc);
    return s;
}
