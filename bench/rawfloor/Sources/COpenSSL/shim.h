#ifndef RAWFLOOR_COPENSSL_SHIM_H
#define RAWFLOOR_COPENSSL_SHIM_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE

#endif
#include <sys/socket.h>
#include <stdio.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <sys/epoll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <pthread.h>

// OpenSSL macros Swift cannot import.
static inline long shim_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline long shim_SSL_CTX_set_read_ahead(SSL_CTX *ctx, int yes) { SSL_CTX_set_read_ahead(ctx, yes); return 1; }
static inline int shim_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int v) { return (int)SSL_CTX_set_min_proto_version(ctx, v); }
static inline long shim_MODE_PARTIAL_MOVING(void) { return SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER; }
static inline int shim_TLS1_2_VERSION(void) { return TLS1_2_VERSION; }
static inline void shim_no_renegotiation(SSL_CTX *ctx) { SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION); }

// ALPN: the NIO floor offers http/1.1 only; select it when the client offers it.
static int shim_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                            const unsigned char *in, unsigned int inlen, void *arg) {
    static const unsigned char proto[] = "\x08http/1.1";
    (void)ssl; (void)arg;
    if (SSL_select_next_proto((unsigned char **)out, outlen, proto, sizeof(proto) - 1, in, inlen)
        == OPENSSL_NPN_NEGOTIATED) return SSL_TLSEXT_ERR_OK;
    return SSL_TLSEXT_ERR_NOACK;
}
static inline void shim_set_alpn_http11(SSL_CTX *ctx) { SSL_CTX_set_alpn_select_cb(ctx, shim_alpn_select, NULL); }

// epoll_event is packed on x86_64; keep its layout on the C side.
static inline int shim_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}
static inline int shim_epoll_wait(int epfd, void *evs, int max, int timeout) {
    return epoll_wait(epfd, (struct epoll_event *)evs, max, timeout);
}
static inline uint32_t shim_ev_events(const void *evs, int i) { return ((const struct epoll_event *)evs)[i].events; }
static inline uint64_t shim_ev_data(const void *evs, int i) { return ((const struct epoll_event *)evs)[i].data.u64; }
static inline size_t shim_epoll_event_size(void) { return sizeof(struct epoll_event); }

// GNU extensions, and stdio streams Swift 6 treats as shared mutable state.
static inline int shim_accept4(int fd, int flags) { return accept4(fd, NULL, NULL, flags); }
static inline void *shim_memmem(const void *h, size_t hl, const void *n, size_t nl) { return memmem(h, hl, n, nl); }
static inline void shim_print_errors(void) { ERR_print_errors_fp(stderr); }
static inline int shim_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
static inline int shim_on_thread(pthread_t t) { return pthread_equal(pthread_self(), t); }
static inline void shim_say(const char *s, int err) { fputs(s, err ? stderr : stdout); fflush(err ? stderr : stdout); }

// A write BIO that appends the TLS records OpenSSL produces to the connection's own buffer, so that several records
// (a 64 KiB chunk is four) go to the socket in one write(2). Reads stay on a socket BIO.
typedef struct { unsigned char *buf; size_t start; size_t end; size_t cap; } shim_outbuf;
static int shim_out_write(BIO *b, const char *data, int len) {
    shim_outbuf *o = (shim_outbuf *)BIO_get_data(b);
    BIO_clear_retry_flags(b);
    size_t room = o->cap - o->end;
    if (room == 0) { BIO_set_retry_write(b); return -1; }
    size_t n = (size_t)len < room ? (size_t)len : room;
    memcpy(o->buf + o->end, data, n);
    o->end += n;
    return (int)n;
}
static long shim_out_ctrl(BIO *b, int cmd, long num, void *ptr) {
    (void)b; (void)num; (void)ptr;
    switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;  // the proxy writes the buffer out after each SSL call
    case BIO_CTRL_DUP: return 1;
    default: return 0;
    }
}
static int shim_out_create(BIO *b) { BIO_set_init(b, 1); return 1; }
static inline BIO_METHOD *shim_out_method_new(void) {
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rawproxy-out");
    if (!m) return NULL;
    BIO_meth_set_write(m, shim_out_write);
    BIO_meth_set_ctrl(m, shim_out_ctrl);
    BIO_meth_set_create(m, shim_out_create);
    return m;
}
/// Reads from fd through a socket BIO; writes into *o. 1 on success.
static inline int shim_attach(SSL *ssl, int fd, shim_outbuf *o, BIO_METHOD *m) {
    BIO *r = BIO_new_socket(fd, BIO_NOCLOSE);
    BIO *w = BIO_new(m);
    if (!r || !w) { BIO_free(r); BIO_free(w); return 0; }
    BIO_set_data(w, o);
    SSL_set_bio(ssl, r, w);
    return 1;
}
#endif
