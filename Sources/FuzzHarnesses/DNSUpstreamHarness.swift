@_spi(Benchmarks) import PrivateDNS

/// The DNS forwarder's reading of an upstream resolver's message (`UpstreamAnswer`) and the client's answer it makes
/// of one it accepts (`ForwardedResponse`): bytes from another server, which a spoofed or broken resolver chooses.
///
/// The input's first byte picks the client's query (bits 0-1), the age the answer is served at from the cache (bits
/// 2-4: 0, 1, 299, 300, 301 seconds…), and whether the message gets the ID the forwarder sent (bit 7; otherwise the
/// message's own, which is dropped unless it happens to match); the rest is the upstream's message.
///
/// Properties of an accepted message: its TTL offsets lie inside it in order, past the header; its rcode is the
/// header's; its cache lifetime is nil or 1 second to a day. The client's answer carries the client's ID, QR and RA;
/// served fresh it is the message byte for byte but for the header and the question's letter case; served later,
/// each TTL counted down by the age and nothing else changed; larger than the client takes, it is a header and
/// question with TC set. Reading the same message again gives the same outcome.
enum DNSUpstreamHarness {
    static let sentID: UInt16 = 0xBEEF

    /// Queries a client sends: an A question with RD, AAAA with EDNS and DO in mixed case, TXT with CD, MX without
    /// RD.
    static let exchanges: [UpstreamExchange] = [
        query(0x1234, flags: 0x0100, name: "example.com", type: 1),
        query(0x0001, flags: 0x0100, name: "WwW.Example.ORG", type: 28, dnssecOK: true),
        query(0xFFFF, flags: 0x0110, name: "txt.example.net", type: 16),
        query(0x4242, flags: 0x0000, name: "mail.example.com", type: 15),
    ].map { bytes in
        guard let exchange = UpstreamExchange(query: bytes) else {
            preconditionFailure("a harness query does not parse")
        }
        return exchange
    }

    static let ages: [UInt32] = [0, 1, 299, 300, 301, 3_600, 86_400, 0xFFFF_FFFF]

    static func query(_ id: UInt16, flags: UInt16, name: String, type: UInt16, dnssecOK: Bool? = nil) -> [UInt8] {
        var bytes = [UInt8(id >> 8), UInt8(id & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF), 0, 1, 0, 0, 0, 0, 0]
        bytes.append(dnssecOK == nil ? 0 : 1)
        for label in name.split(separator: ".") {
            bytes.append(UInt8(label.utf8.count))
            bytes += label.utf8
        }
        bytes += [0, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
        if let dnssecOK { bytes += [0, 0, 41, 0x04, 0xD0, 0, 0, dnssecOK ? 0x80 : 0, 0, 0, 0] }
        return bytes
    }

    /// The input's exchange, age and upstream message.
    static func parts(_ input: UnsafeRawBufferPointer) -> (UpstreamExchange, age: UInt32, message: [UInt8])? {
        guard let first = input.first else { return nil }
        var message = Array(input.dropFirst())
        if first & 0x80 != 0, message.count >= 2 {
            message[0] = UInt8(sentID >> 8)
            message[1] = UInt8(sentID & 0xFF)
        }
        return (exchanges[Int(first & 0x03)], ages[Int(first >> 2) & 0x07], message)
    }

    /// What the forwarder makes of the input's message (for the seeds' tests): nil when it is dropped; else whether
    /// it was truncated, how long it may be cached, and whether a client without EDNS gets TC.
    static func outcome(_ input: [UInt8]) -> (truncated: Bool, cacheTTL: UInt32?, clientGetsTC: Bool)? {
        guard let (exchange, _, message) = input.withUnsafeBytes(parts),
            case .accepted(let accepted) = exchange.read(message, id: sentID)
        else { return nil }
        let response = accepted.response(age: 0, limit: 512)
        return (accepted.truncated, accepted.cacheTTL, response[2] & 0x02 != 0)
    }

    static func run(_ input: UnsafeRawBufferPointer) {
        guard let (exchange, age, message) = parts(input) else { return }
        let reading = exchange.read(message, id: sentID)
        guard case .accepted(let accepted) = reading else {
            if case .accepted = exchange.read(message, id: sentID) {
                require(false, "a dropped message (\(reading)) accepted when read again")
            }
            return
        }
        require(message.count >= 12, "an accepted message shorter than a header")
        guard case .accepted(let again) = exchange.read(message, id: sentID),
            again.ttlOffsets == accepted.ttlOffsets, again.cacheTTL == accepted.cacheTTL
        else { return require(false, "an accepted message read otherwise again") }
        require(accepted.rcode == message[3] & 0x0F, "rcode \(accepted.rcode) is not the header's")
        if let ttl = accepted.cacheTTL {
            require(ttl >= 1 && ttl <= UpstreamExchange.Accepted.maximumCacheTTL, "a cache lifetime of \(ttl) s")
        }
        var previous = 11
        for offset in accepted.ttlOffsets {
            require(offset > previous && offset + 4 <= message.count, "a TTL at \(offset) of \(message.count) bytes")
            previous = offset + 3
        }
        if !accepted.truncated { checkAnswers(accepted, message: message, exchange: exchange, age: age) }
        let small = accepted.response(age: age, limit: 512)
        checkHeader(small, exchange: exchange, rcode: accepted.rcode)
        if message.count > 512 {
            require(small.count <= 512 && small[2] & 0x02 != 0, "an answer over the client's limit not cut to TC")
        }
    }

    /// The client's answer served fresh and `age` seconds later, with room for all of it.
    static func checkAnswers(
        _ accepted: UpstreamExchange.Accepted,
        message: [UInt8],
        exchange: UpstreamExchange,
        age: UInt32
    ) {
        let fresh = accepted.response(age: 0, limit: 65_535)
        checkHeader(fresh, exchange: exchange, rcode: accepted.rcode)
        require(fresh.count == message.count, "a fresh answer of \(fresh.count) bytes for \(message.count)")
        for index in 12..<message.count where fresh[index] != message[index] {
            require(fresh[index] | 0x20 == message[index] | 0x20, "byte \(index) changed beyond letter case")
        }
        let aged = accepted.response(age: age, limit: 65_535)
        require(aged.count == fresh.count, "an answer served later changed its length")
        let ttlBytes = Set(accepted.ttlOffsets.flatMap { $0..<($0 + 4) })
        for index in fresh.indices where !ttlBytes.contains(index) {
            require(aged[index] == fresh[index], "byte \(index) changed when served \(age) s later")
        }
        for offset in accepted.ttlOffsets {
            let ttl = { (bytes: [UInt8]) in bytes[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
            let expected = ttl(fresh) > age ? ttl(fresh) - age : 0
            require(ttl(aged) == expected, "a TTL of \(ttl(fresh)) served \(age) s later as \(ttl(aged))")
        }
    }

    /// The client's ID, QR and RA set, AA clear, the upstream's rcode.
    static func checkHeader(_ response: [UInt8], exchange: UpstreamExchange, rcode: UInt8) {
        require(response.count >= 12, "an answer shorter than a header")
        let id = UInt16(response[0]) << 8 | UInt16(response[1])
        require(id == exchange.clientID, "the answer's ID \(id) is not the client's \(exchange.clientID)")
        require(response[2] & 0x80 != 0 && response[3] & 0x80 != 0, "the answer lacks QR or RA")
        require(response[2] & 0x04 == 0, "the answer claims authority (AA)")
        require(response[3] & 0x0F == rcode, "the answer's rcode is not the upstream's")
    }
}
