public import AccessPointCore
internal import Dispatch
internal import Foundation
internal import GRDB

/// `AccessPointRegistry` on SQLite through GRDB: `stateDir/registry.sqlite` in WAL mode, or in memory for tests.
///
/// Each change runs in one write transaction that also bumps the persisted snapshot version, so versions keep
/// increasing across restarts and a crash never leaves half a change. Subscribers observe committed changes
/// through GRDB's `ValueObservation`.
public final class SQLiteRegistry: AccessPointRegistry {
    /// The database file's name inside the state directory.
    public static let fileName = "registry.sqlite"

    let writer: any DatabaseWriter

    private init(writer: any DatabaseWriter) throws(RegistryError) {
        self.writer = writer
        do {
            try RegistrySchema.migrator.migrate(writer)
        } catch {
            throw .storage.because("cannot migrate the registry schema: \(error)")
        }
    }

    /// Opens (creating if needed) `directory/registry.sqlite`, in WAL mode, and migrates it.
    public convenience init(stateDirectory directory: String) throws(RegistryError) {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            try self.init(writer: DatabasePool(path: path, configuration: configuration))
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .storage.because("cannot open \(path): \(error)")
        }
    }

    /// A private in-memory database, for tests.
    public static func inMemory() throws(RegistryError) -> SQLiteRegistry {
        do {
            return try SQLiteRegistry(writer: DatabaseQueue())
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .storage.because("cannot open an in-memory database: \(error)")
        }
    }

    /// SQLite's `PRAGMA integrity_check` lines; `["ok"]` for a sound file.
    public func integrityCheck() async throws(RegistryError) -> [String] {
        try await read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    // MARK: Transactions

    /// Runs `body` in one write transaction and bumps the snapshot version in the same transaction.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(RegistryError) -> T {
        do {
            return try await writer.write { db in
                let result = try body(db)
                try db.execute(sql: "UPDATE snapshot_version SET version = version + 1 WHERE id = 1")
                return result
            }
        } catch let error as RegistryError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw .alreadyExists.because("\(error.message ?? "constraint violated")")
        } catch {
            throw .storage.because("\(error)")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(RegistryError) -> T {
        do {
            return try await writer.read(body)
        } catch {
            throw .storage.because("\(error)")
        }
    }

    // MARK: Snapshots

    public func snapshot() async throws(RegistryError) -> AccessPointSnapshot {
        try await read(Self.readSnapshot)
    }

    /// Observes only the snapshot version, a one-row read after each commit, and reads the whole snapshot once per
    /// version the subscriber has not seen: a burst of commits while a snapshot is being read or consumed becomes
    /// one snapshot, so a burst of n creates costs far fewer than n full reads (it was one per commit, O(n²)).
    public func snapshots() -> AsyncStream<AccessPointSnapshot> {
        let (versions, versionContinuation) = AsyncStream.makeStream(
            of: UInt64.self,
            bufferingPolicy: .bufferingNewest(1)
        )
        let observation = ValueObservation.tracking(Self.readVersion).removeDuplicates()
        let cancellable = observation.start(
            in: writer,
            scheduling: .async(onQueue: DispatchQueue(label: "registry.snapshots")),
            onError: { _ in versionContinuation.finish() },
            onChange: { versionContinuation.yield($0) }
        )
        let (stream, continuation) = AsyncStream.makeStream(
            of: AccessPointSnapshot.self,
            bufferingPolicy: .bufferingNewest(1)
        )
        let reader = Task { [self] in
            var delivered: UInt64?
            for await version in versions {
                if let delivered, version <= delivered { continue }
                guard let snapshot = try? await self.snapshot() else { break }
                delivered = snapshot.version
                continuation.yield(snapshot)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in
            cancellable.cancel()
            versionContinuation.finish()
            reader.cancel()
        }
        return stream
    }

    static func readVersion(_ db: Database) throws -> UInt64 {
        try UInt64.fetchOne(db, sql: "SELECT version FROM snapshot_version WHERE id = 1") ?? 0
    }

    static func readSnapshot(_ db: Database) throws -> AccessPointSnapshot {
        let version = try readVersion(db)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT account, region, name, bucket, bucket_account, alias, vpc_id, policy, block_public_acls,
                    ignore_public_acls, block_public_policy, restrict_public_buckets
                FROM access_point ORDER BY account, region, name
                """
        )
        var accessPoints: [AccessPointSnapshot.AccessPoint] = []
        accessPoints.reserveCapacity(rows.count)
        for row in rows {
            // Rows were validated when written; a row that no longer validates is left out of the data plane.
            guard let name = try? AccessPointName(validating: row["name"]),
                let account = try? AccountID(validating: row["account"]),
                let region = try? Region(validating: row["region"]),
                let bucket = try? BucketName(validating: row["bucket"]),
                let bucketAccount = try? AccountID(validating: row["bucket_account"])
            else { continue }
            accessPoints.append(
                AccessPointSnapshot.AccessPoint(
                    name: name,
                    account: account,
                    region: region,
                    bucket: bucket,
                    alias: row["alias"],
                    vpcId: row["vpc_id"],
                    bucketAccount: bucketAccount,
                    publicAccessBlock: publicAccessBlock(row),
                    policy: row["policy"]
                )
            )
        }
        var routes: [String: [AccessPointSnapshot.MultiRegionAccessPoint.Route]] = [:]
        for row in try Row.fetchAll(
            db,
            // A passive region (traffic dial 0) is routed nothing, so the router is not shown it.
            sql: """
                SELECT account, name, region, bucket, bucket_account FROM multi_region_access_point_region
                WHERE traffic_dial > 0
                """
        ) {
            guard let region = try? Region(validating: row["region"]),
                let bucket = try? BucketName(validating: row["bucket"]),
                let bucketAccount = try? AccountID(validating: row["bucket_account"])
            else { continue }
            let key = "\(row["account"] as String)/\(row["name"] as String)"
            routes[key, default: []].append(.init(region: region, bucket: bucket, bucketAccount: bucketAccount))
        }
        // Only multi-region access points whose creation has finished serve requests.
        let multiRegion = try Row.fetchAll(
            db,
            sql: """
                SELECT account, name, alias, established_policy, block_public_acls, ignore_public_acls,
                    block_public_policy, restrict_public_buckets
                FROM multi_region_access_point WHERE status = 'READY' ORDER BY account, name
                """
        ).compactMap { row -> AccessPointSnapshot.MultiRegionAccessPoint? in
            guard let name = try? MultiRegionAccessPointName(validating: row["name"]),
                let account = try? AccountID(validating: row["account"]),
                let alias = try? MultiRegionAccessPointAlias(validating: row["alias"])
            else { return nil }
            return AccessPointSnapshot.MultiRegionAccessPoint(
                name: name,
                account: account,
                alias: alias,
                routes: routes["\(account)/\(name)"] ?? [],
                policy: row["established_policy"],
                publicAccessBlock: publicAccessBlock(row)
            )
        }
        var accountBlocks: [AccountID: PublicAccessBlock] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM account_public_access_block") {
            guard let account = try? AccountID(validating: row["account"]) else { continue }
            accountBlocks[account] = publicAccessBlock(row)
        }
        return AccessPointSnapshot(
            version: version,
            accessPoints: accessPoints,
            multiRegionAccessPoints: multiRegion,
            accountPublicAccessBlocks: accountBlocks
        )
    }

    private static func publicAccessBlock(_ row: Row) -> PublicAccessBlock {
        PublicAccessBlock(
            blockPublicAcls: row["block_public_acls"],
            ignorePublicAcls: row["ignore_public_acls"],
            blockPublicPolicy: row["block_public_policy"],
            restrictPublicBuckets: row["restrict_public_buckets"]
        )
    }
}
