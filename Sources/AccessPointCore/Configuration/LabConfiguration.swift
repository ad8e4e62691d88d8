/// The lab: accounts and their users, VPCs and their networks, buckets and where they are stored, hosted zones,
/// and where the servers listen. Decoded from YAML by `LabConfiguration(decoding:)` and checked as a whole by
/// `validate()` before anything binds a socket; `LabConfiguration.embeddedDefault` is the lab `make run` uses.
///
/// Every key is documented in README.md's configuration reference, in the same order as here.
public struct LabConfiguration: Sendable, Equatable {
    /// The region of the control endpoint and the default region of VPCs and buckets.
    public var region: Region
    /// Domains under which the endpoint hosts live (`amazonaws.com` and lab suffixes such as `lab.localhost`).
    public var endpointSuffixes: [String]
    public var listeners: Listeners
    public var proxyProtocol: ProxyProtocol
    public var dns: DNS
    /// Durable state (the registry database, the embedded store's objects), relative to the configuration file.
    public var stateDir: String
    /// TLS material; generated there on first run when empty.
    public var certsDir: String
    /// Zone files named by `hostedZones[].file`.
    public var zonesDir: String
    public var accounts: [Account]
    public var vpcs: [VPC]
    /// Source networks that stand for hosts on the internet, outside every VPC (used by the network lab).
    public var internet: Internet
    public var buckets: [Bucket]
    public var hostedZones: [HostedZone]
    public var quotas = Quotas()
    public var clients = Clients()
    public var upstream = Upstream()
    /// How `aprouter lab up` builds the network lab (namespace names, the service address).
    public var lab = NetworkLab()

    /// How long the router waits on its clients: the connections of the HTTPS, plain-HTTP and forward-proxy
    /// listeners. A connection that sits idle, or a request that stalls, would otherwise hold its socket for ever.
    public struct Clients: Sendable, Equatable {
        /// How long a kept-alive connection may wait for its next request (or a new one for its first) before
        /// it is closed.
        public var idleTimeout: Duration
        /// How long the rest of a request's head or body may take to arrive after its last bytes did: then the
        /// request is answered 400 RequestTimeout and the connection closed.
        public var readTimeout: Duration

        public init(idleTimeout: Duration = .seconds(60), readTimeout: Duration = .seconds(60)) {
            self.idleTimeout = idleTimeout
            self.readTimeout = readTimeout
        }
    }

    /// How the router talks to buckets on S3-compatible servers: keep-alive pools on each event loop.
    public struct Upstream: Sendable, Equatable {
        /// How long connecting (TCP and TLS) may take before the request answers 503.
        public var connectTimeout: Duration
        /// How long a store may stay silent while a response is awaited or read.
        public var readTimeout: Duration
        /// How long an idle kept-alive connection stays open.
        public var idleTimeout: Duration
        /// Connections per store host and event loop; requests beyond them wait for one.
        public var maxConnectionsPerStore: Int
        /// A PEM file of CA certificates to trust for `https` store endpoints besides the system's (a MinIO with
        /// a private CA); nil for the system's trust store alone. Relative to the lab file's folder.
        public var caBundle: String?

        public static let connectionsRange = 1...1024
        /// Timeouts from a millisecond to a day.
        public static let timeoutRange = Duration.milliseconds(1)...Duration.seconds(86_400)

        public init(
            connectTimeout: Duration = .seconds(5),
            readTimeout: Duration = .seconds(60),
            idleTimeout: Duration = .seconds(60),
            maxConnectionsPerStore: Int = 16,
            caBundle: String? = nil
        ) {
            self.connectTimeout = connectTimeout
            self.readTimeout = readTimeout
            self.idleTimeout = idleTimeout
            self.maxConnectionsPerStore = maxConnectionsPerStore
            self.caBundle = caBundle
        }

        /// `500ms`, `5s`, `2m`, or a bare number of seconds.
        public static func duration(_ text: String) -> Duration? {
            let units: [(suffix: String, milliseconds: Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
            for unit in units where text.hasSuffix(unit.suffix) {
                guard let value = Int64(text.dropLast(unit.suffix.count)), value >= 0 else { return nil }
                let (product, overflow) = value.multipliedReportingOverflow(by: unit.milliseconds)
                return overflow ? nil : .milliseconds(product)
            }
            guard let seconds = Int64(text), seconds >= 0, seconds <= 86_400 else { return nil }
            return .seconds(seconds)
        }
    }

    /// Service quotas the control API enforces.
    public struct Quotas: Sendable, Equatable {
        /// The quota's range: at least one; AWS's current quota is 10,000, and a lab may go higher for load
        /// tests, but not without bound.
        public static let accessPointsRange = 1...1_000_000

        /// Access points per account per region (spec §3: 1,000 as the seed says; AWS's current 10,000 is
        /// settable). CreateAccessPoint beyond it fails with `TooManyAccessPoints`.
        public var accessPointsPerAccountPerRegion: Int

        public init(accessPointsPerAccountPerRegion: Int = 1000) {
            self.accessPointsPerAccountPerRegion = accessPointsPerAccountPerRegion
        }
    }

    public struct Listeners: Sendable, Equatable {
        public var https: ListenAddress
        public var http: ListenAddress
        public var dns: ListenAddress
        public var admin: ListenAddress
        /// The HTTP CONNECT forward proxy for clients given `HTTPS_PROXY`: it tunnels port 443 of the endpoint
        /// hosts to the router in-process and refuses everything else. Off unless set; the embedded default lab
        /// sets it.
        public var proxy: ListenAddress?

        public init(
            https: ListenAddress,
            http: ListenAddress,
            dns: ListenAddress,
            admin: ListenAddress,
            proxy: ListenAddress? = nil
        ) {
            self.https = https
            self.http = http
            self.dns = dns
            self.admin = admin
            self.proxy = proxy
        }
    }

    public struct ProxyProtocol: Sendable, Equatable {
        /// Peers allowed to send a PROXY protocol v1/v2 header; a header from anyone else is a protocol error.
        public var trustedProxies: [CIDRBlock]

        public init(trustedProxies: [CIDRBlock]) {
            self.trustedProxies = trustedProxies
        }
    }

    public struct DNS: Sendable, Equatable {
        /// Resolvers allowed to choose a client's view with EDNS Client Subnet (RFC 7871), for labs that put a
        /// caching resolver in front. From anyone else ECS is ignored, so no client can pick another VPC's view.
        public var trustedResolvers: [CIDRBlock]
        /// Where names outside every zone of a client's view are resolved, as the VPC resolver does; with none
        /// (the default) the server is authoritative only and such questions get REFUSED.
        public var forwarders: Forwarders
        /// How long one forwarder has to answer before the next is tried (the last one failing: SERVFAIL).
        public var forwardTimeout: Duration

        /// The range `forwardTimeout` must be in.
        public static let forwardTimeoutRange = Duration.milliseconds(10)...Duration.seconds(60)

        public init(
            trustedResolvers: [CIDRBlock],
            forwarders: Forwarders = .addresses([]),
            forwardTimeout: Duration = .seconds(2)
        ) {
            self.trustedResolvers = trustedResolvers
            self.forwarders = forwarders
            self.forwardTimeout = forwardTimeout
        }

        /// The upstream resolvers of `dns.forwarders`.
        public enum Forwarders: Sendable, Equatable {
            /// These resolvers, tried in order.
            case addresses([ListenAddress])
            /// The nameservers of the host's `/etc/resolv.conf`, read when the server starts (the I/O layer's
            /// job: this core reads no files).
            case host

            /// The port a forwarder written without one uses.
            public static let defaultPort = 53

            /// A forwarder as written in the lab file: `192.0.2.53`, `192.0.2.53:5353`, `[::1]:53`, `[::1]` or
            /// `::1` (port 53 unless given).
            public static func address(_ text: String) -> ListenAddress? {
                if let host = IPAddress(text) { return ListenAddress(host: host, port: defaultPort) }
                if text.hasPrefix("["), text.hasSuffix("]"), let host = IPAddress(text.dropFirst().dropLast()),
                    case .v6 = host
                {
                    return ListenAddress(host: host, port: defaultPort)
                }
                guard let address = ListenAddress(text), address.port != 0 else { return nil }
                return address
            }
        }
    }

    public struct Account: Sendable, Equatable {
        public var id: AccountID
        public var users: [User]

        public init(id: AccountID, users: [User]) {
            self.id = id
            self.users = users
        }
    }

    public struct User: Sendable, Equatable {
        public var name: String
        public var accessKeyId: String
        public var secretAccessKey: String
        /// The user's identity policy as JSON text; nil means none (the account's own resources still allow it
        /// through the evaluation model's owner rule, spec §4.1).
        public var policy: String?

        public init(name: String, accessKeyId: String, secretAccessKey: String, policy: String?) {
            self.name = name
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.policy = policy
        }
    }

    public struct VPC: Sendable, Equatable {
        public var id: String
        public var region: Region
        public var cidrs: [CIDRBlock]
        public var enableDnsSupport: Bool
        public var enableDnsHostnames: Bool
        /// The S3 gateway endpoint of this VPC, if it has one.
        public var endpoint: VPCEndpoint?

        public init(
            id: String,
            region: Region,
            cidrs: [CIDRBlock],
            enableDnsSupport: Bool,
            enableDnsHostnames: Bool,
            endpoint: VPCEndpoint?
        ) {
            self.id = id
            self.region = region
            self.cidrs = cidrs
            self.enableDnsSupport = enableDnsSupport
            self.enableDnsHostnames = enableDnsHostnames
            self.endpoint = endpoint
        }
    }

    public struct VPCEndpoint: Sendable, Equatable {
        public var id: String
        /// JSON text; nil means the default endpoint policy, full access.
        public var policy: String?

        public init(id: String, policy: String?) {
            self.id = id
            self.policy = policy
        }
    }

    public struct Internet: Sendable, Equatable {
        public var cidrs: [CIDRBlock]

        public init(cidrs: [CIDRBlock]) {
            self.cidrs = cidrs
        }
    }

    public struct Bucket: Sendable, Equatable {
        public var name: BucketName
        public var account: AccountID
        public var region: Region
        public var policy: String?
        public var store: Store

        public init(name: BucketName, account: AccountID, region: Region, policy: String?, store: Store) {
            self.name = name
            self.account = account
            self.region = region
            self.policy = policy
            self.store = store
        }
    }

    /// Where a bucket's objects live.
    public enum Store: Sendable, Equatable {
        /// The embedded file-backed store under `stateDir`.
        case embedded
        /// Any S3-compatible server.
        case remote(RemoteStore)
    }

    public struct RemoteStore: Sendable, Equatable {
        /// `http(s)://host[:port]`
        public var endpoint: String
        /// The bucket's name on that server.
        public var bucket: String
        public var accessKeyId: String
        public var secretAccessKey: String
        public var pathStyle: Bool
        /// The region to sign requests for; defaults to the bucket's region.
        public var region: Region

        public init(
            endpoint: String,
            bucket: String,
            accessKeyId: String,
            secretAccessKey: String,
            pathStyle: Bool,
            region: Region
        ) {
            self.endpoint = endpoint
            self.bucket = bucket
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.pathStyle = pathStyle
            self.region = region
        }
    }

    public struct HostedZone: Sendable, Equatable {
        /// The zone apex, without a trailing dot.
        public var name: String
        /// The zone file, relative to `zonesDir`.
        public var file: String
        /// Associated VPC ids; empty for a public zone.
        public var vpcs: [String]

        public var isPrivate: Bool { !vpcs.isEmpty }

        public init(name: String, file: String, vpcs: [String]) {
            self.name = name
            self.file = file
            self.vpcs = vpcs
        }
    }
}
