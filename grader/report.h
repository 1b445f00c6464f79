/* report.h: write a grade_result in each output format. */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "engine.h"
#include "util.h"

enum report_format {
    FORMAT_TEXT, FORMAT_JSON, FORMAT_TAP, FORMAT_JUNIT, FORMAT_AUTOLAB, FORMAT_PRAIRIELEARN
};

/* Parse a --format value; return -1 if unknown. */
int report_format_parse(const char *name, enum report_format *fmt);
/* How many tests the grader could not run (OUTCOME_ERROR). */
size_t report_errors(const struct grade_result *res);
/* The walls the tests ran in, in words (sandbox.h's mode). */
const char *sandbox_walls(const struct grade_result *res);
void report_write(FILE *out, enum report_format fmt, const struct grade_result *res,
                  bool color);
/* The exercise's table of tests, none of them run (ipcgrade list EX): text
 * for people, or JSON with the fields a grading's JSON gives each test, from
 * which the instructor's guide makes its rubric. Return -1 for another format. */
int report_test_table(FILE *out, enum report_format fmt, const struct exercise *ex);
/* All of a test's feedback as one text: message, run, findings, hint. */
void report_test_output(const struct exercise *ex, const struct test_outcome *t,
                        struct strbuf *sb);

#endif
