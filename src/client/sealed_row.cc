#include "client/sealed_row.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "backchannel/common/byte_io.h"
#include "backchannel/common/fixed_bytes.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::client::store {
namespace {

constexpr std::uint8_t kRowLayout = 1;
constexpr std::uint8_t kManifestLayout = 1;

Status Malformed(std::string_view table, std::string_view why) {
  return Corrupt("store: a row of table '" + std::string(table) + "' is malformed (" +
                 std::string(why) + "; the store file was tampered with or is corrupt)");
}

constexpr auto kStoredB64u = Base64Variant::kUrlSafeNoPadding;

template <typename Fixed>
Result<Fixed> ParseStoredFixed(std::string_view text, std::string_view what) {
  auto value = FromBase64Fixed<Fixed>(text, kStoredB64u);
  if (!value.ok()) {
    return Corrupt("store: " + std::string(what) + " is not the base64url of " +
                   std::to_string(Fixed::kSize) + " bytes");
  }
  return *value;
}

std::array<std::uint8_t, 8> I64Bytes(std::int64_t v) {
  std::array<std::uint8_t, 8> b{};
  const auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i)
    b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(u >> (56 - 8 * i));
  return b;
}

bool ReadI64(ByteView f, std::int64_t& out) {
  if (f.size() != 8) return false;
  ByteReader r(f);
  return r.I64(out);
}

// A list of strings inside one field: each u16 length || bytes.
Bytes EncodeStrings(const std::vector<std::string>& list) {
  ByteWriter w;
  for (const auto& s : list) w.String16(s.substr(0, 65535));
  return w.Take();
}

bool DecodeStrings(ByteView f, std::vector<std::string>& out) {
  ByteReader r(f);
  while (!r.done()) {
    std::string s;
    if (!r.String16(s)) return false;
    out.push_back(std::move(s));
  }
  return true;
}

std::string Str(ByteView f) { return std::string(AsString(f)); }

template <std::size_t N, typename Tag>
bool Fixed(ByteView f, FixedBytes<N, Tag>& out) {
  auto value = FixedBytes<N, Tag>::FromView(f);
  if (!value) return false;
  out = *value;
  return true;
}

}  // namespace

SecretBytes EncodeFields(const std::vector<ByteView>& fields) {
  std::size_t size = 2;
  for (const auto& f : fields) size += 4 + f.size();
  SecretBytes out(size);
  std::uint8_t* p = out.data();
  *p++ = kRowLayout;
  *p++ = static_cast<std::uint8_t>(fields.size());
  for (const auto& f : fields) {
    const auto n = static_cast<std::uint32_t>(f.size());
    *p++ = static_cast<std::uint8_t>(n >> 24);
    *p++ = static_cast<std::uint8_t>(n >> 16);
    *p++ = static_cast<std::uint8_t>(n >> 8);
    *p++ = static_cast<std::uint8_t>(n);
    if (!f.empty()) std::memcpy(p, f.data(), f.size());
    p += f.size();
  }
  return out;
}

Result<std::vector<ByteView>> DecodeFields(ByteView in, std::size_t count, std::string_view table) {
  return DecodeFields(in, count, count, table);
}

Result<std::vector<ByteView>> DecodeFields(ByteView in, std::size_t min_count,
                                           std::size_t max_count, std::string_view table) {
  ByteReader r(in);
  std::uint8_t layout = 0;
  std::uint8_t n = 0;
  if (!r.U8(layout) || layout != kRowLayout) return Malformed(table, "unknown row layout");
  if (!r.U8(n) || n < min_count || n > max_count) return Malformed(table, "wrong field count");
  std::vector<ByteView> fields;
  fields.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t len = 0;
    ByteView f;
    if (!r.U32(len) || !r.Raw(len, f)) return Malformed(table, "truncated field");
    fields.push_back(f);
  }
  if (!r.done()) return Malformed(table, "trailing bytes");
  return fields;
}

Result<MailboxId> ParseStoredMailboxId(std::string_view text, std::string_view what) {
  return ParseStoredFixed<MailboxId>(text, what);
}

Result<DeliveryToken> ParseStoredDeliveryToken(std::string_view text, std::string_view what) {
  return ParseStoredFixed<DeliveryToken>(text, what);
}

ByteView StoredOptionalKey(const std::optional<AuthorityPublicKey>& key) {
  return key ? key->view() : ByteView();
}

Result<std::optional<AuthorityPublicKey>> ParseStoredOptionalKey(ByteView field,
                                                                 std::string_view table) {
  if (field.empty()) return std::optional<AuthorityPublicKey>();
  auto key = AuthorityPublicKey::FromView(field);
  if (!key) return Malformed(table, "an authority key is not 32 bytes");
  return std::optional<AuthorityPublicKey>(*key);
}

std::string StoredText(const MailboxId& mailbox) { return ToBase64(mailbox, kStoredB64u); }

SecretBytes StoredText(const DeliveryToken& token) {
  std::string text = ToBase64(token, kStoredB64u);
  SecretBytes out(AsBytes(text));
  SecureWipe(text.data(), text.size());
  return out;
}

// ---- authorities: key, label, revocations, scoped(1), sides, roles ----

SecretBytes EncodeAuthorityRow(const TrustedAuthority& a) {
  const std::uint8_t scoped = a.scoped ? 1 : 0;
  const Bytes sides = EncodeStrings(a.sides);
  const Bytes roles = EncodeStrings(a.roles);
  return EncodeFields({a.key, AsBytes(a.label), a.revocations, ByteView(&scoped, 1), sides, roles});
}

Result<TrustedAuthority> DecodeAuthorityRow(ByteView in) {
  BC_ASSIGN_OR_RETURN(auto f, DecodeFields(in, 6, kAuthorities));
  TrustedAuthority a;
  auto key = AuthorityPublicKey::FromView(f[0]);
  if (!key) return Malformed(kAuthorities, "an authority key is not 32 bytes");
  a.key = *key;
  a.label = Str(f[1]);
  a.revocations = ToBytes(f[2]);
  if (f[3].size() != 1 || f[3][0] > 1) return Malformed(kAuthorities, "bad scope flag");
  a.scoped = f[3][0] == 1;
  if (!DecodeStrings(f[4], a.sides) || !DecodeStrings(f[5], a.roles)) {
    return Malformed(kAuthorities, "bad scope");
  }
  if (!a.scoped && (!a.sides.empty() || !a.roles.empty())) {
    return Malformed(kAuthorities, "a scope on an unscoped authority");
  }
  return a;
}

// ---- contacts: name, identity_key(32), relay, pin, mailbox, delivery_token,
// authority_key, authority_label, credential, session, created_ms(8),
// compared_identity_key[, next_pin(32)] ----

// A contact row has a 13th field only when their relay announced a next pin
// (a pin rollover): rows without one keep the 12 fields and their bytes.
constexpr std::size_t kContactFields = 12;
constexpr std::size_t kContactFieldsWithNextPin = 13;

SecretBytes EncodeContactRow(const Contact& c) {
  const auto created = I64Bytes(c.created_ms);
  const std::string pin = ToHex(c.address.pin);  // stored as text, as before pins were typed
  const std::string mailbox = StoredText(c.address.mailbox);
  const SecretBytes token = StoredText(c.address.delivery_token);
  std::vector<ByteView> fields = {AsBytes(c.name),
                                  c.identity_key,
                                  AsBytes(c.address.relay),
                                  AsBytes(pin),
                                  AsBytes(mailbox),
                                  token.view(),
                                  StoredOptionalKey(c.authority_key),
                                  AsBytes(c.authority_label),
                                  c.credential,
                                  c.session.view(),
                                  created,
                                  c.compared_identity_key};
  if (c.address.next_pin) fields.push_back(c.address.next_pin->view());
  return EncodeFields(fields);
}

Result<Contact> DecodeContactRow(ByteView in) {
  BC_ASSIGN_OR_RETURN(auto f,
                      DecodeFields(in, kContactFields, kContactFieldsWithNextPin, kContacts));
  const bool has_next_pin = f.size() == kContactFieldsWithNextPin;
  Contact c;
  c.name = Str(f[0]);
  if (!Fixed(f[1], c.identity_key)) return Malformed(kContacts, "identity key size");
  c.address.relay = Str(f[2]);
  auto pin = FromHexFixed<CertificatePin>(Str(f[3]));
  if (!pin.ok()) return Malformed(kContacts, "relay pin");
  c.address.pin = *pin;
  auto mailbox = FromBase64Fixed<MailboxId>(Str(f[4]), kStoredB64u);
  if (!mailbox.ok()) return Malformed(kContacts, "mailbox id");
  c.address.mailbox = *mailbox;
  auto token = FromBase64Fixed<DeliveryToken>(AsString(f[5]), kStoredB64u);
  if (!token.ok()) return Malformed(kContacts, "delivery token");
  c.address.delivery_token = *token;
  BC_ASSIGN_OR_RETURN(c.authority_key, ParseStoredOptionalKey(f[6], kContacts));
  c.authority_label = Str(f[7]);
  c.credential = ToBytes(f[8]);
  if (!f[9].empty()) c.session = SecretBytes(f[9]);
  if (!ReadI64(f[10], c.created_ms)) return Malformed(kContacts, "created time");
  c.compared_identity_key = ToBytes(f[11]);
  if (has_next_pin) {
    auto next = CertificatePin::FromView(f[12]);
    if (!next || *next == c.address.pin) return Malformed(kContacts, "next relay pin");
    c.address.next_pin = *next;
  }
  if (c.name.empty()) return Malformed(kContacts, "empty name");
  return c;
}

// ---- messages: contact, id, direction(1), time_ms(8), body, delivery(1) ----

SecretBytes EncodeMessageRow(const StoredMessage& m) {
  const auto dir = static_cast<std::uint8_t>(m.direction);
  const auto delivery = static_cast<std::uint8_t>(m.delivery);
  const auto time = I64Bytes(m.time_ms);
  return EncodeFields({AsBytes(m.contact), AsBytes(m.id), ByteView(&dir, 1), time, AsBytes(m.body),
                       ByteView(&delivery, 1)});
}

Result<StoredMessage> DecodeMessageRow(ByteView in) {
  BC_ASSIGN_OR_RETURN(auto f, DecodeFields(in, 6, kMessages));
  StoredMessage m;
  m.contact = Str(f[0]);
  m.id = Str(f[1]);
  if (f[2].size() != 1 || f[2][0] > static_cast<std::uint8_t>(Direction::kSystem)) {
    return Malformed(kMessages, "bad direction");
  }
  m.direction = static_cast<Direction>(f[2][0]);
  if (!ReadI64(f[3], m.time_ms)) return Malformed(kMessages, "bad time");
  m.body = Str(f[4]);
  if (f[5].size() != 1 || f[5][0] > static_cast<std::uint8_t>(Delivery::kCancelled)) {
    return Malformed(kMessages, "bad delivery state");
  }
  m.delivery = static_cast<Delivery>(f[5][0]);
  return m;
}

// ---- outbox: contact, message_id, envelope, created_ms(8), attempts(8),
// last_error ----

SecretBytes EncodeOutboxRow(const OutboxEntry& e) {
  const auto created = I64Bytes(e.created_ms);
  const auto attempts = I64Bytes(e.attempts);
  return EncodeFields({AsBytes(e.contact), AsBytes(e.message_id), e.envelope, created, attempts,
                       AsBytes(e.last_error)});
}

Result<OutboxEntry> DecodeOutboxRow(ByteView in) {
  BC_ASSIGN_OR_RETURN(auto f, DecodeFields(in, 6, kOutbox));
  OutboxEntry e;
  e.contact = Str(f[0]);
  e.message_id = Str(f[1]);
  e.envelope = ToBytes(f[2]);
  if (!ReadI64(f[3], e.created_ms) || !ReadI64(f[4], e.attempts) || e.attempts < 0) {
    return Malformed(kOutbox, "bad time or attempt count");
  }
  e.last_error = Str(f[5]);
  return e;
}

// ---- pending_requests: received_ms(8), envelope, sender(32), authority_key,
// side, role, display_name ----

SecretBytes EncodePendingRow(const PendingRequest& r) {
  const auto received = I64Bytes(r.received_ms);
  return EncodeFields({received, r.envelope, r.sender, StoredOptionalKey(r.authority_key),
                       AsBytes(r.side), AsBytes(r.role), AsBytes(r.display_name)});
}

Result<PendingRequest> DecodePendingRow(ByteView in) {
  BC_ASSIGN_OR_RETURN(auto f, DecodeFields(in, 7, kPending));
  PendingRequest r;
  if (!ReadI64(f[0], r.received_ms)) return Malformed(kPending, "bad time");
  r.envelope = ToBytes(f[1]);
  if (!Fixed(f[2], r.sender)) return Malformed(kPending, "sender key size");
  BC_ASSIGN_OR_RETURN(r.authority_key, ParseStoredOptionalKey(f[3], kPending));
  r.side = Str(f[4]);
  r.role = Str(f[5]);
  r.display_name = Str(f[6]);
  return r;
}

// ---- table digests ----

Element RowElement(ByteView digest_key, std::string_view table, std::string_view pk,
                   ByteView sealed_row) {
  const std::uint8_t zero = 0;
  return crypto::HmacSha256(digest_key, {AsBytes(table), ByteView(&zero, 1), AsBytes(pk),
                                         ByteView(&zero, 1), sealed_row});
}

void AddElement(TableDigest& d, const Element& e) {
  ++d.count;
  for (std::size_t i = 0; i < e.size(); ++i) d.sum[i] ^= e[i];
}

void RemoveElement(TableDigest& d, const Element& e) {
  --d.count;  // wraps if the caller removes what was never added: the digest then fails
  for (std::size_t i = 0; i < e.size(); ++i) d.sum[i] ^= e[i];
}

bool DigestEqual(const TableDigest& a, const TableDigest& b) {
  return a.count == b.count && ConstantTimeEqual(a.sum, b.sum);
}

Bytes EncodeManifest(const Manifest& m) {
  ByteWriter w;
  w.U8(kManifestLayout);
  w.U8(static_cast<std::uint8_t>(m.size()));
  for (const auto& [name, d] : m) {
    w.String16(name);
    w.U64(d.count);
    w.Raw(d.sum);
  }
  return w.Take();
}

Result<Manifest> DecodeManifest(ByteView in) {
  const auto bad = [] {
    return Corrupt(
        "store: the table digests are malformed (the store file was tampered with or is corrupt)");
  };
  ByteReader r(in);
  std::uint8_t layout = 0;
  std::uint8_t n = 0;
  if (!r.U8(layout) || layout != kManifestLayout || !r.U8(n)) return bad();
  Manifest m;
  std::string last;
  for (std::uint8_t i = 0; i < n; ++i) {
    std::string name;
    TableDigest d;
    if (!r.String16(name) || !r.U64(d.count) || !r.Array(d.sum)) return bad();
    if (i > 0 && name <= last) return bad();
    last = name;
    m.emplace(std::move(name), d);
  }
  if (!r.done()) return bad();
  return m;
}

}  // namespace backchannel::client::store
