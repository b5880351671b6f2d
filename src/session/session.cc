// Session setup (X3DH) and the record of current and archived states.
#include "backchannel/session/session.h"

#include <algorithm>

#include "session/session_state.h"
#include "session/wire_codec.h"

namespace backchannel::session {
namespace internal {
namespace {

// X3DH §2.2: the secret is prefixed with 32 0xFF bytes (the curve's "F"),
// as libsignal-protocol-c does for Curve25519.
constexpr std::size_t kMaxSecret = std::size_t{32} * 5;

class DhConcatenation {
 public:
  DhConcatenation() { std::fill(buf_.data(), buf_.data() + 32, 0xFF); }
  Status Add(const crypto::X25519PrivateKey& priv, const PublicKey& pub) {
    BC_ASSIGN_OR_RETURN(auto shared, crypto::X25519(priv, pub));
    std::copy(shared.data(), shared.data() + 32, buf_.data() + len_);
    len_ += 32;
    return Status::Ok();
  }
  ByteView view() const { return buf_.view().first(len_); }

 private:
  SecretArray<kMaxSecret> buf_;
  std::size_t len_ = 32;
};

SessionState NewState(const IdentityKeyPair& local, std::uint32_t local_registration_id,
                      const PublicKey& remote_identity, std::uint32_t remote_registration_id,
                      const PublicKey& base_key) {
  SessionState s;
  s.local_identity = local.public_key;
  s.remote_identity = remote_identity;
  s.local_registration_id = local_registration_id;
  s.remote_registration_id = remote_registration_id;
  s.base_key = base_key;
  return s;
}

// X3DH §3.4 on the responder's side, for one PreKeySignalMessage, then the
// first decryption. Returns the new state only if the message decrypts.
Result<std::pair<SessionState, Bytes>> RespondToPreKeyMessage(const IdentityKeyPair& local,
                                                              std::uint32_t local_registration_id,
                                                              const PreKeyStore& prekeys,
                                                              const PreKeyMessageFields& msg,
                                                              const SessionOptions& options) {
  const SignedPreKey* signed_pre_key = prekeys.FindSignedPreKey(msg.signed_pre_key_id);
  if (signed_pre_key == nullptr) {
    return Status(StatusCode::kInvalidKeyId,
                  "no signed prekey with id " + std::to_string(msg.signed_pre_key_id));
  }
  const OneTimePreKey* one_time = nullptr;
  if (msg.pre_key_id) {
    one_time = prekeys.FindOneTimePreKey(*msg.pre_key_id);
    if (one_time == nullptr) {
      return Status(StatusCode::kInvalidKeyId,
                    "no one-time prekey with id " + std::to_string(*msg.pre_key_id));
    }
  }
  // DH1 = DH(SPKb, IKa), DH2 = DH(IKb, EKa), DH3 = DH(SPKb, EKa), DH4 = DH(OPKb, EKa).
  DhConcatenation secret;
  BC_RETURN_IF_ERROR(secret.Add(signed_pre_key->key_pair.private_key, msg.identity_key));
  BC_RETURN_IF_ERROR(secret.Add(local.private_key, msg.base_key));
  BC_RETURN_IF_ERROR(secret.Add(signed_pre_key->key_pair.private_key, msg.base_key));
  if (one_time != nullptr)
    BC_RETURN_IF_ERROR(secret.Add(one_time->key_pair.private_key, msg.base_key));
  RootAndChain keys = DeriveInitialKeys(secret.view());

  SessionState state =
      NewState(local, local_registration_id, msg.identity_key, msg.registration_id, msg.base_key);
  // The responder's first sending chain uses its signed prekey as ratchet key
  // and the X3DH chain key, as libsignal-protocol-c's bob_initialize does.
  state.root_key = std::move(keys.root_key);
  state.sender.ratchet = signed_pre_key->key_pair.Clone();
  state.sender.chain_key = std::move(keys.chain_key);
  BC_ASSIGN_OR_RETURN(auto plaintext, DecryptWithState(state, options, msg.message));
  return std::make_pair(std::move(state), std::move(plaintext));
}

void Archive(SessionRecordState& record, SessionState replacement) {
  record.previous.push_front(std::move(record.current));
  record.current = std::move(replacement);
  while (record.previous.size() > record.options.max_previous_states) record.previous.pop_back();
}

// Makes previous[i] current, keeping the old current as the latest archive.
void Promote(SessionRecordState& record, std::size_t i) {
  SessionState s = std::move(record.previous[i]);
  record.previous.erase(record.previous.begin() + static_cast<std::ptrdiff_t>(i));
  Archive(record, std::move(s));
}

// Decrypts with the current state, then the archived ones (newest first).
// `match` selects which states may be tried.
template <typename Match>
Result<Bytes> DecryptInRecord(SessionRecordState& record, ByteView signal_message, Match match,
                              bool clear_pending) {
  Status first_error = InvalidMessage("no session matches this message");
  bool tried = false;
  if (match(record.current)) {
    auto r = DecryptWithState(record.current, record.options, signal_message);
    if (r) {
      if (clear_pending) record.current.pending.reset();
      return r;
    }
    first_error = r.error();
    tried = true;
  }
  for (std::size_t i = 0; i < record.previous.size(); ++i) {
    if (!match(record.previous[i])) continue;
    auto r = DecryptWithState(record.previous[i], record.options, signal_message);
    if (r) {
      if (clear_pending) record.previous[i].pending.reset();
      Promote(record, i);
      return r;
    }
    if (!tried) first_error = r.error();
    tried = true;
  }
  return first_error;
}

}  // namespace
}  // namespace internal

using internal::SessionRecordState;

Session::Session(std::unique_ptr<SessionRecordState> record) : record_(std::move(record)) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

Result<Session> Session::Initiate(const IdentityKeyPair& local, std::uint32_t local_registration_id,
                                  const PreKeyBundle& bundle, const SessionOptions& options) {
  // X3DH §3.3: verify the signed prekey before using anything in the bundle.
  const auto spk = SerializePublicKey(bundle.signed_pre_key);
  BC_RETURN_IF_ERROR(crypto::XEdDSAVerify(bundle.identity_key, spk, bundle.signed_pre_key_signature)
                         .WithContext("signed prekey"));
  KeyPair base = crypto::GenerateX25519KeyPair();
  // DH1 = DH(IKa, SPKb), DH2 = DH(EKa, IKb), DH3 = DH(EKa, SPKb), DH4 = DH(EKa, OPKb).
  internal::DhConcatenation secret;
  BC_RETURN_IF_ERROR(secret.Add(local.private_key, bundle.signed_pre_key));
  BC_RETURN_IF_ERROR(secret.Add(base.private_key, bundle.identity_key));
  BC_RETURN_IF_ERROR(secret.Add(base.private_key, bundle.signed_pre_key));
  if (bundle.one_time_pre_key_id) {
    BC_RETURN_IF_ERROR(secret.Add(base.private_key, bundle.one_time_pre_key));
  }
  internal::RootAndChain keys = internal::DeriveInitialKeys(secret.view());

  // Double Ratchet §3.3 RatchetInitAlice, with the signed prekey as the
  // responder's first ratchet key; the X3DH chain key becomes the receiving
  // chain for it (the responder may write first, as in libsignal).
  KeyPair ratchet = crypto::GenerateX25519KeyPair();
  BC_ASSIGN_OR_RETURN(auto dh, crypto::X25519(ratchet.private_key, bundle.signed_pre_key));
  internal::RootAndChain sending = internal::KdfRootKey(keys.root_key, dh);

  auto record = std::make_unique<SessionRecordState>();
  record->options = options;
  internal::SessionState& s = record->current;
  s = internal::NewState(local, local_registration_id, bundle.identity_key, bundle.registration_id,
                         base.public_key);
  internal::ReceiverChain receiving;
  receiving.ratchet_key = bundle.signed_pre_key;
  receiving.chain_key = std::move(keys.chain_key);
  s.receivers.push_back(std::move(receiving));
  s.root_key = std::move(sending.root_key);
  s.sender.ratchet = std::move(ratchet);
  s.sender.chain_key = std::move(sending.chain_key);
  s.pending = internal::PendingPreKey{bundle.one_time_pre_key_id, bundle.signed_pre_key_id,
                                      base.public_key};
  return Session(std::move(record));
}

Result<AcceptedSession> Session::Accept(const IdentityKeyPair& local,
                                        std::uint32_t local_registration_id,
                                        const PreKeyStore& prekeys, ByteView prekey_message,
                                        const SessionOptions& options) {
  BC_ASSIGN_OR_RETURN(auto msg, internal::ParsePreKeySignalMessage(prekey_message));
  BC_ASSIGN_OR_RETURN(auto built, internal::RespondToPreKeyMessage(local, local_registration_id,
                                                                   prekeys, msg, options));
  auto record = std::make_unique<SessionRecordState>();
  record->options = options;
  record->current = std::move(built.first);
  return AcceptedSession{Session(std::move(record)), std::move(built.second), msg.pre_key_id};
}

Result<CiphertextMessage> Session::Encrypt(ByteView plaintext) {
  if (record_->current.sender.index == UINT32_MAX) {
    return FailedPrecondition("sending chain exhausted; the peer must reply first");
  }
  return internal::EncryptWithState(record_->current, plaintext);
}

Result<Bytes> Session::Decrypt(const CiphertextMessage& message) {
  if (message.type == CiphertextMessage::Type::kSignal) {
    return internal::DecryptInRecord(
        *record_, message.bytes, [](const internal::SessionState&) { return true; }, true);
  }
  BC_ASSIGN_OR_RETURN(auto msg, internal::ParsePreKeySignalMessage(message.bytes));
  auto same_session = [&](const internal::SessionState& s) { return s.base_key == msg.base_key; };
  if (!same_session(record_->current) &&
      std::none_of(record_->previous.begin(), record_->previous.end(), same_session)) {
    return InvalidMessage("PreKeySignalMessage starts a new session; use DecryptPreKey");
  }
  return internal::DecryptInRecord(*record_, msg.message, same_session, false);
}

Result<Bytes> Session::DecryptPreKey(const IdentityKeyPair& local, const PreKeyStore& prekeys,
                                     ByteView prekey_message,
                                     std::optional<std::uint32_t>* consumed_one_time_pre_key) {
  BC_ASSIGN_OR_RETURN(auto msg, internal::ParsePreKeySignalMessage(prekey_message));
  auto same_session = [&](const internal::SessionState& s) { return s.base_key == msg.base_key; };
  if (same_session(record_->current) ||
      std::any_of(record_->previous.begin(), record_->previous.end(), same_session)) {
    if (consumed_one_time_pre_key != nullptr) consumed_one_time_pre_key->reset();
    return internal::DecryptInRecord(*record_, msg.message, same_session, false);
  }
  if (msg.identity_key != record_->current.remote_identity) {
    return Status(StatusCode::kUntrusted,
                  "a new session from a different identity key than this contact's");
  }
  BC_ASSIGN_OR_RETURN(
      auto built, internal::RespondToPreKeyMessage(local, record_->current.local_registration_id,
                                                   prekeys, msg, record_->options));
  internal::Archive(*record_, std::move(built.first));
  if (consumed_one_time_pre_key != nullptr) *consumed_one_time_pre_key = msg.pre_key_id;
  return std::move(built.second);
}

const PublicKey& Session::remote_identity() const { return record_->current.remote_identity; }
const PublicKey& Session::local_identity() const { return record_->current.local_identity; }
std::uint32_t Session::remote_registration_id() const {
  return record_->current.remote_registration_id;
}
bool Session::has_unacknowledged_pre_key() const { return record_->current.pending.has_value(); }

}  // namespace backchannel::session
