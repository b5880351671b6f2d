// The client's channel over the fast in-process layer (ChannelFastTest: the
// relay's real Router and SQLite store, no process, socket or sleep): two
// envoys talk, duplicates are dropped, bad credentials are refused, a
// session is reset, app messages reach their handlers, signed prekeys
// rotate. What only a real relay process shows is in e2e_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "backchannel/client/client.h"
#include "backchannel/client/home.h"
#include "backchannel/client/payload.h"
#include "backchannel/identity/authority.h"
#include "client/channel_fixture.h"
#include "client/temp_dir.h"
#include "testing/status_matchers.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::StatusIs;

TEST_F(ChannelFastTest, TwoEnvoysTalkBothWaysAndCatchUpAfterBeingOffline) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);

  ASSERT_OK(bob->Send("alice", "Salaam. We are ready to listen."));
  Recv(*alice);
  EXPECT_EQ(Bodies(*alice, Direction::kIn, "bob"),
            std::vector<std::string>{"Salaam. We are ready to listen."});
  ASSERT_OK(alice->Send("bob", "Thank you. Shall we begin with the agenda?"));
  Recv(*bob);
  EXPECT_EQ(Bodies(*bob, Direction::kIn, "alice"),
            std::vector<std::string>{"Thank you. Shall we begin with the agenda?"});

  // Bob is offline while Alice writes three times; he catches up in order.
  for (int i = 1; i <= 3; ++i) ASSERT_OK(alice->Send("bob", "point " + std::to_string(i)));
  bob.reset();
  auto bob2 = Client::Open(Options("bob"), Pass("pw-bob"));
  ASSERT_TRUE(bob2.has_value()) << bob2.error();
  auto r = Recv(**bob2);
  EXPECT_EQ(r.stored.size(), 3U);
  auto in = Bodies(**bob2, Direction::kIn, "alice");
  ASSERT_EQ(in.size(), 4U);
  EXPECT_EQ(in[3], "point 3");

  // Same safety number on both sides.
  auto fa = alice->Fingerprint("bob");
  auto fb = (*bob2)->Fingerprint("alice");
  ASSERT_TRUE(fa.has_value() && fb.has_value());
  EXPECT_EQ(*fa, *fb);

  // Listening: pushed over the in-process push connection (the WebSocket
  // itself is in e2e_test.cc).
  ASSERT_OK(alice->Send("bob", "pushed"));
  std::vector<std::string> pushed;
  Status ls = (*bob2)->Listen(std::chrono::milliseconds(5000), [&](const StoredMessage& m) {
    pushed.push_back(m.body);
    return false;
  });
  ASSERT_OK(ls);
  EXPECT_EQ(pushed, std::vector<std::string>{"pushed"});
}

TEST_F(ChannelFastTest, DuplicateDeliveryIsDropped) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  ASSERT_OK(alice->Send("bob", "once"));
  // Re-post the same envelope to Bob's mailbox: the relay now holds it twice.
  auto rc = bob->store().GetRelayConfig();
  ASSERT_TRUE(rc.has_value());
  RelayClient as_bob({rc->address, rc->pin}, rc->mailbox, rc->auth_key, transport());
  auto queued = as_bob.ListMessages();
  ASSERT_TRUE(queued.has_value()) << queued.error();
  ASSERT_EQ(queued->messages.size(), 1U);
  ASSERT_TRUE(as_bob.PostMessage(rc->mailbox, rc->delivery_token, queued->messages[0].envelope)
                  .has_value());
  auto r = Recv(*bob);
  EXPECT_EQ(r.stored.size(), 1U);
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_EQ(Bodies(*bob, Direction::kIn, "alice"), std::vector<std::string>{"once"});
}

TEST_F(ChannelFastTest, BadCredentialsAreRefusedWithTheReason) {
  auto alice = Valid("alice", *us_, 1, /*prekeys=*/4, /*low=*/3);
  ASSERT_TRUE(alice);
  ASSERT_OK(alice->TrustAuthority(iran_->public_key(), "Iran", TrustScope::Side("Iran")));
  auto carol = Valid("carol", *other_, 7);                                // unknown authority
  auto dave = MakeClient("dave", *iran_, Now() - 7200, Now() - 3600, 8);  // expired
  auto eve = Valid("eve", *iran_, 9);                                     // to be revoked
  ASSERT_TRUE(carol && dave && eve);
  auto list = iran_->Revoke(Now(), 1, {9});
  ASSERT_TRUE(list.has_value()) << list.error();
  ASSERT_OK(alice->ImportRevocations(*list));

  const auto invitation = Invite(*alice);
  for (Client* c : {carol.get(), dave.get(), eve.get()}) {
    ASSERT_TRUE(c->AcceptInvitation(invitation, "", /*trust_authority=*/true).has_value());
  }
  auto r = Recv(*alice);
  ASSERT_EQ(r.refused.size(), 3U);
  EXPECT_THAT(r.refused[0], StatusIs(StatusCode::kUntrusted)) << r.refused[0];
  EXPECT_THAT(r.refused[1], StatusIs(StatusCode::kFailedPrecondition)) << r.refused[1];
  EXPECT_NE(r.refused[1].message().find("expired"), std::string::npos);
  EXPECT_THAT(r.refused[2], StatusIs(StatusCode::kPermissionDenied)) << r.refused[2];
  EXPECT_NE(r.refused[2].message().find("revoked"), std::string::npos);
  EXPECT_TRUE(alice->Contacts()->empty());
  EXPECT_TRUE(r.replenished) << "three bundles fetched from four one-time prekeys";
}

TEST_F(ChannelFastTest, SessionResetAfterRestoringAnOldStore) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  ASSERT_OK(alice->Send("bob", "before backup"));
  Recv(*bob);

  // Bob's device is backed up here...
  bob.reset();
  const std::string store = StorePath(Options("bob").home);
  const std::string backup = homes_.File("bob-backup.db");
  std::filesystem::copy_file(store, backup);
  auto reopened = Client::Open(Options("bob"), Pass("pw-bob"));
  ASSERT_TRUE(reopened.has_value());
  bob = std::move(*reopened);
  // ...the conversation moves on...
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK(bob->Send("alice", "after backup " + std::to_string(i)));
    Recv(*alice);
    ASSERT_OK(alice->Send("bob", "reply " + std::to_string(i)));
    Recv(*bob);
  }
  // ...and Bob restores the old copy.
  bob.reset();
  std::filesystem::copy_file(backup, store, std::filesystem::copy_options::overwrite_existing);
  reopened = Client::Open(Options("bob"), Pass("pw-bob"));
  ASSERT_TRUE(reopened.has_value());
  bob = std::move(*reopened);

  ASSERT_OK(alice->Send("bob", "are you there?"));
  // Bob cannot decrypt it. He is told so, and nothing resets by itself: an
  // undecryptable message is no proof of who sent it.
  auto rb = Recv(*bob);
  EXPECT_EQ(rb.undecryptable, 1);
  ASSERT_EQ(rb.stored.size(), 1U);
  EXPECT_EQ(rb.stored[0].direction, Direction::kSystem);
  EXPECT_NE(rb.stored[0].body.find("could not be decrypted"), std::string::npos);
  EXPECT_NE(rb.stored[0].body.find("backchannel reset alice"), std::string::npos);
  EXPECT_TRUE(Recv(*alice).stored.empty()) << "no reset was sent";
  // Bob restarts the session: a new X3DH from his (unchanged) identity key.
  ASSERT_OK(bob->ResetSession("alice", "restored from a backup"));
  auto ra = Recv(*alice);  // Alice accepts the new session from the same identity
  ASSERT_TRUE(ra.refused.empty()) << ra.refused[0];
  ASSERT_FALSE(ra.stored.empty());
  EXPECT_NE(ra.stored[0].body.find("started a new session"), std::string::npos);

  ASSERT_OK(alice->Send("bob", "after reset"));
  Recv(*bob);
  ASSERT_OK(bob->Send("alice", "back again"));
  Recv(*alice);
  EXPECT_EQ(Bodies(*bob, Direction::kIn, "alice").back(), "after reset");
  const auto alice_in = Bodies(*alice, Direction::kIn, "bob");
  EXPECT_EQ(alice_in, (std::vector<std::string>{"after backup 0", "after backup 1", "back again"}))
      << "nothing Alice had received is lost";
}

// ---- app messages (the layer above the client) ----

std::optional<Bytes> LastValue(Client& c) {
  auto v = c.store().GetAppValue("talks", "last");
  EXPECT_TRUE(v.has_value()) << v.error();
  return v.has_value() ? *v : std::nullopt;
}

TEST_F(ChannelFastTest, AppMessagesBothWaysReachTheirHandler) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  Recorder at_alice, at_bob;
  alice->SetAppHandler("talks", at_alice.For(*alice));
  bob->SetAppHandler("talks", at_bob.For(*bob));
  const auto lines_before = alice->Messages()->size();

  ASSERT_OK(bob->SendApp("alice", "talks", AsBytes("agenda: 1, 2, 3")));
  auto r = Recv(*alice);
  EXPECT_TRUE(r.refused.empty()) << r.refused[0];
  EXPECT_EQ(r.app_messages, 1);
  EXPECT_TRUE(r.stored.empty()) << "app messages are no lines";
  ASSERT_EQ(at_alice.seen.size(), 1U);
  const AppMessage& m = at_alice.seen[0];
  EXPECT_EQ(m.contact, "bob");
  EXPECT_EQ(m.sender_identity, bob->identity_key());
  EXPECT_EQ(m.app, "talks");
  EXPECT_EQ(AsString(m.body), "agenda: 1, 2, 3");
  EXPECT_FALSE(m.message_id.empty());
  EXPECT_GT(m.time_ms, 0);
  EXPECT_EQ(LastValue(*alice), ToBytes(std::string_view("agenda: 1, 2, 3")));
  EXPECT_EQ(alice->Messages()->size(), lines_before);
  EXPECT_TRUE(*alice->store().SeenMessage("bob", m.message_id));

  ASSERT_OK(alice->SendApp("bob", "talks", AsBytes("accepted")));
  EXPECT_EQ(Recv(*bob).app_messages, 1);
  ASSERT_EQ(at_bob.seen.size(), 1U);
  EXPECT_EQ(at_bob.seen[0].contact, "alice");
  EXPECT_EQ(at_bob.seen[0].sender_identity, alice->identity_key());
  EXPECT_EQ(AsString(at_bob.seen[0].body), "accepted");

  // Who am I, for the layer above.
  auto own = alice->OwnCredential();
  ASSERT_TRUE(own.has_value()) << own.error();
  EXPECT_EQ(own->display_name, "alice");
  EXPECT_EQ(own->side, "United States");
  EXPECT_EQ(own->role, identity::Role::kEnvoy);
  EXPECT_EQ(own->identity_key, alice->identity_key());

  // Listen calls the handlers too.
  ASSERT_OK(bob->SendApp("alice", "talks", AsBytes("pushed")));
  Status ls = alice->Listen(std::chrono::milliseconds(1500), nullptr);
  ASSERT_OK(ls);
  ASSERT_EQ(at_alice.seen.size(), 2U);
  EXPECT_EQ(AsString(at_alice.seen[1].body), "pushed");
}

TEST_F(ChannelFastTest, RefusedAppMessageRollsBackOnlyTheHandler) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  Recorder at_alice;
  at_alice.verdict = InvalidArgument("move 3 is out of turn");
  alice->SetAppHandler("talks", at_alice.For(*alice));

  ASSERT_OK(bob->SendApp("alice", "talks", AsBytes("move 3")));
  auto r = Recv(*alice);
  ASSERT_EQ(at_alice.seen.size(), 1U);
  EXPECT_EQ(r.app_messages, 0);
  ASSERT_EQ(r.refused.size(), 1U);
  EXPECT_THAT(r.refused[0], StatusIs(StatusCode::kInvalidArgument));
  EXPECT_NE(r.refused[0].message().find("move 3 is out of turn"), std::string::npos);
  EXPECT_FALSE(LastValue(*alice).has_value()) << "the handler's write was rolled back";
  ASSERT_EQ(r.stored.size(), 1U);
  EXPECT_EQ(r.stored[0].direction, Direction::kSystem);
  EXPECT_EQ(r.stored[0].body, "refused talks message from bob: move 3 is out of turn");
  EXPECT_EQ(Bodies(*alice, Direction::kSystem, "bob").back(), r.stored[0].body);
  EXPECT_TRUE(*alice->store().SeenMessage("bob", at_alice.seen[0].message_id));

  // The session advanced: what follows decrypts, text and app alike.
  at_alice.verdict = Status::Ok();
  ASSERT_OK(bob->Send("alice", "still there?"));
  ASSERT_OK(bob->SendApp("alice", "talks", AsBytes("move 4")));
  r = Recv(*alice);
  EXPECT_TRUE(r.refused.empty()) << r.refused[0];
  EXPECT_EQ(r.app_messages, 1);
  EXPECT_EQ(Bodies(*alice, Direction::kIn, "bob").back(), "still there?");
  EXPECT_EQ(LastValue(*alice), ToBytes(std::string_view("move 4")));
  ASSERT_OK(alice->Send("bob", "yes"));
  EXPECT_TRUE(Recv(*bob).refused.empty());
  EXPECT_EQ(Bodies(*bob, Direction::kIn, "alice").back(), "yes");
}

TEST_F(ChannelFastTest, AppWithoutHandlerIsRefusedAndTheSessionGoesOn) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  Recorder at_alice;
  alice->SetAppHandler("talks", at_alice.For(*alice));
  alice->SetAppHandler("chess", at_alice.For(*alice));
  alice->SetAppHandler("chess", nullptr);  // unregistered again

  ASSERT_OK(bob->SendApp("alice", "chess", AsBytes("e4")));
  ASSERT_OK(bob->SendApp("alice", "talks", AsBytes("after chess")));
  auto r = Recv(*alice);
  ASSERT_EQ(r.refused.size(), 1U);
  EXPECT_THAT(r.refused[0], StatusIs(StatusCode::kNotFound));
  EXPECT_NE(r.refused[0].message().find("no handler for app messages 'chess'"), std::string::npos)
      << r.refused[0];
  ASSERT_EQ(r.stored.size(), 1U);
  EXPECT_EQ(r.stored[0].body,
            "refused chess message from bob: no handler for app messages 'chess'");
  EXPECT_EQ(r.app_messages, 1);
  ASSERT_EQ(at_alice.seen.size(), 1U);
  EXPECT_EQ(AsString(at_alice.seen[0].body), "after chess");
  auto queued = alice->Receive();
  ASSERT_TRUE(queued.has_value());
  EXPECT_TRUE(queued->refused.empty()) << "the refused message was acked";
}

TEST_F(ChannelFastTest, DuplicateAppDeliveryReachesTheHandlerOnce) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  Recorder at_alice;
  alice->SetAppHandler("talks", at_alice.For(*alice));
  ASSERT_OK(bob->SendApp("alice", "talks", AsBytes("once")));
  ASSERT_OK(bob->SendApp("alice", "other", AsBytes("refused once")));
  // Re-post both envelopes to Alice's mailbox: the relay holds each twice.
  auto rc = alice->store().GetRelayConfig();
  ASSERT_TRUE(rc.has_value());
  RelayClient as_alice({rc->address, rc->pin}, rc->mailbox, rc->auth_key, transport());
  auto queued = as_alice.ListMessages();
  ASSERT_TRUE(queued.has_value()) << queued.error();
  ASSERT_EQ(queued->messages.size(), 2U);
  for (const auto& q : queued->messages) {
    ASSERT_TRUE(as_alice.PostMessage(rc->mailbox, rc->delivery_token, q.envelope).has_value());
  }
  auto r = Recv(*alice);
  EXPECT_EQ(r.app_messages, 1);
  EXPECT_EQ(r.duplicates, 2);
  EXPECT_EQ(r.refused.size(), 1U);
  EXPECT_EQ(at_alice.seen.size(), 1U);
}

TEST_F(ChannelFastTest, LargestAppBodyRoundTripsAndLimitsAreChecked) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  Recorder at_alice;
  alice->SetAppHandler(std::string(kMaxAppNameSize, 'z'), at_alice.For(*alice));
  Bytes body(kMaxAppBodySize);
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<std::uint8_t>(i * 131 + 7);
  ASSERT_OK(bob->SendApp("alice", std::string(kMaxAppNameSize, 'z'), body));
  auto r = Recv(*alice);
  EXPECT_TRUE(r.refused.empty()) << r.refused[0];
  ASSERT_EQ(at_alice.seen.size(), 1U);
  EXPECT_EQ(at_alice.seen[0].body, body);

  EXPECT_THAT(bob->SendApp("alice", "talks", Bytes(kMaxAppBodySize + 1)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(bob->SendApp("alice", "Talks", AsBytes("x")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(bob->SendApp("alice", "", AsBytes("x")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(bob->SendApp("nobody", "talks", AsBytes("x")), StatusIs(StatusCode::kNotFound));
}

TEST_F(ChannelFastTest, HandlersCannotSend) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  ASSERT_TRUE(alice && bob);
  Connect(*alice, *bob);
  Status from_handler;
  alice->SetAppHandler("talks", [&](const AppMessage& m) {
    from_handler = alice->SendApp(m.contact, "talks", AsBytes("answer")).status();
    return Status::Ok();
  });
  ASSERT_OK(bob->SendApp("alice", "talks", AsBytes("question")));
  EXPECT_EQ(Recv(*alice).app_messages, 1);
  EXPECT_THAT(from_handler, StatusIs(StatusCode::kFailedPrecondition)) << from_handler;
  // After Receive returns, sending works.
  ASSERT_OK(alice->SendApp("bob", "talks", AsBytes("answer")));
}

// ---- Signed prekey rotation ----

TEST_F(ChannelFastTest, SignedPreKeyRotatesAndTheOldOneOpensUntilItsGraceEnds) {
  auto alice = Valid("alice", *us_, 1);
  auto bob = Valid("bob", *iran_, 1);
  auto dave = Valid("dave", *iran_, 2);
  ASSERT_TRUE(alice && bob && dave);
  ASSERT_OK(alice->TrustAuthority(iran_->public_key(), "Iran", TrustScope::Side("Iran")));
  auto rc = alice->store().GetRelayConfig();
  ASSERT_TRUE(rc.has_value());
  const RelayClient fetcher({rc->address, rc->pin, std::chrono::milliseconds(5000)}, transport());
  auto bundle_id = [&]() -> std::uint32_t {
    auto b = fetcher.FetchBundle(rc->mailbox, rc->delivery_token);
    EXPECT_TRUE(b.has_value()) << b.error();
    return b ? b->signed_pre_key_id : 0;
  };
  auto reopen = [&](std::chrono::milliseconds max_age, std::chrono::milliseconds grace) {
    alice.reset();
    ClientOptions o = Options("alice");
    o.signed_prekey_max_age = max_age;
    o.signed_prekey_grace = grace;
    auto c = Client::Open(o, Pass("pw-alice"));
    EXPECT_TRUE(c.has_value()) << c.error();
    if (c) alice = std::move(*c);
  };
  auto signed_keys = [&] {
    auto keys = alice->store().ListSignedPreKeys();
    EXPECT_TRUE(keys.has_value()) << keys.error();
    return keys.has_value() ? *keys : std::vector<SignedPreKeyInfo>{};
  };
  EXPECT_EQ(bundle_id(), 1U);

  // Bob fetches the bundle with signed prekey 1 and sends his hello on it.
  auto name = bob->AcceptInvitation(Invite(*alice), "", /*trust_authority=*/true);
  ASSERT_TRUE(name.has_value()) << name.error();

  // Alice's key is due (maximum age 0): Receive rotates first, then opens
  // Bob's hello, built on the key it just superseded.
  reopen(std::chrono::milliseconds(0), std::chrono::hours(1));
  auto r = Recv(*alice);
  EXPECT_TRUE(r.signed_prekey_rotated);
  EXPECT_TRUE(r.refused.empty()) << r.refused[0];
  auto bob_contact = alice->store().GetContact("bob");
  ASSERT_TRUE(bob_contact.has_value()) << bob_contact.error();
  EXPECT_FALSE(bob_contact->credential.empty());
  EXPECT_EQ(bundle_id(), 2U) << "the relay hands out the new signed prekey";
  auto keys = signed_keys();
  ASSERT_EQ(keys.size(), 2U);
  EXPECT_NE(keys[0].retired_ms, 0);
  EXPECT_FALSE(keys[0].wiped) << "kept through its grace";
  EXPECT_EQ(keys[1].retired_ms, 0);
  // The session opened on the old key goes on.
  Recv(*bob);
  ASSERT_OK(bob->Send("alice", "on the old key's session"));
  reopen(std::chrono::hours(1), std::chrono::hours(1));
  r = Recv(*alice);
  EXPECT_FALSE(r.signed_prekey_rotated);
  EXPECT_EQ(Bodies(*alice, Direction::kIn, "bob"),
            std::vector<std::string>{"on the old key's session"});

  // Dave fetches the bundle with signed prekey 2 and sends his hello; before
  // Alice reads it, two rotations with a grace of 1 ms: key 1, then key 2
  // are wiped (key 3, the newest superseded one, stays).
  ASSERT_TRUE(dave->AcceptInvitation(Invite(*alice), "", /*trust_authority=*/true).has_value());
  reopen(std::chrono::hours(1), std::chrono::milliseconds(1));
  ASSERT_OK(alice->RotateSignedPreKey());
  Advance(std::chrono::milliseconds(5));
  ASSERT_OK(alice->RotateSignedPreKey());
  EXPECT_EQ(bundle_id(), 4U);
  keys = signed_keys();
  ASSERT_EQ(keys.size(), 4U);
  EXPECT_TRUE(keys[0].wiped);
  EXPECT_TRUE(keys[1].wiped);
  EXPECT_FALSE(keys[2].wiped);
  EXPECT_FALSE(keys[3].wiped);
  auto prekeys = alice->store().LoadPreKeys();
  ASSERT_TRUE(prekeys.has_value());
  EXPECT_EQ(prekeys->FindSignedPreKey(2), nullptr);
  EXPECT_NE(prekeys->FindSignedPreKey(3), nullptr);

  // Dave's hello, built on the wiped key, is refused with kInvalidKeyId and
  // changes nothing.
  auto contacts_before = alice->Contacts();
  auto messages_before = alice->Messages();
  auto one_time_before = alice->store().CountUnusedOneTimePreKeys();
  ASSERT_TRUE(contacts_before && messages_before && one_time_before);
  r = Recv(*alice);
  ASSERT_EQ(r.refused.size(), 1U);
  EXPECT_THAT(r.refused[0], StatusIs(StatusCode::kInvalidKeyId)) << r.refused[0];
  EXPECT_TRUE(r.stored.empty());
  EXPECT_EQ(alice->Contacts()->size(), contacts_before->size());
  EXPECT_EQ(alice->Messages()->size(), messages_before->size());
  EXPECT_EQ(*alice->store().CountUnusedOneTimePreKeys(), *one_time_before);
  auto after = signed_keys();
  ASSERT_EQ(after.size(), keys.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].wiped, keys[i].wiped);
    EXPECT_EQ(after[i].retired_ms, keys[i].retired_ms);
  }
}

}  // namespace
}  // namespace backchannel::client
