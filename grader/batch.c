/* batch.c: see batch.h.
 *
 * Each (student, exercise) pair is graded by a child process of its own,
 * with a deadline, which writes OUT/STUDENT/EXERCISE.{json,txt} and a small
 * summary (score, max, failed test ids) by rename, so a crash or a kill
 * never leaves half a file. A pair whose summary is newer than its sources
 * is not graded again (unless --force): an interrupted batch resumes. */
#define _GNU_SOURCE
#include "batch.h"
#include "engine.h"
#include "pool.h"
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define JOB_DEADLINE 900        /* seconds for one submission, all tests */

struct pair {
    size_t student, exercise;
    double score, max;
    bool graded, compiled, submitted;
    char *failed;               /* failed test ids, one per line */
};

struct batch {
    const struct batch_options *opt;
    char **students;
    size_t nstudents, nexercises;
    struct pair *pairs;         /* student-major */
};

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The student folders of the class, sorted. Return -1 if unreadable. */
static int
list_students(struct batch *b)
{
    DIR *d = opendir(b->opt->class_dir);
    struct dirent *de;

    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        char path[PATH_MAX + 256];
        struct stat st;

        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", b->opt->class_dir, de->d_name);
        if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode))
            continue;
        b->students = xrealloc(b->students, (b->nstudents + 1) * sizeof *b->students);
        b->students[b->nstudents++] = xstrdup(de->d_name);
    }
    closedir(d);
    qsort(b->students, b->nstudents, sizeof *b->students, compare_names);
    return 0;
}

static void
pair_path(const struct batch *b, const struct pair *p, const char *ext, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s/%s.%s", b->opt->out_dir, b->students[p->student],
             exercises[p->exercise]->id, ext);
}

/* Newest modification time of the .c files in dir (0 if none). */
static time_t
newest_source(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    time_t newest = 0;

    while (d && (de = readdir(d)) != NULL) {
        char path[PATH_MAX + 256];
        struct stat st;
        size_t n = strlen(de->d_name);

        if (n < 3 || strcmp(de->d_name + n - 2, ".c") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (stat(path, &st) == 0 && st.st_mtime > newest)
            newest = st.st_mtime;
    }
    if (d)
        closedir(d);
    return newest;
}

/* Read a summary: "score max compiled submitted\n" then failed ids. */
static bool
read_summary(const struct batch *b, struct pair *p)
{
    char path[PATH_MAX], *text;
    int compiled = 0, submitted = 0, used = 0;

    pair_path(b, p, "summary", path, sizeof path);
    text = read_file_tail(path, 1 << 16, NULL, NULL);
    if (text == NULL || sscanf(text, "%lf %lf %d %d\n%n", &p->score, &p->max, &compiled,
                               &submitted, &used) < 4) {
        free(text);
        return false;
    }
    p->compiled = compiled;
    p->submitted = submitted;
    p->failed = xstrdup(text + used);
    p->graded = true;
    free(text);
    return true;
}

static bool
already_graded(const struct batch *b, struct pair *p, const char *src)
{
    char path[PATH_MAX];
    struct stat st;

    pair_path(b, p, "summary", path, sizeof path);
    if (b->opt->force || stat(path, &st) == -1 || st.st_mtime < newest_source(src))
        return false;
    return read_summary(b, p);
}

static char *
render(enum report_format fmt, const struct grade_result *res)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    report_write(f, fmt, res, false);
    fclose(f);
    return buf;
}

/* In a child: grade one pair and write its files. */
__attribute__((noreturn)) static void
grade_pair(const struct batch *b, const struct pair *p, const char *src)
{
    const struct exercise *ex = exercises[p->exercise];
    struct grade_options opt = { .jobs = 1 };
    struct grade_result res;
    struct strbuf summary = { 0 };
    char path[PATH_MAX], *why = NULL, *text;
    bool submitted = access(src, F_OK) == 0;

    if (grade(ex, src, &opt, &res, &why) == -1) {
        if (!submitted && asprintf(&res.not_graded, "%s has no folder %s/ (nothing was "
                                   "submitted for this exercise)", b->students[p->student],
                                   ex->id) < 0)
            res.not_graded = NULL;
        if (res.not_graded == NULL)
            res.not_graded = xstrdup(why ? why : "the submission could not be read");
        for (size_t i = 0; i < res.ntests; i++)
            res.tests[i].message = xstrdup("Not graded (see above).");
    }
    free(why);
    pair_path(b, p, "json", path, sizeof path);
    write_file_atomically(path, text = render(FORMAT_JSON, &res));
    free(text);
    pair_path(b, p, "txt", path, sizeof path);
    write_file_atomically(path, text = render(FORMAT_TEXT, &res));
    free(text);
    sb_addf(&summary, "%g %g %d %d\n", res.score, res.max_score, res.compiled, submitted);
    for (size_t i = 0; i < res.ntests; i++)
        if (res.tests[i].outcome == OUTCOME_FAIL)
            sb_addf(&summary, "%s\n", res.tests[i].def->id);
    pair_path(b, p, "summary", path, sizeof path);
    write_file_atomically(path, sb_str(&summary));
    sb_free(&summary);
    grade_result_free(&res);
    _exit(0);
}

/* "12/80 graded, 0:21 elapsed, about 1:03 left" on one terminal line. */
static void
show_progress(size_t done, size_t total, double started, bool tty)
{
    double elapsed = now_seconds() - started;
    double left = done ? elapsed / (double)done * (double)(total - done) : 0;
    int width = 30, filled = total ? (int)(width * done / total) : width;

    if (!tty)
        return;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu graded, %d:%02d elapsed", filled,
            "##############################", width - filled, "", done, total,
            (int)elapsed / 60, (int)elapsed % 60);
    if (done && done < total)
        fprintf(stderr, ", about %d:%02d left ", (int)left / 60, (int)left % 60);
    else
        fprintf(stderr, "%20s", "");
    if (done == total)
        fputc('\n', stderr);
}

/* What a batch worker needs, prepared before the fork. */
struct pair_job {
    const struct batch *b;
    struct pair *p;
    char src[PATH_MAX];
};

static void
pair_worker(void *arg)
{
    const struct pair_job *job = arg;

    grade_pair(job->b, job->p, job->src);
}

static void
grade_all(struct batch *b)
{
    size_t total = b->nstudents * b->nexercises, done = 0, next = 0, i;
    struct pair_job *jobs = xcalloc(total, sizeof *jobs);
    struct pool pool;
    double started = now_seconds(), seconds;
    bool tty = isatty(STDERR_FILENO);
    int status;

    pool_init(&pool, b->opt->jobs > 0 ? (size_t)b->opt->jobs : 0, NULL);
    while (next < total || pool.running > 0) {
        while (!pool_full(&pool) && next < total) {
            struct pair_job *job = &jobs[next];

            job->b = b;
            job->p = &b->pairs[next];
            snprintf(job->src, sizeof job->src, "%s/%s/%s", b->opt->class_dir,
                     b->students[job->p->student], exercises[job->p->exercise]->id);
            if (already_graded(b, job->p, job->src))
                done++;
            else
                pool_start(&pool, next, JOB_DEADLINE, pair_worker, job);
            next++;
        }
        if (pool.running > 0 && pool_reap(&pool, &i, &status, &seconds)) {
            if (!read_summary(b, &b->pairs[i])) {
                b->pairs[i].failed = xstrdup("(the grader stopped this submission)\n");
                b->pairs[i].max = 0;
            }
            done++;
        }
        show_progress(done, total, started, tty);
    }
    free(jobs);
}

/* ---- the outputs ---- */

static void
csv_field(struct strbuf *sb, const char *s)
{
    sb_adds(sb, "\"");
    for (; *s; s++)
        sb_adds(sb, *s == '"' ? "\"\"" : (char[]){ *s, 0 });
    sb_adds(sb, "\"");
}

static void
write_csv(const struct batch *b)
{
    struct strbuf sb = { 0 };
    char path[PATH_MAX];

    sb_adds(&sb, "student");
    for (size_t e = 0; e < b->nexercises; e++)
        sb_addf(&sb, ",%s", exercises[e]->id);
    sb_adds(&sb, ",total\n");
    for (size_t s = 0; s < b->nstudents; s++) {
        double total = 0;

        csv_field(&sb, b->students[s]);
        for (size_t e = 0; e < b->nexercises; e++) {
            const struct pair *p = &b->pairs[s * b->nexercises + e];

            sb_addf(&sb, ",%g", p->score);
            total += p->score;
        }
        sb_addf(&sb, ",%g\n", total);
    }
    snprintf(path, sizeof path, "%s/grades.csv", b->opt->out_dir);
    write_file_atomically(path, sb_str(&sb));
    sb_free(&sb);
}

/* An SVG bar chart: how many students scored in each tenth of max. */
static void
svg_histogram(struct strbuf *sb, const struct batch *b, size_t e)
{
    int bins[11] = { 0 }, top = 1;

    for (size_t s = 0; s < b->nstudents; s++) {
        const struct pair *p = &b->pairs[s * b->nexercises + e];
        int bin = p->max > 0 ? (int)(10 * p->score / p->max) : 0;

        if (++bins[bin] > top)
            top = bins[bin];
    }
    sb_adds(sb, "<svg viewBox=\"0 0 340 160\" width=\"340\" height=\"160\" role=\"img\" "
                "aria-label=\"score distribution\">");
    for (int i = 0; i <= 10; i++) {
        int h = 100 * bins[i] / top;

        sb_addf(sb, "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"%d\" fill=\"%s\">"
                    "<title>%d student(s) at %d%%%s</title></rect>", 10 + i * 30, 120 - h, h,
                i == 10 ? "#2e7d32" : "#1565c0", bins[i], i * 10, i < 10 ? "–" : "");
        if (bins[i])
            sb_addf(sb, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%d"
                        "</text>", 22 + i * 30, 116 - h, bins[i]);
        sb_addf(sb, "<text x=\"%d\" y=\"135\" font-size=\"9\" text-anchor=\"middle\">%d%%"
                    "</text>", 22 + i * 30, i * 10);
    }
    sb_adds(sb, "<text x=\"170\" y=\"155\" font-size=\"10\" text-anchor=\"middle\">"
                "share of the points</text></svg>");
}

/* The tests most students failed, most common first. */
static void
common_failures(struct strbuf *sb, const struct batch *b, size_t e)
{
    const struct exercise *ex = exercises[e];
    size_t submitted = 0, *fails = xcalloc(ex->ntests, sizeof *fails), shown = 0;

    for (size_t s = 0; s < b->nstudents; s++) {
        const struct pair *p = &b->pairs[s * b->nexercises + e];

        if (!p->submitted || !p->compiled)
            continue;
        submitted++;
        for (size_t t = 0; t < ex->ntests; t++) {
            const char *f = p->failed;
            size_t n = strlen(ex->tests[t].id);

            for (; f && (f = strstr(f, ex->tests[t].id)) != NULL; f += n)
                if ((f == p->failed || f[-1] == '\n') && f[n] == '\n') {
                    fails[t]++;
                    break;
                }
        }
    }
    sb_adds(sb, "<ol class=\"fails\">");
    while (submitted && shown < 5) {
        size_t worst = 0;

        for (size_t t = 1; t < ex->ntests; t++)
            if (fails[t] > fails[worst])
                worst = t;
        if (fails[worst] == 0)
            break;
        sb_addf(sb, "<li><b>%zu%%</b> (%zu of %zu) failed: ", 100 * fails[worst] / submitted,
                fails[worst], submitted);
        sb_xml_text(sb, ex->tests[worst].name);
        sb_adds(sb, " <code>");
        sb_xml_text(sb, ex->tests[worst].id);
        sb_adds(sb, "</code></li>");
        fails[worst] = 0;
        shown++;
    }
    if (shown == 0)
        sb_adds(sb, "<li>No test failed for the students who submitted.</li>");
    sb_adds(sb, "</ol>");
    free(fails);
}

static void
write_html(const struct batch *b)
{
    struct strbuf sb = { 0 };
    char path[PATH_MAX];

    /* Well-formed XML as well as HTML, so tests can check it with xmllint. */
    sb_adds(&sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
                 "<title>Class report</title><style>"
                 "body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;"
                 "padding:1rem;color:#222}table{border-collapse:collapse}"
                 "td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}"
                 "td:first-child{text-align:left}section{margin-bottom:2rem}"
                 ".fails li{margin:.3rem 0}.low{background:#fdecea}"
                 "</style></head><body>\n<h1>Class report</h1>\n");
    sb_addf(&sb, "<p>%zu students, %zu exercises. Scores per student are in "
                 "<code>grades.csv</code>; each student's feedback is in "
                 "<code>STUDENT/EXERCISE.txt</code> and <code>.json</code>.</p>\n",
            b->nstudents, b->nexercises);
    for (size_t e = 0; e < b->nexercises; e++) {
        double sum = 0, max = 0;
        size_t n = 0;

        for (size_t s = 0; s < b->nstudents; s++) {
            const struct pair *p = &b->pairs[s * b->nexercises + e];

            sum += p->score;
            max = p->max > max ? p->max : max;
            n += p->submitted;
        }
        sb_adds(&sb, "<section><h2>");
        sb_xml_text(&sb, exercises[e]->id);
        sb_adds(&sb, ": ");
        sb_xml_text(&sb, exercises[e]->title);
        sb_addf(&sb, "</h2><p>%zu of %zu submitted; mean %.1f of %g points.</p>", n,
                b->nstudents, b->nstudents ? sum / (double)b->nstudents : 0.0, max);
        svg_histogram(&sb, b, e);
        sb_adds(&sb, "<h3>What to revisit: the most common failures</h3>");
        common_failures(&sb, b, e);
        sb_adds(&sb, "</section>\n");
    }
    sb_adds(&sb, "<section><h2>Students</h2><table><tr><th>student</th>");
    for (size_t e = 0; e < b->nexercises; e++) {
        sb_adds(&sb, "<th>");
        sb_xml_text(&sb, exercises[e]->id);
        sb_adds(&sb, "</th>");
    }
    sb_adds(&sb, "</tr>");
    for (size_t s = 0; s < b->nstudents; s++) {
        sb_adds(&sb, "<tr><td>");
        sb_xml_text(&sb, b->students[s]);
        sb_adds(&sb, "</td>");
        for (size_t e = 0; e < b->nexercises; e++) {
            const struct pair *p = &b->pairs[s * b->nexercises + e];

            sb_addf(&sb, "<td%s>%g/%g</td>", p->score < p->max / 2 ? " class=\"low\"" : "",
                    p->score, p->max);
        }
        sb_adds(&sb, "</tr>");
    }
    sb_adds(&sb, "</table></section>\n</body></html>\n");
    snprintf(path, sizeof path, "%s/report.html", b->opt->out_dir);
    write_file_atomically(path, sb_str(&sb));
    sb_free(&sb);
}

int
batch_run(const struct batch_options *opt)
{
    struct batch b = { .opt = opt };

    if (list_students(&b) == -1) {
        fprintf(stderr, "ipcgrade: %s: %s\n", opt->class_dir, strerror(errno));
        return 2;
    }
    if (b.nstudents == 0) {
        fprintf(stderr, "ipcgrade: %s has no student folders\n", opt->class_dir);
        return 2;
    }
    if (mkdir_p(opt->out_dir, 0755) == -1) {
        fprintf(stderr, "ipcgrade: %s: %s\n", opt->out_dir, strerror(errno));
        return 2;
    }
    while (exercises[b.nexercises])
        b.nexercises++;
    b.pairs = xcalloc(b.nstudents * b.nexercises, sizeof *b.pairs);
    for (size_t s = 0; s < b.nstudents; s++) {
        char dir[PATH_MAX];

        snprintf(dir, sizeof dir, "%s/%s", opt->out_dir, b.students[s]);
        mkdir(dir, 0755);
        for (size_t e = 0; e < b.nexercises; e++)
            b.pairs[s * b.nexercises + e] = (struct pair){ .student = s, .exercise = e };
    }
    grade_all(&b);
    write_csv(&b);
    write_html(&b);
    printf("graded %zu students x %zu exercises: %s/grades.csv, %s/report.html\n",
           b.nstudents, b.nexercises, opt->out_dir, opt->out_dir);
    for (size_t i = 0; i < b.nstudents * b.nexercises; i++)
        free(b.pairs[i].failed);
    for (size_t s = 0; s < b.nstudents; s++)
        free(b.students[s]);
    free(b.students);
    free(b.pairs);
    return 0;
}
