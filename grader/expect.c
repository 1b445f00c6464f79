/* expect.c: see expect.h. */
#define _GNU_SOURCE
#include "expect.h"
#include "sandbox.h"
#include "test.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LEFTOVERS_SHOWN 10      /* objects listed one by one in a failure */

void
test_fail(const struct run *r, const char *fmt, ...)
{
    struct strbuf msg = { 0 };
    char *text;
    va_list ap;

    va_start(ap, fmt);
    text = xvasprintf(fmt, ap);
    va_end(ap);
    if (r != NULL && r->req.prog != NULL) {
        struct strbuf cmd = { 0 };

        run_summary(r, &msg);
        feedback('D', sb_str(&msg));
        test_recipe_text(&cmd);
        if (cmd.len)
            feedback('R', sb_str(&cmd));
        if (r->res.blocked && *r->res.blocked)
            feedback('B', r->res.blocked);
        sb_free(&cmd);
    }
    sb_free(&msg);
    test_fail_text("%s", text);
}

static const char *
exit_words(const struct run *r, char *buf, size_t len)
{
    const char *limit = run_limit_words(r);

    if (limit)
        snprintf(buf, len, "%s", limit);
    else if (r->res.timed_out)
        snprintf(buf, len, "did not finish within %.0f s", r->req.timeout);
    else if (r->res.term_signal)
        snprintf(buf, len, "crashed (killed by signal %d, %s)", r->res.term_signal,
                 strsignal(r->res.term_signal));
    else
        snprintf(buf, len, "exited with status %d", r->res.exit_code);
    return buf;
}

void
expect_finished(const struct run *r)
{
    char how[128];

    static const char *const advice[] = {
        [RUN_LIMIT_CPU] = "It may be in an endless loop, or waiting in a loop instead of in "
                          "a blocking call.",
        [RUN_LIMIT_FSIZE] = "It may be writing in an endless loop.",
        [RUN_LIMIT_MEMORY] = "It may be allocating in a loop without free(), or starting "
                             "more processes than it needs: what it used is shown below.",
        [RUN_LIMIT_DISK] = "It may be writing files in an endless loop.",
    };

    if (r->res.timed_out && r->res.limit != RUN_LIMIT_MEMORY)  /* memory first: the cause */
        test_fail(r, "`%s` did not finish within %.0f s%s. %s", r->req.prog, r->req.timeout,
                  r->res.limit == RUN_LIMIT_TIME ? " (time limit)" : "",
                  r->res.blocked && *r->res.blocked ? "Where it was stuck is shown below."
                                            : "It may be in an endless loop.");
    if (r->res.limit != RUN_LIMIT_NONE)
        test_fail(r, "`%s` %s. %s", r->req.prog, exit_words(r, how, sizeof how),
                  advice[r->res.limit] ? advice[r->res.limit] : "");
    if (r->res.term_signal)
        test_fail(r, "`%s` %s. Run the command below under gdb or valgrind to find the line.",
                  r->req.prog, exit_words(r, how, sizeof how));
    if (r->res.leftover_procs > 0)
        test_fail(r, "`%s` exited but left %d process%s running (the grader stopped %s). "
                  "A program must wait() for the children it starts, and not leave "
                  "daemons behind.", r->req.prog, r->res.leftover_procs,
                  r->res.leftover_procs == 1 ? "" : "es", r->res.leftover_procs == 1 ? "it" : "them");
}

void
expect_success(const struct run *r)
{
    char how[128];

    expect_finished(r);
    if (r->res.exit_code != 0)
        test_fail(r, "`%s` should succeed here (exit status 0) but %s.", r->req.prog,
                  exit_words(r, how, sizeof how));
}

void
expect_error_exit(const struct run *r, const char *situation)
{
    expect_finished(r);
    if (r->res.exit_code == 0)
        test_fail(r, "%s, `%s` must report the error and exit with a non-zero status "
                     "(exit(EXIT_FAILURE), as err_exit() does), but it exited with status 0. "
                     "A script running your program would believe it worked.",
                  situation, r->req.prog);
}

void
expect_usage_error(const struct run *r)
{
    char how[128];

    expect_finished(r);
    if (r->res.exit_code != 2)
        test_fail(r, "A wrong command line should print a usage message and exit with "
                     "status 2 (usage_err() does both), but `%s` %s.", r->req.prog,
                  exit_words(r, how, sizeof how));
    if (strstr(r->res.err, "usage:") == NULL)
        test_fail(r, "A wrong command line should print a line starting with \"usage:\" "
                     "on stderr, but stderr has none.");
}

void
expect_stderr_has(const struct run *r, const char *text, const char *advice)
{
    if (strstr(r->res.err, text) == NULL)
        test_fail(r, "stderr should mention \"%s\" but does not. %s", text, advice);
}

/* Find a stdout line "label VALUE" and return VALUE's start, or NULL. */
static const char *
find_field(const char *out, const char *label)
{
    size_t n = strlen(label);

    for (const char *line = out; line && *line; line = strchr(line, '\n'), line += !!line) {
        const char *p = line + strspn(line, " \t");

        if (strncmp(p, label, n) == 0 && (p[n] == ' ' || p[n] == '\t' || p[n] == ':'))
            return p + n + strspn(p + n, " \t:");
    }
    return NULL;
}

/* The text after "LABEL" on r's stdout, or the end of the test. */
static const char *
field_value(const struct run *r, const char *label, const char *meaning)
{
    const char *v = find_field(r->res.out, label);

    if (v == NULL)
        test_fail(r, "stdout should have a line \"%s N\" (%s), but it has none.", label,
                  meaning);
    return v;
}

/* Did a number end at end, where the line or a word ends? */
static bool
whole_number(const char *v, const char *end)
{
    return end != v && errno == 0 && (*end == '\0' || *end == '\n' || *end == ' ');
}

__attribute__((noreturn)) static void
not_a_number(const struct run *r, const char *label, const char *meaning, const char *v)
{
    test_fail(r, "The line \"%s ...\" on stdout should hold a number (%s), but it "
                 "reads \"%.*s\".", label, meaning, (int)strcspn(v, "\n"), v);
}

long
expect_field(const struct run *r, const char *label, const char *meaning)
{
    const char *v = field_value(r, label, meaning);
    char *end;
    long value;

    errno = 0;
    value = strtol(v, &end, 0);
    if (!whole_number(v, end))
        not_a_number(r, label, meaning, v);
    return value;
}

unsigned long
expect_ufield(const struct run *r, const char *label, int base, const char *meaning)
{
    const char *v = field_value(r, label, meaning);
    char *end;
    unsigned long value;

    errno = 0;
    value = strtoul(v, &end, base);
    if (*v == '-' || !whole_number(v, end))
        not_a_number(r, label, meaning, v);
    return value;
}

void
expect_line_is(const struct run *r, const char *label, const char *meaning,
               unsigned long expected, const char *advice)
{
    char what[96];

    snprintf(what, sizeof what, "The %s line", label);
    expect_ulong(r, what, (unsigned long)expect_field(r, label, meaning), expected, advice);
}

int
expect_printed_id(const struct run *r, const char *label, const char *call)
{
    char meaning[64];
    long id;

    snprintf(meaning, sizeof meaning, "the id %s() returned", call);
    id = expect_field(r, label, meaning);
    if (id < 0)
        test_fail(r, "`%s` printed \"%s %ld\": %s() failed and returned -1, but the program "
                     "went on as if it had worked. Check the result and report the failure "
                     "with err_exit(\"%s\").", r->req.prog, label, id, call, call);
    return (int)id;
}

void
expect_no_field(const struct run *r, const char *label, const char *why)
{
    if (find_field(r->res.out, label) != NULL)
        test_fail(r, "stdout should have no \"%s\" line here: %s", label, why);
}

void
expect_stdout_empty(const struct run *r, const char *why)
{
    if (r->res.out[0] != '\0')
        test_fail(r, "Nothing should be printed on stdout here: %s", why);
}

void
expect_valgrind_clean(const struct run *r)
{
    struct strbuf sb = { 0 }, cmd = { 0 };
    size_t n = vg_count(&r->res.vg), places = 0;

    if (r->res.vg.files == 0)       /* the grader's fault: Valgrind did not run */
        test_error("Valgrind produced no report for `%s` (is valgrind installed?).",
                   r->req.prog);
    if (n == 0 && !r->res.vg.fatal_signo)
        return;
    vg_explain_all(&r->res.vg, g_ctx.sources, &sb);
    for (const char *p = sb_str(&sb); *p; p += strcspn(p, "\n"), p += *p == '\n')
        places += strncmp(p, "- ", 2) == 0;       /* one line per place */
    feedback('V', sb_str(&sb));
    run_words(r, &cmd);                 /* the command that ran */
    if (n > places && places > 0)
        test_fail(r, "Valgrind found %zu memory error%s in `%s`, at %zu place%s in the code "
                     "(each shown once):\n%s", n, n == 1 ? "" : "s", sb_str(&cmd), places,
                  places == 1 ? "" : "s", sb_str(&sb));
    test_fail(r, "Valgrind found %zu memory error%s in `%s`:\n%s", n, n == 1 ? "" : "s",
              sb_str(&cmd), sb_str(&sb));
}

/* Numbers as a student may have printed them: in decimal and in hex. */
static void
number_words(unsigned long v, char *buf, size_t len)
{
    if (v > 9)
        snprintf(buf, len, "%lu (0x%lx)", v, v);
    else
        snprintf(buf, len, "%lu", v);
}

void
expect_ulong(const struct run *r, const char *what, unsigned long found,
             unsigned long expected, const char *advice)
{
    char e[64], f[64];

    if (found == expected)
        return;
    number_words(expected, e, sizeof e);
    number_words(found, f, sizeof f);
    test_fail(r, "%s is wrong.\n  expected: %s\n  found:    %s\n%s", what, e, f, advice);
}

void
expect_mode(const struct run *r, const char *what, unsigned found, unsigned expected,
            const char *advice)
{
    if ((found & 0777) != (expected & 0777))
        test_fail(r, "%s are wrong.\n  expected: %03o\n  found:    %03o\n%s", what,
                  expected & 0777, found & 0777, advice);
}

void
expect_no_new_objects(const struct ipc_set *before, const struct run *r,
                      const char *situation)
{
    struct ipc_set now;
    struct ipc_obj *added;
    struct strbuf sb = { 0 };
    size_t n;

    snapshot(&now);
    n = ipc_added(before, &now, &added);
    if (n == 0) {
        free(added);
        return;
    }
    sb_addf(&sb, "%s, your program left %zu IPC object%s behind:\n", situation, n,
            n == 1 ? "" : "s");
    for (size_t i = 0; i < n && i < LEFTOVERS_SHOWN; i++) {
        struct strbuf one = { 0 };

        ipc_describe(&added[i], &one);
        sb_adds(&one, ": ");
        ipc_removal_advice(&added[i], &one);
        feedback('L', sb_str(&one));
        sb_addf(&sb, "- %s\n", sb_str(&one));
        sb_free(&one);
    }
    if (n > LEFTOVERS_SHOWN) {      /* a loop that made thousands: the first few say it */
        struct strbuf more = { 0 };

        sb_addf(&more, "and %zu more like these", n - LEFTOVERS_SHOWN);
        feedback('L', sb_str(&more));
        sb_addf(&sb, "- %s\n", sb_str(&more));
        sb_free(&more);
    }
    free(added);
    test_fail(r, "%s", sb_str(&sb));
}

struct ipc_obj
expect_object(const struct run *r, enum ipc_kind kind, int id, const char *why)
{
    static const char *const ipcs_flag[] = {
        [IPC_KIND_SHM] = "-m", [IPC_KIND_MSG] = "-q", [IPC_KIND_SEM] = "-s",
    };
    struct ipc_set now;
    const struct ipc_obj *o;
    struct ipc_obj copy;

    snapshot(&now);
    o = ipc_find_id(&now, kind, id);
    if (o == NULL) {
        test_fail(r, "The kernel has no %s with id %d (%s). `ipcs %s` lists the %ss that "
                     "exist.", ipc_kind_name(kind), id, why, ipcs_flag[kind],
                  ipc_kind_name(kind));
    }
    copy = *o;
    return copy;
}

int
snapshot_own(struct ipc_set *set)
{
    if (ipc_snapshot(set) == -1)
        return -1;
    if (sandbox_mode == SANDBOX_CONTAINER)
        ipc_set_without(set, &g_sandbox.foreign);
    return 0;
}

void
snapshot(struct ipc_set *set)
{
    if (snapshot_own(set) == -1)
        test_error("The grader could not read /proc/sysvipc: %s", strerror(errno));
    test_own(set->obj);
}

const char *
scratch_file(const char *name, const char *content)
{
    char path[PATH_MAX + 256];
    struct strbuf line = { 0 };

    snprintf(path, sizeof path, "%s/%s", g_test.scratch, name);
    if (write_file(path, content) == -1)
        test_error("The grader could not create %s: %s", path, strerror(errno));
    sb_adds(&line, "printf '%s' ");
    sb_shell_word(&line, content);
    sb_adds(&line, " > ");
    sb_shell_word(&line, name);
    test_recipe(RECIPE_LINE, 0, sb_str(&line));
    sb_free(&line);
    return name;
}

bool
object_exists(enum ipc_kind kind, int id)
{
    struct ipc_set now;

    snapshot(&now);
    return ipc_find_id(&now, kind, id) != NULL;
}
