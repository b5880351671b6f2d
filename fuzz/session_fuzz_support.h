// Fixed session material shared by the session fuzz targets: one established
// conversation and the responder's prekeys, made once per process.
#ifndef BACKCHANNEL_FUZZ_SESSION_FUZZ_SUPPORT_H_
#define BACKCHANNEL_FUZZ_SESSION_FUZZ_SUPPORT_H_

#include <cstdlib>

#include "backchannel/session/memory_prekey_store.h"
#include "backchannel/session/session.h"

namespace backchannel::fuzz {

struct SessionFixture {
  session::IdentityKeyPair alice = session::GenerateIdentityKeyPair();
  session::IdentityKeyPair bob = session::GenerateIdentityKeyPair();
  session::InMemoryPreKeyStore bob_prekeys;
  std::optional<session::Session> alice_session;
  std::optional<session::Session> bob_session;

  SessionFixture() {
    bob_prekeys.AddSigned(session::GenerateSignedPreKey(bob, 1));
    bob_prekeys.AddOneTime(session::GenerateOneTimePreKey(1));
    auto a = session::Session::Initiate(alice, 11, bob_prekeys.MakeBundle(bob, 22, 1, 1));
    if (!a) std::abort();
    auto first = a->Encrypt(AsBytes("hello"));
    auto accepted = session::Session::Accept(bob, 22, bob_prekeys, first->bytes);
    if (!accepted) std::abort();
    alice_session.emplace(std::move(*a));
    bob_session.emplace(std::move(accepted->session));
  }

  static SessionFixture& Get() {
    static SessionFixture f;
    return f;
  }
};

}  // namespace backchannel::fuzz

#endif  // BACKCHANNEL_FUZZ_SESSION_FUZZ_SUPPORT_H_
