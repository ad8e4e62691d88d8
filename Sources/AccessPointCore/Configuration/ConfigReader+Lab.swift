// Readers for the parts of a lab configuration. Each reports its own problems and returns nil (or a default)
// for what it could not read.

extension ConfigReader {
    mutating func listeners(_ node: ConfigNode, _ defaults: LabConfiguration.Listeners) -> LabConfiguration.Listeners {
        var result = defaults
        // The forward proxy is opt-in for lab files (it would otherwise take a fixed port in every lab).
        result.proxy = nil
        guard let fields = fields(node, "listeners", allowed: ["https", "http", "dns", "admin", "proxy"]) else {
            return result
        }
        func address(_ key: String, _ reader: inout ConfigReader) -> ListenAddress? {
            guard let node = fields[key] else { return nil }
            return reader.value(node, fields.path(key), expected: "an address like 127.0.0.1:8443 or [::1]:8443") {
                ListenAddress($0)
            }
        }
        if let value = address("https", &self) { result.https = value }
        if let value = address("http", &self) { result.http = value }
        if let value = address("dns", &self) { result.dns = value }
        if let value = address("admin", &self) { result.admin = value }
        if fields["proxy"] != nil { result.proxy = address("proxy", &self) }
        return result
    }

    mutating func cidrs(_ node: ConfigNode, _ path: String) -> [CIDRBlock] {
        list(node, path).compactMap {
            value($0.node, $0.path, expected: "a CIDR block like 127.0.10.0/24 or fd00::/64") { CIDRBlock($0) }
        }
    }

    /// `dns.forwarders`: a list of resolver addresses, or the single word `host`.
    mutating func forwarders(_ node: ConfigNode, _ path: String) -> LabConfiguration.DNS.Forwarders {
        if case .scalar(let text, let kind) = node.value, kind != .null {
            guard text == "host" else {
                report(
                    .invalidValue,
                    path,
                    "'\(text)' is neither a list of resolver addresses nor the word host",
                    node
                )
                return .addresses([])
            }
            return .host
        }
        if node.isNull { return .addresses([]) }
        let addresses = list(node, path).compactMap {
            value(
                $0.node,
                $0.path,
                expected: "a resolver address like 192.0.2.53, 192.0.2.53:5353 or [::1]:53",
                LabConfiguration.DNS.Forwarders.address
            )
        }
        return .addresses(addresses)
    }

    mutating func account(_ item: (node: ConfigNode, path: String)) -> LabConfiguration.Account? {
        guard let fields = fields(item.node, item.path, allowed: ["id", "users"]),
            let idNode = required(fields, "id"),
            let id = value(idNode, fields.path("id"), AccountID.init(validating:))
        else { return nil }
        let users = fields["users"].map { list($0, fields.path("users")).compactMap { user($0) } } ?? []
        return LabConfiguration.Account(id: id, users: users)
    }

    mutating func user(_ item: (node: ConfigNode, path: String)) -> LabConfiguration.User? {
        let keys = ["name", "accessKeyId", "secretAccessKey", "policy"]
        guard let fields = fields(item.node, item.path, allowed: keys) else { return nil }
        let name = required(fields, "name").flatMap {
            value(
                $0,
                fields.path("name"),
                expected: "an IAM user name (1–64 of A-Z a-z 0-9 +=,.@_-)",
                Identifiers.userName
            )
        }
        let key = required(fields, "accessKeyId").flatMap {
            value(
                $0,
                fields.path("accessKeyId"),
                expected: "an access key id (16–128 of A-Z and 0-9)",
                Identifiers.accessKeyId
            )
        }
        let secret = required(fields, "secretAccessKey").flatMap {
            value($0, fields.path("secretAccessKey"), expected: "a secret (printable, no spaces)", Identifiers.secret)
        }
        let policy = fields["policy"].flatMap { self.policy($0, fields.path("policy")) }
        guard let name, let key, let secret else { return nil }
        return LabConfiguration.User(name: name, accessKeyId: key, secretAccessKey: secret, policy: policy)
    }

    mutating func vpc(_ node: ConfigNode, _ path: String, _ region: Region) -> LabConfiguration.VPC? {
        let keys = ["id", "region", "cidrs", "enableDnsSupport", "enableDnsHostnames", "endpoint"]
        guard let fields = fields(node, path, allowed: keys) else { return nil }
        let id = required(fields, "id").flatMap {
            value($0, fields.path("id"), expected: "a VPC id like vpc-1a2b3c", Identifiers.prefixed("vpc-"))
        }
        let vpcRegion =
            fields["region"].flatMap { value($0, fields.path("region"), Region.init(validating:)) } ?? region
        let blocks = required(fields, "cidrs").map { cidrs($0, fields.path("cidrs")) } ?? []
        let dnsSupport = fields["enableDnsSupport"].flatMap { bool($0, fields.path("enableDnsSupport")) } ?? true
        let dnsHostnames = fields["enableDnsHostnames"].flatMap { bool($0, fields.path("enableDnsHostnames")) } ?? true
        var endpoint: LabConfiguration.VPCEndpoint?
        if let node = fields["endpoint"],
            let endpointFields = self.fields(node, fields.path("endpoint"), allowed: ["id", "policy"])
        {
            let endpointId = required(endpointFields, "id").flatMap {
                value(
                    $0,
                    endpointFields.path("id"),
                    expected: "an endpoint id like vpce-1a2b3c4d",
                    Identifiers.prefixed("vpce-")
                )
            }
            let policy = endpointFields["policy"].flatMap { self.policy($0, endpointFields.path("policy")) }
            endpoint = endpointId.map { LabConfiguration.VPCEndpoint(id: $0, policy: policy) }
        }
        guard let id else { return nil }
        return LabConfiguration.VPC(
            id: id,
            region: vpcRegion,
            cidrs: blocks,
            enableDnsSupport: dnsSupport,
            enableDnsHostnames: dnsHostnames,
            endpoint: endpoint
        )
    }

    mutating func bucket(_ node: ConfigNode, _ path: String, _ region: Region) -> LabConfiguration.Bucket? {
        guard let fields = fields(node, path, allowed: ["name", "account", "region", "policy", "store"]) else {
            return nil
        }
        let name = required(fields, "name").flatMap { value($0, fields.path("name"), BucketName.init(validating:)) }
        let account = required(fields, "account").flatMap {
            value($0, fields.path("account"), AccountID.init(validating:))
        }
        let bucketRegion =
            fields["region"].flatMap { value($0, fields.path("region"), Region.init(validating:)) } ?? region
        let policy = fields["policy"].flatMap { self.policy($0, fields.path("policy")) }
        let store = fields["store"].map { self.store($0, fields.path("store"), bucketRegion) } ?? .embedded
        guard let name, let account, let store else { return nil }
        return LabConfiguration.Bucket(name: name, account: account, region: bucketRegion, policy: policy, store: store)
    }

    mutating func store(_ node: ConfigNode, _ path: String, _ region: Region) -> LabConfiguration.Store? {
        if case .scalar(let text, _) = node.value {
            guard text == "embedded" else {
                report(
                    .invalidValue,
                    path,
                    "'\(text)' is not a store: use 'embedded' or a mapping with endpoint, bucket…",
                    node
                )
                return nil
            }
            return .embedded
        }
        let keys = ["endpoint", "bucket", "accessKeyId", "secretAccessKey", "pathStyle", "region"]
        guard let fields = fields(node, path, allowed: keys) else { return nil }
        let endpoint = required(fields, "endpoint").flatMap {
            value(
                $0,
                fields.path("endpoint"),
                expected: "an http:// or https:// URL with a host",
                Identifiers.endpointURL
            )
        }
        let bucket = required(fields, "bucket").flatMap {
            value($0, fields.path("bucket"), expected: "a bucket name", nonEmpty)
        }
        let key = required(fields, "accessKeyId").flatMap {
            value($0, fields.path("accessKeyId"), expected: "an access key id", nonEmpty)
        }
        let secret = required(fields, "secretAccessKey").flatMap {
            value($0, fields.path("secretAccessKey"), expected: "a secret", nonEmpty)
        }
        let pathStyle = fields["pathStyle"].flatMap { bool($0, fields.path("pathStyle")) } ?? true
        let storeRegion =
            fields["region"].flatMap { value($0, fields.path("region"), Region.init(validating:)) } ?? region
        guard let endpoint, let bucket, let key, let secret else { return nil }
        return .remote(
            LabConfiguration.RemoteStore(
                endpoint: endpoint,
                bucket: bucket,
                accessKeyId: key,
                secretAccessKey: secret,
                pathStyle: pathStyle,
                region: storeRegion
            )
        )
    }

    mutating func hostedZone(_ item: (node: ConfigNode, path: String)) -> LabConfiguration.HostedZone? {
        guard let fields = fields(item.node, item.path, allowed: ["name", "file", "vpcs"]) else { return nil }
        let name = required(fields, "name").flatMap {
            value($0, fields.path("name"), expected: "a zone name such as corp.internal", DomainNameText.normalized)
        }
        let file = required(fields, "file").flatMap {
            value($0, fields.path("file"), expected: "a file name", nonEmpty)
        }
        let vpcs =
            fields["vpcs"].map { node in
                list(node, fields.path("vpcs")).compactMap { value($0.node, $0.path, expected: "a VPC id", nonEmpty) }
            } ?? []
        guard let name, let file else { return nil }
        return LabConfiguration.HostedZone(name: name, file: file, vpcs: vpcs)
    }
}
