// The backchannel client: one person's end of the channel. It owns the
// encrypted local store (local_store.h), talks to the relay (relay_client.h),
// keeps a Signal session per contact (session/session.h), wraps every
// session message in a sealed-sender envelope (envelope/envelope.h), and
// checks every counterpart's credential (identity/trust_store.h).
//
//   init ──► identity, registration id, signed prekey, 100 one-time prekeys,
//            a mailbox at the relay, prekeys uploaded
//   rotate ─► (Receive, Listen) a signed prekey older than its maximum age is
//            replaced by a new one (next id), uploaded; the superseded one
//            keeps its private key through a grace period, then is wiped
//   invite ─► invitation code (relay, pin, our mailbox + token, identity,
//            our authority)
//   accept ─► pin the inviter's authority, fetch its bundle, X3DH, send a
//            "hello" payload with our credential and reply address
//   receive ► Open envelope → find contact by identity (unknown + PreKey
//            message = contact request, accepted only with a valid credential
//            from a trusted authority) → decrypt → verify credential → store
//            (duplicates dropped by client message id) → ack at the relay
//
// Sending: the payload is encrypted, the advanced session saved, the line
// recorded (queued) and the sealed envelope put in the outbox, all in one
// store write transaction; then the outbox is flushed: each contact's
// entries are posted in order, byte-identical on every try. A post that
// fails for a passing reason (relay unreachable or timing out, 429, 503,
// 507) leaves the entry queued for the next flush (Send, Receive, Listen,
// FlushOutbox); a refusal that will not pass by itself (pin mismatch, token
// refused, no such mailbox) is reported (SendOutcome::refused,
// FlushReport::errors) and the entry stays in the outbox until the user
// cancels it (CancelQueued) or it goes through.
//
// Undecryptable messages: a message from a known contact that the session
// cannot decrypt is dropped and shown as a system line (at most one per
// contact per kUndecryptableNoticeInterval; the others are counted in the
// report). It never resets the session by itself: the sealed-sender
// envelope does not authenticate the sender it names, so anyone who knows a
// contact's address and identity key could forge one. A real reset is
// authenticated: one side runs ResetSession, which sends a new X3DH
// (PreKeySignalMessage) from the same identity key; the other side accepts
// it and archives the old session. Messages already stored are kept.
//
// App messages: a layer above the client (talks) sends its own bytes with
// SendApp and receives them through the handler it registered for its app
// name with SetAppHandler. The handler runs while the message is being
// received, inside the store transaction that saves the advanced session,
// in a nested transaction of its own:
//   handler OK    ► its store writes, the session and the seen id commit
//                   together; ReceiveReport::app_messages counts it
//   handler error ► its writes are rolled back; the session advance and the
//                   seen id still commit; a system line "refused <app>
//                   message from X: <reason>" is stored and the Status is
//                   in ReceiveReport::refused (the message is acked)
//   no handler    ► the same with kNotFound "no handler for app messages
//                   '<app>'"
//   kIoError      ► (a store failure, from the handler or around it)
//                   nothing commits and the message stays queued at the
//                   relay, as for any store failure while receiving
// A duplicate delivery never reaches the handler (seen ids). Handlers must
// keep their state in the store (client.AppStoreFor(app)), where it rolls back with
// them, and must not send (Send/SendApp/ResetSession return
// kFailedPrecondition while a handler runs): queue answers and send them
// after Receive returns. Only contacts that presented a credential may send
// app messages (as for text).
//
// Thread safety: a Client is not thread-safe; one per process and home.
#ifndef BACKCHANNEL_CLIENT_CLIENT_H_
#define BACKCHANNEL_CLIENT_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backchannel/client/app_store.h"
#include "backchannel/client/local_store.h"
#include "backchannel/client/relay_client.h"
#include "backchannel/common/result.h"
#include "backchannel/common/secret_bytes.h"
#include "backchannel/identity/credential.h"
#include "backchannel/identity/invitation.h"

namespace backchannel::client {

struct ClientOptions {
  std::string home;  // directory holding store.db (created by Init)
  KdfCost kdf_cost = KdfCost::kModerate;
  std::chrono::milliseconds relay_timeout{10000};
  std::uint32_t one_time_prekeys = 100;  // uploaded at init and per replenishment
  std::uint32_t prekeys_low_water = 20;  // replenish below this many at the relay
  // Signed prekey rotation (docs/client.md): when the current signed prekey
  // is this old, Receive and Listen make a new one and upload it. A
  // superseded one keeps its private key for `signed_prekey_grace` after it
  // was superseded (and the newest superseded one always stays), so
  // messages built on a bundle fetched before the rotation still open.
  std::chrono::milliseconds signed_prekey_max_age{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds signed_prekey_grace{std::chrono::hours(24 * 14)};
  // How Listen reconnects after its WebSocket drops.
  ReconnectPolicy listen_reconnect;
  // When set, its Trigger() ends a Listen in progress with OK
  // (listen_interrupt.h): a holder that listens continuously wakes it when
  // it has other calls to make.
  std::shared_ptr<ListenInterrupt> listen_interrupt;
  // The seam (relay_transport.h). How requests reach relays: null is pinned
  // TLS, what the CLI uses; tests give the in-process relay
  // (tests/testing/in_process_relay.h). The transport must outlive every
  // Client made with these options.
  std::shared_ptr<const RelayTransport> transport;
  // The client's wall clock (message times, prekey ages, credential
  // validity, notice intervals); empty: the system clock. Request
  // signatures keep the system clock: the relay checks them against its own.
  WallClock clock;
};

// An app message as its handler sees it.
struct AppMessage {
  std::string contact;                   // the local contact name
  session::PublicKey sender_identity{};  // authenticated by the session
  std::string app;
  Bytes body;
  std::string message_id;    // the envelope's client message id (b64u), unique per contact
  std::int64_t time_ms = 0;  // when it was received (local clock)
};
// Returns OK to accept the message, an error to refuse it (see above).
using AppHandler = std::function<Status(const AppMessage&)>;

struct InitParams {
  std::string relay_address;  // host:port
  CertificatePin relay_pin;
  // The relay's next certificate, from an invitation made during its pin
  // rollover (docs/relay.md); Init also reads GET /v1/pins.
  std::optional<CertificatePin> relay_next_pin{};
};

// What a flush of the outbox did.
struct FlushReport {
  int sent = 0;                // entries the relay took
  int queued = 0;              // entries still waiting
  std::vector<Status> errors;  // refusals that will not pass by themselves, one per contact
};

// What one receive pass did.
struct ReceiveReport {
  std::vector<StoredMessage> stored;   // new messages and system lines, in order
  int duplicates = 0;                  // dropped (already seen)
  std::vector<Status> refused;         // messages refused, each with why
  int app_messages = 0;                // app messages accepted by their handler
  bool replenished = false;            // one-time prekeys were uploaded
  bool signed_prekey_rotated = false;  // a new signed prekey was made and uploaded
  int undecryptable = 0;               // messages from contacts that could not be decrypted
  FlushReport outbox;                  // the outbox flush before receiving
};

// What a trusted authority may accredit: a credential's side must be one of
// `sides` and its role one of `roles`; both lists must be non-empty.
struct TrustScope {
  std::vector<std::string> sides;
  std::vector<identity::Role> roles;
  // One side, every role.
  static TrustScope Side(const std::string& side);
};

// How long after one "could not be decrypted" line for a contact the next is
// only counted (ReceiveReport::undecryptable).
inline constexpr std::chrono::minutes kUndecryptableNoticeInterval{10};

// What Send and SendApp did with a message.
struct SendOutcome {
  std::string message_id;  // the envelope's client message id (b64u)
  bool queued = false;     // in the outbox; false: the relay took it
  Status reason;           // why it is queued (the last post's error)
  // The relay refused it for a reason that will not pass by itself (pin
  // mismatch, token refused, no such mailbox): it stays in the outbox, but
  // the user must hear of it (faces report it as an error).
  bool refused = false;
};

struct ClientStatus {
  std::string identity_key;  // hex of the 33-byte key
  std::string relay;
  MailboxId mailbox;  // faces show it as base64url text
  bool has_credential = false;
  std::string display_name;  // from our credential
  std::size_t contacts = 0;
  std::size_t local_one_time_prekeys = 0;
  std::size_t outbox = 0;  // messages waiting to be posted
  Status relay_status;     // OK when the relay answered
  MailboxStatus mailbox_status;
};

class Client {
 public:
  // Creates the home directory and store, registers a mailbox and uploads
  // prekeys. kAlreadyExists when the home already holds a store; nothing is
  // left behind on failure.
  static Result<std::unique_ptr<Client>> Init(const ClientOptions& options,
                                              const SecretBytes& passphrase,
                                              const InitParams& params);
  // kNotFound (no store), kPermissionDenied "wrong passphrase".
  static Result<std::unique_ptr<Client>> Open(const ClientOptions& options,
                                              const SecretBytes& passphrase);
  // Opens with the store key an agent holds (LocalStore::OpenWithKey): no
  // Argon2id. kPermissionDenied when the key does not open this store.
  static Result<std::unique_ptr<Client>> OpenWithKey(const ClientOptions& options,
                                                     const StoreKey& key);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&&) = delete;
  Client& operator=(Client&&) = delete;

  // Our credential (issued by our authority for our identity key). Its
  // authority becomes trusted for the credential's side (every role) under
  // the side as label, unless it is trusted already.
  // kUntrusted when it is for another identity key, kBadSignature.
  Status ImportCredential(const identity::Credential& credential);
  // Trusts an authority configured by hand (a counterpart's ministry) for
  // `scope`, replacing any earlier scope (its revocation list stays). Then
  // processes the requests kept back for it (PendingRequests): what they
  // brought is in the report. kInvalidArgument for an empty label, side or
  // role list.
  Result<ReceiveReport> TrustAuthority(const identity::AuthorityPublicKey& key,
                                       const std::string& label, const TrustScope& scope);
  // Stops trusting an authority: credentials it issued are refused from now
  // on (contacts already verified stay). kNotFound if it was not trusted.
  Status DistrustAuthority(const identity::AuthorityPublicKey& key);
  Result<std::vector<TrustedAuthority>> Authorities();
  // Messages kept back until their authority is trusted, oldest first.
  Result<std::vector<PendingRequest>> PendingRequests();
  // Drops one kept-back request (by its seq). kNotFound.
  Status RefusePending(std::int64_t seq);
  // Installs a newer revocation list of a trusted authority.
  Status ImportRevocations(const identity::RevocationList& list);

  // REQUIRES: a credential was imported (kFailedPrecondition otherwise).
  Result<identity::Invitation> MakeInvitation();
  // Opens a session with the inviter and sends our hello; returns the
  // contact's name (`name`, or the invitation's display name when empty).
  // The invitation names the authority that accredited the inviter; unless
  // it is trusted already, accepting is refused (kUntrusted, saying how to
  // trust it) — or, with `trust_authority`, it is trusted for the side the
  // invitation names (every role), which the caller asked for explicitly.
  // Accepting never trusts an authority silently.
  Result<std::string> AcceptInvitation(const identity::Invitation& invitation,
                                       const std::string& name = "", bool trust_authority = false);

  // Introductions (docs/talks.md, "Introductions"): a host relays each
  // member's invitation to the members it must meet.
  //
  // An invitation like MakeInvitation's (a fresh single-use ticket) whose
  // ticket remembers `introducer`: the contact who redeems it is marked
  // introduced by them (Contact::introduced_by).
  Result<identity::Invitation> MakeIntroductionInvitation(const std::string& introducer);
  // True while `invitation` (one we made) still carries our mailbox and
  // delivery token; false once RotateDeliveryToken replaced the token, so
  // its holder can no longer reach us with it (talks introductions send a
  // fresh one then).
  bool InvitationAddressCurrent(const identity::Invitation& invitation) const;
  struct Introduced {
    std::string contact;  // the contact's name
    bool opened = false;  // false: it was a contact already, nothing was opened
  };
  // Opens a channel with a member `introducer` introduced, as
  // AcceptInvitation does, after checking what the introducer cannot be
  // trusted for: `credential` must be for the invitation's identity key,
  // issued by the authority the invitation names, and pass our own trusted
  // authorities and their scopes — kUntrusted otherwise, saying what to
  // trust, and nothing is stored (never trusted silently). The contact is
  // named by its credential and marked introduced by `introducer`. An
  // identity already a contact opens nothing (a replayed introduction).
  Result<Introduced> AcceptIntroduction(const identity::Invitation& invitation, ByteView credential,
                                        const std::string& introducer);

  // Encrypts a text message to `contact` and posts it, or queues it when the
  // relay cannot take it now (see "Sending" above). An error means nothing
  // was sent or queued; SendOutcome says which of the two happened.
  Result<SendOutcome> Send(const std::string& contact, const std::string& text);
  // The same for an "app" payload; nothing is stored in the messages table.
  // kInvalidArgument for a bad app name (IsValidAppName) or a body over
  // kMaxAppBodySize (payload.h).
  Result<SendOutcome> SendApp(const std::string& contact, const std::string& app, ByteView body);
  // Replaces our delivery token at the relay: invitations made before stop
  // working (their holder can no longer post or fetch prekeys), and every
  // contact with a session is told the new one inside it (a "hello" with
  // our credential and new address, queued like any message). Returns how
  // many contacts were told. REQUIRES: a credential was imported.
  Result<int> RotateDeliveryToken();
  // Posts what waits in the outbox, in order per contact.
  Result<FlushReport> FlushOutbox();
  // What waits in the outbox (all contacts when `contact` is empty).
  Result<std::vector<OutboxEntry>> Outbox(const std::string& contact = "");
  // Withdraws a queued message (by its message id, or a unique prefix of
  // it); its line shows "cancelled". kNotFound when nothing queued matches.
  Status CancelQueued(const std::string& message_id);
  // Registers the handler for `app`'s messages, replacing any earlier one;
  // an empty handler unregisters.
  void SetAppHandler(const std::string& app, AppHandler handler);
  // Rotates the signed prekey when it is due, then fetches everything
  // queued at the relay and processes it.
  Result<ReceiveReport> Receive();
  // Processes pushed messages for `duration` (zero: until `on_message`
  // returns false), calling `on_message` for each stored line and
  // `on_refused` for each refusal. A dropped connection is retried under
  // `ClientOptions::listen_reconnect` (RelayClient::Listen says which errors
  // end it instead); `on_connection` hears of each drop and reconnection.
  // Messages pushed again after a reconnection are dropped by their id.
  // `after_event`, when given, runs after each pushed message was processed
  // and committed (app messages included, which store no line); returning
  // false stops the listen.
  Status Listen(std::chrono::milliseconds duration,
                const std::function<bool(const StoredMessage&)>& on_message,
                const std::function<void(const Status&)>& on_refused = nullptr,
                const ConnectionHandler& on_connection = nullptr,
                const std::function<bool()>& after_event = nullptr);
  // Makes a new signed prekey now, whatever the age of the current one, and
  // uploads it (Receive and Listen do this when it is due); superseded keys
  // past their grace are wiped.
  Status RotateSignedPreKey();
  // Starts a new session with `contact` and tells them (a "reset" payload).
  Status ResetSession(const std::string& contact, const std::string& reason);

  Result<std::vector<Contact>> Contacts();
  // Records that the user compared `contact`'s safety number in person; it
  // counts while the contact's identity key stays the one compared.
  Status MarkSafetyNumberCompared(const std::string& contact);
  Result<std::vector<StoredMessage>> Messages(const std::string& contact = "");
  // The 60-digit safety number with `contact` (session::ComputeSafetyNumber).
  Result<std::string> Fingerprint(const std::string& contact);
  // The safety number's two halves (30 digits each, formatted), ours (from
  // our identity key) and theirs, as Signal shows them side by side; the
  // number is the two in the order both sides share.
  Result<std::pair<std::string, std::string>> FingerprintHalves(const std::string& contact);
  // The identity-key changes among our contacts: each contact (key) that
  // presents the credential of an earlier contact (value: same display
  // name, side, role and authority, another identity key; the rule of the
  // alert line, client_identity_change.cc). Earlier: created before it.
  Result<std::map<std::string, std::string>> IdentityChanges();
  Result<ClientStatus> GetStatus();

  // Who we are: our identity public key, and our credential (display name,
  // side, role, authority); kFailedPrecondition before one is imported.
  const session::PublicKey& identity_key() const;
  Result<identity::Credential> OwnCredential() const;

  // An app's narrow view of the store (app_store.h): what apps above the
  // client (talks) use, in and out of their handlers.
  AppStore AppStoreFor(const std::string& app) { return {*store_, app}; }
  // The whole store: for the client's own faces (CLI) and tests, not apps.
  LocalStore& store() { return *store_; }

 private:
  struct Impl;
  explicit Client(std::unique_ptr<LocalStore> store, ClientOptions options);
  static Result<std::unique_ptr<Client>> Load(std::unique_ptr<LocalStore> store,
                                              const ClientOptions& options);
  std::unique_ptr<LocalStore> store_;
  ClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backchannel::client

#endif  // BACKCHANNEL_CLIENT_CLIENT_H_
