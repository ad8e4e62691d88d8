import AccessPointCore
import Testing

@testable import S3Auth

/// The one-buffer reader of presigned parameters answers as ``SignatureClaims/init(query:maxExpires:)`` wherever it
/// answers at all, and leaves every query that reader refuses to it.
struct PlainQueryClaimsTests {
    static let signature = String(repeating: "0a", count: 32)
    static let credential = "AKIDEXAMPLE%2F20261126%2Fus-west-2%2Fs3%2Faws4_request"
    static let base =
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=\(credential)&X-Amz-Date=20261126T120000Z"
        + "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=\(signature)"

    static let queries: [String] = [
        base,
        "a=1&" + base + "&b&&",
        base + "&X-Amz-Region-Set=us-west-2%2Cus-east-1",
        base.replacingAll("host", "host%3Bx-amz-date"),
        base.replacingAll("host", "host;x-amz-date"),
        base.replacingAll("host", "x-amz-date%3Bhost"),
        base.replacingAll("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA25%36"),
        base.replacingAll("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"),
        base.replacingAll("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=aws4-hmac-sha256"),
        base.replacingAll("X-Amz-Algorithm", "X-Amz-%41lgorithm"),
        base.replacingAll("%2F", "/"),
        base.replacingAll("%2F20261126", "%2F20261131"),
        base.replacingAll("us-west-2", "US-WEST-2"),
        base.replacingAll("3600", "0"),
        base.replacingAll("3600", "604800"),
        base.replacingAll("3600", "604801"),
        base.replacingAll("3600", "999999999999"),
        base.replacingAll("3600", "1234567890123"),
        base.replacingAll("3600", "+36"),
        base.replacingAll("3600", ""),
        base.replacingAll("20261126T120000Z", "20261126T120000"),
        base.replacingAll("20261126T120000Z", "20261126T250000Z"),
        base.replacingAll("20261126T120000Z", "20261126T12%3A00Z"),
        base.replacingAll(signature, String(repeating: "0A", count: 32)),
        base.replacingAll(signature, String(repeating: "0a", count: 31)),
        base.replacingAll(signature, String(repeating: "%30a", count: 32)),
        base + "&X-Amz-Date=20261126T120000Z",
        base + "&X-Amz-Region-Set=a&X-Amz-Region-Set=b",
        base.replacingAll("&X-Amz-Expires=3600", ""),
        base.replacingAll("X-Amz-Date=", "X-Amz-Date"),
        base.replacingAll("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host&n\u{e9}=1"),
    ]

    @Test(arguments: queries)
    func readsAsTheGeneralReader(_ query: String) {
        let general = Result { () throws(S3Error) in
            try SignatureClaims(query: CanonicalQuery.parts(of: query), maxExpires: 604_800)
        }
        guard let plain = SignatureClaims.plainQuery(query, maxExpires: 604_800) else { return }
        guard case .success(let claims) = general else {
            Issue.record("the plain reader accepts what the general one refuses: \(query)")
            return
        }
        #expect(plain.algorithm == claims.algorithm)
        #expect(plain.location == claims.location)
        #expect(plain.accessKeyID == claims.accessKeyID)
        #expect(plain.scope == claims.scope)
        #expect(plain.signedHeaders == claims.signedHeaders)
        #expect(plain.signature == claims.signature)
        #expect(plain.presignedTime == claims.presignedTime)
        #expect(plain.expires == claims.expires)
        #expect(plain.regionSetParameter == claims.regionSetParameter)
    }

    /// Finding the marker parameters on raw pieces answers as reading every part.
    @Test(
        arguments: queries + [
            "", "a=1", "list-type=2&prefix=Jane%2F", "X-Amz-Date=1", "X-Amz-Signature", "x-amz-signature=1",
            "X-Amz-%53ignature=1", "X-Amz-Signature%3D=1", "X-Am%7A-Credential=1&b", "%58-Amz-Algorithm=x",
            "n\u{e9}=1&X-Amz-SignedHeaders", "X-Amz-SignedHeadersX=1&X-Amz-Expires=1", "=X-Amz-Algorithm",
        ]
    )
    func findsMarkersAsTheParts(_ query: String) {
        let expected = CanonicalQuery.parts(of: query).contains {
            SignatureClaims.PresignParameter($0)?.isMarker ?? false
        }
        #expect(SignatureClaims.hasPresignMarker(query) == expected)
    }

    /// The query SDKs write is read by the plain reader.
    @Test func readsTheUsualQuery() {
        #expect(SignatureClaims.plainQuery(Self.base, maxExpires: 604_800) != nil)
    }
}

/// The word-at-a-time scans and decoding answer as byte loops.
struct ByteScanTests {
    static let texts: [String] = [
        "", "a", "abcdefg", "abcdefgh", "abcdefgh&", "&", "a=b&c=d", "%", "%4", "%41", "%41%42%4", "abc%2Fdef%2fghi%zz",
        "0123456789abcdef0123456789=abcdef&0123456789", "\u{e9}\u{e9}\u{e9}\u{e9}%41=&", "========", "&&&&&&&&&",
    ]

    @Test(arguments: texts)
    func scansAsByteLoops(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            for start in 0...bytes.count {
                let amp = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
                #expect(ByteScan.firstIndex(of: UInt8(ascii: "&"), in: raw, from: start, to: bytes.count) == amp)
                let either =
                    bytes[start...].firstIndex { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "=") } ?? bytes.count
                #expect(
                    ByteScan.firstIndex(
                        of: UInt8(ascii: "="),
                        or: UInt8(ascii: "&"),
                        in: raw,
                        from: start,
                        to: bytes.count
                    ) == either
                )
                #expect(
                    ByteScan.count(of: UInt8(ascii: "&"), in: raw, from: start)
                        == bytes[start...].count { $0 == UInt8(ascii: "&") }
                )
            }
        }
        #expect(CanonicalQuery.percentDecode(bytes) == Self.decoded(bytes))
    }

    /// Each valid `%XX` decoded, byte by byte.
    static func decoded(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
