import AccessPointCore
import NIOCore
import S3HTTP
import Synchronization

/// The client's body as the HTTP client reads it, remembering why it failed if it does.
///
/// When the body throws, the HTTP client aborts the upstream request (the store sees a body shorter than its
/// `Content-Length` and keeps nothing) and reports its own error; the forwarder then asks the recorder what the
/// client did wrong, so the client gets that error rather than a gateway failure.
struct RecordingBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    let body: S3Body
    let recorder: BodyFailureRecorder

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: body.makeAsyncIterator(), recorder: recorder)
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: S3Body.AsyncIterator
        let recorder: BodyFailureRecorder

        mutating func next() async throws -> ByteBuffer? {
            do {
                return try await base.next()
            } catch {
                recorder.record(error)
                throw error
            }
        }
    }
}

/// The first failure of a request body, kept as the `S3Error` the client will see.
final class BodyFailureRecorder: Sendable {
    private let failure = Mutex<S3Error?>(nil)

    /// Keeps `error` unless an earlier one is kept: an `S3Error` as it is, anything else as `IncompleteBody`.
    func record(_ error: any Error) {
        let s3Error = (error as? S3Error) ?? .incompleteBody
        failure.withLock { if $0 == nil { $0 = s3Error } }
    }

    var recorded: S3Error? { failure.withLock { $0 } }
}
