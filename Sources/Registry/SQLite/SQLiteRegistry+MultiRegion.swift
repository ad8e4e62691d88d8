public import AccessPointCore
internal import Foundation
internal import GRDB

extension SQLiteRegistry {
    public func beginAsyncOperation(
        _ operation: AsyncOperationRecord
    ) async throws(RegistryError)
        -> AsyncOperationRecord
    {
        let request: String?
        do {
            request = try operation.createRequest.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        } catch {
            throw .storage.because("cannot encode the request: \(error)")
        }
        return try await write { db in
            if let existing = try Row.fetchOne(
                db,
                sql: "SELECT * FROM async_request WHERE account = ? AND operation = ? AND client_token = ?",
                arguments: [operation.account.rawValue, operation.operation, operation.clientToken]
            ).flatMap(Self.asyncOperationRecord) {
                return existing
            }
            try db.execute(
                sql: """
                    INSERT INTO async_request (token, account, operation, client_token, creation_time, status,
                        create_request, error_code, error_message, target_name, policy)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    operation.token, operation.account.rawValue, operation.operation, operation.clientToken,
                    Int64(operation.creationTime.timeIntervalSince1970.rounded(.down)), operation.status, request,
                    operation.errorCode, operation.errorMessage, operation.targetName, operation.policy,
                ]
            )
            return operation
        }
    }

    public func asyncOperation(
        token: String,
        account: AccountID
    ) async throws(RegistryError)
        -> AsyncOperationRecord?
    {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM async_request WHERE token = ? AND account = ?",
                arguments: [token, account.rawValue]
            ).flatMap(Self.asyncOperationRecord)
        }
    }

    public func pendingAsyncOperations() async throws(RegistryError) -> [AsyncOperationRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM async_request WHERE status = 'INPROGRESS' ORDER BY creation_time, token"
            ).compactMap(Self.asyncOperationRecord)
        }
    }

    public func completeCreate(
        token: String,
        accessPoint: MultiRegionAccessPointRecord?,
        failure: (code: String, message: String)?
    ) async throws(RegistryError) -> AsyncOperationRecord? {
        let failure = failure.map { [$0.code, $0.message] }
        return try await write { db in
            var outcome = failure
            if outcome == nil, let mrap = accessPoint {
                let taken =
                    try Bool.fetchOne(
                        db,
                        sql: "SELECT EXISTS (SELECT 1 FROM multi_region_access_point WHERE account = ? AND name = ?)",
                        arguments: [mrap.account.rawValue, mrap.name.rawValue]
                    ) ?? false
                if taken {
                    outcome = [
                        "MultiRegionAccessPointAlreadyOwnedByYou",
                        "A Multi-Region Access Point named \(mrap.name) already exists in this account.",
                    ]
                } else {
                    try Self.insert(mrap, db)
                }
            }
            try db.execute(
                sql: """
                    UPDATE async_request SET status = ?, error_code = ?, error_message = ?
                    WHERE token = ? AND status = 'INPROGRESS'
                    """,
                arguments: [outcome == nil ? "SUCCEEDED" : "FAILED", outcome?[0], outcome?[1], token]
            )
            return try Row.fetchOne(db, sql: "SELECT * FROM async_request WHERE token = ?", arguments: [token])
                .flatMap(Self.asyncOperationRecord)
        }
    }

    public func completeChange(
        token: String,
        failure: (code: String, message: String)?
    )
        async throws(RegistryError) -> AsyncOperationRecord?
    {
        let failure = failure.map { [$0.code, $0.message] }
        return try await write { db in
            guard
                let operation = try Row.fetchOne(
                    db,
                    sql: "SELECT * FROM async_request WHERE token = ? AND status = 'INPROGRESS'",
                    arguments: [token]
                ).flatMap(Self.asyncOperationRecord)
            else {
                return try Row.fetchOne(db, sql: "SELECT * FROM async_request WHERE token = ?", arguments: [token])
                    .flatMap(Self.asyncOperationRecord)
            }
            var outcome = failure
            if outcome == nil {
                let account = operation.account.rawValue
                switch operation.operation {
                case "DeleteMultiRegionAccessPoint":
                    try db.execute(
                        sql: "DELETE FROM multi_region_access_point WHERE account = ? AND name = ?",
                        arguments: [account, operation.targetName]
                    )
                case "PutMultiRegionAccessPointPolicy":
                    try db.execute(
                        sql: """
                            UPDATE multi_region_access_point SET established_policy = ?, proposed_policy = ?
                            WHERE account = ? AND name = ?
                            """,
                        arguments: [operation.policy, operation.policy, account, operation.targetName]
                    )
                default:
                    break
                }
                if db.changesCount == 0 {
                    outcome = [
                        "NoSuchMultiRegionAccessPoint",
                        "The specified Multi-Region Access Point does not exist: \(operation.targetName ?? "")",
                    ]
                }
            }
            try db.execute(
                sql: "UPDATE async_request SET status = ?, error_code = ?, error_message = ? WHERE token = ?",
                arguments: [outcome == nil ? "SUCCEEDED" : "FAILED", outcome?[0], outcome?[1], token]
            )
            return try Row.fetchOne(db, sql: "SELECT * FROM async_request WHERE token = ?", arguments: [token])
                .flatMap(Self.asyncOperationRecord)
        }
    }

    public func multiRegionAccessPoint(
        named name: MultiRegionAccessPointName,
        account: AccountID
    )
        async throws(RegistryError) -> MultiRegionAccessPointRecord?
    {
        try await read { db in
            try Self.multiRegionAccessPoints(db, account: account, name: name).first
        }
    }

    public func listMultiRegionAccessPoints(
        account: AccountID
    ) async throws(RegistryError)
        -> [MultiRegionAccessPointRecord]
    {
        try await read { db in try Self.multiRegionAccessPoints(db, account: account, name: nil) }
    }

    public func setMultiRegionTrafficDials(
        _ dials: [Region: Int],
        named name: MultiRegionAccessPointName,
        account: AccountID
    ) async throws(RegistryError) -> TrafficDialChange {
        do {
            return try await write { db in
                let exists = try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM multi_region_access_point WHERE account = ? AND name = ?)",
                    arguments: [account.rawValue, name.rawValue]
                )
                guard exists == true else { return .notFound }
                for (region, dial) in dials {
                    try db.execute(
                        sql: """
                            UPDATE multi_region_access_point_region SET traffic_dial = ?
                            WHERE account = ? AND name = ? AND region = ?
                            """,
                        arguments: [dial, account.rawValue, name.rawValue, region.rawValue]
                    )
                }
                let active = try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM multi_region_access_point_region
                        WHERE account = ? AND name = ? AND traffic_dial > 0
                        """,
                    arguments: [account.rawValue, name.rawValue]
                )
                // Thrown to roll the transaction back; answered below.
                guard (active ?? 0) > 0 else {
                    throw RegistryError.refused.because("no region of the multi-region access point would stay active")
                }
                return .changed
            }
        } catch RegistryError.refused {
            return .noActiveRegion
        }
    }

    // MARK: Rows

    static func insert(_ mrap: MultiRegionAccessPointRecord, _ db: Database) throws {
        let flags = mrap.publicAccessBlock
        try db.execute(
            sql: """
                INSERT INTO multi_region_access_point (account, name, alias, created_at, block_public_acls,
                    ignore_public_acls, block_public_policy, restrict_public_buckets, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                mrap.account.rawValue, mrap.name.rawValue, mrap.alias.rawValue,
                Int64(mrap.createdAt.timeIntervalSince1970.rounded(.down)), flags.blockPublicAcls,
                flags.ignorePublicAcls, flags.blockPublicPolicy, flags.restrictPublicBuckets, mrap.status,
            ]
        )
        for entry in mrap.regions {
            try db.execute(
                sql: """
                    INSERT INTO multi_region_access_point_region (account, name, region, bucket, bucket_account)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    mrap.account.rawValue, mrap.name.rawValue, entry.region.rawValue, entry.bucket.rawValue,
                    entry.bucketAccount.rawValue,
                ]
            )
        }
    }

    static func multiRegionAccessPoints(
        _ db: Database,
        account: AccountID,
        name: MultiRegionAccessPointName?
    ) throws
        -> [MultiRegionAccessPointRecord]
    {
        var sql = "SELECT * FROM multi_region_access_point WHERE account = ?"
        var arguments: StatementArguments = [account.rawValue]
        if let name {
            sql += " AND name = ?"
            _ = arguments.append(contentsOf: [name.rawValue])
        }
        return try Row.fetchAll(db, sql: sql + " ORDER BY name", arguments: arguments).compactMap { row in
            guard let name = try? MultiRegionAccessPointName(validating: row["name"]),
                let alias = try? MultiRegionAccessPointAlias(validating: row["alias"])
            else { return nil }
            let regions = try Row.fetchAll(
                db,
                sql: "SELECT * FROM multi_region_access_point_region WHERE account = ? AND name = ? ORDER BY region",
                arguments: [account.rawValue, name.rawValue]
            ).compactMap { row -> MultiRegionAccessPointRecord.RegionEntry? in
                guard let region = try? Region(validating: row["region"]),
                    let bucket = try? BucketName(validating: row["bucket"]),
                    let bucketAccount = try? AccountID(validating: row["bucket_account"])
                else { return nil }
                return MultiRegionAccessPointRecord.RegionEntry(
                    region: region,
                    bucket: bucket,
                    bucketAccount: bucketAccount,
                    trafficDialPercentage: row["traffic_dial"]
                )
            }
            let seconds: Int64 = row["created_at"]
            return MultiRegionAccessPointRecord(
                account: account,
                name: name,
                alias: alias,
                createdAt: Date(timeIntervalSince1970: TimeInterval(seconds)),
                publicAccessBlock: flags(row),
                status: row["status"],
                regions: regions,
                establishedPolicy: row["established_policy"],
                proposedPolicy: row["proposed_policy"]
            )
        }
    }

    static func asyncOperationRecord(_ row: Row) -> AsyncOperationRecord? {
        guard let account = try? AccountID(validating: row["account"]) else { return nil }
        let seconds: Int64 = row["creation_time"]
        let request: String? = row["create_request"]
        return AsyncOperationRecord(
            token: row["token"],
            account: account,
            operation: row["operation"],
            clientToken: row["client_token"],
            creationTime: Date(timeIntervalSince1970: TimeInterval(seconds)),
            status: row["status"],
            createRequest: request.flatMap {
                try? JSONDecoder().decode(AsyncOperationRecord.CreateRequest.self, from: Data($0.utf8))
            },
            targetName: row["target_name"],
            policy: row["policy"],
            errorCode: row["error_code"],
            errorMessage: row["error_message"]
        )
    }
}
