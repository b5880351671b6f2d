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
// A side's principals meet each other the same way through the envoy who
// brought them in (it plays the host for its side's principals only). A
// card outdated by a delivery token rotation is made again, forwarded
// again, and replaces the stale introduction the addressee holds.
//
// Everything lives in the store under app "introduce", apart from the talks
// record: invitation codes never reach a record or its export.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "backchannel/common/encoding.h"
#include "backchannel/common/terminal_text.h"
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
bool IsPrincipalOf(const talks::Member& m, const std::string& side) {
  return m.role == talks::Role::kPrincipal && !side.empty() && m.side == side;
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

// The relay refused the invitation's delivery token (relay_replies.cc: 403
// "bad_token"): its maker rotated it since.
bool StaleInvitation(const Status& s) {
  return s.code() == StatusCode::kPermissionDenied &&
         s.message().find("bad_token") != std::string_view::npos;
}

// The host's list of the invitations it forwarded from one member to
// another: one code a line (a legacy value "sent" holds none).
bool ForwardedBefore(const Bytes& list, const std::string& invitation) {
  const std::string_view text = AsString(list);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (text.substr(start, end - start) == invitation) return true;
    start = end + 1;
  }
  return false;
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
  const talks::Member& me = state.me();
  // A side's principals meet each other through their envoy, as the table
  // meets through the host.
  const bool side_cards = from != nullptr && from->role == talks::Role::kPrincipal &&
                          me.role == talks::Role::kEnvoy && from->side == me.side;
  if (from == nullptr || (!AtTable(*from) && !side_cards)) {
    return Status(StatusCode::kUntrusted,
                  "an introduction from someone not at the table of talks '" + m.talks + "'");
  }
  if (m.type == IntroductionMessage::Type::kCards) {
    if (!side_cards && !state.IsHost()) {
      return Status(StatusCode::kUntrusted,
                    "cards for talks '" + m.talks + "', which you do not host");
    }
    BC_ASSIGN_OR_RETURN(auto author, store_.ContactByIdentity(am.sender_identity));
    if (!author || author->credential.empty()) {
      return Status(StatusCode::kUntrusted, "cards from a member whose credential you lack");
    }
    // We introduce a member only as the seat we gave it: its credential's
    // role must be the seat's (the members check the same on their end).
    BC_ASSIGN_OR_RETURN(auto author_cred, identity::DecodeCredential(author->credential));
    BC_RETURN_IF_ERROR(
        talks::CheckIntroducedSeat(*from, from->name, identity::RoleName(author_cred.role)));
    for (const auto& card : m.cards) {
      const talks::Member* to = state.FindMember(card.member);
      const bool meets = to != nullptr && (side_cards ? IsPrincipalOf(*to, me.side) : AtTable(*to));
      if (!meets || card.member == sender || card.member == self_) {
        return Status(
            StatusCode::kUntrusted,
            "a card for someone the author need not meet through you (" + card.member + ")");
      }
      BC_ASSIGN_OR_RETURN(auto inv, identity::InvitationFromText(card.invitation));
      if (inv.inviter_identity != am.sender_identity) {
        return Status(StatusCode::kUntrusted, "a card carrying someone else's invitation");
      }
      // A replayed card is introduced once; a card with a fresh invitation
      // (its author changed its delivery token since) goes on again.
      BC_ASSIGN_OR_RETURN(auto done, intro_.Get(ForwardedKey(m.talks, card.member, sender)));
      if (done && ForwardedBefore(*done, card.invitation)) continue;
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
  // An introduction: the host introduces table members to a table member;
  // a principal's envoy introduces the side's other principals to it.
  const bool principal = me.role == talks::Role::kPrincipal;
  const bool from_envoy = principal && from->role == talks::Role::kEnvoy && from->side == me.side;
  if (principal ? !from_envoy : sender != state.definition().host) {
    return Status(StatusCode::kUntrusted, "an introduction from " + from->name + ", who is not " +
                                              (principal ? "an envoy of your side" : "the host") +
                                              " of talks '" + m.talks + "'");
  }
  const talks::Member* who = state.FindMember(m.member);
  if (who == nullptr || m.member == self_ ||
      !(principal ? IsPrincipalOf(*who, me.side) : AtTable(*who))) {
    return Status(StatusCode::kUntrusted,
                  principal
                      ? "an introduction of someone not among your side's principals"
                      : "an introduction of someone not at the table of talks '" + m.talks + "'");
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
  // The roster's seat, not the host's word: the same name, a credential for
  // the seat's role, and (talks/coalition.h) a side its authority accredits.
  BC_RETURN_IF_ERROR(talks::CheckIntroducedSeat(*who, m.name, identity::RoleName(cred.role)));
  BC_RETURN_IF_ERROR(talks::CheckSeat(state.definition(), *who, cred.authority_key, cred.side));
  BC_ASSIGN_OR_RETURN(auto kept, intro_.Get(InKey(m.talks, m.member)));
  if (kept) {
    // Replayed: nothing opens twice. A fresh invitation for someone not yet
    // opened (they changed their delivery token, so the one we hold no
    // longer reaches them) replaces the one we hold.
    BC_ASSIGN_OR_RETURN(Json held, ParseItem(*kept));
    const std::string held_state = held.value("state", "");
    if (held_state == kOpened || held_state == kKnown) return Status::Ok();
    auto held_body = FromBase64(held.value("body", ""), kB64u);
    if (!held_body) return Corrupt("a kept introduction has a malformed body");
    BC_ASSIGN_OR_RETURN(IntroductionMessage before, talks::DecodeIntroduction(*held_body));
    if (before.invitation == m.invitation) return Status::Ok();
  }
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
  if (!state.initialized()) return Status::Ok();
  const talks::Member& me = state.me();
  // Who introduces us: the host, to the table; for a principal, the envoy
  // of its side it has a channel with (who brought it in), to the side's
  // other principals.
  const talks::Member* host = nullptr;
  if (AtTable(me)) {
    if (state.IsHost()) return Status::Ok();
    host = state.FindMember(state.definition().host);
  } else {
    for (const auto& [mid, member] : state.members()) {
      if (member.role != talks::Role::kEnvoy || member.side != me.side) continue;
      auto key = MemberKey(mid);
      if (!key) continue;
      BC_ASSIGN_OR_RETURN(auto envoy, store_.ContactByIdentity(*key));
      if (envoy) {
        host = &member;
        break;
      }
    }
  }
  if (host == nullptr) return Status::Ok();
  std::vector<talks::Member> due;
  std::vector<std::string> renewed;
  for (const auto& [mid, member] : state.members()) {
    if (mid == self_ || mid == host->id) continue;
    if (AtTable(me) ? !AtTable(member) : !IsPrincipalOf(member, me.side)) continue;
    if (!talks::MakesCardFor(self_, mid)) continue;
    auto key = MemberKey(mid);
    if (!key) continue;
    BC_ASSIGN_OR_RETURN(auto contact, store_.ContactByIdentity(*key));
    if (contact) continue;  // a channel already
    BC_ASSIGN_OR_RETURN(auto made, intro_.Get(CardKey(id, mid)));
    if (!made) {
      due.push_back(member);
      continue;
    }
    // A card made before we changed our delivery token no longer reaches
    // us: the member gets a fresh one (token rotation with an introduction
    // in flight). A legacy mark ("made") is taken as current.
    auto inv = identity::InvitationFromText(std::string(AsString(*made)));
    if (inv && !client_.InvitationAddressCurrent(*inv)) {
      due.push_back(member);
      renewed.push_back(member.name);
    }
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
      BC_RETURN_IF_ERROR(intro_.Put(CardKey(id, member.id), AsBytes(code)));
      names += (names.empty() ? "" : ", ") + member.name;
    }
    return Status::Ok();
  }));
  // The client's outbox keeps what the relay cannot take now.
  auto sent = client_.SendApp(host_contact, IntroApp(), talks::EncodeIntroduction(m));
  if (!sent) return sent.error();
  report.happenings.push_back(
      Happening{id, "You asked " + host->name + " to introduce you to " + names +
                        " (one single-use invitation each" +
                        (renewed.empty() ? std::string()
                                         : "; fresh for " + std::to_string(renewed.size()) +
                                               " whose earlier one went out before your delivery "
                                               "token changed") +
                        ")."});
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
      const std::string done_key = ForwardedKey(m.talks, to_id, m.member);
      BC_ASSIGN_OR_RETURN(auto done, intro_.Get(done_key));
      std::string list = done ? std::string(AsString(*done)) + "\n" : std::string();
      list += m.invitation;
      BC_RETURN_IF_ERROR(intro_.Put(done_key, AsBytes(list)));
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
    std::string why;  // for pending: "untrusted" or "stale" (Introductions' command)
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
      why = "untrusted";
      reason = std::string(opened.error().message());
      if (reason != item.value("reason", "")) {
        line = introducer;
        line += " introduced " + m.name + ", not opened: " + reason;
      }
    } else if (StaleInvitation(opened.error())) {
      // They changed their delivery token after making this invitation; their
      // client sends a fresh one through the host, which replaces this one.
      state = kPending;
      why = "stale";
      reason = m.name + "'s invitation is out of date (they changed their delivery token); " +
               "waiting for a fresh one through " + introducer;
      if (reason != item.value("reason", "")) line = reason + ".";
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
    item["why"] = why;
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
    auto body = FromBase64(item.value("body", ""), kB64u);
    if (!body) return Corrupt("a kept introduction has a malformed body");
    BC_ASSIGN_OR_RETURN(IntroductionMessage m, talks::DecodeIntroduction(*body));
    BC_ASSIGN_OR_RETURN(auto cred, identity::DecodeCredential(m.credential));
    v.authority_key = ToBase64(cred.authority_key, kB64u);
    v.authority_side = cred.side;
    BC_ASSIGN_OR_RETURN(TalksState state, State(v.talks));
    if (const talks::Member* seat = state.FindMember(v.member)) {
      v.side = seat->side;
      v.role = std::string(talks::RoleName(seat->role));
    }
    if (v.state == kPending) {
      BC_ASSIGN_OR_RETURN(auto meta, Meta(v.talks));
      if (!meta.joined) {
        v.command = "backchannel talks join " + ShellWord(v.talks);
      } else if (item.value("why", "") == "stale") {
        v.command = "backchannel talks sync";
      } else {
        // The side is the credential's text, chosen by its authority: one
        // shell word whatever it holds.
        v.command = "backchannel trust add --side " + ShellWord(cred.side) + " --roles " +
                    std::string(identity::RoleName(cred.role)) + " -- " + v.authority_key +
                    " && backchannel talks sync";
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<IntroductionView>> TalksService::PendingIntroductions(const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto all, Introductions(id));
  std::erase_if(all, [](const IntroductionView& v) { return v.state != kPending; });
  return all;
}

}  // namespace backchannel::talks_client
