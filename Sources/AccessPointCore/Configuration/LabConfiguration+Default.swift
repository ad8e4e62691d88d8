extension LabConfiguration {
    /// The lab `make run` starts when no file is given: one account with one user (AWS's documented example
    /// keys, which can never be real), one region, one VPC on 127.0.10.0/24 with an S3 gateway endpoint, the
    /// internet on 127.0.20.0/24, one bucket on the embedded store and one private hosted zone.
    ///
    /// `aprouter config check` with no file prints it as YAML, a starting point for a lab file of one's own.
    public static let embeddedDefault: LabConfiguration = {
        let region = Region(uncheckedRawValue: "us-west-2")
        let account = AccountID(uncheckedRawValue: "123456789012")
        return LabConfiguration(
            region: region,
            endpointSuffixes: ["amazonaws.com", "lab.localhost"],
            listeners: Listeners(
                https: ListenAddress(host: .v4(IPv4Address(0x7F00_0001)), port: 8443),
                http: ListenAddress(host: .v4(IPv4Address(0x7F00_0001)), port: 8080),
                dns: ListenAddress(host: .v4(IPv4Address(0x7F00_0001)), port: 8053),
                admin: ListenAddress(host: .v4(IPv4Address(0x7F00_0001)), port: 9090),
                proxy: ListenAddress(host: .v4(IPv4Address(0x7F00_0001)), port: 3128)
            ),
            proxyProtocol: ProxyProtocol(trustedProxies: []),
            dns: DNS(trustedResolvers: []),
            stateDir: "./state",
            certsDir: "./certs",
            zonesDir: "./zones",
            accounts: [
                Account(
                    id: account,
                    users: [
                        User(
                            name: "alice",
                            accessKeyId: "AKIAIOSFODNN7EXAMPLE",
                            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                            // An administrator, as the first user of a new account usually is: the access point
                            // and bucket layers then allow her requests until a policy says otherwise.
                            policy:
                                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
                        )
                    ]
                )
            ],
            vpcs: [
                VPC(
                    id: "vpc-1a2b3c",
                    region: region,
                    cidrs: [CIDRBlock(address: .v4(IPv4Address(0x7F00_0A00)), prefixLength: 24)],
                    enableDnsSupport: true,
                    enableDnsHostnames: true,
                    endpoint: VPCEndpoint(id: "vpce-1a2b3c4d", policy: nil)
                )
            ],
            internet: Internet(cidrs: [CIDRBlock(address: .v4(IPv4Address(0x7F00_1400)), prefixLength: 24)]),
            buckets: [
                Bucket(
                    name: BucketName(uncheckedRawValue: "example-bucket"),
                    account: account,
                    region: region,
                    policy: nil,
                    store: .embedded
                )
            ],
            hostedZones: [HostedZone(name: "corp.internal", file: "corp.internal.zone", vpcs: ["vpc-1a2b3c"])]
        )
    }()
}
