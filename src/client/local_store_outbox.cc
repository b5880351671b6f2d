// The outbox: sealed envelopes made at send time, waiting to be posted.
#include "client/local_store_impl.h"

namespace backchannel::client {

// ---- outbox ----

namespace {
constexpr const char* kOutboxRowAt =
    "SELECT seq || '|' || contact || '|' || message_id, row FROM outbox_v5 WHERE seq = ?";
}  // namespace

Result<std::int64_t> LocalStore::AddOutbox(const OutboxEntry& e) {
  std::int64_t seq = 0;
  BC_RETURN_IF_ERROR(Transaction([&]() -> Status {
    OutboxEntry copy{0, e.contact, e.message_id, e.envelope, e.created_ms ? e.created_ms : NowMs(),
                     0, ""};
    BC_ASSIGN_OR_RETURN(seq, impl_->InsertOutbox(copy, 0));
    return Status::Ok();
  }));
  return seq;
}

Result<std::vector<OutboxEntry>> LocalStore::ListOutbox(const std::string& contact) {
  std::vector<OutboxEntry> out;
  const std::string ix = contact.empty() ? "" : impl_->Index("contact", AsBytes(contact));
  sqlite::Statement s = impl_->db->Prepare(
      "SELECT seq, contact, message_id, row FROM outbox_v5 "
      "WHERE (? = '' OR contact = ?) ORDER BY seq");
  s.Bind(1, ix).Bind(2, ix);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const std::int64_t seq = s.ColumnInt64(0);
    BC_ASSIGN_OR_RETURN(auto plain,
                        impl_->UnsealRow(store::kOutbox, std::to_string(seq), s.ColumnBlob(3)));
    BC_ASSIGN_OR_RETURN(OutboxEntry e, store::DecodeOutboxRow(plain.view()));
    BC_RETURN_IF_ERROR(CheckLookup(store::kOutbox,
                                   impl_->Index("contact", AsBytes(e.contact)) == s.ColumnText(1) &&
                                       e.message_id == s.ColumnText(2)));
    e.seq = seq;
    out.push_back(std::move(e));
  }
  return out;
}

Status LocalStore::RemoveOutbox(std::int64_t seq) {
  return Transaction([&] {
    BC_ASSIGN_OR_RETURN(auto old, impl_->RowAt(kOutboxRowAt, seq));
    if (!old) return NotFound("no queued message " + std::to_string(seq) + " in the outbox");
    sqlite::Statement s = impl_->db->Prepare("DELETE FROM outbox_v5 WHERE seq = ?");
    s.Bind(1, seq);
    BC_RETURN_IF_ERROR(s.Run());
    return impl_->Touch(store::kOutbox, old->key, old->row, std::nullopt);
  });
}

Status LocalStore::NoteOutboxFailure(std::int64_t seq, const std::string& error) {
  return Transaction([&]() -> Status {
    BC_ASSIGN_OR_RETURN(auto old, impl_->RowAt(kOutboxRowAt, seq));
    if (!old) return Status::Ok();  // posted or cancelled meanwhile
    const std::string pk = std::to_string(seq);
    BC_ASSIGN_OR_RETURN(auto plain, impl_->UnsealRow(store::kOutbox, pk, old->row));
    BC_ASSIGN_OR_RETURN(OutboxEntry e, store::DecodeOutboxRow(plain.view()));
    ++e.attempts;
    e.last_error = error;
    Bytes sealed = impl_->SealRow(store::kOutbox, pk, store::EncodeOutboxRow(e));
    sqlite::Statement u = impl_->db->Prepare("UPDATE outbox_v5 SET row = ? WHERE seq = ?");
    u.BindBlob(1, sealed).Bind(2, seq);
    BC_RETURN_IF_ERROR(u.Run());
    BC_RETURN_IF_ERROR(impl_->Touch(store::kOutbox, old->key, old->row, std::nullopt));
    return impl_->Touch(store::kOutbox, old->key, std::nullopt, std::move(sealed));
  });
}

}  // namespace backchannel::client
