// Session benchmarks for the reference peers: libsignal-protocol-c 2.3.3 and
// libolm 3.2.13, driven through tests/interop/reference/ (test-only code; the
// GPL-3 / Apache-2.0 libraries are linked into this benchmark binary only).
//
// BM_SessionSetup/<peer>: one new session, from published keys to the first
// message read. Outside the timed region (PauseTiming): both parties'
// identity keys, and the responder's published keys (libsignal: a signed
// prekey with its XEdDSA signature and a one-time prekey, i.e. the bundle;
// libolm: a one-time key), and the destruction of the previous iteration's
// parties. Timed:
//   libsignal  initiator ProcessBundle (decode keys, verify the signed-prekey
//              signature, X3DH, store the session), Encrypt of the first
//              1 KiB message (a PreKeySignalMessage), responder Decrypt (X3DH
//              from the message, consume the one-time prekey, decrypt).
//   libolm     initiator olm_create_outbound_session, olm_encrypt of the first
//              1 KiB message (pre-key message), responder
//              olm_create_inbound_session + olm_remove_one_time_keys, olm_decrypt.
//   (libolm has no signed prekey, so it verifies no signature here.)
//
// BM_Roundtrip1K/<peer>: inside an established session (first message and a
// reply already exchanged), one 1 KiB message encrypted by one party and
// decrypted by the other per iteration; the direction changes every 10
// iterations, so every 10 messages include one DH ratchet step.
//
// Every benchmark reports items_per_second (one item = one setup or one
// message round trip).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "backchannel/common/bytes.h"
#include "interop/reference/libsignal_peer.h"
#include "interop/reference/olm_peer.h"

namespace backchannel::bench {
namespace {

using interop::Ciphertext;
using interop::LibsignalPeer;
using interop::OlmMessage;
using interop::OlmPair;
using interop::OlmPeer;
using interop::OlmSessionHandle;
using interop::PreKeyBundleBytes;
using interop::RemoteAddress;

constexpr std::size_t kMessageSize = 1024;
constexpr int kDirectionRun = 10;  // messages per direction before switching

Bytes Payload() {
  Bytes p(kMessageSize);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<uint8_t>(i * 131 + 7);
  return p;
}

const RemoteAddress kAlice{"alice", 1};
const RemoteAddress kBob{"bob", 1};

// --------------------------------------------------------------------------
// libsignal-protocol-c

void BM_SessionSetup_libsignal(benchmark::State& state) {
  const Bytes payload = Payload();
  std::unique_ptr<LibsignalPeer> alice;
  std::unique_ptr<LibsignalPeer> bob;
  for (auto _ : state) {
    state.PauseTiming();
    alice.reset();
    bob.reset();
    alice = LibsignalPeer::Create(1001);
    bob = LibsignalPeer::Create(2002);
    if (alice == nullptr || bob == nullptr) {
      state.SkipWithError("LibsignalPeer::Create failed");
      break;
    }
    auto bundle = bob->MakeBundle(/*signed_pre_key_id=*/1, /*pre_key_id=*/1);
    if (!bundle.ok()) {
      state.SkipWithError(bundle.error().ToString().c_str());
      break;
    }
    state.ResumeTiming();

    Status s = alice->ProcessBundle(kBob, *bundle);
    auto first = s.ok() ? alice->Encrypt(kBob, payload) : Result<Ciphertext>(s);
    auto read = first.ok() ? bob->Decrypt(kAlice, *first) : Result<Bytes>(first.error());
    if (!read.ok() || read->size() != payload.size()) {
      state.SkipWithError(read.ok() ? "wrong plaintext size" : read.error().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(read->data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Roundtrip1K_libsignal(benchmark::State& state) {
  const Bytes payload = Payload();
  auto alice = LibsignalPeer::Create(1001);
  auto bob = LibsignalPeer::Create(2002);
  if (alice == nullptr || bob == nullptr) {
    state.SkipWithError("LibsignalPeer::Create failed");
    return;
  }
  // Establish: bundle, first message, reply.
  auto bundle = bob->MakeBundle(1, 1);
  Status s = bundle.ok() ? alice->ProcessBundle(kBob, *bundle) : bundle.error();
  for (bool from_alice : {true, false}) {
    if (!s.ok()) break;
    auto ct = from_alice ? alice->Encrypt(kBob, payload) : bob->Encrypt(kAlice, payload);
    auto pt = !ct.ok()     ? Result<Bytes>(ct.error())
              : from_alice ? bob->Decrypt(kAlice, *ct)
                           : alice->Decrypt(kBob, *ct);
    s = pt.status();
  }
  if (!s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }

  int64_t i = 0;
  Bytes last;
  for (auto _ : state) {
    const bool from_alice = (i++ / kDirectionRun) % 2 == 0;
    LibsignalPeer& sender = from_alice ? *alice : *bob;
    LibsignalPeer& receiver = from_alice ? *bob : *alice;
    auto ct = sender.Encrypt(from_alice ? kBob : kAlice, payload);
    if (!ct.ok()) {
      state.SkipWithError(ct.error().ToString().c_str());
      break;
    }
    auto pt = receiver.Decrypt(from_alice ? kAlice : kBob, *ct);
    if (!pt.ok()) {
      state.SkipWithError(pt.error().ToString().c_str());
      break;
    }
    last = std::move(*pt);
    benchmark::DoNotOptimize(last.data());
  }
  if (state.iterations() > 0 && !last.empty() && last != payload) {
    state.SkipWithError("libsignal round trip: plaintext mismatch");
  }
  state.SetItemsProcessed(state.iterations());
}

// --------------------------------------------------------------------------
// libolm

void BM_SessionSetup_libolm(benchmark::State& state) {
  const Bytes payload = Payload();
  std::unique_ptr<OlmPeer> alice;
  std::unique_ptr<OlmPeer> bob;
  std::unique_ptr<OlmSessionHandle> outbound;
  std::unique_ptr<OlmSessionHandle> inbound;
  for (auto _ : state) {
    state.PauseTiming();
    outbound.reset();
    inbound.reset();
    auto a = OlmPeer::Create();
    auto b = OlmPeer::Create();
    if (!a.ok() || !b.ok()) {
      state.SkipWithError("OlmPeer::Create failed");
      break;
    }
    alice = std::move(*a);
    bob = std::move(*b);
    auto one_time_key = bob->NewOneTimeKey();
    if (!one_time_key.ok()) {
      state.SkipWithError(one_time_key.error().ToString().c_str());
      break;
    }
    state.ResumeTiming();

    auto out = alice->CreateOutbound(bob->identity_key(), *one_time_key);
    if (!out.ok()) {
      state.SkipWithError(out.error().ToString().c_str());
      break;
    }
    outbound = std::move(*out);
    auto first = outbound->Encrypt(payload);
    if (!first.ok()) {
      state.SkipWithError(first.error().ToString().c_str());
      break;
    }
    auto in = bob->CreateInbound(*first);
    if (!in.ok()) {
      state.SkipWithError(in.error().ToString().c_str());
      break;
    }
    inbound = std::move(*in);
    auto read = inbound->Decrypt(*first);
    if (!read.ok() || read->size() != payload.size()) {
      state.SkipWithError(read.ok() ? "wrong plaintext size" : read.error().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(read->data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Roundtrip1K_libolm(benchmark::State& state) {
  const Bytes payload = Payload();
  auto pair = OlmPair::Establish();
  if (!pair.ok()) {
    state.SkipWithError(pair.error().ToString().c_str());
    return;
  }
  int64_t i = 0;
  Bytes last;
  for (auto _ : state) {
    const bool from_alice = (i++ / kDirectionRun) % 2 == 0;
    OlmSessionHandle& sender = from_alice ? *pair->alice_session : *pair->bob_session;
    OlmSessionHandle& receiver = from_alice ? *pair->bob_session : *pair->alice_session;
    auto message = sender.Encrypt(payload);
    if (!message.ok()) {
      state.SkipWithError(message.error().ToString().c_str());
      break;
    }
    auto pt = receiver.Decrypt(*message);
    if (!pt.ok()) {
      state.SkipWithError(pt.error().ToString().c_str());
      break;
    }
    last = std::move(*pt);
    benchmark::DoNotOptimize(last.data());
  }
  if (state.iterations() > 0 && !last.empty() && last != payload) {
    state.SkipWithError("olm round trip: plaintext mismatch");
  }
  state.SetItemsProcessed(state.iterations());
}

// Registered from a static initializer, like every bench_session source file.
[[maybe_unused]] const bool kRegistered = [] {
  benchmark::RegisterBenchmark("BM_SessionSetup/libsignal", BM_SessionSetup_libsignal);
  benchmark::RegisterBenchmark("BM_SessionSetup/libolm", BM_SessionSetup_libolm);
  benchmark::RegisterBenchmark("BM_Roundtrip1K/libsignal", BM_Roundtrip1K_libsignal);
  benchmark::RegisterBenchmark("BM_Roundtrip1K/libolm", BM_Roundtrip1K_libolm);
  return true;
}();

}  // namespace
}  // namespace backchannel::bench
