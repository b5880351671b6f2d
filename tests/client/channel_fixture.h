// The fixture of the client's channel tests, over either relay:
//   ChannelE2eTest   the real backchanneld on a free port in a temp dir
//                    (for what only a process shows: TLS, a wrong
//                    certificate, a relay killed or restarted, WebSocket
//                    push over a socket, two connections on one home);
//   ChannelFastTest  the in-process relay (testing/in_process_relay.h):
//                    the real Router and SQLite store, no process, socket
//                    or sleep — every other client behaviour.
// Both give client homes accredited by different authorities (United
// States, Iran, and one nobody trusts).
#ifndef BACKCHANNEL_TESTS_CLIENT_CHANNEL_FIXTURE_H_
#define BACKCHANNEL_TESTS_CLIENT_CHANNEL_FIXTURE_H_

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/client/client.h"
#include "backchannel/client/home.h"
#include "backchannel/common/encoding.h"
#include "backchannel/identity/authority.h"
#include "client/temp_dir.h"
#include "testing/in_process_relay.h"
#include "testing/relay_process.h"
#include "testing/status_matchers.h"

namespace backchannel::client {

using backchannel::testing::InProcessRelay;
using backchannel::testing::RelayProcess;
using testing::TempDir;

inline std::int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline SecretBytes Pass(std::string_view s) { return SecretBytes(AsBytes(s)); }

template <bool kInProcess>
class ChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (kInProcess) {
      auto started = InProcessRelay::Start();
      ASSERT_TRUE(started.has_value()) << started.status();
      inproc_ = std::move(*started);
    } else {
#ifdef BC_BACKCHANNELD_BINARY
      auto started = RelayProcess::StartOnAnyPort(BC_BACKCHANNELD_BINARY, relay_dir_.path());
      ASSERT_TRUE(started.has_value()) << started.status();
      relay_ = std::move(*started);
#else
      FAIL() << "built without BC_BACKCHANNELD_BINARY";
#endif
    }
    auto us = identity::Authority::Generate("United States");
    auto iran = identity::Authority::Generate("Iran");
    auto other = identity::Authority::Generate("Elsewhere");
    ASSERT_TRUE(us.has_value() && iran.has_value() && other.has_value());
    us_.emplace(std::move(*us));
    iran_.emplace(std::move(*iran));
    other_.emplace(std::move(*other));
  }

  ClientOptions Options(const std::string& name, std::uint32_t prekeys = 100,
                        std::uint32_t low = 20) {
    ClientOptions o;
    o.home = homes_.File(name);
    o.kdf_cost = KdfCost::kInteractive;
    o.relay_timeout = std::chrono::milliseconds(5000);
    o.one_time_prekeys = prekeys;
    o.prekeys_low_water = low;
    o.transport = inproc_;  // null: TLS to the relay process
    o.clock = [offset = offset_ms_] { return SystemWallClockMs() + offset->load(); };
    return o;
  }

  // Moves the clients' clock on (time passes, no sleep).
  // Clients made by Options() read the system clock plus what was added.
  void Advance(std::chrono::milliseconds by) { *offset_ms_ += by.count(); }

  // The relay under test, whichever it is.
  std::string RelayAddress() const { return inproc_ ? inproc_->address() : relay_->address(); }
  std::string RelayPin() const { return inproc_ ? inproc_->pin() : relay_->pin(); }
  CertificatePin RelayCertificatePin() const {
    return inproc_ ? inproc_->certificate_pin() : relay_->certificate_pin();
  }
  // For RelayClient objects a test makes itself (null: TLS).
  const RelayTransport* transport() const { return inproc_.get(); }

  // Inits a client and imports a credential from `authority`.
  std::unique_ptr<Client> MakeClient(const std::string& name, const identity::Authority& authority,
                                     std::int64_t not_before, std::int64_t expiry,
                                     std::uint64_t serial, std::uint32_t prekeys = 100,
                                     std::uint32_t low = 20) {
    auto c = Client::Init(Options(name, prekeys, low), Pass("pw-" + name),
                          {RelayAddress(), RelayCertificatePin()});
    EXPECT_TRUE(c.has_value()) << c.error();
    if (!c) return nullptr;
    identity::CredentialRequest req;
    req.identity_key = (*c)->store().GetIdentity()->key_pair.public_key;
    req.role = identity::Role::kEnvoy;
    req.display_name = name;
    req.not_before = not_before;
    req.expiry = expiry;
    req.serial = serial;
    auto cred = authority.Issue(req);
    EXPECT_TRUE(cred.has_value()) << cred.error();
    if (!cred) return nullptr;
    Status s = (*c)->ImportCredential(*cred);
    EXPECT_OK(s);
    return std::move(*c);
  }

  std::unique_ptr<Client> Valid(const std::string& name, const identity::Authority& a,
                                std::uint64_t serial, std::uint32_t prekeys = 100,
                                std::uint32_t low = 20) {
    return MakeClient(name, a, Now() - 60, Now() + 3600, serial, prekeys, low);
  }

  static identity::Invitation Invite(Client& c) {
    auto inv = c.MakeInvitation();
    EXPECT_TRUE(inv.has_value()) << inv.error();
    auto text = identity::InvitationToText(*inv);
    EXPECT_TRUE(text.has_value());
    auto parsed = identity::InvitationFromText(*text);
    EXPECT_TRUE(parsed.has_value());
    return *parsed;
  }

  static ReceiveReport Recv(Client& c) {
    auto r = c.Receive();
    EXPECT_TRUE(r.has_value()) << r.error();
    return r.has_value() ? std::move(*r) : ReceiveReport{};
  }

  static std::vector<std::string> Bodies(Client& c, Direction d, const std::string& contact) {
    std::vector<std::string> out;
    auto msgs = c.Messages(contact);
    EXPECT_TRUE(msgs.has_value());
    for (const auto& m : *msgs) {
      if (m.direction == d) out.push_back(m.body);
    }
    return out;
  }

  static std::vector<Delivery> Deliveries(Client& c, const std::string& contact) {
    std::vector<Delivery> out;
    auto messages = c.Messages(contact);
    EXPECT_TRUE(messages.has_value()) << messages.error();
    if (!messages) return out;
    for (const auto& m : *messages) {
      if (m.direction == Direction::kOut) out.push_back(m.delivery);
    }
    return out;
  }

  static Bytes SessionBytes(Client& c, const std::string& contact) {
    auto got = c.store().GetContact(contact);
    EXPECT_TRUE(got.has_value()) << got.error();
    return got.has_value() ? ToBytes(got->session.view()) : Bytes{};
  }

  // Alice (US) and Bob (Iran) with an open, mutually verified channel.
  void Connect(Client& alice, Client& bob) {
    ASSERT_OK(alice.TrustAuthority(iran_->public_key(), "Iran", TrustScope::Side("Iran")));
    ASSERT_OK(
        bob.TrustAuthority(us_->public_key(), "United States", TrustScope::Side("United States")));
    auto name = bob.AcceptInvitation(Invite(alice));
    ASSERT_TRUE(name.has_value()) << name.error();
    EXPECT_EQ(*name, "alice");
    auto ra = Recv(alice);
    ASSERT_TRUE(ra.refused.empty()) << ra.refused[0];
    auto rb = Recv(bob);
    ASSERT_TRUE(rb.refused.empty()) << rb.refused[0];
    auto contact = bob.store().GetContact("alice");
    ASSERT_TRUE(contact.has_value());
    EXPECT_FALSE(contact->credential.empty()) << "bob verified alice's credential";
  }

  TempDir relay_dir_;
  TempDir homes_;
  std::unique_ptr<RelayProcess> relay_;     // ChannelE2eTest
  std::shared_ptr<InProcessRelay> inproc_;  // ChannelFastTest
  std::shared_ptr<std::atomic<std::int64_t>> offset_ms_ =
      std::make_shared<std::atomic<std::int64_t>>(0);
  std::optional<identity::Authority> us_, iran_, other_;
};

using ChannelE2eTest = ChannelTest<false>;
using ChannelFastTest = ChannelTest<true>;

// Records every message its handler sees; the handler also writes the body
// under "talks"/"last" in the store and then returns `verdict`.
struct Recorder {
  std::vector<AppMessage> seen;
  Status verdict;
  AppHandler For(Client& c) {
    return [this, &c](const AppMessage& m) -> Status {
      seen.push_back(m);
      Status w = c.store().PutAppValue("talks", "last", m.body);
      if (!w.ok()) return w;
      return verdict;
    };
  }
};

}  // namespace backchannel::client

#endif  // BACKCHANNEL_TESTS_CLIENT_CHANNEL_FIXTURE_H_
