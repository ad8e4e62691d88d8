internal import NIOPosix

/// Runs blocking file system calls on NIO's shared thread pool, never on the cooperative pool that serves requests.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
