import Foundation

/// Runs the third-party programs the tests use as judges (dig, the aws CLI, curl) the way a user would.
///
/// Each run happens on a Dispatch thread: waiting for a process blocks its thread, and blocking one of Swift's
/// cooperative threads (two on these machines) can starve the servers under test that share the pool.
public enum ExternalCommand {
    public struct Output: Sendable {
        public var status: Int32
        /// Standard output and standard error, interleaved as the program wrote them.
        public var text: String
    }

    /// Runs `arguments[0]` found on `PATH` with the rest as its arguments and `environment` added to ours.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(arguments, environment: environment) })
            }
        }
    }

    /// `dig +time=2 +tries=1 ARGUMENTS`, its whole output.
    public static func dig(_ arguments: [String]) async throws -> String {
        try await run(["dig", "+time=2", "+tries=1"] + arguments).text
    }

    private static func runBlocking(_ arguments: [String], environment: [String: String]) throws -> Output {
        let pipe = Pipe()
        let process = BackgroundProcess.makeProcess(
            executable: URL(fileURLWithPath: "/usr/bin/env"),
            arguments: arguments,
            environment: environment,
            output: pipe,
            error: pipe
        )
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self))
    }
}
