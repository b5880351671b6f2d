// The talks state fold, driven by eight simulated clients (talks_fixture.h):
// scopes and who learns what, host sequencing, moves through the host,
// clearance at home, a mediator's single text, guarantors' conditions,
// suspension, shared profiles, and replay determinism. Every refusal is
// checked for its exact StatusCode and for leaving the state unchanged.
#include "backchannel/talks/state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "backchannel/talks/record.h"
#include "talks/talks_fixture.h"
#include "testing/status_matchers.h"

namespace backchannel::talks {
namespace {

using ::backchannel::testing::StatusIs;

using negotiation::Phase;
using sim::Caucus;
using sim::Direct;
using sim::Inside;
using sim::kIran;
using sim::kUs;
using sim::Plenary;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Everything a client shows, as text: equal fingerprints, equal states.
std::string Fingerprint(const TalksState& s) {
  std::string out;
  if (!s.initialized()) return "uninitialized";
  out += "talks " + s.talks() + " host " + s.definition().host + " seq " +
         std::to_string(s.last_seq()) + "\n";
  out += "negotiation " + s.negotiation().ToJson() + "\n";
  out += "rule " + s.rule().ToString() + "\n";
  for (const auto& [id, m] : s.members()) {
    out +=
        "member " + id + " " + m.name + " " + m.side + " " + std::string(RoleName(m.role)) + "\n";
  }
  for (const Draft& d : s.drafts()) {
    Message carrier;
    carrier.body = Message::Submit{.action = d.action};
    const Bytes action = EncodeMessage(carrier);
    out += "draft " + d.id + " by " + d.author + " revises " + d.revises +
           (d.tabled ? " tabled " : " ") + std::string(AsString(action)) + "\n";
    for (const auto& [who, v] : d.verdicts) {
      out += "  verdict " + who + (v.approve ? " approve " : " veto ") + v.reason + "\n";
    }
  }
  for (const Condition& c : s.conditions()) {
    out += "condition " + c.id + " " + c.spec.text + " by " + c.spec.guarantor + " " +
           std::string(ConditionStatusName(c.status)) + " " + c.note + "\n";
  }
  for (const Suggestion& g : s.suggestions()) {
    out += "suggestion " + g.id + " seq " + std::to_string(g.seq) + " " + g.note + " conditions";
    for (const auto& c : g.conditions) out += " " + c;
    out += "\n";
  }
  for (const auto& [id, mi] : s.move_info()) {
    out += "move " + std::to_string(id) + " by " + mi.actor + " " +
           std::string(AuthorityName(mi.authority)) + " adopts " + mi.adopts + " seq " +
           std::to_string(mi.seq) + " conditions";
    for (const auto& c : mi.conditions) out += " " + c;
    out += "\n";
  }
  if (s.suspension()) {
    out += "suspended by " + s.suspension()->by + " (" + s.suspension()->side + ") " +
           s.suspension()->reason + "\n";
  }
  for (const auto& [side, p] : s.shared_profiles()) out += "profile " + side + " " + p + "\n";
  for (const auto& f : s.floats())
    out += "float from " + f.from + " to " + f.side + " " + f.note + "\n";
  for (const auto& [mid, why] : s.refusals()) out += "refused " + mid + ": " + why + "\n";
  for (const auto& x : s.AwaitingHost()) out += "awaiting " + x.mid + "\n";
  for (const auto& x : s.SubmissionsToDecide()) out += "to decide " + x.mid + "\n";
  for (const auto& e : s.EventsToForward())
    out += "to forward #" + std::to_string(sim::Body<Message::Event>(e).seq) + "\n";
  return out;
}

// The error code of a Recipients call (kOk when it named recipients).
StatusCode CodeOf(const Result<std::vector<Member>>& r) { return r.status().code(); }

std::vector<std::string> Names(const Result<std::vector<Member>>& members) {
  std::vector<std::string> out;
  if (!members) return {"error: " + members.error().ToString()};
  for (const Member& m : *members) out.push_back(m.name);
  std::sort(out.begin(), out.end());
  return out;
}

class TalksStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status s = t.Open();
    ASSERT_OK(s);
  }

  // Applies `m` on `client` as given, expects `code`, and that the client's
  // state did not change.
  void ExpectRefused(const Member& client, const Message& m, const std::string& sender,
                     bool outgoing, StatusCode code, const std::string& why = "") {
    TalksState& s = t.at(client);
    const std::string before = Fingerprint(s);
    Status r = s.Apply(m, sender, outgoing);
    EXPECT_EQ(r.code(), code) << client.name << ": " << r;
    if (!why.empty()) {
      EXPECT_THAT(std::string(r.message()), HasSubstr(why)) << client.name;
    }
    EXPECT_EQ(Fingerprint(s), before) << client.name << ": a refused message changed the state";
  }
  void ExpectDeliveryRefused(const Message& m, const Member& from, const Member& to,
                             StatusCode code, const std::string& why = "") {
    ExpectRefused(to, m, from.id, false, code, why);
  }

  std::map<std::string, std::string> AllNegotiations() const {
    std::map<std::string, std::string> out;
    for (const auto& [id, s] : t.clients) out[id] = s.negotiation().ToJson();
    return out;
  }
  void ExpectAllAgree() const {
    const std::string host = t.at(t.brahimi).negotiation().ToJson();
    for (const auto& [id, s] : t.clients) {
      EXPECT_EQ(s.negotiation().ToJson(), host) << s.me().name << " disagrees with the host";
      EXPECT_EQ(s.last_seq(), t.at(t.brahimi).last_seq()) << s.me().name;
    }
  }

  Message Chat(const Member& from, const Scope& scope, const std::string& text = "a feeler") {
    Message m = t.NewMessage(from, Message::Chat{.text = text}, scope);
    return m;
  }

  // Submits and returns the submission's mid; the host decides in Pump.
  std::string SubmitAndPump(const Member& from, const Action& a) {
    sim::Delivery d = t.Submit(from, a);
    EXPECT_OK(d);
    Status s = t.Pump();
    EXPECT_OK(s);
    return d.message.mid;
  }

  void Act(const Member& from, const Action& a) {
    const std::string mid = SubmitAndPump(from, a);
    EXPECT_FALSE(t.at(from).refusals().contains(mid))
        << from.name << "'s action was refused: " << t.at(from).refusals().at(mid);
  }

  sim::Talks t;
};

// ---- setting up ----

TEST_F(TalksStateTest, OpenSeatsTheTableAndEachSideItsPrincipals) {
  for (const Member& m : t.Everyone()) {
    const TalksState& s = t.at(m);
    ASSERT_TRUE(s.initialized()) << m.name;
    EXPECT_EQ(s.talks(), sim::kTalksId);
    EXPECT_EQ(s.me(), m);
    EXPECT_EQ(s.IsHost(), m.id == t.brahimi.id);
    EXPECT_EQ(s.definition().host, t.brahimi.id);
    EXPECT_EQ(s.last_seq(), 0u);
    EXPECT_EQ(s.negotiation().phase(), Phase::kOpen);
    EXPECT_EQ(s.domain().issues.size(), 3u);
  }
  // The table never learns a side's principals nor its rule.
  EXPECT_EQ(t.at(t.brahimi).members().size(), 4u);
  EXPECT_EQ(t.at(t.icrc).members().size(), 4u);
  EXPECT_EQ(t.at(t.crocker).members().size(), 7u);  // the table and its principals
  EXPECT_EQ(t.at(t.zarif).members().size(), 5u);
  EXPECT_EQ(t.at(t.brahimi).FindMemberByName("State"), nullptr);
  EXPECT_EQ(t.at(t.zarif).FindMemberByName("Pentagon"), nullptr);
  EXPECT_EQ(t.at(t.crocker).FindMemberByName("Leader"), nullptr);
  EXPECT_TRUE(t.at(t.brahimi).rule().empty());
  EXPECT_EQ(t.at(t.crocker).rule().ToString(), t.us_rule);
  EXPECT_EQ(t.at(t.zarif).rule().ToString(), t.iran_rule);
  for (const Member& p : t.UsPrincipals()) {
    EXPECT_EQ(t.at(p).rule().ToString(), t.us_rule) << p.name;
    EXPECT_EQ(t.at(p).members().size(), 7u) << p.name;  // the table and its own side
    EXPECT_EQ(t.at(p).FindMemberByName("Leader"), nullptr);
  }
  EXPECT_EQ(t.at(t.leader).rule().ToString(), t.iran_rule);
}

TEST_F(TalksStateTest, CreateChecksItsDefinition) {
  Definition d = t.TableDefinition();
  EXPECT_THAT(TalksState::Create("x", d, t.crocker.id), StatusIs(StatusCode::kInvalidArgument));
  Definition one_side = d;
  one_side.sides = {kUs};
  EXPECT_THAT(TalksState::Create("x", one_side, t.brahimi.id),
              StatusIs(StatusCode::kInvalidArgument));
  Definition bad_agenda = d;
  bad_agenda.agenda = "{\"not\": \"a domain\"}";
  EXPECT_FALSE(TalksState::Create("x", bad_agenda, t.brahimi.id));
  Definition lost = d;
  lost.members.push_back(Member{sim::MemberId(50), "Lost", "France", Role::kEnvoy});
  EXPECT_THAT(TalksState::Create("x", lost, t.brahimi.id), StatusIs(StatusCode::kInvalidArgument));
  Definition sideless = d;
  sideless.members.push_back(Member{sim::MemberId(51), "Nobody", "", Role::kEnvoy});
  EXPECT_THAT(TalksState::Create("x", sideless, t.brahimi.id),
              StatusIs(StatusCode::kInvalidArgument));
  Definition bad_rule = d;
  bad_rule.rule = "allow=everyone";
  EXPECT_THAT(TalksState::Create("x", bad_rule, t.brahimi.id),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(TalksStateTest, DefinitionsComeFromTheHostOrOurOwnEnvoy) {
  // Zarif cannot announce himself as the host of a US principal's talks.
  Message forged = t.NewMessage(t.zarif, t.at(t.zarif).definition(), Direct(t.state.id));
  sim::Body<Message::Definition>(forged).members.push_back(t.state);
  TalksState fresh(t.state.id);
  EXPECT_THAT(fresh.Apply(forged, t.zarif.id, false), StatusIs(StatusCode::kUntrusted));
  EXPECT_FALSE(fresh.initialized());
  // A definition that does not list this client.
  TalksState stranger(sim::MemberId(60));
  Message def = t.NewMessage(t.brahimi, t.TableDefinition(), Direct(t.icrc.id));
  EXPECT_THAT(stranger.Apply(def, t.brahimi.id, false), StatusIs(StatusCode::kFailedPrecondition));
  // Another talks on an initialized state.
  Message other = def;
  other.talks = "elsewhere";
  ExpectRefused(t.icrc, other, t.brahimi.id, false, StatusCode::kAlreadyExists);
  // The same definition again changes nothing.
  def.talks = sim::kTalksId;
  const std::string before = Fingerprint(t.at(t.icrc));
  EXPECT_OK(t.at(t.icrc).Apply(def, t.brahimi.id, false));
  EXPECT_EQ(Fingerprint(t.at(t.icrc)), before);
  // Anything before the definition.
  TalksState empty(t.icrc.id);
  EXPECT_EQ(empty.Apply(Chat(t.crocker, Plenary()), t.crocker.id, false).code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(TalksStateTest, BasicRefusals) {
  Message chat = Chat(t.crocker, Plenary());
  Message other = chat;
  other.talks = "elsewhere";
  ExpectRefused(t.zarif, other, t.crocker.id, false, StatusCode::kInvalidArgument);
  // The message names another author than the member who sent it.
  ExpectRefused(t.zarif, chat, t.icrc.id, false, StatusCode::kUntrusted, "another author");
  // A sender who is not a member.
  Message stranger = chat;
  stranger.from = sim::MemberId(77);
  ExpectRefused(t.zarif, stranger, stranger.from, false, StatusCode::kUntrusted, "not a member");
  // A submission goes to the host only.
  Message submit = t.NewMessage(t.crocker, Message::Submit{.action = sim::Propose(sim::PackageA())},
                                Direct(t.zarif.id));
  ExpectRefused(t.crocker, submit, t.crocker.id, true, StatusCode::kInvalidArgument,
                "directly to the host");
  // Refusals come from the host.
  Message refusal =
      t.NewMessage(t.zarif, Message::Refusal{.ref = "m1", .reason = "no"}, Direct(t.crocker.id));
  ExpectRefused(t.crocker, refusal, t.zarif.id, false, StatusCode::kUntrusted, "not from the host");
  ExpectRefused(t.zarif, refusal, t.zarif.id, true, StatusCode::kFailedPrecondition,
                "only the host refuses");
}

TEST_F(TalksStateTest, RepeatedMessagesApplyOnce) {
  sim::Delivery d = t.Send(t.crocker, Chat(t.crocker, Plenary()));
  ASSERT_OK(d);
  const std::string before = Fingerprint(t.at(t.zarif));
  EXPECT_OK(t.Deliver(d.message, t.crocker.id, t.zarif.id));
  EXPECT_EQ(Fingerprint(t.at(t.zarif)), before);
}

// ---- scopes ----

TEST_F(TalksStateTest, RecipientsOfEachScopeFromEachRole) {
  using V = std::vector<std::string>;
  const Scope plenary = Plenary();
  EXPECT_EQ(Names(t.at(t.brahimi).Recipients(plenary)), (V{"Crocker", "ICRC", "Zarif"}));
  EXPECT_EQ(Names(t.at(t.crocker).Recipients(plenary)),
            (V{"Brahimi", "ICRC", "NSC", "Pentagon", "State", "Zarif"}));
  EXPECT_EQ(Names(t.at(t.zarif).Recipients(plenary)), (V{"Brahimi", "Crocker", "ICRC", "Leader"}));
  EXPECT_EQ(Names(t.at(t.icrc).Recipients(plenary)), (V{"Brahimi", "Crocker", "Zarif"}));
  for (const Member& p : {t.state, t.nsc, t.pentagon, t.leader}) {
    EXPECT_EQ(CodeOf(t.at(p).Recipients(plenary)), StatusCode::kFailedPrecondition) << p.name;
  }

  EXPECT_EQ(Names(t.at(t.crocker).Recipients(Caucus(kUs))), (V{"Brahimi"}));
  EXPECT_EQ(Names(t.at(t.zarif).Recipients(Caucus(kIran))), (V{"Brahimi"}));
  EXPECT_EQ(Names(t.at(t.brahimi).Recipients(Caucus(kIran))), (V{"Zarif"}));
  EXPECT_EQ(Names(t.at(t.brahimi).Recipients(Caucus(kUs))), (V{"Crocker"}));
  EXPECT_EQ(CodeOf(t.at(t.crocker).Recipients(Caucus(kIran))), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(t.at(t.icrc).Recipients(Caucus(kUs))), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(t.at(t.state).Recipients(Caucus(kUs))), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(t.at(t.brahimi).Recipients(Caucus("France"))), StatusCode::kInvalidArgument);

  EXPECT_EQ(Names(t.at(t.crocker).Recipients(Inside(kUs))), (V{"NSC", "Pentagon", "State"}));
  EXPECT_EQ(Names(t.at(t.state).Recipients(Inside(kUs))), (V{"Crocker", "NSC", "Pentagon"}));
  EXPECT_EQ(Names(t.at(t.zarif).Recipients(Inside(kIran))), (V{"Leader"}));
  EXPECT_EQ(Names(t.at(t.leader).Recipients(Inside(kIran))), (V{"Zarif"}));
  EXPECT_EQ(CodeOf(t.at(t.crocker).Recipients(Inside(kIran))), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(t.at(t.state).Recipients(Inside(kIran))), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(t.at(t.brahimi).Recipients(Inside(kUs))), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(t.at(t.icrc).Recipients(Inside(kUs))), StatusCode::kFailedPrecondition);

  EXPECT_EQ(Names(t.at(t.crocker).Recipients(Direct(t.zarif.id))), (V{"Zarif"}));
  EXPECT_EQ(Names(t.at(t.crocker).Recipients(Direct(t.state.id))), (V{"State"}));
  EXPECT_EQ(Names(t.at(t.state).Recipients(Direct(t.crocker.id))), (V{"Crocker"}));
  EXPECT_EQ(Names(t.at(t.state).Recipients(Direct(t.pentagon.id))), (V{"Pentagon"}));
  EXPECT_EQ(Names(t.at(t.icrc).Recipients(Direct(t.brahimi.id))), (V{"Brahimi"}));
  EXPECT_EQ(CodeOf(t.at(t.state).Recipients(Direct(t.zarif.id))), StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(t.at(t.state).Recipients(Direct(t.brahimi.id))),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(t.at(t.zarif).Recipients(Direct(t.state.id))), StatusCode::kNotFound);
  // To oneself: nobody (the host's own submissions).
  EXPECT_THAT(Names(t.at(t.crocker).Recipients(Direct(t.crocker.id))), IsEmpty());
  EXPECT_THAT(Names(t.host().Recipients(Direct(t.brahimi.id))), IsEmpty());
}

TEST_F(TalksStateTest, ACaucusWithIranNeverLandsOnTheUsSide) {
  sim::Delivery chat = t.Send(t.zarif, Chat(t.zarif, Caucus(kIran), "between us and the UN"));
  ASSERT_OK(chat);
  EXPECT_THAT(chat.recipients, ElementsAre(t.brahimi.id));
  for (const Member& us : {t.crocker, t.state, t.nsc, t.pentagon}) {
    ExpectDeliveryRefused(chat.message, t.zarif, us, StatusCode::kUntrusted);
  }
  ExpectDeliveryRefused(chat.message, t.zarif, t.icrc, StatusCode::kUntrusted);

  // The mediator floats a package to Iran alone.
  Message fl = t.NewMessage(
      t.brahimi,
      Message::Float{.package = {{"sanctions", "eased"}}, .note = "would this interest Tehran?"},
      Caucus(kIran));
  sim::Delivery floated = t.Send(t.brahimi, fl);
  ASSERT_OK(floated);
  ASSERT_EQ(t.at(t.zarif).floats().size(), 1u);
  EXPECT_EQ(t.at(t.zarif).floats()[0].side, kIran);
  EXPECT_EQ(t.at(t.zarif).floats()[0].package, sim::Body<Message::Float>(fl).package);
  for (const Member& us : {t.crocker, t.state}) {
    ExpectDeliveryRefused(floated.message, t.brahimi, us, StatusCode::kUntrusted);
    EXPECT_THAT(t.at(us).floats(), IsEmpty());
  }
  // Iran's own principal does not sit in caucus either.
  ExpectDeliveryRefused(floated.message, t.brahimi, t.leader, StatusCode::kUntrusted);
  // The other side's envoy cannot speak in Iran's caucus.
  Message intrude = Chat(t.crocker, Caucus(kIran));
  ExpectRefused(t.crocker, intrude, t.crocker.id, true, StatusCode::kFailedPrecondition);
  ExpectDeliveryRefused(intrude, t.crocker, t.brahimi, StatusCode::kUntrusted);
  ExpectDeliveryRefused(intrude, t.crocker, t.zarif, StatusCode::kUntrusted);
}

TEST_F(TalksStateTest, OnlyAMediatorFloatsAndOnlyOnTheAgenda) {
  Message fl =
      t.NewMessage(t.zarif, Message::Float{.package = {{"sanctions", "eased"}}}, Caucus(kIran));
  ExpectRefused(t.zarif, fl, t.zarif.id, true, StatusCode::kFailedPrecondition,
                "only a mediator floats");
  ExpectDeliveryRefused(fl, t.zarif, t.brahimi, StatusCode::kFailedPrecondition);
  Message off =
      t.NewMessage(t.brahimi, Message::Float{.package = {{"oil", "embargo"}}}, Caucus(kUs));
  ExpectRefused(t.brahimi, off, t.brahimi.id, true, StatusCode::kInvalidArgument, "no issue 'oil'");
  sim::Body<Message::Float>(off).package = {{"sanctions", "doubled"}};
  ExpectDeliveryRefused(off, t.brahimi, t.crocker, StatusCode::kInvalidArgument,
                        "no option 'doubled'");
  Message plenary_float =
      t.NewMessage(t.brahimi, Message::Float{.package = {{"sanctions", "eased"}}}, Plenary());
  ExpectDeliveryRefused(plenary_float, t.brahimi, t.crocker, StatusCode::kFailedPrecondition);
}

TEST_F(TalksStateTest, InternalIsYourOwnSideOnly) {
  sim::Delivery home =
      t.Send(t.crocker, Chat(t.crocker, Inside(kUs), "Zarif hinted at flexibility"));
  ASSERT_OK(home);
  EXPECT_EQ(home.received.size(), 3u);
  for (const Member& m : {t.zarif, t.brahimi, t.icrc, t.leader}) {
    ExpectDeliveryRefused(home.message, t.crocker, m, StatusCode::kUntrusted);
  }
  sim::Delivery tehran = t.Send(t.leader, Chat(t.leader, Inside(kIran)));
  ASSERT_OK(tehran);
  EXPECT_THAT(tehran.recipients, ElementsAre(t.zarif.id));
  ExpectDeliveryRefused(tehran.message, t.leader, t.crocker, StatusCode::kUntrusted);
  ExpectDeliveryRefused(tehran.message, t.leader, t.state, StatusCode::kUntrusted);
  // Speaking in another side's internal scope.
  ExpectRefused(t.crocker, Chat(t.crocker, Inside(kIran)), t.crocker.id, true,
                StatusCode::kFailedPrecondition);
  Message claims_iran = Chat(t.crocker, Inside(kIran));
  ExpectDeliveryRefused(claims_iran, t.crocker, t.zarif, StatusCode::kUntrusted);
}

TEST_F(TalksStateTest, PrincipalsCannotSpeakInPlenary) {
  Message m = Chat(t.state, Plenary(), "we insist");
  ExpectRefused(t.state, m, t.state.id, true, StatusCode::kFailedPrecondition,
                "a principal speaks only inside its side");
  sim::Delivery d = t.Send(t.state, m);
  EXPECT_THAT(d.sent, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_TRUE(d.received.empty());
  // The other side does not know the principal at all.
  ExpectDeliveryRefused(m, t.state, t.zarif, StatusCode::kUntrusted);
  ExpectDeliveryRefused(m, t.state, t.brahimi, StatusCode::kUntrusted);
}

// Regression test for a bug found by this suite (fixed; was src/talks/state.cc:196, CheckInScope,
// kPlenary): an incoming plenary message is accepted by anyone at the table whatever its sender's
// role, so a principal's plenary message (which Recipients forbids it to send) is accepted by its
// own envoy. Expected kUntrusted; actual OK.
TEST_F(TalksStateTest, AnEnvoyRefusesItsPrincipalsPlenaryMessage) {
  Message m = Chat(t.state, Plenary(), "we insist");
  ExpectDeliveryRefused(m, t.state, t.crocker, StatusCode::kUntrusted);
}

// Regression test for a bug found by this suite (fixed; was src/talks/state.cc:206, CheckInScope,
// kDirect): an incoming direct message is accepted whenever it is addressed to us, so another
// side's envoy reaches a principal directly although Recipients says "not someone you talk to
// directly". Expected kUntrusted; actual OK.
TEST_F(TalksStateTest, APrincipalRefusesDirectMessagesFromTheOtherSide) {
  Message m = Chat(t.zarif, Direct(t.state.id), "a word in private?");
  ExpectDeliveryRefused(m, t.zarif, t.state, StatusCode::kUntrusted);
}

TEST_F(TalksStateTest, RostersAnnouncePrincipalsOnlyThroughTheirEnvoy) {
  // The host cannot seat a side's principals.
  Message roster = t.NewMessage(
      t.brahimi,
      Message::Roster{.members = {Member{sim::MemberId(40), "CIA", kUs, Role::kPrincipal}}},
      Plenary());
  ExpectDeliveryRefused(roster, t.brahimi, t.crocker, StatusCode::kFailedPrecondition,
                        "announced only by its own envoy");
  // An envoy cannot seat anyone at the table, nor the other side's principals.
  Message seat = t.NewMessage(
      t.crocker,
      Message::Roster{.members = {Member{sim::MemberId(41), "Kissinger", kUs, Role::kEnvoy}}},
      Inside(kUs));
  ExpectRefused(t.crocker, seat, t.crocker.id, true, StatusCode::kFailedPrecondition,
                "only the host seats");
  sim::Body<Message::Roster>(seat).members = {
      Member{sim::MemberId(42), "Guards", kIran, Role::kPrincipal}};
  ExpectRefused(t.crocker, seat, t.crocker.id, true, StatusCode::kFailedPrecondition,
                "announced only by its own envoy");
  // The other side's envoy's roster never reaches us.
  Message theirs = t.NewMessage(
      t.zarif,
      Message::Roster{.members = {Member{sim::MemberId(43), "Guards", kIran, Role::kPrincipal}}},
      Inside(kIran));
  ExpectDeliveryRefused(theirs, t.zarif, t.crocker, StatusCode::kUntrusted);
  // A bad rule is refused whole.
  Message bad_rule = t.NewMessage(
      t.crocker,
      Message::Roster{.members = {Member{sim::MemberId(44), "Treasury", kUs, Role::kPrincipal}},
                      .rule = "approve=State;approve=NSC"},
      Inside(kUs));
  ExpectRefused(t.crocker, bad_rule, t.crocker.id, true, StatusCode::kInvalidArgument);
  // A new principal, announced by the envoy, is known at home only.
  Message add = t.NewMessage(
      t.crocker,
      Message::Roster{.members = {Member{sim::MemberId(45), "Treasury", kUs, Role::kPrincipal}}},
      Inside(kUs));
  sim::Delivery d = t.Send(t.crocker, add);
  ASSERT_OK(d);
  EXPECT_NE(t.at(t.state).FindMemberByName("Treasury"), nullptr);
  EXPECT_EQ(t.at(t.crocker).rule().ToString(), t.us_rule);  // no rule: unchanged
}

// ---- sequencing ----

TEST_F(TalksStateTest, EveryClientFoldsTheSameHistoryWhateverTheDeliveryOrder) {
  // Three submissions, decided by the host but not yet delivered.
  ASSERT_OK(t.Submit(t.crocker, sim::Propose(sim::PackageA())));
  auto e1 = t.DecideNext(false);
  ASSERT_TRUE(e1);
  ASSERT_OK(e1->sent);
  ASSERT_OK(t.Submit(t.zarif, sim::Counter(1, sim::PackageB())));
  auto e2 = t.DecideNext(false);
  ASSERT_TRUE(e2);
  ASSERT_OK(e2->sent);
  ASSERT_OK(t.Submit(t.crocker, sim::Reject(2, "enrichment must stay capped")));
  auto e3 = t.DecideNext(false);
  ASSERT_TRUE(e3);
  ASSERT_OK(e3->sent);
  ASSERT_TRUE(std::holds_alternative<Message::Event>(e1->message.body));
  EXPECT_EQ(sim::Body<Message::Event>(e1->message).seq, 1u);
  EXPECT_EQ(sim::Body<Message::Event>(e2->message).seq, 2u);
  EXPECT_EQ(sim::Body<Message::Event>(e3->message).seq, 3u);
  EXPECT_TRUE(std::holds_alternative<Message::Event>(e3->message.body)) << e3->Describe();
  EXPECT_EQ(t.host().last_seq(), 3u);
  EXPECT_THAT(e1->recipients, ::testing::UnorderedElementsAre(t.crocker.id, t.zarif.id, t.icrc.id));

  for (const Member& m : {t.crocker, t.zarif, t.icrc}) {
    const std::string& h = t.brahimi.id;
    ASSERT_OK(t.Deliver(e1->message, h, m.id));
    ASSERT_OK(t.Deliver(e3->message, h, m.id));  // early: held
    EXPECT_EQ(t.at(m).last_seq(), 1u) << m.name;
    EXPECT_EQ(t.at(m).negotiation().history().size(), 1u) << m.name;
    ASSERT_OK(t.Deliver(e3->message, h, m.id));  // held twice
    ASSERT_OK(t.Deliver(e1->message, h, m.id));  // already applied
    ASSERT_OK(t.Deliver(e2->message, h, m.id));  // fills the gap
    EXPECT_EQ(t.at(m).last_seq(), 3u) << m.name;
    ASSERT_OK(t.Deliver(e2->message, h, m.id));
    ASSERT_OK(t.Deliver(e3->message, h, m.id));
    EXPECT_EQ(t.at(m).last_seq(), 3u) << m.name;
  }
  // A principal may also hear the events out of order from its envoy.
  ASSERT_OK(t.Deliver(e3->message, t.crocker.id, t.state.id));
  EXPECT_EQ(t.at(t.state).last_seq(), 0u);
  ASSERT_OK(t.Pump());
  ExpectAllAgree();
  EXPECT_EQ(t.host().negotiation().history().size(), 3u);
  EXPECT_EQ(t.at(t.crocker).negotiation().history()[2].kind, negotiation::MoveKind::kReject);
  EXPECT_THAT(t.at(t.crocker).AwaitingHost(), IsEmpty());
  EXPECT_THAT(t.at(t.zarif).AwaitingHost(), IsEmpty());
  EXPECT_THAT(t.host().SubmissionsToDecide(), IsEmpty());
  EXPECT_THAT(t.at(t.crocker).EventsToForward(), IsEmpty());
  // Forwarding once more changes nothing at home.
  const std::string before = Fingerprint(t.at(t.state));
  ASSERT_OK(t.Deliver(e2->message, t.crocker.id, t.state.id));
  EXPECT_EQ(Fingerprint(t.at(t.state)), before);
}

TEST_F(TalksStateTest, EventsComeOnlyFromTheHostOrOurOwnEnvoy) {
  ASSERT_OK(t.Submit(t.crocker, sim::Propose(sim::PackageA())));
  auto e1 = t.DecideNext(false);
  ASSERT_TRUE(e1);
  ASSERT_OK(e1->sent);

  // An event authored by someone else than the host.
  Message forged = e1->message;
  forged.from = t.zarif.id;
  ExpectDeliveryRefused(forged, t.zarif, t.crocker, StatusCode::kUntrusted,
                        "not authored by the host");
  ExpectDeliveryRefused(forged, t.zarif, t.icrc, StatusCode::kUntrusted);
  // The host's event relayed by another member of the table.
  ExpectDeliveryRefused(e1->message, t.zarif, t.crocker, StatusCode::kUntrusted,
                        "events come from the host");
  ExpectDeliveryRefused(e1->message, t.icrc, t.zarif, StatusCode::kUntrusted);
  // Forwarded to a principal by the other side's envoy.
  ExpectDeliveryRefused(e1->message, t.zarif, t.state, StatusCode::kUntrusted);
  ExpectDeliveryRefused(e1->message, t.crocker, t.leader, StatusCode::kUntrusted);
  // Forwarded by a fellow principal.
  ExpectDeliveryRefused(e1->message, t.nsc, t.state, StatusCode::kUntrusted);
  // Events are plenary.
  Message caucus = e1->message;
  caucus.scope = Caucus(kUs);
  ExpectDeliveryRefused(caucus, t.brahimi, t.crocker, StatusCode::kInvalidArgument, "plenary");

  // Our own envoy forwarding the host's event applies.
  ASSERT_OK(t.Deliver(e1->message, t.brahimi.id, t.crocker.id));
  ASSERT_OK(t.Forward(t.crocker, e1->message));
  EXPECT_EQ(t.at(t.state).last_seq(), 1u);
  EXPECT_EQ(t.at(t.pentagon).negotiation().ToJson(), t.host().negotiation().ToJson());
  EXPECT_THAT(t.at(t.crocker).EventsToForward(), IsEmpty());
  EXPECT_EQ(t.at(t.zarif).last_seq(), 0u);  // not yet delivered
  EXPECT_EQ(t.at(t.zarif).EventsToForward().size(), 0u);
}

// ---- moves ----

TEST_F(TalksStateTest, ProposeCounterAcceptRatifyThroughTheHost) {
  Act(t.crocker, sim::Propose(sim::PackageA()));
  Act(t.zarif, sim::Counter(1, sim::PackageB()));
  Act(t.crocker, sim::Counter(2, sim::PackageC()));
  EXPECT_EQ(t.host().negotiation().phase(), Phase::kOpen);
  Act(t.zarif, sim::Accept(3));
  ExpectAllAgree();
  for (const auto& [id, s] : t.clients) {
    EXPECT_EQ(s.negotiation().phase(), Phase::kAdReferendum) << s.me().name;
    EXPECT_EQ(s.negotiation().agreement(), 3u) << s.me().name;
  }
  const MoveInfo& info = t.at(t.state).move_info().at(3);
  EXPECT_EQ(info.actor, t.crocker.id);
  EXPECT_EQ(info.authority, Authority::kCleared);
  EXPECT_EQ(info.seq, 3u);
  EXPECT_EQ(DescribePackage(t.host().domain(), t.host().negotiation().history()[2].package),
            sim::PackageC());
  Act(t.crocker, sim::Ratify());
  EXPECT_EQ(t.host().negotiation().phase(), Phase::kAdReferendum);
  Act(t.zarif, sim::Ratify());
  ExpectAllAgree();
  for (const auto& [id, s] : t.clients) {
    EXPECT_EQ(s.negotiation().phase(), Phase::kRatified) << s.me().name;
  }
  EXPECT_EQ(t.host().last_seq(), 6u);
}

TEST_F(TalksStateTest, AnIllegalMoveIsRefusedByTheHostAndChangesNothing) {
  Act(t.crocker, sim::Propose(sim::PackageA()));
  Act(t.crocker, sim::Withdraw(1));
  const auto before = AllNegotiations();
  std::map<std::string, std::uint64_t> seqs;
  for (const auto& [id, s] : t.clients) seqs[id] = s.last_seq();

  // Zarif's client would refuse it already.
  Status pre = t.at(t.zarif).Precheck(sim::Accept(1));
  EXPECT_THAT(pre, StatusIs(StatusCode::kFailedPrecondition)) << pre;
  EXPECT_THAT(std::string(pre.message()), HasSubstr("withdrawn"));

  sim::Delivery d = t.Submit(t.zarif, sim::Accept(1));
  ASSERT_OK(d);
  EXPECT_EQ(t.at(t.zarif).AwaitingHost().size(), 1u);
  auto decision = t.DecideNext(true);
  ASSERT_TRUE(decision);
  ASSERT_OK(*decision);
  EXPECT_TRUE(std::holds_alternative<Message::Refusal>(decision->message.body));
  EXPECT_EQ(sim::Body<Message::Refusal>(decision->message).ref, d.message.mid);
  EXPECT_THAT(decision->recipients, ElementsAre(t.zarif.id));
  ASSERT_OK(t.Pump());

  ASSERT_TRUE(t.at(t.zarif).refusals().contains(d.message.mid));
  EXPECT_THAT(t.at(t.zarif).refusals().at(d.message.mid), HasSubstr("withdrawn"));
  EXPECT_THAT(t.at(t.zarif).AwaitingHost(), IsEmpty());
  EXPECT_THAT(t.host().SubmissionsToDecide(), IsEmpty());
  EXPECT_THAT(t.at(t.crocker).refusals(), IsEmpty());
  EXPECT_EQ(AllNegotiations(), before);
  for (const auto& [id, s] : t.clients) EXPECT_EQ(s.last_seq(), seqs[id]) << s.me().name;
  // The same submission again is answered already.
  const std::string host_before = Fingerprint(t.host());
  ASSERT_OK(t.Deliver(d.message, t.zarif.id, t.brahimi.id));
  EXPECT_EQ(Fingerprint(t.host()), host_before);
}

TEST_F(TalksStateTest, PrecheckRefusesWhatTheHostWould) {
  EXPECT_THAT(t.at(t.crocker).Precheck(sim::Accept(9)), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(t.at(t.crocker).Precheck(sim::Propose({{"oil", "embargo"}})),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(t.at(t.crocker).Precheck(sim::Ratify()), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_EQ(t.at(t.icrc).Precheck(sim::Propose(sim::PackageA())).code(),
            StatusCode::kFailedPrecondition);
  Status mediator = t.host().Precheck(sim::Propose(sim::PackageA()));
  EXPECT_THAT(mediator, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(mediator.message()), HasSubstr("a mediator suggests"));
  EXPECT_EQ(t.at(t.state).Precheck(sim::Propose(sim::PackageA())).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_OK(t.at(t.crocker).Precheck(sim::Propose(sim::PackageA())));
  // Precheck changes nothing.
  const std::string before = Fingerprint(t.at(t.crocker));
  EXPECT_OK(t.at(t.crocker).Precheck(sim::Propose(sim::PackageA())));
  EXPECT_EQ(Fingerprint(t.at(t.crocker)), before);
  TalksState empty(t.crocker.id);
  EXPECT_THAT(empty.Precheck(sim::Ratify()), StatusIs(StatusCode::kFailedPrecondition));
  // Only the host decides.
  Submission s{"x", t.crocker.id, sim::Propose(sim::PackageA()), ""};
  EXPECT_THAT(t.at(t.zarif).Decide(s, 1), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(t.at(t.zarif).SubmissionsToDecide(), IsEmpty());
  // A submission from someone the host does not know is refused.
  Submission stranger{"y", sim::MemberId(99), sim::Propose(sim::PackageA()), ""};
  auto refusal = t.host().Decide(stranger, 1);
  ASSERT_TRUE(refusal);
  EXPECT_TRUE(std::holds_alternative<Message::Refusal>(refusal->body));
}

TEST_F(TalksStateTest, ExploratoryMovesCommitNothing) {
  // An exploratory proposal is fine and marked as such.
  Act(t.crocker, sim::Propose(sim::PackageA(), Authority::kExploratory));
  EXPECT_EQ(t.at(t.zarif).move_info().at(1).authority, Authority::kExploratory);
  // An exploratory accept is not.
  Status pre = t.at(t.zarif).Precheck(sim::Accept(1, Authority::kExploratory));
  EXPECT_THAT(pre, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(pre.message()), HasSubstr("must be cleared"));
  const auto before = AllNegotiations();
  const std::string mid = SubmitAndPump(t.zarif, sim::Accept(1, Authority::kExploratory));
  ASSERT_TRUE(t.at(t.zarif).refusals().contains(mid));
  EXPECT_THAT(t.at(t.zarif).refusals().at(mid), HasSubstr("must be cleared"));
  EXPECT_EQ(AllNegotiations(), before);
  Action ratify = sim::Ratify();
  ratify.authority = Authority::kExploratory;
  EXPECT_THAT(t.at(t.zarif).Precheck(ratify), StatusIs(StatusCode::kFailedPrecondition));
}

TEST_F(TalksStateTest, BothSidesAcceptingTheMediatorsTextIsAnAgreementAdReferendum) {
  Act(t.brahimi, sim::Suggest(sim::PackageC(), "a single negotiating text"));
  for (const auto& [id, s] : t.clients) {
    ASSERT_EQ(s.suggestions().size(), 1u) << s.me().name;
    EXPECT_EQ(s.suggestions()[0].id, "s1");
    EXPECT_EQ(s.suggestions()[0].package, sim::PackageC());
    EXPECT_EQ(s.suggestions()[0].note, "a single negotiating text");
    EXPECT_EQ(s.suggestions()[0].seq, 1u);
  }
  EXPECT_TRUE(t.host().negotiation().history().empty());
  // The first accept adopts the text as that side's offer.
  Act(t.crocker, sim::AcceptSuggestion("s1"));
  ASSERT_EQ(t.host().negotiation().history().size(), 1u);
  EXPECT_EQ(t.host().negotiation().history()[0].kind, negotiation::MoveKind::kPropose);
  EXPECT_EQ(t.at(t.zarif).move_info().at(1).adopts, "s1");
  EXPECT_EQ(t.at(t.zarif).move_info().at(1).actor, t.crocker.id);
  EXPECT_EQ(t.host().negotiation().phase(), Phase::kOpen);
  // The second accepts the adopting offer.
  Act(t.zarif, sim::AcceptSuggestion("s1"));
  ExpectAllAgree();
  ASSERT_EQ(t.host().negotiation().history().size(), 2u);
  EXPECT_EQ(t.host().negotiation().history()[1].kind, negotiation::MoveKind::kAccept);
  EXPECT_EQ(t.host().negotiation().history()[1].target, 1u);
  for (const auto& [id, s] : t.clients) {
    EXPECT_EQ(s.negotiation().phase(), Phase::kAdReferendum) << s.me().name;
    EXPECT_EQ(s.negotiation().agreement(), 1u);
  }
}

TEST_F(TalksStateTest, SuggestionsComeFromAMediatorAndSettleEverything) {
  Status envoy = t.at(t.crocker).Precheck(sim::Suggest(sim::PackageC(), ""));
  EXPECT_THAT(envoy, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(envoy.message()), HasSubstr("only a mediator suggests"));
  Status partial = t.host().Precheck(sim::Suggest({{"sanctions", "eased"}}, ""));
  EXPECT_THAT(partial, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(partial.message()), HasSubstr("settles every issue"));
  EXPECT_THAT(t.host().Precheck(sim::Suggest({{"oil", "x"}}, "")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(t.at(t.crocker).Precheck(sim::AcceptSuggestion("s9")),
              StatusIs(StatusCode::kNotFound));
  ConditionSpec stranger{"supervised by nobody we know", sim::MemberId(99)};
  Status unknown = t.host().Precheck(sim::Suggest(sim::PackageC(), "", {stranger}));
  EXPECT_THAT(unknown, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("not a member"));
  // The mediator hosts: it submits to itself and decides its own.
  sim::Delivery d = t.Submit(t.brahimi, sim::Suggest({{"sanctions", "eased"}}, ""));
  ASSERT_OK(d);
  EXPECT_THAT(d.recipients, IsEmpty());
  ASSERT_EQ(t.host().SubmissionsToDecide().size(), 1u);
  auto decision = t.DecideNext(true);
  ASSERT_TRUE(decision);
  ASSERT_OK(*decision);
  EXPECT_TRUE(std::holds_alternative<Message::Refusal>(decision->message.body));
  EXPECT_THAT(decision->recipients, IsEmpty());
  EXPECT_TRUE(t.host().suggestions().empty());
  EXPECT_THAT(t.host().SubmissionsToDecide(), IsEmpty());
}

// Regression test for a bug found by this suite (fixed; was src/talks/state.cc, Apply, case
// kRefusal, outgoing branch): when the host refuses its own submission (now that a host submits to
// itself), the refusal is applied only as outgoing, which never sets refusals_ nor removes the
// submission from mine_: the host's AwaitingHost() keeps it forever and refusals() does not show
// why. Expected: refusals() holds the reason and AwaitingHost() is empty, as for any other
// submitter.
TEST_F(TalksStateTest, TheHostSeesItsOwnRefusals) {
  sim::Delivery d = t.Submit(t.brahimi, sim::Suggest({{"sanctions", "eased"}}, ""));
  ASSERT_OK(d);
  ASSERT_OK(t.Pump());
  EXPECT_THAT(t.host().AwaitingHost(), IsEmpty());
  ASSERT_TRUE(t.host().refusals().contains(d.message.mid));
  EXPECT_THAT(t.host().refusals().at(d.message.mid), HasSubstr("settles every issue"));
}

TEST_F(TalksStateTest, TheHostsOwnAcceptedSubmissionIsAnswered) {
  sim::Delivery d = t.Submit(t.brahimi, sim::Suggest(sim::PackageC(), ""));
  ASSERT_OK(d);
  EXPECT_EQ(t.host().AwaitingHost().size(), 1u);
  ASSERT_OK(t.Pump());
  EXPECT_THAT(t.host().AwaitingHost(), IsEmpty());
  EXPECT_THAT(t.host().SubmissionsToDecide(), IsEmpty());
  EXPECT_EQ(t.at(t.zarif).suggestions().size(), 1u);
}

TEST_F(TalksStateTest, KnowsRedeliveries) {
  sim::Delivery chat = t.Send(t.crocker, Chat(t.crocker, Plenary()));
  ASSERT_OK(chat);
  EXPECT_TRUE(t.at(t.zarif).Knows(chat.message));
  Message fresh = Chat(t.crocker, Plenary());
  EXPECT_FALSE(t.at(t.zarif).Knows(fresh));
  ASSERT_OK(t.Submit(t.crocker, sim::Propose(sim::PackageA())));
  auto e1 = t.DecideNext(false);
  ASSERT_TRUE(e1);
  ASSERT_OK(e1->sent);
  EXPECT_FALSE(t.at(t.zarif).Knows(e1->message));
  ASSERT_OK(t.Deliver(e1->message, t.brahimi.id, t.zarif.id));
  EXPECT_TRUE(t.at(t.zarif).Knows(e1->message));
  Message def = t.NewMessage(t.brahimi, t.TableDefinition(), Direct(t.zarif.id));
  EXPECT_TRUE(t.at(t.zarif).Knows(def));
  def.talks = "elsewhere";
  EXPECT_FALSE(t.at(t.zarif).Knows(def));
}

// ---- clearance at home ----

TEST_F(TalksStateTest, ClearanceFlow) {
  // Crocker drafts a proposal for his principals.
  sim::Delivery d1 = t.SendDraft(t.crocker, "d1", sim::Propose(sim::PackageA()));
  ASSERT_OK(d1);
  EXPECT_EQ(d1.received.size(), 3u);
  for (const Member& m : {t.crocker, t.state, t.nsc, t.pentagon}) {
    const Draft* d = t.at(m).FindDraft("d1");
    ASSERT_NE(d, nullptr) << m.name;
    EXPECT_EQ(d->author, t.crocker.id);
    EXPECT_EQ(t.at(m).DraftClearance(*d).state, ClearanceState::kPending);
    EXPECT_THAT(t.at(m).DraftClearance(*d).waiting_for, ElementsAre("State", "NSC"));
  }
  EXPECT_EQ(t.at(t.crocker).NextDraftId(), "d2");
  ExpectDeliveryRefused(d1.message, t.crocker, t.zarif, StatusCode::kUntrusted);
  ExpectDeliveryRefused(d1.message, t.crocker, t.brahimi, StatusCode::kUntrusted);

  // State approves, the Pentagon vetoes.
  ASSERT_OK(t.SendVerdict(t.state, "d1", true));
  ASSERT_OK(t.SendVerdict(t.pentagon, "d1", false, "inspections too weak"));
  for (const Member& m : {t.crocker, t.state, t.nsc, t.pentagon}) {
    const Draft* d = t.at(m).FindDraft("d1");
    ClearanceOutcome o = t.at(m).DraftClearance(*d);
    EXPECT_EQ(o.state, ClearanceState::kBlocked) << m.name;
    EXPECT_THAT(o.blocked_by, ElementsAre("Pentagon")) << m.name;
    EXPECT_EQ(d->verdicts.at("Pentagon").reason, "inspections too weak");
  }
  EXPECT_THAT(t.at(t.crocker).DraftsToTable(), IsEmpty());
  // NSC's approval does not lift a veto.
  ASSERT_OK(t.SendVerdict(t.nsc, "d1", true));
  EXPECT_THAT(t.at(t.crocker).DraftsToTable(), IsEmpty());

  // The revision is approved by both approvers; the Pentagon stays silent.
  sim::Delivery d2 = t.SendDraft(t.crocker, "d2", sim::Propose(sim::PackageC()), "d1");
  ASSERT_OK(d2);
  EXPECT_EQ(t.at(t.state).FindDraft("d2")->revises, "d1");
  ASSERT_OK(t.SendVerdict(t.state, "d2", true));
  EXPECT_THAT(t.at(t.crocker).DraftsToTable(), IsEmpty());
  ASSERT_OK(t.SendVerdict(t.nsc, "d2", true, "good"));
  auto ready = t.at(t.crocker).DraftsToTable();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0]->id, "d2");
  EXPECT_THAT(t.at(t.state).DraftsToTable(), IsEmpty());  // only the author tables

  // Tabled as a cleared move.
  sim::Delivery tabled = t.TableDraft(t.crocker, *ready[0]);
  ASSERT_OK(tabled);
  EXPECT_TRUE(t.at(t.crocker).FindDraft("d2")->tabled);
  EXPECT_FALSE(t.at(t.crocker).FindDraft("d1")->tabled);
  EXPECT_THAT(t.at(t.crocker).DraftsToTable(), IsEmpty());
  ASSERT_OK(t.Pump());
  ExpectAllAgree();
  ASSERT_EQ(t.host().negotiation().history().size(), 1u);
  EXPECT_EQ(DescribePackage(t.host().domain(), t.host().negotiation().history()[0].package),
            sim::PackageC());
  EXPECT_EQ(t.at(t.zarif).move_info().at(1).authority, Authority::kCleared);

  // The side's clients know which event tabled it.
  for (const Member& m : {t.crocker, t.state, t.nsc, t.pentagon}) {
    EXPECT_TRUE(t.at(m).FindDraft("d2")->tabled) << m.name;
    EXPECT_EQ(t.at(m).FindDraft("d2")->seq, 1u) << m.name;
  }
  // A verdict on a tabled draft comes too late: the Pentagon's own client
  // refuses to send it, and the envoy's refuses it if it arrives.
  sim::Delivery late = t.SendVerdict(t.pentagon, "d2", false, "too late?");
  EXPECT_THAT(late.sent, StatusIs(StatusCode::kFailedPrecondition)) << late.Describe();
  EXPECT_THAT(std::string(late.sent.message()), HasSubstr("already tabled"));
  EXPECT_TRUE(late.received.empty());
  Status arrived = t.Deliver(late.message, t.pentagon.id, t.crocker.id);
  EXPECT_THAT(arrived, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(arrived.message()), HasSubstr("already tabled"));
  EXPECT_FALSE(t.at(t.crocker).FindDraft("d2")->verdicts.contains("Pentagon"));
}

TEST_F(TalksStateTest, VerdictsAndDraftsComeFromTheRightPeople) {
  ASSERT_OK(t.SendDraft(t.crocker, "d1", sim::Propose(sim::PackageA())));
  // An Iranian principal's verdict on a US draft.
  Message leader =
      t.NewMessage(t.leader, Message::Verdict{.draft = "d1", .approve = false, .reason = "never"},
                   Inside(kIran));
  ExpectDeliveryRefused(leader, t.leader, t.crocker, StatusCode::kUntrusted);
  ExpectDeliveryRefused(leader, t.leader, t.state, StatusCode::kUntrusted);
  Message leader_us = leader;
  leader_us.scope = Inside(kUs);
  ExpectDeliveryRefused(leader_us, t.leader, t.crocker, StatusCode::kUntrusted);
  EXPECT_TRUE(t.at(t.crocker).FindDraft("d1")->verdicts.empty());
  // An envoy does not give verdicts.
  Message envoy =
      t.NewMessage(t.crocker, Message::Verdict{.draft = "d1", .approve = true}, Inside(kUs));
  ExpectRefused(t.crocker, envoy, t.crocker.id, true, StatusCode::kFailedPrecondition,
                "verdicts come from this side's principals");
  ExpectDeliveryRefused(envoy, t.crocker, t.state, StatusCode::kFailedPrecondition);
  // Verdicts are internal.
  Message direct =
      t.NewMessage(t.state, Message::Verdict{.draft = "d1", .approve = true}, Direct(t.crocker.id));
  ExpectDeliveryRefused(direct, t.state, t.crocker, StatusCode::kInvalidArgument);
  // On a draft that does not exist.
  Message unknown =
      t.NewMessage(t.state, Message::Verdict{.draft = "d9", .approve = true}, Inside(kUs));
  ExpectDeliveryRefused(unknown, t.state, t.crocker, StatusCode::kNotFound);

  // A principal does not draft.
  Message draft = t.NewMessage(
      t.state, Message::Draft{.action = sim::Propose(sim::PackageA()), .draft = "d7"}, Inside(kUs));
  ExpectRefused(t.state, draft, t.state.id, true, StatusCode::kFailedPrecondition,
                "drafts come from an envoy of this side");
  ExpectDeliveryRefused(draft, t.state, t.crocker, StatusCode::kFailedPrecondition);
  // Nor does the other side's envoy reach us.
  Message theirs =
      t.NewMessage(t.zarif, Message::Draft{.action = sim::Propose(sim::PackageB()), .draft = "d1"},
                   Inside(kIran));
  ExpectDeliveryRefused(theirs, t.zarif, t.state, StatusCode::kUntrusted);
  // Drafts are internal, unique, revise a known draft, fit the agenda.
  Message plenary = t.NewMessage(
      t.crocker, Message::Draft{.action = sim::Propose(sim::PackageA()), .draft = "d5"}, Plenary());
  ExpectRefused(t.crocker, plenary, t.crocker.id, true, StatusCode::kInvalidArgument, "internal");
  EXPECT_EQ(t.SendDraft(t.crocker, "d1", sim::Propose(sim::PackageB())).sent.code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(t.SendDraft(t.crocker, "d2", sim::Propose(sim::PackageB()), "d8").sent.code(),
            StatusCode::kNotFound);
  EXPECT_THAT(t.SendDraft(t.crocker, "d2", sim::Propose({{"oil", "embargo"}})).sent,
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(t.at(t.crocker).drafts().size(), 1u);
}

TEST_F(TalksStateTest, VerdictsFromUnnamedPrincipalsAreAdvice) {
  Message add = t.NewMessage(t.crocker, Message::Roster{}, Inside(kUs));
  const Member treasury{sim::MemberId(45), "Treasury", kUs, Role::kPrincipal};
  sim::Body<Message::Roster>(add).members = {treasury};
  ASSERT_OK(t.Send(t.crocker, add));
  ASSERT_OK(t.SendDraft(t.crocker, "d1", sim::Propose(sim::PackageA())));
  Message veto = t.NewMessage(
      treasury, Message::Verdict{.draft = "d1", .approve = false, .reason = "costs too much"},
      Inside(kUs));
  ASSERT_OK(t.Deliver(veto, treasury.id, t.crocker.id));
  ASSERT_OK(t.SendVerdict(t.state, "d1", true));
  ASSERT_OK(t.SendVerdict(t.nsc, "d1", true));
  const Draft* d = t.at(t.crocker).FindDraft("d1");
  EXPECT_TRUE(d->verdicts.contains("Treasury"));
  EXPECT_EQ(t.at(t.crocker).DraftClearance(*d).state, ClearanceState::kCleared);
  EXPECT_EQ(t.at(t.crocker).DraftsToTable().size(), 1u);
}

// ---- conditions ----

class TalksConditionTest : public TalksStateTest {
 protected:
  // The mediator's text, with a condition the ICRC guarantees, accepted by both.
  void SetUp() override {
    TalksStateTest::SetUp();
    Act(t.brahimi, sim::Suggest(sim::PackageC(), "prisoners exchanged",
                                {ConditionSpec{"transfer supervised by the ICRC", t.icrc.id}}));
    Act(t.crocker, sim::AcceptSuggestion("s1"));
    Act(t.zarif, sim::AcceptSuggestion("s1"));
    ASSERT_EQ(t.host().negotiation().phase(), Phase::kAdReferendum);
  }
};

TEST_F(TalksConditionTest, RatifyWaitsForTheGuarantor) {
  for (const auto& [id, s] : t.clients) {
    ASSERT_EQ(s.conditions().size(), 1u) << s.me().name;
    EXPECT_EQ(s.conditions()[0].id, "c1");
    EXPECT_EQ(s.conditions()[0].status, ConditionStatus::kPending);
    EXPECT_EQ(s.conditions()[0].spec.guarantor, t.icrc.id);
    EXPECT_THAT(s.suggestions()[0].conditions, ElementsAre("c1"));
    EXPECT_THAT(s.move_info().at(1).conditions, ElementsAre("c1"));
  }
  ASSERT_EQ(t.host().ConditionsOf({"c1", "c9"}).size(), 1u);

  Status pre = t.at(t.crocker).Precheck(sim::Ratify());
  EXPECT_THAT(pre, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(pre.message()), HasSubstr("not yet confirmed by ICRC"));
  const auto before = AllNegotiations();
  const std::string mid = SubmitAndPump(t.crocker, sim::Ratify());
  ASSERT_TRUE(t.at(t.crocker).refusals().contains(mid));
  EXPECT_THAT(t.at(t.crocker).refusals().at(mid), HasSubstr("not yet confirmed by ICRC"));
  EXPECT_EQ(AllNegotiations(), before);

  // Only the guarantor confirms.
  Status zarif = t.at(t.zarif).Precheck(sim::Confirm("c1", ConditionStatus::kMet, "trust me"));
  EXPECT_THAT(zarif, StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(std::string(zarif.message()), HasSubstr("only the guarantor (ICRC)"));
  EXPECT_THAT(t.host().Precheck(sim::Confirm("c1", ConditionStatus::kMet, "")),
              StatusIs(StatusCode::kPermissionDenied));
  const std::string refused = SubmitAndPump(t.zarif, sim::Confirm("c1", ConditionStatus::kMet, ""));
  ASSERT_TRUE(t.at(t.zarif).refusals().contains(refused));
  EXPECT_THAT(t.at(t.zarif).refusals().at(refused), HasSubstr("only the guarantor"));
  EXPECT_EQ(t.at(t.state).conditions()[0].status, ConditionStatus::kPending);
  EXPECT_THAT(t.at(t.icrc).Precheck(sim::Confirm("c7", ConditionStatus::kMet, "")),
              StatusIs(StatusCode::kNotFound));

  Act(t.icrc, sim::Confirm("c1", ConditionStatus::kMet, "observed in Geneva"));
  for (const auto& [id, s] : t.clients) {
    EXPECT_EQ(s.conditions()[0].status, ConditionStatus::kMet) << s.me().name;
    EXPECT_EQ(s.conditions()[0].note, "observed in Geneva");
  }
  EXPECT_THAT(t.at(t.icrc).Precheck(sim::Confirm("c1", ConditionStatus::kFailed, "")),
              StatusIs(StatusCode::kFailedPrecondition));
  Act(t.crocker, sim::Ratify());
  Act(t.zarif, sim::Ratify());
  ExpectAllAgree();
  for (const auto& [id, s] : t.clients) {
    EXPECT_EQ(s.negotiation().phase(), Phase::kRatified) << s.me().name;
  }
}

TEST_F(TalksConditionTest, AFailedConditionBlocksRatification) {
  Act(t.icrc, sim::Confirm("c1", ConditionStatus::kFailed, "no access to the prisoners"));
  EXPECT_EQ(t.at(t.pentagon).conditions()[0].status, ConditionStatus::kFailed);
  for (const Member& envoy : {t.crocker, t.zarif}) {
    Status pre = t.at(envoy).Precheck(sim::Ratify());
    EXPECT_THAT(pre, StatusIs(StatusCode::kFailedPrecondition));
    EXPECT_THAT(std::string(pre.message()), HasSubstr("failed: no access to the prisoners"));
  }
  const auto before = AllNegotiations();
  const std::string mid = SubmitAndPump(t.zarif, sim::Ratify());
  ASSERT_TRUE(t.at(t.zarif).refusals().contains(mid));
  EXPECT_THAT(t.at(t.zarif).refusals().at(mid), HasSubstr("failed"));
  EXPECT_EQ(AllNegotiations(), before);
  EXPECT_EQ(t.host().negotiation().phase(), Phase::kAdReferendum);
}

TEST_F(TalksStateTest, ConditionsOnAnOfferAreGuaranteedToo) {
  Action offer = sim::Propose(sim::PackageA());
  offer.conditions = {ConditionSpec{"sanctions relief verified", t.icrc.id}};
  Act(t.crocker, offer);
  EXPECT_THAT(t.at(t.zarif).move_info().at(1).conditions, ElementsAre("c1"));
  Act(t.zarif, sim::Accept(1));
  EXPECT_THAT(std::string(t.at(t.crocker).Precheck(sim::Ratify()).message()),
              HasSubstr("not yet confirmed by ICRC"));
  Act(t.icrc, sim::Confirm("c1", ConditionStatus::kMet, ""));
  Act(t.crocker, sim::Ratify());
  Act(t.zarif, sim::Ratify());
  EXPECT_EQ(t.at(t.leader).negotiation().phase(), Phase::kRatified);
}

// ---- suspension ----

TEST_F(TalksStateTest, SuspensionHoldsMovesUntilTheSuspendingSideResumes) {
  Act(t.crocker, sim::Propose(sim::PackageA()));
  Act(t.crocker, sim::Suspend("consultations in Washington"));
  for (const auto& [id, s] : t.clients) {
    ASSERT_TRUE(s.suspension().has_value()) << s.me().name;
    EXPECT_EQ(s.suspension()->by, t.crocker.id);
    EXPECT_EQ(s.suspension()->side, kUs);
    EXPECT_EQ(s.suspension()->reason, "consultations in Washington");
  }
  // Iran's move is held by the host, not refused.
  sim::Delivery held = t.Submit(t.zarif, sim::Counter(1, sim::PackageB()));
  ASSERT_OK(held);
  EXPECT_THAT(t.host().SubmissionsToDecide(), IsEmpty());
  ASSERT_OK(t.Pump());
  EXPECT_EQ(t.at(t.zarif).AwaitingHost().size(), 1u);
  EXPECT_EQ(t.host().negotiation().history().size(), 1u);
  // Every client refuses moves and suggestions locally.
  for (const Member& envoy : {t.crocker, t.zarif}) {
    Status s = t.at(envoy).Precheck(sim::Counter(1, sim::PackageB()));
    EXPECT_THAT(s, StatusIs(StatusCode::kFailedPrecondition)) << envoy.name;
    EXPECT_THAT(std::string(s.message()), HasSubstr("suspended by Crocker (United States)"));
    EXPECT_THAT(std::string(s.message()), HasSubstr("consultations in Washington"));
  }
  Status suggest = t.host().Precheck(sim::Suggest(sim::PackageC(), ""));
  EXPECT_THAT(suggest, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(suggest.message()), HasSubstr("suspended"));
  // A suspension on top of a suspension is refused.
  EXPECT_THAT(t.at(t.zarif).Precheck(sim::Suspend("tit for tat")),
              StatusIs(StatusCode::kFailedPrecondition));
  // Iran cannot resume; the submission is refused, not held.
  const std::string resume = SubmitAndPump(t.zarif, sim::Resume());
  ASSERT_TRUE(t.at(t.zarif).refusals().contains(resume));
  EXPECT_THAT(t.at(t.zarif).refusals().at(resume), HasSubstr("only United States's envoys"));
  EXPECT_TRUE(t.host().suspension().has_value());
  EXPECT_THAT(t.host().Precheck(sim::Resume()), StatusIs(StatusCode::kFailedPrecondition));
  // The US envoy resumes; the held move is decided at once.
  Act(t.crocker, sim::Resume());
  ExpectAllAgree();
  for (const auto& [id, s] : t.clients) EXPECT_FALSE(s.suspension()) << s.me().name;
  ASSERT_EQ(t.host().negotiation().history().size(), 2u);
  EXPECT_EQ(t.host().negotiation().history()[1].kind, negotiation::MoveKind::kCounter);
  EXPECT_THAT(t.at(t.zarif).AwaitingHost(), IsEmpty());
  EXPECT_FALSE(t.at(t.zarif).refusals().contains(held.message.mid));
  EXPECT_THAT(t.at(t.crocker).Precheck(sim::Resume()), StatusIs(StatusCode::kFailedPrecondition));
}

TEST_F(TalksStateTest, OnlyTheMediatorWhoSuspendedResumes) {
  EXPECT_THAT(t.at(t.icrc).Precheck(sim::Suspend("")), StatusIs(StatusCode::kFailedPrecondition));
  Act(t.brahimi, sim::Suspend("a cooling-off week"));
  EXPECT_TRUE(t.at(t.leader).suspension().has_value());
  EXPECT_EQ(t.at(t.leader).suspension()->side, "");
  Status s = t.at(t.crocker).Precheck(sim::Resume());
  EXPECT_THAT(s, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(s.message()), HasSubstr("the mediator who suspended them"));
  Act(t.brahimi, sim::Resume());
  EXPECT_FALSE(t.at(t.leader).suspension().has_value());
}

// ---- shared profiles ----

TEST_F(TalksStateTest, AnEnvoySharesItsProfileWithTheMediatorOnly) {
  Message p = t.NewMessage(
      t.crocker, Message::Profile{.side = kUs, .profile = sim::ProfileJson("United States")},
      Direct(t.brahimi.id));
  sim::Delivery d = t.Send(t.crocker, p);
  ASSERT_OK(d);
  ASSERT_TRUE(t.host().shared_profiles().contains(kUs));
  EXPECT_EQ(t.host().shared_profiles().at(kUs), sim::Body<Message::Profile>(p).profile);
  EXPECT_FALSE(t.host().shared_profiles().contains(kIran));

  // To someone who is not a mediator.
  Message to_zarif = p;
  to_zarif.mid = "to-zarif";
  to_zarif.scope = Direct(t.zarif.id);
  ExpectRefused(t.crocker, to_zarif, t.crocker.id, true, StatusCode::kFailedPrecondition,
                "shared only with a mediator");
  ExpectDeliveryRefused(to_zarif, t.crocker, t.zarif, StatusCode::kFailedPrecondition);
  EXPECT_TRUE(t.at(t.zarif).shared_profiles().empty());
  Message to_icrc = to_zarif;
  to_icrc.scope = Direct(t.icrc.id);
  ExpectDeliveryRefused(to_icrc, t.crocker, t.icrc, StatusCode::kFailedPrecondition);
  // Not in plenary.
  Message plenary = to_zarif;
  plenary.scope = Plenary();
  ExpectDeliveryRefused(plenary, t.crocker, t.brahimi, StatusCode::kInvalidArgument);
  // Only its own side's.
  Message other_side = p;
  other_side.mid = "other-side";
  sim::Body<Message::Profile>(other_side).side = kIran;
  ExpectDeliveryRefused(other_side, t.crocker, t.brahimi, StatusCode::kFailedPrecondition,
                        "its own side's profile");
  // Malformed profiles change nothing.
  Message bad = t.NewMessage(t.zarif, Message::Profile{.side = kIran}, Direct(t.brahimi.id));
  std::string off_agenda = sim::ProfileJson("Iran");
  ASSERT_NE(off_agenda.find("\"enrichment\""), std::string::npos) << off_agenda;
  off_agenda.replace(off_agenda.find("\"enrichment\""), 12, "\"plutonium\"");
  for (const std::string& text :
       {std::string("not json"), std::string("{\"weights\": 7}"), off_agenda}) {
    sim::Body<Message::Profile>(bad).profile = text;
    ExpectRefused(t.zarif, bad, t.zarif.id, true, StatusCode::kInvalidArgument);
    ExpectDeliveryRefused(bad, t.zarif, t.brahimi, StatusCode::kInvalidArgument, "shared profile");
  }
  EXPECT_FALSE(t.host().shared_profiles().contains(kIran));
  // Principals share nothing with the mediator.
  EXPECT_EQ(CodeOf(t.at(t.state).Recipients(Direct(t.brahimi.id))),
            StatusCode::kFailedPrecondition);
}

// ---- replay determinism ----

// A whole session touching every kind of message.
void RunSession(sim::Talks& t) {
  auto ok = [](const sim::Delivery& d) { ASSERT_OK(d); };
  Message chat = t.NewMessage(t.crocker, Message::Chat{.text = "shall we begin?"}, Plenary());
  ok(t.Send(t.crocker, chat));
  Message caucus = t.NewMessage(
      t.zarif,
      Message::Chat{.text = "we can move on inspections", .authority = Authority::kCleared},
      Caucus(kIran));
  ok(t.Send(t.zarif, caucus));
  Message fl = t.NewMessage(t.brahimi, Message::Float{.package = {{"inspections", "intrusive"}}},
                            Caucus(kUs));
  ok(t.Send(t.brahimi, fl));
  Message profile =
      t.NewMessage(t.zarif, Message::Profile{.side = kIran, .profile = sim::ProfileJson("Iran")},
                   Direct(t.brahimi.id));
  ok(t.Send(t.zarif, profile));

  ok(t.SendDraft(t.crocker, "d1", sim::Propose(sim::PackageA())));
  ok(t.SendVerdict(t.state, "d1", true));
  ok(t.SendVerdict(t.pentagon, "d1", false, "no"));
  ok(t.SendDraft(t.crocker, "d2", sim::Propose(sim::PackageC()), "d1"));
  ok(t.SendVerdict(t.state, "d2", true));
  ok(t.SendVerdict(t.nsc, "d2", true));
  ok(t.TableDraft(t.crocker, *t.at(t.crocker).DraftsToTable().at(0)));
  ASSERT_OK(t.Pump());
  ASSERT_OK(t.Act(t.zarif, sim::Counter(1, sim::PackageB())));
  ASSERT_OK(t.Act(t.zarif, sim::Accept(9)));  // refused by the host
  ASSERT_OK(t.Act(t.zarif, sim::Suspend("elections")));
  ok(t.Submit(t.crocker, sim::Reject(2, "too much enrichment")));  // held
  ASSERT_OK(t.Pump());
  ASSERT_OK(t.Act(t.zarif, sim::Resume()));
  ASSERT_OK(t.Act(t.brahimi, sim::Suggest(sim::PackageC(), "meet halfway",
                                          {ConditionSpec{"verified by the ICRC", t.icrc.id}})));
  ASSERT_OK(t.Act(t.zarif, sim::AcceptSuggestion("s1")));
  ASSERT_OK(t.Act(t.crocker, sim::AcceptSuggestion("s1")));
  ASSERT_OK(t.Act(t.crocker, sim::Ratify()));  // refused: c1 pending
  ASSERT_OK(t.Act(t.icrc, sim::Confirm("c1", ConditionStatus::kMet, "seen")));
  ASSERT_OK(t.Act(t.crocker, sim::Ratify()));
  ASSERT_OK(t.Act(t.zarif, sim::Ratify()));
}

TEST_F(TalksStateTest, ReplayingAClientsLogRebuildsItsState) {
  RunSession(t);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(t.host().negotiation().phase(), Phase::kRatified);
  ExpectAllAgree();
  EXPECT_EQ(t.at(t.zarif).refusals().size(), 1u);
  EXPECT_EQ(t.at(t.crocker).refusals().size(), 1u);
  for (const auto& [id, s] : t.clients) {
    TalksState replayed(id);
    for (const sim::Applied& a : t.log.at(id)) {
      auto m = DecodeMessage(a.bytes);
      ASSERT_TRUE(m) << m.error();
      Status st = replayed.Apply(*m, a.sender, a.outgoing);
      ASSERT_OK(st) << s.me().name << ": " << st;
    }
    EXPECT_EQ(replayed.negotiation().ToJson(), s.negotiation().ToJson()) << s.me().name;
    EXPECT_EQ(replayed.drafts().size(), s.drafts().size()) << s.me().name;
    EXPECT_EQ(replayed.conditions().size(), s.conditions().size()) << s.me().name;
    EXPECT_EQ(Fingerprint(replayed), Fingerprint(s)) << s.me().name;
  }
  // The drafts and conditions are there to compare: d1 and d2 drafted by
  // hand, then d3 to d6 for Crocker's rejection, acceptance and two
  // ratifications, each cleared at home before it was tabled.
  EXPECT_EQ(t.at(t.nsc).drafts().size(), 6u);
  EXPECT_EQ(t.at(t.leader).conditions().size(), 1u);
}

TEST_F(TalksStateTest, ReplayingTwiceChangesNothing) {
  RunSession(t);
  ASSERT_FALSE(HasFatalFailure());
  for (const Member& m : {t.brahimi, t.crocker, t.state}) {
    TalksState& s = t.at(m);
    const std::string before = Fingerprint(s);
    for (const sim::Applied& a : t.log.at(m.id)) {
      auto msg = DecodeMessage(a.bytes);
      ASSERT_TRUE(msg);
      (void)s.Apply(*msg, a.sender, a.outgoing);
    }
    EXPECT_EQ(Fingerprint(s), before) << m.name;
  }
}

// Every message of a whole session round-trips through the codec. With
// BC_TALKS_CORPUS=<dir> set, the session also writes the fuzzers' seeds:
// <dir>/talks_message/, <dir>/talks_state/ (the wire) and <dir>/talks_record/
// (Crocker's record of it).
TEST_F(TalksStateTest, SessionMessagesRoundTripAndSeedTheFuzzers) {
  RunSession(t);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_GT(t.wire.size(), 40u);
  std::set<std::string_view> types;
  for (const Bytes& b : t.wire) {
    auto m = DecodeMessage(b);
    ASSERT_TRUE(m) << m.error();
    EXPECT_EQ(EncodeMessage(*m), b);
    types.insert(MessageTypeName(*m));
  }
  EXPECT_EQ(types.size(), 10u);

  // Crocker's record of everything he applied.
  RecordHead head;
  std::vector<RecordEntry> entries;
  for (const sim::Applied& a : t.log.at(t.crocker.id)) {
    RecordEntry e;
    e.time_ms = static_cast<std::int64_t>(entries.size()) + 1;
    e.direction = a.outgoing ? "out" : "in";
    e.peer = a.sender;
    e.message = std::string(AsString(a.bytes));
    head = ChainAppend(head, e);
    entries.push_back(std::move(e));
  }
  EXPECT_TRUE(VerifyRecord(entries, head).ok);

  const char* dir = std::getenv("BC_TALKS_CORPUS");
  if (dir == nullptr) return;
  namespace fs = std::filesystem;
  auto write = [](const fs::path& path, std::string_view text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  };
  std::map<std::string, int> per_type;
  for (const Bytes& b : t.wire) {
    const std::string type(MessageTypeName(*DecodeMessage(b)));
    const std::string name = type + "-" + std::to_string(++per_type[type]) + ".json";
    if (per_type[type] <= 3) write(fs::path(dir) / "talks_message" / name, AsString(b));
    write(fs::path(dir) / "talks_state" / name, AsString(b));
  }
  write(fs::path(dir) / "talks_record" / "session.json",
        RecordToJson(sim::kTalksId, head, entries));
  std::vector<RecordEntry> three(entries.begin(), entries.begin() + 3);
  write(fs::path(dir) / "talks_record" / "cut.json", RecordToJson(sim::kTalksId, head, three));
  std::swap(three[1], three[2]);
  write(fs::path(dir) / "talks_record" / "swapped.json",
        RecordToJson(sim::kTalksId, RecordHead{3, three[1].hash}, three));
}

}  // namespace
}  // namespace backchannel::talks
