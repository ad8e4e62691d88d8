public import AccessPointCore
import PolicyEngine

/// Everything the data plane consults for one request, compiled once: the lab's buckets, VPCs and identity
/// policies when the router starts, and the access points of each registry snapshot when it arrives.
///
/// Policies are parsed here and never per request; lookups are dictionary and prefix-table reads. A request takes
/// the table once when it starts and keeps it until it ends (STYLE §2), so a policy change applies to the next
/// request, never to half of one. Immutable, and a class so that taking it (and handing it to the stages) is one
/// reference, not a copy of each of its dictionaries.
public final class RouterTable: Sendable {
    /// A bucket the lab declares, with its policy compiled.
    struct Bucket: Sendable {
        let name: BucketName
        let owner: AccountID
        let region: Region
        let policy: PolicyDocument?
        /// The policy as the lab file gives it, for GetBucketPolicy.
        let policyText: String?
    }

    /// A VPC's source networks lead here; `endpoint` is its S3 gateway endpoint, if it has one.
    struct VPC: Sendable {
        let id: String
        let endpoint: Endpoint?

        struct Endpoint: Sendable {
            let id: String
            /// nil: the default endpoint policy, which allows everything.
            let policy: PolicyDocument?
        }
    }

    /// An access point as the data plane serves it. A class: the stages hand it on by reference, where a copy of
    /// the struct retained each of its strings and tables again.
    final class AccessPoint: Sendable {
        let entry: AccessPointSnapshot.AccessPoint
        let arn: AccessPointARN
        /// `arn.description`, rendered once per snapshot: the access log names every request's access point.
        let name: String
        let policy: PolicyDocument?
        /// nil when the lab does not declare the bucket (it was removed from the configuration): requests fail.
        let bucket: Bucket?
        /// The account, bucket and access point flags combined (spec §4.5).
        let publicAccessBlock: PublicAccessBlock
        /// What the policy engine is asked about, without the object key: made once per snapshot, so its ARNs are
        /// rendered here and a request only sets the key. nil when `bucket` is.
        let target: RequestTarget?
        /// What the stages see of it, made once per snapshot too.
        let front: Front

        init(
            entry: AccessPointSnapshot.AccessPoint,
            arn: AccessPointARN,
            policy: PolicyDocument?,
            bucket: Bucket?,
            publicAccessBlock: PublicAccessBlock,
            target: RequestTarget?
        ) {
            let name = arn.description
            self.entry = entry
            self.arn = arn
            self.name = name
            self.policy = policy
            self.bucket = bucket
            self.publicAccessBlock = publicAccessBlock
            self.target = target
            front = Front(
                accessPoint: entry,
                arn: arn,
                name: name,
                policy: policy,
                publicAccessBlock: publicAccessBlock,
                bucket: bucket,
                target: target
            )
        }
    }

    final class MultiRegionAccessPoint: Sendable {
        let entry: AccessPointSnapshot.MultiRegionAccessPoint
        let arn: MultiRegionAccessPointARN
        /// `arn.description`, rendered once per snapshot.
        let name: String
        let policy: PolicyDocument?
        /// The buckets in the order requests try them: the router's own region first.
        let routes: [Bucket]
        let publicAccessBlock: PublicAccessBlock
        /// One request target per route, in the same order, made once per snapshot (see ``AccessPoint/target``).
        let targets: [RequestTarget]
        /// What the stages see of it, made once per snapshot too.
        let front: Front

        init(
            entry: AccessPointSnapshot.MultiRegionAccessPoint,
            arn: MultiRegionAccessPointARN,
            policy: PolicyDocument?,
            routes: [Bucket],
            publicAccessBlock: PublicAccessBlock,
            targets: [RequestTarget]
        ) {
            let name = arn.description
            self.entry = entry
            self.arn = arn
            self.name = name
            self.policy = policy
            self.routes = routes
            self.publicAccessBlock = publicAccessBlock
            self.targets = targets
            front = Front(
                multiRegion: arn,
                name: name,
                policy: policy,
                publicAccessBlock: publicAccessBlock,
                routes: routes,
                targets: targets
            )
        }
    }

    /// A lab user as the policy engine sees every request of theirs: the principal (its ARN rendered once, when
    /// the router starts) and the identity policies.
    final class User: Sendable {
        let principal: RequestPrincipal
        let policies: [PolicyDocument]

        init(principal: RequestPrincipal, policies: [PolicyDocument]) {
            self.principal = principal
            self.policies = policies
        }
    }

    /// The parts of the lab that never change while the router runs.
    struct Lab: Sendable {
        let region: Region
        let buckets: [String: Bucket]
        let networks: PrefixTable<VPC>
        /// By the user's IAM ARN, as SigV4 credentials name it (`RouterConfiguration.credentials(of:)`).
        let users: [String: User]
    }

    /// An access point's key: its account, region and name, hashed as they are (no key string per request).
    struct AccessPointKey: Hashable, Sendable {
        let account: AccountID
        let region: Region
        let name: AccessPointName
    }

    let lab: Lab
    public let version: UInt64
    private let accessPoints: [AccessPointKey: AccessPoint]
    private let aliases: [String: AccessPoint]
    private let multiRegion: [String: MultiRegionAccessPoint]

    /// Compiles the lab's policies; a policy that does not parse names itself in the error.
    public init(lab configuration: LabConfiguration) throws(RouterTableError) {
        func compile(_ text: String?, _ kind: PolicyKind, _ owner: String) throws(RouterTableError) -> PolicyDocument? {
            guard let text else { return nil }
            do {
                return try PolicyDocument(parsing: text, kind: kind)
            } catch {
                throw RouterTableError(description: "the \(kind) of \(owner) is not valid: \(error.message)")
            }
        }
        var buckets: [String: Bucket] = [:]
        for bucket in configuration.buckets {
            buckets[bucket.name.rawValue] = Bucket(
                name: bucket.name,
                owner: bucket.account,
                region: bucket.region,
                policy: try compile(bucket.policy, .bucket, "bucket \(bucket.name)"),
                policyText: bucket.policy
            )
        }
        var networks = PrefixTable<VPC>()
        for vpc in configuration.vpcs {
            let endpoint: VPC.Endpoint? =
                switch vpc.endpoint {
                case .some(let endpoint):
                    VPC.Endpoint(
                        id: endpoint.id,
                        policy: try compile(endpoint.policy, .vpcEndpoint, "endpoint \(endpoint.id)")
                    )
                case .none: nil
                }
            for cidr in vpc.cidrs { networks.insert(cidr, VPC(id: vpc.id, endpoint: endpoint)) }
        }
        var users: [String: User] = [:]
        for account in configuration.accounts {
            for user in account.users {
                let arn = "arn:\(configuration.region.partition):iam::\(account.id):user/\(user.name)"
                users[arn] = User(
                    principal: .user(user.name, account: account.id),
                    policies: try compile(user.policy, .identity, "user \(user.name)").map { [$0] } ?? []
                )
            }
        }
        self.lab = Lab(
            region: configuration.region,
            buckets: buckets,
            networks: networks,
            users: users
        )
        self.version = 0
        self.accessPoints = [:]
        self.aliases = [:]
        self.multiRegion = [:]
    }

    private init(
        lab: Lab,
        version: UInt64,
        accessPoints: [AccessPointKey: AccessPoint],
        aliases: [String: AccessPoint],
        multiRegion: [String: MultiRegionAccessPoint]
    ) {
        self.lab = lab
        self.version = version
        self.accessPoints = accessPoints
        self.aliases = aliases
        self.multiRegion = multiRegion
    }

    /// The same lab with the access points of `snapshot`. Stored policies were validated when they were written;
    /// one that no longer parses denies everything through its access point rather than allowing anything.
    public func updating(with snapshot: AccessPointSnapshot) -> RouterTable {
        var accessPoints: [AccessPointKey: AccessPoint] = [:]
        var aliases: [String: AccessPoint] = [:]
        for entry in snapshot.accessPoints {
            let key = AccessPointKey(account: entry.account, region: entry.region, name: entry.name)
            let arn = AccessPointARN(region: entry.region, account: entry.account, name: entry.name)
            // A policy is compiled once: an access point whose policy text did not change keeps its document, so
            // a snapshot after one change costs lookups, not a parse of every policy again.
            let previous = self.accessPoints[key]
            let policy =
                previous.map { $0.entry.policy == entry.policy } == true
                ? previous?.policy : Self.stored(entry.policy, .accessPoint)
            let bucket = lab.buckets[entry.bucket.rawValue]
            let accessPoint = AccessPoint(
                entry: entry,
                arn: arn,
                policy: policy,
                bucket: bucket,
                publicAccessBlock: .effective(
                    account: snapshot.accountPublicAccessBlocks[entry.account],
                    bucket: nil,
                    accessPoint: entry.publicAccessBlock
                ),
                target: bucket.map {
                    RequestTarget(
                        front: .accessPoint(arn),
                        bucket: $0.name,
                        bucketOwner: $0.owner,
                        networkOrigin: entry.vpcId == nil ? .internet : .vpc
                    )
                }
            )
            accessPoints[key] = accessPoint
            aliases[entry.alias] = accessPoint
        }
        var multiRegion: [String: MultiRegionAccessPoint] = [:]
        for entry in snapshot.multiRegionAccessPoints {
            let buckets = entry.routes.compactMap { lab.buckets[$0.bucket.rawValue] }
            let routes = buckets.filter { $0.region == lab.region } + buckets.filter { $0.region != lab.region }
            let arn = MultiRegionAccessPointARN(
                partition: lab.region.partition,
                account: entry.account,
                alias: entry.alias
            )
            multiRegion[entry.alias.rawValue] = MultiRegionAccessPoint(
                entry: entry,
                arn: arn,
                policy: Self.stored(entry.policy, .multiRegionAccessPoint),
                routes: routes,
                publicAccessBlock: .effective(
                    account: snapshot.accountPublicAccessBlocks[entry.account],
                    bucket: nil,
                    accessPoint: entry.publicAccessBlock
                ),
                targets: routes.map {
                    RequestTarget(front: .multiRegionAccessPoint(arn), bucket: $0.name, bucketOwner: $0.owner)
                }
            )
        }
        return RouterTable(
            lab: lab,
            version: snapshot.version,
            accessPoints: accessPoints,
            aliases: aliases,
            multiRegion: multiRegion
        )
    }

    func accessPoint(named name: AccessPointName, account: AccountID, region: Region) -> AccessPoint? {
        accessPoints[AccessPointKey(account: account, region: region, name: name)]
    }

    func accessPoint(alias: String) -> AccessPoint? { aliases[alias] }

    func multiRegionAccessPoint(alias: MultiRegionAccessPointAlias) -> MultiRegionAccessPoint? {
        multiRegion[alias.rawValue]
    }

    /// The VPC whose networks contain `address`, if any.
    func vpc(containing address: IPAddress) -> VPC? { lab.networks.lookup(address) }

    /// A deny-everything document stands in for a stored policy that no longer parses.
    private static func stored(_ text: String?, _ kind: PolicyKind) -> PolicyDocument? {
        guard let text else { return nil }
        if let document = try? PolicyDocument(parsing: text, kind: kind) { return document }
        return try? PolicyDocument(
            parsing:
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#,
            kind: kind
        )
    }
}

/// A lab policy the router cannot compile; `aprouter serve` prints it and starts nothing.
public struct RouterTableError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
