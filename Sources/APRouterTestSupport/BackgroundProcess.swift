public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A third-party server a test runs beside itself (`rclone serve s3`, …): started from `PATH`, awaited until it
/// accepts TCP connections, and stopped by the test.
///
/// Its standard output and error are collected so a failing test can show them. Readiness is polled with a
/// bounded number of connection attempts rather than a sleep; stopping sends SIGTERM and reaps the process.
public final class BackgroundProcess: Sendable {
    /// The running process, for tests that signal it themselves (`kill -9`) or read its pid.
    public let process: Process
    private let log = CollectedOutput()

    /// Starts `arguments[0]`, found on `PATH`, with the rest as its arguments and `environment` added to ours.
    public convenience init(_ arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: arguments, environment: environment)
    }

    /// Starts `executable` with `arguments`, `environment` added to ours, in `directory` (ours if nil). Standard
    /// error is collected, and standard output too unless `collectsStandardOutput` is false.
    public init(
        executable: URL,
        arguments: [String],
        environment: [String: String] = [:],
        directory: URL? = nil,
        collectsStandardOutput: Bool = true
    ) throws {
        let pipe = Pipe()
        let process = Self.makeProcess(
            executable: executable,
            arguments: arguments,
            environment: environment,
            output: collectsStandardOutput ? pipe : FileHandle.nullDevice,
            error: pipe
        )
        process.currentDirectoryURL = directory
        self.process = process
        pipe.fileHandleForReading.readabilityHandler = { [log] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            log.append(text)
        }
        try process.run()
    }

    /// A process set up as every test runs one: our environment with `environment` added, no standard input.
    static func makeProcess(
        executable: URL,
        arguments: [String],
        environment: [String: String],
        output: Any,
        error: Any
    ) -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        return process
    }

    /// Everything the process wrote so far.
    public var output: String { log.text }

    public var isRunning: Bool { process.isRunning }

    /// Waits until `host:port` accepts a TCP connection: true once it does, false when the process exited first or
    /// `attempts` tries 20 ms apart all failed.
    public func waitUntilListening(host: String = "127.0.0.1", port: Int, attempts: Int = 500) async throws -> Bool {
        for _ in 0..<attempts {
            if Self.accepts(host: host, port: port) { return true }
            if !process.isRunning { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Sends SIGTERM if it still runs, then SIGKILL if it has not exited within `grace`, waits for it to exit, and
    /// returns its termination status.
    ///
    /// The child inherits the test runner's blocked signals, SIGTERM among them; a Go program (rclone) unblocks
    /// them itself, but a Python one never sees the SIGTERM, hence the SIGKILL.
    @discardableResult
    public func stop(grace: Duration = .seconds(5)) -> Int32 {
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + grace
            while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A TCP port on 127.0.0.1 that is free now, for servers that cannot report the port they bound.
    ///
    /// Ports come from below the kernel's ephemeral range (32768–60999 by default) and are never handed out twice
    /// in one test process. The kernel's own pick for port 0 would not do: a server started at the same time by
    /// another test binds port 0 too, may be given the same port before this one binds it, and the test then talks
    /// to the wrong server (it happened: rclone's port answered by a router's plain-HTTP listener).
    public static func freeLoopbackPort() throws -> Int {
        for _ in 0..<PortAllocator.range.count {
            let port = PortAllocator.next()
            if canBind(port: port) { return port }
        }
        throw POSIXError(.EADDRINUSE)
    }

    /// Whether 127.0.0.1:`port` can be bound now.
    private static func canBind(port: Int) -> Bool {
        let fd = socket(AF_INET, Self.streamType, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Whether a TCP connection to `host:port` (an IPv4 address) succeeds now.
    private static func accepts(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Self.streamType, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return false }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    #else
    private static let streamType = SOCK_STREAM
    #endif
}

/// Hands out the ports of `range` in turn from a random start, so that parallel tests (and two test runs) rarely
/// meet.
private enum PortAllocator {
    static let range = 20_000..<32_000
    private static let cursor = Mutex(Int.random(in: range))

    static func next() -> Int {
        cursor.withLock { cursor in
            let port = cursor
            cursor = cursor + 1 == range.upperBound ? range.lowerBound : cursor + 1
            return port
        }
    }
}

/// Text a pipe's handler thread appends and the test reads.
private final class CollectedOutput: Sendable {
    private let storage = Mutex("")

    func append(_ text: String) { storage.withLock { $0 += text } }
    var text: String { storage.withLock { $0 } }
}
