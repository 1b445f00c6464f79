/* check_debuginfo.c: the lighter debug files of the C library and the
 * loader that Valgrind's runs see (debuginfo.c): found by the build ids of
 * this process's libc and ld.so, and copied with their symbols (which
 * memcheck needs for the loader's redirections) but not their DWARF. */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo.h"
#include "util.h"
#include "unit.h"

/* Does the ELF file at path have a section named name? */
static bool
has_section(const char *path, const char *name)
{
    size_t len = 0;
    char *data = read_file_tail(path, 64 << 20, &len, NULL);
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)data;
    bool found = false;

    if (data && len >= sizeof *eh && memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
        eh->e_shoff + (size_t)eh->e_shnum * sizeof(ElfW(Shdr)) <= len &&
        eh->e_shstrndx < eh->e_shnum) {
        const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(data + eh->e_shoff);
        const char *names = data + sh[eh->e_shstrndx].sh_offset;

        for (int i = 0; i < eh->e_shnum && !found; i++)
            found = strcmp(names + sh[i].sh_name, name) == 0;
    }
    free(data);
    return found;
}

/* Run once for each enum debuginfo_object (_i). */
START_TEST(finds_debug_files_and_keeps_only_their_symbols)
{
    char full[PATH_MAX], lean[] = "/tmp/ipcgrade-unit.XXXXXX";
    struct stat a, b;
    int fd;

    ck_assert_int_eq(debuginfo_path(_i, full, sizeof full), 0);
    ck_assert_ptr_nonnull(strstr(full, "/usr/lib/debug/.build-id/"));
    ck_assert(has_section(full, ".debug_info"));
    fd = mkstemp(lean);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(debuginfo_symbols_only(full, lean), 0);
    ck_assert_int_eq(stat(full, &a), 0);
    ck_assert_int_eq(stat(lean, &b), 0);
    ck_assert(has_section(lean, ".symtab"));
    ck_assert(has_section(lean, ".note.gnu.build-id"));
    ck_assert(!has_section(lean, ".debug_info"));
    ck_assert_int_lt(b.st_size, a.st_size / 2);
    unlink(lean);
    /* A file that is not there is refused, not copied. */
    ck_assert_int_eq(debuginfo_symbols_only("/nonexistent.debug", lean), -1);
    unlink(lean);
}
END_TEST

Suite *
debuginfo_suite(void)
{
    Suite *s = suite_create("debuginfo");
    TCase *tc = tcase_create("libc");
    char path[PATH_MAX];

    /* Debian's valgrind needs libc6-dbg, but only for this machine's own
     * architecture: an aarch64 build under qemu-user finds none. */
    for (int i = 0; i < DEBUGINFO_OBJECTS; i++) {
        if (debuginfo_path(i, path, sizeof path) == 0)
            tcase_add_loop_test(tc, finds_debug_files_and_keeps_only_their_symbols, i, i + 1);
        else
            unit_skip(finds_debug_files_and_keeps_only_their_symbols->name,
                      "no detached debug file (libc6-dbg) for this C library here");
    }
    suite_add_tcase(s, tc);
    return s;
}
