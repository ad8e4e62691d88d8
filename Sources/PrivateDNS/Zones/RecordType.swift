/// A resource record type code. A struct, not an enum, because zones may hold any type (RFC 3597).
struct RecordType: Hashable, Sendable, CustomStringConvertible {
    let code: UInt16

    init(_ code: UInt16) { self.code = code }

    static let a = RecordType(1)
    static let ns = RecordType(2)
    static let cname = RecordType(5)
    static let soa = RecordType(6)
    static let ptr = RecordType(12)
    static let mx = RecordType(15)
    static let txt = RecordType(16)
    static let aaaa = RecordType(28)
    static let srv = RecordType(33)
    static let dname = RecordType(39)
    static let opt = RecordType(41)
    static let ds = RecordType(43)
    static let ixfr = RecordType(251)
    static let axfr = RecordType(252)
    static let any = RecordType(255)

    var description: String {
        switch code {
        case 1: "A"
        case 2: "NS"
        case 5: "CNAME"
        case 6: "SOA"
        case 12: "PTR"
        case 15: "MX"
        case 16: "TXT"
        case 28: "AAAA"
        case 33: "SRV"
        case 39: "DNAME"
        case 41: "OPT"
        case 255: "ANY"
        default: "TYPE\(code)"
        }
    }
}

/// Records of one name and type, sharing a TTL (RFC 2181 §5.2: the lowest TTL of the set is used).
struct RecordSet: Hashable, Sendable {
    var name: DomainName
    var type: RecordType
    var ttl: UInt32
    /// Each record's RDATA in wire form; domain names inside are uncompressed.
    var rdatas: [[UInt8]]

    /// The same records owned by another name: wildcard synthesis (RFC 4592 §4.3).
    func owned(by owner: DomainName) -> RecordSet {
        var copy = self
        copy.name = owner
        return copy
    }
}
