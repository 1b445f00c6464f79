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
ipcbook_vreport_only(int errnum, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: ", program_invocation_short_name);
    vfprintf(stderr, fmt, ap);
    if (errnum != 0)
        fprintf(stderr, ": %s", strerror(errnum));
    fputc('\n', stderr);
}

/* The same, after writing out what is waiting in stdout's buffer, so that
   stdout and stderr come out in order on a terminal. */
static inline void
ipcbook_vreport(int errnum, const char *fmt, va_list ap)
{
    fflush(stdout);
    ipcbook_vreport_only(errnum, fmt, ap);
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

/* The same for a child after fork(). The child has a copy of the
 * parent's stdio buffers: whatever the parent had printed but not yet
 * written out (all of it, when stdout is a pipe or a file) is in the
 * child's stdout buffer too. So this neither flushes stdout nor calls
 * exit(), which would flush it: it writes the message to stderr, which
 * has no buffer, and ends with _exit(), which writes out no buffer. The
 * parent's output then appears once, when the parent writes it. */
__attribute__((noreturn, format(printf, 1, 2), unused)) static void
err_exit_child(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;

    va_start(ap, fmt);
    ipcbook_vreport_only(saved, fmt, ap);
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
