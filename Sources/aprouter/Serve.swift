import AccessPointCore
import ArgumentParser
import Logging
import PrivateDNS
import Registry
import ServiceLifecycle
import UnixSignals

/// `aprouter serve`: validates the whole configuration and loads every zone before anything binds, then runs
/// the servers in one `ServiceGroup`, stopped in reverse order on SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the DNS emulator (and, as they land, the HTTPS router and control API) for a lab."
    )

    @Option(name: .shortAndLong, help: "The lab file (YAML). Without it, the embedded default lab is used.")
    var config: String?

    @Option(help: "Log level.")
    var logLevel: LogLevel = .info

    func run() async throws {
        guard let lab = ConfigurationSource.load(config) else { throw ExitCode(1) }
        let logger = Logging.makeLogger(level: logLevel.level)
        let registry: SQLiteRegistry
        let snapshot: AccessPointSnapshot
        do {
            registry = try SQLiteRegistry(stateDirectory: lab.stateDir)
            snapshot = try await registry.snapshot()
        } catch {
            var stderr = StandardError()
            print("error: the registry in \(lab.stateDir): \(error)\nNothing was started.", to: &stderr)
            throw ExitCode(1)
        }
        let dns: DNSServer
        do {
            dns = try DNSServer(configuration: DNSServerConfiguration(lab: lab), snapshot: snapshot, logger: logger)
        } catch {
            var stderr = StandardError()
            print("error: \(error)\nThe zone files must load before aprouter starts; nothing was started.", to: &stderr)
            throw ExitCode(1)
        }
        logger.notice(
            "aprouter \(Aprouter.version): DNS emulator on \(lab.listeners.dns) (UDP and TCP); the HTTPS router and the control API are not built yet"
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: dns),
                    .init(service: ZoneReloadService(dns: dns, logger: logger)),
                    .init(service: SnapshotFeedService(registry: registry, dns: dns)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}

/// Feeds every registry change to the data plane as a new immutable snapshot (STYLE §2: the data-plane servers
/// never read the database themselves).
struct SnapshotFeedService: Service {
    let registry: SQLiteRegistry
    let dns: DNSServer

    func run() async throws {
        for await snapshot in registry.snapshots().cancelOnGracefulShutdown() {
            dns.update(snapshot)
        }
    }
}

/// Reloads the zone files on SIGHUP and when a file in the zone directory changes; a broken file keeps the
/// previous zones serving (the DNS server logs why).
struct ZoneReloadService: Service {
    let dns: DNSServer
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await dns.watchZoneDirectory() }
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) {
                        logger.info("SIGHUP: reloading zone files")
                        dns.reloadZones()
                    }
                }
            }
        }
    }
}

/// `--log-level`, spelled as swift-log spells its levels.
enum LogLevel: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}

enum Logging {
    /// The process's one logger factory: only the executable builds loggers (swift-log's best practice).
    static func makeLogger(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "aprouter")
        logger.logLevel = level
        return logger
    }
}
