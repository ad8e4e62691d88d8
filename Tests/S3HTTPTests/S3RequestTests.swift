import AccessPointCore
import NIOCore
import S3HTTP
import Testing

struct S3RequestTests {
    static let caller = S3Caller(
        account: try! AccountID(validating: "123456789012"),
        principalARN: "arn:aws:iam::123456789012:user/alice"
    )

    static let decoding: [(String, String?)] = [
        ("my-ap", "my-ap"),
        ("arn%3Aaws%3As3", "arn:aws:s3"),
        ("a%2Fb", "a/b"),
        ("%e2%82%ac", "€"),
        ("bad%2", nil),
        ("bad%zz", nil),
        ("%ff", nil),
    ]

    @Test(arguments: Self.decoding)
    func percentDecodes(encoded: String, decoded: String?) {
        #expect(PercentDecoding.decode(encoded) == decoded)
    }

    @Test func queryItemsAreDecodedInOrder() {
        let request = S3Request(
            method: "GET",
            path: "/v20180820/accesspoint",
            query: "bucket=my%2Dbucket&maxResults=1&nextToken=&flag",
            host: .control(account: nil, endpoint: .init()),
            caller: Self.caller
        )
        #expect(request.queryItems.map(\.name) == ["bucket", "maxResults", "nextToken", "flag"])
        #expect(request.queryValue("bucket") == "my-bucket")
        #expect(request.queryValue("nextToken") == "")
        #expect(request.queryValue("missing") == nil)
    }

    @Test func headersKeepOrderAndIgnoreCase() {
        var headers: S3Headers = ["X-Amz-Account-Id": "123456789012", "Via": "a"]
        headers.add(name: "via", value: "b")
        #expect(headers["x-amz-account-id"] == "123456789012")
        #expect(headers["VIA"] == "a")
        #expect(headers.map(\.value) == ["123456789012", "a", "b"])
    }

    @Test func collectedBodyRespectsItsLimit() async {
        let body = S3Body(string: "12345")
        #expect(await body.collected(upTo: 5).map { String(buffer: $0) } == "12345")
        #expect(await body.collected(upTo: 4) == nil)
    }
}
