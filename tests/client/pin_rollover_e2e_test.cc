// A relay's pin rollover end to end (docs/relay.md, "Pin rollover"): the
// real backchanneld announces its next certificate (--tls-next-cert), is
// restarted serving it, and clients paired before keep working only if they
// learned the next pin; an invitation made during the rollover carries both.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "backchannel/client/client.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/identity/invitation.h"
#include "client/channel_fixture.h"
#include "client/temp_dir.h"
#include "testing/relay_process.h"
#include "testing/status_matchers.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::StatusIs;
using std::chrono::hours;

class PinRolloverTest : public ChannelE2eTest {
 protected:
  // Credentials valid for a week: the test moves the clients' clock on by
  // days (the pins are read again at most once a day).
  std::unique_ptr<Client> Member(const std::string& name, const identity::Authority& a,
                                 std::uint64_t serial) {
    return MakeClient(name, a, Now() - 60, Now() + 7 * 24 * 3600, serial);
  }

  // Restarts the relay on its port with its data directory and `extra`.
  void Restart(const std::vector<std::string>& extra) {
    const std::string port = std::to_string(relay_->port());
    relay_.reset();
    std::vector<std::string> args = {"--listen", "127.0.0.1:" + port, "--data", relay_dir_.path()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto started = RelayProcess::Start(BC_BACKCHANNELD_BINARY, args);
    ASSERT_TRUE(started.has_value()) << started.status();
    relay_ = std::move(*started);
  }

  static RelayConfig Relay(Client& c) {
    auto rc = c.store().GetRelayConfig();
    EXPECT_TRUE(rc.has_value()) << rc.error();
    return rc.has_value() ? std::move(*rc) : RelayConfig{};
  }

  TempDir next_dir_;
};

TEST_F(PinRolloverTest, ClientsThatLearnedTheNextPinKeepWorkingAfterTheSwitch) {
  const CertificatePin old_pin = relay_->certificate_pin();
  auto alice = Member("alice", *us_, 1);
  auto bob = Member("bob", *iran_, 2);
  auto carol = Member("carol", *iran_, 3);
  ASSERT_TRUE(alice && bob && carol);
  Connect(*alice, *bob);
  EXPECT_FALSE(Relay(*alice).next_pin.has_value());

  // The operator's next identity: a pair made by a relay with its own
  // directory (backchanneld makes one on first start).
  {
    auto maker = RelayProcess::StartOnAnyPort(BC_BACKCHANNELD_BINARY, next_dir_.path());
    ASSERT_TRUE(maker.has_value()) << maker.status();
  }
  const std::string next_cert = next_dir_.File("relay-cert.pem");
  const std::string next_key = next_dir_.File("relay-key.pem");
  Restart({"--tls-next-cert", next_cert});
  ASSERT_EQ(relay_->certificate_pin(), old_pin);
  ASSERT_EQ(relay_->next_pin().size(), 64U);
  const CertificatePin new_pin = FromHexFixed<CertificatePin>(relay_->next_pin()).value();

  // Within a day of their last look, clients do not ask again.
  Recv(*alice);
  EXPECT_FALSE(Relay(*alice).next_pin.has_value());
  // A day later they do, and Alice tells Bob (a hello with her address).
  Advance(hours(25));
  Recv(*alice);
  EXPECT_EQ(Relay(*alice).next_pin, new_pin);
  EXPECT_EQ(Relay(*alice).pin, old_pin);
  Recv(*bob);
  EXPECT_EQ(Relay(*bob).next_pin, new_pin);
  auto alice_at_bob = bob->store().GetContact("alice");
  ASSERT_OK(alice_at_bob);
  EXPECT_EQ(alice_at_bob->address.pin, old_pin);
  EXPECT_EQ(alice_at_bob->address.next_pin, new_pin);

  // An invitation made now carries both pins (version 3).
  auto invitation = alice->MakeInvitation();
  ASSERT_OK(invitation);
  EXPECT_EQ(invitation->relay_certificate_sha256, old_pin);
  EXPECT_EQ(invitation->relay_next_certificate_sha256, new_pin);
  auto encoded = identity::EncodeInvitation(*invitation);
  ASSERT_OK(encoded);
  EXPECT_EQ((*encoded)[0], identity::kInvitationVersionTwoPins);
  const std::string code = identity::InvitationToText(*invitation).value();

  // The switch: the new pair is served, no next one is announced.
  Restart({"--tls-cert", next_cert, "--tls-key", next_key});
  ASSERT_EQ(relay_->certificate_pin(), new_pin);

  ASSERT_OK(bob->Send("alice", "after the switch"));
  auto ra = Recv(*alice);
  EXPECT_TRUE(ra.refused.empty());
  EXPECT_EQ(Bodies(*alice, Direction::kIn, "bob"), std::vector<std::string>{"after the switch"});
  ASSERT_OK(alice->Send("bob", "heard you"));
  Recv(*bob);
  EXPECT_EQ(Bodies(*bob, Direction::kIn, "alice"), std::vector<std::string>{"heard you"});
  // On their next look the relay serves the next pin as current: promoted.
  Advance(hours(25));
  Recv(*alice);
  EXPECT_EQ(Relay(*alice).pin, new_pin);
  EXPECT_FALSE(Relay(*alice).next_pin.has_value());
  auto status = alice->GetStatus();
  ASSERT_OK(status);
  EXPECT_OK(status->relay_status);

  // Carol never read the pins after the announcement: the old pin only.
  EXPECT_EQ(Relay(*carol).pin, old_pin);
  EXPECT_FALSE(Relay(*carol).next_pin.has_value());
  auto refused = carol->Receive();
  EXPECT_THAT(refused, StatusIs(StatusCode::kUntrusted));
  EXPECT_EQ(refused.status().message(), "relay certificate does not match the pin");
  EXPECT_EQ(Relay(*carol).pin, old_pin) << "a refused relay changes nothing";

  // The invitation made before the switch still opens a channel after it.
  auto dave = Member("dave", *iran_, 4);
  ASSERT_TRUE(dave);
  ASSERT_OK(
      dave->TrustAuthority(us_->public_key(), "United States", TrustScope::Side("United States")));
  auto parsed = identity::InvitationFromText(code);
  ASSERT_OK(parsed);
  auto name = dave->AcceptInvitation(*parsed);
  ASSERT_OK(name);
  auto alice_at_dave = dave->store().GetContact(*name);
  ASSERT_OK(alice_at_dave);
  EXPECT_EQ(alice_at_dave->address.next_pin, new_pin);
  auto accepted = Recv(*alice);
  EXPECT_TRUE(accepted.refused.empty());
  auto contacts = alice->Contacts();
  ASSERT_OK(contacts);
  EXPECT_EQ(contacts->size(), 2U);
}

}  // namespace
}  // namespace backchannel::client
