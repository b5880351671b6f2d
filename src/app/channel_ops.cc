// The channel operations requests name (request.h) run on app::Channel, and
// their JSON bodies (docs/app-api.md "Requests"). Talks requests go through
// TalksDesk (talks_desk.cc, Execute).
#include "backchannel/app/channel_ops.h"

#include "backchannel/app/feeler_ops.h"
#include "backchannel/app/qr.h"
#include "backchannel/identity/credential.h"

namespace backchannel::app {
namespace {

client::TrustScope ScopeOf(const TrustAddRequest& r) {
  client::TrustScope scope;
  scope.sides = r.sides;
  // Validated already; the default is what `trust add` trusts for.
  const std::vector<std::string> roles =
      r.roles.empty() ? std::vector<std::string>{"envoy", "principal", "mediator"} : r.roles;
  for (const auto& role : roles) {
    if (auto parsed = identity::ParseRole(role)) scope.roles.push_back(*parsed);
  }
  return scope;
}

struct ChannelRunner {
  Channel& channel;

  Result<Json> operator()(const ContactsRequest&) const {
    BC_ASSIGN_OR_RETURN(auto contacts, channel.Contacts());
    return Json{{"contacts", ToJsonArray(contacts)}};
  }
  Result<Json> operator()(const SendRequest& r) const {
    BC_ASSIGN_OR_RETURN(auto sent, channel.Send(r));
    return ToJson(sent);
  }
  Result<Json> operator()(const InboxRequest& r) const {
    BC_ASSIGN_OR_RETURN(auto view, channel.Inbox(r));
    return ToJson(view);
  }
  Result<Json> operator()(const StatusRequest&) const {
    BC_ASSIGN_OR_RETURN(auto status, channel.HomeStatus());
    Json j = ToJson(status);
    // The identity key is what the authority needs to issue a credential:
    // a QR saves copying 66 hex digits between machines.
    BC_ASSIGN_OR_RETURN(auto qr, MakeQr(status.identity_key));
    j["identity_qr"] = ToJson(qr);
    return j;
  }
  Result<Json> operator()(const CredentialImportRequest& r) const {
    BC_ASSIGN_OR_RETURN(auto view, channel.ImportCredential(r.credential));
    return ToJson(view);
  }
  Result<Json> operator()(const TrustListRequest&) const {
    BC_ASSIGN_OR_RETURN(auto all, channel.Authorities());
    return Json{{"authorities", ToJsonArray(all)}};
  }
  Result<Json> operator()(const TrustAddRequest& r) const {
    const std::string label = r.label.empty() ? r.sides.front() : r.label;
    BC_ASSIGN_OR_RETURN(auto done, channel.Trust(r.key, label, ScopeOf(r)));
    Json j = ToJson(done);
    j["trusted"] = label;
    return j;
  }
  Result<Json> operator()(const TrustRemoveRequest& r) const {
    BC_RETURN_IF_ERROR(channel.DistrustLabelled(r.label));
    return Json{{"removed", r.label}};
  }
  Result<Json> operator()(const PendingListRequest&) const {
    BC_ASSIGN_OR_RETURN(auto all, channel.Pending());
    return Json{{"pending", ToJsonArray(all)}};
  }
  Result<Json> operator()(const InviteRequest& r) const {
    BC_ASSIGN_OR_RETURN(auto view, channel.Invite(r.rotate));
    BC_ASSIGN_OR_RETURN(auto qr, MakeQr(view.code));
    Json j = ToJson(view);
    j["qr"] = ToJson(qr);
    return j;
  }
  Result<Json> operator()(const AcceptRequest& r) const {
    // Never trusts the invitation's authority: a face asks for trust.add
    // first, explicitly (Client::AcceptInvitation).
    BC_ASSIGN_OR_RETURN(auto view, channel.Accept(r.code, r.name, false));
    return ToJson(view);
  }
  Result<Json> operator()(const FingerprintRequest& r) const {
    BC_ASSIGN_OR_RETURN(auto view, channel.Fingerprint(r.contact, r.compared));
    return ToJson(view);
  }
  Result<Json> operator()(const OutboxRequest& r) const {
    BC_ASSIGN_OR_RETURN(auto view, channel.Outbox(r.contact, r.flush, r.cancel));
    return ToJson(view);
  }
  Result<Json> operator()(const ConversationRequest& r) const {
    // The stored conversation only: no relay round trip, so the page can
    // redraw it on every event.
    BC_ASSIGN_OR_RETURN(auto view, channel.Inbox({r.contact, /*offline=*/true}));
    return Json{{"messages", ToJsonArray(view.messages)}};
  }
  // ---- feelers ----
  Result<Json> operator()(const FeelerSendRequest& r) const {
    return ExecuteFeeler(channel.feelers(), Request{r});
  }
  Result<Json> operator()(const FeelerStatusRequest& r) const {
    return ExecuteFeeler(channel.feelers(), Request{r});
  }
  Result<Json> operator()(const FeelerForgetRequest& r) const {
    return ExecuteFeeler(channel.feelers(), Request{r});
  }
  Result<Json> operator()(const FeelerOverlapRequest& r) const {
    return ExecuteFeeler(channel.feelers(), Request{r});
  }
  Result<Json> operator()(const FeelerBudgetRequest& r) const {
    return ExecuteFeeler(channel.feelers(), Request{r});
  }
  Result<Json> operator()(const TalksFeelerRequest& r) const {
    return ExecuteTalksFeeler(channel.feelers(), channel.talks(), Request{r});
  }
  Result<Json> operator()(const TalksZoneRequest& r) const {
    return ExecuteTalksFeeler(channel.feelers(), channel.talks(), Request{r});
  }
  // ---- end feelers ----
  template <typename Talks>
  Result<Json> operator()(const Talks&) const {
    return InvalidArgument("a talks request is not a channel operation");
  }
};

}  // namespace

bool IsChannelRequest(const Request& request) {
  return !std::holds_alternative<TalksStatusRequest>(request) &&
         !std::holds_alternative<TalksSayRequest>(request) &&
         !std::holds_alternative<TalksMoveRequest>(request) &&
         !std::holds_alternative<TalksVerdictRequest>(request);
}

Result<Json> ExecuteChannel(Channel& channel, const Request& request) {
  BC_RETURN_IF_ERROR(ValidateRequest(request));
  return std::visit(ChannelRunner{channel}, request);
}

}  // namespace backchannel::app
