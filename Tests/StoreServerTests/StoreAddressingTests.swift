import Testing

@testable import StoreServer

struct StoreAddressingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let host: String
        let path: String
        let expected: StoreAddressing.Target?
        var testDescription: String { "\(host) \(path)" }
    }

    static let cases: [Case] = [
        Case(host: "127.0.0.1:9000", path: "/", expected: .service),
        Case(host: "127.0.0.1:9000", path: "/reports", expected: .bucket("reports", key: nil)),
        Case(host: "127.0.0.1:9000", path: "/reports/", expected: .bucket("reports", key: nil)),
        Case(host: "127.0.0.1:9000", path: "/reports/a/b.txt", expected: .bucket("reports", key: "a/b.txt")),
        Case(host: "127.0.0.1:9000", path: "/reports/q3%20final%2Fx", expected: .bucket("reports", key: "q3 final/x")),
        Case(host: "127.0.0.1:9000", path: "/reports/caf%C3%A9", expected: .bucket("reports", key: "café")),
        Case(host: "127.0.0.1:9000", path: "/reports/%2E%2E/escape", expected: .bucket("reports", key: "../escape")),
        Case(host: "127.0.0.1:9000", path: "/reports/bad%ZZ", expected: nil),
        Case(host: "localhost:9000", path: "/reports/k", expected: .bucket("reports", key: "k")),
        Case(host: "reports.localhost:9000", path: "/a/b.txt", expected: .bucket("reports", key: "a/b.txt")),
        Case(host: "Reports.LOCALHOST.", path: "/", expected: .bucket("reports", key: nil)),
        Case(host: "my.dotted.bucket.localhost", path: "/k", expected: .bucket("my.dotted.bucket", key: "k")),
        Case(host: "[::1]:9000", path: "/reports/k", expected: .bucket("reports", key: "k")),
    ]

    @Test(arguments: cases)
    func namesTheBucketAndKey(_ example: Case) {
        #expect(
            StoreAddressing.target(host: example.host, rawPath: example.path, domains: ["localhost"])
                == example.expected
        )
    }
}
