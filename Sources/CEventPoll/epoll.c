#define _GNU_SOURCE
#include "CEventPoll.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

int cep_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int cep_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = events;
    event.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &event);
}

void *cep_events_alloc(int count) { return calloc((size_t)count, sizeof(struct epoll_event)); }
void cep_events_free(void *events) { free(events); }

int cep_wait(int epfd, void *events, int count, int timeout_ms) {
    return epoll_wait(epfd, (struct epoll_event *)events, count, timeout_ms);
}

uint32_t cep_event_flags(const void *events, int index) { return ((const struct epoll_event *)events)[index].events; }
uint64_t cep_event_data(const void *events, int index) { return ((const struct epoll_event *)events)[index].data.u64; }

int cep_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

void cep_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t written = write(fd, &one, sizeof one);
    (void)written;  // EAGAIN: the counter is already nonzero, the loop wakes anyway
}

void cep_eventfd_clear(int fd) {
    uint64_t value;
    ssize_t got = read(fd, &value, sizeof value);
    (void)got;
}

static int peer_of(const struct sockaddr_storage *address, uint64_t *high, uint64_t *low) {
    if (address->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        *high = 0;
        *low = ntohl(v4->sin_addr.s_addr);
        return 4;
    }
    if (address->ss_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
        uint64_t h = 0, l = 0;
        for (int i = 0; i < 8; i++) h = h << 8 | v6->sin6_addr.s6_addr[i];
        for (int i = 8; i < 16; i++) l = l << 8 | v6->sin6_addr.s6_addr[i];
        *high = h;
        *low = l;
        return 6;
    }
    return 0;
}

int cep_accept(int listen_fd, int *family, uint64_t *high, uint64_t *low) {
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    int fd = accept4(listen_fd, (struct sockaddr *)&address, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return -1;
    *family = peer_of(&address, high, low);
    return fd;
}

int cep_local_port(int fd) {
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) return -1;
    if (address.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&address)->sin_port);
    if (address.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
    return -1;
}

static int make_address(const char *host, int port, struct sockaddr_storage *address, socklen_t *length) {
    memset(address, 0, sizeof *address);
    struct sockaddr_in *v4 = (struct sockaddr_in *)address;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)address;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *length = sizeof *v4;
        return AF_INET;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *length = sizeof *v6;
        return AF_INET6;
    }
    errno = EINVAL;
    return -1;
}

/// Closes `fd` after a failed step and returns -1, with `errno` still that step's.
static int close_failed(int fd) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

int cep_listen(const char *host, int port, int backlog, int reuse_port, const char **stage) {
    struct sockaddr_storage address;
    socklen_t length;
    *stage = "address";
    int family = make_address(host, port, &address, &length);
    if (family < 0) return -1;
    *stage = "socket";
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    *stage = "SO_REUSEADDR";
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) return close_failed(fd);
    *stage = "SO_REUSEPORT";
    if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) return close_failed(fd);
    *stage = "bind";
    if (bind(fd, (struct sockaddr *)&address, length) != 0) return close_failed(fd);
    *stage = "listen";
    if (listen(fd, backlog) != 0) return close_failed(fd);
    return fd;
}

int cep_connect(const char *host, int port) {
    struct sockaddr_storage address;
    socklen_t length;
    int family = make_address(host, port, &address, &length);
    if (family < 0) return -1;
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&address, length) != 0 && errno != EINPROGRESS) return close_failed(fd);
    return fd;
}

int cep_connect_result(int fd) {
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
    return error;
}

int cep_nodelay(int fd) {
    int one = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void cep_name_thread(const char *name) {
    char shortened[16];
    strncpy(shortened, name, sizeof shortened - 1);
    shortened[sizeof shortened - 1] = 0;
    pthread_setname_np(pthread_self(), shortened);
}

int cep_on_thread(pthread_t thread) { return pthread_equal(pthread_self(), thread); }
