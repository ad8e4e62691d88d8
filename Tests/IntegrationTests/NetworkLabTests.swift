import APRouterTestSupport
import Foundation
import Testing

/// The end-to-end suite: a network lab made by `aprouter lab up` (each VPC and the internet a network namespace,
/// addresses from 198.18.0.0/15), and real clients run inside it with `aprouter lab exec`: dig resolves through
/// the lab's DNS, the aws CLI and curl use the real AWS hostnames with no endpoint URL, only the lab CA. One case
/// for each seed rule (issue 10's list, numbered in each test's comments). The backing store of
/// `example-bucket` is `aprouter store serve`, whose access log is what the store saw.
///
/// Needs root and `ip netns`; skipped, saying so, where namespaces cannot be made.
@Suite(.serialized, .enabled(if: NamespaceLab.canMakeNamespaces, "needs root and network namespaces (ip netns add)"))
struct NetworkLabTests {
    static let account = "123456789012"

    /// Cases 1–7: VPC origin through DNS and the router, the internet access point, and the refusals.
    @Test func vpcAccessPointAnswersOnlyInItsVPCAndTheSeedsRefusalsHold() async throws {
        let lab = try await NamespaceLab.start()
        defer { lab.stop() }
        #expect(try await lab.aws("vpc-a1", Self.createAccessPoint("vpcap", vpc: "vpc-a1")).status == 0)
        #expect(try await lab.aws("vpc-a1", Self.createAccessPoint("wideap")).status == 0)
        let vpcHost = "vpcap-\(Self.account).s3-accesspoint.us-west-2.amazonaws.com"
        let wideHost = "wideap-\(Self.account).s3-accesspoint.us-west-2.amazonaws.com"

        // 1. In its VPC: the name resolves to the router, and the request goes through to the store.
        let resolved = try await lab.dig("vpc-a1", vpcHost)
        #expect(resolved.status == "NOERROR" && resolved.answers.contains { $0.hasSuffix("198.18.0.1") }, "\(resolved)")
        let put = try await lab.aws("vpc-a1", Self.putObject("vpcap", key: "k1", file: lab.file("one\n")))
        #expect(put.status == 0, "\(put.text)\n\(lab.serverLog)")
        let get = try await lab.aws("vpc-a1", Self.getObject("vpcap", key: "k1", to: lab.directory.path + "/out1"))
        #expect(get.status == 0, "\(get.text)")
        #expect(try String(contentsOfFile: lab.directory.path + "/out1", encoding: .utf8) == "one\n")
        #expect(try await lab.storeSaw(method: "PUT", key: "k1", expecting: 1) == 1)
        #expect(try await lab.storeSaw(method: "GET", key: "k1", expecting: 1) == 1)

        // 2. From another VPC and from the internet: NXDOMAIN; with the address forced, 403 AccessDenied.
        let before = lab.storeRequests
        for segment in ["vpc-c3", "internet"] {
            let answer = try await lab.dig(segment, vpcHost)
            #expect(answer.status == "NXDOMAIN", "\(segment): \(answer)")
            let forced = try await lab.curl(segment, "https://\(vpcHost)/k1", signed: true)
            #expect(forced.hasSuffix(" 403") && forced.contains("<Code>AccessDenied</Code>"), "\(segment): \(forced)")
        }
        #expect(try await lab.settledStoreRequests() == before, "a refused request reached the store")

        // 3. The internet access point: reachable from every namespace (vpc-b2's endpoint policy names only epap,
        // so it is case 8's, not this one's).
        #expect(try await lab.aws("internet", Self.putObject("wideap", key: "w", file: lab.file("wide\n"))).status == 0)
        for segment in ["vpc-a1", "vpc-c3", "internet"] {
            let out = lab.directory.path + "/wide-\(segment)"
            let got = try await lab.aws(segment, Self.getObject("wideap", key: "w", to: out))
            #expect(got.status == 0, "\(segment): \(got.text)")
            #expect((try? String(contentsOfFile: out, encoding: .utf8)) == "wide\n", "\(segment)")
        }
        let wideGets = try await lab.storeSaw(method: "GET", key: "w", expecting: 3)
        #expect(wideGets == 3, "\(wideGets) GETs: \(lab.store.output.suffix(3000))")

        // 4–7. Plain HTTP, path-style, anonymous and SigV2 presigned: refused, never forwarded.
        let refusedBefore = lab.storeRequests
        let plain = try await lab.curl("vpc-a1", "http://\(wideHost)/w", signed: true)
        #expect(plain.hasSuffix(" 400") && plain.contains("<Code>InvalidRequest</Code>"), "\(plain)")
        let pathStyle = try await lab.curl(
            "vpc-a1",
            "https://s3.us-west-2.amazonaws.com/example-bucket/w",
            signed: true
        )
        #expect(pathStyle.hasSuffix(" 400") && pathStyle.contains("virtual-host"), "\(pathStyle)")
        let anonymous = try await lab.curl("vpc-a1", "https://\(wideHost)/w", signed: false)
        #expect(anonymous.hasSuffix(" 403") && anonymous.contains("<Code>AccessDenied</Code>"), "\(anonymous)")
        let sigV2 = try await lab.curl(
            "vpc-a1",
            "https://\(wideHost)/w?AWSAccessKeyId=\(NamespaceLab.alice.key)&Expires=2000000000&Signature=c2lnbmF0dXJl",
            signed: false
        )
        #expect(sigV2.hasSuffix(" 400") && sigV2.contains("AWS4-HMAC-SHA256"), "\(sigV2)")
        #expect(try await lab.settledStoreRequests() == refusedBefore, "a refused request reached the store")
    }

    /// Case 8: the seed's VPC endpoint policy (GetObject on the bucket and one access point); case 9: access point
    /// and bucket policies that disagree, and a bucket that delegates to its access points.
    @Test func endpointAccessPointAndBucketPoliciesDecideTogether() async throws {
        let lab = try await NamespaceLab.start()
        defer { lab.stop() }
        #expect(try await lab.aws("vpc-a1", Self.createAccessPoint("epap", vpc: "vpc-b2")).status == 0)
        #expect(try await lab.aws("vpc-a1", Self.createAccessPoint("wideap")).status == 0)
        // epap is vpc-b2's: the internet cannot use it. The object is written through wideap from vpc-a1, whose
        // endpoint allows everything.
        #expect(try await lab.aws("internet", Self.putObject("epap", key: "e", file: lab.file("e\n"))).status != 0)
        #expect(try await lab.aws("vpc-a1", Self.putObject("wideap", key: "e", file: lab.file("e\n"))).status == 0)

        // 8. From vpc-b2 (endpoint policy: GetObject on example-bucket and on epap only).
        let out = lab.directory.path + "/e"
        let get = try await lab.aws("vpc-b2", Self.getObject("epap", key: "e", to: out))
        #expect(get.status == 0, "\(get.text)\n\(lab.serverLog)")
        let put = try await lab.aws("vpc-b2", Self.putObject("epap", key: "e2", file: lab.file("x\n")))
        #expect(put.status != 0 && put.text.contains("AccessDenied"), "\(put.text)")
        let other = try await lab.aws("vpc-b2", Self.getObject("wideap", key: "e", to: out))
        #expect(other.status != 0 && other.text.contains("AccessDenied"), "\(other.text)")
        #expect(try await lab.storeSaw(method: "PUT", key: "e2", expecting: 0) == 0)

        // 9. bob has no identity policy. The access point grants him GetObject and PutObject; guarded-bucket
        // delegates to its account's access points but denies PutObject: the more restrictive wins.
        #expect(
            try await lab.aws("vpc-a1", Self.createAccessPoint("bobap", bucket: "guarded-bucket")).status == 0
        )
        let bobPolicy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\(Self.account):user/bob"},\
            "Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:us-west-2:\(Self.account):accesspoint/bobap/object/*"}]}
            """
        let policy = try await lab.aws(
            "vpc-a1",
            [
                "s3control", "put-access-point-policy", "--account-id", Self.account, "--name", "bobap", "--policy",
                bobPolicy,
            ]
        )
        #expect(policy.status == 0, "\(policy.text)")
        let seeded = try await lab.aws("vpc-a1", Self.putObject("bobap", key: "b", file: lab.file("b\n")))
        #expect(
            seeded.status != 0 && seeded.text.contains("AccessDenied"),
            "the bucket denies PutObject: \(seeded.text)"
        )
        let bobGet = try await lab.aws("internet", Self.getObject("bobap", key: "b", to: out), user: NamespaceLab.bob)
        // The object does not exist; the decision allowed the read, so the store answers NoSuchKey.
        #expect(bobGet.text.contains("NoSuchKey") || bobGet.text.contains("Not Found"), "\(bobGet.text)")
        let bobPut = try await lab.aws(
            "internet",
            Self.putObject("bobap", key: "b", file: lab.file("b\n")),
            user: NamespaceLab.bob
        )
        #expect(bobPut.status != 0 && bobPut.text.contains("AccessDenied"), "\(bobPut.text)")
        let bobElsewhere = try await lab.aws(
            "internet",
            Self.getObject("wideap", key: "e", to: out),
            user: NamespaceLab.bob
        )
        #expect(bobElsewhere.status != 0 && bobElsewhere.text.contains("AccessDenied"), "\(bobElsewhere.text)")
    }

    /// Cases 10, 11, 12 and 14: the control API's limits, through the real s3-control hostname from a VPC.
    @Test func controlAPILimitsHold() async throws {
        let lab = try await NamespaceLab.start()
        defer { lab.stop() }
        #expect(try await lab.aws("vpc-a1", Self.createAccessPoint("fixed", vpc: "vpc-a1")).status == 0)

        // 10. A policy over 20 KB.
        let statement =
            #"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-west-2:123456789012:accesspoint/fixed/object/padding-0123456789"}"#
        let big =
            #"{"Version":"2012-10-17","Statement":["#
            + Array(repeating: statement, count: 120)
            .joined(separator: ",") + "]}"
        #expect(big.utf8.count > 20 * 1024)
        let tooBig = try await lab.aws(
            "vpc-a1",
            ["s3control", "put-access-point-policy", "--account-id", Self.account, "--name", "fixed", "--policy", big]
        )
        #expect(tooBig.status != 0 && tooBig.text.contains("MalformedPolicy"), "\(tooBig.text)")

        // 11. The bucket and VPC are fixed at creation; deleting and creating again on another bucket works.
        let moved = try await lab.aws("vpc-a1", Self.createAccessPoint("fixed", bucket: "other-bucket"))
        #expect(moved.status != 0 && moved.text.contains("AccessPointAlreadyOwnedByYou"), "\(moved.text)")
        let described = try await lab.aws(
            "vpc-a1",
            ["s3control", "get-access-point", "--account-id", Self.account, "--name", "fixed"]
        )
        #expect(described.text.contains("\"Bucket\": \"example-bucket\"") && described.text.contains("vpc-a1"))
        let deleted = try await lab.aws(
            "vpc-a1",
            ["s3control", "delete-access-point", "--account-id", Self.account, "--name", "fixed"]
        )
        #expect(deleted.status == 0, "\(deleted.text)")
        #expect(try await lab.aws("vpc-a1", Self.createAccessPoint("fixed", bucket: "other-bucket")).status == 0)
        let again = try await lab.aws(
            "vpc-a1",
            ["s3control", "get-access-point", "--account-id", Self.account, "--name", "fixed"]
        )
        #expect(again.text.contains("\"Bucket\": \"other-bucket\"") && again.text.contains("Internet"), "\(again.text)")

        // 12. The lab's quota is 4 access points per account and region: one is left, then the next fails.
        #expect(try await lab.aws("vpc-a1", Self.createAccessPoint("quota2")).status == 0)
        #expect(try await lab.aws("vpc-a1", Self.createAccessPoint("quota3")).status == 0)
        #expect(try await lab.aws("vpc-a1", Self.createAccessPoint("quota4")).status == 0)
        let over = try await lab.aws("vpc-a1", Self.createAccessPoint("quota5"))
        #expect(over.status != 0 && over.text.contains("TooManyAccessPoints"), "\(over.text)")

        // 14. mallory (account 210987654321) cannot manage account 123456789012's access points.
        let foreign = try await lab.aws(
            "vpc-a1",
            ["s3control", "list-access-points", "--account-id", Self.account],
            user: NamespaceLab.mallory
        )
        #expect(foreign.status != 0 && foreign.text.contains("AccessDenied"), "\(foreign.text)")
    }

    /// Case 13, and the lab's own lifecycle: private names need enableDnsHostnames; `lab up` refuses over a lab
    /// that is already up; `lab down` removes every namespace and file.
    @Test func privateZonesFollowDNSHostnamesAndTheLabComesAndGoesWhole() async throws {
        // The upstream resolver: NSD on the host's loopback, which the lab's DNS server (its process stays in the
        // host's namespace) reaches while nothing inside the lab can.
        let upstream = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: upstream) }
        let nsdPort = try BackgroundProcess.freeLoopbackPort()
        let nsd = try DNSForwardingTests.startNSD(in: upstream, port: nsdPort)
        defer { nsd.stop(grace: .milliseconds(100)) }
        #expect(try await nsd.waitUntilListening(port: nsdPort), "\(nsd.output)")
        let lab = try await NamespaceLab.start(forwarders: ["127.0.0.1:\(nsdPort)"])
        // Every other name goes to the upstream resolver, as from a VPC's resolver.
        let forwarded = try await lab.dig("vpc-a1", "www.upstream.test")
        #expect(
            forwarded.status == "NOERROR" && forwarded.answers.contains { $0.hasSuffix("192.0.2.80") },
            "\(forwarded)"
        )
        let direct = try await lab.exec(
            "vpc-a1",
            ["dig", "+time=1", "+tries=1", "@127.0.0.1", "-p", "\(nsdPort)", "www.upstream.test"]
        )
        #expect(
            direct.text.contains("timed out") || direct.text.contains("no servers"),
            "the lab reached the host: \(direct.text)"
        )
        let inVPC = try await lab.dig("vpc-a1", "www.corp.internal")
        #expect(inVPC.status == "NOERROR" && !inVPC.answers.isEmpty, "\(inVPC)")
        // 13. vpc-c3 is associated with the zone but has enableDnsHostnames false.
        let noHostnames = try await lab.dig("vpc-c3", "www.corp.internal")
        #expect(noHostnames.answers.isEmpty && noHostnames.status != "NOERROR", "\(noHostnames)")
        let outside = try await lab.dig("internet", "www.corp.internal")
        #expect(outside.answers.isEmpty, "\(outside)")

        let second = try AprouterCommand.run(["lab", "up", "--config", lab.config.path], in: lab.directory)
        #expect(second.status == 1 && second.stderr.contains("is up or half-made"), "\(second.stderr)")
        #expect(NamespaceLab.namespaces(lab.prefix).count == 5, "the refused lab up touched nothing")

        // A second lab whose servers cannot start (the first lab holds its admin port): lab up says why, with the
        // server's log, and leaves nothing behind.
        let clash = lab.directory.appendingPathComponent("clash.yaml")
        let other = "z" + lab.prefix.dropFirst()
        try String(contentsOf: lab.config, encoding: .utf8)
            .replacingOccurrences(of: "namespacePrefix: \(lab.prefix)", with: "namespacePrefix: \(other)")
            .write(to: clash, atomically: true, encoding: .utf8)
        let clashed = try AprouterCommand.run(["lab", "up", "--config", clash.path], in: lab.directory)
        #expect(clashed.status == 1, "\(clashed.stdout)\(clashed.stderr)")
        #expect(clashed.stderr.contains("before it was ready") && clashed.stderr.contains("admin"), "\(clashed.stderr)")
        #expect(NamespaceLab.namespaces(other).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/run/aprouter/\(other)"))

        let unknown = try await lab.exec("vpc-zz", ["true"])
        #expect(unknown.status == 1 && unknown.text.contains("choose one of: internet, vpc-a1, vpc-b2, vpc-c3"))

        let down = try AprouterCommand.run(["lab", "down", "--config", lab.config.path], in: lab.directory)
        #expect(down.status == 0 && down.stdout.contains("removed the servers"), "\(down.stdout)\(down.stderr)")
        #expect(NamespaceLab.namespaces(lab.prefix).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/etc/netns/\(lab.prefix)-vpc-a1"))
        #expect(!FileManager.default.fileExists(atPath: "/run/aprouter/\(lab.prefix)"))
        let nothing = try AprouterCommand.run(["lab", "down", "--config", lab.config.path], in: lab.directory)
        #expect(nothing.status == 0 && nothing.stdout.contains("nothing of lab"), "\(nothing.stdout)")
        lab.stop()
    }

    /// A lab that cannot be made is refused with the key that prevents it, and nothing is made.
    @Test func aLoopbackLabIsRefusedByName() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("lab.yaml")
        try """
        lab: {namespacePrefix: badlab}
        vpcs:
          - {id: vpc-1a2b3c, cidrs: [127.0.10.0/24]}
        """.write(to: file, atomically: true, encoding: .utf8)
        let up = try AprouterCommand.run(["lab", "up", "--config", file.path], in: directory)
        #expect(up.status == 1, "\(up.stdout)\(up.stderr)")
        #expect(up.stderr.contains("vpcs[0].cidrs[0]") && up.stderr.contains("198.18.0.0/15"), "\(up.stderr)")
        #expect(NamespaceLab.namespaces("badlab").isEmpty)
    }

    /// Case 15: a multi-region access point, created asynchronously and read with SigV4A from a VPC through its
    /// global name; with the first region's store stopped, the read fails over to the other region's bucket.
    @Test func multiRegionAccessPointFailsOverInsideTheLab() async throws {
        let lab = try await NamespaceLab.start()
        defer { lab.stop() }
        let created = try await lab.aws(
            "vpc-a1",
            [
                "s3control", "create-multi-region-access-point", "--account-id", Self.account, "--details",
                #"{"Name":"global","Regions":[{"Bucket":"example-bucket"},{"Bucket":"east-bucket"}]}"#,
            ]
        )
        #expect(created.status == 0, "\(created.text)")
        let token = try #require(ForwardProxyTests.field("RequestTokenARN", in: created.text), "\(created.text)")
        var status = ""
        for _ in 0..<60 where status != "SUCCEEDED" && status != "FAILED" {
            let described = try await lab.aws(
                "vpc-a1",
                [
                    "s3control", "describe-multi-region-access-point-operation", "--account-id", Self.account,
                    "--request-token-arn", token,
                ]
            )
            status = ForwardProxyTests.field("RequestStatus", in: described.text) ?? ""
            if status != "SUCCEEDED" { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(status == "SUCCEEDED")
        let got = try await lab.aws(
            "vpc-a1",
            ["s3control", "get-multi-region-access-point", "--account-id", Self.account, "--name", "global"]
        )
        let alias = try #require(ForwardProxyTests.field("Alias", in: got.text), "\(got.text)")
        let global = "\(alias).accesspoint.s3-global.amazonaws.com"
        let resolved = try await lab.dig("vpc-a1", global)
        #expect(resolved.answers.contains { $0.hasSuffix("198.18.0.1") }, "\(resolved)")

        // Both regions up: the router's own region (us-west-2, on the backing store) takes the write, signed with
        // SigV4A by botocore and awscrt for the global name.
        let arn = "arn:aws:s3::\(Self.account):accesspoint/\(alias)"
        let put = try await lab.aws(
            "vpc-a1",
            ["s3api", "put-object", "--bucket", arn, "--key", "g", "--body", try lab.file("west\n"), "--debug"]
        )
        #expect(put.status == 0, "\(put.text.suffix(2000))")
        #expect(put.text.contains("AWS4-ECDSA-P256-SHA256") && put.text.contains(global), "\(put.text.suffix(2000))")
        #expect(try await lab.storeSaw(method: "PUT", key: "g", expecting: 1) == 1)
        let out = lab.directory.path + "/g"
        let first = try await lab.aws("vpc-a1", ["s3api", "get-object", "--bucket", arn, "--key", "g", out])
        #expect(first.status == 0, "\(first.text)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "west\n")

        // us-west-2's store stops: reads go to us-east-1, which answers for itself (an empty bucket).
        #expect(lab.stopStore() != nil)
        let listed = try await lab.aws("vpc-a1", ["s3api", "list-objects-v2", "--bucket", arn])
        #expect(listed.status == 0, "\(listed.text)\n\(lab.serverLog.suffix(3000))")
        #expect(!listed.text.contains(#""Key": "g""#), "\(listed.text)")
        let missing = try await lab.aws("vpc-a1", ["s3api", "get-object", "--bucket", arn, "--key", "g", out])
        #expect(missing.status != 0 && missing.text.contains("NoSuchKey"), "the other region answered: \(missing.text)")
    }

    /// Terraform's AWS provider inside a VPC namespace, with no `endpoints` override and no proxy: apply, a plan
    /// with no changes, destroy.
    @Test func terraformWorksInsideAVPCWithTheRealHostnames() async throws {
        let lab = try await NamespaceLab.start()
        defer { lab.stop() }
        let work = lab.directory.appendingPathComponent("terraform")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try TerraformTests.configuration(proxyPort: nil, vpc: "vpc-a1")
            .write(to: work.appendingPathComponent("main.tf"), atomically: true, encoding: .utf8)
        let environment = try TerraformTests.environment(in: lab.directory)
        func terraform(_ arguments: [String]) async throws -> ExternalCommand.Output {
            try await lab.exec(
                "vpc-a1",
                ["terraform", "-chdir=\(work.path)"] + arguments + ["-no-color"],
                environment: environment
            )
        }
        try await TerraformTests.applyPlanAndDestroy(terraform, serverLog: { lab.serverLog })
        // The requests came from the VPC's own address, by the real hostname.
        #expect(lab.serverLog.contains("source=198.18.30.10"), "\(lab.serverLog.suffix(2000))")
    }

    static func createAccessPoint(_ name: String, bucket: String = "example-bucket", vpc: String? = nil) -> [String] {
        ["s3control", "create-access-point", "--account-id", account, "--name", name, "--bucket", bucket]
            + (vpc.map { ["--vpc-configuration", "VpcId=\($0)"] } ?? [])
    }

    static func arn(_ accessPoint: String) -> String { "arn:aws:s3:us-west-2:\(account):accesspoint/\(accessPoint)" }

    static func putObject(_ accessPoint: String, key: String, file: String) -> [String] {
        ["s3api", "put-object", "--bucket", arn(accessPoint), "--key", key, "--body", file]
    }

    static func getObject(_ accessPoint: String, key: String, to file: String) -> [String] {
        ["s3api", "get-object", "--bucket", arn(accessPoint), "--key", key, file]
    }
}

/// One network lab for one test: its lab file in a temporary directory, `aprouter lab up` run on it, and
/// `aprouter store serve` as the backing store of `example-bucket`. `stop()` runs `lab down`.
final class NamespaceLab: Sendable {
    struct User: Sendable {
        let key: String
        let secret: String
    }

    static let alice = User(key: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let bob = User(key: "AKIAIBOBEXAMPLE00001", secret: "bobSecretKeyExample0123456789abcdef")
    static let mallory = User(key: "AKIAIMALLORYEXAMPLE1", secret: "mallorySecretKeyExample0123456789ab")
    static let storeCredential = "AKIASTOREEXAMPLE0001:storeSecretKeyExample0123456789abc"

    let directory: URL
    let config: URL
    let prefix: String
    let store: BackgroundProcess

    /// Root, iproute2, and a namespace can actually be made here.
    static let canMakeNamespaces: Bool = {
        guard geteuid() == 0 else { return false }
        let name = "aprtest-probe-\(getpid())"
        let made = (try? run(["ip", "netns", "add", name])) == 0
        if made { _ = try? run(["ip", "netns", "delete", name]) }
        return made
    }()

    private static func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The namespaces named `<prefix>-…` that exist now.
    static func namespaces(_ prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []).filter {
            $0.hasPrefix("\(prefix)-")
        }
    }

    /// A lab whose resolver forwards to `forwarders` (none: the host's resolvers, as every network lab's).
    static func start(forwarders: [String] = []) async throws -> NamespaceLab {
        let directory = try ConfigCheckTests.temporaryDirectory()
        let prefix = "e2e" + String((0..<5).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement()! })
        let data = directory.appendingPathComponent("store")
        try FileManager.default.createDirectory(
            at: data.appendingPathComponent("backing"),
            withIntermediateDirectories: true
        )
        let storePort = try BackgroundProcess.freeLoopbackPort()
        let store = try BackgroundProcess(
            executable: AprouterCommand.binary,
            arguments: [
                "store", "serve", "--dir", data.path, "--listen", "127.0.0.1:\(storePort)", "--credential",
                storeCredential,
            ]
        )
        guard try await store.waitUntilListening(port: storePort) else {
            _ = store.stop()
            throw LabError("store serve did not start: \(store.output)")
        }
        let zones = directory.appendingPathComponent("zones")
        try FileManager.default.createDirectory(at: zones, withIntermediateDirectories: true)
        try """
        $ORIGIN corp.internal.
        $TTL 300
        @ IN SOA ns.corp.internal. hostmaster.corp.internal. 1 3600 600 86400 300
        @ IN NS ns.corp.internal.
        ns IN A 198.18.0.1
        www IN A 198.18.99.7
        """.write(to: zones.appendingPathComponent("corp.internal.zone"), atomically: true, encoding: .utf8)
        let (storeKey, storeSecret) = (
            storeCredential.prefix { $0 != ":" }, storeCredential.drop { $0 != ":" }.dropFirst()
        )
        let admin = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        let endpointPolicy = """
            {"Version":"2012-10-17","Statement":[{"Principal":"*","Action":["s3:GetObject"],"Effect":"Allow",\
            "Resource":["arn:aws:s3:::example-bucket/*","arn:aws:s3:us-west-2:123456789012:accesspoint/epap/object/*"]}]}
            """
        let guarded = """
            {"Version":"2012-10-17","Statement":[\
            {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::guarded-bucket","arn:aws:s3:::guarded-bucket/*"],\
            "Condition":{"StringEquals":{"s3:DataAccessPointAccount":"123456789012"}}},\
            {"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::guarded-bucket/*"}]}
            """
        let config = directory.appendingPathComponent("lab.yaml")
        try """
        region: us-west-2
        endpointSuffixes: [amazonaws.com]
        listeners: {https: "127.0.0.1:0", http: "127.0.0.1:0", dns: "127.0.0.1:0", admin: "127.0.0.1:\(try BackgroundProcess.freeLoopbackPort())"}
        lab: {namespacePrefix: \(prefix)}
        \(forwarders.isEmpty ? "" : "dns: {forwarders: [\(forwarders.joined(separator: ", "))]}")
        quotas: {accessPointsPerAccountPerRegion: 4}
        accounts:
          - id: "123456789012"
            users:
              - {name: alice, accessKeyId: \(alice.key), secretAccessKey: \(alice.secret), policy: '\(admin)'}
              - {name: bob, accessKeyId: \(bob.key), secretAccessKey: \(bob.secret), policy: null}
          - id: "210987654321"
            users:
              - {name: mallory, accessKeyId: \(mallory.key), secretAccessKey: \(mallory.secret), policy: '\(admin)'}
        vpcs:
          - {id: vpc-a1, cidrs: [198.18.30.0/24], endpoint: {id: vpce-a1, policy: null}}
          - {id: vpc-b2, cidrs: [198.18.31.0/24], endpoint: {id: vpce-b2, policy: '\(endpointPolicy)'}}
          - {id: vpc-c3, cidrs: [198.18.32.0/24], enableDnsHostnames: false, endpoint: {id: vpce-c3, policy: null}}
        internet: {cidrs: [198.18.40.0/24]}
        buckets:
          - name: example-bucket
            account: "123456789012"
            store: {endpoint: "http://127.0.0.1:\(storePort)", bucket: backing, accessKeyId: \(storeKey), secretAccessKey: \(storeSecret), pathStyle: true}
          - {name: other-bucket, account: "123456789012", store: embedded}
          - {name: guarded-bucket, account: "123456789012", store: embedded, policy: '\(guarded)'}
          - {name: east-bucket, account: "123456789012", region: us-east-1, store: embedded}
        hostedZones:
          - {name: corp.internal, file: corp.internal.zone, vpcs: [vpc-a1, vpc-c3]}
        """.write(to: config, atomically: true, encoding: .utf8)
        let up = try AprouterCommand.run(["lab", "up", "--config", config.path], in: directory)
        guard up.status == 0 else {
            _ = store.stop()
            throw LabError("lab up failed (\(up.status)): \(up.stdout)\(up.stderr)")
        }
        return NamespaceLab(directory: directory, config: config, prefix: prefix, store: store)
    }

    private init(directory: URL, config: URL, prefix: String, store: BackgroundProcess) {
        self.directory = directory
        self.config = config
        self.prefix = prefix
        self.store = store
    }

    func stop() {
        _ = try? AprouterCommand.run(["lab", "down", "--config", config.path], in: directory)
        _ = store.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stops the backing store of example-bucket; its exit status.
    func stopStore() -> Int32? { store.stop() }

    var serverLog: String {
        (try? String(contentsOfFile: "/run/aprouter/\(prefix)/server.log", encoding: .utf8)) ?? ""
    }

    /// Requests the backing store has logged so far.
    var storeRequests: Int { store.output.components(separatedBy: "[StoreServer] request").count - 1 }

    /// How many of the store's requests had this method and key, once `expected` of them were logged (the store
    /// logs a request after answering it, so its line may come after the client is done) or 30 s passed. For 0, the
    /// count after a short wait, so a late line is still seen.
    func storeSaw(method: String, key: String, expecting expected: Int) async throws -> Int {
        func count() -> Int {
            store.output.split(separator: "\n").filter {
                $0.contains("[StoreServer] request") && $0.contains("method=\(method) ") && $0.contains("key=\(key) ")
            }.count
        }
        if expected == 0 { try await Task.sleep(for: .milliseconds(300)) }
        for _ in 0..<600 where count() < expected { try await Task.sleep(for: .milliseconds(50)) }
        return count()
    }

    /// `storeRequests` after a short wait, for checks that nothing more reached the store.
    func settledStoreRequests() async throws -> Int {
        try await Task.sleep(for: .milliseconds(300))
        return storeRequests
    }

    /// A file in the lab's directory with `text` in it.
    func file(_ text: String) throws -> String {
        let url = directory.appendingPathComponent("in-\(UUID().uuidString)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// `aprouter lab exec SEGMENT -- COMMAND`.
    func exec(
        _ segment: String,
        _ command: [String],
        environment: [String: String] = [:]
    ) async throws
        -> ExternalCommand.Output
    {
        try await ExternalCommand.run(
            [AprouterCommand.binary.path, "lab", "exec", "--config", config.path, segment, "--"] + command,
            environment: environment
        )
    }

    /// The aws CLI inside `segment`, as `user`, with no endpoint URL: names resolve through the lab's DNS.
    func aws(_ segment: String, _ arguments: [String], user: User = alice) async throws -> ExternalCommand.Output {
        try await exec(
            segment,
            ["aws"] + arguments + ["--output", "json", "--cli-read-timeout", "20", "--cli-connect-timeout", "5"],
            environment: [
                "AWS_ACCESS_KEY_ID": user.key, "AWS_SECRET_ACCESS_KEY": user.secret, "AWS_DEFAULT_REGION": "us-west-2",
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_MAX_ATTEMPTS": "1",
            ]
        )
    }

    /// dig inside `segment`, through the lab's resolver: the status and the answer records.
    func dig(_ segment: String, _ name: String) async throws -> (status: String, answers: [String]) {
        let text = try await exec(segment, ["dig", "+time=2", "+tries=1", "+noall", "+comments", "+answer", name]).text
        let status =
            text.range(of: "status: ").map { String(text[$0.upperBound...].prefix { $0.isLetter }) } ?? "no answer"
        let answers = text.split(separator: "\n").filter { !$0.hasPrefix(";") && !$0.isEmpty }.map(String.init)
        return (status, answers)
    }

    /// curl inside `segment` with the router's address forced (no DNS), signed with SigV4 by alice or not at all:
    /// the body and the status code.
    func curl(_ segment: String, _ url: String, signed: Bool) async throws -> String {
        let host = URL(string: url)?.host ?? ""
        let port = url.hasPrefix("https:") ? 443 : 80
        var arguments = [
            "curl", "-s", "-w", " %{http_code}", "--max-time", "10", "--resolve", "\(host):\(port):198.18.0.1",
            "--cacert", directory.appendingPathComponent("certs/ca.pem").path,
        ]
        if signed {
            arguments += [
                "-H", "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "--aws-sigv4", "aws:amz:us-west-2:s3", "--user", "\(Self.alice.key):\(Self.alice.secret)",
            ]
        }
        return try await exec(segment, arguments + [url]).text
    }
}

struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
