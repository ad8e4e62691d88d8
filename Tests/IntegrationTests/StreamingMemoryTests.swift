import APRouterTestSupport
import Foundation
import Testing

/// Objects stream through the router: a 2 GiB PUT and GET through an access point must not grow the server's
/// resident memory by more than 64 MiB (issue 7). curl sends the body in one request (no multipart), so the whole
/// object passes through one request's body stream; the server's VmRSS is sampled while it does.
@Suite(.serialized)
struct StreamingMemoryTests {
    static let size: Int64 = 2 << 30
    static let allowedGrowth: Int64 = 64 << 20

    /// The resident set of `pid` in bytes, from /proc.
    static func residentBytes(_ pid: Int32) -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return line.split(separator: " ").compactMap { Int64($0) }.first.map { $0 * 1024 }
    }

    @Test func twoGibibytesInAndOutInBoundedMemory() async throws {
        let lab = try await DataPlaneTests.Lab.start()
        defer { _ = lab.stop() }
        let created = try await lab.control(["create-access-point", "--name", "data-ap", "--bucket", "example-bucket"])
        #expect(created.status == 0, "\(created.text)")
        // A sparse file: 2 GiB of zeros that cost no disk to read.
        let source = lab.directory.appendingPathComponent("big.bin")
        #expect(FileManager.default.createFile(atPath: source.path, contents: nil))
        let handle = try FileHandle(forWritingTo: source)
        try handle.truncate(atOffset: UInt64(Self.size))
        try handle.close()

        let pid = lab.server.process.processIdentifier
        let baseline = try #require(Self.residentBytes(pid))
        let peak = PeakSampler(pid: pid)
        let sampling = Task { await peak.run() }
        let host = "data-ap-123456789012.s3.lab.localhost"
        let common = [
            "curl", "-s", "--cacert", lab.ca, "--resolve", "\(host):\(lab.ports.https):127.0.0.1",
            "--aws-sigv4", "aws:amz:us-west-2:s3", "--user", "\(DataPlaneTests.accessKey):\(DataPlaneTests.secretKey)",
            "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "-w", "%{http_code} %{size_upload} %{size_download}",
        ]
        let put = try await ExternalCommand.run(
            common + ["-T", source.path, "https://\(host):\(lab.ports.https)/big.bin"]
        ).text
        #expect(put.hasSuffix("200 \(Self.size) 0"), "\(put)")
        let afterPut = await peak.highest
        let get = try await ExternalCommand.run(
            common + ["-o", "/dev/null", "https://\(host):\(lab.ports.https)/big.bin"]
        ).text
        #expect(get == "200 0 \(Self.size)", "\(get)")
        sampling.cancel()
        let highest = await peak.highest
        let growth = max(highest, Self.residentBytes(pid) ?? 0) - baseline
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let details = status.split(separator: "\n").filter { $0.hasPrefix("Rss") || $0.hasPrefix("VmHWM") }
        #expect(
            growth <= Self.allowedGrowth,
            "resident memory grew by \(growth >> 20) MiB (from \(baseline >> 20) MiB, peak \(highest >> 20) MiB) moving 2 GiB each way (peak \(afterPut >> 20) MiB by the end of the PUT); \(details)"
        )
        #expect(lab.stop() == 0)
    }
}

/// `aprouter store serve` streams like the router: a 1 GiB PUT and GET in one request each (curl, SigV4 with
/// `UNSIGNED-PAYLOAD`, path-style over plain HTTP) within the same 64 MiB of growth.
@Suite(.serialized)
struct StoreStreamingMemoryTests {
    static let size: Int64 = 1 << 30

    @Test func oneGibibyteInAndOutOfStoreServeInBoundedMemory() async throws {
        let store = try await RunningStore.start()
        defer {
            _ = store.stop()
            store.remove()
        }
        let source = store.directory.appendingPathComponent("big.bin")
        #expect(FileManager.default.createFile(atPath: source.path, contents: nil))
        let handle = try FileHandle(forWritingTo: source)
        try handle.truncate(atOffset: UInt64(Self.size))
        try handle.close()

        let pid = store.server.process.processIdentifier
        let baseline = try #require(StreamingMemoryTests.residentBytes(pid))
        let peak = PeakSampler(pid: pid)
        let sampling = Task { await peak.run() }
        let common = [
            "curl", "-s", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user",
            "\(DataPlaneTests.accessKey):\(DataPlaneTests.secretKey)", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
            "-w", "%{http_code} %{size_upload} %{size_download}",
        ]
        let put = try await ExternalCommand.run(
            common + ["-T", source.path, "\(store.endpoint)/example-bucket/big.bin"]
        )
        .text
        #expect(put.hasSuffix("200 \(Self.size) 0"), "\(put)")
        let get = try await ExternalCommand.run(
            common + ["-o", "/dev/null", "\(store.endpoint)/example-bucket/big.bin"]
        ).text
        #expect(get == "200 0 \(Self.size)", "\(get)")
        sampling.cancel()
        let highest = max(await peak.highest, StreamingMemoryTests.residentBytes(pid) ?? 0)
        #expect(
            highest - baseline <= StreamingMemoryTests.allowedGrowth,
            "resident memory grew by \((highest - baseline) >> 20) MiB (from \(baseline >> 20) MiB) moving 1 GiB each way"
        )
        #expect(store.stop() == 0)
    }
}

/// Samples a process's resident set every 20 ms and keeps the highest value.
actor PeakSampler {
    let pid: Int32
    private(set) var highest: Int64 = 0

    init(pid: Int32) { self.pid = pid }

    func run() async {
        // Bounded: at most 10 minutes of samples.
        for _ in 0..<30_000 {
            if Task.isCancelled { return }
            if let bytes = StreamingMemoryTests.residentBytes(pid) { highest = max(highest, bytes) }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
