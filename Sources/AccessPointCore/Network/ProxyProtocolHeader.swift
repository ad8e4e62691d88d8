/// The PROXY protocol header (HAProxy's spec, versions 1 and 2) that a load balancer in front of the router sends
/// first on each connection, naming the client it accepted the connection from.
///
/// Written here rather than taken from a library because no package this project can depend on parses it; the
/// format is small and fixed. Parsing is incremental: the caller offers the bytes received so far and gets
/// "need more", a header with its length, or the reason the bytes are not one.
public enum ProxyProtocolHeader {
    /// What a parse found.
    public enum Parse: Equatable, Sendable {
        /// Not enough bytes yet to decide.
        case needMoreData
        /// A complete header of `length` bytes. `source` is the original client, or nil for a header that
        /// names none (`UNKNOWN` in v1, the `LOCAL` command or an unspecified family in v2: the connection is the
        /// proxy's own, e.g. a health check, and its peer address stands).
        case header(source: IPAddress?, length: Int)
        /// Not a valid header; the connection must be closed.
        case invalid(String)
    }

    /// The 12 bytes every v2 header starts with.
    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    static let v1Prefix = Array("PROXY ".utf8)
    /// v1 headers are at most 107 bytes including CRLF.
    static let v1MaximumLength = 107

    public static func parse(_ bytes: some Collection<UInt8>) -> Parse {
        let bytes = Array(bytes)
        if bytes.starts(with: v2Signature.prefix(bytes.count)), bytes.count < v2Signature.count {
            return .needMoreData
        }
        if bytes.starts(with: v2Signature) { return parseV2(bytes) }
        if bytes.count < v1Prefix.count {
            return bytes.starts(with: v1Prefix.prefix(bytes.count)) ? .needMoreData : .invalid("no PROXY header")
        }
        if bytes.starts(with: v1Prefix) { return parseV1(bytes) }
        return .invalid("no PROXY header")
    }

    private static func parseV1(_ bytes: [UInt8]) -> Parse {
        // The CR must be among the first 106 bytes (the LF after it the 107th at the latest): looked for there only,
        // so that a header too long is refused however many bytes have arrived (the fuzz harness found a CR past
        // the limit, arriving as the last byte read, answered "need more data" where fewer bytes were refused).
        let crLimit = v1MaximumLength - 1
        guard let cr = bytes.prefix(crLimit).firstIndex(of: 0x0D) else {
            return bytes.count >= crLimit ? .invalid("a v1 header longer than 107 bytes") : .needMoreData
        }
        guard cr + 1 < bytes.count else { return .needMoreData }
        guard bytes[cr + 1] == 0x0A else { return .invalid("a v1 header not ended by CRLF") }
        let fields = String(decoding: bytes[..<cr], as: UTF8.self).split(
            separator: " ",
            omittingEmptySubsequences: false
        )
        guard fields.count >= 2 else { return .invalid("a v1 header without a protocol") }
        switch fields[1] {
        case "UNKNOWN":
            return .header(source: nil, length: cr + 2)
        case "TCP4", "TCP6":
            guard fields.count == 6, let source = IPAddress(fields[2]), IPAddress(fields[3]) != nil,
                UInt16(fields[4]) != nil, UInt16(fields[5]) != nil
            else { return .invalid("a malformed v1 \(fields[1]) header") }
            let isV4: Bool = if case .v4 = source { true } else { false }
            guard isV4 == (fields[1] == "TCP4") else { return .invalid("a v1 address of the wrong family") }
            return .header(source: source, length: cr + 2)
        default:
            return .invalid("an unknown v1 protocol '\(fields[1])'")
        }
    }

    private static func parseV2(_ bytes: [UInt8]) -> Parse {
        guard bytes.count >= 16 else { return .needMoreData }
        let versionCommand = bytes[12]
        guard versionCommand >> 4 == 2 else { return .invalid("an unsupported v2 version") }
        let length = Int(bytes[14]) << 8 | Int(bytes[15])
        guard bytes.count >= 16 + length else { return .needMoreData }
        let total = 16 + length
        switch versionCommand & 0x0F {
        case 0x0:  // LOCAL: the proxy's own connection
            return .header(source: nil, length: total)
        case 0x1:  // PROXY
            break
        default:
            return .invalid("an unknown v2 command")
        }
        let body = bytes[16..<total]
        switch bytes[13] {
        case 0x11, 0x12:  // TCP or UDP over IPv4
            guard length >= 12 else { return .invalid("a v2 IPv4 block shorter than 12 bytes") }
            let value = body.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return .header(source: .v4(IPv4Address(value)), length: total)
        case 0x21, 0x22:  // TCP or UDP over IPv6
            guard length >= 36 else { return .invalid("a v2 IPv6 block shorter than 36 bytes") }
            let high = body.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = body.dropFirst(8).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let address = IPv6Address(high: high, low: low)
            return .header(source: address.mappedIPv4.map(IPAddress.v4) ?? .v6(address), length: total)
        case 0x00:  // UNSPEC
            return .header(source: nil, length: total)
        default:
            return .invalid("an unsupported v2 address family")
        }
    }
}
