// LibsignalPeer: one party of a Signal conversation, run by the reference
// implementation libsignal-protocol-c 2.3.3 and driven with raw bytes, so that
// tests and benchmarks can pair it with backchannel's own session layer.
//
// TEST AND BENCHMARK CODE ONLY. libsignal-protocol-c is GPL-3: this header and
// its library `bc_reference_peers` may be linked into test and benchmark
// binaries, never into a product library or executable.
//
// Byte formats (as libsignal-protocol-c reads and writes them):
//   public key   33 bytes: 0x05 (DJB type) || X25519 public key
//   private key  32 bytes: X25519 scalar. libsignal generates it clamped, and
//                its curve25519-donna does NOT clamp when it computes public
//                keys, agreements or XEdDSA signatures: an unclamped scalar
//                gives results that differ from RFC 7748 and libsodium. Every
//                private key given to this class (CreateWithIdentity,
//                MakeBundleFromKeys, Agreement) is therefore clamped first
//                (RFC 7748 §5); IdentityPrivateKey() returns the clamped form.
//   signature    64 bytes: XEdDSA over the message, verifiable with the
//                33-byte public key
//   messages     wire format v3: PreKeySignalMessage (type 3) and
//                SignalMessage (type 2), the serialized bytes including the
//                version byte and the truncated MAC
//   session      libsignal's serialized session_record (protobuf RecordStructure)
//
// Ownership: each peer owns its signal_context (crypto provider over OpenSSL 3
// and libsodium, see signal_crypto_provider.h), its store context and its
// in-memory stores. A peer may hold sessions with any number of remotes, each
// named by a RemoteAddress.
//
// Thread safety: a peer is not meant to be shared between threads (libsignal
// locks its own context, but the stores' maps are exposed to tests). Distinct
// peers are independent.
//
// Errors: failures are Status values whose code comes from
// SignalErrorToStatusCode() and whose message names the libsignal call, the
// SG_ERR_* code name and value, and the warnings libsignal logged during the call, e.g.
//   "invalid_message: session_cipher_decrypt_signal_message: SG_ERR_INVALID_MESSAGE (-1005);
//    Message mac not verified | No valid sessions"
// (libsignal reports a bad MAC on a SignalMessage as SG_ERR_INVALID_MESSAGE after
// trying every stored state; the log text says why.)
#ifndef BACKCHANNEL_TESTS_INTEROP_REFERENCE_LIBSIGNAL_PEER_H_
#define BACKCHANNEL_TESTS_INTEROP_REFERENCE_LIBSIGNAL_PEER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/common/status.h"

namespace backchannel::interop {

// A remote party's address: libsignal's (name, device id) pair.
struct RemoteAddress {
  std::string name;
  int32_t device_id = 1;
};

// The public half of a prekey bundle, as a server would hand it out (X3DH §3.2).
// Public keys are in the 33-byte serialized form.
struct PreKeyBundleBytes {
  uint32_t registration_id = 0;
  uint32_t device_id = 1;
  std::optional<uint32_t> pre_key_id;  // absent: no one-time prekey
  Bytes pre_key_public;                // 33 bytes, or empty when pre_key_id is absent
  uint32_t signed_pre_key_id = 0;
  Bytes signed_pre_key_public;  // 33 bytes
  // 64 bytes: XEdDSA by the identity key over signed_pre_key_public (33 bytes).
  Bytes signed_pre_key_signature;
  Bytes identity_key;  // 33 bytes
};

// A message on the wire as libsignal produces it.
struct Ciphertext {
  static constexpr int kPreKeyType = 3;  // CIPHERTEXT_PREKEY_TYPE: PreKeySignalMessage
  static constexpr int kSignalType = 2;  // CIPHERTEXT_SIGNAL_TYPE: SignalMessage
  int type = 0;
  Bytes serialized;
};

class LibsignalPeer {
 public:
  // A peer with a fresh identity key pair (signal_protocol_key_helper_
  // generate_identity_key_pair). Null only if libsignal cannot be initialised.
  static std::unique_ptr<LibsignalPeer> Create(uint32_t registration_id);

  // A peer whose identity key pair is given, so that the same keys can be used
  // by backchannel's implementation. `identity_private` is 32 bytes;
  // `identity_public` is 32 or 33 bytes, or empty to derive it from the private
  // key. A given public key that does not match the private key is an error.
  static Result<std::unique_ptr<LibsignalPeer>> CreateWithIdentity(uint32_t registration_id,
                                                                   ByteView identity_private,
                                                                   ByteView identity_public = {});

  ~LibsignalPeer();
  LibsignalPeer(const LibsignalPeer&) = delete;
  LibsignalPeer& operator=(const LibsignalPeer&) = delete;

  uint32_t registration_id() const;
  // 33 bytes: 0x05 || X25519 public key.
  Bytes IdentityPublicKey() const;
  // 32 bytes. Exposed so tests can hand the same identity to the other implementation.
  Bytes IdentityPrivateKey() const;

  // --- Responder side (X3DH "Bob") ---

  // Generates a signed prekey (signed by the identity key, as libsignal's key
  // helper does) and, if `pre_key_id` is set, a one-time prekey; stores both
  // and returns the public bundle. Reusing an id replaces the stored key.
  Result<PreKeyBundleBytes> MakeBundle(uint32_t signed_pre_key_id,
                                       std::optional<uint32_t> pre_key_id, uint32_t device_id = 1);
  // The same with the private keys given (32 bytes each), for deterministic
  // vectors. The signature is still XEdDSA with fresh randomness.
  Result<PreKeyBundleBytes> MakeBundleFromKeys(uint32_t signed_pre_key_id,
                                               ByteView signed_pre_key_private,
                                               std::optional<uint32_t> pre_key_id,
                                               ByteView pre_key_private, uint32_t device_id = 1);

  // --- Initiator side (X3DH "Alice") ---

  // session_builder_process_pre_key_bundle: verifies the signed prekey and
  // starts a session with `remote`. The next Encrypt() to `remote` yields
  // PreKeySignalMessages until a reply from `remote` has been decrypted.
  Status ProcessBundle(const RemoteAddress& remote, const PreKeyBundleBytes& bundle);

  // --- Messages ---

  // session_cipher_encrypt. REQUIRES: a session with `remote`.
  Result<Ciphertext> Encrypt(const RemoteAddress& remote, ByteView plaintext);
  // type 3: pre_key_signal_message_deserialize +
  //         session_cipher_decrypt_pre_key_signal_message (creates the session
  //         on the responder side and consumes the one-time prekey);
  // type 2: signal_message_deserialize + session_cipher_decrypt_signal_message.
  Result<Bytes> Decrypt(const RemoteAddress& remote, int type, ByteView serialized);
  Result<Bytes> Decrypt(const RemoteAddress& remote, const Ciphertext& message) {
    return Decrypt(remote, message.type, message.serialized);
  }

  // --- Session state ---

  bool HasSession(const RemoteAddress& remote) const;
  // The stored session record bytes (kNotFound if there is none).
  Result<Bytes> SerializeSession(const RemoteAddress& remote) const;
  // Replaces the stored record with `record`, as if the process had restarted
  // with it on disk. The bytes are checked with session_record_deserialize.
  Status RestoreSession(const RemoteAddress& remote, ByteView record);
  // Forgets the session (and the trusted identity) for `remote`.
  void DeleteSession(const RemoteAddress& remote);

  // --- Primitives, for cross-checking ---

  // curve_calculate_signature with the identity private key: 64-byte XEdDSA.
  Result<Bytes> Sign(ByteView message);
  // curve_verify_signature. False also when the key is malformed.
  bool Verify(ByteView public_key_33, ByteView message, ByteView signature) const;
  // curve_calculate_agreement: X25519(private_key_32, public_key_33), 32 bytes.
  Result<Bytes> Agreement(ByteView public_key_33, ByteView private_key_32) const;

  // --- Safety numbers (fingerprint_generator, scannable version 1) ---

  // 60 decimal digits (displayable_fingerprint_text): the two parties' 30-digit
  // halves, ordered by libsignal so that both sides see the same string.
  Result<std::string> DisplayableFingerprint(std::string_view local_stable_id,
                                             ByteView local_identity_key_33,
                                             std::string_view remote_stable_id,
                                             ByteView remote_identity_key_33,
                                             int iterations = 5200) const;
  // The serialized scannable fingerprint (protobuf CombinedFingerprints,
  // version 1), as the QR code would carry it.
  Result<Bytes> ScannableFingerprint(std::string_view local_stable_id,
                                     ByteView local_identity_key_33,
                                     std::string_view remote_stable_id,
                                     ByteView remote_identity_key_33, int iterations = 5200) const;
  // scannable_fingerprint_compare(mine, scanned): true when `scanned` (the
  // other party's ScannableFingerprint) matches `mine`; errors for a version
  // or identifier mismatch and for undecodable bytes.
  Result<bool> CompareScannableFingerprints(ByteView mine, ByteView scanned) const;

 private:
  struct Impl;
  explicit LibsignalPeer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace backchannel::interop

#endif  // BACKCHANNEL_TESTS_INTEROP_REFERENCE_LIBSIGNAL_PEER_H_
