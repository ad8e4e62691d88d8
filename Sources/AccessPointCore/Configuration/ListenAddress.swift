/// An address a listener binds: an IP literal and a port (`127.0.0.1:8443`, `[::1]:53`). Port 0 asks the system
/// for a free port, which tests use.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: IPAddress
    public var port: Int

    public init(host: IPAddress, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let portText = text[text.index(after: colon)...]
        guard (1...5).contains(portText.utf8.count), portText.utf8.allSatisfy(NameRules.isDigit),
            let port = Int(portText), port <= 65535
        else { return nil }
        var hostText = text[..<colon]
        if hostText.hasPrefix("[") {
            guard hostText.hasSuffix("]") else { return nil }
            hostText = hostText.dropFirst().dropLast()
        }
        guard let host = IPAddress(hostText) else { return nil }
        // An IPv6 host needs its brackets ([::1]:53), or "::1:53" would be ambiguous.
        if case .v6 = host, !text.hasPrefix("[") { return nil }
        self.init(host: host, port: port)
    }

    public var description: String {
        switch host {
        case .v4: "\(host):\(port)"
        case .v6: "[\(host)]:\(port)"
        }
    }
}
