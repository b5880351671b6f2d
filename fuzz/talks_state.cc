// Fuzz target: the talks state fold. A fixed small talks (the tests' table:
// a host, two envoys, a guarantor, four principals; a draft with a verdict,
// an offer, a mediator's text with a condition, an undecided submission) is
// built once; each input is decoded as a message and applied to every
// client as coming from each member in turn (and from a stranger; as
// outgoing when the member is the client itself). Never a crash; an Apply
// that fails leaves the client's observable state unchanged; the reaction
// plan after one that applies changes nothing and holds only messages the
// decoder accepts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "../tests/talks/talks_fixture.h"

namespace {

using namespace backchannel;
using namespace backchannel::talks;

struct Observed {
  std::string negotiation;
  std::size_t drafts = 0;
  std::size_t conditions = 0;
  bool suspended = false;
  std::uint64_t last_seq = 0;
  std::size_t ideas = 0;
  bool operator==(const Observed&) const = default;
};

Observed Observe(const TalksState& s) {
  return Observed{s.negotiation().ToJson(),   s.drafts().size(), s.conditions().size(),
                  s.suspension().has_value(), s.last_seq(),      s.ideas().size()};
}

struct World {
  sim::Talks talks;
  std::vector<std::string> senders;
  std::map<std::string, Observed> observed;
};

const World& TheWorld() {
  static const World* world = [] {
    auto* w = new World;
    sim::Talks& t = w->talks;
    bool ok = t.Open().ok();
    ok = ok && t.SendDraft(t.crocker, "d1", sim::Propose(sim::PackageA())).ok();
    ok = ok && t.SendVerdict(t.state, "d1", true).ok();
    ok = ok && t.Act(t.crocker, sim::Propose(sim::PackageA())).ok();
    ok = ok && t.Act(t.brahimi, sim::Suggest(sim::PackageC(), "a single text",
                                             {ConditionSpec{"supervised", t.icrc.id}}))
                   .ok();
    ok = ok && t.Submit(t.zarif, sim::Counter(1, sim::PackageB())).ok();  // left undecided
    if (!ok) std::abort();
    for (const Member& m : t.Everyone()) w->senders.push_back(m.id);
    w->senders.push_back(sim::MemberId(99));  // not a member
    for (const auto& [id, s] : t.clients) w->observed[id] = Observe(s);
    return w;
  }();
  return *world;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const World& w = TheWorld();
  auto m = DecodeMessage(ByteView(data, size));
  if (!m) return 0;
  for (const auto& [id, state] : w.talks.clients) {
    for (const std::string& sender : w.senders) {
      TalksState copy = state;
      Status s = copy.Apply(*m, sender, /*outgoing=*/sender == id);
      if (!s.ok() && !(Observe(copy) == w.observed.at(id))) std::abort();
      if (s.ok()) {
        // What applied once applies again without harm.
        (void)copy.Apply(*m, sender, sender == id);
        (void)copy.SubmissionsToDecide();
        (void)copy.EventsToForward();
        (void)copy.DraftsToTable();
        // Planning (talks/plan.h) changes nothing, and whatever a plan
        // sends is a well-formed message on the wire.
        const Observed before = Observe(copy);
        auto plan = PlanReaction(copy, 1);
        if (!(Observe(copy) == before)) std::abort();
        if (plan) {
          for (const PlannedSend& step : plan->sends) {
            if (!DecodeMessage(EncodeMessage(step.message))) std::abort();
          }
        }
      }
    }
  }
  return 0;
}
