/// An upstream resolver's response, checked before anything of it reaches a client or the cache: it answers
/// our query (same ID, the same question, compared case-insensitively), and every record is within the message.
///
/// The bytes are kept as they came (a client gets them with its own header), together with where each record's
/// TTL lies, so serving from the cache can count the TTLs down, and how long RFC 2308 lets the answer be cached.
/// Names are skipped, never followed: a compression pointer ends a name, so a pointer loop cannot loop here.
struct UpstreamAnswer: Sendable, Equatable {
    /// The whole message as received.
    var bytes: [UInt8]
    /// The offsets of every TTL field except the OPT record's (whose "TTL" holds flags).
    var ttlOffsets: [Int]
    /// The response code (the header's four bits).
    var rcode: UInt8
    /// TC: the upstream had more to say than fits in UDP; ask again over TCP.
    var truncated: Bool
    /// How long the answer may be cached, in seconds: the smallest TTL of the answer section for a positive
    /// answer; min(SOA TTL, SOA MINIMUM) for NXDOMAIN or NODATA (RFC 2308 §5); nil when it must not be cached
    /// (SERVFAIL and other errors, a negative answer without SOA, a TTL of 0).
    var cacheTTL: UInt32? = nil

    /// Why a message is not an answer to our query; it is dropped and the wait goes on (or times out).
    enum Rejection: Error, Equatable {
        case tooShort
        case notAResponse
        case idMismatch
        case questionMismatch
        case malformed
    }

    /// The longest a forwarded answer is cached, whatever its TTL (one day, as resolvers commonly cap it).
    static let maximumCacheTTL: UInt32 = 86_400

    /// Checks `bytes` as the answer to the query sent with `id` for `question`.
    static func parse(
        _ bytes: [UInt8],
        id: UInt16,
        question: ForwardedQuestion
    ) -> Result<UpstreamAnswer, Rejection> {
        bytes.withUnsafeBytes { raw in
            var reader = WireReader(raw)
            guard let messageID = reader.u16(), let flags = reader.u16(), let qdcount = reader.u16(),
                let ancount = reader.u16(), let nscount = reader.u16(), let arcount = reader.u16()
            else { return .failure(.tooShort) }
            guard flags & 0x8000 != 0, (flags >> 11) & 0xF == 0 else { return .failure(.notAResponse) }
            guard messageID == id else { return .failure(.idMismatch) }
            var name: [UInt8] = []
            var lowered: [UInt8] = []
            guard qdcount == 1, reader.uncompressedName(into: &name, lowered: &lowered), let type = reader.u16(),
                let qclass = reader.u16()
            else { return .failure(.questionMismatch) }
            guard lowered == question.name, type == question.type, qclass == question.qclass else {
                return .failure(.questionMismatch)
            }
            let rcode = UInt8(flags & 0xF)
            // A truncated answer is only a signal to ask again over TCP; its sections may be cut anywhere.
            guard flags & 0x0200 == 0 else {
                return .success(UpstreamAnswer(bytes: bytes, ttlOffsets: [], rcode: rcode, truncated: true))
            }
            var offsets: [Int] = []
            var answerTTL: UInt32?
            var negativeTTL: UInt32?
            for section in 0..<3 {
                let count = [ancount, nscount, arcount][section]
                for _ in 0..<count {
                    guard reader.skipName(), let rrType = reader.u16(), reader.skip(2) else {
                        return .failure(.malformed)
                    }
                    let ttlOffset = reader.offset
                    guard let rawTTL = reader.u32(), let length = reader.u16(), let rdata = reader.bytes(Int(length))
                    else { return .failure(.malformed) }
                    guard rrType != 41 else { continue }  // OPT: its TTL field is the extended rcode and flags
                    offsets.append(ttlOffset)
                    // RFC 2181 §8: a TTL with the top bit set is read as zero.
                    let ttl = rawTTL > 0x7FFF_FFFF ? 0 : rawTTL
                    if section == 0 { answerTTL = min(answerTTL ?? ttl, ttl) }
                    if section == 1, rrType == 6, rdata.count >= 22 {
                        let end = rdata.endIndex
                        let minimum = rdata[(end - 4)..<end].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                        negativeTTL = min(ttl, minimum)
                    }
                }
            }
            guard reader.isAtEnd else { return .failure(.malformed) }
            var cacheTTL: UInt32?
            if rcode == 0, ancount > 0 {
                cacheTTL = answerTTL
            } else if rcode == 3 || (rcode == 0 && ancount == 0) {
                cacheTTL = negativeTTL
            }
            if let ttl = cacheTTL { cacheTTL = ttl == 0 ? nil : min(ttl, maximumCacheTTL) }
            return .success(
                UpstreamAnswer(
                    bytes: bytes,
                    ttlOffsets: offsets,
                    rcode: rcode,
                    truncated: false,
                    cacheTTL: cacheTTL
                )
            )
        }
    }
}

extension WireReader {
    /// Skips a name that may use compression pointers (RFC 1035 §4.1.4); false when malformed: a reserved label
    /// type, a pointer outside the message or into the header, a loop, or a name longer than 255 bytes once
    /// expanded. The pointers are followed (at most 127 of them) only to check them, so the copy we pass on
    /// cannot send a client round a loop.
    mutating func skipName() -> Bool {
        var position = offset
        var end: Int?
        var length = 0
        var hops = 0
        while true {
            guard position < bytes.count else { return false }
            let byte = Int(bytes[position])
            switch byte & 0xC0 {
            case 0xC0:
                guard position + 1 < bytes.count, hops < 127 else { return false }
                let target = (byte & 0x3F) << 8 | Int(bytes[position + 1])
                guard target >= 12, target < bytes.count else { return false }
                if end == nil { end = position + 2 }
                hops += 1
                position = target
            case 0:
                length += byte + 1
                guard length <= 255 else { return false }
                if byte == 0 {
                    offset = end ?? position + 1
                    return true
                }
                position += byte + 1
            default:
                return false
            }
        }
    }
}
