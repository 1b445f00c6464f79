/* kernel-surface: calls a student's program never needs, each the start of
 * known kernel exploits, with arguments the kernel would answer otherwise
 * than EPERM (a keyring id, a user-mode userfaultfd, EFAULT, EINVAL):
 * keyctl(), bpf(), userfaultfd(), io_uring_setup(), perf_event_open(). Says
 * what each answered; exits 1. */
#include <sys/syscall.h>

#define HOSTILE_KEYCTL_GET_KEYRING_ID   0
#define HOSTILE_KEY_SPEC_SESSION        (-3)
#define HOSTILE_UFFD_USER_MODE_ONLY     1
#define HOSTILE_BPF_NO_SUCH_COMMAND     9999

static void
hostile_try(const char *name, long rc)
{
    if (rc == -1)
        hostile_say("%s() failed: %s", name, strerror(errno));
    else
        hostile_say("%s() worked (it returned %ld)", name, rc);
}

int
main(void)
{
    hostile_try("keyctl", syscall(SYS_keyctl, HOSTILE_KEYCTL_GET_KEYRING_ID,
                                  HOSTILE_KEY_SPEC_SESSION, 1));
    hostile_try("bpf", syscall(SYS_bpf, HOSTILE_BPF_NO_SUCH_COMMAND, NULL, 0));
    hostile_try("userfaultfd", syscall(SYS_userfaultfd, HOSTILE_UFFD_USER_MODE_ONLY));
    hostile_try("io_uring_setup", syscall(SYS_io_uring_setup, 1, NULL));
    hostile_try("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
    return 1;
}
