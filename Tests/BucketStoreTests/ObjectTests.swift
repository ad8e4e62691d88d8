import AccessPointCore
import Foundation
import NIOCore
import S3HTTP
import Testing

@testable import BucketStore

struct ObjectTests {
    @Test func storesAndReturnsBytesAndHeaders() async throws {
        let fixture = try StoreFixture(now: { 1_255_369_800_123 })
        defer { fixture.remove() }
        let put = await fixture.put(
            "photos/2006/cat.jpg",
            "meow",
            headers: [
                "Content-Type": "image/jpeg", "Cache-Control": "max-age=60", "Content-Disposition": "inline",
                "Content-Encoding": "identity", "Expires": "Thu, 01 Dec 1994 16:00:00 GMT", "x-amz-meta-Owner": "Tom",
            ]
        )
        #expect(put.status == 200)
        #expect(put.headers["ETag"] == "\"\(md5Hex(Array("meow".utf8)))\"")
        #expect(put.headers["x-amz-request-id"] == "0123456789ABCDEF")
        #expect(put.headers["x-amz-id-2"] == "host-id")

        let get = await fixture.send("GET", "photos/2006/cat.jpg")
        #expect(get.status == 200)
        #expect(get.text == "meow")
        #expect(get.headers["Content-Length"] == "4")
        #expect(get.headers["Content-Type"] == "image/jpeg")
        #expect(get.headers["Cache-Control"] == "max-age=60")
        #expect(get.headers["Content-Disposition"] == "inline")
        #expect(get.headers["Content-Encoding"] == "identity")
        #expect(get.headers["Expires"] == "Thu, 01 Dec 1994 16:00:00 GMT")
        #expect(get.headers["x-amz-meta-owner"] == "Tom")
        #expect(get.headers["ETag"] == put.headers["ETag"])
        #expect(get.headers["Last-Modified"] == "Mon, 12 Oct 2009 17:50:00 GMT")
        #expect(get.headers["Accept-Ranges"] == "bytes")
        #expect(get.headers["x-amz-request-id"] == "0123456789ABCDEF")
    }

    @Test func defaultsContentTypeAndHonoursResponseOverrides() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("a", "x")
        #expect(await fixture.send("GET", "a").headers["Content-Type"] == "binary/octet-stream")
        let overridden = await fixture.send("GET", "a", query: "response-content-type=text%2Fplain")
        #expect(overridden.headers["Content-Type"] == "text/plain")
    }

    @Test func headHasHeadersButNoBody() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "hello", headers: ["x-amz-meta-a": "1"])
        let head = await fixture.send("HEAD", "k")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["Content-Length"] == "5")
        #expect(head.headers["x-amz-meta-a"] == "1")
        let missing = await fixture.send("HEAD", "nothing")
        #expect(missing.status == 404)
        #expect(missing.body.isEmpty)
        #expect(missing.headers["x-amz-request-id"] == "0123456789ABCDEF")
    }

    @Test func missingKeyAndBucketAreErrors() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let missing = await fixture.send("GET", "nothing")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "NoSuchKey")
        #expect(missing.values("Resource") == ["/bucket/nothing"])
        let otherBucket = await fixture.send("GET", "k", bucket: "elsewhere")
        #expect(otherBucket.status == 404)
        #expect(otherBucket.errorCode == "NoSuchBucket")
    }

    @Test func checksContentMD5() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let digest = Base64.encode(Digest.md5(Array("right".utf8)))
        #expect(await fixture.put("k", "right", headers: ["Content-MD5": digest]).status == 200)
        let wrong = await fixture.put("k", "wrong", headers: ["Content-MD5": digest])
        #expect(wrong.errorCode == "BadDigest")
        let invalid = await fixture.put("k", "wrong", headers: ["Content-MD5": "not base64"])
        #expect(invalid.errorCode == "InvalidDigest")
        #expect(await fixture.send("GET", "k").text == "right")
        #expect(fixture.files(under: fixture.directory + "/bucket/tmp").isEmpty)
    }

    @Test func deleteAnswers204WhetherOrNotTheKeyExists() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "v")
        #expect(await fixture.send("DELETE", "k").status == 204)
        #expect(await fixture.send("GET", "k").errorCode == "NoSuchKey")
        #expect(await fixture.send("DELETE", "k").status == 204)
        #expect(fixture.files(under: fixture.directory + "/bucket/objects").isEmpty)
    }

    @Test func deleteObjectsReportsEachKey() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("a", "1")
        _ = await fixture.put("b&c", "2")
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object>\
            <Object><Key>b&amp;c</Key></Object><Object><Key>missing</Key></Object></Delete>
            """
        let reply = await fixture.send("POST", nil, query: "delete", body: S3Body(string: body))
        #expect(reply.status == 200)
        #expect(reply.values("Key") == ["a", "b&c", "missing"])
        #expect(reply.text.contains("<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"))
        #expect(await fixture.send("GET", "a").status == 404)
        #expect(await fixture.send("GET", "b&c").status == 404)

        _ = await fixture.put("q", "1")
        let quiet = "<Delete><Quiet>true</Quiet><Object><Key>q</Key></Object></Delete>"
        let quietReply = await fixture.send("POST", nil, query: "delete", body: S3Body(string: quiet))
        #expect(quietReply.status == 200)
        #expect(quietReply.values("Key").isEmpty)
        #expect(await fixture.send("GET", "q").status == 404)

        let malformed = await fixture.send("POST", nil, query: "delete", body: S3Body(string: "<Delete><Object>"))
        #expect(malformed.errorCode == "MalformedXML")
    }

    static let rangeTable: [(header: String, status: Int, body: String, contentRange: String?)] = [
        ("bytes=0-3", 206, "0123", "bytes 0-3/10"),
        ("bytes=2-2", 206, "2", "bytes 2-2/10"),
        ("bytes=7-", 206, "789", "bytes 7-9/10"),
        ("bytes=-3", 206, "789", "bytes 7-9/10"),
        ("bytes=-20", 206, "0123456789", "bytes 0-9/10"),
        ("bytes=5-100", 206, "56789", "bytes 5-9/10"),
        ("bytes=10-", 416, "", nil),
        ("bytes=10-12", 416, "", nil),
        ("bytes=-0", 416, "", nil),
        ("bytes=5-2", 200, "0123456789", nil),
        ("bytes=0-1,3-4", 200, "0123456789", nil),
        ("items=0-1", 200, "0123456789", nil),
        ("bytes=a-b", 200, "0123456789", nil),
    ]

    @Test(arguments: Self.rangeTable)
    func servesRanges(header: String, status: Int, body: String, contentRange: String?) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("digits", "0123456789")
        let reply = await fixture.send("GET", "digits", headers: ["Range": header])
        #expect(reply.status == status)
        #expect(reply.headers["Content-Range"] == contentRange)
        if status == 416 {
            #expect(reply.errorCode == "InvalidRange")
            #expect(reply.values("ActualObjectSize") == ["10"])
        } else {
            #expect(reply.text == body)
            #expect(reply.headers["Content-Length"] == String(body.utf8.count))
        }
    }

    // The object is last modified at 2009-10-12 17:50:00 GMT.
    static let before = "Sun, 11 Oct 2009 17:50:00 GMT"
    static let exactly = "Mon, 12 Oct 2009 17:50:00 GMT"
    static let after = "Tue, 13 Oct 2009 17:50:00 GMT"
    static let conditionTable: [([String: String], Int)] = [
        (["If-Match": "\"ETAG\""], 200),
        (["If-Match": "\"other\", \"ETAG\""], 200),
        (["If-Match": "*"], 200),
        (["If-Match": "\"other\""], 412),
        (["If-None-Match": "\"ETAG\""], 304),
        (["If-None-Match": "*"], 304),
        (["If-None-Match": "\"other\""], 200),
        (["If-Modified-Since": before], 200),
        (["If-Modified-Since": exactly], 304),
        (["If-Modified-Since": after], 304),
        (["If-Modified-Since": "yesterday"], 200),
        (["If-Unmodified-Since": before], 412),
        (["If-Unmodified-Since": exactly], 200),
        (["If-Unmodified-Since": after], 200),
        // S3: If-Match true and If-Unmodified-Since false → 200; If-None-Match false and If-Modified-Since true → 304.
        (["If-Match": "\"ETAG\"", "If-Unmodified-Since": before], 200),
        (["If-None-Match": "\"ETAG\"", "If-Modified-Since": before], 304),
        (["If-None-Match": "\"other\"", "If-Modified-Since": after], 200),
        (["If-Match": "\"other\"", "If-None-Match": "\"ETAG\""], 412),
    ]

    @Test(arguments: Self.conditionTable)
    func evaluatesConditions(conditions: [String: String], status: Int) async throws {
        let fixture = try StoreFixture(now: { 1_255_369_800_000 })
        defer { fixture.remove() }
        let etag = md5Hex(Array("content".utf8))
        _ = await fixture.put("k", "content")
        var headers: S3Headers = [:]
        for (name, value) in conditions.sorted(by: { $0.key < $1.key }) {
            headers.add(name: name, value: value.replacingOccurrences(of: "ETAG", with: etag))
        }
        let get = await fixture.send("GET", "k", headers: headers)
        #expect(get.status == status)
        #expect(get.text == (status == 200 ? "content" : status == 412 ? get.text : ""))
        if status == 412 { #expect(get.errorCode == "PreconditionFailed") }
        if status == 304 { #expect(get.headers["ETag"] == "\"\(etag)\"") }
        let head = await fixture.send("HEAD", "k", headers: headers)
        #expect(head.status == status)
        #expect(head.body.isEmpty)
    }

    @Test func conditionalPutsCreateOnlyOrReplaceOnlyAMatch() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(await fixture.put("k", "one", headers: ["If-None-Match": "*"]).status == 200)
        #expect(await fixture.put("k", "two", headers: ["If-None-Match": "*"]).status == 412)
        #expect(await fixture.put("k", "two", headers: ["If-Match": "\"nope\""]).status == 412)
        let etag = "\"\(md5Hex(Array("one".utf8)))\""
        #expect(await fixture.put("k", "three", headers: ["If-Match": etag]).status == 200)
        #expect(await fixture.send("GET", "k").text == "three")
        #expect(await fixture.put("fresh", "x", headers: ["If-Match": etag]).errorCode == "NoSuchKey")
    }

    @Test func streamsLargeObjectsInChunks() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let bytes = (0..<(3 * 1024 * 1024 + 17)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let chunks = stride(from: 0, to: bytes.count, by: 65_536).map {
            Array(bytes[$0..<min($0 + 65_536, bytes.count)])
        }
        let body = S3Body(length: bytes.count, stream: ScriptedStream(chunks: chunks, error: nil))
        let put = await fixture.send("PUT", "big", headers: ["Content-Length": String(bytes.count)], body: body)
        #expect(put.status == 200)
        #expect(put.headers["ETag"] == "\"\(md5Hex(bytes))\"")
        let get = await fixture.send("GET", "big")
        #expect(get.body == bytes)
        #expect(get.chunkCount > 1)
        let tail = await fixture.send("GET", "big", headers: ["Range": "bytes=-100"])
        #expect(tail.body == Array(bytes.suffix(100)))
    }

    @Test func emptyObjectsWork() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let put = await fixture.put("empty", "")
        #expect(put.headers["ETag"] == "\"d41d8cd98f00b204e9800998ecf8427e\"")
        let get = await fixture.send("GET", "empty")
        #expect(get.status == 200)
        #expect(get.body.isEmpty)
        #expect(get.headers["Content-Length"] == "0")
    }

    @Test func unsupportedOperationsAre501NamingWhat() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        for (method, key, query) in [
            ("GET", nil, "policy"), ("PUT", nil, ""), ("PUT", nil, "versioning"), ("POST", "k", "select"),
            ("GET", "k", "torrent"),
        ]
            as [(String, String?, String)]
        {
            let reply = await fixture.send(method, key, query: query)
            #expect(reply.status == 501)
            #expect(reply.errorCode == "NotImplemented")
            #expect(reply.values("Message").first?.contains("not supported") == true)
        }
    }

    /// An object that is not multipart is its own part 1, whole.
    @Test(
        arguments: [
            ("partNumber=1", [:], 206, nil), ("partNumber=2", [:], 416, "InvalidPartNumber"),
            ("partNumber=0", [:], 400, "InvalidArgument"), ("partNumber=10001", [:], 400, "InvalidArgument"),
            ("partNumber=x", [:], 400, "InvalidArgument"),
            ("partNumber=1", ["Range": "bytes=0-1"], 400, "InvalidRequest"),
        ] as [(String, S3Headers, Int, String?)]
    )
    func readsBySinglePartNumber(query: String, headers: S3Headers, status: Int, code: String?) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "hello")
        let reply = await fixture.send("GET", "k", query: query, headers: headers)
        #expect(reply.status == status)
        #expect(reply.errorCode == code)
        if status == 206 {
            #expect(reply.text == "hello")
            #expect(reply.headers["Content-Range"] == "bytes 0-4/5")
            #expect(reply.headers["x-amz-mp-parts-count"] == nil)
        }
    }

    @Test func rejectsUnknownVersionIDs() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "v")
        #expect(await fixture.send("GET", "k", query: "versionId=null").status == 200)
        #expect(await fixture.send("GET", "k", query: "versionId=3HL4kqtJlcpXroDTDmJ").errorCode == "InvalidArgument")
    }
}

/// S3's conditional deletes: `If-Match` on DeleteObject, and an object's `<ETag>` in DeleteObjects, delete only the
/// object the client last saw; a mismatch or a missing object deletes nothing.
struct ConditionalDeleteTests {
    @Test func deleteObjectWithIfMatchDeletesOnlyThatObject() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let etag = try #require(await fixture.put("k", "v1").headers["ETag"])
        let stale = await fixture.send("DELETE", "k", headers: ["If-Match": "\"0123456789abcdef0123456789abcdef\""])
        #expect(stale.status == 412 && stale.errorCode == "PreconditionFailed", "\(stale.text)")
        #expect(await fixture.send("HEAD", "k").status == 200, "a mismatch deletes nothing")
        #expect(await fixture.send("DELETE", "k", headers: ["If-Match": etag]).status == 204)
        #expect(await fixture.send("HEAD", "k").status == 404)
        let gone = await fixture.send("DELETE", "k", headers: ["If-Match": "*"])
        #expect(gone.status == 404 && gone.errorCode == "NoSuchKey", "\(gone.text)")
        _ = await fixture.put("k", "v2")
        #expect(await fixture.send("DELETE", "k", headers: ["If-Match": "*"]).status == 204)
        #expect(await fixture.send("DELETE", "k").status == 204, "without a condition a missing key is no error")
    }

    @Test func deleteObjectsChecksEachObjectsETag() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let etag = try #require(await fixture.put("a", "1").headers["ETag"])
        _ = await fixture.put("b", "2")
        _ = await fixture.put("c", "3")
        let body = """
            <Delete><Object><Key>a</Key><ETag>\(etag)</ETag></Object>\
            <Object><Key>b</Key><ETag>"0123456789abcdef0123456789abcdef"</ETag></Object>\
            <Object><Key>c</Key></Object><Object><Key>d</Key><ETag>*</ETag></Object></Delete>
            """
        let reply = await fixture.send("POST", nil, query: "delete", body: S3Body(string: body))
        #expect(reply.status == 200)
        #expect(reply.values("Key") == ["a", "b", "c", "d"], "\(reply.text)")
        #expect(reply.values("Code") == ["PreconditionFailed", "NoSuchKey"], "\(reply.text)")
        #expect(await fixture.send("HEAD", "a").status == 404)
        #expect(await fixture.send("HEAD", "b").status == 200, "b's ETag did not match: kept")
        #expect(await fixture.send("HEAD", "c").status == 404)
    }
}

/// Object Lock and website redirects on writes: the store's buckets have no Object Lock, so a write asking for a
/// retention or a legal hold is refused as S3 refuses it (never stored as if protected); a redirect is kept and read
/// back.
struct WriteOptionTests {
    @Test(arguments: [
        "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold",
    ])
    func objectLockOnAWriteIsRefused(_ name: String) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var headers: S3Headers = [:]
        headers.add(name: name, value: name.hasSuffix("date") ? "2030-01-01T00:00:00Z" : "GOVERNANCE")
        let put = await fixture.put("k", "v", headers: headers)
        #expect(put.status == 400 && put.errorCode == "InvalidRequest", "\(put.text)")
        #expect(put.text.contains("Object Lock"))
        #expect(await fixture.send("HEAD", "k").status == 404)
        #expect(await fixture.send("POST", "k", query: "uploads", headers: headers).errorCode == "InvalidRequest")
        _ = await fixture.put("source", "v")
        headers.add(name: "x-amz-copy-source", value: "bucket/source")
        #expect(await fixture.send("PUT", "copy", headers: headers).errorCode == "InvalidRequest")
        #expect(await fixture.send("HEAD", "copy").status == 404)
    }

    @Test func aWebsiteRedirectIsKeptAndReadBack() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let put = await fixture.put("page", "v", headers: ["x-amz-website-redirect-location": "/other/page.html"])
        #expect(put.status == 200)
        for method in ["GET", "HEAD"] {
            #expect(await fixture.send(method, "page").headers["x-amz-website-redirect-location"] == "/other/page.html")
        }
        #expect(await fixture.send("HEAD", "plain").headers["x-amz-website-redirect-location"] == nil)
        let bad = await fixture.put("bad", "v", headers: ["x-amz-website-redirect-location": "ftp://elsewhere"])
        #expect(bad.status == 400 && bad.errorCode == "InvalidRedirectLocation", "\(bad.text)")
    }
}
