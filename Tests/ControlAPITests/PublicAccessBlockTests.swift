import AccessPointCore
import Foundation
import Registry
import S3HTTP
import Testing

/// Account-level Block Public Access (spec §2.4).
struct PublicAccessBlockTests {
    typealias H = ControlHarness
    static let path = "/configuration/publicAccessBlock"

    static func body(_ inner: String) -> String {
        #"<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">"#
            + inner + "</PublicAccessBlockConfiguration>"
    }

    @Test func getBeforePutIsNoSuchPublicAccessBlockConfiguration() async throws {
        let response = await (try H()).send("GET", Self.path)
        #expect(response.status == 404)
        #expect(response.errorCode == "NoSuchPublicAccessBlockConfiguration")
        #expect(response.element("AccountId") == "123456789012")
    }

    @Test func partialPutReadsBackAllFourKeys() async throws {
        let harness = try H()
        let put = await harness.send("PUT", Self.path, body: Self.body("<BlockPublicAcls>true</BlockPublicAcls>"))
        #expect(put.status == 200)
        #expect(put.text.isEmpty)
        let get = await harness.send("GET", Self.path)
        #expect(
            get.text
                == H.declaration + "<PublicAccessBlockConfiguration\(H.namespace)>"
                + "<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls>"
                + "<BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets>"
                + "</PublicAccessBlockConfiguration>"
        )
    }

    @Test func emptyPutIsInvalidRequest() async throws {
        let response = await (try H()).send("PUT", Self.path, body: Self.body(""))
        #expect(response.status == 400)
        #expect(response.errorCode == "InvalidRequest")
        #expect(response.element("Message") == "Must specify at least one configuration.")
    }

    @Test func deleteIsIdempotent() async throws {
        let harness = try H()
        _ = await harness.send("PUT", Self.path, body: Self.body("<BlockPublicPolicy>true</BlockPublicPolicy>"))
        #expect((await harness.send("DELETE", Self.path)).status == 204)
        #expect((await harness.send("DELETE", Self.path)).status == 204)
        #expect((await harness.send("GET", Self.path)).status == 404)
    }
}
