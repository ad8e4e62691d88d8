import AccessPointCore
import NIOCore
import S3HTTP
import Testing

@testable import BucketStore

/// The checksum an upload declared (and the server checked against its bytes) is kept with the object and given
/// back as S3 gives it: on the PUT, on a whole-object GET or HEAD that asks (`x-amz-checksum-mode: ENABLED`), and
/// in GetObjectAttributes.
struct ChecksumTests {
    static let crc32 = "DUoRhQ=="  // of "hello world"
    static let crc32c = "yZRlqg=="  // of "hello world"

    @Test func aDeclaredChecksumIsKeptAndGivenBackWhenAsked() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let put = await fixture.put("k", "hello world", headers: ["x-amz-checksum-crc32": Self.crc32])
        #expect(put.status == 200)
        #expect(put.headers["x-amz-checksum-crc32"] == Self.crc32)
        #expect(put.headers["x-amz-checksum-type"] == "FULL_OBJECT")

        let asked = await fixture.send("GET", "k", headers: ["x-amz-checksum-mode": "ENABLED"])
        #expect(asked.text == "hello world")
        #expect(asked.headers["x-amz-checksum-crc32"] == Self.crc32)
        #expect(asked.headers["x-amz-checksum-type"] == "FULL_OBJECT")
        let head = await fixture.send("HEAD", "k", headers: ["x-amz-checksum-mode": "enabled"])
        #expect(head.headers["x-amz-checksum-crc32"] == Self.crc32)
        #expect(await fixture.send("GET", "k").headers["x-amz-checksum-crc32"] == nil)
        let ranged = await fixture.send("GET", "k", headers: ["x-amz-checksum-mode": "ENABLED", "Range": "bytes=0-3"])
        #expect(ranged.status == 206)
        #expect(ranged.headers["x-amz-checksum-crc32"] == nil)

        let attributes = await fixture.send(
            "GET",
            "k",
            query: "attributes",
            headers: ["x-amz-object-attributes": "Checksum"]
        )
        #expect(attributes.values("ChecksumCRC32") == [Self.crc32])
        #expect(attributes.values("ChecksumType") == ["FULL_OBJECT"])

        // Tagging rewrites the record, not the bytes: the checksum stays, and a restart reads it back.
        _ = await fixture.send(
            "PUT",
            "k",
            query: "tagging",
            body: S3Body(string: "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>")
        )
        let reopened = try fixture.reopened()
        let again = await fixture.send("HEAD", "k", headers: ["x-amz-checksum-mode": "ENABLED"], to: reopened)
        #expect(again.headers["x-amz-checksum-crc32"] == Self.crc32)
    }

    /// An aws-chunked upload declares its checksum in the trailer, which the server that decoded the body hands
    /// over once the body has ended.
    @Test func aTrailersChecksumIsKept() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let trailers = BodyTrailers()
        let body = S3Body(
            length: 11,
            stream: TrailingStream(bytes: Array("hello world".utf8), trailers: trailers) {
                trailers.set([HTTPField(name: "x-amz-checksum-crc32c", value: Self.crc32c)])
            }
        )
        let put = await fixture.send("PUT", "k", body: body)
        #expect(put.status == 200)
        #expect(put.headers["x-amz-checksum-crc32c"] == Self.crc32c)
        #expect(
            await fixture.send("GET", "k", headers: ["x-amz-checksum-mode": "ENABLED"]).headers["x-amz-checksum-crc32c"]
                == Self.crc32c
        )
    }

    /// As S3 does since 2025: an upload that declares no checksum gets a CRC-64/NVME of its bytes, computed as
    /// they arrive (awscrt's `crc64nvme(b"hello world")` is `jSnVw/bqjr4=`).
    @Test func anUploadThatDeclaresNoneGetsTheDefaultCRC64NVME() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let put = await fixture.put("k", "hello world")
        #expect(put.headers["x-amz-checksum-crc64nvme"] == "jSnVw/bqjr4=")
        #expect(put.headers["x-amz-checksum-type"] == "FULL_OBJECT")
        let get = await fixture.send("GET", "k", headers: ["x-amz-checksum-mode": "ENABLED"])
        #expect(get.headers["x-amz-checksum-crc64nvme"] == "jSnVw/bqjr4=")
        #expect(get.headers.fields.filter { $0.name.hasPrefix("x-amz-checksum-") }.count == 2)
        let attributes = await fixture.send(
            "GET",
            "k",
            query: "attributes",
            headers: ["x-amz-object-attributes": "Checksum,ObjectSize"]
        )
        #expect(attributes.values("ChecksumCRC64NVME") == ["jSnVw/bqjr4="])
        #expect(attributes.values("ObjectSize") == ["11"])
        // Listings name each object's checksum algorithm and type, as S3's do.
        let listed = await fixture.send("GET", nil, query: "list-type=2")
        #expect(listed.values("ChecksumAlgorithm") == ["CRC64NVME"])
        #expect(listed.values("ChecksumType") == ["FULL_OBJECT"])
        // A range that is the whole object is the whole object; any other has no checksum.
        let whole = await fixture.send("GET", "k", headers: ["x-amz-checksum-mode": "ENABLED", "Range": "bytes=0-10"])
        #expect(whole.status == 206)
        #expect(whole.headers["x-amz-checksum-crc64nvme"] == "jSnVw/bqjr4=")
        let part = await fixture.send("GET", "k", headers: ["x-amz-checksum-mode": "ENABLED", "Range": "bytes=1-10"])
        #expect(part.headers["x-amz-checksum-crc64nvme"] == nil)
    }

    /// A copy has a checksum of its bytes: of the algorithm the request names, else of the source's.
    @Test func aCopyHasAChecksumOfItsBytes() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = await fixture.put("k", "hello world", headers: ["x-amz-checksum-crc32": Self.crc32])
        let same = await fixture.send("PUT", "same", headers: ["x-amz-copy-source": "bucket/k"])
        #expect(same.values("ChecksumCRC32") == [Self.crc32])
        #expect(same.values("ChecksumType") == ["FULL_OBJECT"])
        let other = await fixture.send(
            "PUT",
            "other",
            headers: ["x-amz-copy-source": "bucket/k", "x-amz-checksum-algorithm": "CRC32C"]
        )
        #expect(other.values("ChecksumCRC32C") == [Self.crc32c])
        let head = await fixture.send("HEAD", "other", headers: ["x-amz-checksum-mode": "ENABLED"])
        #expect(head.headers["x-amz-checksum-crc32c"] == Self.crc32c)
        let unknown = await fixture.send(
            "PUT",
            "bad",
            headers: ["x-amz-copy-source": "bucket/k", "x-amz-checksum-algorithm": "MD5"]
        )
        #expect(unknown.errorCode == "InvalidRequest")
        #expect(unknown.values("Message").first?.hasPrefix("Checksum algorithm provided is unsupported.") == true)
    }
}

/// A body that yields its bytes, then runs `atEnd` (as a decoder publishes the trailer it checked) and ends.
struct TrailingStream: AsyncSequence, Sendable, TrailerCarryingStream {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    var bytes: [UInt8]
    var trailers: BodyTrailers?
    var atEnd: @Sendable () -> Void

    func makeAsyncIterator() -> Iterator { Iterator(bytes: bytes, atEnd: atEnd) }

    struct Iterator: AsyncIteratorProtocol {
        var bytes: [UInt8]?
        var atEnd: @Sendable () -> Void

        mutating func next() async throws -> ByteBuffer? {
            guard let pending = bytes else { return nil }
            bytes = nil
            atEnd()
            return ByteBuffer(bytes: pending)
        }
    }
}
