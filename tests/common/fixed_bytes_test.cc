// FixedBytes: distinct named byte values (fixed_bytes.h), and the shared
// relay ids that are defined with it.
#include "backchannel/common/fixed_bytes.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <type_traits>
#include <unordered_set>

#include "backchannel/common/byte_io.h"
#include "backchannel/common/mailbox_address.h"
#include "backchannel/crypto/certificate_pin.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/crypto/secret_bytes.h"
#include "backchannel/feelers/context.h"
#include "backchannel/identity/credential.h"
#include "backchannel/relay/ids.h"
#include "backchannel/session/keys.h"
#include "testing/status_matchers.h"

namespace backchannel {
namespace {

using ::backchannel::testing::StatusIs;

// The point of the types: one cannot be passed where another is meant, and a
// raw array becomes one only when someone writes the type's name.
static_assert(!std::is_convertible_v<MailboxId, std::array<std::uint8_t, 16>>);
static_assert(!std::is_convertible_v<MailboxId, relay::MessageId>);
static_assert(!std::is_convertible_v<relay::MessageId, MailboxId>);
static_assert(!std::is_constructible_v<relay::MessageId, MailboxId>);
static_assert(!std::is_convertible_v<DeliveryToken, relay::TokenHash>);
static_assert(!std::is_convertible_v<relay::TokenHash, DeliveryToken>);
static_assert(!std::is_constructible_v<relay::AuthKey, DeliveryToken>);
static_assert(!std::is_convertible_v<relay::AuthKey, relay::TokenHash>);
static_assert(!std::is_convertible_v<std::array<std::uint8_t, 16>, MailboxId>);
static_assert(std::is_constructible_v<MailboxId, std::array<std::uint8_t, 16>>);
static_assert(!std::is_constructible_v<MailboxId, std::array<std::uint8_t, 32>>);
// An authority's Ed25519 key and a person's identity key (Curve25519) are
// both 32 bytes; neither becomes the other, nor any other 32-byte value (a
// pin, a mailbox id's bytes, a SHA-256 digest, a raw array), in either
// direction; a raw array becomes either key only by name.
static_assert(!std::is_convertible_v<session::PublicKey, identity::AuthorityPublicKey>);
static_assert(!std::is_convertible_v<identity::AuthorityPublicKey, session::PublicKey>);
static_assert(!std::is_constructible_v<session::PublicKey, identity::AuthorityPublicKey>);
static_assert(!std::is_constructible_v<identity::AuthorityPublicKey, session::PublicKey>);
static_assert(!std::is_assignable_v<identity::AuthorityPublicKey&, session::PublicKey>);
static_assert(!std::is_assignable_v<session::PublicKey&, identity::AuthorityPublicKey>);
static_assert(!std::is_convertible_v<identity::AuthorityPublicKey, CertificatePin>);
static_assert(!std::is_convertible_v<identity::AuthorityPublicKey, relay::AuthKey>);
static_assert(!std::is_convertible_v<session::PublicKey, CertificatePin>);
static_assert(!std::is_convertible_v<CertificatePin, session::PublicKey>);
static_assert(!std::is_constructible_v<session::PublicKey, CertificatePin>);
static_assert(!std::is_convertible_v<session::PublicKey, MailboxId>);
static_assert(!std::is_convertible_v<MailboxId, session::PublicKey>);
static_assert(!std::is_constructible_v<session::PublicKey, MailboxId>);
static_assert(!std::is_convertible_v<session::PublicKey, crypto::Sha256Digest>);
static_assert(!std::is_convertible_v<crypto::Sha256Digest, session::PublicKey>);
static_assert(!std::is_assignable_v<session::PublicKey&, crypto::Sha256Digest>);
static_assert(!std::is_convertible_v<session::PublicKey, std::array<std::uint8_t, 32>>);
static_assert(!std::is_convertible_v<std::array<std::uint8_t, 32>, session::PublicKey>);
static_assert(!std::is_assignable_v<session::PublicKey&, std::array<std::uint8_t, 32>>);
static_assert(std::is_constructible_v<session::PublicKey, std::array<std::uint8_t, 32>>,
              "explicitly, where a key is decoded or generated");
static_assert(std::is_constructible_v<identity::AuthorityPublicKey, std::array<std::uint8_t, 32>>,
              "explicitly, where a key is decoded or generated");
// The identity key has one definition: session and feelers name it.
static_assert(std::is_same_v<session::PublicKey, crypto::X25519PublicKey>);
static_assert(std::is_same_v<feelers::IdentityKey, crypto::X25519PublicKey>);
static_assert(std::is_convertible_v<session::PublicKey, ByteView>);
// The relay names the one definition (so does the envelope).
static_assert(std::is_same_v<relay::MailboxId, MailboxId>);
static_assert(std::is_same_v<relay::DeliveryToken, DeliveryToken>);
// Reading the bytes stays free.
static_assert(std::is_convertible_v<MailboxId, ByteView>);

template <typename T>
concept HasEquality = requires(const T& a, const T& b) {
  a == b;
};
template <typename T>
concept HasOrdering = requires(const T& a, const T& b) {
  a < b;
};
template <typename T>
concept Hashable = requires(const T& a) {
  std::hash<T>{}(a);
};
// Public values compare, order and hash; secrets only through crypto's
// constant-time comparison.
static_assert(HasEquality<MailboxId> && HasOrdering<MailboxId> && Hashable<MailboxId>);
static_assert(HasEquality<relay::AuthKey>);
static_assert(!HasEquality<DeliveryToken> && !HasOrdering<DeliveryToken>);
static_assert(!Hashable<DeliveryToken>);
static_assert(!HasEquality<relay::TokenHash>);
static_assert(HasEquality<session::PublicKey> && HasOrdering<session::PublicKey> &&
              Hashable<session::PublicKey>);
static_assert(HasEquality<identity::AuthorityPublicKey> &&
              HasOrdering<identity::AuthorityPublicKey> && Hashable<identity::AuthorityPublicKey>);

constexpr std::array<std::uint8_t, 16> kSixteen = {1, 2,  3,  4,  5,  6,  7,  8,
                                                   9, 10, 11, 12, 13, 14, 15, 16};

TEST(FixedBytesTest, DefaultIsAllZeroAndKeepsWhatItWasGiven) {
  EXPECT_EQ(MailboxId().bytes(), (std::array<std::uint8_t, 16>{}));
  const MailboxId id(kSixteen);
  EXPECT_EQ(id.bytes(), kSixteen);
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(ByteView(id).size(), 16u);
  EXPECT_EQ(id.data()[15], 16);
}

TEST(FixedBytesTest, ComparesAndOrdersByBytes) {
  auto bigger = kSixteen;
  bigger[0] = 2;
  EXPECT_EQ(MailboxId(kSixteen), MailboxId(kSixteen));
  EXPECT_NE(MailboxId(kSixteen), MailboxId(bigger));
  EXPECT_LT(MailboxId(kSixteen), MailboxId(bigger));
  std::map<MailboxId, int> ordered{{MailboxId(bigger), 2}, {MailboxId(kSixteen), 1}};
  EXPECT_EQ(ordered.begin()->second, 1);
  std::unordered_set<MailboxId> set{MailboxId(kSixteen), MailboxId(kSixteen), MailboxId(bigger)};
  EXPECT_EQ(set.size(), 2u);
}

TEST(FixedBytesTest, HashUsesEveryByte) {
  // Keys that differ only past the first word (the same prefix, as test
  // patterns and some encodings have) still land in distinct hashes.
  std::unordered_set<std::size_t> hashes;
  for (std::size_t at : {8u, 15u, 16u, 23u, 24u, 31u}) {
    std::array<std::uint8_t, 32> raw{};
    raw[at] = 1;
    hashes.insert(std::hash<identity::AuthorityPublicKey>{}(identity::AuthorityPublicKey(raw)));
  }
  hashes.insert(std::hash<identity::AuthorityPublicKey>{}(identity::AuthorityPublicKey()));
  EXPECT_EQ(hashes.size(), 7u);
  // The last byte of a 16-byte id counts as much as the first.
  auto tail = kSixteen;
  tail[15] = 0;
  EXPECT_NE(std::hash<MailboxId>{}(MailboxId(kSixteen)), std::hash<MailboxId>{}(MailboxId(tail)));
}

TEST(FixedBytesTest, FromViewTakesExactlyTheSize) {
  auto id = MailboxId::FromView(ByteView(kSixteen));
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->bytes(), kSixteen);
  EXPECT_FALSE(MailboxId::FromView(ByteView(kSixteen).first(15)).has_value());
  const Bytes seventeen(17, 0);
  EXPECT_FALSE(MailboxId::FromView(seventeen).has_value());
}

TEST(FixedBytesTest, SecretsCompareInConstantTime) {
  std::array<std::uint8_t, 32> raw{};
  raw[31] = 7;
  const DeliveryToken a(raw);
  const DeliveryToken same(raw);
  raw[31] = 8;
  const DeliveryToken other(raw);
  EXPECT_TRUE(ConstantTimeEqual(a, same));
  EXPECT_FALSE(ConstantTimeEqual(a, other));
}

TEST(FixedBytesTest, RoundTripsThroughBase64AndHex) {
  const MailboxId id(kSixteen);
  const std::string b64u = ToBase64(id, Base64Variant::kUrlSafeNoPadding);
  auto back = FromBase64Fixed<MailboxId>(b64u, Base64Variant::kUrlSafeNoPadding);
  ASSERT_OK(back);
  EXPECT_EQ(*back, id);
  auto from_hex = FromHexFixed<MailboxId>(ToHex(id));
  ASSERT_OK(from_hex);
  EXPECT_EQ(*from_hex, id);
}

TEST(FixedBytesTest, DecodersRefuseAnotherSize) {
  const std::array<std::uint8_t, 15> fifteen{};
  EXPECT_THAT(FromBase64Fixed<MailboxId>(ToBase64(fifteen, Base64Variant::kUrlSafeNoPadding),
                                         Base64Variant::kUrlSafeNoPadding),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(FromBase64Fixed<relay::AuthKey>("", Base64Variant::kStandard),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(FromHexFixed<MailboxId>(ToHex(fifteen) + "0"),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(FixedBytesTest, ByteReaderFillsANamedValue) {
  const Bytes wire(kSixteen.begin(), kSixteen.end());
  ByteReader r(wire);
  MailboxId id;
  ASSERT_TRUE(r.Array(id));
  EXPECT_EQ(id.bytes(), kSixteen);
  ByteReader short_reader(ByteView(wire).first(10));
  MailboxId none;
  EXPECT_FALSE(short_reader.Array(none));
}

}  // namespace
}  // namespace backchannel
