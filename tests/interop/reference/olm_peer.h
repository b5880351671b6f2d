// OlmPeer / OlmSessionHandle / OlmPair: a minimal driver for libolm 3.2.13
// (Matrix's Double Ratchet), used as a second reference point in the session
// benchmarks.
//
// TEST AND BENCHMARK CODE ONLY: libolm (Apache-2.0) is linked into test and
// benchmark binaries through `bc_reference_peers`, never into the product.
//
// Olm's own formats are kept as-is: keys are unpadded base64 text and messages
// are base64 text with a type (0 = pre-key message, 1 = normal message).
// Randomness comes from libsodium's randombytes_buf.
//
// The olm "X3DH" analogue: Bob publishes his curve25519 identity key and a
// one-time key; Alice creates an outbound session from them (triple DH) and
// her messages are pre-key messages until Bob replies; Bob creates the inbound
// session from Alice's first (pre-key) message and removes the one-time key.
//
// Thread safety: none; each object belongs to one thread at a time.
#ifndef BACKCHANNEL_TESTS_INTEROP_REFERENCE_OLM_PEER_H_
#define BACKCHANNEL_TESTS_INTEROP_REFERENCE_OLM_PEER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/common/status.h"

struct OlmAccount;
struct OlmSession;

namespace backchannel::interop {

// An olm message as olm_encrypt writes it.
struct OlmMessage {
  static constexpr std::size_t kPreKeyType = 0;   // OLM_MESSAGE_TYPE_PRE_KEY
  static constexpr std::size_t kMessageType = 1;  // OLM_MESSAGE_TYPE_MESSAGE
  std::size_t type = 0;
  std::string body;  // base64
};

// One olm session (one side of a conversation).
class OlmSessionHandle {
 public:
  ~OlmSessionHandle();
  OlmSessionHandle(const OlmSessionHandle&) = delete;
  OlmSessionHandle& operator=(const OlmSessionHandle&) = delete;

  // olm_encrypt.
  Result<OlmMessage> Encrypt(ByteView plaintext);
  // olm_decrypt (on a copy: olm decodes the message in place).
  Result<Bytes> Decrypt(const OlmMessage& message);

 private:
  friend class OlmPeer;
  explicit OlmSessionHandle(OlmSession* session, void* memory);
  OlmSession* session_;
  void* memory_;
};

// One olm account: identity keys (curve25519 + ed25519) and one-time keys.
class OlmPeer {
 public:
  // olm_create_account with fresh randomness.
  static Result<std::unique_ptr<OlmPeer>> Create();
  ~OlmPeer();
  OlmPeer(const OlmPeer&) = delete;
  OlmPeer& operator=(const OlmPeer&) = delete;

  // The curve25519 identity key, base64 (from olm_account_identity_keys).
  const std::string& identity_key() const { return identity_curve25519_; }

  // Generates one one-time key, marks the account's keys as published and
  // returns the new key's public part (base64).
  Result<std::string> NewOneTimeKey();

  // Initiator: olm_create_outbound_session to the given identity and one-time key.
  Result<std::unique_ptr<OlmSessionHandle>> CreateOutbound(std::string_view their_identity_key,
                                                           std::string_view their_one_time_key);
  // Responder: olm_create_inbound_session from a pre-key message, then
  // olm_remove_one_time_keys. The message still has to be decrypted with the
  // returned session.
  Result<std::unique_ptr<OlmSessionHandle>> CreateInbound(const OlmMessage& pre_key_message);

 private:
  OlmPeer(OlmAccount* account, void* memory);
  OlmAccount* account_;
  void* memory_;
  std::string identity_curve25519_;
};

// Two accounts with an established session in both directions: the pre-key
// message from Alice and a reply from Bob have been exchanged, so further
// messages are normal messages.
struct OlmPair {
  std::unique_ptr<OlmPeer> alice;
  std::unique_ptr<OlmPeer> bob;
  std::unique_ptr<OlmSessionHandle> alice_session;
  std::unique_ptr<OlmSessionHandle> bob_session;

  static Result<OlmPair> Establish();

  // Encrypts `plaintext` on one side, decrypts it on the other, and checks
  // that the result equals `plaintext` (kInternal if not).
  Status Roundtrip(bool alice_sends, ByteView plaintext);
};

}  // namespace backchannel::interop

#endif  // BACKCHANNEL_TESTS_INTEROP_REFERENCE_OLM_PEER_H_
