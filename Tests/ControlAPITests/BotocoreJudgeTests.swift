import AccessPointCore
import ControlAPI
import Dispatch
import Foundation
import NIOCore
import S3HTTP
import Testing

/// Real botocore parses our response bytes with the s3control service model (scripts/botocore_control_parse.py):
/// our own tests agreeing with our own writer would prove little.
struct BotocoreJudgeTests {
    typealias H = ControlHarness

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/botocore_control_parse.py")

    /// Runs the script on a Dispatch worker thread: `Process` and pipe reads block, and a blocked thread of the
    /// cooperative pool (two threads on a two-core machine) would starve the other tests' servers.
    static func runScript(input: Data) async throws -> (Int32, Data) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["python3", script.path]
                    let stdin = Pipe()
                    let stdout = Pipe()
                    process.standardInput = stdin
                    process.standardOutput = stdout
                    try process.run()
                    stdin.fileHandleForWriting.write(input)
                    try stdin.fileHandleForWriting.close()
                    let output = stdout.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, output))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Each response with the operation botocore should parse it as, and the dict it must produce.
    static func judge(_ cases: [(String, S3Response, String)]) async throws {
        let input = cases.map { operation, response, _ in
            [
                "operation": operation,
                "status": response.status,
                "headers": Dictionary(response.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
                "body": response.text,
            ] as [String: Any]
        }
        let (status, output) = try await Self.runScript(input: try JSONSerialization.data(withJSONObject: input))
        #expect(status == 0)
        let parsed = try #require(try JSONSerialization.jsonObject(with: output) as? [Any])
        #expect(parsed.count == cases.count)
        for ((operation, _, expected), actual) in zip(cases, parsed) {
            let wanted = try JSONSerialization.jsonObject(with: Data(expected.utf8))
            #expect(
                (actual as? NSDictionary)?.isEqual(wanted) == true,
                "\(operation): botocore parsed \(actual), expected \(wanted)"
            )
        }
    }

    @Test func accessPointOperationsParseAsTheModelSays() async throws {
        let harness = try H()
        let create = await harness.create(
            "my-ap",
            extra: "<VpcConfiguration><VpcId>vpc-1a2b3c4d</VpcId></VpcConfiguration>"
                + "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>"
        )
        await harness.create("open")
        let get = await harness.send("GET", "/accesspoint/my-ap")
        let getOpen = await harness.send("GET", "/accesspoint/open")
        let list = await harness.send("GET", "/accesspoint", query: "maxResults=1")
        let policy = AccessPointPolicyTests.privatePolicy
        let putPolicy = await harness.send(
            "PUT",
            "/accesspoint/my-ap/policy",
            body: AccessPointPolicyTests.body(policy)
        )
        let getPolicy = await harness.send("GET", "/accesspoint/my-ap/policy")
        let status = await harness.send("GET", "/accesspoint/my-ap/policyStatus")
        let delete = await harness.send("DELETE", "/accesspoint/open")
        let missing = await harness.send("GET", "/accesspoint/open")
        let badName = await harness.create("sa")
        let arn = "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap"
        let alias = "my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias"
        let flags =
            #"{"BlockPublicAcls":true,"IgnorePublicAcls":false,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}"#
        let openFlags =
            #"{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}"#
        let endpoints =
            #"{"ipv4":"s3-accesspoint.us-west-2.amazonaws.com","fips":"s3-accesspoint-fips.us-west-2.amazonaws.com","#
            + #""fips_dualstack":"s3-accesspoint-fips.dualstack.us-west-2.amazonaws.com","#
            + #""dualstack":"s3-accesspoint.dualstack.us-west-2.amazonaws.com"}"#
        let listToken = try #require(list.element("NextToken"))
        try await Self.judge([
            ("CreateAccessPoint", create, #"{"AccessPointArn":"\#(arn)","Alias":"\#(alias)"}"#),
            (
                "GetAccessPoint", get,
                #"{"Name":"my-ap","Bucket":"lab-demo-bucket","NetworkOrigin":"VPC","#
                    + #""VpcConfiguration":{"VpcId":"vpc-1a2b3c4d"},"PublicAccessBlockConfiguration":\#(flags),"#
                    + #""CreationDate":"2026-11-24T10:53:18Z","Alias":"\#(alias)","AccessPointArn":"\#(arn)","#
                    + #""Endpoints":\#(endpoints),"BucketAccountId":"123456789012"}"#
            ),
            (
                "GetAccessPoint", getOpen,
                #"{"Name":"open","Bucket":"lab-demo-bucket","NetworkOrigin":"Internet","#
                    + #""PublicAccessBlockConfiguration":\#(openFlags),"CreationDate":"2026-11-24T10:53:18Z","#
                    + #""Alias":"open-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias","#
                    + #""AccessPointArn":"arn:aws:s3:us-west-2:123456789012:accesspoint/open","#
                    + #""Endpoints":\#(endpoints),"BucketAccountId":"123456789012"}"#
            ),
            (
                "ListAccessPoints", list,
                #"{"AccessPointList":[{"Name":"my-ap","NetworkOrigin":"VPC","VpcConfiguration":{"VpcId":"vpc-1a2b3c4d"},"#
                    + #""Bucket":"lab-demo-bucket","AccessPointArn":"\#(arn)","Alias":"\#(alias)","#
                    + #""BucketAccountId":"123456789012"}],"NextToken":"\#(listToken)"}"#
            ),
            ("PutAccessPointPolicy", putPolicy, "{}"),
            (
                "GetAccessPointPolicy", getPolicy,
                String(data: try JSONSerialization.data(withJSONObject: ["Policy": policy]), encoding: .utf8) ?? ""
            ),
            ("GetAccessPointPolicyStatus", status, #"{"PolicyStatus":{"IsPublic":false}}"#),
            ("DeleteAccessPoint", delete, "{}"),
            (
                "GetAccessPoint", missing,
                #"{"Error":{"Code":"NoSuchAccessPoint","Message":"The specified accesspoint does not exist","#
                    + #""AccessPointName":"open"},"HostId":"lab-host-id"}"#
            ),
            (
                "CreateAccessPoint", badName,
                #"{"Error":{"Code":"InvalidURI","Message":"Couldn't parse the specified URI.","#
                    + #""URI":"accesspoint/sa"},"HostId":"lab-host-id"}"#
            ),
        ])
    }

    @Test func publicAccessBlockParsesAsThePayloadMember() async throws {
        let harness = try H()
        let put = await harness.send(
            "PUT",
            "/configuration/publicAccessBlock",
            body: PublicAccessBlockTests.body("<RestrictPublicBuckets>true</RestrictPublicBuckets>")
        )
        let get = await harness.send("GET", "/configuration/publicAccessBlock")
        let delete = await harness.send("DELETE", "/configuration/publicAccessBlock")
        let missing = await harness.send("GET", "/configuration/publicAccessBlock")
        try await Self.judge([
            ("PutPublicAccessBlock", put, "{}"),
            (
                "GetPublicAccessBlock", get,
                #"{"PublicAccessBlockConfiguration":{"BlockPublicAcls":false,"IgnorePublicAcls":false,"#
                    + #""BlockPublicPolicy":false,"RestrictPublicBuckets":true}}"#
            ),
            ("DeletePublicAccessBlock", delete, "{}"),
            (
                "GetPublicAccessBlock", missing,
                #"{"Error":{"Code":"NoSuchPublicAccessBlockConfiguration","#
                    + #""Message":"The public access block configuration was not found","AccountId":"123456789012"},"#
                    + #""HostId":"lab-host-id"}"#
            ),
        ])
    }

    @Test func multiRegionOperationsParseAsTheModelSays() async throws {
        let harness = try H()
        let create = await harness.send(
            "POST",
            "/async-requests/mrap/create",
            body: MultiRegionAccessPointTests.createBody(
                publicAccessBlock: "<PublicAccessBlock><BlockPublicAcls>false</BlockPublicAcls></PublicAccessBlock>"
            )
        )
        let token = try #require(create.element("RequestTokenARN"))
        let failing = await harness.send(
            "POST",
            "/async-requests/mrap/create",
            body: MultiRegionAccessPointTests.createBody(clientToken: "t2", buckets: ["no-such-bucket"])
        )
        let failedToken = try #require(failing.element("RequestTokenARN"))
        let pending = await harness.send("GET", MultiRegionAccessPointTests.describePath(token))
        harness.advanceClock(by: 2)
        try await harness.processor.processPending()
        let succeeded = await harness.send("GET", MultiRegionAccessPointTests.describePath(token))
        let failed = await harness.send("GET", MultiRegionAccessPointTests.describePath(failedToken))
        let get = await harness.send("GET", "/mrap/instances/my-mrap")
        let list = await harness.send("GET", "/mrap/instances")
        let parameters =
            #"{"CreateMultiRegionAccessPointRequest":{"Name":"my-mrap","PublicAccessBlock":{"BlockPublicAcls":false},"#
            + #""Regions":[{"Bucket":"lab-demo-bucket"},{"Bucket":"european-bucket"}]}}"#
        let report =
            #"{"Name":"my-mrap","Alias":"maaaaaaaaaaa3.mrap","CreatedAt":"2026-11-24T10:53:20Z","#
            + #""PublicAccessBlock":{"BlockPublicAcls":false,"IgnorePublicAcls":false,"BlockPublicPolicy":false,"#
            + #""RestrictPublicBuckets":false},"Status":"READY","Regions":["#
            + #"{"Bucket":"european-bucket","Region":"eu-west-1","BucketAccountId":"123456789012"},"#
            + #"{"Bucket":"lab-demo-bucket","Region":"us-west-2","BucketAccountId":"123456789012"}]}"#
        func operation(_ status: String, _ details: String?) -> String {
            #"{"AsyncOperation":{"CreationTime":"2026-11-24T10:53:18Z","Operation":"CreateMultiRegionAccessPoint","#
                + #""RequestTokenARN":"\#(token)","RequestParameters":\#(parameters),"RequestStatus":"\#(status)""#
                + (details.map { #","ResponseDetails":\#($0)"# } ?? "") + "}}"
        }
        try await Self.judge([
            ("CreateMultiRegionAccessPoint", create, #"{"RequestTokenARN":"\#(token)"}"#),
            ("DescribeMultiRegionAccessPointOperation", pending, operation("INPROGRESS", nil)),
            (
                "DescribeMultiRegionAccessPointOperation", succeeded,
                operation(
                    "SUCCEEDED",
                    #"{"MultiRegionAccessPointDetails":{"Regions":[{"Name":"eu-west-1","RequestStatus":"COMPLETED"},"#
                        + #"{"Name":"us-west-2","RequestStatus":"COMPLETED"}]}}"#
                )
            ),
            (
                "DescribeMultiRegionAccessPointOperation", failed,
                #"{"AsyncOperation":{"CreationTime":"2026-11-24T10:53:18Z","Operation":"CreateMultiRegionAccessPoint","#
                    + #""RequestTokenARN":"\#(failedToken)","RequestParameters":{"CreateMultiRegionAccessPointRequest":"#
                    + #"{"Name":"my-mrap","Regions":[{"Bucket":"no-such-bucket"}]}},"RequestStatus":"FAILED","#
                    + #""ResponseDetails":{"ErrorDetails":{"Code":"NoSuchBucket","#
                    + #""Message":"The specified bucket does not exist: no-such-bucket"}}}}"#
            ),
            ("GetMultiRegionAccessPoint", get, #"{"AccessPoint":\#(report)}"#),
            ("ListMultiRegionAccessPoints", list, #"{"AccessPoints":[\#(report)]}"#),
        ])
    }

    @Test func multiRegionChangesParseAsTheModelSays() async throws {
        let harness = try await MultiRegionChangeTests.harnessWithMRAP()
        let policy = MultiRegionChangeTests.privatePolicy
        let put = await harness.send(
            "POST",
            "/async-requests/mrap/put-policy",
            body: MultiRegionChangeTests.changeBody(
                "PutMultiRegionAccessPointPolicyRequest",
                clientToken: "p1",
                policy: policy
            )
        )
        let putToken = try #require(put.element("RequestTokenARN"))
        harness.advanceClock(by: 2)
        try await harness.processor.processPending()
        let getPolicy = await harness.send("GET", "/mrap/instances/my-mrap/policy")
        let status = await harness.send("GET", "/mrap/instances/my-mrap/policystatus")
        let alias = try #require(await harness.send("GET", "/mrap/instances/my-mrap").element("Alias"))
        // The ARN as botocore puts it in the path: `:` encoded, `/` literal.
        let routes = await harness.send(
            "GET",
            "/mrap/instances/arn%3Aaws%3As3%3A%3A123456789012%3Aaccesspoint/\(alias)/routes"
        )
        let submit = await harness.send(
            "PATCH",
            MultiRegionRoutesTests.routesPath(alias),
            body: MultiRegionRoutesTests.body([(nil, "eu-west-1", "100")])
        )
        let delete = await harness.send(
            "POST",
            "/async-requests/mrap/delete",
            body: MultiRegionChangeTests.changeBody("DeleteMultiRegionAccessPointRequest", clientToken: "d1")
        )
        let deleteToken = try #require(delete.element("RequestTokenARN"))
        let describeDelete = await harness.send("GET", MultiRegionAccessPointTests.describePath(deleteToken))
        let policyJSON = String(data: try JSONSerialization.data(withJSONObject: [policy]), encoding: .utf8) ?? ""
        let quoted = String(policyJSON.dropFirst().dropLast())
        try await Self.judge([
            ("PutMultiRegionAccessPointPolicy", put, #"{"RequestTokenARN":"\#(putToken)"}"#),
            (
                "GetMultiRegionAccessPointPolicy", getPolicy,
                #"{"Policy":{"Established":{"Policy":\#(quoted)},"Proposed":{"Policy":\#(quoted)}}}"#
            ),
            ("GetMultiRegionAccessPointPolicyStatus", status, #"{"Established":{"IsPublic":false}}"#),
            (
                "GetMultiRegionAccessPointRoutes", routes,
                #"{"Mrap":"arn:aws:s3::123456789012:accesspoint/\#(alias)","Routes":["#
                    + #"{"Bucket":"european-bucket","Region":"eu-west-1","TrafficDialPercentage":100},"#
                    + #"{"Bucket":"lab-demo-bucket","Region":"us-west-2","TrafficDialPercentage":100}]}"#
            ),
            ("SubmitMultiRegionAccessPointRoutes", submit, "{}"),
            ("DeleteMultiRegionAccessPoint", delete, #"{"RequestTokenARN":"\#(deleteToken)"}"#),
            (
                "DescribeMultiRegionAccessPointOperation", describeDelete,
                #"{"AsyncOperation":{"CreationTime":"2026-11-24T10:53:22Z","Operation":"DeleteMultiRegionAccessPoint","#
                    + #""RequestTokenARN":"\#(deleteToken)","RequestParameters":{"#
                    + #""DeleteMultiRegionAccessPointRequest":{"Name":"my-mrap"}},"RequestStatus":"INPROGRESS"}}"#
            ),
        ])
    }

    @Test func taggingOperationsParseAsTheModelSays() async throws {
        let harness = try H()
        await harness.create("my-ap", extra: TaggingTests.tagsXML([("team", "blue")]))
        let tag = await harness.send("POST", TaggingTests.path(), body: TaggingTests.body([("env", "lab test+1")]))
        let list = await harness.send("GET", TaggingTests.path())
        let untag = await harness.send("DELETE", TaggingTests.path(), query: "tagKeys=team&tagKeys=env")
        let empty = await harness.send("GET", TaggingTests.path())
        let missing = await harness.send(
            "GET",
            TaggingTests.path("arn:aws:s3:us-west-2:123456789012:accesspoint/nothing")
        )
        let bad = await harness.send("POST", TaggingTests.path(), body: TaggingTests.body([("aws:x", "y")]))
        try await Self.judge([
            ("TagResource", tag, "{}"),
            (
                "ListTagsForResource", list,
                #"{"Tags":[{"Key":"env","Value":"lab test+1"},{"Key":"team","Value":"blue"}]}"#
            ),
            ("UntagResource", untag, "{}"),
            ("ListTagsForResource", empty, #"{"Tags":[]}"#),
            (
                "ListTagsForResource", missing,
                #"{"Error":{"Code":"NoSuchResource","Message":"The specified resource doesn't exist."},"#
                    + #""HostId":"lab-host-id"}"#
            ),
            (
                "TagResource", bad,
                #"{"Error":{"Code":"InvalidTag","Message":"User-defined tag keys can't start with 'aws:'","#
                    + #""TagKey":"aws:x"},"HostId":"lab-host-id"}"#
            ),
        ])
    }
}
