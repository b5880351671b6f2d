// One-time prekeys bounded (docs/client.md, "One-time prekeys"): a cap on
// the private halves held, a grace period after the relay hands a key out,
// and what a late first message meets once its key is wiped: a clear
// refusal from the session layer, nothing written, no crash.
#include <gtest/gtest.h>

#include <vector>

#include "backchannel/client/local_store.h"
#include "backchannel/session/keys.h"
#include "backchannel/session/session.h"
#include "client/temp_dir.h"
#include "testing/status_matchers.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::StatusIs;
using testing::TempDir;

SecretBytes Pass(std::string_view s) { return SecretBytes(AsBytes(s)); }

std::vector<session::OneTimePreKey> Keys(std::uint32_t first, std::uint32_t count) {
  std::vector<session::OneTimePreKey> out;
  for (std::uint32_t i = 0; i < count; ++i)
    out.push_back(session::GenerateOneTimePreKey(first + i));
  return out;
}

constexpr std::int64_t kDay = std::int64_t{24} * 3600 * 1000;

TEST(OneTimePreKeyTest, RefillsStopAtTheCap) {
  TempDir dir;
  auto store = LocalStore::Create(dir.File("store.db"), Pass("p"), {KdfCost::kInteractive});
  ASSERT_OK(store);
  LocalStore& s = **store;
  ASSERT_OK(s.PutOneTimePreKeys(Keys(1, 150)));
  EXPECT_EQ(*s.OneTimePreKeyRoom(), kMaxOneTimePreKeys - 150);
  EXPECT_THAT(s.PutOneTimePreKeys(Keys(151, 51)), StatusIs(StatusCode::kResourceExhausted));
  EXPECT_EQ(*s.CountUnusedOneTimePreKeys(), 150U) << "a refused batch writes nothing";
  ASSERT_OK(s.PutOneTimePreKeys(Keys(151, 50)));
  EXPECT_EQ(*s.OneTimePreKeyRoom(), 0U);
  EXPECT_THAT(s.PutOneTimePreKeys(Keys(201, 1)), StatusIs(StatusCode::kResourceExhausted));
  // A used key makes room for one more.
  ASSERT_OK(s.MarkOneTimePreKeyUsed(7));
  EXPECT_EQ(*s.OneTimePreKeyRoom(), 1U);
}

// Someone drains the relay with a leaked invitation, round after round: the
// keys it took are wiped a grace period after they were first seen taken,
// so the client never holds more than the cap and keeps refilling.
TEST(OneTimePreKeyTest, TakenKeysAreWipedAfterTheGraceAndMakeRoom) {
  TempDir dir;
  auto store = LocalStore::Create(dir.File("store.db"), Pass("p"), {KdfCost::kInteractive});
  ASSERT_OK(store);
  LocalStore& s = **store;
  const std::int64_t t0 = 1'000'000'000'000;
  ASSERT_OK(s.PutOneTimePreKeys(Keys(1, 100)));
  // The relay says 10 are left: ids 1..90 were handed out (lowest first).
  EXPECT_EQ(*s.NoteOneTimePreKeysTaken(10, t0), 90U);
  EXPECT_EQ(*s.NoteOneTimePreKeysTaken(10, t0 + kDay), 90U) << "the first time is kept";
  EXPECT_EQ(*s.WipeExpiredOneTimePreKeys(t0 + kOneTimePreKeyGraceMs - 1), 0U) << "within grace";
  auto prekeys = s.LoadPreKeys();
  ASSERT_OK(prekeys);
  EXPECT_NE(prekeys->FindOneTimePreKey(1), nullptr) << "a late first message still opens";
  ASSERT_OK(s.PutOneTimePreKeys(Keys(101, 100)));
  EXPECT_EQ(*s.OneTimePreKeyRoom(), 0U);
  EXPECT_EQ(*s.WipeExpiredOneTimePreKeys(t0 + kOneTimePreKeyGraceMs), 90U);
  EXPECT_EQ(*s.CountUnusedOneTimePreKeys(), 110U);
  prekeys = s.LoadPreKeys();
  ASSERT_OK(prekeys);
  EXPECT_EQ(prekeys->FindOneTimePreKey(1), nullptr);
  EXPECT_NE(prekeys->FindOneTimePreKey(91), nullptr) << "still at the relay";
  EXPECT_EQ(*s.NextOneTimePreKeyId(), 201U) << "a wiped key's id is never reused";
  EXPECT_EQ(*s.OneTimePreKeyRoom(), 90U);
}

// The first message of a new contact arrives after the grace: its one-time
// prekey is gone, so X3DH cannot run. The session layer refuses it
// (kInvalidKeyId), the store is unchanged, nothing crashes; the client shows
// "contact request refused: ..." and acknowledges it (client.cc,
// AcceptNewContact), and the sender can accept a fresh invitation.
TEST(OneTimePreKeyTest, LateFirstMessageAfterTheWipeIsRefusedCleanly) {
  TempDir dir;
  auto store = LocalStore::Create(dir.File("store.db"), Pass("p"), {KdfCost::kInteractive});
  ASSERT_OK(store);
  LocalStore& bob = **store;
  const auto bob_id = session::GenerateIdentityKeyPair();
  ASSERT_OK(bob.PutIdentity({bob_id.Clone(), 2, {}}));
  const auto spk = session::GenerateSignedPreKey(bob_id, 1);
  ASSERT_OK(bob.PutSignedPreKey(spk));
  const auto otks = Keys(1, 2);
  ASSERT_OK(bob.PutOneTimePreKeys(otks));

  session::PreKeyBundle bundle;
  bundle.registration_id = 2;
  bundle.one_time_pre_key_id = 1;
  bundle.one_time_pre_key = otks[0].key_pair.public_key;
  bundle.signed_pre_key_id = 1;
  bundle.signed_pre_key = spk.key_pair.public_key;
  bundle.signed_pre_key_signature = spk.signature;
  bundle.identity_key = bob_id.public_key;
  const auto alice_id = session::GenerateIdentityKeyPair();
  auto alice = session::Session::Initiate(alice_id, 1, bundle);
  ASSERT_OK(alice);
  auto first = alice->Encrypt(AsBytes("hello, a week late"));
  ASSERT_OK(first);

  // The relay handed key 1 out; eight days pass before the message arrives.
  const std::int64_t t0 = 1'000'000'000'000;
  ASSERT_OK(bob.NoteOneTimePreKeysTaken(1, t0).status());
  EXPECT_EQ(*bob.WipeExpiredOneTimePreKeys(t0 + 8 * kDay), 1U);
  auto prekeys = bob.LoadPreKeys();
  ASSERT_OK(prekeys);
  auto accepted = session::Session::Accept(bob_id, 2, *prekeys, first->bytes);
  EXPECT_THAT(accepted, StatusIs(StatusCode::kInvalidKeyId));
  EXPECT_EQ(*bob.CountUnusedOneTimePreKeys(), 1U) << "key 2, still at the relay, is untouched";

  // Within the grace the same message opens.
  TempDir dir2;
  auto store2 = LocalStore::Create(dir2.File("store.db"), Pass("p"), {KdfCost::kInteractive});
  ASSERT_OK(store2);
  ASSERT_OK((*store2)->PutSignedPreKey(spk));
  std::vector<session::OneTimePreKey> same;
  same.push_back({1, otks[0].key_pair.Clone()});
  ASSERT_OK((*store2)->PutOneTimePreKeys(same));
  ASSERT_OK((*store2)->NoteOneTimePreKeysTaken(0, t0).status());
  EXPECT_EQ(*(*store2)->WipeExpiredOneTimePreKeys(t0 + 6 * kDay), 0U);
  auto kept = (*store2)->LoadPreKeys();
  ASSERT_OK(kept);
  auto opened = session::Session::Accept(bob_id, 2, *kept, first->bytes);
  ASSERT_OK(opened);
  EXPECT_EQ(AsString(opened->plaintext), "hello, a week late");
}

}  // namespace
}  // namespace backchannel::client
