@testable import PrivateDNS

/// An upstream resolver's response, built field by field so tests can break any part of it.
struct UpstreamMessage {
    struct Record {
        /// The owner in wire form; `[0xC0, 12]` points at the question name.
        var owner: [UInt8] = [0xC0, 12]
        var type: UInt16 = 1
        var qclass: UInt16 = 1
        var ttl: UInt32 = 300
        var rdata: [UInt8] = [192, 0, 2, 1]

        static func a(ttl: UInt32) -> Record { Record(ttl: ttl) }
        static func cname(ttl: UInt32) -> Record {
            Record(type: 5, ttl: ttl, rdata: [3] + Array("www".utf8) + [0xC0, 12])
        }
        /// An SOA whose MINIMUM is `minimum`; owner the question name.
        static func soa(ttl: UInt32, minimum: UInt32) -> Record {
            let names: [UInt8] = [2] + Array("ns".utf8) + [0xC0, 12] + [4] + Array("host".utf8) + [0xC0, 12]
            let numbers: [UInt32] = [1, 7200, 900, 1_209_600, minimum]
            return Record(type: 6, ttl: ttl, rdata: names + numbers.flatMap(UpstreamMessage.be32))
        }
        /// An OPT record: its TTL field holds flags, never counted down.
        static let opt = Record(owner: [0], type: 41, qclass: 1232, ttl: 0, rdata: [])
    }

    var id: UInt16 = 0xBEEF
    /// QR, RD, RA.
    var flags: UInt16 = 0x8180
    var name = "www.upstream.test"
    var type: UInt16 = 1
    var qclass: UInt16 = 1
    var answer: [Record] = []
    var authority: [Record] = []
    var additional: [Record] = []

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        func u16(_ v: UInt16) { out += [UInt8(v >> 8), UInt8(v & 0xFF)] }
        u16(id)
        u16(flags)
        u16(1)
        u16(UInt16(answer.count))
        u16(UInt16(authority.count))
        u16(UInt16(additional.count))
        for label in name.split(separator: ".") { out += [UInt8(label.utf8.count)] + Array(label.utf8) }
        out.append(0)
        u16(type)
        u16(qclass)
        for record in answer + authority + additional {
            out += record.owner
            u16(record.type)
            u16(record.qclass)
            out += Self.be32(record.ttl)
            u16(UInt16(record.rdata.count))
            out += record.rdata
        }
        return out
    }

    /// The forwarded question this message answers (as a client asked it).
    static func question(
        _ name: String = "www.upstream.test",
        type: UInt16 = 1,
        id: UInt16 = 0x1234,
        edns: (size: UInt16, version: UInt8)? = nil
    ) -> ForwardedQuestion {
        let bytes = QueryBuilder(id: id, name: name, type: type, edns: edns).bytes
        guard case .success(let query) = bytes.withUnsafeBytes({ DNSQuery.parse($0) }) else {
            preconditionFailure("the test query does not parse")
        }
        return ForwardedQuestion(query)
    }
}
