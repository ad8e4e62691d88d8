import AccessPointCore
import Testing

@testable import PolicyEngine

/// Hostile and broken documents must come back as `MalformedPolicy`, never as a crash or a hang (STYLE.md §8).
struct MalformedPolicyCorpusTests {
    @Test(arguments: Lab.fixtureNames("malformed"))
    func corpusFileIsMalformedPolicy(_ name: String) throws {
        let text = try Lab.fixture("malformed", name)
        #expect(throws: S3Error.malformedPolicy) { try PolicyDocument(parsing: text, kind: .bucket) }
    }

    @Test func corpusIsNotEmpty() {
        #expect(Lab.fixtureNames("malformed").count >= 20)
    }

    /// Every prefix of a valid policy is refused with a reason, never a trap.
    @Test func everyTruncationIsMalformed() throws {
        let text = try Lab.fixture("policies", "access-point-jane.json")
        let bytes = Array(text.utf8)
        for length in 0..<bytes.count where !bytes[length...].allSatisfy({ $0 == 10 || $0 == 32 }) {
            let prefix = String(decoding: bytes[..<length], as: UTF8.self)
            #expect(throws: S3Error.malformedPolicy) { try PolicyDocument(parsing: prefix, kind: .accessPoint) }
        }
    }

    @Test(arguments: [10, 33, 1000, 10_000])
    func deepNestingIsRefusedWithoutRecursingForever(_ depth: Int) {
        let text = #"{"Statement":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(throws: S3Error.malformedPolicy) { try PolicyDocument(parsing: text, kind: .bucket) }
    }

    @Test func nestingLimitNamesTheProblem() {
        let text = String(repeating: "[", count: 100)
        #expect {
            try PolicyDocument(parsing: text, kind: .bucket)
        } throws: { error in
            (error as? S3Error)?.message.contains("nesting deeper than") == true
        }
    }

    @Test func parserReadsEscapesAndNumbers() throws {
        let value = try JSONParser.parse(#"{"a":"\u00e9\ud83d\ude00\n","b":[-1.5e3,true,null]}"#)
        #expect(
            value
                == .object([
                    ("a", .string("é😀\n")), ("b", .array([.number("-1.5e3"), .bool(true), .null])),
                ])
        )
    }
}
