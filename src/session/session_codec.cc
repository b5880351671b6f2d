// Session::Serialize / Deserialize: the versioned SessionRecord protobuf
// (src/session/proto/state.proto). Deserialize validates every field and
// reports kCorrupt rather than building a state that could misbehave later.
#include <string>

#include "backchannel/session/session.h"
#include "session/session_state.h"
#include "state.pb.h"

namespace backchannel::session {
namespace {

constexpr std::uint32_t kRecordFormatVersion = 1;

using internal::Key32;

std::string Str(ByteView b) { return std::string(AsString(b)); }

// Wipes the secret fields of a serialized-state message before it is freed.
void Wipe(std::string* s) { SecureWipe(s->data(), s->size()); }
void WipeState(state::SessionState* s) {
  Wipe(s->mutable_root_key());
  Wipe(s->mutable_sender()->mutable_ratchet_private());
  Wipe(s->mutable_sender()->mutable_chain_key());
  for (auto& r : *s->mutable_receivers()) {
    Wipe(r.mutable_chain_key());
    for (auto& k : *r.mutable_skipped()) Wipe(k.mutable_seed());
  }
}

void ToProto(const internal::SessionState& in, state::SessionState* out) {
  out->set_local_identity(Str(in.local_identity));
  out->set_remote_identity(Str(in.remote_identity));
  out->set_local_registration_id(in.local_registration_id);
  out->set_remote_registration_id(in.remote_registration_id);
  out->set_root_key(Str(in.root_key.view()));
  out->set_previous_counter(in.previous_counter);
  auto* sender = out->mutable_sender();
  sender->set_ratchet_public(Str(in.sender.ratchet.public_key));
  sender->set_ratchet_private(Str(in.sender.ratchet.private_key.view()));
  sender->set_chain_key(Str(in.sender.chain_key.view()));
  sender->set_index(in.sender.index);
  for (const auto& chain : in.receivers) {
    auto* r = out->add_receivers();
    r->set_ratchet_key(Str(chain.ratchet_key));
    r->set_chain_key(Str(chain.chain_key.view()));
    r->set_index(chain.index);
    for (const auto& k : chain.skipped) {
      auto* sk = r->add_skipped();
      sk->set_counter(k.counter);
      sk->set_seed(Str(k.seed.view()));
      sk->set_sequence(k.sequence);
    }
  }
  if (in.pending) {
    auto* p = out->mutable_pending();
    if (in.pending->pre_key_id) p->set_pre_key_id(*in.pending->pre_key_id);
    p->set_signed_pre_key_id(in.pending->signed_pre_key_id);
    p->set_base_key(Str(in.pending->base_key));
  }
  out->set_base_key(Str(in.base_key));
  out->set_next_sequence(in.next_sequence);
}

Status CorruptField(const char* what) {
  return Corrupt(std::string("session record: bad ") + what);
}

template <std::size_t N, typename Tag>
Status Read(const std::string& field, FixedBytes<N, Tag>& out, const char* what) {
  auto value = FixedBytes<N, Tag>::FromView(AsBytes(field));
  if (!value) return CorruptField(what);
  out = *value;
  return Status::Ok();
}

template <std::size_t N>
Status Read(const std::string& field, SecretArray<N>& out, const char* what) {
  if (field.size() != N) return CorruptField(what);
  out.Assign(AsBytes(field));
  return Status::Ok();
}

Result<internal::SessionState> FromProto(const state::SessionState& in,
                                         const SessionOptions& options) {
  internal::SessionState s;
  BC_RETURN_IF_ERROR(Read(in.local_identity(), s.local_identity, "local identity"));
  BC_RETURN_IF_ERROR(Read(in.remote_identity(), s.remote_identity, "remote identity"));
  s.local_registration_id = in.local_registration_id();
  s.remote_registration_id = in.remote_registration_id();
  BC_RETURN_IF_ERROR(Read(in.root_key(), s.root_key, "root key"));
  s.previous_counter = in.previous_counter();
  if (!in.has_sender()) return CorruptField("sender chain");
  BC_RETURN_IF_ERROR(
      Read(in.sender().ratchet_public(), s.sender.ratchet.public_key, "ratchet key"));
  BC_RETURN_IF_ERROR(
      Read(in.sender().ratchet_private(), s.sender.ratchet.private_key, "ratchet key"));
  BC_RETURN_IF_ERROR(Read(in.sender().chain_key(), s.sender.chain_key, "sender chain key"));
  s.sender.index = in.sender().index();
  if (static_cast<std::uint32_t>(in.receivers_size()) > options.max_receiver_chains) {
    return CorruptField("receiver chain count");
  }
  std::size_t total_skipped = 0;
  for (const auto& r : in.receivers()) {
    internal::ReceiverChain chain;
    BC_RETURN_IF_ERROR(Read(r.ratchet_key(), chain.ratchet_key, "receiver ratchet key"));
    BC_RETURN_IF_ERROR(Read(r.chain_key(), chain.chain_key, "receiver chain key"));
    chain.index = r.index();
    total_skipped += static_cast<std::size_t>(r.skipped_size());
    if (total_skipped > options.max_skipped_total) return CorruptField("skipped key count");
    for (const auto& k : r.skipped()) {
      internal::SkippedKey key;
      key.counter = k.counter();
      if (key.counter >= chain.index) return CorruptField("skipped key counter");
      BC_RETURN_IF_ERROR(Read(k.seed(), key.seed, "skipped key"));
      key.sequence = k.sequence();
      chain.skipped.push_back(std::move(key));
    }
    s.receivers.push_back(std::move(chain));
  }
  if (in.has_pending()) {
    internal::PendingPreKey p;
    if (in.pending().has_pre_key_id()) p.pre_key_id = in.pending().pre_key_id();
    p.signed_pre_key_id = in.pending().signed_pre_key_id();
    BC_RETURN_IF_ERROR(Read(in.pending().base_key(), p.base_key, "pending base key"));
    s.pending = p;
  }
  BC_RETURN_IF_ERROR(Read(in.base_key(), s.base_key, "base key"));
  s.next_sequence = in.next_sequence();
  return s;
}

}  // namespace

SecretBytes Session::Serialize() const {
  state::SessionRecord rec;
  rec.set_format_version(kRecordFormatVersion);
  ToProto(record_->current, rec.mutable_current());
  for (const auto& s : record_->previous) ToProto(s, rec.add_previous());
  SecretBytes out(rec.ByteSizeLong());
  rec.SerializeWithCachedSizesToArray(out.data());
  WipeState(rec.mutable_current());
  for (auto& s : *rec.mutable_previous()) WipeState(&s);
  return out;
}

Result<Session> Session::Deserialize(ByteView bytes, const SessionOptions& options) {
  state::SessionRecord rec;
  if (!rec.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Corrupt("session record does not parse");
  }
  struct Wiper {
    state::SessionRecord* r;
    explicit Wiper(state::SessionRecord* record) : r(record) {}
    Wiper(const Wiper&) = delete;
    Wiper& operator=(const Wiper&) = delete;
    Wiper(Wiper&&) = delete;
    Wiper& operator=(Wiper&&) = delete;
    ~Wiper() {
      WipeState(r->mutable_current());
      for (auto& s : *r->mutable_previous()) WipeState(&s);
    }
  } wiper(&rec);
  if (!rec.has_format_version()) return Corrupt("session record has no format version");
  if (rec.format_version() != kRecordFormatVersion) {
    return Status(StatusCode::kUnsupportedVersion,
                  "session record format " + std::to_string(rec.format_version()));
  }
  if (!rec.has_current()) return Corrupt("session record has no current state");
  if (static_cast<std::uint32_t>(rec.previous_size()) > options.max_previous_states) {
    return CorruptField("archived state count");
  }
  auto record = std::make_unique<internal::SessionRecordState>();
  record->options = options;
  BC_ASSIGN_OR_RETURN(record->current, FromProto(rec.current(), options));
  for (const auto& s : rec.previous()) {
    BC_ASSIGN_OR_RETURN(auto st, FromProto(s, options));
    record->previous.push_back(std::move(st));
  }
  return Session(std::move(record));
}

}  // namespace backchannel::session
