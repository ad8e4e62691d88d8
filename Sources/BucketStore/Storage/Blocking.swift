internal import NIOPosix

/// Runs blocking file system calls on NIO's shared thread pool, never on the cooperative pool that serves requests.
enum Blocking {
    /// Runs `body` on a pool thread and returns what it returned.
    ///
    /// Once asked for, the work runs to its end even if the task is cancelled meanwhile. NIO's async `runIfActive`
    /// skips work whose task was cancelled before a thread took it: a request cancelled as its body ended (the server
    /// stopping) lost the sync of its file, and its cleanup too, which left the temporary file behind. A store's
    /// write is a few short steps; the request's cancellation is heard where it waits on its client (the body's read),
    /// not in the middle of them.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withUnsafeThrowingContinuation { continuation in
            NIOThreadPool.singleton.submit { state in
                switch state {
                case .active: continuation.resume(with: Result(catching: body))
                case .cancelled: continuation.resume(throwing: CancellationError())  // the pool is shutting down
                }
            }
        }
    }
}
