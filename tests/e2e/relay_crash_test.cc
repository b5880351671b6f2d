// Crash test (ctest label `crash`): the real backchanneld is killed with
// SIGKILL at random moments while a sender posts and a receiver lists and
// acknowledges, then restarted on the same port and data directory. Bounded
// in kills and time; loopback only.
//
// Checked afterwards:
//   * every message whose post was acknowledged (201) before a kill is
//     delivered eventually (durable acks);
//   * a message whose acknowledgement (DELETE → 204) succeeded never comes
//     back (durable deletes);
//   * the application, which drops re-deliveries by id as the client does,
//     sees each message exactly once.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "backchannel/client/relay_client.h"
#include "testing/relay_process.h"

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

// One run of the relay on a fixed port (so clients keep their endpoint).
std::unique_ptr<testing::RelayProcess> StartRelay(const std::string& data, int port) {
  auto r = testing::RelayProcess::Start(
      BC_BACKCHANNELD_BINARY, {"--listen", "127.0.0.1:" + std::to_string(port), "--data", data});
  EXPECT_TRUE(r.has_value()) << r.status();
  return r ? std::move(*r) : nullptr;
}

TEST(RelayCrashTest, AcknowledgedMessagesSurviveSigkill) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("bc-crash-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const int port = FreePort();
  auto relay = StartRelay((dir / "relay").string(), port);
  ASSERT_NE(relay, nullptr);
  const std::string pin = relay->pin();
  RelayEndpoint endpoint{"127.0.0.1:" + std::to_string(port), pin, milliseconds(2000)};

  auto auth = client::GenerateMailboxAuthKey();
  auto created = RelayClient(endpoint).CreateMailbox(auth.public_key);
  ASSERT_TRUE(created.has_value()) << created.status();
  const RelayClient owner(endpoint, created->mailbox, auth.secret_key);
  const RelayClient sender(endpoint);

  std::mutex mu;
  std::map<std::string, std::string> posted;  // relay id -> payload, for 201s only
  std::set<std::string> acked;                // ids whose DELETE returned 204
  std::set<std::string> seen;                 // ids the application has taken in
  int redelivered = 0;
  std::atomic<bool> stop{false};

  std::thread send_thread([&] {
    for (int n = 0; !stop; ++n) {
      const std::string payload = "envelope #" + std::to_string(n) + std::string(200, 'x');
      auto id = sender.PostMessage(created->mailbox, created->delivery_token, AsBytes(payload));
      if (id) {
        std::lock_guard<std::mutex> lock(mu);
        posted[*id] = payload;
      } else {
        std::this_thread::sleep_for(milliseconds(20));  // relay down: try the next one
      }
    }
  });
  // The application: takes each message in once (drops re-deliveries by
  // id), then acknowledges it.
  auto receive_some = [&] {
    auto batch = owner.ListMessages(50);
    if (!batch) return false;
    for (const auto& m : batch->messages) {
      {
        std::lock_guard<std::mutex> lock(mu);
        EXPECT_EQ(acked.count(m.id), 0U) << "a message came back after its ack succeeded";
        if (!seen.insert(m.id).second) ++redelivered;
      }
      if (owner.AckMessage(m.id).ok()) {
        std::lock_guard<std::mutex> lock(mu);
        acked.insert(m.id);
      }
    }
    return !batch->messages.empty();
  };
  std::thread receive_thread([&] {
    while (!stop) {
      if (!receive_some()) std::this_thread::sleep_for(milliseconds(30));
    }
  });

  const unsigned seed = static_cast<unsigned>(::testing::UnitTest::GetInstance()->random_seed());
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  constexpr int kKills = 6;
  for (int k = 0; k < kKills; ++k) {
    std::this_thread::sleep_for(milliseconds(150 + rng() % 500));
    relay->Signal(SIGKILL);
    relay = StartRelay((dir / "relay").string(), port);
    ASSERT_NE(relay, nullptr) << "restart " << k;
    ASSERT_EQ(relay->pin(), pin) << "the certificate must survive restarts";
  }
  std::this_thread::sleep_for(milliseconds(300));
  stop = true;
  send_thread.join();
  receive_thread.join();
  // Drain what is left.
  for (int i = 0; i < 200 && receive_some(); ++i) {
  }

  std::lock_guard<std::mutex> lock(mu);
  EXPECT_GT(posted.size(), 20U) << "the load was too light to mean anything";
  std::size_t missing = 0;
  for (const auto& [id, payload] : posted) {
    if (seen.count(id) == 0) ++missing;
  }
  EXPECT_EQ(missing, 0U) << "of " << posted.size() << " acknowledged posts";
  RecordProperty("posted", static_cast<int>(posted.size()));
  RecordProperty("redelivered_and_dropped", redelivered);
  std::printf("posted %zu, delivered %zu, re-deliveries dropped %d, kills %d\n", posted.size(),
              seen.size(), redelivered, kKills);
  relay.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace backchannel
