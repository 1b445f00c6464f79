/* keys.c: exercise `keys` (chapters/01-keys.md). The student's ipckey prints
 * the key ftok() makes for a file and a project id, and the three
 * ingredients of that key, computed from stat(). The grader makes the files
 * in the programs' working directory, computes the key and the stat()
 * fields itself, and compares them with what was printed; it also makes
 * ftok() and stat() fail and checks that no IPC object appears. */
#define _GNU_SOURCE
#include "suite.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define CHAPTER "chapters/01-keys.md"

static const char *const programs[] = { "ipckey", NULL };

/* ---- the grader's view and hands ---- */

/* The key the grader itself gets for a file of the programs' working
 * directory, and the file's stat(). */
static uint32_t
grader_key(const char *name, int proj, struct stat *st)
{
    char path[PATH_MAX + 256];
    key_t key;

    snprintf(path, sizeof path, "%s/%s", g_test.scratch, name);
    key = ftok(path, proj);
    if (key == -1 || stat(path, st) == -1)
        test_error("The grader could not compute ftok(%s): %s", path, strerror(errno));
    return (uint32_t)key;
}

static void
check_key(const char *file, const char *proj_text, int proj)
{
    struct run r = RUN("ipckey", file, proj_text);
    struct stat st;
    uint32_t expected = grader_key(file, proj, &st);

    run_program(&r);
    expect_success(&r);
    expect_ulong(&r, "The key", (uint32_t)expect_field(&r, "key", "the key ftok() returned"),
                 expected, "Print exactly what ftok(PATH, PROJ_ID) returned, as 0x%08x.");
}

/* ---- the tests ---- */

static void
prints_key(void)
{
    scratch_file("keyfile", "any file will do\n");
    scratch_file("other.txt", "another file, another inode\n");
    check_key("keyfile", "65", 65);
    check_key("other.txt", "0x7f", 0x7f);
}

/* r printed the parts of the key of a file with stat() st and PROJ_ID 0x7f. */
static void
expect_parts(const struct run *r, const struct stat *st)
{
    expect_success(r);
    expect_line_is(r, "proj_id", "the low 8 bits of PROJ_ID", 0x7f, "ftok() keeps only the "
                   "low 8 bits of proj_id: proj_id & 0xff.");
    expect_line_is(r, "dev", "the low 8 bits of the file's device number", st->st_dev & 0xff,
                   "Take st_dev from stat(PATH) and keep its low 8 bits: st.st_dev & 0xff.");
    expect_line_is(r, "inode", "the low 16 bits of the file's inode number",
                   st->st_ino & 0xffff, "Take st_ino from stat(PATH) and keep its low 16 "
                   "bits: st.st_ino & 0xffff.");
}

/* A system file (which the programs may read) whose device and inode
 * numbers are wider than the parts ftok() keeps: on the test's fresh tmpfs
 * both are small, and a program that forgot a mask would print the right
 * parts there. The one with most of the two, or NULL when this machine has
 * none (an overlay root's device numbers are small). */
static const char *
file_with_wide_numbers(struct stat *st)
{
    static const char *const candidates[] = {
        "/usr/bin/env", "/bin/sh", "/etc/passwd", "/usr/include/stdio.h",
    };
    const char *best = NULL;
    int best_wide = 0;
    struct stat s;

    for (size_t i = 0; i < ARRAY_LEN(candidates); i++) {
        int wide;

        if (stat(candidates[i], &s) == -1 || !S_ISREG(s.st_mode))
            continue;
        wide = (s.st_dev > 0xff) + (s.st_ino > 0xffff);
        if (wide > best_wide) {
            best = candidates[i];
            best_wide = wide;
            *st = s;
        }
    }
    return best;
}

static void
key_parts(void)
{
    struct run r = RUN("ipckey", "keyfile", "0x7f");
    struct stat st;
    const char *wide;

    scratch_file("keyfile", "x\n");
    grader_key("keyfile", 0x7f, &st);
    run_program(&r);
    expect_parts(&r, &st);
    if ((wide = file_with_wide_numbers(&st)) != NULL) {
        struct run w = RUN("ipckey", wide, "0x7f");

        run_program(&w);
        expect_parts(&w, &st);
    }
}

static void
missing_file(void)
{
    struct run r = RUN("ipckey", "no-such-file", "65");

    run_program(&r);
    expect_finished(&r);
    expect_no_field(&r, "key", "ftok() failed and returned -1, which is not a key "
                    "(printed, it looks like 0xffffffff). Check its result.");
    expect_error_exit(&r, "When ftok() fails");
    expect_stderr_has(&r, "ftok", "Say which call failed: err_exit(\"ftok(%s)\", path).");
    expect_stderr_has(&r, "No such file or directory", "Include errno's meaning: err_exit() "
                      "adds strerror(errno) for you.");
}

static void
stat_failure(void)
{
    struct run r = RUN("ipckey", "keyfile", "65");

    scratch_file("keyfile", "x\n");
    r.req.fault = "stat:EIO";
    run_program(&r);
    expect_error_exit(&r, "When stat() fails");
    expect_stderr_has(&r, "stat", "Check stat()'s result and report it: "
                      "err_exit(\"stat(%s)\", path).");
    expect_stderr_has(&r, "Input/output error", "Include errno's meaning: err_exit() adds "
                      "strerror(errno) for you.");
    expect_stdout_empty(&r, "stat() failed, so the program has nothing true to print. Call "
                        "ftok() and stat() before printing anything.");
}

static void
bad_usage(void)
{
    static const char *const cases[][3] = {
        { NULL }, { "keyfile", "0" }, { "keyfile", "300" }, { "keyfile", "12abc" },
        { "keyfile", "65", "extra" },
    };

    scratch_file("keyfile", "x\n");
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct run r = RUN("ipckey", cases[i][0], cases[i][1], cases[i][2]);

        run_program(&r);
        expect_usage_error(&r);
    }
}

static void
valgrind_clean(void)
{
    struct run r = RUN("ipckey", "keyfile", "65");
    struct stat st;
    uint32_t expected;

    scratch_file("keyfile", "x\n");
    expected = grader_key("keyfile", 65, &st);
    r.req.valgrind = true;
    run_program(&r);
    expect_success(&r);
    expect_ulong(&r, "The key", (uint32_t)expect_field(&r, "key", "the key ftok() returned"),
                 expected, "Print exactly what ftok() returned.");
    expect_valgrind_clean(&r);
}

static void
no_ipc_objects(void)
{
    struct ipc_set before;

    scratch_file("keyfile", "x\n");
    snapshot(&before);
    check_key("keyfile", "65", 65);
    expect_no_new_objects(&before, NULL, "ftok() only computes a number, yet after running "
                          "./ipckey keyfile 65");
}

/* HIDDEN-BEGIN: instructors' tests; `make handout` leaves them out. */
static void
path_with_spaces(void)
{
    char dir[PATH_MAX + 16];

    snprintf(dir, sizeof dir, "%s/a folder", g_test.scratch);
    if (mkdir(dir, 0700) == -1)
        test_error("The grader could not make %s: %s", dir, strerror(errno));
    scratch_file("a folder/key file.txt", "x\n");
    check_key("a folder/key file.txt", "0x2a", 0x2a);
}
/* HIDDEN-END */

static const struct test_def tests[] = {
    { "prints_key", "prints the key ftok() makes for a file", 3, prints_key,
      "call ftok(path, proj_id) and print its result with printf(\"%-8s0x%08x\\n\", ...).",
      NULL, "ftok()" },
    { "key_parts", "prints the three parts of the key, taken from stat()", 2, key_parts,
      "a key is (inode & 0xffff) | (dev & 0xff) << 16 | (proj_id & 0xff) << 24.", NULL,
      "What goes into a key" },
    { "missing_file", "reports a missing file and exits non-zero", 2, missing_file,
      "ftok() returns (key_t) -1 when it fails; check it and call err_exit().", NULL,
      "Common mistakes" },
    { "stat_failure", "reports a failing stat() and prints nothing", 1, stat_failure,
      "stat() returns -1 on failure and leaves the struct unset: check it before using "
      "st_dev and st_ino.", NULL, NULL },
    { "bad_usage", "rejects a wrong command line with a usage message", 1, bad_usage,
      "PROJ_ID must be 1..255 and there must be exactly two arguments; the skeleton's "
      "parse_proj_id() and usage_err() do this.", NULL, NULL },
    { "valgrind_clean", "runs clean under Valgrind (no memory errors or leaks)", 2,
      valgrind_clean, "free what you allocate; never read a variable you have not set. "
      "Try: valgrind --leak-check=full ./ipckey keyfile 65", NULL, NULL },
    { "no_ipc_objects", "creates no IPC object (a key is only a number)", 1,
      no_ipc_objects, "ftok() needs no msgget() or shmget(): making an object to test the "
      "key leaves it in the kernel.", NULL, "Common mistakes" },
    /* HIDDEN-BEGIN */
    { "path_with_spaces", "works for a file in another folder, with spaces in its name", 1,
      path_with_spaces, "pass PATH to ftok() and stat() exactly as given.",
      "after_published", NULL },
    /* HIDDEN-END */
};

const struct exercise exercise_keys = {
    .id = "keys",
    .title = "Keys: ftok() and IPC_PRIVATE",
    .chapter = CHAPTER,
    .programs = programs,
    .tests = tests,
    .ntests = ARRAY_LEN(tests),
};
