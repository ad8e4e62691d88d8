import AccessPointCore
import Testing

struct ProxyProtocolHeaderTests {
    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    static func v2(command: UInt8 = 0x21, family: UInt8, body: [UInt8]) -> [UInt8] {
        v2Signature + [command, family, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
    }

    static let v4Body: [UInt8] = [127, 0, 10, 5, 127, 0, 0, 1, 0xDC, 0x05, 0x01, 0xBB]
    static let v6Body: [UInt8] =
        [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1] + [UInt8](repeating: 0, count: 15) + [1]
        + [0, 80, 1, 187]
    static let mappedBody: [UInt8] =
        [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF, 127, 0, 20, 9] + [UInt8](repeating: 0, count: 16) + [
            0, 1, 0, 2,
        ]

    @Test(arguments: [
        ("v1 TCP4", Array("PROXY TCP4 127.0.10.5 127.0.0.1 56324 443\r\nGET".utf8), "127.0.10.5", 43),
        ("v1 TCP6", Array("PROXY TCP6 2001:db8::1 ::1 56324 443\r\n".utf8), "2001:db8::1", 38),
        ("v1 UNKNOWN", Array("PROXY UNKNOWN\r\n".utf8), nil, 15),
        ("v1 UNKNOWN with addresses", Array("PROXY UNKNOWN ffff::1 ::1 1 2\r\n".utf8), nil, 31),
        ("v1 at the longest", Array(("PROXY UNKNOWN " + String(repeating: "x", count: 91) + "\r\n").utf8), nil, 107),
        ("v2 TCP4", v2(family: 0x11, body: v4Body) + [0x16, 0x03], "127.0.10.5", 28),
        ("v2 TCP6", v2(family: 0x21, body: v6Body), "2001:db8::1", 52),
        ("v2 TCP6 mapped IPv4", v2(family: 0x21, body: mappedBody), "127.0.20.9", 52),
        ("v2 TCP4 with a TLV", v2(family: 0x11, body: v4Body + [0x04, 0x00, 0x01, 0x00]), "127.0.10.5", 32),
        ("v2 LOCAL", v2(command: 0x20, family: 0x00, body: []), nil, 16),
        ("v2 UNSPEC", v2(family: 0x00, body: []), nil, 16),
    ])
    func parsesCompleteHeaders(name: String, bytes: [UInt8], source: String?, length: Int) {
        #expect(
            ProxyProtocolHeader.parse(bytes) == .header(source: source.flatMap { IPAddress($0) }, length: length),
            "\(name)"
        )
    }

    @Test(arguments: [
        Array("PRO".utf8),
        Array("PROXY TCP4 127.0.10.5 127.0.0.1 5632".utf8),
        Array("PROXY TCP4 127.0.10.5 127.0.0.1 56324 443\r".utf8),
        Array(v2Signature.prefix(7)),
        v2Signature + [0x21, 0x11],
        Array(v2(family: 0x11, body: v4Body).dropLast(3)),
    ])
    func waitsForTheRestOfAHeader(bytes: [UInt8]) {
        #expect(ProxyProtocolHeader.parse(bytes) == .needMoreData)
    }

    static let invalid: [(String, [UInt8])] = [
        ("TLS instead", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00]),
        ("HTTP instead", Array("GET / HTTP/1.1\r\n".utf8)),
        ("v1 bad address", Array("PROXY TCP4 300.1.1.1 127.0.0.1 1 2\r\n".utf8)),
        ("v1 wrong family", Array("PROXY TCP4 ::1 ::1 1 2\r\n".utf8)),
        ("v1 bad port", Array("PROXY TCP4 127.0.0.1 127.0.0.1 70000 2\r\n".utf8)),
        ("v1 missing fields", Array("PROXY TCP4 127.0.0.1\r\n".utf8)),
        ("v1 unknown protocol", Array("PROXY UDP4 127.0.0.1 127.0.0.1 1 2\r\n".utf8)),
        ("v1 bare CR", Array("PROXY UNKNOWN\rX".utf8)),
        ("v1 too long", Array(("PROXY UNKNOWN " + String(repeating: "x", count: 120)).utf8)),
        // Found by the fuzz harness (fuzz/regressions/proxy-header): a CR past the limit as the last byte read was
        // "need more data", and one ending the 107th byte was refused as "not ended by CRLF".
        ("v1 too long, CR last", Array(("PROXY UNKNOWN " + String(repeating: "x", count: 120) + "\r").utf8)),
        ("v1 too long by one", Array(("PROXY UNKNOWN " + String(repeating: "x", count: 92) + "\r\n").utf8)),
        ("v1 no CR in 106 bytes", Array(("PROXY UNKNOWN " + String(repeating: "x", count: 92)).utf8)),
        ("v2 version 1", v2Signature + [0x11, 0x11, 0, 0]),
        ("v2 unknown command", v2(command: 0x22, family: 0x11, body: v4Body)),
        ("v2 short IPv4 block", v2(family: 0x11, body: [127, 0, 0, 1])),
        ("v2 short IPv6 block", v2(family: 0x21, body: v4Body)),
        ("v2 unix socket", v2(family: 0x31, body: [UInt8](repeating: 0, count: 216))),
    ]

    @Test(arguments: invalid)
    func refusesWhatIsNotAHeader(name: String, bytes: [UInt8]) {
        guard case .invalid = ProxyProtocolHeader.parse(bytes) else {
            Issue.record("\(name) was accepted: \(ProxyProtocolHeader.parse(bytes))")
            return
        }
    }
}
