// Channels opened on an introduction (client.h, AcceptIntroduction;
// docs/talks.md, "Introductions"), over the in-process relay: the credential
// is checked against the accepting side's own trust and must belong to the
// invitation's identity; nothing is stored when it does not; the single-use
// ticket still holds; both ends carry the mark "introduced by".
#include <gtest/gtest.h>

#include "channel_fixture.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::StatusIs;

Bytes CredentialOf(Client& c) {
  auto cred = c.OwnCredential();
  EXPECT_TRUE(cred.has_value()) << cred.status();
  if (!cred) return {};
  auto bytes = identity::EncodeCredential(*cred);
  EXPECT_TRUE(bytes.has_value()) << bytes.status();
  return bytes ? *bytes : Bytes{};
}

std::string IntroducedBy(Client& c, const std::string& name) {
  auto contacts = c.Contacts();
  EXPECT_TRUE(contacts.has_value()) << contacts.status();
  if (!contacts) return "?";
  for (const auto& k : *contacts) {
    if (k.name == name) return k.introduced_by;
  }
  return "(no such contact)";
}

std::size_t ContactCount(Client& c) {
  auto contacts = c.Contacts();
  EXPECT_TRUE(contacts.has_value()) << contacts.status();
  return contacts ? contacts->size() : 0;
}

TEST_F(ChannelFastTest, IntroductionOpensAChannelOnlyUnderTheAcceptorsOwnTrust) {
  auto crocker = Valid("Crocker", *us_, 1);
  auto zarif = Valid("Zarif", *iran_, 2);
  auto araghchi = Valid("Araghchi", *iran_, 3);
  ASSERT_TRUE(crocker && zarif && araghchi);
  ASSERT_OK(
      zarif->TrustAuthority(us_->public_key(), "United States", TrustScope::Side("United States")));

  auto inv = zarif->MakeIntroductionInvitation("Brahimi");
  ASSERT_TRUE(inv.has_value()) << inv.status();
  const Bytes zarif_cred = CredentialOf(*zarif);

  // Crocker does not trust Iran's authority: pending, with what to do, and
  // nothing stored.
  auto refused = crocker->AcceptIntroduction(*inv, zarif_cred, "Brahimi");
  EXPECT_THAT(refused, StatusIs(StatusCode::kUntrusted));
  EXPECT_NE(std::string(refused.status().message()).find("backchannel trust add --side 'Iran'"),
            std::string::npos)
      << refused.status();
  EXPECT_EQ(ContactCount(*crocker), 0U);

  // Crocker decides, for himself, to trust Iran's authority for its envoys.
  ASSERT_OK(
      crocker->TrustAuthority(iran_->public_key(), "Iran", {{"Iran"}, {identity::Role::kEnvoy}}));

  // A host pairing someone else's credential with Zarif's invitation: refused.
  EXPECT_THAT(crocker->AcceptIntroduction(*inv, CredentialOf(*araghchi), "Brahimi"),
              StatusIs(StatusCode::kUntrusted));
  // Garbage for a credential: refused, nothing stored.
  EXPECT_FALSE(crocker->AcceptIntroduction(*inv, Bytes{1, 2, 3}, "Brahimi").has_value());
  EXPECT_EQ(ContactCount(*crocker), 0U);

  auto opened = crocker->AcceptIntroduction(*inv, zarif_cred, "Brahimi");
  ASSERT_TRUE(opened.has_value()) << opened.status();
  EXPECT_TRUE(opened->opened);
  EXPECT_EQ(opened->contact, "Zarif");
  EXPECT_EQ(IntroducedBy(*crocker, "Zarif"), "Brahimi");

  // Zarif's end: the hello redeems the introduction's ticket and carries the
  // mark too.
  auto r = Recv(*zarif);
  ASSERT_TRUE(r.refused.empty()) << r.refused[0];
  EXPECT_EQ(IntroducedBy(*zarif, "Crocker"), "Brahimi");
  Recv(*crocker);  // Zarif's answering hello

  // Words flow both ways.
  ASSERT_TRUE(crocker->Send("Zarif", "good morning").has_value());
  Recv(*zarif);
  EXPECT_EQ(Bodies(*zarif, Direction::kIn, "Crocker"), std::vector<std::string>{"good morning"});

  // A replayed introduction opens nothing.
  auto again = crocker->AcceptIntroduction(*inv, zarif_cred, "Brahimi");
  ASSERT_TRUE(again.has_value()) << again.status();
  EXPECT_FALSE(again->opened);
  EXPECT_EQ(ContactCount(*crocker), 1U);

  // The ticket is single use: another holder of the same code opens nothing.
  ASSERT_OK(araghchi->TrustAuthority(iran_->public_key(), "Iran", TrustScope::Side("Iran")));
  ASSERT_TRUE(araghchi->AcceptInvitation(*inv).has_value());
  auto third = Recv(*zarif);
  ASSERT_EQ(third.refused.size(), 1U);
  EXPECT_NE(std::string(third.refused[0].message()).find("already used"), std::string::npos)
      << third.refused[0];
  EXPECT_EQ(ContactCount(*zarif), 1U);

  // A contact met directly carries no mark; comparing in person is separate.
  EXPECT_EQ(IntroducedBy(*araghchi, "Zarif"), "");
}

TEST_F(ChannelFastTest, IntroductionOutsideTheAcceptorsTrustScopeIsRefused) {
  auto crocker = Valid("Crocker", *us_, 1);
  auto zarif = Valid("Zarif", *iran_, 2);
  ASSERT_TRUE(crocker && zarif);
  // Crocker trusts Iran's authority for principals only: an envoy is outside.
  ASSERT_OK(crocker->TrustAuthority(iran_->public_key(), "Iran",
                                    {{"Iran"}, {identity::Role::kPrincipal}}));
  auto inv = zarif->MakeIntroductionInvitation("Brahimi");
  ASSERT_TRUE(inv.has_value()) << inv.status();
  EXPECT_THAT(crocker->AcceptIntroduction(*inv, CredentialOf(*zarif), "Brahimi"),
              StatusIs(StatusCode::kUntrusted));
  EXPECT_EQ(ContactCount(*crocker), 0U);
}

}  // namespace
}  // namespace backchannel::client
