/* submission.c: is a student's folder something the grader may compile?
 *
 * The grader compiles PROGRAM.c for each program of the exercise. Before it
 * does, each must be what a student means by "my source file":
 *   - a regular file (not a folder, a FIFO that would block a reader, or a
 *     device);
 *   - inside the submission folder: a symbolic link may point to another
 *     file of the folder, but not out of it, or a submission could be the
 *     reference solution, a system file or another student's work;
 *   - readable by the grader;
 *   - at most SUBMISSION_SOURCE_MAX bytes (no exercise comes near it; a
 *     huge file could keep the compiler busy for minutes);
 *   - text: a NUL byte means a binary (the compiled program saved as .c)
 *     or UTF-16, for which the compiler's messages would be noise.
 * Anything else is bad input: one line that says what is wrong, and the
 * grader exits 2. A C file that merely fails to compile is not bad input:
 * the compiler's messages are the feedback, and the grade is 0. */
#define _GNU_SOURCE
#include "submission.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Set *why from fmt (paths in it already made safe by shown_path()); return -1. */
__attribute__((format(printf, 2, 3))) static int
refuse(char **why, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(why, fmt, ap) < 0)
        *why = NULL;
    va_end(ap);
    return -1;
}

/* Does path (resolved) lie inside the folder real_dir (resolved)? */
static bool
inside(const char *path, const char *real_dir)
{
    char *real = realpath(path, NULL);
    size_t n = strlen(real_dir);
    bool in = real && strncmp(real, real_dir, n) == 0 &&
              (real[n] == '/' || strcmp(real_dir, "/") == 0);

    free(real);
    return in;
}

static const char *
file_kind(mode_t mode)
{
    return S_ISDIR(mode) ? "a folder" : S_ISFIFO(mode) ? "a FIFO" : S_ISCHR(mode) ||
           S_ISBLK(mode) ? "a device" : S_ISSOCK(mode) ? "a socket" : "not a file";
}

/* Refuse a symbolic link that dangles or leads out of the submission. */
static int
check_link(const char *src, const char *name, const char *real_dir, char **why)
{
    char target[PATH_MAX];
    ssize_t n = readlink(src, target, sizeof target - 1);
    struct stat st;
    char *t;
    int rc = 0;

    target[n > 0 ? n : 0] = '\0';
    t = shown_path(target);
    if (stat(src, &st) == -1)
        rc = refuse(why, "%s is a link to %s, which cannot be opened: %s", name, t,
                    strerror(errno));
    else if (!inside(src, real_dir))
        rc = refuse(why, "%s is a link to a file outside the submission (%s): copy the file "
                         "itself into the folder", name, t);
    free(t);
    return rc;
}

/* Read the opened source fd (size bytes): refuse it if it holds a NUL. */
static int
check_text(int fd, off_t size, const char *name, const char *path, char **why)
{
    char *text = xmalloc((size_t)size + 1);
    ssize_t got = 0, n = 0;
    int rc = 0;

    while (got < size && (n = read(fd, text + got, (size_t)(size - got))) > 0)
        got += n;
    if (got < size && n == -1) {
        char *p = shown_path(path);

        rc = refuse(why, "%s: %s", p, strerror(errno));
        free(p);
    } else if (memchr(text, '\0', (size_t)got) != NULL) {
        rc = refuse(why, "%s is not a C source file (it contains NUL bytes): is it a compiled "
                         "program, or saved as UTF-16? Save it as plain text", name);
    }
    free(text);
    return rc;
}

/* One program's source: dir/PROGRAM.c. */
static int
check_source(const struct exercise *ex, const char *prog, const char *dir,
             const char *real_dir, char **why)
{
    char src[PATH_MAX], name[NAME_MAX + 1];
    struct stat st;
    char *p;
    int fd, rc;

    snprintf(name, sizeof name, "%s.c", prog);
    snprintf(src, sizeof src, "%s/%s", dir, name);
    p = shown_path(src);
    if (lstat(src, &st) == -1) {
        rc = errno == ENOENT
             ? refuse(why, "%s: %s (exercise %s needs %s)", p, strerror(errno), ex->id, name)
             : refuse(why, "%s: %s", p, strerror(errno));
        free(p);
        return rc;
    }
    if (S_ISLNK(st.st_mode) && check_link(src, name, real_dir, why) == -1) {
        free(p);
        return -1;
    }
    /* Look before opening: opening a FIFO or a device can block or act. */
    if (stat(src, &st) == 0 && !S_ISREG(st.st_mode)) {
        rc = refuse(why, "%s is not a regular file (it is %s): exercise %s needs a C source "
                         "file %s", p, file_kind(st.st_mode), ex->id, name);
        free(p);
        return rc;
    }
    fd = open(src, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd == -1 || fstat(fd, &st) == -1) {
        rc = refuse(why, "%s: %s", p, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {        /* changed under our feet */
        rc = refuse(why, "%s is not a regular file", p);
    } else if (st.st_size > SUBMISSION_SOURCE_MAX) {
        rc = refuse(why, "%s is too large (%.1f MiB): the grader compiles at most %ld KiB of "
                         "source per program", name, (double)st.st_size / (1 << 20),
                    SUBMISSION_SOURCE_MAX >> 10);
    } else {
        rc = check_text(fd, st.st_size, name, src, why);
    }
    if (fd != -1)
        close(fd);
    free(p);
    return rc;
}

int
submission_check(const struct exercise *ex, const char *dir, char **why)
{
    struct stat st;
    char *p = shown_path(dir), *real_dir;
    int rc = 0;

    *why = NULL;
    if (stat(dir, &st) == -1)
        rc = refuse(why, "%s: %s", p, strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        rc = refuse(why, "%s is not a folder: give the folder that holds your %s.c", p,
                    ex->programs[0]);
    else if ((real_dir = realpath(dir, NULL)) == NULL)
        rc = refuse(why, "%s: %s", p, strerror(errno));
    else {
        for (size_t i = 0; ex->programs[i] && rc == 0; i++)
            rc = check_source(ex, ex->programs[i], dir, real_dir, why);
        free(real_dir);
    }
    free(p);
    return rc;
}

#define COPY_MAX_FILES 64

/* Is name a C source or header: "x.c", "x.h", no leading dot? */
static bool
c_file_name(const char *name)
{
    size_t n = strlen(name);

    return name[0] != '.' && n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

int
submission_copy(const char *dir, const char *to, char **why)
{
    char *real_dir = realpath(dir, NULL);
    DIR *d = real_dir ? opendir(dir) : NULL;
    struct dirent *de;
    int copied = 0, rc;

    *why = NULL;
    if (d == NULL) {
        char *p = shown_path(dir);

        rc = refuse(why, "%s: %s", p, strerror(errno));
        free(p);
        free(real_dir);
        return rc;
    }
    while ((de = readdir(d)) != NULL && copied < COPY_MAX_FILES) {
        char src[PATH_MAX], dst[PATH_MAX];

        if (!c_file_name(de->d_name))
            continue;
        snprintf(src, sizeof src, "%s/%s", dir, de->d_name);
        snprintf(dst, sizeof dst, "%s/%s", to, de->d_name);
        /* Anything odd was refused by submission_check() if the exercise
         * needs it; any other odd file is left out, as the compiler would
         * not find it. */
        if (inside(src, real_dir) && copy_file(src, dst, SUBMISSION_SOURCE_MAX, 0644) == 0)
            copied++;
    }
    closedir(d);
    free(real_dir);
    return 0;
}
