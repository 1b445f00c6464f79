/* debuginfo.h: a lighter debug file for the C library, for Valgrind.
 *
 * Memcheck reads the C library's detached debug file (Debian's libc6-dbg,
 * which it needs for the dynamic loader's symbols) each time it starts: a
 * third of a typical run's time in the grader. A copy of that file with its
 * symbols but not its DWARF gives the same redirections and function names
 * (only libc's own file:line go), and starts in two thirds of the time. */
#ifndef DEBUGINFO_H
#define DEBUGINFO_H

#include <stddef.h>

/* The detached debug file of the C library this process runs with, by
 * build id (/usr/lib/debug/.build-id/xx/yyyy.debug), into path. Return 0,
 * or -1 when the library has no build id or the file is not there. */
int debuginfo_libc_path(char *path, size_t len);
/* Write to lean a copy of debug file `full` with only its symbols
 * (objcopy --strip-debug). Return 0, or -1 (no objcopy, a failed copy). */
int debuginfo_symbols_only(const char *full, const char *lean);

#endif
