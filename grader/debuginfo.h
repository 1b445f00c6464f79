/* debuginfo.h: lighter debug files for the C library and the dynamic
 * loader, for Valgrind.
 *
 * Memcheck reads the detached debug files (Debian's libc6-dbg, which it
 * needs for the dynamic loader's symbols) of both each time it starts: a
 * third of a typical run's time in the grader. Copies of those files with
 * their symbols but not their DWARF give the same redirections and function
 * names (only the libraries' own file:line go), and start in two thirds of
 * the time. */
#ifndef DEBUGINFO_H
#define DEBUGINFO_H

#include <stddef.h>

enum debuginfo_object {
    DEBUGINFO_LIBC,             /* the C library, libc.so.6 */
    DEBUGINFO_LOADER,           /* the dynamic loader, ld-linux-*.so.* */
    DEBUGINFO_OBJECTS
};

/* The detached debug file of object `which` as this process runs with it,
 * by build id (/usr/lib/debug/.build-id/xx/yyyy.debug), into path. Return
 * 0, or -1 when the object has no build id or the file is not there. */
int debuginfo_path(enum debuginfo_object which, char *path, size_t len);
/* Write to lean a copy of debug file `full` with only its symbols
 * (objcopy --strip-debug). Return 0, or -1 (no objcopy, a failed copy). */
int debuginfo_symbols_only(const char *full, const char *lean);

#endif
