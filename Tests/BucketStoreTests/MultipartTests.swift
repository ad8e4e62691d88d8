import AccessPointCore
import NIOCore
import S3HTTP
import Testing

@testable import BucketStore

struct MultipartTests {
    static let fiveMiB = 5 * 1024 * 1024

    func create(_ fixture: StoreFixture, _ key: String, headers: S3Headers = [:]) async throws -> String {
        let reply = await fixture.send("POST", key, query: "uploads", headers: headers)
        #expect(reply.status == 200)
        #expect(reply.values("Key") == [key])
        return try #require(reply.values("UploadId").first)
    }

    func uploadPart(
        _ fixture: StoreFixture,
        _ key: String,
        _ id: String,
        _ number: Int,
        _ bytes: [UInt8]
    ) async -> Reply {
        await fixture.send(
            "PUT",
            key,
            query: "partNumber=\(number)&uploadId=\(id)",
            body: S3Body(ByteBuffer(bytes: bytes))
        )
    }

    static func completion(_ parts: [(Int, String)]) -> S3Body {
        S3Body(
            string: "<CompleteMultipartUpload>"
                + parts.map { "<Part><PartNumber>\($0.0)</PartNumber><ETag>\($0.1)</ETag></Part>" }.joined()
                + "</CompleteMultipartUpload>"
        )
    }

    @Test func assemblesPartsWithS3sETag() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = try await create(fixture, "big file", headers: ["Content-Type": "video/mp4", "x-amz-meta-a": "b"])
        let first = [UInt8](repeating: 7, count: Self.fiveMiB)
        let second = Array("the end".utf8)
        let etag1 = try #require(await uploadPart(fixture, "big file", id, 1, first).headers["ETag"])
        let etag2 = try #require(await uploadPart(fixture, "big file", id, 2, second).headers["ETag"])
        #expect(etag1 == "\"\(md5Hex(first))\"")

        let parts = await fixture.send("GET", "big file", query: "uploadId=\(id)")
        #expect(parts.values("PartNumber") == ["1", "2"])
        #expect(parts.values("Size") == [String(Self.fiveMiB), "7"])
        #expect(parts.values("ETag") == [etag1, etag2])
        let uploads = await fixture.send("GET", nil, query: "uploads")
        #expect(uploads.values("UploadId") == [id])
        #expect(uploads.values("Key") == ["big file"])

        let done = await fixture.send(
            "POST",
            "big file",
            query: "uploadId=\(id)",
            body: Self.completion([(1, etag1), (2, etag2)])
        )
        #expect(done.status == 200)
        let digests = Array(Digest.md5(first)) + Array(Digest.md5(second))
        let expected = "\"\(md5Hex(digests))-2\""
        #expect(done.values("ETag") == [expected])
        #expect(done.text.contains("<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"))

        let get = await fixture.send("GET", "big file")
        #expect(get.headers["ETag"] == expected)
        let attributes = await fixture.send(
            "GET",
            "big file",
            query: "attributes",
            headers: ["x-amz-object-attributes": "ObjectParts,ObjectSize"]
        )
        #expect(attributes.values("PartsCount") == ["2"])
        #expect(attributes.values("ObjectSize") == [String(Self.fiveMiB + 7)])

        // Each part by its number: a ranged answer with the whole object's ETag and the part count.
        let part1 = await fixture.send("GET", "big file", query: "partNumber=1")
        #expect(part1.status == 206)
        #expect(part1.body == first)
        #expect(part1.headers["Content-Range"] == "bytes 0-\(Self.fiveMiB - 1)/\(Self.fiveMiB + 7)")
        #expect(part1.headers["x-amz-mp-parts-count"] == "2")
        #expect(part1.headers["ETag"] == expected)
        let part2 = await fixture.send("GET", "big file", query: "partNumber=2")
        #expect(part2.status == 206)
        #expect(part2.text == "the end")
        #expect(part2.headers["Content-Range"] == "bytes \(Self.fiveMiB)-\(Self.fiveMiB + 6)/\(Self.fiveMiB + 7)")
        let head2 = await fixture.send("HEAD", "big file", query: "partNumber=2")
        #expect(head2.status == 206)
        #expect(head2.headers["Content-Length"] == "7")
        #expect(head2.headers["x-amz-mp-parts-count"] == "2")
        let part3 = await fixture.send("GET", "big file", query: "partNumber=3")
        #expect(part3.status == 416)
        #expect(part3.errorCode == "InvalidPartNumber")
        #expect(part3.values("ActualPartCount") == ["2"])
        #expect(get.headers["Content-Type"] == "video/mp4")
        #expect(get.headers["x-amz-meta-a"] == "b")
        #expect(get.body.count == Self.fiveMiB + 7)
        #expect(Array(get.body.suffix(7)) == second)
        #expect(await fixture.send("GET", nil, query: "uploads").values("UploadId").isEmpty)
        #expect(await fixture.send("GET", "big file", query: "uploadId=\(id)").errorCode == "NoSuchUpload")
        #expect(fixture.files(under: fixture.directory + "/bucket/uploads").isEmpty)
        #expect(fixture.files(under: fixture.directory + "/bucket/tmp").isEmpty)
    }

    @Test func validatesTheCompletion() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = try await create(fixture, "k")
        let small1 = try #require(await uploadPart(fixture, "k", id, 1, Array("one".utf8)).headers["ETag"])
        let small2 = try #require(await uploadPart(fixture, "k", id, 2, Array("two".utf8)).headers["ETag"])
        let cases: [(S3Body, String)] = [
            (Self.completion([(2, small2), (1, small1)]), "InvalidPartOrder"),
            (Self.completion([(1, small1), (1, small1)]), "InvalidPartOrder"),
            (Self.completion([(1, small1), (3, small2)]), "InvalidPart"),
            (Self.completion([(1, "\"0123\"")]), "InvalidPart"),
            (Self.completion([(1, small1), (2, small2)]), "EntityTooSmall"),
            (Self.completion([]), "MalformedXML"),
            (S3Body(string: "<CompleteMultipartUpload><Part>"), "MalformedXML"),
        ]
        for (body, code) in cases {
            let reply = await fixture.send("POST", "k", query: "uploadId=\(id)", body: body)
            #expect(reply.errorCode == code)
        }
        #expect(await fixture.send("GET", "k").errorCode == "NoSuchKey")
        // A single small part is fine: only parts before the last have a minimum size.
        let single = await fixture.send("POST", "k", query: "uploadId=\(id)", body: Self.completion([(2, small2)]))
        #expect(single.status == 200)
        #expect(await fixture.send("GET", "k").text == "two")
    }

    @Test func abortsAndRefusesUnknownUploads() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = try await create(fixture, "k")
        _ = await uploadPart(fixture, "k", id, 1, Array("data".utf8))
        #expect(await fixture.send("DELETE", "other-key", query: "uploadId=\(id)").errorCode == "NoSuchUpload")
        #expect(await fixture.send("DELETE", "k", query: "uploadId=\(id)").status == 204)
        #expect(await fixture.send("DELETE", "k", query: "uploadId=\(id)").errorCode == "NoSuchUpload")
        #expect(await uploadPart(fixture, "k", id, 2, [1]).errorCode == "NoSuchUpload")
        #expect(await uploadPart(fixture, "k", "../../objects", 1, [1]).errorCode == "NoSuchUpload")
        #expect(await uploadPart(fixture, "k", id, 10_001, [1]).errorCode == "InvalidArgument")
        #expect(fixture.files(under: fixture.directory + "/bucket/uploads").isEmpty)
        #expect(fixture.files(under: fixture.directory + "/bucket/tmp").isEmpty)
    }

    @Test func copiesPartsFromObjects() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("source", "0123456789")
        let id = try await create(fixture, "k")
        let copied = await fixture.send(
            "PUT",
            "k",
            query: "partNumber=1&uploadId=\(id)",
            headers: ["x-amz-copy-source": "bucket/source", "x-amz-copy-source-range": "bytes=2-5"]
        )
        #expect(copied.status == 200)
        let etag = try #require(copied.values("ETag").first)
        #expect(etag == "\"\(md5Hex(Array("2345".utf8)))\"")
        let done = await fixture.send("POST", "k", query: "uploadId=\(id)", body: Self.completion([(1, etag)]))
        #expect(done.status == 200)
        #expect(await fixture.send("GET", "k").text == "2345")
    }

    @Test func survivesRestart() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let id = try await create(fixture, "k")
        let etag = try #require(await uploadPart(fixture, "k", id, 1, Array("part".utf8)).headers["ETag"])
        let reopened = try fixture.reopened()
        #expect(await fixture.send("GET", nil, query: "uploads", to: reopened).values("UploadId") == [id])
        let done = await fixture.send(
            "POST",
            "k",
            query: "uploadId=\(id)",
            body: Self.completion([(1, etag)]),
            to: reopened
        )
        #expect(done.status == 200)
        #expect(await fixture.send("GET", "k", to: reopened).text == "part")
    }
}
