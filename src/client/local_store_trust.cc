// Trusted authorities (scoped) and contact requests kept back for an
// untrusted authority.
#include "client/local_store_impl.h"

namespace backchannel::client {

// ---- authorities ----

Status LocalStore::PutAuthority(const TrustedAuthority& a) {
  return Transaction([&] { return impl_->WriteAuthority(a); });
}

Result<std::vector<TrustedAuthority>> LocalStore::ListAuthorities() {
  std::vector<TrustedAuthority> out;
  sqlite::Statement s = impl_->db->Prepare("SELECT pk, row FROM authorities_v5");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const std::string pk = s.ColumnText(0);
    BC_ASSIGN_OR_RETURN(auto plain, impl_->UnsealRow(store::kAuthorities, pk, s.ColumnBlob(1)));
    BC_ASSIGN_OR_RETURN(TrustedAuthority a, store::DecodeAuthorityRow(plain.view()));
    if (impl_->Index("authority", a.key) != pk)
      return RowMismatch(store::kAuthorities, "key index");
    out.push_back(std::move(a));
  }
  std::stable_sort(
      out.begin(), out.end(),
      [](const TrustedAuthority& x, const TrustedAuthority& y) { return x.label < y.label; });
  return out;
}

Status LocalStore::RemoveAuthority(const AuthorityPublicKey& key) {
  return Transaction([&] {
    const std::string pk = impl_->Index("authority", key);
    BC_ASSIGN_OR_RETURN(auto old,
                        impl_->RowAt("SELECT pk, row FROM authorities_v5 WHERE pk = ?", pk));
    if (!old) return NotFound("that authority is not trusted");
    sqlite::Statement s = impl_->db->Prepare("DELETE FROM authorities_v5 WHERE pk = ?");
    s.Bind(1, pk);
    BC_RETURN_IF_ERROR(s.Run());
    return impl_->Touch(store::kAuthorities, old->key, old->row, std::nullopt);
  });
}

// ---- pending requests ----

Result<std::int64_t> LocalStore::AddPending(const PendingRequest& r) {
  std::int64_t seq = 0;
  BC_RETURN_IF_ERROR(Transaction([&]() -> Status {
    sqlite::Statement count = impl_->db->Prepare("SELECT COUNT(*) FROM pending_v5");
    BC_ASSIGN_OR_RETURN(bool row, count.Step());
    if (row && count.ColumnInt64(0) >= static_cast<std::int64_t>(kMaxPendingRequests)) {
      return Status(StatusCode::kResourceExhausted,
                    "already " + std::to_string(kMaxPendingRequests) +
                        " requests wait for an authority you do not trust; trust or refuse them "
                        "first (`backchannel trust pending`)");
    }
    PendingRequest copy{0,
                        r.received_ms ? r.received_ms : NowMs(),
                        r.envelope,
                        r.sender,
                        r.authority_key,
                        r.side,
                        r.role,
                        r.display_name};
    BC_ASSIGN_OR_RETURN(seq, impl_->InsertPending(copy, 0));
    return Status::Ok();
  }));
  return seq;
}

Result<std::vector<PendingRequest>> LocalStore::ListPending() {
  std::vector<PendingRequest> out;
  sqlite::Statement s = impl_->db->Prepare("SELECT seq, row FROM pending_v5 ORDER BY seq");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    const std::int64_t seq = s.ColumnInt64(0);
    BC_ASSIGN_OR_RETURN(auto plain,
                        impl_->UnsealRow(store::kPending, std::to_string(seq), s.ColumnBlob(1)));
    BC_ASSIGN_OR_RETURN(PendingRequest r, store::DecodePendingRow(plain.view()));
    r.seq = seq;
    out.push_back(std::move(r));
  }
  return out;
}

Status LocalStore::RemovePending(std::int64_t seq) {
  return Transaction([&] {
    BC_ASSIGN_OR_RETURN(
        auto old, impl_->RowAt("SELECT CAST(seq AS TEXT), row FROM pending_v5 WHERE seq = ?", seq));
    if (!old) return NotFound("no pending request " + std::to_string(seq));
    sqlite::Statement s = impl_->db->Prepare("DELETE FROM pending_v5 WHERE seq = ?");
    s.Bind(1, seq);
    BC_RETURN_IF_ERROR(s.Run());
    return impl_->Touch(store::kPending, old->key, old->row, std::nullopt);
  });
}

}  // namespace backchannel::client
