extension LabConfiguration {
    /// A decoded configuration with the problems found on the way and the line of every key path.
    public struct Decoded: Sendable {
        /// Best effort: a value that could not be read keeps its default, a list item that could not be read is
        /// left out, so `validate()` can still look at the rest.
        public var configuration: LabConfiguration
        public var problems: [ConfigurationError]
        /// Source line of each key path, for problems found after decoding.
        public var lines: [String: Int]
    }

    /// Decodes, then validates, reporting every problem of either stage with its line: the function
    /// `aprouter config check` and `aprouter serve` both call.
    public static func load(_ root: ConfigNode) -> Result<LabConfiguration, ConfigurationProblems> {
        let decoded = decode(root)
        // A value that failed to decode was left out; what validation then says about the same key path (an
        // empty list, say) is a consequence, not a second mistake.
        let reported = decoded.problems.map(\.keyPath)
        let later = decoded.configuration.validate().compactMap { problem -> ConfigurationError? in
            guard !reported.contains(where: { Self.related($0, problem.keyPath) }) else {
                return nil
            }
            var problem = problem
            problem.line = problem.line ?? decoded.lines[problem.keyPath]
            return problem
        }
        let problems = decoded.problems + later
        return problems.isEmpty ? .success(decoded.configuration) : .failure(ConfigurationProblems(problems))
    }

    /// Whether one key path lies within the other: `vpcs[0].cidrs` and `vpcs[0].cidrs[1]`, not `vpcs[1]` and
    /// `vpcs[10]`, and not the document root, which is reported only for itself.
    static func related(_ a: String, _ b: String) -> Bool {
        func within(_ inner: String, _ outer: String) -> Bool {
            inner == outer
                || (!outer.isEmpty && inner.hasPrefix(outer)
                    && [".", "["].contains(inner[inner.index(inner.startIndex, offsetBy: outer.count)]))
        }
        return within(a, b) || within(b, a)
    }

    static let topLevelKeys = [
        "region", "endpointSuffixes", "listeners", "proxyProtocol", "dns", "stateDir", "certsDir", "zonesDir",
        "accounts",
        "vpcs", "internet", "buckets", "hostedZones", "quotas", "clients", "upstream", "lab",
    ]

    /// Reads the tree into a configuration. Keys left out take the embedded default's scalar settings (region,
    /// suffixes, listeners, directories); lists left out are empty.
    public static func decode(_ root: ConfigNode) -> Decoded {
        var reader = ConfigReader()
        let defaults = LabConfiguration.embeddedDefault
        var config = defaults
        config.listeners.proxy = nil
        config.accounts = []
        config.vpcs = []
        config.internet = Internet(cidrs: [])
        config.buckets = []
        config.hostedZones = []
        guard let top = reader.fields(root, "", allowed: topLevelKeys) else {
            return Decoded(configuration: config, problems: reader.problems, lines: reader.lines)
        }
        if let node = top["region"], let region = reader.value(node, "region", Region.init(validating:)) {
            config.region = region
        }
        if let node = top["endpointSuffixes"] {
            config.endpointSuffixes = reader.list(node, "endpointSuffixes").compactMap {
                reader.value(
                    $0.node,
                    $0.path,
                    expected: "a domain name such as lab.localhost",
                    DomainNameText.normalized
                )
            }
        }
        if let node = top["listeners"] { config.listeners = reader.listeners(node, defaults.listeners) }
        if let node = top["dns"],
            let fields = reader.fields(node, "dns", allowed: ["trustedResolvers", "forwarders", "forwardTimeout"])
        {
            if let resolvers = fields["trustedResolvers"] {
                config.dns.trustedResolvers = reader.cidrs(resolvers, fields.path("trustedResolvers"))
            }
            if let forwarders = fields["forwarders"] {
                config.dns.forwarders = reader.forwarders(forwarders, fields.path("forwarders"))
            }
            if let node = fields["forwardTimeout"] {
                let range = LabConfiguration.DNS.forwardTimeoutRange
                if let timeout = reader.value(
                    node,
                    fields.path("forwardTimeout"),
                    expected: "a duration like 500ms or 2s, from 10ms to 60s",
                    { LabConfiguration.Upstream.duration($0).flatMap { range.contains($0) ? $0 : nil } }
                ) {
                    config.dns.forwardTimeout = timeout
                }
            }
        }
        if let node = top["proxyProtocol"],
            let fields = reader.fields(node, "proxyProtocol", allowed: ["trustedProxies"]),
            let proxies = fields["trustedProxies"]
        {
            config.proxyProtocol.trustedProxies = reader.cidrs(proxies, fields.path("trustedProxies"))
        }
        for key in ["stateDir", "certsDir", "zonesDir"] {
            guard let node = top[key], let path = reader.value(node, key, expected: "a directory path", nonEmpty)
            else { continue }
            switch key {
            case "stateDir": config.stateDir = path
            case "certsDir": config.certsDir = path
            default: config.zonesDir = path
            }
        }
        if let node = top["accounts"] {
            config.accounts = reader.list(node, "accounts").compactMap { reader.account($0) }
        }
        if let node = top["vpcs"] {
            config.vpcs = reader.list(node, "vpcs").compactMap { reader.vpc($0.node, $0.path, config.region) }
        }
        if let node = top["internet"], let fields = reader.fields(node, "internet", allowed: ["cidrs"]),
            let cidrs = fields["cidrs"]
        {
            config.internet.cidrs = reader.cidrs(cidrs, fields.path("cidrs"))
        }
        if let node = top["buckets"] {
            config.buckets = reader.list(node, "buckets").compactMap { reader.bucket($0.node, $0.path, config.region) }
        }
        if let node = top["hostedZones"] {
            config.hostedZones = reader.list(node, "hostedZones").compactMap { reader.hostedZone($0) }
        }
        if let node = top["quotas"],
            let fields = reader.fields(node, "quotas", allowed: ["accessPointsPerAccountPerRegion"]),
            let quota = fields["accessPointsPerAccountPerRegion"]
        {
            let range = Quotas.accessPointsRange
            if let value = reader.value(
                quota,
                fields.path("accessPointsPerAccountPerRegion"),
                expected: "a whole number from \(range.lowerBound) to \(range.upperBound)",
                { Int($0).flatMap { range.contains($0) ? $0 : nil } }
            ) {
                config.quotas.accessPointsPerAccountPerRegion = value
            }
        }
        if let node = top["clients"] { config.clients = reader.clients(node) }
        if let node = top["upstream"] { config.upstream = reader.upstream(node) }
        if let node = top["lab"] { config.lab = reader.networkLab(node) }
        return Decoded(configuration: config, problems: reader.problems, lines: reader.lines)
    }
}

extension ConfigReader {
    mutating func clients(_ node: ConfigNode) -> LabConfiguration.Clients {
        var result = LabConfiguration.Clients()
        guard let fields = fields(node, "clients", allowed: ["idleTimeout", "readTimeout"]) else { return result }
        if let value = timeout(fields, "idleTimeout") { result.idleTimeout = value }
        if let value = timeout(fields, "readTimeout") { result.readTimeout = value }
        return result
    }

    /// A timeout at `key`: `500ms`, `5s`, `2m` or a number of seconds, from a millisecond to a day.
    mutating func timeout(_ fields: Fields, _ key: String) -> Duration? {
        guard let node = fields[key] else { return nil }
        let range = LabConfiguration.Upstream.timeoutRange
        return value(node, fields.path(key), expected: "a duration like 500ms, 5s or 2m, at most a day") {
            LabConfiguration.Upstream.duration($0).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    mutating func upstream(_ node: ConfigNode) -> LabConfiguration.Upstream {
        var result = LabConfiguration.Upstream()
        let keys = ["connectTimeout", "readTimeout", "idleTimeout", "maxConnectionsPerStore", "caBundle"]
        guard let fields = fields(node, "upstream", allowed: keys) else { return result }
        if let value = timeout(fields, "connectTimeout") { result.connectTimeout = value }
        if let value = timeout(fields, "readTimeout") { result.readTimeout = value }
        if let value = timeout(fields, "idleTimeout") { result.idleTimeout = value }
        if let node = fields["maxConnectionsPerStore"] {
            let range = LabConfiguration.Upstream.connectionsRange
            if let value = value(
                node,
                fields.path("maxConnectionsPerStore"),
                expected: "a whole number from \(range.lowerBound) to \(range.upperBound)",
                { Int($0).flatMap { range.contains($0) ? $0 : nil } }
            ) {
                result.maxConnectionsPerStore = value
            }
        }
        if let node = fields["caBundle"] {
            result.caBundle = value(node, fields.path("caBundle"), expected: "the path of a PEM file") {
                $0.isEmpty ? nil : $0
            }
        }
        return result
    }
}

extension ConfigReader {
    mutating func networkLab(_ node: ConfigNode) -> LabConfiguration.NetworkLab {
        var result = LabConfiguration.NetworkLab()
        guard let fields = fields(node, "lab", allowed: ["namespacePrefix", "serviceAddress"]) else { return result }
        if let node = fields["namespacePrefix"],
            let prefix = value(
                node,
                fields.path("namespacePrefix"),
                expected: "one to eight lower-case letters and digits, starting with a letter",
                { LabConfiguration.NetworkLab.isValidPrefix($0) ? $0 : nil }
            )
        {
            result.namespacePrefix = prefix
        }
        if let node = fields["serviceAddress"],
            let address = value(node, fields.path("serviceAddress"), expected: "an IPv4 address", { IPv4Address($0) })
        {
            result.serviceAddress = address
        }
        return result
    }
}

func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

/// Every problem of one configuration, thrown or returned as one error.
public struct ConfigurationProblems: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigurationError]

    public init(_ errors: [ConfigurationError]) { self.errors = errors }

    /// The same problems, each naming `file`.
    public func inFile(_ file: String) -> ConfigurationProblems {
        ConfigurationProblems(
            errors.map {
                var e = $0
                e.file = file
                return e
            }
        )
    }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
