import AccessPointCore
import Testing

@testable import S3Auth

/// A request target splits at its first `?` Character, as `String.firstIndex(of: "?")` finds it, whether the target
/// is ASCII (searched on bytes) or not.
struct SigV4RequestTargetTests {
    static let targets: [String] = [
        "", "/", "?", "/?", "/key", "/key?", "/key?a=1", "/key?a=1?b=2", "/a%3Fb?x", "?only=query",
        "/Jane/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261126T120000Z",
        "/caf\u{e9}?q=\u{e9}", "/\u{1F600}?", "/a?\u{301}b?c", "/a\u{301}?b", "/k\r\n?x",
    ]

    @Test(arguments: Self.targets)
    func splitsAtTheFirstQuestionMark(_ target: String) {
        let request = SigV4Request(method: "GET", target: target, headers: [HTTPField]())
        if let mark = target.firstIndex(of: "?") {
            #expect(request.path == String(target[..<mark]))
            #expect(request.query == String(target[target.index(after: mark)...]))
        } else {
            #expect(request.path == target)
            #expect(request.query == "")
        }
    }
}
