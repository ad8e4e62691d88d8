import AccessPointCore
import Foundation
import Registry

enum RegistryFixtures {
    static let account = try! AccountID(validating: "123456789012")
    static let otherAccount = try! AccountID(validating: "444455556666")
    static let region = try! Region(validating: "us-west-2")
    static let otherRegion = try! Region(validating: "eu-west-1")

    static func record(
        _ name: String,
        bucket: String = "lab-bucket",
        account: AccountID = account,
        region: Region = region,
        vpcId: String? = nil
    ) -> AccessPointRecord {
        AccessPointRecord(
            name: try! AccessPointName(validating: name),
            account: account,
            region: region,
            bucket: try! BucketName(validating: bucket),
            bucketAccount: account,
            vpcId: vpcId,
            publicAccessBlock: .all,
            alias: "\(name)-\(account)-\(region)-s3alias",
            creationDate: Date(timeIntervalSince1970: 1_795_000_000)
        )
    }

    /// A fresh state directory under the system's temporary directory.
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("registry-tests-\(UUID().uuidString)").path
    }
}
