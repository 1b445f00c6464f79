/* fuzz_options.c: libFuzzer target for the options of `ipcgrade grade`,
 * `ipcgrade batch` and `ipcgrade merge` (grader/options.c).
 *
 * An input is an argument list, the arguments separated by NUL bytes (the one
 * byte an argument cannot hold); every parser reads it. Each must either accept
 * it with sensible values or give a one-line reason, and never crash or leak.
 *
 *   $ sh tests/fuzz/run.sh 60         (builds build/fuzz/fuzz_options and runs it)
 *   $ build/fuzz/fuzz_options FILE    (one input again) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target links the parser, not the suites (tests/fuzz/run.sh): a table of
 * the workbook's exercise ids stands in for grader/suites/exercises.c. */
#define STUB(name) static const struct exercise name = { #name, #name, "chapters/x.md", NULL, NULL, 0, NULL, 0 }
STUB(keys); STUB(shmget); STUB(shmat); STUB(shmctl); STUB(semaphores);
STUB(msgget); STUB(msgqueue); STUB(msgctl); STUB(sockets); STUB(transport);
const struct exercise *const exercises[] = {
    &keys, &shmget, &shmat, &shmctl, &semaphores, &msgget, &msgqueue, &msgctl, &sockets,
    &transport, NULL,
};

#define MAX_ARGS 64

/* The arguments in copy (size bytes, NUL-terminated beyond them) into argv. */
static int
split_args(char *copy, size_t size, char **argv)
{
    int argc = 0;

    if (size == 0)
        return 0;
    for (char *a = copy; a <= copy + size && argc < MAX_ARGS; a += strlen(a) + 1)
        argv[argc++] = a;
    return argc;
}

static void
check_grade(int argc, char **argv)
{
    struct grade_args args;
    char *why = grade_args_parse(argc, argv, &args);

    if (why != NULL) {
        if (why[0] == '\0')
            abort();
        free(why);
        return;
    }
    if (args.ex == NULL || exercise_find(args.ex->id) != args.ex ||
        args.opt.jobs < 0 || args.opt.jobs > 64 || (unsigned)args.fmt > FORMAT_PRAIRIELEARN)
        abort();
}

static void
check_batch(int argc, char **argv)
{
    struct batch_options opt;
    char *why = batch_args_parse(argc, argv, &opt);

    if (why != NULL) {
        if (why[0] == '\0')
            abort();
        free(why);
        return;
    }
    if (opt.class_dir == NULL || opt.out_dir == NULL || opt.jobs < 0 || opt.jobs > 64 ||
        (opt.nshards == 0 ? opt.shard != 0 : opt.shard < 1 || opt.shard > opt.nshards))
        abort();
}

static void
check_merge(int argc, char **argv)
{
    struct merge_options opt;
    char *why = merge_args_parse(argc, argv, &opt);

    if (why != NULL) {
        if (why[0] == '\0' || opt.shard_dirs != NULL)
            abort();
        free(why);
        return;
    }
    if (opt.out_dir == NULL || opt.nshard_dirs == 0 || opt.nshard_dirs > (size_t)argc)
        abort();
    for (size_t i = 0; i < opt.nshard_dirs; i++)
        if (opt.shard_dirs[i] == NULL || opt.shard_dirs[i][0] == '-')
            abort();
    free(opt.shard_dirs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = xmalloc(size + 1), *argv[MAX_ARGS + 1];
    int argc;

    memcpy(copy, data, size);
    copy[size] = '\0';
    argc = split_args(copy, size, argv);
    argv[argc] = NULL;
    check_grade(argc, argv);
    check_batch(argc, argv);
    check_merge(argc, argv);
    free(copy);
    return 0;
}
