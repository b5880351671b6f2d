// The Double Ratchet's message steps (Double Ratchet §3.3-§3.5) on one
// SessionState. Every decryption computes its step on the side (new chain
// keys, skipped seeds, the DH ratchet's new keys) and commits it only after
// the MAC verifies and the plaintext decrypts.
#include <algorithm>

#include "session/session_state.h"
#include "session/wire_codec.h"

namespace backchannel::session::internal {
namespace {

// What advancing a receiving chain from `from` to `counter` produces.
struct ChainWalk {
  std::vector<std::pair<std::uint32_t, Key32>> skipped;  // seeds for from..counter-1
  Key32 seed;                                            // for `counter`
  Key32 next_chain_key;                                  // for counter + 1
};

ChainWalk WalkChain(const Key32& chain_key, std::uint32_t from, std::uint32_t counter) {
  ChainWalk walk;
  Key32 ck = chain_key.Clone();
  walk.skipped.reserve(counter - from);
  for (std::uint32_t i = from; i < counter; ++i) {
    walk.skipped.emplace_back(i, MessageKeySeed(ck));
    ck = NextChainKey(ck);
  }
  walk.seed = MessageKeySeed(ck);
  walk.next_chain_key = NextChainKey(ck);
  return walk;
}

crypto::Sha256Digest MessageMac(const MessageKeys& keys, const PublicKey& sender,
                                const PublicKey& receiver, ByteView authenticated) {
  const auto s = SerializePublicKey(sender);
  const auto r = SerializePublicKey(receiver);
  return crypto::HmacSha256(keys.mac_key.view(), {s, r, authenticated});
}

// Verifies the MAC (constant time) and decrypts; touches no state.
Result<Bytes> Open(const SessionState& state, const Key32& seed, const ParsedSignalMessage& msg) {
  const MessageKeys keys = DeriveMessageKeys(seed);
  const auto mac = MessageMac(keys, state.remote_identity, state.local_identity, msg.authenticated);
  if (!ConstantTimeEqual(ByteView(mac).first(kMacSize), msg.mac)) {
    return Status(StatusCode::kBadMac, "message authentication failed");
  }
  auto plaintext =
      crypto::Aes256CbcDecrypt(keys.cipher_key.view(), keys.iv.view(), msg.fields.ciphertext);
  if (!plaintext) return plaintext.error().WithContext("authenticated message");
  return plaintext;
}

void AppendSkipped(SessionState& state, ReceiverChain& chain,
                   std::vector<std::pair<std::uint32_t, Key32>>& seeds) {
  for (auto& [counter, seed] : seeds) {
    chain.skipped.push_back(SkippedKey{counter, std::move(seed), state.next_sequence++});
  }
}

// Evicts the oldest skipped seeds (by insertion order, across chains) until
// at most `limit` remain.
void EnforceSkippedBound(SessionState& state, std::size_t limit) {
  std::size_t total = state.SkippedCount();
  while (total > limit) {
    ReceiverChain* oldest = nullptr;
    for (auto& chain : state.receivers) {
      if (!chain.skipped.empty() && (oldest == nullptr || chain.skipped.front().sequence <
                                                              oldest->skipped.front().sequence)) {
        oldest = &chain;
      }
    }
    oldest->skipped.pop_front();
    --total;
  }
}

Status TooMany(std::uint32_t skip, std::uint32_t bound) {
  return {StatusCode::kTooManySkipped, "message would skip " + std::to_string(skip) +
                                           " keys, more than the bound of " +
                                           std::to_string(bound)};
}

}  // namespace

std::size_t SessionState::SkippedCount() const {
  std::size_t n = 0;
  for (const auto& chain : receivers) n += chain.skipped.size();
  return n;
}

CiphertextMessage EncryptWithState(SessionState& state, ByteView plaintext) {
  // Double Ratchet §3.4 RatchetEncrypt: CKs, mk = KDF_CK(CKs).
  const Key32 seed = MessageKeySeed(state.sender.chain_key);
  const MessageKeys keys = DeriveMessageKeys(seed);
  SignalMessageFields fields;
  fields.ratchet_key = state.sender.ratchet.public_key;
  fields.counter = state.sender.index;
  fields.previous_counter = state.previous_counter;
  fields.ciphertext = crypto::Aes256CbcEncrypt(keys.cipher_key.view(), keys.iv.view(), plaintext);
  Bytes message = EncodeSignalMessage(fields);
  const auto mac = MessageMac(keys, state.local_identity, state.remote_identity, message);
  message.insert(message.end(), mac.begin(), mac.begin() + kMacSize);

  state.sender.chain_key = NextChainKey(state.sender.chain_key);
  ++state.sender.index;

  if (!state.pending) return {CiphertextMessage::Type::kSignal, std::move(message)};
  // X3DH §3.3: until the responder answers, every message carries what it
  // needs to build the session.
  PreKeyMessageFields pre;
  pre.registration_id = state.local_registration_id;
  pre.pre_key_id = state.pending->pre_key_id;
  pre.signed_pre_key_id = state.pending->signed_pre_key_id;
  pre.base_key = state.pending->base_key;
  pre.identity_key = state.local_identity;
  pre.message = std::move(message);
  return {CiphertextMessage::Type::kPreKey, EncodePreKeySignalMessage(pre)};
}

Result<Bytes> DecryptWithState(SessionState& state, const SessionOptions& options,
                               ByteView signal_message) {
  BC_ASSIGN_OR_RETURN(auto msg, ParseSignalMessage(signal_message));
  const auto& f = msg.fields;

  auto chain = std::find_if(state.receivers.begin(), state.receivers.end(),
                            [&](const ReceiverChain& c) { return c.ratchet_key == f.ratchet_key; });
  if (chain != state.receivers.end()) {
    if (f.counter < chain->index) {
      // §3.5 TrySkippedMessageKeys; without a stored seed it is a replay.
      auto it = std::find_if(chain->skipped.begin(), chain->skipped.end(),
                             [&](const SkippedKey& k) { return k.counter == f.counter; });
      if (it == chain->skipped.end()) {
        return Status(StatusCode::kDuplicateMessage,
                      "message " + std::to_string(f.counter) + " was already received");
      }
      BC_ASSIGN_OR_RETURN(auto plaintext, Open(state, it->seed, msg));
      chain->skipped.erase(it);
      return plaintext;
    }
    if (f.counter - chain->index > options.max_skip) {
      return TooMany(f.counter - chain->index, options.max_skip);
    }
    ChainWalk walk = WalkChain(chain->chain_key, chain->index, f.counter);
    BC_ASSIGN_OR_RETURN(auto plaintext, Open(state, walk.seed, msg));
    chain->chain_key = std::move(walk.next_chain_key);
    chain->index = f.counter + 1;
    AppendSkipped(state, *chain, walk.skipped);
    EnforceSkippedBound(state, options.max_skipped_total);
    return plaintext;
  }

  // §3.5 DHRatchet: a new ratchet key from the peer. Receiving chain first,
  // verified before any new key pair is made.
  if (f.counter > options.max_skip) return TooMany(f.counter, options.max_skip);
  BC_ASSIGN_OR_RETURN(auto dh_receive,
                      crypto::X25519(state.sender.ratchet.private_key, f.ratchet_key));
  RootAndChain receiving = KdfRootKey(state.root_key, dh_receive);
  ChainWalk walk = WalkChain(receiving.chain_key, 0, f.counter);
  BC_ASSIGN_OR_RETURN(auto plaintext, Open(state, walk.seed, msg));

  KeyPair next_ratchet = crypto::GenerateX25519KeyPair();
  BC_ASSIGN_OR_RETURN(auto dh_send, crypto::X25519(next_ratchet.private_key, f.ratchet_key));
  RootAndChain sending = KdfRootKey(receiving.root_key, dh_send);

  ReceiverChain fresh;
  fresh.ratchet_key = f.ratchet_key;
  fresh.chain_key = std::move(walk.next_chain_key);
  fresh.index = f.counter + 1;
  state.receivers.insert(state.receivers.begin(), std::move(fresh));
  AppendSkipped(state, state.receivers.front(), walk.skipped);
  while (state.receivers.size() > options.max_receiver_chains) state.receivers.pop_back();
  EnforceSkippedBound(state, options.max_skipped_total);

  state.root_key = std::move(sending.root_key);
  // As libsignal-protocol-c: the index of the last message of the old chain.
  state.previous_counter = state.sender.index > 0 ? state.sender.index - 1 : 0;
  state.sender.ratchet = std::move(next_ratchet);
  state.sender.chain_key = std::move(sending.chain_key);
  state.sender.index = 0;
  return plaintext;
}

}  // namespace backchannel::session::internal
