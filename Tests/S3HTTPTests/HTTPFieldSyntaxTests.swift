import AccessPointCore
import S3HTTP
import Testing

/// The word-at-a-time field checks against their byte-by-byte definitions.
struct HTTPFieldSyntaxTests {
    /// Every byte value at every position of a 17-byte value (two words and a tail), among allowed bytes.
    @Test(arguments: [UInt8(ascii: "a"), UInt8(ascii: "\t"), 0xC3])
    func everyByteAtEveryPositionIsJudgedAsByItself(background: UInt8) {
        for byte in UInt8.min...UInt8.max {
            for position in 0..<17 {
                var value = [UInt8](repeating: background, count: 17)
                value[position] = byte
                let judged = value.withUnsafeBytes { HTTPFieldSyntax.isValidValue($0) }
                #expect(judged == HTTPFieldSyntax.isValueByte(byte), "byte \(byte) at \(position)")
                if judged != HTTPFieldSyntax.isValueByte(byte) { return }
            }
        }
    }

    /// Parsed field names keep the spelling they were sent with, whether or not they are among the names kept as
    /// literals; values are copied as sent.
    @Test func parsedNamesKeepTheirSpelling() throws {
        let names = [
            "Host", "HOST", "host", "x-amz-date", "X-AMZ-DATE", "content-length", "X-Custom", "ETag",
        ]
        let head = names.enumerated().map { "\($1): \($0)\r\n" }.joined()
        let fields = try Array(head.utf8).withUnsafeBytes { bytes in
            var lines = HTTP1HeadLines(bytes, lines: names.count)
            return try HTTP1Fields.read(&lines, extra: 0)
        }
        #expect(fields.fields.map(\.name) == names)
        #expect(fields.fields.map(\.value) == names.indices.map { "\($0)" })
    }

    /// A word that needs the byte-by-byte look (a tab, obs-text) still finds a control character in it.
    @Test(arguments: [
        ("ab\tcd\u{1}ef", false), ("caf\u{e9}\u{7F}xyz", false), ("caf\u{e9} \"x\"\t", true), ("", true),
        ("0123456789abcdef\r", false), ("0123456789abcdef\u{7F}", false), ("\u{0}", false),
    ])
    func mixedWords(value: String, valid: Bool) {
        #expect(HTTPFieldSyntax.isValidValue(value) == valid)
    }

    /// The request target's check, word at a time, against its definition (0x21 to 0x7E).
    @Test func visibleASCIIIsJudgedByteByByte() {
        for byte in UInt8.min...UInt8.max {
            for position in 0..<17 {
                var target = [UInt8](repeating: UInt8(ascii: "/"), count: 17)
                target[position] = byte
                let judged = target.withUnsafeBytes { HTTP1Syntax.isVisibleASCII($0) }
                #expect(judged == (byte > 0x20 && byte < 0x7F), "byte \(byte) at \(position)")
                if judged != (byte > 0x20 && byte < 0x7F) { return }
            }
        }
    }

    /// The name check, word at a time, against `isTokenByte`: every byte value at every position of names of 1 to
    /// 19 bytes (no word, one, one and an overlapping last, two and more), among letters, digits and `-`, and among
    /// other token bytes (which take the byte-by-byte look).
    @Test(arguments: [UInt8(ascii: "x"), UInt8(ascii: "-"), UInt8(ascii: "~"), UInt8(ascii: "7")])
    func everyByteOfANameIsJudgedAsByItself(background: UInt8) {
        for length in 1...19 {
            for byte in UInt8.min...UInt8.max {
                for position in 0..<length {
                    var name = [UInt8](repeating: background, count: length)
                    name[position] = byte
                    let judged = name.withUnsafeBytes { HTTPFieldSyntax.isValidName($0) }
                    #expect(judged == HTTPFieldSyntax.isTokenByte(byte), "byte \(byte) at \(position) of \(length)")
                    if judged != HTTPFieldSyntax.isTokenByte(byte) { return }
                }
            }
        }
    }

    /// `isTokenByte` against RFC 9110's `tchar`, for every byte.
    @Test func tokenBytesAreTheRFCsTchar() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPFieldSyntax.isTokenByte(byte) == tchar.contains(byte), "byte \(byte)")
        }
    }
}
