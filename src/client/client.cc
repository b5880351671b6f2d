#include "backchannel/client/client.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

#include "backchannel/client/home.h"
#include "backchannel/client/payload.h"
#include "backchannel/common/encoding.h"
#include "backchannel/envelope/envelope.h"
#include "backchannel/identity/trust_store.h"
#include "backchannel/session/fingerprint.h"
#include "backchannel/session/session.h"

namespace backchannel::client {
namespace {

namespace fs = std::filesystem;
constexpr auto kB64u = Base64Variant::kUrlSafeNoPadding;
constexpr std::uint32_t kFirstSignedPreKeyId = 1;
// settings key: the id of the signed prekey whose bundle the relay has.
constexpr const char* kUploadedSignedPreKey = "signed_prekey_at_relay";

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
std::int64_t NowSeconds() { return NowMs() / 1000; }

std::string IdHex(const session::PublicKey& key) { return ToHex(session::SerializePublicKey(key)); }

template <std::size_t N>
Result<std::array<std::uint8_t, N>> FixedB64(const std::string& text, const char* what) {
  auto b = FromBase64(text, kB64u);
  if (!b || b->size() != N) return Corrupt(std::string(what) + " is malformed");
  std::array<std::uint8_t, N> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

std::vector<session::OneTimePreKey> MakeOneTimePreKeys(std::uint32_t first, std::uint32_t count) {
  std::vector<session::OneTimePreKey> out;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i)
    out.push_back(session::GenerateOneTimePreKey(first + i));
  return out;
}

// A post that failed for a reason that passes by itself: keep it queued.
bool Passing(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kResourceExhausted;
}

// settings key: when the last "could not be decrypted" line for a contact
// was stored (ms).
std::string UndecryptableNoticeKey(const std::string& contact) {
  return "undecryptable_notice/" + contact;
}

std::vector<std::string> RoleNames(const std::vector<identity::Role>& roles) {
  std::vector<std::string> out;
  for (auto r : roles) out.emplace_back(identity::RoleName(r));
  return out;
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// The command that trusts `key` for one side and role (what a kept-back
// request or a refused invitation tells the user to run).
std::string TrustAdvice(ByteView key, const std::string& side, const std::string& role) {
  return "backchannel trust add --side '" + side + "'" + (role.empty() ? "" : " --roles " + role) +
         " -- " + ToBase64(key, kB64u);
}

void Merge(ReceiveReport& into, ReceiveReport&& from) {
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
std::optional<Presentation> PresentationOf(const Payload& payload) {
  if (const auto* h = std::get_if<Hello>(&payload)) {
    return Presentation{&h->credential, &h->reply, &h->text};
  }
  if (const auto* r = std::get_if<Reset>(&payload)) {
    return Presentation{&r->credential, &r->reply, &r->reason};
  }
  return std::nullopt;
}

}  // namespace

struct Client::Impl {
  explicit Impl(Client& client) : c(client) {}
  Client& c;
  StoredIdentity identity;
  RelayConfig relay;
  std::optional<identity::Credential> credential;
  std::map<std::string, AppHandler, std::less<>> handlers;
  bool in_handler = false;  // an app handler is running (inside a store transaction)

  LocalStore& store() const { return *c.store_; }

  // Sending from inside an app handler would post a message whose session
  // advance the handler's rollback could undo.
  Status NotInHandler(std::string_view what) const {
    if (!in_handler) return Status::Ok();
    return FailedPrecondition(std::string(what) +
                              " is not allowed inside an app handler; do it after Receive returns");
  }

  RelayEndpoint Endpoint(const std::string& address, const std::string& pin) const {
    return {address, pin, c.options_.relay_timeout};
  }
  RelayClient OwnRelay() const {
    return {Endpoint(relay.address, relay.pin), relay.mailbox, relay.auth_key};
  }
  Address OwnAddress() const {
    return {relay.address, relay.pin, relay.mailbox, relay.delivery_token};
  }

  Result<identity::TrustStore> LoadTrust() const {
    identity::TrustStore trust;
    BC_ASSIGN_OR_RETURN(auto all, store().ListAuthorities());
    for (const auto& a : all) {
      if (a.key.size() != 32) return Corrupt("store: an authority key has the wrong size");
      identity::AuthorityPublicKey key{};
      std::copy(a.key.begin(), a.key.end(), key.begin());
      BC_RETURN_IF_ERROR(trust.AddAuthority(key, a.label));
      if (!a.revocations.empty()) {
        BC_ASSIGN_OR_RETURN(auto list, identity::DecodeRevocationList(a.revocations));
        BC_RETURN_IF_ERROR(trust.UpdateRevocations(list));
      }
    }
    return trust;
  }

  // Trusts `key` for `side` (every role) unless it is trusted already
  // (keeping its label, scope and revocations).
  Status TrustIfAbsent(const identity::AuthorityPublicKey& key, const std::string& side) const {
    BC_ASSIGN_OR_RETURN(auto found, FindAuthority(key));
    if (found) return Status::Ok();
    TrustedAuthority a;
    a.key = ToBytes(key);
    a.label = side;
    a.scoped = true;
    a.sides = {side};
    a.roles = RoleNames(TrustScope::Side(side).roles);
    return store().PutAuthority(a);
  }

  Result<std::optional<TrustedAuthority>> FindAuthority(ByteView key) const {
    BC_ASSIGN_OR_RETURN(auto all, store().ListAuthorities());
    for (auto& a : all) {
      if (PublicEqual(a.key, key)) return std::optional<TrustedAuthority>(std::move(a));
    }
    return std::optional<TrustedAuthority>();
  }

  // The arriving envelope ProcessOpened works on (kept back as it is when
  // its authority is not trusted yet).
  const Bytes* arriving = nullptr;

  // Keeps the arriving envelope back (see PendingRequest): `cred`, when
  // given, names the authority it waits for.
  Result<bool> KeepBack(const session::PublicKey& sender, const identity::Credential* cred,
                        ReceiveReport& report) {
    if (arriving == nullptr) return Internal("no arriving envelope to keep back");
    PendingRequest r;
    r.envelope = *arriving;
    r.sender = sender;
    r.received_ms = NowMs();
    if (cred) {
      r.authority_key = ToBytes(cred->authority_key);
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
      report.refused.push_back(Status(
          StatusCode::kUntrusted,
          cred->display_name + " (" + r.role + " of " + cred->side +
              ") is accredited by an authority you do not trust; the request is kept until you "
              "trust it (" +
              TrustAdvice(r.authority_key, r.side, r.role) +
              ") or refuse it (`backchannel trust "
              "pending`)"));
    }
    return true;
  }

  Result<bool> HasPendingFrom(const session::PublicKey& sender) const {
    BC_ASSIGN_OR_RETURN(auto all, store().ListPending());
    for (const auto& p : all) {
      if (p.sender == sender) return true;
    }
    return false;
  }

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
                              std::optional<session::Session> fresh = std::nullopt) {
    std::string id;
    BC_RETURN_IF_ERROR(store().Transaction([&]() -> Status {
      BC_ASSIGN_OR_RETURN(auto contact, store().GetContact(contact_name));
      std::optional<session::Session> session = std::move(fresh);
      if (!session) {
        if (contact.session.empty()) return FailedPrecondition("no session with " + contact_name);
        BC_ASSIGN_OR_RETURN(auto loaded, session::Session::Deserialize(contact.session.view()));
        session.emplace(std::move(loaded));
      }
      BC_ASSIGN_OR_RETURN(auto ct, session->Encrypt(EncodePayload(payload)));
      envelope::InnerEnvelope inner;
      inner.sender_identity = identity.key_pair.public_key;
      BC_ASSIGN_OR_RETURN(inner.reply_to.mailbox, FixedB64<16>(relay.mailbox, "our mailbox id"));
      BC_ASSIGN_OR_RETURN(inner.reply_to.delivery_token,
                          FixedB64<32>(relay.delivery_token, "our delivery token"));
      inner.content_type = ct.type;
      inner.ciphertext = std::move(ct.bytes);
      inner.message_id = envelope::NewClientMessageId();
      BC_ASSIGN_OR_RETURN(Bytes sealed, envelope::Seal(inner, contact.identity_key));
      id = ToBase64(inner.message_id, kB64u);
      BC_RETURN_IF_ERROR(store().SaveSession(contact.name, session->Serialize()));
      if (line) {
        line->id = id;
        line->contact = contact.name;
        line->delivery = Delivery::kQueued;
        BC_RETURN_IF_ERROR(store().AddMessage(*line).status());
      }
      OutboxEntry entry;
      entry.contact = contact.name;
      entry.message_id = id;
      entry.envelope = std::move(sealed);
      entry.created_ms = NowMs();
      return store().AddOutbox(entry).status();
    }));
    return id;
  }

  // Posts the outbox in order per contact (see client.h, "Sending"). A
  // contact whose entry failed is skipped for the rest of this flush (its
  // order holds), and so is a relay that could not be reached. `why`, when
  // given, receives the failure that blocks each contact.
  Result<FlushReport> Flush(std::map<std::string, Status>* why = nullptr) {
    FlushReport report;
    BC_ASSIGN_OR_RETURN(auto entries, store().ListOutbox());
    std::map<std::string, Status> blocked;  // by contact
    std::map<std::string, Status> down;     // by relay address
    for (const auto& e : entries) {
      if (blocked.contains(e.contact)) {
        ++report.queued;
        continue;
      }
      BC_ASSIGN_OR_RETURN(auto contact, store().GetContact(e.contact));
      Result<std::string> posted = Status(StatusCode::kUnavailable, "");
      if (auto d = down.find(contact.address.relay); d != down.end()) {
        posted = d->second;
      } else {
        RelayClient to(Endpoint(contact.address.relay, contact.address.pin));
        posted =
            to.PostMessage(contact.address.mailbox, contact.address.delivery_token, e.envelope);
      }
      if (posted) {
        BC_RETURN_IF_ERROR(store().Transaction([&]() -> Status {
          // Another process on this home may have posted (and removed) it
          // meanwhile: the recipient drops the second copy by its id.
          Status removed = store().RemoveOutbox(e.seq);
          if (!removed.ok() && removed.code() != StatusCode::kNotFound) return removed;
          Status d = store().SetDelivery(e.contact, e.message_id, Delivery::kSent);
          return d.code() == StatusCode::kNotFound ? Status::Ok() : d;  // app payloads: no line
        }));
        ++report.sent;
        continue;
      }
      const Status failed = posted.error().WithContext("sending to " + e.contact);
      if (failed.code() == StatusCode::kUnavailable) down[contact.address.relay] = posted.error();
      blocked[e.contact] = failed;
      ++report.queued;
      BC_RETURN_IF_ERROR(store().NoteOutboxFailure(e.seq, std::string(failed.message())));
      if (!Passing(failed.code())) report.errors.push_back(failed);
    }
    if (why) *why = std::move(blocked);
    return report;
  }

  // Deliver for a message the user did not type: queued is fine, a refusal
  // is an error.
  Status DeliverOrRefusal(const std::string& contact, const std::string& id) {
    BC_ASSIGN_OR_RETURN(auto outcome, Deliver(contact, id));
    return outcome.refused ? outcome.reason : Status::Ok();
  }

  // After Enqueue: flushes, then says what became of message `id`.
  Result<SendOutcome> Deliver(const std::string& contact, const std::string& id) {
    std::map<std::string, Status> why;
    BC_ASSIGN_OR_RETURN(auto flushed, Flush(&why));
    (void)flushed;
    BC_ASSIGN_OR_RETURN(auto waiting, store().ListOutbox(contact));
    SendOutcome out;
    out.message_id = id;
    for (const auto& e : waiting) {
      if (e.message_id == id) out.queued = true;
    }
    if (!out.queued) return out;
    auto it = why.find(contact);
    out.reason = it != why.end() ? it->second
                                 : Status(StatusCode::kUnavailable,
                                          "waiting behind earlier messages to " + contact);
    out.refused = !Passing(out.reason.code());
    return out;
  }

  Result<session::Session> NewSession(const Contact& contact) const {
    RelayClient to(Endpoint(contact.address.relay, contact.address.pin));
    BC_ASSIGN_OR_RETURN(auto bundle,
                        to.FetchBundle(contact.address.mailbox, contact.address.delivery_token));
    if (bundle.identity_key != contact.identity_key) {
      return Status(StatusCode::kUntrusted,
                    "the relay's prekey bundle for " + contact.name +
                        " carries another identity key; refusing to start a session");
    }
    return session::Session::Initiate(identity.key_pair, identity.registration_id, bundle);
  }

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

  Status Reset(Contact& contact, const std::string& reason) {
    BC_ASSIGN_OR_RETURN(Bytes cred, OwnCredentialBytes());
    BC_ASSIGN_OR_RETURN(auto session, NewSession(contact));
    Payload p = client::Reset{cred, OwnAddress(), reason};
    StoredMessage line = Line(Direction::kSystem, "You started a new session with " + contact.name +
                                                      " (" + reason + ").");
    BC_ASSIGN_OR_RETURN(std::string id, Enqueue(contact.name, p, std::nullopt, std::move(session)));
    line.id = LocalId();
    line.contact = contact.name;
    BC_RETURN_IF_ERROR(store().AddMessage(line).status());
    return DeliverOrRefusal(contact.name, id);
  }

  // A message from `contact` that could not be decrypted: dropped (acked),
  // shown as a system line at most once per kUndecryptableNoticeInterval,
  // and never a reason to reset the session (see client.h). The line gets a
  // local id: the envelope's id is the sender's claim, and marking it seen
  // would let a forger suppress a genuine message that carries it.
  Result<bool> Undecryptable(const Contact& contact, const Status& why, ReceiveReport& report) {
    ++report.undecryptable;
    report.refused.push_back(
        why.WithContext("a message from " + contact.name + " could not be decrypted"));
    const std::int64_t now = NowMs();
    const std::string key = UndecryptableNoticeKey(contact.name);
    BC_ASSIGN_OR_RETURN(auto last, store().GetSetting(key));
    const std::int64_t interval =
        std::chrono::duration_cast<std::chrono::milliseconds>(kUndecryptableNoticeInterval).count();
    if (last) {
      std::int64_t last_ms = 0;
      try {
        last_ms = std::stoll(*last);
      } catch (const std::exception&) {
        last_ms = 0;
      }
      if (now >= last_ms && now - last_ms < interval) return true;
    }
    StoredMessage line =
        Line(Direction::kSystem,
             "A message from " + contact.name + " could not be decrypted (" +
                 std::string(StatusCodeName(why.code())) + ") and was dropped. If " + contact.name +
                 " lost or restored their store, either of you can start a new session "
                 "(`backchannel reset " +
                 contact.name + "`).");
    line.id = LocalId();
    line.contact = contact.name;
    BC_RETURN_IF_ERROR(store().AddMessage(line).status());
    BC_RETURN_IF_ERROR(store().PutSetting(key, std::to_string(now)));
    report.stored.push_back(line);
    return true;
  }

  std::string DescribeCredential(const identity::Credential& cred, const std::string& label) const {
    return std::string(identity::RoleName(cred.role)) + " of " + cred.side + ", accredited by " +
           label + " until " + identity::FormatUnixTime(cred.expiry);
  }

  // Verifies a presented credential for `remote` against the trusted
  // authorities and their scopes; the parsed credential. `*untrusted_by`
  // receives the credential (signature checked) when the only thing wrong
  // is that its authority is not trusted yet.
  Result<identity::Credential> CheckCredential(
      ByteView bytes, const session::PublicKey& remote, const Bytes& pinned_authority,
      std::string* label, std::optional<identity::Credential>* untrusted_by = nullptr) const {
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
    if (!pinned_authority.empty() && !PublicEqual(pinned_authority, cred.authority_key)) {
      return Status(StatusCode::kUntrusted,
                    "credential from another authority than the one the invitation named");
    }
    if (label) *label = trust.Find(cred.authority_key)->label;
    return cred;
  }

  Result<std::string> UniqueName(const std::string& wanted) const {
    std::string base = wanted.empty() ? "contact" : wanted;
    std::string name = base;
    for (int i = 2;; ++i) {
      auto existing = store().GetContact(name);
      if (!existing && existing.error().code() == StatusCode::kNotFound) return name;
      if (!existing) return existing.error();
      name = base + " (" + std::to_string(i) + ")";
    }
  }

  // A PreKeySignalMessage from an identity we do not know: a contact request.
  Result<bool> AcceptNewContact(const envelope::InnerEnvelope& inner, const std::string& msg_id,
                                ReceiveReport& report) {
    auto refuse = [&](const Status& s) -> Result<bool> {
      report.refused.push_back(s.WithContext("contact request refused"));
      return true;  // acknowledged: it can never be accepted as it is
    };
    if (inner.content_type != session::CiphertextMessage::Type::kPreKey) {
      return refuse(Status(StatusCode::kUntrusted, "a message from an unknown sender"));
    }
    BC_ASSIGN_OR_RETURN(auto prekeys, store().LoadPreKeys());
    auto accepted = session::Session::Accept(identity.key_pair, identity.registration_id, prekeys,
                                             inner.ciphertext);
    if (!accepted) return refuse(accepted.error());
    const auto remote = accepted->session.remote_identity();
    if (remote != inner.sender_identity) {
      return refuse(Status(StatusCode::kUntrusted, "envelope sender does not match the session"));
    }
    auto payload = DecodePayload(accepted->plaintext);
    if (!payload) return refuse(payload.error());
    const std::optional<Presentation> presented = PresentationOf(*payload);
    if (!presented) {
      BC_ASSIGN_OR_RETURN(bool waiting, HasPendingFrom(remote));
      if (waiting) return KeepBack(remote, nullptr, report);  // after their kept-back hello
      return refuse(
          Status(StatusCode::kUntrusted, "a new contact must first present a credential"));
    }
    std::string label;
    std::optional<identity::Credential> untrusted_by;
    auto cred = CheckCredential(*presented->credential, remote, {}, &label, &untrusted_by);
    if (!cred && untrusted_by) return KeepBack(remote, &*untrusted_by, report);
    if (!cred) return refuse(cred.error());
    BC_ASSIGN_OR_RETURN(std::string name, UniqueName(cred->display_name));
    Contact contact;
    contact.name = name;
    contact.identity_key = remote;
    contact.address = *presented->reply;
    contact.authority_key = ToBytes(cred->authority_key);
    contact.authority_label = label;
    contact.credential = *presented->credential;
    contact.session = accepted->session.Serialize();
    StoredMessage hello = Line(Direction::kSystem, name + " (" + DescribeCredential(*cred, label) +
                                                       ") opened a channel with you.");
    hello.id = msg_id;
    hello.contact = name;
    std::vector<StoredMessage> lines{hello};
    if (!presented->words->empty()) {
      StoredMessage text = Line(Direction::kIn, *presented->words);
      text.id = msg_id + ":text";
      text.contact = name;
      lines.push_back(text);
    }
    BC_RETURN_IF_ERROR(store().Transaction([&]() -> Status {
      BC_RETURN_IF_ERROR(store().PutContact(contact));
      if (accepted->consumed_one_time_pre_key) {
        BC_RETURN_IF_ERROR(store().MarkOneTimePreKeyUsed(*accepted->consumed_one_time_pre_key));
      }
      for (const auto& l : lines) BC_RETURN_IF_ERROR(store().AddMessage(l).status());
      return Status::Ok();
    }));
    for (auto& l : lines) report.stored.push_back(l);
    // Answer with our own credential so they can verify us in turn (queued
    // in this transaction; posted by the flush after it).
    auto own = OwnCredentialBytes();
    if (!own) {
      report.refused.push_back(own.error().WithContext("cannot answer " + name));
      return true;
    }
    Payload answer = Hello{*own, OwnAddress(), ""};
    BC_RETURN_IF_ERROR(Enqueue(name, answer, std::nullopt).status());
    return true;
  }

  // Processes one relayed envelope in one write transaction (everything it
  // reads and writes, answers queued included). Returns whether to
  // acknowledge it; an error (store failure) leaves it queued at the relay
  // and adds nothing to `report`.
  Result<bool> ProcessOne(const RelayMessage& rm, ReceiveReport& report) {
    return ProcessSealed(rm.envelope, "envelope refused", report);
  }

  // Processes every kept-back request again, oldest first, each in its own
  // transaction: one still waiting for an untrusted authority is kept back
  // again (a new row, in order).
  Result<ReceiveReport> ProcessPending() {
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

  // Opens `sealed` and processes it in one write transaction, after `first`
  // (run inside it, when given). What it reports reaches `report` only once
  // it committed; `refused_as` names an envelope that does not open.
  Result<bool> ProcessSealed(const Bytes& sealed, const char* refused_as, ReceiveReport& report,
                             const std::function<Status()>& first = nullptr) {
    bool ack = true;
    ReceiveReport one;
    arriving = &sealed;
    Status done = store().Transaction([&]() -> Status {
      one = ReceiveReport{};
      ack = true;
      if (first) BC_RETURN_IF_ERROR(first());
      auto inner = envelope::Open(sealed, identity.key_pair);
      if (!inner) {
        one.refused.push_back(inner.error().WithContext(refused_as));
        return Status::Ok();
      }
      BC_ASSIGN_OR_RETURN(ack, ProcessOpened(*inner, one));
      return Status::Ok();
    });
    arriving = nullptr;
    BC_RETURN_IF_ERROR(done);
    Merge(report, std::move(one));
    return ack;
  }

  Result<bool> ProcessOpened(const envelope::InnerEnvelope& opened, ReceiveReport& report) {
    const envelope::InnerEnvelope* inner = &opened;
    const std::string msg_id = ToBase64(inner->message_id, kB64u);
    BC_ASSIGN_OR_RETURN(auto found, store().FindContactByIdentity(inner->sender_identity));
    if (!found) return AcceptNewContact(*inner, msg_id, report);
    Contact contact = std::move(*found);
    BC_ASSIGN_OR_RETURN(bool seen, store().SeenMessage(contact.name, msg_id));
    if (seen) {
      ++report.duplicates;
      return true;
    }
    auto refuse = [&](const Status& s) -> Result<bool> {
      report.refused.push_back(s.WithContext("message from " + contact.name + " refused"));
      return true;
    };

    std::optional<session::Session> session;
    if (!contact.session.empty()) {
      BC_ASSIGN_OR_RETURN(auto s, session::Session::Deserialize(contact.session.view()));
      session.emplace(std::move(s));
    }
    std::optional<std::uint32_t> consumed;
    Result<Bytes> plain = FailedPrecondition("no session with " + contact.name);
    const bool prekey_message = inner->content_type == session::CiphertextMessage::Type::kPreKey;
    if (prekey_message) {
      BC_ASSIGN_OR_RETURN(auto prekeys, store().LoadPreKeys());
      if (session) {
        plain = session->DecryptPreKey(identity.key_pair, prekeys, inner->ciphertext, &consumed);
      } else {
        auto acc = session::Session::Accept(identity.key_pair, identity.registration_id, prekeys,
                                            inner->ciphertext);
        if (acc) {
          session.emplace(std::move(acc->session));
          consumed = acc->consumed_one_time_pre_key;
          plain = std::move(acc->plaintext);
        } else {
          plain = acc.error();
        }
      }
    } else if (session) {
      plain = session->Decrypt(inner->message());
    }
    if (!plain) return Undecryptable(contact, plain.error(), report);
    if (session->remote_identity() != inner->sender_identity) {
      return refuse(Status(StatusCode::kUntrusted, "envelope sender does not match the session"));
    }
    auto payload = DecodePayload(*plain);
    if (!payload) return refuse(payload.error());

    const std::optional<Presentation> presented = PresentationOf(*payload);
    if (!presented && contact.credential.empty()) {
      BC_ASSIGN_OR_RETURN(bool waiting, HasPendingFrom(contact.identity_key));
      if (waiting) return KeepBack(contact.identity_key, nullptr, report);
    }
    if (auto* app = std::get_if<App>(&*payload)) {
      if (contact.credential.empty()) {
        return refuse(
            Status(StatusCode::kUntrusted, contact.name + " has not presented a credential yet"));
      }
      contact.session = session->Serialize();
      return DeliverApp(contact, consumed, *app, msg_id, report);
    }

    std::vector<StoredMessage> lines;
    auto add = [&](Direction d, std::string body, std::string id) {
      StoredMessage m = Line(d, std::move(body));
      m.id = std::move(id);
      m.contact = contact.name;
      lines.push_back(std::move(m));
    };
    if (const auto* text = std::get_if<Text>(&*payload)) {
      if (contact.credential.empty()) {
        return refuse(
            Status(StatusCode::kUntrusted, contact.name + " has not presented a credential yet"));
      }
      add(Direction::kIn, text->text, msg_id);
    } else {
      std::string label;
      std::optional<identity::Credential> untrusted_by;
      auto cred = CheckCredential(*presented->credential, contact.identity_key,
                                  contact.authority_key, &label, &untrusted_by);
      if (!cred && untrusted_by && contact.credential.empty()) {
        return KeepBack(contact.identity_key, &*untrusted_by, report);
      }
      if (!cred) return refuse(cred.error());
      const bool first = contact.credential.empty();
      const bool moved = !(contact.address == *presented->reply);
      const bool same_credential = PublicEqual(contact.credential, *presented->credential);
      contact.credential = *presented->credential;
      contact.authority_label = label;
      if (contact.authority_key.empty()) contact.authority_key = ToBytes(cred->authority_key);
      contact.address = *presented->reply;
      if (std::holds_alternative<client::Reset>(*payload)) {
        add(Direction::kSystem,
            contact.name + " started a new session" +
                (presented->words->empty() ? std::string(".") : " (" + *presented->words + ")."),
            msg_id);
      } else {
        std::string line;
        if (first) {
          line =
              contact.name + " presented a credential: " + DescribeCredential(*cred, label) + ".";
        } else if (same_credential && moved) {
          line = contact.name + " gave you a new address (their old invitations no longer work).";
        } else {
          line = contact.name + " presented their credential again.";
        }
        add(Direction::kSystem, line, msg_id);
        if (!presented->words->empty()) add(Direction::kIn, *presented->words, msg_id + ":text");
      }
    }
    contact.session = session->Serialize();
    BC_RETURN_IF_ERROR(store().Transaction([&]() -> Status {
      BC_RETURN_IF_ERROR(store().PutContact(contact));
      if (consumed) BC_RETURN_IF_ERROR(store().MarkOneTimePreKeyUsed(*consumed));
      for (const auto& l : lines) BC_RETURN_IF_ERROR(store().AddMessage(l).status());
      return Status::Ok();
    }));
    for (auto& l : lines) report.stored.push_back(std::move(l));
    return true;
  }

  // Runs the handler for `m.app` in a nested transaction: its writes commit
  // only when it returns OK.
  Status RunHandler(const AppMessage& m) {
    auto it = handlers.find(m.app);
    if (it == handlers.end()) {
      return Status(StatusCode::kNotFound, "no handler for app messages '" + m.app + "'");
    }
    const AppHandler handler = it->second;  // the handler may replace itself
    in_handler = true;
    Status s = store().Transaction([&]() -> Status {
      try {
        return handler(m);
      } catch (const std::exception& e) {
        return Internal(std::string("the app handler threw: ") + e.what());
      } catch (...) {
        return Internal("the app handler threw");
      }
    });
    in_handler = false;
    return s;
  }

  // An "app" payload from `contact` (whose advanced session is in
  // `contact.session`): the session, the consumed prekey, the handler's
  // writes and the seen id in one transaction; a refusal keeps everything but
  // the handler's writes and records a system line instead.
  Result<bool> DeliverApp(const Contact& contact, std::optional<std::uint32_t> consumed,
                          App& payload, const std::string& msg_id, ReceiveReport& report) {
    AppMessage m;
    m.contact = contact.name;
    m.sender_identity = contact.identity_key;
    m.app = payload.app;
    m.body = std::move(payload.body);
    m.message_id = msg_id;
    m.time_ms = NowMs();
    Status verdict;
    std::optional<StoredMessage> line;
    BC_RETURN_IF_ERROR(store().Transaction([&]() -> Status {
      line.reset();
      BC_RETURN_IF_ERROR(store().PutContact(contact));
      if (consumed) BC_RETURN_IF_ERROR(store().MarkOneTimePreKeyUsed(*consumed));
      verdict = RunHandler(m);
      // A store failure inside the handler is a store failure: nothing
      // commits and the message stays queued at the relay.
      if (verdict.code() == StatusCode::kIoError) return verdict;
      if (verdict.ok()) return store().MarkSeen(contact.name, msg_id).status();
      line = Line(Direction::kSystem, "refused " + m.app + " message from " + contact.name + ": " +
                                          std::string(verdict.message()));
      line->id = msg_id;
      line->contact = contact.name;
      return store().AddMessage(*line).status();
    }));
    if (verdict.ok()) {
      ++report.app_messages;
    } else {
      report.stored.push_back(*line);
      report.refused.push_back(
          verdict.WithContext(m.app + " message from " + contact.name + " refused"));
    }
    return true;
  }

  // The bundle base (no one-time key) with our current signed prekey.
  Result<session::PreKeyBundle> BundleBase(std::uint32_t signed_id) const {
    BC_ASSIGN_OR_RETURN(auto prekeys, store().LoadPreKeys());
    if (prekeys.FindSignedPreKey(signed_id) == nullptr) {
      return Corrupt("store: the signed prekey is missing");
    }
    return prekeys.MakeBundle(identity.key_pair, identity.registration_id, signed_id, std::nullopt);
  }

  // The current signed prekey: the newest one neither superseded nor wiped.
  static std::optional<SignedPreKeyInfo> CurrentSignedPreKey(
      const std::vector<SignedPreKeyInfo>& keys) {
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
      if (!it->wiped && it->retired_ms == 0) return *it;
    }
    return std::nullopt;
  }

  Result<std::uint32_t> CurrentSignedPreKeyId() const {
    BC_ASSIGN_OR_RETURN(auto keys, store().ListSignedPreKeys());
    auto current = CurrentSignedPreKey(keys);
    if (!current) return Corrupt("store: the signed prekey is missing");
    return current->id;
  }

  Status Replenish(std::int64_t remaining, ReceiveReport* report) {
    if (remaining < 0) return Status::Ok();
    // Keys the relay handed out keep their private half for a grace period,
    // then are wiped; refills stop at the cap (docs/client.md, "One-time prekeys").
    BC_RETURN_IF_ERROR(
        store().NoteOneTimePreKeysTaken(static_cast<std::size_t>(remaining), NowMs()).status());
    BC_RETURN_IF_ERROR(store().WipeExpiredOneTimePreKeys(NowMs()).status());
    if (remaining >= c.options_.prekeys_low_water) return Status::Ok();
    BC_ASSIGN_OR_RETURN(std::size_t room, store().OneTimePreKeyRoom());
    const auto count = static_cast<std::uint32_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(room),
                               std::max<std::int64_t>(1, c.options_.one_time_prekeys - remaining)));
    if (count == 0) return Status::Ok();
    BC_ASSIGN_OR_RETURN(std::uint32_t first, store().NextOneTimePreKeyId());
    auto otks = MakeOneTimePreKeys(first, count);
    BC_ASSIGN_OR_RETURN(std::uint32_t signed_id, CurrentSignedPreKeyId());
    BC_ASSIGN_OR_RETURN(auto base, BundleBase(signed_id));
    BC_RETURN_IF_ERROR(store().PutOneTimePreKeys(otks));
    BC_RETURN_IF_ERROR(OwnRelay().PutPreKeys(base, otks, false));
    if (report) report->replenished = true;
    return Status::Ok();
  }

  // Puts the bundle base with signed prekey `id` at the relay (the one-time
  // prekeys there stay) and remembers that it is there.
  Status UploadSignedPreKey(std::uint32_t id) {
    BC_ASSIGN_OR_RETURN(auto base, BundleBase(id));
    BC_RETURN_IF_ERROR(OwnRelay().PutPreKeys(base, {}, false));
    return store().PutSetting(kUploadedSignedPreKey, std::to_string(id));
  }

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
  Status MaintainSignedPreKey(bool force, ReceiveReport* report) {
    const std::int64_t now = NowMs();
    const std::int64_t max_age = c.options_.signed_prekey_max_age.count();
    const std::int64_t grace = c.options_.signed_prekey_grace.count();
    BC_ASSIGN_OR_RETURN(auto keys, store().ListSignedPreKeys());
    auto current = CurrentSignedPreKey(keys);
    if (!current) return Corrupt("store: the signed prekey is missing");
    BC_ASSIGN_OR_RETURN(auto at_relay, store().GetSetting(kUploadedSignedPreKey));
    if (!at_relay || *at_relay != std::to_string(current->id)) {
      BC_RETURN_IF_ERROR(UploadSignedPreKey(current->id));
    }
    if (force || current->created_ms == 0 || now - current->created_ms >= max_age) {
      const std::uint32_t id = keys.back().id + 1;  // ids are never reused
      const auto spk = session::GenerateSignedPreKey(identity.key_pair, id);
      const std::uint32_t old_id = current->id;
      BC_RETURN_IF_ERROR(store().Transaction([&] {
        BC_RETURN_IF_ERROR(store().PutSignedPreKey(spk, now));
        return store().RetireSignedPreKey(old_id, now);
      }));
      BC_RETURN_IF_ERROR(UploadSignedPreKey(id));
      if (report) report->signed_prekey_rotated = true;
      BC_ASSIGN_OR_RETURN(keys, store().ListSignedPreKeys());
      current = CurrentSignedPreKey(keys);
      if (!current) return Corrupt("store: the signed prekey is missing");
    }
    std::optional<std::uint32_t> newest_superseded;
    for (const auto& k : keys) {
      if (!k.wiped && k.retired_ms != 0) newest_superseded = k.id;
    }
    std::int64_t next = current->created_ms + max_age;
    for (const auto& k : keys) {
      if (k.wiped || k.retired_ms == 0 || k.id == newest_superseded) continue;
      if (now - k.retired_ms >= grace) {
        BC_RETURN_IF_ERROR(store().WipeSignedPreKey(k.id));
      } else {
        next = std::min(next, k.retired_ms + grace);
      }
    }
    next_maintenance_ms = next;
    return Status::Ok();
  }

  // When MaintainSignedPreKey has something to do next (Listen checks it
  // for every pushed event).
  std::int64_t next_maintenance_ms = 0;
};

Client::Client(std::unique_ptr<LocalStore> store, ClientOptions options)
    : store_(std::move(store)),
      options_(std::move(options)),
      impl_(std::make_unique<Impl>(*this)) {}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::Load(std::unique_ptr<LocalStore> store,
                                             const ClientOptions& options) {
  std::unique_ptr<Client> client(new Client(std::move(store), options));
  BC_ASSIGN_OR_RETURN(client->impl_->identity, client->store_->GetIdentity());
  BC_ASSIGN_OR_RETURN(client->impl_->relay, client->store_->GetRelayConfig());
  if (!client->impl_->identity.credential.empty()) {
    BC_ASSIGN_OR_RETURN(auto cred, identity::DecodeCredential(client->impl_->identity.credential));
    client->impl_->credential = cred;
  }
  return client;
}

Result<std::unique_ptr<Client>> Client::Init(const ClientOptions& options,
                                             const SecretBytes& passphrase,
                                             const InitParams& params) {
  const std::string home = ResolveHome(options.home);
  const std::string path = StorePath(home);
  std::error_code ec;
  if (fs::exists(path, ec)) {
    return Status(StatusCode::kAlreadyExists, "a backchannel home already exists at " + home);
  }
  fs::create_directories(home, ec);
  if (ec) return IoError(home + ": cannot create directory: " + ec.message());
  fs::permissions(home, fs::perms::owner_all, ec);

  const RelayEndpoint endpoint{params.relay_address, params.relay_pin, options.relay_timeout};
  auto store = LocalStore::Create(path, passphrase, StoreOptions{options.kdf_cost});
  if (!store) return store.error();
  auto fail = [&](const Status& s) -> Status {
    store->reset();
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
    return s;
  };

  StoredIdentity id{session::GenerateIdentityKeyPair(), session::GenerateRegistrationId(), {}};
  auto otks = MakeOneTimePreKeys(1, options.one_time_prekeys);
  session::InMemoryPreKeyStore mem;
  mem.AddSigned(session::GenerateSignedPreKey(id.key_pair, kFirstSignedPreKeyId));
  const session::SignedPreKey& spk = *mem.FindSignedPreKey(kFirstSignedPreKeyId);
  auto auth = GenerateMailboxAuthKey();

  auto created = RelayClient(endpoint).CreateMailbox(auth.public_key);
  if (!created) return fail(created.error());
  RelayConfig rc{params.relay_address, params.relay_pin, created->mailbox,
                 std::move(auth.secret_key), created->delivery_token};
  const auto base =
      mem.MakeBundle(id.key_pair, id.registration_id, kFirstSignedPreKeyId, std::nullopt);
  Status up = RelayClient(endpoint, rc.mailbox, rc.auth_key).PutPreKeys(base, otks, true);
  if (!up.ok()) return fail(up);

  LocalStore& s = **store;
  Status st = s.Transaction([&] {
    BC_RETURN_IF_ERROR(s.PutIdentity(id));
    BC_RETURN_IF_ERROR(s.PutSignedPreKey(spk));
    BC_RETURN_IF_ERROR(s.PutSetting(kUploadedSignedPreKey, std::to_string(spk.id)));
    BC_RETURN_IF_ERROR(s.PutOneTimePreKeys(otks));
    return s.PutRelayConfig(rc);
  });
  if (!st.ok()) return fail(st);
  return Load(std::move(*store), options);
}

Result<std::unique_ptr<Client>> Client::Open(const ClientOptions& options,
                                             const SecretBytes& passphrase) {
  const std::string home = ResolveHome(options.home);
  BC_ASSIGN_OR_RETURN(auto store, LocalStore::Open(StorePath(home), passphrase));
  return Load(std::move(store), options);
}

Result<std::unique_ptr<Client>> Client::OpenWithKey(const ClientOptions& options,
                                                    const StoreKey& key) {
  const std::string home = ResolveHome(options.home);
  BC_ASSIGN_OR_RETURN(auto store, LocalStore::OpenWithKey(StorePath(home), key));
  return Load(std::move(store), options);
}

Status Client::ImportCredential(const identity::Credential& credential) {
  BC_RETURN_IF_ERROR(identity::VerifyCredentialSignature(credential));
  if (credential.identity_key != impl_->identity.key_pair.public_key) {
    return {StatusCode::kUntrusted, "this credential is for another identity key"};
  }
  BC_ASSIGN_OR_RETURN(Bytes encoded, identity::EncodeCredential(credential));
  BC_RETURN_IF_ERROR(store_->Transaction([&] {
    BC_RETURN_IF_ERROR(store_->SetOwnCredential(encoded));
    return impl_->TrustIfAbsent(credential.authority_key, credential.side);
  }));
  impl_->identity.credential = encoded;
  impl_->credential = credential;
  return Status::Ok();
}

TrustScope TrustScope::Side(const std::string& side) {
  return {{side}, {identity::Role::kEnvoy, identity::Role::kPrincipal, identity::Role::kMediator}};
}

Result<ReceiveReport> Client::TrustAuthority(const identity::AuthorityPublicKey& key,
                                             const std::string& label, const TrustScope& scope) {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("trusting an authority"));
  if (label.empty()) return InvalidArgument("an authority needs a label");
  if (scope.sides.empty()) return InvalidArgument("name the side(s) this authority may accredit");
  if (scope.roles.empty()) return InvalidArgument("name the role(s) this authority may accredit");
  for (const auto& side : scope.sides) {
    if (side.empty() || side.size() > 128) return InvalidArgument("a side is 1..128 bytes");
  }
  BC_ASSIGN_OR_RETURN(auto existing, impl_->FindAuthority(key));
  TrustedAuthority a;
  a.key = ToBytes(key);
  a.label = label;
  if (existing) a.revocations = existing->revocations;
  a.scoped = true;
  a.sides = scope.sides;
  a.roles = RoleNames(scope.roles);
  BC_RETURN_IF_ERROR(store_->PutAuthority(a));
  return impl_->ProcessPending();
}

Status Client::DistrustAuthority(const identity::AuthorityPublicKey& key) {
  if (impl_->credential && impl_->credential->authority_key == key) {
    return FailedPrecondition("this is your own authority; it stays trusted");
  }
  return store_->RemoveAuthority(key);
}

Result<std::vector<TrustedAuthority>> Client::Authorities() { return store_->ListAuthorities(); }

Result<std::vector<PendingRequest>> Client::PendingRequests() { return store_->ListPending(); }

Status Client::RefusePending(std::int64_t seq) { return store_->RemovePending(seq); }

Status Client::ImportRevocations(const identity::RevocationList& list) {
  BC_ASSIGN_OR_RETURN(auto trust, impl_->LoadTrust());
  BC_RETURN_IF_ERROR(trust.UpdateRevocations(list));
  BC_ASSIGN_OR_RETURN(Bytes encoded, identity::EncodeRevocationList(list));
  BC_ASSIGN_OR_RETURN(auto existing, impl_->FindAuthority(list.authority_key));
  if (!existing) return NotFound("that authority is not trusted");
  existing->revocations = encoded;
  return store_->PutAuthority(*existing);
}

Result<identity::Invitation> Client::MakeInvitation() {
  if (!impl_->credential) {
    return impl_->OwnCredentialBytes().status();
  }
  const auto& cred = *impl_->credential;
  identity::Invitation inv;
  inv.relay_address = impl_->relay.address;
  BC_ASSIGN_OR_RETURN(inv.relay_certificate_sha256, [&]() -> Result<identity::CertificatePin> {
    auto b = FromHex(impl_->relay.pin);
    if (!b || b->size() != 32) return Corrupt("store: relay pin is malformed");
    identity::CertificatePin pin{};
    std::copy(b->begin(), b->end(), pin.begin());
    return pin;
  }());
  BC_ASSIGN_OR_RETURN(inv.inviter_address.mailbox,
                      FixedB64<16>(impl_->relay.mailbox, "our mailbox id"));
  BC_ASSIGN_OR_RETURN(inv.inviter_address.delivery_token,
                      FixedB64<32>(impl_->relay.delivery_token, "our delivery token"));
  inv.inviter_identity = impl_->identity.key_pair.public_key;
  inv.authority_key = cred.authority_key;
  inv.authority_label = cred.side;
  inv.display_name = cred.display_name;
  return inv;
}

Result<std::string> Client::AcceptInvitation(const identity::Invitation& inv,
                                             const std::string& name, bool trust_authority) {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("accepting an invitation"));
  BC_ASSIGN_OR_RETURN(Bytes cred, impl_->OwnCredentialBytes());
  if (inv.inviter_identity == impl_->identity.key_pair.public_key) {
    return InvalidArgument("this is your own invitation");
  }
  BC_ASSIGN_OR_RETURN(auto existing, store_->FindContactByIdentity(inv.inviter_identity));
  if (existing) {
    return Status(StatusCode::kAlreadyExists,
                  "you already have this contact as '" + existing->name + "'");
  }
  Contact contact;
  contact.name = name.empty() ? inv.display_name : name;
  if (store_->GetContact(contact.name)) {
    return Status(StatusCode::kAlreadyExists, "a contact named '" + contact.name + "' exists");
  }
  BC_ASSIGN_OR_RETURN(auto trusted, impl_->FindAuthority(inv.authority_key));
  if (!trusted && !trust_authority) {
    return Status(StatusCode::kUntrusted,
                  "the invitation's authority (" + inv.authority_label +
                      ") is not one you trust. Check its key with the person who gave you the "
                      "invitation, then trust it (" +
                      TrustAdvice(inv.authority_key, inv.authority_label, "") +
                      ") or accept with --trust-authority");
  }
  contact.identity_key = inv.inviter_identity;
  contact.address = {inv.relay_address, ToHex(inv.relay_certificate_sha256),
                     ToBase64(inv.inviter_address.mailbox, kB64u),
                     ToBase64(inv.inviter_address.delivery_token, kB64u)};
  contact.authority_key = ToBytes(inv.authority_key);
  contact.authority_label = inv.authority_label;
  BC_ASSIGN_OR_RETURN(auto session, impl_->NewSession(contact));
  contact.session = session.Serialize();
  StoredMessage line =
      impl_->Line(Direction::kSystem, "You accepted " + contact.name + "'s invitation (authority " +
                                          inv.authority_label + "); waiting for their credential.");
  line.id = Impl::LocalId();
  line.contact = contact.name;
  Payload hello = Hello{cred, impl_->OwnAddress(), ""};
  std::string hello_id;
  BC_RETURN_IF_ERROR(store_->Transaction([&]() -> Status {
    if (!trusted) BC_RETURN_IF_ERROR(impl_->TrustIfAbsent(inv.authority_key, inv.authority_label));
    BC_RETURN_IF_ERROR(store_->PutContact(contact));
    BC_RETURN_IF_ERROR(store_->AddMessage(line).status());
    BC_ASSIGN_OR_RETURN(hello_id, impl_->Enqueue(contact.name, hello, std::nullopt));
    return Status::Ok();
  }));
  BC_RETURN_IF_ERROR(impl_->DeliverOrRefusal(contact.name, hello_id));
  return contact.name;
}

Result<SendOutcome> Client::Send(const std::string& contact_name, const std::string& text) {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("sending"));
  if (text.empty()) return InvalidArgument("the message is empty");
  if (text.size() > kMaxTextSize) return InvalidArgument("the message is too long");
  Payload p = Text{text};
  BC_ASSIGN_OR_RETURN(std::string id,
                      impl_->Enqueue(contact_name, p, impl_->Line(Direction::kOut, text)));
  return impl_->Deliver(contact_name, id);
}

Result<SendOutcome> Client::SendApp(const std::string& contact_name, const std::string& app,
                                    ByteView body) {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("sending"));
  if (!IsValidAppName(app)) {
    return InvalidArgument("app name '" + app + "' is not 1..32 characters [a-z0-9_-]");
  }
  if (body.size() > kMaxAppBodySize) {
    return InvalidArgument("the app message is over " + std::to_string(kMaxAppBodySize) + " bytes");
  }
  Payload p = App{app, ToBytes(body)};
  BC_ASSIGN_OR_RETURN(std::string id, impl_->Enqueue(contact_name, p, std::nullopt));
  return impl_->Deliver(contact_name, id);
}

Result<int> Client::RotateDeliveryToken() {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("rotating the delivery token"));
  BC_ASSIGN_OR_RETURN(Bytes cred, impl_->OwnCredentialBytes());
  // The relay makes the old token invalid at once; from here on, the new one
  // must reach the store (else `invite --rotate` again recovers).
  BC_ASSIGN_OR_RETURN(std::string token, impl_->OwnRelay().RotateToken());
  const RelayConfig& now = impl_->relay;
  RelayConfig updated{now.address, now.pin, now.mailbox, now.auth_key.Clone(), token};
  int told = 0;
  BC_RETURN_IF_ERROR(store_->Transaction([&]() -> Status {
    BC_RETURN_IF_ERROR(store_->PutRelayConfig(updated));
    impl_->relay.delivery_token = token;
    BC_ASSIGN_OR_RETURN(auto contacts, store_->ListContacts());
    told = 0;
    for (const auto& c : contacts) {
      if (c.session.empty()) continue;
      Payload p = Hello{cred, impl_->OwnAddress(), ""};
      BC_RETURN_IF_ERROR(impl_->Enqueue(c.name, p, std::nullopt).status());
      ++told;
    }
    return Status::Ok();
  }));
  BC_ASSIGN_OR_RETURN(auto flushed, impl_->Flush());
  (void)flushed;
  return told;
}

Result<FlushReport> Client::FlushOutbox() {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("flushing the outbox"));
  return impl_->Flush();
}

Result<std::vector<OutboxEntry>> Client::Outbox(const std::string& contact) {
  if (!contact.empty()) BC_RETURN_IF_ERROR(store_->GetContact(contact).status());
  return store_->ListOutbox(contact);
}

Status Client::CancelQueued(const std::string& message_id) {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("cancelling"));
  if (message_id.empty()) return InvalidArgument("name the queued message to cancel");
  return store_->Transaction([&]() -> Status {
    BC_ASSIGN_OR_RETURN(auto all, store_->ListOutbox());
    std::vector<const OutboxEntry*> match;
    for (const auto& e : all) {
      if (e.message_id.starts_with(message_id)) match.push_back(&e);
    }
    if (match.empty()) return NotFound("no queued message " + message_id + " in the outbox");
    if (match.size() > 1) {
      return InvalidArgument("'" + message_id + "' matches " + std::to_string(match.size()) +
                             " queued messages; give more of the id");
    }
    BC_RETURN_IF_ERROR(store_->RemoveOutbox(match[0]->seq));
    Status d = store_->SetDelivery(match[0]->contact, match[0]->message_id, Delivery::kCancelled);
    return d.code() == StatusCode::kNotFound ? Status::Ok() : d;
  });
}

void Client::SetAppHandler(const std::string& app, AppHandler handler) {
  if (handler) {
    impl_->handlers[app] = std::move(handler);
  } else {
    impl_->handlers.erase(app);
  }
}

Result<ReceiveReport> Client::Receive() {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("receiving"));
  ReceiveReport report;
  // Before the messages: one built on the key being superseded still opens
  // (the grace), and a long absence does not leave a stale key at the relay.
  BC_RETURN_IF_ERROR(impl_->MaintainSignedPreKey(false, &report));
  BC_ASSIGN_OR_RETURN(report.outbox, impl_->Flush());
  const RelayClient relay = impl_->OwnRelay();
  constexpr int kBatch = 100;
  std::int64_t remaining = -1;
  std::set<std::string> handled;
  for (;;) {
    BC_ASSIGN_OR_RETURN(auto batch, relay.ListMessages(kBatch));
    remaining = batch.one_time_remaining;
    bool progress = false;
    for (const auto& m : batch.messages) {
      if (!handled.insert(m.id).second) continue;
      progress = true;
      BC_ASSIGN_OR_RETURN(bool ack, impl_->ProcessOne(m, report));
      if (ack) BC_RETURN_IF_ERROR(relay.AckMessage(m.id));
    }
    if (batch.messages.size() < static_cast<std::size_t>(kBatch) || !progress) break;
  }
  BC_RETURN_IF_ERROR(impl_->Replenish(remaining, &report));
  // Answers queued while receiving (hellos to new contacts).
  BC_ASSIGN_OR_RETURN(auto answers, impl_->Flush());
  report.outbox.sent += answers.sent;
  report.outbox.queued = answers.queued;
  report.outbox.errors = std::move(answers.errors);
  return report;
}

Status Client::Listen(std::chrono::milliseconds duration,
                      const std::function<bool(const StoredMessage&)>& on_message,
                      const std::function<void(const Status&)>& on_refused,
                      const ConnectionHandler& on_connection,
                      const std::function<bool()>& after_event) {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("listening"));
  BC_RETURN_IF_ERROR(impl_->MaintainSignedPreKey(false, nullptr));
  BC_ASSIGN_OR_RETURN(auto flushed, impl_->Flush());
  if (on_refused) {
    for (const auto& e : flushed.errors) on_refused(e);
  }
  // Prekey uploads while listening: the relay being briefly unreachable is
  // a warning (the next event tries again), anything else ends the listen.
  auto upload_failed = [&](const Status& s) -> Status {
    if (s.code() != StatusCode::kUnavailable) return s;
    if (on_refused) on_refused(s.WithContext("uploading prekeys (will retry)"));
    return Status::Ok();
  };
  const RelayClient relay = impl_->OwnRelay();
  ListenOptions options;
  options.duration = duration;
  options.reconnect = options_.listen_reconnect;
  options.on_connection = on_connection;
  return relay.Listen(
      [&](const PushEvent& event, bool& stop) -> Result<bool> {
        if (NowMs() >= impl_->next_maintenance_ms) {
          BC_RETURN_IF_ERROR(upload_failed(impl_->MaintainSignedPreKey(false, nullptr)));
        }
        if (event.kind == PushEvent::Kind::kPrekeysLow) {
          BC_RETURN_IF_ERROR(upload_failed(impl_->Replenish(event.one_time_remaining, nullptr)));
          return false;
        }
        ReceiveReport report;
        BC_ASSIGN_OR_RETURN(bool ack, impl_->ProcessOne(event.message, report));
        // Answers queued while receiving, and anything queued by another
        // process on this home meanwhile.
        auto answers = impl_->Flush();
        if (!answers) {
          report.refused.push_back(answers.error());
        } else {
          for (const auto& e : answers->errors) report.refused.push_back(e);
        }
        for (const auto& s : report.refused) {
          if (on_refused) on_refused(s);
        }
        for (const auto& m : report.stored) {
          if (on_message && !on_message(m)) stop = true;
        }
        if (after_event && !after_event()) stop = true;
        return ack;
      },
      options);
}

Status Client::RotateSignedPreKey() {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("rotating the signed prekey"));
  return impl_->MaintainSignedPreKey(true, nullptr);
}

Status Client::ResetSession(const std::string& contact_name, const std::string& reason) {
  BC_RETURN_IF_ERROR(impl_->NotInHandler("resetting a session"));
  BC_ASSIGN_OR_RETURN(auto contact, store_->GetContact(contact_name));
  return impl_->Reset(contact, reason.empty() ? "requested by the user" : reason);
}

Result<std::vector<Contact>> Client::Contacts() { return store_->ListContacts(); }

Status Client::MarkSafetyNumberCompared(const std::string& contact_name) {
  return store_->Transaction([&]() -> Status {
    BC_ASSIGN_OR_RETURN(auto contact, store_->GetContact(contact_name));
    contact.compared_identity_key = ToBytes(contact.identity_key);
    return store_->PutContact(contact);
  });
}

Result<std::vector<StoredMessage>> Client::Messages(const std::string& contact) {
  if (!contact.empty()) BC_RETURN_IF_ERROR(store_->GetContact(contact).status());
  return store_->ListMessages(contact);
}

Result<std::string> Client::Fingerprint(const std::string& contact_name) {
  BC_ASSIGN_OR_RETURN(auto contact, store_->GetContact(contact_name));
  const auto& local = impl_->identity.key_pair.public_key;
  const auto sn = session::ComputeSafetyNumber(IdHex(local), local, IdHex(contact.identity_key),
                                               contact.identity_key);
  return session::FormatDisplayable(sn.displayable);
}

Result<ClientStatus> Client::GetStatus() {
  ClientStatus s;
  s.identity_key = IdHex(impl_->identity.key_pair.public_key);
  s.relay = impl_->relay.address;
  s.mailbox = impl_->relay.mailbox;
  s.has_credential = impl_->credential.has_value();
  if (impl_->credential) s.display_name = impl_->credential->display_name;
  BC_ASSIGN_OR_RETURN(auto contacts, store_->ListContacts());
  s.contacts = contacts.size();
  BC_ASSIGN_OR_RETURN(s.local_one_time_prekeys, store_->CountUnusedOneTimePreKeys());
  BC_ASSIGN_OR_RETURN(auto outbox, store_->ListOutbox());
  s.outbox = outbox.size();
  auto st = impl_->OwnRelay().GetStatus();
  if (st) {
    s.mailbox_status = *st;
  } else {
    s.relay_status = st.error();
  }
  return s;
}

const session::PublicKey& Client::identity_key() const {
  return impl_->identity.key_pair.public_key;
}

Result<identity::Credential> Client::OwnCredential() const {
  if (!impl_->credential) return impl_->OwnCredentialBytes().status();
  return *impl_->credential;
}

}  // namespace backchannel::client
