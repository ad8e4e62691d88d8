import AccessPointCore
import ArgumentParser
import AsyncHTTPClient
import BucketStore
import ControlAPI
import Foundation
import LabPKI
import Logging
import NIOCore
import PrivateDNS
import Registry
import Router
import S3Auth
import S3HTTP
import ServiceLifecycle
import UnixSignals
import UpstreamStore

/// `aprouter serve`: validates the whole configuration and loads every zone before anything binds, then runs
/// the servers in one `ServiceGroup`, stopped in reverse order on SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a lab: the DNS emulator, the HTTPS router with the S3 Control API, and the bucket stores."
    )

    @Option(name: .shortAndLong, help: "The lab file (YAML). Without it, the embedded default lab is used.")
    var config: String?

    @Option(help: "Log level.")
    var logLevel: LogLevel = .info

    @Flag(
        help: "Debug mode: AccessDenied messages name the policy statement (or the missing grant) that decided them."
    )
    var explainDenials = false

    func run() async throws {
        MemoryTuning.apply()
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
        let certificates: LabCertificateMaterial
        do {
            certificates = try LabCertificateStore(directory: lab.certsDir)
                .prepare(for: LabCertificateNames(configuration: lab), now: Date())
        } catch {
            var stderr = StandardError()
            print("error: TLS certificates in \(lab.certsDir): \(error)\nNothing was started.", to: &stderr)
            throw ExitCode(1)
        }
        let table: RouterTable
        do {
            table = try RouterTable(lab: lab).updating(with: snapshot)
        } catch {
            var stderr = StandardError()
            print("error: \(error)\nNothing was started.", to: &stderr)
            throw ExitCode(1)
        }
        // One HTTP client, with its keep-alive pool, for every bucket on an S3-compatible server.
        let upstream = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: UpstreamClientConfiguration(
                connectTimeout: TimeAmount(lab.upstream.connectTimeout),
                readTimeout: TimeAmount(lab.upstream.readTimeout),
                idleConnectionTimeout: TimeAmount(lab.upstream.idleTimeout),
                maximumConnectionsPerHost: lab.upstream.maxConnectionsPerStore
            ).httpClientConfiguration
        )
        let stores: [String: any BucketResponder]
        do {
            stores = try Self.stores(for: lab, upstream: upstream)
        } catch {
            try? await upstream.shutdown()
            var stderr = StandardError()
            print("error: the bucket store in \(lab.stateDir): \(error)\nNothing was started.", to: &stderr)
            throw ExitCode(1)
        }
        let controlConfiguration = ControlAPIConfiguration(
            lab: lab,
            accessPointQuota: lab.quotas.accessPointsPerAccountPerRegion
        )
        let handler = RouterRequestHandler(
            configuration: RouterConfiguration(
                https: lab.listeners.https,
                http: lab.listeners.http,
                certificatePEM: certificates.server.certificatePEM,
                privateKeyPEM: certificates.server.privateKeyPEM,
                classifier: HostClassifier(endpointSuffixes: lab.endpointSuffixes),
                region: lab.region,
                credentials: RouterConfiguration.credentials(of: lab),
                trustedProxies: lab.proxyProtocol.trustedProxies,
                proxy: lab.listeners.proxy,
                endpointSuffixes: lab.endpointSuffixes,
                explainDenials: explainDenials
            ),
            control: ControlAPIResponder(configuration: controlConfiguration, registry: registry),
            table: table,
            stores: stores,
            requestIDs: RandomS3RequestIDGenerator(),
            clock: { AmzDate(secondsSince1970: Int64(Date().timeIntervalSince1970)) }
        )
        let metrics = RouterMetrics()
        let router = RouterServer(handler: handler, metrics: metrics, logger: logger)
        let admin = AdminServer(
            address: lab.listeners.admin,
            metrics: metrics,
            isReady: { router.boundPorts != nil },
            logger: logger
        )
        logger.notice(
            "aprouter \(Aprouter.version): DNS emulator on \(lab.listeners.dns) (UDP and TCP); HTTPS on \(lab.listeners.https) serves the S3 Control API and the access points; plain HTTP on \(lab.listeners.http) refuses every request\(lab.listeners.proxy.map { "; the forward proxy on \($0) tunnels HTTPS to the endpoint hosts" } ?? "")"
        )
        logger.notice("TLS: export AWS_CA_BUNDLE=\(certificates.authorityCertificatePath)")
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: dns),
                    .init(service: ZoneReloadService(dns: dns, logger: logger)),
                    .init(service: SnapshotFeedService(registry: registry, dns: dns, router: handler)),
                    .init(service: router),
                    .init(service: admin),
                    .init(
                        service: TryItService(
                            lab: lab,
                            authorityCertificatePath: certificates.authorityCertificatePath,
                            router: router,
                            dns: dns
                        ),
                        successTerminationBehavior: .ignore
                    ),
                    .init(
                        service: MultiRegionService(
                            processor: MultiRegionOperationProcessor(
                                configuration: controlConfiguration,
                                registry: registry
                            ),
                            logger: logger
                        )
                    ),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            try? await upstream.shutdown()
            throw error
        }
        try await upstream.shutdown()
    }

    /// One store per bucket: the embedded store under `stateDir/buckets` for `store: embedded`, a forwarder for
    /// a bucket on an S3-compatible server.
    static func stores(for lab: LabConfiguration, upstream: HTTPClient) throws -> [String: any BucketResponder] {
        let embeddedNames = lab.buckets.filter { $0.store == .embedded }.map(\.name.rawValue)
        var stores: [String: any BucketResponder] = [:]
        if !embeddedNames.isEmpty {
            let embedded = try EmbeddedBucketStore(directory: lab.stateDir + "/buckets", buckets: embeddedNames)
            for name in embeddedNames { stores[name] = embedded }
        }
        let keys = SigningKeyCache()
        for bucket in lab.buckets {
            if case .remote(let remote) = bucket.store {
                stores[bucket.name.rawValue] = UpstreamBucketStore(store: remote, client: upstream, keyCache: keys)
            }
        }
        return stores
    }
}

/// Feeds every registry change to the data plane as a new immutable snapshot (STYLE §2: the data-plane servers
/// never read the database themselves).
struct SnapshotFeedService: Service {
    let registry: SQLiteRegistry
    let dns: DNSServer
    let router: RouterRequestHandler

    func run() async throws {
        // Not `cancelOnGracefulShutdown()`: its `merge` holds a lock across a suspension, and with NIO's event
        // loops as the concurrency executor the group's cancellation deadlocked on it (a startup error never
        // exited). The stream ends when the task is cancelled.
        await cancelWhenGracefulShutdown {
            for await snapshot in registry.snapshots() {
                dns.update(snapshot)
                router.update(snapshot)
            }
        }
    }
}

/// Finishes asynchronous multi-region requests once they have settled, checking every second.
struct MultiRegionService: Service {
    let processor: MultiRegionOperationProcessor
    let logger: Logger

    func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            do {
                try await processor.processPending()
            } catch {
                logger.error("multi-region requests: \(error)")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Whether the service should stop: cancelled, or the group is shutting down gracefully.
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
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
