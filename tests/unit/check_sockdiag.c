/* check_sockdiag.c: what the grader says about sockets: where a process
 * blocked in accept() or poll() waits (diagnose.c, from /proc/PID/fd and
 * /proc/PID/net/unix), and the descriptors Valgrind --track-fds found
 * open at exit (vgxml.c, its text log paired with the XML's stacks). */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diagnose.h"
#include "vgxml.h"
#include "util.h"
#include "unit.h"

/* A listening socket with an abstract name unique to this process (no
 * file to clean up); its name, as /proc/net/unix shows it, into name. */
static int
listen_abstract(char *name, size_t size, struct sockaddr_un *addr, socklen_t *len)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(name, size, "ipcgrade-unit.%d", (int)getpid());
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path + 1, name, strlen(name));
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)addr, *len), 0);
    ck_assert_int_eq(listen(fd, 4), 0);
    return fd;
}

/* Wait (up to 5 s, for a loaded machine) until pid's diagnosis has text. */
static char *
diagnosis_with(pid_t pid, const char *text)
{
    static struct strbuf sb;

    for (int i = 0; i < 500; i++) {
        sb_free(&sb);
        if (diagnose_pid(pid, &sb) == 0 && strstr(sb_str(&sb), text) != NULL)
            break;
        usleep(10000);
    }
    return sb.buf ? sb.buf : (char *)"";
}

START_TEST(names_the_socket_a_server_waits_on)
{
    struct sockaddr_un addr;
    char name[64], at_name[80], *words;
    socklen_t len;
    int lfd = listen_abstract(name, sizeof name, &addr, &len), cfd, sfd;
    pid_t in_accept, in_poll;

    snprintf(at_name, sizeof at_name, "@%s", name);
    if ((in_accept = fork()) == 0) {
        accept(lfd, NULL, NULL);
        _exit(0);
    }
    words = diagnosis_with(in_accept, "accept()");
    ck_assert_msg(strstr(words, "blocked in accept() on socket @ipcgrade-unit.") != NULL,
                  "got: %s", words);
    kill(in_accept, SIGKILL);
    waitpid(in_accept, NULL, 0);

    cfd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(connect(cfd, (struct sockaddr *)&addr, len), 0);
    sfd = accept(lfd, NULL, NULL);
    ck_assert_int_ge(sfd, 0);
    if ((in_poll = fork()) == 0) {
        struct pollfd fds[2] = { { lfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };

        poll(fds, 2, -1);
        _exit(0);
    }
    words = diagnosis_with(in_poll, "poll()");
    /* qemu-user makes the emulated poll() a ppoll() of the machine's */
    ck_assert_msg(strstr(words, unit_emulated() ? "waiting in ppoll() for 2 descriptors"
                                                : "waiting in poll() for 2 descriptors") != NULL,
                  "got: %s", words);
    ck_assert_msg(strstr(words, "(the listening socket @ipcgrade-unit.") != NULL, "got: %s",
                  words);
    ck_assert_msg(strstr(words, "(a client's connection, accepted on socket "
                                "@ipcgrade-unit.") != NULL, "got: %s", words);
    kill(in_poll, SIGKILL);
    waitpid(in_poll, NULL, 0);

    {
        char path[128];
        bool listening = false;

        ck_assert(diagnose_unix_fd(getpid(), lfd, path, sizeof path, &listening));
        ck_assert(listening);
        ck_assert_str_eq(path, at_name);
        ck_assert(diagnose_unix_fd(getpid(), sfd, path, sizeof path, &listening));
        ck_assert(!listening);
        ck_assert(diagnose_unix_fd(getpid(), cfd, path, sizeof path, &listening));
        ck_assert_str_eq(path, "");         /* the client's end has no name */
        ck_assert(!diagnose_unix_fd(getpid(), 0, path, sizeof path, &listening));
    }
    close(cfd);
    close(sfd);
    close(lfd);
}
END_TEST

#define FRAME(fn, file, line) \
    "<frame><ip>0x1</ip><obj>/x</obj><fn>" fn "</fn><dir>/s</dir><file>" file \
    "</file><line>" #line "</line></frame>"

/* Valgrind 3.19, --track-fds=yes --xml=yes: the stacks of the descriptors
 * it did not inherit, in the order of the text log, outside any error. */
static const char fd_xml[] =
    "<?xml version=\"1.0\"?>\n<valgrindoutput>\n<protocolversion>4</protocolversion>\n"
    "<pid>2</pid><ppid>1</ppid><tool>memcheck</tool>\n"
    "<status><state>FINISHED</state></status>\n"
    "<stack>" FRAME("accept", "accept.c", 26) FRAME("accept_client", "sockserver.c", 151)
    FRAME("main", "sockserver.c", 310) "</stack>\n"
    "<stack>" FRAME("open", "open64.c", 41) FRAME("main", "sockserver.c", 280) "</stack>\n"
    "<errorcounts></errorcounts>\n</valgrindoutput>\n";

static const char fd_log[] =
    "sockserver: a line of the program's own\n"
    "==2== FILE DESCRIPTORS: 6 open (3 std) at exit.\n"
    "==2== Open AF_UNIX socket 5: service.sock\n"
    "==2== \n"
    "==2== Open file descriptor 4: /etc/passwd\n"
    "==2== \n"
    "==2== Open file descriptor 3: /tmp/run1.vg/vg.2.xml\n"
    "==2==    <inherited from parent>\n"
    "==2== \n";

START_TEST(pairs_open_descriptors_with_their_stacks)
{
    static const char *const sources[] = { "sockserver.c", NULL };
    struct vg_report rep = { 0 };
    struct vg_open_fd *fds;
    struct strbuf sb = { 0 };
    size_t n;

    ck_assert_int_eq(vg_parse(fd_xml, &rep), 0);
    ck_assert_uint_eq(rep.n, 0);            /* not errors */
    ck_assert_uint_eq(rep.nfd_stacks, 2);
    n = vg_open_fds(&rep, fd_log, &fds);
    ck_assert_uint_eq(n, 2);                /* the inherited one is not the program's */
    ck_assert_int_eq(fds[0].fd, 5);
    ck_assert_int_eq(fds[1].fd, 4);
    ck_assert_ptr_eq(fds[0].opened, &rep.fd_stacks[0]);
    vg_describe_fd(&fds[0], sources, &sb);
    ck_assert_str_eq(sb_str(&sb), "descriptor 5 (a Unix socket, service.sock), opened by "
                                  "accept() in accept_client() at sockserver.c:151");
    sb_free(&sb);
    vg_describe_fd(&fds[1], sources, &sb);
    ck_assert_str_eq(sb_str(&sb), "descriptor 4 (/etc/passwd), opened by open() in main() at "
                                  "sockserver.c:280");
    sb_free(&sb);
    vg_open_fds_free(fds, n);

    /* A log cut at its start: pair from the end. */
    n = vg_open_fds(&rep, strstr(fd_log, "==2== Open file descriptor 4"), &fds);
    ck_assert_uint_eq(n, 1);
    ck_assert_ptr_eq(fds[0].opened, &rep.fd_stacks[1]);
    vg_open_fds_free(fds, n);

    /* No report at all: nothing open. */
    ck_assert_uint_eq(vg_open_fds(&rep, "==2== HEAP SUMMARY:\n", &fds), 0);
    free(fds);
    vg_report_free(&rep);
}
END_TEST

Suite *
sockdiag_suite(void)
{
    Suite *s = suite_create("sockdiag");
    TCase *tc = tcase_create("sockets");

    tcase_add_test(tc, names_the_socket_a_server_waits_on);
    tcase_add_test(tc, pairs_open_descriptors_with_their_stacks);
    suite_add_tcase(s, tc);
    return s;
}
