import AccessPointCore
import ControlAPI
import Foundation
import Registry
import S3HTTP
import Testing

/// Asynchronous multi-region access points: create → INPROGRESS → SUCCEEDED or FAILED, then get and list.
struct MultiRegionAccessPointTests {
    typealias H = ControlHarness

    static func createBody(
        name: String = "my-mrap",
        clientToken: String = "token-1",
        buckets: [String] = ["lab-demo-bucket", "european-bucket"],
        publicAccessBlock: String = ""
    ) -> String {
        #"<CreateMultiRegionAccessPointRequest xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">"#
            + "<ClientToken>\(clientToken)</ClientToken><Details><Name>\(name)</Name>\(publicAccessBlock)<Regions>"
            + buckets.map { "<Region><Bucket>\($0)</Bucket></Region>" }.joined()
            + "</Regions></Details></CreateMultiRegionAccessPointRequest>"
    }

    static func describePath(_ token: String) -> String {
        "/async-requests/mrap/" + token.replacingOccurrences(of: ":", with: "%3A")
    }

    @Test func createIsAsynchronousAndSucceedsAfterSettling() async throws {
        let harness = try H()
        let created = await harness.send("POST", "/async-requests/mrap/create", body: Self.createBody())
        #expect(created.status == 200)
        let token = try #require(created.element("RequestTokenARN"))
        #expect(
            token == "arn:aws:s3:us-west-2:123456789012:async-request/mrap/create/" + String(repeating: "a", count: 31)
                + "1"
        )

        let pending = await harness.send("GET", Self.describePath(token))
        #expect(
            pending.text
                == H.declaration + "<DescribeMultiRegionAccessPointOperationResult\(H.namespace)><AsyncOperation>"
                + "<CreationTime>2026-11-24T10:53:18Z</CreationTime><Operation>CreateMultiRegionAccessPoint</Operation>"
                + "<RequestTokenARN>\(token)</RequestTokenARN><RequestParameters><CreateMultiRegionAccessPointRequest>"
                + "<Name>my-mrap</Name><Regions><Region><Bucket>lab-demo-bucket</Bucket></Region>"
                + "<Region><Bucket>european-bucket</Bucket></Region></Regions></CreateMultiRegionAccessPointRequest>"
                + "</RequestParameters><RequestStatus>INPROGRESS</RequestStatus></AsyncOperation>"
                + "</DescribeMultiRegionAccessPointOperationResult>"
        )
        #expect(try await harness.processor.processPending() == 0)
        #expect((await harness.send("GET", "/mrap/instances/my-mrap")).status == 404)

        harness.advanceClock(by: 2)
        #expect(try await harness.processor.processPending() == 1)
        let done = await harness.send("GET", Self.describePath(token))
        #expect(done.element("RequestStatus") == "SUCCEEDED")
        #expect(
            done.text.contains(
                "<ResponseDetails><MultiRegionAccessPointDetails><Regions>"
                    + "<Region><Name>eu-west-1</Name><RequestStatus>COMPLETED</RequestStatus></Region>"
                    + "<Region><Name>us-west-2</Name><RequestStatus>COMPLETED</RequestStatus></Region>"
                    + "</Regions></MultiRegionAccessPointDetails></ResponseDetails>"
            )
        )

        let get = await harness.send("GET", "/mrap/instances/my-mrap")
        let report =
            "<Name>my-mrap</Name><Alias>maaaaaaaaaaa2.mrap</Alias><CreatedAt>2026-11-24T10:53:20Z</CreatedAt>"
            + "<PublicAccessBlock><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>"
            + "<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>"
            + "</PublicAccessBlock><Status>READY</Status><Regions>"
            + "<Region><Bucket>european-bucket</Bucket><Region>eu-west-1</Region>"
            + "<BucketAccountId>123456789012</BucketAccountId></Region>"
            + "<Region><Bucket>lab-demo-bucket</Bucket><Region>us-west-2</Region>"
            + "<BucketAccountId>123456789012</BucketAccountId></Region></Regions>"
        #expect(
            get.text
                == H.declaration + "<GetMultiRegionAccessPointResult\(H.namespace)><AccessPoint>" + report
                + "</AccessPoint></GetMultiRegionAccessPointResult>"
        )
        let list = await harness.send("GET", "/mrap/instances")
        #expect(
            list.text
                == H.declaration + "<ListMultiRegionAccessPointsResult\(H.namespace)><AccessPoints><AccessPoint>"
                + report + "</AccessPoint></AccessPoints></ListMultiRegionAccessPointsResult>"
        )
        let snapshot = try await harness.registry.snapshot()
        #expect(snapshot.multiRegionAccessPoints.map(\.alias.rawValue) == ["maaaaaaaaaaa2.mrap"])
    }

    @Test func sameClientTokenReturnsTheSameRequest() async throws {
        let harness = try H()
        let first = await harness.send("POST", "/async-requests/mrap/create", body: Self.createBody())
        let again = await harness.send("POST", "/async-requests/mrap/create", body: Self.createBody())
        let other = await harness.send(
            "POST",
            "/async-requests/mrap/create",
            body: Self.createBody(clientToken: "token-2")
        )
        #expect(first.element("RequestTokenARN") == again.element("RequestTokenARN"))
        #expect(first.element("RequestTokenARN") != other.element("RequestTokenARN"))
    }

    struct FailureCase: Sendable, CustomTestStringConvertible {
        var label: String
        var buckets: [String]
        var code: String
        var testDescription: String { label }
    }

    static let failures: [FailureCase] = [
        FailureCase(label: "missing bucket", buckets: ["lab-demo-bucket", "no-such-bucket"], code: "NoSuchBucket"),
        FailureCase(label: "another account's bucket", buckets: ["strangers-bucket"], code: "NoSuchBucket"),
        FailureCase(
            label: "two buckets in one region",
            buckets: ["lab-demo-bucket", "second-bucket"],
            code: "InvalidRequest"
        ),
    ]

    @Test(arguments: Self.failures)
    func createFailsAsynchronously(_ c: FailureCase) async throws {
        let harness = try H()
        let created = await harness.send(
            "POST",
            "/async-requests/mrap/create",
            body: Self.createBody(buckets: c.buckets)
        )
        let token = try #require(created.element("RequestTokenARN"))
        harness.advanceClock(by: 5)
        try await harness.processor.processPending()
        let described = await harness.send("GET", Self.describePath(token))
        #expect(described.element("RequestStatus") == "FAILED")
        #expect(described.element("Code") == c.code)
        #expect((await harness.send("GET", "/mrap/instances/my-mrap")).errorCode == "NoSuchMultiRegionAccessPoint")
    }

    @Test func aTakenNameFailsTheSecondCreate() async throws {
        let harness = try H()
        _ = await harness.send("POST", "/async-requests/mrap/create", body: Self.createBody())
        let second = await harness.send(
            "POST",
            "/async-requests/mrap/create",
            body: Self.createBody(clientToken: "token-2", buckets: ["second-bucket"])
        )
        harness.advanceClock(by: 5)
        #expect(try await harness.processor.processPending() == 2)
        let described = await harness.send("GET", Self.describePath(try #require(second.element("RequestTokenARN"))))
        #expect(described.element("RequestStatus") == "FAILED")
        #expect(described.element("Code") == "MultiRegionAccessPointAlreadyOwnedByYou")
    }

    static let refusals: [(String, String, String?, Int, String)] = [
        (
            "GET", "/async-requests/mrap/arn%3Aaws%3As3%3Aus-west-2%3A123456789012%3Aasync-request/mrap/create/x", nil,
            404,
            "NoSuchAsyncRequest"
        ),
        ("GET", "/mrap/instances/missing", nil, 404, "NoSuchMultiRegionAccessPoint"),
        ("GET", "/mrap/instances/Not_A_Name", nil, 404, "NoSuchMultiRegionAccessPoint"),
        (
            "POST", "/async-requests/mrap/create", MultiRegionAccessPointTests.createBody(name: "-bad"), 400,
            "InvalidRequest"
        ),
        (
            "POST", "/async-requests/mrap/create", MultiRegionAccessPointTests.createBody(clientToken: "has space"),
            400,
            "InvalidRequest"
        ),
        (
            "POST", "/async-requests/mrap/create", MultiRegionAccessPointTests.createBody(buckets: []), 400,
            "MalformedXML"
        ),
        ("POST", "/async-requests/mrap/create", "<CreateMultiRegionAccessPointRequest/>", 400, "MalformedXML"),
    ]

    @Test(arguments: Self.refusals)
    func refuses(method: String, path: String, body: String?, status: Int, code: String) async throws {
        let response = await (try H()).send(method, path, body: body)
        #expect(response.status == status)
        #expect(response.errorCode == code)
    }

    @Test func controlRequestsOutsideUSWest2AreRedirected() async throws {
        let harness = try H(region: try Region(validating: "eu-west-1"))
        let response = await harness.send("POST", "/async-requests/mrap/create", body: Self.createBody())
        #expect(response.status == 301)
        #expect(response.errorCode == "PermanentRedirect")
    }
}
