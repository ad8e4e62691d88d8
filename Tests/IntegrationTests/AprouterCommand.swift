import Foundation
import Synchronization

/// Runs the `aprouter` binary that `swift build` put beside the test bundle, as a user runs it.
struct AprouterCommand {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Killed after the run's timeout: it hung.
        var timedOut = false
    }

    /// `.build/<configuration>/aprouter`, next to the test runner.
    static var binary: URL {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        // On Linux the runner is `…/debug/AccessPointRouterPackageTests.xctest`; on macOS it is inside a bundle.
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("aprouter")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "aprouter")
    }

    /// Runs `aprouter` to completion. A run still going after `timeout` seconds is killed (SIGKILL) and reported
    /// with `timedOut`, so a command that hangs fails its test instead of stalling the suite.
    static func run(_ arguments: [String], in directory: URL? = nil, timeout: Double = 120) throws -> Output {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let watchdog = Mutex(false)
        DispatchQueue.global().async {
            guard exited.wait(timeout: .now() + timeout) == .timedOut else { return }
            watchdog.withLock { $0 = true }
            kill(process.processIdentifier, SIGKILL)
        }
        // Read before waiting so a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self),
            timedOut: watchdog.withLock { $0 }
        )
    }
}
