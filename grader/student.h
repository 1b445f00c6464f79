/* student.h: the student's loop: where am I (progress, with cached
 * results), what next (hints), and re-grading on every save (watch). */
#ifndef STUDENT_H
#define STUDENT_H

#include "engine.h"

/* The fingerprint of EX's sources in dir (and of this grader): take it
 * before grading, so a save made during the grading is not taken as graded. */
unsigned long long progress_fingerprint(const struct exercise *ex, const char *dir);
/* Remember a grading of exercises/EX, whose sources had fingerprint fp when
 * it started, so progress can reuse it. */
void progress_remember(const char *root, const struct grade_result *res,
                       unsigned long long fp);
int progress_show(const char *root);
/* hint EX [--all | --reset] */
int hint_show(const char *root, const struct exercise *ex, bool all, bool reset);
/* watch [EX]: start_id NULL means the first exercise not yet passed. */
int watch_run(const char *root, const char *start_id);

#endif
