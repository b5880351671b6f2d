// Credentials, revocation lists and the trust store: each refusal has its own
// code and a message that names the reason.
#include "backchannel/identity/credential.h"

#include <gtest/gtest.h>

#include "backchannel/identity/authority.h"
#include "backchannel/identity/trust_store.h"
#include "testing/status_matchers.h"

namespace backchannel::identity {
namespace {

using ::backchannel::testing::StatusIs;

constexpr std::int64_t kNow = 1'770'000'000;  // 2026-02-02
constexpr std::int64_t kDay = 86'400;

class CredentialTest : public ::testing::Test {
 protected:
  CredentialTest()
      : authority_(*Authority::Generate("United States")),
        identity_(crypto::GenerateX25519KeyPair().public_key) {
    EXPECT_OK(trust_.AddAuthority(authority_.public_key(), "US State Department"));
  }

  Credential IssueFor(std::uint64_t serial, std::int64_t not_before = kNow - kDay,
                      std::int64_t expiry = kNow + 30 * kDay) {
    CredentialRequest req;
    req.identity_key = identity_;
    req.role = Role::kEnvoy;
    req.display_name = "Ambassador Zalmay";
    req.not_before = not_before;
    req.expiry = expiry;
    req.serial = serial;
    auto c = authority_.Issue(req);
    EXPECT_OK(c);
    return *c;
  }

  Status Verify(const Credential& c) { return VerifyCredential(c, trust_, kNow, identity_); }

  Authority authority_;
  session::PublicKey identity_;
  TrustStore trust_;
};

void ExpectError(const Status& s, StatusCode code, std::string_view words) {
  EXPECT_EQ(s.code(), code) << s;
  EXPECT_NE(s.message().find(words), std::string_view::npos) << s;
}

TEST_F(CredentialTest, ValidCredentialVerifies) {
  EXPECT_OK(Verify(IssueFor(1)));
  EXPECT_OK(VerifyCredentialSignature(IssueFor(1)));
}

TEST_F(CredentialTest, EncodingRoundTrips) {
  const Credential c = IssueFor(7);
  auto text = CredentialToText(c);
  ASSERT_OK(text);
  auto back = CredentialFromText(*text);
  ASSERT_OK(back);
  EXPECT_EQ(*EncodeCredential(*back), *EncodeCredential(c));
  EXPECT_OK(Verify(*back));
  EXPECT_EQ(back->side, "United States");
  EXPECT_EQ(back->role, Role::kEnvoy);
  EXPECT_EQ(back->serial, 7u);
}

TEST_F(CredentialTest, ExpiredAndNotYetValid) {
  ExpectError(Verify(IssueFor(1, kNow - 10 * kDay, kNow - kDay)), StatusCode::kFailedPrecondition,
              "credential expired on 2026-02-01");
  ExpectError(Verify(IssueFor(1, kNow + kDay, kNow + 10 * kDay)), StatusCode::kFailedPrecondition,
              "not valid until 2026-02-03");
}

TEST_F(CredentialTest, Revoked) {
  const Credential c = IssueFor(5);
  ASSERT_OK(trust_.UpdateRevocations(*authority_.Revoke(kNow, 1, {3, 5})));
  ExpectError(Verify(c), StatusCode::kPermissionDenied,
              "credential revoked by US State Department");
  EXPECT_OK(Verify(IssueFor(4)));
}

TEST_F(CredentialTest, WrongSignature) {
  Credential c = IssueFor(1);
  c.display_name = "Someone Else";
  ExpectError(Verify(c), StatusCode::kBadSignature, "signature");
  c = IssueFor(1);
  c.signature[10] ^= 1;
  ExpectError(Verify(c), StatusCode::kBadSignature, "signature");
}

TEST_F(CredentialTest, UnknownAuthority) {
  auto other = *Authority::Generate("Elsewhere");
  CredentialRequest req{identity_, Role::kMediator, "Lakhdar", kNow - kDay, kNow + kDay, 1};
  ExpectError(Verify(*other.Issue(req)), StatusCode::kUntrusted,
              "credential from an authority you do not trust");
}

TEST_F(CredentialTest, IdentityMismatch) {
  const Credential c = IssueFor(1);
  const session::PublicKey other = crypto::GenerateX25519KeyPair().public_key;
  ExpectError(VerifyCredential(c, trust_, kNow, other), StatusCode::kUntrusted,
              "another identity key");
}

TEST_F(CredentialTest, IssueRefusesBadFields) {
  CredentialRequest req{identity_, Role::kEnvoy, "", kNow, kNow + kDay, 1};
  EXPECT_THAT(authority_.Issue(req), StatusIs(StatusCode::kInvalidArgument));
  req.display_name = "ok";
  req.expiry = req.not_before;
  EXPECT_THAT(authority_.Issue(req), StatusIs(StatusCode::kInvalidArgument));
  req.expiry = kNow + 1;
  req.display_name = "bad\xff";
  EXPECT_THAT(authority_.Issue(req), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Authority::Generate(""), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(CredentialTest, DecoderRejectsMalformed) {
  const Bytes good = *EncodeCredential(IssueFor(1));
  EXPECT_THAT(DecodeCredential({}), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_EQ(DecodeCredential(ByteView(good).first(good.size() - 1)).status().code(),
            StatusCode::kInvalidMessage);
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_THAT(DecodeCredential(longer), StatusIs(StatusCode::kInvalidMessage));
  Bytes bad = good;
  bad[0] = 2;
  EXPECT_THAT(DecodeCredential(bad), StatusIs(StatusCode::kUnsupportedVersion));
  bad = good;
  bad[1 + 33 + 32] = 9;  // role
  EXPECT_THAT(DecodeCredential(bad), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(CredentialFromText("not base64!"), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(CredentialTest, RevocationListSequenceRules) {
  const RevocationList first = *authority_.Revoke(kNow, 2, {9, 1, 9});
  EXPECT_EQ(first.revoked_serials, (std::vector<std::uint64_t>{1, 9}));
  ASSERT_OK(trust_.UpdateRevocations(first));
  EXPECT_OK(trust_.UpdateRevocations(first));  // the same list again
  ExpectError(trust_.UpdateRevocations(*authority_.Revoke(kNow, 1, {})),
              StatusCode::kFailedPrecondition, "older");
  ExpectError(trust_.UpdateRevocations(*authority_.Revoke(kNow + 1, 2, {1})),
              StatusCode::kFailedPrecondition, "differs");
  RevocationList forged = *authority_.Revoke(kNow, 3, {1, 2, 9});
  forged.revoked_serials.pop_back();
  EXPECT_THAT(trust_.UpdateRevocations(forged), StatusIs(StatusCode::kBadSignature));
  auto stranger = *Authority::Generate("Elsewhere");
  EXPECT_THAT(trust_.UpdateRevocations(*stranger.Revoke(kNow, 5, {})),
              StatusIs(StatusCode::kUntrusted));
  ASSERT_OK(trust_.UpdateRevocations(*authority_.Revoke(kNow, 3, {1, 9, 20})));
  EXPECT_EQ(trust_.Find(authority_.public_key())->revocations->sequence, 3u);
}

TEST_F(CredentialTest, RevocationListEncoding) {
  const RevocationList l = *authority_.Revoke(kNow, 4, {1, 2, 3});
  auto back = RevocationListFromText(*RevocationListToText(l));
  ASSERT_OK(back);
  EXPECT_EQ(back->revoked_serials, l.revoked_serials);
  EXPECT_OK(VerifyRevocationListSignature(*back));
  Bytes bytes = *EncodeRevocationList(l);
  bytes[bytes.size() - 64 - 1] = 1;  // last serial 3 -> descending order
  EXPECT_THAT(DecodeRevocationList(bytes), StatusIs(StatusCode::kInvalidMessage));
  bytes = *EncodeRevocationList(l);
  bytes.pop_back();
  EXPECT_THAT(DecodeRevocationList(bytes), StatusIs(StatusCode::kInvalidMessage));
}

TEST(RoleTest, Names) {
  EXPECT_EQ(*ParseRole("mediator"), Role::kMediator);
  EXPECT_EQ(*ParseRole("track2"), Role::kTrack2);
  EXPECT_EQ(RoleName(Role::kTrack2), "track2");
  EXPECT_EQ(RoleName(Role::kPrincipal), "principal");
  EXPECT_THAT(ParseRole("king"), StatusIs(StatusCode::kInvalidArgument));
}

// A Track 2 credential (role byte 4) round-trips and verifies; byte 5 is
// still refused, so the new role did not open the decoder to any byte.
TEST_F(CredentialTest, Track2RoleRoundTrips) {
  CredentialRequest req{identity_, Role::kTrack2, "Pugwash", kNow - kDay, kNow + kDay, 7};
  const Credential c = *authority_.Issue(req);
  auto back = CredentialFromText(*CredentialToText(c));
  ASSERT_OK(back);
  EXPECT_EQ(back->role, Role::kTrack2);
  EXPECT_OK(VerifyCredentialSignature(*back));
  Bytes bad = *EncodeCredential(c);
  bad[1 + 33 + 32] = 5;  // role
  EXPECT_THAT(DecodeCredential(bad), StatusIs(StatusCode::kInvalidMessage));
}

}  // namespace
}  // namespace backchannel::identity
