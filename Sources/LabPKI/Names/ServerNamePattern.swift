public import AccessPointCore

/// One subject alternative name as a TLS server matches it against the SNI name a client sends: an exact DNS name,
/// a wildcard whose `*` is the whole left-most label, or an IP address.
///
/// Matching follows RFC 6125 §6.4: case-insensitive, one trailing dot on the server name ignored, and `*` standing
/// for exactly one non-empty label, so `*.s3.lab.localhost` covers `ap-111122223333.s3.lab.localhost` but neither
/// `s3.lab.localhost` nor `a.b.s3.lab.localhost`. Partial-label wildcards (`ap*.example.com`) are refused when the
/// pattern is built: the lab never issues them and modern clients do not honour them. An IP literal matches only an
/// IP pattern for the same address, never a DNS wildcard whose labels happen to be digits.
public struct ServerNamePattern: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case exact(String)
        /// `*.base`: `base` has at least two labels, so no pattern covers a whole top-level domain.
        case wildcard(base: String)
        case ip(IPAddress)
    }

    private let kind: Kind

    /// Parses a SAN as text: `s3.lab.localhost`, `*.s3.lab.localhost`, `127.0.0.1` or `::1`.
    public init(_ text: String) throws(LabPKIError) {
        if let address = IPAddress(text) {
            self.kind = .ip(address)
            return
        }
        guard let name = Self.normalized(text) else {
            throw .invalidName.because("'\(text)' is not a DNS name (empty label or a character outside ASCII)")
        }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.dropFirst().contains(where: { $0.contains("*") }) || (labels[0] != "*" && labels[0].contains("*")) {
            throw .invalidName.because("'\(text)': a wildcard must be the whole left-most label")
        }
        if labels[0] == "*" {
            guard labels.count >= 3 else {
                throw .invalidName.because("'\(text)': a wildcard needs at least two labels after '*'")
            }
            self.kind = .wildcard(base: labels.dropFirst().joined(separator: "."))
        } else {
            self.kind = .exact(name)
        }
    }

    /// An IP address SAN.
    public init(ipAddress: IPAddress) {
        self.kind = .ip(ipAddress)
    }

    /// How this pattern covers `serverName` (an SNI name or the host a client dialled), if it does.
    public func match(_ serverName: String) -> ServerNameMatch {
        if let address = IPAddress(serverName) {
            guard case .ip(let own) = kind, own == address else { return .mismatch }
            return .ip
        }
        guard let name = Self.normalized(serverName) else { return .mismatch }
        switch kind {
        case .exact(let own):
            return own == name ? .exact : .mismatch
        case .wildcard(let base):
            guard let firstDot = name.firstIndex(of: ".") else { return .mismatch }
            let firstLabel = name[..<firstDot]
            let rest = name[name.index(after: firstDot)...]
            return !firstLabel.isEmpty && rest == base ? .wildcard : .mismatch
        case .ip:
            return .mismatch
        }
    }

    public var description: String {
        switch kind {
        case .exact(let name): name
        case .wildcard(let base): "*.\(base)"
        case .ip(let address): address.description
        }
    }

    /// Lower-cased without one trailing dot; nil for an empty name, an empty label or a byte outside printable ASCII.
    static func normalized(_ text: String) -> String? {
        var name = Substring(text)
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        guard !name.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            return nil
        }
        return name.lowercased()
    }
}

/// How a `ServerNamePattern` covers a server name. An exact name beats a wildcard when several certificates could
/// serve the same connection.
public enum ServerNameMatch: Hashable, Sendable {
    /// The pattern is this very name.
    case exact
    /// The pattern's `*` stands for the name's left-most label and the rest is equal.
    case wildcard
    /// The name is an IP literal equal to the pattern's address.
    case ip
    /// The pattern does not cover the name.
    case mismatch
}
