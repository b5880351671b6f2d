#include "backchannel/client/client.h"

#include <filesystem>
#include <set>
#include <utility>

#include "backchannel/client/home.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/session/fingerprint.h"
#include "client/client_impl.h"

namespace backchannel::client {
namespace {

namespace fs = std::filesystem;

}  // namespace

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

  RelayEndpoint endpoint{params.relay_address, params.relay_pin, options.relay_timeout,
                         params.relay_next_pin};
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

  const RelayTransport* transport = options.transport.get();
  auto created = RelayClient(endpoint, transport).CreateMailbox(auth.public_key);
  if (!created) return fail(created.error());
  RelayConfig rc{params.relay_address,       params.relay_pin,        created->mailbox,
                 std::move(auth.secret_key), created->delivery_token, params.relay_next_pin};
  const auto base =
      mem.MakeBundle(id.key_pair, id.registration_id, kFirstSignedPreKeyId, std::nullopt);
  Status up =
      RelayClient(endpoint, rc.mailbox, rc.auth_key, transport).PutPreKeys(base, otks, true);
  if (!up.ok()) return fail(up);

  LocalStore& s = **store;
  Status st = s.Transaction([&] {
    BC_RETURN_IF_ERROR(s.PutIdentity(id));
    BC_RETURN_IF_ERROR(
        s.PutSignedPreKey(spk, options.clock ? options.clock() : SystemWallClockMs()));
    BC_RETURN_IF_ERROR(s.PutSetting(kUploadedSignedPreKey, std::to_string(spk.id)));
    BC_RETURN_IF_ERROR(s.PutOneTimePreKeys(otks));
    return s.PutRelayConfig(rc);
  });
  if (!st.ok()) return fail(st);
  BC_ASSIGN_OR_RETURN(auto client, Load(std::move(*store), options));
  // The relay's pins now (a rollover in progress), not a day from now.
  BC_RETURN_IF_ERROR(client->impl_->MaintainRelayPins(true));
  return client;
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
  a.key = key;
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
  inv.relay_certificate_sha256 = impl_->relay.pin;
  inv.relay_next_certificate_sha256 = impl_->relay.next_pin;  // a code of version 3
  inv.inviter_address.mailbox = impl_->relay.mailbox;
  inv.inviter_address.delivery_token = impl_->relay.delivery_token;
  inv.inviter_identity = impl_->identity.key_pair.public_key;
  inv.authority_key = cred.authority_key;
  inv.authority_label = cred.side;
  inv.display_name = cred.display_name;
  crypto::RandomBytes(inv.ticket);
  BC_RETURN_IF_ERROR(impl_->IssueTicket(inv.ticket));
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
  contact.address = {inv.relay_address, inv.relay_certificate_sha256, inv.inviter_address.mailbox,
                     inv.inviter_address.delivery_token, inv.relay_next_certificate_sha256};
  contact.authority_key = inv.authority_key;
  contact.authority_label = inv.authority_label;
  auto session = impl_->NewSession(contact);
  if (!session && session.error().code() == StatusCode::kPermissionDenied) {
    // The relay no longer knows the invitation's delivery token.
    return Status(StatusCode::kPermissionDenied,
                  "this invitation no longer works: " + contact.name +
                      " has replaced its delivery token (`invite --rotate`); ask for a new "
                      "invitation (" +
                      std::string(session.error().message()) + ")");
  }
  if (!session) return session.error();
  contact.session = session->Serialize();
  StoredMessage line =
      impl_->Line(Direction::kSystem, "You accepted " + contact.name + "'s invitation (authority " +
                                          inv.authority_label + "); waiting for their credential.");
  line.id = Impl::LocalId();
  line.contact = contact.name;
  Payload hello = Hello{cred, impl_->OwnAddress(), "", ToBytes(inv.ticket)};
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
  BC_ASSIGN_OR_RETURN(const DeliveryToken token, impl_->OwnRelay().RotateToken());
  const RelayConfig& now = impl_->relay;
  RelayConfig updated{now.address, now.pin, now.mailbox, now.auth_key.Clone(), token, now.next_pin};
  int told = 0;
  BC_RETURN_IF_ERROR(store_->Transaction([&]() -> Status {
    BC_RETURN_IF_ERROR(store_->PutRelayConfig(updated));
    impl_->relay.delivery_token = token;
    BC_ASSIGN_OR_RETURN(auto contacts, store_->ListContacts());
    told = 0;
    for (const auto& c : contacts) {
      if (c.session.empty()) continue;
      Payload p = Hello{cred, impl_->OwnAddress(), "", {}};
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
  BC_RETURN_IF_ERROR(impl_->MaintainRelayPins(false));
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
  BC_RETURN_IF_ERROR(impl_->MaintainRelayPins(false));
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
  options.interrupt = options_.listen_interrupt.get();
  return relay.Listen(
      [&](const PushEvent& event, bool& stop) -> Result<bool> {
        if (impl_->NowMs() >= impl_->next_maintenance_ms) {
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

Result<std::vector<Contact>> Client::Contacts() {
  BC_ASSIGN_OR_RETURN(auto contacts, store_->ListContacts());
  BC_RETURN_IF_ERROR(impl_->FillIntroducedBy(contacts));
  return contacts;
}

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

Result<std::pair<std::string, std::string>> Client::FingerprintHalves(
    const std::string& contact_name) {
  BC_ASSIGN_OR_RETURN(auto contact, store_->GetContact(contact_name));
  const auto& local = impl_->identity.key_pair.public_key;
  const auto both = session::ComputeSafetyNumber(IdHex(local), local, IdHex(contact.identity_key),
                                                 contact.identity_key);
  // Each half depends on one identity only (session/fingerprint.h), so the
  // number of our key with itself is our half twice.
  const auto self = session::ComputeSafetyNumber(IdHex(local), local, IdHex(local), local);
  constexpr std::size_t kHalf = 30;
  const std::string ours = self.displayable.substr(0, kHalf);
  const std::string theirs = both.displayable.compare(0, kHalf, ours) == 0
                                 ? both.displayable.substr(kHalf)
                                 : both.displayable.substr(0, kHalf);
  return std::pair{session::FormatDisplayable(ours), session::FormatDisplayable(theirs)};
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
