// Changing the passphrase: every sealed column re-sealed under the new key in
// one transaction.
#include "client/local_store_impl.h"

namespace backchannel::client {

// ---- passphrase change ----

namespace {

// Every encrypted column, with its associated data computed in SQL exactly
// as Ad() (and Impl::RowAd) build it: "bc-store-v1|<table>|<row>|<column>".
// The manifest is not here: it is recomputed after the rows. app_log comes
// last: the biggest table, so a failure there shows the rollback of the rest.
struct SealedColumn {
  const char* table;
  const char* column;
  const char* ad;  // SQL expression over the row
  const char* where;
};
constexpr SealedColumn kSealedColumns[] = {
    {"meta", "v", "'meta|' || k || '|v'", "k IN ('check', 'store_secret')"},
    {"identity", "private_key", "'identity|1|private_key'", "1"},
    {"identity", "credential", "'identity|1|credential'", "credential IS NOT NULL"},
    {"prekeys", "private_key", "'prekeys|' || kind || '/' || id || '|private_key'",
     "private_key IS NOT NULL"},
    {"relay", "auth_key", "'relay|1|auth_key'", "1"},
    {"relay", "delivery_token", "'relay|1|delivery_token'", "1"},
    {"authorities_v5", "row", "'authorities|' || pk || '|row|v5'", "1"},
    {"contacts_v5", "row", "'contacts|' || pk || '|row|v5'", "1"},
    {"messages_v5", "row", "'messages|' || seq || '|row|v5'", "1"},
    {"outbox_v5", "row", "'outbox|' || seq || '|row|v5'", "1"},
    {"pending_v5", "row", "'pending_requests|' || seq || '|row|v5'", "1"},
    {"app_values", "value", "'app_values|' || app || '/' || key || '|value'", "1"},
    {"app_values", "sealed_key", "'app_values|' || app || '/' || key || '|key'", "1"},
    {"app_log", "entry", "'app_log|' || app || '/' || log || '/' || seq || '|entry'", "1"},
};

}  // namespace

Status LocalStore::ChangePassphrase(const SecretBytes& new_passphrase) {
  if (new_passphrase.empty()) return InvalidArgument("the new passphrase is empty");
  BC_ASSIGN_OR_RETURN(auto ops_b, impl_->GetMeta("kdf_opslimit"));
  BC_ASSIGN_OR_RETURN(auto mem_b, impl_->GetMeta("kdf_memlimit"));
  BC_ASSIGN_OR_RETURN(std::uint64_t ops, FromU64(ops_b));
  BC_ASSIGN_OR_RETURN(std::uint64_t mem, FromU64(mem_b));
  const crypto::KdfSalt salt = crypto::NewKdfSalt();
  // Argon2id before the write lock: the slow step blocks no other process.
  SecretArray<kKeySize> new_key;
  BC_RETURN_IF_ERROR(DeriveKey(new_passphrase, salt, ops, mem, new_key));
  SecretArray<kKeySize> old_key = impl_->key.Clone();
  Status st = Transaction([&]() -> Status {
    for (const auto& c : kSealedColumns) {
      // Read a whole column first, then rewrite it: no update under an open
      // cursor on the same table.
      struct Cell {
        std::int64_t rowid;
        std::string ad;
        Bytes blob;
      };
      std::vector<Cell> cells;
      {
        sqlite::Statement s =
            impl_->db->PrepareOnce(std::string("SELECT rowid, 'bc-store-v1|' || ") + c.ad + ", " +
                                   c.column + " FROM " + c.table + " WHERE " + c.where);
        for (;;) {
          BC_ASSIGN_OR_RETURN(bool row, s.Step());
          if (!row) break;
          cells.push_back({s.ColumnInt64(0), s.ColumnText(1), s.ColumnBlob(2)});
        }
      }
      for (auto& cell : cells) {
        BC_ASSIGN_OR_RETURN(auto plain, impl_->Unseal(cell.blob, cell.ad));
        Bytes sealed{kBlobVersion};
        Append(sealed, crypto::AeadSeal(new_key, plain.view(), AsBytes(cell.ad)));
        sqlite::Statement u = impl_->db->PrepareOnce(std::string("UPDATE ") + c.table + " SET " +
                                                     c.column + " = ? WHERE rowid = ?");
        u.BindBlob(1, sealed).Bind(2, cell.rowid);
        BC_RETURN_IF_ERROR(u.Run());
      }
    }
    BC_RETURN_IF_ERROR(impl_->PutMeta("kdf_salt", salt));
    // From here on Seal uses the new key: the manifest, made from the
    // re-sealed rows, is sealed under it too.
    impl_->key = new_key.Clone();
    BC_ASSIGN_OR_RETURN(auto manifest, impl_->ComputeManifest());
    return impl_->SaveManifest(manifest);
  });
  if (!st.ok()) impl_->key = std::move(old_key);
  return st.WithContext("store: changing the passphrase (nothing was changed)");
}

}  // namespace backchannel::client
