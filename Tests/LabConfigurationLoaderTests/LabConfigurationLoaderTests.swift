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
        ("upstream: {readTimeout: 0ms}", "upstream.readTimeout", .invalidValue),
        ("upstream: {connectTimeout: -5s}", "upstream.connectTimeout", .invalidValue),
        ("upstream: {idleTimeout: 2000m}", "upstream.idleTimeout", .invalidValue),
        ("upstream: {maxConnectionsPerStore: 0}", "upstream.maxConnectionsPerStore", .invalidValue),
        ("upstream: {timeout: 5s}", "upstream.timeout", .unknownKey),
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
        ("region: us-west-2\nregion: eu-west-1", "", .duplicate),
    ])
    func reportsBadValues(_ yaml: String, keyPath: String, expected: ConfigurationError) {
        guard case .failure(let problems) = LabConfigurationLoader.load(yaml: yaml, baseDirectory: "/tmp") else {
            Issue.record("'\(yaml)' loaded")
            return
        }
        #expect(problems.errors.contains { $0 == expected && $0.keyPath == keyPath }, "\(problems)")
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
