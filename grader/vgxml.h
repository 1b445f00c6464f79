/* vgxml.h: read Valgrind memcheck's XML output (protocol 4) and explain each
 * error in plain words at the first stack frame in the student's own code. */
#ifndef VGXML_H
#define VGXML_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct vg_frame {
    char *fn, *file, *dir, *obj;
    int line;
};

struct vg_error {
    char *kind;                 /* InvalidRead, Leak_DefinitelyLost, ... */
    char *what;                 /* Valgrind's own one-line summary */
    char *auxwhat;              /* "Address 0x... is 0 bytes after a block ..." */
    unsigned long leaked_bytes, leaked_blocks;
    struct vg_frame *frames;
    size_t nframes;
    int pid;
};

struct vg_report {
    struct vg_error *errors;
    size_t n;
    int fatal_signo;            /* 0 when the program did not die of a signal */
    char *fatal_signame;
    int fatal_pid;
    int files;                  /* XML files read (one per process) */
    bool complete;              /* every file had its closing tag */
    /* --track-fds: where each descriptor open at exit was opened, in
     * Valgrind's order (bare <stack>s: kind "FdOpen"); see vg_open_fds(). */
    struct vg_error *fd_stacks;
    size_t nfd_stacks;
};

/* A descriptor a process opened and had not closed when it exited. */
struct vg_open_fd {
    int pid;
    int fd;
    char *what;                 /* Valgrind's words: "AF_UNIX socket 5: service.sock" */
    const struct vg_error *opened;  /* where (a stack in the report), or NULL */
};

/* Parse one XML document and append its errors. Return 0, or -1 when the
 * document is not Valgrind XML or is cut short (errors found so far kept). */
int vg_parse(const char *xml, struct vg_report *rep);
/* Parse every vg.*.xml file in dir. Return files read, or -1 on error. */
int vg_parse_dir(const char *dir, struct vg_report *rep);
void vg_report_free(struct vg_report *rep);

/* Errors that count against a student: everything but still-reachable and
 * indirectly lost blocks (those follow from a definite leak already counted). */
bool vg_error_counts(const struct vg_error *e);
size_t vg_count(const struct vg_report *rep);
/* The first frame in one of the student's files (basenames), or the first
 * frame with a source file, or NULL. */
const struct vg_frame *vg_user_frame(const struct vg_error *e, const char *const *sources);
/* One paragraph: where, what happened in plain words, and what to do. */
void vg_explain(const struct vg_error *e, const char *const *sources, struct strbuf *sb);
/* Every counted error once (same kind at the same place is reported once). */
void vg_explain_all(const struct vg_report *rep, const char *const *sources, struct strbuf *sb);

/* Descriptors left open at exit, from a run with --track-fds=yes: Valgrind
 * 3.19 writes that list as text to its log (log, the program's stderr
 * unless --log-file is given) and, in XML mode, only the stacks where they
 * were opened into the XML (rep, parsed first). Lists the descriptors each
 * process opened itself (not 0-2, not inherited), each with where it was
 * opened when the XML has it. Returns how many; *out is freed with
 * vg_open_fds_free(). */
size_t vg_open_fds(const struct vg_report *rep, const char *log, struct vg_open_fd **out);
void vg_open_fds_free(struct vg_open_fd *fds, size_t n);
/* "descriptor 5 (a Unix socket: a connection accepted on service.sock),
 * opened by accept() in serve() at server.c:120" */
void vg_describe_fd(const struct vg_open_fd *f, const char *const *sources, struct strbuf *sb);

#endif
