/// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses are folded to IPv4 on parsing, because a dual-stack
/// listener reports an IPv4 client as `::ffff:a.b.c.d` and VPC tables are written in IPv4.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// Parses `a.b.c.d`, an IPv6 text form, or an IPv6 form in brackets (`[::1]`).
    public init?<S: StringProtocol>(_ text: S) {
        if let v4 = IPv4Address(text) {
            self = .v4(v4)
            return
        }
        var inner = Substring(text)
        if inner.hasPrefix("[") && inner.hasSuffix("]") { inner = inner.dropFirst().dropLast() }
        guard let v6 = IPv6Address(inner) else { return nil }
        self = v6.mappedIPv4.map(IPAddress.v4) ?? .v6(v6)
    }

    public var description: String {
        switch self {
        case .v4(let address): address.description
        case .v6(let address): address.description
        }
    }
}
