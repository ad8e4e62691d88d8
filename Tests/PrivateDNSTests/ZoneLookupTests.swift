import Testing

@testable import PrivateDNS

struct ZoneLookupTests {
    static let zone = Result { try Fixtures.zone("good/example.test.zone", origin: "example.test") }

    /// Question → result, over the fixture zone (RFC 1034 §4.3.2, RFC 2308, RFC 4592).
    static let table: [(String, RecordType, String)] = [
        ("www.example.test", .a, "answer: www.example.test. A"),
        ("WWW.Example.TEST", .a, "answer: www.example.test. A"),
        ("www.example.test", .aaaa, "answer: www.example.test. AAAA"),
        ("www.example.test", .txt, "nodata"),
        ("example.test", .soa, "answer: example.test. SOA"),
        ("example.test", .ns, "answer: example.test. NS"),
        ("example.test", .a, "nodata"),
        ("nope.example.test", .a, "nxdomain"),
        ("alias.example.test", .a, "answer: alias.example.test. CNAME, www.example.test. A"),
        ("alias.example.test", .cname, "answer: alias.example.test. CNAME"),
        ("alias.example.test", .txt, "nodata after alias.example.test. CNAME"),
        (
            "chain1.example.test", .a,
            "answer: chain1.example.test. CNAME, chain2.example.test. CNAME, www.example.test. A"
        ),
        ("outside.example.test", .a, "answer: outside.example.test. CNAME"),
        ("dangling.example.test", .a, "nxdomain after dangling.example.test. CNAME"),
        ("loop1.example.test", .a, "answer: loop1.example.test. CNAME, loop2.example.test. CNAME"),
        ("x.wild.example.test", .a, "answer: x.wild.example.test. A"),
        ("y.x.wild.example.test", .txt, "answer: y.x.wild.example.test. TXT"),
        ("x.wild.example.test", .mx, "nodata"),
        ("host.wild.example.test", .a, "answer: host.wild.example.test. A"),
        ("z.host.wild.example.test", .a, "nxdomain"),
        ("wild.example.test", .a, "nodata"),
        ("b.c.example.test", .a, "nodata"),
        ("c.example.test", .a, "nodata"),
        ("a.b.c.example.test", .a, "answer: a.b.c.example.test. A"),
        ("x.b.c.example.test", .a, "nxdomain"),
        ("mail.example.test", .mx, "answer: mail.example.test. MX"),
        ("sub.example.test", .a, "referral: sub.example.test. glue ns.sub.example.test. A"),
        ("deep.in.sub.example.test", .a, "referral: sub.example.test. glue ns.sub.example.test. A"),
        ("sub.example.test", .ds, "nodata"),  // the parent answers DS at a cut (RFC 4035 §3.1.4.1)
        ("x.sub.example.test", .ds, "referral: sub.example.test. glue ns.sub.example.test. A"),
        ("included.example.test", .a, "answer: included.example.test. A"),
        ("x.deeper.example.test", .a, "answer: x.deeper.example.test. A"),
        ("www.example.test", .any, "answer: www.example.test. A, www.example.test. AAAA"),
    ]

    @Test(arguments: Self.table)
    func answers(_ name: String, _ type: RecordType, _ expected: String) throws {
        let zone = try Self.zone.get()
        #expect(zone.lookup(.named(name), type).summary == expected)
    }

    /// Chains are followed up to eight CNAMEs; the ninth is left to the client.
    @Test(arguments: [(8, 9), (9, 8)])
    func followsChainsOfUpToEightCNAMEs(length: Int, expectedRecords: Int) throws {
        var lines = (1...length).map { "c\($0) IN CNAME c\($0 + 1)" }
        lines.append("c\(length + 1) IN A 127.0.10.1")
        let zone = try Fixtures.zone(lines: lines.joined(separator: "\n"), origin: "chain.test")
        guard case .answer(let sets) = zone.lookup(.named("c1.chain.test"), .a) else {
            Issue.record("expected an answer")
            return
        }
        #expect(sets.count == expectedRecords)
        #expect((sets.last?.type == .a) == (length == 8))
    }

    @Test func wildcardAnswersCarryTheQuestionName() throws {
        let zone = try Self.zone.get()
        guard case .answer(let sets) = zone.lookup(.named("q.wild.example.test"), .a) else {
            Issue.record("expected an answer")
            return
        }
        #expect(sets.map(\.name) == [.named("q.wild.example.test")])
        #expect(sets.first?.rdatas == [[127, 0, 10, 99]])
    }

    @Test func negativeAnswersCarryTheSOAWithTheNegativeTTL() throws {
        let zone = try Self.zone.get()
        guard case .nameError(_, let soa) = zone.lookup(.named("nope.example.test"), .a) else {
            Issue.record("expected NXDOMAIN")
            return
        }
        #expect(soa.type == .soa)
        #expect(soa.ttl == 120)  // min(SOA TTL 300, MINIMUM 120), RFC 2308 §3
    }

    /// Zones written as zone-file lines, the way CoreDNS writes its lookup tests.
    @Test(arguments: [
        ("*.apps IN A 127.0.10.1", "foo.apps.inline.test", RecordType.a, "answer: foo.apps.inline.test. A"),
        ("*.apps IN A 127.0.10.1", "apps.inline.test", .a, "nodata"),
        ("*.apps IN A 127.0.10.1", "inline.test", .a, "nodata"),
        ("* IN A 127.0.10.1", "anything.inline.test", .a, "answer: anything.inline.test. A"),
        ("* IN A 127.0.10.1", "inline.test", .a, "nodata"),
        ("a IN CNAME b\nb IN A 127.0.10.2", "A.INLINE.TEST", .a, "answer: a.inline.test. CNAME, b.inline.test. A"),
        ("_dmarc IN TXT \"v=DMARC1\"", "_dmarc.inline.test", .txt, "answer: _dmarc.inline.test. TXT"),
    ])
    func answersInlineZones(_ lines: String, _ name: String, _ type: RecordType, _ expected: String) throws {
        let zone = try Fixtures.zone(lines: lines, origin: "inline.test")
        #expect(zone.lookup(.named(name), type).summary == expected)
    }
}

struct ZoneFileTests {
    @Test(
        arguments: [
            ("broken/syntax.zone", "broken.test", ZoneFileError.syntax, 6),
            ("broken/nosoa.zone", "nosoa.test", .missingSOA, nil),
            ("broken/outside.zone", "outside.test", .outOfZone, 4),
            ("broken/cname.zone", "cname.test", .cnameConflict, 4),
            ("broken/include-missing.zone", "inc.test", .unreadable, 4),
        ] as [(String, String, ZoneFileError, Int?)]
    )
    func reportsBrokenZonesWithFileAndLine(
        _ file: String,
        _ origin: String,
        _ expected: ZoneFileError,
        _ line: Int?
    ) throws {
        let path = try Fixtures.path(file)
        switch ZoneCheck.check(path: path, origin: origin) {
        case .success(let summary):
            Issue.record("\(file) loaded: \(summary)")
        case .failure(let error):
            #expect(error == expected)
            #expect(error.line == line, "\(error)")
            #expect(error.file?.hasSuffix(file.split(separator: "/").last.map(String.init) ?? file) == true, "\(error)")
        }
    }

    @Test func summarisesAGoodZone() throws {
        let summary = try ZoneCheck.check(path: try Fixtures.path("good/example.test.zone"), origin: "example.test")
            .get()
        #expect(summary.origin == "example.test.")
        #expect(summary.serial == 2_026_112_601)
        #expect(summary.records == 22)
    }
}
