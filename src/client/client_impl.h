// Client::Impl, the client's state and logic behind client.h, one file per
// responsibility (docs/client.md, "Layout"):
//   client.cc                        the public API, Init/Open
//   client_send.cc                   encrypt, the outbox and its flush, resets
//   client_open.cc                   an arriving envelope: open, then decrypt
//                                    and dispatch in one store transaction
//   client_decrypt.cc                a contact's message through its session
//   client_dispatch_text.cc          a text payload
//   client_dispatch_presentation.cc  a hello or a reset (credential, address)
//   client_dispatch_app.cc           an app payload and its handler
//   client_dispatch_new_contact.cc   a contact request from an unknown identity
//   client_trust.cc                  trusted authorities, scopes, kept-back
//                                    requests
//   client_prekeys.cc                one-time prekey replenishment, signed
//                                    prekey rotation
//   client_identity_change.cc        a known credential from a new identity
//                                    key: the alert
//   client_introductions.cc          channels opened on a host's
//                                    introduction, and their mark
// Private to src/client.
#ifndef BACKCHANNEL_SRC_CLIENT_CLIENT_IMPL_H_
#define BACKCHANNEL_SRC_CLIENT_CLIENT_IMPL_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backchannel/client/client.h"
#include "backchannel/client/payload.h"
#include "backchannel/common/encoding.h"
#include "backchannel/common/terminal_text.h"
#include "backchannel/envelope/envelope.h"
#include "backchannel/identity/trust_store.h"
#include "backchannel/session/session.h"

namespace backchannel::client {

inline constexpr auto kB64u = Base64Variant::kUrlSafeNoPadding;
inline constexpr std::uint32_t kFirstSignedPreKeyId = 1;
// settings key: the id of the signed prekey whose bundle the relay has.
inline constexpr const char* kUploadedSignedPreKey = "signed_prekey_at_relay";

inline std::string IdHex(const session::PublicKey& key) {
  return ToHex(session::SerializePublicKey(key));
}

inline std::vector<session::OneTimePreKey> MakeOneTimePreKeys(std::uint32_t first,
                                                              std::uint32_t count) {
  std::vector<session::OneTimePreKey> out;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i)
    out.push_back(session::GenerateOneTimePreKey(first + i));
  return out;
}

// A post that failed for a reason that passes by itself: keep it queued.
inline bool Passing(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kResourceExhausted;
}

// When the last "could not be decrypted" line for a contact was stored (ms):
// an app value (its key is a keyed index in the file, so the contact's name
// does not show; LocalStore schema 6).
inline constexpr std::string_view kClientApp = "client";
inline std::string UndecryptableNoticeKey(const std::string& contact) {
  return "undecryptable_notice/" + contact;
}

inline std::vector<std::string> RoleNames(const std::vector<identity::Role>& roles) {
  std::vector<std::string> out;
  out.reserve(roles.size());
  for (auto r : roles) out.emplace_back(identity::RoleName(r));
  return out;
}

inline std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// The command that trusts `key` for one side and role (what a kept-back
// request or a refused invitation tells the user to run).
inline std::string TrustAdvice(ByteView key, const std::string& side, const std::string& role) {
  // The side is the credential's text, chosen by its authority: one shell
  // word whatever it holds.
  return "backchannel trust add --side " + ShellWord(side) +
         (role.empty() ? "" : " --roles " + role) + " -- " + ToBase64(key, kB64u);
}

inline void Merge(ReceiveReport& into, ReceiveReport&& from) {
  for (auto& m : from.stored) into.stored.push_back(std::move(m));
  for (auto& s : from.refused) into.refused.push_back(std::move(s));
  into.duplicates += from.duplicates;
  into.app_messages += from.app_messages;
  into.undecryptable += from.undecryptable;
}

// What a hello and a reset both carry: the sender's credential, where it
// receives, and its words (a hello's text, a reset's reason). Text and app
// payloads present nothing.
struct Presentation {
  const Bytes* credential;
  const Address* reply;
  const std::string* words;
};
inline std::optional<Presentation> PresentationOf(const Payload& payload) {
  if (const auto* h = std::get_if<Hello>(&payload)) {
    return Presentation{&h->credential, &h->reply, &h->text};
  }
  if (const auto* r = std::get_if<Reset>(&payload)) {
    return Presentation{&r->credential, &r->reply, &r->reason};
  }
  return std::nullopt;
}

// What decrypting a contact's message gave: the session after it (absent
// when there was none and the message opened none), the one-time prekey it
// consumed, and the plaintext or why there is none.
struct Decrypted {
  std::optional<session::Session> session;
  std::optional<std::uint32_t> consumed;
  Result<Bytes> plain = Status(StatusCode::kInternal, "not decrypted");
};

struct Client::Impl {
  explicit Impl(Client& client) : c(client) {}
  Client& c;
  StoredIdentity identity;
  RelayConfig relay;
  std::optional<identity::Credential> credential;
  std::map<std::string, AppHandler, std::less<>> handlers;
  bool in_handler = false;  // an app handler is running (inside a store transaction)

  LocalStore& store() const { return *c.store_; }

  // The injected seam (ClientOptions::transport, ::clock).
  const RelayTransport* transport() const { return c.options_.transport.get(); }
  std::int64_t NowMs() const { return c.options_.clock ? c.options_.clock() : SystemWallClockMs(); }
  std::int64_t NowSeconds() const { return NowMs() / 1000; }

  // Sending from inside an app handler would post a message whose session
  // advance the handler's rollback could undo.
  Status NotInHandler(std::string_view what) const {
    if (!in_handler) return Status::Ok();
    return FailedPrecondition(std::string(what) +
                              " is not allowed inside an app handler; do it after Receive returns");
  }

  RelayEndpoint Endpoint(const std::string& address, const CertificatePin& pin,
                         const std::optional<CertificatePin>& next_pin) const {
    return {address, pin, c.options_.relay_timeout, next_pin};
  }
  RelayClient OwnRelay() const {
    return {Endpoint(relay.address, relay.pin, relay.next_pin), relay.mailbox, relay.auth_key,
            transport()};
  }
  RelayClient To(const Address& address) const {
    return RelayClient(Endpoint(address.relay, address.pin, address.next_pin), transport());
  }
  Address OwnAddress() const {
    return {relay.address, relay.pin, relay.mailbox, relay.delivery_token, relay.next_pin};
  }

  Result<identity::TrustStore> LoadTrust() const;

  // Trusts `key` for `side` (every role) unless it is trusted already
  // (keeping its label, scope and revocations).
  Status TrustIfAbsent(const identity::AuthorityPublicKey& key, const std::string& side) const;

  Result<std::optional<TrustedAuthority>> FindAuthority(
      const identity::AuthorityPublicKey& key) const;

  // The arriving envelope ProcessOpened works on (kept back as it is when
  // its authority is not trusted yet).
  const Bytes* arriving = nullptr;

  // Keeps the arriving envelope back (see PendingRequest): `cred`, when
  // given, names the authority it waits for.
  Result<bool> KeepBack(const session::PublicKey& sender, const identity::Credential* cred,
                        ReceiveReport& report);

  Result<bool> HasPendingFrom(const session::PublicKey& sender) const;

  // Single-use invitation tickets (client_invitation_tickets.cc; the scheme
  // is in docs/identity.md, "Single use"). IssueTicket remembers a ticket
  // we hand out; RedeemTicket, inside the transaction that adds the new
  // contact `name`, marks it used, or says why the hello cannot be
  // accepted (kUntrusted: no ticket, not ours, already used).
  // `via`, when given, names who the invitation is an introduction through:
  // the contact who redeems it is marked introduced by them.
  Status IssueTicket(const identity::InvitationTicket& ticket, const std::string& via = "") const;
  Status RedeemTicket(ByteView ticket, const std::string& name,
                      const session::PublicKey& who) const;

  // Introductions (client_introductions.cc; docs/talks.md, "Introductions"):
  // the mark "introduced by `via`" on a contact's identity key, kept as an
  // app value beside the contact row; FillIntroducedBy sets
  // Contact::introduced_by from it.
  Status MarkIntroduced(const session::PublicKey& who, const std::string& via) const;
  Status FillIntroducedBy(std::vector<Contact>& contacts) const;

  Result<Bytes> OwnCredentialBytes() const {
    if (identity.credential.empty()) {
      return FailedPrecondition(
          "no credential yet: have your authority issue one for your identity key and import it "
          "(`backchannel credential import`)");
    }
    return identity.credential;
  }

  // Encrypts `payload` for `contact_name` with its stored session (or with
  // `fresh`, which replaces it) and, in one write transaction, saves the
  // advanced session, records `line` (queued) and puts the sealed envelope
  // in the outbox. Loading the session inside the transaction is what keeps
  // two processes on one home from encrypting with the same chain state.
  // Returns the message id.
  Result<std::string> Enqueue(const std::string& contact_name, const Payload& payload,
                              std::optional<StoredMessage> line,
                              std::optional<session::Session> fresh = std::nullopt);

  // Posts the outbox in order per contact (see client.h, "Sending"). A
  // contact whose entry failed is skipped for the rest of this flush (its
  // order holds), and so is a relay that could not be reached. `why`, when
  // given, receives the failure that blocks each contact.
  Result<FlushReport> Flush(std::map<std::string, Status>* why = nullptr);

  // Deliver for a message the user did not type: queued is fine, a refusal
  // is an error.
  Status DeliverOrRefusal(const std::string& contact, const std::string& id);

  // After Enqueue: flushes, then says what became of message `id`.
  Result<SendOutcome> Deliver(const std::string& contact, const std::string& id);

  Result<session::Session> NewSession(const Contact& contact) const;

  StoredMessage Line(Direction d, std::string body) const {
    StoredMessage m;
    m.direction = d;
    m.time_ms = NowMs();
    m.body = std::move(body);
    return m;
  }

  static std::string LocalId() {
    return "local-" + ToBase64(envelope::NewClientMessageId(), kB64u);
  }

  Status Reset(Contact& contact, const std::string& reason);

  // A message from `contact` that could not be decrypted: dropped (acked),
  // shown as a system line at most once per kUndecryptableNoticeInterval,
  // and never a reason to reset the session (see client.h). The line gets a
  // local id: the envelope's id is the sender's claim, and marking it seen
  // would let a forger suppress a genuine message that carries it.
  Result<bool> Undecryptable(const Contact& contact, const Status& why, ReceiveReport& report);

  std::string DescribeCredential(const identity::Credential& cred, const std::string& label) const;

  // Verifies a presented credential for `remote` against the trusted
  // authorities and their scopes; the parsed credential. `*untrusted_by`
  // receives the credential (signature checked) when the only thing wrong
  // is that its authority is not trusted yet. A `pinned_authority` (the one
  // an invitation or an earlier credential named) must be the credential's.
  Result<identity::Credential> CheckCredential(
      ByteView bytes, const session::PublicKey& remote,
      const std::optional<identity::AuthorityPublicKey>& pinned_authority, std::string* label,
      std::optional<identity::Credential>* untrusted_by = nullptr) const;

  Result<std::string> UniqueName(const std::string& wanted) const;

  // A PreKeySignalMessage from an identity we do not know: a contact request.
  Result<bool> AcceptNewContact(const envelope::InnerEnvelope& inner, const std::string& msg_id,
                                ReceiveReport& report);

  // Processes one relayed envelope in one write transaction (everything it
  // reads and writes, answers queued included). Returns whether to
  // acknowledge it; an error (store failure) leaves it queued at the relay
  // and adds nothing to `report`.
  Result<bool> ProcessOne(const RelayMessage& rm, ReceiveReport& report);

  // Processes every kept-back request again, oldest first, each in its own
  // transaction: one still waiting for an untrusted authority is kept back
  // again (a new row, in order).
  Result<ReceiveReport> ProcessPending();

  // Opens `sealed` and processes it in one write transaction, after `first`
  // (run inside it, when given). What it reports reaches `report` only once
  // it committed; `refused_as` names an envelope that does not open.
  Result<bool> ProcessSealed(const Bytes& sealed, const char* refused_as, ReceiveReport& report,
                             const std::function<Status()>& first = nullptr);

  // A message from a known contact on its way to dispatch.
  struct Incoming {
    Contact contact;  // with its advanced session
    std::optional<std::uint32_t> consumed;
    std::string msg_id;
  };
  StoredMessage LineFrom(const Incoming& in, Direction d, std::string body, std::string id) const {
    StoredMessage m = Line(d, std::move(body));
    m.id = std::move(id);
    m.contact = in.contact.name;
    return m;
  }

  // An opened envelope: a contact request from an unknown identity, or a
  // message from a contact, decrypted, then dispatched by payload kind.
  Result<bool> ProcessOpened(const envelope::InnerEnvelope& inner, ReceiveReport& report);

  // A message from `contact` refused (acknowledged: it can never be
  // accepted as it is).
  static Result<bool> Refuse(const Contact& contact, const Status& s, ReceiveReport& report);

  // Decrypts `inner` with `contact`'s session; a PreKey message opens a new
  // one (an authenticated reset: the same identity key). `plain` holds the
  // decryption's failure, if any; an error is a store failure.
  Result<Decrypted> Decrypt(const Contact& contact, const envelope::InnerEnvelope& inner) const;

  // A text payload: one line, only from a contact that presented a
  // credential.
  Result<bool> DispatchText(Incoming& in, const Text& text, ReceiveReport& report);

  // A hello or a reset: the contact presents its credential (checked
  // against the trusted authorities and their scopes) and address.
  Result<bool> DispatchPresentation(Incoming& in, const Payload& payload, ReceiveReport& report);

  // Saves the contact (its advanced session), the consumed one-time prekey
  // and `lines` together.
  Result<bool> Commit(const Incoming& in, std::vector<StoredMessage>& lines, ReceiveReport& report);

  // Runs the handler for `m.app` in a nested transaction: its writes commit
  // only when it returns OK.
  Status RunHandler(const AppMessage& m);

  // An "app" payload from `contact` (whose advanced session is in
  // `contact.session`): the session, the consumed prekey, the handler's
  // writes and the seen id in one transaction; a refusal keeps everything but
  // the handler's writes and records a system line instead. Only a contact
  // that presented a credential may send one.
  Result<bool> DispatchApp(const Incoming& in, App& payload, ReceiveReport& report);

  // The bundle base (no one-time key) with our current signed prekey.
  Result<session::PreKeyBundle> BundleBase(std::uint32_t signed_id) const;

  // The current signed prekey: the newest one neither superseded nor wiped.
  static std::optional<SignedPreKeyInfo> CurrentSignedPreKey(
      const std::vector<SignedPreKeyInfo>& keys);

  Result<std::uint32_t> CurrentSignedPreKeyId() const;

  Status Replenish(std::int64_t remaining, ReceiveReport* report);

  // Puts the bundle base with signed prekey `id` at the relay (the one-time
  // prekeys there stay) and remembers that it is there.
  Status UploadSignedPreKey(std::uint32_t id);

  // Signed prekey rotation (docs/client.md, "Signed prekey rotation"):
  //   1. a current key that is not at the relay yet (an upload failed) is
  //      uploaded first, so no rotation runs ahead of the relay;
  //   2. when `force` or the current key is older than the maximum age (or
  //      of unknown age), a new one with the next id is stored as current,
  //      the old one marked superseded now, and the new one uploaded;
  //   3. superseded keys whose grace has passed are wiped, except the newest
  //      superseded one, which stays until the next rotation at least.
  // Stored first, then uploaded (as for one-time prekeys): the relay never
  // hands out a key whose private half we lack.
  Status MaintainSignedPreKey(bool force, ReceiveReport* report);
  // Our relay's pin rollover (client_relay_pins.cc): reads GET /v1/pins when
  // `force` or a day after the last read; learns, replaces or drops the next
  // pin, promotes it when the relay serves it, and queues a hello with our
  // address to every contact with a session when our address changed. An
  // unreachable relay is not an error here (the requests after it say so).
  Status MaintainRelayPins(bool force);

  // A contact whose verified credential names the same person as `cred`
  // (display name, side, role, authority) under another identity key.
  Result<std::optional<Contact>> EarlierIdentity(const identity::Credential& cred) const;
  // The loud system line for a newcomer `name` holding `earlier`'s
  // credential under a new identity key.
  static std::string IdentityChangeAlert(const Contact& earlier, const std::string& name);

  // When MaintainSignedPreKey has something to do next (Listen checks it
  // for every pushed event).
  std::int64_t next_maintenance_ms = 0;
};

}  // namespace backchannel::client

#endif  // BACKCHANNEL_SRC_CLIENT_CLIENT_IMPL_H_
