import AccessPointCore
import Foundation
import GRDB
import Testing

@testable import Registry

/// A registry written by an earlier release opens with the current schema: the migrations after it run, and what
/// they add takes the value the earlier release meant.
struct MigrationTests {
    /// A multi-region access point stored before the routes (migration v5) has every region active, and serves.
    @Test func aMultiRegionAccessPointFromBeforeTheRoutesHasEveryRegionActive() async throws {
        let directory = NSTemporaryDirectory() + "registry-migration-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let earlier = try DatabaseQueue(path: directory + "/" + SQLiteRegistry.fileName)
        try RegistrySchema.migrator.migrate(earlier, upTo: "v4: access point tags")
        try await earlier.write { db in try SQLiteRegistry.insertMultiRegionAccessPointRows(db) }
        try earlier.close()

        let registry = try SQLiteRegistry(stateDirectory: directory)
        let record = try await registry.multiRegionAccessPoint(
            named: try MultiRegionAccessPointName(validating: "old"),
            account: try AccountID(validating: "123456789012")
        )
        #expect(record?.regions.map(\.trafficDialPercentage) == [100, 100])
        #expect(
            try await registry.snapshot().multiRegionAccessPoints.first?.routes.map(\.bucket.rawValue) == [
                "east-bucket", "west-bucket",
            ]
        )
    }
}

/// A multi-region access point keeps one active region: a change that would leave none changes nothing, decided
/// in the change's own transaction.
struct TrafficDialTests {
    @Test func aChangeThatLeavesNoRegionActiveChangesNothing() async throws {
        let registry = try SQLiteRegistry.inMemory()
        _ = try await registry.write { db in try SQLiteRegistry.insertMultiRegionAccessPointRows(db) }
        let name = try MultiRegionAccessPointName(validating: "old")
        let account = try AccountID(validating: "123456789012")
        let west = try Region(validating: "us-west-2")
        let east = try Region(validating: "us-east-1")
        #expect(try await registry.setMultiRegionTrafficDials([west: 0], named: name, account: account) == .changed)
        #expect(
            try await registry.setMultiRegionTrafficDials([east: 0], named: name, account: account) == .noActiveRegion
        )
        let record = try await registry.multiRegionAccessPoint(named: name, account: account)
        #expect(record?.regions.map(\.trafficDialPercentage) == [100, 0], "us-east-1 stayed active")
        #expect(try await registry.snapshot().multiRegionAccessPoints.first?.routes.map(\.region) == [east])
        let missing = try MultiRegionAccessPointName(validating: "nope")
        #expect(try await registry.setMultiRegionTrafficDials([east: 0], named: missing, account: account) == .notFound)
    }
}

extension SQLiteRegistry {
    /// A multi-region access point `old` over us-east-1 and us-west-2, written as rows (the tables of migration v2).
    fileprivate static func insertMultiRegionAccessPointRows(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO multi_region_access_point (account, name, alias, created_at, block_public_acls,
                    ignore_public_acls, block_public_policy, restrict_public_buckets, status)
                VALUES ('123456789012', 'old', 'mfzwi23gnjvgw.mrap', 0, 1, 1, 1, 1, 'READY');
                INSERT INTO multi_region_access_point_region (account, name, region, bucket, bucket_account)
                VALUES ('123456789012', 'old', 'us-east-1', 'east-bucket', '123456789012'),
                    ('123456789012', 'old', 'us-west-2', 'west-bucket', '123456789012');
                """
        )
    }
}
