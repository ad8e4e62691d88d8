import AccessPointCore

extension DNSQuery.ClientSubnet {
    static let optionCode: UInt16 = 8

    /// Options that break RFC 6891 framing or RFC 7871's rules; answered with FORMERR (RFC 7871 §7.1.2).
    struct Malformed: Error {}

    /// Reads the OPT record's options and returns the ECS option, nil when there is none.
    static func parse(options: UnsafeRawBufferPointer) throws(Malformed) -> DNSQuery.ClientSubnet? {
        var reader = WireReader(options)
        var found: DNSQuery.ClientSubnet?
        while !reader.isAtEnd {
            guard let code = reader.u16(), let length = reader.u16(), let data = reader.bytes(Int(length)) else {
                throw Malformed()
            }
            guard code == optionCode else { continue }
            guard found == nil, let subnet = parse(UnsafeRawBufferPointer(rebasing: data)) else { throw Malformed() }
            found = subnet
        }
        return found
    }

    private static func parse(_ data: UnsafeRawBufferPointer) -> DNSQuery.ClientSubnet? {
        var reader = WireReader(data)
        guard let family = reader.u16(), let source = reader.u8(), let scope = reader.u8(), scope == 0 else {
            return nil
        }
        let width = family == 1 ? 4 : family == 2 ? 16 : 0
        guard width > 0, Int(source) <= width * 8 else { return nil }
        let count = (Int(source) + 7) / 8
        guard let raw = reader.bytes(count), reader.isAtEnd else { return nil }
        let sent = Array(raw)
        // Bits beyond the source prefix must be zero.
        if let last = sent.last, source % 8 != 0, last & ~(UInt8(0xFF) << (8 - source % 8)) != 0 { return nil }
        let padded = sent + Array(repeating: 0, count: width - count)
        let address: IPAddress
        if family == 1 {
            address = .v4(IPv4Address(padded.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }))
        } else {
            let high = padded[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = padded[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let v6 = IPv6Address(high: high, low: low)
            address = v6.mappedIPv4.map(IPAddress.v4) ?? .v6(v6)
        }
        return DNSQuery.ClientSubnet(family: family, sourcePrefixLength: source, address: address, addressBytes: sent)
    }
}
