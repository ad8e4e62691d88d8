#ifndef APROUTER_COPENSSL_SHIM_H
#define APROUTER_COPENSSL_SHIM_H

// The system's OpenSSL 3 (Debian's libssl-dev), for the socket engine's TLS: the library nginx links here, reading
// and writing the socket itself. What Swift cannot import (macros) is wrapped here.

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <string.h>

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

// SHA-256 through the low-level interface, for SigV4 (S3Auth): the context is a plain struct on the caller's stack,
// copied by value (an HMAC's pads are two such copies), and the CPU's SHA extensions do the blocks. OpenSSL 3 marks
// these functions deprecated in favour of EVP_Digest*, which allocates each context and dispatches through a
// provider; it still ships them (Debian 12's 3.0 among them), and so do BoringSSL and LibreSSL.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
static inline void capt_sha256_init(SHA256_CTX *context) { SHA256_Init(context); }
static inline void capt_sha256_update(SHA256_CTX *context, const void *bytes, size_t count) {
    SHA256_Update(context, bytes, count);
}
static inline void capt_sha256_final(SHA256_CTX *context, unsigned char *digest) { SHA256_Final(digest, context); }
#pragma clang diagnostic pop

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

/// Where TLS records go before they reach the socket: the socket engine's write BIO appends what OpenSSL writes
/// here (a loop's scratch area, shared by its connections), so that the records of one SSL_write (a 64 KiB chunk is
/// four) leave in one write(2). Reads keep a socket BIO.
typedef struct {
    unsigned char *bytes;
    size_t count;
    size_t capacity;
} capt_records;

static int capt_records_write(BIO *bio, const char *data, int length) {
    capt_records *records = (capt_records *)BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    size_t room = records->capacity - records->count;
    if (room == 0) {
        BIO_set_retry_write(bio);
        return -1;
    }
    size_t taken = (size_t)length < room ? (size_t)length : room;
    memcpy(records->bytes + records->count, data, taken);
    records->count += taken;
    return (int)taken;
}

static long capt_records_ctrl(BIO *bio, int command, long number, void *pointer) {
    (void)bio;
    (void)number;
    (void)pointer;
    switch (command) {
    case BIO_CTRL_FLUSH: return 1;  // the engine writes the records out after each SSL call
    case BIO_CTRL_DUP: return 1;
    default: return 0;
    }
}

static int capt_records_create(BIO *bio) {
    BIO_set_init(bio, 1);
    return 1;
}

/// The write BIO's method, made once per process.
static inline BIO_METHOD *capt_records_method(void) {
    BIO_METHOD *method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "aprouter-records");
    if (!method) return NULL;
    BIO_meth_set_write(method, capt_records_write);
    BIO_meth_set_ctrl(method, capt_records_ctrl);
    BIO_meth_set_create(method, capt_records_create);
    return method;
}

/// Reads from `fd` through a socket BIO; writes into `records`. 1 on success.
static inline int capt_attach(SSL *ssl, int fd, capt_records *records, BIO_METHOD *method) {
    BIO *reading = BIO_new_socket(fd, BIO_NOCLOSE);
    BIO *writing = BIO_new(method);
    if (!reading || !writing) {
        BIO_free(reading);
        BIO_free(writing);
        return 0;
    }
    BIO_set_data(writing, records);
    SSL_set_bio(ssl, reading, writing);
    return 1;
}

#endif
