import APRouterTestSupport
import AccessPointCore
import Foundation
import NIOCore
import S3HTTP
import Testing
import UpstreamStore

/// `rclone serve s3` over a temporary folder: the real S3-compatible server the forwarder is judged against.
///
/// Each bucket is a subfolder of the served folder. The lab bucket `lab-bucket` maps to `remote-bucket` upstream,
/// so every test also checks the renaming.
struct RcloneS3Server {
    static let accessKey = "UPSTREAMACCESSKEY"
    static let secretKey = "upstream/secret+KEY"
    static let labBucket = "lab-bucket"
    static let remoteBucket = "remote-bucket"

    let directory: URL
    let port: Int
    let process: BackgroundProcess

    /// The served folder of the remote bucket: what rclone actually stored.
    var bucketDirectory: URL { directory.appendingPathComponent(Self.remoteBucket) }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    func remoteStore(secretKey: String = Self.secretKey, pathStyle: Bool = true) throws -> LabConfiguration.RemoteStore
    {
        try LabConfiguration.RemoteStore(
            endpoint: pathStyle ? endpoint : "http://localhost:\(port)",
            bucket: Self.remoteBucket,
            accessKeyId: Self.accessKey,
            secretAccessKey: secretKey,
            pathStyle: pathStyle,
            region: Region(validating: "us-east-1")
        )
    }

    /// Runs `body` with a fresh server and a store forwarding to it; stops the server, shuts the client down and
    /// removes the folder however `body` ends.
    static func withStore<T>(
        pathStyle: Bool = true,
        _ body: (UpstreamBucketStore, RcloneS3Server) async throws -> T
    ) async throws -> T {
        let server = try await start(pathStyle: pathStyle)
        let client = try StoreClient(configuration: UpstreamClientConfiguration(connectTimeout: .seconds(2)))
        do {
            let result = try await body(
                UpstreamBucketStore(store: try server.remoteStore(pathStyle: pathStyle), client: client),
                server
            )
            await client.shutdown()
            server.stop()
            return result
        } catch {
            await client.shutdown()
            server.stop()
            throw error
        }
    }

    /// - Parameter tls: PEM files of the server's certificate and key, to serve HTTPS instead of HTTP.
    static func start(
        pathStyle: Bool = true,
        tls: (certificate: String, key: String)? = nil
    ) async throws
        -> RcloneS3Server
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent(remoteBucket),
            withIntermediateDirectories: true
        )
        let port = try BackgroundProcess.freeLoopbackPort()
        // Virtual-hosted requests go to `remote-bucket.localhost`, which resolves to ::1 as well as 127.0.0.1.
        let addresses = ["--addr", "127.0.0.1:\(port)"] + (pathStyle ? [] : ["--addr", "[::1]:\(port)"])
        let process = try BackgroundProcess(
            ["rclone", "serve", "s3"] + addresses + [
                "--auth-key", "\(accessKey),\(secretKey)", "--force-path-style=\(pathStyle)", "--log-level", "ERROR",
            ] + (tls.map { ["--cert", $0.certificate, "--key", $0.key] } ?? []) + [directory.path],
            environment: ["RCLONE_CONFIG": "/dev/null"]
        )
        let server = RcloneS3Server(directory: directory, port: port, process: process)
        guard try await process.waitUntilListening(port: port) else {
            server.stop()
            Issue.record("rclone serve s3 did not start listening on \(port): \(process.output)")
            throw CancellationError()
        }
        return server
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
