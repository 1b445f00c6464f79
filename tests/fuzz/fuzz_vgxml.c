/* fuzz_vgxml.c: libFuzzer target for the Valgrind XML reader (grader/vgxml.c).
 *
 * An input is the folder of vg.PID.xml files of one run, the files separated
 * by NUL bytes: the grader reads each file whole and hands it, NUL-terminated,
 * to vg_parse(), so a NUL is where the parser's view of a file ends anyway.
 * Every file is parsed into one report, which is then counted and explained
 * as expect_valgrind_clean() does; the last part is also read as Valgrind's
 * text log for the descriptors left open (vg_open_fds(), --track-fds). A
 * crash, leak, hang or broken invariant fails the fuzzer.
 *
 *   $ sh tests/fuzz/run.sh 60         (builds build/fuzz/fuzz_vgxml and runs it)
 *   $ build/fuzz/fuzz_vgxml FILE      (one input again) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vgxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The student's sources, as the grader passes them (basenames). */
static const char *const sources[] = {
    "ipckey.c", "shmreader.c", "msgclient.c", "msgserver.c", "fdleak.c", NULL,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = xmalloc(size + 1);
    struct vg_report rep = { 0 };
    struct strbuf sb = { 0 };
    const char *last = copy;
    struct vg_open_fd *fds;
    size_t nfds;
    int files = 0;

    memcpy(copy, data, size);
    copy[size] = '\0';
    rep.complete = true;                    /* as vg_parse_dir() starts */
    for (const char *xml = copy; xml <= copy + size; xml += strlen(xml) + 1) {
        vg_parse(xml, &rep);
        last = xml;
        files++;
    }
    vg_explain_all(&rep, sources, &sb);
    nfds = vg_open_fds(&rep, last, &fds);
    for (size_t i = 0; i < nfds; i++) {
        if (fds[i].what == NULL || fds[i].fd < 0)
            abort();
        vg_describe_fd(&fds[i], sources, &sb);
    }
    vg_open_fds_free(fds, nfds);
    /* What the report promises its readers. */
    if (rep.files != files || vg_count(&rep) > rep.n || (rep.n > 0 && rep.errors == NULL))
        abort();
    for (size_t i = 0; i < rep.n; i++)
        if (rep.errors[i].kind == NULL || (rep.errors[i].nframes > 0 && !rep.errors[i].frames))
            abort();
    if (vg_count(&rep) > 0 && sb.len == 0)
        abort();                            /* a counted error explained in no words */
    sb_free(&sb);
    vg_report_free(&rep);
    free(copy);
    return 0;
}
