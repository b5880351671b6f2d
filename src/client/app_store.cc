#include "backchannel/client/app_store.h"

namespace backchannel::client {
namespace {

// Only what an app may know of a contact: never its session, address or
// trust details.
AppContact Narrow(const client::Contact& c) { return {c.name, c.identity_key, c.credential}; }

}  // namespace

Result<AppContact> AppStore::Contact(const std::string& name) {
  BC_ASSIGN_OR_RETURN(auto c, store_.GetContact(name));
  return Narrow(c);
}

Result<std::optional<AppContact>> AppStore::ContactByIdentity(
    const session::PublicKey& identity_key) {
  BC_ASSIGN_OR_RETURN(auto c, store_.FindContactByIdentity(identity_key));
  if (!c) return std::optional<AppContact>();
  return std::optional<AppContact>(Narrow(*c));
}

}  // namespace backchannel::client
