import Testing

@testable import S3Auth

struct CanonicalValueTests {
    /// Header value → canonical form (spec §5.2: trimmed, runs of spaces and tabs collapsed to one space).
    @Test(arguments: [
        ("bytes=0-9", "bytes=0-9"), ("a  b", "a b"), (" a", "a"), ("a ", "a"), ("\ta\t b", "a b"), ("", ""),
        ("   ", ""), ("\t", ""), ("ünï  côdé ☃", "ünï côdé ☃"), ("a b c", "a b c"), ("a \t b", "a b"),
        ("x-amz-meta:  v1 ,  v2 ", "x-amz-meta: v1 , v2"),
    ])
    func collapsesBlanks(_ raw: String, _ canonical: String) {
        #expect(CanonicalRequest.canonicalValue(raw) == canonical)
    }
}
