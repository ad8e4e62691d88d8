import Testing

@testable import AccessPointCore

struct ConfigNodeTests {
    @Test func writesPoliciesAsJSON() {
        let node = ConfigNode(
            .mapping([
                .init(key: "Version", value: .string("2012-10-17")),
                .init(
                    key: "Statement",
                    value: ConfigNode(
                        .sequence([
                            ConfigNode(
                                .mapping([
                                    .init(key: "Effect", value: .string("Allow")),
                                    .init(key: "Principal", value: .string("*")),
                                    .init(key: "Bool", value: ConfigNode(.scalar("true", .boolean))),
                                    .init(key: "Max", value: ConfigNode(.scalar("10", .integer))),
                                    .init(key: "Quote", value: .string("a \"b\"\n\u{1}")),
                                    .init(key: "None", value: .null),
                                ])
                            )
                        ])
                    )
                ),
            ])
        )
        #expect(
            node.jsonText
                == #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Bool":true,"Max":10,"Quote":"a \"b\"\n\u0001","None":null}]}"#
        )
    }

    /// The decoder reads a whole tree and reports each problem with its key path and line.
    @Test func decodeReportsKeyPathsAndLines() {
        let root = ConfigNode(
            .mapping([
                .init(key: "region", value: .string("us-west", line: 1)),
                .init(
                    key: "vpcs",
                    value: ConfigNode(
                        .sequence([
                            ConfigNode(
                                .mapping([
                                    .init(key: "id", value: .string("vpc-1a2b3c", line: 3)),
                                    .init(
                                        key: "cidrs",
                                        value: ConfigNode(.sequence([.string("127.0.10.0/33", line: 5)]), line: 4)
                                    ),
                                    .init(key: "enableDnsSuport", value: .string("true", line: 6)),
                                ]),
                                line: 3
                            )
                        ]),
                        line: 2
                    )
                ),
            ]),
            line: 1
        )
        let problems = LabConfiguration.decode(root).problems
        #expect(problems.map(\.keyPath) == ["region", "vpcs[0].enableDnsSuport", "vpcs[0].cidrs[0]"])
        #expect(problems.map(\.line) == [1, 6, 5])
        #expect(problems[1].message.contains("did you mean 'enableDnsSupport'?"))
        #expect(problems[2].message.contains("'127.0.10.0/33' is not a CIDR block"))
    }

    @Test(arguments: [
        ("vpcs[0].cidrs", "vpcs[0].cidrs[1]", true), ("vpcs[0].cidrs[1]", "vpcs[0].cidrs", true),
        ("vpcs[0]", "vpcs[0].id", true), ("vpcs[1]", "vpcs[10]", false), ("vpcs[1].id", "vpcs[1].idx", false),
        ("", "region", false), ("", "", true), ("region", "region", true),
    ])
    func keyPathsRelate(_ a: String, _ b: String, _ related: Bool) {
        #expect(LabConfiguration.related(a, b) == related)
    }
}
