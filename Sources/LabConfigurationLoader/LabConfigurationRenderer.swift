public import AccessPointCore
internal import Yams

/// Writes a configuration back as YAML in the lab-file schema: what `aprouter config check` prints, and a
/// template for a lab of one's own. Reading the output back gives the same configuration.
public enum LabConfigurationRenderer {
    /// - Parameter showSecrets: secret access keys are printed as `<redacted>` unless this is set.
    public static func yaml(_ config: LabConfiguration, showSecrets: Bool = false) -> String {
        func secret(_ text: String) -> Node { showSecrets ? quoted(text) : str("<redacted>") }
        func policy(_ text: String?) -> Node { text.map { Node($0, .implicit, .singleQuoted) } ?? str("null") }
        func cidrs(_ blocks: [CIDRBlock]) -> Node { seq(blocks.map { str($0.description) }) }
        var root: [(Node, Node)] = [
            ("region", str(config.region.rawValue)),
            ("endpointSuffixes", seq(config.endpointSuffixes.map { str($0) })),
            (
                "listeners",
                map(
                    [
                        ("https", str(config.listeners.https.description)),
                        ("http", str(config.listeners.http.description)),
                        ("dns", str(config.listeners.dns.description)),
                        ("admin", str(config.listeners.admin.description)),
                    ] + (config.listeners.proxy.map { [(str("proxy"), str($0.description))] } ?? [])
                )
            ),
            ("proxyProtocol", map([("trustedProxies", cidrs(config.proxyProtocol.trustedProxies))])),
            (
                "dns",
                map([
                    ("trustedResolvers", cidrs(config.dns.trustedResolvers)),
                    ("forwarders", Self.forwarders(config.dns.forwarders)),
                    ("forwardTimeout", str(Self.duration(config.dns.forwardTimeout))),
                ])
            ),
            ("stateDir", str(config.stateDir)),
            ("certsDir", str(config.certsDir)),
            ("zonesDir", str(config.zonesDir)),
            (
                "quotas",
                map([("accessPointsPerAccountPerRegion", str(String(config.quotas.accessPointsPerAccountPerRegion)))])
            ),
            (
                "clients",
                map([
                    ("idleTimeout", str(Self.duration(config.clients.idleTimeout))),
                    ("readTimeout", str(Self.duration(config.clients.readTimeout))),
                ])
            ),
            (
                "upstream",
                map(
                    [
                        ("connectTimeout", str(Self.duration(config.upstream.connectTimeout))),
                        ("readTimeout", str(Self.duration(config.upstream.readTimeout))),
                        ("idleTimeout", str(Self.duration(config.upstream.idleTimeout))),
                        ("maxConnectionsPerStore", str(String(config.upstream.maxConnectionsPerStore))),
                    ] + (config.upstream.caBundle.map { [(str("caBundle"), str($0))] } ?? [])
                )
            ),
            (
                "lab",
                map([
                    ("namespacePrefix", str(config.lab.namespacePrefix)),
                    ("serviceAddress", str(config.lab.serviceAddress.description)),
                ])
            ),
        ]
        root.append(
            (
                "accounts",
                seq(
                    config.accounts.map { account in
                        map([
                            ("id", quoted(account.id.rawValue)),
                            (
                                "users",
                                seq(
                                    account.users.map { user in
                                        map([
                                            ("name", str(user.name)),
                                            ("accessKeyId", str(user.accessKeyId)),
                                            ("secretAccessKey", secret(user.secretAccessKey)),
                                            ("policy", policy(user.policy)),
                                        ])
                                    }
                                )
                            ),
                        ])
                    }
                )
            )
        )
        root.append(
            (
                "vpcs",
                seq(
                    config.vpcs.map { vpc in
                        var fields: [(Node, Node)] = [
                            ("id", str(vpc.id)),
                            ("region", str(vpc.region.rawValue)),
                            ("cidrs", cidrs(vpc.cidrs)),
                            ("enableDnsSupport", str(vpc.enableDnsSupport ? "true" : "false")),
                            ("enableDnsHostnames", str(vpc.enableDnsHostnames ? "true" : "false")),
                        ]
                        if let endpoint = vpc.endpoint {
                            fields.append(
                                ("endpoint", map([("id", str(endpoint.id)), ("policy", policy(endpoint.policy))]))
                            )
                        }
                        return map(fields)
                    }
                )
            )
        )
        root.append(("internet", map([("cidrs", cidrs(config.internet.cidrs))])))
        root.append(
            (
                "buckets",
                seq(
                    config.buckets.map { bucket in
                        let store: Node
                        switch bucket.store {
                        case .embedded: store = str("embedded")
                        case .remote(let remote):
                            store = map([
                                ("endpoint", str(remote.endpoint)),
                                ("bucket", str(remote.bucket)),
                                ("accessKeyId", str(remote.accessKeyId)),
                                ("secretAccessKey", secret(remote.secretAccessKey)),
                                ("pathStyle", str(remote.pathStyle ? "true" : "false")),
                                ("region", str(remote.region.rawValue)),
                            ])
                        }
                        return map([
                            ("name", str(bucket.name.rawValue)),
                            ("account", quoted(bucket.account.rawValue)),
                            ("region", str(bucket.region.rawValue)),
                            ("policy", policy(bucket.policy)),
                            ("store", store),
                        ])
                    }
                )
            )
        )
        root.append(
            (
                "hostedZones",
                seq(
                    config.hostedZones.map { zone in
                        map([
                            ("name", str(zone.name)),
                            ("file", str(zone.file)),
                            ("vpcs", seq(zone.vpcs.map { str($0) })),
                        ])
                    }
                )
            )
        )
        // Serialising a tree built from strings cannot fail; if libyaml ever refused, say so rather than crash.
        return (try? Yams.serialize(node: map(root), indent: 2, width: -1)) ?? "# could not render the configuration\n"
    }

    private static func quoted(_ text: String) -> Node { Node(text, .implicit, .doubleQuoted) }
    /// A duration as the lab file writes it: whole seconds as `5s`, anything else in milliseconds.
    static func duration(_ duration: Duration) -> String {
        let milliseconds =
            duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }

    private static func forwarders(_ forwarders: LabConfiguration.DNS.Forwarders) -> Node {
        switch forwarders {
        case .host: str("host")
        case .addresses(let addresses): Node(addresses.map { str($0.description) }, .implicit, .flow)
        }
    }

    private static func str(_ text: String) -> Node { Node(text, .implicit, .any) }
    private static func seq(_ items: [Node]) -> Node { Node(items, .implicit, .block) }
    private static func map(_ pairs: [(Node, Node)]) -> Node { Node(pairs, .implicit, .block) }
}
