/// Picks which of several certificates serves a TLS connection, from the SNI name the client sent: the router's
/// virtual-hosting callback (issue 7: "certificates from `certsDir`, chosen by SNI") calls it once per handshake.
///
/// The first entry is the default. Among entries that cover the name, one that names it exactly wins over a wildcard,
/// and an earlier entry over a later one. A handshake without SNI (clients dialling an IP address send none, RFC 6066
/// §3) or with a name nothing covers gets the default, so the client's own hostname check produces the error it would
/// show against AWS rather than an opaque handshake failure.
public struct ServerNameSelector<Value: Sendable>: Sendable {
    /// A certificate (or whatever the TLS layer keeps for one, such as its context) and the names it carries.
    public struct Entry: Sendable {
        public var patterns: [ServerNamePattern]
        public var value: Value

        public init(patterns: [ServerNamePattern], value: Value) {
            self.patterns = patterns
            self.value = value
        }
    }

    public let entries: [Entry]

    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    /// The entry for `serverName`, and why it was chosen.
    public func select(serverName: String?) -> ServerNameSelection<Value> {
        guard let first = entries.first else { return .empty }
        guard let serverName else { return .fallback(first.value) }
        var wildcard: Value?
        for entry in entries {
            for pattern in entry.patterns {
                switch pattern.match(serverName) {
                case .exact, .ip: return .exact(entry.value)
                case .wildcard where wildcard == nil: wildcard = entry.value
                case .wildcard, .mismatch: continue
                }
            }
        }
        return wildcard.map(ServerNameSelection.wildcard) ?? .fallback(first.value)
    }
}

/// Which certificate `ServerNameSelector` chose and why, so the router can log and count fallbacks.
public enum ServerNameSelection<Value: Sendable>: Sendable {
    /// An entry names the server name (or its IP address) exactly.
    case exact(Value)
    /// An entry covers the server name through a wildcard, and none names it exactly.
    case wildcard(Value)
    /// No SNI, or nothing covers it: the default (first) entry.
    case fallback(Value)
    /// The selector has no entries at all.
    case empty

    /// The chosen value, whatever the reason; nil only for `.empty`.
    public var value: Value? {
        switch self {
        case .exact(let value), .wildcard(let value), .fallback(let value): value
        case .empty: nil
        }
    }
}

extension ServerNameSelection: Equatable where Value: Equatable {}
