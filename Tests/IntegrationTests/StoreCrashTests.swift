import APRouterTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` of `aprouter store serve` in the middle of a write, then a restart on the same directory: the object
/// is the old one or the new one, never a mixture, and what the killed write left in the bucket's `tmp/` is gone
/// once the store has started again. The writes are real clients (`Scripts/crash_load.py`, signed by botocore),
/// the answers are read with the aws CLI and md5sum.
@Suite(.serialized)
struct StoreCrashTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts/crash_load.py").path
    static let environment = [
        "AWS_ACCESS_KEY_ID": DataPlaneTests.accessKey,
        "AWS_SECRET_ACCESS_KEY": DataPlaneTests.secretKey,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    ]
    static let oldText = "the old version of the object\n"
    static let oldETag = #"\"5c2f514455c7138eeec685960d0529ff\""#  // md5sum of oldText, as JSON writes it

    @Test func killedDuringALargePutTheOldObjectStaysAndNoTemporaryFileOutlivesTheRestart() async throws {
        let store = try await RunningStore.start()
        defer {
            _ = store.stop()
            store.remove()
        }
        try await putOldVersion(store, key: "big.bin")
        // 200 MiB announced, sent at 20 MiB/s: the server is killed once 16 MiB of it sit in a temporary file.
        let writer = try BackgroundProcess(
            [
                "python3", Self.script, "put", "--endpoint", store.endpoint, "--bucket", "example-bucket", "--key",
                "big.bin", "--size", "\(200 << 20)", "--rate", "20",
            ],
            environment: Self.environment
        )
        defer { writer.stop(grace: .milliseconds(100)) }
        let caught = await Self.killStore(store, onceATemporaryFileHolds: 16 << 20, within: .seconds(60))
        #expect(caught, "the PUT's body streams into a temporary file: \(writer.output)")
        store.server.process.waitUntilExit()
        #expect(!writer.output.contains("DONE"), "the PUT was cut off: \(writer.output)")
        #expect(!Self.temporaryFiles(store).isEmpty, "the killed PUT left its temporary file behind")

        let restarted = try await RunningStore.start(directory: store.directory)
        defer { _ = restarted.stop() }
        #expect(Self.temporaryFiles(store).isEmpty, "the restart removed every temporary file")
        let read = try await get(restarted, key: "big.bin")
        #expect(read.text.contains(Self.oldETag), "\(read.text)")
        #expect(read.body == Data(Self.oldText.utf8), "the old object, whole")
        let listed = try await aws(restarted, ["s3api", "list-objects-v2", "--bucket", "example-bucket"])
        #expect(listed.text.contains(#""Size": 30"#) && !listed.text.contains("209715200"), "\(listed.text)")
        #expect(restarted.stop() == 0)
    }

    /// When the kill strikes during CompleteMultipartUpload: as soon as the assembled file appears in `tmp/`, or
    /// once it holds all 144 MiB (the fsync and the rename are then under way, so either version may survive).
    enum Strike: String, CaseIterable, Sendable {
        case assemblyStarted, assemblyWritten

        var size: Int { self == .assemblyStarted ? 0 : 3 * (48 << 20) }
    }

    @Test(arguments: Strike.allCases)
    func killedDuringCompleteMultipartUploadTheObjectIsOldOrNewAndNoTemporaryFileRemains(
        _ strike: Strike
    )
        async throws
    {
        let store = try await RunningStore.start()
        defer {
            _ = store.stop()
            store.remove()
        }
        try await putOldVersion(store, key: "assembled.bin")
        // The client waits at COMPLETING until this file exists; the watcher makes it once it is looking, so the
        // assembly cannot start (and end) before anyone watches, however late this task is scheduled.
        let go = store.directory.appendingPathComponent("go").path
        let writer = try BackgroundProcess(
            [
                "python3", Self.script, "multipart", "--endpoint", store.endpoint, "--bucket", "example-bucket",
                "--key", "assembled.bin", "--part-size", "\(48 << 20)", "--parts", "3", "--go-file", go,
            ],
            environment: Self.environment
        )
        defer { writer.stop(grace: .milliseconds(100)) }
        for _ in 0..<12000 where !writer.output.contains("COMPLETING") {
            try await Task.sleep(for: .milliseconds(10))
        }
        let announced = try #require(
            writer.output.split(separator: "\n").first { $0.hasPrefix("COMPLETING") },
            "the parts were uploaded: \(writer.output)"
        ).split(separator: " ").map(String.init)
        // CompleteMultipartUpload assembles the parts into a temporary file, fsyncs and renames it.
        let caught = await Self.killStore(store, onceATemporaryFileHolds: strike.size, within: .seconds(60)) {
            _ = FileManager.default.createFile(atPath: go, contents: nil)
        }
        store.server.process.waitUntilExit()
        // The first strike has a wide window (the whole assembly); the second only the fsync and rename after the
        // last byte, which a quiet machine can finish between two polls (it did, in CI): then the kill comes after
        // the rename, and what follows still requires the old object or the new one, whole, and no temporary file.
        if strike == .assemblyStarted {
            #expect(caught, "the server was killed while CompleteMultipartUpload was writing: \(writer.output)")
        }
        let acknowledged = writer.output.contains("DONE")
        if strike == .assemblyStarted {
            #expect(!acknowledged, "the client never heard of success: \(writer.output)")
        }

        let restarted = try await RunningStore.start(directory: store.directory)
        defer { _ = restarted.stop() }
        #expect(Self.temporaryFiles(store).isEmpty, "the restart removed every temporary file")
        let read = try await get(restarted, key: "assembled.bin")
        if read.text.contains(Self.oldETag) {
            #expect(!acknowledged, "an acknowledged upload survives the crash")
            #expect(read.body == Data(Self.oldText.utf8), "the old object, whole")
        } else {
            #expect(read.text.contains(#"\"\#(announced[2].dropFirst().dropLast())\""#), "\(read.text)")
            let digest = try await ExternalCommand.run(["md5sum", read.path]).text
            #expect(digest.hasPrefix(announced[3]), "the new object, whole: \(digest)")
        }
        #expect(restarted.stop() == 0)
    }

    /// The files in the bucket's temporary area, with their sizes.
    /// Kills the server with SIGKILL as soon as a temporary file of at least `size` bytes appears (true), or after
    /// `within` (false). It looks from a thread of its own, every half millisecond: with the whole suite running,
    /// a task polling on the cooperative threads could wait seconds for its turn, and miss a window of a second.
    /// `watching` runs on that thread after its first look, to let the write begin.
    static func killStore(
        _ store: RunningStore,
        onceATemporaryFileHolds size: Int,
        within limit: Duration,
        watching: @escaping @Sendable () -> Void = {}
    ) async -> Bool {
        let process = store.server.process.processIdentifier
        let tmp = store.directory.appendingPathComponent("data/example-bucket/tmp").path
        return await withCheckedContinuation { continuation in
            Thread {
                let deadline = ContinuousClock.now + limit
                var caught = false
                var looked = false
                while !caught && ContinuousClock.now < deadline {
                    caught = Self.temporaryFiles(in: tmp).contains { $0.size >= size }
                    if !looked {
                        looked = true
                        watching()
                    }
                    if !caught { usleep(500) }
                }
                Glibc.kill(process, SIGKILL)
                continuation.resume(returning: caught)
            }.start()
        }
    }

    static func temporaryFiles(_ store: RunningStore) -> [(name: String, size: Int)] {
        temporaryFiles(in: store.directory.appendingPathComponent("data/example-bucket/tmp").path)
    }

    static func temporaryFiles(in tmp: String) -> [(name: String, size: Int)] {
        guard let names = try? FileManager.default.subpathsOfDirectory(atPath: tmp) else { return [] }
        return names.compactMap { name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: tmp + "/" + name)
            guard attributes?[.type] as? FileAttributeType == .typeRegular else { return nil }
            return (name, (attributes?[.size] as? Int) ?? 0)
        }
    }

    func aws(_ store: RunningStore, _ arguments: [String]) async throws -> ExternalCommand.Output {
        try await ExternalCommand.run(
            ["aws"] + arguments + ["--endpoint-url", store.endpoint, "--output", "json"],
            environment: Self.environment
        )
    }

    func putOldVersion(_ store: RunningStore, key: String) async throws {
        let file = store.directory.appendingPathComponent("old.txt")
        try Self.oldText.write(to: file, atomically: true, encoding: .utf8)
        let put = try await aws(
            store,
            ["s3api", "put-object", "--bucket", "example-bucket", "--key", key, "--body", file.path]
        )
        #expect(put.status == 0 && put.text.contains(Self.oldETag), "\(put.text)")
    }

    /// GetObject with the aws CLI: what it printed, the file it wrote and that file's bytes.
    func get(_ store: RunningStore, key: String) async throws -> (text: String, path: String, body: Data) {
        let path = store.directory.appendingPathComponent("read-back-\(UUID().uuidString)").path
        let output = try await aws(store, ["s3api", "get-object", "--bucket", "example-bucket", "--key", key, path])
        #expect(output.status == 0, "\(output.text)")
        return (output.text, path, (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data())
    }
}
