import GRDB

extension EmbeddedStore {
    /// Rooms and subscriptions are plain columns (read on every message send, where JSON decoding showed in
    /// profiles); users, tokens and messages keep a JSON document beside their indexed columns.
    ///
    /// Schema migrations, applied in order at start-up; never edit a released migration, add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-chat-core") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        id TEXT PRIMARY KEY, username_key TEXT NOT NULL UNIQUE, doc BLOB NOT NULL);
                    CREATE TABLE user_emails (
                        address_key TEXT PRIMARY KEY,
                        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE);
                    CREATE INDEX user_emails_user ON user_emails(user_id);
                    CREATE TABLE tokens (
                        digest TEXT PRIMARY KEY, user_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT,
                        expires_at INTEGER, doc BLOB NOT NULL);
                    CREATE UNIQUE INDEX tokens_personal_name ON tokens(user_id, name) WHERE name IS NOT NULL;
                    CREATE INDEX tokens_user ON tokens(user_id);
                    CREATE TABLE rooms (
                        id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT, name_key TEXT UNIQUE, direct_key TEXT UNIQUE,
                        creator_id TEXT, creator_username TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                        msgs INTEGER NOT NULL, users_count INTEGER NOT NULL, read_only INTEGER NOT NULL,
                        is_default INTEGER NOT NULL, topic TEXT, description TEXT, usernames TEXT NOT NULL,
                        user_ids TEXT NOT NULL, last_message_at INTEGER);
                    CREATE INDEX rooms_type_name ON rooms(type, name_key);
                    CREATE TABLE subscriptions (
                        id TEXT PRIMARY KEY, room_id TEXT NOT NULL, user_id TEXT NOT NULL, username TEXT NOT NULL,
                        username_key TEXT NOT NULL, name TEXT NOT NULL, display_name TEXT NOT NULL, room_type TEXT NOT NULL,
                        open INTEGER NOT NULL, unread INTEGER NOT NULL, alert INTEGER NOT NULL, roles TEXT NOT NULL,
                        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_seen INTEGER,
                        UNIQUE(room_id, user_id));
                    CREATE INDEX subscriptions_user ON subscriptions(user_id);
                    CREATE INDEX subscriptions_room_username ON subscriptions(room_id, username_key);
                    CREATE TABLE messages (
                        id TEXT PRIMARY KEY, room_id TEXT NOT NULL, ts INTEGER NOT NULL, thread_id TEXT,
                        tcount INTEGER, tlm INTEGER, doc BLOB NOT NULL);
                    CREATE INDEX messages_room_ts ON messages(room_id, ts);
                    CREATE INDEX messages_thread_ts ON messages(thread_id, ts) WHERE thread_id IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v2-apps") { db in
            try db.execute(
                sql: """
                    CREATE TABLE apps (
                        id TEXT PRIMARY KEY, installed_at INTEGER NOT NULL, doc BLOB NOT NULL, package BLOB NOT NULL);
                    CREATE INDEX apps_installed ON apps(installed_at);
                    """)
        }
        migrator.registerMigration("v3-app-logs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE app_logs (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, app_id TEXT NOT NULL, ts INTEGER NOT NULL,
                        verbosity INTEGER NOT NULL, method TEXT NOT NULL, doc BLOB NOT NULL);
                    CREATE INDEX app_logs_app_ts ON app_logs(app_id, ts);
                    """)
        }
        migrator.registerMigration("v4-app-persistence") { db in
            try db.execute(
                sql: """
                    CREATE TABLE app_persistence (id TEXT PRIMARY KEY, app_id TEXT NOT NULL, doc BLOB NOT NULL);
                    CREATE INDEX app_persistence_app ON app_persistence(app_id);
                    CREATE TABLE app_persistence_associations (
                        record_id TEXT NOT NULL REFERENCES app_persistence(id) ON DELETE CASCADE, app_id TEXT NOT NULL,
                        key TEXT NOT NULL, PRIMARY KEY (record_id, key));
                    CREATE INDEX app_persistence_key ON app_persistence_associations(app_id, key);
                    """)
        }
        migrator.registerMigration("v5-app-jobs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE app_jobs (id TEXT PRIMARY KEY, app_id TEXT NOT NULL, processor_id TEXT NOT NULL,
                        next_run INTEGER NOT NULL, doc BLOB NOT NULL);
                    CREATE INDEX app_jobs_next ON app_jobs(next_run);
                    CREATE INDEX app_jobs_app ON app_jobs(app_id, processor_id);
                    """)
        }
        migrator.registerMigration("v6-room-custom-fields") { db in
            try db.execute(sql: "ALTER TABLE rooms ADD COLUMN custom_fields BLOB")
        }
        // Persistence ids become per app (one app can no longer take an id another app's upsert needs), and each
        // record's size is kept for the per-app quota.
        migrator.registerMigration("v7-app-persistence-per-app") { db in
            try db.execute(
                sql: """
                    CREATE TABLE app_persistence_v7 (
                        app_id TEXT NOT NULL, id TEXT NOT NULL, doc BLOB NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (app_id, id));
                    INSERT INTO app_persistence_v7 (app_id, id, doc, size) SELECT app_id, id, doc, length(doc) FROM app_persistence ORDER BY rowid;
                    CREATE TABLE app_persistence_associations_v7 (
                        app_id TEXT NOT NULL, record_id TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (app_id, record_id, key),
                        FOREIGN KEY (app_id, record_id) REFERENCES app_persistence_v7(app_id, id) ON DELETE CASCADE);
                    INSERT INTO app_persistence_associations_v7 (app_id, record_id, key)
                        SELECT app_id, record_id, key FROM app_persistence_associations;
                    DROP TABLE app_persistence_associations;
                    DROP TABLE app_persistence;
                    ALTER TABLE app_persistence_v7 RENAME TO app_persistence;
                    ALTER TABLE app_persistence_associations_v7 RENAME TO app_persistence_associations;
                    CREATE INDEX app_persistence_key ON app_persistence_associations(app_id, key);
                    """)
        }
        migrator.registerMigration("v8-discussions") { db in
            try db.execute(sql: "ALTER TABLE rooms ADD COLUMN prid TEXT; ALTER TABLE rooms ADD COLUMN fname TEXT")
        }
        migrator.registerMigration("v9-trusted-keys") { db in
            try db.execute(sql: "CREATE TABLE trusted_keys (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, doc BLOB NOT NULL)")
        }
        migrator.registerMigration("v10-integrations") { db in
            try db.execute(
                sql: """
                    CREATE TABLE integrations (id TEXT PRIMARY KEY, kind TEXT NOT NULL, enabled INTEGER NOT NULL,
                        created_at INTEGER NOT NULL, doc BLOB NOT NULL);
                    CREATE INDEX integrations_kind ON integrations(kind, enabled);
                    """)
        }
        migrator.registerMigration("v11-job-leases") { db in
            try db.execute(sql: "ALTER TABLE app_jobs ADD COLUMN lease_owner TEXT; ALTER TABLE app_jobs ADD COLUMN lease_until INTEGER")
        }
        migrator.registerMigration("v12-app-log-nodes") { db in
            try db.execute(sql: "ALTER TABLE app_logs ADD COLUMN node TEXT")
        }
        return migrator
    }
}
