/* student.h: the student's loop: where am I (progress, with cached
 * results), what next (hints), and re-grading on every save (watch). */
#ifndef STUDENT_H
#define STUDENT_H

#include "engine.h"

/* Remember a grading of exercises/EX so progress can reuse it. */
void progress_remember(const char *root, const struct grade_result *res);
int progress_show(const char *root);
/* hint EX [--all | --reset] */
int hint_show(const char *root, const struct exercise *ex, bool all, bool reset);
/* watch [EX]: start_id NULL means the first exercise not yet passed. */
int watch_run(const char *root, const char *start_id);

#endif
