/* student.c: see student.h.
 *
 * Remembered results live in build/progress/EXERCISE: a fingerprint of the
 * exercise's sources and of the grader itself, then the outcome. They are
 * reused only while both fingerprints match, so a stale result is never
 * shown. Hints live beside the exercise, in exercises/EXERCISE/hints.md
 * ("## " starts each hint, gentlest first); build/progress/EXERCISE.hints
 * counts how many the student has seen. */
#define _GNU_SOURCE
#include "student.h"
#include "report.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

struct remembered {
    double score, max;
    int compiled, todo;
    size_t failed;
};

/* ---- fingerprints and the cache ---- */

static void
fnv(unsigned long long *h, const void *data, size_t n)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < n; i++)
        *h = (*h ^ p[i]) * 0x100000001b3ULL;
}

unsigned long long
progress_fingerprint(const struct exercise *ex, const char *dir)
{
    unsigned long long h = 0xcbf29ce484222325ULL;
    struct stat st;

    if (stat("/proc/self/exe", &st) == 0) {
        fnv(&h, &st.st_mtime, sizeof st.st_mtime);
        fnv(&h, &st.st_size, sizeof st.st_size);
    }
    for (size_t i = 0; ex->programs[i]; i++) {
        char path[PATH_MAX], *text;
        size_t len = 0;

        snprintf(path, sizeof path, "%s/%s.c", dir, ex->programs[i]);
        /* Only a regular file is read: a FIFO would block (grading refuses it). */
        text = stat(path, &st) == 0 && S_ISREG(st.st_mode) ?
               read_file_tail(path, 1 << 24, &len, NULL) : NULL;
        fnv(&h, path, strlen(path));
        if (text)
            fnv(&h, text, len);
        free(text);
    }
    return h;
}

static void
state_path(const char *root, const char *id, const char *ext, char *buf, size_t n)
{
    snprintf(buf, n, "%s/build/progress/%s%s", root, id, ext);
}

void
progress_remember(const char *root, const struct grade_result *res, unsigned long long fp)
{
    char path[PATH_MAX], dir[PATH_MAX], line[256];
    size_t failed = 0;
    double score = 0, max = 0;

    if (res->grader_fault)
        return;                 /* not a result: the next grading tries again */
    /* The student's view: hidden tests are the instructor's business. */
    for (size_t i = 0; i < res->ntests; i++) {
        if (!test_is_visible(res->tests[i].def))
            continue;
        failed += res->tests[i].outcome == OUTCOME_FAIL;
        score += res->tests[i].score;
        max += res->tests[i].max_score;
    }
    snprintf(dir, sizeof dir, "%s/build/progress", root);
    if (mkdir_p(dir, 0755) == -1)
        return;                 /* no cache is no harm */
    snprintf(line, sizeof line, "%016llx %g %g %d %d %zu\n",
             fp, score, max,
             res->compiled, res->todo_markers, failed);
    state_path(root, res->ex->id, "", path, sizeof path);
    write_file(path, line);
}

static bool
recall(const char *root, const struct exercise *ex, const char *dir, struct remembered *r)
{
    char path[PATH_MAX], *text;
    unsigned long long h;
    bool ok;

    state_path(root, ex->id, "", path, sizeof path);
    text = read_file_tail(path, 256, NULL, NULL);
    ok = text && sscanf(text, "%llx %lf %lf %d %d %zu", &h, &r->score, &r->max,
                        &r->compiled, &r->todo, &r->failed) == 6 &&
         h == progress_fingerprint(ex, dir);
    free(text);
    return ok;
}

/* Grade exercises/EX (or recall it); false if it cannot be graded. */
static bool
outcome(const char *root, const struct exercise *ex, struct remembered *r, bool *cached,
        char **why)
{
    struct grade_options opt = { .visible_only = true };
    struct grade_result res;
    char dir[PATH_MAX];
    unsigned long long fp;

    snprintf(dir, sizeof dir, "%s/exercises/%s", root, ex->id);
    *cached = recall(root, ex, dir, r);
    if (*cached)
        return true;
    fp = progress_fingerprint(ex, dir);
    if (grade(ex, dir, &opt, &res, why) == -1) {
        r->max = res.max_score;
        grade_result_free(&res);
        return false;
    }
    progress_remember(root, &res, fp);
    recall(root, ex, dir, r);
    grade_result_free(&res);
    return true;
}

static const char *
status_words(const struct remembered *r, char *buf, size_t n)
{
    if (!r->compiled)
        return "does not compile";
    if (r->failed == 0)
        return "passed";
    if (r->todo > 0)
        snprintf(buf, n, "%d TODO%s left", r->todo, r->todo == 1 ? "" : "s");
    else
        snprintf(buf, n, "%zu test%s failing", r->failed, r->failed == 1 ? "" : "s");
    return buf;
}

/* The first exercise that does not pass yet, or NULL. */
static const struct exercise *
next_exercise(const char *root, const struct exercise *after)
{
    bool seen = after == NULL;

    for (size_t i = 0; exercises[i]; i++) {
        struct remembered r;
        bool cached;
        char *why = NULL;

        if (!seen) {
            seen = exercises[i] == after;
            continue;
        }
        if (!outcome(root, exercises[i], &r, &cached, &why) || r.failed > 0 || !r.compiled) {
            free(why);
            return exercises[i];
        }
    }
    return NULL;
}

int
progress_show(const char *root)
{
    double total = 0, max = 0;
    const char *next = NULL;
    bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR"), any_cached = false;

    printf("%-10s %-44s %9s  %-18s %s\n", "EXERCISE", "TITLE", "POINTS", "STATUS",
           "NEXT STEP");
    for (size_t i = 0; exercises[i]; i++) {
        const struct exercise *ex = exercises[i];
        struct remembered r = { 0 };
        char *why = NULL, buf[64], points[32], step[160];
        const char *status;
        bool cached, done;

        if (!outcome(root, ex, &r, &cached, &why)) {
            printf("%-10s %-44.44s %9s  %-18s %s\n", ex->id, ex->title, "-", "missing",
                   why ? why : "");
            max += r.max;
            free(why);
            continue;
        }
        any_cached = any_cached || cached;
        status = status_words(&r, buf, sizeof buf);
        done = r.compiled && r.failed == 0;
        snprintf(points, sizeof points, "%g/%g%s", r.score, r.max, cached ? "*" : "");
        if (done)
            snprintf(step, sizeof step, "done");
        else
            snprintf(step, sizeof step, "read %s, then: bin/ipcgrade grade %s", ex->chapter,
                     ex->id);
        if (!done && next == NULL)
            next = ex->id;
        printf("%-10s %-44.44s %9s  %s%-18s%s %s\n", ex->id, ex->title, points,
               color ? (done ? "\033[32m" : "\033[33m") : "", status, color ? "\033[0m" : "",
               step);
        total += r.score;
        max += r.max;
    }
    printf("\nTotal: %g/%g points.", total, max);
    if (next)
        printf(" Next: exercise %s (edit exercises/%s/, then run bin/ipcgrade grade %s,\n"
               "or bin/ipcgrade watch to re-grade on every save).\n", next, next, next);
    else
        printf(" Every exercise passes. Congratulations!\n");
    if (any_cached)
        printf("* the sources have not changed since the last grading: its result is shown.\n");
    return 0;
}

/* ---- hints ---- */

/* The hints of an exercise: the text of each "## " section. */
static size_t
read_hints(const char *root, const struct exercise *ex, char ***hints)
{
    char path[PATH_MAX], *text;
    size_t n = 0;

    *hints = NULL;
    snprintf(path, sizeof path, "%s/exercises/%s/hints.md", root, ex->id);
    text = read_file_tail(path, 1 << 20, NULL, NULL);
    for (char *p = text; p && (p = strstr(p, "## ")) != NULL;) {
        char *end;

        if (p != text && p[-1] != '\n') {
            p += 3;
            continue;
        }
        end = strstr(p + 3, "\n## ");
        *hints = xrealloc(*hints, (n + 1) * sizeof **hints);
        (*hints)[n] = end ? strndup(p, (size_t)(end - p + 1)) : xstrdup(p);
        for (size_t k = strlen((*hints)[n]); k > 0 && strchr(" \t\n", (*hints)[n][k - 1]); k--)
            (*hints)[n][k - 1] = '\0';
        n++;
        p = end ? end + 1 : p + strlen(p);
    }
    free(text);
    return n;
}

static void
free_hints(char **hints, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(hints[i]);
    free(hints);
}

int
hint_show(const char *root, const struct exercise *ex, bool all, bool reset)
{
    char path[PATH_MAX], dir[PATH_MAX], count[32], *seen_text;
    char **hints;
    size_t n = read_hints(root, ex, &hints), seen, first, last;

    state_path(root, ex->id, ".hints", path, sizeof path);
    if (reset) {
        unlink(path);
        printf("The hints of %s start again from the first.\n", ex->id);
    }
    if (n == 0) {
        printf("Exercise %s has no hints yet. Its chapter, %s, ends with the common "
               "mistakes and the exercise's statement.\n", ex->id, ex->chapter);
        free(hints);
        return 0;
    }
    if (reset) {
        free_hints(hints, n);
        return 0;
    }
    seen_text = read_file_tail(path, 32, NULL, NULL);
    seen = seen_text ? strtoul(seen_text, NULL, 10) : 0;
    free(seen_text);
    /* Count the hint as seen first: a reader such as `| head` may close
     * the pipe before we are done printing. */
    snprintf(dir, sizeof dir, "%s/build/progress", root);
    mkdir_p(dir, 0755);
    snprintf(count, sizeof count, "%zu\n", all ? n : (seen < n ? seen + 1 : n));
    write_file(path, count);
    first = all ? 0 : (seen < n ? seen : n - 1);
    last = all ? n : first + 1;
    for (size_t i = first; i < last; i++)
        printf("Hint %zu of %zu for %s: %s\n\n", i + 1, n, ex->id, hints[i] + 3);
    if (!all && seen >= n)
        printf("That was the last hint. The feedback of `bin/ipcgrade grade %s` and the "
               "\"Common mistakes\" section of %s say more.\n", ex->id, ex->chapter);
    else if (!all && seen + 1 < n)
        printf("(`bin/ipcgrade hint %s` again for the next one.)\n", ex->id);
    free_hints(hints, n);
    return 0;
}

/* ---- watch ---- */

static volatile sig_atomic_t watch_stop;
static struct termios saved_tty;
static bool raw_tty;

static void
on_watch_stop(int sig)
{
    (void)sig;
    watch_stop = 1;
}

/* Single keys without Enter, no echo; restored on every way out. */
static void
tty_raw(bool on)
{
    if (on && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
        struct termios t = saved_tty;

        t.c_lflag &= ~(unsigned)(ICANON | ECHO);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        raw_tty = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
    } else if (!on && raw_tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
        raw_tty = false;
    }
}

/* Grade ex in exercises/, show it, remember it. Return true if it passes;
 * *graded is the fingerprint of the sources as they were when it started. */
static bool
watch_grade(const char *root, const struct exercise *ex, bool tty, unsigned long long *graded)
{
    struct grade_options opt = { 0 };
    struct grade_result res;
    char dir[PATH_MAX], *why = NULL;
    bool passed;

    snprintf(dir, sizeof dir, "%s/exercises/%s", root, ex->id);
    if (tty)
        fputs("\033[H\033[2J", stdout);        /* clear the screen */
    *graded = progress_fingerprint(ex, dir);
    printf("Grading %s ...\n", ex->id);
    fflush(stdout);
    if (grade(ex, dir, &opt, &res, &why) == -1) {
        printf("%s\n", why ? why : "cannot grade");
        free(why);
        grade_result_free(&res);
        return false;
    }
    if (tty)
        fputs("\033[H\033[2J", stdout);
    report_write(stdout, FORMAT_TEXT, &res, tty && !getenv("NO_COLOR"));
    progress_remember(root, &res, *graded);
    passed = res.compiled && res.score == res.max_score;
    grade_result_free(&res);
    return passed;
}

/* Watch exercises/EX: inotify when it works, and a 2-second look at the
 * sources' fingerprint as well, for file systems where inotify never fires
 * (network mounts, WSL). Return the fd, or -1 when only polling is left. */
static int
watch_dir(const char *root, const struct exercise *ex)
{
    char dir[PATH_MAX];
    int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

    snprintf(dir, sizeof dir, "%s/exercises/%s", root, ex->id);
    if (fd >= 0 && inotify_add_watch(fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE |
                                              IN_DELETE) == -1) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static void
watch_help(const struct exercise *ex, bool keys)
{
    printf("\nWatching exercises/%s/: save a file to grade it again.%s\n", ex->id,
           keys ? " Keys: [h]int [r]e-run [l]ist [n]ext [q]uit" :
                  " Type h, r, l, n or q and Enter.");
    fflush(stdout);
}

/* Wait for the sources to differ from those graded (fingerprint graded;
 * returns 's'), a key, or a stop ('q'). */
static int
watch_wait(int ifd, const char *root, const struct exercise *ex, unsigned long long graded)
{
    char dir[PATH_MAX];

    snprintf(dir, sizeof dir, "%s/exercises/%s", root, ex->id);
    while (!watch_stop) {
        struct pollfd pfd[2] = { { STDIN_FILENO, POLLIN, 0 }, { ifd, POLLIN, 0 } };
        char buf[4096];
        int rc = poll(pfd, ifd >= 0 ? 2 : 1, 2000);

        if (rc > 0 && (pfd[0].revents & (POLLIN | POLLHUP))) {
            char key;

            if (read(STDIN_FILENO, &key, 1) != 1)
                return 'q';     /* stdin closed */
            if (strchr("hrlnq", key))
                return key;
        }
        if (rc > 0 && ifd >= 0 && (pfd[1].revents & POLLIN)) {
            usleep(100000);     /* editors write in several steps */
            while (read(ifd, buf, sizeof buf) > 0)
                ;
        }
        if (progress_fingerprint(ex, dir) != graded)
            return 's';
    }
    return 'q';
}

int
watch_run(const char *root, const char *start_id)
{
    const struct exercise *ex = start_id ? exercise_find(start_id) : next_exercise(root, NULL);
    bool tty = isatty(STDOUT_FILENO), keys;
    struct sigaction sa = { .sa_handler = on_watch_stop };
    int ifd, key = 'r';
    unsigned long long graded = 0;

    if (start_id && ex == NULL) {
        fprintf(stderr, "ipcgrade: no exercise \"%s\" (bin/ipcgrade list shows them)\n",
                start_id);
        return 2;
    }
    if (ex == NULL) {
        printf("Every exercise passes. Congratulations!\n");
        return 0;
    }
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    tty_raw(true);
    keys = raw_tty;
    ifd = watch_dir(root, ex);
    while (!watch_stop && key != 'q') {
        if (key == 'r' || key == 's') {
            if (watch_grade(root, ex, tty, &graded) && !watch_stop) {
                const struct exercise *next = next_exercise(root, ex);

                if (next == NULL) {
                    printf("\nEvery exercise passes. Congratulations!\n");
                    break;
                }
                printf("\n%s passes! Next: %s (read %s). Press n to go on, q to quit.\n",
                       ex->id, next->id, next->chapter);
                fflush(stdout);
                key = watch_wait(-1, root, ex, graded);
                if (key == 'q')
                    break;
                if (key == 's' || key == 'r')
                    continue;   /* changed again: grade it again */
                ex = next;
                if (ifd >= 0)
                    close(ifd);
                ifd = watch_dir(root, ex);
                key = 'r';      /* any other key goes on: grade the next one */
                continue;
            }
        } else if (key == 'h') {
            printf("\n");
            hint_show(root, ex, false, false);
        } else if (key == 'l') {
            printf("\n");
            progress_show(root);
        } else if (key == 'n') {
            const struct exercise *next = next_exercise(root, ex);

            ex = next ? next : exercises[0];
            if (ifd >= 0)
                close(ifd);
            ifd = watch_dir(root, ex);
            key = 'r';
            continue;
        }
        watch_help(ex, keys);
        key = watch_wait(ifd, root, ex, graded);
    }
    if (ifd >= 0)
        close(ifd);
    tty_raw(false);
    printf("\nStopped watching.\n");
    return 0;
}
