import AccessPointCore
import ArgumentParser
import Foundation
import LabNamespaces
import LabPKI

/// `aprouter lab up | down | exec`: the lab as network namespaces, one per VPC and one for the internet, so real
/// clients resolve names through the DNS emulator and reach the router from real source networks. Needs root.
struct Lab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a lab as network namespaces: each VPC and the internet get their own network and resolver.",
        discussion: """
            `lab up` makes the namespaces and starts the servers in the background, listening on ports 443, 80 and \
            53 inside the lab; `lab exec VPC -- COMMAND` runs a command in a VPC (or `internet`); `lab down` \
            stops the servers and removes everything `lab up` made. Without --config, the network form of the \
            default lab is used (VPCs on 198.18.10.0/24 and 198.18.11.0/24, the internet on 198.18.20.0/24). \
            Needs root (CAP_NET_ADMIN); without it, use the forward proxy (listeners.proxy) instead.
            """,
        subcommands: [Up.self, Down.self, Exec.self]
    )

    struct Options: ParsableArguments {
        @Option(name: .shortAndLong, help: "The lab file (YAML). Without it, the default network lab is used.")
        var config: String?

        /// The lab's host side: from the lab file, or the default lab's prefix without one (`lab down` and
        /// `lab exec` need nothing else, so they work from any directory).
        func host() throws -> NetworkLabHost {
            guard config != nil else { return NetworkLabHost(prefix: LabConfiguration.NetworkLab().namespacePrefix) }
            return try load().2
        }

        func load() throws -> (LabConfiguration, LabTopology, NetworkLabHost) {
            guard let lab = ConfigurationSource.load(config, networkLab: true) else { throw ExitCode(1) }
            do {
                let topology = try LabTopology(lab)
                return (lab, topology, NetworkLabHost(prefix: lab.lab.namespacePrefix))
            } catch {
                var stderr = StandardError()
                let problems = config.map { error.inFile($0) } ?? error
                for problem in problems.errors { print("error: \(problem)", to: &stderr) }
                print("The network lab cannot be made from this configuration; nothing was made.", to: &stderr)
                throw ExitCode(1)
            }
        }
    }

    static func requireRoot(_ command: String) throws {
        guard geteuid() == 0 else {
            fail(
                "aprouter lab \(command) needs root (CAP_NET_ADMIN) to manage network namespaces. Without root, "
                    + "clients reach the real hostnames through the forward proxy (listeners.proxy, HTTPS_PROXY)."
            )
        }
    }

    static func fail(_ message: String) -> Never {
        var stderr = StandardError()
        print("error: \(message)", to: &stderr)
        Foundation.exit(1)
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the lab's namespaces and start its servers in the background.",
            discussion: "Refuses to start over what an earlier lab with the same prefix left: run `lab down` first."
        )

        @OptionGroup var options: Options

        @Option(help: "The servers' log level (their log is /run/aprouter/PREFIX/server.log).")
        var logLevel: LogLevel = .info

        @Option(help: "Seconds to wait for the servers to be ready.")
        var timeout: Int = 60

        func run() async throws {
            try Lab.requireRoot("up")
            let (lab, topology, host) = try options.load()
            let leftovers = host.leftovers()
            guard leftovers.isEmpty else {
                Lab.fail(
                    "a lab with prefix '\(host.prefix)' is up or half-made (\(leftovers.joined(separator: ", "))); "
                        + "run `aprouter lab down\(options.config.map { " --config \($0)" } ?? "")` first"
                )
            }
            let authority = LabCertificateStore(directory: lab.certsDir).authorityCertificatePath
            var record = NetworkLabRecord(
                prefix: host.prefix,
                segments: Dictionary(uniqueKeysWithValues: topology.segments.map { ($0.name, $0.namespace) }),
                routerNamespace: topology.routerNamespace,
                serviceAddress: topology.serviceAddress.description,
                authorityCertificatePath: authority,
                serverPID: nil
            )
            do {
                try host.make(topology)
                try host.write(record)
            } catch {
                host.removeAll()
                Lab.fail("\(error)\nNothing was left behind.")
            }
            let server: Process
            do {
                server = try startServer(host: host)
                record.serverPID = server.processIdentifier
                try host.write(record)
            } catch {
                host.removeAll()
                Lab.fail("cannot start the servers: \(error)\nNothing was left behind.")
            }
            if let problem = await waitUntilReady(server, host: host) {
                if server.isRunning { kill(server.processIdentifier, SIGKILL) }
                server.waitUntilExit()
                let log = (try? String(contentsOfFile: host.serverLogPath, encoding: .utf8)) ?? ""
                host.removeAll()
                Lab.fail("\(problem)\nThe server's log:\n\(log.suffix(4000))\nEverything lab up made is removed.")
            }
            print(summary(lab: lab, topology: topology, host: host, authority: authority))
        }

        /// `aprouter serve --network-lab`, detached: its own session, output to the lab's log file.
        private func startServer(host: NetworkLabHost) throws -> Process {
            _ = FileManager.default.createFile(atPath: host.serverLogPath, contents: nil)
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: host.serverLogPath))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            var arguments = ["serve", "--network-lab", "--log-level", logLevel.rawValue]
            if let config = options.config {
                arguments += ["--config", URL(fileURLWithPath: config).standardizedFileURL.path]
            }
            process.arguments = arguments
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = log
            process.standardError = log
            try process.run()
            return process
        }

        /// Nil once this server wrote its process id to the lab's ready file (every listener bound); otherwise why
        /// not. The admin listener's `/ready` would not do: another process may answer on that port.
        private func waitUntilReady(_ server: Process, host: NetworkLabHost) async -> String? {
            let expected = "\(server.processIdentifier)"
            for _ in 0..<(timeout * 20) {
                guard server.isRunning else {
                    return "the server exited with status \(server.terminationStatus) before it was ready"
                }
                let written = (try? String(contentsOfFile: host.readyPath, encoding: .utf8)) ?? ""
                if written.trimmingCharacters(in: .whitespacesAndNewlines) == expected { return nil }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return "the server was not ready after \(timeout) s"
        }

        private func summary(
            lab: LabConfiguration,
            topology: LabTopology,
            host: NetworkLabHost,
            authority: String
        )
            -> String
        {
            var lines = [
                "lab up: \(topology.routerNamespace): router (HTTPS 443, HTTP 80), DNS (53) and control API on \(topology.serviceAddress)"
            ]
            for segment in topology.segments {
                lines.append(
                    "  \(segment.namespace): \(segment.name), \(segment.network), host \(segment.host), resolver \(topology.serviceAddress)"
                )
            }
            let vpc = topology.segments.first { $0.name != LabTopology.internetName }?.name ?? LabTopology.internetName
            let user = lab.accounts.first?.users.first
            lines += [
                "",
                "Try it (lab exec sets AWS_CA_BUNDLE=\(authority)):",
                "  aprouter lab exec \(vpc) -- dig +short \(lab.accounts.first.map { "\($0.id)." } ?? "")s3-control.\(lab.region).amazonaws.com",
            ]
            if let user {
                lines.append(
                    "  export AWS_ACCESS_KEY_ID=\(user.accessKeyId) AWS_SECRET_ACCESS_KEY=<the user's secret> AWS_REGION=\(lab.region)"
                )
                lines.append(
                    "  aprouter lab exec \(vpc) -- aws s3control list-access-points --account-id \(lab.accounts[0].id)"
                )
            }
            lines += ["", "Server log: \(host.serverLogPath). Stop and remove it all: aprouter lab down"]
            return lines.joined(separator: "\n")
        }
    }

    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the lab's servers and remove every namespace and file `lab up` made."
        )

        @OptionGroup var options: Options

        func run() throws {
            try Lab.requireRoot("down")
            let host = try options.host()
            var removed: [String] = []
            if let pid = host.readRecord()?.serverPID, Self.isLabServer(pid) {
                kill(pid, SIGTERM)
                // Bounded: ten seconds for an orderly stop, then SIGKILL.
                for _ in 0..<100 where Self.isLabServer(pid) { usleep(100_000) }
                if Self.isLabServer(pid) { kill(pid, SIGKILL) }
                removed.append("the servers (pid \(pid))")
            }
            removed += host.removeAll()
            if removed.isEmpty {
                print("lab down: nothing of lab '\(host.prefix)' was left")
            } else {
                print("lab down: removed " + removed.joined(separator: ", "))
            }
        }

        /// Whether `pid` is still an `aprouter serve --network-lab` (not a reused process id).
        static func isLabServer(_ pid: Int32) -> Bool {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z ") != true
            else { return false }
            return arguments.contains("serve") && arguments.contains("--network-lab")
        }
    }

    struct Exec: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Run a command inside a VPC's namespace, or the internet's: `aprouter lab exec vpc-1a2b3c -- dig …`.",
            discussion: "The command resolves names through the lab's DNS; AWS_CA_BUNDLE is set to the lab CA."
        )

        @OptionGroup var options: Options

        @Argument(help: "A VPC id of the lab, or `internet`.")
        var segment: String

        @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.")
        var command: [String] = []

        func run() throws {
            try Lab.requireRoot("exec")
            let host = try options.host()
            var command = command
            if command.first == "--" { command.removeFirst() }
            guard !command.isEmpty else { Lab.fail("lab exec: give a command after the VPC, e.g. -- dig example.com") }
            // What lab up made, as it recorded it: the namespaces exist exactly when the record does.
            guard let record = host.readRecord() else {
                Lab.fail("lab exec: no lab '\(host.prefix)' is up; run `aprouter lab up` first")
            }
            guard let namespace = record.segments[segment], host.existingNamespaces().contains(namespace) else {
                let names = record.segments.keys.sorted().joined(separator: ", ")
                Lab.fail("lab exec: '\(segment)' is not a VPC of this lab; choose one of: \(names)")
            }
            // The lab's endpoints all present the lab CA's certificates, and nothing else is reachable in a lab.
            setenv("AWS_CA_BUNDLE", record.authorityCertificatePath, 1)
            let arguments = [NetworkLabHost.ipPath, "netns", "exec", namespace] + command
            var pointers = arguments.map { strdup($0) } + [nil]
            execv(NetworkLabHost.ipPath, &pointers)
            Lab.fail("lab exec: cannot run \(NetworkLabHost.ipPath): \(String(cString: strerror(errno)))")
        }
    }
}
