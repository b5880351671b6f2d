// The in-memory state of a session (Double Ratchet §3.2), kept as plain
// structs so the ratchet can compute a step on the side and commit it only
// when the message authenticates.
//
//   SessionRecordState
//     current ──► SessionState ── root key, sender chain (our ratchet key pair)
//     previous[]  (archived)      receivers[0..4] ── their ratchet key, chain key,
//                                                    next index, skipped seeds
//
//   receiving chain, index n:  seeds kept for skipped counters < n
//       ... [k-2][k-1] | n ──KDF_CK──► n+1 ...   (a counter < n without a seed
//                                                 is a replay)
#ifndef BACKCHANNEL_SRC_SESSION_SESSION_STATE_H_
#define BACKCHANNEL_SRC_SESSION_SESSION_STATE_H_

#include <deque>
#include <optional>
#include <vector>

#include "backchannel/session/keys.h"
#include "backchannel/session/session.h"
#include "session/kdf.h"

namespace backchannel::session::internal {

struct SkippedKey {
  std::uint32_t counter = 0;
  Key32 seed;                  // MessageKeySeed for that counter
  std::uint64_t sequence = 0;  // global insertion order within the state
};

struct ReceiverChain {
  PublicKey ratchet_key{};
  Key32 chain_key;
  std::uint32_t index = 0;         // the next counter this chain key derives
  std::deque<SkippedKey> skipped;  // ascending counter and sequence
};

struct SenderChain {
  KeyPair ratchet;
  Key32 chain_key;
  std::uint32_t index = 0;
};

struct PendingPreKey {
  std::optional<std::uint32_t> pre_key_id;
  std::uint32_t signed_pre_key_id = 0;
  PublicKey base_key{};
};

struct SessionState {
  PublicKey local_identity{};
  PublicKey remote_identity{};
  std::uint32_t local_registration_id = 0;
  std::uint32_t remote_registration_id = 0;
  Key32 root_key;
  std::uint32_t previous_counter = 0;
  SenderChain sender;
  std::vector<ReceiverChain> receivers;  // most recent first
  std::optional<PendingPreKey> pending;  // initiator, until the first reply
  PublicKey base_key{};                  // the initiator's base key: names the session
  std::uint64_t next_sequence = 0;

  std::size_t SkippedCount() const;
};

struct SessionRecordState {
  SessionOptions options;
  SessionState current;
  std::deque<SessionState> previous;  // most recent first
};

// Encrypts with the sender chain; advances it only on success (always).
CiphertextMessage EncryptWithState(SessionState& state, ByteView plaintext);

// Decrypts a SignalMessage against one state; commits the step only when the
// message authenticates and decrypts. Errors leave `state` unchanged.
Result<Bytes> DecryptWithState(SessionState& state, const SessionOptions& options,
                               ByteView signal_message);

}  // namespace backchannel::session::internal

#endif  // BACKCHANNEL_SRC_SESSION_SESSION_STATE_H_
