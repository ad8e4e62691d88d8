import Testing

@testable import S3Auth

/// The query pieces decode lazily and on bytes; each row is held to the String-and-array implementation they
/// replaced (kept below as `Reference`), and the canonical query written on bytes to ``CanonicalQuery/canonicalize``.
struct QueryPartTests {
    static let queries: [String] = [
        "", "a", "a=", "=a", "=", "&&", "a=1&&b=2&", "k=v=w", "a+b=c+d", "a%20b=c%20d", "a%2Bb=%2b",
        "prefix=100%", "prefix=%", "prefix=%2", "prefix=%zz", "prefix=%%41", "prefix=%4", "%41%42=%43",
        "prefix=%e2%82%ac", "prefix=€", "prefix=%E2%82", "prefix=%ff%fe", "prefix=%C3%A9&prefix=é",
        "a=2&a=1&a=", "X-Amz-Signature=abc&a=1", "X-Amz-Signatur%65=abc&a=1", "x-amz-signature=abc",
        "X-Amz-Credential=AKID%2F20261126%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Date=20261126T120000Z",
        "delete&versionId=", "uploads", "list-type=2&prefix=Jane%2F&delimiter=%2F", "a=%7e~&b=%2f/",
    ]

    @Test(arguments: Self.queries)
    func partsReadAsTheStringImplementation(_ raw: String) {
        let parts = CanonicalQuery.parts(of: raw)
        let reference = Reference.parts(of: raw)
        #expect(parts.count == reference.count)
        for (part, expected) in zip(parts, reference) {
            #expect(part.rawName == expected.rawName)
            #expect(part.rawValue == expected.rawValue)
            #expect(part.name == expected.name)
            #expect(part.value == expected.value)
            #expect(part.nameText == Reference.text(raw: expected.rawName, decoded: expected.name))
            #expect(part.valueText == Reference.text(raw: expected.rawValue, decoded: expected.value))
            #expect(part.decodedValueText == String(decoding: expected.value, as: UTF8.self))
        }
    }

    /// Leaving pieces out while splitting keeps the others as a split followed by a filter does.
    @Test(arguments: Self.queries)
    func excludingPiecesIsSplittingThenFiltering(_ raw: String) {
        let exclusions: [(String) -> Bool] = [
            { _ in false }, { _ in true }, { $0.hasPrefix("X-Amz-") }, { $0.contains("=") }, { $0.utf8.count < 4 },
        ]
        for excluded in exclusions {
            let kept = CanonicalQuery.parts(of: raw) { excluded(String(decoding: $0, as: UTF8.self)) }
            // Each part beside its piece as sent: the non-empty runs between `&`s.
            let pieces = raw.utf8.split(separator: UInt8(ascii: "&")).map { String(decoding: $0, as: UTF8.self) }
            let all = CanonicalQuery.parts(of: raw)
            #expect(all.count == pieces.count)
            let expected = zip(all, pieces).filter { !excluded($0.1) }.map(\.0)
            #expect(kept.map(\.rawName) == expected.map(\.rawName))
            #expect(kept.map(\.rawValue) == expected.map(\.rawValue))
        }
    }

    @Test(arguments: Self.queries)
    func bytesAreTheCanonicalQuery(_ raw: String) {
        for omitting in [false, true] {
            var bytes: [UInt8] = []
            CanonicalQuery.append(CanonicalQuery.parts(of: raw), omittingSignature: omitting, to: &bytes)
            let expected = CanonicalQuery.canonicalize(raw, omitting: omitting ? ["X-Amz-Signature"] : [])
            #expect(String(decoding: bytes, as: UTF8.self) == expected, "omitting: \(omitting)")
        }
    }

    @Test(arguments: [
        "", "%", "%4", "%41", "%4g", "a%2", "%%41", "%e2%82%ac", "%E2%82%AC", "+", "a+b", "%ff", "é", "%C3%A9",
    ])
    func percentDecodesAsBefore(_ text: String) {
        let expected = Reference.percentDecode(Array(text.utf8))
        #expect(CanonicalQuery.percentDecode(text.utf8) == expected)
        #expect(CanonicalQuery.percentDecode(Substring(text).utf8) == expected)
        #expect(CanonicalQuery.percentDecode(Array(text.utf8)) == expected)
        #expect(CanonicalQuery.decodedText(Substring(text)) == String(decoding: expected, as: UTF8.self))
    }

    /// `isSignatureName` answers as `HeaderName.equals(part.name, "X-Amz-Signature")`.
    @Test(arguments: [
        "X-Amz-Signature=1", "X-Amz-Signatur%65=1", "%58-Amz-Signature=1", "x-amz-signature=1", "X-Amz-Signature",
        "X-Amz-Signatures=1", "X-Amz-Signatur=1", "X-Amz-Signatüre=1", "=1",
    ])
    func findsTheSignatureParameter(_ raw: String) throws {
        let part = try #require(CanonicalQuery.parts(of: raw).first)
        #expect(CanonicalQuery.isSignatureName(part) == HeaderName.equals(part.name, "X-Amz-Signature"))
    }

    /// The presign parameter of a part is the one whose name its decoded name equals.
    @Test(arguments: [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date",
        "X-Amz-Expires", "X-Amz-Region-Set", "X-Amz-D%61te", "x-amz-date", "X-Amz-Dates", "X-Amz-Security-Token",
        "X-Amz-Dåte", "AWSAccessKeyId", "",
    ])
    func classifiesPresignParameters(_ name: String) throws {
        let part = try #require(CanonicalQuery.parts(of: "\(name)=v").first)
        let expected = SignatureClaims.PresignParameter.allCases.first { HeaderName.equals(part.name, $0.name) }
        #expect(SignatureClaims.PresignParameter(part) == expected)
    }

    /// The String implementation of 2026-11-27 (`sigv4fast`), the reference for the rows above.
    enum Reference {
        static func parts(of raw: String) -> [(rawName: Substring, rawValue: Substring, name: [UInt8], value: [UInt8])]
        {
            Substring(raw).utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { piece in
                if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                    let name = piece[..<equals]
                    let value = piece[piece.index(after: equals)...]
                    return (Substring(name), Substring(value), percentDecode(Array(name)), percentDecode(Array(value)))
                }
                return (Substring(piece), "", percentDecode(Array(piece)), [])
            }
        }

        static func text(raw: Substring, decoded: [UInt8]) -> String {
            let percents = raw.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "%") ? 1 : 0) }
            guard decoded.count == raw.utf8.count - 2 * percents, let text = String(validating: decoded, as: UTF8.self)
            else { return String(raw) }
            return text
        }

        static func percentDecode(_ input: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var index = 0
            while index < input.count {
                if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                    let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
                {
                    out.append(high << 4 | low)
                    index += 3
                } else {
                    out.append(input[index])
                    index += 1
                }
            }
            return out
        }

        static func hexValue(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
    }
}

/// The unreserved set answers as RFC 3986 §2.3 lists it, for every byte.
struct UnreservedByteTests {
    @Test func everyByte() {
        let listed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(CanonicalQuery.isUnreserved(byte) == listed.contains(byte), "byte \(byte)")
        }
    }
}

/// `isCanonical` reads eight bytes at a time; every row is held to the byte-at-a-time rule it replaced, with the
/// space, tab or double space at each position of values longer than a word.
struct CanonicalValueWordTests {
    static let values: [String] = {
        var values = ["", " ", "a", "a ", " a", "a  b", "a b", "a\tb", "\t", "é", "naïve value", "x\u{7F}y"]
        let base = Array("AWS4-HMAC-SHA256 Credential=AKID/20261126/us-west-2/s3/aws4_request,".utf8)
        for position in 0..<24 {
            for insert in [" ", "  ", "\t", "\u{1F}", "é"] {
                var bytes = base
                bytes.insert(contentsOf: Array(insert.utf8), at: position)
                values.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        return values
    }()

    @Test(arguments: Self.values)
    func answersAsTheByteRule(_ value: String) {
        var copy = value
        let answer = copy.withUTF8 { CanonicalRequest.isCanonical($0) }
        var previousSpace = true
        var expected = true
        for byte in value.utf8 {
            if byte == UInt8(ascii: "\t") { expected = false }
            let space = byte == UInt8(ascii: " ")
            if space && previousSpace { expected = false }
            previousSpace = space
        }
        expected = expected && (!previousSpace || value.isEmpty)
        #expect(answer == expected)
        if expected { #expect(CanonicalRequest.canonicalValue(value) == value) }
    }
}

/// `HeaderName.same` compares eight bytes at a time: a difference at any position of any length is seen.
struct SameBytesTests {
    @Test(arguments: [
        "", "a", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Algorithm", "X-Amz-Signature", "X-Amz-Credential",
        "X-Amz-SignedHeaders",
    ])
    func findsEveryDifference(_ literal: StaticString) {
        let bytes = Array(literal.description.utf8)
        bytes.withUnsafeBufferPointer { #expect(HeaderName.same($0, literal)) }
        for position in bytes.indices {
            var changed = bytes
            changed[position] ^= 0x01
            changed.withUnsafeBufferPointer { #expect(!HeaderName.same($0, literal), "position \(position)") }
        }
        (bytes + [0x41]).withUnsafeBufferPointer { #expect(!HeaderName.same($0, literal)) }
        Array(bytes.dropLast()).withUnsafeBufferPointer { #expect(bytes.isEmpty || !HeaderName.same($0, literal)) }
    }
}
