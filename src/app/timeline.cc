// The talks' timeline (timeline.h): the record replayed into a fresh state,
// each entry narrated against the state as it stood after it.
#include "backchannel/app/timeline.h"

#include "backchannel/talks/label.h"
#include "backchannel/talks/state.h"
#include "backchannel/talks_client/service.h"

namespace backchannel::app {
namespace {

using K = talks::Action::Kind;

std::optional<std::string> ScopeText(const talks::Scope& s, const talks::TalksState& st) {
  switch (s.kind) {
    case talks::ScopeKind::kPlenary:
      return "plenary";
    case talks::ScopeKind::kCaucus:
      return "caucus:" + s.side;
    case talks::ScopeKind::kInternal:
      return "internal";
    case talks::ScopeKind::kDirect: {
      const talks::Member* m = st.FindMember(s.to);
      return "direct:" + (m != nullptr ? m->name : std::string("?"));
    }
  }
  return std::nullopt;
}

std::string KindOf(const talks::Message& m) {
  if (std::holds_alternative<talks::Message::Chat>(m.body)) return "words";
  if (std::holds_alternative<talks::Message::Refusal>(m.body)) return "refusal";
  if (std::holds_alternative<talks::Message::Verdict>(m.body)) return "verdict";
  if (const auto* event = std::get_if<talks::Message::Event>(&m.body)) {
    switch (event->action.kind) {
      case K::kMove:
        return "move";
      case K::kIdea:
        return "idea";
      case K::kCondition:
        return "condition";
      case K::kSuspend:
      case K::kResume:
        return "suspension";
      case K::kSuggest:
        return "event";
    }
  }
  return "event";
}

}  // namespace

Result<std::vector<TimelineEntry>> BuildTimeline(const std::string& self,
                                                 const std::vector<talks::RecordEntry>& entries) {
  std::vector<TimelineEntry> out;
  talks::TalksState state(self);
  for (const auto& e : entries) {
    auto m = talks::DecodeMessage(AsBytes(e.message));
    if (!m) return Corrupt("record entry " + std::to_string(e.seq) + " does not decode");
    const bool outgoing = e.direction == "out";
    // The record holds only what the state accepted when it arrived.
    (void)state.Apply(*m, outgoing ? self : e.peer, outgoing);
    if (std::holds_alternative<talks::Message::Submit>(m->body)) continue;
    TimelineEntry t;
    t.seq = e.seq;
    t.time_ms = e.time_ms;
    t.kind = KindOf(*m);
    t.text = talks_client::Narrate(*m, state);
    const auto* chat = std::get_if<talks::Message::Chat>(&m->body);
    const auto* event = std::get_if<talks::Message::Event>(&m->body);
    const talks::Action* move =
        event != nullptr && event->action.kind == K::kMove ? &event->action : nullptr;
    const std::string who = event != nullptr ? event->actor : m->from;
    if (const talks::Member* member = state.FindMember(who)) {
      t.by = member->name;
      if (!member->side.empty()) t.side = member->side;
    }
    if (chat != nullptr || std::holds_alternative<talks::Message::Float>(m->body)) {
      t.scope = ScopeText(m->scope, state);
    }
    const talks::Member* author = state.FindMember(who);
    const talks::Role role = author != nullptr ? author->role : talks::Role::kEnvoy;
    if (chat != nullptr || move != nullptr) {
      const talks::Authority a = chat != nullptr ? chat->authority : move->authority;
      const talks::Label label = talks::LabelOf(role, a);
      t.authority = std::string(talks::LabelKey(label));
      t.label = std::string(talks::LabelText(label));
    }
    if (move != nullptr) {
      for (const auto& [id, info] : state.move_info()) {
        if (info.seq == event->seq) t.move = id;
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

Json TimelineJson(const std::vector<TimelineEntry>& timeline) {
  auto opt = [](const auto& v) { return v ? Json(*v) : Json(nullptr); };
  Json out = Json::array();
  for (const auto& t : timeline) {
    out.push_back(Json{{"seq", t.seq},
                       {"time_ms", t.time_ms},
                       {"kind", t.kind},
                       {"scope", opt(t.scope)},
                       {"by", opt(t.by)},
                       {"side", opt(t.side)},
                       {"text", t.text},
                       {"authority", opt(t.authority)},
                       {"label", opt(t.label)},
                       {"move", opt(t.move)}});
  }
  return out;
}

}  // namespace backchannel::app
