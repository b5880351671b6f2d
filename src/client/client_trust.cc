// Trust: the trusted authorities with their scopes, credentials checked
// against them, and the requests kept back until their authority is trusted.
#include "client/client_impl.h"

namespace backchannel::client {

Result<identity::TrustStore> Client::Impl::LoadTrust() const {
  identity::TrustStore trust;
  BC_ASSIGN_OR_RETURN(auto all, store().ListAuthorities());
  for (const auto& a : all) {
    BC_RETURN_IF_ERROR(trust.AddAuthority(a.key, a.label));
    if (!a.revocations.empty()) {
      BC_ASSIGN_OR_RETURN(auto list, identity::DecodeRevocationList(a.revocations));
      BC_RETURN_IF_ERROR(trust.UpdateRevocations(list));
    }
  }
  return trust;
}

Status Client::Impl::TrustIfAbsent(const identity::AuthorityPublicKey& key,
                                   const std::string& side) const {
  BC_ASSIGN_OR_RETURN(auto found, FindAuthority(key));
  if (found) return Status::Ok();
  TrustedAuthority a;
  a.key = key;
  a.label = side;
  a.scoped = true;
  a.sides = {side};
  a.roles = RoleNames(TrustScope::Side(side).roles);
  return store().PutAuthority(a);
}

Result<std::optional<TrustedAuthority>> Client::Impl::FindAuthority(
    const identity::AuthorityPublicKey& key) const {
  BC_ASSIGN_OR_RETURN(auto all, store().ListAuthorities());
  for (auto& a : all) {
    if (a.key == key) return std::optional<TrustedAuthority>(std::move(a));
  }
  return std::optional<TrustedAuthority>();
}

Result<bool> Client::Impl::KeepBack(const session::PublicKey& sender,
                                    const identity::Credential* cred, ReceiveReport& report) {
  if (arriving == nullptr) return Internal("no arriving envelope to keep back");
  PendingRequest r;
  r.envelope = *arriving;
  r.sender = sender;
  r.received_ms = NowMs();
  if (cred) {
    r.authority_key = cred->authority_key;
    r.side = cred->side;
    r.role = std::string(identity::RoleName(cred->role));
    r.display_name = cred->display_name;
  }
  auto added = store().AddPending(r);
  if (!added) {
    if (added.error().code() != StatusCode::kResourceExhausted) return added.error();
    report.refused.push_back(added.error().WithContext("a request was dropped"));
    return true;
  }
  if (cred) {
    report.refused.emplace_back(
        StatusCode::kUntrusted,
        cred->display_name + " (" + r.role + " of " + cred->side +
            ") is accredited by an authority you do not trust; the request is kept until you "
            "trust it (" +
            TrustAdvice(cred->authority_key, r.side, r.role) +
            ") or refuse it (`backchannel trust "
            "pending`)");
  }
  return true;
}

Result<bool> Client::Impl::HasPendingFrom(const session::PublicKey& sender) const {
  BC_ASSIGN_OR_RETURN(auto all, store().ListPending());
  for (const auto& p : all) {
    if (p.sender == sender) return true;
  }
  return false;
}

std::string Client::Impl::DescribeCredential(const identity::Credential& cred,
                                             const std::string& label) const {
  return std::string(identity::RoleName(cred.role)) + " of " + cred.side + ", accredited by " +
         label + " until " + identity::FormatUnixTime(cred.expiry);
}

Result<identity::Credential> Client::Impl::CheckCredential(
    ByteView bytes, const session::PublicKey& remote,
    const std::optional<identity::AuthorityPublicKey>& pinned_authority, std::string* label,
    std::optional<identity::Credential>* untrusted_by) const {
  BC_ASSIGN_OR_RETURN(auto cred, identity::DecodeCredential(bytes));
  BC_ASSIGN_OR_RETURN(auto trust, LoadTrust());
  if (untrusted_by && trust.Find(cred.authority_key) == nullptr &&
      identity::VerifyCredentialSignature(cred).ok() && cred.identity_key == remote) {
    *untrusted_by = cred;
  }
  BC_RETURN_IF_ERROR(identity::VerifyCredential(cred, trust, NowSeconds(), remote));
  BC_ASSIGN_OR_RETURN(auto scope, FindAuthority(cred.authority_key));
  if (scope && scope->scoped) {
    const std::string role(identity::RoleName(cred.role));
    const bool side_ok =
        std::find(scope->sides.begin(), scope->sides.end(), cred.side) != scope->sides.end();
    const bool role_ok =
        std::find(scope->roles.begin(), scope->roles.end(), role) != scope->roles.end();
    if (!side_ok || !role_ok) {
      return Status(StatusCode::kUntrusted,
                    "authority '" + scope->label + "' is trusted to accredit " +
                        Join(scope->roles, "/") + " of " + Join(scope->sides, ", ") + ", not a " +
                        role + " of " + cred.side);
    }
  }
  if (pinned_authority && *pinned_authority != cred.authority_key) {
    return Status(StatusCode::kUntrusted,
                  "credential from another authority than the one the invitation named");
  }
  if (label) *label = trust.Find(cred.authority_key)->label;
  return cred;
}

Result<ReceiveReport> Client::Impl::ProcessPending() {
  ReceiveReport report;
  BC_ASSIGN_OR_RETURN(auto all, store().ListPending());
  for (const auto& p : all) {
    BC_RETURN_IF_ERROR(ProcessSealed(p.envelope, "kept-back envelope refused", report, [&] {
                         return store().RemovePending(p.seq);
                       }).status());
  }
  BC_ASSIGN_OR_RETURN(report.outbox, Flush());
  return report;
}

}  // namespace backchannel::client
