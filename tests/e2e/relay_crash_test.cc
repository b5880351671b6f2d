// Crash test: the real backchanneld is killed with SIGKILL at random moments
// while a sender posts and a receiver lists and acknowledges, then restarted
// on the same port and data directory (and store). Bounded in kills and
// time; loopback only. Built four times from this file (CMakeLists.txt):
//   relay_crash_test          label crash:    SQLite, 6 kills (CI, main
//                             stage);
//   relay_crash_pg_test       label postgres: PostgreSQL, 6 kills (CI,
//                             postgres stage, on the CTest fixture's cluster);
//   relay_crash_pg_stop_test  label postgres: the database server itself is
//                             stopped with `pg_ctl -m immediate` (its
//                             processes killed: no checkpoint, recovery from
//                             the WAL at the next start) under load, twice,
//                             while the relay keeps running; meanwhile the
//                             relay must answer 503 storage_unavailable, not
//                             crash, and recover by itself (run alone: it
//                             stops the cluster every postgres test uses);
//   relay_crash_slow_test     label slow:     100 kills on SQLite and 100 on
//                             PostgreSQL, 20 database stops (by hand,
//                             outside CI; docs/relay.md).
//
// Checked afterwards:
//   * every message whose post was acknowledged (201) before a kill is
//     delivered eventually (durable acks), with exactly the bytes posted
//     (each envelope is distinct random bytes, so a torn, mixed-up or
//     truncated write shows);
//   * a message whose acknowledgement (DELETE → 204) succeeded never comes
//     back after a kill of the relay (a stop of PostgreSQL may undo the
//     last acks, which commit without waiting for the WAL flush by design:
//     counted and printed, and the application drops the re-delivery);
//   * the application, which drops re-deliveries by id as the client does,
//     sees each message exactly once;
//   * (database stops) the relay was still the same process afterwards,
//     answered 503 storage_unavailable while the database was down, and
//     acknowledged posts again after each restart.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "backchannel/client/relay_client.h"
#include "testing/relay_process.h"
#if defined(BC_CRASH_POSTGRES) || defined(BC_CRASH_POSTGRES_STOPS)
#include "relay/store/pg_test_db.h"
#endif

namespace backchannel {
namespace {

using client::RelayClient;
using client::RelayEndpoint;
using std::chrono::milliseconds;

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// One run of the relay on a fixed port (so clients keep their endpoint);
// `store` empty: the data directory's SQLite file.
std::unique_ptr<testing::RelayProcess> StartRelay(const std::string& data, int port,
                                                  const std::string& store) {
  std::vector<std::string> args = {"--listen", "127.0.0.1:" + std::to_string(port), "--data", data};
  if (!store.empty()) {
    args.push_back("--store");
    args.push_back(store);
  }
  auto r = testing::RelayProcess::Start(BC_BACKCHANNELD_BINARY, args);
  EXPECT_TRUE(r.has_value()) << r.status();
  return r ? std::move(*r) : nullptr;
}

// What a crash run interrupts.
enum class Victim { kRelay, kDatabase };

#ifdef BC_CRASH_POSTGRES_STOPS
// Stops the PostgreSQL server the tests use (`immediate`: like a crash of
// the server) or starts it again: the CTest fixture's cluster
// (tests/relay/pg_test_cluster.sh, PGHOST is its directory), or
// pg_virtualenv's cluster `regress` (PG_CLUSTER_CONF_ROOT set).
::testing::AssertionResult ControlDatabase(bool start) {
  const char* host = std::getenv("PGHOST");
  const char* virtualenv = std::getenv("PG_CLUSTER_CONF_ROOT");
  std::string command;
  if (host != nullptr &&
      std::filesystem::exists(std::filesystem::path(host) / "throwaway-cluster")) {
    command = std::string("sh '") + BC_PG_CLUSTER_SCRIPT + "' " +
              (start ? "start" : "stop-immediate") + " '" + host + "'";
  } else if (virtualenv != nullptr && std::getenv("PGVERSION") != nullptr) {
    command = std::string("pg_ctlcluster ") + std::getenv("PGVERSION") + " regress " +
              (start ? "start" : "stop -m immediate");
  } else {
    return ::testing::AssertionFailure()
           << "cannot stop the PostgreSQL server: run under the CTest fixture (ctest -L "
              "postgres) or pg_virtualenv";
  }
  if (!start) {
    // A checkpoint first, so that the restart replays only the WAL of this
    // test's load since then, not that of every test before it on the
    // shared cluster (a minute and more on a busy disk). The load goes on
    // until the stop: the recovery still has this test's commits to redo.
    Status checkpoint = relay::testing::AdminExec("CHECKPOINT");
    if (!checkpoint.ok()) return ::testing::AssertionFailure() << checkpoint;
  }
  const int rc = std::system(command.c_str());
  if (rc != 0) return ::testing::AssertionFailure() << command << " exited with " << rc;
  return ::testing::AssertionSuccess();
}
#endif

// Whether the process `pid` (our child) is still running.
bool StillRunning(pid_t pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == 0;
}

// Interrupts `victim` `kills` times under load and checks what the header
// says.
void RunCrashTest(int kills, const std::string& store, const std::string& tag,
                  Victim victim = Victim::kRelay) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("bc-crash-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const int port = FreePort();
  auto relay = StartRelay((dir / "relay").string(), port, store);
  ASSERT_NE(relay, nullptr);
  const std::string pin = relay->pin();
  RelayEndpoint endpoint{"127.0.0.1:" + std::to_string(port), relay->certificate_pin(),
                         milliseconds(2000)};

  auto auth = client::GenerateMailboxAuthKey();
  auto created = RelayClient(endpoint).CreateMailbox(auth.public_key);
  ASSERT_TRUE(created.has_value()) << created.status();
  const RelayClient owner(endpoint, created->mailbox, auth.secret_key);
  const RelayClient sender(endpoint);

  const unsigned seed = static_cast<unsigned>(::testing::UnitTest::GetInstance()->random_seed());
  SCOPED_TRACE("seed " + std::to_string(seed));

  std::mutex mu;
  std::map<std::string, Bytes> posted;  // relay id -> envelope, for 201s only
  std::set<std::string> acked;          // ids whose DELETE returned 204
  std::set<std::string> seen;           // ids the application has taken in
  int redelivered = 0;
  int wrong_bytes = 0;
  int storage_unavailable = 0;  // 503 storage_unavailable answers to posts
  int acks_undone = 0;          // acked messages a database crash brought back
  std::atomic<bool> stop{false};

  std::thread send_thread([&] {
    std::mt19937 bytes_rng(seed + 1);
    for (int n = 0; !stop; ++n) {
      // "#n" then 64..2047 random bytes: every envelope distinct.
      const std::string head = "envelope #" + std::to_string(n) + ":";
      Bytes envelope(head.begin(), head.end());
      const std::size_t extra = 64 + bytes_rng() % 1984;
      for (std::size_t i = 0; i < extra; ++i) {
        envelope.push_back(static_cast<std::uint8_t>(bytes_rng()));
      }
      auto id = sender.PostMessage(created->mailbox, created->delivery_token, envelope);
      if (id) {
        std::lock_guard<std::mutex> lock(mu);
        posted[*id] = envelope;
      } else {
        if (id.status().message().find("storage_unavailable") != std::string::npos) {
          std::lock_guard<std::mutex> lock(mu);
          ++storage_unavailable;
        }
        std::this_thread::sleep_for(milliseconds(20));  // relay down: try the next one
      }
    }
  });
  // The application: takes each message in once (drops re-deliveries by
  // id), checks its bytes, then acknowledges it.
  // What one receive did: kFailed when the listing was refused (the relay
  // restarting, or 429 from the per-address request limit the sender and
  // the acks share), kEmpty when the mailbox had nothing.
  enum class Took { kFailed, kEmpty, kSome };
  auto receive_some = [&] {
    auto batch = owner.ListMessages(50);
    if (!batch) return Took::kFailed;
    for (const auto& m : batch->messages) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (acked.count(m.id) != 0) {
          // Acks commit without waiting for the WAL flush on PostgreSQL (a
          // lost ack is a re-delivery the application drops by id:
          // docs/relay.md, "Which writes are durable"), so a crash of the
          // database server may undo the last ones; a crash of the relay
          // must not.
          if (victim == Victim::kRelay) {
            ADD_FAILURE() << "a message came back after its ack succeeded";
          } else {
            ++acks_undone;
          }
        }
        if (!seen.insert(m.id).second) ++redelivered;
        // A post whose 201 was lost in a kill is not in `posted`; every
        // other must come back exactly as sent.
        auto p = posted.find(m.id);
        if (p != posted.end() && p->second != m.envelope) {
          ++wrong_bytes;
          ADD_FAILURE() << "message " << m.id << " came back with other bytes ("
                        << m.envelope.size() << " bytes, posted " << p->second.size() << ")";
        }
      }
      if (owner.AckMessage(m.id).ok()) {
        std::lock_guard<std::mutex> lock(mu);
        acked.insert(m.id);
      }
    }
    return batch->messages.empty() ? Took::kEmpty : Took::kSome;
  };
  std::thread receive_thread([&] {
    while (!stop) {
      if (receive_some() != Took::kSome) std::this_thread::sleep_for(milliseconds(30));
    }
  });

  std::mt19937 rng(seed);
  const pid_t relay_pid = relay->pid();
  // A failure ends the interruptions (EXPECT and break, not ASSERT: the
  // load threads must be joined before returning).
  bool interrupted = true;
  for (int k = 0; k < kills && interrupted; ++k) {
    std::this_thread::sleep_for(milliseconds(150 + rng() % 500));
    if (victim == Victim::kRelay) {
      relay->Signal(SIGKILL);
      relay = StartRelay((dir / "relay").string(), port, store);
      interrupted = relay != nullptr && relay->pin() == pin;
      EXPECT_TRUE(interrupted) << "restart " << k
                               << ": the relay must start, and the certificate survive restarts";
      continue;
    }
#ifdef BC_CRASH_POSTGRES_STOPS
    interrupted = ControlDatabase(/*start=*/false);
    EXPECT_TRUE(interrupted) << "stop " << k;
    if (!interrupted) break;
    std::this_thread::sleep_for(milliseconds(300 + rng() % 500));  // posts get 503s
    interrupted = StillRunning(relay_pid);
    EXPECT_TRUE(interrupted) << "the relay died with the database (stop " << k << ")";
    const ::testing::AssertionResult started = ControlDatabase(/*start=*/true);
    EXPECT_TRUE(started) << "start " << k;
    if (!interrupted || !started) break;
    std::size_t posted_before_restart = 0;
    {
      std::lock_guard<std::mutex> lock(mu);
      posted_before_restart = posted.size();
    }
    // The relay recovers by itself: posts are acknowledged again.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (posted.size() > posted_before_restart) break;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "no post acknowledged within 20 s of the database's restart " << k;
        interrupted = false;
        break;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
#endif
  }
  std::this_thread::sleep_for(milliseconds(300));
  stop = true;
  send_thread.join();
  receive_thread.join();
  if (!interrupted) {
    relay.reset();
    std::filesystem::remove_all(dir);
    return;
  }
  // Drain what is left: until the relay answers that the mailbox is empty.
  // A refused listing is waited out, not taken for the end: on an idle
  // machine the sender outruns the receiver by thousands of messages, and
  // the drain's own requests meet the per-address rate limit.
  const auto drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (Took took = receive_some(); took != Took::kEmpty; took = receive_some()) {
    if (std::chrono::steady_clock::now() > drain_deadline) {
      ADD_FAILURE() << "the mailbox did not drain within 120 s";
      break;
    }
    if (took == Took::kFailed) std::this_thread::sleep_for(milliseconds(100));
  }

  std::lock_guard<std::mutex> lock(mu);
  EXPECT_GT(posted.size(), 20U) << "the load was too light to mean anything";
  std::size_t missing = 0;
  for (const auto& [id, envelope] : posted) {
    if (seen.count(id) == 0) ++missing;
  }
  EXPECT_EQ(missing, 0U) << "of " << posted.size() << " acknowledged posts";
  EXPECT_EQ(wrong_bytes, 0);
  if (victim == Victim::kDatabase) {
    EXPECT_TRUE(StillRunning(relay_pid)) << "the relay must outlive the database's stops";
    EXPECT_GT(storage_unavailable, 0)
        << "posts while the database was down must be answered 503 storage_unavailable";
  }
  ::testing::Test::RecordProperty("posted", static_cast<int>(posted.size()));
  ::testing::Test::RecordProperty("redelivered_and_dropped", redelivered);
  std::printf(
      "%s: posted %zu, delivered %zu, lost 0 of them: %s, bytes differing %d, re-deliveries "
      "dropped %d, %s %d, 503 storage_unavailable %d, acks undone by a database crash %d\n",
      tag.c_str(), posted.size(), seen.size(), missing == 0 ? "yes" : "NO", wrong_bytes,
      redelivered, victim == Victim::kRelay ? "relay kills" : "database stops (immediate)", kills,
      storage_unavailable, acks_undone);
  relay.reset();
  std::filesystem::remove_all(dir);
}

#ifndef BC_CRASH_KILLS
#define BC_CRASH_KILLS 6
#endif
// The long variant has its own suite name, so that its ctest names differ
// from the short ones' (ctest -R selects by name, labels aside).
#ifndef BC_CRASH_SUITE
#define BC_CRASH_SUITE RelayCrashTest
#endif

#ifdef BC_CRASH_SQLITE
TEST(BC_CRASH_SUITE, AcknowledgedMessagesSurviveSigkillOnSqlite) {
  RunCrashTest(BC_CRASH_KILLS, "", "sqlite");
}
#endif

#ifdef BC_CRASH_POSTGRES
TEST(BC_CRASH_SUITE, AcknowledgedMessagesSurviveSigkillOnPostgres) {
  // A database of its own on the server the libpq environment names
  // (pg_virtualenv, with fsync=on); the relay inherits that environment.
  auto db = relay::testing::TestDatabase("crash");
  ASSERT_TRUE(db.ok()) << db.status();
  const std::string name = db->substr(db->find('\'') + 1, db->rfind('\'') - db->find('\'') - 1);
  RunCrashTest(BC_CRASH_KILLS, "postgresql:///" + name, "postgres");
}
#endif

#ifdef BC_CRASH_POSTGRES_STOPS
#ifndef BC_CRASH_DATABASE_STOPS
#define BC_CRASH_DATABASE_STOPS 2
#endif
TEST(BC_CRASH_SUITE, AcknowledgedMessagesSurviveImmediateStopsOfPostgres) {
  auto db = relay::testing::TestDatabase("dbstop");
  ASSERT_TRUE(db.ok()) << db.status();
  const std::string name = db->substr(db->find('\'') + 1, db->rfind('\'') - db->find('\'') - 1);
  RunCrashTest(BC_CRASH_DATABASE_STOPS, "postgresql:///" + name, "postgres-stop",
               Victim::kDatabase);
}
#endif

}  // namespace
}  // namespace backchannel
