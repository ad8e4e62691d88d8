import AccessPointCore
import Foundation
import Registry
import S3HTTP
import Testing

/// Access point policies: 20 KB, MalformedPolicy, BlockPublicPolicy from the account and the access point.
struct AccessPointPolicyTests {
    typealias H = ControlHarness

    static let resource = "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/object/*"
    static let privatePolicy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"#
        + #""Action":"s3:GetObject","Resource":"\#(resource)"}]}"#
    static let publicPolicy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","#
        + #""Action":"s3:GetObject","Resource":"\#(resource)"}]}"#

    static func body(_ policy: String) -> String {
        var escaped = ""
        XMLText.escape(policy, into: &escaped)
        return #"<PutAccessPointPolicyRequest xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">"#
            + "<Policy>\(escaped)</Policy></PutAccessPointPolicyRequest>"
    }

    static let relaxed =
        "<PublicAccessBlockConfiguration><BlockPublicPolicy>false</BlockPublicPolicy></PublicAccessBlockConfiguration>"

    @Test func putGetStatusDelete() async throws {
        let harness = try H()
        await harness.create("my-ap")
        let put = await harness.send("PUT", "/accesspoint/my-ap/policy", body: Self.body(Self.privatePolicy))
        #expect(put.status == 200)
        let get = await harness.send("GET", "/accesspoint/my-ap/policy")
        #expect(
            get.text
                == H.declaration + "<GetAccessPointPolicyResult\(H.namespace)><Policy>"
                + XMLText.escaped(Self.privatePolicy) + "</Policy></GetAccessPointPolicyResult>"
        )
        let status = await harness.send("GET", "/accesspoint/my-ap/policyStatus")
        #expect(
            status.text
                == H.declaration + "<GetAccessPointPolicyStatusResult\(H.namespace)><PolicyStatus>"
                + "<IsPublic>false</IsPublic></PolicyStatus></GetAccessPointPolicyStatusResult>"
        )
        #expect((await harness.send("DELETE", "/accesspoint/my-ap/policy")).status == 204)
        let gone = await harness.send("GET", "/accesspoint/my-ap/policy")
        #expect(gone.status == 404)
        #expect(gone.errorCode == "NoSuchAccessPointPolicy")
        #expect((await harness.send("GET", "/accesspoint/my-ap/policyStatus")).errorCode == "NoSuchAccessPointPolicy")
    }

    struct RefusedCase: Sendable, CustomTestStringConvertible {
        var label: String
        var policy: String
        var createExtra: String = ""
        var accountBlock: Bool = false
        var status: Int
        var code: String
        var testDescription: String { label }
    }

    static let refused: [RefusedCase] = [
        RefusedCase(label: "not JSON", policy: "{not json", status: 400, code: "MalformedPolicy"),
        RefusedCase(
            label: "over 20 KB",
            policy: Self.privatePolicy.replacingOccurrences(
                of: "s3:GetObject",
                with: String(repeating: "s", count: 21_000)
            ),
            status: 400,
            code: "MalformedPolicy"
        ),
        RefusedCase(
            label: "public, the access point blocks",
            policy: Self.publicPolicy,
            status: 403,
            code: "AccessDenied"
        ),
        RefusedCase(
            label: "public, the account blocks",
            policy: Self.publicPolicy,
            createExtra: Self.relaxed,
            accountBlock: true,
            status: 403,
            code: "AccessDenied"
        ),
    ]

    @Test(arguments: Self.refused)
    func refusesAndStoresNothing(_ c: RefusedCase) async throws {
        let harness = try H()
        await harness.create("my-ap", extra: c.createExtra)
        if c.accountBlock {
            let body =
                #"<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">"#
                + "<BlockPublicPolicy>true</BlockPublicPolicy></PublicAccessBlockConfiguration>"
            #expect((await harness.send("PUT", "/configuration/publicAccessBlock", body: body)).status == 200)
        }
        let response = await harness.send("PUT", "/accesspoint/my-ap/policy", body: Self.body(c.policy))
        #expect(response.status == c.status)
        #expect(response.errorCode == c.code)
        #expect((await harness.send("GET", "/accesspoint/my-ap/policy")).errorCode == "NoSuchAccessPointPolicy")
    }

    @Test func publicPolicyIsStoredWhenNothingBlocksIt() async throws {
        let harness = try H()
        await harness.create("my-ap", extra: Self.relaxed)
        #expect(
            (await harness.send("PUT", "/accesspoint/my-ap/policy", body: Self.body(Self.publicPolicy))).status == 200
        )
        #expect((await harness.send("GET", "/accesspoint/my-ap/policyStatus")).element("IsPublic") == "true")
    }
}
