import S3Auth
import Testing

/// The canonical query (spec §5.2): decode, re-encode with the unreserved set, sort by name then value.
struct CanonicalQueryTests {
    static let table: [(String, String)] = [
        ("", ""),
        ("lifecycle", "lifecycle="),
        ("max-keys=2&prefix=J", "max-keys=2&prefix=J"),
        ("prefix=J&max-keys=2", "max-keys=2&prefix=J"),
        ("a=2&a=1&b=", "a=1&a=2&b="),
        ("prefix=a b", "prefix=a%20b"),
        ("prefix=a%20b", "prefix=a%20b"),
        ("prefix=a+b", "prefix=a%2Bb"),
        ("prefix=a%2Bb", "prefix=a%2Bb"),
        ("prefix=%7e~", "prefix=~~"),
        ("prefix=%2f/", "prefix=%2F%2F"),
        ("prefix=%e2%82%ac", "prefix=%E2%82%AC"),
        ("prefix=€", "prefix=%E2%82%AC"),
        ("prefix=100%", "prefix=100%25"),
        ("prefix=%zz", "prefix=%25zz"),
        ("x=1&&y=2&", "x=1&y=2"),
        ("k=v=w", "k=v%3Dw"),
        ("B=1&a=1", "B=1&a=1"),
        ("delete&versionId=", "delete=&versionId="),
    ]

    @Test(arguments: Self.table)
    func canonicalizes(_ raw: String, _ expected: String) {
        #expect(CanonicalQuery.canonicalize(raw) == expected)
    }

    @Test func omitsTheSignature() {
        #expect(CanonicalQuery.canonicalize("X-Amz-Signature=abc&a=1", omitting: ["X-Amz-Signature"]) == "a=1")
    }

    @Test(arguments: [("a b/c", false, "a%20b%2Fc"), ("a b/c", true, "a%20b/c"), ("-_.~", false, "-_.~")])
    func uriEncodes(_ text: String, _ keepingSlash: Bool, _ expected: String) {
        #expect(CanonicalQuery.uriEncode(text, keepingSlash: keepingSlash) == expected)
    }

    /// A String is encoded as its bytes are, whether or not any byte needs it (the String route returns plain text
    /// itself): words of unreserved bytes with one other byte in every lane, slashes, and text that is not ASCII.
    @Test(
        arguments: [
            "", "a", "obj-1k", "Jane/report.csv", "abcdefgh", "abcdefgh/", "////////", "/a/b/c/d/e/f/g/h",
            "abcdefg ", " bcdefgh", "abc~efgh_-.", "caf\u{e9}", "\u{e9}\u{e9}\u{e9}\u{e9}", "a+b", "a%2Fb", "AZaz09",
        ] + (0..<8).map { lane in String(repeating: "x", count: lane) + "/" + String(repeating: "y", count: 7 - lane) }
            + (0..<8).map { lane in String(repeating: "x", count: lane) + "@" + String(repeating: "y", count: 7 - lane)
            }
    )
    func encodesAStringAsItsBytes(_ text: String) {
        for keepingSlash in [false, true] {
            #expect(
                CanonicalQuery.uriEncode(text, keepingSlash: keepingSlash)
                    == CanonicalQuery.uriEncode(Array(text.utf8), keepingSlash: keepingSlash)
            )
        }
    }
}
