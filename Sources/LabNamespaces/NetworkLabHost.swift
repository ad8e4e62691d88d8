public import AccessPointCore
import Foundation

/// Makes and removes a network lab on this host with ip(8) (iproute2, the tool every Linux host has for this;
/// netlink by hand would be a second, less tested implementation of it), and keeps the lab's record under
/// `/run/aprouter/<prefix>/` so `lab down` and `lab exec` find what `lab up` made.
///
/// Everything a lab makes is named `<prefix>-…` (namespaces, `/etc/netns/<prefix>-…`), and a prefix holds no
/// `-`, so removing a lab's things by that pattern never touches another lab's.
public struct NetworkLabHost: Sendable {
    public let prefix: String
    /// Where `ip netns` keeps namespaces, and where `ip netns exec` finds each namespace's own /etc files.
    let namespacesDirectory: String
    let netnsEtcDirectory: String
    public let recordDirectory: String

    public init(prefix: String, runDirectory: String = "/run/aprouter") {
        self.prefix = prefix
        namespacesDirectory = "/run/netns"
        netnsEtcDirectory = "/etc/netns"
        recordDirectory = "\(runDirectory)/\(prefix)"
    }

    public var recordPath: String { "\(recordDirectory)/lab.json" }
    /// Written by the lab's server, with its process id, once every listener is bound.
    public var readyPath: String { "\(recordDirectory)/ready" }

    /// The server's standard output and error while the lab is up.
    public var serverLogPath: String { "\(recordDirectory)/server.log" }

    /// Namespaces of this lab that exist now, made by any run.
    public func existingNamespaces() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: namespacesDirectory)) ?? []
        return names.filter { $0.hasPrefix("\(prefix)-") }.sorted()
    }

    private func existingNetnsDirectories() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: netnsEtcDirectory)) ?? []
        return names.filter { $0.hasPrefix("\(prefix)-") }.sorted()
    }

    /// What is left of an earlier lab with this prefix: a reason to refuse `lab up` until `lab down` ran.
    public func leftovers() -> [String] {
        var found: [String] = []
        if FileManager.default.fileExists(atPath: recordPath) { found.append(recordPath) }
        found += existingNamespaces().map { "network namespace \($0)" }
        found += existingNetnsDirectories().map { "\(netnsEtcDirectory)/\($0)" }
        return found
    }

    /// Makes the namespaces, links, addresses and routes of `topology`, and each segment's `resolv.conf`. On
    /// failure everything made so far is removed again before the error is thrown.
    public func make(_ topology: LabTopology) throws(NetworkLabError) {
        do {
            try FileManager.default.createDirectory(atPath: recordDirectory, withIntermediateDirectories: true)
            for arguments in topology.commands { try Self.ip(arguments) }
            for segment in topology.segments {
                let directory = "\(netnsEtcDirectory)/\(segment.namespace)"
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data(topology.resolvConf.utf8).write(
                    to: URL(fileURLWithPath: "\(directory)/resolv.conf"),
                    options: .atomic
                )
            }
        } catch {
            _ = removeAll()
            if let error = error as? NetworkLabError { throw error }
            throw NetworkLabError(description: "\(error)")
        }
    }

    /// Removes every namespace, `/etc/netns` directory and record of this lab; returns what it removed.
    @discardableResult
    public func removeAll() -> [String] {
        var removed: [String] = []
        for namespace in existingNamespaces() where (try? Self.ip(["netns", "delete", namespace])) != nil {
            removed.append("network namespace \(namespace)")
        }
        for name in existingNetnsDirectories() {
            let path = "\(netnsEtcDirectory)/\(name)"
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        if FileManager.default.fileExists(atPath: recordDirectory),
            (try? FileManager.default.removeItem(atPath: recordDirectory)) != nil
        {
            removed.append(recordDirectory)
        }
        return removed
    }

    /// Runs `ip ARGUMENTS`, throwing with its error output when it fails.
    static func ip(_ arguments: [String]) throws(NetworkLabError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ipPath)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw NetworkLabError(description: "cannot run \(ipPath): \(error)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw NetworkLabError(description: "ip \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }

    /// ip(8) from iproute2, where Debian puts it.
    public static let ipPath: String = {
        for path in ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        return "/usr/sbin/ip"
    }()
}

/// Why a lab could not be made or removed.
public struct NetworkLabError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(description: String) { self.description = description }
}

/// What `lab up` made, for `lab down` and `lab exec`: written to `/run/aprouter/<prefix>/lab.json`.
public struct NetworkLabRecord: Codable, Sendable, Equatable {
    public var prefix: String
    /// Segment name (VPC id or `internet`) → namespace.
    public var segments: [String: String]
    public var routerNamespace: String
    public var serviceAddress: String
    /// The lab CA certificate clients need (`AWS_CA_BUNDLE`).
    public var authorityCertificatePath: String
    /// The server process, once started.
    public var serverPID: Int32?

    public init(
        prefix: String,
        segments: [String: String],
        routerNamespace: String,
        serviceAddress: String,
        authorityCertificatePath: String,
        serverPID: Int32?
    ) {
        self.prefix = prefix
        self.segments = segments
        self.routerNamespace = routerNamespace
        self.serviceAddress = serviceAddress
        self.authorityCertificatePath = authorityCertificatePath
        self.serverPID = serverPID
    }
}

extension NetworkLabHost {
    public func write(_ record: NetworkLabRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(atPath: recordDirectory, withIntermediateDirectories: true)
        try encoder.encode(record).write(to: URL(fileURLWithPath: recordPath), options: .atomic)
    }

    public func readRecord() -> NetworkLabRecord? {
        guard let data = FileManager.default.contents(atPath: recordPath) else { return nil }
        return try? JSONDecoder().decode(NetworkLabRecord.self, from: data)
    }
}
