#include "relay/store/sqlite_schema.h"

#include <array>
#include <optional>
#include <string>

#include "backchannel/sqlite/migrations.h"

namespace backchannel::relay::sqlite {
namespace {

// Migration i (0-based) takes the schema from version i to version i+1.
// Append new migrations; never edit one that has shipped.
constexpr std::array<const char*, 2> kMigrations = {
    // Version 1: mailboxes, prekeys, queued messages, request nonces.
    R"sql(
CREATE TABLE mailboxes (
  id          BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  auth_key    BLOB    NOT NULL CHECK (length(auth_key) = 32),
  token_hash  BLOB    NOT NULL CHECK (length(token_hash) = 32),
  created_ms  INTEGER NOT NULL,
  bundle_base BLOB,
  queued      INTEGER NOT NULL DEFAULT 0 CHECK (queued >= 0)
) WITHOUT ROWID;

CREATE TABLE one_time_prekeys (
  mailbox_id BLOB    NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
  key_id     INTEGER NOT NULL CHECK (key_id BETWEEN 0 AND 4294967295),
  key        BLOB    NOT NULL,
  PRIMARY KEY (mailbox_id, key_id)
) WITHOUT ROWID;

CREATE TABLE messages (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  mailbox_id  BLOB    NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
  message_id  BLOB    NOT NULL CHECK (length(message_id) = 16),
  received_ms INTEGER NOT NULL,
  envelope    BLOB    NOT NULL,
  UNIQUE (mailbox_id, message_id)
);
CREATE INDEX messages_by_mailbox ON messages (mailbox_id, seq);
CREATE INDEX messages_by_received ON messages (received_ms);

-- mailboxes.queued counts the mailbox's messages, so that the queue limit is
-- checked in O(1) inside the appending transaction.
CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
  UPDATE mailboxes SET queued = queued + 1 WHERE id = NEW.mailbox_id;
END;
CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
  UPDATE mailboxes SET queued = queued - 1 WHERE id = OLD.mailbox_id;
END;

CREATE TABLE nonces (
  mailbox_id BLOB    NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
  nonce      BLOB    NOT NULL,
  seen_ms    INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_by_seen ON nonces (seen_ms);
)sql",
    // Version 2: byte quotas (bytes queued per mailbox and in all), and when
    // the owner last signed a request (idle mailboxes are deleted).
    R"sql(
ALTER TABLE mailboxes ADD COLUMN queued_bytes INTEGER NOT NULL DEFAULT 0 CHECK (queued_bytes >= 0);
ALTER TABLE mailboxes ADD COLUMN seen_ms INTEGER NOT NULL DEFAULT 0;
UPDATE mailboxes SET
  seen_ms = created_ms,
  queued_bytes = (SELECT coalesce(sum(length(envelope)), 0) FROM messages
                  WHERE messages.mailbox_id = mailboxes.id);
CREATE INDEX mailboxes_by_seen ON mailboxes (seen_ms);

CREATE TABLE totals (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  queued_bytes INTEGER NOT NULL CHECK (queued_bytes >= 0)
);
INSERT INTO totals (id, queued_bytes)
  VALUES (1, (SELECT coalesce(sum(length(envelope)), 0) FROM messages));

DROP TRIGGER messages_count_insert;
DROP TRIGGER messages_count_delete;
CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
  UPDATE mailboxes SET queued = queued + 1, queued_bytes = queued_bytes + length(NEW.envelope)
    WHERE id = NEW.mailbox_id;
  UPDATE totals SET queued_bytes = queued_bytes + length(NEW.envelope);
END;
CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
  UPDATE mailboxes SET queued = queued - 1, queued_bytes = queued_bytes - length(OLD.envelope)
    WHERE id = OLD.mailbox_id;
  UPDATE totals SET queued_bytes = queued_bytes - length(OLD.envelope);
END;
)sql",
};

// The version record of stores made before the shared migration scheme
// (backchannel/sqlite/migrations.h): a one-row table, still kept equal to
// PRAGMA user_version so that an older build refuses a newer store.
Result<std::optional<std::int64_t>> ReadVersionTable(Connection& c) {
  BC_ASSIGN_OR_RETURN(std::int64_t tables,
                      c.QueryInt64("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                   "name = 'schema_version'"));
  if (tables == 0) return std::optional<std::int64_t>();
  BC_ASSIGN_OR_RETURN(std::int64_t version, c.QueryInt64("SELECT version FROM schema_version"));
  return std::optional<std::int64_t>(version);
}

Status WriteVersionTable(Connection& c, std::int64_t version) {
  return c.Prepare("UPDATE schema_version SET version = ?1").Bind(1, version).Run();
}

const backchannel::sqlite::Schema& RelaySchema() {
  // Built once: the steps are the constant kMigrations.
  static const backchannel::sqlite::Schema relay_schema = [] {
    backchannel::sqlite::Schema schema;
    schema.name = "relay store";
    for (const char* sql : kMigrations) schema.migrations.push_back({sql, nullptr});
    schema.legacy = backchannel::sqlite::LegacyVersionRecord{ReadVersionTable, WriteVersionTable};
    return schema;
  }();
  return relay_schema;
}

// Checks (and, for a new database, claims) the application id, then applies
// the migrations. Inside MigrateSchema's transaction.
Status ClaimAndMigrate(Connection& c) {
  BC_ASSIGN_OR_RETURN(std::int64_t application_id, c.QueryInt64("PRAGMA application_id"));
  BC_ASSIGN_OR_RETURN(std::int64_t objects, c.QueryInt64("SELECT count(*) FROM sqlite_schema"));
  if (objects == 0 && application_id == 0) {
    // A new, empty database: claim it.
    BC_RETURN_IF_ERROR(
        c.Exec("PRAGMA application_id = 1111708243;"  // kApplicationId
               "CREATE TABLE schema_version (version INTEGER NOT NULL);"
               "INSERT INTO schema_version (version) VALUES (0);"));
  } else if (application_id != kApplicationId) {
    return IoError("not a backchannel relay store (a SQLite database of another application)");
  }
  return backchannel::sqlite::Migrate(c, RelaySchema());
}

}  // namespace

static_assert(kApplicationId == 1111708243);

std::int64_t LatestSchemaVersion() { return static_cast<std::int64_t>(kMigrations.size()); }

Status MigrateSchema(Connection& connection) {
  return backchannel::sqlite::InTransaction(connection,
                                            [&] { return ClaimAndMigrate(connection); });
}

}  // namespace backchannel::relay::sqlite
