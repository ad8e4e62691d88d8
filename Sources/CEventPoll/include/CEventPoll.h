#ifndef C_EVENT_POLL_H
#define C_EVENT_POLL_H

#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/epoll.h>

/// epoll(7) for the socket engine. `struct epoll_event` is packed on x86_64, which Swift does not import faithfully,
/// and accept4(2) needs _GNU_SOURCE, which Swift's Glibc module is not built with: both stay on this side.

/// An epoll instance (close-on-exec), or -1 with errno set.
int cep_create(void);
/// epoll_ctl(2) with `events` and `data` as the event's u64.
int cep_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// Room for `count` events, to pass to `cep_wait`; freed with `cep_events_free`.
void *cep_events_alloc(int count);
void cep_events_free(void *events);
/// epoll_wait(2) into `events`.
int cep_wait(int epfd, void *events, int count, int timeout_ms);
uint32_t cep_event_flags(const void *events, int index);
uint64_t cep_event_data(const void *events, int index);

/// A nonblocking, close-on-exec eventfd, or -1.
int cep_eventfd(void);
/// Adds one to the eventfd (wakes a waiting epoll); reads and clears it.
void cep_eventfd_signal(int fd);
void cep_eventfd_clear(int fd);

/// accept4(2), nonblocking and close-on-exec; the peer's address: returns 4 with the IPv4 address in the low 32 bits
/// of `low` (host order), 6 with the IPv6 address in `high` and `low`, 0 for another family. -1 with errno set.
int cep_accept(int listen_fd, int *family, uint64_t *high, uint64_t *low);
/// The local port of a bound socket, or -1.
int cep_local_port(int fd);
/// A nonblocking TCP socket bound and listening on `host` (numeric, IPv4 or IPv6) and `port`, with SO_REUSEADDR
/// and, if `reuse_port`, SO_REUSEPORT; -1 with errno set (`stage` names the call that failed).
int cep_listen(const char *host, int port, int backlog, int reuse_port, const char **stage);
/// A nonblocking TCP connection to `host` (numeric) and `port`, under way: returns the descriptor (errno EINPROGRESS
/// or 0), or -1 with errno set. `cep_connect_result` gives the outcome once the socket is writable (0 or an errno).
int cep_connect(const char *host, int port);
int cep_connect_result(int fd);
/// TCP_NODELAY on.
int cep_nodelay(int fd);
/// Names the calling thread (at most 15 bytes are kept), for profilers and `top -H`.
void cep_name_thread(const char *name);
/// Whether the calling thread is `thread`.
int cep_on_thread(pthread_t thread);

#endif
