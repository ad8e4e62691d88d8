import AccessPointCore
import Testing

struct PrefixTableTests {
    static func table() throws -> PrefixTable<String> {
        let entries = [
            ("127.0.0.0/8", "loopback"), ("127.0.10.0/24", "vpc-a"), ("127.0.10.128/25", "vpc-a-upper"),
            ("127.0.20.0/24", "vpc-b"), ("fd00:10::/48", "vpc-a6"), ("fd00::/16", "ula"),
        ]
        return PrefixTable(try entries.map { (try #require(CIDRBlock($0.0)), $0.1) })
    }

    static let lookups: [(String, String?)] = [
        ("127.0.10.5", "vpc-a"), ("127.0.10.200", "vpc-a-upper"), ("127.0.20.5", "vpc-b"), ("127.0.30.5", "loopback"),
        ("::ffff:127.0.20.1", "vpc-b"), ("fd00:10::9", "vpc-a6"), ("fd00:99::1", "ula"), ("10.0.0.1", nil),
        ("2001:db8::1", nil), ("::1", nil),
    ]

    @Test(arguments: Self.lookups)
    func longestPrefixWins(_ address: String, _ expected: String?) throws {
        #expect(try Self.table().lookup(try #require(IPAddress(address))) == expected)
    }

    @Test func keepsTheFirstOfDuplicatesAndReportsThem() throws {
        var table = PrefixTable<Int>()
        table.insert(try #require(CIDRBlock("127.0.10.0/24")), 1)
        table.insert(try #require(CIDRBlock("127.0.10.9/24")), 2)  // the same network once host bits are cleared
        #expect(table.lookup(try #require(IPAddress("127.0.10.1"))) == 1)
        #expect(table.duplicates.map(\.description) == ["127.0.10.0/24"])
    }

    @Test func emptyTableFindsNothing() throws {
        #expect(PrefixTable<Int>().lookup(try #require(IPAddress("127.0.0.1"))) == nil)
        #expect(PrefixTable<Int>().isEmpty)
    }
}
