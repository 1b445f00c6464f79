/* fuzz_sysvipc.c: libFuzzer target for the /proc/sysvipc reader
 * (grader/ipcstate.c).
 *
 * An input is one byte choosing the file ('0' shm, '1' msg, '2' sem: the byte
 * modulo 3) and then that file's text, which goes to ipc_parse_text() as
 * ipc_snapshot() passes it. Every object read is then described and compared
 * as the expectations do. A crash, leak, hang or broken invariant fails the
 * fuzzer.
 *
 *   $ sh tests/fuzz/run.sh 60         (builds build/fuzz/fuzz_sysvipc and runs it)
 *   $ build/fuzz/fuzz_sysvipc FILE    (one input again) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipcstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lines after the header with something other than blanks on them: an upper
 * bound for the objects read (one per line, never one line twice). */
static size_t
data_lines(const char *text)
{
    const char *line = strchr(text, '\n');
    size_t n = 0;

    while (line && *++line) {
        size_t len = strcspn(line, "\n");

        n += strspn(line, " \t") < len;
        line += len;
        if (*line == '\0')
            break;
    }
    return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ipc_set set = { 0 }, none = { 0 };
    struct strbuf sb = { 0 };
    struct ipc_obj *added;
    enum ipc_kind kind;
    char *text;

    if (size == 0)
        return 0;
    kind = (enum ipc_kind)(data[0] % 3);
    text = xmalloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    ipc_parse_text(kind, text, &set);
    if (set.n > data_lines(text))
        abort();
    for (size_t i = 0; i < set.n; i++) {
        const struct ipc_obj *o = &set.obj[i];

        if (o->kind != kind || ipc_find_id(&set, kind, o->id) == NULL ||
            ipc_find_key(&set, kind, o->key) == NULL)
            abort();
        ipc_describe(o, &sb);
        ipc_removal_advice(o, &sb);
    }
    if (ipc_count(&set, kind) != set.n || ipc_added(&none, &set, &added) != set.n)
        abort();
    free(added);
    sb_free(&sb);
    ipc_set_free(&set);
    free(text);
    return 0;
}
