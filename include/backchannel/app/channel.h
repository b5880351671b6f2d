// The channel operations of the application core: contacts, the
// conversation, sending, the outbox, trust and the home's status, each
// returning a view model every face renders (the CLI as text or JSON, the
// web app as JSON). Derived values (whether a safety number still counts,
// a contact's role from its credential, keys as text) are computed here
// once, so no face works them out itself.
//
// Thread safety: a Channel uses one opened client and its talks service from
// one thread at a time, as they require.
#ifndef BACKCHANNEL_APP_CHANNEL_H_
#define BACKCHANNEL_APP_CHANNEL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/app/json.h"
#include "backchannel/app/request.h"
#include "backchannel/client/client.h"
#include "backchannel/common/result.h"
#include "backchannel/feelers_client/service.h"
#include "backchannel/talks_client/service.h"

namespace backchannel::app {

struct ContactView {
  std::string name;
  std::string identity_key;  // hex of the 33-byte key
  std::string authority;     // label of the authority that must accredit them
  bool credential_checked = false;
  // Compared in person, and for the identity key the contact has now.
  bool safety_number_compared = false;
  std::string role;  // "envoy of Iran"; empty until their credential arrived
  // Who introduced them (talks introductions, docs/talks.md): credential
  // checked, not compared in person. Empty: met directly.
  std::string introduced_by;
  // The contact presents the credential of `replaces` (an earlier contact)
  // from a new identity key (Client::IdentityChanges); `key_changed` is the
  // alarm: so, and its safety number not compared yet.
  std::string replaces;
  bool key_changed = false;
};

// One line of a conversation: words either way, or a notice ("system").
struct MessageView {
  std::int64_t seq = 0;
  std::string id;
  std::string contact;
  std::string direction;  // in, out, system
  std::int64_t time_ms = 0;
  std::string body;                     // the sender's words, as received
  std::optional<std::string> delivery;  // outgoing: queued, sent, cancelled
};

struct HappeningView {
  std::string talks;
  std::string text;
};

// What one receive pass did.
struct ReceiveView {
  std::vector<MessageView> received;  // new, in order
  int duplicates = 0;
  std::vector<Error> refused;  // messages refused, each with why
  bool replenished = false;    // one-time prekeys were uploaded
};

struct InboxView {
  ReceiveView receipt;  // empty when offline
  std::vector<HappeningView> talks;
  std::vector<MessageView> messages;  // the conversation(s) asked for
  // Channel and talks refusals of the sync (warnings; `refused` holds the
  // channel's alone, as the JSON has always reported).
  std::vector<Error> warnings;
  // What the feelers did after the receive (answers posted, results, ends),
  // for people; only when the Channel has the home's FeelerService.
  std::vector<std::string> feelers;
};

struct SendView {
  std::string state;  // sent, queued
  std::string contact;
  std::string id;
  std::string reason;  // why it is queued; empty when sent
};

struct OutboxItemView {
  std::string id;
  std::string contact;
  std::int64_t created_ms = 0;
  std::int64_t attempts = 0;
  std::string last_error;
};

struct OutboxView {
  int sent = 0;  // posted by this call's flush
  std::vector<OutboxItemView> queued;
  std::vector<Error> errors;  // refusals the flush met, one per contact
};

struct AuthorityView {
  std::string label;
  std::string key;  // base64url, as `trust add` takes it
  bool scoped = false;
  std::vector<std::string> sides;
  std::vector<std::string> roles;
  bool has_revocations = false;
};

struct PendingView {
  std::int64_t number = 0;
  std::int64_t received_ms = 0;
  std::string name;
  std::string side;
  std::string role;
  std::string authority_key;  // base64url; empty for a message behind a request
};

struct StatusView {
  std::string identity_key;
  std::string display_name;
  bool has_credential = false;
  std::string relay;
  std::string mailbox;
  std::size_t contacts = 0;
  std::size_t local_one_time_prekeys = 0;
  std::size_t outbox = 0;
  bool relay_reachable = false;
  std::string relay_error;  // why not, when unreachable
  std::int64_t queued = 0;  // at the relay, when reachable
  std::int64_t one_time_remaining = 0;
};

struct CredentialView {
  std::string display_name;
  std::string side;
  std::string role;
  std::int64_t expiry = 0;  // unix seconds
};

struct InviteView {
  std::string code;                  // bc1-...
  std::optional<int> contacts_told;  // after a rotation: contacts given the new address
};

struct AcceptView {
  std::string contact;
  std::string authority;  // the invitation's authority label
};

struct FingerprintView {
  std::string contact;
  std::string safety_number;
  // Its two halves as Signal shows them side by side: the 30 digits of our
  // identity key and the 30 of theirs (the number is both, in an order
  // both sides share).
  std::string our_half;
  std::string their_half;
  bool compared = false;  // recorded by this call
};

struct RevocationsView {
  std::uint64_t sequence = 0;
  std::vector<std::uint64_t> revoked;
};

// The operations on one opened home.
class Channel {
 public:
  Channel(client::Client& client, talks_client::TalksService& talks)
      : client_(client), talks_(talks) {}
  // With the home's feelers (feeler.* requests, app/feeler_ops.h); Inbox
  // then also posts the feeler answers its receive queued.
  Channel(client::Client& client, talks_client::TalksService& talks,
          feelers_client::FeelerService* feelers)
      : client_(client), talks_(talks), feelers_(feelers) {}

  Result<std::vector<ContactView>> Contacts();
  // Refused for a reason that will not pass by itself (pin mismatch, token
  // refused, no such mailbox): an error naming the outbox and how to cancel.
  Result<SendView> Send(const SendRequest& request);
  // Syncs as `talks sync` does (unless offline), then the conversation.
  Result<InboxView> Inbox(const InboxRequest& request);
  // `cancel` (an id or id prefix) first, then `flush`, then the list.
  Result<OutboxView> Outbox(const std::string& contact, bool flush, const std::string& cancel);
  // Trusts `key` for `scope`; requests kept back for it are received now.
  Result<ReceiveView> Trust(const identity::AuthorityPublicKey& key, const std::string& label,
                            const client::TrustScope& scope);
  Result<std::vector<AuthorityView>> Authorities();
  // Refuses request `refuse` first when it is not 0.
  Result<std::vector<PendingView>> Pending(std::int64_t refuse = 0);
  Result<StatusView> HomeStatus();
  // Our own credential, as its text (base64url) arrives from the authority.
  Result<CredentialView> ImportCredential(std::string_view text);
  // With `rotate`, first replaces the delivery token (earlier invitations
  // stop working; contacts are told the new address).
  Result<InviteView> Invite(bool rotate);
  // `code` as the inviter handed it over; never trusts its authority unless
  // `trust_authority` (for the invitation's side only).
  Result<AcceptView> Accept(std::string_view code, const std::string& name, bool trust_authority);
  // With `mark_compared`, first records that the number was compared in person.
  Result<FingerprintView> Fingerprint(const std::string& contact, bool mark_compared);
  backchannel::Status Reset(const std::string& contact, const std::string& reason);
  backchannel::Status Distrust(const identity::AuthorityPublicKey& key);
  // Distrusts the authority labelled `label` (the first, as Authorities()
  // lists them); kNotFound when none is.
  backchannel::Status DistrustLabelled(const std::string& label);
  Result<RevocationsView> ImportRevocations(std::string_view text);

  talks_client::TalksService& talks() { return talks_; }
  // Null when the face opened no FeelerService.
  feelers_client::FeelerService* feelers() { return feelers_; }

 private:
  client::Client& client_;
  talks_client::TalksService& talks_;
  feelers_client::FeelerService* feelers_ = nullptr;
};

MessageView ViewOf(const client::StoredMessage& message);
ReceiveView ViewOf(const client::ReceiveReport& report);

// The JSON of each view (docs/app-api.schema.json), without the envelope.
Json ToJson(const ContactView& view);
Json ToJson(const MessageView& view);
Json ToJson(const ReceiveView& view);
Json ToJson(const InboxView& view);
Json ToJson(const SendView& view);
Json ToJson(const OutboxView& view);
Json ToJson(const AuthorityView& view);
Json ToJson(const PendingView& view);
Json ToJson(const StatusView& view);
Json ToJson(const CredentialView& view);
Json ToJson(const InviteView& view);
Json ToJson(const AcceptView& view);
Json ToJson(const FingerprintView& view);
Json ToJson(const RevocationsView& view);

// A list of views as one JSON array of their ToJson.
template <typename View>
Json ToJsonArray(const std::vector<View>& views) {
  Json j = Json::array();
  for (const auto& v : views) j.push_back(ToJson(v));
  return j;
}

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_CHANNEL_H_
