/* ns.c: see ns.h. */
#define _GNU_SOURCE
#include "ns.h"
#include "util.h"

#include <sched.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

int
ns_unshare(int flags)
{
    char map[64];
    int dumpable, rc;
    uid_t uid = geteuid();
    gid_t gid = getegid();

    if (uid == 0)
        return unshare(flags);
    if (unshare(CLONE_NEWUSER | flags) == -1)
        return -1;
    /* A non-dumpable process's /proc files belong to root: the maps could
     * not be written. Be dumpable just while writing them. */
    dumpable = prctl(PR_GET_DUMPABLE);
    prctl(PR_SET_DUMPABLE, 1);
    write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    rc = write_file("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    if (rc == 0)
        rc = write_file("/proc/self/gid_map", map);
    prctl(PR_SET_DUMPABLE, dumpable);
    return rc;
}

int
enter_private_ipc(void)
{
    return ns_unshare(CLONE_NEWIPC);
}
