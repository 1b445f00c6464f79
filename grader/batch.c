/* batch.c: see batch.h.
 *
 * Each (student, exercise) pair is graded by a child process of its own,
 * with a deadline, which writes OUT/STUDENT/EXERCISE.{json,txt} and a small
 * summary (score, max, failed test ids) by rename, so a crash or a kill
 * never leaves half a file. A pair whose summary is newer than its sources
 * is not graded again (unless --force): an interrupted batch resumes.
 *
 * Shards: `--shard K/N` grades the pairs batch_shard_of() gives K, writes
 * the same per-pair files, and then OUT/shard.txt (format below) instead of
 * grades.csv and report.html. batch_merge() checks every shard's shard.txt
 * and files, copies the files, and writes grades.csv and report.html with
 * the very functions one run uses, from the same summaries: so the merge is
 * byte for byte what one run writes, with no second renderer to drift. */
#define _GNU_SOURCE
#include "batch.h"
#include "engine.h"
#include "pool.h"
#include "report.h"
#include "sandbox.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define JOB_DEADLINE 900        /* seconds for one submission, all tests */
#define SHARD_FILE "shard.txt"
#define SHARD_MAGIC "ipcgrade-shard 1"
#define FEEDBACK_MAX (64 << 20) /* bytes of one file a checksum reads; larger is damage */

/* The files a graded pair has in an output folder, as OUT/STUDENT/EXERCISE.EXT. */
static const char *const pair_exts[] = { "summary", "json", "txt" };
#define NEXTS ARRAY_LEN(pair_exts)

struct pair {
    size_t student, exercise;
    double score, max;
    bool graded, compiled, submitted;
    char *failed;               /* failed test ids, one per line */
};

struct batch {
    const struct batch_options *opt;    /* NULL for a merge */
    const char *out_dir;
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

/* The pair's file with extension ext in the output folder dir (a batch's
 * own, or a shard's that a merge reads). */
static void
pair_path(const struct batch *b, const char *dir, const struct pair *p, const char *ext,
          char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s/%s.%s", dir, b->students[p->student],
             exercises[p->exercise]->id, ext);
}

int
batch_shard_of(size_t student, size_t exercise, int nshards)
{
    return nshards > 0 ? (int)((student + exercise) % (size_t)nshards) + 1 : 1;
}

/* Whether this run grades the pair: every pair, or its shard's. */
static bool
in_shard(const struct batch *b, const struct pair *p)
{
    return b->opt->nshards == 0 ||
           batch_shard_of(p->student, p->exercise, b->opt->nshards) == b->opt->shard;
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

    pair_path(b, b->out_dir, p, "summary", path, sizeof path);
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

    pair_path(b, b->out_dir, p, "summary", path, sizeof path);
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
    pair_path(b, b->out_dir, p, "json", path, sizeof path);
    write_file_atomically(path, text = render(FORMAT_JSON, &res));
    free(text);
    pair_path(b, b->out_dir, p, "txt", path, sizeof path);
    write_file_atomically(path, text = render(FORMAT_TEXT, &res));
    free(text);
    sb_addf(&summary, "%g %g %d %d\n", res.score, res.max_score, res.compiled, submitted);
    for (size_t i = 0; i < res.ntests; i++)
        if (res.tests[i].outcome == OUTCOME_FAIL)
            sb_addf(&summary, "%s\n", res.tests[i].def->id);
    pair_path(b, b->out_dir, p, "summary", path, sizeof path);
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

/* A pair with no summary to read: the grader stopped it (its deadline, a
 * crash). One run and a merge both count it so, as 0 of 0 points. */
static void
mark_stopped(struct pair *p)
{
    free(p->failed);
    p->failed = xstrdup("(the grader stopped this submission)\n");
    p->max = 0;
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

/* Grade every pair of this run (every pair, or its shard's), reusing what
 * is already graded, and fill b->pairs from their summaries. */
static void
grade_all(struct batch *b)
{
    size_t npairs = b->nstudents * b->nexercises, total = 0, done = 0, next = 0, i;
    struct pair_job *jobs = xcalloc(npairs, sizeof *jobs);
    struct pool pool;
    double started = now_seconds(), seconds;
    bool tty = isatty(STDERR_FILENO);
    int status;
    const char *why;
    /* In container mode a normal user's gradings cannot take turns on the
     * machine's IPC namespace (root's do, through a lock): one at a time. */
    bool alone = sandbox_choose_mode(&why) == SANDBOX_CONTAINER && geteuid() != 0;

    for (i = 0; i < npairs; i++)
        total += in_shard(b, &b->pairs[i]);
    pool_init(&pool, alone ? 1 : b->opt->jobs > 0 ? (size_t)b->opt->jobs : 0, NULL);
    while (next < npairs || pool.running > 0) {
        while (!pool_full(&pool) && next < npairs) {
            struct pair_job *job = &jobs[next];

            if (!in_shard(b, &b->pairs[next])) {
                next++;
                continue;
            }
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
            if (!read_summary(b, &b->pairs[i]))
                mark_stopped(&b->pairs[i]);
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

/* grades.csv: a row per student. 0, or -1 with errno when it cannot be written. */
static int
write_csv(const struct batch *b)
{
    struct strbuf sb = { 0 };
    char path[PATH_MAX];
    int rc;

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
    snprintf(path, sizeof path, "%s/grades.csv", b->out_dir);
    rc = write_file_atomically(path, sb_str(&sb));
    sb_free(&sb);
    return rc;
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

/* report.html, the class overview. 0, or -1 with errno when it cannot be
 * written. Nothing in it is of the run (no date, no duration): a merge of
 * shards writes the same bytes. */
static int
write_html(const struct batch *b)
{
    struct strbuf sb = { 0 };
    char path[PATH_MAX];
    int rc;

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
    snprintf(path, sizeof path, "%s/report.html", b->out_dir);
    rc = write_file_atomically(path, sb_str(&sb));
    sb_free(&sb);
    return rc;
}

/* Both overviews; 0, or 2 with a one-line reason. */
static int
write_overviews(const struct batch *b)
{
    if (write_csv(b) == -1 || write_html(b) == -1) {
        char *dir = shown_path(b->out_dir);

        fprintf(stderr, "ipcgrade: cannot write the overviews into %s: %s\n", dir,
                strerror(errno));
        free(dir);
        return 2;
    }
    return 0;
}

/* ---- shards ----
 *
 * OUT/shard.txt, written last by `batch --shard K/N` (a line each; names
 * with sb_field()'s escapes, checksums FNV-1a 64 in hex, "-" for no file):
 *
 *   ipcgrade-shard 1
 *   shard K N
 *   class FINGERPRINT NSTUDENTS NEXERCISES    what was graded (class_fingerprint())
 *   exercise ID SIGNATURE                     each exercise, in course order
 *   student NAME                              each student, sorted
 *   pair NAME ID SUMMARY JSON TXT             each pair of the shard, its files' checksums
 *   end NPAIRS
 *
 * The merge refuses a shard whose class, students or exercises differ from
 * the others' (or from its own grader's), and any file whose checksum
 * differs: a shard travels between machines (CI artifacts, volumes). */

/* name as one field of shard.txt: the bytes a field cannot hold (controls,
 * space, '%', DEL) as %XX, so that any folder name comes back as it was. */
static void
sb_field(struct strbuf *sb, const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p <= ' ' || *p == '%' || *p == 0x7f)
            sb_addf(sb, "%%%02X", *p);
        else
            sb_add(sb, (const char *)p, 1);
    }
}

/* A field of shard.txt back to its name (the caller frees it); NULL when
 * it is not something sb_field() writes. */
static char *
field_name(const char *field)
{
    struct strbuf sb = { 0 };
    bool bad = *field == '\0';

    for (const char *p = field; !bad && *p; p++) {
        unsigned char c = (unsigned char)*p;
        unsigned v = 0;

        if (c <= ' ' || c == 0x7f) {
            bad = true;
        } else if (c == '%') {
            /* isxdigit(p[1]) fails on the NUL, so p + 2 stays in the string */
            bad = !isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]) ||
                  sscanf(p + 1, "%2x", &v) != 1 || v == 0;
            c = (unsigned char)v;
            p += bad ? 0 : 2;
        }
        if (!bad)
            sb_add(&sb, (const char *)&c, 1);
    }
    if (bad) {
        sb_free(&sb);
        return NULL;
    }
    return sb_take(&sb);
}

/* The whole of a regular file of at most FEEDBACK_MAX bytes (*len of them;
 * it may hold NULs), or NULL: missing, unreadable, not a regular file (a
 * FIFO is never opened), or larger. The caller frees it. */
static char *
read_whole(const char *path, size_t *len)
{
    struct stat st;
    bool truncated;
    char *text;

    if (stat(path, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > FEEDBACK_MAX)
        return NULL;
    text = read_file_tail(path, (size_t)st.st_size + 1, len, &truncated);
    if (text != NULL && truncated) {    /* it grew meanwhile: not the file we sized */
        free(text);
        return NULL;
    }
    return text;
}

/* A file's checksum; false when read_whole() cannot read it. */
static bool
file_checksum(const char *path, unsigned long long *sum)
{
    size_t len;
    char *text = read_whole(path, &len);

    if (text == NULL)
        return false;
    *sum = fnv1a64(FNV1A64_INIT, text, len);
    free(text);
    return true;
}

/* h extended with s and its NUL, which ends it unambiguously. */
static unsigned long long
hash_str(unsigned long long h, const char *s)
{
    return fnv1a64(h, s, strlen(s) + 1);
}

/* What of an exercise the outputs show: its id, title, and each test's id,
 * name, points and visibility. Shards graded by graders whose tables differ
 * here (another version, the students' handout) would not merge into what
 * one grader writes. */
static unsigned long long
exercise_signature(const struct exercise *ex)
{
    unsigned long long h = hash_str(hash_str(FNV1A64_INIT, ex->id), ex->title);

    for (size_t t = 0; t < ex->ntests; t++) {
        const struct test_def *d = &ex->tests[t];
        char points[64];

        snprintf(points, sizeof points, "%g", d->points);
        h = hash_str(hash_str(hash_str(h, d->id), d->name), points);
        h = hash_str(h, test_is_visible(d) ? "visible" : d->visibility);
    }
    return h;
}

static int
compare_dirents(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* The files grading reads from a submission: *.c and *.h. */
static int
is_source(const struct dirent *de)
{
    size_t n = strlen(de->d_name);

    return n > 2 && (strcmp(de->d_name + n - 2, ".c") == 0 ||
                     strcmp(de->d_name + n - 2, ".h") == 0);
}

/* h extended with one submission folder: each source's name and bytes, in
 * name order (strcmp: not the locale's, nor the order the OS lists them).
 * A missing folder, and a source that is not a readable regular file (which
 * grading refuses), count as such. */
static unsigned long long
hash_submission(unsigned long long h, const char *dir)
{
    struct dirent **list;
    int n = scandir(dir, &list, is_source, compare_dirents);

    if (n < 0)
        return hash_str(h, "(no folder)");
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX + 256], size[32];
        struct stat st;
        size_t len = 0;
        char *text = NULL;

        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
            text = read_whole(path, &len);
        snprintf(size, sizeof size, text ? "%zu" : "(not a file)", len);
        h = hash_str(hash_str(h, list[i]->d_name), size);
        if (text)
            h = fnv1a64(h, text, len);
        free(text);
        free(list[i]);
    }
    free(list);
    return h;
}

/* The class as the shards see it: every student's name, and every pair's
 * sources. Each machine of a sharded run computes it over the whole class,
 * so shards of different classes, or of one class before and after a
 * change, do not merge. */
static unsigned long long
class_fingerprint(const struct batch *b)
{
    unsigned long long h = FNV1A64_INIT;

    for (size_t s = 0; s < b->nstudents; s++) {
        for (size_t e = 0; e < b->nexercises; e++) {
            char dir[PATH_MAX];

            snprintf(dir, sizeof dir, "%s/%s/%s", b->opt->class_dir, b->students[s],
                     exercises[e]->id);
            h = hash_submission(hash_str(hash_str(h, b->students[s]), exercises[e]->id), dir);
        }
    }
    return h;
}

/* OUT/shard.txt for this shard's pairs, written atomically and last: its
 * presence says the shard finished. 0, or -1 with errno. */
static int
write_shard_file(const struct batch *b)
{
    struct strbuf sb = { 0 };
    char path[PATH_MAX];
    size_t npairs = 0;
    int rc;

    sb_addf(&sb, SHARD_MAGIC "\nshard %d %d\nclass %016llx %zu %zu\n", b->opt->shard,
            b->opt->nshards, class_fingerprint(b), b->nstudents, b->nexercises);
    for (size_t e = 0; e < b->nexercises; e++) {
        sb_adds(&sb, "exercise ");
        sb_field(&sb, exercises[e]->id);
        sb_addf(&sb, " %016llx\n", exercise_signature(exercises[e]));
    }
    for (size_t s = 0; s < b->nstudents; s++) {
        sb_adds(&sb, "student ");
        sb_field(&sb, b->students[s]);
        sb_adds(&sb, "\n");
    }
    for (size_t i = 0; i < b->nstudents * b->nexercises; i++) {
        const struct pair *p = &b->pairs[i];

        if (!in_shard(b, p))
            continue;
        sb_adds(&sb, "pair ");
        sb_field(&sb, b->students[p->student]);
        sb_adds(&sb, " ");
        sb_field(&sb, exercises[p->exercise]->id);
        for (size_t x = 0; x < NEXTS; x++) {
            unsigned long long sum;

            pair_path(b, b->out_dir, p, pair_exts[x], path, sizeof path);
            if (file_checksum(path, &sum))
                sb_addf(&sb, " %016llx", sum);
            else
                sb_adds(&sb, " -");
        }
        sb_adds(&sb, "\n");
        npairs++;
    }
    sb_addf(&sb, "end %zu\n", npairs);
    snprintf(path, sizeof path, "%s/" SHARD_FILE, b->out_dir);
    rc = write_file_atomically(path, sb_str(&sb));
    sb_free(&sb);
    return rc;
}

/* Before a shard is graded into OUT. A folder holds one shard: refuse
 * OUT when its shard.txt is another shard's (that shard's files would stay
 * but be listed nowhere, and the merge would find it missing). Then remove
 * shard.txt, so that a run stopped half-way leaves a folder the merge
 * refuses as unfinished, not a list of files that have changed since.
 * 0, or 2 with a one-line reason. */
static int
claim_shard_folder(const struct batch_options *opt)
{
    char path[PATH_MAX], *text, *dir;
    int k, n, rc = 0;

    snprintf(path, sizeof path, "%s/" SHARD_FILE, opt->out_dir);
    text = read_file_tail(path, 4096, NULL, NULL);
    dir = shown_path(opt->out_dir);
    if (text != NULL && sscanf(text, SHARD_MAGIC " shard %d %d", &k, &n) == 2 &&
        (k != opt->shard || n != opt->nshards)) {
        fprintf(stderr, "ipcgrade: %s holds shard %d/%d already: give each shard a folder "
                "of its own\n", dir, k, n);
        rc = 2;
    } else if (unlink(path) == -1 && errno != ENOENT) {
        fprintf(stderr, "ipcgrade: %s/" SHARD_FILE ": %s\n", dir, strerror(errno));
        rc = 2;
    }
    free(text);
    free(dir);
    return rc;
}

static void
batch_free(struct batch *b, bool own_students)
{
    for (size_t i = 0; b->pairs && i < b->nstudents * b->nexercises; i++)
        free(b->pairs[i].failed);
    for (size_t s = 0; own_students && s < b->nstudents; s++)
        free(b->students[s]);
    if (own_students)
        free(b->students);
    free(b->pairs);
}

int
batch_run(const struct batch_options *opt)
{
    struct batch b = { .opt = opt, .out_dir = opt->out_dir };
    size_t npairs = 0;
    int rc = 0;

    if (list_students(&b) == -1) {
        fprintf(stderr, "ipcgrade: %s: %s\n", opt->class_dir, strerror(errno));
        return 2;
    }
    if (b.nstudents == 0) {
        fprintf(stderr, "ipcgrade: %s has no student folders\n", opt->class_dir);
        batch_free(&b, true);
        return 2;
    }
    if (mkdir_p(opt->out_dir, 0755) == -1) {
        fprintf(stderr, "ipcgrade: %s: %s\n", opt->out_dir, strerror(errno));
        batch_free(&b, true);
        return 2;
    }
    if (opt->nshards > 0 && claim_shard_folder(opt) != 0) {
        batch_free(&b, true);
        return 2;
    }
    while (exercises[b.nexercises])
        b.nexercises++;
    b.pairs = xcalloc(b.nstudents * b.nexercises, sizeof *b.pairs);
    for (size_t s = 0; s < b.nstudents; s++) {
        char dir[PATH_MAX];

        snprintf(dir, sizeof dir, "%s/%s", opt->out_dir, b.students[s]);
        mkdir(dir, 0755);
        for (size_t e = 0; e < b.nexercises; e++) {
            b.pairs[s * b.nexercises + e] = (struct pair){ .student = s, .exercise = e };
            npairs += in_shard(&b, &b.pairs[s * b.nexercises + e]);
        }
    }
    grade_all(&b);
    if (opt->nshards == 0) {
        rc = write_overviews(&b);
        if (rc == 0)
            printf("graded %zu students x %zu exercises: %s/grades.csv, %s/report.html\n",
                   b.nstudents, b.nexercises, opt->out_dir, opt->out_dir);
    } else if (write_shard_file(&b) == -1) {
        fprintf(stderr, "ipcgrade: %s/" SHARD_FILE ": %s\n", opt->out_dir, strerror(errno));
        rc = 2;
    } else {
        printf("graded shard %d/%d (%zu of the %zu students x %zu exercises): %s/" SHARD_FILE
               "; merge every shard's folder with ipcgrade merge -o OUT DIR...\n", opt->shard,
               opt->nshards, npairs, b.nstudents, b.nexercises, opt->out_dir);
    }
    batch_free(&b, true);
    return rc;
}

/* ---- merging shards ---- */

struct shard_pair {
    size_t student, exercise;
    bool has[NEXTS];                    /* the file was there when the shard ended */
    unsigned long long sum[NEXTS];
};

/* One shard's folder, as its shard.txt describes it. */
struct shard {
    const char *dir;
    char *shown;                        /* dir as a message shows it */
    int k, n;
    unsigned long long fingerprint;
    char **students;                    /* sorted */
    size_t nstudents, npairs;
    struct shard_pair *pairs;
};

/* "DIR/shard.txt is damaged (line N: what)" for the caller to free. */
__attribute__((format(printf, 3, 4))) static char *
damaged(const struct shard *sh, int line, const char *fmt, ...)
{
    va_list ap;
    char *what, *s;

    va_start(ap, fmt);
    what = xvasprintf(fmt, ap);
    va_end(ap);
    s = xasprintf("%s/" SHARD_FILE " is damaged (line %d: %s)", sh->shown, line, what);
    free(what);
    return s;
}

/* A checksum field: 16 hex digits, or "-" for no file. */
static bool
parse_sum(const char *field, bool *has, unsigned long long *sum)
{
    char *end;

    *has = strcmp(field, "-") != 0;
    if (!*has)
        return true;
    if (strlen(field) != 16 || strspn(field, "0123456789abcdef") != 16)
        return false;
    *sum = strtoull(field, &end, 16);
    return *end == '\0';
}

static size_t
exercise_index(const char *id, size_t nexercises)
{
    for (size_t e = 0; e < nexercises; e++)
        if (strcmp(exercises[e]->id, id) == 0)
            return e;
    return nexercises;
}

/* One "pair NAME ID SUMMARY JSON TXT" line (split into its 6 fields) into
 * sh->pairs, checked: a student and exercise of the class, of this shard,
 * listed once (seen[] marks them). NULL, or what is wrong. */
static char *
parse_pair(struct shard *sh, char **f, size_t nexercises, bool *seen, int line)
{
    struct shard_pair *p = &sh->pairs[sh->npairs];
    char *name = field_name(f[1]), **found = NULL;

    if (name != NULL)
        found = bsearch(&name, sh->students, sh->nstudents, sizeof *sh->students,
                        compare_names);
    free(name);
    if (found == NULL)
        return damaged(sh, line, "a pair of no student it lists");
    p->student = (size_t)(found - sh->students);
    p->exercise = exercise_index(f[2], nexercises);
    if (p->exercise == nexercises)
        return damaged(sh, line, "a pair of no exercise it lists");
    if (batch_shard_of(p->student, p->exercise, sh->n) != sh->k)
        return damaged(sh, line, "a pair of shard %d, not of %d",
                       batch_shard_of(p->student, p->exercise, sh->n), sh->k);
    if (seen[p->student * nexercises + p->exercise])
        return damaged(sh, line, "a pair listed twice");
    seen[p->student * nexercises + p->exercise] = true;
    for (size_t x = 0; x < NEXTS; x++)
        if (!parse_sum(f[3 + x], &p->has[x], &p->sum[x]))
            return damaged(sh, line, "not a checksum");
    sh->npairs++;
    return NULL;
}

/* Split line at single spaces into at most max fields; the count. */
static size_t
split_fields(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *field;

    while (n < max + 1 && (field = strsep(&line, " ")) != NULL)
        f[n++] = field;
    return line ? max + 1 : n;      /* more than max: too many */
}

/* Read dir/shard.txt into *sh, checked line by line against the format and
 * against this grader's exercises. NULL, or the one-line reason. */
static char *
parse_shard(struct shard *sh, size_t nexercises)
{
    char path[PATH_MAX], *text, *rest, *line, *f[8], *why = NULL;
    size_t len, nf, npairs = 0, expected = 0, nst = 0, nex = 0;
    unsigned long long sig;
    bool *seen = NULL, ended = false;
    int at = 0, used = -1;

    snprintf(path, sizeof path, "%s/" SHARD_FILE, sh->dir);
    text = read_whole(path, &len);
    if (text == NULL) {
        struct stat st;

        return stat(sh->dir, &st) == -1 || !S_ISDIR(st.st_mode)
            ? xasprintf("%s: no such folder", sh->shown)
            : xasprintf("%s has no readable " SHARD_FILE ": it is not the folder of a "
                        "finished batch --shard", sh->shown);
    }
    rest = text;
    if (strlen(text) != len)
        why = damaged(sh, 1, "a NUL byte");
    while (why == NULL && !ended && (line = strsep(&rest, "\n")) != NULL) {
        if (rest == NULL && *line == '\0')
            break;                      /* what follows the last newline */
        at++;
        if (at == 1) {
            if (strcmp(line, SHARD_MAGIC) != 0)
                why = damaged(sh, at, "not \"" SHARD_MAGIC "\"");
        } else if (at == 2) {
            if (sscanf(line, "shard %d %d%n", &sh->k, &sh->n, &used) != 2 ||
                line[used] != '\0' || sh->n < 1 || sh->k < 1 || sh->k > sh->n)
                why = damaged(sh, at, "not \"shard K N\"");
        } else if (at == 3) {
            if (sscanf(line, "class %16llx %zu %zu%n", &sh->fingerprint, &nst, &nex,
                       &used) != 3 || line[used] != '\0' || nst == 0 || nst > 1000000)
                why = damaged(sh, at, "not \"class FINGERPRINT STUDENTS EXERCISES\"");
            else if (nex != nexercises)
                why = xasprintf("%s was graded with %zu exercises, this grader has %zu: "
                                "merge with the grader that graded the shards", sh->shown,
                                nex, nexercises);
            else
                seen = xcalloc(nst * nex, sizeof *seen);
        } else if ((size_t)at < 4 + nex) {
            const struct exercise *ex = exercises[at - 4];

            if (split_fields(line, f, 3) != 3 || strcmp(f[0], "exercise") != 0 ||
                sscanf(f[2], "%16llx", &sig) != 1)
                why = damaged(sh, at, "not \"exercise ID SIGNATURE\"");
            else if (strcmp(f[1], ex->id) != 0 || sig != exercise_signature(ex))
                why = xasprintf("%s was graded with other exercises than this grader's "
                                "(%s differs): merge with the grader that graded the "
                                "shards", sh->shown, ex->id);
        } else if ((size_t)at < 4 + nex + nst) {
            char *name;

            if (split_fields(line, f, 2) != 2 || strcmp(f[0], "student") != 0 ||
                (name = field_name(f[1])) == NULL) {
                why = damaged(sh, at, "not \"student NAME\"");
                continue;
            }
            sh->students = xrealloc(sh->students, (sh->nstudents + 1) * sizeof *sh->students);
            sh->students[sh->nstudents++] = name;
            if (sh->nstudents > 1 && strcmp(sh->students[sh->nstudents - 2], name) >= 0)
                why = damaged(sh, at, "the students are not in order");
        } else if ((nf = split_fields(line, f, 6)) == 2 && strcmp(f[0], "end") == 0) {
            if (sscanf(f[1], "%zu%n", &npairs, &used) != 1 || f[1][used] != '\0' ||
                npairs != sh->npairs)
                why = damaged(sh, at, "the end says %s pairs, %zu are listed", f[1],
                              sh->npairs);
            ended = true;
        } else if (nf == 6 && strcmp(f[0], "pair") == 0) {
            if (sh->npairs >= nst * nex)
                why = damaged(sh, at, "more pairs than the class has");
            else {
                if (sh->pairs == NULL)
                    sh->pairs = xcalloc(nst * nex, sizeof *sh->pairs);
                why = parse_pair(sh, f, nexercises, seen, at);
            }
        } else {
            why = damaged(sh, at, "not \"pair ...\" nor \"end N\"");
        }
    }
    if (why == NULL && !ended)
        why = damaged(sh, at, "it ends before its \"end\" line (cut short?)");
    if (why == NULL && rest != NULL && *rest != '\0')
        why = damaged(sh, at + 1, "text after the \"end\" line");
    for (size_t s = 0; why == NULL && s < nst; s++)
        for (size_t e = 0; e < nex; e++)
            expected += batch_shard_of(s, e, sh->n) == sh->k;
    if (why == NULL && expected != sh->npairs)
        why = damaged(sh, at, "%zu pairs where shard %d/%d has %zu", sh->npairs, sh->k,
                      sh->n, expected);
    free(seen);
    free(text);
    return why;
}

/* Whether two shards are of one class: the same students, the same sources. */
static char *
same_class(const struct shard *a, const struct shard *b)
{
    bool students = a->nstudents == b->nstudents;

    for (size_t s = 0; students && s < a->nstudents; s++)
        students = strcmp(a->students[s], b->students[s]) == 0;
    if (a->n != b->n)
        return xasprintf("%s is shard %d/%d but %s is shard %d/%d: merge the shards of one "
                         "split", a->shown, a->k, a->n, b->shown, b->k, b->n);
    if (!students)
        return xasprintf("%s and %s are shards of different classes (their students "
                         "differ)", a->shown, b->shown);
    if (a->fingerprint != b->fingerprint)
        return xasprintf("%s and %s are shards of different classes (their submissions "
                         "differ: was one graded after a change?)", a->shown, b->shown);
    return NULL;
}

/* Every shard of 1..N given once. NULL, or which is given twice or
 * missing (with how many pairs it holds and one of them). */
static char *
all_shards_once(const struct shard *sh, size_t nsh, size_t nexercises)
{
    int n = sh[0].n, nmissing = 0, first = 0;
    const struct shard **owner = xcalloc((size_t)n + 1, sizeof *owner);
    struct strbuf list = { 0 };
    size_t pairs = 0, example = 0;
    char *why = NULL;

    for (size_t i = 0; i < nsh && why == NULL; i++) {
        if (owner[sh[i].k] != NULL)
            why = xasprintf("%s and %s are both shard %d/%d: give each shard once",
                            owner[sh[i].k]->shown, sh[i].shown, sh[i].k, n);
        owner[sh[i].k] = &sh[i];
    }
    for (int k = 1; k <= n && why == NULL; k++) {
        if (owner[k] != NULL)
            continue;
        if (nmissing < 5)
            sb_addf(&list, "%s%d/%d", nmissing ? ", " : "", k, n);
        else if (nmissing == 5)
            sb_adds(&list, ", ...");
        first = first ? first : k;
        nmissing++;
    }
    for (size_t i = 0; nmissing && i < sh[0].nstudents * nexercises; i++) {
        if (owner[batch_shard_of(i / nexercises, i % nexercises, n)] == NULL &&
            pairs++ == 0)
            example = i;
    }
    if (nmissing > 0) {
        char *name = shown_path(sh[0].students[example / nexercises]);

        why = pairs == 0
            ? xasprintf("shard%s %s %s missing (no pairs, but merge needs every shard)",
                        nmissing > 1 ? "s" : "", sb_str(&list), nmissing > 1 ? "are" : "is")
            : xasprintf("shard%s %s %s missing (%zu pairs, e.g. %s/%s): merge needs "
                        "every shard's folder", nmissing > 1 ? "s" : "", sb_str(&list),
                        nmissing > 1 ? "are" : "is", pairs, name,
                        exercises[example % nexercises]->id);
        free(name);
    }
    sb_free(&list);
    free(owner);
    return why;
}

/* The pair's file with extension pair_exts[x] in the shard's folder, read
 * and checked against its checksum: the bytes (the caller frees them), or
 * NULL with *why. */
static char *
read_checked(const struct batch *b, const struct shard *sh, const struct shard_pair *sp,
             size_t x, size_t *len, char **why)
{
    struct pair p = { .student = sp->student, .exercise = sp->exercise };
    char path[PATH_MAX], *text, *shown;

    pair_path(b, sh->dir, &p, pair_exts[x], path, sizeof path);
    text = read_whole(path, len);
    if (text != NULL && fnv1a64(FNV1A64_INIT, text, *len) == sp->sum[x])
        return text;
    shown = shown_path(path);
    *why = xasprintf(text ? "%s is damaged (it is not what %s/" SHARD_FILE " recorded)"
                          : "%s is missing or unreadable (%s/" SHARD_FILE " lists it)",
                     shown, sh->shown);
    free(shown);
    free(text);
    return NULL;
}

/* Copy every shard's files into b->out_dir (each atomically) and read the
 * summaries from there, as one run reads its own. NULL, or the reason. */
static char *
copy_shards(struct batch *b, const struct shard *sh, size_t nsh)
{
    char path[PATH_MAX];

    if (mkdir_p(b->out_dir, 0755) == -1)
        return xasprintf("%s: %s", b->out_dir, strerror(errno));
    for (size_t s = 0; s < b->nstudents; s++) {
        snprintf(path, sizeof path, "%s/%s", b->out_dir, b->students[s]);
        if (mkdir(path, 0755) == -1 && errno != EEXIST)
            return xasprintf("%s: %s", path, strerror(errno));
    }
    for (size_t i = 0; i < nsh; i++) {
        for (size_t j = 0; j < sh[i].npairs; j++) {
            const struct shard_pair *sp = &sh[i].pairs[j];
            struct pair *p = &b->pairs[sp->student * b->nexercises + sp->exercise];

            for (size_t x = 0; x < NEXTS; x++) {
                char *why = NULL, *text;
                size_t len;

                if (!sp->has[x])
                    continue;
                /* checked again: the folder may have changed since the first check */
                if ((text = read_checked(b, &sh[i], sp, x, &len, &why)) == NULL)
                    return why;
                pair_path(b, b->out_dir, p, pair_exts[x], path, sizeof path);
                if (write_data_atomically(path, text, len) == -1) {
                    free(text);
                    return xasprintf("%s: %s", path, strerror(errno));
                }
                free(text);
            }
            if (!sp->has[0] || !read_summary(b, p))
                mark_stopped(p);
        }
    }
    return NULL;
}

int
batch_merge(const struct merge_options *opt)
{
    size_t nsh = opt->nshard_dirs, nexercises = 0;
    struct shard *sh = xcalloc(nsh, sizeof *sh);
    struct batch b = { .out_dir = opt->out_dir };
    char *why = NULL;

    while (exercises[nexercises])
        nexercises++;
    for (size_t i = 0; i < nsh && why == NULL; i++) {
        sh[i].dir = opt->shard_dirs[i];
        sh[i].shown = shown_path(sh[i].dir);
        why = parse_shard(&sh[i], nexercises);
    }
    for (size_t i = 1; i < nsh && why == NULL; i++)
        why = same_class(&sh[0], &sh[i]);
    if (why == NULL)
        why = all_shards_once(sh, nsh, nexercises);
    if (why == NULL) {
        b.students = sh[0].students;
        b.nstudents = sh[0].nstudents;
        b.nexercises = nexercises;
        b.pairs = xcalloc(b.nstudents * nexercises, sizeof *b.pairs);
        for (size_t i = 0; i < b.nstudents * nexercises; i++)
            b.pairs[i] = (struct pair){ .student = i / nexercises, .exercise = i % nexercises };
    }
    /* Every file checked before anything is written: a refused merge leaves
     * OUT as it was. */
    for (size_t i = 0; i < nsh && why == NULL; i++) {
        for (size_t j = 0; j < sh[i].npairs && why == NULL; j++) {
            for (size_t x = 0; x < NEXTS && why == NULL; x++) {
                size_t len;

                if (sh[i].pairs[j].has[x])
                    free(read_checked(&b, &sh[i], &sh[i].pairs[j], x, &len, &why));
            }
        }
    }
    if (why == NULL)
        why = copy_shards(&b, sh, nsh);
    if (why == NULL && write_overviews(&b) != 0)
        why = xstrdup("");              /* write_overviews() has said why */
    if (why == NULL)
        printf("merged %zu shards: %zu students x %zu exercises: %s/grades.csv, "
               "%s/report.html\n", nsh, b.nstudents, b.nexercises, opt->out_dir,
               opt->out_dir);
    else if (*why)
        fprintf(stderr, "ipcgrade: %s\n", why);
    batch_free(&b, false);
    for (size_t i = 0; i < nsh; i++) {
        for (size_t s = 0; s < sh[i].nstudents; s++)
            free(sh[i].students[s]);
        free(sh[i].students);
        free(sh[i].pairs);
        free(sh[i].shown);
    }
    free(sh);
    if (why == NULL)
        return 0;
    free(why);
    return 2;
}
