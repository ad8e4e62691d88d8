import Testing

@testable import PolicyEngine

struct WildcardPatternTests {
    static let table: [(String, String, Bool)] = [
        ("*", "", true), ("*", "anything/at:all", true), ("", "", true), ("", "a", false),
        ("abc", "abc", true), ("abc", "abcd", false), ("abc", "ABC", false),
        ("ab*", "ab", true), ("ab*", "abxyz", true), ("ab*", "a", false),
        ("*yz", "xyz", true), ("*yz", "xy", false), ("a*c", "abbbc", true), ("a*c", "abbbd", false),
        ("a?c", "abc", true), ("a?c", "ac", false), ("a?c", "aéc", true), ("??", "é", false),
        ("a*b*c", "aXbYbZc", true), ("a*b*c", "aXcYb", false), ("*a*a*a*", "banana", true),
        ("*a*a*a*a*", "banana", false),
        ("home/*/docs/*", "home/alice/docs/x/y", true), ("home/*/docs/*", "home/alice/doc/x", false),
        ("**", "x", true), ("a**b", "ab", true), ("*?", "", false), ("*?", "x", true),
        // Literals are compared eight bytes at a time, then byte by byte: differences in either part count.
        ("0123456789abcdefXY", "0123456789abcdefXY", true), ("0123456789abcdefXY", "0123456789abcdefXZ", false),
        ("0123456789abcdefXY", "0123456789abcdeFXY", false), ("0123456789abcdefXY", "0123456789abcdefX", false),
        ("0123456789abcdef*", "0123456789abcdef", true), ("0123456789abcdef*", "01234567x9abcdef/k", false),
        ("x*0123456789abcdef", "xyz0123456789abcdef", true), ("x*0123456789abcdef", "xyz0123456789abcdeg", false),
    ]

    @Test(arguments: Self.table)
    func matches(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(WildcardPattern(pattern).matches(text) == expected)
    }

    @Test func literalPiecesKeepWildcardsLiteral() {
        let pattern = WildcardPattern(pieces: [("a", true), ("*", false), ("*", true)])
        #expect(pattern.matches("a*xyz"))
        #expect(!pattern.matches("abxyz"))
    }

    @Test func hostilePatternFinishesQuickly() {
        let pattern = WildcardPattern(String(repeating: "*a", count: 200) + "b")
        #expect(!pattern.matches(String(repeating: "a", count: 2_000)))
    }
}

struct ARNPatternTests {
    static let table: [(String, String, Bool)] = [
        ("*", "arn:aws:s3:::bucket", true),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", true),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false),
        ("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-2/x", true),
        ("arn:aws:s3:*:111122223333:accesspoint/*", "arn:aws:s3:us-west-2:111122223333:accesspoint/reports", true),
        ("arn:aws:s3:*:*:accesspoint/reports", "arn:aws:s3:us-west-2:111122223333:accesspoint/reports", true),
        // A `*` in the region field cannot swallow the account field.
        ("arn:aws:s3:*:accesspoint/reports/*", "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/x", false),
        ("arn:aws:s3:us-west-?:111122223333:*", "arn:aws:s3:us-west-2:111122223333:accesspoint/r", true),
        (
            "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/*",
            "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/a.csv", true
        ),
        (
            "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/*",
            "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/jane/a.csv", false
        ),
        ("arn:aws:s3:::bucket/*", "not-an-arn", false),
        // Literal first five fields are compared as one prefix; the resource's colons must fall in the same places.
        ("arn:aws:s3:us-west-2:111122223333:accesspoint/*", "arn:aws:s3:us-west-2:111122223333", false),
        ("arn:aws:s3:us-west-2:111122223333:accesspoint/*", "arn:aws:s3:us-west-2:111122223333:", false),
        ("arn:aws:s3:us-west-2:111122223333:*", "arn:aws:s3:us-west-2:111122223333:", true),
        ("arn:aws:s3:us-west-2:111122223333:*", "arn:aws:s3:us-west-2:1111222233334:x", false),
        ("arn:aws:s3:us-west-2::x", "arn:aws:s3:us-west-2::x", true),
        ("arn:aws:s3:us-west-2::x", "arn:aws:s3:us-west-2:1:x", false),
        ("arn:aws:s3:::bucket/a:b", "arn:aws:s3:::bucket/a:b", true),
        ("arn:aws:s3:::b", "arn:aws:s3::::b", false),
    ]

    @Test(arguments: Self.table)
    func matches(_ pattern: String, _ resource: String, _ expected: Bool) {
        #expect(ARNPattern(pattern).matches(ResourceName(resource)) == expected)
    }
}
