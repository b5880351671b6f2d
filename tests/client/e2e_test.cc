// End to end over real sockets: the real backchanneld (port 0, temp dir) and
// client homes accredited by different authorities, for what only a process
// shows — a wrong passphrase and a wrong certificate pin, Listen across a
// relay killed and restarted, a refused upgrade. Everything else about the
// channel runs on the in-process layer (channel_test.cc).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "backchannel/client/client.h"
#include "backchannel/client/home.h"
#include "backchannel/client/payload.h"
#include "backchannel/identity/authority.h"
#include "client/channel_fixture.h"
#include "client/temp_dir.h"
#include "testing/relay_process.h"
#include "testing/status_matchers.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::StatusIs;

TEST_F(ChannelE2eTest, WrongPassphraseAndWrongPinAreRefused) {
  auto alice = Valid("alice", *us_, 1);
  ASSERT_TRUE(alice);
  alice.reset();
  auto wrong = Client::Open(Options("alice"), Pass("not the passphrase"));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_THAT(wrong, StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(wrong.error().message(), "wrong passphrase");

  RelayClient pinned({relay_->address(), FromHexFixed<CertificatePin>(std::string(64, '0')).value(),
                      std::chrono::milliseconds(3000)});
  auto r = pinned.CreateMailbox({});
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r, StatusIs(StatusCode::kUntrusted));
  EXPECT_EQ(r.error().message(), "relay certificate does not match the pin");
}

// ---- Listen across a relay restart ----

// Polls `pred` every 20 ms for at most `limit`.
template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

TEST_F(ChannelE2eTest, ListenReconnectsAfterTheRelayIsKilledAndRestarted) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  const std::string port = std::to_string(relay_->port());

  std::mutex mu;
  std::vector<std::string> seen;
  std::vector<ConnectionEvent> events;
  bool killed = false;
  std::condition_variable cv;
  Status listened = Internal("not run");
  const auto started = std::chrono::steady_clock::now();
  std::thread listener([&] {
    listened = alice->Listen(
        std::chrono::seconds(10),
        [&](const StoredMessage& m) {
          std::unique_lock<std::mutex> lock(mu);
          seen.push_back(m.body);
          cv.notify_all();
          // Hold the first message until the relay is dead, so that its ack
          // is lost and the relay pushes it again after the restart.
          if (m.body == "before the kill") cv.wait(lock, [&] { return killed; });
          return m.body != "after the restart";
        },
        nullptr,
        [&](const ConnectionEvent& e) {
          std::lock_guard<std::mutex> lock(mu);
          events.push_back(e);
        });
  });
  auto count = [&](const std::string& body) {
    std::lock_guard<std::mutex> lock(mu);
    return std::count(seen.begin(), seen.end(), body);
  };

  // Durable at the relay (201) before the kill; Alice has stored it but not
  // acknowledged it when the relay dies.
  ASSERT_OK(bob->Send("alice", "before the kill"));
  EXPECT_TRUE(WaitFor([&] { return count("before the kill") == 1; }, std::chrono::seconds(5)));
  EXPECT_EQ(relay_->Signal(SIGKILL), 128 + SIGKILL);
  {
    std::lock_guard<std::mutex> lock(mu);
    killed = true;
  }
  cv.notify_all();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto restarted = RelayProcess::Start(
      BC_BACKCHANNELD_BINARY, {"--listen", "127.0.0.1:" + port, "--data", relay_dir_.path()});
  ASSERT_TRUE(restarted.has_value()) << restarted.status();
  relay_ = std::move(*restarted);
  ASSERT_OK(bob->Send("alice", "after the restart"));
  listener.join();

  ASSERT_OK(listened);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(9))
      << "the listen ended when the callback stopped it, not at its time limit";
  EXPECT_EQ(count("before the kill"), 1);
  EXPECT_EQ(count("after the restart"), 1);
  EXPECT_EQ(Bodies(*alice, Direction::kIn, "bob"),
            (std::vector<std::string>{"before the kill", "after the restart"}));
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_GE(events.size(), 2U);
    EXPECT_EQ(events.front().kind, ConnectionEvent::Kind::kDropped);
    EXPECT_THAT(events.front().cause, StatusIs(StatusCode::kUnavailable)) << events.front().cause;
    EXPECT_EQ(events.back().kind, ConnectionEvent::Kind::kReconnected);
    EXPECT_EQ(events.back().reconnections, 1);
  }
  // The copy pushed again after the restart was dropped by its id and
  // acknowledged: nothing is left queued.
  EXPECT_TRUE(WaitFor(
      [&] {
        auto st = alice->GetStatus();
        return st.has_value() && st->relay_status.ok() && st->mailbox_status.queued == 0;
      },
      std::chrono::seconds(3)));
}

// Kills the relay under a listening Alice (once Bob's ping shows her
// connected) and starts another on the same port with `data_dir`; returns
// how Alice's Listen (20 s) ended and how long it took.
std::pair<Status, std::chrono::steady_clock::duration> ListenThroughSwap(
    Client& alice, Client& bob, std::unique_ptr<RelayProcess>& relay, const std::string& data_dir) {
  const std::string port = std::to_string(relay->port());
  std::atomic<bool> pinged{false};
  std::atomic<bool> dropped{false};
  Status listened = Internal("not run");
  const auto started = std::chrono::steady_clock::now();
  std::thread listener([&] {
    listened = alice.Listen(
        std::chrono::seconds(20),
        [&](const StoredMessage&) {
          pinged = true;
          return true;
        },
        nullptr,
        [&](const ConnectionEvent& e) {
          if (e.kind == ConnectionEvent::Kind::kDropped) dropped = true;
        });
  });
  EXPECT_OK(bob.Send("alice", "ping"));
  EXPECT_TRUE(WaitFor([&] { return pinged.load(); }, std::chrono::seconds(10)));
  relay->Signal(SIGKILL);
  auto other = RelayProcess::Start(BC_BACKCHANNELD_BINARY,
                                   {"--listen", "127.0.0.1:" + port, "--data", data_dir});
  EXPECT_TRUE(other.has_value()) << other.status();
  if (other) relay = std::move(*other);
  listener.join();
  EXPECT_TRUE(dropped);
  return {listened, std::chrono::steady_clock::now() - started};
}

TEST_F(ChannelE2eTest, ListenDoesNotRetryARefusedUpgradeOrAnotherCertificate) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  namespace fs = std::filesystem;
  // Same certificate (so the pin matches), empty database: the relay no
  // longer knows Alice's mailbox and refuses the upgrade with 404.
  TempDir amnesiac;
  for (const char* f : {"relay-cert.pem", "relay-key.pem"}) {
    fs::copy_file(relay_dir_.File(f), amnesiac.File(f));
  }
  auto [refused, t1] = ListenThroughSwap(*alice, *bob, relay_, amnesiac.path());
  EXPECT_THAT(refused, StatusIs(StatusCode::kNotFound)) << refused;
  EXPECT_LT(t1, std::chrono::seconds(10)) << "a 4xx is not retried until the time is over";

  // Another certificate: the pin no longer matches. (Alice first listens
  // to the relay she knows again.)
  const std::string port = std::to_string(relay_->port());
  relay_->Signal(SIGKILL);
  auto back = RelayProcess::Start(BC_BACKCHANNELD_BINARY,
                                  {"--listen", "127.0.0.1:" + port, "--data", relay_dir_.path()});
  ASSERT_TRUE(back.has_value()) << back.status();
  relay_ = std::move(*back);
  TempDir stranger;
  auto [untrusted, t2] = ListenThroughSwap(*alice, *bob, relay_, stranger.path());
  EXPECT_THAT(untrusted, StatusIs(StatusCode::kUntrusted)) << untrusted;
  EXPECT_LT(t2, std::chrono::seconds(10)) << "a wrong pin is not retried";
}

}  // namespace
}  // namespace backchannel::client
