// A Signal-protocol session: X3DH to start it, the Double Ratchet to carry
// it, wire format v3 as libsignal-protocol-c 2.3.3 reads and writes it.
//
// Specifications followed (cited by section in the implementation):
//   X3DH             https://signal.org/docs/specifications/x3dh/
//   Double Ratchet   https://signal.org/docs/specifications/doubleratchet/
//   XEdDSA           https://signal.org/docs/specifications/xeddsa/
// and, where those leave a choice, what libsignal-protocol-c does (KDF info
// strings, the 0xFF prefix of the X3DH secret, MAC inputs, the initiator's
// receiving chain on the signed prekey): docs/protocol.md lists each.
//
// Failure atomicity: Encrypt and Decrypt either succeed or return an error
// and leave the session exactly as it was (its serialization is byte-for-byte
// unchanged), so a forged, corrupt, replayed or too-far-ahead message cannot
// break a conversation.
//
//   Decrypt errors: kInvalidMessage (malformed, truncated, wrong key type),
//   kUnsupportedVersion, kBadMac, kDuplicateMessage (replay), kTooManySkipped,
//   kInvalidKeyId (unknown prekey), kUntrusted (identity changed).
//
// Skipped message keys (Double Ratchet §3.5) are kept per receiving chain with
// a bound per chain (max_skip: a message that would skip more is refused) and
// a bound on the total kept (oldest evicted first).
//
// Thread safety: a Session is a value; distinct objects are safe, a shared
// object is unsafe (callers serialize access per conversation).
#ifndef BACKCHANNEL_SESSION_SESSION_H_
#define BACKCHANNEL_SESSION_SESSION_H_

#include <cstdint>
#include <memory>
#include <optional>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/common/secret_bytes.h"
#include "backchannel/session/keys.h"
#include "backchannel/session/prekeys.h"

namespace backchannel::session {

struct SessionOptions {
  std::uint32_t max_skip = 2000;           // per chain, as libsignal-protocol-c
  std::uint32_t max_skipped_total = 4000;  // across all chains of a state
  std::uint32_t max_receiver_chains = 5;   // old receiving chains kept
  std::uint32_t max_previous_states = 10;  // archived sessions kept for late messages
};

struct CiphertextMessage {
  enum class Type : std::uint8_t { kSignal = 2, kPreKey = 3 };  // libsignal's type numbers
  Type type = Type::kSignal;
  Bytes bytes;
};

namespace internal {
struct SessionRecordState;
}

class Session;

// What a responder gets from the first message of a new session.
struct AcceptedSession;

class Session {
 public:
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Initiator (X3DH §3.3): verifies the bundle's signed prekey signature
  // (kBadSignature) and derives the session. The first messages Encrypt
  // returns are PreKeySignalMessages, until the peer's first reply arrives.
  static Result<Session> Initiate(const IdentityKeyPair& local, std::uint32_t local_registration_id,
                                  const PreKeyBundle& bundle, const SessionOptions& options = {});

  // Responder (X3DH §3.4): builds the session from a PreKeySignalMessage and
  // decrypts it. Nothing is created if any step fails.
  static Result<AcceptedSession> Accept(const IdentityKeyPair& local,
                                        std::uint32_t local_registration_id,
                                        const PreKeyStore& prekeys, ByteView prekey_message,
                                        const SessionOptions& options = {});

  // Restores a session written by Serialize (kCorrupt, kUnsupportedVersion).
  static Result<Session> Deserialize(ByteView bytes, const SessionOptions& options = {});
  // Versioned serialization, including secret keys: store it encrypted.
  SecretBytes Serialize() const;

  Result<CiphertextMessage> Encrypt(ByteView plaintext);

  // Decrypts a SignalMessage, or a PreKeySignalMessage that belongs to this
  // session (a retransmission of the initiator's first messages). A
  // PreKeySignalMessage that starts a different session is kInvalidMessage
  // here: use DecryptPreKey, which has the prekeys to build it.
  Result<Bytes> Decrypt(const CiphertextMessage& message);

  // Decrypts a PreKeySignalMessage for this conversation: for this session,
  // or one that starts a new session with the same remote identity, which
  // then becomes current (the old one is kept for late messages). A different
  // remote identity is kUntrusted. `consumed_one_time_pre_key` reports the
  // one-time prekey a new session used.
  Result<Bytes> DecryptPreKey(const IdentityKeyPair& local, const PreKeyStore& prekeys,
                              ByteView prekey_message,
                              std::optional<std::uint32_t>* consumed_one_time_pre_key = nullptr);

  const PublicKey& remote_identity() const;
  const PublicKey& local_identity() const;
  std::uint32_t remote_registration_id() const;
  // True while the initiator has not yet heard from the responder.
  bool has_unacknowledged_pre_key() const;

 private:
  explicit Session(std::unique_ptr<internal::SessionRecordState> record);
  std::unique_ptr<internal::SessionRecordState> record_;
};

struct AcceptedSession {
  Session session;
  Bytes plaintext;
  std::optional<std::uint32_t> consumed_one_time_pre_key;  // delete it once the session is stored
};

}  // namespace backchannel::session

#endif  // BACKCHANNEL_SESSION_SESSION_H_
