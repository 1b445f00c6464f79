/* util.c: see util.h. */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void
die(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("ipcgrade: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        die("out of memory");
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        die("out of memory");
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

char *
xstrdup(const char *s)
{
    char *p = strdup(s ? s : "");

    if (p == NULL)
        die("out of memory");
    return p;
}

void
sb_add(struct strbuf *sb, const char *s, size_t n)
{
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 64;

        while (cap < sb->len + n + 1)
            cap *= 2;
        sb->buf = xrealloc(sb->buf, cap);
        sb->cap = cap;
    }
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void
sb_adds(struct strbuf *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    char *s;

    if (vasprintf(&s, fmt, ap) < 0)
        die("out of memory");
    return s;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void
sb_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    sb_adds(sb, s);
    free(s);
}

const char *
sb_str(const struct strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

char *
sb_take(struct strbuf *sb)
{
    char *s = sb->buf ? sb->buf : xstrdup("");

    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return s;
}

void
sb_free(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

/* Student output can hold any bytes: JSON gets \u escapes for controls and
 * U+FFFD for bytes that are not UTF-8, so the document always parses. */
void
sb_json_str(struct strbuf *sb, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    sb_adds(sb, "\"");
    while (*p) {
        unsigned char c = *p;
        int extra = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : 0;

        if (c == '"' || c == '\\') {
            sb_addf(sb, "\\%c", c);
        } else if (c == '\n') {
            sb_adds(sb, "\\n");
        } else if (c == '\t') {
            sb_adds(sb, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            sb_addf(sb, "\\u%04x", c);
        } else if (c < 0x80) {
            sb_add(sb, (const char *)p, 1);
        } else {
            int i, ok = extra > 0 && !(c >= 0xf8);

            for (i = 1; ok && i <= extra; i++)
                ok = (p[i] & 0xc0) == 0x80;
            if (ok) {
                sb_add(sb, (const char *)p, (size_t)extra + 1);
                p += extra;
            } else {
                sb_adds(sb, "\\ufffd");
            }
        }
        p++;
    }
    sb_adds(sb, "\"");
}

void
sb_xml_text(struct strbuf *sb, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    for (; *p; p++) {
        switch (*p) {
        case '<': sb_adds(sb, "&lt;"); break;
        case '>': sb_adds(sb, "&gt;"); break;
        case '&': sb_adds(sb, "&amp;"); break;
        case '"': sb_adds(sb, "&quot;"); break;
        default:
            if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
                sb_adds(sb, "?");           /* not allowed in XML 1.0 */
            else if (*p >= 0x80)
                sb_adds(sb, "?");           /* keep the document valid UTF-8 */
            else
                sb_add(sb, (const char *)p, 1);
        }
    }
}

/* Append text with prefix before every line. */
void
sb_indent(struct strbuf *sb, const char *text, const char *prefix)
{
    const char *line = text;

    while (line && *line) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);

        sb_adds(sb, prefix);
        sb_add(sb, line, n);
        sb_adds(sb, "\n");
        line = nl ? nl + 1 : NULL;
    }
}

char *
read_proc_stat(pid_t pid, const char **fields)
{
    char path[64], *text, *rparen;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if ((text = read_file_tail(path, 4096, NULL, NULL)) == NULL)
        return NULL;
    if ((rparen = strrchr(text, ')')) == NULL || rparen[1] != ' ') {
        free(text);
        return NULL;
    }
    *fields = rparen + 2;
    return text;
}

char *
read_file_tail(const char *path, size_t max, size_t *len, bool *truncated)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char *buf;
    ssize_t n;
    size_t got = 0;

    if (truncated)
        *truncated = false;
    if (fd == -1)
        return NULL;
    if (fstat(fd, &st) == -1) {
        close(fd);
        return NULL;
    }
    if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
        if (lseek(fd, st.st_size - (off_t)max, SEEK_SET) == -1) {
            close(fd);
            return NULL;
        }
        if (truncated)
            *truncated = true;
    }
    buf = xmalloc(max + 1);
    while (got < max && (n = read(fd, buf + got, max - got)) > 0)
        got += (size_t)n;
    close(fd);
    buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

/* n bytes of data into path (created 0644 or truncated): 0, or -1 with
 * errno. write_file() and write_data_atomically() share it. */
static int
write_data(const char *path, const char *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    size_t done = 0;

    if (fd == -1)
        return -1;
    while (done < n) {
        ssize_t w = write(fd, data + done, n - done);

        if (w <= 0) {
            int saved = errno;

            close(fd);
            errno = saved;
            return -1;
        }
        done += (size_t)w;
    }
    return close(fd);
}

int
write_file(const char *path, const char *text)
{
    return write_data(path, text, strlen(text));
}

int
mkdir_p(const char *path, unsigned mode)
{
    char *copy = xstrdup(path), *p;

    for (p = copy + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(copy, mode) == -1 && errno != EEXIST) {
                free(copy);
                return -1;
            }
            *p = '/';
        }
    }
    free(copy);
    return mkdir(path, mode) == -1 && errno != EEXIST ? -1 : 0;
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (remove(path) == -1 && errno != ENOENT) {
        /* A student may have left a directory without write permission. */
        chmod(path, 0700);
        remove(path);
    }
    return 0;
}

int
remove_tree(const char *path)
{
    return nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS);
}

double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A path as a student can read it on one line: as is when it is plain,
 * else in double quotes with C escapes (a folder name may hold a newline
 * or a terminal escape). The caller frees it. */
char *
shown_path(const char *path)
{
    struct strbuf sb = { 0 };
    bool plain = true;

    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        plain = plain && *p >= 0x20 && *p != 0x7f && *p != '"' && *p != '\\';
    if (plain)
        return xstrdup(path);
    sb_adds(&sb, "\"");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '\n')
            sb_adds(&sb, "\\n");
        else if (*p == '\t')
            sb_adds(&sb, "\\t");
        else if (*p == '"' || *p == '\\')
            sb_addf(&sb, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            sb_addf(&sb, "\\%03o", *p);
        else
            sb_add(&sb, (const char *)p, 1);
    }
    sb_adds(&sb, "\"");
    return sb_take(&sb);
}

int
copy_file(const char *src, const char *dst, off_t max, mode_t mode)
{
    char buf[65536];
    int in = open(src, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), out;
    struct stat st;
    ssize_t n = 0;
    off_t total = 0;

    if (in == -1 || fstat(in, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > max) {
        if (in != -1)
            close(in);
        return -1;
    }
    out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    while (out != -1 && total <= max && (n = read(in, buf, sizeof buf)) > 0) {
        total += n;
        if (write(out, buf, (size_t)n) != n)
            n = -1;
    }
    close(in);
    if (out == -1)
        return -1;
    if (fchmod(out, mode) == -1)
        n = -1;
    return close(out) == -1 || n < 0 ? -1 : 0;
}

void
set_rlimit(int resource, rlim_t value)
{
    struct rlimit rl = { value, value };

    setrlimit(resource, &rl);
}

void
sb_shell_word(struct strbuf *sb, const char *w)
{
    if (*w && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789_-+=./:,@%") == strlen(w)) {
        sb_adds(sb, w);
        return;
    }
    sb_adds(sb, "'");
    for (; *w; w++) {
        if (*w == '\'')
            sb_adds(sb, "'\\''");
        else
            sb_add(sb, w, 1);
    }
    sb_adds(sb, "'");
}

int
write_file_atomically(const char *path, const char *text)
{
    return write_data_atomically(path, text, strlen(text));
}

int
write_data_atomically(const char *path, const char *data, size_t n)
{
    char tmp[PATH_MAX + 32];

    snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
    if (write_data(tmp, data, n) == -1 || rename(tmp, path) == -1) {
        int saved = errno;      /* a full disk must not leave half a temp file */

        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

unsigned long long
fnv1a64(unsigned long long h, const void *data, size_t n)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
