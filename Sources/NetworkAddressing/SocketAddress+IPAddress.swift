public import AccessPointCore
public import NIOCore

extension SocketAddress {
    /// The peer's address as the core's `IPAddress`, read from the socket structure: no text formatting and
    /// parsing on the per-query path. IPv4-mapped IPv6 peers fold to IPv4, as VPC tables are written in IPv4.
    ///
    /// The address bytes sit at the same offsets on Linux and the BSDs: 4..<8 in `sockaddr_in`, 8..<24 in
    /// `sockaddr_in6`, in network byte order.
    public var peerIPAddress: IPAddress? {
        switch self {
        case .v4:
            return withSockAddr { pointer, size -> IPAddress? in
                guard size >= 8 else { return nil }
                let raw = UnsafeRawPointer(pointer)
                let value = (4..<8).reduce(UInt32(0)) { $0 << 8 | UInt32(raw.load(fromByteOffset: $1, as: UInt8.self)) }
                return .v4(AccessPointCore.IPv4Address(value))
            }
        case .v6:
            return withSockAddr { pointer, size -> IPAddress? in
                guard size >= 24 else { return nil }
                let raw = UnsafeRawPointer(pointer)
                func word(_ range: Range<Int>) -> UInt64 {
                    range.reduce(UInt64(0)) { $0 << 8 | UInt64(raw.load(fromByteOffset: $1, as: UInt8.self)) }
                }
                let address = AccessPointCore.IPv6Address(high: word(8..<16), low: word(16..<24))
                return address.mappedIPv4.map(IPAddress.v4) ?? .v6(address)
            }
        case .unixDomainSocket:
            return nil
        }
    }
}
