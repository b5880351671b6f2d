// Talks messages told as lines a person reads (service.h, Narrate), and the
// record's verification and export, which reuse them.

#include <cstdio>
#include <nlohmann/json.hpp>

#include "backchannel/identity/credential.h"
#include "backchannel/talks/label.h"
#include "backchannel/talks_client/service.h"
#include "talks_client/record_rows.h"

namespace backchannel::talks_client {
namespace {

using talks::Message;

std::string Who(const talks::TalksState& st, const std::string& id) {
  const talks::Member* m = st.FindMember(id);
  if (m == nullptr) return "someone";
  if (m->id == st.self()) return m->name + " (you)";
  return m->name + (m->side.empty() ? " (" + std::string(talks::RoleName(m->role)) + ")"
                                    : " (" + m->side + ")");
}

// In agenda order when the agenda is known, so packages read alike everywhere.
std::string Package(const talks::PackageSpec& p, const talks::TalksState& st) {
  const talks::TalksState* state = &st;
  std::string out;
  if (state != nullptr && state->initialized()) {
    for (const auto& issue : state->domain().issues) {
      auto it = p.find(issue.name);
      if (it != p.end()) out += (out.empty() ? "" : ", ") + it->first + "=" + it->second;
    }
    for (const auto& [issue, option] : p) {
      if (!state->domain().IssueIndex(issue))
        out += (out.empty() ? "" : ", ") + issue + "=" + option;
    }
  } else {
    for (const auto& [issue, option] : p) out += (out.empty() ? "" : ", ") + issue + "=" + option;
  }
  return "{" + out + "}";
}

std::string Scope(const talks::Scope& s, const talks::TalksState& st) {
  if (s.kind == talks::ScopeKind::kDirect) {
    const talks::Member* m = st.FindMember(s.to);
    return "direct to " + (m ? (m->id == st.self() ? std::string("you") : m->name) : "?");
  }
  return talks::DescribeScope(s);
}

std::string Conditions(const std::vector<talks::ConditionSpec>& cs, const talks::TalksState& st) {
  std::string out;
  for (const auto& c : cs) {
    const talks::Member* g = st.FindMember(c.guarantor);
    out += "; on condition: " + c.text + " (guarantor " + (g ? g->name : "?") + ")";
  }
  return out;
}

// The label of what `who` says with `authority` (talks/label.h): the same
// words on every client, in the record and in the md export.
std::string Label(const talks::TalksState& st, const std::string& who, talks::Authority authority) {
  const talks::Member* m = st.FindMember(who);
  const talks::Role role = m != nullptr ? m->role : talks::Role::kEnvoy;
  return std::string(talks::LabelText(talks::LabelOf(role, authority)));
}

std::string Action(const talks::Action& a, const talks::TalksState& st, const std::string& actor) {
  using K = talks::Action::Kind;
  switch (a.kind) {
    case K::kMove: {
      const std::string auth = " [" + Label(st, actor, a.authority) + "]";
      switch (a.move) {
        case negotiation::MoveKind::kPropose:
          return "proposes" + auth + " " + Package(a.package, st) + Conditions(a.conditions, st);
        case negotiation::MoveKind::kCounter:
          return "counters #" + std::to_string(a.target) + auth + " with " +
                 Package(a.package, st) + Conditions(a.conditions, st);
        case negotiation::MoveKind::kAccept:
          return "accepts ad referendum " +
                 (a.suggestion.empty() ? "#" + std::to_string(a.target)
                                       : "the mediator's suggestion " + a.suggestion) +
                 auth;
        case negotiation::MoveKind::kReject:
          return "rejects #" + std::to_string(a.target) + auth + ": " + a.reason;
        case negotiation::MoveKind::kWithdraw:
          return "withdraws #" + std::to_string(a.target) + auth;
        case negotiation::MoveKind::kRatify:
          return "ratifies the agreement" + auth;
      }
      return "moves";
    }
    case K::kIdea:
      return "floats an idea [" + Label(st, actor, talks::Authority::kExploratory) +
             ", non-binding] " + Package(a.package, st) +
             (a.note.empty() ? "" : " — \"" + a.note + "\"");
    case K::kSuggest:
      return "suggests a single text " + Package(a.package, st) + Conditions(a.conditions, st) +
             (a.note.empty() ? "" : " — \"" + a.note + "\"");
    case K::kSuspend:
      return "SUSPENDS the talks" + (a.reason.empty() ? "" : ": " + a.reason);
    case K::kResume:
      return "resumes the talks";
    case K::kCondition:
      return "confirms condition " + a.condition + " " +
             std::string(talks::ConditionStatusName(a.status)) +
             (a.reason.empty() ? "" : " (" + a.reason + ")");
  }
  return "acts";
}

// "2026-12-01 09:30:17.042 UTC": a record time for people.
std::string UtcTime(std::int64_t time_ms) {
  const std::int64_t ms = ((time_ms % 1000) + 1000) % 1000;
  std::string t = identity::FormatUnixTime((time_ms - ms) / 1000);
  const auto utc = t.rfind(" UTC");
  if (utc == std::string::npos) return t;
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms));
  return t.substr(0, utc) + frac + " UTC";
}

// The outcome in a few lines, as the final state stands: the agreement (or
// not), its package, ratification, a suspension, the conditions.
std::vector<std::string> OutcomeSummary(const talks::TalksState& st) {
  std::vector<std::string> out;
  if (!st.initialized()) {
    out.emplace_back("No agenda: the talks were never opened here.");
    return out;
  }
  const auto& neg = st.negotiation();
  if (neg.agreement()) {
    std::string line = "Agreed ad referendum on offer #" + std::to_string(*neg.agreement());
    for (const auto& m : neg.history()) {
      if (m.id == *neg.agreement()) {
        line += ": " + Package(talks::DescribePackage(st.domain(), m.package), st);
      }
    }
    out.push_back(line + ".");
    out.emplace_back(neg.phase() == negotiation::Phase::kRatified
                         ? "Ratified by every side."
                         : "Not ratified yet: it binds no one until ratified.");
  } else {
    out.push_back("No agreement: " + std::to_string(neg.history().size()) +
                  " moves were made and none was accepted by every side.");
  }
  if (st.suspension()) {
    out.push_back("Suspended" + (st.suspension()->reason.empty()
                                     ? std::string(".")
                                     : ": " + st.suspension()->reason + "."));
  }
  for (const auto& c : st.conditions()) {
    const talks::Member* g = st.FindMember(c.spec.guarantor);
    out.push_back("Condition " + c.id + " (" + c.spec.text + ", guarantor " + (g ? g->name : "?") +
                  "): " + std::string(talks::ConditionStatusName(c.status)) + ".");
  }
  return out;
}

}  // namespace

namespace {

// One sentence per message type (Narrate).
struct MessageNarrator {
  const Message& m;
  const talks::TalksState& st;
  std::string who;

  std::string operator()(const talks::Definition& d) const {
    std::string sides;
    for (const auto& x : d.sides) sides += (sides.empty() ? "" : ", ") + x;
    if (m.from == st.self()) {
      const talks::Member* to = st.FindMember(m.scope.to);
      return who + " sends " + (to ? to->name : std::string("a newcomer")) +
             " the talks' definition";
    }
    // Face-neutral words (they stay in the record): the CLI and the app each
    // say how to join in their own way.
    return who + " invites you to talks '" + m.talks + "': " + d.title + " (sides: " + sides +
           "); join them to take your seat.";
  }
  std::string operator()(const Message::Roster& r) const {
    std::string names;
    for (const auto& x : r.members) {
      names += (names.empty() ? "" : ", ") + x.name + " (" + std::string(talks::RoleName(x.role)) +
               (x.side.empty() ? "" : " of " + x.side) + ")";
    }
    if (names.empty()) return who + " sets the side's clearance rule: " + r.rule;
    return who + " brings in " + names + (r.rule.empty() ? "" : "; clearance rule " + r.rule);
  }
  std::string operator()(const Message::Chat& c) const {
    return "[" + Scope(m.scope, st) + ", " + Label(st, m.from, c.authority) + "] " + who + ": " +
           c.text;
  }
  std::string operator()(const Message::Submit& s) const {
    return who + " submits to the host: " + Action(s.action, st, m.from) +
           (s.draft.empty() ? "" : " (cleared draft " + s.draft + ")");
  }
  std::string operator()(const Message::Event& e) const {
    // Moves are numbered by the negotiation (what `counter 3` refers to),
    // suggestions by their own ids; other events need no number.
    for (const auto& [id, info] : st.move_info()) {
      if (info.seq == e.seq) {
        return "#" + std::to_string(id) + " " + Who(st, e.actor) + " " +
               Action(e.action, st, e.actor) +
               (info.adopts.empty() ? "" : " (adopted as offer #" + std::to_string(id) + ")");
      }
    }
    for (const auto& idea : st.ideas()) {
      if (idea.seq == e.seq) {
        return idea.id + ": " + Who(st, e.actor) + " " + Action(e.action, st, e.actor);
      }
    }
    for (const auto& sg : st.suggestions()) {
      if (sg.seq == e.seq)
        return sg.id + ": " + Who(st, e.actor) + " " + Action(e.action, st, e.actor);
    }
    return Who(st, e.actor) + " " + Action(e.action, st, e.actor);
  }
  std::string operator()(const Message::Refusal& r) const {
    return "The host refused " + (m.scope.to == st.self() ? std::string("your") : "a") +
           " submission: " + r.reason;
  }
  std::string operator()(const Message::Draft& d) const {
    return "[internal] " + who + " drafts " + d.draft +
           (d.revises.empty() ? "" : " (revising " + d.revises + ")") +
           " for clearance: " + Action(d.action, st, m.from);
  }
  std::string operator()(const Message::Verdict& v) const {
    return "[internal] " + who + (v.approve ? " approves " : " VETOES ") + "draft " + v.draft +
           (v.reason.empty() ? "" : ": " + v.reason);
  }
  std::string operator()(const Message::Profile& p) const {
    return who + " shares " + p.side + "'s private profile with the mediator only";
  }
  std::string operator()(const Message::Float& f) const {
    return "[" + Scope(m.scope, st) + "] " + who + " floats " + Package(f.package, st) +
           (f.note.empty() ? "" : " — \"" + f.note + "\"");
  }
};

}  // namespace

std::string Narrate(const Message& m, const talks::TalksState& st) {
  return std::visit(MessageNarrator{m, st, Who(st, m.from)}, m.body);
}

Result<talks::RecordVerification> TalksService::VerifyRecord(const std::string& id) {
  BC_RETURN_IF_ERROR(Meta(id).status());
  BC_ASSIGN_OR_RETURN(auto rows, store_.ListLogLenient(id));
  std::vector<talks::RecordEntry> entries;
  std::vector<talks::RecordProblem> unreadable;
  for (const auto& row : rows) {
    if (!row.status.ok()) {
      unreadable.push_back(talks::RecordProblem{
          row.seq, "entry " + std::to_string(row.seq) + " was altered in the store (" +
                       std::string(row.status.message()) + ")"});
      continue;
    }
    auto e = RecordEntryFromRow(row.seq, row.entry);
    if (!e) {
      unreadable.push_back({row.seq, std::string(e.error().message())});
      continue;
    }
    entries.push_back(std::move(*e));
  }
  BC_ASSIGN_OR_RETURN(auto head, LoadHead(id));
  auto v = talks::VerifyRecord(entries, head);
  for (auto& p : unreadable) v.problems.insert(v.problems.begin(), std::move(p));
  v.ok = v.problems.empty();
  v.entries = static_cast<std::int64_t>(rows.size());
  return v;
}

Result<std::vector<talks::RecordEntry>> TalksService::RecordEntries(const std::string& id) {
  BC_RETURN_IF_ERROR(Meta(id).status());
  return LoadRecord(id);
}

Result<std::string> TalksService::ExportRecord(const std::string& id, const std::string& format) {
  BC_ASSIGN_OR_RETURN(auto v, VerifyRecord(id));
  if (!v.ok) {
    return Status(StatusCode::kCorrupt, "the record fails verification (" +
                                            v.problems.front().what +
                                            "); run `backchannel record verify`");
  }
  if (format != "md" && format != "json") {
    return InvalidArgument("unknown format '" + format + "' (md or json)");
  }
  BC_ASSIGN_OR_RETURN(auto entries, LoadRecord(id));
  BC_ASSIGN_OR_RETURN(auto head, LoadHead(id));
  // Narrate each entry against the state as it stood after it; the summary
  // of the outcome is the final state's, so it is written last and put first.
  talks::TalksState state(self_);
  std::vector<std::string> lines;
  for (const auto& e : entries) {
    auto m = talks::DecodeMessage(AsBytes(e.message));
    if (!m) return Corrupt("record entry " + std::to_string(e.seq) + " does not decode");
    const bool outgoing = e.direction == "out";
    (void)state.Apply(*m, outgoing ? self_ : e.peer, outgoing);
    lines.push_back(Narrate(*m, state));
  }
  const std::vector<std::string> summary = OutcomeSummary(state);
  if (format == "json") {
    // The verifiable record (RecordFromJson reads it back and ignores the
    // readable additions: summary, time_utc, what; each entry's label is
    // outside the hash chain too).
    auto j = nlohmann::ordered_json::parse(
        talks::RecordToJson(id, head, entries, talks::RecordLabels(self_, entries)));
    nlohmann::ordered_json out;
    out["format"] = j["format"];
    out["version"] = j["version"];
    out["talks"] = j["talks"];
    out["summary"] = summary;
    out["head"] = j["head"];
    out["entries"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      auto e = j["entries"][i];
      e["time_utc"] = UtcTime(entries[i].time_ms);
      e["what"] = lines[i];
      out["entries"].push_back(std::move(e));
    }
    return out.dump(2) + "\n";
  }
  std::string out = "# Record of talks " + id + "\n\n";
  if (state.initialized() || !state.definition().title.empty()) {
    out += "**" + state.definition().title + "** — sides: ";
    for (std::size_t i = 0; i < state.definition().sides.size(); ++i) {
      out += (i ? ", " : "") + state.definition().sides[i];
    }
    out += "\n\n";
  }
  out += "## Outcome\n\n";
  for (const auto& line : summary) out += "- " + line + "\n";
  out += "\n## Record\n\n| # | time (UTC) | dir | what |\n|---|---|---|---|\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string line = lines[i];
    for (auto& c : line) {
      if (c == '|') c = '/';
    }
    out += "| " + std::to_string(entries[i].seq) + " | " + UtcTime(entries[i].time_ms) + " | " +
           entries[i].direction + " | " + line + " |\n";
  }
  out += "\nHead: " + std::to_string(head.count) + " entries, SHA-256 chain " + head.hash + "\n";
  return out;
}

}  // namespace backchannel::talks_client
