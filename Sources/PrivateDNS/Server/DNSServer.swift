public import AccessPointCore
import Glibc
public import Logging
import NIOCore
import NIOPosix
import NetworkAddressing
public import ServiceLifecycle
import Synchronization

/// The private-hosted-zone DNS emulator: UDP and TCP on one address, answers chosen by the client's view.
///
/// A `Service`: `run()` binds, serves until graceful shutdown, then closes its listeners. The answer data is
/// one immutable `ViewCatalog`, replaced whole by `update(_:)` (a new registry snapshot) or `reloadZones()`
/// (zone files changed); each query reads the catalog once.
public final class DNSServer: Service, Sendable {
    private struct State {
        var hostedZones: [ViewCatalog.HostedZone]
        var snapshot: AccessPointSnapshot
        var catalog: ViewCatalog
        var boundPort: Int?
    }

    private let configuration: DNSServerConfiguration
    private let synthesis: SynthesizedZones
    private let logger: Logger
    private let state: Mutex<State>
    /// Present when upstream resolvers are configured; shared by the UDP and TCP listeners (and so their cache).
    private let forwarder: DNSForwarder?

    /// Loads every zone file first: a broken zone file stops the server from starting, with file and line.
    public init(
        configuration: DNSServerConfiguration,
        snapshot: AccessPointSnapshot = .empty,
        logger: Logger
    )
        throws(ZoneFileError)
    {
        self.configuration = configuration
        self.logger = logger
        self.synthesis = SynthesizedZones(
            routerAddress: configuration.routerAddress,
            regions: configuration.regions,
            accounts: configuration.accounts
        )
        let zones = try ZoneLoader.load(configuration)
        let catalog = Self.catalog(zones, configuration, synthesis, snapshot)
        self.forwarder = Self.forwarder(configuration, logger: logger)
        self.state = Mutex(State(hostedZones: zones, snapshot: snapshot, catalog: catalog, boundPort: nil))
    }

    static func catalog(
        _ zones: [ViewCatalog.HostedZone],
        _ configuration: DNSServerConfiguration,
        _ synthesis: SynthesizedZones,
        _ snapshot: AccessPointSnapshot
    ) -> ViewCatalog {
        let vpcs = configuration.vpcs.map {
            ViewCatalog.VPC(
                id: $0.id,
                cidrs: $0.cidrs,
                enableDnsSupport: $0.enableDnsSupport,
                enableDnsHostnames: $0.enableDnsHostnames
            )
        }
        return ViewCatalog(
            hostedZones: zones,
            vpcs: vpcs,
            synthesis: synthesis,
            snapshot: snapshot,
            trustedResolvers: configuration.trustedResolvers
        )
    }

    static func forwarder(_ configuration: DNSServerConfiguration, logger: Logger) -> DNSForwarder? {
        let upstreams = configuration.forwarders.compactMap {
            try? SocketAddress(ipAddress: $0.host.description, port: $0.port)
        }
        guard !upstreams.isEmpty else { return nil }
        let timeout = configuration.forwardTimeout.components
        return DNSForwarder(
            upstreams: upstreams,
            timeout: .nanoseconds(timeout.seconds * 1_000_000_000 + timeout.attoseconds / 1_000_000_000),
            maxOutstanding: configuration.maxOutstandingForwards,
            cacheCapacity: max(1, configuration.forwardCacheCapacity),
            logger: logger
        )
    }

    /// Serves `snapshot` from the next query on.
    public func update(_ snapshot: AccessPointSnapshot) {
        let zones = state.withLock { $0.hostedZones }
        let rebuilt = Self.catalog(zones, configuration, synthesis, snapshot)
        state.withLock {
            $0.snapshot = snapshot
            $0.catalog = rebuilt
        }
        logger.debug("dns: serving snapshot", metadata: ["dns.snapshot": "\(snapshot.version)"])
    }

    /// Reads the zone files again. On any error the old zones keep serving and the error is returned (and logged).
    @discardableResult
    public func reloadZones() -> Result<Void, ZoneFileError> {
        do {
            let zones = try ZoneLoader.load(configuration)
            let snapshot = state.withLock { $0.snapshot }
            let catalog = Self.catalog(zones, configuration, synthesis, snapshot)
            state.withLock {
                $0.hostedZones = zones
                $0.catalog = catalog
            }
            logger.info("dns: zones reloaded", metadata: ["dns.zones": "\(zones.count)"])
            return .success(())
        } catch {
            logger.error("dns: reload failed, the previous zones keep serving", metadata: ["error": "\(error)"])
            return .failure(error)
        }
    }

    /// Reloads the zones whenever a file in the zone directory changes, checking every `interval`, until the
    /// calling task is cancelled. A broken edit keeps the previous zones serving (see `reloadZones()`).
    public func watchZoneDirectory(every interval: Duration = .seconds(1)) async {
        var last = ZoneDirectoryFingerprint(directory: configuration.zonesDirectory)
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let current = ZoneDirectoryFingerprint(directory: configuration.zonesDirectory)
            guard current != last else { continue }
            last = current
            logger.info(
                "dns: a zone file changed, reloading",
                metadata: ["dns.zones_dir": "\(configuration.zonesDirectory)"]
            )
            reloadZones()
        }
    }

    /// The port UDP and TCP are bound to, once `run()` has bound them.
    public var boundPort: Int? { state.withLock { $0.boundPort } }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let host = configuration.listen.host.description
        let idle = TimeAmount.seconds(configuration.tcpIdleTimeoutSeconds)
        func bindUDP() throws -> DNSUDPLoop {
            // No SO_REUSEADDR on UDP: on Linux it would let a second server share the port and split the queries.
            let descriptor = try Self.datagramSocket(configuration.listen, in: configuration.listenNamespace)
            return try DNSUDPLoop(
                socket: descriptor,
                currentResponder: { [self] in self.responder() },
                forwarder: forwarder,
                eventLoops: group
            )
        }
        func bindTCP(port: Int) async throws -> any Channel {
            try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // Forwarded answers come later: a client that half-closes after its queries still gets them.
                .childChannelOption(.allowRemoteHalfClosure, value: forwarder != nil)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                        try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler())
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(DNSTCPFrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(
                            DNSTCPHandler(currentResponder: { self.responder() }, forwarder: forwarder)
                        )
                    }
                }
                .bind(ListenAddress(host: configuration.listen.host, port: port), in: configuration.listenNamespace)
        }
        // With port 0, UDP takes the kernel's pick and TCP must then get the same number, which may be taken on
        // TCP (another program's server or client): then both are let go and tried again with a new pick.
        let attempts = configuration.listen.port == 0 ? 16 : 1
        var bound: (udp: DNSUDPLoop, tcp: any Channel, port: Int)?
        for attempt in 1...attempts where bound == nil {
            let udp: DNSUDPLoop
            do {
                udp = try bindUDP()
            } catch {
                throw DNSServerError.cannotListen("UDP \(configuration.listen): \(error)")
            }
            let port = udp.localPort ?? configuration.listen.port
            do {
                bound = (udp, try await bindTCP(port: port), port)
            } catch {
                udp.close()
                if attempt == attempts { throw DNSServerError.cannotListen("TCP \(host):\(port): \(error)") }
            }
        }
        guard let (udp, tcp, port) = bound else { throw DNSServerError.cannotListen("\(configuration.listen)") }
        // UDP is answered on a thread of its own (see `DNSUDPLoop`), which blocks in recvmmsg. The loop is handed to
        // it here, not from a child task, so that answering never waits for a thread of the cooperative pool.
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let answering = thread.runIfActive(eventLoop: group.next()) { udp.run() }
        defer { udp.close() }
        state.withLock { $0.boundPort = port }
        logger.info(
            "dns: listening",
            metadata: [
                "dns.address": "\(host)", "dns.port": "\(port)",
                "dns.forwarders": "\(configuration.forwarders.map(\.description))",
            ]
        )
        do {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask {
                        // Returns once the loop has seen the stop request, on graceful shutdown or cancellation.
                        try await withTaskCancellationHandler {
                            try await answering.get()
                        } onCancel: {
                            udp.stop()
                        }
                    }
                    group.addTask {
                        try await withTaskCancellationHandler {
                            try await tcp.closeFuture.get()
                        } onCancel: {
                            tcp.close(promise: nil)
                        }
                    }
                }
            } onGracefulShutdown: {
                udp.stop()
                tcp.close(promise: nil)
            }
        } catch {
            udp.stop()
            try? await thread.shutdownGracefully()
            throw error
        }
        try await thread.shutdownGracefully()
    }

    /// A UDP socket bound to `address`, in `namespace` when one is given (the network lab's router namespace).
    static func datagramSocket(_ address: ListenAddress, in namespace: NetworkNamespace?) throws -> CInt {
        if let namespace { return try namespace.boundSocket(.datagram, at: address) }
        let socketAddress = try SocketAddress(ipAddress: address.host.description, port: address.port)
        let descriptor = Glibc.socket(
            socketAddress.protocol.rawValue,
            CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue),
            0
        )
        guard descriptor >= 0 else {
            throw DNSServerError(description: "cannot make a UDP socket: \(String(cString: strerror(errno)))")
        }
        let result = socketAddress.withSockAddr { Glibc.bind(descriptor, $0, socklen_t($1)) }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw DNSServerError(description: "cannot bind \(address): \(reason)")
        }
        return descriptor
    }

    private func responder() -> Responder {
        Responder(catalog: state.withLock { $0.catalog }, forwards: forwarder != nil)
    }
}

/// Why the DNS server stopped or could not start.
public struct DNSServerError: Error, CustomStringConvertible {
    public let description: String

    init(description: String) { self.description = description }

    static func cannotListen(_ detail: String) -> DNSServerError {
        DNSServerError(description: "the DNS server cannot listen on \(detail)")
    }
}

extension ServerBootstrap {
    /// Binds `address`, in `namespace` when one is given (the network lab's router namespace).
    fileprivate func bind(_ address: ListenAddress, in namespace: NetworkNamespace?) async throws -> any Channel {
        guard let namespace else { return try await bind(host: address.host.description, port: address.port).get() }
        return try await withBoundSocket(try namespace.boundSocket(.stream(backlog: 256), at: address)).get()
    }
}
