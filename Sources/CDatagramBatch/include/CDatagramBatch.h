#ifndef C_DATAGRAM_BATCH_H
#define C_DATAGRAM_BATCH_H

#include <stddef.h>
#include <stdint.h>

/// Preallocated storage for one UDP socket's batches: `capacity` receive slots of `slot_size` bytes, each with its
/// peer's socket address, and as many reply slots, each sent back to the peer of the datagram it answers. Opaque:
/// `struct mmsghdr`, recvmmsg(2) and sendmmsg(2) need _GNU_SOURCE, which Swift's Glibc module is not built with.
typedef struct cdgram_batch cdgram_batch;

/// A batch, or NULL when memory is short. Freed with `cdgram_batch_destroy`.
cdgram_batch *cdgram_batch_create(unsigned capacity, unsigned slot_size);
void cdgram_batch_destroy(cdgram_batch *batch);

/// recvmmsg(2) into every slot: blocks until one datagram arrives (or the socket's SO_RCVTIMEO passes), then takes
/// those already queued without waiting (MSG_WAITFORONE). Returns how many arrived, or -1 with errno set. Drops the
/// replies queued since the last send.
int cdgram_receive(int fd, cdgram_batch *batch);

/// The `index`th datagram of the last receive and its length (at most `slot_size`: longer ones are cut).
const uint8_t *cdgram_datagram(const cdgram_batch *batch, unsigned index, size_t *length);

/// The `index`th datagram's sender: returns 4 with the IPv4 address in the low 32 bits of `low` (host order), 6
/// with the IPv6 address in `high` and `low` (host order, most significant first), or 0 for any other family.
int cdgram_peer(const cdgram_batch *batch, unsigned index, uint64_t *high, uint64_t *low);

/// Copies the `index`th datagram's sender (a `struct sockaddr`) into `out`, at most `capacity` bytes; returns its
/// length. For answers sent later with `cdgram_send_to`.
size_t cdgram_copy_peer(const cdgram_batch *batch, unsigned index, void *out, size_t capacity);

/// The reply slot of the `index`th datagram (`slot_size` bytes), to write its answer into before `cdgram_queue_reply`.
uint8_t *cdgram_reply_slot(cdgram_batch *batch, unsigned index);

/// Queues the `length` bytes written in the `index`th reply slot, to the `index`th datagram's sender.
void cdgram_queue_reply(cdgram_batch *batch, unsigned index, size_t length);

/// How many replies are queued.
unsigned cdgram_queued(const cdgram_batch *batch);

/// Sends every queued reply with sendmmsg(2), as few calls as the kernel allows; a reply the kernel refuses is
/// skipped. Returns how many were sent, and empties the queue.
unsigned cdgram_send_queued(int fd, cdgram_batch *batch);

/// sendto(2) without blocking: one answer to `peer` (as copied by `cdgram_copy_peer`). Returns sendto's result.
long cdgram_send_to(int fd, const void *bytes, size_t length, const void *peer, size_t peer_length);

/// The port `fd` is bound to (from getsockname), or -1 with errno set.
int cdgram_local_port(int fd);

/// Makes `fd` blocking, with receives that give up after `milliseconds` (SO_RCVTIMEO), so the thread that loops
/// on it can notice a stop request. Returns 0, or -1 with errno set.
int cdgram_prepare(int fd, int milliseconds, int receive_buffer);

#endif
