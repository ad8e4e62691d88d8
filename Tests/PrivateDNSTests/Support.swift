import Foundation
import Testing

@testable import PrivateDNS

enum Fixtures {
    static func path(_ relative: String) throws -> String {
        let base = try #require(Bundle.module.resourcePath)
        return base + "/Fixtures/zones/" + relative
    }

    static func zone(_ relative: String, origin: String) throws -> Zone {
        try ZoneCheck.zone(path: try path(relative), origin: origin)
    }

    /// Zone-file text for records, in a temporary file, for table tests written as zone lines (CoreDNS style).
    static func zone(lines: String, origin: String) throws -> Zone {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zone-\(UUID().uuidString).zone")
        defer { try? FileManager.default.removeItem(at: file) }
        let text = "$ORIGIN \(origin).\n$TTL 300\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 60\n" + lines
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try ZoneCheck.zone(path: file.path, origin: origin)
    }
}

extension DomainName {
    static func named(_ text: String) -> DomainName { DomainName(text) ?? .root }
}

extension LookupResult {
    /// A compact form for table tests: `answer: www.example.test. CNAME, www.example.test. A`.
    var summary: String {
        func sets(_ sets: [RecordSet]) -> String { sets.map { "\($0.name) \($0.type)" }.joined(separator: ", ") }
        switch self {
        case .answer(let answer): return "answer: " + sets(answer)
        case .nameError(let chain, _): return "nxdomain" + (chain.isEmpty ? "" : " after " + sets(chain))
        case .noData(let chain, _): return "nodata" + (chain.isEmpty ? "" : " after " + sets(chain))
        case .delegation(let ns, let glue): return "referral: \(ns.name)" + (glue.isEmpty ? "" : " glue " + sets(glue))
        case .refused(let reason): return "refused: \(reason)"
        }
    }
}
