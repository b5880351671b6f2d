// The DH-PSI (psi.h), its proofs (dleq.h) and the ristretto255 seam it
// stands on: exact intersections, padding, refused elements, and a
// wrong-exponent answer caught by the proof.
#include "backchannel/feelers/psi.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

#include "backchannel/crypto/ristretto255.h"
#include "backchannel/feelers/context.h"
#include "backchannel/feelers/topic.h"
#include "backchannel/identity/credential.h"
#include "backchannel/session/keys.h"
#include "testing/status_matchers.h"

namespace backchannel::feelers {
namespace {

using ::backchannel::testing::StatusIs;
using crypto::RistrettoElement;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The keys a feeler binds are the parties' session identity keys: one
// type, not a look-alike; and never an authority's key.
static_assert(std::is_same_v<IdentityKey, session::PublicKey>);
static_assert(!std::is_convertible_v<identity::AuthorityPublicKey, IdentityKey>);
static_assert(!std::is_convertible_v<IdentityKey, identity::AuthorityPublicKey>);

std::vector<Bytes> Topics(std::initializer_list<const char*> texts) {
  std::vector<Bytes> out;
  for (const char* t : texts) {
    auto topic = FreeTextTopic(t);
    EXPECT_OK(topic);
    out.push_back(topic->Canonical());
  }
  return out;
}

ExchangeContext Context(bool alice_side) {
  ExchangeContext c;
  c.domain = Domain::kFeeler;
  IdentityKey alice{};
  IdentityKey bob{};
  alice.mutable_bytes().fill(0xa1);
  bob.mutable_bytes().fill(0xb0);
  c.self = alice_side ? alice : bob;
  c.peer = alice_side ? bob : alice;
  c.scope = "channel-1";
  Nonce n1{};
  Nonce n2{};
  n1.fill(1);
  n2.fill(2);
  c.exchange_id = DeriveExchangeId(c.domain, alice, bob, c.scope, n1, n2);
  return c;
}

struct Party {
  crypto::RistrettoSecretScalar secret = crypto::RistrettoRandomScalar();
  RistrettoElement key{};
  ExchangeContext context;
  std::vector<Bytes> items;
  MaskedSet masked;

  Party(bool alice_side, std::vector<Bytes> topics, std::size_t k)
      : context(Context(alice_side)), items(std::move(topics)) {
    auto y = crypto::RistrettoScalarMultBase(secret.view());
    EXPECT_OK(y);
    key = *y;
    auto m = MaskItems(context, secret.view(), items, k);
    EXPECT_OK(m);
    masked = *m;
  }
};

TEST(RistrettoSeamTest, ChecksEveryReceivedElementAndScalar) {
  RistrettoElement identity{};
  EXPECT_FALSE(crypto::RistrettoIsValidNonIdentity(identity));
  RistrettoElement e = crypto::RistrettoRandomElement();
  EXPECT_TRUE(crypto::RistrettoIsValidNonIdentity(e));
  // 2^255 - 1 is not a canonical field element encoding.
  RistrettoElement noncanonical{};
  noncanonical.fill(0xff);
  noncanonical[31] = 0x7f;
  EXPECT_FALSE(crypto::RistrettoIsValidNonIdentity(noncanonical));
  const auto s = crypto::RistrettoRandomScalar();
  EXPECT_THAT(crypto::RistrettoScalarMult(s.view(), noncanonical),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(crypto::RistrettoScalarMult(s.view(), identity),
              StatusIs(StatusCode::kInvalidArgument));
  crypto::RistrettoScalar zero{};
  EXPECT_THAT(crypto::RistrettoScalarMultBase(zero), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(crypto::RistrettoScalarInvert(zero), StatusIs(StatusCode::kInvalidArgument));
  // The group order L = 2^252 + 27742317777372353535851937790883648493 is
  // not canonical; L - 1 is.
  crypto::RistrettoScalar order = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                   0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                   0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
  EXPECT_FALSE(crypto::RistrettoScalarIsCanonical(order));
  order[0] = 0xec;
  EXPECT_TRUE(crypto::RistrettoScalarIsCanonical(order));
  // s · (1/s) · P == P.
  auto inv = crypto::RistrettoScalarInvert(s.view());
  ASSERT_OK(inv);
  auto p1 = crypto::RistrettoScalarMult(s.view(), e);
  ASSERT_OK(p1);
  auto p2 = crypto::RistrettoScalarMult(inv->view(), *p1);
  ASSERT_OK(p2);
  EXPECT_EQ(*p2, e);
}

TEST(PsiTest, BothSidesLearnExactlyTheIntersection) {
  Party alice(true, Topics({"oil exports", "prisoner swap", "sanctions relief"}), 8);
  Party bob(false, Topics({"sanctions relief", "aviation parts", "prisoner swap", "embassy"}), 8);
  auto to_alice =
      AnswerItems(bob.context, bob.secret.view(), bob.key, alice.masked.elements, Variant::kFull);
  auto to_bob = AnswerItems(alice.context, alice.secret.view(), alice.key, bob.masked.elements,
                            Variant::kFull);
  ASSERT_OK(to_alice);
  ASSERT_OK(to_bob);
  ASSERT_OK(VerifyAnswer(alice.context, bob.key, alice.masked.elements, *to_alice, Variant::kFull));
  ASSERT_OK(VerifyAnswer(bob.context, alice.key, bob.masked.elements, *to_bob, Variant::kFull));
  auto alice_learns =
      Intersect(alice.secret.view(), alice.masked, bob.masked.elements, to_alice->elements);
  auto bob_learns =
      Intersect(bob.secret.view(), bob.masked, alice.masked.elements, to_bob->elements);
  ASSERT_OK(alice_learns);
  ASSERT_OK(bob_learns);
  EXPECT_THAT(*alice_learns, ElementsAre(1, 2));  // prisoner swap, sanctions relief
  EXPECT_THAT(*bob_learns, ElementsAre(0, 2));    // sanctions relief, prisoner swap
}

TEST(PsiTest, EmptyAndFullIntersectionsAreExact) {
  Party a(true, Topics({"a", "b"}), 16);
  Party b(false, Topics({"c", "d"}), 16);
  auto ans = AnswerItems(b.context, b.secret.view(), b.key, a.masked.elements, Variant::kFull);
  ASSERT_OK(ans);
  auto none = Intersect(a.secret.view(), a.masked, b.masked.elements, ans->elements);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  Party c(false, Topics({"b", "a"}), 16);
  auto ans2 = AnswerItems(c.context, c.secret.view(), c.key, a.masked.elements, Variant::kFull);
  ASSERT_OK(ans2);
  auto all = Intersect(a.secret.view(), a.masked, c.masked.elements, ans2->elements);
  ASSERT_OK(all);
  EXPECT_THAT(*all, ElementsAre(0, 1));
}

TEST(PsiTest, EverySetIsPaddedToKAndShuffled) {
  const auto topics = Topics({"one", "two", "three"});
  for (std::size_t k : {8u, 16u, 32u}) {
    Party p(true, topics, k);
    EXPECT_EQ(p.masked.elements.size(), k);
    EXPECT_OK(CheckReceivedSet(p.masked.elements, k));
    EXPECT_EQ(std::count(p.masked.item_at.begin(), p.masked.item_at.end(), -1),
              static_cast<long>(k - topics.size()));
  }
  // Shuffled: over many runs, item 0 is not always first.
  int at_front = 0;
  for (int i = 0; i < 40; ++i) {
    Party p(true, topics, 8);
    at_front += p.masked.item_at[0] == 0 ? 1 : 0;
  }
  EXPECT_LT(at_front, 40);
  EXPECT_THAT(MaskItems(Context(true), crypto::RistrettoRandomScalar().view(), topics, 12),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("8, 16, 32")));
  EXPECT_THAT(
      MaskItems(Context(true), crypto::RistrettoRandomScalar().view(), Topics({"x", "x"}), 8),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("twice")));
  std::vector<Bytes> nine;
  for (int i = 0; i < 9; ++i) nine.push_back(Bytes{1, static_cast<std::uint8_t>('a' + i)});
  EXPECT_THAT(MaskItems(Context(true), crypto::RistrettoRandomScalar().view(), nine, 8),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("more items")));
  EXPECT_EQ(PolicySizeFor(3), 8);
  EXPECT_EQ(PolicySizeFor(9), 16);
  EXPECT_EQ(PolicySizeFor(32), 32);
  EXPECT_EQ(PolicySizeFor(33), 0);
}

TEST(PsiTest, ReceivedSetsWithBadCountsElementsOrDuplicatesAreRefused) {
  Party p(true, Topics({"x"}), 8);
  std::vector<RistrettoElement> set = p.masked.elements;
  EXPECT_OK(CheckReceivedSet(set, 8));
  EXPECT_THAT(CheckReceivedSet(set, 16), StatusIs(StatusCode::kInvalidMessage, HasSubstr("count")));
  auto dup = set;
  dup[3] = dup[5];
  EXPECT_THAT(CheckReceivedSet(dup, 8),
              StatusIs(StatusCode::kInvalidMessage, HasSubstr("duplicate")));
  auto ident = set;
  ident[2].fill(0);
  EXPECT_THAT(CheckReceivedSet(ident, 8),
              StatusIs(StatusCode::kInvalidMessage, HasSubstr("canonical")));
  auto bad = set;
  bad[0].fill(0xff);
  EXPECT_THAT(CheckReceivedSet(bad, 8), StatusIs(StatusCode::kInvalidMessage));
}

TEST(PsiTest, AWrongExponentAnswerIsCaughtByTheProof) {
  Party alice(true, Topics({"oil exports", "prisoner swap"}), 8);
  Party bob(false, Topics({"prisoner swap"}), 8);
  // Bob answers with a different secret than the one behind his key: Alice
  // would see an empty intersection while Bob learns the real one.
  const auto other = crypto::RistrettoRandomScalar();
  auto forged =
      AnswerItems(bob.context, other.view(), bob.key, alice.masked.elements, Variant::kFull);
  ASSERT_OK(forged);
  EXPECT_THAT(VerifyAnswer(alice.context, bob.key, alice.masked.elements, *forged, Variant::kFull),
              StatusIs(StatusCode::kBadSignature));
  // One element replaced, with an otherwise honest answer and proof.
  auto honest =
      AnswerItems(bob.context, bob.secret.view(), bob.key, alice.masked.elements, Variant::kFull);
  ASSERT_OK(honest);
  ASSERT_OK(VerifyAnswer(alice.context, bob.key, alice.masked.elements, *honest, Variant::kFull));
  auto one_off = *honest;
  one_off.elements[4] = crypto::RistrettoRandomElement();
  EXPECT_THAT(VerifyAnswer(alice.context, bob.key, alice.masked.elements, one_off, Variant::kFull),
              StatusIs(StatusCode::kBadSignature));
  // Two answers swapped: the ordered proof binds each answer to its position.
  auto swapped = *honest;
  std::swap(swapped.elements[0], swapped.elements[1]);
  EXPECT_THAT(VerifyAnswer(alice.context, bob.key, alice.masked.elements, swapped, Variant::kFull),
              StatusIs(StatusCode::kBadSignature));
  // The same proof in another exchange (another context) does not verify.
  ExchangeContext elsewhere = alice.context;
  elsewhere.exchange_id[0] ^= 1;
  EXPECT_THAT(VerifyAnswer(elsewhere, bob.key, alice.masked.elements, *honest, Variant::kFull),
              StatusIs(StatusCode::kBadSignature));
  // A tampered proof scalar, and a non-canonical one.
  auto tampered = *honest;
  tampered.proof.s[0] ^= 1;
  EXPECT_THAT(VerifyAnswer(alice.context, bob.key, alice.masked.elements, tampered, Variant::kFull),
              StatusIs(StatusCode::kBadSignature));
  tampered = *honest;
  tampered.proof.c.fill(0xff);
  EXPECT_THAT(VerifyAnswer(alice.context, bob.key, alice.masked.elements, tampered, Variant::kFull),
              StatusIs(StatusCode::kBadSignature));
}

TEST(PsiTest, CardinalityVariantRevealsOnlyTheCount) {
  Party alice(true, Topics({"a", "b", "c", "d"}), 8);
  Party bob(false, Topics({"b", "d", "e"}), 8);
  auto ans = AnswerItems(bob.context, bob.secret.view(), bob.key, alice.masked.elements,
                         Variant::kCardinality);
  ASSERT_OK(ans);
  ASSERT_OK(
      VerifyAnswer(alice.context, bob.key, alice.masked.elements, *ans, Variant::kCardinality));
  auto n = IntersectCount(alice.secret.view(), bob.masked.elements, ans->elements);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 2u);
  // The answers are shuffled: not in Alice's order (probability 1/8! of a
  // false failure per run, repeated to make it negligible).
  bool reordered = false;
  for (int i = 0; i < 4 && !reordered; ++i) {
    auto again = AnswerItems(bob.context, bob.secret.view(), bob.key, alice.masked.elements,
                             Variant::kCardinality);
    ASSERT_OK(again);
    auto ordered =
        AnswerItems(bob.context, bob.secret.view(), bob.key, alice.masked.elements, Variant::kFull);
    ASSERT_OK(ordered);
    reordered = again->elements != ordered->elements;
  }
  EXPECT_TRUE(reordered);
  // A wrong secret is still caught.
  const auto other = crypto::RistrettoRandomScalar();
  auto forged =
      AnswerItems(bob.context, other.view(), bob.key, alice.masked.elements, Variant::kCardinality);
  ASSERT_OK(forged);
  EXPECT_THAT(
      VerifyAnswer(alice.context, bob.key, alice.masked.elements, *forged, Variant::kCardinality),
      StatusIs(StatusCode::kBadSignature));
}

TEST(PsiTest, ADictionaryAgainstEverythingTheCounterpartHoldsMatchesNothing) {
  // Alice's "unshared" topic is in Bob's dictionary. Bob holds: Alice's key,
  // her masked set, her answer to his items, his own secret and items.
  Party alice(true, Topics({"unshared secret topic", "shared"}), 8);
  Party bob(false, Topics({"shared"}), 8);
  auto to_bob = AnswerItems(alice.context, alice.secret.view(), alice.key, bob.masked.elements,
                            Variant::kFull);
  ASSERT_OK(to_bob);
  std::vector<RistrettoElement> seen = alice.masked.elements;
  seen.insert(seen.end(), to_bob->elements.begin(), to_bob->elements.end());
  seen.push_back(alice.key);
  for (const Bytes& guess : Topics({"unshared secret topic", "Unshared  Secret Topic", "other"})) {
    const RistrettoElement h = HashItemToGroup(bob.context, guess);
    auto bh = crypto::RistrettoScalarMult(bob.secret.view(), h);
    ASSERT_OK(bh);
    for (const RistrettoElement& e : seen) {
      EXPECT_NE(e, h);
      EXPECT_NE(e, *bh);
    }
  }
  // And the hash itself depends on the exchange: the same topic in another
  // exchange hashes elsewhere.
  ExchangeContext other = alice.context;
  other.exchange_id[5] ^= 0x40;
  EXPECT_NE(HashItemToGroup(alice.context, alice.items[0]), HashItemToGroup(other, alice.items[0]));
  ExchangeContext zone = alice.context;
  zone.domain = Domain::kZone;
  EXPECT_NE(HashItemToGroup(alice.context, alice.items[0]), HashItemToGroup(zone, alice.items[0]));
}

TEST(PsiTest, ContextEncodingIsSymmetricAndExchangeIdOrderFree) {
  EXPECT_EQ(Context(true).Encode(), Context(false).Encode());
  IdentityKey a{};
  IdentityKey b{};
  a.mutable_bytes().fill(3);
  b.mutable_bytes().fill(4);
  Nonce n1{};
  Nonce n2{};
  n1.fill(7);
  n2.fill(9);
  EXPECT_EQ(DeriveExchangeId(Domain::kFeeler, a, b, "s", n1, n2),
            DeriveExchangeId(Domain::kFeeler, b, a, "s", n2, n1));
  EXPECT_NE(DeriveExchangeId(Domain::kFeeler, a, b, "s", n1, n2),
            DeriveExchangeId(Domain::kOverlap, a, b, "s", n1, n2));
  EXPECT_NE(DeriveExchangeId(Domain::kFeeler, a, b, "s", n1, n2),
            DeriveExchangeId(Domain::kFeeler, a, b, "t", n1, n2));
}

}  // namespace
}  // namespace backchannel::feelers
