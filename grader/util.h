/* util.h: small helpers shared by the grader: growable strings, whole-file
 * reads, escaping for JSON and XML, and the grader's own fatal errors. */
#ifndef UTIL_H
#define UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/types.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A growable NUL-terminated string. Zero-initialised is empty and valid. */
struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
};

void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *sb_str(const struct strbuf *sb);   /* "" when empty */
char *sb_take(struct strbuf *sb);              /* caller frees; sb becomes empty */
void sb_free(struct strbuf *sb);

void sb_json_str(struct strbuf *sb, const char *s);   /* "quoted, escaped" */
void sb_xml_text(struct strbuf *sb, const char *s);   /* escaped, valid XML 1.0 chars */
void sb_indent(struct strbuf *sb, const char *text, const char *prefix);
/* w as one word for a POSIX shell: as is when plain, else in single quotes. */
void sb_shell_word(struct strbuf *sb, const char *w);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xvasprintf(const char *fmt, va_list ap);     /* dies when out of memory */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read at most max bytes of a file, keeping the tail when it is longer
 * (*truncated says so). Returns a NUL-terminated buffer, or NULL with errno. */
char *read_file_tail(const char *path, size_t max, size_t *len, bool *truncated);
/* /proc/PID/stat, read: the buffer to free (NULL if pid is gone), with
 * *fields at its third field, the state, past "PID (COMM) " (a command
 * name may hold spaces and ')'). NULL too when the text is not so. */
char *read_proc_stat(pid_t pid, const char **fields);
int write_file(const char *path, const char *text);   /* 0 or -1 with errno */
/* The same through a temporary file of this process and rename(): a reader
 * sees the old text or the new, never a part. 0 or -1 with errno. */
int write_file_atomically(const char *path, const char *text);
/* The same for n bytes that may hold NULs (a copy made byte for byte). */
int write_data_atomically(const char *path, const char *data, size_t n);
/* FNV-1a, 64 bits, of n bytes, continuing from h (start with FNV1A64_INIT):
 * a checksum to notice a damaged or changed file, not a defence. */
#define FNV1A64_INIT 0xcbf29ce484222325ULL
unsigned long long fnv1a64(unsigned long long h, const void *data, size_t n);

int mkdir_p(const char *path, unsigned mode);
int remove_tree(const char *path);
double now_seconds(void);                  /* CLOCK_MONOTONIC */

/* The grader's own failure (not the student's): print one line, exit 2. */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);

/* Set both the soft and the hard limit of resource (before an exec). */
void set_rlimit(int resource, rlim_t value);
/* Copy the regular file src (at most max bytes) to dst with mode. */
int copy_file(const char *src, const char *dst, off_t max, mode_t mode);
/* path as a student can read it on one line: as is when plain, else in
 * double quotes with C escapes (a newline, a terminal escape). Free it. */
char *shown_path(const char *path);

#endif
