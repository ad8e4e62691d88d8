public import AccessPointCore
internal import GRDB

extension SQLiteRegistry {
    public func accessPointTags(
        named name: AccessPointName,
        account: AccountID,
        region: Region
    ) async throws(RegistryError) -> [ResourceTag]? {
        try await read { db in
            guard try Self.accessPointExists(db, account, region, name) else { return nil }
            return try Self.tags(db, account, region, name)
        }
    }

    public func tagAccessPoint(
        _ tags: [ResourceTag],
        named name: AccessPointName,
        account: AccountID,
        region: Region,
        limit: Int
    ) async throws(RegistryError) -> Bool {
        try await write { db in
            guard try Self.accessPointExists(db, account, region, name) else { return false }
            var merged = Dictionary(
                try Self.tags(db, account, region, name).map { ($0.key, $0.value) },
                uniquingKeysWith: { $1 }
            )
            for tag in tags { merged[tag.key] = tag.value }
            guard merged.count <= limit else {
                throw RegistryError.quotaExceeded.because("\(merged.count) tags, at most \(limit) are allowed")
            }
            try Self.insertTags(tags, db, account, region, name)
            return true
        }
    }

    public func untagAccessPoint(
        keys: [String],
        named name: AccessPointName,
        account: AccountID,
        region: Region
    ) async throws(RegistryError) -> Bool {
        try await write { db in
            guard try Self.accessPointExists(db, account, region, name) else { return false }
            for key in keys {
                try db.execute(
                    sql: "DELETE FROM access_point_tag WHERE account = ? AND region = ? AND name = ? AND key = ?",
                    arguments: [account.rawValue, region.rawValue, name.rawValue, key]
                )
            }
            return true
        }
    }

    /// Inserts or replaces each tag, within the caller's transaction.
    static func insertTags(
        _ tags: [ResourceTag],
        _ db: Database,
        _ account: AccountID,
        _ region: Region,
        _ name: AccessPointName
    ) throws {
        for tag in tags {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO access_point_tag (account, region, name, key, value)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [account.rawValue, region.rawValue, name.rawValue, tag.key, tag.value]
            )
        }
    }

    private static func tags(
        _ db: Database,
        _ account: AccountID,
        _ region: Region,
        _ name: AccessPointName
    ) throws -> [ResourceTag] {
        try Row.fetchAll(
            db,
            sql: "SELECT key, value FROM access_point_tag WHERE account = ? AND region = ? AND name = ? ORDER BY key",
            arguments: [account.rawValue, region.rawValue, name.rawValue]
        ).map { ResourceTag(key: $0["key"], value: $0["value"]) }
    }

    private static func accessPointExists(
        _ db: Database,
        _ account: AccountID,
        _ region: Region,
        _ name: AccessPointName
    ) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT EXISTS (SELECT 1 FROM access_point WHERE account = ? AND region = ? AND name = ?)",
            arguments: [account.rawValue, region.rawValue, name.rawValue]
        ) ?? false
    }
}
