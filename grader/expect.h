/* expect.h: expectations. Each passes silently or ends the test with a
 * message that says what was expected, what the program did, and what to
 * look at: the short message goes to Check; the details (the run, its
 * output, Valgrind's findings, leftover objects) go to the test's feedback
 * records, which the engine reads back after the test. */
#ifndef EXPECT_H
#define EXPECT_H

#include "ipcstate.h"
#include "run.h"

/* End the test as failed, with r's command, exit and output (r may be NULL). */
__attribute__((noreturn, format(printf, 2, 3)))
void test_fail(const struct run *r, const char *fmt, ...);

void expect_finished(const struct run *r);      /* no timeout, no crash */
void expect_success(const struct run *r);       /* exit status 0 */
void expect_error_exit(const struct run *r, const char *situation);
void expect_usage_error(const struct run *r);   /* status 2 and "usage:" */
void expect_stderr_has(const struct run *r, const char *text, const char *advice);
/* The number on the stdout line "LABEL N" (or "LABEL: N"), read as C reads
 * 12, 0x12 and 012; fails the test when there is no such line or no number. */
long expect_field(const struct run *r, const char *label, const char *meaning);
/* The same for unsigned numbers (limits and times too large for a long) in
 * base (0: as C reads them; 8: a mode, with or without its leading 0). */
unsigned long expect_ufield(const struct run *r, const char *label, int base,
                            const char *meaning);
/* The stdout line "LABEL N" holds expected: expect_ulong() of "The LABEL line". */
void expect_line_is(const struct run *r, const char *label, const char *meaning,
                    unsigned long expected, const char *advice);
/* The id a program printed on its stdout line "LABEL N" (shmid, msqid), which
 * must be a real id: a negative one means call (e.g. "shmget") failed and the
 * program went on unchecked. */
int expect_printed_id(const struct run *r, const char *label, const char *call);
void expect_no_field(const struct run *r, const char *label, const char *why);
void expect_stdout_empty(const struct run *r, const char *why);
void expect_valgrind_clean(const struct run *r);
void expect_ulong(const struct run *r, const char *what, unsigned long found,
                  unsigned long expected, const char *advice);
void expect_mode(const struct run *r, const char *what, unsigned found, unsigned expected,
                 const char *advice);     /* permission bits, shown in octal */
void expect_no_new_objects(const struct ipc_set *before, const struct run *r,
                           const char *situation);

/* The object of this kind and id as the kernel has it now; fails the test
 * (saying why it should exist) when there is none. */
struct ipc_obj expect_object(const struct run *r, enum ipc_kind kind, int id,
                             const char *why);
/* A snapshot of this test's IPC namespace, owned by the test (an error
 * ends the test as the grader's fault). */
void snapshot(struct ipc_set *set);
/* The same, not owned by the test (ipc_set_free() it): for a loop. In
 * container mode both leave out what the machine held before the test.
 * Return 0 or -1 with errno. */
int snapshot_own(struct ipc_set *set);
/* Does the test's namespace hold an object of this kind and id now? */
bool object_exists(enum ipc_kind kind, int id);
/* Make a file in the programs' working directory; returns its name. */
const char *scratch_file(const char *name, const char *content);

#endif
