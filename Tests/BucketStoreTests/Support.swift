import AccessPointCore
import Foundation
import NIOCore
import S3HTTP
import Testing

@testable import BucketStore

/// A store in a fresh temporary directory, with helpers to send it requests and read its answers.
struct StoreFixture {
    static let id = S3RequestID(requestID: "0123456789ABCDEF", hostID: "host-id")

    let root: String
    let directory: String
    let store: EmbeddedBucketStore

    init(buckets: [String] = ["bucket"], now: (@Sendable () -> Int64)? = nil) throws {
        root = NSTemporaryDirectory() + "bucketstore-" + UUID().uuidString
        directory = root + "/store"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        if let now {
            store = try EmbeddedBucketStore(directory: directory, buckets: buckets, now: now)
        } else {
            store = try EmbeddedBucketStore(directory: directory, buckets: buckets)
        }
    }

    /// Another store on the same directory, as after a restart.
    func reopened(buckets: [String] = ["bucket"]) throws -> EmbeddedBucketStore {
        try EmbeddedBucketStore(directory: directory, buckets: buckets)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func send(
        _ method: String,
        _ key: String?,
        query: String = "",
        headers: S3Headers = [:],
        body: S3Body = .empty,
        bucket: String = "bucket",
        to store: EmbeddedBucketStore? = nil
    ) async -> Reply {
        let request = BucketRequest(
            method: method,
            bucket: bucket,
            key: key,
            query: query,
            headers: headers,
            body: body,
            id: Self.id
        )
        return await Reply(await (store ?? self.store).respond(to: request))
    }

    func put(_ key: String, _ content: String, headers: S3Headers = [:]) async -> Reply {
        await send("PUT", key, headers: headers, body: S3Body(string: content))
    }

    func put(_ key: String, bytes: [UInt8], headers: S3Headers = [:]) async -> Reply {
        await send("PUT", key, headers: headers, body: S3Body(ByteBuffer(bytes: bytes)))
    }

    /// CompleteMultipartUpload of `uploadID` with `parts` (number, ETag).
    func complete(_ key: String, uploadID: String, parts: [(Int, String)]) async -> Reply {
        await send("POST", key, query: "uploadId=\(uploadID)", body: MultipartTests.completion(parts))
    }

    /// Every regular file below `path`, relative to it.
    func files(under path: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return [] }
        var files: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(name)
            }
        }
        return files.sorted()
    }
}

/// A response read to the end.
struct Reply {
    var status: Int
    var headers: S3Headers
    var body: [UInt8]
    var chunkCount: Int

    init(_ response: S3Response) async {
        status = response.status
        headers = response.headers
        var bytes: [UInt8] = []
        var chunks = 0
        do {
            for try await chunk in response.body {
                bytes += chunk.readableBytesView
                chunks += 1
            }
        } catch {
            Issue.record("response body failed: \(error)")
        }
        body = bytes
        chunkCount = chunks
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The `<Code>` of an error body.
    var errorCode: String? { values("Code").first }

    /// The text of every `<name>` element, in order (the bodies under test are flat enough for this).
    func values(_ name: String) -> [String] {
        var results: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "<\(name)>") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "</\(name)>") else { break }
            results.append(
                String(rest[..<close.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
                    .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
                    .replacingOccurrences(of: "&gt;", with: ">")
            )
            rest = rest[close.upperBound...]
        }
        return results
    }
}

/// A body stream that yields its chunks, then fails with `error` (nil: ends normally).
struct ScriptedStream: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    var chunks: [[UInt8]]
    var error: (any Error & Sendable)?

    func makeAsyncIterator() -> Iterator { Iterator(chunks: chunks[...], error: error) }

    struct Iterator: AsyncIteratorProtocol {
        var chunks: ArraySlice<[UInt8]>
        var error: (any Error & Sendable)?

        mutating func next() async throws -> ByteBuffer? {
            if let chunk = chunks.popFirst() { return ByteBuffer(bytes: chunk) }
            if let error {
                self.error = nil
                throw error
            }
            return nil
        }
    }
}

struct ConnectionReset: Error {}

/// A whole body that cancels the task reading it as it ends: what a request's task sees when the server is stopped
/// (or its client leaves) while the store writes what it received.
struct CancellingAtTheEndStream: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    var chunks: [[UInt8]]

    func makeAsyncIterator() -> Iterator { Iterator(chunks: chunks[...]) }

    struct Iterator: AsyncIteratorProtocol {
        var chunks: ArraySlice<[UInt8]>

        mutating func next() async throws -> ByteBuffer? {
            if let chunk = chunks.popFirst() { return ByteBuffer(bytes: chunk) }
            withUnsafeCurrentTask { $0?.cancel() }
            return nil
        }
    }
}

func md5Hex(_ bytes: [UInt8]) -> String {
    Hex.encode(Digest.md5(bytes))
}
