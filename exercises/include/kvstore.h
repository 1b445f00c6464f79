/* kvstore.h: the protocol of the kvstore project (chapters/05a-project-kvstore.md).
 *
 * Everything here is interface: what every kvstore must agree on so that
 * any two of them (yours, the reference, a classmate's) can share one
 * store, and so that the grader can drive and watch them. How the table is
 * laid out in the segment, how many semaphores the set has and what each
 * one means are yours to design; nothing here says.
 *
 *   kvstore [--hold MS] init | remove | put NAME VALUE | get NAME | del NAME
 *                       | list | stats
 *
 * The store is ONE System V shared memory segment and ONE System V
 * semaphore set, both with key KV_KEY and permissions 0600, made by `init`
 * (IPC_EXCL) and removed by `remove`. It holds at most KV_CAPACITY names.
 */
#ifndef KVSTORE_H
#define KVSTORE_H

#include <stdbool.h>
#include <string.h>

/* The key of the segment and of the semaphore set ("KVST"). */
#define KV_KEY          0x4b565354
/* How many names the store holds at most; a put of a new name beyond
 * that fails (KV_FULL_MSG) and changes nothing. */
#define KV_CAPACITY     64
/* The longest NAME and VALUE, in bytes (without the terminating '\0'). */
#define KV_NAME_MAX     31
#define KV_VALUE_MAX    255
/* With --hold MS, printed on its own line (and flushed) once the program
 * holds its lock: the grader waits for it before it starts the next
 * process. */
#define KV_HOLDING      "holding"
/* The longest --hold, in milliseconds. */
#define KV_HOLD_MAX     60000
/* Messages on stderr, after "kvstore: ", with exit status 1. */
#define KV_NOT_FOUND    "not found"     /* "kvstore: NAME: not found" */
#define KV_FULL_MSG     "store full"    /* "kvstore: store full" */

/* A NAME is 1 to KV_NAME_MAX characters, each a letter, a digit, '_', '-'
 * or '.'. Anything else is a usage error (exit status 2). */
static inline bool
kv_name_ok(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > KV_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return false;
    }
    return true;
}

/* A VALUE is 1 to KV_VALUE_MAX printable ASCII characters (space
 * included). Anything else is a usage error (exit status 2). */
static inline bool
kv_value_ok(const char *value)
{
    size_t n = strlen(value);

    if (n == 0 || n > KV_VALUE_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (value[i] < ' ' || value[i] > '~')
            return false;
    return true;
}

#endif /* KVSTORE_H */
