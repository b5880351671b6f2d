// Introductions (docs/talks.md, "Introductions"): the host introduces the
// members at its table to each other, so that each needs one channel — with
// the host — and opens the others itself after checking each credential
// against its own trust.
//
//   member  MakeCards: for each table member it must meet (talks/
//           introduction.h, MakesCardFor) a fresh single-use invitation,
//           all in one `cards` message to the host, once per member
//   host    OnIntroduction(cards): checks both ends sit at its table and
//           queues an `introduction` for each addressee (the author's
//           invitation and the credential the host verified);
//           ForwardIntroductions sends them once each
//   member  OnIntroduction(introduction): kept only from the talks' host,
//           about a table member, with that member's own invitation;
//           OpenIntroduced (outside the handler, which may not send):
//           Client::AcceptIntroduction — opened, or pending with what to
//           do, retried on every sync; never trusted silently
//
// Everything lives in the store under app "introduce", apart from the talks
// record: invitation codes never reach a record or its export.
#include <nlohmann/json.hpp>

#include "backchannel/common/encoding.h"
#include "backchannel/identity/credential.h"
#include "backchannel/identity/invitation.h"
#include "backchannel/talks/coalition.h"
#include "backchannel/talks/introduction.h"
#include "backchannel/talks_client/service.h"

namespace backchannel::talks_client {
namespace {

using Json = nlohmann::ordered_json;
using talks::IntroductionMessage;
using talks::TalksState;
constexpr auto kB64u = Base64Variant::kUrlSafeNoPadding;
std::string IntroApp() { return std::string(talks::kIntroductionApp); }

constexpr std::string_view kOpened = "opened";
constexpr std::string_view kKnown = "known";  // a contact already: nothing opened
constexpr std::string_view kPending = "pending";
constexpr std::string_view kRefused = "refused";

bool AtTable(const talks::Member& m) { return m.role != talks::Role::kPrincipal; }

std::optional<session::PublicKey> KeyOf(const std::string& member_id) {
  if (member_id.size() < 2) return std::nullopt;
  const std::string_view id = member_id;
  auto key = FromHex(id.substr(2));
  session::PublicKey pk{};
  if (!key || key->size() != pk.size()) return std::nullopt;
  std::copy(key->begin(), key->end(), pk.begin());
  return pk;
}

std::string CardKey(const std::string& talks, const std::string& member) {
  return "card/" + talks + "/" + member;
}
std::string ForwardKey(const std::string& talks, const std::string& to, const std::string& from) {
  return "forward/" + talks + "/" + to + "/" + from;
}
std::string ForwardedKey(const std::string& talks, const std::string& to, const std::string& from) {
  return "forwarded/" + talks + "/" + to + "/" + from;
}
std::string InKey(const std::string& talks, const std::string& member) {
  return "in/" + talks + "/" + member;
}

Result<Json> ParseItem(const Bytes& b) {
  Json j = Json::parse(b.begin(), b.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Corrupt("an introduction item is not JSON");
  return j;
}

}  // namespace

// ---- the handler ----

Status TalksService::OnIntroduction(const client::AppMessage& am) {
  BC_ASSIGN_OR_RETURN(IntroductionMessage m, talks::DecodeIntroduction(am.body));
  const std::string sender = MemberId(am.sender_identity);
  BC_ASSIGN_OR_RETURN(auto meta, FindMeta(m.talks));
  if (!meta) return NotFound("an introduction for talks '" + m.talks + "' you are not in");
  BC_ASSIGN_OR_RETURN(TalksState state, State(m.talks));
  if (!state.initialized()) return FailedPrecondition("talks '" + m.talks + "' not defined yet");
  const talks::Member* from = state.FindMember(sender);
  if (from == nullptr || !AtTable(*from)) {
    return Status(StatusCode::kUntrusted,
                  "an introduction from someone not at the table of talks '" + m.talks + "'");
  }
  if (m.type == IntroductionMessage::Type::kCards) {
    if (!state.IsHost()) {
      return Status(StatusCode::kUntrusted,
                    "cards for talks '" + m.talks + "', which you do not host");
    }
    BC_ASSIGN_OR_RETURN(auto author, store_.ContactByIdentity(am.sender_identity));
    if (!author || author->credential.empty()) {
      return Status(StatusCode::kUntrusted, "cards from a member whose credential you lack");
    }
    for (const auto& card : m.cards) {
      const talks::Member* to = state.FindMember(card.member);
      if (to == nullptr || !AtTable(*to) || card.member == sender || card.member == self_) {
        return Status(
            StatusCode::kUntrusted,
            "a card for someone the author need not meet through you (" + card.member + ")");
      }
      BC_ASSIGN_OR_RETURN(auto inv, identity::InvitationFromText(card.invitation));
      if (inv.inviter_identity != am.sender_identity) {
        return Status(StatusCode::kUntrusted, "a card carrying someone else's invitation");
      }
      BC_ASSIGN_OR_RETURN(auto done, intro_.Get(ForwardedKey(m.talks, card.member, sender)));
      if (done) continue;  // a replayed card: introduced once
      IntroductionMessage out;
      out.type = IntroductionMessage::Type::kIntroduction;
      out.talks = m.talks;
      out.member = sender;
      out.name = from->name;
      out.invitation = card.invitation;
      out.credential = author->credential;
      BC_RETURN_IF_ERROR(
          intro_.Put(ForwardKey(m.talks, card.member, sender), talks::EncodeIntroduction(out)));
    }
    return Status::Ok();
  }
  // An introduction: only the host introduces, only table members.
  if (sender != state.definition().host) {
    return Status(StatusCode::kUntrusted, "an introduction from " + from->name +
                                              ", who is not the host of talks '" + m.talks + "'");
  }
  const talks::Member* who = state.FindMember(m.member);
  if (who == nullptr || !AtTable(*who) || m.member == self_) {
    return Status(StatusCode::kUntrusted,
                  "an introduction of someone not at the table of talks '" + m.talks + "'");
  }
  BC_ASSIGN_OR_RETURN(auto inv, identity::InvitationFromText(m.invitation));
  if (MemberId(inv.inviter_identity) != m.member) {
    return Status(StatusCode::kUntrusted,
                  "an introduction of " + who->name + " carrying another identity's invitation");
  }
  // The seat the host gave them must be one their credential's authority
  // accredits (talks/coalition.h), checked now that we hold the credential.
  BC_ASSIGN_OR_RETURN(auto cred, identity::DecodeCredential(m.credential));
  if (MemberId(cred.identity_key) != m.member) {
    return Status(StatusCode::kUntrusted,
                  "an introduction of " + who->name + " carrying another identity's credential");
  }
  BC_RETURN_IF_ERROR(
      talks::CheckSeat(state.definition(), *who, ToHex(cred.authority_key), cred.side));
  BC_ASSIGN_OR_RETURN(auto kept, intro_.Get(InKey(m.talks, m.member)));
  if (kept) return Status::Ok();  // replayed: nothing opens twice
  Json item{{"introducer", am.contact},
            {"name", who->name},
            {"state", kPending},
            {"reason", ""},
            {"body", ToBase64(am.body, kB64u)}};
  return intro_.Put(InKey(m.talks, m.member), AsBytes(item.dump()));
}

// ---- after the receive ----

Status TalksService::RunIntroductions(SyncReport& report) {
  BC_ASSIGN_OR_RETURN(auto all, List());
  for (const auto& meta : all) {
    if (meta.joined) BC_RETURN_IF_ERROR(MakeCards(meta.id, report));
  }
  BC_RETURN_IF_ERROR(ForwardIntroductions(report));
  return OpenIntroduced(report);
}

Status TalksService::MakeCards(const std::string& id, SyncReport& report) {
  BC_ASSIGN_OR_RETURN(TalksState state, State(id));
  if (!state.initialized() || state.IsHost() || !AtTable(state.me())) return Status::Ok();
  const talks::Member* host = state.FindMember(state.definition().host);
  if (host == nullptr) return Status::Ok();
  std::vector<talks::Member> due;
  for (const auto& [mid, member] : state.members()) {
    if (mid == self_ || mid == host->id || !AtTable(member)) continue;
    if (!talks::MakesCardFor(self_, mid)) continue;
    auto key = KeyOf(mid);
    if (!key) continue;
    BC_ASSIGN_OR_RETURN(auto contact, store_.ContactByIdentity(*key));
    if (contact) continue;  // a channel already
    BC_ASSIGN_OR_RETURN(auto made, intro_.Get(CardKey(id, mid)));
    if (!made) due.push_back(member);
  }
  if (due.empty()) return Status::Ok();
  auto host_contact_or = ContactFor(*host);
  if (!host_contact_or) {
    report.refused.push_back(host_contact_or.error().WithContext("no introductions in " + id));
    return Status::Ok();
  }
  const std::string host_contact = *host_contact_or;
  IntroductionMessage m;
  m.type = IntroductionMessage::Type::kCards;
  m.talks = id;
  std::string names;
  BC_RETURN_IF_ERROR(intro_.Transaction([&]() -> Status {
    for (const auto& member : due) {
      BC_ASSIGN_OR_RETURN(auto inv, client_.MakeIntroductionInvitation(host_contact));
      BC_ASSIGN_OR_RETURN(std::string code, identity::InvitationToText(inv));
      m.cards.push_back(talks::Card{member.id, code});
      BC_RETURN_IF_ERROR(intro_.Put(CardKey(id, member.id), AsBytes("made")));
      names += (names.empty() ? "" : ", ") + member.name;
    }
    return Status::Ok();
  }));
  // The client's outbox keeps what the relay cannot take now.
  auto sent = client_.SendApp(host_contact, IntroApp(), talks::EncodeIntroduction(m));
  if (!sent) return sent.error();
  report.happenings.push_back(Happening{id, "You asked " + host->name + " to introduce you to " +
                                                names + " (one single-use " + "invitation each)."});
  return Status::Ok();
}

Status TalksService::ForwardIntroductions(SyncReport& report) {
  BC_ASSIGN_OR_RETURN(auto keys, intro_.ListKeys("forward/"));
  for (const auto& key : keys) {
    BC_ASSIGN_OR_RETURN(auto body, intro_.Get(key));
    if (!body) continue;
    BC_ASSIGN_OR_RETURN(IntroductionMessage m, talks::DecodeIntroduction(*body));
    BC_ASSIGN_OR_RETURN(TalksState state, State(m.talks));
    // forward/<talks>/<to>/<from>: the addressee is the second to last part.
    const std::string rest = key.substr(std::string("forward/").size() + m.talks.size() + 1);
    const std::string to_id = rest.substr(0, rest.find('/'));
    const talks::Member* to = state.FindMember(to_id);
    if (to == nullptr) return Corrupt("a queued introduction for an unknown member");
    auto contact = ContactFor(*to);
    if (!contact) {
      report.refused.push_back(contact.error().WithContext("introduction of " + m.name + " waits"));
      continue;
    }
    auto sent = client_.SendApp(*contact, IntroApp(), *body);
    if (!sent) {
      report.refused.push_back(
          sent.error().WithContext("introduction of " + m.name + " to " + to->name + " waits"));
      continue;
    }
    BC_RETURN_IF_ERROR(intro_.Transaction([&]() -> Status {
      BC_RETURN_IF_ERROR(intro_.Put(ForwardedKey(m.talks, to_id, m.member), AsBytes("sent")));
      return intro_.Delete(key);
    }));
    report.happenings.push_back(
        Happening{m.talks, "You introduced " + m.name + " to " + to->name + "."});
  }
  return Status::Ok();
}

Status TalksService::OpenIntroduced(SyncReport& report) {
  BC_ASSIGN_OR_RETURN(auto keys, intro_.ListKeys("in/"));
  for (const auto& key : keys) {
    BC_ASSIGN_OR_RETURN(auto value, intro_.Get(key));
    if (!value) continue;
    BC_ASSIGN_OR_RETURN(Json item, ParseItem(*value));
    if (item.value("state", "") != kPending) continue;
    auto body = FromBase64(item.value("body", ""), kB64u);
    if (!body) return Corrupt("a kept introduction has a malformed body");
    BC_ASSIGN_OR_RETURN(IntroductionMessage m, talks::DecodeIntroduction(*body));
    BC_ASSIGN_OR_RETURN(auto meta, Meta(m.talks));
    if (!meta.joined) continue;  // joining is consenting: nothing opens before
    BC_ASSIGN_OR_RETURN(auto inv, identity::InvitationFromText(m.invitation));
    const std::string introducer = item.value("introducer", "");
    auto opened = client_.AcceptIntroduction(inv, m.credential, introducer);
    std::string state;
    std::string reason;
    std::string line;
    if (opened) {
      state = opened->opened ? kOpened : kKnown;
      line = opened->opened ? introducer + " introduced " + opened->contact +
                                  "; you opened a channel (credential checked, not compared in "
                                  "person)."
                            : m.name + " is already your contact '" + opened->contact +
                                  "'; the introduction opened nothing.";
    } else if (opened.error().code() == StatusCode::kUntrusted) {
      state = kPending;
      reason = std::string(opened.error().message());
      if (reason != item.value("reason", "")) {
        line = introducer;
        line += " introduced " + m.name + ", not opened: " + reason;
      }
    } else if (opened.error().code() == StatusCode::kIoError) {
      return opened.error();
    } else if (opened.error().code() == StatusCode::kUnavailable ||
               opened.error().code() == StatusCode::kResourceExhausted) {
      continue;  // the relay cannot answer now: tried again on the next sync
    } else {
      state = kRefused;
      reason = std::string(opened.error().message());
      report.refused.push_back(opened.error().WithContext("introduction of " + m.name));
    }
    item["state"] = state;
    item["reason"] = reason;
    BC_RETURN_IF_ERROR(intro_.Put(key, AsBytes(item.dump())));
    if (!line.empty()) report.happenings.push_back(Happening{m.talks, line});
  }
  return Status::Ok();
}

Result<std::vector<IntroductionView>> TalksService::Introductions(const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto keys, intro_.ListKeys(id.empty() ? "in/" : "in/" + id + "/"));
  std::vector<IntroductionView> out;
  for (const auto& key : keys) {
    BC_ASSIGN_OR_RETURN(auto value, intro_.Get(key));
    if (!value) continue;
    BC_ASSIGN_OR_RETURN(Json item, ParseItem(*value));
    const std::string rest = key.substr(3);
    IntroductionView v;
    v.talks = rest.substr(0, rest.rfind('/'));
    v.member = rest.substr(rest.rfind('/') + 1);
    v.name = item.value("name", "");
    v.introducer = item.value("introducer", "");
    v.state = item.value("state", "");
    v.reason = item.value("reason", "");
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace backchannel::talks_client
