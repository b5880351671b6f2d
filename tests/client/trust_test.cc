// Trust, scoped and repairable (issue 11), over the fast in-process layer: an
// authority accredits only the sides and roles it is trusted for; a request
// from an authority not trusted yet is kept back and completed once it is;
// accepting an invitation never trusts its authority silently.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "client/channel_fixture.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::StatusIs;

using TrustTest = ChannelFastTest;

TEST_F(TrustTest, AnAuthorityAccreditsOnlyTheSidesAndRolesItIsTrustedFor) {
  auto alice = Valid("alice", *us_, 1);
  ASSERT_TRUE(alice);
  // A key that claims to be a United States authority, which Alice was
  // told (wrongly) speaks for Iran: it may accredit envoys of Iran only.
  auto rogue = identity::Authority::Generate("United States");
  ASSERT_OK(rogue);
  ASSERT_OK(alice->TrustAuthority(rogue->public_key(), "Iran (so I was told)",
                                  {{"Iran"}, {identity::Role::kEnvoy}}));
  auto mallory = MakeClient("mallory", *rogue, Now() - 60, Now() + 3600, 5);
  ASSERT_TRUE(mallory);
  ASSERT_OK(mallory->TrustAuthority(us_->public_key(), "United States",
                                    TrustScope::Side("United States")));
  ASSERT_TRUE(mallory->AcceptInvitation(Invite(*alice)).has_value());
  auto r = Recv(*alice);
  ASSERT_EQ(r.refused.size(), 1U);
  EXPECT_THAT(r.refused[0], StatusIs(StatusCode::kUntrusted)) << r.refused[0];
  EXPECT_NE(r.refused[0].message().find("not a envoy of United States"), std::string::npos)
      << r.refused[0];
  EXPECT_TRUE(alice->Contacts()->empty());
  EXPECT_TRUE(alice->PendingRequests()->empty()) << "a scope refusal is final, not kept back";

  // Roles too: Iran's authority trusted for envoys only refuses a principal.
  ASSERT_OK(
      alice->TrustAuthority(iran_->public_key(), "Iran", {{"Iran"}, {identity::Role::kEnvoy}}));
  auto pr =
      Client::Init(Options("principal"), Pass("pw-p"), {RelayAddress(), RelayCertificatePin()});
  ASSERT_OK(pr);
  identity::CredentialRequest req;
  req.identity_key = (*pr)->identity_key();
  req.role = identity::Role::kPrincipal;
  req.display_name = "Foreign Ministry";
  req.not_before = Now() - 60;
  req.expiry = Now() + 3600;
  req.serial = 44;
  auto cred = iran_->Issue(req);
  ASSERT_OK(cred);
  ASSERT_OK((*pr)->ImportCredential(*cred));
  ASSERT_TRUE((*pr)->AcceptInvitation(Invite(*alice), "", /*trust_authority=*/true).has_value());
  r = Recv(*alice);
  ASSERT_EQ(r.refused.size(), 1U);
  EXPECT_NE(r.refused[0].message().find("not a principal of Iran"), std::string::npos)
      << r.refused[0];
}

TEST_F(TrustTest, ARequestFromAnUntrustedAuthorityIsKeptAndCompletedOnceItIsTrusted) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  ASSERT_OK(
      bob->TrustAuthority(us_->public_key(), "United States", TrustScope::Side("United States")));
  ASSERT_TRUE(bob->AcceptInvitation(Invite(*alice)).has_value());
  ASSERT_OK(bob->Send("alice", "Salaam."));

  auto r = Recv(*alice);
  ASSERT_EQ(r.refused.size(), 1U) << "one notice for the hello; the text waits behind it";
  EXPECT_THAT(r.refused[0], StatusIs(StatusCode::kUntrusted));
  const std::string advice(r.refused[0].message());
  EXPECT_NE(advice.find("trust add --side 'Iran' --roles envoy -- " +
                        ToBase64(iran_->public_key(), Base64Variant::kUrlSafeNoPadding)),
            std::string::npos)
      << advice;
  EXPECT_TRUE(alice->Contacts()->empty());
  auto pending = alice->PendingRequests();
  ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 2U);
  EXPECT_EQ((*pending)[0].side, "Iran");
  EXPECT_EQ((*pending)[0].role, "envoy");
  EXPECT_EQ((*pending)[0].display_name, "bob");
  EXPECT_FALSE((*pending)[1].authority_key) << "the text names no authority";
  EXPECT_TRUE(Recv(*alice).stored.empty()) << "acknowledged at the relay, kept here";

  auto trusted = alice->TrustAuthority(iran_->public_key(), "Iran", TrustScope::Side("Iran"));
  ASSERT_OK(trusted);
  EXPECT_TRUE(trusted->refused.empty()) << trusted->refused[0];
  EXPECT_TRUE(alice->PendingRequests()->empty());
  EXPECT_EQ(Bodies(*alice, Direction::kIn, "bob"), std::vector<std::string>{"Salaam."});
  EXPECT_EQ(trusted->outbox.sent, 1) << "Alice's answer with her credential went out";
  Recv(*bob);
  auto at_bob = bob->store().GetContact("alice");
  ASSERT_OK(at_bob);
  EXPECT_FALSE(at_bob->credential.empty()) << "Bob verified Alice in turn";
  ASSERT_OK(alice->Send("bob", "Welcome."));
  Recv(*bob);
  EXPECT_EQ(Bodies(*bob, Direction::kIn, "alice"), std::vector<std::string>{"Welcome."});
}

TEST_F(TrustTest, AcceptingNeverTrustsTheInvitationsAuthoritySilently) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  const auto before = bob->Authorities()->size();
  auto refused = bob->AcceptInvitation(Invite(*alice));
  EXPECT_THAT(refused, StatusIs(StatusCode::kUntrusted));
  EXPECT_NE(refused.error().message().find("--trust-authority"), std::string::npos);
  EXPECT_TRUE(bob->Contacts()->empty()) << "nothing stored";
  EXPECT_EQ(bob->Authorities()->size(), before);
  EXPECT_TRUE(Recv(*alice).stored.empty()) << "nothing sent";

  ASSERT_TRUE(bob->AcceptInvitation(Invite(*alice), "", /*trust_authority=*/true).has_value());
  auto authorities = bob->Authorities();
  ASSERT_OK(authorities);
  ASSERT_EQ(authorities->size(), before + 1);
  bool scoped = false;
  for (const auto& a : *authorities) {
    if (a.label == "United States") {
      scoped = a.scoped && a.sides == std::vector<std::string>{"United States"};
    }
  }
  EXPECT_TRUE(scoped) << "trusted for the invitation's side only";
}

TEST_F(TrustTest, DistrustingAnAuthorityRefusesItsCredentialsFromThenOn) {
  auto alice = Valid("alice", *us_, 1);
  ASSERT_TRUE(alice);
  ASSERT_OK(alice->TrustAuthority(iran_->public_key(), "Iran", TrustScope::Side("Iran")));
  ASSERT_OK(alice->DistrustAuthority(iran_->public_key()));
  EXPECT_THAT(alice->DistrustAuthority(iran_->public_key()), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(alice->DistrustAuthority(us_->public_key()),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(alice->TrustAuthority(iran_->public_key(), "Iran", {{}, {identity::Role::kEnvoy}}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(alice->TrustAuthority(iran_->public_key(), "Iran", {{"Iran"}, {}}),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(TrustTest, AComparedSafetyNumberIsRecordedForTheKeyCompared) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  auto before = alice->store().GetContact("bob");
  ASSERT_OK(before);
  EXPECT_TRUE(before->compared_identity_key.empty());
  ASSERT_OK(alice->MarkSafetyNumberCompared("bob"));
  auto after = alice->store().GetContact("bob");
  ASSERT_OK(after);
  EXPECT_EQ(after->compared_identity_key, ToBytes(after->identity_key));
  EXPECT_THAT(alice->MarkSafetyNumberCompared("nobody"), StatusIs(StatusCode::kNotFound));
}

// The lines of `contact` that carry the identity-change alert.
std::vector<std::string> Alerts(Client& c, const std::string& contact) {
  std::vector<std::string> out;
  auto msgs = c.Messages(contact);
  EXPECT_OK(msgs);
  if (!msgs) return out;
  for (const auto& m : *msgs) {
    if (m.direction == Direction::kSystem &&
        m.body.find("IDENTITY KEY CHANGED") != std::string::npos) {
      out.push_back(m.body);
    }
  }
  return out;
}

TEST_F(TrustTest, ACredentialFromANewIdentityKeyIsALoudAlertAndTheComparedMarkDoesNotCarryOver) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  ASSERT_OK(alice->MarkSafetyNumberCompared("bob"));
  ASSERT_OK(bob->MarkSafetyNumberCompared("alice"));
  EXPECT_TRUE(Alerts(*alice, "bob").empty()) << "no alert for the first key";

  // Alice loses her home and starts again: a new identity key, the same
  // name, side, role and authority. Her new self invites Bob.
  alice.reset();
  std::filesystem::remove_all(homes_.File("alice"));
  auto alice2 = Valid("alice", *us_, 2);
  ASSERT_TRUE(alice2);
  ASSERT_OK(alice2->TrustAuthority(iran_->public_key(), "Iran", TrustScope::Side("Iran")));
  auto as = bob->AcceptInvitation(Invite(*alice2), "alice again");
  ASSERT_OK(as);
  Recv(*alice2);  // Bob's hello: Alice's new self knows no Bob (no alert)
  EXPECT_TRUE(Alerts(*alice2, "bob").empty());
  Recv(*bob);  // Alice's answer presents her credential under the new key
  auto alerts = Alerts(*bob, "alice again");
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_NE(alerts[0].find("your contact alice from a NEW identity key"), std::string::npos)
      << alerts[0];
  EXPECT_NE(alerts[0].find("does not carry over"), std::string::npos) << alerts[0];
  auto fresh = bob->store().GetContact("alice again");
  ASSERT_OK(fresh);
  EXPECT_TRUE(fresh->compared_identity_key.empty()) << "the compared mark does not carry over";
  auto old = bob->store().GetContact("alice");
  ASSERT_OK(old);
  EXPECT_EQ(old->compared_identity_key, ToBytes(old->identity_key)) << "kept for the old key";

  // The other way: Bob loses his home; his new self accepts Alice's
  // invitation, and the contact request reaches Alice with the alert.
  bob.reset();
  std::filesystem::remove_all(homes_.File("bob"));
  auto bob2 = Valid("bob", *iran_, 3);
  ASSERT_TRUE(bob2);
  ASSERT_OK(alice2->MarkSafetyNumberCompared("bob"));
  ASSERT_OK(
      bob2->TrustAuthority(us_->public_key(), "United States", TrustScope::Side("United States")));
  ASSERT_OK(bob2->AcceptInvitation(Invite(*alice2)));
  auto r = Recv(*alice2);
  EXPECT_TRUE(r.refused.empty()) << r.refused[0];
  alerts = Alerts(*alice2, "bob (2)");
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_NE(alerts[0].find("bob (2) presents the credential of your contact bob"),
            std::string::npos)
      << alerts[0];
  auto newcomer = alice2->store().GetContact("bob (2)");
  ASSERT_OK(newcomer);
  EXPECT_TRUE(newcomer->compared_identity_key.empty());
}

TEST_F(TrustTest, RotatingTheTokenRetiresOldInvitationsAndContactsFollow) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  auto carol = Valid("carol", *iran_, 2);
  ASSERT_TRUE(alice && bob && carol);
  Connect(*alice, *bob);
  const auto leaked = Invite(*alice);  // an invitation that escaped

  auto told = alice->RotateDeliveryToken();
  ASSERT_OK(told);
  EXPECT_EQ(*told, 1);
  auto r = Recv(*bob);
  ASSERT_EQ(r.stored.size(), 1U);
  EXPECT_NE(r.stored[0].body.find("gave you a new address"), std::string::npos) << r.stored[0].body;
  auto sent = bob->Send("alice", "to the new address");
  ASSERT_OK(sent);
  EXPECT_FALSE(sent->queued) << sent->reason;
  Recv(*alice);
  EXPECT_EQ(Bodies(*alice, Direction::kIn, "bob"), std::vector<std::string>{"to the new address"});

  // The old invitation no longer reaches Alice's mailbox.
  auto refused = carol->AcceptInvitation(leaked, "", /*trust_authority=*/true);
  EXPECT_THAT(refused, StatusIs(StatusCode::kPermissionDenied));
  EXPECT_NE(refused.error().message().find("this invitation no longer works"), std::string::npos)
      << refused.error();
  EXPECT_TRUE(carol->Contacts()->empty());
  // A new invitation works.
  ASSERT_OK(alice->TrustAuthority(iran_->public_key(), "Iran", TrustScope::Side("Iran")));
  ASSERT_TRUE(carol->AcceptInvitation(Invite(*alice), "", true).has_value());
  auto at_alice = Recv(*alice);
  EXPECT_TRUE(at_alice.refused.empty()) << at_alice.refused[0];
  EXPECT_TRUE(alice->store().GetContact("carol").has_value());
}

// Single-use invitations (docs/identity.md): a code opens one channel. A
// second person accepting it, or a code with a ticket Alice never made, is
// refused at Alice and adds no contact there.
TEST_F(TrustTest, AnInvitationOpensOneChannelOnly) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  auto carol = Valid("carol", *iran_, 2);
  ASSERT_TRUE(alice && bob && carol);
  ASSERT_OK(alice->TrustAuthority(iran_->public_key(), "Iran", TrustScope::Side("Iran")));
  const auto invitation = Invite(*alice);

  ASSERT_OK(bob->AcceptInvitation(invitation, "", /*trust_authority=*/true));
  auto first = Recv(*alice);
  EXPECT_TRUE(first.refused.empty()) << first.refused[0];
  ASSERT_OK(alice->store().GetContact("bob"));

  ASSERT_OK(carol->AcceptInvitation(invitation, "", /*trust_authority=*/true));
  auto second = Recv(*alice);
  ASSERT_EQ(second.refused.size(), 1U);
  EXPECT_NE(second.refused[0].message().find("already used by bob"), std::string::npos)
      << second.refused[0];
  EXPECT_THAT(alice->store().GetContact("carol"), StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(alice->Contacts()->size(), 1U);

  // A ticket Alice never handed out (a code edited, or made for another home).
  auto dave = Valid("dave", *iran_, 3);
  ASSERT_TRUE(dave);
  auto forged = Invite(*alice);
  forged.ticket[0] ^= 1;
  ASSERT_OK(dave->AcceptInvitation(forged, "", /*trust_authority=*/true));
  auto third = Recv(*alice);
  ASSERT_EQ(third.refused.size(), 1U);
  EXPECT_NE(third.refused[0].message().find("not one you made"), std::string::npos)
      << third.refused[0];
  EXPECT_THAT(alice->store().GetContact("dave"), StatusIs(StatusCode::kNotFound));

  // Bob's channel is untouched by both.
  ASSERT_OK(bob->Send("alice", "still here"));
  Recv(*alice);
  EXPECT_EQ(Bodies(*alice, Direction::kIn, "bob"), std::vector<std::string>{"still here"});
}

}  // namespace
}  // namespace backchannel::client
