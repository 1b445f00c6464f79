/* doctor.h: can this machine grade? What an instructor runs on the grading
 * platform before a deadline (ipcgrade doctor). */
#ifndef DOCTOR_H
#define DOCTOR_H

#include <stdio.h>

/* Say which sandbox the grader would build here and why, what defends the
 * machine, and grade one exercise as a self-test (the reference solution of
 * the first exercise where the workbook has it, else its skeleton). Return
 * 0 when the grader can grade here, 3 when it could not run a test. */
int doctor(FILE *out, const char *root);

#endif
