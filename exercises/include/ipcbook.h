/* ipcbook.h: the workbook's error helpers, shared by every listing, exercise
 * and solution (header-only, so each program is still one .c file).
 *
 * Every System V call returns -1 (or (void *) -1) and sets errno on failure.
 * A program in this workbook checks every call and, when one fails, says
 * which call failed and why, then exits with a non-zero status:
 *
 *     if (shmid == -1)
 *         err_exit("shmget");      // prints "shmtool: shmget: File exists"
 *
 * The grader compiles your code with -I pointing at this folder, so
 * #include "ipcbook.h" works from every exercise.
 */
#ifndef IPCBOOK_H
#define IPCBOOK_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char *program_invocation_short_name;     /* set by glibc */

/* Print "PROGRAM: MESSAGE[: strerror(errnum)]" on stderr. */
static inline void
ipcbook_vreport(int errnum, const char *fmt, va_list ap)
{
    fflush(stdout);         /* keep stdout and stderr in order on a terminal */
    fprintf(stderr, "%s: ", program_invocation_short_name);
    vfprintf(stderr, fmt, ap);
    if (errnum != 0)
        fprintf(stderr, ": %s", strerror(errnum));
    fputc('\n', stderr);
}

/* A call failed: report it with errno's meaning and exit(EXIT_FAILURE). */
__attribute__((noreturn, format(printf, 1, 2), unused)) static void
err_exit(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;

    va_start(ap, fmt);
    ipcbook_vreport(saved, fmt, ap);
    va_end(ap);
    exit(EXIT_FAILURE);
}

/* The same for a child after fork(): _exit() does not flush the parent's
 * stdio buffers a second time. */
__attribute__((noreturn, format(printf, 1, 2), unused)) static void
err_exit_child(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;

    va_start(ap, fmt);
    ipcbook_vreport(saved, fmt, ap);
    va_end(ap);
    _exit(EXIT_FAILURE);
}

/* Report a failure with no errno (bad data, not a failed call) and exit. */
__attribute__((noreturn, format(printf, 1, 2), unused)) static void
fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ipcbook_vreport(0, fmt, ap);
    va_end(ap);
    exit(EXIT_FAILURE);
}

/* Warn about a failed call without exiting; errno is left as it was. */
__attribute__((format(printf, 1, 2), unused)) static void
err_msg(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;

    va_start(ap, fmt);
    ipcbook_vreport(saved, fmt, ap);
    va_end(ap);
    errno = saved;
}

/* Bad command line: print the usage text and exit with status 2. */
__attribute__((noreturn, format(printf, 1, 2), unused)) static void
usage_err(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fflush(stdout);
    fprintf(stderr, "usage: %s ", program_invocation_short_name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    exit(2);
}

#endif /* IPCBOOK_H */
