import AccessPointCore
import NIOCore
import S3Auth
import S3HTTP
import Testing

@testable import BucketStore

/// A multipart upload's checksum, as S3 answers (the values and messages as OpenStack Swift's s3api tests record
/// them from AWS): the algorithm and type chosen at CreateMultipartUpload, each part checked against it, the
/// object's checksum made of the parts' checksums (COMPOSITE, `-N`) or of the whole object (FULL_OBJECT).
struct MultipartChecksumTests {
    let multipart = MultipartTests()
    /// CRC-32 of "123456789", and the composite checksum of an upload of that one part.
    static let crc32 = "y/Q5Jg=="
    static let composite = "7kxlUA=="

    func part(
        _ fixture: StoreFixture,
        _ id: String,
        _ number: Int,
        _ bytes: [UInt8],
        headers: S3Headers = [:]
    ) async -> Reply {
        await fixture.send(
            "PUT",
            "k",
            query: "partNumber=\(number)&uploadId=\(id)",
            headers: headers,
            body: S3Body(ByteBuffer(bytes: bytes))
        )
    }

    static func completion(_ parts: [(Int, String, String?)], element: String = "ChecksumCRC32") -> S3Body {
        S3Body(
            string: "<CompleteMultipartUpload>"
                + parts.map { number, etag, checksum in
                    "<Part><PartNumber>\(number)</PartNumber><ETag>\(etag)</ETag>"
                        + (checksum.map { "<\(element)>\($0)</\(element)>" } ?? "") + "</Part>"
                }.joined() + "</CompleteMultipartUpload>"
        )
    }

    func complete(_ fixture: StoreFixture, _ id: String, _ body: S3Body, headers: S3Headers = [:]) async -> Reply {
        await fixture.send("POST", "k", query: "uploadId=\(id)", headers: headers, body: body)
    }

    @Test func aCompositeUploadChecksEveryPartAndItsCompletion() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let created = await fixture.send("POST", "k", query: "uploads", headers: ["x-amz-checksum-algorithm": "CRC32"])
        #expect(created.headers["x-amz-checksum-algorithm"] == "CRC32")
        #expect(created.headers["x-amz-checksum-type"] == "COMPOSITE")
        let id = try #require(created.values("UploadId").first)
        let bytes = Array("123456789".utf8)

        let missing = await part(fixture, id, 1, bytes)
        #expect(missing.errorCode == "InvalidRequest")
        #expect(
            missing.values("Message") == [
                "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null"
            ]
        )
        let other = await part(fixture, id, 1, bytes, headers: ["x-amz-checksum-crc32c": "4waSgw=="])
        #expect(other.values("Message").first?.hasSuffix("actual checksum Type: crc32c") == true)
        #expect(await fixture.send("GET", "k", query: "uploadId=\(id)").values("Part").isEmpty)

        let uploaded = await part(fixture, id, 1, bytes, headers: ["x-amz-checksum-crc32": Self.crc32])
        #expect(uploaded.headers["x-amz-checksum-crc32"] == Self.crc32)
        let etag = try #require(uploaded.headers["ETag"])
        let listed = await fixture.send("GET", "k", query: "uploadId=\(id)")
        #expect(listed.values("ChecksumAlgorithm") == ["CRC32"])
        #expect(listed.values("ChecksumType") == ["COMPOSITE"])
        #expect(listed.values("ChecksumCRC32") == [Self.crc32])

        let refusals: [(S3Body, S3Headers, String, String?)] = [
            (
                Self.completion([(1, etag, nil)]), [:], "InvalidRequest",
                "The upload was created using a crc32 checksum. The complete request must include the checksum for "
                    + "each part. It was missing for part 1 in the request."
            ),
            (Self.completion([(1, etag, "z/Q5Jg==")]), [:], "InvalidPart", nil),
            (Self.completion([(1, etag, Self.crc32)], element: "ChecksumSHA1"), [:], "InvalidArgument", nil),
            (
                Self.completion([(1, etag, "not base64")]), [:], "InvalidArgument",
                "Invalid Base64 or multiple checksums present in request"
            ),
            (
                Self.completion([(1, etag, Self.crc32)]), ["x-amz-checksum-crc32": Self.composite + "-2"], "BadDigest",
                "The crc32 you specified did not match the calculated checksum."
            ),
            (
                Self.completion([(1, etag, Self.crc32)]), ["x-amz-checksum-crc32": Self.composite + "-a"],
                "InvalidRequest", "Value for x-amz-checksum-crc32 header is invalid."
            ),
            (
                Self.completion([(1, etag, Self.crc32)]), ["x-amz-checksum-type": "FULL_OBJECT"], "InvalidRequest",
                "The upload was created using the COMPOSITE checksum mode. The complete request must use the same "
                    + "checksum mode."
            ),
        ]
        for (body, headers, code, message) in refusals {
            let refused = await complete(fixture, id, body, headers: headers)
            #expect(refused.errorCode == code, "\(headers) \(refused.text)")
            if let message { #expect(refused.values("Message") == [message]) }
        }
        let done = await complete(
            fixture,
            id,
            Self.completion([(1, etag, Self.crc32)]),
            headers: ["x-amz-checksum-crc32": Self.composite + "-1"]
        )
        #expect(done.status == 200, "\(done.text)")
        #expect(done.values("ChecksumCRC32") == [Self.composite + "-1"])
        #expect(done.values("ChecksumType") == ["COMPOSITE"])

        let reopened = try fixture.reopened()
        let head = await fixture.send("HEAD", "k", headers: ["x-amz-checksum-mode": "ENABLED"], to: reopened)
        #expect(head.headers["x-amz-checksum-crc32"] == Self.composite + "-1")
        #expect(head.headers["x-amz-checksum-type"] == "COMPOSITE")
        let first = await fixture.send(
            "GET",
            "k",
            query: "partNumber=1",
            headers: ["x-amz-checksum-mode": "ENABLED"],
            to: reopened
        )
        #expect(first.headers["x-amz-checksum-crc32"] == Self.crc32)
        let attributes = await fixture.send(
            "GET",
            "k",
            query: "attributes",
            headers: ["x-amz-object-attributes": "Checksum,ObjectParts"],
            to: reopened
        )
        #expect(attributes.values("PartsCount") == ["1"])
        #expect(attributes.values("ChecksumCRC32") == [Self.composite + "-1", Self.crc32])
        #expect(attributes.values("Size") == ["9"])
        let versions = await fixture.send("GET", nil, query: "versions", to: reopened)
        #expect(versions.values("ChecksumAlgorithm") == ["CRC32"])
        #expect(versions.values("ChecksumType") == ["COMPOSITE"])
    }

    @Test(
        arguments: [
            (["x-amz-checksum-algorithm": "CRC64NVME"], "CRC64NVME", "FULL_OBJECT", nil),
            (["x-amz-checksum-algorithm": "crc32c"], "CRC32C", "COMPOSITE", nil),
            (["x-amz-checksum-algorithm": "CRC32", "x-amz-checksum-type": "FULL_OBJECT"], "CRC32", "FULL_OBJECT", nil),
            (
                ["x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-type": "FULL_OBJECT"], nil, nil,
                "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm."
            ),
            (
                ["x-amz-checksum-algorithm": "CRC64NVME", "x-amz-checksum-type": "COMPOSITE"], nil, nil,
                "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm."
            ),
            (
                ["x-amz-checksum-type": "COMPOSITE"], nil, nil,
                "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."
            ),
            (
                ["x-amz-checksum-algorithm": "MD5"], nil, nil,
                "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
                    + "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
            ),
            (
                ["x-amz-checksum-algorithm": "CRC32", "x-amz-checksum-type": "PARTIAL"], nil, nil,
                "Value for x-amz-checksum-type header is invalid."
            ),
        ] as [([String: String], String?, String?, String?)]
    )
    func createChoosesAnAlgorithmAndType(
        _ headers: [String: String],
        algorithm: String?,
        type: String?,
        refusal: String?
    ) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let created = await fixture.send("POST", "k", query: "uploads", headers: S3Headers(headers.map { ($0, $1) }))
        #expect(created.headers["x-amz-checksum-algorithm"] == algorithm)
        #expect(created.headers["x-amz-checksum-type"] == type)
        if let refusal {
            #expect(created.errorCode == "InvalidRequest")
            #expect(created.values("Message") == [refusal])
            #expect(await fixture.send("GET", nil, query: "uploads").values("UploadId").isEmpty)
        } else {
            #expect(created.status == 200)
        }
    }

    /// FULL_OBJECT: the object's checksum is of all its bytes, computed as the parts are joined; an upload that
    /// chose none gets the default CRC-64/NVME of all its bytes the same way.
    @Test(arguments: [("CRC32", ChecksumAlgorithm.crc32), (nil, .crc64nvme)] as [(String?, ChecksumAlgorithm)])
    func aFullObjectChecksumCoversEveryByte(_ name: String?, _ algorithm: ChecksumAlgorithm) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var headers: S3Headers = [:]
        if let name {
            headers.add(name: "x-amz-checksum-algorithm", value: name)
            headers.add(name: "x-amz-checksum-type", value: "FULL_OBJECT")
        }
        let id = try await multipart.create(fixture, "k", headers: headers)
        let first = [UInt8](repeating: 7, count: MultipartTests.fiveMiB)
        let second = Array("the end".utf8)
        var etags: [String] = []
        for (number, bytes) in [(1, first), (2, second)] {
            let reply = await part(
                fixture,
                id,
                number,
                bytes,
                headers: [algorithm.headerName: algorithm.checksum(of: bytes)]
            )
            etags.append(try #require(reply.headers["ETag"]))
        }
        let whole = algorithm.checksum(of: first + second)
        // The size the client says the object has (botocore's MpuObjectSize) must be the size of its parts.
        let size = await complete(
            fixture,
            id,
            MultipartTests.completion([(1, etags[0]), (2, etags[1])]),
            headers: ["x-amz-mp-object-size": String(first.count)]
        )
        #expect(size.errorCode == "InvalidRequest")
        // As the XML carries it: the apostrophes escaped.
        #expect(
            size.values("Message") == [
                "The provided &apos;x-amz-mp-object-size&apos; header does not match what was computed"
            ]
        )
        let wrong = await complete(
            fixture,
            id,
            MultipartTests.completion([(1, etags[0]), (2, etags[1])]),
            headers: [algorithm.headerName: algorithm.checksum(of: first)]
        )
        #expect(wrong.errorCode == "BadDigest")
        #expect(await fixture.send("HEAD", "k").status == 404)
        let done = await complete(
            fixture,
            id,
            MultipartTests.completion([(1, etags[0]), (2, etags[1])]),
            headers: [algorithm.headerName: whole, "x-amz-mp-object-size": String(first.count + second.count)]
        )
        #expect(done.status == 200, "\(done.text)")
        #expect(done.values(algorithm.elementName) == [whole])
        #expect(done.values("ChecksumType") == ["FULL_OBJECT"])
        let head = await fixture.send("HEAD", "k", headers: ["x-amz-checksum-mode": "ENABLED"])
        #expect(head.headers[algorithm.headerName] == whole)
        #expect(head.headers["x-amz-checksum-type"] == "FULL_OBJECT")
    }

    /// A part copied into an upload that chose an algorithm gets a checksum of it, computed from the bytes.
    @Test func aCopiedPartGetsTheUploadsChecksum() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("source", "hello world")
        let id = try await multipart.create(fixture, "k", headers: ["x-amz-checksum-algorithm": "SHA256"])
        let copied = await fixture.send(
            "PUT",
            "k",
            query: "partNumber=1&uploadId=\(id)",
            headers: ["x-amz-copy-source": "bucket/source"]
        )
        let sha256 = ChecksumAlgorithm.sha256.checksum(of: Array("hello world".utf8))
        #expect(copied.values("ChecksumSHA256") == [sha256])
        let etag = try #require(copied.values("ETag").first)
        let done = await complete(fixture, id, Self.completion([(1, etag, sha256)], element: "ChecksumSHA256"))
        #expect(done.status == 200, "\(done.text)")
        #expect(done.values("ChecksumSHA256").first?.hasSuffix("-1") == true)
    }
}
