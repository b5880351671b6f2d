// TEST AND BENCHMARK CODE ONLY (links GPL-3 libsignal-protocol-c).
#include "interop/reference/libsignal_peer.h"

#include <curve.h>
#include <fingerprint.h>
#include <key_helper.h>
#include <protocol.h>
#include <ratchet.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>
#include <session_record.h>
#include <signal_protocol.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <utility>

#include "interop/reference/signal_crypto_provider.h"

namespace backchannel::interop {
namespace {

// Owning pointers for libsignal's reference-counted objects and buffers.
struct SignalUnref {
  void operator()(void* p) const { signal_type_unref(static_cast<signal_type_base*>(p)); }
};
template <typename T>
using SignalPtr = std::unique_ptr<T, SignalUnref>;

struct BufferFree {
  void operator()(signal_buffer* b) const { signal_buffer_bzero_free(b); }
};
using BufferPtr = std::unique_ptr<signal_buffer, BufferFree>;

struct GeneratorFree {
  void operator()(fingerprint_generator* g) const { fingerprint_generator_free(g); }
};

Bytes BufferBytes(const signal_buffer* b) {
  const uint8_t* data = signal_buffer_const_data(b);
  return {data, data + signal_buffer_len(b)};
}

signal_protocol_address ToAddress(const RemoteAddress& remote) {
  return {remote.name.c_str(), remote.name.size(), remote.device_id};
}

uint64_t NowMillis() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

struct LibsignalPeer::Impl {
  SignalContextHolder context;  // destroyed last
  std::unique_ptr<InMemorySignalStore> store;
  SignalPtr<ratchet_identity_key_pair> identity;
  signal_protocol_store_context* store_context = nullptr;
  uint32_t registration_id = 0;

  ~Impl() {
    if (store_context != nullptr) signal_protocol_store_context_destroy(store_context);
  }

  signal_context* ctx() const { return context.get(); }

  Status Fail(std::string_view what, int code) {
    return SignalError(what, code, context.TakeLastLog());
  }

  Result<SignalPtr<ec_public_key>> DecodePublic(std::string_view what, ByteView key) {
    ec_public_key* raw = nullptr;
    int rc = curve_decode_point(&raw, key.data(), key.size(), ctx());
    if (rc < 0) return Fail(what, rc);
    return SignalPtr<ec_public_key>(raw);
  }

  Result<SignalPtr<ec_private_key>> DecodePrivate(std::string_view what, ByteView key) {
    if (key.size() != 32)
      return InvalidArgument(std::string(what) + ": private key must be 32 bytes");
    // libsignal's curve25519-donna does not clamp (see the header): clamp here.
    std::array<uint8_t, 32> clamped{};
    std::copy(key.begin(), key.end(), clamped.begin());
    clamped[0] &= 248;
    clamped[31] &= 127;
    clamped[31] |= 64;
    ec_private_key* raw = nullptr;
    int rc = curve_decode_private_point(&raw, clamped.data(), clamped.size(), ctx());
    sodium_memzero(clamped.data(), clamped.size());
    if (rc < 0) return Fail(what, rc);
    return SignalPtr<ec_private_key>(raw);
  }

  Result<Bytes> SerializePublic(const ec_public_key* key) {
    signal_buffer* raw = nullptr;
    int rc = ec_public_key_serialize(&raw, key);
    if (rc < 0) return Fail("ec_public_key_serialize", rc);
    BufferPtr buffer(raw);
    return BufferBytes(buffer.get());
  }

  Result<SignalPtr<ec_key_pair>> PairFromPrivate(ByteView private_key) {
    BC_ASSIGN_OR_RETURN(auto priv, DecodePrivate("curve_decode_private_point", private_key));
    ec_public_key* pub_raw = nullptr;
    int rc = curve_generate_public_key(&pub_raw, priv.get());
    if (rc < 0) return Fail("curve_generate_public_key", rc);
    SignalPtr<ec_public_key> pub(pub_raw);
    ec_key_pair* pair = nullptr;
    rc = ec_key_pair_create(&pair, pub.get(), priv.get());
    if (rc < 0) return Fail("ec_key_pair_create", rc);
    return SignalPtr<ec_key_pair>(pair);
  }

  Result<SignalPtr<fingerprint>> MakeFingerprint(std::string_view local_stable_id,
                                                 ByteView local_identity_key,
                                                 std::string_view remote_stable_id,
                                                 ByteView remote_identity_key, int iterations) {
    Impl& impl = *this;
    BC_ASSIGN_OR_RETURN(auto local_key,
                        impl.DecodePublic("local identity key", local_identity_key));
    BC_ASSIGN_OR_RETURN(auto remote_key,
                        impl.DecodePublic("remote identity key", remote_identity_key));
    fingerprint_generator* gen_raw = nullptr;
    int rc =
        fingerprint_generator_create(&gen_raw, iterations, /*scannable_version=*/1, impl.ctx());
    if (rc < 0) return impl.Fail("fingerprint_generator_create", rc);
    std::unique_ptr<fingerprint_generator, GeneratorFree> generator(gen_raw);
    std::string local_id(local_stable_id);
    std::string remote_id(remote_stable_id);
    fingerprint* fp = nullptr;
    rc = fingerprint_generator_create_for(generator.get(), local_id.c_str(), local_key.get(),
                                          remote_id.c_str(), remote_key.get(), &fp);
    if (rc < 0) return impl.Fail("fingerprint_generator_create_for", rc);
    return SignalPtr<fingerprint>(fp);
  }

  Result<SignalPtr<ec_key_pair>> FreshPair() {
    ec_key_pair* pair = nullptr;
    int rc = curve_generate_key_pair(ctx(), &pair);
    if (rc < 0) return Fail("curve_generate_key_pair", rc);
    return SignalPtr<ec_key_pair>(pair);
  }

  Result<PreKeyBundleBytes> StoreBundle(uint32_t signed_pre_key_id, ec_key_pair* signed_pair,
                                        std::optional<uint32_t> pre_key_id, ec_key_pair* pre_pair,
                                        uint32_t device_id) {
    PreKeyBundleBytes bundle;
    bundle.registration_id = registration_id;
    bundle.device_id = device_id;
    bundle.signed_pre_key_id = signed_pre_key_id;
    BC_ASSIGN_OR_RETURN(bundle.identity_key,
                        SerializePublic(ratchet_identity_key_pair_get_public(identity.get())));

    // Signed prekey: XEdDSA signature by the identity key over the serialized
    // (33-byte) public key, as signal_protocol_key_helper_generate_signed_pre_key does.
    BC_ASSIGN_OR_RETURN(bundle.signed_pre_key_public,
                        SerializePublic(ec_key_pair_get_public(signed_pair)));
    signal_buffer* sig_raw = nullptr;
    int rc = curve_calculate_signature(
        ctx(), &sig_raw, ratchet_identity_key_pair_get_private(identity.get()),
        bundle.signed_pre_key_public.data(), bundle.signed_pre_key_public.size());
    if (rc < 0) return Fail("curve_calculate_signature", rc);
    BufferPtr sig(sig_raw);
    bundle.signed_pre_key_signature = BufferBytes(sig.get());
    session_signed_pre_key* spk_raw = nullptr;
    rc = session_signed_pre_key_create(&spk_raw, signed_pre_key_id, NowMillis(), signed_pair,
                                       signal_buffer_const_data(sig.get()),
                                       signal_buffer_len(sig.get()));
    if (rc < 0) return Fail("session_signed_pre_key_create", rc);
    SignalPtr<session_signed_pre_key> spk(spk_raw);
    rc = signal_protocol_signed_pre_key_store_key(store_context, spk.get());
    if (rc < 0) return Fail("signal_protocol_signed_pre_key_store_key", rc);

    if (pre_key_id.has_value()) {
      bundle.pre_key_id = pre_key_id;
      BC_ASSIGN_OR_RETURN(bundle.pre_key_public, SerializePublic(ec_key_pair_get_public(pre_pair)));
      session_pre_key* pk_raw = nullptr;
      rc = session_pre_key_create(&pk_raw, *pre_key_id, pre_pair);
      if (rc < 0) return Fail("session_pre_key_create", rc);
      SignalPtr<session_pre_key> pk(pk_raw);
      rc = signal_protocol_pre_key_store_key(store_context, pk.get());
      if (rc < 0) return Fail("signal_protocol_pre_key_store_key", rc);
    }
    return bundle;
  }

  // Builds the stores and store context around an identity pair.
  Status Finish(uint32_t registration_id) {
    Impl& impl = *this;
    impl.registration_id = registration_id;
    BC_ASSIGN_OR_RETURN(
        Bytes pub, impl.SerializePublic(ratchet_identity_key_pair_get_public(impl.identity.get())));
    signal_buffer* priv_raw = nullptr;
    int rc = ec_private_key_serialize(&priv_raw,
                                      ratchet_identity_key_pair_get_private(impl.identity.get()));
    if (rc < 0) return impl.Fail("ec_private_key_serialize", rc);
    BufferPtr priv(priv_raw);
    impl.store = std::make_unique<InMemorySignalStore>(registration_id, std::move(pub),
                                                       BufferBytes(priv.get()));
    rc = signal_protocol_store_context_create(&impl.store_context, impl.ctx());
    if (rc < 0) {
      impl.store_context = nullptr;
      return impl.Fail("signal_protocol_store_context_create", rc);
    }
    rc = impl.store->Install(impl.store_context);
    if (rc < 0) return impl.Fail("signal_protocol_store_context_set_*_store", rc);
    return Status::Ok();
  }
};

LibsignalPeer::LibsignalPeer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LibsignalPeer::~LibsignalPeer() = default;

std::unique_ptr<LibsignalPeer> LibsignalPeer::Create(uint32_t registration_id) {
  auto impl = std::make_unique<Impl>();
  if (impl->ctx() == nullptr) return nullptr;
  ratchet_identity_key_pair* pair = nullptr;
  if (signal_protocol_key_helper_generate_identity_key_pair(&pair, impl->ctx()) < 0) return nullptr;
  impl->identity.reset(pair);
  if (!impl->Finish(registration_id).ok()) return nullptr;
  return std::unique_ptr<LibsignalPeer>(new LibsignalPeer(std::move(impl)));
}

Result<std::unique_ptr<LibsignalPeer>> LibsignalPeer::CreateWithIdentity(uint32_t registration_id,
                                                                         ByteView identity_private,
                                                                         ByteView identity_public) {
  auto impl = std::make_unique<Impl>();
  if (impl->ctx() == nullptr) return Internal("signal_context_create failed");
  BC_ASSIGN_OR_RETURN(auto priv, impl->DecodePrivate("identity private key", identity_private));
  ec_public_key* derived_raw = nullptr;
  int rc = curve_generate_public_key(&derived_raw, priv.get());
  if (rc < 0) return impl->Fail("curve_generate_public_key", rc);
  SignalPtr<ec_public_key> derived(derived_raw);
  if (!identity_public.empty()) {
    BC_ASSIGN_OR_RETURN(Bytes derived_bytes, impl->SerializePublic(derived.get()));
    ByteView given = identity_public;
    if (given.size() == 32) {
      if (!PublicEqual(given, ByteView(derived_bytes).subspan(1))) {
        return InvalidArgument("identity public key does not match the private key");
      }
    } else if (given.size() == 33) {
      if (!PublicEqual(given, derived_bytes)) {
        return InvalidArgument("identity public key does not match the private key");
      }
    } else {
      return InvalidArgument("identity public key must be 32 or 33 bytes");
    }
  }
  ratchet_identity_key_pair* pair = nullptr;
  rc = ratchet_identity_key_pair_create(&pair, derived.get(), priv.get());
  if (rc < 0) return impl->Fail("ratchet_identity_key_pair_create", rc);
  impl->identity.reset(pair);
  BC_RETURN_IF_ERROR(impl->Finish(registration_id));
  return std::unique_ptr<LibsignalPeer>(new LibsignalPeer(std::move(impl)));
}

uint32_t LibsignalPeer::registration_id() const { return impl_->registration_id; }

Bytes LibsignalPeer::IdentityPublicKey() const {
  auto r = impl_->SerializePublic(ratchet_identity_key_pair_get_public(impl_->identity.get()));
  return r.ok() ? *r : Bytes();
}

Bytes LibsignalPeer::IdentityPrivateKey() const {
  signal_buffer* raw = nullptr;
  if (ec_private_key_serialize(&raw, ratchet_identity_key_pair_get_private(impl_->identity.get())) <
      0) {
    return {};
  }
  BufferPtr buffer(raw);
  return BufferBytes(buffer.get());
}

Result<PreKeyBundleBytes> LibsignalPeer::MakeBundle(uint32_t signed_pre_key_id,
                                                    std::optional<uint32_t> pre_key_id,
                                                    uint32_t device_id) {
  BC_ASSIGN_OR_RETURN(auto signed_pair, impl_->FreshPair());
  SignalPtr<ec_key_pair> pre_pair;
  if (pre_key_id.has_value()) {
    BC_ASSIGN_OR_RETURN(pre_pair, impl_->FreshPair());
  }
  return impl_->StoreBundle(signed_pre_key_id, signed_pair.get(), pre_key_id, pre_pair.get(),
                            device_id);
}

Result<PreKeyBundleBytes> LibsignalPeer::MakeBundleFromKeys(uint32_t signed_pre_key_id,
                                                            ByteView signed_pre_key_private,
                                                            std::optional<uint32_t> pre_key_id,
                                                            ByteView pre_key_private,
                                                            uint32_t device_id) {
  BC_ASSIGN_OR_RETURN(auto signed_pair, impl_->PairFromPrivate(signed_pre_key_private));
  SignalPtr<ec_key_pair> pre_pair;
  if (pre_key_id.has_value()) {
    BC_ASSIGN_OR_RETURN(pre_pair, impl_->PairFromPrivate(pre_key_private));
  }
  return impl_->StoreBundle(signed_pre_key_id, signed_pair.get(), pre_key_id, pre_pair.get(),
                            device_id);
}

Status LibsignalPeer::ProcessBundle(const RemoteAddress& remote, const PreKeyBundleBytes& bundle) {
  BC_ASSIGN_OR_RETURN(auto identity,
                      impl_->DecodePublic("bundle identity key", bundle.identity_key));
  BC_ASSIGN_OR_RETURN(auto signed_pre_key,
                      impl_->DecodePublic("bundle signed prekey", bundle.signed_pre_key_public));
  SignalPtr<ec_public_key> pre_key;
  if (bundle.pre_key_id.has_value()) {
    BC_ASSIGN_OR_RETURN(pre_key,
                        impl_->DecodePublic("bundle one-time prekey", bundle.pre_key_public));
  }
  session_pre_key_bundle* raw_bundle = nullptr;
  int rc = session_pre_key_bundle_create(
      &raw_bundle, bundle.registration_id, static_cast<int>(bundle.device_id),
      bundle.pre_key_id.value_or(0), pre_key.get(), bundle.signed_pre_key_id, signed_pre_key.get(),
      bundle.signed_pre_key_signature.data(), bundle.signed_pre_key_signature.size(),
      identity.get());
  if (rc < 0) return impl_->Fail("session_pre_key_bundle_create", rc);
  SignalPtr<session_pre_key_bundle> owned_bundle(raw_bundle);

  signal_protocol_address address = ToAddress(remote);
  session_builder* builder = nullptr;
  rc = session_builder_create(&builder, impl_->store_context, &address, impl_->ctx());
  if (rc < 0) return impl_->Fail("session_builder_create", rc);
  rc = session_builder_process_pre_key_bundle(builder, owned_bundle.get());
  session_builder_free(builder);
  if (rc < 0) return impl_->Fail("session_builder_process_pre_key_bundle", rc);
  return Status::Ok();
}

Result<Ciphertext> LibsignalPeer::Encrypt(const RemoteAddress& remote, ByteView plaintext) {
  if (!HasSession(remote)) {
    return FailedPrecondition("session_cipher_encrypt: no session with " + remote.name);
  }
  signal_protocol_address address = ToAddress(remote);
  session_cipher* cipher = nullptr;
  int rc = session_cipher_create(&cipher, impl_->store_context, &address, impl_->ctx());
  if (rc < 0) return impl_->Fail("session_cipher_create", rc);
  ciphertext_message* message = nullptr;
  rc = session_cipher_encrypt(cipher, plaintext.data(), plaintext.size(), &message);
  session_cipher_free(cipher);
  if (rc < 0) return impl_->Fail("session_cipher_encrypt", rc);
  SignalPtr<ciphertext_message> owned(message);
  Ciphertext out;
  out.type = ciphertext_message_get_type(message);
  out.serialized = BufferBytes(ciphertext_message_get_serialized(message));  // owned by `message`
  return out;
}

Result<Bytes> LibsignalPeer::Decrypt(const RemoteAddress& remote, int type, ByteView serialized) {
  signal_protocol_address address = ToAddress(remote);
  signal_buffer* plaintext_raw = nullptr;
  int rc = 0;
  if (type == Ciphertext::kPreKeyType) {
    pre_key_signal_message* raw = nullptr;
    rc = pre_key_signal_message_deserialize(&raw, serialized.data(), serialized.size(),
                                            impl_->ctx());
    if (rc < 0) return impl_->Fail("pre_key_signal_message_deserialize", rc);
    SignalPtr<pre_key_signal_message> message(raw);
    session_cipher* cipher = nullptr;
    rc = session_cipher_create(&cipher, impl_->store_context, &address, impl_->ctx());
    if (rc < 0) return impl_->Fail("session_cipher_create", rc);
    rc = session_cipher_decrypt_pre_key_signal_message(cipher, message.get(), nullptr,
                                                       &plaintext_raw);
    session_cipher_free(cipher);
    if (rc < 0) return impl_->Fail("session_cipher_decrypt_pre_key_signal_message", rc);
  } else if (type == Ciphertext::kSignalType) {
    signal_message* raw = nullptr;
    rc = signal_message_deserialize(&raw, serialized.data(), serialized.size(), impl_->ctx());
    if (rc < 0) return impl_->Fail("signal_message_deserialize", rc);
    SignalPtr<signal_message> message(raw);
    session_cipher* cipher = nullptr;
    rc = session_cipher_create(&cipher, impl_->store_context, &address, impl_->ctx());
    if (rc < 0) return impl_->Fail("session_cipher_create", rc);
    rc = session_cipher_decrypt_signal_message(cipher, message.get(), nullptr, &plaintext_raw);
    session_cipher_free(cipher);
    if (rc < 0) return impl_->Fail("session_cipher_decrypt_signal_message", rc);
  } else {
    return InvalidArgument(
        "Decrypt: message type must be 2 (SignalMessage) or 3 (PreKeySignalMessage), got " +
        std::to_string(type));
  }
  BufferPtr plaintext(plaintext_raw);
  return BufferBytes(plaintext.get());
}

bool LibsignalPeer::HasSession(const RemoteAddress& remote) const {
  signal_protocol_address address = ToAddress(remote);
  return signal_protocol_session_contains_session(impl_->store_context, &address) == 1;
}

Result<Bytes> LibsignalPeer::SerializeSession(const RemoteAddress& remote) const {
  auto& sessions = impl_->store->sessions();
  auto it = sessions.find({remote.name, remote.device_id});
  if (it == sessions.end()) return NotFound("no session with " + remote.name);
  return it->second.record;
}

Status LibsignalPeer::RestoreSession(const RemoteAddress& remote, ByteView record) {
  session_record* raw = nullptr;
  int rc = session_record_deserialize(&raw, record.data(), record.size(), impl_->ctx());
  if (rc < 0) return impl_->Fail("session_record_deserialize", rc);
  SignalUnref()(raw);
  impl_->store->sessions()[{remote.name, remote.device_id}] = {ToBytes(record), std::nullopt};
  return Status::Ok();
}

void LibsignalPeer::DeleteSession(const RemoteAddress& remote) {
  impl_->store->sessions().erase({remote.name, remote.device_id});
  impl_->store->trusted_identities().erase({remote.name, remote.device_id});
}

Result<Bytes> LibsignalPeer::Sign(ByteView message) {
  signal_buffer* raw = nullptr;
  int rc = curve_calculate_signature(impl_->ctx(), &raw,
                                     ratchet_identity_key_pair_get_private(impl_->identity.get()),
                                     message.data(), message.size());
  if (rc < 0) return impl_->Fail("curve_calculate_signature", rc);
  BufferPtr signature(raw);
  return BufferBytes(signature.get());
}

bool LibsignalPeer::Verify(ByteView public_key_33, ByteView message, ByteView signature) const {
  ec_public_key* raw = nullptr;
  if (curve_decode_point(&raw, public_key_33.data(), public_key_33.size(), impl_->ctx()) < 0) {
    impl_->context.TakeLastLog();
    return false;
  }
  SignalPtr<ec_public_key> key(raw);
  int rc = curve_verify_signature(key.get(), message.data(), message.size(), signature.data(),
                                  signature.size());
  impl_->context.TakeLastLog();
  return rc == 1;
}

Result<Bytes> LibsignalPeer::Agreement(ByteView public_key_33, ByteView private_key_32) const {
  BC_ASSIGN_OR_RETURN(auto pub, impl_->DecodePublic("curve_decode_point", public_key_33));
  BC_ASSIGN_OR_RETURN(auto priv,
                      impl_->DecodePrivate("curve_decode_private_point", private_key_32));
  uint8_t* shared = nullptr;
  int n = curve_calculate_agreement(&shared, pub.get(), priv.get());
  if (n < 0) return impl_->Fail("curve_calculate_agreement", n);
  Bytes out(shared, shared + n);
  std::free(shared);  // NOLINT(cppcoreguidelines-no-malloc): allocated by libsignal with malloc
  return out;
}

Result<std::string> LibsignalPeer::DisplayableFingerprint(std::string_view local_stable_id,
                                                          ByteView local_identity_key_33,
                                                          std::string_view remote_stable_id,
                                                          ByteView remote_identity_key_33,
                                                          int iterations) const {
  BC_ASSIGN_OR_RETURN(
      auto fp, impl_->MakeFingerprint(local_stable_id, local_identity_key_33, remote_stable_id,
                                      remote_identity_key_33, iterations));
  const char* text = displayable_fingerprint_text(fingerprint_get_displayable(fp.get()));
  if (text == nullptr) return Internal("displayable_fingerprint_text returned null");
  return std::string(text);
}

Result<Bytes> LibsignalPeer::ScannableFingerprint(std::string_view local_stable_id,
                                                  ByteView local_identity_key_33,
                                                  std::string_view remote_stable_id,
                                                  ByteView remote_identity_key_33,
                                                  int iterations) const {
  BC_ASSIGN_OR_RETURN(
      auto fp, impl_->MakeFingerprint(local_stable_id, local_identity_key_33, remote_stable_id,
                                      remote_identity_key_33, iterations));
  signal_buffer* raw = nullptr;
  int rc = scannable_fingerprint_serialize(&raw, fingerprint_get_scannable(fp.get()));
  if (rc < 0) return impl_->Fail("scannable_fingerprint_serialize", rc);
  BufferPtr buffer(raw);
  return BufferBytes(buffer.get());
}

Result<bool> LibsignalPeer::CompareScannableFingerprints(ByteView mine, ByteView scanned) const {
  scannable_fingerprint* mine_raw = nullptr;
  int rc = scannable_fingerprint_deserialize(&mine_raw, mine.data(), mine.size(), impl_->ctx());
  if (rc < 0) return impl_->Fail("scannable_fingerprint_deserialize(mine)", rc);
  SignalPtr<scannable_fingerprint> mine_fp(mine_raw);
  scannable_fingerprint* scanned_raw = nullptr;
  rc =
      scannable_fingerprint_deserialize(&scanned_raw, scanned.data(), scanned.size(), impl_->ctx());
  if (rc < 0) return impl_->Fail("scannable_fingerprint_deserialize(scanned)", rc);
  SignalPtr<scannable_fingerprint> scanned_fp(scanned_raw);
  rc = scannable_fingerprint_compare(mine_fp.get(), scanned_fp.get());
  if (rc < 0) return impl_->Fail("scannable_fingerprint_compare", rc);
  return rc == 1;
}

}  // namespace backchannel::interop
