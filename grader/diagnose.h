/* diagnose.h: say in words where a stuck process is, from what the kernel
 * shows in /proc/PID/syscall, /proc/PID/stat and /proc/PID/fd. */
#ifndef DIAGNOSE_H
#define DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* The system call numberings the grader knows (diagnose.c has a table of
 * the calls it describes for each); any other architecture builds, and its
 * calls are described as "system call N". */
enum diag_arch { DIAG_ARCH_OTHER, DIAG_ARCH_X86_64, DIAG_ARCH_AARCH64 };

/* The numbering this kernel uses in /proc/PID/syscall, found once: the
 * grader's own architecture's (diagnose_built_arch()), except under an
 * emulator such as qemu-user, where it is the machine's. */
enum diag_arch diagnose_arch(void);
/* The architecture the grader was compiled for. */
enum diag_arch diagnose_built_arch(void);
/* "x86_64", "aarch64" or "unknown". */
const char *diagnose_arch_name(enum diag_arch arch);
/* The number of the system call called name ("msgrcv", the kernel's name,
 * as in SYS_msgrcv) in arch's table, or -1 if the table has none. */
long diagnose_syscall_nr(enum diag_arch arch, const char *name);
/* The kernel's name of system call nr in arch's table, or NULL. */
const char *diagnose_syscall_name(enum diag_arch arch, long nr);

/* Describe system call nr with its six arguments, e.g. "blocked in msgrcv()
 * on queue 3 waiting for a message of type 2". pid (or 0) lets it look at the
 * process's descriptors and memory for more detail. nr is in the kernel's
 * numbering (diagnose_arch()). */
void diagnose_syscall(pid_t pid, long nr, const unsigned long args[6], struct strbuf *sb);
/* The same, with nr in arch's numbering. */
void diagnose_syscall_as(enum diag_arch arch, pid_t pid, long nr, const unsigned long args[6],
                         struct strbuf *sb);
/* Parse the text of /proc/PID/syscall and describe it; state is field 3 of
 * /proc/PID/stat ('S', 'R', 'T', ...). */
void diagnose_text(pid_t pid, const char *syscall_text, char state, struct strbuf *sb);
/* Field 3 of /proc/PID/stat ('S', 'R', 'T', 'Z', ...), or '?' if pid is gone. */
char diagnose_state(pid_t pid);
/* The processor time pid has used so far, user and system (fields 14 and
 * 15 of /proc/PID/stat), in seconds; -1 if pid is gone. */
double diagnose_cpu_seconds(pid_t pid);
/* The system call that pid (a process or a thread id) sleeps in now, from
 * /proc/PID/syscall, with its six arguments in args (if not NULL); -1 if
 * it is not asleep ('S') or is gone. */
long diagnose_asleep_in(pid_t pid, unsigned long args[6]);
/* Read /proc/PID/... and describe where pid is. Return 0, or -1 if it is gone. */
int diagnose_pid(pid_t pid, struct strbuf *sb);
/* Describe every process below (not including) ancestor, one line each. */
void diagnose_tree(pid_t ancestor, struct strbuf *sb);
/* Descriptor fd of pid, if it is a Unix socket: the path it was bound to
 * as /proc/PID/net/unix shows it ("" if unnamed; an accepted connection
 * shows its listening socket's path) and whether it is listening. False
 * if fd is no Unix socket (or pid is gone). */
bool diagnose_unix_fd(pid_t pid, long fd, char *path, size_t len, bool *listening);

/* The children of pid (at most max), from /proc/PID/task/TID/children of
 * each of its threads. */
size_t diagnose_children(pid_t pid, pid_t *out, size_t max);

#endif
