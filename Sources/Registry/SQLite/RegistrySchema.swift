internal import GRDB

/// The versioned schema. A migration, once released, is never edited: changes are new migrations.
enum RegistrySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: access points, account public access blocks, snapshot version") { db in
            // The primary key is what makes 50 concurrent creates of one name give exactly one success.
            try db.execute(
                sql: """
                    CREATE TABLE access_point (
                        account TEXT NOT NULL,
                        region TEXT NOT NULL,
                        name TEXT NOT NULL,
                        bucket TEXT NOT NULL,
                        bucket_account TEXT NOT NULL,
                        vpc_id TEXT,
                        block_public_acls INTEGER NOT NULL,
                        ignore_public_acls INTEGER NOT NULL,
                        block_public_policy INTEGER NOT NULL,
                        restrict_public_buckets INTEGER NOT NULL,
                        alias TEXT NOT NULL UNIQUE,
                        creation_date INTEGER NOT NULL,
                        policy TEXT,
                        PRIMARY KEY (account, region, name)
                    ) WITHOUT ROWID;
                    CREATE TABLE account_public_access_block (
                        account TEXT NOT NULL PRIMARY KEY,
                        block_public_acls INTEGER NOT NULL,
                        ignore_public_acls INTEGER NOT NULL,
                        block_public_policy INTEGER NOT NULL,
                        restrict_public_buckets INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE snapshot_version (
                        id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                        version INTEGER NOT NULL
                    );
                    INSERT INTO snapshot_version (id, version) VALUES (1, 0);
                    """
            )
        }
        migrator.registerMigration("v2: multi-region access points and their asynchronous requests") { db in
            try db.execute(
                sql: """
                    CREATE TABLE multi_region_access_point (
                        account TEXT NOT NULL,
                        name TEXT NOT NULL,
                        alias TEXT NOT NULL UNIQUE,
                        created_at INTEGER NOT NULL,
                        block_public_acls INTEGER NOT NULL,
                        ignore_public_acls INTEGER NOT NULL,
                        block_public_policy INTEGER NOT NULL,
                        restrict_public_buckets INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        PRIMARY KEY (account, name)
                    ) WITHOUT ROWID;
                    CREATE TABLE multi_region_access_point_region (
                        account TEXT NOT NULL,
                        name TEXT NOT NULL,
                        region TEXT NOT NULL,
                        bucket TEXT NOT NULL,
                        bucket_account TEXT NOT NULL,
                        PRIMARY KEY (account, name, region),
                        FOREIGN KEY (account, name) REFERENCES multi_region_access_point (account, name)
                            ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    CREATE TABLE async_request (
                        token TEXT NOT NULL PRIMARY KEY,
                        account TEXT NOT NULL,
                        operation TEXT NOT NULL,
                        client_token TEXT NOT NULL,
                        creation_time INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        create_request TEXT,
                        error_code TEXT,
                        error_message TEXT,
                        UNIQUE (account, operation, client_token)
                    );
                    """
            )
        }
        migrator.registerMigration("v3: multi-region access point policies, delete and put-policy requests") { db in
            try db.execute(
                sql: """
                    ALTER TABLE multi_region_access_point ADD COLUMN established_policy TEXT;
                    ALTER TABLE multi_region_access_point ADD COLUMN proposed_policy TEXT;
                    ALTER TABLE async_request ADD COLUMN target_name TEXT;
                    ALTER TABLE async_request ADD COLUMN policy TEXT;
                    """
            )
        }
        migrator.registerMigration("v4: access point tags") { db in
            // Tags go with their access point: deleting it deletes them (foreign keys are on in GRDB).
            try db.execute(
                sql: """
                    CREATE TABLE access_point_tag (
                        account TEXT NOT NULL,
                        region TEXT NOT NULL,
                        name TEXT NOT NULL,
                        key TEXT NOT NULL,
                        value TEXT NOT NULL,
                        PRIMARY KEY (account, region, name, key),
                        FOREIGN KEY (account, region, name) REFERENCES access_point (account, region, name)
                            ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v5: multi-region access point routes") { db in
            // Each region's traffic dial (SubmitMultiRegionAccessPointRoutes): 100 active, 0 passive.
            try db.execute(
                sql: """
                    ALTER TABLE multi_region_access_point_region
                        ADD COLUMN traffic_dial INTEGER NOT NULL DEFAULT 100;
                    """
            )
        }
        return migrator
    }
}
