// Signed relay requests: what the client signs is what the relay verifies.
#include <gtest/gtest.h>

#include <chrono>

#include "backchannel/crypto/ed25519.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/relay/auth.h"
#include "testing/status_matchers.h"

namespace backchannel::relay {
namespace {

using ::backchannel::testing::StatusIs;

constexpr auto kB64u = Base64Variant::kUrlSafeNoPadding;

Bytes SignatureBytes(const RequestSignature& s) { return FromBase64(s.signature, kB64u).value(); }

TEST(RequestAuthTest, CanonicalStringHasTheDocumentedShape) {
  // SHA-256 of the empty body (FIPS 180-2) ends the string.
  EXPECT_EQ(CanonicalRequest("GET", "/v1/m?x=1", "17", "bm9uY2U", {}),
            "BC-REQ-1\nGET\n/v1/m?x=1\n17\nbm9uY2U\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RequestAuthTest, SignedRequestVerifiesOnlyForItsOwnBytes) {
  const crypto::Ed25519KeyPair key = crypto::GenerateEd25519KeyPair();
  const Bytes body = ToBytes(std::string_view(R"({"a":1})"));
  auto signed_request = SignRequest(key.secret_key.view(), "POST", "/v1/x", body, "100", "n1");
  ASSERT_OK(signed_request);
  EXPECT_EQ(signed_request->timestamp, "100");
  EXPECT_EQ(signed_request->nonce, "n1");
  const Bytes sig = SignatureBytes(*signed_request);
  EXPECT_TRUE(VerifyRequestSignature(key.public_key, sig,
                                     CanonicalRequest("POST", "/v1/x", "100", "n1", body)));
  // Any other method, target, timestamp, nonce or body does not verify.
  for (const std::string& other : {CanonicalRequest("PUT", "/v1/x", "100", "n1", body),
                                   CanonicalRequest("POST", "/v1/y", "100", "n1", body),
                                   CanonicalRequest("POST", "/v1/x", "101", "n1", body),
                                   CanonicalRequest("POST", "/v1/x", "100", "n2", body),
                                   CanonicalRequest("POST", "/v1/x", "100", "n1", AsBytes("{}"))}) {
    EXPECT_FALSE(VerifyRequestSignature(key.public_key, sig, other));
  }
  // Ed25519 is deterministic: the same request signs to the same bytes.
  auto again = SignRequest(key.secret_key.view(), "POST", "/v1/x", body, "100", "n1");
  ASSERT_OK(again);
  EXPECT_EQ(again->signature, signed_request->signature);
}

TEST(RequestAuthTest, SignNowUsesTheClockAndAFreshNonce) {
  const crypto::Ed25519KeyPair key = crypto::GenerateEd25519KeyPair();
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto a = SignRequestNow(key.secret_key.view(), "GET", "/v1/listen", {});
  auto b = SignRequestNow(key.secret_key.view(), "GET", "/v1/listen", {});
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_GE(std::stoll(a->timestamp), before);
  EXPECT_LE(std::stoll(a->timestamp), before + 60'000);
  EXPECT_EQ(FromBase64(a->nonce, kB64u).value().size(), kRequestNonceSize);
  EXPECT_NE(a->nonce, b->nonce);
  EXPECT_TRUE(
      VerifyRequestSignature(key.public_key, SignatureBytes(*a),
                             CanonicalRequest("GET", "/v1/listen", a->timestamp, a->nonce, {})));
}

TEST(RequestAuthTest, BadKeysAndSignaturesAreRefused) {
  const crypto::Ed25519KeyPair key = crypto::GenerateEd25519KeyPair();
  EXPECT_THAT(SignRequestNow(ByteView(key.secret_key.view()).first(32), "GET", "/", {}),
              StatusIs(StatusCode::kInvalidArgument));
  const std::string canonical = CanonicalRequest("GET", "/", "1", "n", {});
  auto sig = SignRequest(key.secret_key.view(), "GET", "/", {}, "1", "n");
  ASSERT_OK(sig);
  const Bytes s = SignatureBytes(*sig);
  EXPECT_FALSE(VerifyRequestSignature(ByteView(key.public_key).first(31), s, canonical));
  EXPECT_FALSE(VerifyRequestSignature(key.public_key, ByteView(s).first(63), canonical));
  EXPECT_FALSE(VerifyRequestSignature({}, {}, canonical));
}

}  // namespace
}  // namespace backchannel::relay
