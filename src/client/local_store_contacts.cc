// Contacts (by keyed index of name and identity key), their sessions and the
// message ids already seen.
#include "client/local_store_impl.h"

namespace backchannel::client {

// ---- contacts ----

Status LocalStore::PutContact(const Contact& c) {
  if (c.created_ms) return Transaction([&] { return impl_->WriteContact(c); });
  Contact copy;
  copy.name = c.name;
  copy.identity_key = c.identity_key;
  copy.address = c.address;
  copy.authority_key = c.authority_key;
  copy.authority_label = c.authority_label;
  copy.credential = c.credential;
  copy.session = c.session.Clone();
  copy.created_ms = NowMs();
  copy.compared_identity_key = c.compared_identity_key;
  return Transaction([&] { return impl_->WriteContact(copy); });
}

Result<Contact> LocalStore::GetContact(const std::string& name) {
  sqlite::Statement s =
      impl_->db->Prepare("SELECT pk, identity, row FROM contacts_v5 WHERE pk = ?");
  s.Bind(1, impl_->Index("contact", AsBytes(name)));
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("no contact named '" + name + "'");
  return impl_->ReadContact(s.ColumnText(0), s.ColumnText(1), s.ColumnBlob(2));
}

Result<std::optional<Contact>> LocalStore::FindContactByIdentity(const session::PublicKey& key) {
  sqlite::Statement s =
      impl_->db->Prepare("SELECT pk, identity, row FROM contacts_v5 WHERE identity = ?");
  s.Bind(1, impl_->Index("identity", key));
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Contact>();
  BC_ASSIGN_OR_RETURN(Contact c,
                      impl_->ReadContact(s.ColumnText(0), s.ColumnText(1), s.ColumnBlob(2)));
  return std::optional<Contact>(std::move(c));
}

Result<std::vector<Contact>> LocalStore::ListContacts() {
  std::vector<Contact> out;
  sqlite::Statement s = impl_->db->Prepare("SELECT pk, identity, row FROM contacts_v5");
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    BC_ASSIGN_OR_RETURN(Contact c,
                        impl_->ReadContact(s.ColumnText(0), s.ColumnText(1), s.ColumnBlob(2)));
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const Contact& x, const Contact& y) { return x.name < y.name; });
  return out;
}

Status LocalStore::SaveSession(const std::string& contact, const SecretBytes& record) {
  return Transaction([&]() -> Status {
    BC_ASSIGN_OR_RETURN(Contact c, GetContact(contact));
    c.session = record.Clone();
    return impl_->WriteContact(c);
  });
}

}  // namespace backchannel::client
