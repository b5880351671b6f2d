// Trusted authorities, their revocation lists, and credential verification.
#include "backchannel/identity/trust_store.h"

#include "backchannel/common/encoding.h"

namespace backchannel::identity {
namespace {

std::string ShortKey(ByteView key) { return ToHex(key.first(8)); }

}  // namespace

Status TrustStore::AddAuthority(const AuthorityPublicKey& key, std::string label) {
  if (label.empty()) return InvalidArgument("an authority needs a label");
  Entry& e = entries_[key];
  e.key = key;
  e.label = std::move(label);
  return Status::Ok();
}

Status TrustStore::RemoveAuthority(const AuthorityPublicKey& key) {
  if (entries_.erase(key) == 0) return NotFound("authority " + ShortKey(key) + " is not trusted");
  return Status::Ok();
}

const TrustStore::Entry* TrustStore::Find(const AuthorityPublicKey& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<TrustStore::Entry> TrustStore::Entries() const {
  std::vector<Entry> out;
  out.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) out.push_back(entry);
  return out;
}

Status TrustStore::UpdateRevocations(const RevocationList& list) {
  auto it = entries_.find(list.authority_key);
  if (it == entries_.end()) {
    return Status(StatusCode::kUntrusted, "revocation list from an authority you do not trust (" +
                                              ShortKey(list.authority_key) + "…)");
  }
  BC_RETURN_IF_ERROR(VerifyRevocationListSignature(list));
  Entry& entry = it->second;
  if (entry.revocations.has_value()) {
    const RevocationList& held = *entry.revocations;
    if (list.sequence < held.sequence) {
      return FailedPrecondition("revocation list #" + std::to_string(list.sequence) + " from " +
                                entry.label + " is older than the list held (#" +
                                std::to_string(held.sequence) + ")");
    }
    if (list.sequence == held.sequence) {
      if (list.issued_at == held.issued_at && list.revoked_serials == held.revoked_serials &&
          list.signature == held.signature) {
        return Status::Ok();
      }
      return FailedPrecondition("revocation list #" + std::to_string(list.sequence) + " from " +
                                entry.label + " differs from the list held under that number");
    }
  }
  entry.revocations = list;
  return Status::Ok();
}

Status VerifyCredential(const Credential& credential, const TrustStore& trust, std::int64_t now,
                        const session::PublicKey& expected_identity) {
  const TrustStore::Entry* entry = trust.Find(credential.authority_key);
  if (entry == nullptr) {
    return Status(StatusCode::kUntrusted, "credential from an authority you do not trust (" +
                                              credential.side + ", key " +
                                              ShortKey(credential.authority_key) + "…)");
  }
  BC_RETURN_IF_ERROR(VerifyCredentialSignature(credential));
  if (credential.identity_key != expected_identity) {
    return Status(StatusCode::kUntrusted, "credential of " + credential.display_name +
                                              " is for another identity key than this contact's");
  }
  if (entry->revocations.has_value() && entry->revocations->IsRevoked(credential.serial)) {
    return Status(StatusCode::kPermissionDenied,
                  "credential revoked by " + entry->label + " (serial " +
                      std::to_string(credential.serial) + ", revocation list #" +
                      std::to_string(entry->revocations->sequence) + " of " +
                      FormatUnixTime(entry->revocations->issued_at) + ")");
  }
  if (now >= credential.expiry) {
    return FailedPrecondition("credential expired on " + FormatUnixTime(credential.expiry));
  }
  if (now < credential.not_before) {
    return FailedPrecondition("credential not valid until " +
                              FormatUnixTime(credential.not_before));
  }
  return Status::Ok();
}

}  // namespace backchannel::identity
