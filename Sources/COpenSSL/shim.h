#ifndef APROUTER_COPENSSL_SHIM_H
#define APROUTER_COPENSSL_SHIM_H

// The system's OpenSSL 3 (Debian's libssl-dev), for the socket engine's TLS: the library nginx links here, reading
// and writing the socket itself. What Swift cannot import (macros) is wrapped here.

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

static inline long capt_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline void capt_SSL_CTX_set_read_ahead(SSL_CTX *ctx, int yes) { SSL_CTX_set_read_ahead(ctx, yes); }
static inline int capt_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline long capt_MODE_PARTIAL_MOVING(void) {
    return SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS;
}
static inline int capt_TLS1_2_VERSION(void) { return TLS1_2_VERSION; }
static inline void capt_SSL_CTX_no_renegotiation(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
}
static inline long capt_SSL_CTX_add_chain_certificate(SSL_CTX *ctx, X509 *certificate) {
    return SSL_CTX_add0_chain_cert(ctx, certificate);
}
static inline const char *capt_SSL_server_name(const SSL *ssl) {
    return SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
}

// ALPN: the router speaks HTTP/1.1 only; it is selected when the client offers it, and a client that offers only
// other protocols gets no ALPN answer (it may still speak HTTP/1.1), as NIOSSL's server did.
static int capt_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
                            unsigned int inlen, void *arg) {
    static const unsigned char protocols[] = "\x08http/1.1";
    (void)ssl;
    (void)arg;
    if (SSL_select_next_proto((unsigned char **)out, outlen, protocols, sizeof(protocols) - 1, in, inlen) ==
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_OK;
    return SSL_TLSEXT_ERR_NOACK;
}
static inline void capt_SSL_CTX_offer_http11(SSL_CTX *ctx) { SSL_CTX_set_alpn_select_cb(ctx, capt_alpn_select, NULL); }

/// The first error on OpenSSL's queue as text (into `out`), and the queue cleared.
static inline void capt_take_error(char *out, size_t capacity) {
    unsigned long code = ERR_get_error();
    if (code == 0) {
        if (capacity) out[0] = 0;
    } else {
        ERR_error_string_n(code, out, capacity);
    }
    ERR_clear_error();
}

#endif
