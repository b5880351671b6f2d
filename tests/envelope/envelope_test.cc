// Sealed-sender envelopes: round trips at every bucket, exact sizes, and the
// error codes for tampering, the wrong key, truncation and oversize content.
#include "backchannel/envelope/envelope.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace backchannel::envelope {
namespace {

using ::backchannel::testing::StatusIs;

using Type = session::CiphertextMessage::Type;

InnerEnvelope MakeInner(std::size_t ciphertext_size, Type type = Type::kSignal) {
  InnerEnvelope inner;
  inner.sender_identity = crypto::GenerateX25519KeyPair().public_key;
  crypto::RandomBytes(inner.reply_to.mailbox);
  crypto::RandomBytes(inner.reply_to.delivery_token);
  inner.content_type = type;
  inner.ciphertext.resize(ciphertext_size);
  crypto::RandomBytes(inner.ciphertext);
  inner.message_id = NewClientMessageId();
  return inner;
}

void ExpectSame(const InnerEnvelope& a, const InnerEnvelope& b) {
  EXPECT_EQ(a.sender_identity, b.sender_identity);
  EXPECT_EQ(a.reply_to, b.reply_to);
  EXPECT_EQ(a.content_type, b.content_type);
  EXPECT_EQ(a.ciphertext, b.ciphertext);
  EXPECT_EQ(a.message_id, b.message_id);
}

TEST(EnvelopeTest, RoundTripAtEveryBucketBoundary) {
  const crypto::X25519KeyPair recipient = crypto::GenerateX25519KeyPair();
  std::size_t previous = 0;
  for (std::size_t bucket : kBucketSizes) {
    const std::size_t largest = bucket - kEnvelopeOverhead - kInnerFixedSize;
    for (std::size_t size : {previous, largest}) {
      SCOPED_TRACE("bucket " + std::to_string(bucket) + ", ciphertext " + std::to_string(size));
      const InnerEnvelope inner = MakeInner(size, Type::kPreKey);
      auto sealed = Seal(inner, recipient.public_key);
      ASSERT_OK(sealed);
      EXPECT_EQ(sealed->size(), bucket);
      auto opened = Open(*sealed, recipient);
      ASSERT_OK(opened);
      ExpectSame(inner, *opened);
    }
    previous = bucket - kEnvelopeOverhead - kInnerFixedSize + 1;
  }
}

TEST(EnvelopeTest, OnlyBucketSizesAppear) {
  const crypto::X25519KeyPair recipient = crypto::GenerateX25519KeyPair();
  for (std::size_t size = 0; size < 70000; size += 997) {
    auto sealed = Seal(MakeInner(size), recipient.public_key);
    if (size > kMaxCiphertextSize) {
      EXPECT_THAT(sealed, StatusIs(StatusCode::kInvalidArgument));
      continue;
    }
    ASSERT_OK(sealed);
    EXPECT_NE(std::find(kBucketSizes.begin(), kBucketSizes.end(), sealed->size()),
              kBucketSizes.end());
  }
}

TEST(EnvelopeTest, SealingTwiceGivesDifferentBytes) {
  const crypto::X25519KeyPair recipient = crypto::GenerateX25519KeyPair();
  const InnerEnvelope inner = MakeInner(100);
  EXPECT_NE(*Seal(inner, recipient.public_key), *Seal(inner, recipient.public_key));
}

TEST(EnvelopeTest, OversizeIsRefused) {
  const crypto::X25519KeyPair recipient = crypto::GenerateX25519KeyPair();
  auto sealed = Seal(MakeInner(kMaxCiphertextSize + 1), recipient.public_key);
  ASSERT_FALSE(sealed.ok());
  EXPECT_THAT(sealed, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(BucketFor(kBucketSizes.back()), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(*BucketFor(0), kBucketSizes.front());
}

TEST(EnvelopeTest, AnyFlippedByteIsBadMac) {
  const crypto::X25519KeyPair recipient = crypto::GenerateX25519KeyPair();
  const Bytes sealed = *Seal(MakeInner(300), recipient.public_key);
  for (std::size_t i = 1; i < sealed.size(); i += 37) {
    Bytes tampered = sealed;
    tampered[i] ^= 0x01;
    auto opened = Open(tampered, recipient);
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    // A flipped ephemeral key may land on a small-order point only by
    // astronomically bad luck; otherwise the tag fails.
    EXPECT_THAT(opened, StatusIs(StatusCode::kBadMac)) << "byte " << i;
  }
}

TEST(EnvelopeTest, WrongRecipientIsBadMac) {
  const crypto::X25519KeyPair recipient = crypto::GenerateX25519KeyPair();
  const crypto::X25519KeyPair other = crypto::GenerateX25519KeyPair();
  const Bytes sealed = *Seal(MakeInner(10), recipient.public_key);
  auto opened = Open(sealed, other);
  ASSERT_FALSE(opened.ok());
  EXPECT_THAT(opened, StatusIs(StatusCode::kBadMac));
}

TEST(EnvelopeTest, TruncatedOrExtendedIsInvalidMessage) {
  const crypto::X25519KeyPair recipient = crypto::GenerateX25519KeyPair();
  Bytes sealed = *Seal(MakeInner(10), recipient.public_key);
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{49}, sealed.size() - 1}) {
    auto opened = Open(ByteView(sealed).first(size), recipient);
    ASSERT_FALSE(opened.ok());
    EXPECT_THAT(opened, StatusIs(StatusCode::kInvalidMessage)) << size;
  }
  sealed.push_back(0);
  EXPECT_THAT(Open(sealed, recipient), StatusIs(StatusCode::kInvalidMessage));
}

TEST(EnvelopeTest, OtherVersionIsUnsupported) {
  const crypto::X25519KeyPair recipient = crypto::GenerateX25519KeyPair();
  Bytes sealed = *Seal(MakeInner(10), recipient.public_key);
  sealed[0] = 2;
  EXPECT_THAT(Open(sealed, recipient), StatusIs(StatusCode::kUnsupportedVersion));
}

TEST(EnvelopeTest, SmallOrderKeys) {
  const crypto::X25519KeyPair recipient = crypto::GenerateX25519KeyPair();
  const crypto::X25519PublicKey zero{};
  EXPECT_THAT(Seal(MakeInner(10), zero), StatusIs(StatusCode::kInvalidArgument));
  Bytes sealed = *Seal(MakeInner(10), recipient.public_key);
  std::fill(sealed.begin() + 1, sealed.begin() + 33, 0);
  EXPECT_THAT(Open(sealed, recipient), StatusIs(StatusCode::kInvalidMessage));
}

TEST(InnerCodecTest, RoundTripAndPadding) {
  const InnerEnvelope inner = MakeInner(50);
  Bytes encoded = *EncodeInner(inner);
  EXPECT_EQ(encoded.size(), kInnerFixedSize + 50);
  ExpectSame(inner, *DecodeInner(encoded));
  encoded.resize(encoded.size() + 100, 0);
  ExpectSame(inner, *DecodeInner(encoded));
  encoded.back() = 1;
  EXPECT_THAT(DecodeInner(encoded), StatusIs(StatusCode::kInvalidMessage));
}

TEST(InnerCodecTest, MalformedContent) {
  const Bytes good = *EncodeInner(MakeInner(50));
  EXPECT_THAT(DecodeInner({}), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(DecodeInner(ByteView(good).first(kInnerFixedSize - 1)),
              StatusIs(StatusCode::kInvalidMessage));
  EXPECT_EQ(DecodeInner(ByteView(good).first(good.size() - 1)).status().code(),
            StatusCode::kInvalidMessage);
  Bytes bad = good;
  bad[0] = 9;
  EXPECT_THAT(DecodeInner(bad), StatusIs(StatusCode::kUnsupportedVersion));
  bad = good;
  bad[1] = 0x06;  // key type byte
  EXPECT_THAT(DecodeInner(bad), StatusIs(StatusCode::kInvalidMessage));
  bad = good;
  bad[1 + 33 + 16 + 32] = 4;  // content type
  EXPECT_THAT(DecodeInner(bad), StatusIs(StatusCode::kInvalidMessage));
  InnerEnvelope wrong_type = MakeInner(1);
  wrong_type.content_type = static_cast<Type>(7);
  EXPECT_THAT(EncodeInner(wrong_type), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace backchannel::envelope
