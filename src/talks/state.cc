// The talks state machine (state.h). Apply works on a copy and commits it
// only when the whole message applied, so a refused message changes nothing.
#include "backchannel/talks/state.h"

#include <algorithm>

#include "backchannel/negotiation/io.h"

namespace backchannel::talks {
namespace {

using negotiation::MoveId;
using negotiation::MoveKind;

bool AtTable(const Member& m) { return m.role != Role::kPrincipal; }

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// A Track 2 participant sits on no side: a side would give it caucus and
// internal scopes it must not see.
Status CheckSeat(const Member& x) {
  if (x.role == Role::kTrack2 && !x.side.empty()) {
    return InvalidArgument("Track 2 participant " + x.name + " sits on no side");
  }
  return Status::Ok();
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

Result<negotiation::PartialPackage> ResolvePackage(const negotiation::Domain& domain,
                                                   const PackageSpec& spec) {
  negotiation::PartialPackage out(domain.issues.size());
  for (const auto& [issue, option] : spec) {
    auto i = domain.IssueIndex(issue);
    if (!i) return InvalidArgument("the agenda has no issue " + Quote(issue));
    auto o = domain.OptionIndex(*i, option);
    if (!o) {
      std::string known;
      for (const auto& n : domain.issues[*i].options) known += (known.empty() ? "" : ", ") + n;
      return InvalidArgument("issue " + Quote(issue) + " has no option " + Quote(option) +
                             " (options: " + known + ")");
    }
    out[*i] = static_cast<std::uint32_t>(*o);
  }
  return out;
}

PackageSpec DescribePackage(const negotiation::Domain& domain,
                            const negotiation::PartialPackage& package) {
  PackageSpec out;
  for (std::size_t i = 0; i < package.size() && i < domain.issues.size(); ++i) {
    if (package[i] && *package[i] < domain.issues[i].size()) {
      out[domain.issues[i].name] = domain.issues[i].options[*package[i]];
    }
  }
  return out;
}

Result<TalksState> TalksState::Create(const std::string& talks, const Definition& definition,
                                      const std::string& self) {
  if (definition.host != self) return InvalidArgument("the creator of talks is their host");
  TalksState state(self);
  Message m;
  m.talks = talks;
  m.mid = "create";
  m.from = self;
  m.scope = Scope{ScopeKind::kDirect, "", self};
  m.body = definition;
  BC_RETURN_IF_ERROR(state.Apply(m, self, true));
  return state;
}

const Member* TalksState::FindMember(const std::string& id) const {
  auto it = members_.find(id);
  return it == members_.end() ? nullptr : &it->second;
}

const Member* TalksState::FindMemberByName(const std::string& name) const {
  for (const auto& [id, m] : members_) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

const Draft* TalksState::FindDraft(const std::string& id) const {
  for (const auto& d : drafts_) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

ClearanceOutcome TalksState::DraftClearance(const Draft& draft) const {
  return EvaluateClearance(rule_, draft.verdicts);
}

std::vector<const Condition*> TalksState::ConditionsOf(const std::vector<std::string>& ids) const {
  std::vector<const Condition*> out;
  for (const auto& id : ids) {
    for (const auto& c : conditions_) {
      if (c.id == id) out.push_back(&c);
    }
  }
  return out;
}

std::vector<Submission> TalksState::AwaitingHost() const { return mine_; }

bool TalksState::OnMySide(const Member& m) const {
  const Member* me = FindMember(self_);
  return me != nullptr && !me->side.empty() && m.side == me->side;
}

Result<const Member*> TalksState::Sender(const std::string& id) const {
  const Member* m = FindMember(id);
  if (m == nullptr) {
    return Status(StatusCode::kUntrusted, "the sender is not a member of talks " + Quote(talks_));
  }
  return m;
}

Status TalksState::CheckNotSuspended() const {
  if (!suspension_) return Status::Ok();
  const Member* by = FindMember(suspension_->by);
  std::string who = by != nullptr ? by->name : "a member";
  if (!suspension_->side.empty()) who += " (" + suspension_->side + ")";
  return FailedPrecondition("the talks are suspended by " + who +
                            (suspension_->reason.empty() ? "" : ": " + suspension_->reason) +
                            "; moves wait for a resume");
}

// ---- scopes ----

Result<std::vector<Member>> TalksState::Recipients(const Scope& scope) const {
  const Member* me = FindMember(self_);
  if (me == nullptr) return FailedPrecondition("this client is not a member of the talks");
  auto sides = definition_.sides;
  auto known_side = [&](const std::string& s) {
    return std::find(sides.begin(), sides.end(), s) != sides.end();
  };
  std::vector<Member> out;
  auto add_if = [&](auto pred) {
    for (const auto& [id, m] : members_) {
      if (id != self_ && pred(m)) out.push_back(m);
    }
  };
  switch (scope.kind) {
    case ScopeKind::kPlenary:
      if (!AtTable(*me)) {
        return FailedPrecondition(
            "a principal speaks only inside its side (internal or direct); the envoy carries "
            "the side's words to the table");
      }
      add_if([&](const Member& m) { return AtTable(m) || (OnMySide(m)); });
      break;
    case ScopeKind::kCaucus:
      if (!known_side(scope.side)) return InvalidArgument("no side named " + Quote(scope.side));
      if (!(me->role == Role::kMediator || (AtTable(*me) && me->side == scope.side))) {
        return FailedPrecondition("a caucus with " + scope.side + " is for " + scope.side +
                                  "'s envoys and the mediator");
      }
      add_if([&](const Member& m) {
        return m.role == Role::kMediator || (AtTable(m) && m.side == scope.side);
      });
      break;
    case ScopeKind::kInternal:
      if (me->side.empty() || scope.side != me->side) {
        return FailedPrecondition(
            "the internal scope is your own side's" +
            (me->side.empty() ? std::string(" (you are on no side)") : " (" + me->side + ")"));
      }
      add_if([&](const Member& m) { return m.side == me->side; });
      break;
    case ScopeKind::kDirect: {
      const Member* to = FindMember(scope.to);
      if (to == nullptr) return NotFound("no member with that identity in the talks");
      if (to->id == self_) break;  // a host's own submission goes nowhere
      if (!((AtTable(*me) && AtTable(*to)) || (!me->side.empty() && me->side == to->side))) {
        return FailedPrecondition(to->name +
                                  " is not someone you talk to directly (another "
                                  "side's principal)");
      }
      out.push_back(*to);
      break;
    }
  }
  return out;
}

Status TalksState::CheckInScope(const Message& m, const std::string& sender, bool outgoing) const {
  if (outgoing) return Recipients(m.scope).status();
  BC_ASSIGN_OR_RETURN(const Member* from, Sender(sender));
  const Member& me = FindMember(self_) != nullptr ? *FindMember(self_) : *from;
  bool included = false;
  switch (m.scope.kind) {
    case ScopeKind::kPlenary:
      // Plenary words come from the table; they reach the table and the
      // speaker's own principals.
      included = AtTable(*from) && (AtTable(me) || (!from->side.empty() && from->side == me.side));
      break;
    case ScopeKind::kCaucus:
      included = (from->role == Role::kMediator || from->side == m.scope.side) &&
                 (me.role == Role::kMediator || (AtTable(me) && me.side == m.scope.side));
      break;
    case ScopeKind::kInternal:
      included = !me.side.empty() && m.scope.side == me.side && from->side == me.side;
      break;
    case ScopeKind::kDirect:
      // The same pairing rule as Recipients: table to table, or within a side.
      included = m.scope.to == self_ &&
                 ((AtTable(me) && AtTable(*from)) || (!me.side.empty() && me.side == from->side));
      break;
  }
  if (!included) {
    return Status(StatusCode::kUntrusted, "a " + DescribeScope(m.scope) + " message from " +
                                              from->name + " that this client may not see");
  }
  return Status::Ok();
}

// Honest labels (label.h). Only the envoy's own client and its side know
// the side's rule, so "cleared needs a rule, own needs none" is checked
// there (outgoing, or from our own envoy); a Track 2 participant's claim is
// checked by everyone.
Status TalksState::CheckClaim(const Member& from, Authority authority, bool outgoing) const {
  if (from.role == Role::kTrack2 && authority != Authority::kExploratory) {
    return FailedPrecondition(from.name +
                              " takes part in Track 2: its words are unofficial, never " +
                              std::string(AuthorityName(authority)));
  }
  if (from.role != Role::kEnvoy || !(outgoing || OnMySide(from))) return Status::Ok();
  if (authority == Authority::kCleared && rule_.empty()) {
    return FailedPrecondition(from.side +
                              " has no clearance rule, so nobody at home clears its words: "
                              "speak on your own authority (own) or exploratory");
  }
  if (authority == Authority::kOwn && !rule_.empty()) {
    return FailedPrecondition(from.side + " clears at home (" + rule_.ToString() +
                              "): send the move home as a draft, or speak exploratory");
  }
  return Status::Ok();
}

// "Cleared" means cleared at home under the side's rule (docs/talks.md,
// "Moves and authority"). Every client refuses a cleared move that names no
// draft. Only the side sees its drafts, verdicts and rule (internal scope),
// so the side's own clients — the acting envoy, its fellow envoys and its
// principals — also check that the named draft is the actor's, holds this
// very move, is cleared under the rule and was not tabled before. A side
// member who joined after the draft was made never saw it and cannot check
// more than the name; the acting envoy always can (its drafts are its own).
Status TalksState::CheckClearedDraft(const Member& actor, const Action& action,
                                     const std::string& draft) const {
  // Only envoys make moves; anyone else's is refused for that (ApplyMove).
  if (action.kind != Action::Kind::kMove || action.authority != Authority::kCleared ||
      actor.role != Role::kEnvoy) {
    return Status::Ok();
  }
  const std::string what = actor.name + "'s " + std::string(negotiation::MoveKindName(action.move));
  if (draft.empty()) {
    return FailedPrecondition(what +
                              " is labelled cleared but names no draft cleared at home: a "
                              "cleared move is a draft its side's principals cleared");
  }
  if (actor.id != self_ && !OnMySide(actor)) return Status::Ok();
  const Draft* d = FindDraft(draft);
  if (d == nullptr) {
    if (actor.id == self_) return NotFound("no draft " + Quote(draft) + " of ours to table");
    return Status::Ok();
  }
  if (d->author != actor.id) {
    return FailedPrecondition(what + " names draft " + d->id + ", which is not " + actor.name +
                              "'s");
  }
  Action drafted = d->action;
  drafted.authority = Authority::kCleared;
  if (!(drafted == action)) {
    return FailedPrecondition(what + " labelled cleared is not the move of draft " + d->id +
                              " as drafted for clearance");
  }
  const ClearanceOutcome clearance = DraftClearance(*d);
  if (clearance.state == ClearanceState::kBlocked) {
    return FailedPrecondition("draft " + d->id + " is vetoed at home (by " +
                              JoinNames(clearance.blocked_by) + "), not cleared");
  }
  if (clearance.state != ClearanceState::kCleared) {
    return FailedPrecondition(
        "draft " + d->id + " is not cleared at home under " +
        (rule_.empty() ? std::string("a rule (the side has none)") : rule_.ToString()) +
        "; waiting for " + JoinNames(clearance.waiting_for));
  }
  if (d->seq != 0) {
    return FailedPrecondition("draft " + d->id + " was already tabled (event #" +
                              std::to_string(d->seq) + ")");
  }
  return Status::Ok();
}

// ---- apply ----

Status TalksState::Apply(const Message& message, const std::string& sender, bool outgoing) {
  TalksState next = *this;
  Status s = [&]() -> Status {
    if (const auto* definition = std::get_if<Definition>(&message.body)) {
      return next.ApplyDefinition(message, *definition, sender);
    }
    if (!next.initialized()) {
      return FailedPrecondition("a talks message before the talks' definition");
    }
    if (message.talks != talks_) {
      return InvalidArgument("a message for talks " + Quote(message.talks) + " applied to " +
                             Quote(talks_));
    }
    if (const auto* event = std::get_if<Message::Event>(&message.body)) {
      return next.ApplyEvent(message, *event, sender, outgoing);
    }
    if (applied_.contains(message.mid)) return Status::Ok();
    if (message.from != sender) {
      return Status(StatusCode::kUntrusted, "the message names another author than its sender");
    }
    BC_RETURN_IF_ERROR(next.CheckInScope(message, sender, outgoing));
    BC_ASSIGN_OR_RETURN(const Member* from, next.Sender(sender));
    if (const auto* roster = std::get_if<Message::Roster>(&message.body)) {
      BC_RETURN_IF_ERROR(next.ApplyRoster(*roster, sender));
    } else if (const auto* chat = std::get_if<Message::Chat>(&message.body)) {
      BC_RETURN_IF_ERROR(next.CheckClaim(*from, chat->authority, outgoing));
    } else if (const auto* submit = std::get_if<Message::Submit>(&message.body)) {
      BC_RETURN_IF_ERROR(next.ApplySubmit(message, *submit, *from, sender, outgoing));
    } else if (const auto* refusal = std::get_if<Message::Refusal>(&message.body)) {
      BC_RETURN_IF_ERROR(next.ApplyRefusal(message, *refusal, sender, outgoing));
    } else if (const auto* draft = std::get_if<Message::Draft>(&message.body)) {
      BC_RETURN_IF_ERROR(next.ApplyDraft(message, *draft, sender));
    } else if (const auto* verdict = std::get_if<Message::Verdict>(&message.body)) {
      BC_RETURN_IF_ERROR(next.ApplyVerdict(message, *verdict, sender));
    } else if (const auto* profile = std::get_if<Message::Profile>(&message.body)) {
      if (message.scope.kind != ScopeKind::kDirect) {
        return InvalidArgument("a profile goes directly to a mediator");
      }
      const Member* to = FindMember(message.scope.to);
      if (to == nullptr || to->role != Role::kMediator) {
        return FailedPrecondition("a profile is shared only with a mediator");
      }
      if (from->role != Role::kEnvoy || from->side != profile->side) {
        return FailedPrecondition("only an envoy shares its own side's profile");
      }
      auto parsed = negotiation::ParseProfile(domain(), profile->profile, "shared profile");
      if (!parsed) return parsed.error().WithContext("shared profile");
      next.profiles_[profile->side] = profile->profile;
    } else if (const auto* floated = std::get_if<Message::Float>(&message.body)) {
      if (from->role != Role::kMediator || message.scope.kind != ScopeKind::kCaucus) {
        return FailedPrecondition("only a mediator floats a package, in caucus");
      }
      BC_RETURN_IF_ERROR(ResolvePackage(domain(), floated->package).status());
      next.floats_.push_back(
          FloatedPackage{sender, message.scope.side, floated->package, floated->note});
    }
    next.applied_.insert(message.mid);
    return Status::Ok();
  }();
  if (!s.ok()) return s;
  *this = std::move(next);
  return Status::Ok();
}

Status TalksState::ApplySubmit(const Message& m, const Message::Submit& submit, const Member& from,
                               const std::string& sender, bool outgoing) {
  if (m.scope.kind != ScopeKind::kDirect || m.scope.to != definition_.host) {
    return InvalidArgument("a submission goes directly to the host");
  }
  if (submit.action.kind == Action::Kind::kMove) {
    BC_RETURN_IF_ERROR(CheckClaim(from, submit.action.authority, outgoing));
  }
  // Our own cleared submission must table a draft cleared at home; one
  // received is the host's to refuse (Decide), so its author learns why.
  if (outgoing) {
    BC_RETURN_IF_ERROR(CheckClearedDraft(from, submit.action, submit.draft));
    const Submission submission{m.mid, sender, submit.action, submit.draft};
    if (IsHost()) submissions_.push_back(submission);
    mine_.push_back(submission);
    if (!submit.draft.empty()) {
      for (auto& d : drafts_) {
        if (d.id == submit.draft) d.tabled = true;
      }
    }
  } else if (!answered_.contains(m.mid)) {
    submissions_.push_back(Submission{m.mid, sender, submit.action, submit.draft});
  }
  return Status::Ok();
}

Status TalksState::ApplyRefusal(const Message& m, const Message::Refusal& refusal,
                                const std::string& sender, bool outgoing) {
  if (outgoing) {
    if (!IsHost()) return FailedPrecondition("only the host refuses submissions");
    answered_.insert(refusal.ref);
    std::erase_if(submissions_, [&](const auto& s) { return s.mid == refusal.ref; });
    if (m.scope.to == self_) {  // our own submission, refused by ourselves as host
      refusals_[refusal.ref] = refusal.reason;
      std::erase_if(mine_, [&](const auto& s) { return s.mid == refusal.ref; });
    }
    return Status::Ok();
  }
  if (sender != definition_.host) {
    return Status(StatusCode::kUntrusted, "a refusal not from the host");
  }
  answered_.insert(refusal.ref);
  refusals_[refusal.ref] = refusal.reason;
  std::erase_if(mine_, [&](const auto& s) { return s.mid == refusal.ref; });
  return Status::Ok();
}

Status TalksState::ApplyDefinition(const Message& m, const Definition& d,
                                   const std::string& sender) {
  if (initialized()) {
    if (m.talks == talks_) return Status::Ok();  // our own copy sent on, or a repeat
    return Status(StatusCode::kAlreadyExists, "this state holds talks " + Quote(talks_));
  }
  if (m.talks.empty()) return InvalidArgument("talks without an id");
  auto me = std::find_if(d.members.begin(), d.members.end(),
                         [&](const Member& x) { return x.id == self_; });
  if (me == d.members.end()) {
    return FailedPrecondition("the definition of talks " + Quote(m.talks) +
                              " does not list this client as a member");
  }
  auto author = std::find_if(d.members.begin(), d.members.end(),
                             [&](const Member& x) { return x.id == sender; });
  const bool from_host = sender == d.host;
  const bool from_envoy = author != d.members.end() && author->role == Role::kEnvoy &&
                          me->role == Role::kPrincipal && author->side == me->side;
  if (!from_host && !from_envoy) {
    return Status(StatusCode::kUntrusted,
                  "talks are defined by their host, or by an envoy for its own principals");
  }
  if (std::find_if(d.members.begin(), d.members.end(),
                   [&](const Member& x) { return x.id == d.host; }) == d.members.end()) {
    return InvalidArgument("the host is not among the members");
  }
  for (const auto& x : d.members) {
    if (!x.side.empty() && std::find(d.sides.begin(), d.sides.end(), x.side) == d.sides.end()) {
      return InvalidArgument("member " + x.name + " is on an unknown side " + Quote(x.side));
    }
    if ((x.role == Role::kEnvoy || x.role == Role::kPrincipal) && x.side.empty()) {
      return InvalidArgument("envoy or principal " + x.name + " without a side");
    }
    BC_RETURN_IF_ERROR(CheckSeat(x));
  }
  for (const auto& [side, keys] : d.side_authorities) {
    if (std::find(d.sides.begin(), d.sides.end(), side) == d.sides.end()) {
      return InvalidArgument("the definition binds authorities to an unknown side " + Quote(side));
    }
  }
  auto domain = negotiation::ParseDomain(d.agenda, "agenda");
  if (!domain) return domain.error().WithContext("the talks' agenda");
  auto neg = negotiation::Negotiation::Create(std::move(*domain), d.sides);
  if (!neg) return neg.error().WithContext("the talks' sides");
  if (from_envoy || !d.rule.empty()) {
    auto rule = ParseClearanceRule(d.rule);
    if (!rule) return rule.error().WithContext("the side's clearance rule");
    rule_ = std::move(*rule);
  }
  talks_ = m.talks;
  definition_ = d;
  negotiation_.emplace(std::move(*neg));
  for (const auto& x : d.members) members_[x.id] = x;
  applied_.insert(m.mid);
  return Status::Ok();
}

Status TalksState::ApplyRoster(const Message::Roster& m, const std::string& sender) {
  const Member* from = FindMember(sender);
  const bool host = sender == definition_.host;
  const bool side_envoy = from != nullptr && from->role == Role::kEnvoy && OnMySide(*from);
  if (!host && !side_envoy && sender != self_) {
    return Status(StatusCode::kUntrusted, "a roster from neither the host nor our envoy");
  }
  for (const auto& x : m.members) {
    if (!x.side.empty() && std::find(definition_.sides.begin(), definition_.sides.end(), x.side) ==
                               definition_.sides.end()) {
      return InvalidArgument("member " + x.name + " is on an unknown side " + Quote(x.side));
    }
    if (x.role == Role::kPrincipal) {
      if (from == nullptr || x.side != from->side) {
        return FailedPrecondition("a side's principals are announced only by its own envoy");
      }
    } else if (!host) {
      return FailedPrecondition("only the host seats members at the table");
    }
    if ((x.role == Role::kEnvoy || x.role == Role::kPrincipal) && x.side.empty()) {
      return InvalidArgument("envoy or principal " + x.name + " without a side");
    }
    BC_RETURN_IF_ERROR(CheckSeat(x));
  }
  if (!m.rule.empty()) {
    if (from == nullptr || from->role != Role::kEnvoy) {
      return FailedPrecondition("a side's clearance rule comes from its envoy");
    }
    BC_ASSIGN_OR_RETURN(rule_, ParseClearanceRule(m.rule));
  }
  for (const auto& x : m.members) members_[x.id] = x;
  return Status::Ok();
}

Status TalksState::ApplyDraft(const Message& m, const Message::Draft& draft,
                              const std::string& sender) {
  const Member* from = FindMember(sender);
  if (from == nullptr || from->role != Role::kEnvoy || !(OnMySide(*from) || sender == self_)) {
    return FailedPrecondition("drafts come from an envoy of this side");
  }
  if (m.scope.kind != ScopeKind::kInternal) return InvalidArgument("a draft is internal");
  if (FindDraft(draft.draft) != nullptr) {
    return Status(StatusCode::kAlreadyExists, "draft " + draft.draft + " exists");
  }
  if (!draft.revises.empty() && FindDraft(draft.revises) == nullptr) {
    return NotFound("draft " + draft.draft + " revises an unknown draft " + draft.revises);
  }
  if (draft.action.kind != Action::Kind::kMove) return InvalidArgument("a draft holds a move");
  if (draft.action.move == MoveKind::kPropose || draft.action.move == MoveKind::kCounter) {
    BC_RETURN_IF_ERROR(ResolvePackage(domain(), draft.action.package).status());
  }
  Draft d;
  d.id = draft.draft;
  d.author = sender;
  d.action = draft.action;
  d.revises = draft.revises;
  drafts_.push_back(std::move(d));
  return Status::Ok();
}

Status TalksState::ApplyVerdict(const Message& m, const Message::Verdict& verdict,
                                const std::string& sender) {
  const Member* from = FindMember(sender);
  if (from == nullptr || from->role != Role::kPrincipal || !(OnMySide(*from) || sender == self_)) {
    return FailedPrecondition("verdicts come from this side's principals");
  }
  if (m.scope.kind != ScopeKind::kInternal) return InvalidArgument("a verdict is internal");
  for (auto& d : drafts_) {
    if (d.id != verdict.draft) continue;
    if (d.tabled) return FailedPrecondition("draft " + d.id + " was already tabled");
    d.verdicts[from->name] = Verdict{verdict.approve, verdict.reason};
    return Status::Ok();
  }
  return NotFound("no draft " + Quote(verdict.draft));
}

Status TalksState::ApplyEvent(const Message& m, const Message::Event& event,
                              const std::string& sender, bool outgoing) {
  if (outgoing && !IsHost()) {
    forwarded_.insert(m.mid);  // an envoy passing the host's event to its principals
    return Status::Ok();
  }
  if (m.from != definition_.host) {
    return Status(StatusCode::kUntrusted, "an event not authored by the host");
  }
  if (!outgoing && sender != definition_.host) {
    const Member* from = FindMember(sender);
    const Member* me = FindMember(self_);
    if (from == nullptr || me == nullptr || me->role != Role::kPrincipal ||
        from->role != Role::kEnvoy || !OnMySide(*from)) {
      return Status(StatusCode::kUntrusted, "events come from the host (or our envoy)");
    }
  }
  if (m.scope.kind != ScopeKind::kPlenary) return InvalidArgument("events are plenary");
  if (event.seq <= applied_seq_) return Status::Ok();  // already applied
  if (event.seq > applied_seq_ + 1) {
    if (early_events_.size() >= 4096)
      return Status(StatusCode::kResourceExhausted, "too many early events");
    early_events_.emplace(event.seq, m);
    return Status::Ok();
  }
  BC_RETURN_IF_ERROR(ApplySequenced(m));
  while (!early_events_.empty() && early_events_.begin()->first == applied_seq_ + 1) {
    Message next = early_events_.begin()->second;
    early_events_.erase(early_events_.begin());
    BC_RETURN_IF_ERROR(ApplySequenced(next));
  }
  while (!early_events_.empty() && early_events_.begin()->first <= applied_seq_) {
    early_events_.erase(early_events_.begin());
  }
  return Status::Ok();
}

Status TalksState::ApplySequenced(const Message& message) {
  // Only events are applied here (ApplyEvent, Decide) or queued early.
  const auto& event = std::get<Message::Event>(message.body);
  const Member* actor = FindMember(event.actor);
  if (actor != nullptr) {
    BC_RETURN_IF_ERROR(CheckClearedDraft(*actor, event.action, event.draft)
                           .WithContext("event #" + std::to_string(event.seq)));
  }
  BC_RETURN_IF_ERROR(ApplyAction(event.action, event.actor, event.seq)
                         .WithContext("event #" + std::to_string(event.seq)));
  if (actor != nullptr && !event.draft.empty() && (actor->id == self_ || OnMySide(*actor))) {
    for (auto& d : drafts_) {
      if (d.id == event.draft && d.author == actor->id) {
        d.tabled = true;
        d.seq = event.seq;
      }
    }
  }
  if (!event.ref.empty()) {
    answered_.insert(event.ref);
    std::erase_if(submissions_, [&](const auto& s) { return s.mid == event.ref; });
    std::erase_if(mine_, [&](const auto& s) { return s.mid == event.ref; });
  }
  events_.push_back(message);
  applied_.insert(message.mid);
  applied_seq_ = event.seq;
  return Status::Ok();
}

std::vector<std::string> TalksState::AddConditions(const std::vector<ConditionSpec>& specs) {
  std::vector<std::string> ids;
  for (const auto& spec : specs) {
    Condition c;
    c.id = "c" + std::to_string(conditions_.size() + 1);
    c.spec = spec;
    ids.push_back(c.id);
    conditions_.push_back(std::move(c));
  }
  return ids;
}

Status TalksState::ApplyAction(const Action& action, const std::string& actor_id,
                               std::uint64_t seq) {
  const Member* actor = FindMember(actor_id);
  const Member* me = FindMember(self_);
  // A principal knows the table as it was when its envoy brought it in; a
  // member seated later (a Track 2 participant, say) is unknown to it. Its
  // ideas bind nobody, and its envoy's client checked them, so a principal
  // records them under the actor's id rather than stall its side's events.
  if (actor == nullptr && action.kind == Action::Kind::kIdea && me != nullptr &&
      me->role == Role::kPrincipal) {
    BC_RETURN_IF_ERROR(ResolvePackage(domain(), action.package).status());
    ideas_.push_back(
        Idea{"i" + std::to_string(ideas_.size() + 1), actor_id, action.package, action.note, seq});
    return Status::Ok();
  }
  if (actor == nullptr) {
    return Status(StatusCode::kUntrusted, "an action by someone who is not a member");
  }
  for (const auto& c : action.conditions) {
    const Member* g = FindMember(c.guarantor);
    if (g == nullptr && FindMember(self_) != nullptr &&
        FindMember(self_)->role != Role::kPrincipal) {
      return InvalidArgument("the guarantor of " + Quote(c.text) + " is not a member of the talks");
    }
  }
  switch (action.kind) {
    case Action::Kind::kMove:
      return ApplyMove(action, *actor, seq);
    case Action::Kind::kSuggest: {
      if (actor->role != Role::kMediator)
        return FailedPrecondition("only a mediator suggests packages");
      BC_RETURN_IF_ERROR(CheckNotSuspended());
      BC_ASSIGN_OR_RETURN(auto package, ResolvePackage(domain(), action.package));
      for (std::size_t i = 0; i < package.size(); ++i) {
        if (!package[i]) {
          return InvalidArgument("a single text settles every issue; " +
                                 Quote(domain().issues[i].name) + " is open");
        }
      }
      Suggestion s;
      s.id = "s" + std::to_string(suggestions_.size() + 1);
      s.package = action.package;
      s.note = action.note;
      s.conditions = AddConditions(action.conditions);
      s.seq = seq;
      suggestions_.push_back(std::move(s));
      return Status::Ok();
    }
    case Action::Kind::kIdea: {
      // Ideas are words, not moves: a member without a side floats a package
      // for the table to think about; it binds nobody and cannot be accepted.
      if (actor->role == Role::kEnvoy || actor->role == Role::kPrincipal) {
        return FailedPrecondition("a side's envoy proposes (exploratory if it is only an idea)");
      }
      if (!action.conditions.empty()) {
        return InvalidArgument("an idea is non-binding: it carries no conditions");
      }
      BC_RETURN_IF_ERROR(ResolvePackage(domain(), action.package).status());
      Idea idea;
      idea.id = "i" + std::to_string(ideas_.size() + 1);
      idea.by = actor->id;
      idea.package = action.package;
      idea.note = action.note;
      idea.seq = seq;
      ideas_.push_back(std::move(idea));
      return Status::Ok();
    }
    case Action::Kind::kSuspend:
      if (actor->role != Role::kEnvoy && actor->role != Role::kMediator) {
        return FailedPrecondition("only an envoy or a mediator suspends the talks");
      }
      if (suspension_) return CheckNotSuspended();
      suspension_ = Suspension{actor->id, actor->side, action.reason};
      return Status::Ok();
    case Action::Kind::kResume: {
      if (!suspension_) return FailedPrecondition("the talks are not suspended");
      const bool same = suspension_->side.empty()
                            ? actor->id == suspension_->by
                            : actor->side == suspension_->side && actor->role == Role::kEnvoy;
      if (!same) {
        return FailedPrecondition("only " +
                                  (suspension_->side.empty()
                                       ? std::string("the mediator who suspended them")
                                       : suspension_->side + "'s envoys") +
                                  " can resume the talks");
      }
      suspension_.reset();
      return Status::Ok();
    }
    case Action::Kind::kCondition:
      for (auto& c : conditions_) {
        if (c.id != action.condition) continue;
        if (c.spec.guarantor != actor->id) {
          const Member* g = FindMember(c.spec.guarantor);
          return Status(StatusCode::kPermissionDenied,
                        "only the guarantor (" + (g != nullptr ? g->name : std::string("?")) +
                            ") confirms condition " + c.id);
        }
        if (c.status != ConditionStatus::kPending) {
          return FailedPrecondition("condition " + c.id + " is already " +
                                    std::string(ConditionStatusName(c.status)));
        }
        c.status = action.status;
        c.note = action.reason;
        return Status::Ok();
      }
      return NotFound("no condition " + Quote(action.condition));
  }
  return InvalidArgument("unknown action");
}

Status TalksState::ApplyMove(const Action& action, const Member& actor, std::uint64_t seq) {
  if (actor.role != Role::kEnvoy) {
    return FailedPrecondition(std::string("only envoys make moves (") + actor.name + " is a " +
                              std::string(RoleName(actor.role)) +
                              (actor.role == Role::kMediator ? "; a mediator suggests" : "") + ")");
  }
  BC_RETURN_IF_ERROR(CheckNotSuspended());
  auto& neg = *negotiation_;
  BC_ASSIGN_OR_RETURN(std::size_t side, neg.SideIndex(actor.side));
  if ((action.move == MoveKind::kAccept || action.move == MoveKind::kRatify) &&
      action.authority == Authority::kExploratory) {
    return FailedPrecondition(std::string(negotiation::MoveKindName(action.move)) +
                              " commits the side: it must be cleared (or on the envoy's own "
                              "authority when the side has no rule), not exploratory");
  }
  MoveInfo info;
  info.actor = actor.id;
  info.authority = action.authority;
  info.seq = seq;
  std::vector<ConditionSpec> conditions = action.conditions;
  Result<MoveId> id = InvalidArgument("unknown move");
  switch (action.move) {
    case MoveKind::kPropose:
    case MoveKind::kCounter: {
      BC_ASSIGN_OR_RETURN(auto package, ResolvePackage(domain(), action.package));
      id = action.move == MoveKind::kPropose ? neg.Propose(side, package)
                                             : neg.Counter(side, action.target, package);
      break;
    }
    case MoveKind::kAccept:
      if (!action.suggestion.empty()) {
        auto s = std::find_if(suggestions_.begin(), suggestions_.end(),
                              [&](const Suggestion& x) { return x.id == action.suggestion; });
        if (s == suggestions_.end()) return NotFound("no suggestion " + Quote(action.suggestion));
        // A side accepting the mediator's single text either adopts it (the
        // first) or accepts the offer by which another side adopted it.
        std::optional<MoveId> adopted;
        for (const auto& [mid, mi] : move_info_) {
          if (mi.adopts == s->id && !neg.IsWithdrawn(mid)) adopted = mid;
        }
        if (adopted) {
          id = neg.Accept(side, *adopted);
        } else {
          BC_ASSIGN_OR_RETURN(auto package, ResolvePackage(domain(), s->package));
          id = neg.Propose(side, package);
          info.adopts = s->id;
          info.conditions = s->conditions;
        }
      } else {
        id = neg.Accept(side, action.target);
      }
      break;
    case MoveKind::kReject:
      id = neg.Reject(side, action.target, action.reason);
      break;
    case MoveKind::kWithdraw:
      id = neg.Withdraw(side, action.target);
      break;
    case MoveKind::kRatify: {
      if (neg.agreement()) {
        auto it = move_info_.find(*neg.agreement());
        if (it != move_info_.end()) {
          for (const Condition* c : ConditionsOf(it->second.conditions)) {
            const Member* g = FindMember(c->spec.guarantor);
            const std::string who = g != nullptr ? g->name : "its guarantor";
            if (c->status == ConditionStatus::kPending) {
              return FailedPrecondition("condition " + c->id + " (" + c->spec.text +
                                        ") is not yet confirmed by " + who);
            }
            if (c->status == ConditionStatus::kFailed) {
              return FailedPrecondition("condition " + c->id + " (" + c->spec.text + ") failed" +
                                        (c->note.empty() ? "" : ": " + c->note));
            }
          }
        }
      }
      id = neg.Ratify(side);
      break;
    }
  }
  if (!id) return id.error();
  if (info.conditions.empty()) info.conditions = AddConditions(conditions);
  move_info_[*id] = std::move(info);
  return Status::Ok();
}

bool TalksState::Knows(const Message& m) const {
  if (std::holds_alternative<Definition>(m.body)) return initialized() && m.talks == talks_;
  if (const auto* event = std::get_if<Message::Event>(&m.body)) {
    return event->seq <= applied_seq_ || early_events_.contains(event->seq);
  }
  return applied_.contains(m.mid);
}

// ---- reactor ----

std::vector<Submission> TalksState::SubmissionsToDecide() const {
  std::vector<Submission> out;
  if (!IsHost()) return out;
  for (const auto& s : submissions_) {
    const bool held = suspension_ && (s.action.kind == Action::Kind::kMove ||
                                      s.action.kind == Action::Kind::kSuggest);
    if (!held) out.push_back(s);
  }
  return out;
}

Result<Message> TalksState::Decide(const Submission& submission, std::int64_t time_ms) const {
  if (!IsHost()) return FailedPrecondition("only the host decides submissions");
  const Member* actor = FindMember(submission.sender);
  Message out;
  out.talks = talks_;
  out.mid = NewMessageId();
  out.from = self_;
  out.time_ms = time_ms;
  Message event = out;
  event.scope = Scope{ScopeKind::kPlenary, "", ""};
  event.body = Message::Event{submission.action, applied_seq_ + 1,
                              submission.mid,    actor != nullptr ? actor->side : "",
                              submission.sender, submission.draft};
  TalksState trial = *this;
  Status s = actor == nullptr ? Status(StatusCode::kUntrusted, "not a member")
                              : trial.ApplySequenced(event);
  if (s.ok()) return event;
  out.scope = Scope{ScopeKind::kDirect, "", submission.sender};
  out.body = Message::Refusal{submission.mid, std::string(s.message())};
  return out;
}

std::vector<const Draft*> TalksState::DraftsToTable() const {
  std::vector<const Draft*> out;
  for (const auto& d : drafts_) {
    if (d.author == self_ && !d.tabled && DraftClearance(d).state == ClearanceState::kCleared) {
      out.push_back(&d);
    }
  }
  return out;
}

std::vector<Message> TalksState::EventsToForward() const {
  std::vector<Message> out;
  const Member* me = FindMember(self_);
  if (me == nullptr || me->role != Role::kEnvoy || IsHost()) return out;
  bool principals = false;
  for (const auto& [id, m] : members_)
    principals = principals || (m.role == Role::kPrincipal && OnMySide(m));
  if (!principals) return out;
  for (const auto& e : events_) {
    if (!forwarded_.contains(e.mid)) out.push_back(e);
  }
  return out;
}

Status TalksState::Precheck(const Action& action) const {
  if (!initialized()) return FailedPrecondition("no talks");
  TalksState trial = *this;
  return trial.ApplyAction(action, self_, applied_seq_ + 1);
}

}  // namespace backchannel::talks
