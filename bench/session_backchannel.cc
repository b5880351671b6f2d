// BM_SessionSetup/backchannel and BM_Roundtrip1K/backchannel: the same work
// as the libsignal and libolm benchmarks in session_peers.cc.
//   Setup: Initiate from the bundle (signature check + X3DH), the first
//          message encrypted, Accept (X3DH on the responder + first decrypt).
//          Identities and prekeys are made outside the timed region, as for
//          the peers.
//   Round trip: one 1 KiB message encrypted and decrypted, the direction
//          changing every 10 messages so DH ratchet steps are included.
#include <benchmark/benchmark.h>

#include "backchannel/session/memory_prekey_store.h"
#include "backchannel/session/session.h"

namespace backchannel::bench {
namespace {

using session::Session;

constexpr std::size_t kMessageSize = 1024;
constexpr int kDirectionRun = 10;

Bytes Payload() {
  Bytes p(kMessageSize);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(i * 131 + 7);
  return p;
}

struct Parties {
  session::IdentityKeyPair alice = session::GenerateIdentityKeyPair();
  session::IdentityKeyPair bob = session::GenerateIdentityKeyPair();
  session::InMemoryPreKeyStore bob_prekeys;
  session::PreKeyBundle bundle;
  Parties() {
    bob_prekeys.AddSigned(session::GenerateSignedPreKey(bob, 1));
    bob_prekeys.AddOneTime(session::GenerateOneTimePreKey(1));
    bundle = bob_prekeys.MakeBundle(bob, 2002, 1, 1);
  }
};

void BM_SessionSetup_backchannel(benchmark::State& state) {
  const Bytes payload = Payload();
  std::unique_ptr<Parties> p;
  for (auto _ : state) {
    state.PauseTiming();
    p = std::make_unique<Parties>();
    state.ResumeTiming();
    auto alice = Session::Initiate(p->alice, 1001, p->bundle);
    if (!alice) {
      state.SkipWithError(alice.error().ToString().c_str());
      break;
    }
    auto first = alice->Encrypt(payload);
    auto accepted = Session::Accept(p->bob, 2002, p->bob_prekeys, first->bytes);
    if (!accepted || accepted->plaintext.size() != payload.size()) {
      state.SkipWithError("setup failed");
      break;
    }
    benchmark::DoNotOptimize(accepted->plaintext.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Roundtrip1K_backchannel(benchmark::State& state) {
  const Bytes payload = Payload();
  Parties p;
  auto alice = Session::Initiate(p.alice, 1001, p.bundle);
  auto first = alice->Encrypt(payload);
  auto accepted = Session::Accept(p.bob, 2002, p.bob_prekeys, first->bytes);
  if (!accepted) {
    state.SkipWithError(accepted.error().ToString().c_str());
    return;
  }
  Session& a = *alice;
  Session& b = accepted->session;
  (void)a.Decrypt(*b.Encrypt(payload));  // the reply that ends the prekey phase
  std::int64_t i = 0;
  Bytes last;
  for (auto _ : state) {
    const bool from_alice = (i++ / kDirectionRun) % 2 == 0;
    Session& sender = from_alice ? a : b;
    Session& receiver = from_alice ? b : a;
    auto ct = sender.Encrypt(payload);
    auto pt = receiver.Decrypt(*ct);
    if (!pt) {
      state.SkipWithError(pt.error().ToString().c_str());
      break;
    }
    last = std::move(*pt);
    benchmark::DoNotOptimize(last.data());
  }
  if (!last.empty() && last != payload) state.SkipWithError("plaintext mismatch");
  state.SetItemsProcessed(state.iterations());
}

[[maybe_unused]] const bool kRegistered = [] {
  benchmark::RegisterBenchmark("BM_SessionSetup/backchannel", BM_SessionSetup_backchannel);
  benchmark::RegisterBenchmark("BM_Roundtrip1K/backchannel", BM_Roundtrip1K_backchannel);
  return true;
}();

}  // namespace
}  // namespace backchannel::bench
