import S3Auth
import S3HTTP
import S3Serving
import Testing

@testable import Router

/// The router splits a request's query as the verifier does (`CanonicalQuery.parts`), and reads the parameters the
/// stages see from that split: they must be what `S3Request.items(ofQuery:)` gives for the same text.
struct QuerySplitTests {
    static let queries = [
        "", "a=1&b=2", "uploads", "a&&b=", "=x", "a=b=c", "p=a+b", "tagKeys=a&tagKeys=b", "key=a%2Fb&x=%", "x=%zz",
        "x=%4", "x=%%41", "x=%2%41", "v=%C3%A9", "v=%FF", "%41%42=%43",
        "X-Amz-Credential=AKIDEXAMPLE%2F20261127%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=abc&versionId=3",
    ]

    @Test(arguments: Self.queries)
    func partsReadAsQueryItems(query: String) {
        let parts = CanonicalQuery.parts(of: query)
        let items = S3Request.items(ofQuery: query)
        #expect(parts.map(\.nameText) == items.map(\.name))
        #expect(parts.map(\.valueText) == items.map(\.value))
    }

    /// What a store is handed: the presigned URL's `X-Amz-` parameters left out, anything else as sent.
    static let forwarded: [(String, String)] = [
        ("", ""),
        ("a=1", "a=1"),
        ("a&&b", "a&&b"),
        ("X-Amz-Signature=x", ""),
        ("a=1&X-Amz-Date=2&b", "a=1&b"),
        ("a&&b&c=X-Amz-", "a&b&c=X-Amz-"),
        ("x-amz-date=1&a", "x-amz-date=1&a"),
        ("XX-Amz-=1", "XX-Amz-=1"),
        ("&X-Amz-A=1&", ""),
        ("X-Amz=1&X-Am", "X-Amz=1&X-Am"),
        ("k=%C3%A9&X-Amz-Date=1&\u{FC}=\u{1F600}", "k=%C3%A9&\u{FC}=\u{1F600}"),
        ("X-Amz-Date=1", ""),
        ("&&X-Amz-Date=1&&", ""),
        ("a=1&X-Amz-", "a=1"),
    ]

    static let searches: [(String, Bool, Bool)] = [
        // raw query, contains "Signature=", contains "X-Amz-"
        ("X-Amz-Signature=abc", true, true),
        ("AWSAccessKeyId=K&Signature=s&Expires=1", true, false),
        ("list-type=2&prefix=Signature", false, false),
        ("X-AmX-Amz-Date=1", false, true),  // a near miss just before the match
        ("x-amz-date=1&signature=s", false, false),  // case matters
        ("Signature=", true, false),
        ("Sig", false, false),
        ("", false, false),
    ]

    @Test(arguments: Self.searches)
    func findsParametersInTheRawQuery(raw: String, signature: Bool, amz: Bool) {
        #expect(ForwardedRequest.query(raw, contains: "Signature=") == signature)
        #expect(ForwardedRequest.query(raw, contains: "X-Amz-") == amz)
    }

    @Test(arguments: Self.forwarded)
    func forwardsTheQueryWithoutPresignParameters(raw: String, expected: String) {
        #expect(ForwardedRequest.query(raw) == expected)
        #expect(RawQuery.forwarded(raw) == expected)
    }

    /// The router's own scans answer as `ForwardedRequest`'s do.
    @Test(arguments: Self.searches)
    func routerScansFindWhatForwardedRequestFinds(raw: String, signature: Bool, amz: Bool) {
        #expect(RawQuery.contains(raw, "Signature=") == signature)
        #expect(RawQuery.contains(raw, "X-Amz-") == amz)
        #expect(RawQuery.contains(raw, "") == ForwardedRequest.query(raw, contains: ""))
    }

    /// The stages read the parameters the store is sent: the same `X-Amz-` ones are left out of both.
    @Test(arguments: Self.forwarded)
    func stagesSeeTheParametersTheStoreIsSent(raw: String, expected: String) {
        let staged = RouterRequestHandler.stagedQuery(raw)
        let sent = S3Request.items(ofQuery: ForwardedRequest.query(raw))
        #expect(staged.map(\.name) == sent.map(\.name))
        #expect(staged.map(\.value) == sent.map(\.value))
    }
}
