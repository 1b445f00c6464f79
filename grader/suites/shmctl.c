/* shmctl.c: exercise `shmctl` (chapters/04-shmctl.md). The student's
 * shmadmin shows a segment's attributes (IPC_STAT), changes its mode
 * (IPC_STAT + IPC_SET), removes it (IPC_RMID) and prints the limits
 * (IPC_INFO, SHM_INFO). The grader makes segments with known attributes
 * (owner, times, attachments held by a child of its own, lowered limits of
 * the test's namespace) and compares every field printed with the kernel's
 * own values; failing calls come from fault injection. */
#define _GNU_SOURCE
#include "suite.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHAPTER "chapters/04-shmctl.md"
#define KEY_NUM 0x4b1d0004
#define OWNER   1234            /* uid and gid the grader gives its segments, as root */
#define GROUP   5678

static const char *const programs[] = { "shmadmin", NULL };

/* ---- the grader's view and hands ---- */

/* Give segment ID the owner OWNER:GROUP, keeping its mode. False when the
 * grader may not (as a normal user only uid 0 exists in its namespace). */
static bool
grader_chown(int id)
{
    struct shmid_ds ds;

    if (shmctl(id, IPC_STAT, &ds) == -1)
        test_error("The grader could not read its segment: %s", strerror(errno));
    ds.shm_perm.uid = OWNER;
    ds.shm_perm.gid = GROUP;
    return shmctl(id, IPC_SET, &ds) == 0;
}

/* A child of the test that keeps a segment attached while the student's
 * program runs. (An attachment of the test process itself would be
 * inherited by every program it starts, through fork: it would count twice
 * in nattch and change shm_lpid and shm_atime.) */
struct holder {
    pid_t pid;
    int cmd, ack;       /* a byte on cmd: detach one; EOF: exit */
};

/* Attach segment ID N times (touching the first page if TOUCH) in a new
 * holder; return once all the attachments are made. */
static void
holder_start(struct holder *h, int id, int n, bool touch)
{
    int cmd[2], ack[2];
    char c;

    if (pipe(cmd) == -1 || pipe(ack) == -1)
        test_error("The grader could not make a pipe: %s", strerror(errno));
    h->pid = fork();
    if (h->pid == -1)
        test_error("The grader could not fork: %s", strerror(errno));
    if (h->pid == 0) {
        void *p[4];
        int k = 0;

        close(cmd[1]);
        close(ack[0]);
        for (int i = 0; i < n && i < 4; i++) {
            p[i] = shmat(id, NULL, 0);
            if (p[i] == (void *)-1)
                _exit(1);
            if (touch)
                *(volatile char *)p[i] = 1;
        }
        if (write(ack[1], "r", 1) != 1)
            _exit(1);
        while (read(cmd[0], &c, 1) == 1) {
            if (k < n && k < 4)
                shmdt(p[k++]);
            if (write(ack[1], "d", 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    close(cmd[0]);
    close(ack[1]);
    h->cmd = cmd[1];
    h->ack = ack[0];
    if (read(h->ack, &c, 1) != 1)
        test_error("The grader's helper could not attach the segment.");
}

static void
holder_detach_one(struct holder *h)
{
    char c;

    if (write(h->cmd, "d", 1) != 1 || read(h->ack, &c, 1) != 1)
        test_error("The grader's helper did not detach the segment.");
}

static void
holder_stop(struct holder *h)
{
    close(h->cmd);
    while (waitpid(h->pid, NULL, 0) == -1 && errno == EINTR)
        ;
    close(h->ack);
}

/* One printed attribute against the kernel's value. */
static void
expect_attr(const struct run *r, const char *label, unsigned long kernel,
            const char *meaning, const char *advice)
{
    char what[160];

    snprintf(what, sizeof what, "The \"%s\" line (%s)", label, meaning);
    expect_ulong(r, what, expect_ufield(r, label, 0, meaning), kernel, advice);
}

/* Every limits line against the values given; from IPC_INFO and SHM_INFO. */
static void
expect_limits(const struct run *r, const char *when, unsigned long shmmax,
              unsigned long shmmni, unsigned long shmall, unsigned long used,
              unsigned long tot, unsigned long rss)
{
    char why[320];

    snprintf(why, sizeof why, "%s. shmmax, shmmni and shmall come from IPC_INFO "
             "(struct shminfo; shmall counts pages); print them with %%lu.", when);
    expect_attr(r, "shmmax", shmmax, "the largest segment, bytes", why);
    expect_attr(r, "shmmin", 1, "the smallest segment, bytes", why);
    expect_attr(r, "shmmni", shmmni, "the most segments", why);
    expect_attr(r, "shmseg", shmmni, "the most segments per process", "Linux reports "
                "shmseg equal to shmmni in IPC_INFO.");
    expect_attr(r, "shmall", shmall, "all segments together, in pages", why);
    snprintf(why, sizeof why, "%s. used_ids, shm_tot, shm_rss and shm_swp come from "
             "SHM_INFO (struct shm_info); the last three count pages, not bytes.", when);
    expect_attr(r, "used_ids", used, "how many segments exist", why);
    expect_attr(r, "shm_tot", tot, "the pages of all segments", why);
    expect_attr(r, "shm_rss", rss, "the pages in memory", why);
    expect_attr(r, "shm_swp", 0, "the pages swapped out", why);
}

/* ---- the tests ---- */

static void
show_attributes(void)
{
    int id = grader_segment(KEY_NUM, 5000, 0640);
    bool owned = grader_chown(id);
    struct run r = RUN("shmadmin", "show", test_strf("%d", id));
    struct ipc_obj k;

    /* Attached by the test itself: the run's init inherits the attachment
     * and drops it before the program starts, so the last process to
     * detach is one the program can see, unlike the creator. */
    grader_attach(id, true);
    run_program(&r);
    expect_success(&r);
    k = expect_object(&r, IPC_KIND_SHM, id, "the grader's segment");
    expect_attr(&r, "shmid", (unsigned long)id, "the id shown", "Print the SHMID you "
                "were given.");
    expect_attr(&r, "key", (unsigned)k.key, "shm_perm.__key", "Print ds.shm_perm.__key "
                "as 0x%08x.");
    expect_attr(&r, "size", k.size, "shm_segsz, in bytes", "Print ds.shm_segsz: the size "
                "given to shmget(), not rounded to pages.");
    expect_attr(&r, "mode", k.mode & 0777, "the permission bits, in octal", "Print the low "
                "9 bits of ds.shm_perm.mode as 0%03o (the 0 makes it read as octal).");
    expect_attr(&r, "dest", 0, "1 if marked for removal", "Print 1 when ds.shm_perm.mode "
                "has SHM_DEST, else 0.");
    expect_attr(&r, "uid", k.uid, "the owner, shm_perm.uid", owned ? "Print "
                "ds.shm_perm.uid: the grader gave this segment to user 1234." :
                "Print ds.shm_perm.uid.");
    expect_attr(&r, "gid", k.gid, "the owner's group, shm_perm.gid", "Print "
                "ds.shm_perm.gid.");
    expect_attr(&r, "cuid", k.cuid, "the creator, shm_perm.cuid", "Print ds.shm_perm.cuid: "
                "the creator stays, even when the owner changes.");
    expect_attr(&r, "cgid", k.cgid, "the creator's group, shm_perm.cgid", "Print "
                "ds.shm_perm.cgid.");
    /* The grader created it; its processes have no pid in the program's
     * own PID namespace, where IPC_STAT reports such pids as 0. */
    expect_attr(&r, "cpid", grader_pid_seen(k.cpid), "shm_cpid, as IPC_STAT reports it to "
                "your program", test_strf("Print ds.shm_cpid as IPC_STAT gives it: the "
                                            "creator. %s", grader_pid_words()));
    expect_attr(&r, "lpid", run_init_seen(k.lpid), "shm_lpid, as IPC_STAT reports it to "
                "your program", test_strf("Print ds.shm_lpid as IPC_STAT gives it: the last "
                                            "process to attach or detach the segment, not "
                                            "its creator. %s", run_init_words()));
    expect_attr(&r, "nattch", k.count, "shm_nattch", "Print ds.shm_nattch: the grader has "
                "the segment attached once.");
    expect_attr(&r, "atime", (unsigned long)k.atime, "shm_atime, in seconds", "Print "
                "ds.shm_atime with print_time().");
    expect_attr(&r, "dtime", (unsigned long)k.dtime, "shm_dtime, in seconds", "Print "
                "ds.shm_dtime with print_time().");
    expect_attr(&r, "ctime", (unsigned long)k.ctime, "shm_ctime, in seconds", "Print "
                "ds.shm_ctime with print_time().");
}

/* show on segment id, whose times the grader set as `story` tells. */
static void
show_times_of(int id, const char *story)
{
    struct run r = RUN("shmadmin", "show", test_strf("%d", id));
    struct ipc_obj k = expect_object(NULL, IPC_KIND_SHM, id, "the grader's segment");

    run_program(&r);
    expect_success(&r);
    expect_attr(&r, "ctime", (unsigned long)k.ctime, "the last change: creation here",
                test_strf("ctime is ds.shm_ctime: set by shmget() and IPC_SET. %s", story));
    expect_attr(&r, "atime", (unsigned long)k.atime, "the last attach",
                test_strf("atime is ds.shm_atime, set by shmat(); not shm_ctime or "
                          "shm_dtime. %s", story));
    expect_attr(&r, "dtime", (unsigned long)k.dtime, "the last detach",
                test_strf("dtime is ds.shm_dtime, set by shmdt(); not shm_atime or "
                          "shm_ctime. %s", story));
}

/* Three different times on one segment take two second boundaries (up to
 * 2 s of waiting); two segments and one boundary tell every pair of fields
 * apart as well: on the first the creation is older than the attach and
 * the detach, on the second the detach is newer than the creation and the
 * attach. */
static void
show_times(void)
{
    int older = grader_segment(KEY_NUM, 100, 0600);         /* ctime: now */
    int newer = grader_segment(KEY_NUM + 1, 100, 0600);
    void *p = grader_attach(newer, false);                  /* its atime: now too */
    struct ipc_obj o, n;

    wait_next_second();
    shmdt(grader_attach(older, false));                     /* atime, dtime: a second on */
    shmdt(p);                                               /* dtime: a second on */
    o = expect_object(NULL, IPC_KIND_SHM, older, "the grader's first segment");
    n = expect_object(NULL, IPC_KIND_SHM, newer, "the grader's second segment");
    if (o.atime == o.ctime || n.dtime == n.atime)
        test_error("The grader could not give its segments different times.");
    show_times_of(older, "The grader created this segment, then a second later attached "
                  "and detached it: the creation time differs from the other two.");
    show_times_of(newer, "The grader created and attached this segment, then detached it a "
                  "second later: the detach time differs from the other two.");
}

static void
show_marked(void)
{
    int id = grader_segment(KEY_NUM, 4096, 0600);
    struct run r = RUN("shmadmin", "show", test_strf("%d", id));
    struct holder h;

    holder_start(&h, id, 1, false);
    grader_remove(IPC_KIND_SHM, id);        /* only marked: the holder has it attached */
    run_program(&r);
    expect_success(&r);
    expect_attr(&r, "key", 0, "a segment marked for removal has key 0", "Print "
                "ds.shm_perm.__key as it is: IPC_RMID turned it into 0 (IPC_PRIVATE).");
    expect_attr(&r, "dest", 1, "1 if marked for removal", "The segment is marked for "
                "removal: ds.shm_perm.mode has the SHM_DEST bit (01000).");
    expect_attr(&r, "mode", 0600, "the permission bits only", "Print only the low 9 bits "
                "of ds.shm_perm.mode (& 0777): it also holds SHM_DEST and SHM_LOCKED.");
    expect_attr(&r, "nattch", 1, "shm_nattch", "The grader still has it attached, so the "
                "segment lives on until it detaches.");
    holder_stop(&h);
}

static void
show_missing(void)
{
    int id = grader_segment(KEY_NUM, 100, 0600);
    struct run r = RUN("shmadmin", "show", test_strf("%d", id));

    grader_remove(IPC_KIND_SHM, id);
    run_program(&r);
    expect_no_field(&r, "size", "IPC_STAT failed, so there are no attributes to show. "
                    "Check shmctl()'s result before printing anything.");
    expect_error_exit(&r, "When no segment has the id");
    expect_stderr_has(&r, "Invalid argument", "IPC_STAT fails with EINVAL for an id no "
                      "segment has (any more); report it with "
                      "err_exit(\"shmctl(IPC_STAT)\").");
}

static void
chmod_mode(void)
{
    static const struct { int from; const char *arg; unsigned to; } cases[] = {
        /* Not from mode 0: IPC_STAT needs read permission, even the owner's. */
        { 0600, "640", 0640 }, { 0640, "400", 0400 }, { 0400, "0606", 0606 }, { 0606, "0", 0 },
    };
    int id = grader_segment(KEY_NUM, 5000, 0600);
    const char *idtext = test_strf("%d", id);

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("shmadmin", "chmod", idtext, cases[i].arg);
        struct ipc_obj k;
        char what[96];

        run_program(&r);
        expect_success(&r);
        k = expect_object(&r, IPC_KIND_SHM, id, "chmod must not remove it");
        snprintf(what, sizeof what, "After `chmod %s %s`, the segment's permission bits",
                 idtext, cases[i].arg);
        expect_mode(&r, what, k.mode, cases[i].to, "Put MODE in ds.shm_perm.mode and "
                    "write it with shmctl(id, IPC_SET, &ds).");
        expect_ulong(&r, "After chmod, the segment's size", k.size, 5000, "chmod changes "
                     "the mode only.");
        expect_attr(&r, "mode", cases[i].to, "the new permission bits", "Print the new "
                    "mode as 0%03o.");
    }
}

static void
chmod_keeps_owner(void)
{
    int id = grader_segment(KEY_NUM, 5000, 0640);
    const char *idtext = test_strf("%d", id);
    bool owned = grader_chown(id);
    struct ipc_obj before = expect_object(NULL, IPC_KIND_SHM, id, "the grader's segment"), k;
    struct run r = RUN("shmadmin", "chmod", idtext, "600");
    struct run f = RUN("shmadmin", "chmod", idtext, "640");

    run_program(&r);
    expect_success(&r);
    k = expect_object(&r, IPC_KIND_SHM, id, "chmod must not remove it");
    expect_mode(&r, "After chmod 600, the permission bits", k.mode, 0600, "IPC_SET sets "
                "the mode from ds.shm_perm.mode.");
    if (owned && (k.uid != before.uid || k.gid != before.gid))
        test_fail(&r, "chmod changed the segment's owner: it was %u:%u (uid:gid), after "
                      "chmod it is %u:%u. IPC_SET sets uid, gid AND mode from your buffer: "
                      "fill the buffer with IPC_STAT first, change only shm_perm.mode, then "
                      "IPC_SET. A zeroed buffer gives the segment to root (0:0).",
                  (unsigned)before.uid, (unsigned)before.gid, (unsigned)k.uid,
                  (unsigned)k.gid);
    expect_ulong(&r, "After chmod, the creator's uid (cuid)", k.cuid, before.cuid,
                 "IPC_SET never changes cuid; nothing should.");

    /* Also as a normal user, where uid 0 is the only owner there is: the
     * first shmctl() call of chmod must be the IPC_STAT that fills the
     * buffer. Made to fail, it names itself. */
    f.req.fault = "shmctl:EACCES:1";
    run_program(&f);
    expect_error_exit(&f, "When the first shmctl() of chmod (the IPC_STAT) fails with "
                      "EACCES");
    expect_stderr_has(&f, "IPC_STAT", "chmod must read the attributes (IPC_STAT) before "
                      "it sets them (IPC_SET), and report a failure with "
                      "err_exit(\"shmctl(IPC_STAT)\"). Here the grader made the first "
                      "shmctl() fail, and the message does not name IPC_STAT: did you "
                      "IPC_SET a buffer you never filled?");
    k = expect_object(&f, IPC_KIND_SHM, id, "a failed chmod must not remove it");
    expect_mode(&f, "After the failed chmod, the permission bits", k.mode, 0600, "When a "
                "call fails, stop: change nothing.");
}

static void
remove_unattached(void)
{
    int id = grader_segment(KEY_NUM, 5000, 0600);
    struct run r = RUN("shmadmin", "remove", test_strf("%d", id));

    run_program(&r);
    expect_finished(&r);
    if (r.res.exit_code != 0 && !object_exists(IPC_KIND_SHM, id) &&
        strstr(r.res.err, "IPC_STAT"))
        test_fail(&r, "`remove` removed the segment, then reported an error from IPC_STAT: "
                      "with nobody attached, IPC_RMID destroys the segment at once, and its "
                      "id is invalid from then on. Read nattch with IPC_STAT before "
                      "IPC_RMID.");
    expect_success(&r);
    if (object_exists(IPC_KIND_SHM, id))
        test_fail(&r, "After `remove %d`, the segment is still in the kernel, and nothing "
                      "has it attached. Remove it with shmctl(id, IPC_RMID, NULL).", id);
    expect_attr(&r, "nattch", 0, "how many had it attached", "Nobody had it attached: "
                "print the shm_nattch that IPC_STAT read before the removal.");
}

static void
remove_attached(void)
{
    int id = grader_segment(KEY_NUM, 5000, 0600);
    struct run r = RUN("shmadmin", "remove", test_strf("%d", id));
    struct ipc_obj k;
    struct holder h;

    holder_start(&h, id, 2, false);
    run_program(&r);
    expect_success(&r);
    k = expect_object(&r, IPC_KIND_SHM, id, "a segment that is still attached is only "
                      "marked for removal, so it must still exist");
    if (!(k.mode & SHM_DEST))
        test_fail(&r, "After `remove %d`, the segment is not marked for removal (its "
                      "status in ipcs -m is not \"dest\"). Call shmctl(id, IPC_RMID, NULL): "
                      "with processes still attached, it marks the segment, and the kernel "
                      "destroys it when the last one detaches.", id);
    expect_attr(&r, "nattch", 2, "how many had it attached", "The grader had it attached "
                "twice: print the shm_nattch that IPC_STAT read before the removal.");
    holder_detach_one(&h);
    if (!object_exists(IPC_KIND_SHM, id))
        test_fail(&r, "The segment vanished while the grader still had it attached once: "
                      "`remove` should only mark it.");
    holder_detach_one(&h);
    if (object_exists(IPC_KIND_SHM, id))
        test_fail(&r, "The segment should be gone after the last detach.");
    holder_stop(&h);
}

static void
limits(void)
{
    struct run first = RUN("shmadmin", "limits"), r = RUN("shmadmin", "limits");
    struct holder h;
    unsigned long shmmax, shmall, shmmni;

    unsigned long bound = kernel_limit("shmall");

    need_namespace_alone(IPC_KIND_SHM);     /* IPC_INFO and SHM_INFO count them all */
    /* The defaults: with no segment yet, and limits too large for a long.
     * The grader keeps every test's shmall low (a bound on the memory its
     * segments take); here it is the default of a new namespace, for this
     * run only. */
    shmall = ipc_limit("shmall", ULONG_MAX - (1UL << 24));
    run_program(&first);
    ipc_limit("shmall", bound);
    expect_success(&first);
    expect_limits(&first, "With the system's default limits and no segment",
                  kernel_limit("shmmax"), kernel_limit("shmmni"), shmall, 0, 0, 0);

    /* Lowered limits, and three segments: 1 + 2 + 2 pages, one page in use. */
    shmmax = ipc_limit("shmmax", 123456789);
    shmall = ipc_limit("shmall", 98765);
    shmmni = ipc_limit("shmmni", 321);
    grader_segment(KEY_NUM, 100, 0600);
    grader_segment(KEY_NUM + 1, 5000, 0600);
    holder_start(&h, grader_segment(KEY_NUM + 2, 8192, 0600), 1, true);
    run_program(&r);
    expect_success(&r);
    expect_limits(&r, test_strf("With shmmax %lu, shmmni %lu, shmall %lu, and segments of "
                                "100, 5000 and 8192 bytes (1 + 2 + 2 pages, of which 1 "
                                "touched)", shmmax, shmmni, shmall),
                  shmmax, shmmni, shmall, 3, 5, 1);
    holder_stop(&h);
}

static void
errors_reported(void)
{
    int id = grader_segment(KEY_NUM, 5000, 0600);
    const char *idtext = test_strf("%d", id);
    struct run c = RUN("shmadmin", "chmod", idtext, "644");
    struct run d = RUN("shmadmin", "remove", idtext);
    struct run s = RUN("shmadmin", "remove", idtext);

    c.req.fault = "shmctl:EPERM:2";
    run_program(&c);
    expect_error_exit(&c, "When chmod's IPC_SET fails with EPERM");
    expect_stderr_has(&c, "Operation not permitted", "Check IPC_SET's result too, and "
                      "report it with err_exit(\"shmctl(IPC_SET)\").");
    expect_no_field(&c, "mode", "IPC_SET failed, so the mode did not change.");

    d.req.fault = "shmctl:EPERM:2";
    run_program(&d);
    expect_error_exit(&d, "When remove's IPC_RMID fails with EPERM");
    expect_stderr_has(&d, "Operation not permitted", "Check IPC_RMID's result, and report "
                      "it with err_exit(\"shmctl(IPC_RMID)\").");
    expect_no_field(&d, "removed", "IPC_RMID failed, so nothing was removed.");

    /* Each of limits' two calls failing alone (in either order). */
    for (int nth = 1; nth <= 2; nth++) {
        struct run l = RUN("shmadmin", "limits");

        l.req.fault = test_strf("shmctl:EINVAL:%d", nth);
        run_program(&l);
        expect_error_exit(&l, nth == 1 ? "When limits' first shmctl() (IPC_INFO) fails"
                                       : "When limits' second shmctl() (SHM_INFO) fails");
        expect_stderr_has(&l, "Invalid argument", "Check IPC_INFO's and SHM_INFO's "
                          "results, and report them with err_exit(\"shmctl(IPC_INFO)\") "
                          "and err_exit(\"shmctl(SHM_INFO)\").");
        expect_no_field(&l, "shm_tot", "a shmctl() failed, so limits has nothing true to "
                        "print.");
    }

    /* remove's first shmctl() (the IPC_STAT that reads nattch, or the
     * IPC_RMID itself) failing. */
    s.req.fault = "shmctl:EINVAL:1";
    run_program(&s);
    expect_error_exit(&s, "When remove's first shmctl() fails");
    expect_stderr_has(&s, "Invalid argument", "Check every shmctl()'s result, IPC_STAT's "
                      "too, and report it with err_exit(\"shmctl(IPC_STAT)\").");
    expect_no_field(&s, "removed", "a shmctl() failed, so nothing was removed.");
}

/* Each command under Valgrind, all at once (each takes half a second to
 * start), on segments of the grader's: show, chmod and remove each their
 * own. */
static void
valgrind_clean(void)
{
    int shown = grader_segment(KEY_NUM, 5000, 0600);
    int changed = grader_segment(KEY_NUM + 1, 5000, 0600);
    int removed = grader_segment(KEY_NUM + 2, 5000, 0600);
    struct run r[4] = {
        RUN("shmadmin", "show", test_strf("%d", shown)),
        RUN("shmadmin", "chmod", test_strf("%d", changed), "640"),
        RUN("shmadmin", "limits"),
        RUN("shmadmin", "remove", test_strf("%d", removed)),
    };

    for (size_t i = 0; i < ARRAY_LEN(r); i++)
        r[i].req.valgrind = true;
    run_all(r, ARRAY_LEN(r));
    for (size_t i = 0; i < ARRAY_LEN(r); i++) {
        expect_valgrind_clean(&r[i]);
        expect_success(&r[i]);
    }
    expect_attr(&r[0], "size", 5000, "shm_segsz", "Under Valgrind too, show must print the "
                "segment's attributes.");
    expect_mode(&r[1], "After chmod 640 under Valgrind, the permission bits",
                expect_object(&r[1], IPC_KIND_SHM, changed, "chmod must not remove it").mode,
                0640, "chmod must work under Valgrind too.");
    if (object_exists(IPC_KIND_SHM, removed))
        test_fail(&r[3], "After `remove` under Valgrind, the segment is still there.");
}

static void
bad_usage(void)
{
    static const char *const cases[][4] = {
        { NULL }, { "frobnicate" }, { "show" }, { "show", "abc" }, { "show", "-1" },
        { "show", "1", "2" }, { "chmod", "1" }, { "chmod", "1", "9" },
        { "chmod", "1", "1000" }, { "remove" }, { "limits", "1" },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("shmadmin", cases[i][0], cases[i][1], cases[i][2], cases[i][3]);

        run_program(&r);
        expect_usage_error(&r);
    }
}

static const struct test_def tests[] = {
    { "show_attributes", "show prints every attribute as the kernel has it", 4,
      show_attributes, "shmctl(id, IPC_STAT, &ds), then one line per field.", NULL,
      "The fields of struct shmid_ds" },
    { "show_times", "show prints atime, dtime and ctime from the right fields", 2,
      show_times, "shm_atime: last shmat(); shm_dtime: last shmdt(); shm_ctime: creation "
      "or last IPC_SET.", NULL, "The fields of struct shmid_ds" },
    { "show_marked", "show of a segment marked for removal: key 0, dest 1, plain mode", 1,
      show_marked, "the mode field also carries SHM_DEST; print mode & 0777.", NULL,
      "IPC_RMID: removing a segment" },
    { "show_missing", "show of an id that does not exist fails with EINVAL", 2,
      show_missing, "check shmctl()'s -1 before printing.", NULL, "Errors" },
    { "chmod_mode", "chmod sets the permission bits", 2, chmod_mode,
      "IPC_STAT, change shm_perm.mode, IPC_SET.", NULL,
      "IPC_SET: changing owner and permissions" },
    { "chmod_keeps_owner", "chmod keeps the owner (IPC_STAT before IPC_SET)", 2,
      chmod_keeps_owner, "IPC_SET takes uid, gid and mode from the buffer: fill it with "
      "IPC_STAT first.", NULL, "IPC_SET: changing owner and permissions" },
    { "remove_unattached", "remove destroys a segment nobody has attached", 1,
      remove_unattached, "shmctl(id, IPC_RMID, NULL).", NULL,
      "IPC_RMID: removing a segment" },
    { "remove_attached", "remove of an attached segment marks it and reports nattch", 2,
      remove_attached, "read nattch with IPC_STAT before IPC_RMID.", NULL,
      "IPC_RMID: removing a segment" },
    { "limits", "limits prints IPC_INFO's limits and SHM_INFO's usage", 3, limits,
      "shmctl(0, IPC_INFO, (struct shmid_ds *) &shminfo) and SHM_INFO with struct "
      "shm_info.", NULL, "IPC_INFO and SHM_INFO: limits and usage" },
    { "errors_reported", "failing IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO and SHM_INFO are "
      "reported", 1,
      errors_reported, "check every shmctl() and err_exit(\"shmctl(IPC_SET)\") etc.", NULL,
      "Errors" },
    { "valgrind_clean", "show, chmod, limits and remove run clean under Valgrind", 2,
      valgrind_clean, "free what you allocate. Run the command shown above (show, chmod, "
      "limits or remove) under valgrind --leak-check=full.", NULL, NULL },
    { "bad_usage", "rejects a wrong command line with a usage message", 1, bad_usage,
      "the skeleton's argument parsing does this; keep usage_err() for bad input.", NULL,
      NULL },
};

const struct exercise exercise_shmctl = {
    .id = "shmctl",
    .title = "Controlling shared memory: shmctl()",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
