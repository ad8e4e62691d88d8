import AccessPointCore
import ControlAPI
import Foundation
import Registry
import S3HTTP
import Testing

/// Asynchronous delete and put-policy of multi-region access points, and reading the policy back.
struct MultiRegionChangeTests {
    typealias H = ControlHarness
    typealias M = MultiRegionAccessPointTests

    static let resource = "arn:aws:s3::123456789012:accesspoint/maaaaaaaaaaa2.mrap/object/*"
    static let privatePolicy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"#
        + #""Action":"s3:GetObject","Resource":"\#(resource)"}]}"#
    static let publicPolicy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","#
        + #""Action":"s3:GetObject","Resource":"\#(resource)"}]}"#

    static func changeBody(
        _ root: String,
        name: String = "my-mrap",
        clientToken: String,
        policy: String? = nil
    )
        -> String
    {
        #"<\#(root) xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><ClientToken>\#(clientToken)</ClientToken>"#
            + "<Details><Name>\(name)</Name>"
            + (policy.map { "<Policy>\(XMLText.escaped($0))</Policy>" } ?? "")
            + "</Details></\(root)>"
    }

    /// A harness with `my-mrap` created and settled.
    static func harnessWithMRAP(publicAccessBlock: String = "") async throws -> H {
        let harness = try H()
        _ = await harness.send(
            "POST",
            "/async-requests/mrap/create",
            body: M.createBody(publicAccessBlock: publicAccessBlock)
        )
        harness.advanceClock(by: 2)
        try await harness.processor.processPending()
        #expect((await harness.send("GET", "/mrap/instances/my-mrap")).status == 200)
        return harness
    }

    func putPolicy(_ harness: H, _ policy: String, token: String = "p1") async -> S3Response {
        await harness.send(
            "POST",
            "/async-requests/mrap/put-policy",
            body: Self.changeBody("PutMultiRegionAccessPointPolicyRequest", clientToken: token, policy: policy)
        )
    }

    @Test func putPolicyIsAsynchronousThenEstablished() async throws {
        let harness = try await Self.harnessWithMRAP()
        let before = await harness.send("GET", "/mrap/instances/my-mrap/policy")
        #expect(
            before.text
                == H.declaration + "<GetMultiRegionAccessPointPolicyResult\(H.namespace)><Policy></Policy>"
                + "</GetMultiRegionAccessPointPolicyResult>"
        )
        let put = await putPolicy(harness, Self.privatePolicy)
        let token = try #require(put.element("RequestTokenARN"))
        #expect(token.contains(":async-request/mrap/put-policy/"))
        harness.advanceClock(by: 2)
        try await harness.processor.processPending()
        #expect((await harness.send("GET", M.describePath(token))).element("RequestStatus") == "SUCCEEDED")
        let policy = await harness.send("GET", "/mrap/instances/my-mrap/policy")
        let escaped = XMLText.escaped(Self.privatePolicy)
        #expect(
            policy.text
                == H.declaration + "<GetMultiRegionAccessPointPolicyResult\(H.namespace)><Policy>"
                + "<Established><Policy>\(escaped)</Policy></Established>"
                + "<Proposed><Policy>\(escaped)</Policy></Proposed></Policy></GetMultiRegionAccessPointPolicyResult>"
        )
        let status = await harness.send("GET", "/mrap/instances/my-mrap/policystatus")
        #expect(
            status.text
                == H.declaration + "<GetMultiRegionAccessPointPolicyStatusResult\(H.namespace)><Established>"
                + "<IsPublic>false</IsPublic></Established></GetMultiRegionAccessPointPolicyStatusResult>"
        )
    }

    @Test func publicPolicyIsRefusedWhileBlockPublicPolicyApplies() async throws {
        let harness = try await Self.harnessWithMRAP()
        let refused = await putPolicy(harness, Self.publicPolicy)
        #expect(refused.status == 403)
        #expect(refused.errorCode == "AccessDenied")

        let relaxed = try await Self.harnessWithMRAP(
            publicAccessBlock: "<PublicAccessBlock><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlock>"
        )
        #expect((await putPolicy(relaxed, Self.publicPolicy)).status == 200)
        relaxed.advanceClock(by: 2)
        try await relaxed.processor.processPending()
        #expect((await relaxed.send("GET", "/mrap/instances/my-mrap/policystatus")).element("IsPublic") == "true")
    }

    @Test func malformedPolicyIsRefusedAtOnce() async throws {
        let harness = try await Self.harnessWithMRAP()
        let response = await putPolicy(harness, "{not json")
        #expect(response.status == 400)
        #expect(response.errorCode == "MalformedPolicy")
    }

    @Test func deleteIsAsynchronousAndFailsForUnknownNames() async throws {
        let harness = try await Self.harnessWithMRAP()
        let delete = await harness.send(
            "POST",
            "/async-requests/mrap/delete",
            body: Self.changeBody("DeleteMultiRegionAccessPointRequest", clientToken: "d1")
        )
        let token = try #require(delete.element("RequestTokenARN"))
        #expect(token.contains(":async-request/mrap/delete/"))
        #expect((await harness.send("GET", "/mrap/instances/my-mrap")).status == 200)
        harness.advanceClock(by: 2)
        try await harness.processor.processPending()
        let described = await harness.send("GET", M.describePath(token))
        #expect(described.element("RequestStatus") == "SUCCEEDED")
        #expect(
            described.text.contains(
                "<RequestParameters><DeleteMultiRegionAccessPointRequest><Name>my-mrap</Name>"
                    + "</DeleteMultiRegionAccessPointRequest></RequestParameters>"
            )
        )
        #expect((await harness.send("GET", "/mrap/instances/my-mrap")).status == 404)
        #expect(try await harness.registry.snapshot().multiRegionAccessPoints.isEmpty)

        let again = await harness.send(
            "POST",
            "/async-requests/mrap/delete",
            body: Self.changeBody("DeleteMultiRegionAccessPointRequest", clientToken: "d2")
        )
        harness.advanceClock(by: 2)
        try await harness.processor.processPending()
        let failed = await harness.send("GET", M.describePath(try #require(again.element("RequestTokenARN"))))
        #expect(failed.element("RequestStatus") == "FAILED")
        #expect(failed.element("Code") == "NoSuchMultiRegionAccessPoint")
    }
}

/// GetMultiRegionAccessPointRoutes and SubmitMultiRegionAccessPointRoutes: every region starts active; a region
/// made passive keeps its bucket but leaves the snapshot the router routes by; one region must stay active.
struct MultiRegionRoutesTests {
    typealias H = ControlHarness

    static func routesPath(_ alias: String) -> String {
        "/mrap/instances/arn%3Aaws%3As3%3A%3A123456789012%3Aaccesspoint/\(alias)/routes"
    }

    static func body(_ routes: [(bucket: String?, region: String?, dial: String)]) -> String {
        "<SubmitMultiRegionAccessPointRoutesRequest xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\">"
            + "<RouteUpdates>"
            + routes.map { route in
                "<Route>" + (route.bucket.map { "<Bucket>\($0)</Bucket>" } ?? "")
                    + (route.region.map { "<Region>\($0)</Region>" } ?? "")
                    + "<TrafficDialPercentage>\(route.dial)</TrafficDialPercentage></Route>"
            }.joined() + "</RouteUpdates></SubmitMultiRegionAccessPointRoutesRequest>"
    }

    @Test func aPassiveRegionLeavesTheSnapshotAndOneMustStayActive() async throws {
        let harness = try await MultiRegionChangeTests.harnessWithMRAP()
        let alias = try #require(await harness.send("GET", "/mrap/instances/my-mrap").element("Alias"))
        let path = Self.routesPath(alias)
        #expect(await harness.send("GET", path).text.components(separatedBy: "<TrafficDialPercentage>100<").count == 3)
        var snapshot = try await harness.registry.snapshot()
        #expect(snapshot.multiRegionAccessPoints.first?.routes.map(\.region.rawValue) == ["eu-west-1", "us-west-2"])

        let passive = await harness.send("PATCH", path, body: Self.body([("lab-demo-bucket", nil, "0")]))
        #expect(passive.status == 200, "\(passive.text)")
        let routes = await harness.send("GET", path)
        #expect(
            routes.text.contains("<Bucket>lab-demo-bucket</Bucket><Region>us-west-2</Region><TrafficDialPercentage>0<")
        )
        #expect(routes.text.contains("<Region>eu-west-1</Region><TrafficDialPercentage>100<"))
        snapshot = try await harness.registry.snapshot()
        #expect(snapshot.multiRegionAccessPoints.first?.routes.map(\.region.rawValue) == ["eu-west-1"])

        let allPassive = await harness.send("PATCH", path, body: Self.body([(nil, "eu-west-1", "0")]))
        #expect(allPassive.status == 400 && allPassive.element("Code") == "InvalidRequest", "\(allPassive.text)")
        let unknown = await harness.send(
            "PATCH",
            path,
            body: Self.body([(nil, "eu-west-1", "0"), ("someone-elses-bucket", nil, "100")])
        )
        #expect(unknown.element("Code") == "InvalidRequest", "all or none: \(unknown.text)")
        let badDial = await harness.send("PATCH", path, body: Self.body([(nil, "eu-west-1", "101")]))
        #expect(badDial.element("Code") == "InvalidRequest")
        #expect(try await harness.registry.snapshot().multiRegionAccessPoints.first?.routes.count == 1)

        let swapped = await harness.send(
            "PATCH",
            path,
            body: Self.body([(nil, "us-west-2", "100"), ("european-bucket", "eu-west-1", "0")])
        )
        #expect(swapped.status == 200, "\(swapped.text)")
        snapshot = try await harness.registry.snapshot()
        #expect(snapshot.multiRegionAccessPoints.first?.routes.map(\.region.rawValue) == ["us-west-2"])
        let byAlias = await harness.send("GET", "/mrap/instances/\(alias)/routes")
        #expect(byAlias.text.contains("<Region>eu-west-1</Region><TrafficDialPercentage>0<"), "\(byAlias.text)")
    }
}
