/// The request an HTTP client sends to a forward proxy before its TLS connection (RFC 9110 §9.3.6):
/// `CONNECT host:443 HTTP/1.1`, header lines, an empty line. The router's proxy listener reads it, decides whether
/// the target is one of the lab's endpoint hosts, and then serves the tunnelled TLS connection itself: it never
/// opens a connection anywhere.
///
/// Written here rather than with NIOHTTP1 because the head is tiny, nothing but the request line matters, and the
/// connection must then stop being HTTP at an exact byte: the parser reports where the head ended, so the bytes
/// after it (a client may send its ClientHello at once) go to TLS untouched.
public enum ConnectRequest {
    /// A head longer than this is refused: a CONNECT head is a request line and a few short headers.
    public static let maximumHeadLength = 8192

    /// What a parse of the bytes received so far found.
    public enum Parse: Equatable, Sendable {
        /// The head has not ended yet.
        case needMoreData
        /// A CONNECT to `host` (lower-cased, without brackets) on `port`; the head is `length` bytes long.
        case connect(host: String, port: Int, length: Int)
        /// Not a CONNECT request the proxy can tunnel: the status and reason to answer with before closing.
        case refused(status: Int, reason: String)
    }

    public static func parse(_ bytes: some Collection<UInt8>) -> Parse {
        let bytes = Array(bytes.prefix(maximumHeadLength + 4))
        guard let end = headEnd(bytes) else {
            if bytes.count > maximumHeadLength {
                return .refused(status: 431, reason: "the request head is longer than \(maximumHeadLength) bytes")
            }
            return .needMoreData
        }
        guard end <= maximumHeadLength else {
            return .refused(status: 431, reason: "the request head is longer than \(maximumHeadLength) bytes")
        }
        let lineEnd = bytes.firstIndex(of: 0x0D) ?? end
        let fields = bytes[..<lineEnd].split(separator: 0x20, omittingEmptySubsequences: false)
        guard fields.count == 3, fields[2].starts(with: Array("HTTP/1.".utf8)), fields[2].count == 8 else {
            return .refused(status: 400, reason: "the request line is not 'METHOD target HTTP/1.x'")
        }
        guard fields[0].elementsEqual("CONNECT".utf8) else {
            return .refused(
                status: 405,
                reason:
                    "this proxy only tunnels HTTPS: it accepts CONNECT, not \(String(decoding: fields[0], as: UTF8.self))"
            )
        }
        guard let (host, port) = authority(String(decoding: fields[1], as: UTF8.self)) else {
            return .refused(status: 400, reason: "the CONNECT target is not 'host:port'")
        }
        return .connect(host: host, port: port, length: end)
    }

    /// Whether the proxy tunnels `host:port`: port 443 and a host under one of `suffixes` (case-insensitive, whole
    /// labels). Returns nil when it does, or the reason it does not.
    public static func refusal(host: String, port: Int, suffixes: [String]) -> String? {
        guard port == 443 else { return "only port 443 is tunnelled, not \(port)" }
        let name = host.lowercased()
        let covered = suffixes.contains { suffix in
            let suffix = suffix.lowercased()
            return name.hasSuffix("." + suffix)
        }
        guard covered else {
            return "\(host) is not under an endpoint suffix of this lab (\(suffixes.joined(separator: ", ")))"
        }
        return nil
    }

    /// The index just past the empty line that ends the head, if it has arrived.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 3..<bytes.count
        where bytes[index] == 0x0A && bytes[index - 1] == 0x0D && bytes[index - 2] == 0x0A && bytes[index - 3] == 0x0D {
            return index + 1
        }
        return nil
    }

    /// `host:port` or `[v6]:port`; the host in lower case without brackets.
    private static func authority(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        var host = Substring(text[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { return nil }
            host = host.dropFirst().dropLast()
        }
        let allowed = host.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D
                || $0 == 0x2E || $0 == 0x3A || $0 == 0x5F
        }
        guard !host.isEmpty, allowed else { return nil }
        return (host.lowercased(), port)
    }
}
