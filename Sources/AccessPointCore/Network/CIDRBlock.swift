/// An IPv4 or IPv6 network in CIDR notation (`127.0.10.0/24`, `fd00:10::/48`).
///
/// Parsing keeps the text's address and prefix length as written; `hasHostBits` tells whether bits beyond the
/// prefix were set, so configuration validation can say "did you mean 127.0.10.0/24" instead of guessing.
/// Containment always compares the network part only.
public struct CIDRBlock: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?<S: StringProtocol>(_ text: S) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(parts[0]),
            (1...3).contains(parts[1].utf8.count), parts[1].utf8.allSatisfy(NameRules.isDigit),
            let length = Int(parts[1])
        else { return nil }
        // A mapped address is stored as IPv4, so its prefix must be read in IPv4 terms too.
        switch address {
        case .v4 where parts[0].contains(":"):
            guard length >= 96 else { return nil }
            self.init(address: address, prefixLength: length - 96)
        case .v4:
            guard length <= 32 else { return nil }
            self.init(address: address, prefixLength: length)
        case .v6:
            guard length <= 128 else { return nil }
            self.init(address: address, prefixLength: length)
        }
    }

    public init(address: IPAddress, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The block with every host bit cleared: `127.0.10.7/24` → `127.0.10.0/24`.
    public var network: CIDRBlock {
        switch address {
        case .v4(let a):
            CIDRBlock(address: .v4(IPv4Address(a.value & Self.mask32(prefixLength))), prefixLength: prefixLength)
        case .v6(let a):
            CIDRBlock(address: .v6(Self.masked(a, prefixLength)), prefixLength: prefixLength)
        }
    }

    /// Whether the written address had bits set beyond the prefix.
    public var hasHostBits: Bool { network.address != address }

    public func contains(_ other: IPAddress) -> Bool {
        switch (address, other) {
        case (.v4(let net), .v4(let a)):
            let mask = Self.mask32(prefixLength)
            return net.value & mask == a.value & mask
        case (.v6(let net), .v6(let a)):
            return Self.masked(net, prefixLength) == Self.masked(a, prefixLength)
        default:
            return false
        }
    }

    /// Whether the two blocks share at least one address (one contains the other's network address).
    public func overlaps(_ other: CIDRBlock) -> Bool {
        contains(other.network.address) || other.contains(network.address)
    }

    @usableFromInline
    static func mask32(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }

    static func mask64(_ length: Int) -> UInt64 {
        length <= 0 ? 0 : length >= 64 ? .max : UInt64.max << UInt64(64 - length)
    }

    @usableFromInline
    static func masked(_ a: IPv6Address, _ length: Int) -> IPv6Address {
        IPv6Address(high: a.high & mask64(length), low: a.low & mask64(length - 64))
    }

    public var description: String { "\(address)/\(prefixLength)" }
}
