// recvmmsg(2), sendmmsg(2) and struct mmsghdr need _GNU_SOURCE, which Swift's Glibc module is not built with: this is
// the only reason for C here. Every call is a thin wrapper; the batch's storage is allocated once.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "CDatagramBatch.h"

struct cdgram_batch {
    unsigned capacity;
    unsigned slot_size;
    unsigned queued;
    uint8_t *datagrams;                 // capacity × slot_size
    uint8_t *replies;                   // capacity × slot_size
    struct sockaddr_storage *peers;     // capacity
    struct iovec *receive_vectors;      // capacity
    struct mmsghdr *received;           // capacity
    struct iovec *reply_vectors;        // capacity
    struct mmsghdr *outgoing;           // capacity, the first `queued` in use
};

cdgram_batch *cdgram_batch_create(unsigned capacity, unsigned slot_size) {
    if (capacity == 0 || slot_size == 0) {
        return NULL;
    }
    cdgram_batch *batch = calloc(1, sizeof(*batch));
    if (batch == NULL) {
        return NULL;
    }
    batch->capacity = capacity;
    batch->slot_size = slot_size;
    batch->datagrams = calloc(capacity, slot_size);
    batch->replies = calloc(capacity, slot_size);
    batch->peers = calloc(capacity, sizeof(struct sockaddr_storage));
    batch->receive_vectors = calloc(capacity, sizeof(struct iovec));
    batch->received = calloc(capacity, sizeof(struct mmsghdr));
    batch->reply_vectors = calloc(capacity, sizeof(struct iovec));
    batch->outgoing = calloc(capacity, sizeof(struct mmsghdr));
    if (batch->datagrams == NULL || batch->replies == NULL || batch->peers == NULL || batch->receive_vectors == NULL
        || batch->received == NULL || batch->reply_vectors == NULL || batch->outgoing == NULL) {
        cdgram_batch_destroy(batch);
        return NULL;
    }
    for (unsigned i = 0; i < capacity; i++) {
        batch->receive_vectors[i].iov_base = batch->datagrams + (size_t)i * slot_size;
        batch->receive_vectors[i].iov_len = slot_size;
        batch->received[i].msg_hdr.msg_iov = &batch->receive_vectors[i];
        batch->received[i].msg_hdr.msg_iovlen = 1;
        batch->received[i].msg_hdr.msg_name = &batch->peers[i];
    }
    return batch;
}

void cdgram_batch_destroy(cdgram_batch *batch) {
    if (batch == NULL) {
        return;
    }
    free(batch->datagrams);
    free(batch->replies);
    free(batch->peers);
    free(batch->receive_vectors);
    free(batch->received);
    free(batch->reply_vectors);
    free(batch->outgoing);
    free(batch);
}

int cdgram_receive(int fd, cdgram_batch *batch) {
    batch->queued = 0;
    for (unsigned i = 0; i < batch->capacity; i++) {
        // The kernel writes both back: the length of the sender's address and the flags.
        batch->received[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
        batch->received[i].msg_hdr.msg_flags = 0;
        batch->received[i].msg_len = 0;
    }
    return recvmmsg(fd, batch->received, batch->capacity, MSG_WAITFORONE, NULL);
}

const uint8_t *cdgram_datagram(const cdgram_batch *batch, unsigned index, size_t *length) {
    size_t received = batch->received[index].msg_len;
    *length = received < batch->slot_size ? received : batch->slot_size;
    return batch->datagrams + (size_t)index * batch->slot_size;
}

int cdgram_peer(const cdgram_batch *batch, unsigned index, uint64_t *high, uint64_t *low) {
    const struct sockaddr_storage *peer = &batch->peers[index];
    socklen_t length = batch->received[index].msg_hdr.msg_namelen;
    if (peer->ss_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)peer;
        *high = 0;
        *low = ntohl(v4->sin_addr.s_addr);
        return 4;
    }
    if (peer->ss_family == AF_INET6 && length >= sizeof(struct sockaddr_in6)) {
        const uint8_t *bytes = ((const struct sockaddr_in6 *)peer)->sin6_addr.s6_addr;
        uint64_t h = 0, l = 0;
        for (int i = 0; i < 8; i++) {
            h = h << 8 | bytes[i];
            l = l << 8 | bytes[i + 8];
        }
        *high = h;
        *low = l;
        return 6;
    }
    return 0;
}

size_t cdgram_copy_peer(const cdgram_batch *batch, unsigned index, void *out, size_t capacity) {
    size_t length = batch->received[index].msg_hdr.msg_namelen;
    if (length > sizeof(struct sockaddr_storage)) {
        length = sizeof(struct sockaddr_storage);
    }
    if (length > capacity) {
        return 0;
    }
    memcpy(out, &batch->peers[index], length);
    return length;
}

uint8_t *cdgram_reply_slot(cdgram_batch *batch, unsigned index) {
    return batch->replies + (size_t)index * batch->slot_size;
}

void cdgram_queue_reply(cdgram_batch *batch, unsigned index, size_t length) {
    if (batch->queued >= batch->capacity || index >= batch->capacity || length > batch->slot_size) {
        return;
    }
    unsigned slot = batch->queued++;
    batch->reply_vectors[slot].iov_base = cdgram_reply_slot(batch, index);
    batch->reply_vectors[slot].iov_len = length;
    struct msghdr *header = &batch->outgoing[slot].msg_hdr;
    memset(header, 0, sizeof(*header));
    // The reply goes to the address the query came from, as the kernel wrote it.
    header->msg_name = &batch->peers[index];
    header->msg_namelen = batch->received[index].msg_hdr.msg_namelen;
    header->msg_iov = &batch->reply_vectors[slot];
    header->msg_iovlen = 1;
}

unsigned cdgram_queued(const cdgram_batch *batch) { return batch->queued; }

unsigned cdgram_send_queued(int fd, cdgram_batch *batch) {
    unsigned next = 0, sent = 0;
    while (next < batch->queued) {
        int count = sendmmsg(fd, batch->outgoing + next, batch->queued - next, 0);
        if (count > 0) {
            next += (unsigned)count;
            sent += (unsigned)count;
        } else if (count < 0 && errno == EINTR) {
            continue;
        } else {
            next += 1;  // this reply cannot go (its peer's address, a full buffer): skip it, send the rest
        }
    }
    batch->queued = 0;
    return sent;
}

long cdgram_send_to(int fd, const void *bytes, size_t length, const void *peer, size_t peer_length) {
    return sendto(fd, bytes, length, MSG_DONTWAIT, (const struct sockaddr *)peer, (socklen_t)peer_length);
}

int cdgram_local_port(int fd) {
    struct sockaddr_storage address;
    socklen_t length = sizeof(address);
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) {
        return -1;
    }
    if (address.ss_family == AF_INET) {
        return ntohs(((struct sockaddr_in *)&address)->sin_port);
    }
    if (address.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
    }
    errno = EAFNOSUPPORT;
    return -1;
}

int cdgram_prepare(int fd, int milliseconds, int receive_buffer) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        return -1;
    }
    struct timeval timeout = {.tv_sec = milliseconds / 1000, .tv_usec = (milliseconds % 1000) * 1000};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) != 0) {
        return -1;
    }
    if (receive_buffer > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer)) != 0) {
        return -1;
    }
    return 0;
}
