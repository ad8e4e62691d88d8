public import AccessPointCore
public import NetworkAddressing
public import S3Auth

/// What the router needs from a lab, resolved before it binds: listeners, TLS material, host suffixes, the
/// region its endpoints answer for, and who may sign requests.
public struct RouterConfiguration: Sendable {
    public var https: ListenAddress
    public var http: ListenAddress
    /// The network lab's router namespace, where the HTTPS and HTTP listeners are made (`aprouter lab up`); nil
    /// for the process's own. The forward proxy always listens in the process's own namespace.
    public var listenNamespace: NetworkNamespace?
    /// The HTTP CONNECT forward proxy, when the lab has one.
    public var proxy: ListenAddress?
    /// The lab's endpoint suffixes: the proxy tunnels only hosts under them.
    public var endpointSuffixes: [String]
    /// Debug mode: an AccessDenied from a policy decision says which statement (or missing grant) decided it.
    /// Off by default: it tells the caller what the policies contain.
    public var explainDenials: Bool
    /// PEM of the server certificate (the lab CA's issue) and its private key.
    public var certificatePEM: String
    public var privateKeyPEM: String
    public var classifier: HostClassifier
    /// The region of hosts that carry none (a lab endpoint URL); the credential scope must name it.
    public var region: Region
    public var credentials: StaticCredentialLookup
    /// Control-plane bodies are small XML documents; larger ones are refused before they are read whole.
    public var maximumControlBodyBytes: Int
    /// Peers that put a PROXY protocol header before each connection (HAProxy, nginx stream); the address it
    /// names is then the request's source. From anyone else such a header is a protocol error.
    public var trustedProxies: PrefixTable<Bool>
    /// How long the listeners wait on a client: an idle connection, a stalled request, an unread response.
    public var clients: LabConfiguration.Clients
    /// What serves the HTTPS listener's connections: SwiftNIO (the default), or the socket engine (epoll threads
    /// and the system's OpenSSL; see `SocketEngine`).
    public var engine: RouterEngine = .nio

    public init(
        https: ListenAddress,
        http: ListenAddress,
        certificatePEM: String,
        privateKeyPEM: String,
        classifier: HostClassifier,
        region: Region,
        credentials: StaticCredentialLookup,
        maximumControlBodyBytes: Int = 1 << 20,
        trustedProxies: [CIDRBlock] = [],
        proxy: ListenAddress? = nil,
        endpointSuffixes: [String] = [],
        explainDenials: Bool = false,
        listenNamespace: NetworkNamespace? = nil,
        clients: LabConfiguration.Clients = LabConfiguration.Clients()
    ) {
        self.clients = clients
        self.explainDenials = explainDenials
        self.listenNamespace = listenNamespace
        self.https = https
        self.http = http
        self.proxy = proxy
        self.endpointSuffixes = endpointSuffixes
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.classifier = classifier
        self.region = region
        self.credentials = credentials
        self.maximumControlBodyBytes = maximumControlBodyBytes
        self.trustedProxies = PrefixTable(trustedProxies.map { ($0, true) })
    }

    /// `lab`'s listeners, region, users and endpoint suffixes without a certificate: what the request stages read
    /// when they are driven without sockets (tests, `aprouter-bench router-request`, the fuzz harnesses).
    public static func stages(of lab: LabConfiguration, explainDenials: Bool = false) -> RouterConfiguration {
        RouterConfiguration(
            https: lab.listeners.https,
            http: lab.listeners.http,
            certificatePEM: "",
            privateKeyPEM: "",
            classifier: HostClassifier(endpointSuffixes: lab.endpointSuffixes),
            region: lab.region,
            credentials: credentials(of: lab),
            endpointSuffixes: lab.endpointSuffixes,
            explainDenials: explainDenials
        )
    }

    /// The lab's users as SigV4 credentials, each with its account and IAM user ARN.
    public static func credentials(of lab: LabConfiguration) -> StaticCredentialLookup {
        StaticCredentialLookup(
            lab.accounts.flatMap { account in
                account.users.map { user in
                    SigV4Credential(
                        accessKeyID: user.accessKeyId,
                        secretAccessKey: user.secretAccessKey,
                        identity: SigV4Identity(
                            accountID: account.id,
                            userARN: "arn:\(lab.region.partition):iam::\(account.id):user/\(user.name)",
                            userName: user.name
                        )
                    )
                }
            }
        )
    }
}

/// The I/O under the router's HTTPS listener.
public enum RouterEngine: String, Sendable, CaseIterable {
    /// SwiftNIO channels with NIOSSL (BoringSSL).
    case nio
    /// The socket engine: one epoll thread per core, each the executor of its connections' tasks, TLS by the
    /// system's OpenSSL 3. The upstream store client runs on the same threads for `http://` stores.
    case socket
}
