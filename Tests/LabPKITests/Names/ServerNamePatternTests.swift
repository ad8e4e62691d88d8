import LabPKI
import Testing

struct ServerNamePatternTests {
    static let table: [(pattern: String, serverName: String, expected: ServerNameMatch)] = [
        ("*.s3.lab.localhost", "reports-111122223333.s3.lab.localhost", .wildcard),
        ("*.s3.lab.localhost", "111122223333.s3.lab.localhost", .wildcard),
        ("*.s3.lab.localhost", "a.b.s3.lab.localhost", .mismatch),
        ("*.s3.lab.localhost", "s3.lab.localhost", .mismatch),
        ("*.s3.lab.localhost", ".s3.lab.localhost", .mismatch),
        ("*.s3.lab.localhost", "x.s3.lab.localhost.evil.test", .mismatch),
        ("*.s3.lab.localhost", "xs3.lab.localhost", .mismatch),
        ("*.s3.lab.localhost", "REPORTS-111122223333.S3.LAB.LOCALHOST", .wildcard),
        ("*.s3.lab.localhost", "reports-111122223333.s3.lab.localhost.", .wildcard),
        ("*.s3.lab.localhost", "reports-111122223333.s3.lab.localhost..", .mismatch),
        ("*.S3.Lab.Localhost", "x.s3.lab.localhost", .wildcard),
        ("s3.lab.localhost", "s3.lab.localhost", .exact),
        ("s3.lab.localhost", "S3.Lab.Localhost.", .exact),
        ("s3.lab.localhost", "x.s3.lab.localhost", .mismatch),
        (
            "*.s3-accesspoint.us-west-2.amazonaws.com", "ap-111122223333.s3-accesspoint.us-west-2.amazonaws.com",
            .wildcard
        ),
        (
            "*.s3-accesspoint.us-west-2.amazonaws.com",
            "ap-111122223333.s3-accesspoint.dualstack.us-west-2.amazonaws.com", .mismatch
        ),
        (
            "*.mrap.accesspoint.s3-global.amazonaws.com", "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com",
            .wildcard
        ),
        ("*.accesspoint.s3-global.amazonaws.com", "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com", .mismatch),
        ("localhost", "localhost", .exact),
        ("localhost", "localhost.", .exact),
        ("127.0.0.1", "127.0.0.1", .ip),
        ("127.0.0.1", "127.0.0.2", .mismatch),
        ("::1", "::1", .ip),
        ("::1", "[::1]", .ip),
        ("::1", "0:0:0:0:0:0:0:1", .ip),
        ("::1", "127.0.0.1", .mismatch),
        ("*.0.0.1", "127.0.0.1", .mismatch),
        ("localhost", "127.0.0.1", .mismatch),
        ("127.0.0.1", "localhost", .mismatch),
        ("*.s3.lab.localhost", "", .mismatch),
        ("*.s3.lab.localhost", "a b.s3.lab.localhost", .mismatch),
        ("*.s3.lab.localhost", "é.s3.lab.localhost", .mismatch),
    ]

    @Test(arguments: Self.table)
    func matchesLikeRFC6125(pattern: String, serverName: String, expected: ServerNameMatch) throws {
        #expect(try ServerNamePattern(pattern).match(serverName) == expected)
    }

    static let invalid: [String] = [
        "", ".", "*", "*.localhost", "a.*.example.com", "ap*.example.com", "*.*.example.com", "a..b", "é.example.com",
    ]

    @Test(arguments: Self.invalid)
    func refusesPatternsNoCertificateShouldCarry(pattern: String) {
        #expect(throws: LabPKIError.invalidName) { try ServerNamePattern(pattern) }
    }

    @Test
    func describesItselfNormalised() throws {
        #expect(try ServerNamePattern("*.S3.Lab.Localhost.").description == "*.s3.lab.localhost")
        #expect(try ServerNamePattern("0:0:0:0:0:0:0:1").description == "::1")
    }
}
