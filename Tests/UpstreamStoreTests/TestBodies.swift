import AccessPointCore
import Crypto
import Foundation
import NIOCore
import S3HTTP

/// Deterministic bytes generated chunk by chunk, so a large upload never exists whole in memory.
///
/// With `failingAfter`, the stream throws `failure` once that many chunks went out, as a client body whose payload
/// hash turned out wrong does.
struct GeneratedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    var chunks: Int
    var chunkSize: Int
    var seed: UInt8 = 7
    var failingAfter: Int?
    var failure: any Error & Sendable = S3Error.xAmzContentSHA256Mismatch

    var length: Int { chunks * chunkSize }

    var s3Body: S3Body { S3Body(length: length, stream: self) }

    /// The SHA-256 of every byte the stream yields when it does not fail.
    var sha256: SHA256.Digest {
        var hasher = SHA256()
        for index in 0..<chunks { hasher.update(data: Self.chunk(index, size: chunkSize, seed: seed)) }
        return hasher.finalize()
    }

    static func chunk(_ index: Int, size: Int, seed: UInt8) -> [UInt8] {
        var state = UInt32(truncatingIfNeeded: index &* 2_654_435_761) ^ UInt32(seed)
        return (0..<size).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }

    struct AsyncIterator: AsyncIteratorProtocol {
        let body: GeneratedBody
        var next = 0

        mutating func next() async throws -> ByteBuffer? {
            if let failingAfter = body.failingAfter, next == failingAfter { throw body.failure }
            guard next < body.chunks else { return nil }
            defer { next += 1 }
            // Yield to the scheduler so the upload really is spread over many writes.
            await Task.yield()
            return ByteBuffer(bytes: GeneratedBody.chunk(next, size: body.chunkSize, seed: body.seed))
        }
    }
}

extension S3Body {
    /// The SHA-256 and length of the body, read as it streams.
    func sha256() async throws -> (digest: SHA256.Digest, count: Int) {
        var hasher = SHA256()
        var count = 0
        for try await chunk in self {
            chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            count += chunk.readableBytes
        }
        return (hasher.finalize(), count)
    }

    /// A small body as text.
    func text() async throws -> String {
        let bytes = try await collectedBytes(upTo: 1 << 20)
        return String(decoding: bytes ?? [], as: UTF8.self)
    }
}

/// The text of the first `<tag>…</tag>` in `xml`.
func xmlValue(_ tag: String, in xml: String) -> String? {
    guard let start = xml.range(of: "<\(tag)>"),
        let end = xml.range(of: "</\(tag)>", range: start.upperBound..<xml.endIndex)
    else { return nil }
    return String(xml[start.upperBound..<end.lowerBound])
}

/// The text of every `<tag>…</tag>` in `xml`, in order.
func xmlValues(_ tag: String, in xml: String) -> [String] {
    var values: [String] = []
    var rest = xml[...]
    while let start = rest.range(of: "<\(tag)>"),
        let end = rest.range(of: "</\(tag)>", range: start.upperBound..<rest.endIndex)
    {
        values.append(String(rest[start.upperBound..<end.lowerBound]))
        rest = rest[end.upperBound...]
    }
    return values
}
