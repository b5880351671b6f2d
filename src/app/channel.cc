// The channel operations and their view models (app/channel.h).
#include "backchannel/app/channel.h"

#include <algorithm>
#include <utility>

#include "backchannel/app/home_ops.h"
#include "backchannel/common/encoding.h"
#include "backchannel/identity/credential.h"
#include "backchannel/identity/invitation.h"
#include "backchannel/session/keys.h"

namespace backchannel::app {
namespace {

std::string KeyText(ByteView key) { return ToBase64(key, Base64Variant::kUrlSafeNoPadding); }

std::vector<Error> ErrorsOf(const std::vector<backchannel::Status>& statuses) {
  std::vector<Error> out;
  out.reserve(statuses.size());
  for (const auto& s : statuses) out.push_back(ErrorFrom(s));
  return out;
}

Json ErrorsJson(const std::vector<Error>& errors) {
  Json j = Json::array();
  for (const auto& e : errors) j.push_back(Json{{"code", e.code}, {"message", e.message}});
  return j;
}

ContactView ViewOf(const client::Contact& k) {
  ContactView v;
  v.name = k.name;
  v.identity_key = ToHex(session::SerializePublicKey(k.identity_key));
  v.authority = k.authority_label;
  v.credential_checked = !k.credential.empty();
  // The mark counts only for the key that was compared: a changed identity
  // key is a stranger until compared again.
  v.safety_number_compared =
      !k.compared_identity_key.empty() && PublicEqual(k.compared_identity_key, k.identity_key);
  v.introduced_by = k.introduced_by;
  if (!k.credential.empty()) {
    if (auto credential = identity::DecodeCredential(k.credential)) {
      v.role = std::string(identity::RoleName(credential->role)) + " of " + credential->side;
    }
  }
  return v;
}

}  // namespace

MessageView ViewOf(const client::StoredMessage& m) {
  MessageView v;
  v.seq = m.seq;
  v.id = m.id;
  v.contact = m.contact;
  v.direction = std::string(client::DirectionName(m.direction));
  v.time_ms = m.time_ms;
  v.body = m.body;
  if (m.delivery != client::Delivery::kNone) {
    v.delivery = std::string(client::DeliveryName(m.delivery));
  }
  return v;
}

ReceiveView ViewOf(const client::ReceiveReport& report) {
  ReceiveView v;
  for (const auto& m : report.stored) v.received.push_back(ViewOf(m));
  v.duplicates = report.duplicates;
  v.refused = ErrorsOf(report.refused);
  v.replenished = report.replenished;
  return v;
}

Result<std::vector<ContactView>> Channel::Contacts() {
  BC_ASSIGN_OR_RETURN(auto contacts, client_.Contacts());
  BC_ASSIGN_OR_RETURN(auto changes, client_.IdentityChanges());
  std::vector<ContactView> out;
  out.reserve(contacts.size());
  for (const auto& k : contacts) {
    ContactView v = ViewOf(k);
    if (auto it = changes.find(k.name); it != changes.end()) {
      v.replaces = it->second;
      // Comparing the new key's safety number in person ends the alarm.
      v.key_changed = !v.safety_number_compared;
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<SendView> Channel::Send(const SendRequest& request) {
  BC_RETURN_IF_ERROR(ValidateRequest(Request(request)));
  BC_ASSIGN_OR_RETURN(auto sent, client_.Send(request.contact, request.text));
  if (sent.refused && sent.reason.code() == backchannel::StatusCode::kPermissionDenied) {
    // The relay refused the contact's delivery token. The usual cause: the
    // contact replaced it (`invite --rotate`) and sent us the new address in
    // a message we have not received yet. Receive as `inbox` does (the
    // timeline keeps what arrives); the receive ends by posting the outbox
    // again, with the address it learnt.
    BC_ASSIGN_OR_RETURN(auto synced, talks_.Sync());
    (void)synced;
    BC_ASSIGN_OR_RETURN(auto waiting, client_.Outbox(request.contact));
    const bool still_waiting = std::any_of(waiting.begin(), waiting.end(), [&](const auto& e) {
      return e.message_id == sent.message_id;
    });
    if (!still_waiting) sent.refused = sent.queued = false;
  }
  if (sent.refused) {
    // Will not pass by itself: loud; the message waits in the outbox until
    // it goes through or is cancelled.
    return backchannel::Status(sent.reason.code(),
                               std::string(sent.reason.message()) +
                                   " — the message stays in the outbox (`backchannel outbox`; "
                                   "`backchannel outbox --cancel " +
                                   sent.message_id.substr(0, 8) + "` withdraws it)");
  }
  SendView v;
  v.state = sent.queued ? "queued" : "sent";
  v.contact = request.contact;
  v.id = sent.message_id;
  if (sent.queued) v.reason = std::string(sent.reason.message());
  return v;
}

Result<InboxView> Channel::Inbox(const InboxRequest& request) {
  BC_RETURN_IF_ERROR(ValidateRequest(Request(request)));
  InboxView v;
  // Talks traffic arrives on the same channel: receive as `talks sync` does
  // (the reactor runs) and show what the talks did too.
  if (!request.offline) {
    BC_ASSIGN_OR_RETURN(auto synced, talks_.Sync());
    v.receipt = ViewOf(synced.received);
    for (const auto& h : synced.happenings) v.talks.push_back({h.talks, h.text});
    v.warnings = ErrorsOf(synced.refused);
    // Feeler messages arrived in that receive; what their exchanges answer
    // waits in the feelers outbox until posted here (a receive handler may
    // not send), and exchanges whose time is up end.
    if (feelers_ != nullptr) {
      BC_ASSIGN_OR_RETURN(auto settled, feelers_->Settle());
      v.feelers = std::move(settled.events);
      for (const auto& e : ErrorsOf(settled.refused)) v.warnings.push_back(e);
    }
  }
  BC_ASSIGN_OR_RETURN(auto messages, client_.Messages(request.contact));
  for (const auto& m : messages) v.messages.push_back(ViewOf(m));
  return v;
}

Result<OutboxView> Channel::Outbox(const std::string& contact, bool flush,
                                   const std::string& cancel) {
  if (!cancel.empty()) BC_RETURN_IF_ERROR(client_.CancelQueued(cancel));
  OutboxView v;
  if (flush) {
    BC_ASSIGN_OR_RETURN(auto flushed, client_.FlushOutbox());
    v.sent = flushed.sent;
    v.errors = ErrorsOf(flushed.errors);
  }
  BC_ASSIGN_OR_RETURN(auto entries, client_.Outbox(contact));
  for (const auto& e : entries) {
    v.queued.push_back({e.message_id, e.contact, e.created_ms, e.attempts, e.last_error});
  }
  return v;
}

Result<ReceiveView> Channel::Trust(const identity::AuthorityPublicKey& key,
                                   const std::string& label, const client::TrustScope& scope) {
  BC_ASSIGN_OR_RETURN(auto report, client_.TrustAuthority(key, label, scope));
  return ViewOf(report);
}

Result<std::vector<AuthorityView>> Channel::Authorities() {
  BC_ASSIGN_OR_RETURN(auto all, client_.Authorities());
  std::vector<AuthorityView> out;
  out.reserve(all.size());
  for (const auto& a : all) {
    out.push_back({a.label, KeyText(a.key), a.scoped, a.sides, a.roles, !a.revocations.empty()});
  }
  return out;
}

Result<std::vector<PendingView>> Channel::Pending(std::int64_t refuse) {
  if (refuse != 0) BC_RETURN_IF_ERROR(client_.RefusePending(refuse));
  BC_ASSIGN_OR_RETURN(auto all, client_.PendingRequests());
  std::vector<PendingView> out;
  out.reserve(all.size());
  for (const auto& p : all) {
    out.push_back({p.seq, p.received_ms, p.display_name, p.side, p.role,
                   p.authority_key ? KeyText(*p.authority_key) : std::string()});
  }
  return out;
}

Result<StatusView> Channel::HomeStatus() {
  BC_ASSIGN_OR_RETURN(auto st, client_.GetStatus());
  StatusView v;
  v.identity_key = st.identity_key;
  v.display_name = st.display_name;
  v.has_credential = st.has_credential;
  // Before a credential names them: the name given at creation, if any.
  if (!st.has_credential) {
    BC_ASSIGN_OR_RETURN(v.display_name, ChosenName(client_));
  }
  v.relay = st.relay;
  v.mailbox = KeyText(st.mailbox);  // base64url, as in the relay's URLs
  v.contacts = st.contacts;
  v.local_one_time_prekeys = st.local_one_time_prekeys;
  v.outbox = st.outbox;
  v.relay_reachable = st.relay_status.ok();
  if (v.relay_reachable) {
    v.queued = st.mailbox_status.queued;
    v.one_time_remaining = st.mailbox_status.one_time_remaining;
  } else {
    v.relay_error = std::string(st.relay_status.message());
  }
  return v;
}

Result<CredentialView> Channel::ImportCredential(std::string_view text) {
  BC_ASSIGN_OR_RETURN(auto credential, identity::CredentialFromText(text));
  BC_RETURN_IF_ERROR(client_.ImportCredential(credential));
  return CredentialView{credential.display_name, credential.side,
                        std::string(identity::RoleName(credential.role)), credential.expiry};
}

Result<InviteView> Channel::Invite(bool rotate) {
  InviteView v;
  if (rotate) {
    BC_ASSIGN_OR_RETURN(int told, client_.RotateDeliveryToken());
    v.contacts_told = told;
  }
  BC_ASSIGN_OR_RETURN(auto invitation, client_.MakeInvitation());
  BC_ASSIGN_OR_RETURN(v.code, identity::InvitationToText(invitation));
  return v;
}

Result<AcceptView> Channel::Accept(std::string_view code, const std::string& name,
                                   bool trust_authority) {
  BC_ASSIGN_OR_RETURN(auto invitation, identity::InvitationFromText(code));
  BC_ASSIGN_OR_RETURN(auto contact, client_.AcceptInvitation(invitation, name, trust_authority));
  return AcceptView{contact, invitation.authority_label};
}

Result<FingerprintView> Channel::Fingerprint(const std::string& contact, bool mark_compared) {
  if (mark_compared) BC_RETURN_IF_ERROR(client_.MarkSafetyNumberCompared(contact));
  BC_ASSIGN_OR_RETURN(auto number, client_.Fingerprint(contact));
  BC_ASSIGN_OR_RETURN(auto halves, client_.FingerprintHalves(contact));
  return FingerprintView{contact, number, halves.first, halves.second, mark_compared};
}

backchannel::Status Channel::Reset(const std::string& contact, const std::string& reason) {
  return client_.ResetSession(contact, reason);
}

backchannel::Status Channel::Distrust(const identity::AuthorityPublicKey& key) {
  return client_.DistrustAuthority(key);
}

backchannel::Status Channel::DistrustLabelled(const std::string& label) {
  BC_ASSIGN_OR_RETURN(auto all, client_.Authorities());
  for (const auto& a : all) {
    if (a.label == label) return client_.DistrustAuthority(a.key);
  }
  return NotFound("no trusted authority is labelled '" + label + "'");
}

Result<RevocationsView> Channel::ImportRevocations(std::string_view text) {
  BC_ASSIGN_OR_RETURN(auto list, identity::RevocationListFromText(text));
  BC_RETURN_IF_ERROR(client_.ImportRevocations(list));
  return RevocationsView{list.sequence, list.revoked_serials};
}

Json ToJson(const ContactView& v) {
  return Json{{"name", v.name},
              {"identity_key", v.identity_key},
              {"authority", v.authority},
              {"verified", v.credential_checked},
              {"safety_number_compared", v.safety_number_compared},
              {"role", v.role},
              {"introduced_by", v.introduced_by},
              {"replaces", v.replaces},
              {"key_changed", v.key_changed}};
}

Json ToJson(const MessageView& v) {
  Json j{{"seq", v.seq},         {"id", v.id},
         {"contact", v.contact}, {"direction", v.direction},
         {"time_ms", v.time_ms}, {"body", v.body}};
  if (v.delivery) j["delivery"] = *v.delivery;
  return j;
}

Json ToJson(const ReceiveView& v) {
  return Json{{"received", ToJsonArray(v.received)},
              {"duplicates", v.duplicates},
              {"refused", ErrorsJson(v.refused)},
              {"replenished", v.replenished}};
}

Json ToJson(const InboxView& v) {
  Json j = ToJson(v.receipt);
  j["talks"] = Json::array();
  for (const auto& h : v.talks) j["talks"].push_back(Json{{"talks", h.talks}, {"text", h.text}});
  j["messages"] = ToJsonArray(v.messages);
  if (!v.feelers.empty()) j["feelers"] = v.feelers;
  return j;
}

Json ToJson(const SendView& v) {
  Json j{{"state", v.state}, {"sent", v.state == "sent"}, {"contact", v.contact}, {"id", v.id}};
  if (v.state == "queued") j["reason"] = v.reason;
  return j;
}

Json ToJson(const OutboxView& v) {
  Json j{{"sent", v.sent}, {"queued", Json::array()}};
  for (const auto& e : v.queued) {
    j["queued"].push_back(Json{{"id", e.id},
                               {"contact", e.contact},
                               {"created_ms", e.created_ms},
                               {"attempts", e.attempts},
                               {"last_error", e.last_error}});
  }
  return j;
}

Json ToJson(const AuthorityView& v) {
  return Json{{"label", v.label}, {"key", v.key},     {"scoped", v.scoped},
              {"sides", v.sides}, {"roles", v.roles}, {"has_revocations", v.has_revocations}};
}

Json ToJson(const PendingView& v) {
  return Json{{"number", v.number}, {"received_ms", v.received_ms},
              {"name", v.name},     {"side", v.side},
              {"role", v.role},     {"authority_key", v.authority_key}};
}

Json ToJson(const StatusView& v) {
  Json j{{"identity_key", v.identity_key},
         {"display_name", v.display_name},
         {"has_credential", v.has_credential},
         {"relay", v.relay},
         {"mailbox", v.mailbox},
         {"contacts", v.contacts},
         {"local_one_time_prekeys", v.local_one_time_prekeys},
         {"outbox", v.outbox},
         {"relay_reachable", v.relay_reachable}};
  if (v.relay_reachable) {
    j["queued"] = v.queued;
    j["one_time_remaining"] = v.one_time_remaining;
  } else {
    j["relay_error"] = v.relay_error;
  }
  return j;
}

Json ToJson(const CredentialView& v) {
  return Json{
      {"display_name", v.display_name}, {"side", v.side}, {"role", v.role}, {"expiry", v.expiry}};
}

Json ToJson(const InviteView& v) {
  Json j{{"code", v.code}};
  if (v.contacts_told) j["contacts_told"] = *v.contacts_told;
  return j;
}

Json ToJson(const AcceptView& v) {
  return Json{{"contact", v.contact}, {"authority", v.authority}};
}

Json ToJson(const FingerprintView& v) {
  return Json{{"contact", v.contact},
              {"safety_number", v.safety_number},
              {"our_half", v.our_half},
              {"their_half", v.their_half},
              {"compared", v.compared}};
}

Json ToJson(const RevocationsView& v) {
  return Json{{"sequence", v.sequence}, {"revoked", v.revoked}};
}

}  // namespace backchannel::app
