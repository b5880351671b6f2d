// The authorities a client trusts, their newest revocation lists, and the
// check a client runs on a counterpart's credential.
//
// An authority is trusted when pinned from an invitation or configured by
// hand, with a label for people ("US State Department"). For each authority
// the store keeps the newest revocation list whose signature verifies; an
// older one (lower sequence), a different list under the same sequence, or
// one with a bad signature is refused, so a relay or a peer cannot roll
// revocations back.
//
// Thread safety: not synchronized; distinct objects are safe, a shared object
// is safe for concurrent const use only.
#ifndef BACKCHANNEL_IDENTITY_TRUST_STORE_H_
#define BACKCHANNEL_IDENTITY_TRUST_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/identity/credential.h"
#include "backchannel/session/keys.h"

namespace backchannel::identity {

class TrustStore {
 public:
  struct Entry {
    AuthorityPublicKey key{};
    std::string label;
    std::optional<RevocationList> revocations;
  };

  // Trusts `key` under `label`. Adding a key already trusted updates its
  // label. kInvalidArgument for an empty label.
  Status AddAuthority(const AuthorityPublicKey& key, std::string label);
  // Forgets an authority and its revocation list. kNotFound when absent.
  Status RemoveAuthority(const AuthorityPublicKey& key);

  // The entry for `key`, or nullptr when it is not trusted.
  const Entry* Find(const AuthorityPublicKey& key) const;
  std::vector<Entry> Entries() const;

  // Installs `list` as the authority's newest revocation list.
  //   kUntrusted          the authority is not trusted
  //   kBadSignature       the signature does not verify
  //   kFailedPrecondition the sequence is lower than the list held, or equal
  //                       with different content (an identical list is OK)
  Status UpdateRevocations(const RevocationList& list);

 private:
  std::map<AuthorityPublicKey, Entry> entries_;
};

// Verifies that `credential` accredits `expected_identity` (the session's
// remote identity key) at time `now` (unix seconds). In this order:
//   kUntrusted          "credential from an authority you do not trust"
//   kBadSignature       the authority's signature does not verify
//   kUntrusted          the credential is for another identity key
//   kPermissionDenied   "credential revoked by <label> ..."
//   kFailedPrecondition "credential expired on <date>" or
//                       "credential not valid until <date>"
Status VerifyCredential(const Credential& credential, const TrustStore& trust, std::int64_t now,
                        const session::PublicKey& expected_identity);

}  // namespace backchannel::identity

#endif  // BACKCHANNEL_IDENTITY_TRUST_STORE_H_
