// A contact's identity key changed: someone presents the credential of a
// contact we know (same display name, side, role and authority) from
// another identity key. Contacts are keyed by identity, so the newcomer is
// a new contact; the user hears of it loudly, and a safety number compared
// with the earlier key never counts for the new one (it is recorded per
// key: Contact::compared_identity_key).
#include "client/client_impl.h"

namespace backchannel::client {
namespace {

// The same holder as far as credentials tell: name, side, role, authority.
bool SameHolder(const identity::Credential& a, const identity::Credential& b) {
  return a.display_name == b.display_name && a.side == b.side && a.role == b.role &&
         a.authority_key == b.authority_key;
}

}  // namespace

Result<std::optional<Contact>> Client::Impl::EarlierIdentity(
    const identity::Credential& cred) const {
  BC_ASSIGN_OR_RETURN(auto all, store().ListContacts());
  for (auto& c : all) {
    if (c.identity_key == cred.identity_key || c.credential.empty()) continue;
    auto old = identity::DecodeCredential(c.credential);
    if (!old) continue;  // verified when stored; a row that no longer decodes names no one
    if (SameHolder(*old, cred)) return std::optional<Contact>(std::move(c));
  }
  return std::optional<Contact>();
}

Result<std::map<std::string, std::string>> Client::IdentityChanges() {
  BC_ASSIGN_OR_RETURN(auto all, store().ListContacts());
  std::vector<std::optional<identity::Credential>> creds;
  creds.reserve(all.size());
  for (const auto& c : all) {
    // Verified when stored; a row that no longer decodes names no one.
    std::optional<identity::Credential> cred;
    if (!c.credential.empty()) {
      if (auto decoded = identity::DecodeCredential(c.credential)) cred = std::move(*decoded);
    }
    creds.push_back(std::move(cred));
  }
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!creds[i]) continue;
    for (std::size_t j = 0; j < all.size(); ++j) {
      if (!creds[j] || all[j].identity_key == all[i].identity_key) continue;
      // Created before: the newcomer raised the alert when it arrived.
      if (all[j].created_ms > all[i].created_ms) continue;
      if (SameHolder(*creds[j], *creds[i])) {
        out.emplace(all[i].name, all[j].name);
        break;
      }
    }
  }
  return out;
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
