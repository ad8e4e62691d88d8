import AccessPointCore
import Testing

struct IPAddressTests {
    static let valid: [(String, String)] = [
        ("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("::1", "::1"), ("::", "::"), ("2001:DB8::1", "2001:db8::1"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("fe80:0:0:0:0:0:0:1", "fe80::1"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("[::1]", "::1"),
        ("::ffff:127.0.10.5", "127.0.10.5"), ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
    ]

    @Test(arguments: Self.valid)
    func parsesAndPrintsCanonically(_ text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.-4", "1..2.3", "a.b.c.d", ":::", "1::2::3",
        "1:2:3:4:5:6:7:8:9", "12345::", "fe80::1%eth0", "::ffff:1.2.3", "1:2:3:4:5:6:7::8", " 1.2.3.4", "[::1",
    ])
    func refusesInvalidText(_ text: String) {
        #expect(IPAddress(text) == nil)
    }
}

struct CIDRBlockTests {
    static let containment: [(String, String, Bool)] = [
        ("127.0.10.0/24", "127.0.10.5", true), ("127.0.10.0/24", "127.0.11.5", false),
        ("127.0.10.0/24", "127.0.10.255", true), ("0.0.0.0/0", "203.0.113.9", true),
        ("198.18.0.0/15", "198.19.255.1", true), ("198.18.0.0/15", "198.20.0.1", false),
        ("10.0.0.7/32", "10.0.0.7", true), ("10.0.0.7/32", "10.0.0.8", false),
        ("fd00:10::/48", "fd00:10:0:1::5", true), ("fd00:10::/48", "fd00:11::5", false),
        ("::/0", "2001:db8::1", true), ("::1/128", "::1", true),
        ("127.0.10.0/24", "::ffff:127.0.10.9", true), ("::ffff:127.0.10.0/120", "127.0.10.9", true),
        ("127.0.0.0/8", "::1", false), ("::/0", "127.0.0.1", false),
    ]

    @Test(arguments: Self.containment)
    func contains(_ block: String, _ address: String, _ expected: Bool) throws {
        let cidr = try #require(CIDRBlock(block))
        let ip = try #require(IPAddress(address))
        #expect(cidr.contains(ip) == expected)
    }

    @Test(arguments: [
        "127.0.10.0", "127.0.10.0/33", "127.0.10.0/", "/24", "127.0.10.0/2a", "::/129", "fd00::/-1",
        "127.0.10.0/24/1", "127.0.10.0/0024", "x/24", "::ffff:1.2.3.4/95",
    ])
    func refusesInvalidText(_ text: String) {
        #expect(CIDRBlock(text) == nil)
    }

    @Test func reportsHostBits() throws {
        let block = try #require(CIDRBlock("127.0.10.7/24"))
        #expect(block.hasHostBits)
        #expect(block.network.description == "127.0.10.0/24")
        #expect(try #require(CIDRBlock("fd00:10::1/48")).network.description == "fd00:10::/48")
        #expect(try !#require(CIDRBlock("127.0.10.0/24")).hasHostBits)
    }

    @Test func overlaps() throws {
        let a = try #require(CIDRBlock("127.0.0.0/8"))
        let b = try #require(CIDRBlock("127.0.10.0/24"))
        let c = try #require(CIDRBlock("127.0.20.0/24"))
        #expect(a.overlaps(b) && b.overlaps(a))
        #expect(!b.overlaps(c))
    }
}
