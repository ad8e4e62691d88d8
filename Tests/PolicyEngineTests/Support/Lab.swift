import AccessPointCore
import Foundation
import PolicyEngine

/// The lab the evaluation tests share: account 111122223333 owns access point `reports` (us-west-2) on bucket
/// `reports-bucket`; account 444455556666 is a stranger. Time is 2025-01-01T00:00:00Z unless a test says otherwise.
enum Lab {
    static let owner = account("111122223333")
    static let stranger = account("444455556666")
    static let region = try! Region(validating: "us-west-2")
    static let bucket = try! BucketName(validating: "reports-bucket")
    static let accessPoint = AccessPointARN(
        region: region,
        account: owner,
        name: try! AccessPointName(validating: "reports")
    )
    static let otherAccessPoint = AccessPointARN(
        region: region,
        account: owner,
        name: try! AccessPointName(validating: "archive")
    )
    static let newYear = RequestTime(epochSeconds: 1_735_689_600)
    static let alice = RequestPrincipal.user("alice", account: owner, userID: "AIDAALICE")
    static let mallory = RequestPrincipal.user("mallory", account: stranger)

    static func account(_ text: String) -> AccountID { try! AccountID(validating: text) }

    /// A request through `accessPoint` (by default `reports`), from the internet unless `network` says otherwise.
    static func request(
        _ operation: S3Operation = .getObject,
        key: String? = "Jane/report.csv",
        principal: RequestPrincipal = alice,
        accessPoint: AccessPointARN = accessPoint,
        network: NetworkPath = .internet(IPAddress("203.0.113.9")!),
        time: RequestTime = newYear,
        details: S3RequestDetails = S3RequestDetails()
    ) -> RequestContext {
        RequestContext(
            operation: operation,
            target: RequestTarget(front: .accessPoint(accessPoint), bucket: bucket, bucketOwner: owner, key: key),
            principal: principal,
            network: network,
            time: time,
            details: details
        )
    }

    /// A one-statement-or-more policy of `kind` from statement JSON (without the surrounding document).
    static func policy(_ kind: PolicyKind, _ statements: String) throws -> PolicyDocument {
        try PolicyDocument(parsing: #"{"Version":"2012-10-17","Statement":[\#(statements)]}"#, kind: kind)
    }

    /// A fixture file's text from `Fixtures/<folder>/<name>`.
    static func fixture(_ folder: String, _ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/\(folder)")
        else { throw FixtureMissing(name: "\(folder)/\(name)") }
        return String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    /// Every fixture file name in `Fixtures/<folder>`, sorted.
    static func fixtureNames(_ folder: String) -> [String] {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/\(folder)"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: url.path)
        else { return [] }
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    struct FixtureMissing: Error {
        let name: String
    }
}
