// The conversation lines, sealed, with their delivery state.
#include "client/local_store_impl.h"

namespace backchannel::client {

// ---- messages ----

Result<bool> LocalStore::SeenMessage(const std::string& contact, const std::string& id) {
  sqlite::Statement s = impl_->db->Prepare("SELECT 1 FROM seen_v5 WHERE contact = ? AND id = ?");
  s.Bind(1, impl_->Index("contact", AsBytes(contact))).Bind(2, id);
  return s.Step();
}

Result<bool> LocalStore::MarkSeen(const std::string& contact, const std::string& id) {
  bool added = false;
  Status st = Transaction([&] {
    sqlite::Statement s =
        impl_->db->Prepare("INSERT OR IGNORE INTO seen_v5 (contact, id) VALUES (?, ?)");
    s.Bind(1, impl_->Index("contact", AsBytes(contact))).Bind(2, id);
    BC_RETURN_IF_ERROR(s.Run());
    added = impl_->db->Changes() == 1;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return added;
}

Result<bool> LocalStore::AddMessage(const StoredMessage& m) {
  bool added = false;
  Status st = Transaction([&] {
    BC_ASSIGN_OR_RETURN(bool fresh, MarkSeen(m.contact, m.id));
    if (!fresh) return Status::Ok();
    StoredMessage copy = m;
    if (!copy.time_ms) copy.time_ms = NowMs();
    BC_RETURN_IF_ERROR(impl_->InsertMessage(copy, 0).status());
    added = true;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return added;
}

Result<std::vector<StoredMessage>> LocalStore::ListMessages(const std::string& contact,
                                                            std::int64_t after) {
  std::vector<StoredMessage> out;
  const std::string ix = contact.empty() ? "" : impl_->Index("contact", AsBytes(contact));
  sqlite::Statement s = impl_->db->Prepare(
      "SELECT seq, contact, id, row FROM messages_v5 "
      "WHERE seq > ? AND (? = '' OR contact = ?) ORDER BY seq");
  s.Bind(1, after).Bind(2, ix).Bind(3, ix);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const std::int64_t seq = s.ColumnInt64(0);
    BC_ASSIGN_OR_RETURN(auto plain,
                        impl_->UnsealRow(store::kMessages, std::to_string(seq), s.ColumnBlob(3)));
    BC_ASSIGN_OR_RETURN(StoredMessage m, store::DecodeMessageRow(plain.view()));
    BC_RETURN_IF_ERROR(CheckLookup(
        store::kMessages,
        impl_->Index("contact", AsBytes(m.contact)) == s.ColumnText(1) && m.id == s.ColumnText(2)));
    m.seq = seq;
    out.push_back(std::move(m));
  }
  return out;
}

Status LocalStore::SetDelivery(const std::string& contact, const std::string& id,
                               Delivery delivery) {
  return Transaction([&]() -> Status {
    const std::string ix = impl_->Index("contact", AsBytes(contact));
    sqlite::Statement s =
        impl_->db->Prepare("SELECT seq, row FROM messages_v5 WHERE contact = ? AND id = ?");
    s.Bind(1, ix).Bind(2, id);
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return NotFound("no message " + id + " with '" + contact + "'");
    const std::int64_t seq = s.ColumnInt64(0);
    const std::string pk = std::to_string(seq);
    const Bytes old = s.ColumnBlob(1);
    BC_ASSIGN_OR_RETURN(auto plain, impl_->UnsealRow(store::kMessages, pk, old));
    BC_ASSIGN_OR_RETURN(StoredMessage m, store::DecodeMessageRow(plain.view()));
    BC_RETURN_IF_ERROR(CheckLookup(store::kMessages, m.contact == contact && m.id == id));
    m.delivery = delivery;
    Bytes sealed = impl_->SealRow(store::kMessages, pk, store::EncodeMessageRow(m));
    sqlite::Statement u = impl_->db->Prepare("UPDATE messages_v5 SET row = ? WHERE seq = ?");
    u.BindBlob(1, sealed).Bind(2, seq);
    BC_RETURN_IF_ERROR(u.Run());
    return impl_->Touch(store::kMessages, pk + "|" + ix + "|" + id, old, std::move(sealed));
  });
}

}  // namespace backchannel::client
