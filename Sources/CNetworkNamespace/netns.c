// setns(2) needs _GNU_SOURCE, which Swift's Glibc module is not built with: this is the only reason for C here.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <sys/socket.h>

#include "CNetworkNamespace.h"

int cnetns_socket_in(int namespace_fd, int home_fd, int domain, int type, int protocol) {
    if (setns(namespace_fd, CLONE_NEWNET) != 0) {
        return -1;
    }
    int fd = socket(domain, type, protocol);
    int saved = errno;
    if (setns(home_fd, CLONE_NEWNET) != 0) {
        return -2;
    }
    errno = saved;
    return fd;
}
