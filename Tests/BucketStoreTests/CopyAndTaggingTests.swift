import AccessPointCore
import NIOCore
import S3HTTP
import Testing

@testable import BucketStore

struct CopyAndTaggingTests {
    @Test func copyKeepsOrReplacesMetadata() async throws {
        let fixture = try StoreFixture(buckets: ["bucket", "other"])
        defer { fixture.remove() }
        _ = await fixture.put(
            "dir/source file",
            "payload",
            headers: ["Content-Type": "text/plain", "x-amz-meta-color": "red", "x-amz-tagging": "team=blue"]
        )
        let copy = await fixture.send("PUT", "copy", headers: ["x-amz-copy-source": "/bucket/dir/source%20file"])
        #expect(copy.status == 200)
        #expect(copy.text.contains("<CopyObjectResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"))
        #expect(copy.values("ETag") == ["\"\(md5Hex(Array("payload".utf8)))\""])
        let copied = await fixture.send("GET", "copy")
        #expect(copied.text == "payload")
        #expect(copied.headers["Content-Type"] == "text/plain")
        #expect(copied.headers["x-amz-meta-color"] == "red")
        #expect(copied.headers["x-amz-tagging-count"] == "1")

        let replaced = await fixture.send(
            "PUT",
            "replaced",
            headers: [
                "x-amz-copy-source": "bucket/dir/source%20file", "x-amz-metadata-directive": "REPLACE",
                "x-amz-meta-size": "big", "Content-Type": "application/json",
            ],
            bucket: "other"
        )
        #expect(replaced.status == 200)
        let other = await fixture.send("GET", "replaced", bucket: "other")
        #expect(other.text == "payload")
        #expect(other.headers["x-amz-meta-color"] == nil)
        #expect(other.headers["x-amz-meta-size"] == "big")
        #expect(other.headers["Content-Type"] == "application/json")
    }

    @Test func copyErrors() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "v")
        let toItself = await fixture.send("PUT", "k", headers: ["x-amz-copy-source": "bucket/k"])
        #expect(toItself.errorCode == "InvalidRequest")
        let itselfReplacing = await fixture.send(
            "PUT",
            "k",
            headers: ["x-amz-copy-source": "bucket/k", "x-amz-metadata-directive": "REPLACE", "x-amz-meta-a": "b"]
        )
        #expect(itselfReplacing.status == 200)
        #expect(await fixture.send("GET", "k").headers["x-amz-meta-a"] == "b")
        let missing = await fixture.send("PUT", "x", headers: ["x-amz-copy-source": "bucket/missing"])
        #expect(missing.errorCode == "NoSuchKey")
        let noBucket = await fixture.send("PUT", "x", headers: ["x-amz-copy-source": "nobucket/k"])
        #expect(noBucket.errorCode == "NoSuchBucket")
        let failed = await fixture.send(
            "PUT",
            "x",
            headers: ["x-amz-copy-source": "bucket/k", "x-amz-copy-source-if-match": "\"nope\""]
        )
        #expect(failed.status == 412)
        let badDirective = await fixture.send(
            "PUT",
            "x",
            headers: ["x-amz-copy-source": "bucket/k", "x-amz-metadata-directive": "MERGE"]
        )
        #expect(badDirective.errorCode == "InvalidArgument")
    }

    @Test func tagsCanBeSetReadAndRemovedWithoutTouchingTheObject() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let put = await fixture.put("k", "bytes", headers: ["x-amz-tagging": "a=1&b%20c=d%26e"])
        let initial = await fixture.send("GET", "k", query: "tagging")
        #expect(initial.status == 200)
        #expect(initial.values("Key") == ["a", "b c"])
        #expect(initial.values("Value") == ["1", "d&e"])
        #expect(initial.text.contains("<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>"))

        let body = "<Tagging><TagSet><Tag><Key>project</Key><Value>x&lt;y</Value></Tag></TagSet></Tagging>"
        #expect(await fixture.send("PUT", "k", query: "tagging", body: S3Body(string: body)).status == 200)
        let updated = await fixture.send("GET", "k", query: "tagging")
        #expect(updated.values("Key") == ["project"])
        #expect(updated.values("Value") == ["x<y"])
        let get = await fixture.send("GET", "k")
        #expect(get.text == "bytes")
        #expect(get.headers["ETag"] == put.headers["ETag"])
        #expect(get.headers["x-amz-tagging-count"] == "1")

        #expect(await fixture.send("DELETE", "k", query: "tagging").status == 204)
        let cleared = await fixture.send("GET", "k", query: "tagging")
        #expect(cleared.values("Key").isEmpty)
        #expect(cleared.text.contains("<TagSet></TagSet>"))
        #expect(await fixture.send("GET", "missing", query: "tagging").errorCode == "NoSuchKey")
    }

    static let invalidTagSets: [String] = [
        "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></TagSet></Tagging>",
        "<Tagging><TagSet><Tag><Key>aws:x</Key><Value>1</Value></Tag></TagSet></Tagging>",
        "<Tagging><TagSet><Tag><Key></Key><Value>1</Value></Tag></TagSet></Tagging>",
        "<Tagging><TagSet><Tag><Key>\(String(repeating: "k", count: 129))</Key><Value>1</Value></Tag></TagSet></Tagging>",
        "<Tagging><TagSet><Tag><Key>k</Key><Value>\(String(repeating: "v", count: 257))</Value></Tag></TagSet></Tagging>",
        "<Tagging><TagSet>"
            + (0..<11).map { "<Tag><Key>k\($0)</Key><Value>v</Value></Tag>" }.joined() + "</TagSet></Tagging>",
    ]

    @Test(arguments: Self.invalidTagSets)
    func rejectsInvalidTags(body: String) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "v")
        let reply = await fixture.send("PUT", "k", query: "tagging", body: S3Body(string: body))
        #expect(reply.errorCode == "InvalidTag")
        #expect(await fixture.send("GET", "k").headers["x-amz-tagging-count"] == nil)
    }
}
