// The client's local store: one SQLite file in the client's home directory,
// with every secret encrypted at rest.
//
// Key: Argon2id (libsodium crypto_pwhash) over the passphrase, with a random
// salt and the cost parameters stored in the file (so a store made with the
// fast test parameters still opens). Secrets (identity private key, prekey
// private keys, session records, the mailbox auth key, delivery tokens,
// credentials and message bodies) are XChaCha20-Poly1305 ciphertexts whose
// associated data is "<table>|<row key>|<column>", so a ciphertext moved to
// another row or column fails to open. A check value tells a wrong
// passphrase (kPermissionDenied "wrong passphrase") from a tampered file
// (kCorrupt "... fails authentication"): neither ever yields garbage.
//
// Tables: meta, identity, prekeys, relay, settings, the sealed tables
// authorities_v5, contacts_v5, messages_v5, seen_v5, outbox_v5, pending_v5,
// and for applications above the client (talks) app_values (encrypted
// key/value) and app_log (encrypted append-only logs). See docs/client.md
// for the schema. Schema version 5; an older store is migrated when opened
// (version 2 added the app tables, version 3 the creation and retirement
// times of signed prekeys, version 4 the outbox and the delivery state of
// outgoing lines, version 5 sealed rows).
//
// Integrity (schema 5): every row that carries trust or history is one
// sealed blob whose associated data names its table, primary key and schema
// version; contact names, identity keys and authority keys are stored only
// as keyed indexes; a sealed digest per table (count and MSet-XOR-Hash of
// the rows) is kept current by every write and checked by Open and
// OpenWithKey, which refuse a store with a deleted, added, swapped or
// rolled-back row: kCorrupt "store: table '<name>' fails its integrity
// check ...". An old copy of the whole file is not detected.
//
// Every write is one transaction; Transaction() groups several writes into
// one (savepoints nest), so a received message, the advanced session and the
// consumed prekey are committed together or not at all. The outermost
// Transaction() is BEGIN IMMEDIATE: it takes SQLite's write lock before its
// first read, so two processes on one home serialise whole read-modify-write
// steps (load a session, encrypt, save it) instead of losing one's update;
// a writer waits up to 5 s for another (busy timeout), then kIoError.
//
// Thread safety: a LocalStore is not thread-safe; use one per thread.
#ifndef BACKCHANNEL_CLIENT_LOCAL_STORE_H_
#define BACKCHANNEL_CLIENT_LOCAL_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/common/authority_key.h"
#include "backchannel/common/bytes.h"
#include "backchannel/common/mailbox_address.h"
#include "backchannel/common/result.h"
#include "backchannel/common/secret_bytes.h"
#include "backchannel/crypto/certificate_pin.h"
#include "backchannel/crypto/password_kdf.h"
#include "backchannel/session/keys.h"
#include "backchannel/session/memory_prekey_store.h"
#include "backchannel/session/prekeys.h"

namespace backchannel::client {

// The Argon2id cost: crypto::KdfCost, the one cost enum (kModerate in
// production, kInteractive keeps tests fast).
using KdfCost = crypto::KdfCost;

// The store's 32-byte key, as Argon2id derives it from the passphrase: what
// an agent holds so that commands skip the derivation (client/agent.h).
using StoreKey = SecretArray<crypto::kKdfKeySize>;

struct StoreOptions {
  KdfCost kdf_cost = KdfCost::kModerate;
};

struct StoredIdentity {
  session::IdentityKeyPair key_pair;
  std::uint32_t registration_id = 0;
  Bytes credential;  // our credential (identity API encoding); empty until imported
};

struct RelayConfig {
  std::string address;           // host:port
  CertificatePin pin;            // SHA-256 of the relay's DER certificate
  MailboxId mailbox;             // our mailbox id (stored as b64u text)
  SecretBytes auth_key;          // Ed25519 secret key (64 bytes) of our mailbox
  DeliveryToken delivery_token;  // handed to contacts (stored sealed, as b64u text)
  // The relay's next certificate (its pin rollover, docs/relay.md), learned
  // from GET /v1/pins; a certificate matching it is accepted too. Kept in
  // the settings table (kRelayNextPinSetting), not a relay column, so a
  // home without a rollover is stored as before.
  std::optional<CertificatePin> next_pin{};
};
inline constexpr std::string_view kRelayNextPinSetting = "relay_next_pin";

// Where a contact receives messages.
struct Address {
  std::string relay;  // host:port
  CertificatePin pin;
  MailboxId mailbox;
  DeliveryToken delivery_token;
  // Their relay's next certificate during its pin rollover (from their
  // reply address or invitation); stored as an optional 13th field of the
  // contact row, absent in rows without one.
  std::optional<CertificatePin> next_pin{};

  // The token is a bearer secret: compared in constant time.
  bool operator==(const Address& o) const {
    return relay == o.relay && pin == o.pin && mailbox == o.mailbox &&
           ConstantTimeEqual(delivery_token, o.delivery_token) && next_pin == o.next_pin;
  }
};

struct Contact {
  std::string name;
  session::PublicKey identity_key{};
  Address address;
  // The authority that must have accredited this contact; none until the
  // first credential is verified (a contact added without an invitation).
  std::optional<AuthorityPublicKey> authority_key;
  std::string authority_label;
  Bytes credential;     // their credential once verified; empty before
  SecretBytes session;  // serialized session record; empty before the first session
  std::int64_t created_ms = 0;
  // The identity key whose safety number the user compared in person; it
  // counts only while it equals `identity_key`. Empty: never compared.
  Bytes compared_identity_key;
  // Who introduced this contact (docs/talks.md, "Introductions"): its
  // credential was checked against our trust, but nobody compared its
  // safety number in person. Empty: met directly. Not a column: filled by
  // Client::Contacts from the client's app values.
  std::string introduced_by;
};

enum class Direction { kIn, kOut, kSystem };
std::string_view DirectionName(Direction d);

// What became of an outgoing line: kNone for incoming and system lines;
// kQueued while its envelope waits in the outbox, kSent once the relay took
// it, kCancelled when the user withdrew it from the outbox.
enum class Delivery { kNone, kQueued, kSent, kCancelled };
std::string_view DeliveryName(Delivery d);  // "", "queued", "sent", "cancelled"

struct StoredMessage {
  std::int64_t seq = 0;  // local order (assigned by the store)
  std::string id;        // client message id (b64u)
  std::string contact;
  Direction direction = Direction::kIn;
  std::int64_t time_ms = 0;
  std::string body;  // the text shown to the user
  Delivery delivery = Delivery::kNone;
};

// A sealed envelope waiting to be posted to a contact's mailbox. It is made
// (and the session advanced) once, at send time; every retry posts these
// very bytes, so a post that reached the relay before a lost reply arrives
// twice with one message id, and the recipient drops the second copy.
struct OutboxEntry {
  std::int64_t seq = 0;  // posting order (assigned by the store)
  std::string contact;
  std::string message_id;  // the envelope's client message id (b64u)
  Bytes envelope;          // sealed (envelope.h); encrypted at rest
  std::int64_t created_ms = 0;
  std::int64_t attempts = 0;  // failed posts so far
  std::string last_error;     // why the last post failed; empty before one did
};

struct TrustedAuthority {
  AuthorityPublicKey
      key{};  // typed where the row is decoded (a stored key of another size is kCorrupt)
  std::string label;
  Bytes revocations;  // latest signed revocation list (identity API encoding), may be empty
  // What it may accredit: a credential's side must be one of `sides` and its
  // role one of `roles` (identity::RoleName). `scoped` is false only for an
  // authority trusted before schema version 4, which accredits anything
  // until it is trusted again with a scope.
  bool scoped = false;
  std::vector<std::string> sides;
  std::vector<std::string> roles;
};

// A message kept back because the credential it carries (or the one its
// sender must present first) comes from an authority this client does not
// trust yet. Trusting that authority processes it again; nothing of it was
// committed (no session, no one-time prekey used). At most
// kMaxPendingRequests are kept.
inline constexpr std::size_t kMaxPendingRequests = 32;
struct PendingRequest {
  std::int64_t seq = 0;  // arrival order (assigned by the store)
  std::int64_t received_ms = 0;
  Bytes envelope;               // the sealed envelope as it arrived; encrypted at rest
  session::PublicKey sender{};  // the identity the envelope names
  std::optional<AuthorityPublicKey> authority_key;  // none: no credential presented yet
  std::string side, role, display_name;             // from that credential
};

// One-time prekeys held: at most this many private halves (unused and not
// wiped) at once. A refill stops at the cap, so someone who drains the
// relay's prekeys with a leaked invitation cannot grow the store without
// bound (docs/client.md, "One-time prekeys").
inline constexpr std::size_t kMaxOneTimePreKeys = 200;
// How long the private half of a one-time prekey stays after the relay has
// handed the key out (as first noticed): a first message that uses it may
// arrive that late. Then it is wiped, and a later first message using it is
// refused as naming a prekey this client no longer holds.
inline constexpr std::int64_t kOneTimePreKeyGraceMs = std::int64_t{7} * 24 * 3600 * 1000;

// A signed prekey's life (the private key itself stays in the store).
struct SignedPreKeyInfo {
  std::uint32_t id = 0;
  std::int64_t created_ms = 0;  // 0: unknown (made before schema version 3)
  std::int64_t retired_ms = 0;  // 0: still current; else when a newer one replaced it
  bool wiped = false;           // its private key was erased
};

// Application names (app tables, "app" payloads): 1..32 characters
// [a-z0-9_-].
inline constexpr std::size_t kMaxAppNameSize = 32;
bool IsValidAppName(std::string_view name);
// App keys and log names: 1..256 bytes of any text (stored in clear, like
// contact names: keep secrets in values and entries).
inline constexpr std::size_t kMaxAppKeySize = 256;
// An app value or log entry: at most 16 MiB.
inline constexpr std::size_t kMaxAppValueSize = std::size_t{16} * 1024 * 1024;

// One entry of an app log. `status` is OK, or (ListAppLogLenient only)
// kCorrupt when the row fails authentication; `entry` is then empty.
struct AppLogEntry {
  std::int64_t seq = 0;
  Bytes entry;
  Status status;
};

class LocalStore {
 public:
  // Creates a new store at `path` (kAlreadyExists if a file is there).
  static Result<std::unique_ptr<LocalStore>> Create(const std::string& path,
                                                    const SecretBytes& passphrase,
                                                    const StoreOptions& options = {});
  // Opens an existing store: kNotFound (no file), kPermissionDenied "wrong
  // passphrase", kCorrupt (not a backchannel store), kUnsupportedVersion.
  static Result<std::unique_ptr<LocalStore>> Open(const std::string& path,
                                                  const SecretBytes& passphrase);
  // Opens with a key derived before (DeriveStoreKey), skipping Argon2id. The
  // same checks as Open on the file, its schema version and its key
  // parameters; a key that does not open the check value is
  // kPermissionDenied "the key does not open this store".
  static Result<std::unique_ptr<LocalStore>> OpenWithKey(const std::string& path,
                                                         const StoreKey& key);
  // The key `passphrase` derives for the store at `path`, checked against the
  // store's check value (the errors of Open). Writes nothing.
  static Result<StoreKey> DeriveStoreKey(const std::string& path, const SecretBytes& passphrase);
  ~LocalStore();
  LocalStore(const LocalStore&) = delete;
  LocalStore& operator=(const LocalStore&) = delete;
  LocalStore(LocalStore&&) = delete;
  LocalStore& operator=(LocalStore&&) = delete;

  // Changes the passphrase (`backchannel passwd`): a new salt, a new store
  // key derived from `new_passphrase` at the store's current Argon2id cost,
  // and every encrypted field and sealed row re-sealed under it, the check
  // value and the table digests remade, all in one transaction. On any
  // failure (a field that fails authentication, I/O) nothing changes and
  // the old passphrase still opens the store; on success only the new one
  // does, and this object goes on with the new key. kInvalidArgument for an
  // empty passphrase. A running agent still holds the old key: stop it first.
  Status ChangePassphrase(const SecretBytes& new_passphrase);

  // Runs `body` inside one transaction: commits when it returns OK, rolls
  // back everything it wrote otherwise. Nests.
  Status Transaction(const std::function<Status()>& body);

  // ---- identity ----
  Status PutIdentity(const StoredIdentity& identity);
  Result<StoredIdentity> GetIdentity();  // kNotFound before init
  Status SetOwnCredential(ByteView credential);

  // ---- prekeys ----
  // Stores a signed prekey as current (created now, or at `created_ms`).
  Status PutSignedPreKey(const session::SignedPreKey& key);
  Status PutSignedPreKey(const session::SignedPreKey& key, std::int64_t created_ms);
  // Every signed prekey row, wiped ones included, by id.
  Result<std::vector<SignedPreKeyInfo>> ListSignedPreKeys();
  // Marks a signed prekey superseded at `retired_ms` (kept until wiped).
  Status RetireSignedPreKey(std::uint32_t id, std::int64_t retired_ms);
  // Erases a signed prekey's private key; the row stays (so its id is never
  // reused) and LoadPreKeys no longer returns it.
  Status WipeSignedPreKey(std::uint32_t id);
  // kResourceExhausted (nothing written) when they would bring the private
  // halves held over kMaxOneTimePreKeys.
  Status PutOneTimePreKeys(const std::vector<session::OneTimePreKey>& keys);
  // The relay reports `remaining` of our one-time prekeys left, and hands
  // them out lowest id first: every held key but the `remaining` highest ids
  // has been taken. Those are marked taken at `now_ms` (a key marked before
  // keeps its first time). Returns how many held keys are marked taken.
  Result<std::size_t> NoteOneTimePreKeysTaken(std::size_t remaining, std::int64_t now_ms);
  // Wipes the private half of every one-time prekey taken at least
  // kOneTimePreKeyGraceMs before `now_ms`; the row stays (its id is never
  // reused). Returns how many were wiped.
  Result<std::size_t> WipeExpiredOneTimePreKeys(std::int64_t now_ms);
  // How many more one-time prekeys fit under kMaxOneTimePreKeys.
  Result<std::size_t> OneTimePreKeyRoom();
  // Marks a one-time prekey used (its private key is wiped from the row).
  Status MarkOneTimePreKeyUsed(std::uint32_t id);
  // All signed prekeys not wiped and all unused one-time prekeys.
  Result<session::InMemoryPreKeyStore> LoadPreKeys();
  Result<std::uint32_t> NextOneTimePreKeyId();
  Result<std::size_t> CountUnusedOneTimePreKeys();

  // ---- relay ----
  Status PutRelayConfig(const RelayConfig& config);
  Result<RelayConfig> GetRelayConfig();  // kNotFound before init

  // ---- trusted authorities ----
  Status PutAuthority(const TrustedAuthority& authority);  // insert or replace by key
  Result<std::vector<TrustedAuthority>> ListAuthorities();
  Status RemoveAuthority(const AuthorityPublicKey& key);  // kNotFound

  // ---- pending requests ----
  // kResourceExhausted when kMaxPendingRequests are already kept.
  Result<std::int64_t> AddPending(const PendingRequest& request);
  Result<std::vector<PendingRequest>> ListPending();  // arrival order
  Status RemovePending(std::int64_t seq);             // kNotFound

  // ---- contacts ----
  Status PutContact(const Contact& contact);            // insert or replace by name
  Result<Contact> GetContact(const std::string& name);  // kNotFound
  Result<std::optional<Contact>> FindContactByIdentity(const session::PublicKey& key);
  Result<std::vector<Contact>> ListContacts();
  Status SaveSession(const std::string& contact, const SecretBytes& record);

  // ---- messages ----
  // Records `message` unless (contact, id) was seen before: returns false for
  // a duplicate (nothing written), true when stored.
  Result<bool> AddMessage(const StoredMessage& message);
  Result<bool> SeenMessage(const std::string& contact, const std::string& id);
  // Records (contact, id) as seen without storing a line (app messages):
  // false when it already was.
  Result<bool> MarkSeen(const std::string& contact, const std::string& id);
  // Oldest first; all contacts when `contact` is empty; after seq `after`.
  Result<std::vector<StoredMessage>> ListMessages(const std::string& contact = "",
                                                  std::int64_t after = 0);

  // Sets the delivery state of the line (contact, id); kNotFound if absent.
  Status SetDelivery(const std::string& contact, const std::string& id, Delivery delivery);

  // ---- outbox ----
  // Appends an entry (its seq is assigned); returns the seq.
  Result<std::int64_t> AddOutbox(const OutboxEntry& entry);
  // In posting order; all contacts when `contact` is empty.
  Result<std::vector<OutboxEntry>> ListOutbox(const std::string& contact = "");
  // Removes one entry (posted or cancelled); kNotFound if absent.
  Status RemoveOutbox(std::int64_t seq);
  // Counts a failed post and remembers why.
  Status NoteOutboxFailure(std::int64_t seq, const std::string& error);

  // ---- application data (the layers above the client) ----
  // Every call checks its arguments: kInvalidArgument for an app name that
  // is not IsValidAppName, an empty or too long key or log name, a value
  // over kMaxAppValueSize. Values and entries are encrypted with associated
  // data "app_values|<app>/<key>|value" and "app_log|<app>/<log>/<seq>|entry"
  // (app names hold no '/' and seq is digits, so neither is ambiguous).

  // Key/value: insert or replace; nullopt when absent; deleting an absent
  // key is OK. ListAppKeys: the keys of `app` starting with `prefix` (bytes),
  // in byte order.
  Status PutAppValue(const std::string& app, const std::string& key, ByteView value);
  Result<std::optional<Bytes>> GetAppValue(const std::string& app, const std::string& key);
  Status DeleteAppValue(const std::string& app, const std::string& key);
  Result<std::vector<std::string>> ListAppKeys(const std::string& app,
                                               const std::string& prefix = "");

  // Append-only log per (app, log): returns the new entry's seq, 1, 2, 3...
  // A seq is never handed out twice, even when the last row was deleted.
  Result<std::int64_t> AppendAppLog(const std::string& app, const std::string& log, ByteView entry);
  // The entries after `after_seq`, oldest first, exactly as stored: the log
  // does not hide gaps (a deleted row is simply absent; a hash chain above
  // reports it). A row that fails authentication (tampered, or moved from
  // another seq or log) is kCorrupt "app_log entry <seq> fails
  // authentication (...)".
  Result<std::vector<AppLogEntry>> ListAppLog(const std::string& app, const std::string& log,
                                              std::int64_t after_seq = 0);
  // The same, but a row that fails authentication is returned with a
  // non-OK status and an empty entry instead of failing the whole list, so a
  // verifier can report every bad row. Errors only for bad arguments or I/O.
  Result<std::vector<AppLogEntry>> ListAppLogLenient(const std::string& app, const std::string& log,
                                                     std::int64_t after_seq = 0);

  // ---- small settings (plain, not secret) ----
  Status PutSetting(const std::string& key, const std::string& value);
  Result<std::optional<std::string>> GetSetting(const std::string& key);

 private:
  struct Impl;
  explicit LocalStore(std::unique_ptr<Impl> impl);
  // Upgrades an opened store from `version`, loads the row keys and checks
  // every table digest.
  static Result<std::unique_ptr<LocalStore>> Finish(std::unique_ptr<Impl> impl,
                                                    std::uint64_t version);
  std::unique_ptr<Impl> impl_;
};

}  // namespace backchannel::client

#endif  // BACKCHANNEL_CLIENT_LOCAL_STORE_H_
