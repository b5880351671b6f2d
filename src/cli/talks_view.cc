// The talks status text (talks_view.h): layout only; every figure comes from
// the view model.
#include "cli/talks_view.h"

#include <cstdio>

#include "backchannel/common/terminal_text.h"

namespace backchannel::cli {
namespace {

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string MoveLine(const app::MoveView& m) {
  std::string out = "  #" + std::to_string(m.id) + " " + m.side + " " + m.kind;
  if (m.label) out += " [" + *m.label + "]";
  if (m.target != 0) out += " #" + std::to_string(m.target);
  if (m.package) {
    out += " {" + app::PackageText(*m.package) + "}";
    if (m.withdrawn) out += " (withdrawn)";
    if (m.my_utility) out += " u(me)=" + Fixed(*m.my_utility);
  }
  if (!m.adopts.empty()) out += " adopting " + m.adopts;
  if (!m.reason.empty()) out += ": " + m.reason;
  return out + "\n";
}

std::string DraftLine(const app::DraftView& d) {
  std::string out = "  draft " + d.id + " (" + d.move + ") " + d.clearance;
  if (!d.blocked_by.empty()) {
    out += " — blocked by";
    for (const auto& b : d.blocked_by) {
      auto v = d.verdicts.find(b);
      out += " " + b + " (\"" + (v == d.verdicts.end() ? "" : v->second.reason) + "\")";
    }
  }
  if (!d.waiting_for.empty()) {
    out += " — waiting for";
    for (const auto& w : d.waiting_for) out += " " + w;
  }
  if (d.tabled) out += " — tabled";
  return out + "\n";
}

}  // namespace

std::string TalksStatusText(const app::TalksView& v) {
  std::string out;
  out += "Talks '" + v.talks + "': " + v.title + "\n";
  out += "  you: " + v.me.name + " (" + v.me.role + (v.me.side.empty() ? "" : " of " + v.me.side) +
         ")" +
         (v.joined ? ""
                   : " — invited, not joined (backchannel talks join " + ShellWord(v.talks) + ")") +
         "; host: " + v.host + "\n";
  out += "  phase: " + v.phase_words;
  if (v.suspension) {
    out += " — SUSPENDED by " + v.suspension->by +
           (v.suspension->reason.empty() ? "" : ": " + v.suspension->reason);
  }
  out += "\n";
  if (!v.clearance_rule.empty()) out += "  clearance rule: " + v.clearance_rule + "\n";
  for (const auto& m : v.moves) out += MoveLine(m);
  for (const auto& s : v.suggestions) {
    out += "  suggestion " + s.id + ": {" + app::PackageText(s.package) + "}\n";
  }
  for (const auto& i : v.ideas) {
    out += "  idea " + i.id + " by " + i.by + " [" + i.label + ", non-binding]: {" +
           app::PackageText(i.package) + "}" + (i.note.empty() ? "" : " — \"" + i.note + "\"") +
           "\n";
  }
  for (const auto& c : v.conditions) {
    out += "  condition " + c.id + ": " + c.text + " — guarantor " + c.guarantor + ": " + c.status +
           "\n";
  }
  for (const auto& d : v.drafts) out += DraftLine(d);
  for (const auto& r : v.refused) out += "  refused by the host: " + r + "\n";
  for (const auto& p : v.pending_introductions) {
    out += "  waiting to meet " + p.name + " (" + p.role + (p.side.empty() ? "" : " of " + p.side) +
           "): " + p.reason + (p.command.empty() ? "" : " — to open: " + p.command) + "\n";
  }
  if (!v.profiles_shared.empty()) {
    out += "  profiles shared with the mediator:";
    for (const auto& s : v.profiles_shared) out += " " + s;
    out += "\n";
  }
  for (const auto& [side, e] : v.opponent_model) {
    out += "  estimate of " + side + "'s priorities (from " + std::to_string(e.offers_seen) +
           (e.offers_seen == 1 ? " offer" : " offers") + "):";
    for (const auto& [issue, w] : e.weights) out += " " + issue + "=" + Fixed(w);
    out += "\n";
  }
  return out;
}

}  // namespace backchannel::cli
