extension LabConfiguration {
    /// Every rule that spans more than one value, each problem naming its key path; empty means safe to start.
    ///
    /// Single values were checked while decoding; this finds duplicates, dangling references and conflicts.
    public func validate() -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        problems += validateSuffixesAndListeners()
        problems += validateAccounts()
        problems += validateNetworks()
        problems += validateBuckets()
        problems += validateZones()
        problems += validateForwarders()
        return problems
    }

    private func validateForwarders() -> [ConfigurationError] {
        guard case .addresses(let addresses) = dns.forwarders else { return [] }
        let paths = addresses.enumerated().map { ("dns.forwarders[\($0.offset)]", $0.element) }
        var problems = duplicates(paths.map { ($0.0, $0.1.description) }, what: "forwarder")
        for (path, address) in paths
        where address.host == IPAddress("0.0.0.0") || address.host == IPAddress("::") {
            problems.append(.invalidValue.at(path, "\(address) is not a resolver's address (it means every address)"))
        }
        return problems
    }

    private func validateSuffixesAndListeners() -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        if endpointSuffixes.isEmpty {
            problems.append(
                .invalidValue.at("endpointSuffixes", "at least one endpoint suffix is needed, e.g. amazonaws.com")
            )
        }
        problems += duplicates(
            endpointSuffixes.enumerated().map { ("endpointSuffixes[\($0.offset)]", $0.element) },
            what: "endpoint suffix"
        )
        // HTTPS, HTTP, admin and DNS-over-TCP all listen on TCP, so they cannot share an address and port.
        let tcp =
            [
                ("https", listeners.https), ("http", listeners.http), ("dns", listeners.dns),
                ("admin", listeners.admin),
            ] + (listeners.proxy.map { [("proxy", $0)] } ?? [])
        var seen: [ListenAddress: String] = [:]
        for (name, address) in tcp where address.port != 0 {
            if let other = seen[address] {
                problems.append(.conflict.at("listeners.\(name)", "\(address) is already used by listeners.\(other)"))
            } else {
                seen[address] = name
            }
        }
        return problems
    }

    private func validateAccounts() -> [ConfigurationError] {
        var problems = duplicates(
            accounts.enumerated().map { ("accounts[\($0.offset)].id", $0.element.id.rawValue) },
            what: "account id"
        )
        var keys: [(String, String)] = []
        for (i, account) in accounts.enumerated() {
            problems += duplicates(
                account.users.enumerated().map { ("accounts[\(i)].users[\($0.offset)].name", $0.element.name) },
                what: "user name"
            )
            keys += account.users.enumerated().map {
                ("accounts[\(i)].users[\($0.offset)].accessKeyId", $0.element.accessKeyId)
            }
        }
        return problems + duplicates(keys, what: "access key id")
    }

    private func validateNetworks() -> [ConfigurationError] {
        var problems = duplicates(vpcs.enumerated().map { ("vpcs[\($0.offset)].id", $0.element.id) }, what: "VPC id")
        problems += duplicates(
            vpcs.enumerated().compactMap { i, vpc in vpc.endpoint.map { ("vpcs[\(i)].endpoint.id", $0.id) } },
            what: "VPC endpoint id"
        )
        var blocks: [(path: String, block: CIDRBlock)] = []
        for (i, vpc) in vpcs.enumerated() {
            if vpc.cidrs.isEmpty {
                problems.append(.invalidValue.at("vpcs[\(i)].cidrs", "a VPC needs at least one CIDR block"))
            }
            blocks += vpc.cidrs.enumerated().map { ("vpcs[\(i)].cidrs[\($0.offset)]", $0.element) }
        }
        let internet = internet.cidrs.enumerated().map { (path: "internet.cidrs[\($0.offset)]", block: $0.element) }
        let proxies = proxyProtocol.trustedProxies.enumerated().map {
            (path: "proxyProtocol.trustedProxies[\($0.offset)]", block: $0.element)
        }
        let resolvers = dns.trustedResolvers.enumerated().map {
            (path: "dns.trustedResolvers[\($0.offset)]", block: $0.element)
        }
        for (path, block) in blocks + internet + proxies + resolvers where block.hasHostBits {
            problems.append(.invalidValue.at(path, "\(block) has host bits set; did you mean \(block.network)?"))
        }
        problems += duplicates(blocks.map { ($0.path, $0.block.network.description) }, what: "VPC CIDR block")
        for (path, block) in internet {
            if let vpc = blocks.first(where: { $0.block.overlaps(block) }) {
                problems.append(
                    .conflict.at(
                        path,
                        "\(block) overlaps \(vpc.block) at \(vpc.path); the internet is outside every VPC"
                    )
                )
            }
        }
        return problems
    }

    private func validateBuckets() -> [ConfigurationError] {
        var problems = duplicates(
            buckets.enumerated().map { ("buckets[\($0.offset)].name", $0.element.name.rawValue) },
            what: "bucket name"
        )
        let known = Set(accounts.map(\.id))
        for (i, bucket) in buckets.enumerated() where !known.contains(bucket.account) {
            problems.append(
                .unknownReference.at("buckets[\(i)].account", "account \(bucket.account) is not defined under accounts")
            )
        }
        return problems
    }

    private func validateZones() -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        let known = Set(vpcs.map(\.id))
        var seen: [String: String] = [:]  // "zone|view" → key path
        for (i, zone) in hostedZones.enumerated() {
            for (j, vpc) in zone.vpcs.enumerated() where !known.contains(vpc) {
                problems.append(
                    .unknownReference.at("hostedZones[\(i)].vpcs[\(j)]", "VPC \(vpc) is not defined under vpcs")
                )
            }
            // One public zone per name, and one private zone per name in each VPC (Route 53 refuses more).
            for view in zone.isPrivate ? zone.vpcs : ["public"] {
                let key = "\(zone.name)|\(view)"
                if let other = seen[key] {
                    let scope = view == "public" ? "a public zone" : "a private zone associated with \(view)"
                    problems.append(
                        .duplicate.at("hostedZones[\(i)].name", "\(zone.name) is already \(scope) at \(other)")
                    )
                } else {
                    seen[key] = "hostedZones[\(i)]"
                }
            }
        }
        return problems
    }

    /// A `duplicate` problem for every value seen before, at the later key path.
    private func duplicates(_ items: [(String, String)], what: String) -> [ConfigurationError] {
        var first: [String: String] = [:]
        var problems: [ConfigurationError] = []
        for (path, value) in items {
            if let earlier = first[value] {
                problems.append(.duplicate.at(path, "\(what) '\(value)' is already used at \(earlier)"))
            } else {
                first[value] = path
            }
        }
        return problems
    }
}
