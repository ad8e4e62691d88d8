import AccessPointCore
import ArgumentParser
import BucketStore
import ControlAPI
import Foundation
import LabConfigurationLoader
import LabNamespaces
import LabPKI
import Logging
import NIOCore
import NetworkAddressing
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

    @Option(
        help: """
            What serves the HTTPS listener: nio (SwiftNIO, the default) or socket (the socket engine: epoll threads \
            and the system's OpenSSL 3, with the store client on the same threads for http:// stores).
            """
    )
    var engine: EngineOption = .nio

    /// Set by `aprouter lab up`, which made the namespaces: listen on 443, 80 and 53 inside the lab's router
    /// namespace, and resolve endpoint names to the lab's service address.
    @Flag(help: .hidden)
    var networkLab = false

    func run() async throws {
        MemoryTuning.apply()
        ThreadTuning.apply()
        guard var lab = ConfigurationSource.load(config, networkLab: networkLab) else { throw ExitCode(1) }
        // A network lab's resolver is the VPC resolver: names it does not hold go to the host's resolvers unless
        // the lab file names others.
        if networkLab, lab.dns.forwarders == .addresses([]) { lab.dns.forwarders = .host }
        let logger = Logging.makeLogger(level: logLevel.level)
        let inLab: LabListeners?
        do {
            inLab = networkLab ? try LabListeners(lab: lab) : nil
        } catch {
            var stderr = StandardError()
            print("error: \(error)\nNothing was started.", to: &stderr)
            throw ExitCode(1)
        }
        // Out of `lab up`'s session: the terminal's signals are for `lab up`, the servers stop at `lab down`.
        if inLab != nil { _ = setsid() }
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
        let forwarders: [ListenAddress]
        switch LabConfigurationLoader.forwarders(of: lab) {
        case .success(let addresses):
            forwarders = addresses
        case .failure(let problems):
            var stderr = StandardError()
            for problem in problems.errors { print("error: \(problem)", to: &stderr) }
            print("Nothing was started.", to: &stderr)
            throw ExitCode(1)
        }
        let dns: DNSServer
        do {
            var configuration = DNSServerConfiguration(lab: lab, forwarders: forwarders)
            if let inLab {
                configuration.listen = inLab.dns
                configuration.listenNamespace = inLab.namespace
                configuration.routerAddress = .v4(inLab.serviceAddress)
            }
            dns = try DNSServer(configuration: configuration, snapshot: snapshot, logger: logger)
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
        // One client, with a keep-alive pool on each event loop, for every bucket on an S3-compatible server.
        let upstream: StoreClient
        do {
            upstream = try StoreClient(
                configuration: UpstreamClientConfiguration(
                    connectTimeout: TimeAmount(lab.upstream.connectTimeout),
                    readTimeout: TimeAmount(lab.upstream.readTimeout),
                    idleConnectionTimeout: TimeAmount(lab.upstream.idleTimeout),
                    maximumConnectionsPerHost: lab.upstream.maxConnectionsPerStore,
                    caBundle: lab.upstream.caBundle
                )
            )
        } catch {
            var stderr = StandardError()
            let bundle = lab.upstream.caBundle.map { "upstream.caBundle (\($0)): " } ?? ""
            print("error: the bucket stores' HTTPS client: \(bundle)\(error)\nNothing was started.", to: &stderr)
            throw ExitCode(1)
        }
        let stores: [String: any BucketResponder]
        do {
            stores = try Self.stores(for: lab, upstream: upstream)
        } catch {
            await upstream.shutdown()
            var stderr = StandardError()
            print("error: the bucket store in \(lab.stateDir): \(error)\nNothing was started.", to: &stderr)
            throw ExitCode(1)
        }
        let controlConfiguration = ControlAPIConfiguration(
            lab: lab,
            accessPointQuota: lab.quotas.accessPointsPerAccountPerRegion
        )
        var routerConfiguration = RouterConfiguration(
            https: inLab?.https ?? lab.listeners.https,
            http: inLab?.http ?? lab.listeners.http,
            certificatePEM: certificates.server.certificatePEM,
            privateKeyPEM: certificates.server.privateKeyPEM,
            classifier: HostClassifier(endpointSuffixes: lab.endpointSuffixes),
            region: lab.region,
            credentials: RouterConfiguration.credentials(of: lab),
            trustedProxies: lab.proxyProtocol.trustedProxies,
            proxy: lab.listeners.proxy,
            endpointSuffixes: lab.endpointSuffixes,
            explainDenials: explainDenials,
            listenNamespace: inLab?.namespace,
            clients: lab.clients
        )
        routerConfiguration.engine = engine.engine
        let handler = RouterRequestHandler(
            configuration: routerConfiguration,
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
            isReady: { router.boundPorts != nil && dns.boundPort != nil },
            logger: logger
        )
        if let inLab {
            logger.notice(
                "aprouter \(Aprouter.version): network lab: DNS on \(inLab.dns), HTTPS on \(inLab.https), HTTP on \(inLab.http) in namespace \(inLab.namespace); endpoint names resolve to \(inLab.serviceAddress)\(lab.listeners.proxy.map { "; the forward proxy on \($0) (host namespace)" } ?? "")"
            )
        } else {
            logger.notice(
                "aprouter \(Aprouter.version): DNS emulator on \(lab.listeners.dns) (UDP and TCP); HTTPS on \(lab.listeners.https) serves the S3 Control API and the access points; plain HTTP on \(lab.listeners.http) refuses every request\(lab.listeners.proxy.map { "; the forward proxy on \($0) tunnels HTTPS to the endpoint hosts" } ?? "")"
            )
        }
        logger.notice("TLS: export AWS_CA_BUNDLE=\(certificates.authorityCertificatePath)")
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: dns),
            .init(service: ZoneReloadService(dns: dns, logger: logger)),
            .init(service: SnapshotFeedService(registry: registry, dns: dns, router: handler)),
            .init(service: router),
            .init(service: admin),
            .init(
                service: MultiRegionService(
                    processor: MultiRegionOperationProcessor(
                        configuration: controlConfiguration,
                        registry: registry
                    ),
                    logger: logger
                )
            ),
        ]
        if inLab != nil {
            services.append(
                .init(
                    service: LabReadyService(
                        readyFile: NetworkLabHost(prefix: lab.lab.namespacePrefix).readyPath,
                        isReady: { router.boundPorts != nil && dns.boundPort != nil && admin.boundPort != nil }
                    ),
                    successTerminationBehavior: .ignore
                )
            )
        }
        // The try-it block is for the loopback lab; `lab up` prints its own.
        if inLab == nil {
            services.append(
                .init(
                    service: TryItService(
                        lab: lab,
                        authorityCertificatePath: certificates.authorityCertificatePath,
                        router: router,
                        dns: dns
                    ),
                    successTerminationBehavior: .ignore
                )
            )
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            await upstream.shutdown()
            throw error
        }
        await upstream.shutdown()
    }

    /// One store per bucket: the embedded store under `stateDir/buckets` for `store: embedded`, a forwarder for
    /// a bucket on an S3-compatible server.
    static func stores(for lab: LabConfiguration, upstream: StoreClient) throws -> [String: any BucketResponder] {
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
                // A read cut short because the server is stopping is not a failure.
                if Task.isCancelledOrShuttingDown { return }
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

/// Where `aprouter serve --network-lab` listens: the standard ports on every address of the lab's router
/// namespace, which `lab up` made.
struct LabListeners {
    var namespace: NetworkNamespace
    var serviceAddress: AccessPointCore.IPv4Address
    var https = ListenAddress(host: .v4(AccessPointCore.IPv4Address(0)), port: 443)
    var http = ListenAddress(host: .v4(AccessPointCore.IPv4Address(0)), port: 80)
    var dns: ListenAddress

    init(lab: LabConfiguration) throws {
        let topology = try LabTopology(lab)
        namespace = NetworkNamespace(name: topology.routerNamespace)
        serviceAddress = topology.serviceAddress
        // UDP on the service address itself, so answers leave from the address queries were sent to.
        dns = ListenAddress(host: .v4(serviceAddress), port: 53)
    }
}

/// Tells `aprouter lab up` that this server, not another one on the same admin port, has bound every listener:
/// writes its process id to the lab's ready file, which `lab up` waits for.
struct LabReadyService: Service {
    let readyFile: String
    let isReady: @Sendable () -> Bool

    func run() async throws {
        // Bounded by lab up's own timeout: it stops waiting (and stops this server) long before this gives up.
        for _ in 0..<6000 where !Task.isCancelledOrShuttingDown {
            if isReady() {
                try Data("\(getpid())\n".utf8).write(to: URL(fileURLWithPath: readyFile), options: .atomic)
                return
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// `--engine`'s values (`RouterEngine`'s, which the argument parser cannot take directly: it is a public type of
/// another module, and the parser is imported internally).
enum EngineOption: String, CaseIterable, ExpressibleByArgument {
    case nio
    case socket

    var engine: RouterEngine { RouterEngine(rawValue: rawValue)! }
}
