import AccessPointCore
import Foundation
import Registry
import Testing

struct SQLiteRegistryTests {
    typealias F = RegistryFixtures

    @Test func createsReadsAndDeletes() async throws {
        let registry = try SQLiteRegistry.inMemory()
        let record = F.record("reports", vpcId: "vpc-1a2b3c4d")
        try await registry.createAccessPoint(record, quota: 10)
        #expect(try await registry.accessPoint(named: record.name, account: F.account, region: F.region) == record)
        #expect(try await registry.accessPoint(named: record.name, account: F.account, region: F.otherRegion) == nil)
        #expect(try await registry.deleteAccessPoint(named: record.name, account: F.account, region: F.region))
        #expect(try await !registry.deleteAccessPoint(named: record.name, account: F.account, region: F.region))
        #expect(try await registry.accessPoint(named: record.name, account: F.account, region: F.region) == nil)
    }

    @Test func sameNameIsAllowedInAnotherRegionOrAccountAndAfterDelete() async throws {
        let registry = try SQLiteRegistry.inMemory()
        try await registry.createAccessPoint(F.record("reports"), quota: 10)
        await #expect(throws: RegistryError.alreadyExists) {
            try await registry.createAccessPoint(F.record("reports", bucket: "other-bucket"), quota: 10)
        }
        try await registry.createAccessPoint(F.record("reports", region: F.otherRegion), quota: 10)
        try await registry.createAccessPoint(F.record("reports", account: F.otherAccount), quota: 10)
        _ = try await registry.deleteAccessPoint(named: F.record("reports").name, account: F.account, region: F.region)
        try await registry.createAccessPoint(F.record("reports", bucket: "other-bucket"), quota: 10)
        let again = try await registry.accessPoint(
            named: F.record("reports").name,
            account: F.account,
            region: F.region
        )
        #expect(again?.bucket.rawValue == "other-bucket")
    }

    @Test func quotaCountsPerAccountAndRegion() async throws {
        let registry = try SQLiteRegistry.inMemory()
        try await registry.createAccessPoint(F.record("one"), quota: 2)
        try await registry.createAccessPoint(F.record("two"), quota: 2)
        await #expect(throws: RegistryError.quotaExceeded) {
            try await registry.createAccessPoint(F.record("three"), quota: 2)
        }
        try await registry.createAccessPoint(F.record("three", region: F.otherRegion), quota: 2)
    }

    @Test func fiftyConcurrentCreatesOfOneNameGiveOneSuccess() async throws {
        let directory = F.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try SQLiteRegistry(stateDirectory: directory)
        let outcomes = await withTaskGroup(of: RegistryError?.self) { group in
            for index in 0..<50 {
                group.addTask {
                    var record = F.record("contested")
                    record.alias = "contested-\(index)-s3alias"
                    do throws(RegistryError) {
                        try await registry.createAccessPoint(record, quota: 1000)
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.filter { $0 == .alreadyExists }.count == 49)
        #expect(try await registry.integrityCheck() == ["ok"])
    }

    @Test func stateSurvivesReopeningTheFile() async throws {
        let directory = F.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var version: UInt64 = 0
        do {
            let registry = try SQLiteRegistry(stateDirectory: directory)
            try await registry.createAccessPoint(F.record("reports"), quota: 10)
            #expect(
                try await registry.setAccessPointPolicy(
                    #"{"Version":"2012-10-17"}"#,
                    named: F.record("reports").name,
                    account: F.account,
                    region: F.region
                )
            )
            try await registry.setAccountPublicAccessBlock(.init(blockPublicPolicy: true), account: F.account)
            version = try await registry.snapshot().version
        }
        let reopened = try SQLiteRegistry(stateDirectory: directory)
        let record = try await reopened.accessPoint(
            named: F.record("reports").name,
            account: F.account,
            region: F.region
        )
        #expect(record?.policy == #"{"Version":"2012-10-17"}"#)
        #expect(try await reopened.accountPublicAccessBlock(account: F.account) == .init(blockPublicPolicy: true))
        #expect(try await reopened.snapshot().version == version)
        #expect(try await reopened.integrityCheck() == ["ok"])
        #expect(FileManager.default.fileExists(atPath: directory + "/registry.sqlite"))
    }

    @Test func listsByNameWithFiltersAndPages() async throws {
        let registry = try SQLiteRegistry.inMemory()
        for name in ["delta", "alpha", "charlie", "bravo"] {
            try await registry.createAccessPoint(F.record(name, bucket: name < "c" ? "first" : "second"), quota: 10)
        }
        try await registry.createAccessPoint(F.record("echo", region: F.otherRegion), quota: 10)
        func names(bucket: String? = nil, after: String? = nil, limit: Int = 10) async throws -> [String] {
            try await registry.listAccessPoints(
                account: F.account,
                region: F.region,
                bucket: try bucket.map { try BucketName(validating: $0) },
                startAfter: try after.map { try AccessPointName(validating: $0) },
                limit: limit
            ).map(\.name.rawValue)
        }
        #expect(try await names() == ["alpha", "bravo", "charlie", "delta"])
        #expect(try await names(bucket: "second") == ["charlie", "delta"])
        #expect(try await names(after: "bravo", limit: 1) == ["charlie"])
    }

    @Test func accountPublicAccessBlockIsSetReplacedAndDeleted() async throws {
        let registry = try SQLiteRegistry.inMemory()
        #expect(try await registry.accountPublicAccessBlock(account: F.account) == nil)
        try await registry.setAccountPublicAccessBlock(.all, account: F.account)
        try await registry.setAccountPublicAccessBlock(.init(ignorePublicAcls: true), account: F.account)
        #expect(try await registry.accountPublicAccessBlock(account: F.account) == .init(ignorePublicAcls: true))
        #expect(try await registry.accountPublicAccessBlock(account: F.otherAccount) == nil)
        try await registry.setAccountPublicAccessBlock(nil, account: F.account)
        try await registry.setAccountPublicAccessBlock(nil, account: F.account)
        #expect(try await registry.accountPublicAccessBlock(account: F.account) == nil)
    }

    @Test func snapshotStreamDeliversEachCommittedChange() async throws {
        let registry = try SQLiteRegistry.inMemory()
        var snapshots = registry.snapshots().makeAsyncIterator()
        let initial = try #require(await snapshots.next())
        #expect(initial.accessPoints.isEmpty)

        try await registry.createAccessPoint(F.record("reports", vpcId: "vpc-1"), quota: 10)
        let created = try #require(await snapshots.next())
        #expect(created.version > initial.version)
        #expect(created.accessPoints.map(\.name.rawValue) == ["reports"])
        #expect(created.accessPoints.first?.vpcId == "vpc-1")
        #expect(created.accessPoints.first?.alias == F.record("reports").alias)

        _ = try await registry.deleteAccessPoint(named: F.record("reports").name, account: F.account, region: F.region)
        let deleted = try #require(await snapshots.next())
        #expect(deleted.version > created.version)
        #expect(deleted.accessPoints.isEmpty)
        #expect(try await registry.snapshot() == deleted)
    }
}
