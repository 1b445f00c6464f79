/* test.c: see test.h. The verdict is Check's (ck_abort_msg ends a failing
 * test's process); the kind of ending is ours, written as an 'O' record
 * just before, because Check knows only pass and fail. */
#define _GNU_SOURCE
#include "test.h"
#include "util.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MESSAGE_MAX     3500    /* bytes of a failure message: Check refuses long ones */

struct grade_ctx g_ctx;
struct test_env g_test = { .feedback_fd = -1 };

struct deferred {
    void (*fn)(void *);
    void *arg;
};
static struct deferred *deferred;
static size_t ndeferred, deferred_cap;

int
test_begin(const struct test_def *def)
{
    char path[PATH_MAX];

    g_test.def = def;
    g_test.runs = 0;
    snprintf(g_test.dir, sizeof g_test.dir, "%s/t-%s", g_ctx.work, def->id);
    snprintf(g_test.scratch, sizeof g_test.scratch, "%s/scratch", g_test.dir);
    if (mkdir_p(g_test.scratch, 0700) == -1)
        return -1;
    snprintf(path, sizeof path, "%s/feedback", g_test.dir);
    g_test.feedback_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    return g_test.feedback_fd == -1 ? -1 : 0;
}

void
test_end(void)
{
    while (ndeferred > 0) {
        struct deferred d = deferred[--ndeferred];

        d.fn(d.arg);
    }
    free(deferred);
    deferred = NULL;
    deferred_cap = 0;
}

void
test_defer(void (*fn)(void *), void *arg)
{
    if (ndeferred == deferred_cap) {
        deferred_cap = deferred_cap ? 2 * deferred_cap : 64;
        deferred = xrealloc(deferred, deferred_cap * sizeof *deferred);
    }
    deferred[ndeferred++] = (struct deferred){ fn, arg };
}

void *
test_own(void *p)
{
    if (p != NULL)
        test_defer(free, p);
    return p;
}

const char *
test_strf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    return test_own(s);
}

void
feedback(char tag, const char *text)
{
    struct strbuf sb = { 0 };
    char prefix[3] = { tag, ' ', '\0' };

    if (g_test.feedback_fd < 0)
        return;
    sb_indent(&sb, text, prefix);
    if (write(g_test.feedback_fd, sb_str(&sb), sb.len) < 0)
        perror("ipcgrade: feedback");
    sb_free(&sb);
}

/* Record how the test ends, then end it through Check with text. */
__attribute__((noreturn)) static void
end_test(const char *outcome, const char *text)
{
    if (outcome)
        feedback('O', outcome);
    if (text && strlen(text) > MESSAGE_MAX) {   /* Check refuses long messages */
        feedback('D', text);
        ck_abort_msg("%.*s\n... (cut here: the whole message is in the details)",
                     MESSAGE_MAX, text);
    }
    ck_abort_msg("%s", text ? text : "the test failed");
    __builtin_unreachable();
}

/* vasprintf, or NULL when out of memory (the ending still happens). */
static char *
format(const char *fmt, va_list ap)
{
    char *text;

    return vasprintf(&text, fmt, ap) < 0 ? NULL : text;
}

void
test_fail_text(const char *fmt, ...)
{
    va_list ap;
    char *text;

    va_start(ap, fmt);
    text = format(fmt, ap);
    va_end(ap);
    end_test(NULL, text);
}

void
test_error(const char *fmt, ...)
{
    va_list ap;
    char *text;

    va_start(ap, fmt);
    text = format(fmt, ap);
    va_end(ap);
    end_test("error", text);
}

void
test_skip(const char *fmt, ...)
{
    va_list ap;
    char *text;

    va_start(ap, fmt);
    text = format(fmt, ap);
    va_end(ap);
    end_test("skip", text);
}

/* ---- the recipe ---- */

struct recipe_step {
    enum recipe_kind kind;
    int run;
    char *text;
};
static struct recipe_step *recipe;
static size_t nrecipe, recipe_cap;

static void
free_recipe(void *unused)
{
    (void)unused;
    for (size_t i = 0; i < nrecipe; i++)
        free(recipe[i].text);
    free(recipe);
    recipe = NULL;
    nrecipe = recipe_cap = 0;
}

void
test_recipe(enum recipe_kind kind, int run, const char *text)
{
    if (nrecipe == 0)
        test_defer(free_recipe, NULL);
    if (nrecipe == recipe_cap) {
        recipe_cap = recipe_cap ? 2 * recipe_cap : 16;
        recipe = xrealloc(recipe, recipe_cap * sizeof *recipe);
    }
    recipe[nrecipe++] = (struct recipe_step){ kind, run, xstrdup(text ? text : "") };
}

/* Does run n end (WAIT) before anything else happens after step i? Then it
 * is an ordinary command in the foreground. */
static bool
waited_at_once(size_t i)
{
    return i + 1 < nrecipe && recipe[i + 1].kind == RECIPE_WAIT &&
           recipe[i + 1].run == recipe[i].run;
}

/* The script: a heredoc for a shell in a new, empty IPC namespace (as the
 * chapters show: unshare --user --map-root-user --ipc), so the objects the
 * programs make vanish with it. Runs the test left going are killed at
 * the end, and runs it started in the background keep their pid in $pN. */
void
test_recipe_text(struct strbuf *sb)
{
    struct strbuf bg = { 0 };
    bool any_run = false;

    for (size_t i = 0; i < nrecipe; i++) {
        any_run = any_run || recipe[i].kind == RECIPE_START;
        if (recipe[i].kind == RECIPE_START && !waited_at_once(i))
            sb_addf(&bg, " $p%d", recipe[i].run);
    }
    if (!any_run)
        return;
    sb_adds(sb, "unshare --user --map-root-user --ipc sh <<'END'\n");
    if (bg.len)
        sb_addf(sb, "trap 'kill -KILL%s 2>/dev/null' EXIT\n", sb_str(&bg));
    for (size_t i = 0; i < nrecipe; i++) {
        const struct recipe_step *s = &recipe[i];

        switch (s->kind) {
        case RECIPE_LINE:
            sb_addf(sb, "%s\n", s->text);
            break;
        case RECIPE_START:
            if (waited_at_once(i)) {
                sb_addf(sb, "%s\n", s->text);
                i++;                    /* its WAIT */
            } else {
                sb_addf(sb, "%s & p%d=$!\n", s->text, s->run);
            }
            break;
        case RECIPE_READY:
            sb_adds(sb, "sleep 1\n");
            break;
        case RECIPE_WAIT:
            sb_addf(sb, "wait $p%d\n", s->run);
            break;
        case RECIPE_SIGNAL:
            sb_addf(sb, "kill -%s $p%d\n", s->text, s->run);
            break;
        }
    }
    sb_adds(sb, "END\n");
    sb_free(&bg);
}
