#include "relay/store/pg_schema.h"

#include <algorithm>
#include <array>
#include <string>

namespace backchannel::relay::pg {
namespace {

// The advisory lock key relays take while migrating ("bcrelay" in ASCII):
// any number would do, as long as every build uses the same.
constexpr std::int64_t kMigrationLock = 0x6263'7265'6c61'79;

struct Migration {
  const char* sql;
  // The oldest build version that can use the schema after this migration.
  std::int64_t compatible_from;
};

// Migration i (0-based) takes the schema from version i to version i+1.
// Append new migrations; never edit one that has shipped.
constexpr std::array<Migration, 1> kMigrations = {{
    // Version 1: the schema of the SQLite store's version 2 (mailboxes with
    // their byte counts and last-seen time, prekeys, queued messages, request
    // nonces), with the store-wide byte total spread over 16 rows.
    {R"sql(
CREATE TABLE mailboxes (
  id           bytea  NOT NULL PRIMARY KEY CHECK (octet_length(id) = 16),
  auth_key     bytea  NOT NULL CHECK (octet_length(auth_key) = 32),
  token_hash   bytea  NOT NULL CHECK (octet_length(token_hash) = 32),
  created_ms   bigint NOT NULL,
  seen_ms      bigint NOT NULL,
  bundle_base  bytea,
  queued       bigint NOT NULL DEFAULT 0 CHECK (queued >= 0),
  queued_bytes bigint NOT NULL DEFAULT 0 CHECK (queued_bytes >= 0)
);
CREATE INDEX mailboxes_by_seen ON mailboxes (seen_ms);

CREATE TABLE one_time_prekeys (
  mailbox_id bytea  NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
  key_id     bigint NOT NULL CHECK (key_id BETWEEN 0 AND 4294967295),
  key        bytea  NOT NULL,
  PRIMARY KEY (mailbox_id, key_id)
);

CREATE TABLE messages (
  seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mailbox_id  bytea  NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
  message_id  bytea  NOT NULL CHECK (octet_length(message_id) = 16),
  received_ms bigint NOT NULL,
  envelope    bytea  NOT NULL,
  UNIQUE (mailbox_id, message_id)
);
CREATE INDEX messages_by_mailbox ON messages (mailbox_id, seq);
CREATE INDEX messages_by_received ON messages (received_ms);
-- Envelopes are ciphertext: compressing them only costs time.
ALTER TABLE messages ALTER COLUMN envelope SET STORAGE EXTERNAL;

CREATE TABLE nonces (
  mailbox_id bytea  NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
  nonce      bytea  NOT NULL,
  seen_ms    bigint NOT NULL,
  PRIMARY KEY (mailbox_id, nonce)
);
CREATE INDEX nonces_by_seen ON nonces (seen_ms);

-- Bytes queued in the whole store, in 16 rows (shard = last byte of the
-- mailbox id mod 16): one row would make every append and ack in every
-- relay wait for the previous one's commit, fsync included.
CREATE TABLE totals (
  shard        bigint NOT NULL PRIMARY KEY CHECK (shard BETWEEN 0 AND 15),
  queued_bytes bigint NOT NULL CHECK (queued_bytes >= 0)
);
INSERT INTO totals (shard, queued_bytes) SELECT s, 0 FROM generate_series(0, 15) AS s;

CREATE FUNCTION bc_shard(id bytea) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT (get_byte(id, 15) & 15)::bigint $$;

-- mailboxes.queued/queued_bytes and totals follow every insert and delete of
-- a message, whatever deletes it (an ack, expiry, a mailbox's cascade), so
-- the limits are checked in O(1) inside the appending transaction.
CREATE FUNCTION bc_count_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE mailboxes SET queued = queued + 1,
                         queued_bytes = queued_bytes + octet_length(NEW.envelope)
      WHERE id = NEW.mailbox_id;
    UPDATE totals SET queued_bytes = queued_bytes + octet_length(NEW.envelope)
      WHERE shard = bc_shard(NEW.mailbox_id);
    RETURN NEW;
  END IF;
  UPDATE mailboxes SET queued = queued - 1,
                       queued_bytes = queued_bytes - octet_length(OLD.envelope)
    WHERE id = OLD.mailbox_id;
  UPDATE totals SET queued_bytes = queued_bytes - octet_length(OLD.envelope)
    WHERE shard = bc_shard(OLD.mailbox_id);
  RETURN OLD;
END
$$;
CREATE TRIGGER messages_counted AFTER INSERT OR DELETE ON messages
  FOR EACH ROW EXECUTE FUNCTION bc_count_messages();
)sql",
     1},
}};

Status Migrate(Connection& c) {
  BC_RETURN_IF_ERROR(
      c.Exec("SELECT pg_advisory_xact_lock($1)", {Param::Int64(kMigrationLock)}).status());
  BC_ASSIGN_OR_RETURN(
      Rows exists, c.Exec("SELECT count(*) FROM pg_catalog.pg_tables "
                          "WHERE schemaname = current_schema() AND tablename = 'schema_version'"));
  BC_ASSIGN_OR_RETURN(std::int64_t has_version_table, exists.Int64(0, 0));
  std::int64_t version = 0;
  std::int64_t compatible_from = 0;
  if (has_version_table == 0) {
    BC_ASSIGN_OR_RETURN(Rows tables, c.Exec("SELECT count(*) FROM pg_catalog.pg_tables "
                                            "WHERE schemaname = current_schema()"));
    BC_ASSIGN_OR_RETURN(std::int64_t n, tables.Int64(0, 0));
    if (n != 0) {
      return IoError(
          "not a backchannel relay store (the database's schema holds other tables; give the "
          "relay a database of its own)");
    }
    BC_RETURN_IF_ERROR(
        c.ExecScript("CREATE TABLE schema_version ("
                     "  only_row boolean NOT NULL PRIMARY KEY DEFAULT true CHECK (only_row),"
                     "  version bigint NOT NULL,"
                     "  compatible_from bigint NOT NULL);"
                     "INSERT INTO schema_version (version, compatible_from) VALUES (0, 0);"));
  } else {
    BC_ASSIGN_OR_RETURN(Rows row, c.Exec("SELECT version, compatible_from FROM schema_version"));
    if (row.size() != 1) return Corrupt("schema_version must hold exactly one row");
    BC_ASSIGN_OR_RETURN(version, row.Int64(0, 0));
    BC_ASSIGN_OR_RETURN(compatible_from, row.Int64(0, 1));
  }
  if (compatible_from > LatestSchemaVersion()) {
    return {StatusCode::kUnsupportedVersion,
            "relay store schema version " + std::to_string(version) + " needs a build of version " +
                std::to_string(compatible_from) + " or later; this build's is " +
                std::to_string(LatestSchemaVersion())};
  }
  if (version >= LatestSchemaVersion()) return Status::Ok();  // newer but compatible
  for (auto v = static_cast<std::size_t>(version); v < kMigrations.size(); ++v) {
    BC_RETURN_IF_ERROR(
        c.ExecScript(kMigrations[v].sql).WithContext("migration " + std::to_string(v + 1)));
    compatible_from = std::max(compatible_from, kMigrations[v].compatible_from);
  }
  return c
      .Exec("UPDATE schema_version SET version = $1, compatible_from = $2",
            {Param::Int64(LatestSchemaVersion()), Param::Int64(compatible_from)})
      .status();
}

}  // namespace

std::int64_t LatestSchemaVersion() { return static_cast<std::int64_t>(kMigrations.size()); }

Status MigrateSchema(Connection& connection) {
  BC_RETURN_IF_ERROR(connection.ExecScript("BEGIN"));
  Status s = Migrate(connection);
  if (s.ok()) s = connection.ExecScript("COMMIT");
  if (!s.ok() && connection.healthy() && connection.InTransaction()) {
    (void)connection.ExecScript("ROLLBACK");
  }
  return s;
}

}  // namespace backchannel::relay::pg
