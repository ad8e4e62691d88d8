import APRouterTestSupport
import Foundation
import Testing

/// `rclone serve s3` on a free loopback port, serving one bucket folder: the S3-compatible server behind a lab
/// bucket in the forwarding tests. Stop it (and remove its folder) with `stop()`.
struct RcloneUpstream {
    static let accessKey = "UPSTREAMKEY12345"
    static let secretKey = "upstream-secret-0123456789"

    let directory: URL
    let port: Int
    let process: BackgroundProcess

    /// The served folder of `bucket`: what rclone actually stored.
    let bucketDirectory: URL

    static func start(bucket: String) async throws -> RcloneUpstream {
        let directory = try ConfigCheckTests.temporaryDirectory()
        let bucketDirectory = directory.appendingPathComponent(bucket)
        try FileManager.default.createDirectory(at: bucketDirectory, withIntermediateDirectories: true)
        let port = try BackgroundProcess.freeLoopbackPort()
        let process = try BackgroundProcess(
            [
                "rclone", "serve", "s3", "--addr", "127.0.0.1:\(port)", "--auth-key", "\(accessKey),\(secretKey)",
                "--force-path-style=true", "--log-level", "ERROR", directory.path,
            ],
            environment: ["RCLONE_CONFIG": "/dev/null"]
        )
        let upstream = RcloneUpstream(
            directory: directory,
            port: port,
            process: process,
            bucketDirectory: bucketDirectory
        )
        guard try await process.waitUntilListening(port: port) else {
            upstream.stop()
            Issue.record("rclone serve s3 did not start on \(port): \(process.output)")
            throw CancellationError()
        }
        return upstream
    }

    /// The lab file's `store:` for a bucket on this server.
    func store(bucket: String) -> String {
        #"{endpoint: "http://127.0.0.1:\#(port)", bucket: \#(bucket), accessKeyId: \#(Self.accessKey), "#
            + #"secretAccessKey: \#(Self.secretKey), pathStyle: true}"#
    }

    /// Stops rclone; the folder stays until `remove()`.
    @discardableResult
    func stop() -> Int32 { process.stop() }

    func remove() {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
