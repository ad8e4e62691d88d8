import AccessPointCore
import Foundation
import LabConfigurationLoader
import Testing

struct LabConfigurationLoaderTests {
    static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.path(forResource: name, ofType: "yaml", inDirectory: "Fixtures")).description
    }

    @Test func reportsThreeMistakesWithFileKeyPathAndLine() throws {
        let path = try Self.fixture("broken/three-mistakes")
        guard case .failure(let problems) = LabConfigurationLoader.load(file: path) else {
            Issue.record("a broken file loaded")
            return
        }
        #expect(
            problems.errors.map(\.keyPath) == ["vpcs[0].enableDnsSuport", "vpcs[0].cidrs[0]", "buckets[0].account"]
        )
        #expect(problems.errors.map(\.line) == [10, 9, 13])
        #expect(problems.errors.allSatisfy { $0.file == path })
        #expect(problems.errors[0] == .unknownKey)
        #expect(problems.errors[1] == .invalidValue)
        #expect(problems.errors[2] == .unknownReference)
        #expect(
            problems.errors[0].description
                == "\(path):10: vpcs[0].enableDnsSuport: unknown key 'enableDnsSuport' (did you mean 'enableDnsSupport'?); allowed here: id, region, cidrs, enableDnsSupport, enableDnsHostnames, endpoint"
        )
    }

    @Test func reportsSyntaxErrorsWithLine() throws {
        guard case .failure(let problems) = LabConfigurationLoader.load(file: try Self.fixture("broken/syntax")) else {
            Issue.record("a file with a YAML syntax error loaded")
            return
        }
        #expect(problems.errors.count == 1)
        #expect(problems.errors.first == .syntax)
        #expect(problems.errors.first?.line == 5)
    }

    @Test func reportsAMissingFile() {
        guard case .failure(let problems) = LabConfigurationLoader.load(file: "/nonexistent/lab.yaml") else {
            Issue.record("a missing file loaded")
            return
        }
        #expect(problems.errors.map(\.description) == ["/nonexistent/lab.yaml: the file does not exist"])
    }

    @Test func loadsAFullLab() throws {
        let path = try Self.fixture("good/two-vpcs")
        let lab = try LabConfigurationLoader.load(file: path).get()
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(lab.region.rawValue == "eu-west-1")
        #expect(lab.stateDir == base + "/state")
        #expect(lab.listeners.dns.description == "[::1]:0")
        // A lab file has no forward proxy unless it sets one (the embedded default lab does).
        #expect(lab.listeners.proxy == nil)
        #expect(LabConfiguration.embeddedDefault.listeners.proxy?.description == "127.0.0.1:3128")
        #expect(lab.vpcs.map(\.id) == ["vpc-0a", "vpc-0b"])
        #expect(lab.vpcs[0].region.rawValue == "eu-west-1")
        #expect(lab.vpcs[0].cidrs.map(\.description) == ["127.0.10.0/24", "fd00:10::/48"])
        #expect(lab.vpcs[1].enableDnsHostnames == false)
        #expect(lab.vpcs[1].enableDnsSupport == true)
        #expect(
            lab.accounts[0].users[0].policy
                == #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
        )
        #expect(lab.vpcs[0].endpoint?.policy?.hasPrefix(#"{"Version""#) == true)
        guard case .remote(let remote) = lab.buckets[0].store else {
            Issue.record("expected a remote store")
            return
        }
        #expect(remote.endpoint == "http://127.0.0.1:9000")
        #expect(remote.region.rawValue == "eu-west-1")
        #expect(lab.buckets[1].store == .embedded)
        #expect(lab.quotas.accessPointsPerAccountPerRegion == 2500)
    }

    @Test func emptyFileIsTheDefaultsWithoutResources() throws {
        let lab = try LabConfigurationLoader.load(yaml: "", baseDirectory: "/tmp").get()
        #expect(lab.region == LabConfiguration.embeddedDefault.region)
        #expect(lab.accounts.isEmpty && lab.vpcs.isEmpty && lab.buckets.isEmpty)
        #expect(lab.zonesDir == "/tmp/zones")
    }

    @Test func accessPointQuotaDefaultsToTheSeedsThousandAndIsSettable() throws {
        let empty = try LabConfigurationLoader.load(yaml: "", baseDirectory: "/tmp").get()
        #expect(empty.quotas.accessPointsPerAccountPerRegion == 1000)
        let set = try LabConfigurationLoader.load(
            yaml: "quotas: {accessPointsPerAccountPerRegion: 10000}",
            baseDirectory: "/tmp"
        ).get()
        #expect(set.quotas.accessPointsPerAccountPerRegion == 10000)
        let yaml = LabConfigurationRenderer.yaml(set)
        #expect(yaml.contains("accessPointsPerAccountPerRegion: 10000"))
    }

    @Test func upstreamTimeoutsAndPoolAreSettableAndRoundTrip() throws {
        let empty = try LabConfigurationLoader.load(yaml: "", baseDirectory: "/tmp").get()
        #expect(empty.upstream == LabConfiguration.Upstream())
        #expect(empty.upstream.readTimeout == .seconds(60))
        let set = try LabConfigurationLoader.load(
            yaml: "upstream: {connectTimeout: 250ms, readTimeout: 2m, idleTimeout: 30, maxConnectionsPerStore: 64}",
            baseDirectory: "/tmp"
        ).get()
        #expect(set.upstream.connectTimeout == .milliseconds(250))
        #expect(set.upstream.readTimeout == .seconds(120))
        #expect(set.upstream.idleTimeout == .seconds(30))
        #expect(set.upstream.maxConnectionsPerStore == 64)
        let yaml = LabConfigurationRenderer.yaml(set)
        #expect(yaml.contains("connectTimeout: 250ms"), "\(yaml)")
        #expect(yaml.contains("readTimeout: 120s"), "\(yaml)")
        let reread = try LabConfigurationLoader.load(yaml: yaml, baseDirectory: "/tmp").get()
        #expect(reread.upstream == set.upstream)
    }

    @Test func clientTimeoutsAreSettableAndRoundTrip() throws {
        let empty = try LabConfigurationLoader.load(yaml: "", baseDirectory: "/tmp").get()
        #expect(empty.clients == LabConfiguration.Clients())
        #expect(empty.clients.idleTimeout == .seconds(60) && empty.clients.readTimeout == .seconds(60))
        let set = try LabConfigurationLoader.load(
            yaml: "clients: {idleTimeout: 2m, readTimeout: 1500ms}",
            baseDirectory: "/tmp"
        ).get()
        #expect(set.clients.idleTimeout == .seconds(120))
        #expect(set.clients.readTimeout == .milliseconds(1500))
        let yaml = LabConfigurationRenderer.yaml(set)
        #expect(yaml.contains("idleTimeout: 120s") && yaml.contains("readTimeout: 1500ms"), "\(yaml)")
        let reread = try LabConfigurationLoader.load(yaml: yaml, baseDirectory: "/tmp").get()
        #expect(reread.clients == set.clients)
    }

    /// A relative `caBundle` is the lab file's folder's, as the directories are; it round-trips as the absolute path.
    @Test func upstreamCABundleIsResolvedAgainstTheLabFilesFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cabundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "-----BEGIN CERTIFICATE-----\n".write(
            to: folder.appendingPathComponent("ca.pem"),
            atomically: true,
            encoding: .utf8
        )
        let set = try LabConfigurationLoader.load(yaml: "upstream: {caBundle: ca.pem}", baseDirectory: folder.path)
            .get()
        #expect(set.upstream.caBundle == folder.appendingPathComponent("ca.pem").standardizedFileURL.path)
        let reread = try LabConfigurationLoader.load(yaml: LabConfigurationRenderer.yaml(set), baseDirectory: "/").get()
        #expect(reread.upstream == set.upstream)
    }

    @Test func networkLabSectionIsSettableAndRoundTrips() throws {
        let empty = try LabConfigurationLoader.load(yaml: "", baseDirectory: "/tmp").get()
        #expect(empty.lab == LabConfiguration.NetworkLab())
        #expect(empty.lab.namespacePrefix == "aprl" && empty.lab.serviceAddress.description == "198.18.0.1")
        let set = try LabConfigurationLoader.load(
            yaml: "lab: {namespacePrefix: lab2, serviceAddress: 198.19.0.1}",
            baseDirectory: "/tmp"
        ).get()
        #expect(set.lab.namespacePrefix == "lab2" && set.lab.serviceAddress.description == "198.19.0.1")
        let reread = try LabConfigurationLoader.load(yaml: LabConfigurationRenderer.yaml(set), baseDirectory: "/tmp")
            .get()
        #expect(reread.lab == set.lab)
    }

    @Test(arguments: [
        ("region: [us-west-2]", "region", ConfigurationError.typeMismatch),
        ("upstream: {readTimeout: soon}", "upstream.readTimeout", .invalidValue),
        ("clients: {readTimeout: 0ms}", "clients.readTimeout", .invalidValue),
        ("clients: {idleTimeout: forever}", "clients.idleTimeout", .invalidValue),
        ("clients: {writeTimeout: 5s}", "clients.writeTimeout", .unknownKey),
        ("clients: 5s", "clients", .typeMismatch),
        ("upstream: {readTimeout: 0ms}", "upstream.readTimeout", .invalidValue),
        ("upstream: {connectTimeout: -5s}", "upstream.connectTimeout", .invalidValue),
        ("upstream: {idleTimeout: 2000m}", "upstream.idleTimeout", .invalidValue),
        ("upstream: {maxConnectionsPerStore: 0}", "upstream.maxConnectionsPerStore", .invalidValue),
        ("upstream: {timeout: 5s}", "upstream.timeout", .unknownKey),
        ("upstream: {caBundle: ''}", "upstream.caBundle", .invalidValue),
        ("upstream: {caBundle: /nonexistent/ca.pem}", "upstream.caBundle", .unreadable),
        ("lab: {namespacePrefix: Lab1}", "lab.namespacePrefix", .invalidValue),
        ("lab: {namespacePrefix: a-b}", "lab.namespacePrefix", .invalidValue),
        ("lab: {namespacePrefix: toolongprefix}", "lab.namespacePrefix", .invalidValue),
        ("lab: {serviceAddress: '::1'}", "lab.serviceAddress", .invalidValue),
        ("lab: {bridge: br0}", "lab.bridge", .unknownKey),
        ("listeners: {proxy: 3128}", "listeners.proxy", .invalidValue),
        ("vpcs: {id: vpc-1}", "vpcs", .typeMismatch),
        ("accounts: [{id: 12345}]", "accounts[0].id", .invalidValue),
        ("accounts: [{users: []}]", "accounts[0].id", .missingKey),
        ("listeners: {https: localhost:443}", "listeners.https", .invalidValue),
        ("listeners: {https: '::1:443'}", "listeners.https", .invalidValue),
        (
            "vpcs: [{id: vpc-1, cidrs: [10.0.0.0/8], enableDnsSupport: maybe}]", "vpcs[0].enableDnsSupport",
            .invalidValue
        ),
        ("vpcs: [{id: vpc-XYZ, cidrs: [10.0.0.0/8]}]", "vpcs[0].id", .invalidValue),
        ("buckets: [{name: Bad_Bucket, account: '123456789012'}]", "buckets[0].name", .invalidValue),
        ("buckets: [{name: b-1, account: '123456789012', store: s3}]", "buckets[0].store", .invalidValue),
        (
            "accounts: [{id: '123456789012', users: [{name: a, accessKeyId: short, secretAccessKey: x}]}]",
            "accounts[0].users[0].accessKeyId", .invalidValue
        ),
        ("hostedZones: [{name: 'bad zone', file: z}]", "hostedZones[0].name", .invalidValue),
        ("quotas: {accessPointsPerAccountPerRegion: 0}", "quotas.accessPointsPerAccountPerRegion", .invalidValue),
        ("quotas: {accessPointsPerAccountPerRegion: many}", "quotas.accessPointsPerAccountPerRegion", .invalidValue),
        ("quotas: {accessPointsPerAccountPerRegion: 1000001}", "quotas.accessPointsPerAccountPerRegion", .invalidValue),
        ("quotas: {accessPoints: 10}", "quotas.accessPoints", .unknownKey),
        ("colour: blue", "colour", .unknownKey),
        ("dns: {forwarders: [192.0.2.53, resolver.example]}", "dns.forwarders[1]", .invalidValue),
        ("dns: {forwarders: ['192.0.2.53:0']}", "dns.forwarders[0]", .invalidValue),
        ("dns: {forwarders: ['192.0.2.53:70000']}", "dns.forwarders[0]", .invalidValue),
        ("dns: {forwarders: ['[::1]:dns']}", "dns.forwarders[0]", .invalidValue),
        ("dns: {forwarders: ['[::1']}", "dns.forwarders[0]", .invalidValue),
        ("dns: {forwarders: [0.0.0.0]}", "dns.forwarders[0]", .invalidValue),
        ("dns: {forwarders: [192.0.2.53, '192.0.2.53:53']}", "dns.forwarders[1]", .duplicate),
        ("dns: {forwarders: [[192.0.2.53]]}", "dns.forwarders[0]", .typeMismatch),
        ("dns: {forwarders: hosts}", "dns.forwarders", .invalidValue),
        ("dns: {forwarder: host}", "dns.forwarder", .unknownKey),
        ("dns: {forwardTimeout: 5ms}", "dns.forwardTimeout", .invalidValue),
        ("dns: {forwardTimeout: 2m}", "dns.forwardTimeout", .invalidValue),
        ("dns: {forwardTimeout: soon}", "dns.forwardTimeout", .invalidValue),
        ("region: us-west-2\nregion: eu-west-1", "", .duplicate),
    ])
    func reportsBadValues(_ yaml: String, keyPath: String, expected: ConfigurationError) {
        guard case .failure(let problems) = LabConfigurationLoader.load(yaml: yaml, baseDirectory: "/tmp") else {
            Issue.record("'\(yaml)' loaded")
            return
        }
        #expect(problems.errors.contains { $0 == expected && $0.keyPath == keyPath }, "\(problems)")
    }

    /// `dns.forwarders` as written → as decoded; each renders and loads back the same.
    @Test(arguments: [
        ("", LabConfiguration.DNS.Forwarders.addresses([])),
        ("dns: {forwarders: []}", .addresses([])),
        ("dns: {forwarders: null}", .addresses([])),
        ("dns: {forwarders: host}", .host),
        ("dns: {forwarders: [192.0.2.53]}", .addresses([ListenAddress("192.0.2.53:53")!])),
        ("dns: {forwarders: ['192.0.2.53:5353']}", .addresses([ListenAddress("192.0.2.53:5353")!])),
        ("dns: {forwarders: ['::1']}", .addresses([ListenAddress("[::1]:53")!])),
        (
            "dns: {forwarders: ['[::1]:53', '[2001:db8::1]']}",
            .addresses([ListenAddress("[::1]:53")!, ListenAddress("[2001:db8::1]:53")!])
        ),
        (
            "dns: {forwarders: [127.0.0.1, '127.0.0.2:5300']}",
            .addresses([ListenAddress("127.0.0.1:53")!, ListenAddress("127.0.0.2:5300")!])
        ),
    ])
    func decodesForwarders(_ yaml: String, expected: LabConfiguration.DNS.Forwarders) throws {
        let lab = try LabConfigurationLoader.load(yaml: yaml, baseDirectory: "/tmp").get()
        #expect(lab.dns.forwarders == expected)
        let reread = LabConfigurationLoader.load(yaml: LabConfigurationRenderer.yaml(lab), baseDirectory: "/tmp")
        #expect(try reread.get().dns.forwarders == expected)
    }

    @Test func forwardTimeoutDefaultsToTwoSecondsAndRoundTrips() throws {
        #expect(
            try LabConfigurationLoader.load(yaml: "", baseDirectory: "/tmp").get().dns.forwardTimeout == .seconds(2)
        )
        let set = try LabConfigurationLoader.load(yaml: "dns: {forwardTimeout: 750ms}", baseDirectory: "/tmp").get()
        #expect(set.dns.forwardTimeout == .milliseconds(750))
        let yaml = LabConfigurationRenderer.yaml(set)
        #expect(yaml.contains("forwardTimeout: 750ms"), "\(yaml)")
        #expect(try LabConfigurationLoader.load(yaml: yaml, baseDirectory: "/tmp").get().dns == set.dns)
    }

    @Test func hostForwardersComeFromResolvConf() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var lab = LabConfiguration.embeddedDefault
        lab.dns.forwarders = .host
        let good = directory + "/resolv.conf"
        try "# test\nsearch lab\nnameserver 192.0.2.53\nnameserver fe80::1%eth0\nnameserver ::1\n"
            .write(toFile: good, atomically: true, encoding: .utf8)
        #expect(
            try LabConfigurationLoader.forwarders(of: lab, resolvConf: good).get() == [
                ListenAddress("192.0.2.53:53")!, ListenAddress("[::1]:53")!,
            ]
        )
        let empty = directory + "/empty.conf"
        try "search lab\n".write(toFile: empty, atomically: true, encoding: .utf8)
        for file in [empty, directory + "/missing.conf"] {
            guard case .failure(let problems) = LabConfigurationLoader.forwarders(of: lab, resolvConf: file) else {
                Issue.record("\(file) gave forwarders")
                continue
            }
            #expect(problems.errors.map(\.keyPath) == ["dns.forwarders"])
            #expect(problems.description.contains(file), "\(problems)")
        }
        lab.dns.forwarders = .addresses([ListenAddress("127.0.0.1:5300")!])
        #expect(
            try LabConfigurationLoader.forwarders(of: lab, resolvConf: empty).get() == [
                ListenAddress("127.0.0.1:5300")!
            ]
        )
    }

    @Test func renderedConfigurationLoadsBackUnchanged() throws {
        let base = FileManager.default.currentDirectoryPath
        let lab = try LabConfigurationLoader.load(file: try Self.fixture("good/two-vpcs")).get()
        let yaml = LabConfigurationRenderer.yaml(lab, showSecrets: true)
        #expect(try LabConfigurationLoader.load(yaml: yaml, baseDirectory: base).get() == lab)
    }

    @Test func renderingRedactsSecretsUnlessAsked() {
        let yaml = LabConfigurationRenderer.yaml(.embeddedDefault)
        #expect(!yaml.contains("wJalrXUtnFEMI"))
        #expect(yaml.contains("secretAccessKey: <redacted>"))
        #expect(yaml.contains(#"id: "123456789012""#))
    }
}
