// The sealed row layouts of the local store (schema version 5) and the
// table digests that make a deleted, added, swapped or rolled-back row
// visible. Pure functions: no SQLite, no key handling beyond the digest's
// keyed hash; local_store.cc seals and unseals the bytes made here.
//
// A row's plaintext is   layout(1) = 1 || count(1) || count x (len(4, BE) || bytes)
// with a fixed field count and order per table (docs/client.md, "Local
// store"). Every decoder checks the layout byte, the count, that the fields
// fill the input exactly, and the size of fixed-size fields: a malformed row
// is kCorrupt naming its table, never a crash or a partial value.
//
// Table digest: MSet-XOR-Hash (Clarke, Devadas, van Dijk, Gassend, Suh,
// "Incremental Multiset Hash Functions and Their Application to Memory
// Integrity Checking", ASIACRYPT 2003, section 3): the XOR of a keyed hash
// (HMAC-SHA256, RFC 2104) of every element, together with the element
// count. An element is (table, primary key, sealed row bytes); primary keys
// are unique, so the multiset is a set. Without the key nobody can compute an
// element's hash, so no change to the set of rows keeps the digest.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_SRC_CLIENT_SEALED_ROW_H_
#define BACKCHANNEL_SRC_CLIENT_SEALED_ROW_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/client/local_store.h"
#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/common/secret_bytes.h"

namespace backchannel::client::store {

// The schema version written into every row's associated data.
inline constexpr int kRowSchemaVersion = 5;

// The tables whose rows are sealed and counted in the digests, by the
// logical name used in associated data and error messages.
inline constexpr std::string_view kAuthorities = "authorities";
inline constexpr std::string_view kContacts = "contacts";
inline constexpr std::string_view kMessages = "messages";
inline constexpr std::string_view kOutbox = "outbox";
inline constexpr std::string_view kPending = "pending_requests";

// Mailbox ids and delivery tokens are stored as base64url text, as they were
// before they were typed (the stored format did not change); they are typed
// once, here, as they are loaded. Text that is not the base64url of exactly
// 16 (32) bytes is kCorrupt naming `what`.
Result<MailboxId> ParseStoredMailboxId(std::string_view text, std::string_view what);
Result<DeliveryToken> ParseStoredDeliveryToken(std::string_view text, std::string_view what);
std::string StoredText(const MailboxId& mailbox);
// The token's text in a SecretBytes, wiped when it goes.
SecretBytes StoredText(const DeliveryToken& token);

// An authority key that may be absent, stored as a field of 0 or 32 bytes.
// Any other size is kCorrupt naming `table`.
ByteView StoredOptionalKey(const std::optional<AuthorityPublicKey>& key);
Result<std::optional<AuthorityPublicKey>> ParseStoredOptionalKey(ByteView field,
                                                                 std::string_view table);

// Generic field list. DecodeFields returns views into `in`.
SecretBytes EncodeFields(const std::vector<ByteView>& fields);
Result<std::vector<ByteView>> DecodeFields(ByteView in, std::size_t count, std::string_view table);
// A row whose later fields are optional: min_count..max_count fields.
Result<std::vector<ByteView>> DecodeFields(ByteView in, std::size_t min_count,
                                           std::size_t max_count, std::string_view table);

// One layout per table. The primary key is not in the plaintext (it is in
// the associated data); the contact name and message id are, so the clear
// lookup columns can be checked against them.
SecretBytes EncodeAuthorityRow(const TrustedAuthority& a);
Result<TrustedAuthority> DecodeAuthorityRow(ByteView in);
SecretBytes EncodeContactRow(const Contact& c);
Result<Contact> DecodeContactRow(ByteView in);
SecretBytes EncodeMessageRow(const StoredMessage& m);  // all but seq
Result<StoredMessage> DecodeMessageRow(ByteView in);
SecretBytes EncodeOutboxRow(const OutboxEntry& e);  // all but seq
Result<OutboxEntry> DecodeOutboxRow(ByteView in);
SecretBytes EncodePendingRow(const PendingRequest& r);  // all but seq
Result<PendingRequest> DecodePendingRow(ByteView in);

// ---- table digests ----
using Element = std::array<std::uint8_t, 32>;

struct TableDigest {
  std::uint64_t count = 0;
  Element sum{};  // XOR of the elements

  bool operator==(const TableDigest&) const = default;
};
// By logical table name; a table with no entry is empty.
using Manifest = std::map<std::string, TableDigest>;

// HMAC-SHA256(key, table || 0 || pk || 0 || sealed_row).
Element RowElement(ByteView digest_key, std::string_view table, std::string_view pk,
                   ByteView sealed_row);
void AddElement(TableDigest& d, const Element& e);
void RemoveElement(TableDigest& d, const Element& e);
// Constant time in the sums (they are keyed values).
bool DigestEqual(const TableDigest& a, const TableDigest& b);

// version(1) = 1 || count(1) || count x (name (u16 len || bytes) || count(8) || sum(32)),
// names in ascending order, each at most once.
Bytes EncodeManifest(const Manifest& m);
Result<Manifest> DecodeManifest(ByteView in);

}  // namespace backchannel::client::store

#endif  // BACKCHANNEL_SRC_CLIENT_SEALED_ROW_H_
