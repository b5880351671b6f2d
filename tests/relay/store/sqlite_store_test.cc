// The SQLite store: the conformance suite on ":memory:" and on a file, plus
// what only SQLite has (WAL and synchronous settings, schema versioning,
// files that are not a relay store, unwritable locations).
#include "relay/store/sqlite_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "relay/store/sqlite_connection.h"
#include "relay/store/sqlite_schema.h"
#include "relay/store/store_conformance.h"

namespace backchannel::relay::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(
    Sqlite, StoreConformanceTest,
    ::testing::Values(
        StoreFactory{"Memory", [](const std::string&) { return OpenSqliteStore(":memory:"); },
                     false},
        StoreFactory{"File",
                     [](const std::string& dir) { return OpenSqliteStore(dir + "/relay.db"); },
                     true},
        StoreFactory{"FileNoGroupCommit",
                     [](const std::string& dir) {
                       SqliteStoreOptions options;
                       options.group_commit = false;
                       return OpenSqliteStore(dir + "/relay.db", options);
                     },
                     true},
        StoreFactory{"FileNoReaderPool",
                     [](const std::string& dir) {
                       SqliteStoreOptions options;
                       options.reader_connections = 0;
                       return OpenSqliteStore(dir + "/relay.db", options);
                     },
                     true}),
    StoreFactoryName);

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    path_ = dir_ + "/relay.db";
  }
  void TearDown() override {
    chmod(dir_.c_str(), 0700);
    RemoveTree(dir_);
  }

  std::string dir_;
  std::string path_;
};

MailboxRecord SomeMailbox() {
  MailboxRecord r;
  r.id.mutable_bytes().fill(1);
  r.auth_key.mutable_bytes().fill(2);
  r.delivery_token_hash.mutable_bytes().fill(3);
  return r;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

TEST_F(SqliteStoreTest, FileIsInWalModeWithFullSync) {
  auto store = OpenSqliteStore(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  auto c = OpenConfiguredConnection(path_, /*writer=*/false, 1000);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*(*c)->QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(*(*c)->QueryInt64("PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(*(*c)->QueryInt64("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(*(*c)->QueryInt64("PRAGMA application_id"), sqlite::kApplicationId);
  EXPECT_EQ(*(*c)->QueryInt64("SELECT version FROM schema_version"), sqlite::LatestSchemaVersion());
}

// A relay store as schema version 1 wrote it (the shipped schema, with one
// mailbox holding two envelopes of 3 and 5 bytes and one nonce).
constexpr const char* kSchema1Store = R"sql(
PRAGMA application_id = 1111708243;
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (1);
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
INSERT INTO mailboxes (id, auth_key, token_hash, created_ms)
  VALUES (zeroblob(16), zeroblob(32), zeroblob(32), 1700000000000);
INSERT INTO messages (mailbox_id, message_id, received_ms, envelope)
  VALUES (zeroblob(16), x'01000000000000000000000000000000', 5, x'aabbcc');
INSERT INTO messages (mailbox_id, message_id, received_ms, envelope)
  VALUES (zeroblob(16), x'02000000000000000000000000000000', 6, x'0102030405');
INSERT INTO nonces (mailbox_id, nonce, seen_ms) VALUES (zeroblob(16), x'07', 9);
)sql";

TEST_F(SqliteStoreTest, SchemaVersion1IsUpgradedWithItsByteCounts) {
  {
    auto c = sqlite::Connection::Open(path_, /*create=*/true, 1000);
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_TRUE((*c)->Exec(kSchema1Store).ok());
  }
  auto store = OpenSqliteStore(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  const MailboxId mb{};
  auto rec = (*store)->GetMailbox(mb);
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_EQ(rec->seen_ms, 1'700'000'000'000);  // created_ms until the owner signs
  EXPECT_EQ(*(*store)->CountMessages(mb), 2u);
  StoredMessage m;
  m.id.mutable_bytes()[0] = 3;
  m.envelope = Bytes(2, 0xee);
  // 3 + 5 bytes are counted: 2 more fit a 10-byte quota, 3 do not.
  EXPECT_EQ((*store)->AppendMessage(mb, m, {100, 9, 1000}).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ((*store)->AppendMessage(mb, m, {100, 1000, 9}).code(), StatusCode::kUnavailable);
  EXPECT_TRUE((*store)->AppendMessage(mb, m, {100, 10, 10}).ok());
  EXPECT_EQ((*store)->RecordNonce(mb, Bytes{7}, 10, 0).code(), StatusCode::kAlreadyExists);
  auto c = OpenConfiguredConnection(path_, /*writer=*/false, 1000);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*(*c)->QueryInt64("SELECT version FROM schema_version"), 2);
  EXPECT_EQ(*(*c)->QueryInt64("SELECT queued_bytes FROM totals"), 10);
  EXPECT_EQ(*(*c)->QueryInt64("PRAGMA secure_delete"), 1);
}

TEST_F(SqliteStoreTest, FileThatIsNotADatabaseIsAnIoError) {
  WriteFile(path_, std::string(4096, 'x'));
  auto store = OpenSqliteStore(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), StatusCode::kIoError);
  EXPECT_THAT(std::string(store.error().message()), ::testing::HasSubstr("not a database"));
}

TEST_F(SqliteStoreTest, StoreWithDamagedHeaderIsAnIoError) {
  {
    auto store = OpenSqliteStore(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->CreateMailbox(SomeMailbox()).ok());
  }
  {
    std::fstream f(path_, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(0);
    f << "garbage garbage garbage garbage";
  }
  auto store = OpenSqliteStore(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), StatusCode::kIoError) << store.error();
}

TEST_F(SqliteStoreTest, OtherApplicationsDatabaseIsRefused) {
  {
    auto c = sqlite::Connection::Open(path_, /*create=*/true, 1000);
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_TRUE((*c)->Exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi')").ok());
  }
  auto store = OpenSqliteStore(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), StatusCode::kIoError);
  EXPECT_THAT(std::string(store.error().message()),
              ::testing::HasSubstr("not a backchannel relay store"));
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  {
    auto store = OpenSqliteStore(path_);
    ASSERT_TRUE(store.ok()) << store.status();
  }
  {
    auto c = sqlite::Connection::Open(path_, /*create=*/false, 1000);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->Exec("UPDATE schema_version SET version = 999").ok());
  }
  auto store = OpenSqliteStore(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), StatusCode::kUnsupportedVersion) << store.error();
}

TEST_F(SqliteStoreTest, ReopeningKeepsTheSchemaVersion) {
  for (int i = 0; i < 3; ++i) {
    auto store = OpenSqliteStore(path_);
    ASSERT_TRUE(store.ok()) << store.status();
  }
}

TEST_F(SqliteStoreTest, PathUnderARegularFileIsAnIoError) {
  WriteFile(dir_ + "/plain", "not a directory");
  auto store = OpenSqliteStore(dir_ + "/plain/relay.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), StatusCode::kIoError) << store.error();
}

TEST_F(SqliteStoreTest, ReadOnlyDirectoryIsAnIoError) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  ASSERT_EQ(chmod(dir_.c_str(), 0500), 0);
  auto store = OpenSqliteStore(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), StatusCode::kIoError) << store.error();
}

TEST_F(SqliteStoreTest, WriteFailureLeavesStoreUsableAndUnchanged) {
  // A second connection holds the write lock: the store's write times out
  // with kIoError (busy), rolls back, and works once the lock is gone.
  SqliteStoreOptions options;
  options.busy_timeout_ms = 50;
  auto store = OpenSqliteStore(path_, options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->CreateMailbox(SomeMailbox()).ok());
  StoredMessage m;
  m.id.mutable_bytes().fill(9);
  m.envelope = Bytes{1, 2, 3};
  {
    auto blocker = sqlite::Connection::Open(path_, /*create=*/false, 0);
    ASSERT_TRUE(blocker.ok());
    ASSERT_TRUE((*blocker)->Exec("BEGIN IMMEDIATE").ok());
    Status s = (*store)->AppendMessage(SomeMailbox().id, m, MessageLimit(10));
    EXPECT_EQ(s.code(), StatusCode::kIoError) << s;
    // Reads still work while another connection writes (WAL).
    auto count = (*store)->CountMessages(SomeMailbox().id);
    ASSERT_TRUE(count.ok()) << count.status();
    EXPECT_EQ(*count, 0u);
    ASSERT_TRUE((*blocker)->Exec("ROLLBACK").ok());
  }
  ASSERT_TRUE((*store)->AppendMessage(SomeMailbox().id, m, MessageLimit(10)).ok());
  EXPECT_EQ(*(*store)->CountMessages(SomeMailbox().id), 1u);
}

TEST_F(SqliteStoreTest, FailedGroupCommitFailsEveryAppendAndKeepsNone) {
  SqliteStoreOptions options;
  options.busy_timeout_ms = 100;
  auto store = OpenSqliteStore(path_, options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->CreateMailbox(SomeMailbox()).ok());
  {
    auto blocker = sqlite::Connection::Open(path_, /*create=*/false, 0);
    ASSERT_TRUE(blocker.ok());
    ASSERT_TRUE((*blocker)->Exec("BEGIN IMMEDIATE").ok());
    std::vector<std::thread> threads;
    std::vector<Status> results(8);
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        StoredMessage m;
        m.id.mutable_bytes().fill(static_cast<std::uint8_t>(t));
        m.envelope = Bytes{1};
        results[t] = (*store)->AppendMessage(SomeMailbox().id, m, MessageLimit(100));
      });
    }
    for (auto& th : threads) th.join();
    for (const Status& s : results) EXPECT_EQ(s.code(), StatusCode::kIoError) << s;
    ASSERT_TRUE((*blocker)->Exec("ROLLBACK").ok());
  }
  EXPECT_EQ(*(*store)->CountMessages(SomeMailbox().id), 0u);
  EXPECT_EQ(*(*store)->CountAllMessages(), 0u);
}

// Writes queued behind a commit share the next one, each in its own
// savepoint: a refused write (a replayed nonce, an unknown message, a
// duplicate id) changes nothing and undoes none of the others.
TEST_F(SqliteStoreTest, RefusedWritesInAGroupCommitUndoNoneOfTheOthers) {
  SqliteStoreOptions options;
  options.busy_timeout_ms = 10'000;
  auto store = OpenSqliteStore(path_, options);
  ASSERT_TRUE(store.ok()) << store.status();
  Store& st = **store;
  ASSERT_TRUE(st.CreateMailbox(SomeMailbox()).ok());
  const MailboxId id = SomeMailbox().id;
  const Bytes used_nonce(16, 0xEE);
  ASSERT_TRUE(st.RecordNonce(id, used_nonce, 1000, 0).ok());
  const Bytes old_nonce(16, 0xDD);
  ASSERT_TRUE(st.RecordNonce(id, old_nonce, 500, 0).ok());
  StoredMessage existing;
  existing.id.mutable_bytes().fill(0xAA);
  existing.envelope = Bytes{9};
  ASSERT_TRUE(st.AppendMessage(id, existing, MessageLimit(100)).ok());

  // Another connection holds the write lock, so the first writer waits in
  // BEGIN IMMEDIATE as leader while the others queue up behind it.
  auto blocker = sqlite::Connection::Open(path_, /*create=*/false, 0);
  ASSERT_TRUE(blocker.ok());
  ASSERT_TRUE((*blocker)->Exec("BEGIN IMMEDIATE").ok());
  constexpr int kWriters = 9;
  std::vector<Status> results(kWriters);
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      if (t < 5) {
        StoredMessage m;
        m.id.mutable_bytes().fill(static_cast<std::uint8_t>(t));
        m.envelope = Bytes{static_cast<std::uint8_t>(t)};
        results[t] = st.AppendMessage(id, m, MessageLimit(100));
      } else if (t == 5) {
        // Forgets nonces older than 800 (old_nonce), then finds used_nonce
        // replayed: refused, so the forgetting must be undone too.
        results[t] = st.RecordNonce(id, used_nonce, 2000, 800);
      } else if (t == 6) {
        results[t] = st.AppendMessage(id, existing, MessageLimit(100));  // duplicate id
      } else if (t == 7) {
        MessageId none{};
        none.mutable_bytes().fill(0x77);
        results[t] = st.DeleteMessage(id, none);  // no such message
      } else {
        results[t] = st.RecordNonce(id, Bytes(16, 0x01), 2000, 0);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE((*blocker)->Exec("ROLLBACK").ok());
  for (auto& th : threads) th.join();
  for (int t = 0; t < 5; ++t) EXPECT_TRUE(results[t].ok()) << t << ": " << results[t];
  EXPECT_EQ(results[5].code(), StatusCode::kAlreadyExists) << results[5];
  EXPECT_EQ(results[6].code(), StatusCode::kAlreadyExists) << results[6];
  EXPECT_EQ(results[7].code(), StatusCode::kNotFound) << results[7];
  EXPECT_TRUE(results[8].ok()) << results[8];
  auto listed = st.ListMessages(id, 100);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 6u);
  EXPECT_EQ((*listed)[0].envelope, Bytes{9});  // the original kept its bytes
  EXPECT_EQ(*st.CountMessages(id), 6u);
  // The nonce written in the group is durable and now refused.
  EXPECT_EQ(st.RecordNonce(id, Bytes(16, 0x01), 3000, 0).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(st.RecordNonce(id, old_nonce, 3000, 0).code(), StatusCode::kAlreadyExists)
      << "the refused write's deletion was not undone";
}

// A full disk (here: the database's page cap) refuses the write with
// kUnavailable (507 at the relay), keeps everything stored before it, leaves
// the file intact, and writes work again once space is freed.
TEST_F(SqliteStoreTest, FullDatabaseRefusesTheWriteAndKeepsEverythingElse) {
  SqliteStoreOptions options;
  options.max_page_count = 64;  // 256 KiB at 4 KiB pages
  auto store = OpenSqliteStore(path_, options);
  ASSERT_TRUE(store.ok()) << store.status();
  Store& st = **store;
  ASSERT_TRUE(st.CreateMailbox(SomeMailbox()).ok());
  const MailboxId id = SomeMailbox().id;
  int stored = 0;
  Status refused;
  for (int i = 0; i < 200 && refused.ok(); ++i) {
    StoredMessage m;
    m.id.mutable_bytes().fill(0);
    m.id.mutable_bytes()[0] = static_cast<std::uint8_t>(i);
    m.envelope = Bytes(8000, static_cast<std::uint8_t>(i));
    refused = st.AppendMessage(id, m, MessageLimit(100'000));
    if (refused.ok()) ++stored;
  }
  ASSERT_FALSE(refused.ok()) << "the page cap was never reached";
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable) << refused;
  ASSERT_GT(stored, 0);
  EXPECT_EQ(*st.CountMessages(id), static_cast<std::size_t>(stored));
  EXPECT_EQ(*st.CountAllMessages(), static_cast<std::size_t>(stored));

  // Freed pages are reused: after an ack, a post fits again.
  auto listed = st.ListMessages(id, 1);
  ASSERT_TRUE(listed.ok() && listed->size() == 1);
  ASSERT_TRUE(st.DeleteMessage(id, (*listed)[0].id).ok());
  StoredMessage again;
  again.id.mutable_bytes().fill(0xFF);
  again.envelope = Bytes(8000, 0xFF);
  EXPECT_TRUE(st.AppendMessage(id, again, MessageLimit(100'000)).ok());
  store->reset();

  auto check = sqlite::Connection::Open(path_, /*create=*/false, 0);
  ASSERT_TRUE(check.ok());
  auto integrity = (*check)->QueryText("PRAGMA integrity_check");
  ASSERT_TRUE(integrity.ok());
  EXPECT_EQ(*integrity, "ok");
  auto reopened = OpenSqliteStore(path_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->CountMessages(id), static_cast<std::size_t>(stored));
}

TEST_F(SqliteStoreTest, TwoStoresOnOneFileSeeEachOther) {
  auto a = OpenSqliteStore(path_);
  auto b = OpenSqliteStore(path_);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->CreateMailbox(SomeMailbox()).ok());
  ASSERT_TRUE((*b)->PutPreKeys(SomeMailbox().id, Bytes{1}, {{1, Bytes(33, 5)}}, false).ok());
  auto taken = (*a)->TakeOneTimePreKey(SomeMailbox().id);
  ASSERT_TRUE(taken.ok() && taken->has_value());
  auto none = (*b)->TakeOneTimePreKey(SomeMailbox().id);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

// Durable appends per second on a file, by thread count, with and without
// group commit. A measurement, not a check: run it by hand with
//   relay_store_test --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
TEST_F(SqliteStoreTest, DISABLED_AppendThroughput) {
  for (bool group : {false, true}) {
    for (int threads : {1, 8, 32}) {
      const std::string path =
          dir_ + "/tp-" + std::to_string(group) + "-" + std::to_string(threads) + ".db";
      SqliteStoreOptions options;
      options.group_commit = group;
      auto store = OpenSqliteStore(path, options);
      ASSERT_TRUE(store.ok()) << store.status();
      for (int t = 0; t < threads; ++t) {
        MailboxRecord r = SomeMailbox();
        r.id.mutable_bytes()[0] = static_cast<std::uint8_t>(t);
        ASSERT_TRUE((*store)->CreateMailbox(r).ok());
      }
      const int per_thread = 2000 / threads;
      auto start = std::chrono::steady_clock::now();
      std::vector<std::thread> workers;
      for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
          MailboxId id = SomeMailbox().id;
          id.mutable_bytes()[0] = static_cast<std::uint8_t>(t);
          for (int i = 0; i < per_thread; ++i) {
            StoredMessage m;
            m.id.mutable_bytes().fill(0);
            m.id.mutable_bytes()[0] = static_cast<std::uint8_t>(i);
            m.id.mutable_bytes()[1] = static_cast<std::uint8_t>(i >> 8);
            m.envelope = Bytes(4096, 0x5A);
            EXPECT_TRUE((*store)->AppendMessage(id, m, MessageLimit(100'000)).ok());
          }
        });
      }
      for (auto& w : workers) w.join();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("group_commit=%d threads=%2d appends=%d  %.0f appends/s\n", group ? 1 : 0,
                  threads, per_thread * threads, per_thread * threads / seconds);
    }
  }
}

}  // namespace
}  // namespace backchannel::relay::testing
