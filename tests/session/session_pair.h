// Test helper: two backchannel parties, Alice (initiator) and Bob (responder),
// with Bob's prekeys in memory.
#ifndef BACKCHANNEL_TESTS_SESSION_SESSION_PAIR_H_
#define BACKCHANNEL_TESTS_SESSION_SESSION_PAIR_H_

#include <gtest/gtest.h>

#include <optional>

#include "backchannel/session/memory_prekey_store.h"
#include "backchannel/session/session.h"

namespace backchannel::session::testing {

inline Bytes Text(std::string_view s) { return ToBytes(s); }

struct SessionPair {
  IdentityKeyPair alice_identity = GenerateIdentityKeyPair();
  IdentityKeyPair bob_identity = GenerateIdentityKeyPair();
  std::uint32_t alice_reg = 1111;
  std::uint32_t bob_reg = 2222;
  InMemoryPreKeyStore bob_prekeys;
  std::optional<Session> alice;
  std::optional<Session> bob;

  explicit SessionPair(const SessionOptions& options = {}, bool one_time = true) {
    bob_prekeys.AddSigned(GenerateSignedPreKey(bob_identity, 7));
    bob_prekeys.AddOneTime(GenerateOneTimePreKey(42));
    auto bundle = bob_prekeys.MakeBundle(
        bob_identity, bob_reg, 7, one_time ? std::optional<std::uint32_t>(42) : std::nullopt);
    auto a = Session::Initiate(alice_identity, alice_reg, bundle, options);
    EXPECT_TRUE(a.has_value()) << a.status();
    alice.emplace(std::move(*a));
    auto first = alice->Encrypt(Text("hello bob"));
    EXPECT_TRUE(first.has_value());
    EXPECT_EQ(first->type, CiphertextMessage::Type::kPreKey);
    auto accepted = Session::Accept(bob_identity, bob_reg, bob_prekeys, first->bytes, options);
    EXPECT_TRUE(accepted.has_value()) << accepted.status();
    EXPECT_EQ(accepted->plaintext, Text("hello bob"));
    bob.emplace(std::move(accepted->session));
  }
};

}  // namespace backchannel::session::testing

#endif  // BACKCHANNEL_TESTS_SESSION_SESSION_PAIR_H_
