import AccessPointCore
import Foundation
import NIOCore
import S3HTTP
import Testing

@testable import BucketStore

struct DurabilityTests {
    static let hostileKeys = [
        "../../etc/passwd", "a/../../b", "/leading/slash", "./.", "..", "%2e%2e%2f", "trailing/", "a//b",
        "ünïcødé/日本語/🙂", "space and\ttab", String(repeating: "k", count: 1024),
        String(repeating: "ü", count: 512), String(repeating: "a/", count: 512),
    ]

    @Test(arguments: Self.hostileKeys)
    func keysNeverLeaveTheBucketDirectory(key: String) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(await fixture.put(key, "content of \(key)").status == 200)
        let get = await fixture.send("GET", key)
        #expect(get.status == 200)
        #expect(get.text == "content of \(key)")
        #expect(await fixture.send("GET", nil, query: "list-type=2").values("Key") == [key])
        let everything = fixture.files(under: fixture.root)
        #expect(everything.count == 1)
        #expect(everything.allSatisfy { $0.hasPrefix("store/bucket/objects/") })
        #expect(await fixture.send("DELETE", key).status == 204)
        #expect(fixture.files(under: fixture.root).isEmpty)
    }

    @Test func refusesKeysS3Refuses() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(await fixture.put(String(repeating: "k", count: 1025), "x").errorCode == "KeyTooLongError")
        #expect(await fixture.put("nul\u{0}key", "x").errorCode == "InvalidArgument")
        #expect(fixture.files(under: fixture.root).isEmpty)
    }

    @Test func refusesBucketNamesThatAreNotDirectoryNames() throws {
        for name in ["..", "a/b", "UPPER", "ab", "../escape", "bucket.."] {
            #expect(throws: BucketStoreError.invalidBucketName) {
                _ = try EmbeddedBucketStore(
                    directory: NSTemporaryDirectory() + "unused-\(UUID().uuidString)",
                    buckets: [name]
                )
            }
        }
    }

    static let failingBodies: [(String, S3Body, String)] = [
        (
            "connection reset",
            S3Body(length: nil, stream: ScriptedStream(chunks: [[1, 2, 3]], error: ConnectionReset())), "IncompleteBody"
        ),
        (
            "signature mismatch",
            S3Body(length: nil, stream: ScriptedStream(chunks: [[1, 2, 3]], error: S3Error.xAmzContentSHA256Mismatch)),
            "XAmzContentSHA256Mismatch"
        ),
        (
            "shorter than declared", S3Body(length: 10, stream: ScriptedStream(chunks: [[1, 2, 3]], error: nil)),
            "IncompleteBody"
        ),
        (
            "longer than declared", S3Body(length: 2, stream: ScriptedStream(chunks: [[1, 2, 3]], error: nil)),
            "IncompleteBody"
        ),
    ]

    @Test(arguments: Self.failingBodies)
    func aFailingBodyLeavesNoObjectAndNoTemporaryFile(name: String, body: S3Body, code: String) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("kept", "old")
        let reply = await fixture.send("PUT", "k", body: body)
        #expect(reply.errorCode == code, "\(name)")
        let overwrite = await fixture.send("PUT", "kept", body: body)
        #expect(overwrite.errorCode == code, "\(name)")
        #expect(await fixture.send("GET", "k").status == 404)
        #expect(await fixture.send("GET", "kept").text == "old")
        #expect(fixture.files(under: fixture.directory + "/bucket/tmp").isEmpty)
        #expect(fixture.files(under: fixture.directory + "/bucket/objects").count == 1)
    }

    /// A request cancelled once its body has arrived (the server stopping, say) leaves the object whole or as it
    /// was, and no temporary file: the store's file work, its cleanup included, is not cut short by cancellation.
    @Test(arguments: ["PUT", "UploadPart"])
    func aCancelledWriteLeavesAWholeObjectOrTheOldOneAndNoTemporaryFile(_ operation: String) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "old")
        var query = ""
        if operation == "UploadPart" {
            let created = await fixture.send("POST", "k", query: "uploads")
            let uploadID = try #require(created.values("UploadId").first)
            query = "partNumber=1&uploadId=\(uploadID)"
        }
        let body = S3Body(length: nil, stream: CancellingAtTheEndStream(chunks: [Array("new".utf8)]))
        let reply = await Task { await fixture.send("PUT", "k", query: query, body: body) }.value
        #expect(fixture.files(under: fixture.directory + "/bucket/tmp") == [])
        if operation == "PUT" {
            let text = await fixture.send("GET", "k").text
            #expect(reply.status == 200 ? text == "new" : text == "old", "\(reply.status) \(text)")
        }
    }

    @Test func contentLengthHeaderMustMatchTheBody() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let reply = await fixture.send("PUT", "k", headers: ["Content-Length": "10"], body: S3Body(string: "short"))
        #expect(reply.errorCode == "IncompleteBody")
        #expect(await fixture.send("GET", "k").status == 404)
    }

    @Test func aNewStoreOnTheSameDirectoryServesEveryObject() async throws {
        let fixture = try StoreFixture(buckets: ["bucket", "second"])
        defer { fixture.remove() }
        var expected: [String: String] = [:]
        for number in 0..<50 {
            let key = "dir\(number % 3)/object-\(number)"
            expected[key] = "value \(number)"
            _ = await fixture.put(key, "value \(number)", headers: ["x-amz-meta-n": String(number)])
        }
        _ = await fixture.send("PUT", "other", body: S3Body(string: "x"), bucket: "second")
        let before = await fixture.send("GET", nil, query: "list-type=2")

        let reopened = try fixture.reopened(buckets: ["bucket", "second"])
        let after = await fixture.send("GET", nil, query: "list-type=2", to: reopened)
        #expect(after.values("Key").count == 50)
        #expect(after.text == before.text)
        for (key, value) in expected {
            let get = await fixture.send("GET", key, to: reopened)
            #expect(get.text == value)
        }
        #expect(await fixture.send("GET", "object-7", to: reopened).status == 404)
        #expect(await fixture.send("HEAD", "dir1/object-7", to: reopened).headers["x-amz-meta-n"] == "7")
        #expect(await fixture.send("GET", "other", bucket: "second", to: reopened).text == "x")
        // A bucket the new store does not serve is gone for it, though its files stay.
        let fewer = try fixture.reopened(buckets: ["bucket"])
        #expect(await fixture.send("GET", "other", bucket: "second", to: fewer).errorCode == "NoSuchBucket")
    }

    @Test func startupRemovesStaleTemporaryFilesAndIgnoresTornOnes() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "v")
        let tmp = fixture.directory + "/bucket/tmp"
        #expect(FileManager.default.createFile(atPath: tmp + "/0123abcd", contents: Data("half an object".utf8)))
        try FileManager.default.createDirectory(atPath: tmp + "/upload-being-built", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: tmp + "/upload-being-built/upload", contents: Data()))
        // A file under objects/ that is not a finished record (never written by the store) is not served.
        let shard = fixture.directory + "/bucket/objects/00"
        _ = FileManager.default.createFile(
            atPath: shard + "/" + String(repeating: "0", count: 64),
            contents: Data("junk".utf8)
        )
        #expect(fixture.files(under: tmp).count == 2)

        let reopened = try fixture.reopened()
        #expect(fixture.files(under: tmp).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
        #expect(await fixture.send("GET", nil, query: "list-type=2", to: reopened).values("Key") == ["k"])
        #expect(await fixture.send("GET", "k", to: reopened).text == "v")
    }

    @Test func concurrentPutsOfOneKeyBothCompleteAndOneWins() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let bodies = (0..<8).map { String(repeating: Character(UnicodeScalar(UInt8(65 + $0))), count: 200_000) }
        let statuses = await withTaskGroup(of: Int.self) { group in
            for body in bodies { group.addTask { await fixture.put("contested", body).status } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 8))
        let get = await fixture.send("GET", "contested")
        #expect(bodies.contains(get.text))
        let listed = await fixture.send("GET", nil, query: "list-type=2")
        #expect(listed.values("ETag") == [get.headers["ETag"] ?? ""])
        #expect(fixture.files(under: fixture.directory + "/bucket/tmp").isEmpty)
        #expect(fixture.files(under: fixture.directory + "/bucket/objects").count == 1)
        let reopened = try fixture.reopened()
        #expect(await fixture.send("GET", "contested", to: reopened).text == get.text)
    }

    @Test func aReadInProgressKeepsTheVersionItOpened() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", String(repeating: "old ", count: 100_000))
        let request = BucketRequest(method: "GET", bucket: "bucket", key: "k", id: StoreFixture.id)
        let response = await fixture.store.respond(to: request)
        _ = await fixture.put("k", "new")
        let reply = await Reply(response)
        #expect(reply.body.count == 400_000)
        #expect(reply.text.hasPrefix("old old"))
        #expect(await fixture.send("GET", "k").text == "new")
    }
}
