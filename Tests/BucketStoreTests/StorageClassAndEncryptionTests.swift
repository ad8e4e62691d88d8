import AccessPointCore
import NIOCore
import S3HTTP
import Testing

@testable import BucketStore

/// An object's storage class and server-side encryption: chosen by the write, given back by every read (GET and
/// HEAD, the listings, GetObjectAttributes) and by the write's own answer, kept across a restart; refused as S3
/// refuses a class or an encryption it does not know.
struct StorageClassAndEncryptionTests {
    @Test func anObjectWrittenWithNeitherIsStandardAndEncryptedWithSSES3() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let put = await fixture.put("k", "v")
        #expect(put.headers["x-amz-server-side-encryption"] == "AES256")
        for method in ["GET", "HEAD"] {
            let read = await fixture.send(method, "k")
            #expect(read.headers["x-amz-server-side-encryption"] == "AES256")
            #expect(read.headers["x-amz-storage-class"] == nil, "STANDARD is not named on a read")
            #expect(read.headers["x-amz-server-side-encryption-aws-kms-key-id"] == nil)
        }
        #expect(await fixture.send("GET", nil, query: "list-type=2").values("StorageClass") == ["STANDARD"])
    }

    @Test func theClassAndTheEncryptionAWriteNamesAreGivenBackAndSurviveARestart() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let key = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        let put = await fixture.put(
            "ia",
            "v",
            headers: [
                "x-amz-storage-class": "STANDARD_IA", "x-amz-server-side-encryption": "aws:kms",
                "x-amz-server-side-encryption-aws-kms-key-id": key,
                "x-amz-server-side-encryption-bucket-key-enabled": "true",
            ]
        )
        #expect(put.status == 200)
        #expect(put.headers["x-amz-server-side-encryption"] == "aws:kms")
        #expect(put.headers["x-amz-server-side-encryption-aws-kms-key-id"] == key)
        #expect(put.headers["x-amz-server-side-encryption-bucket-key-enabled"] == "true")
        _ = await fixture.put("plain", "v")
        for store in [fixture.store, try fixture.reopened()] {
            let head = await fixture.send("HEAD", "ia", to: store)
            #expect(head.headers["x-amz-storage-class"] == "STANDARD_IA")
            #expect(head.headers["x-amz-server-side-encryption"] == "aws:kms")
            #expect(head.headers["x-amz-server-side-encryption-aws-kms-key-id"] == key)
            let list = await fixture.send("GET", nil, query: "list-type=2", to: store)
            #expect(list.values("StorageClass") == ["STANDARD_IA", "STANDARD"])
            let versions = await fixture.send("GET", nil, query: "versions", to: store)
            #expect(versions.values("StorageClass") == ["STANDARD_IA", "STANDARD"])
            let attributes = await fixture.send(
                "GET",
                "ia",
                query: "attributes",
                headers: ["x-amz-object-attributes": "StorageClass"],
                to: store
            )
            #expect(attributes.values("StorageClass") == ["STANDARD_IA"])
        }
    }

    /// S3 changes an object's class or encryption by copying it onto itself, which a copy changing nothing may not.
    @Test func aCopyOntoItselfMayChangeTheClassOrTheEncryption() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "v", headers: ["x-amz-meta-a": "b"])
        #expect(
            await fixture.send("PUT", "k", headers: ["x-amz-copy-source": "bucket/k"]).errorCode == "InvalidRequest"
        )
        let moved = await fixture.send(
            "PUT",
            "k",
            headers: ["x-amz-copy-source": "bucket/k", "x-amz-storage-class": "ONEZONE_IA"]
        )
        #expect(moved.status == 200, "\(moved.text)")
        #expect(moved.headers["x-amz-server-side-encryption"] == "AES256")
        let head = await fixture.send("HEAD", "k")
        #expect(head.headers["x-amz-storage-class"] == "ONEZONE_IA")
        #expect(head.headers["x-amz-meta-a"] == "b", "the COPY directive kept the metadata")
        // A copy elsewhere gets the class its request names, not the source's.
        _ = await fixture.send("PUT", "copy", headers: ["x-amz-copy-source": "bucket/k"])
        #expect(await fixture.send("HEAD", "copy").headers["x-amz-storage-class"] == nil)
    }

    @Test func aMultipartUploadsClassAndEncryptionAreItsObjects() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let created = await fixture.send(
            "POST",
            "mp",
            query: "uploads",
            headers: ["x-amz-storage-class": "INTELLIGENT_TIERING", "x-amz-server-side-encryption": "aws:kms"]
        )
        #expect(created.headers["x-amz-server-side-encryption"] == "aws:kms")
        let id = try #require(created.values("UploadId").first)
        let uploads = await fixture.send("GET", nil, query: "uploads")
        #expect(uploads.values("StorageClass") == ["INTELLIGENT_TIERING"])
        let part = await fixture.send(
            "PUT",
            "mp",
            query: "partNumber=1&uploadId=\(id)",
            body: S3Body(string: "only part")
        )
        #expect(part.headers["x-amz-server-side-encryption"] == "aws:kms")
        let parts = await fixture.send("GET", "mp", query: "uploadId=\(id)")
        #expect(parts.values("StorageClass") == ["INTELLIGENT_TIERING"])
        let etag = try #require(part.headers["ETag"])
        let completed = await fixture.complete("mp", uploadID: id, parts: [(1, etag)])
        #expect(completed.status == 200, "\(completed.text)")
        #expect(completed.headers["x-amz-server-side-encryption"] == "aws:kms")
        let head = await fixture.send("HEAD", "mp")
        #expect(head.headers["x-amz-storage-class"] == "INTELLIGENT_TIERING")
        #expect(head.headers["x-amz-server-side-encryption"] == "aws:kms")
    }

    @Test(
        arguments: [
            (["x-amz-storage-class": "FAST"], 400, "InvalidStorageClass"),
            (["x-amz-storage-class": "standard"], 400, "InvalidStorageClass"),
            (["x-amz-storage-class": "GLACIER"], 501, "NotImplemented"),
            (["x-amz-storage-class": "DEEP_ARCHIVE"], 501, "NotImplemented"),
            (["x-amz-server-side-encryption": "AES128"], 400, "InvalidArgument"),
            (["x-amz-server-side-encryption-aws-kms-key-id": "k"], 400, "InvalidArgument"),
            (
                ["x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-bucket-key-enabled": "yes"],
                400,
                "InvalidArgument"
            ),
            (["x-amz-server-side-encryption-customer-algorithm": "AES256"], 400, "InvalidArgument"),
            (SSECTests.fields(key: Array(repeating: 7, count: 16)), 400, "InvalidArgument"),
            (SSECTests.fields(key: SSECTests.key, md5Of: [1]), 400, "InvalidArgument"),
            (
                SSECTests.fields(key: SSECTests.key).merging(["x-amz-server-side-encryption": "AES256"]) { $1 }, 400,
                "InvalidArgument"
            ),
        ] as [([String: String], Int, String)]
    )
    func anUnknownClassOrEncryptionIsRefusedAndNothingIsStored(
        fields: [String: String],
        status: Int,
        code: String
    ) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var headers: S3Headers = [:]
        for (name, value) in fields { headers.add(name: name, value: value) }
        let put = await fixture.put("k", "v", headers: headers)
        #expect(put.status == status)
        #expect(put.errorCode == code, "\(put.text)")
        #expect(await fixture.send("HEAD", "k").status == 404)
        let upload = await fixture.send("POST", "k", query: "uploads", headers: headers)
        #expect(upload.errorCode == code)
        #expect(await fixture.send("GET", nil, query: "uploads").values("Upload").isEmpty)
    }
}

/// SSE-C: an object written with a customer-provided key reads back only with that key (the lab keeps its MD5, not
/// the key, and does not encrypt), as S3 holds it: on GET, HEAD, GetObjectAttributes, as a copy's source and for an
/// upload's parts.
struct SSECTests {
    static let key = [UInt8](repeating: 42, count: 32)
    static let otherKey = [UInt8](repeating: 43, count: 32)

    static func fields(
        key: [UInt8],
        md5Of: [UInt8]? = nil,
        prefix: String = "x-amz-server-side-encryption-customer-"
    ) -> [String: String] {
        [
            prefix + "algorithm": "AES256", prefix + "key": Base64.encode(key),
            prefix + "key-MD5": Base64.encode(Digest.md5(md5Of ?? key)),
        ]
    }

    static func headers(_ fields: [String: String]) -> S3Headers {
        var headers: S3Headers = [:]
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { headers.add(name: name, value: value) }
        return headers
    }

    @Test func anObjectWrittenWithAKeyReadsBackOnlyWithIt() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let withKey = Self.headers(Self.fields(key: Self.key))
        let put = await fixture.put("secret", "v", headers: withKey)
        #expect(put.status == 200, "\(put.text)")
        #expect(put.headers["x-amz-server-side-encryption-customer-algorithm"] == "AES256")
        #expect(put.headers["x-amz-server-side-encryption-customer-key-MD5"] == Base64.encode(Digest.md5(Self.key)))
        #expect(put.headers["x-amz-server-side-encryption"] == nil)
        _ = await fixture.put("plain", "v")
        for store in [fixture.store, try fixture.reopened()] {
            for method in ["GET", "HEAD"] {
                let without = await fixture.send(method, "secret", to: store)
                #expect(without.status == 400, "\(method) without the key")
                let wrong = await fixture.send(
                    method,
                    "secret",
                    headers: Self.headers(Self.fields(key: Self.otherKey)),
                    to: store
                )
                #expect(wrong.status == 403, "\(method) with another key")
                let right = await fixture.send(method, "secret", headers: withKey, to: store)
                #expect(right.status == 200)
                #expect(right.headers["x-amz-server-side-encryption-customer-key-MD5"] != nil)
                #expect(await fixture.send(method, "plain", headers: withKey, to: store).status == 400)
            }
        }
        #expect(await fixture.send("GET", "secret").errorCode == "InvalidRequest")
        let attributes = await fixture.send(
            "GET",
            "secret",
            query: "attributes",
            headers: ["x-amz-object-attributes": "ObjectSize"]
        )
        #expect(attributes.status == 400)
    }

    @Test func aCopyNeedsTheSourcesKeyAndAPartItsUploads() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("secret", "v", headers: Self.headers(Self.fields(key: Self.key)))
        #expect(await fixture.send("PUT", "copy", headers: ["x-amz-copy-source": "bucket/secret"]).status == 400)
        var copyHeaders = Self.fields(key: Self.key, prefix: "x-amz-copy-source-server-side-encryption-customer-")
        copyHeaders["x-amz-copy-source"] = "bucket/secret"
        let copied = await fixture.send("PUT", "copy", headers: Self.headers(copyHeaders))
        #expect(copied.status == 200, "\(copied.text)")
        #expect(await fixture.send("GET", "copy").status == 200, "the copy was written without a key")

        let created = await fixture.send(
            "POST",
            "mp",
            query: "uploads",
            headers: Self.headers(Self.fields(key: Self.key))
        )
        let id = try #require(created.values("UploadId").first)
        #expect(created.headers["x-amz-server-side-encryption-customer-algorithm"] == "AES256")
        let bare = await fixture.send("PUT", "mp", query: "partNumber=1&uploadId=\(id)", body: S3Body(string: "p"))
        #expect(bare.status == 400, "a part without the upload's key")
        let part = await fixture.send(
            "PUT",
            "mp",
            query: "partNumber=1&uploadId=\(id)",
            headers: Self.headers(Self.fields(key: Self.key)),
            body: S3Body(string: "p")
        )
        #expect(part.status == 200, "\(part.text)")
        let etag = try #require(part.headers["ETag"])
        let done = await fixture.complete("mp", uploadID: id, parts: [(1, etag)])
        #expect(done.status == 200, "\(done.text)")
        #expect(await fixture.send("GET", "mp").status == 400)
        #expect(await fixture.send("GET", "mp", headers: Self.headers(Self.fields(key: Self.key))).status == 200)
    }
}
