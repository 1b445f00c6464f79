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

#endif
