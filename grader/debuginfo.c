/* debuginfo.c: see debuginfo.h. */
#define _GNU_SOURCE
#include "debuginfo.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct build_id {
    char hex[2 * 64 + 1];       /* lower-case hex; "" until found */
};

/* The GNU build-id note among one loaded object's PT_NOTE segments. */
static void
note_build_id(const struct dl_phdr_info *info, struct build_id *out)
{
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;

        if (ph->p_type != PT_NOTE)
            continue;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
            const unsigned char *desc = (const unsigned char *)(p + sizeof *n +
                                                                ((n->n_namesz + 3) & ~3u));

            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
                memcmp(p + sizeof *n, "GNU", 4) == 0 && n->n_descsz > 1 &&
                n->n_descsz <= 64 && (const char *)desc + n->n_descsz <= end) {
                for (unsigned j = 0; j < n->n_descsz; j++)
                    snprintf(out->hex + 2 * j, 3, "%02x", desc[j]);
                return;
            }
            p += sizeof *n + ((n->n_namesz + 3) & ~3u) + ((n->n_descsz + 3) & ~3u);
        }
    }
}

/* What the objects of enum debuginfo_object are called: the start of the
 * file name they are loaded from. */
static const char *const object_prefix[DEBUGINFO_OBJECTS] = {
    [DEBUGINFO_LIBC] = "libc.so.",
    [DEBUGINFO_LOADER] = "ld-linux",    /* ld-linux-x86-64.so.2, ld-linux-aarch64.so.1 */
};

struct search {
    const char *prefix;
    struct build_id id;
};

static int
find_object(struct dl_phdr_info *info, size_t size, void *arg)
{
    struct search *want = arg;
    const char *slash = strrchr(info->dlpi_name, '/');
    const char *base = slash ? slash + 1 : info->dlpi_name;

    (void)size;
    if (strncmp(base, want->prefix, strlen(want->prefix)) != 0)
        return 0;
    note_build_id(info, &want->id);
    return 1;
}

int
debuginfo_path(enum debuginfo_object which, char *path, size_t len)
{
    struct search want = { .prefix = object_prefix[which], .id = { "" } };
    struct stat st;

    dl_iterate_phdr(find_object, &want);
    if (want.id.hex[0] == '\0')
        return -1;
    snprintf(path, len, "/usr/lib/debug/.build-id/%.2s/%s.debug", want.id.hex, want.id.hex + 2);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
}

int
debuginfo_symbols_only(const char *full, const char *lean)
{
    char *argv[] = { "objcopy", "--strip-debug", (char *)full, (char *)lean, NULL };
    posix_spawn_file_actions_t fa;
    int status, rc;
    pid_t pid;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    rc = posix_spawnp(&pid, "objcopy", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}
