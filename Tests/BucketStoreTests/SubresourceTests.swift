import AccessPointCore
import NIOCore
import S3HTTP
import Testing

@testable import BucketStore

/// The sub-resources answered as S3 answers them for a bucket made today: unversioned, ACLs disabled (Object
/// Ownership "bucket owner enforced"), no Object Lock, no CORS or notification configuration.
struct SubresourceTests {
    static let ownerFullControl = """
        <AccessControlPolicy><Owner><ID>\(StoreOwner.id)</ID></Owner><AccessControlList><Grant>\
        <Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">\
        <ID>\(StoreOwner.id)</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList>\
        </AccessControlPolicy>
        """
    static let publicRead = """
        <AccessControlPolicy><Owner><ID>\(StoreOwner.id)</ID></Owner><AccessControlList><Grant>\
        <Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group">\
        <URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>\
        </AccessControlList></AccessControlPolicy>
        """

    @Test(arguments: ["k", nil] as [String?])
    func aclsReadAsTheOwnersFullControl(_ key: String?) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "v")
        let acl = await fixture.send("GET", key, query: "acl")
        #expect(acl.status == 200)
        #expect(acl.text.contains("<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"))
        #expect(acl.values("ID") == [StoreOwner.id, StoreOwner.id])
        #expect(acl.values("Permission") == ["FULL_CONTROL"])
        #expect(acl.text.contains(#"xsi:type="CanonicalUser""#))
        #expect(await fixture.send("GET", "missing", query: "acl").errorCode == "NoSuchKey")
    }

    /// PutObjectAcl and PutBucketAcl: the owner's full control (canned or as a document) is accepted and changes
    /// nothing; any other ACL is AccessControlListNotSupported.
    @Test(
        arguments: [
            ("k", ["x-amz-acl": "bucket-owner-full-control"], "", 200, nil),
            ("k", ["x-amz-acl": "private"], "", 400, "AccessControlListNotSupported"),
            ("k", ["x-amz-acl": "public-read"], "", 400, "AccessControlListNotSupported"),
            (
                "k", ["x-amz-grant-read": "uri=http://acs.amazonaws.com/groups/global/AllUsers"], "", 400,
                "AccessControlListNotSupported"
            ),
            ("k", [:], Self.ownerFullControl, 200, nil),
            ("k", [:], Self.publicRead, 400, "AccessControlListNotSupported"),
            ("k", [:], "", 400, "MissingSecurityHeader"),
            ("k", ["x-amz-acl": "bucket-owner-full-control"], Self.ownerFullControl, 400, "UnexpectedContent"),
            ("missing", ["x-amz-acl": "bucket-owner-full-control"], "", 404, "NoSuchKey"),
            (nil, ["x-amz-acl": "private"], "", 400, "AccessControlListNotSupported"),
            (nil, ["x-amz-acl": "bucket-owner-full-control"], "", 200, nil),
            // The body's Content-MD5 is checked as for every XML body (this one is not the MD5 of nothing).
            ("k", ["Content-MD5": "AAAAAAAAAAAAAAAAAAAAAA=="], Self.ownerFullControl, 400, "BadDigest"),
        ] as [(String?, S3Headers, String, Int, String?)]
    )
    func settingAnACLIsRefusedUnlessItIsTheOwnersFullControl(
        key: String?,
        headers: S3Headers,
        body: String,
        status: Int,
        code: String?
    ) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "v")
        let reply = await fixture.send("PUT", key, query: "acl", headers: headers, body: S3Body(string: body))
        #expect(reply.status == status)
        #expect(reply.errorCode == code)
        if code == "AccessControlListNotSupported" {
            #expect(reply.values("Message") == ["The bucket does not allow ACLs"])
        }
        #expect(await fixture.send("GET", "k").text == "v")
    }

    /// A write that asks for an ACL other than the owner's full control is refused before anything is written.
    @Test func writesWithAnACLAreRefusedUnlessItIsTheOwnersFullControl() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let refused = await fixture.put("public", "v", headers: ["x-amz-acl": "public-read"])
        #expect(refused.status == 400)
        #expect(refused.errorCode == "AccessControlListNotSupported")
        #expect(await fixture.send("HEAD", "public").status == 404)
        #expect(fixture.files(under: fixture.directory + "/bucket/tmp").isEmpty)

        let owner = await fixture.put("owned", "v", headers: ["x-amz-acl": "bucket-owner-full-control"])
        #expect(owner.status == 200)
        let copy = await fixture.send(
            "PUT",
            "copy",
            headers: ["x-amz-copy-source": "bucket/owned", "x-amz-grant-full-control": "id=someone-else"]
        )
        #expect(copy.errorCode == "AccessControlListNotSupported")
        let upload = await fixture.send("POST", "big", query: "uploads", headers: ["x-amz-acl": "private"])
        #expect(upload.errorCode == "AccessControlListNotSupported")
        #expect(await fixture.send("GET", nil, query: "uploads").values("UploadId").isEmpty)
    }

    @Test func objectAttributesAreWhatTheHeaderAsks() async throws {
        let fixture = try StoreFixture(now: { 1_700_000_000_000 })
        defer { fixture.remove() }
        _ = await fixture.put("k", "hello")
        let all = await fixture.send(
            "GET",
            "k",
            query: "attributes",
            headers: ["x-amz-object-attributes": "ETag, ObjectSize,StorageClass,ObjectParts,Checksum"]
        )
        #expect(all.status == 200)
        #expect(all.text.contains("<GetObjectAttributesResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"))
        #expect(all.values("ETag") == [md5Hex(Array("hello".utf8))])
        #expect(all.values("ObjectSize") == ["5"])
        #expect(all.values("StorageClass") == ["STANDARD"])
        #expect(all.values("ObjectParts").isEmpty)
        // The CRC-64/NVME the store computed, as S3 does for an upload that declared no checksum.
        #expect(all.values("ChecksumCRC64NVME") == ["M3eFcAZSQlc="])
        #expect(all.headers["Last-Modified"] == "Tue, 14 Nov 2023 22:13:20 GMT")

        let size = await fixture.send(
            "GET",
            "k",
            query: "attributes",
            headers: ["x-amz-object-attributes": "ObjectSize"]
        )
        #expect(size.values("ObjectSize") == ["5"])
        #expect(size.values("ETag").isEmpty)

        let missing = await fixture.send("GET", "k", query: "attributes")
        #expect(missing.errorCode == "InvalidRequest")
        let unknown = await fixture.send("GET", "k", query: "attributes", headers: ["x-amz-object-attributes": "Size"])
        #expect(unknown.errorCode == "InvalidArgument")
        #expect(unknown.values("ArgumentValue") == ["Size"])
        let absent = await fixture.send(
            "GET",
            "absent",
            query: "attributes",
            headers: ["x-amz-object-attributes": "ETag"]
        )
        #expect(absent.errorCode == "NoSuchKey")
    }

    @Test(
        arguments: [
            ("0123456789abcdef0123456789abcdef", nil), ("0123456789abcdef0123456789abcdef-2", 2),
            ("0123456789abcdef0123456789abcdef-10000", 10000), ("0123456789abcdef0123456789abcdef-", nil),
        ] as [(String, Int?)]
    )
    func aMultipartETagCountsItsParts(etag: String, parts: Int?) {
        #expect(EmbeddedBucketStore.partCount(etag: etag) == parts)
    }

    /// Every object is its one version, `null`, the latest; pages follow `NextKeyMarker`, also where a page ends
    /// on a common prefix.
    @Test func listsEveryObjectAsItsOnlyVersion() async throws {
        let fixture = try await ListingTests.filled()
        defer { fixture.remove() }
        let whole = await fixture.send("GET", nil, query: "versions")
        #expect(whole.status == 200)
        #expect(whole.text.contains("<ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"))
        #expect(whole.values("Key") == ListingTests.sorted)
        #expect(Set(whole.values("VersionId")) == ["null"])
        #expect(whole.values("IsLatest").count == ListingTests.sorted.count)
        #expect(Set(whole.values("IsLatest")) == ["true"])
        #expect(whole.values("IsTruncated") == ["false"])

        for delimiter in ["", "/"] {
            var entries: [String] = []
            var marker: (key: String, version: String?)?
            var pages = 0
            repeat {
                var query = "versions&max-keys=2&delimiter=\(delimiter)"
                if let marker {
                    query += "&key-marker=" + marker.key.addingPercentEncodingForQuery
                    if let version = marker.version { query += "&version-id-marker=" + version }
                }
                let reply = await fixture.send("GET", nil, query: query)
                entries += reply.values("Key") + reply.values("Prefix").dropFirst()
                marker = reply.values("NextKeyMarker").first.map { ($0, reply.values("NextVersionIdMarker").first) }
                pages += 1
            } while marker != nil && pages < 20
            let expected =
                delimiter.isEmpty ? ListingTests.sorted : ["Zebra", "a", "a b", "a/", "b", "e\u{301}", "photos/", "é"]
            // Each page lists its keys before its prefixes: compared in byte order, every entry once.
            #expect(ListingTests.inByteOrder(entries) == expected.map { Array($0.utf8) }, "delimiter \(delimiter)")
        }

        let noKeyMarker = await fixture.send("GET", nil, query: "versions&version-id-marker=null")
        #expect(noKeyMarker.errorCode == "InvalidArgument")
        let badVersion = await fixture.send("GET", nil, query: "versions&key-marker=a&version-id-marker=3HL4kqtJlcp")
        #expect(badVersion.errorCode == "InvalidArgument")
    }

    @Test(
        arguments: [
            ("GET", nil, "versioning", 200, nil), ("GET", nil, "notification", 200, nil),
            ("GET", nil, "cors", 404, "NoSuchCORSConfiguration"),
            ("GET", nil, "object-lock", 404, "ObjectLockConfigurationNotFoundError"),
            ("GET", nil, "tagging", 404, "NoSuchTagSet"), ("GET", "k", "legal-hold", 400, "InvalidRequest"),
            ("GET", "k", "retention", 400, "InvalidRequest"), ("PUT", "k", "legal-hold", 400, "InvalidRequest"),
            ("PUT", "k", "retention", 400, "InvalidRequest"), ("POST", "k", "restore", 403, "InvalidObjectState"),
            ("POST", "missing", "restore", 404, "NoSuchKey"),
        ] as [(String, String?, String, Int, String?)]
    )
    func configurationsTheBucketCannotHaveAreAnsweredAsS3Does(
        method: String,
        key: String?,
        query: String,
        status: Int,
        code: String?
    ) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "v")
        let reply = await fixture.send(method, key, query: query)
        #expect(reply.status == status)
        #expect(reply.errorCode == code)
        if status == 200 {
            let root = query == "versioning" ? "VersioningConfiguration" : "NotificationConfiguration"
            #expect(reply.text.hasSuffix("<\(root) xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></\(root)>"))
        }
        if key == nil, code != nil { #expect(reply.values("BucketName") == ["bucket"]) }
    }
}
