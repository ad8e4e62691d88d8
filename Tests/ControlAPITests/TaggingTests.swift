import AccessPointCore
import Foundation
import Registry
import S3HTTP
import Testing

/// TagResource, UntagResource, ListTagsForResource and CreateAccessPoint's `Tags` on access points (spec §2.4,
/// §3): merge, idempotent untag, tags gone with their access point, and every refusal with its code.
struct TaggingTests {
    typealias H = ControlHarness

    static let arn = "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap"
    /// As botocore sends the greedy label: `:` encoded, `/` literal.
    static func path(_ arn: String = arn) -> String {
        "/tags/" + arn.replacingOccurrences(of: ":", with: "%3A")
    }

    static func tagsXML(_ tags: [(String, String)]) -> String {
        "<Tags>" + tags.map { "<Tag><Key>\($0.0)</Key><Value>\($0.1)</Value></Tag>" }.joined() + "</Tags>"
    }

    static func body(_ tags: [(String, String)]) -> String {
        #"<TagResourceRequest xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">"#
            + tagsXML(tags) + "</TagResourceRequest>"
    }

    /// The listed tags as (key, value) pairs, in order.
    static func listed(_ harness: H, _ arn: String = arn) async -> [String]? {
        let response = await harness.send("GET", path(arn))
        guard response.status == 200 else { return nil }
        return response.text.matches(of: /<Tag><Key>([^<]*)<\/Key><Value>([^<]*)<\/Value><\/Tag>/).map {
            "\($0.1)=\($0.2)"
        }
    }

    @Test func tagsMergeUntagIsIdempotentAndTagsGoWithTheirAccessPoint() async throws {
        let harness = try H()
        #expect(await harness.create("my-ap", extra: Self.tagsXML([("team", "blue"), ("env", "lab")])).status == 200)
        #expect(await Self.listed(harness) == ["env=lab", "team=blue"])

        let merge = await harness.send("POST", Self.path(), body: Self.body([("team", "red"), ("cost", "")]))
        #expect(merge.status == 204, "\(merge.text)")
        #expect(await Self.listed(harness) == ["cost=", "env=lab", "team=red"])

        for _ in 0..<2 {
            let untag = await harness.send("DELETE", Self.path(), query: "tagKeys=team&tagKeys=absent")
            #expect(untag.status == 204, "\(untag.text)")
        }
        #expect(await Self.listed(harness) == ["cost=", "env=lab"])

        #expect(await harness.send("DELETE", "/accesspoint/my-ap").status == 204)
        #expect(await harness.create("my-ap").status == 200)
        let empty = await harness.send("GET", Self.path())
        #expect(empty.status == 200)
        #expect(
            empty.text.contains("<ListTagsForResourceResult\(H.namespace)><Tags></Tags></ListTagsForResourceResult>")
        )
    }

    @Test func fiftyTagsAreAllowedAndTheFiftyFirstIsRefusedWithNothingChanged() async throws {
        let harness = try H()
        let fifty = (1...50).map { ("k\($0)", "v") }
        #expect(await harness.create("my-ap", extra: Self.tagsXML(Array(fifty.prefix(49)))).status == 200)
        #expect(await harness.send("POST", Self.path(), body: Self.body([("k50", "v")])).status == 204)
        // Replacing an existing key does not add one.
        #expect(await harness.send("POST", Self.path(), body: Self.body([("k1", "w")])).status == 204)
        let over = await harness.send("POST", Self.path(), body: Self.body([("k51", "v"), ("k2", "changed")]))
        #expect(over.status == 400)
        #expect(over.errorCode == "InvalidTag")
        let tags = try #require(await Self.listed(harness))
        #expect(tags.count == 50)
        #expect(tags.contains("k1=w") && tags.contains("k2=v") && !tags.contains { $0.hasPrefix("k51=") })
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var tags: String
        var code: String
        var testDescription: String { label }
    }

    static let refusals: [Case] = [
        Case(label: "no value", tags: "<Tags><Tag><Key>a</Key></Tag></Tags>", code: "MalformedXML"),
        Case(label: "no key", tags: "<Tags><Tag><Value>a</Value></Tag></Tags>", code: "MalformedXML"),
        Case(label: "empty key", tags: tagsXML([("", "v")]), code: "InvalidTag"),
        Case(
            label: "129-character key",
            tags: tagsXML([(String(repeating: "k", count: 129), "v")]),
            code: "InvalidTag"
        ),
        Case(
            label: "257-character value",
            tags: tagsXML([("k", String(repeating: "v", count: 257))]),
            code: "InvalidTag"
        ),
        Case(label: "aws: prefix", tags: tagsXML([("aws:cloudformation", "v")]), code: "InvalidTag"),
        Case(label: "comma in key", tags: tagsXML([("a,b", "v")]), code: "InvalidTag"),
        Case(label: "comma in value", tags: tagsXML([("a", "b,c")]), code: "InvalidTag"),
        Case(label: "duplicate key", tags: tagsXML([("a", "1"), ("a", "2")]), code: "InvalidTag"),
        Case(label: "51 tags", tags: tagsXML((1...51).map { ("k\($0)", "v") }), code: "InvalidTag"),
    ]

    @Test(arguments: Self.refusals)
    func refusesBadTagsOnTagResourceAndOnCreate(_ refusal: Case) async throws {
        let harness = try H()
        #expect(await harness.create("my-ap").status == 200)
        let tag = await harness.send(
            "POST",
            Self.path(),
            body: #"<TagResourceRequest xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">"#
                + refusal.tags + "</TagResourceRequest>"
        )
        #expect(tag.status == 400)
        #expect(tag.errorCode == refusal.code, "\(tag.text)")
        let create = await harness.create("other-ap", extra: refusal.tags)
        #expect(create.status == 400)
        #expect(create.errorCode == refusal.code, "\(create.text)")
        // Nothing was stored by either refusal.
        #expect(await Self.listed(harness) == [])
        #expect(await harness.send("GET", "/accesspoint/other-ap").status == 404)
    }

    @Test func acceptsTheLimitsAndUnicodeLettersAndSpaces() async throws {
        let harness = try H()
        let key = String(repeating: "é", count: 128)
        let value = "Grüße aus Zürich _.:/=+-@ " + String(repeating: "v", count: 230)
        #expect(await harness.create("my-ap", extra: Self.tagsXML([(key, value)])).status == 200)
        #expect(await Self.listed(harness) == ["\(key)=\(value)"])
    }

    static let resources: [(String, String, Int, String)] = [
        ("unknown access point", "arn:aws:s3:us-west-2:123456789012:accesspoint/nothing", 404, "NoSuchResource"),
        ("another region", "arn:aws:s3:eu-west-1:123456789012:accesspoint/my-ap", 404, "NoSuchResource"),
        ("a bucket", "arn:aws:s3:::lab-demo-bucket", 404, "NoSuchResource"),
        ("another account", "arn:aws:s3:us-west-2:444455556666:accesspoint/my-ap", 403, "AccessDenied"),
        ("not an ARN", "my-ap", 400, "InvalidRequest"),
    ]

    @Test(arguments: Self.resources)
    func refusesResourcesThatAreNotTheCallersAccessPoints(
        label: String,
        arn: String,
        status: Int,
        code: String
    ) async throws {
        let harness = try H()
        #expect(await harness.create("my-ap").status == 200)
        let responses = [
            await harness.send("GET", Self.path(arn)),
            await harness.send("POST", Self.path(arn), body: Self.body([("a", "b")])),
            await harness.send("DELETE", Self.path(arn), query: "tagKeys=a"),
        ]
        for response in responses {
            #expect(response.status == status, "\(label): \(response.text)")
            #expect(response.errorCode == code, "\(label): \(response.text)")
        }
        #expect(await Self.listed(harness) == [])
    }
}
