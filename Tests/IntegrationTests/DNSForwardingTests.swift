import APRouterTestSupport
import Foundation
import Testing

/// `aprouter serve` as a VPC resolver: our zones first, every other name forwarded to the lab's
/// `dns.forwarders`, here NSD on a free loopback port serving upstream.test; `dig` judges.
@Suite(.serialized)
struct DNSForwardingTests {
    static let upstreamZone = """
        $ORIGIN upstream.test.
        $TTL 300
        @     IN SOA ns1 hostmaster 1 7200 900 1209600 60
        @     IN NS  ns1
        ns1   IN A   127.0.0.53
        www   IN A   192.0.2.80
        alias IN CNAME www
        """

    /// NSD serving upstream.test on 127.0.0.1:`port`, from `directory`.
    static func startNSD(in directory: URL, port: Int) throws -> BackgroundProcess {
        let d = directory.path
        try FileManager.default.createDirectory(atPath: d + "/upstream", withIntermediateDirectories: true)
        try upstreamZone.write(toFile: d + "/upstream/upstream.test.zone", atomically: true, encoding: .utf8)
        let conf = d + "/nsd.conf"
        try """
        server:
            ip-address: 127.0.0.1@\(port)
            username: ""
            chroot: ""
            zonesdir: "\(d)/upstream"
            pidfile: "\(d)/nsd.pid"
            zonelistfile: "\(d)/zone.list"
            xfrdfile: "\(d)/xfrd.state"
            xfrdir: "\(d)"
            database: ""
            logfile: "\(d)/nsd.log"
            server-count: 1
            verbosity: 1
            rrl-ratelimit: 0
            minimal-responses: yes
        remote-control:
            control-enable: no
        zone:
            name: upstream.test
            zonefile: upstream.test.zone
        """.write(toFile: conf, atomically: true, encoding: .utf8)
        let nsd = ["/usr/sbin/nsd", "/usr/local/sbin/nsd"].first { FileManager.default.isExecutableFile(atPath: $0) }
        return try BackgroundProcess(
            executable: URL(fileURLWithPath: nsd ?? "/usr/sbin/nsd"),
            arguments: ["-d", "-c", conf],
            directory: directory
        )
    }

    /// The lab of `ServeTests` (corp.internal private to 127.0.10.0/24), plus a VPC with DNS support off on
    /// 127.0.30.0/24, forwarding to `forwarder`.
    static func lab(in directory: URL, forwarder: String) throws -> URL {
        let lab = try ServeTests.lab(in: directory)
        try """
        listeners: {https: "127.0.0.1:0", http: "127.0.0.1:0", dns: "127.0.0.1:0", admin: "127.0.0.1:0"}
        accounts: [{id: "123456789012"}]
        vpcs:
          - {id: vpc-1a2b3c, cidrs: [127.0.10.0/24]}
          - {id: vpc-0ff0ff, cidrs: [127.0.30.0/24], enableDnsSupport: false}
        hostedZones: [{name: corp.internal, file: corp.internal.zone, vpcs: [vpc-1a2b3c]}]
        dns: {forwarders: ["\(forwarder)"]}
        """.write(to: lab, atomically: true, encoding: .utf8)
        return lab
    }

    /// What the tests read from dig's output.
    struct Dig {
        var status: String?
        var flags: Set<String>
        /// Answer and authority records as (name, ttl, type, data).
        var records: [(name: String, ttl: Int, type: String, data: String)]
        var text: String

        init(_ text: String) {
            self.text = text
            status = text.firstMatch(of: /status: ([A-Z]+)/).map { String($0.1) }
            flags = Set(
                (text.firstMatch(of: /;; flags: ([a-z ]+);/).map { String($0.1) } ?? "").split(separator: " ")
                    .map(String.init)
            )
            records = text.split(separator: "\n").compactMap { line in
                guard !line.hasPrefix(";") else { return nil }
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count >= 5, let ttl = Int(fields[1]), fields[2] == "IN" else { return nil }
                return (String(fields[0]), ttl, String(fields[3]), fields[4...].joined(separator: " "))
            }
        }
    }

    static func dig(_ port: Int, _ arguments: [String], from source: String = "127.0.10.5") async throws -> Dig {
        Dig(try await ExternalCommand.dig(["@127.0.0.1", "-p", "\(port)", "-b", source] + arguments))
    }

    @Test func forwardsOtherNamesCachesThemAndKeepsOurZonesAndRefusals() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let nsdPort = try BackgroundProcess.freeLoopbackPort()
        let nsd = try Self.startNSD(in: directory, port: nsdPort)
        defer { nsd.stop(grace: .milliseconds(100)) }
        #expect(try await nsd.waitUntilListening(port: nsdPort), "\(nsd.output)")
        let lab = try Self.lab(in: directory, forwarder: "127.0.0.1:\(nsdPort)")
        let server = try RunningServer(arguments: ["serve", "--config", lab.path], in: directory)
        defer { _ = server.stop() }
        let port = try #require(try await server.dnsPort(), "\(server.output)")

        // Our private zone: answered by us, authoritatively.
        let own = try await Self.dig(port, ["app.corp.internal"])
        #expect(own.status == "NOERROR", "\(own.text)")
        #expect(own.flags.contains("aa"), "\(own.text)")
        #expect(own.records.map(\.data) == ["127.0.10.20"])

        // Another name: NSD's record, as a recursive resolver answers (RA, not AA).
        let firstAsked = ContinuousClock.now
        let www = try await Self.dig(port, ["www.upstream.test"])
        #expect(www.status == "NOERROR", "\(www.text)")
        #expect(www.flags.isSuperset(of: ["qr", "rd", "ra"]) && !www.flags.contains("aa"), "\(www.text)")
        #expect(www.records.map(\.data) == ["192.0.2.80"], "\(www.text)")
        #expect(www.records.first?.ttl == 300, "\(www.text)")

        // A CNAME over TCP, and a name that does not exist: NXDOMAIN with NSD's SOA.
        let alias = try await Self.dig(port, ["+tcp", "ALIAS.upstream.test"])
        #expect(alias.status == "NOERROR", "\(alias.text)")
        #expect(alias.records.map(\.type) == ["CNAME", "A"], "\(alias.text)")
        #expect(alias.records.first?.name == "ALIAS.upstream.test.", "\(alias.text)")
        let missing = try await Self.dig(port, ["nope.upstream.test"])
        #expect(missing.status == "NXDOMAIN", "\(missing.text)")
        #expect(missing.records.map(\.type) == ["SOA"], "\(missing.text)")
        #expect(missing.flags.contains("ra") && !missing.flags.contains("aa"), "\(missing.text)")

        // No recursion desired, or a VPC whose resolver is off: REFUSED, as without forwarders.
        let norecurse = try await Self.dig(port, ["+norecurse", "www.upstream.test"])
        #expect(norecurse.status == "REFUSED", "\(norecurse.text)")
        let off = try await Self.dig(port, ["www.upstream.test"], from: "127.0.30.5")
        #expect(off.status == "REFUSED", "\(off.text)")

        // The upstream goes away: what was asked comes from the cache, counting down; the rest is SERVFAIL.
        nsd.stop(grace: .milliseconds(100))
        try await Task.sleep(for: .milliseconds(1100))
        let cached = try await Self.dig(port, ["www.upstream.test"])
        #expect(cached.status == "NOERROR", "\(cached.text)")
        #expect(cached.records.map(\.data) == ["192.0.2.80"], "\(cached.text)")
        // It counts down by the seconds since it was cached: at least the 1.1 s slept, at most the time since the
        // first question was sent (a loaded machine makes that long, so the bound is measured, not guessed).
        let sinceFirstAsked = Int((ContinuousClock.now - firstAsked).components.seconds) + 1
        let ttl = try #require(cached.records.first?.ttl)
        #expect(ttl < 300 && ttl >= 300 - sinceFirstAsked, "since first asked: \(sinceFirstAsked) s\n\(cached.text)")
        let cachedOverTCP = try await Self.dig(port, ["+tcp", "nope.upstream.test"])
        #expect(cachedOverTCP.status == "NXDOMAIN", "\(cachedOverTCP.text)")
        let never = try await Self.dig(port, ["never.upstream.test"])
        #expect(never.status == "SERVFAIL", "\(never.text)")
        #expect(never.flags.contains("ra"), "\(never.text)")
        // Still our zones.
        #expect(try await Self.dig(port, ["app.corp.internal"]).status == "NOERROR")
        #expect(server.stop() == 0, "\(server.output)")
    }

    @Test func refusesToStartWithABadForwarder() throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = try Self.lab(in: directory, forwarder: "192.0.2.53:5353")
        let text = try String(contentsOf: lab, encoding: .utf8)
        try text.replacingOccurrences(of: "192.0.2.53:5353", with: "resolver.example")
            .write(to: lab, atomically: true, encoding: .utf8)
        let result = try AprouterCommand.run(["serve", "--config", lab.path], in: directory)
        #expect(result.status != 0)
        #expect(result.stderr.contains("dns.forwarders[0]"), "\(result.stderr)")
    }
}
