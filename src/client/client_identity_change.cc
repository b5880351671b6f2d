// A contact's identity key changed: someone presents the credential of a
// contact we know (same display name, side, role and authority) from
// another identity key. Contacts are keyed by identity, so the newcomer is
// a new contact; the user hears of it loudly, and a safety number compared
// with the earlier key never counts for the new one (it is recorded per
// key: Contact::compared_identity_key).
#include "client/client_impl.h"

namespace backchannel::client {

Result<std::optional<Contact>> Client::Impl::EarlierIdentity(
    const identity::Credential& cred) const {
  BC_ASSIGN_OR_RETURN(auto all, store().ListContacts());
  for (auto& c : all) {
    if (c.identity_key == cred.identity_key || c.credential.empty()) continue;
    auto old = identity::DecodeCredential(c.credential);
    if (!old) continue;  // verified when stored; a row that no longer decodes names no one
    if (old->display_name == cred.display_name && old->side == cred.side &&
        old->role == cred.role && old->authority_key == cred.authority_key) {
      return std::optional<Contact>(std::move(c));
    }
  }
  return std::optional<Contact>();
}

std::string Client::Impl::IdentityChangeAlert(const Contact& earlier, const std::string& name) {
  const bool compared = PublicEqual(earlier.compared_identity_key, earlier.identity_key);
  return "WARNING: IDENTITY KEY CHANGED. " + name + " presents the credential of your contact " +
         earlier.name +
         " from a NEW identity key. If they lost or replaced their device or store, this is "
         "expected; otherwise someone else holds their credential. " +
         (compared ? "The safety number you compared with " + earlier.name +
                         " does not carry over: compare "
                   : "Compare ") +
         "the new one in person (`backchannel fingerprint " + name + "`) before you trust it.";
}

}  // namespace backchannel::client
