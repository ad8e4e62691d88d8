import Testing

@testable import S3Auth

/// The one-pass canonical query on the raw text answers as the parts-based one, or declines.
struct RawCanonicalQueryTests {
    static let queries: [String] = [
        "",
        "&",
        "&&&&&&&&&&",
        "a=1",
        "&&a=1&&",
        "b=2&a=1",
        "a=2&a=1&a=1",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261126%2Fus-west-2%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20261126T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "X-Amz-Signature=abc&x-amz-signature=def&X-Amz-Signaturex=1&X-Amz-Signature",
        "X-Amz-Signature&a=1",
        "X-Amz-%53ignature=1&b=2",
        "acl&prefix=a+b&key%2Fname=&=v&==x&a=b=c",
        "k=%zz%4&k=%2&k=%&k=%41%61%7e%7E%2f%2F%20&k=caf\u{e9}&k=\u{1F600}",
        "n\u{e9}=1&z=0",
        "upload-id=abcdefghijklmnopqrstuvwxyz0123456789-._~ABCDEFGHIJKLMNOPQRSTUVWXYZ&partNumber=10&partNumber=9",
        "ABCDEFGH=12345678&abcdefgh&ABCDEFG!=x&ABCDEFG*=y&~~~~~~~~=________&........=--------",
        "a=\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}&b=@@@@@@@@&c=[[[[[[[[&d=````````&e={{{{{{{{&f=////////",
        // More pieces than the raw reading has room for.
        (0..<40).map { "p\(39 - $0)=\($0)" }.joined(separator: "&"),
    ]

    @Test(arguments: queries, [false, true])
    func matchesThePartsRoute(_ query: String, _ omittingSignature: Bool) {
        let parts = CanonicalQuery.parts(of: query)
        var expected: [UInt8] = []
        CanonicalQuery.append(parts, omittingSignature: omittingSignature, to: &expected)
        #expect(
            String(decoding: expected, as: UTF8.self)
                == CanonicalQuery.canonicalize(parts, omitting: omittingSignature ? ["X-Amz-Signature"] : [])
        )
        var raw: [UInt8] = [0x21]
        if CanonicalQuery.appendRaw(query, omittingSignature: omittingSignature, to: &raw) {
            #expect(raw == [0x21] + expected)
        } else {
            #expect(raw == [0x21])
            // It declines only for a name with `%` or a byte that is not ASCII, when the signature is omitted, and
            // for more pieces than it has room for.
            #expect(omittingSignature || parts.count > CanonicalQuery.rawPieceLimit)
        }
    }

    /// Every byte value in every lane of a word of otherwise unreserved bytes.
    @Test func checksWordsAsBytes() {
        for lane in 0..<8 {
            for value in 0...255 {
                var bytes = Array("aZ0-._~9".utf8)
                bytes[lane] = UInt8(value)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(CanonicalQuery.isUnreservedWord(word) == bytes.allSatisfy(CanonicalQuery.isUnreserved))
            }
        }
    }
}
