// The PostgreSQL store on a real PostgreSQL server (label postgres): the
// conformance suite, then what only a server database has: versioned schema
// shared by several builds, refusal of a database that is not a relay
// store, the durability check, lost connections, and two processes (two
// relays) on one database.
#include "relay/store/pg_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "relay/store/pg_connection.h"
#include "relay/store/pg_schema.h"
#include "relay/store/pg_test_db.h"
#include "relay/store/store_conformance.h"
#include "testing/die_with_parent.h"

namespace backchannel::relay::testing {
namespace {

std::string Tag(const std::string& dir) { return std::filesystem::path(dir).filename(); }

INSTANTIATE_TEST_SUITE_P(
    Postgres, StoreConformanceTest,
    ::testing::Values(StoreFactory{"Pool",
                                   [](const std::string& dir) -> Result<std::unique_ptr<Store>> {
                                     BC_ASSIGN_OR_RETURN(std::string db, TestDatabase(Tag(dir)));
                                     return OpenPostgresStore(db);
                                   },
                                   true},
                      StoreFactory{"OneConnection",
                                   [](const std::string& dir) -> Result<std::unique_ptr<Store>> {
                                     BC_ASSIGN_OR_RETURN(std::string db, TestDatabase(Tag(dir)));
                                     PostgresStoreOptions options;
                                     options.connections = 1;
                                     return OpenPostgresStore(db, options);
                                   },
                                   true}),
    StoreFactoryName);

MATCHER(IsOk, "") {
  *result_listener << arg;
  return arg.ok();
}
MATCHER_P(StatusIs, code, "") {
  *result_listener << arg;
  return arg.code() == code;
}

MailboxRecord SomeMailbox(std::uint8_t n = 1) {
  MailboxRecord r;
  r.id.mutable_bytes().fill(n);
  r.auth_key.mutable_bytes().fill(2);
  r.delivery_token_hash.mutable_bytes().fill(3);
  return r;
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    auto db = TestDatabase(info->name());
    ASSERT_TRUE(db.ok()) << db.status();
    conninfo_ = *db;
    name_ = conninfo_.substr(conninfo_.find('\'') + 1);
    name_.pop_back();
  }

  // Runs `sql` on the test's database, as the administrator.
  void Sql(const std::string& sql) { ASSERT_THAT(AdminExec(sql, name_), IsOk()) << sql; }

  std::string conninfo_;
  std::string name_;
};

TEST_F(PgStoreTest, NewDatabaseGetsTheLatestSchema) {
  ASSERT_THAT(OpenPostgresStore(conninfo_).status(), IsOk());
  auto c = pg::Connection::Open(conninfo_);
  ASSERT_TRUE(c.ok());
  auto r = (*c)->Exec("SELECT version, compatible_from FROM schema_version");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1);
  EXPECT_EQ(*r->Int64(0, 0), pg::LatestSchemaVersion());
  EXPECT_EQ(*r->Int64(0, 1), 1);
}

TEST_F(PgStoreTest, SchemaNeedingANewerBuildIsRefused) {
  ASSERT_THAT(OpenPostgresStore(conninfo_).status(), IsOk());
  Sql("UPDATE schema_version SET version = 99, compatible_from = 99");
  auto store = OpenPostgresStore(conninfo_);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.error(), StatusIs(StatusCode::kUnsupportedVersion));
  EXPECT_THAT(store.error().message(), ::testing::HasSubstr("99"));
}

TEST_F(PgStoreTest, NewerSchemaStillCompatibleIsUsedAsIs) {
  // A rolling upgrade: a newer build migrated the database with additive
  // changes only; this (older) build keeps working and changes no version.
  ASSERT_THAT(OpenPostgresStore(conninfo_).status(), IsOk());
  Sql("UPDATE schema_version SET version = 7, compatible_from = 1");
  Sql("ALTER TABLE messages ADD COLUMN added_later bigint NOT NULL DEFAULT 0");
  auto store = OpenPostgresStore(conninfo_);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_THAT((*store)->CreateMailbox(SomeMailbox()), IsOk());
  StoredMessage m;
  m.id.mutable_bytes().fill(9);
  m.envelope = Bytes(10, 1);
  ASSERT_THAT((*store)->AppendMessage(SomeMailbox().id, m, {}), IsOk());
  EXPECT_EQ((*store)->ListMessages(SomeMailbox().id, 10)->size(), 1u);
  auto c = pg::Connection::Open(conninfo_);
  ASSERT_TRUE(c.ok());
  auto r = (*c)->Exec("SELECT version FROM schema_version");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->Int64(0, 0), 7);
}

TEST_F(PgStoreTest, DatabaseOfAnotherApplicationIsRefusedAndUntouched) {
  Sql("CREATE TABLE customers (id bigint)");
  auto store = OpenPostgresStore(conninfo_);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.error(), StatusIs(StatusCode::kIoError));
  EXPECT_THAT(store.error().message(), ::testing::HasSubstr("not a backchannel relay store"));
  auto c = pg::Connection::Open(conninfo_);
  ASSERT_TRUE(c.ok());
  auto r =
      (*c)->Exec("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->Int64(0, 0), 1);  // customers only: no schema_version was added
}

TEST_F(PgStoreTest, RelaysStartingTogetherMigrateOnce) {
  constexpr int kOpeners = 6;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&] {
      auto store = OpenPostgresStore(conninfo_);
      EXPECT_TRUE(store.ok()) << store.status();
      if (store.ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kOpeners);
  auto c = pg::Connection::Open(conninfo_);
  ASSERT_TRUE(c.ok());
  auto r = (*c)->Exec("SELECT count(*) FROM totals");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r->Int64(0, 0), 16);  // the migration's inserts ran once
}

TEST_F(PgStoreTest, CommitsThatAreNotDurableAreRefusedUnlessAllowed) {
  // The cluster runs with fsync=on (pg_virtualenv -o fsync=on); a database
  // can still turn synchronous_commit off for its sessions.
  Sql("ALTER DATABASE \"" + name_ + "\" SET synchronous_commit = off");
  auto store = OpenPostgresStore(conninfo_);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.error(), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(store.error().message(), ::testing::HasSubstr("synchronous_commit=off"));
  // And nothing was created.
  auto c = pg::Connection::Open(conninfo_);
  ASSERT_TRUE(c.ok());
  auto r =
      (*c)->Exec("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->Int64(0, 0), 0);

  PostgresStoreOptions options;
  options.allow_unsafe_durability = true;
  EXPECT_THAT(OpenPostgresStore(conninfo_, options).status(), IsOk());
}

TEST_F(PgStoreTest, ServerFsyncIsOnInTheTestCluster) {
  // The durability tests mean something only if the cluster syncs.
  auto c = pg::Connection::Open(conninfo_);
  ASSERT_TRUE(c.ok());
  auto unsafe = UnsafeDurabilitySettings(**c);
  ASSERT_TRUE(unsafe.ok()) << unsafe.status();
  EXPECT_THAT(*unsafe, ::testing::IsEmpty());
}

TEST_F(PgStoreTest, UnreachableServerIsAnIoError) {
  auto store = OpenPostgresStore("host=127.0.0.1 port=1 dbname=x connect_timeout=2");
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.error(), StatusIs(StatusCode::kIoError));
  EXPECT_THAT(store.error().message(), ::testing::HasSubstr("connection failed"));
}

TEST_F(PgStoreTest, LostConnectionsAreReplaced) {
  auto store = OpenPostgresStore(conninfo_);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_THAT((*store)->CreateMailbox(SomeMailbox()), IsOk());
  // The server ends every session of the store (as a restart would).
  Sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name_ +
      "' AND pid <> pg_backend_pid()");
  // The pooled connection is found dead on its next use (that call fails,
  // changing nothing), and replaced for the call after.
  auto first = (*store)->CountMessages(SomeMailbox().id);
  if (!first.ok()) {
    EXPECT_THAT(first.error(), StatusIs(StatusCode::kIoError));
  }
  auto second = (*store)->CountMessages(SomeMailbox().id);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 0u);
}

TEST_F(PgStoreTest, StoreWideByteTotalCountsEveryMailboxAndExpiry) {
  auto store = OpenPostgresStore(conninfo_);
  ASSERT_TRUE(store.ok());
  // Mailboxes in different shards of the totals table.
  for (std::uint8_t n : {1, 2, 17}) ASSERT_THAT((*store)->CreateMailbox(SomeMailbox(n)), IsOk());
  QueueLimits limits{100, 1'000'000, 250};
  StoredMessage m;
  m.envelope = Bytes(100, 7);
  m.received_ms = 10;
  m.id.mutable_bytes().fill(1);
  ASSERT_THAT((*store)->AppendMessage(SomeMailbox(1).id, m, limits), IsOk());
  m.id.mutable_bytes().fill(2);
  ASSERT_THAT((*store)->AppendMessage(SomeMailbox(2).id, m, limits), IsOk());
  m.id.mutable_bytes().fill(3);
  EXPECT_THAT((*store)->AppendMessage(SomeMailbox(17).id, m, limits),
              StatusIs(StatusCode::kUnavailable));
  ASSERT_EQ(*(*store)->ExpireMessages(11), 2u);
  EXPECT_THAT((*store)->AppendMessage(SomeMailbox(17).id, m, limits), IsOk());
}

// What a WatchAppends watcher was told, in order (nullopt: rescan all).
class Watched {
 public:
  Store::AppendWatcher Watcher() {
    return [this](const std::optional<MailboxId>& mb) {
      std::lock_guard lock(mu_);
      events_.push_back(mb);
      cv_.notify_all();
    };
  }
  // Waits until `n` events arrived (or `timeout`); returns them all.
  std::vector<std::optional<MailboxId>> WaitFor(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return events_.size() >= n; });
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::optional<MailboxId>> events_;  // guarded by mu_
};

StoredMessage SomeMessage(std::uint8_t n) {
  StoredMessage m;
  m.id.mutable_bytes().fill(n);
  m.envelope = Bytes(32, n);
  return m;
}

TEST_F(PgStoreTest, AppendsThroughAnotherStoreAreReportedWithinMilliseconds) {
  auto a = OpenPostgresStore(conninfo_);
  auto b = OpenPostgresStore(conninfo_);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_THAT((*a)->CreateMailbox(SomeMailbox(1)), IsOk());
  ASSERT_THAT((*a)->CreateMailbox(SomeMailbox(2)), IsOk());
  Watched watched;
  (*b)->WatchAppends(watched.Watcher());
  // Listening: the first event says so (rescan what is pending).
  auto events = watched.WaitFor(1, std::chrono::seconds(5));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].has_value());

  const auto start = std::chrono::steady_clock::now();
  ASSERT_THAT((*a)->AppendMessage(SomeMailbox(2).id, SomeMessage(1), {}), IsOk());
  events = watched.WaitFor(2, std::chrono::seconds(5));
  const auto latency = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1], SomeMailbox(2).id);
  // Commit (with its WAL flush) plus delivery, on an idle machine ~1 ms.
  EXPECT_LT(latency, std::chrono::milliseconds(500));

  // A refused append (duplicate id: rolled back) and the watching store's
  // own appends are not reported; the next foreign one is, after them.
  EXPECT_THAT((*a)->AppendMessage(SomeMailbox(2).id, SomeMessage(1), {}),
              StatusIs(StatusCode::kAlreadyExists));
  ASSERT_THAT((*b)->AppendMessage(SomeMailbox(2).id, SomeMessage(2), {}), IsOk());
  ASSERT_THAT((*a)->AppendMessage(SomeMailbox(1).id, SomeMessage(3), {}), IsOk());
  events = watched.WaitFor(3, std::chrono::seconds(5));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2], SomeMailbox(1).id);
  (*b)->WatchAppends(nullptr);
}

TEST_F(PgStoreTest, LostListenConnectionIsReopenedAndAsksForARescan) {
  auto a = OpenPostgresStore(conninfo_);
  ASSERT_TRUE(a.ok());
  PostgresStoreOptions options;
  options.listen_retry_ms = 1500;
  auto b = OpenPostgresStore(conninfo_, options);
  ASSERT_TRUE(b.ok());
  ASSERT_THAT((*a)->CreateMailbox(SomeMailbox(1)), IsOk());
  Watched watched;
  (*b)->WatchAppends(watched.Watcher());
  ASSERT_EQ(watched.WaitFor(1, std::chrono::seconds(5)).size(), 1u);

  // The listener's session ends; an append commits while it is away (its
  // notification reaches no one).
  Sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE application_name = 'backchanneld-listen' AND datname = '" +
      name_ + "'");
  auto c = pg::Connection::Open(conninfo_);
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < 100; ++i) {
    auto r = (*c)->Exec(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE application_name = 'backchanneld-listen'");
    ASSERT_TRUE(r.ok());
    if (*r->Int64(0, 0) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_THAT((*a)->AppendMessage(SomeMailbox(1).id, SomeMessage(1), {}), IsOk());

  // Listening again, the store reports nullopt: the caller scans and finds
  // the message.
  auto events = watched.WaitFor(2, std::chrono::seconds(10));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(events[1].has_value());
  EXPECT_EQ((*b)->ListMessages(SomeMailbox(1).id, 10)->size(), 1u);
  // And it hears the next append again.
  ASSERT_THAT((*a)->AppendMessage(SomeMailbox(1).id, SomeMessage(2), {}), IsOk());
  events = watched.WaitFor(3, std::chrono::seconds(5));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2], SomeMailbox(1).id);
}

TEST_F(PgStoreTest, PingFailsWhileTheDatabaseIsGoneAndRecovers) {
  auto store = OpenPostgresStore(conninfo_);
  ASSERT_TRUE(store.ok());
  EXPECT_THAT((*store)->Ping(), IsOk());
  // The database takes no connections for a while.
  ASSERT_THAT(AdminExec("ALTER DATABASE \"" + name_ + "\" ALLOW_CONNECTIONS false"), IsOk());
  ASSERT_THAT(AdminExec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                        name_ + "'"),
              IsOk());
  Status down = (*store)->Ping();
  if (down.ok()) down = (*store)->Ping();  // the first may find its connection dead
  EXPECT_THAT(down, StatusIs(StatusCode::kIoError));
  EXPECT_THAT((*store)->CreateMailbox(SomeMailbox()), StatusIs(StatusCode::kIoError));
  ASSERT_THAT(AdminExec("ALTER DATABASE \"" + name_ + "\" ALLOW_CONNECTIONS true"), IsOk());
  EXPECT_THAT((*store)->Ping(), IsOk());
  EXPECT_THAT((*store)->CreateMailbox(SomeMailbox()), IsOk());
}

// Two processes on one database, as two relays: each forks after the
// database exists and opens its own store.
class TwoRelaysTest : public PgStoreTest {
 protected:
  // Runs `child` in `n` forked processes; each writes its results as
  // 32-bit values to a pipe. Returns all values read, and fails the test if
  // a child failed.
  std::vector<std::uint32_t> RunChildren(int n, const std::function<int(int, int)>& child) {
    std::vector<std::uint32_t> out;
    int fds[2];
    if (pipe(fds) != 0) {
      ADD_FAILURE() << "pipe";
      return out;
    }
    std::vector<pid_t> pids;
    const pid_t parent = getpid();
    for (int i = 0; i < n; ++i) {
      const pid_t pid = fork();
      if (pid == 0) {
        backchannel::testing::DieWithParent(parent);
        close(fds[0]);
        _exit(child(i, fds[1]));
      }
      pids.push_back(pid);
    }
    close(fds[1]);
    std::uint32_t v = 0;
    while (read(fds[0], &v, sizeof v) == static_cast<ssize_t>(sizeof v)) out.push_back(v);
    close(fds[0]);
    for (pid_t pid : pids) {
      int status = 0;
      waitpid(pid, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
    }
    return out;
  }
};

void Put(int fd, std::uint32_t v) {
  if (write(fd, &v, sizeof v) != static_cast<ssize_t>(sizeof v)) _exit(3);
}

TEST_F(TwoRelaysTest, PreKeyTakesFromTwoProcessesHandEachKeyOutOnce) {
  constexpr std::uint32_t kKeys = 300;
  {
    auto store = OpenPostgresStore(conninfo_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_THAT((*store)->CreateMailbox(SomeMailbox()), IsOk());
    std::vector<OneTimePreKeyRecord> keys;
    for (std::uint32_t i = 0; i < kKeys; ++i) keys.push_back({i, Bytes(33, std::uint8_t(i))});
    ASSERT_THAT((*store)->PutPreKeys(SomeMailbox().id, Bytes{1}, keys, false), IsOk());
  }
  const std::string conninfo = conninfo_;
  auto taken = RunChildren(2, [&](int, int fd) {
    auto store = OpenPostgresStore(conninfo);
    if (!store.ok()) return 1;
    // Four threads per process: 8 takers in all, on 2 x 8 connections.
    std::vector<std::thread> threads;
    std::atomic<int> failed{0};
    std::mutex write_mu;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (;;) {
          auto k = (*store)->TakeOneTimePreKey(SomeMailbox().id);
          if (!k.ok()) {
            ++failed;
            return;
          }
          if (!k->has_value()) return;
          if ((*k)->key != Bytes(33, std::uint8_t((*k)->id))) ++failed;
          std::lock_guard lock(write_mu);
          Put(fd, (*k)->id);
        }
      });
    }
    for (auto& t : threads) t.join();
    return failed.load() == 0 ? 0 : 2;
  });
  std::sort(taken.begin(), taken.end());
  ASSERT_EQ(taken.size(), kKeys);
  for (std::uint32_t i = 0; i < kKeys; ++i) EXPECT_EQ(taken[i], i);
}

TEST_F(TwoRelaysTest, PostsAndAcksThroughTwoProcessesKeepCountsExact) {
  constexpr std::uint32_t kPerChild = 200;
  constexpr std::size_t kLimit = 300;  // fewer than 2 x kPerChild: some are refused
  {
    auto store = OpenPostgresStore(conninfo_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_THAT((*store)->CreateMailbox(SomeMailbox()), IsOk());
  }
  const std::string conninfo = conninfo_;
  // Each child posts kPerChild messages (4 threads) and acks every third it
  // posted; it reports each accepted post (id) and each ack (id | 1<<31).
  auto events = RunChildren(2, [&](int child, int fd) {
    auto store = OpenPostgresStore(conninfo);
    if (!store.ok()) return 1;
    std::atomic<int> failed{0};
    std::mutex write_mu;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (std::uint32_t i = t; i < kPerChild; i += 4) {
          const std::uint32_t id = (static_cast<std::uint32_t>(child) << 16) | i;
          StoredMessage m;
          for (int b = 0; b < 4; ++b)
            m.id.mutable_bytes()[b] = static_cast<std::uint8_t>(id >> (8 * b));
          m.envelope = Bytes(64 + i % 13, static_cast<std::uint8_t>(id));
          m.received_ms = 1;
          Status s = (*store)->AppendMessage(SomeMailbox().id, m, {kLimit, UINT64_MAX, UINT64_MAX});
          if (s.code() == StatusCode::kResourceExhausted) continue;
          if (!s.ok()) {
            ++failed;
            continue;
          }
          std::lock_guard lock(write_mu);
          Put(fd, id);
          if (i % 3 == 0) {
            if (!(*store)->DeleteMessage(SomeMailbox().id, m.id).ok()) ++failed;
            Put(fd, id | 0x8000'0000U);
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    return failed.load() == 0 ? 0 : 2;
  });
  std::set<std::uint32_t> remaining;
  for (std::uint32_t e : events) {
    if ((e & 0x8000'0000U) != 0) {
      EXPECT_EQ(remaining.erase(e & 0x7FFF'FFFFU), 1u);
    } else {
      EXPECT_TRUE(remaining.insert(e).second);
    }
  }
  auto store = OpenPostgresStore(conninfo_);
  ASSERT_TRUE(store.ok());
  auto listed = (*store)->ListMessages(SomeMailbox().id, 10'000);
  ASSERT_TRUE(listed.ok());
  std::set<std::uint32_t> stored;
  std::uint64_t bytes = 0;
  for (const auto& m : *listed) {
    stored.insert(std::uint32_t(m.id[0]) | std::uint32_t(m.id[1]) << 8 |
                  std::uint32_t(m.id[2]) << 16 | std::uint32_t(m.id[3]) << 24);
    bytes += m.envelope.size();
  }
  EXPECT_EQ(stored, remaining);
  EXPECT_LE(stored.size(), kLimit);
  EXPECT_EQ(*(*store)->CountMessages(SomeMailbox().id), stored.size());
  // The counters the triggers keep match the rows.
  auto c = pg::Connection::Open(conninfo_);
  ASSERT_TRUE(c.ok());
  auto r = (*c)->Exec("SELECT queued_bytes FROM mailboxes");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(static_cast<std::uint64_t>(*r->Int64(0, 0)), bytes);
  auto t = (*c)->Exec("SELECT sum(queued_bytes)::int8 FROM totals");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(static_cast<std::uint64_t>(*t->Int64(0, 0)), bytes);
}

}  // namespace
}  // namespace backchannel::relay::testing
