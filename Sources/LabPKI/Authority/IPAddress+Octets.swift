import AccessPointCore

extension IPAddress {
    /// The address as the 4 or 16 network-order bytes an `iPAddress` subject alternative name holds (RFC 5280
    /// §4.2.1.6).
    var octets: [UInt8] {
        switch self {
        case .v4(let address):
            withUnsafeBytes(of: address.value.bigEndian) { Array($0) }
        case .v6(let address):
            withUnsafeBytes(of: address.high.bigEndian) { Array($0) }
                + withUnsafeBytes(of: address.low.bigEndian) { Array($0) }
        }
    }

    /// Reads the bytes of an `iPAddress` SAN; nil for any length but 4 or 16 (such as a name-constraint range).
    init?(octets: some Collection<UInt8>) {
        func integer<T: FixedWidthInteger>(_ bytes: some Sequence<UInt8>, as: T.Type) -> T {
            bytes.reduce(T.zero) { $0 << 8 | T($1) }
        }
        switch octets.count {
        case 4:
            self = .v4(IPv4Address(integer(octets, as: UInt32.self)))
        case 16:
            self = .v6(
                IPv6Address(
                    high: integer(octets.prefix(8), as: UInt64.self),
                    low: integer(octets.dropFirst(8), as: UInt64.self)
                )
            )
        default:
            return nil
        }
    }
}
