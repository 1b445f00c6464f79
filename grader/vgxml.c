/* vgxml.c: see vgxml.h. A minimal XML reader is enough: Valgrind writes no
 * attributes we need, no CDATA and only the five predefined entities. */
#define _GNU_SOURCE
#include "vgxml.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xnode {
    char *name;
    bool closed;                /* its closing tag was seen */
    char *text;                 /* concatenated character data, decoded */
    struct xnode **kids;
    size_t nkids;
};

static void
xnode_free(struct xnode *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        xnode_free(n->kids[i]);
    free(n->kids);
    free(n->name);
    free(n->text);
    free(n);
}

static void
decode_into(struct strbuf *sb, const char *s, size_t n)
{
    static const struct { const char *ent; char c; } ents[] = {
        { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' },
    };

    for (size_t i = 0; i < n; i++) {
        size_t k;

        if (s[i] != '&') {
            sb_add(sb, s + i, 1);
            continue;
        }
        for (k = 0; k < ARRAY_LEN(ents); k++) {
            size_t len = strlen(ents[k].ent);

            if (i + len <= n && strncmp(s + i, ents[k].ent, len) == 0) {
                sb_add(sb, &ents[k].c, 1);
                i += len - 1;
                break;
            }
        }
        if (k == ARRAY_LEN(ents) && i + 2 < n && s[i + 1] == '#') {
            char *end;
            long c = s[i + 2] == 'x' ? strtol(s + i + 3, &end, 16) : strtol(s + i + 2, &end, 10);

            if (*end == ';' && c > 0 && c < 128) {
                char ch = (char)c;

                sb_add(sb, &ch, 1);
                i = (size_t)(end - s);
                continue;
            }
        }
        if (k == ARRAY_LEN(ents))
            sb_add(sb, "&", 1);
    }
}

/* Valgrind's XML nests five elements deep (valgrindoutput, error, stack,
 * frame, fn). Anything much deeper is not Valgrind's, and parsing it by
 * recursion would overflow the stack: it is treated as cut short. */
#define XML_MAX_DEPTH 32

/* Parse elements from *p until the closing tag of parent (or the end);
 * parent sits depth elements below the document. Return -1 if the input
 * ended before parent was closed, or nests deeper than XML_MAX_DEPTH. */
static int
parse_children(const char **p, struct xnode *parent, int depth)
{
    struct strbuf text = { 0 };

    while (**p) {
        const char *lt = strchr(*p, '<');

        if (lt == NULL) {
            decode_into(&text, *p, strlen(*p));
            *p += strlen(*p);
            break;
        }
        decode_into(&text, *p, (size_t)(lt - *p));
        *p = lt;
        if (strncmp(*p, "<?", 2) == 0 || strncmp(*p, "<!--", 4) == 0 || strncmp(*p, "<!", 2) == 0) {
            const char *end = strncmp(*p, "<!--", 4) == 0 ? strstr(*p, "-->") : strchr(*p, '>');

            if (end == NULL)
                break;
            *p = end + (end[0] == '-' ? 3 : 1);
        } else if ((*p)[1] == '/') {
            const char *gt = strchr(*p, '>');

            if (gt == NULL)
                break;
            *p = gt + 1;
            parent->text = sb_take(&text);
            parent->closed = true;
            return 0;
        } else {
            const char *gt = strchr(*p, '>');
            size_t namelen = strcspn(*p + 1, " \t\r\n/>");
            struct xnode *kid;

            if (gt == NULL)
                break;
            kid = xcalloc(1, sizeof *kid);
            kid->name = xmalloc(namelen + 1);
            memcpy(kid->name, *p + 1, namelen);
            kid->name[namelen] = '\0';
            parent->kids = xrealloc(parent->kids, (parent->nkids + 1) * sizeof *parent->kids);
            parent->kids[parent->nkids++] = kid;
            *p = gt + 1;
            if (gt[-1] == '/') {
                kid->text = xstrdup("");
                kid->closed = true;
            } else if (depth >= XML_MAX_DEPTH) {
                kid->text = xstrdup("");
                goto cut_short;
            } else if (parse_children(p, kid, depth + 1) == -1) {
                goto cut_short;
            }
        }
    }
cut_short:
    parent->text = sb_take(&text);
    return -1;
}

static const struct xnode *
child(const struct xnode *n, const char *name)
{
    for (size_t i = 0; n && i < n->nkids; i++)
        if (strcmp(n->kids[i]->name, name) == 0)
            return n->kids[i];
    return NULL;
}

static char *
child_text(const struct xnode *n, const char *name)
{
    const struct xnode *c = child(n, name);

    return c ? xstrdup(c->text) : NULL;
}

static void
read_stack(const struct xnode *stack, struct vg_error *e)
{
    for (size_t i = 0; stack && i < stack->nkids; i++) {
        const struct xnode *f = stack->kids[i];
        struct vg_frame *fr;
        char *line;

        if (strcmp(f->name, "frame") != 0)
            continue;
        e->frames = xrealloc(e->frames, (e->nframes + 1) * sizeof *e->frames);
        fr = &e->frames[e->nframes++];
        fr->fn = child_text(f, "fn");
        fr->file = child_text(f, "file");
        fr->dir = child_text(f, "dir");
        fr->obj = child_text(f, "obj");
        line = child_text(f, "line");
        fr->line = line ? atoi(line) : 0;
        free(line);
    }
}

static void
read_error(const struct xnode *x, int pid, struct vg_report *rep)
{
    const struct xnode *xwhat = child(x, "xwhat");
    struct vg_error *e;

    rep->errors = xrealloc(rep->errors, (rep->n + 1) * sizeof *rep->errors);
    e = &rep->errors[rep->n++];
    memset(e, 0, sizeof *e);
    e->pid = pid;
    e->kind = child_text(x, "kind");
    if (e->kind == NULL)
        e->kind = xstrdup("Unknown");
    e->what = xwhat ? child_text(xwhat, "text") : child_text(x, "what");
    e->auxwhat = child_text(x, "auxwhat");
    if (xwhat) {
        char *b = child_text(xwhat, "leakedbytes"), *k = child_text(xwhat, "leakedblocks");

        e->leaked_bytes = b ? strtoul(b, NULL, 10) : 0;
        e->leaked_blocks = k ? strtoul(k, NULL, 10) : 0;
        free(b);
        free(k);
    }
    read_stack(child(x, "stack"), e);
}

/* A <stack> outside any <error>: with --track-fds, where a descriptor
 * still open at exit was opened (vg_open_fds() pairs it with the text). */
static void
read_fd_stack(const struct xnode *x, int pid, struct vg_report *rep)
{
    struct vg_error *e;

    rep->fd_stacks = xrealloc(rep->fd_stacks, (rep->nfd_stacks + 1) * sizeof *rep->fd_stacks);
    e = &rep->fd_stacks[rep->nfd_stacks++];
    memset(e, 0, sizeof *e);
    e->pid = pid;
    e->kind = xstrdup("FdOpen");
    read_stack(x, e);
}

int
vg_parse(const char *xml, struct vg_report *rep)
{
    struct xnode root = { 0 };
    const struct xnode *doc;
    const char *p = xml;
    int rc, pid = 0;
    char *pidtext;

    parse_children(&p, &root, 0);   /* the root has no closing tag: ignore its -1 */
    doc = child(&root, "valgrindoutput");
    rc = doc && doc->closed ? 0 : -1;   /* unclosed: Valgrind was killed mid-write */
    if (doc == NULL)
        goto out;
    pidtext = child_text(doc, "pid");
    pid = pidtext ? atoi(pidtext) : 0;
    free(pidtext);
    for (size_t i = 0; i < doc->nkids; i++) {
        const struct xnode *k = doc->kids[i];

        if (strcmp(k->name, "error") == 0) {
            read_error(k, pid, rep);
        } else if (strcmp(k->name, "stack") == 0) {
            read_fd_stack(k, pid, rep);
        } else if (strcmp(k->name, "fatal_signal") == 0) {
            char *signo = child_text(k, "signo");

            rep->fatal_signo = signo ? atoi(signo) : 0;
            free(rep->fatal_signame);
            rep->fatal_signame = child_text(k, "signame");
            rep->fatal_pid = pid;
            free(signo);
        }
    }
out:
    rep->files++;
    if (rc != 0)
        rep->complete = false;
    for (size_t i = 0; i < root.nkids; i++)
        xnode_free(root.kids[i]);
    free(root.kids);
    free(root.text);
    return rc;
}

int
vg_parse_dir(const char *dir, struct vg_report *rep)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int files = 0;

    rep->complete = true;
    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        char path[4096];
        char *xml;

        if (strncmp(de->d_name, "vg.", 3) != 0 || strstr(de->d_name, ".xml") == NULL)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        xml = read_file_tail(path, 1 << 24, NULL, NULL);
        if (xml == NULL)
            continue;
        vg_parse(xml, rep);
        free(xml);
        files++;
    }
    closedir(d);
    return files;
}

static void
vg_error_free(struct vg_error *e)
{
    for (size_t f = 0; f < e->nframes; f++) {
        free(e->frames[f].fn);
        free(e->frames[f].file);
        free(e->frames[f].dir);
        free(e->frames[f].obj);
    }
    free(e->frames);
    free(e->kind);
    free(e->what);
    free(e->auxwhat);
}

void
vg_report_free(struct vg_report *rep)
{
    for (size_t i = 0; i < rep->n; i++)
        vg_error_free(&rep->errors[i]);
    for (size_t i = 0; i < rep->nfd_stacks; i++)
        vg_error_free(&rep->fd_stacks[i]);
    free(rep->errors);
    free(rep->fd_stacks);
    free(rep->fatal_signame);
    memset(rep, 0, sizeof *rep);
}

bool
vg_error_counts(const struct vg_error *e)
{
    return strcmp(e->kind, "Leak_StillReachable") != 0 &&
           strcmp(e->kind, "Leak_IndirectlyLost") != 0;
}

size_t
vg_count(const struct vg_report *rep)
{
    size_t n = 0;

    for (size_t i = 0; i < rep->n; i++)
        n += vg_error_counts(&rep->errors[i]);
    return n;
}

static bool
is_student_file(const char *file, const char *const *sources)
{
    for (size_t i = 0; file && sources && sources[i]; i++)
        if (strcmp(file, sources[i]) == 0)
            return true;
    return false;
}

const struct vg_frame *
vg_user_frame(const struct vg_error *e, const char *const *sources)
{
    for (size_t i = 0; i < e->nframes; i++)
        if (is_student_file(e->frames[i].file, sources))
            return &e->frames[i];
    for (size_t i = 0; i < e->nframes; i++)
        if (e->frames[i].file && e->frames[i].line > 0)
            return &e->frames[i];
    return NULL;
}

/* "msgsnd(msgp->mtext)" from "Syscall param msgsnd(msgp->mtext) points to ..." */
static void
syscall_param(const char *what, struct strbuf *sb)
{
    const char *p = what ? strstr(what, "Syscall param ") : NULL;

    if (p == NULL) {
        sb_adds(sb, "a system call");
        return;
    }
    p += strlen("Syscall param ");
    sb_add(sb, p, strcspn(p, " "));
}

static void
explain_kind(const struct vg_error *e, struct strbuf *sb)
{
    const char *k = e->kind, *aux = e->auxwhat ? e->auxwhat : "";

    if (strcmp(k, "InvalidRead") == 0 || strcmp(k, "InvalidWrite") == 0) {
        bool rd = k[7] == 'R';

        sb_addf(sb, "%s memory your program does not own (%s). ", rd ? "reads" : "writes",
                e->what ? e->what : "");
        if (strstr(aux, "not stack'd, malloc'd"))
            sb_adds(sb, "The address belongs to nothing: often a shared memory segment used "
                        "after shmdt(), past its end, or an uninitialised pointer.");
        else if (strstr(aux, "free'd"))
            sb_adds(sb, "The block was already freed: do not use a pointer after free().");
        else if (strstr(aux, "after a block") || strstr(aux, "before a block"))
            sb_adds(sb, "It is just outside a malloc'd block: check the size you allocate "
                        "and your loop bounds.");
        else if (strstr(aux, "stack"))
            sb_adds(sb, "The address is on the stack: a pointer to a local variable that no "
                        "longer exists?");
    } else if (strcmp(k, "InvalidFree") == 0) {
        sb_adds(sb, "frees memory that was not returned by malloc(), or frees it twice.");
    } else if (strcmp(k, "MismatchedFree") == 0) {
        sb_adds(sb, "releases memory with the wrong function (free vs delete).");
    } else if (strcmp(k, "UninitCondition") == 0) {
        sb_adds(sb, "makes a decision (if, while, ?:) on a value that was never set. "
                    "Initialise the variable, or check the call that should have filled it.");
    } else if (strcmp(k, "UninitValue") == 0) {
        sb_adds(sb, "uses a value that was never set. Initialise the variable, or check the "
                    "call that should have filled it.");
    } else if (strcmp(k, "SyscallParam") == 0) {
        sb_adds(sb, "passes memory that was never initialised (or is not valid) to ");
        syscall_param(e->what, sb);
        sb_adds(sb, ". Every byte you hand to the kernel must be set: fill the whole "
                    "buffer, or memset() it first.");
    } else if (strcmp(k, "Leak_DefinitelyLost") == 0 || strcmp(k, "Leak_PossiblyLost") == 0) {
        sb_addf(sb, "allocates %lu byte%s in %lu block%s that %s never freed. free() what "
                    "you allocate once you no longer need it.", e->leaked_bytes,
                e->leaked_bytes == 1 ? "" : "s", e->leaked_blocks,
                e->leaked_blocks == 1 ? "" : "s",
                k[5] == 'D' ? "are" : "are probably");
    } else if (strcmp(k, "Overlap") == 0) {
        sb_adds(sb, "copies between overlapping buffers (memcpy/strcpy): use memmove().");
    } else if (strcmp(k, "InvalidJump") == 0) {
        sb_adds(sb, "jumps to an invalid address (a corrupted function pointer or stack).");
    } else {
        sb_addf(sb, "has a memory error: %s.", e->what ? e->what : k);
    }
}

void
vg_explain(const struct vg_error *e, const char *const *sources, struct strbuf *sb)
{
    const struct vg_frame *where = vg_user_frame(e, sources);
    bool leak = strncmp(e->kind, "Leak_", 5) == 0;

    if (where)
        sb_addf(sb, "%s:%d: ", where->file, where->line);
    sb_adds(sb, "your program ");
    explain_kind(e, sb);
    if (where && where->fn)
        sb_addf(sb, " (%s in %s())", leak ? "allocated" : "happened", where->fn);
}

void
vg_explain_all(const struct vg_report *rep, const char *const *sources, struct strbuf *sb)
{
    for (size_t i = 0; i < rep->n; i++) {
        const struct vg_error *e = &rep->errors[i];
        const struct vg_frame *w = vg_user_frame(e, sources);
        bool seen = false;

        if (!vg_error_counts(e))
            continue;
        for (size_t j = 0; j < i && !seen; j++) {
            const struct vg_frame *wj = vg_user_frame(&rep->errors[j], sources);

            seen = vg_error_counts(&rep->errors[j]) &&
                   strcmp(rep->errors[j].kind, e->kind) == 0 &&
                   (w == NULL ? wj == NULL
                              : wj && wj->line == w->line && wj->file && w->file &&
                                strcmp(wj->file, w->file) == 0);
        }
        if (seen)
            continue;
        sb_adds(sb, "- ");
        vg_explain(e, sources, sb);
        sb_adds(sb, "\n");
    }
    if (rep->fatal_signo)
        sb_addf(sb, "- the program was killed by %s (signal %d)%s\n",
                rep->fatal_signame ? rep->fatal_signame : "a signal", rep->fatal_signo,
                rep->fatal_signo == 11 ? ": a segmentation fault, an access to memory it "
                                         "may not touch" : "");
}

/* ---- descriptors left open (--track-fds) ---- */

/* A line of Valgrind's text log is "==PID== TEXT": the pid and TEXT
 * (len bytes of it), or false for a line of the program's own. */
static bool
log_line(const char *line, size_t len, int *pid, const char **text, size_t *textlen)
{
    int used = 0;

    if (len < 5 || strncmp(line, "==", 2) != 0 || sscanf(line, "==%d==%n", pid, &used) != 1 ||
        used == 0 || (size_t)used > len)
        return false;
    line += used;
    len -= (size_t)used;
    if (len > 0 && *line == ' ') {
        line++;
        len--;
    }
    *text = line;
    *textlen = len;
    return true;
}

/* The descriptor number in Valgrind's "AF_UNIX socket 5: name", "file
 * descriptor 7: /path", "file descriptor 7:": the digits just before the
 * first ':'. -1 if there are none. */
static int
fd_number(const char *what, size_t len)
{
    const char *colon = memchr(what, ':', len), *p;

    if (colon == NULL || colon == what || !isdigit((unsigned char)colon[-1]))
        return -1;
    for (p = colon; p > what && isdigit((unsigned char)p[-1]); p--)
        ;
    if (colon - p > 6)
        return -1;
    return atoi(p);
}

size_t
vg_open_fds(const struct vg_report *rep, const char *log, struct vg_open_fd **out)
{
    struct vg_open_fd *fds = NULL;
    size_t n = 0;

    for (const char *line = log, *next; line && *line; line = next) {
        size_t len = strcspn(line, "\n"), tlen;
        const char *text;
        int pid, fd;

        next = line + len + (line[len] == '\n');
        if (!log_line(line, len, &pid, &text, &tlen))
            continue;
        if (tlen > 5 && strncmp(text, "Open ", 5) == 0 &&
            (fd = fd_number(text + 5, tlen - 5)) >= 0) {
            fds = xrealloc(fds, (n + 1) * sizeof *fds);
            fds[n].pid = pid;
            fds[n].fd = fd;
            fds[n].what = xmalloc(tlen - 5 + 1);
            memcpy(fds[n].what, text + 5, tlen - 5);
            fds[n].what[tlen - 5] = '\0';
            fds[n].opened = NULL;
            n++;
        } else if (n > 0 && fds[n - 1].pid == pid && memmem(text, tlen, "<inherited from parent>",
                                                             23) != NULL) {
            free(fds[--n].what);        /* not the program's: the grader's or Valgrind's */
        }
    }
    /* Stack k of a process (in the XML) belongs to its k-th descriptor not
     * inherited (in the text). Pair them from the end: the log is a tail
     * and may have lost its beginning. */
    for (size_t i = n; i-- > 0;) {
        size_t later = 0;

        for (size_t j = i + 1; j < n; j++)
            later += fds[j].pid == fds[i].pid;
        for (size_t s = rep ? rep->nfd_stacks : 0; s-- > 0;) {
            if (rep->fd_stacks[s].pid != fds[i].pid)
                continue;
            if (later-- == 0) {
                fds[i].opened = &rep->fd_stacks[s];
                break;
            }
        }
    }
    /* 0, 1 and 2 are the program's to keep open. */
    for (size_t i = 0; i < n;) {
        if (fds[i].fd <= 2) {
            free(fds[i].what);
            memmove(&fds[i], &fds[i + 1], (n - i - 1) * sizeof *fds);
            n--;
        } else {
            i++;
        }
    }
    *out = fds;
    return n;
}

void
vg_open_fds_free(struct vg_open_fd *fds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(fds[i].what);
    free(fds);
}

void
vg_describe_fd(const struct vg_open_fd *f, const char *const *sources, struct strbuf *sb)
{
    const char *colon = strchr(f->what, ':');
    const char *name = colon ? colon + 1 + strspn(colon + 1, " ") : "";

    sb_addf(sb, "descriptor %d", f->fd);
    if (strncmp(f->what, "AF_UNIX socket", 14) == 0)
        sb_addf(sb, " (a Unix socket%s%s)", *name && strcmp(name, "<unknown>") != 0 ?
                ", " : " with no name", strcmp(name, "<unknown>") != 0 ? name : "");
    else if (strncmp(f->what, "file descriptor", 15) == 0 && *name)
        sb_addf(sb, " (%s)", name);
    else
        sb_addf(sb, " (%s)", f->what);
    if (f->opened) {
        const struct vg_frame *where = vg_user_frame(f->opened, sources);
        const char *call = f->opened->nframes ? f->opened->frames[0].fn : NULL;

        if (call && where != &f->opened->frames[0])
            sb_addf(sb, ", opened by %s()", call);
        if (where && where->fn)
            sb_addf(sb, " in %s()", where->fn);
        if (where && where->file)
            sb_addf(sb, " at %s:%d", where->file, where->line);
    }
}
