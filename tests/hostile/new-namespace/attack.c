/* new-namespace: make a user namespace (and a network one), where a
 * program holds every capability: the first step of most of the kernel's
 * privilege escalations of recent years. Tries unshare(), clone() with
 * CLONE_NEWUSER and, on x86_64, unshare() through the x32 ABI (numbers a
 * filter for x86_64 alone would not know); says what worked; exits 1. */
#include <linux/sched.h>
#include <sys/syscall.h>

#define HOSTILE_X32_UNSHARE (0x40000000L | 272)

static void
hostile_unshare(void)
{
    if (syscall(SYS_unshare, CLONE_NEWUSER | CLONE_NEWNET) == -1)
        hostile_say("unshare(CLONE_NEWUSER|CLONE_NEWNET) failed: %s", strerror(errno));
    else
        hostile_say("made a user namespace with unshare()");
}

static void
hostile_clone(void)
{
    long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);

    if (pid == 0)
        _exit(0);
    if (pid == -1) {
        hostile_say("clone(CLONE_NEWUSER) failed: %s", strerror(errno));
        return;
    }
    waitpid((pid_t)pid, NULL, 0);
    hostile_say("made a user namespace with clone()");
}

static void
hostile_x32(void)
{
#ifdef __x86_64__
    long rc;

    __asm__ volatile("syscall" : "=a"(rc) : "a"(HOSTILE_X32_UNSHARE), "D"((long)CLONE_NEWUSER)
                     : "rcx", "r11", "memory");
    if (rc == 0)
        hostile_say("made a user namespace with the x32 unshare()");
    else
        hostile_say("the x32 unshare() failed: %s", strerror((int)-rc));
#endif
}

int
main(void)
{
    hostile_clone();    /* first: after unshare() our uid has no mapping to nest from */
    hostile_x32();
    hostile_unshare();
    return 1;
}
