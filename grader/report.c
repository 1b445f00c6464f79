/* report.c: the output formats.
 *   text   for people: one line per test, the failures explained below it;
 *   json   Gradescope's results.json, plus our own fields;
 *   tap    TAP version 13, as prove(1) reads it;
 *   junit  the common JUnit XML (Ant's schema);
 *   autolab       the text report, then Autolab's last line {"scores": {...}};
 *   prairielearn  PrairieLearn's results.json (score 0..1, gradable).
 * Skipped tests (no reference programs in this copy, or a test only a root
 * grading can run) are left out of the scores everywhere; every format
 * says why each was skipped, in the test's own words. */
#define _GNU_SOURCE
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const struct { const char *name; enum report_format fmt; } formats[] = {
    { "text", FORMAT_TEXT }, { "json", FORMAT_JSON }, { "tap", FORMAT_TAP },
    { "junit", FORMAT_JUNIT }, { "autolab", FORMAT_AUTOLAB },
    { "prairielearn", FORMAT_PRAIRIELEARN },
};

int
report_format_parse(const char *name, enum report_format *fmt)
{
    for (size_t i = 0; i < ARRAY_LEN(formats); i++) {
        if (strcmp(formats[i].name, name) == 0) {
            *fmt = formats[i].fmt;
            return 0;
        }
    }
    return -1;
}

static const char *
def_visibility(const struct test_def *def)
{
    return def->visibility ? def->visibility : "visible";
}

static const char *
visibility(const struct test_outcome *t)
{
    return def_visibility(t->def);
}

/* The hint, with the section of the chapter it sends the student to. */
static void
hint_text(const struct exercise *ex, const struct test_def *def, struct strbuf *sb)
{
    if (def->hint)
        sb_adds(sb, def->hint);
    if (def->section)
        sb_addf(sb, "%sSee %s, \"%s\".", def->hint ? " " : "", ex->chapter, def->section);
}

void
report_test_output(const struct exercise *ex, const struct test_outcome *t,
                   struct strbuf *sb)
{
    if (t->outcome == OUTCOME_PASS) {
        sb_adds(sb, "Passed.\n");
        return;
    }
    if (t->outcome == OUTCOME_ERROR) {
        sb_addf(sb, "The grader could not run this test, so it costs you no points: %s\n"
                    "This is not about your code. Instructors: grader/README.md, \"When the "
                    "grader cannot grade\", says what to check.\n",
                t->message ? t->message : "it failed without saying why.");
        return;
    }
    if (t->message) {
        sb_adds(sb, t->message);
        if (t->message[0] && t->message[strlen(t->message) - 1] != '\n')
            sb_adds(sb, "\n");
    }
    if (t->leftovers && !t->message)
        sb_adds(sb, t->leftovers);
    if (t->details) {
        sb_adds(sb, "What the grader ran:\n");
        sb_adds(sb, t->details);
    }
    if (t->reproduce) {
        sb_adds(sb, "To see it yourself, paste this into a shell in your exercise folder, "
                    "after make:\n");
        sb_indent(sb, t->reproduce, "  ");
    }
    if (t->outcome == OUTCOME_FAIL && (t->def->hint || t->def->section)) {
        sb_adds(sb, "Hint: ");
        hint_text(ex, t->def, sb);
        sb_adds(sb, "\n");
    }
}

/* ---- text ---- */

struct palette {
    const char *ok, *bad, *dim, *bold, *off;
};

static void
text_compiler(FILE *out, const struct grade_result *res, const struct palette *c)
{
    const char *log = res->compiler_output ? res->compiler_output : "";
    int lines = 0;

    if (res->not_graded || res->grader_fault) {
        fprintf(out, "\n%sNot graded: %s%s\n", c->bad,
                res->not_graded ? res->not_graded : res->grader_fault, c->off);
        return;
    }
    if (!*log)
        return;
    fprintf(out, "\n%s%s%s\n", res->compiled ? c->bold : c->bad,
            res->compiled ? "The compiler has warnings (worth fixing: they often point at "
                            "real bugs):"
                          : "Your program does not compile. The compiler says:",
            c->off);
    for (const char *p = log; *p && lines < 25; lines++) {
        size_t n = strcspn(p, "\n");

        fprintf(out, "  %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
    if (lines == 25)
        fprintf(out, "  ... (fix the first errors first: later ones often follow from them)\n");
}

const char *
sandbox_walls(const struct grade_result *res)
{
    return res->sandbox_full
        ? "each test in new IPC, network and mount namespaces, each run in a new PID "
          "namespace with its own /proc and /tmp; a uid per test, Landlock where the kernel "
          "has it, a seccomp filter, limits on CPU, processes, files and memory"
        : "container mode: tests one at a time in the machine's IPC namespace, each seeing "
          "only the objects it made; a uid per test (as root), each run's init a subreaper "
          "that ends all it started, and after each test its uid's processes, objects and "
          "files in /tmp are removed; Landlock where the kernel and the container allow it, "
          "a seccomp filter, limits on CPU, processes, file size, memory and the folder's "
          "size (checked 20 times a second). Not defended: the programs see the machine's "
          "processes and network";
}

/* Is t a visible test skipped for this reason? */
static bool
skipped_for(const struct test_outcome *t, const char *reason)
{
    return t->outcome == OUTCOME_SKIP && test_is_visible(t->def) &&
           strcmp(t->message, reason) == 0;
}

/* Each reason a visible test was skipped, once, after the numbers of the
 * tests it kept from running ("  2, 3, 6: This test pairs ..."). */
static void
text_skip_reasons(FILE *out, const struct grade_result *res)
{
    for (size_t i = 0; i < res->ntests; i++) {
        const struct test_outcome *t = &res->tests[i];
        size_t first = 0;

        if (t->outcome != OUTCOME_SKIP || !test_is_visible(t->def))
            continue;
        while (!skipped_for(&res->tests[first], t->message))
            first++;
        if (first < i)
            continue;           /* said with the first test it skipped */
        fprintf(out, "  %d", t->number);
        for (size_t k = i + 1; k < res->ntests; k++)
            if (skipped_for(&res->tests[k], t->message))
                fprintf(out, ", %d", res->tests[k].number);
        fprintf(out, ": %s\n", t->message);
    }
}

static void
text_report(FILE *out, const struct grade_result *res, bool color)
{
    static const struct palette on = { "\033[32m", "\033[31m", "\033[2m", "\033[1m", "\033[0m" };
    static const struct palette off = { "", "", "", "", "" };
    static const char *const label[] = {
        [OUTCOME_FAIL] = "FAIL", [OUTCOME_PASS] = "PASS", [OUTCOME_SKIP] = "SKIP",
        [OUTCOME_ERROR] = "ERROR",
    };
    const struct palette *c = color ? &on : &off;
    int failed = 0, skipped = 0, errored = 0, hidden = 0, width = 20;
    double hidden_score = 0, hidden_max = 0;
    char *dir = shown_path(res->source_dir);

    fprintf(out, "%s%s%s: %s  (%s)\n", c->bold, res->ex->id, c->off, res->ex->title, dir);
    free(dir);
    if (res->memory_bound && !res->sandbox_full)
        fprintf(out, "%sGraded in container mode (%s): tests ran one at a time.%s\n", c->dim,
                res->sandbox_why, c->off);
    text_compiler(out, res, c);
    fprintf(out, "\n");
    for (size_t i = 0; i < res->ntests; i++)        /* the points line up */
        if ((int)strlen(res->tests[i].def->name) > width)
            width = (int)strlen(res->tests[i].def->name);
    for (size_t i = 0; i < res->ntests; i++) {
        const struct test_outcome *t = &res->tests[i];
        const char *color_of = t->outcome == OUTCOME_PASS ? c->ok
                             : t->outcome == OUTCOME_FAIL ? c->bad : c->dim;

        if (!test_is_visible(t->def)) {     /* a count, not a list */
            hidden++;
            hidden_score += t->score;
            hidden_max += t->max_score;
            failed += t->outcome == OUTCOME_FAIL;
            errored += t->outcome == OUTCOME_ERROR;
            continue;
        }
        skipped += t->outcome == OUTCOME_SKIP;
        errored += t->outcome == OUTCOME_ERROR;
        failed += t->outcome == OUTCOME_FAIL;
        fprintf(out, "  %s%-5s%s %2d. %-*s ", color_of, label[t->outcome], c->off, t->number,
                width, t->def->name);
        if (t->outcome == OUTCOME_SKIP)
            fprintf(out, "(skipped, see below)\n");
        else if (t->outcome == OUTCOME_ERROR)
            fprintf(out, "(not graded)\n");
        else
            fprintf(out, "%4g/%g\n", t->score, t->max_score);
    }
    if (hidden)
        fprintf(out, "  %s+ %d hidden test%s%s, %g/%g points: your instructor sees what they "
                "check\n", c->dim, hidden, hidden == 1 ? "" : "s", c->off, hidden_score,
                hidden_max);
    for (size_t i = 0; i < res->ntests; i++) {
        const struct test_outcome *t = &res->tests[i];
        struct strbuf sb = { 0 }, ind = { 0 };

        if (t->outcome == OUTCOME_PASS || t->outcome == OUTCOME_SKIP || !res->compiled ||
            !test_is_visible(t->def))
            continue;
        report_test_output(res->ex, t, &sb);
        fprintf(out, "\n%s%d. %s%s\n", t->outcome == OUTCOME_FAIL ? c->bad : c->bold,
                t->number, t->def->name, c->off);
        sb_indent(&ind, sb_str(&sb), "   ");
        fputs(sb_str(&ind), out);
        sb_free(&ind);
        sb_free(&sb);
    }
    if (skipped)
        fprintf(out, "\n%d test%s skipped, no points either way:\n", skipped,
                skipped == 1 ? "" : "s");
    text_skip_reasons(out, res);
    if (errored)
        fprintf(out, "\n%s%d test%s could not be graded here%s (the grader's fault, not "
                "yours: %s no points).\n", c->bold, errored, errored == 1 ? "" : "s", c->off,
                errored == 1 ? "it costs" : "they cost");
    fprintf(out, "\n%sScore: %g/%g%s", c->bold, res->score, res->max_score, c->off);
    if (failed == 0 && errored == 0)
        fprintf(out, "  %sAll tests pass. Well done!%s\n", c->ok, c->off);
    else if (failed == 0)
        fprintf(out, "  (every test that ran passed)\n");
    else
        fprintf(out, "  (%d test%s to fix; read %s)\n", failed, failed == 1 ? "" : "s",
                res->ex->chapter);
}

/* ---- json ---- */

static const char *const outcome_name[] = {
    [OUTCOME_FAIL] = "failed", [OUTCOME_PASS] = "passed", [OUTCOME_SKIP] = "skipped",
    [OUTCOME_ERROR] = "error",
};

size_t
report_errors(const struct grade_result *res)
{
    size_t n = 0;

    for (size_t i = 0; i < res->ntests; i++)
        n += res->tests[i].outcome == OUTCOME_ERROR;
    return n;
}

static void
json_field(struct strbuf *sb, const char *name, const char *value, bool comma)
{
    sb_json_str(sb, name);
    sb_adds(sb, ": ");
    if (value)
        sb_json_str(sb, value);
    else
        sb_adds(sb, "null");
    if (comma)
        sb_adds(sb, ", ");
}

/* "name": ["one entry per non-empty line of text", ...] */
static void
json_lines(struct strbuf *sb, const char *name, const char *text)
{
    bool first = true;

    sb_json_str(sb, name);
    sb_adds(sb, ": [");
    for (const char *p = text; p && *p;) {
        size_t n = strcspn(p, "\n");
        char *line = strndup(p, n);

        if (*line) {            /* "- finding" lines lose their dash */
            sb_adds(sb, first ? "" : ", ");
            sb_json_str(sb, line[0] == '-' && line[1] == ' ' ? line + 2 : line);
            first = false;
        }
        free(line);
        p += n + (p[n] == '\n');
    }
    sb_adds(sb, "]");
}

/* , "runs": [{"program": ..., "reference": false, "cpu_seconds": 0.004,
 * "peak_memory_kib": 1536, "total_memory_kib": 2048, "limit": null}, ...] from the test's run
 * records; nothing when it ran no program (an optional field). */
static void
json_runs(struct strbuf *sb, const char *records)
{
    bool first = true;

    for (const char *p = records; p && *p;) {
        size_t n = strcspn(p, "\n");
        char prog[64], who[16], limit[16];
        double cpu;
        long kib;
        long long total = -1;
        char *line = strndup(p, n);

        if (line && sscanf(line, "%63s %15s %lf %ld %15s %lld", prog, who, &cpu, &kib, limit,
                           &total) >= 5) {
            sb_adds(sb, first ? ", \"runs\": [{" : ", {");
            json_field(sb, "program", prog, true);
            sb_addf(sb, "\"reference\": %s, \"cpu_seconds\": %.3f, \"peak_memory_kib\": %ld, ",
                    strcmp(who, "reference") == 0 ? "true" : "false", cpu, kib);
            if (total >= 0)
                sb_addf(sb, "\"total_memory_kib\": %lld, ", total);
            json_field(sb, "limit", strcmp(limit, "none") == 0 ? NULL : limit, false);
            sb_adds(sb, "}");
            first = false;
        }
        free(line);
        p += n + (p[n] == '\n');
    }
    if (!first)
        sb_adds(sb, "]");
}

static void
json_report(FILE *out, const struct grade_result *res)
{
    struct strbuf sb = { 0 };

    sb_addf(&sb, "{\"score\": %g, \"max_score\": %g, \"execution_time\": %.3f, ", res->score,
            res->max_score, res->execution_time);
    sb_addf(&sb, "\"errors\": %zu, ", report_errors(res));
    json_field(&sb, "exercise", res->ex->id, true);
    json_field(&sb, "title", res->ex->title, true);
    json_field(&sb, "chapter", res->ex->chapter, true);
    json_field(&sb, "source_dir", res->source_dir, true);
    sb_addf(&sb, "\"compiled\": %s, ", res->compiled ? "true" : "false");
    if (res->memory_bound) {    /* the tests ran: the walls they ran in */
        sb_adds(&sb, "\"sandbox\": {");
        json_field(&sb, "mode", res->sandbox_full ? "full" : "container", true);
        json_field(&sb, "why", res->sandbox_why, true);
        json_field(&sb, "walls", sandbox_walls(res), true);
        sb_addf(&sb, "\"memory_mib\": %u, ", res->memory_mib);
        json_field(&sb, "memory_bound", res->memory_bound, false);
        sb_adds(&sb, "}, ");
    }
    json_field(&sb, "compiler_output", res->compiler_output, true);
    json_field(&sb, "output", res->not_graded ? res->not_graded
                              : res->grader_fault ? res->grader_fault
                              : res->compiled ? NULL : res->compiler_output, true);
    sb_adds(&sb, "\"tests\": [");
    for (size_t i = 0, n = 0; i < res->ntests; i++) {
        const struct test_outcome *t = &res->tests[i];
        struct strbuf text = { 0 }, hint = { 0 };
        char number[16];

        if (t->outcome == OUTCOME_SKIP)
            continue;
        snprintf(number, sizeof number, "%d", t->number);
        report_test_output(res->ex, t, &text);
        sb_adds(&sb, n++ ? ",\n  {" : "\n  {");
        json_field(&sb, "name", t->def->name, true);
        json_field(&sb, "number", number, true);
        sb_addf(&sb, "\"score\": %g, \"max_score\": %g, ", t->score, t->max_score);
        json_field(&sb, "status", t->outcome == OUTCOME_PASS ? "passed" : "failed", true);
        json_field(&sb, "outcome", outcome_name[t->outcome], true);
        json_field(&sb, "output", sb_str(&text), true);
        json_field(&sb, "visibility", visibility(t), true);
        json_field(&sb, "id", t->def->id, true);
        hint_text(res->ex, t->def, &hint);
        json_field(&sb, "hint", hint.len ? sb_str(&hint) : NULL, true);
        json_field(&sb, "section", t->def->section, true);
        json_lines(&sb, "valgrind", t->valgrind);
        sb_adds(&sb, ", ");
        json_lines(&sb, "leftovers", t->leftovers);
        sb_adds(&sb, ", ");
        json_field(&sb, "blocked", t->blocked, true);
        json_lines(&sb, "reproduce", t->reproduce);
        json_runs(&sb, t->runs);
        sb_addf(&sb, ", \"duration\": %.3f}", t->duration);
        sb_free(&text);
        sb_free(&hint);
    }
    sb_adds(&sb, "\n]}\n");
    fputs(sb_str(&sb), out);
    sb_free(&sb);
}

/* ---- tap ---- */

static void
tap_report(FILE *out, const struct grade_result *res)
{
    fprintf(out, "TAP version 13\n1..%zu\n", res->ntests);
    /* TAP numbers 1..N by position: --test or --visible-only keep a subset. */
    if (res->grader_fault) {
        fprintf(out, "# %s was not graded: %s\n", res->ex->id, res->grader_fault);
    } else if (!res->compiled) {
        struct strbuf sb = { 0 };

        sb_indent(&sb, res->compiler_output, "# ");
        fprintf(out, "# %s does not compile:\n%s", res->ex->id, sb_str(&sb));
        sb_free(&sb);
    }
    for (size_t i = 0; i < res->ntests; i++) {
        const struct test_outcome *t = &res->tests[i];

        if (t->outcome == OUTCOME_SKIP) {       /* a directive is one line */
            fprintf(out, "ok %zu - %s: %s # SKIP %.*s\n", i + 1, t->def->id, t->def->name,
                    (int)strcspn(t->message, "\n"), t->message);
            continue;
        }
        if (t->outcome == OUTCOME_ERROR)
            fprintf(out, "not ok %zu - %s: %s (the grader could not run it)\n", i + 1,
                    t->def->id, t->def->name);
        else
            fprintf(out, "%s %zu - %s: %s (%g/%g)\n",
                    t->outcome == OUTCOME_PASS ? "ok" : "not ok", i + 1, t->def->id,
                    t->def->name, t->score, t->max_score);
        if (t->outcome != OUTCOME_PASS) {
            struct strbuf text = { 0 }, ind = { 0 };

            report_test_output(res->ex, t, &text);
            sb_indent(&ind, sb_str(&text), "# ");
            fputs(sb_str(&ind), out);
            sb_free(&text);
            sb_free(&ind);
        }
    }
    fprintf(out, "# score %g/%g\n", res->score, res->max_score);
}

/* ---- junit ---- */

static void
junit_report(FILE *out, const struct grade_result *res)
{
    struct strbuf sb = { 0 };
    char host[256] = "localhost", stamp[32];
    time_t now = time(NULL);
    size_t failures = 0, skipped = 0, errors = report_errors(res);

    gethostname(host, sizeof host - 1);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", gmtime(&now));
    for (size_t i = 0; i < res->ntests; i++) {
        failures += res->tests[i].outcome == OUTCOME_FAIL;
        skipped += res->tests[i].outcome == OUTCOME_SKIP;
    }
    sb_adds(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    sb_adds(&sb, "  <testsuite package=\"ipcgrade\" id=\"0\" name=\"");
    sb_xml_text(&sb, res->ex->id);
    sb_addf(&sb, "\" timestamp=\"%s\" hostname=\"", stamp);
    sb_xml_text(&sb, host);
    sb_addf(&sb, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
                 "time=\"%.3f\">\n    <properties>\n", res->ntests, failures, errors, skipped,
            res->execution_time);
    sb_addf(&sb, "      <property name=\"score\" value=\"%g\"/>\n", res->score);
    sb_addf(&sb, "      <property name=\"max_score\" value=\"%g\"/>\n    </properties>\n",
            res->max_score);
    for (size_t i = 0; i < res->ntests; i++) {
        const struct test_outcome *t = &res->tests[i];

        sb_adds(&sb, "    <testcase name=\"");
        sb_xml_text(&sb, t->def->id);
        sb_adds(&sb, "\" classname=\"ipcgrade.");
        sb_xml_text(&sb, res->ex->id);
        sb_addf(&sb, "\" time=\"%.3f\">", t->duration);
        if (t->outcome == OUTCOME_SKIP) {
            sb_adds(&sb, "\n      <skipped message=\"");
            sb_xml_text(&sb, t->message);
            sb_adds(&sb, "\"/>\n    ");
        } else if (t->outcome != OUTCOME_PASS) {
            const char *tag = t->outcome == OUTCOME_ERROR ? "error" : "failure";
            struct strbuf text = { 0 };

            report_test_output(res->ex, t, &text);
            sb_addf(&sb, "\n      <%s type=\"%s\" message=\"", tag,
                    t->outcome == OUTCOME_ERROR ? "grader" : "failed");
            sb_xml_text(&sb, t->def->name);
            sb_adds(&sb, "\">");
            sb_xml_text(&sb, sb_str(&text));
            sb_addf(&sb, "</%s>\n    ", tag);
            sb_free(&text);
        }
        sb_adds(&sb, "</testcase>\n");
    }
    sb_adds(&sb, "    <system-out>");
    sb_xml_text(&sb, res->compiler_output);
    sb_adds(&sb, "</system-out>\n    <system-err></system-err>\n  </testsuite>\n"
                 "</testsuites>\n");
    fputs(sb_str(&sb), out);
    sb_free(&sb);
}

/* ---- autolab: feedback text, then the scores on the last line ---- */

static void
autolab_report(FILE *out, const struct grade_result *res)
{
    struct strbuf sb = { 0 };
    bool first = true;

    text_report(out, res, false);
    sb_adds(&sb, "{\"scores\": {");
    for (size_t i = 0; i < res->ntests; i++) {
        const struct test_outcome *t = &res->tests[i];

        if (t->outcome == OUTCOME_SKIP || t->outcome == OUTCOME_ERROR)
            continue;
        sb_adds(&sb, first ? "" : ", ");
        sb_json_str(&sb, t->def->id);
        sb_addf(&sb, ": %g", t->score);
        first = false;
    }
    sb_adds(&sb, "}}\n");
    fputs(sb_str(&sb), out);
    sb_free(&sb);
}

/* ---- prairielearn: results.json of an external grader ---- */

static void
prairielearn_report(FILE *out, const struct grade_result *res)
{
    struct strbuf sb = { 0 };
    bool first = true;
    size_t errors = report_errors(res);

    /* Not gradable: PrairieLearn then takes no attempt and no points. A
     * grading in which the grader could not run a test is not the student's
     * attempt either. */
    sb_addf(&sb, "{\"gradable\": %s, \"score\": %.6f, ",
            res->compiled && errors == 0 ? "true" : "false",
            res->max_score > 0 ? res->score / res->max_score : 0.0);
    json_field(&sb, "message", res->grader_fault ? res->grader_fault
                               : !res->compiled ? "Your program does not compile."
                               : errors ? "The grader could not run some tests here (not your "
                                          "code's fault): this submission is not graded."
                               : NULL, true);
    json_field(&sb, "output", res->compiler_output, true);
    sb_adds(&sb, "\"tests\": [");
    for (size_t i = 0; i < res->ntests; i++) {
        const struct test_outcome *t = &res->tests[i];
        struct strbuf text = { 0 };

        if (t->outcome == OUTCOME_SKIP)
            continue;
        report_test_output(res->ex, t, &text);
        sb_adds(&sb, first ? "\n  {" : ",\n  {");
        json_field(&sb, "name", t->def->name, true);
        json_field(&sb, "description", t->def->id, true);
        sb_addf(&sb, "\"points\": %g, \"max_points\": %g, ", t->score, t->max_score);
        json_field(&sb, "message", t->outcome == OUTCOME_PASS ? "" : t->message, true);
        json_field(&sb, "output", sb_str(&text), false);
        sb_adds(&sb, "}");
        sb_free(&text);
        first = false;
    }
    sb_adds(&sb, "\n]}\n");
    fputs(sb_str(&sb), out);
    sb_free(&sb);
}

/* ---- the table of tests, none run ---- */

int
report_test_table(FILE *out, enum report_format fmt, const struct exercise *ex)
{
    struct strbuf sb = { 0 };
    double points = 0;
    size_t hidden = 0;

    if (fmt != FORMAT_TEXT && fmt != FORMAT_JSON)
        return -1;
    for (size_t i = 0; i < ex->ntests; i++) {
        points += ex->tests[i].points;
        hidden += !test_is_visible(&ex->tests[i]);
    }
    if (fmt == FORMAT_JSON) {
        sb_addf(&sb, "{\"max_score\": %g, ", points);
        json_field(&sb, "exercise", ex->id, true);
        json_field(&sb, "title", ex->title, true);
        json_field(&sb, "chapter", ex->chapter, true);
        sb_adds(&sb, "\"tests\": [");
    } else {
        sb_addf(&sb, "%s: %s (%s)\n%zu tests, %g points", ex->id, ex->title, ex->chapter,
                ex->ntests, points);
        if (hidden)
            sb_addf(&sb, "; %zu hidden (instructors' gradings run them)", hidden);
        sb_adds(&sb, "\n\n");
    }
    for (size_t i = 0; i < ex->ntests; i++) {
        const struct test_def *def = &ex->tests[i];
        struct strbuf hint = { 0 };
        char number[16];

        snprintf(number, sizeof number, "%d", test_number(ex, i));
        hint_text(ex, def, &hint);
        if (fmt == FORMAT_JSON) {
            sb_adds(&sb, i ? ",\n  {" : "\n  {");
            json_field(&sb, "number", number, true);
            json_field(&sb, "id", def->id, true);
            json_field(&sb, "name", def->name, true);
            sb_addf(&sb, "\"max_score\": %g, ", def->points);
            json_field(&sb, "visibility", def_visibility(def), true);
            json_field(&sb, "hint", hint.len ? sb_str(&hint) : NULL, true);
            json_field(&sb, "section", def->section, false);
            sb_adds(&sb, "}");
        } else {
            sb_addf(&sb, "%3s. %-24s %2g point%s%s\n     %s\n", number, def->id, def->points,
                    def->points == 1 ? "" : "s", test_is_visible(def) ? "" : ", hidden",
                    def->name);
            if (hint.len)
                sb_addf(&sb, "     Hint: %s\n", sb_str(&hint));
        }
        sb_free(&hint);
    }
    if (fmt == FORMAT_JSON)
        sb_adds(&sb, "\n]}\n");
    fputs(sb_str(&sb), out);
    fflush(out);
    sb_free(&sb);
    return 0;
}

void
report_write(FILE *out, enum report_format fmt, const struct grade_result *res, bool color)
{
    switch (fmt) {
    case FORMAT_TEXT: text_report(out, res, color); break;
    case FORMAT_JSON: json_report(out, res); break;
    case FORMAT_TAP: tap_report(out, res); break;
    case FORMAT_JUNIT: junit_report(out, res); break;
    case FORMAT_AUTOLAB: autolab_report(out, res); break;
    case FORMAT_PRAIRIELEARN: prairielearn_report(out, res); break;
    }
    fflush(out);
}
