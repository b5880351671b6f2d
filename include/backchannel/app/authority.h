// A side's authority, for the faces: `authority init|issue|revoke|show`
// (docs/identity.md). The application core owns the authority directory:
//   authority.key    the Ed25519 key, encrypted under the passphrase (0600)
//   authority.json   public bookkeeping: side, public key, issued credentials
//   revocations.txt  the newest signed revocation list (base64url), if any
// The passphrase comes from `passphrase_file`'s first line, else
// BACKCHANNEL_PASSPHRASE, else a prompt with echo off (twice for init), as
// every command reads it.
//
// Every operation checks its arguments before it reads the passphrase, and
// a refused one writes nothing.
//
// Thread safety: reentrant; two processes changing one directory at once
// may lose an issued serial (the state file is replaced atomically).
#ifndef BACKCHANNEL_APP_AUTHORITY_H_
#define BACKCHANNEL_APP_AUTHORITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/app/json.h"
#include "backchannel/common/result.h"

namespace backchannel::app {

struct AuthorityInitInput {
  std::string dir;
  std::string passphrase_file;
  std::string side;
  std::string kdf = "moderate";  // moderate or interactive (tests only)
};

struct AuthorityInitView {
  std::string side;
  std::string public_key;  // base64url
  std::string key_file;
};

// Errors: kAlreadyExists (a key is there), kInvalidArgument (--kdf, the
// directory), the passphrase's and the key's.
Result<AuthorityInitView> InitAuthority(const AuthorityInitInput& input);
Json ToJson(const AuthorityInitView& view);

struct AuthorityIssueInput {
  std::string dir;
  std::string passphrase_file;
  std::string identity_key;  // 33 bytes, hex
  std::string role;          // envoy, principal, mediator or track2
  std::string name;
  std::int64_t days = 0;  // 1..3660
  std::string out;        // also write the credential here, when given
  std::int64_t now = 0;   // unix seconds; 0: the system clock
};

struct IssuedCredentialView {
  std::uint64_t serial = 0;
  std::string role;
  std::string name;
  std::string side;
  std::int64_t not_before = 0;
  std::int64_t expiry = 0;
  std::string expiry_text;  // the expiry in words (UTC)
  std::string credential;   // the credential as text
};

// Errors: kNotFound (no authority there), kCorrupt, kInvalidArgument (key,
// role, days), the passphrase's.
Result<IssuedCredentialView> IssueCredential(const AuthorityIssueInput& input);
Json ToJson(const IssuedCredentialView& view);

struct AuthorityRevokeInput {
  std::string dir;
  std::string passphrase_file;
  std::uint64_t serial = 0;
  std::int64_t now = 0;  // unix seconds; 0: the system clock
};

struct RevocationView {
  std::uint64_t sequence = 0;
  std::int64_t issued_at = 0;
  std::vector<std::uint64_t> revoked;
  std::string text;  // the signed list as text (revocations.txt)
};

// Errors: kNotFound (no such authority or serial), kCorrupt, the
// passphrase's.
Result<RevocationView> RevokeCredential(const AuthorityRevokeInput& input);
Json ToJson(const RevocationView& view);

struct IssuedEntryView {
  std::uint64_t serial = 0;
  std::string name;
  std::string role;
  std::string expiry_text;
  bool revoked = false;
};

struct AuthorityShowView {
  std::string side;
  std::string public_key;
  std::string issued_json;  // authority.json's "issued" list as stored (JSON text)
  std::vector<IssuedEntryView> entries;
  std::vector<std::uint64_t> revoked;
  bool has_revocations = false;
  std::uint64_t revocation_sequence = 0;
  std::int64_t revocation_issued_at = 0;
  std::string revocation_issued_at_text;
};

// Needs no passphrase. Errors: kNotFound, kCorrupt (a damaged file or a
// revocation list not signed by this authority).
Result<AuthorityShowView> ShowAuthority(const std::string& dir);
Json ToJson(const AuthorityShowView& view);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_AUTHORITY_H_
