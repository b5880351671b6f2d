// Invitation codes and their QR rendering.
#include "backchannel/identity/invitation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "testing/status_matchers.h"

namespace backchannel::identity {
namespace {

using ::backchannel::testing::StatusIs;

Invitation MakeInvitation() {
  Invitation inv;
  inv.relay_address = "relay.example.org:8443";
  crypto::RandomBytes(inv.relay_certificate_sha256);
  crypto::RandomBytes(inv.inviter_address.mailbox);
  crypto::RandomBytes(inv.inviter_address.delivery_token);
  inv.inviter_identity = crypto::GenerateX25519KeyPair().public_key;
  crypto::RandomBytes(inv.authority_key);
  inv.authority_label = "Ministry of Foreign Affairs";
  inv.display_name = "Envoy Sharif";
  crypto::RandomBytes(inv.ticket);
  return inv;
}

TEST(InvitationTest, RoundTrip) {
  const Invitation inv = MakeInvitation();
  auto text = InvitationToText(inv);
  ASSERT_OK(text);
  EXPECT_TRUE(text->starts_with("bc1-"));
  auto back = InvitationFromText(*text);
  ASSERT_OK(back);
  EXPECT_EQ(*back, inv);
  // Line breaks and spaces from copying are ignored.
  std::string wrapped = *text;
  wrapped.insert(20, "\n  ");
  EXPECT_EQ(*InvitationFromText(wrapped), inv);
}

TEST(InvitationTest, EveryChangedCharacterIsDetected) {
  const std::string text = *InvitationToText(MakeInvitation());
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 4; i < text.size(); ++i) {
    std::string damaged = text;
    damaged[i] = alphabet[(alphabet.find(text[i]) + 1 + i) % alphabet.size()];
    if (damaged == text) continue;
    auto r = InvitationFromText(damaged);
    ASSERT_FALSE(r.ok()) << "position " << i;
    EXPECT_THAT(r, StatusIs(StatusCode::kInvalidArgument));
    EXPECT_NE(r.error().message().find("invitation code is damaged"), std::string_view::npos);
  }
  EXPECT_EQ(InvitationFromText(text.substr(0, text.size() - 1)).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(InvitationTest, PrefixAndVersion) {
  const std::string text = *InvitationToText(MakeInvitation());
  EXPECT_THAT(InvitationFromText("hello"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(InvitationFromText("xx1-" + text.substr(4)), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(InvitationFromText("bc2-" + text.substr(4)),
              StatusIs(StatusCode::kUnsupportedVersion));
  Bytes body = *EncodeInvitation(MakeInvitation());
  body[0] = 4;
  EXPECT_THAT(DecodeInvitation(body), StatusIs(StatusCode::kUnsupportedVersion));
  // Version 1 had no single-use ticket: refused with what to do.
  body[0] = 1;
  auto old = DecodeInvitation(body);
  EXPECT_THAT(old, StatusIs(StatusCode::kUnsupportedVersion));
  EXPECT_NE(old.error().message().find("ask for a new one"), std::string_view::npos);
}

// A relay's pin rollover: a code with two pins is version 3; with one it
// stays version 2 (older clients read it), and both decode.
TEST(InvitationTest, TwoPinsAreVersionThreeOnePinStaysVersionTwo) {
  Invitation one = MakeInvitation();
  auto v2 = EncodeInvitation(one);
  ASSERT_OK(v2);
  EXPECT_EQ((*v2)[0], 2);
  Invitation two = one;
  two.relay_next_certificate_sha256.emplace();
  crypto::RandomBytes(two.relay_next_certificate_sha256->mutable_bytes());
  auto v3 = EncodeInvitation(two);
  ASSERT_OK(v3);
  EXPECT_EQ((*v3)[0], 3);
  EXPECT_EQ(v3->size(), v2->size() + 32);
  // The second pin follows the first; everything else is as in version 2.
  const std::size_t pin_end = 1 + 2 + one.relay_address.size() + 32;
  EXPECT_TRUE(std::equal(v2->begin() + 1, v2->begin() + pin_end, v3->begin() + 1));
  EXPECT_TRUE(std::equal(v2->begin() + pin_end, v2->end(), v3->begin() + pin_end + 32));
  auto back = InvitationFromText(*InvitationToText(two));
  ASSERT_OK(back);
  EXPECT_EQ(*back, two);
  auto back_v2 = DecodeInvitation(*v2);
  ASSERT_OK(back_v2);
  EXPECT_EQ(*back_v2, one);
  EXPECT_FALSE(back_v2->relay_next_certificate_sha256.has_value());

  // Two equal pins: refused by the encoder, and by the decoder.
  Invitation same = one;
  same.relay_next_certificate_sha256 = one.relay_certificate_sha256;
  EXPECT_THAT(EncodeInvitation(same), StatusIs(StatusCode::kInvalidArgument));
  Bytes crafted = *v3;
  std::copy(crafted.begin() + pin_end - 32, crafted.begin() + pin_end, crafted.begin() + pin_end);
  auto refused = DecodeInvitation(crafted);
  EXPECT_THAT(refused, StatusIs(StatusCode::kInvalidMessage));
  EXPECT_NE(refused.error().message().find("two certificate pins are the same"), std::string::npos);
  // A version-2 body marked 3 lacks the second pin's bytes.
  Bytes short_v3 = *v2;
  short_v3[0] = 3;
  EXPECT_THAT(DecodeInvitation(short_v3), StatusIs(StatusCode::kInvalidMessage));
}

TEST(InvitationTest, BadFields) {
  Invitation inv = MakeInvitation();
  inv.relay_address = "no-port";
  EXPECT_THAT(InvitationToText(inv), StatusIs(StatusCode::kInvalidArgument));
  inv = MakeInvitation();
  inv.display_name.clear();
  EXPECT_THAT(InvitationToText(inv), StatusIs(StatusCode::kInvalidArgument));
  Bytes body = *EncodeInvitation(MakeInvitation());
  body.push_back(0);
  EXPECT_THAT(DecodeInvitation(body), StatusIs(StatusCode::kInvalidMessage));
}

// Number of UTF-8 code points in `s`.
std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
  return n;
}

TEST(QrTest, RendersASquareOfHalfBlocks) {
  const std::string text = *InvitationToText(MakeInvitation());
  auto qr = RenderQr(text);
  ASSERT_OK(qr);
  std::istringstream in(*qr);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_FALSE(lines.empty());
  const std::size_t width = CodePoints(lines[0]);
  const std::size_t modules = width - 4;
  EXPECT_EQ((modules - 21) % 4, 0u) << "not a QR code size: " << modules;
  EXPECT_GE(modules, 21u);
  EXPECT_EQ(lines.size(), (width + 1) / 2);
  for (const std::string& line : lines) EXPECT_EQ(CodePoints(line), width);
  // The first line is quiet zone: all light.
  EXPECT_EQ(lines[0].find(' '), std::string::npos);
  EXPECT_THAT(RenderQr(std::string(8000, 'x')), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace backchannel::identity
