// The label of each record entry (label.h, RecordLabels): the record's JSON
// export carries it so that a reader of the archive sees what every client
// showed — "unofficial" for Track 2, "own" for a side without a rule —
// without re-deriving it.
#include "backchannel/talks/label.h"
#include "backchannel/talks/state.h"

namespace backchannel::talks {
namespace {

// Who spoke an action or words, and with which authority it is labelled.
std::string LabelFor(const Message& m, const TalksState& state) {
  std::string speaker = m.from;
  Authority authority = Authority::kExploratory;
  const Action* action = nullptr;
  if (const auto* chat = std::get_if<Message::Chat>(&m.body)) {
    authority = chat->authority;
  } else if (const auto* event = std::get_if<Message::Event>(&m.body)) {
    speaker = event->actor;
    action = &event->action;
  } else if (const auto* submit = std::get_if<Message::Submit>(&m.body)) {
    action = &submit->action;
  } else if (const auto* draft = std::get_if<Message::Draft>(&m.body)) {
    action = &draft->action;
  } else {
    return "";
  }
  if (action != nullptr) {
    switch (action->kind) {
      case Action::Kind::kMove:
        authority = action->authority;
        break;
      case Action::Kind::kSuggest:
      case Action::Kind::kIdea:
        break;
      default:
        return "";
    }
  }
  const Member* who = state.FindMember(speaker);
  if (who == nullptr) return "";
  return std::string(LabelKey(LabelOf(who->role, authority)));
}

}  // namespace

std::vector<std::string> RecordLabels(const std::string& self,
                                      const std::vector<RecordEntry>& entries) {
  std::vector<std::string> out;
  out.reserve(entries.size());
  TalksState state(self);
  for (const auto& e : entries) {
    auto m = DecodeMessage(AsBytes(e.message));
    if (!m) {
      out.emplace_back();
      continue;
    }
    const bool outgoing = e.direction == "out";
    if (!state.Apply(*m, outgoing ? self : e.peer, outgoing).ok()) {
      out.emplace_back();
      continue;
    }
    out.push_back(LabelFor(*m, state));
  }
  return out;
}

}  // namespace backchannel::talks
