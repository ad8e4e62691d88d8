import LabPKI
import Testing

struct ServerNameSelectorTests {
    static func selector() throws -> ServerNameSelector<String> {
        ServerNameSelector([
            .init(
                patterns: [try ServerNamePattern("*.s3.lab.localhost"), try ServerNamePattern("s3.lab.localhost")],
                value: "default"
            ),
            .init(patterns: [try ServerNamePattern("*.s3.other.test")], value: "other-wildcard"),
            .init(patterns: [try ServerNamePattern("special.s3.lab.localhost")], value: "special"),
            .init(patterns: [try ServerNamePattern("*.s3.other.test")], value: "shadowed"),
        ])
    }

    static let table: [(String?, ServerNameSelection<String>)] = [
        (nil, .fallback("default")),
        ("ap-111122223333.s3.lab.localhost", .wildcard("default")),
        ("s3.lab.localhost", .exact("default")),
        ("special.s3.lab.localhost", .exact("special")),
        ("SPECIAL.s3.lab.localhost.", .exact("special")),
        ("ap-111122223333.s3.other.test", .wildcard("other-wildcard")),
        ("unknown.example.com", .fallback("default")),
        ("a.b.s3.lab.localhost", .fallback("default")),
    ]

    @Test(arguments: Self.table)
    func picksExactThenWildcardThenDefault(serverName: String?, expected: ServerNameSelection<String>) throws {
        #expect(try Self.selector().select(serverName: serverName) == expected)
    }

    @Test
    func emptySelectorChoosesNothing() {
        let selection = ServerNameSelector<String>([]).select(serverName: "s3.lab.localhost")
        #expect(selection == .empty)
        #expect(selection.value == nil)
    }
}
