import AccessPointCore
import Testing

@testable import PrivateDNS

/// A query in wire form, for tests.
struct QueryBuilder {
    var id: UInt16 = 0x1234
    var name = "www.example.test"
    var type: UInt16 = 1
    var qclass: UInt16 = 1
    var flags: UInt16 = 0x0100
    var edns: (size: UInt16, version: UInt8)?
    /// Raw EDNS options (code, data), e.g. an ECS option.
    var options: [(UInt16, [UInt8])] = []

    var bytes: [UInt8] {
        var out: [UInt8] = []
        func u16(_ v: UInt16) { out += [UInt8(v >> 8), UInt8(v & 0xFF)] }
        u16(id)
        u16(flags)
        u16(1)
        u16(0)
        u16(0)
        u16(edns == nil ? 0 : 1)
        for label in name.split(separator: ".") { out += [UInt8(label.utf8.count)] + Array(label.utf8) }
        out.append(0)
        u16(type)
        u16(qclass)
        if let edns {
            out.append(0)
            u16(41)
            u16(edns.size)
            out += [0, edns.version, 0, 0]
            let rdata = options.flatMap { code, data in
                [UInt8(code >> 8), UInt8(code & 0xFF), UInt8(data.count >> 8), UInt8(data.count & 0xFF)] + data
            }
            u16(UInt16(rdata.count))
            out += rdata
        }
        return out
    }
}

/// The parts of a response the tests look at.
struct ParsedResponse {
    var id: UInt16
    var flags: UInt16
    var counts: [UInt16]
    var bytes: [UInt8]

    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 12 else { return nil }
        func u16(_ i: Int) -> UInt16 { UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]) }
        id = u16(0)
        flags = u16(2)
        counts = [u16(4), u16(6), u16(8), u16(10)]
        self.bytes = bytes
    }

    var rcode: UInt16 { flags & 0xF }
    var authoritative: Bool { flags & 0x0400 != 0 }
    var truncated: Bool { flags & 0x0200 != 0 }
    var isResponse: Bool { flags & 0x8000 != 0 }
}

struct ResponderTests {
    static func responder() throws -> Responder {
        let zone = try Fixtures.zone("good/example.test.zone", origin: "example.test")
        let synthesis = SynthesizedZones(routerAddress: IPAddress("127.0.0.1")!, regions: [], accounts: [])
        let catalog = ViewCatalog(
            hostedZones: [.init(zone: zone, vpcs: [])],
            vpcs: [],
            synthesis: synthesis,
            snapshot: .empty
        )
        return Responder(catalog: catalog)
    }

    static func ask(_ query: [UInt8], overTCP: Bool = false) throws -> ParsedResponse? {
        let responder = try responder()
        let source = IPAddress("127.0.0.1")!
        guard let bytes = query.withUnsafeBytes({ responder.respond(to: $0, from: source, overTCP: overTCP) }) else {
            return nil
        }
        return ParsedResponse(bytes)
    }

    @Test func answersAuthoritativelyAndEchoesTheQuestionCase() throws {
        let response = try #require(try Self.ask(QueryBuilder(name: "WwW.ExAmPlE.TeSt").bytes))
        #expect(response.id == 0x1234)
        #expect(response.isResponse && response.authoritative && !response.truncated)
        #expect(response.rcode == 0)
        #expect(response.counts == [1, 1, 0, 0])
        #expect(
            Array(response.bytes[12..<30]) == [3] + Array("WwW".utf8) + [7] + Array("ExAmPlE".utf8) + [4]
                + Array("TeSt".utf8) + [0]
        )
        // The answer's owner is a pointer to the question (offset 12), so it shows the question's case.
        #expect(Array(response.bytes[34..<36]) == [0xC0, 12])
    }

    /// Query → rcode, AA and section counts.
    static let table: [(String, QueryBuilder, UInt16, Bool, [UInt16])] = [
        ("nxdomain carries the SOA", QueryBuilder(name: "nope.example.test"), 3, true, [1, 0, 1, 0]),
        ("nodata carries the SOA", QueryBuilder(name: "www.example.test", type: 16), 0, true, [1, 0, 1, 0]),
        ("outside our zones", QueryBuilder(name: "www.example.com"), 5, false, [1, 0, 0, 0]),
        ("class CH", QueryBuilder(name: "version.bind", type: 16, qclass: 3), 5, false, [1, 0, 0, 0]),
        ("zone transfer", QueryBuilder(name: "example.test", type: 252), 5, false, [1, 0, 0, 0]),
        ("notify opcode", QueryBuilder(flags: 0x2000), 4, false, [0, 0, 0, 0]),
        ("referral", QueryBuilder(name: "x.sub.example.test"), 0, false, [1, 0, 1, 1]),
        ("EDNS echoed", QueryBuilder(edns: (4096, 0)), 0, true, [1, 1, 0, 1]),
        ("EDNS version 1", QueryBuilder(edns: (4096, 1)), 0, false, [1, 0, 0, 1]),
    ]

    @Test(arguments: Self.table)
    func answers(_ what: String, _ query: QueryBuilder, _ rcode: UInt16, _ aa: Bool, _ counts: [UInt16]) throws {
        let response = try #require(try Self.ask(query.bytes))
        #expect(response.rcode == rcode, "\(what)")
        #expect(response.authoritative == aa, "\(what)")
        #expect(response.counts == counts, "\(what)")
    }

    /// Names inside SOA (and NS, CNAME, MX, PTR) rdata are compressed against the question, as NSD does.
    @Test func compressesNamesInsideRdata() throws {
        let response = try #require(try Self.ask(QueryBuilder(name: "nope.example.test").bytes))
        // 12 header + 23 question + SOA: 2 (owner pointer) + 10 + rdata 39 (ns1+pointer, hostmaster+pointer, 20).
        #expect(response.bytes.count == 86)
        let alias = try #require(try Self.ask(QueryBuilder(name: "alias.example.test").bytes))
        // The CNAME's target www.example.test is "www" and a pointer to the question's example.test.
        #expect(alias.bytes.count == 12 + 24 + (2 + 10 + 6) + (2 + 10 + 4))
    }

    @Test func copiesTheDOBit() throws {
        var query = QueryBuilder(edns: (1232, 0)).bytes
        let response = try #require(try Self.ask(query))
        #expect(Array(response.bytes.suffix(11))[7] == 0)  // no DO asked, none echoed
        query[query.count - 4] = 0x80  // the OPT TTL's DO bit
        let withDO = try #require(try Self.ask(query))
        #expect(Array(withDO.bytes.suffix(11))[7] == 0x80)
    }

    @Test func badVersionSetsTheExtendedRcode() throws {
        let response = try #require(try Self.ask(QueryBuilder(edns: (1232, 1)).bytes))
        // OPT is the last 11 bytes: owner 0, type 41, class, then TTL whose first byte is the extended rcode.
        let opt = Array(response.bytes.suffix(11))
        #expect(opt[0] == 0 && opt[1] == 0 && opt[2] == 41)
        #expect(opt[5] == 1)  // BADVERS = 16 = extended 1, low 0
    }

    @Test func malformedQueriesGetFormErrOrNothing() throws {
        var query = QueryBuilder().bytes
        #expect(try Self.ask([]) == nil)
        #expect(try Self.ask(Array(query.prefix(11))) == nil)
        var response = QueryBuilder().bytes
        response[2] |= 0x80  // QR set: a response, never answered
        #expect(try Self.ask(response) == nil)
        query.removeLast(2)  // truncated question
        #expect(try #require(try Self.ask(query)).rcode == 1)
        var twoQuestions = QueryBuilder().bytes
        twoQuestions[5] = 2
        #expect(try #require(try Self.ask(twoQuestions)).rcode == 1)
        var pointer = QueryBuilder().bytes
        pointer[12] = 0xC0  // a compression pointer in the question
        #expect(try #require(try Self.ask(pointer)).rcode == 1)
        var trailing = QueryBuilder().bytes
        trailing.append(0)
        #expect(try #require(try Self.ask(trailing)).rcode == 1)
    }

    @Test func truncatesOverUDPButNotOverTCP() throws {
        let many = (1...60).map { "big IN TXT \"record number \($0) with some padding to make it long\"" }
        let zone = try Fixtures.zone(lines: many.joined(separator: "\n"), origin: "big.test")
        let catalog = ViewCatalog(
            hostedZones: [.init(zone: zone, vpcs: [])],
            vpcs: [],
            synthesis: SynthesizedZones(routerAddress: IPAddress("127.0.0.1")!, regions: [], accounts: []),
            snapshot: .empty
        )
        let responder = Responder(catalog: catalog)
        let source = IPAddress("127.0.0.1")!
        func ask(_ q: QueryBuilder, tcp: Bool) -> ParsedResponse? {
            q.bytes.withUnsafeBytes { responder.respond(to: $0, from: source, overTCP: tcp) }.flatMap(
                ParsedResponse.init
            )
        }
        let udp = try #require(ask(QueryBuilder(name: "big.big.test", type: 16), tcp: false))
        #expect(udp.truncated && udp.counts == [1, 0, 0, 0] && udp.bytes.count <= 512)
        let edns = try #require(ask(QueryBuilder(name: "big.big.test", type: 16, edns: (1232, 0)), tcp: false))
        #expect(edns.truncated && edns.bytes.count <= 1232)
        // A client offering 4096 still gets at most our 1232 over UDP (no fragmentation).
        let large = try #require(ask(QueryBuilder(name: "big.big.test", type: 16, edns: (4096, 0)), tcp: false))
        #expect(large.truncated && large.bytes.count <= 1232)
        let tcp = try #require(ask(QueryBuilder(name: "big.big.test", type: 16), tcp: true))
        #expect(!tcp.truncated)
        #expect(tcp.counts[1] == 60, "\(tcp.counts)")
    }

    /// The servers answer every query with one reused `DNSWorkspace`: what one query leaves in it (names,
    /// sections, the compression table, a longer response) must never leak into the next answer.
    @Test func aReusedWorkspaceAnswersLikeAFreshOne() throws {
        let responder = try Self.responder()
        let source = IPAddress("127.0.0.1")!
        var garbage = QueryBuilder().bytes
        garbage[12] = 0xC0
        let queries: [[UInt8]] = [
            QueryBuilder(name: "WwW.ExAmPlE.TeSt").bytes,
            QueryBuilder(name: "nope.example.test", type: 28).bytes,
            QueryBuilder(name: "example.test", type: 255, edns: (1232, 0)).bytes,
            garbage,
            QueryBuilder(name: "example.test", type: 6).bytes,
            QueryBuilder(name: "www.example.test", type: 16, edns: (512, 0)).bytes,
            QueryBuilder(name: "elsewhere.test").bytes,
            QueryBuilder(name: "www.example.test", edns: (1232, 1)).bytes,
            QueryBuilder(name: "a").bytes,
            Array(QueryBuilder().bytes.prefix(5)),
        ]
        var workspace = DNSWorkspace()
        for round in 0..<3 {
            for query in queries + queries.reversed() {
                let fresh = query.withUnsafeBytes { responder.respond(to: $0, from: source, overTCP: round == 1) }
                let answered = query.withUnsafeBytes {
                    responder.respond(to: $0, from: source, overTCP: round == 1, using: &workspace)
                }
                #expect((answered == .response) == (fresh != nil))
                if let fresh { #expect(workspace.response == fresh) }
            }
        }
    }

    /// Random bytes and every prefix of a valid query: never a crash, and either no answer or a well-formed one.
    @Test func survivesGarbage() throws {
        let responder = try Self.responder()
        let source = IPAddress("127.0.0.1")!
        var generator = SystemRandomNumberGenerator()
        var inputs = (0..<2000).map { _ in
            (0..<Int.random(in: 0..<80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        let valid = QueryBuilder(edns: (1232, 0)).bytes
        inputs += (0...valid.count).map { Array(valid.prefix($0)) }
        for input in inputs {
            if let response = input.withUnsafeBytes({ responder.respond(to: $0, from: source, overTCP: false) }) {
                #expect(response.count >= 12)
                #expect(response[2] & 0x80 != 0)
            }
        }
    }
}

/// EDNS Client Subnet (RFC 7871): honoured only from trusted resolvers.
struct ClientSubnetTests {
    static func responder() throws -> Responder {
        let privateZone = try Fixtures.zone(lines: "app IN A 127.0.10.20\n", origin: "corp.internal")
        let vpc = ViewCatalog.VPC(
            id: "vpc-a",
            cidrs: [CIDRBlock("127.0.10.0/24")!],
            enableDnsSupport: true,
            enableDnsHostnames: true
        )
        let catalog = ViewCatalog(
            hostedZones: [.init(zone: privateZone, vpcs: ["vpc-a"])],
            vpcs: [vpc],
            synthesis: SynthesizedZones(routerAddress: IPAddress("127.0.0.1")!, regions: [], accounts: []),
            snapshot: .empty,
            trustedResolvers: [CIDRBlock("127.0.0.53/32")!]
        )
        return Responder(catalog: catalog)
    }

    static func ask(from source: String, ecs: [UInt8]) throws -> ParsedResponse? {
        let query = QueryBuilder(name: "app.corp.internal", edns: (1232, 0), options: [(8, ecs)]).bytes
        let responder = try responder()
        return query.withUnsafeBytes { responder.respond(to: $0, from: IPAddress(source)!, overTCP: false) }
            .flatMap(ParsedResponse.init)
    }

    /// family 1, source /24, scope 0, 127.0.10
    static let vpcSubnet: [UInt8] = [0, 1, 24, 0, 127, 0, 10]

    @Test func trustedResolverChoosesTheViewWithECS() throws {
        let response = try #require(try Self.ask(from: "127.0.0.53", ecs: Self.vpcSubnet))
        #expect(response.rcode == 0 && response.counts[1] == 1)
        // The ECS option comes back with SCOPE PREFIX-LENGTH = 24.
        #expect(Array(response.bytes.suffix(7)) == [0, 1, 24, 24, 127, 0, 10])
    }

    @Test func untrustedClientCannotClaimAVPC() throws {
        let response = try #require(try Self.ask(from: "127.0.20.9", ecs: Self.vpcSubnet))
        #expect(response.rcode == 5)
        #expect(Array(response.bytes.suffix(7)) == [0, 1, 24, 0, 127, 0, 10])  // scope 0: ECS was not used
    }

    @Test(
        arguments: [
            [0, 1, 24, 8, 127, 0, 10],  // non-zero scope in a query
            [0, 1, 24, 0, 127, 0, 10, 1],  // more address bytes than the prefix needs
            [0, 1, 20, 0, 127, 0, 15],  // bits set beyond the prefix
            [0, 3, 8, 0, 1],  // unknown family
            [0, 1, 33, 0, 1, 2, 3, 4, 5],  // prefix longer than IPv4
            [0, 1],  // truncated
        ] as [[UInt8]]
    )
    func malformedECSIsFormErr(_ option: [UInt8]) throws {
        #expect(try #require(try Self.ask(from: "127.0.0.53", ecs: option)).rcode == 1)
    }
}
