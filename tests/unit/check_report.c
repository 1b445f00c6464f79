/* check_report.c: escaping and the shape of each output format. (The shell
 * tests feed real output to jq, prove and xmllint as well.) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "report.h"
#include "unit.h"

static void noop(void) {}

static const struct test_def defs[] = {
    { "good", "does the right thing", 2, noop, NULL, NULL, NULL },
    { "bad", "says \"no\" & <stops>", 3, noop, "look at shmget().", NULL,
      "Creating a segment" },
    { "secret", "an instructor's test", 1, noop, "a hidden hint", "after_due_date", NULL },
    { "broken", "a test the grader could not run", 1, noop, NULL, NULL, NULL },
};
static const char *const programs[] = { "prog", NULL };
static const struct exercise ex = { "demo", "A demo", "chapters/xx.md", programs, defs, 4, NULL, 0 };

static char *
render(enum report_format fmt)
{
    struct test_outcome tests[4] = {
        { .def = &defs[0], .number = 1, .outcome = OUTCOME_PASS, .score = 2, .max_score = 2 },
        { .def = &defs[1], .number = 2, .score = 0, .max_score = 3,
          .message = "bad bytes: \x01 \xff \"quoted\" <tag> & tab\there\n",
          .runs = "prog student 11.020 1536 cpu\nprog reference 0.004 1400 none\n" },
        { .def = &defs[2], .number = 4, .score = 0, .max_score = 1, .message = "hidden why" },
        { .def = &defs[3], .number = 3, .outcome = OUTCOME_ERROR, .score = 0, .max_score = 0,
          .message = "The grader could not make a pipe: Too many open files" },
    };
    struct grade_result res = { .ex = &ex, .source_dir = "dir", .compiled = true,
                                .compiler_output = "", .tests = tests, .ntests = 4,
                                .score = 2, .max_score = 6 };
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);

    report_write(f, fmt, &res, false);
    fclose(f);
    return buf;
}

START_TEST(json_escapes_everything)
{
    char *s = render(FORMAT_JSON);

    ck_assert_ptr_nonnull(strstr(s, "\"score\": 2, \"max_score\": 6, \"execution_time\": 0.000, \"errors\": 1"));
    ck_assert_ptr_nonnull(strstr(s, "bad bytes: \\u0001 \\ufffd \\\"quoted\\\" <tag> & "
                                    "tab\\there\\n"));
    ck_assert_ptr_nonnull(strstr(s, "\"visibility\": \"after_due_date\""));
    ck_assert_ptr_nonnull(strstr(s, "\"status\": \"failed\""));
    ck_assert_ptr_nonnull(strstr(s, "\"outcome\": \"error\""));
    ck_assert_ptr_nonnull(strstr(s, "\"section\": \"Creating a segment\""));
    ck_assert_ptr_nonnull(strstr(s, "\"runs\": [{\"program\": \"prog\", \"reference\": false, "
                                    "\"cpu_seconds\": 11.020, \"peak_memory_kib\": 1536, "
                                    "\"limit\": \"cpu\"}, {\"program\": \"prog\", "
                                    "\"reference\": true, \"cpu_seconds\": 0.004, "
                                    "\"peak_memory_kib\": 1400, \"limit\": null}]"));
    /* A test that ran nothing has no record at all (an optional field). */
    ck_assert_ptr_null(strstr(strstr(s, "\"runs\"") + 1, "\"runs\""));
    ck_assert_ptr_nonnull(strstr(s, "\"hint\": \"look at shmget(). See chapters/xx.md, "
                                    "\\\"Creating a segment\\\".\""));
    free(s);
}
END_TEST

START_TEST(tap_has_plan_and_results)
{
    char *s = render(FORMAT_TAP);

    ck_assert_ptr_nonnull(strstr(s, "TAP version 13\n1..4\n"));
    ck_assert_ptr_nonnull(strstr(s, "\nok 1 - good: does the right thing (2/2)\n"));
    ck_assert_ptr_nonnull(strstr(s, "\nnot ok 2 - bad: "));
    ck_assert_ptr_nonnull(strstr(s, "\n# Hint: look at shmget(). See chapters/xx.md, \"Creating a segment\".\n"));
    free(s);
}
END_TEST

START_TEST(junit_escapes_markup)
{
    char *s = render(FORMAT_JUNIT);

    ck_assert_ptr_nonnull(strstr(s, "tests=\"4\" failures=\"2\" errors=\"1\""));
    ck_assert_ptr_nonnull(strstr(s, "<error type=\"grader\""));
    ck_assert_ptr_nonnull(strstr(s, "message=\"says &quot;no&quot; &amp; &lt;stops&gt;\""));
    ck_assert_ptr_null(strstr(s, "\x01"));
    ck_assert_ptr_null(strstr(s, "<tag>"));
    free(s);
}
END_TEST

START_TEST(text_shows_each_test_and_the_score)
{
    char *s = render(FORMAT_TEXT);

    ck_assert_ptr_nonnull(strstr(s, "PASS   1. does the right thing"));
    ck_assert_ptr_nonnull(strstr(s, "FAIL   2. says"));
    ck_assert_ptr_nonnull(strstr(s, "ERROR  3. a test the grader could not run"));
    /* Hidden tests are a count in a student's text: no name, no hint. */
    ck_assert_ptr_nonnull(strstr(s, "+ 1 hidden test, 0/1 points"));
    ck_assert_ptr_null(strstr(s, "instructor's test"));
    ck_assert_ptr_null(strstr(s, "a hidden hint"));
    ck_assert_ptr_nonnull(strstr(s, "costs you no points"));
    ck_assert_ptr_nonnull(strstr(s, "Score: 2/6"));
    ck_assert_ptr_null(strstr(s, "\033["));     /* no colour when asked for none */
    free(s);
}
END_TEST

/* ipcgrade list EX: the table, none run; hidden tests numbered after the
 * visible ones, as a grading numbers them (test_number). Not inlined: gcc
 * 12 for aarch64 then takes the memstream's buffer for a dangling pointer. */
static __attribute__((noinline)) char *
table(enum report_format fmt, int *rc)
{
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);

    *rc = report_test_table(f, fmt, &ex);
    fclose(f);
    return buf;
}

START_TEST(test_table_lists_every_test_unrun)
{
    int rc;
    char *s = table(FORMAT_JSON, &rc);

    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(s, "{\"max_score\": 7, \"exercise\": \"demo\", "));
    ck_assert_ptr_nonnull(strstr(s, "\"number\": \"3\", \"id\": \"broken\""));
    ck_assert_ptr_nonnull(strstr(s, "\"number\": \"4\", \"id\": \"secret\", \"name\": "
                                    "\"an instructor's test\", \"max_score\": 1, "
                                    "\"visibility\": \"after_due_date\""));
    ck_assert_ptr_nonnull(strstr(s, "\"hint\": \"look at shmget(). See chapters/xx.md, "
                                    "\\\"Creating a segment\\\".\", \"section\": "
                                    "\"Creating a segment\"}"));
    ck_assert_ptr_null(strstr(s, "\"score\""));     /* nothing ran */
    free(s);
    s = table(FORMAT_TEXT, &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(s, "demo: A demo (chapters/xx.md)\n4 tests, 7 points; 1 hidden"));
    ck_assert_ptr_nonnull(strstr(s, "  4. secret"));
    ck_assert_ptr_nonnull(strstr(s, " 1 point, hidden\n     an instructor's test\n"));
    free(s);
    s = table(FORMAT_JUNIT, &rc);
    ck_assert_int_eq(rc, -1);
    free(s);
}
END_TEST

START_TEST(parses_format_names)
{
    enum report_format f;

    ck_assert_int_eq(report_format_parse("junit", &f), 0);
    ck_assert_int_eq(f, FORMAT_JUNIT);
    ck_assert_int_eq(report_format_parse("xml", &f), -1);
}
END_TEST

Suite *
report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("formats");

    tcase_add_test(tc, json_escapes_everything);
    tcase_add_test(tc, tap_has_plan_and_results);
    tcase_add_test(tc, junit_escapes_markup);
    tcase_add_test(tc, text_shows_each_test_and_the_score);
    tcase_add_test(tc, parses_format_names);
    tcase_add_test(tc, test_table_lists_every_test_unrun);
    suite_add_tcase(s, tc);
    return s;
}
