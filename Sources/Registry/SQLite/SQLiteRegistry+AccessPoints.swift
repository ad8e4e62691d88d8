public import AccessPointCore
internal import Foundation
internal import GRDB

extension SQLiteRegistry {
    public func createAccessPoint(
        _ record: AccessPointRecord,
        tags: [ResourceTag],
        quota: Int
    ) async throws(RegistryError) {
        try await write { db in
            let count =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM access_point WHERE account = ? AND region = ?",
                    arguments: [record.account.rawValue, record.region.rawValue]
                ) ?? 0
            let exists =
                try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM access_point WHERE account = ? AND region = ? AND name = ?)",
                    arguments: [record.account.rawValue, record.region.rawValue, record.name.rawValue]
                ) ?? false
            if exists { throw RegistryError.alreadyExists.because("access point \(record.name) already exists") }
            if count >= quota {
                throw RegistryError.quotaExceeded.because("\(count) access points, the quota is \(quota)")
            }
            let flags = record.publicAccessBlock
            try db.execute(
                sql: """
                    INSERT INTO access_point (account, region, name, bucket, bucket_account, vpc_id,
                        block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets,
                        alias, creation_date, policy)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.account.rawValue, record.region.rawValue, record.name.rawValue, record.bucket.rawValue,
                    record.bucketAccount.rawValue, record.vpcId, flags.blockPublicAcls, flags.ignorePublicAcls,
                    flags.blockPublicPolicy, flags.restrictPublicBuckets, record.alias,
                    Int64(record.creationDate.timeIntervalSince1970.rounded(.down)), record.policy,
                ]
            )
            try Self.insertTags(tags, db, record.account, record.region, record.name)
        }
    }

    public func accessPoint(
        named name: AccessPointName,
        account: AccountID,
        region: Region
    ) async throws(RegistryError)
        -> AccessPointRecord?
    {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM access_point WHERE account = ? AND region = ? AND name = ?",
                arguments: [account.rawValue, region.rawValue, name.rawValue]
            ).flatMap(Self.accessPointRecord)
        }
    }

    public func deleteAccessPoint(
        named name: AccessPointName,
        account: AccountID,
        region: Region
    )
        async throws(RegistryError) -> Bool
    {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM access_point WHERE account = ? AND region = ? AND name = ?",
                arguments: [account.rawValue, region.rawValue, name.rawValue]
            )
            return db.changesCount > 0
        }
    }

    public func listAccessPoints(
        account: AccountID,
        region: Region,
        bucket: BucketName?,
        startAfter: AccessPointName?,
        limit: Int
    ) async throws(RegistryError) -> [AccessPointRecord] {
        try await read { db in
            var sql = "SELECT * FROM access_point WHERE account = ? AND region = ?"
            var arguments: StatementArguments = [account.rawValue, region.rawValue]
            if let bucket {
                sql += " AND bucket = ?"
                _ = arguments.append(contentsOf: [bucket.rawValue])
            }
            if let startAfter {
                sql += " AND name > ?"
                _ = arguments.append(contentsOf: [startAfter.rawValue])
            }
            sql += " ORDER BY name LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap(Self.accessPointRecord)
        }
    }

    public func setAccessPointPolicy(
        _ policy: String?,
        named name: AccessPointName,
        account: AccountID,
        region: Region
    ) async throws(RegistryError) -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE access_point SET policy = ? WHERE account = ? AND region = ? AND name = ?",
                arguments: [policy, account.rawValue, region.rawValue, name.rawValue]
            )
            return db.changesCount > 0
        }
    }

    public func accountPublicAccessBlock(account: AccountID) async throws(RegistryError) -> PublicAccessBlock? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM account_public_access_block WHERE account = ?",
                arguments: [account.rawValue]
            ).map(Self.flags)
        }
    }

    public func setAccountPublicAccessBlock(
        _ flags: PublicAccessBlock?,
        account: AccountID
    )
        async throws(RegistryError)
    {
        try await write { db in
            guard let flags else {
                try db.execute(
                    sql: "DELETE FROM account_public_access_block WHERE account = ?",
                    arguments: [account.rawValue]
                )
                return
            }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO account_public_access_block (account, block_public_acls,
                        ignore_public_acls, block_public_policy, restrict_public_buckets)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    account.rawValue, flags.blockPublicAcls, flags.ignorePublicAcls, flags.blockPublicPolicy,
                    flags.restrictPublicBuckets,
                ]
            )
        }
    }

    static func flags(_ row: Row) -> PublicAccessBlock {
        PublicAccessBlock(
            blockPublicAcls: row["block_public_acls"],
            ignorePublicAcls: row["ignore_public_acls"],
            blockPublicPolicy: row["block_public_policy"],
            restrictPublicBuckets: row["restrict_public_buckets"]
        )
    }

    static func accessPointRecord(_ row: Row) -> AccessPointRecord? {
        guard let name = try? AccessPointName(validating: row["name"]),
            let account = try? AccountID(validating: row["account"]),
            let region = try? Region(validating: row["region"]),
            let bucket = try? BucketName(validating: row["bucket"]),
            let bucketAccount = try? AccountID(validating: row["bucket_account"])
        else { return nil }
        let seconds: Int64 = row["creation_date"]
        return AccessPointRecord(
            name: name,
            account: account,
            region: region,
            bucket: bucket,
            bucketAccount: bucketAccount,
            vpcId: row["vpc_id"],
            publicAccessBlock: flags(row),
            alias: row["alias"],
            creationDate: Date(timeIntervalSince1970: TimeInterval(seconds)),
            policy: row["policy"]
        )
    }
}
