import AccessPointCore
import Foundation
import Registry
import S3HTTP
import Testing

/// Every refusal of the access point operations: code, status, message and extra elements (spec §2.3, §2.4).
struct AccessPointErrorTests {
    typealias H = ControlHarness

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var name: String
        var bucket: String = "lab-demo-bucket"
        var extra: String = ""
        var status: Int
        var code: String
        var message: String? = nil
        var uri: String? = nil
        var testDescription: String { label }
    }

    static let createCases: [Case] = [
        Case(
            label: "too short",
            name: "sa",
            status: 400,
            code: "InvalidURI",
            message: "Couldn't parse the specified URI.",
            uri: "accesspoint/sa"
        ),
        Case(
            label: "51 characters",
            name: String(repeating: "a", count: 51),
            status: 400,
            code: "InvalidURI",
            uri: "accesspoint/" + String(repeating: "a", count: 51)
        ),
        Case(
            label: "underscore",
            name: "xn-_test-alias",
            status: 400,
            code: "InvalidURI",
            uri: "accesspoint/xn-_test-alias"
        ),
        Case(label: "upper case", name: "MyAP", status: 400, code: "InvalidURI"),
        Case(
            label: "leading hyphen",
            name: "-leading",
            status: 400,
            code: "InvalidRequest",
            message: "Your Amazon S3 AccessPoint name is invalid"
        ),
        Case(
            label: "alias suffix",
            name: "name-s3alias",
            status: 400,
            code: "InvalidRequest",
            message: "Your Amazon S3 AccessPoint name is invalid"
        ),
        Case(
            label: "a dot",
            name: "with.dot",
            status: 400,
            code: "InvalidRequest",
            message: "Your Amazon S3 AccessPoint name is invalid"
        ),
        Case(
            label: "missing bucket",
            name: "my-ap",
            bucket: "no-such-bucket",
            status: 400,
            code: "InvalidRequest",
            message: "Amazon S3 AccessPoint can only be created for existing bucket"
        ),
        Case(
            label: "another account's bucket",
            name: "my-ap",
            bucket: "strangers-bucket",
            status: 400,
            code: "InvalidRequest",
            message: "Amazon S3 AccessPoint can only be created for existing bucket"
        ),
        Case(
            label: "bucket in another region",
            name: "my-ap",
            bucket: "european-bucket",
            status: 400,
            code: "InvalidRequest",
            message: "Amazon S3 AccessPoint can only be created for existing bucket"
        ),
        Case(
            label: "unknown VPC",
            name: "my-ap",
            extra: "<VpcConfiguration><VpcId>vpc-nope</VpcId></VpcConfiguration>",
            status: 400,
            code: "InvalidRequest"
        ),
        Case(
            label: "VPC in another region",
            name: "my-ap",
            extra: "<VpcConfiguration><VpcId>vpc-in-eu</VpcId></VpcConfiguration>",
            status: 400,
            code: "InvalidRequest"
        ),
        Case(
            label: "flag not a boolean",
            name: "my-ap",
            extra:
                "<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>",
            status: 400,
            code: "MalformedXML"
        ),
    ]

    @Test(arguments: Self.createCases)
    func createRefuses(_ c: Case) async throws {
        let harness = try H()
        let response = await harness.create(c.name, bucket: c.bucket, extra: c.extra)
        #expect(response.status == c.status)
        #expect(response.errorCode == c.code)
        if let message = c.message { #expect(response.element("Message") == message) }
        if let uri = c.uri { #expect(response.element("URI") == uri) }
        #expect(try await harness.registry.snapshot().accessPoints.isEmpty)
    }

    @Test func crossAccountBucketIsAllowedWhenBucketAccountIdNamesItsOwner() async throws {
        let harness = try H()
        let response = await harness.create(
            "delegated",
            bucket: "strangers-bucket",
            extra: "<BucketAccountId>444455556666</BucketAccountId>"
        )
        #expect(response.status == 200)
        #expect((await harness.send("GET", "/accesspoint/delegated")).element("BucketAccountId") == "444455556666")
    }

    @Test func sameNameTwiceIsAlreadyOwnedByYou() async throws {
        let harness = try H()
        #expect((await harness.create("my-ap")).status == 200)
        let again = await harness.create("my-ap", bucket: "second-bucket")
        #expect(again.status == 409)
        #expect(again.errorCode == "AccessPointAlreadyOwnedByYou")
    }

    @Test func quotaIsTooManyAccessPoints() async throws {
        let harness = try H(quota: 2)
        await harness.create("one")
        await harness.create("two")
        let third = await harness.create("three")
        #expect(third.status == 400)
        #expect(third.errorCode == "TooManyAccessPoints")
    }

    static let malformedBodies: [String] = [
        "",
        "not xml",
        "<CreateAccessPointRequest><Bucket>lab-demo-bucket</Bucket>",
        "<SomethingElse><Bucket>lab-demo-bucket</Bucket></SomethingElse>",
        "<CreateAccessPointRequest></CreateAccessPointRequest>",
    ]

    @Test(arguments: Self.malformedBodies)
    func malformedCreateBodyIsMalformedXML(body: String) async throws {
        let response = await (try H()).send("PUT", "/accesspoint/my-ap", body: body)
        #expect(response.status == 400)
        #expect(response.errorCode == "MalformedXML")
    }

    /// Bodies that are not UTF-8 are malformed, wherever the bytes are: in an element's name, Foundation's
    /// `XMLParser` (libxml2) trapped, and took the server down with it.
    @Test(arguments: [
        Array("<CreateAccessPointRequest><Bucket>lab-demo-bucket</Bucket></CreateAccessPointRequest".utf8)
            + [0xFF, 0xFE, 0x3E],
        Array("<CreateAccessPointRequest><Bucket".utf8) + [0xFF, 0xFE] + Array(">b</Bucket".utf8) + [0xFF, 0xFE, 0x3E]
            + Array("</CreateAccessPointRequest>".utf8),
        Array("<CreateAccessPointRequest><Bucket>lab-demo".utf8) + [0xC3, 0x28]
            + Array("</Bucket></CreateAccessPointRequest>".utf8),
    ])
    func bodyThatIsNotUTF8IsMalformedXML(bytes: [UInt8]) async throws {
        let response = await (try H()).send("PUT", "/accesspoint/my-ap", bytes: bytes)
        #expect(response.status == 400)
        #expect(response.errorCode == "MalformedXML")
    }

    static let lookups: [(String, String, Int, String)] = [
        ("GET", "/accesspoint/missing", 404, "NoSuchAccessPoint"),
        ("GET", "/accesspoint/-leading", 404, "NoSuchAccessPoint"),
        ("GET", "/accesspoint/sa", 400, "InvalidURI"),
        ("DELETE", "/accesspoint/missing", 404, "NoSuchAccessPoint"),
        ("GET", "/accesspoint/missing/policy", 404, "NoSuchAccessPoint"),
        ("GET", "/accesspoint/missing/policyStatus", 404, "NoSuchAccessPoint"),
        ("DELETE", "/accesspoint/missing/policy", 404, "NoSuchAccessPoint"),
        ("POST", "/accesspoint/missing", 405, "MethodNotAllowed"),
        ("GET", "/mrap/instances/missing/routes", 404, "NoSuchMultiRegionAccessPoint"),
        (
            "GET", "/mrap/instances/arn%3Aaws%3As3%3A%3A123456789012%3Aaccesspoint/missing.mrap/routes", 404,
            "NoSuchMultiRegionAccessPoint"
        ),
        (
            "GET", "/mrap/instances/arn%3Aaws%3As3%3Aus-west-2%3A123456789012%3Aaccesspoint/ap/routes", 400,
            "InvalidRequest"
        ),
        (
            "PATCH", "/mrap/instances/arn%3Aaws%3As3%3A%3A123456789012%3Aaccesspoint/missing.mrap/routes", 404,
            "NoSuchMultiRegionAccessPoint"
        ),
        ("GET", "/mrap/instances/missing/policy", 404, "NoSuchMultiRegionAccessPoint"),
    ]

    @Test(arguments: Self.lookups)
    func lookupRefuses(method: String, path: String, status: Int, code: String) async throws {
        let response = await (try H()).send(method, path)
        #expect(response.status == status)
        #expect(response.errorCode == code)
    }

    struct AccountCase: Sendable, CustomTestStringConvertible {
        var label: String
        var caller: AccountID = H.account
        var header: String? = H.account.rawValue
        var host: AccountID? = H.account
        var status: Int
        var testDescription: String { label }
    }

    static let accountCases: [AccountCase] = [
        AccountCase(label: "all agree", status: 404),
        AccountCase(label: "host without account", host: nil, status: 404),
        AccountCase(label: "header missing", header: nil, status: 403),
        AccountCase(label: "header names another account", header: "444455556666", status: 403),
        AccountCase(label: "caller from another account", caller: H.otherAccount, status: 403),
        AccountCase(label: "host names another account", host: H.otherAccount, status: 403),
    ]

    @Test(arguments: Self.accountCases)
    func accountsMustAgree(_ c: AccountCase) async throws {
        let response = await (try H()).send(
            "GET",
            "/accesspoint/missing",
            caller: c.caller,
            accountHeader: c.header,
            hostAccount: c.host
        )
        #expect(response.status == c.status)
        if c.status == 403 { #expect(response.errorCode == "AccessDenied") }
    }
}
