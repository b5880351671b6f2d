// Talks over the channel, end to end: the real backchanneld (port 0, temp
// dir), client homes accredited by four authorities, one TalksService per
// client. The cast follows the seeds: the UN's Brahimi hosts and mediates,
// Crocker (United States) and Zarif (Iran) are the envoys, State, NSC and the
// Pentagon are the US principals (approve=State,NSC; veto=Pentagon), and an
// ICRC delegate sits as guarantor of the transfer condition.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/client/client.h"
#include "backchannel/identity/authority.h"
#include "backchannel/negotiation/domain.h"
#include "backchannel/negotiation/io.h"
#include "backchannel/talks/message.h"
#include "backchannel/talks/record.h"
#include "backchannel/talks/state.h"
#include "backchannel/talks_client/service.h"
#include "client/temp_dir.h"
#include "testing/relay_process.h"
#include "testing/status_matchers.h"

namespace backchannel::talks_client {
namespace {

using ::backchannel::testing::StatusIs;

using backchannel::testing::RelayProcess;
using client::testing::TempDir;
using negotiation::MoveKind;
using negotiation::Phase;
using talks::Action;
using talks::Authority;
using talks::Role;
using talks::Scope;
using talks::ScopeKind;

constexpr const char* kId = "geneva";
constexpr const char* kUs = "United States";
constexpr const char* kIran = "Iran";
constexpr const char* kRule = "approve=State,NSC;veto=Pentagon";

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SecretBytes Pass(const std::string& s) { return SecretBytes(AsBytes(s)); }

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The agenda: three issues of three options each.
negotiation::Domain Agenda() {
  negotiation::Domain d;
  d.name = "geneva";
  d.issues.push_back(
      {"enrichment", negotiation::IssueKind::kDiscrete, {"none", "limited", "full"}});
  d.issues.push_back({"sanctions", negotiation::IssueKind::kDiscrete, {"kept", "eased", "lifted"}});
  d.issues.push_back(
      {"detainees", negotiation::IssueKind::kDiscrete, {"held", "transferred", "released"}});
  return d;
}

std::string ProfileJson(const std::string& side, std::vector<double> weights,
                        std::vector<std::vector<double>> evaluations, double reservation) {
  negotiation::Profile p;
  p.name = side;
  p.weights = std::move(weights);
  p.evaluations = std::move(evaluations);
  p.reservation = reservation;
  return negotiation::ProfileToJson(Agenda(), p);
}

std::string UsProfile() {
  return ProfileJson(kUs, {0.5, 0.2, 0.3}, {{1, 0.6, 0}, {1, 0.5, 0}, {0, 0.5, 1}}, 0.3);
}
std::string IranProfile() {
  return ProfileJson(kIran, {0.3, 0.5, 0.2}, {{0, 0.6, 1}, {0, 0.6, 1}, {0.2, 1, 0.6}}, 0.3);
}

talks::PackageSpec Package(const std::string& enrichment, const std::string& sanctions,
                           const std::string& detainees) {
  return {{"enrichment", enrichment}, {"sanctions", sanctions}, {"detainees", detainees}};
}

Action Move(MoveKind kind, Authority authority, talks::PackageSpec package = {},
            std::uint64_t target = 0) {
  Action a;
  a.kind = Action::Kind::kMove;
  a.move = kind;
  a.authority = authority;
  a.package = std::move(package);
  a.target = target;
  return a;
}

Action Kind(Action::Kind kind, const std::string& reason = "") {
  Action a;
  a.kind = kind;
  a.reason = reason;
  return a;
}

struct Person {
  std::string name;
  client::ClientOptions options;
  std::unique_ptr<client::Client> client;
  std::unique_ptr<TalksService> talks;
  std::string id;  // member id
};

struct Entry {
  std::string direction;
  talks::Message message;
};

class TalksE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = RelayProcess::StartOnAnyPort(BC_BACKCHANNELD_BINARY, relay_dir_.path());
    ASSERT_TRUE(started.has_value()) << started.status();
    relay_ = std::move(*started);
    for (const char* side : {kUs, kIran, "United Nations", "ICRC"}) {
      auto a = identity::Authority::Generate(side);
      ASSERT_TRUE(a.has_value()) << a.status();
      authorities_.push_back(std::move(*a));
    }
    const auto& us = authorities_[0];
    const auto& iran = authorities_[1];
    const auto& un = authorities_[2];
    const auto& icrc = authorities_[3];
    brahimi_ = Add("Brahimi", un, identity::Role::kMediator);
    crocker_ = Add("Crocker", us, identity::Role::kEnvoy);
    zarif_ = Add("Zarif", iran, identity::Role::kEnvoy);
    icrc_ = Add("ICRC delegate", icrc, identity::Role::kMediator);
    state_ = Add("State", us, identity::Role::kPrincipal);
    nsc_ = Add("NSC", us, identity::Role::kPrincipal);
    pentagon_ = Add("Pentagon", us, identity::Role::kPrincipal);
    ASSERT_FALSE(HasFailure());

    // Sessions: the table pairwise, and the US side pairwise.
    const std::vector<Person*> table = {brahimi_, crocker_, zarif_, icrc_};
    const std::vector<Person*> side = {crocker_, state_, nsc_, pentagon_};
    for (const auto* group : {&table, &side}) {
      for (std::size_t i = 0; i < group->size(); ++i) {
        for (std::size_t j = i + 1; j < group->size(); ++j) {
          Connect(*(*group)[i], *(*group)[j]);
          ASSERT_FALSE(HasFailure());
        }
      }
    }
    for (auto& p : people_) p->talks = std::make_unique<TalksService>(*p->client);
    Seat();
  }

  Person* Add(const std::string& name, const identity::Authority& authority, identity::Role role) {
    auto p = std::make_unique<Person>();
    p->name = name;
    p->options.home = homes_.File(name);
    p->options.kdf_cost = client::KdfCost::kInteractive;
    p->options.relay_timeout = std::chrono::milliseconds(5000);
    p->options.one_time_prekeys = 20;
    p->options.prekeys_low_water = 5;
    auto c =
        client::Client::Init(p->options, Pass("pw-" + name), {relay_->address(), relay_->pin()});
    EXPECT_TRUE(c.has_value()) << c.status();
    if (!c) return p.get();
    identity::CredentialRequest req;
    req.identity_key = (*c)->identity_key();
    req.role = role;
    req.display_name = name;
    req.not_before = NowSeconds() - 60;
    req.expiry = NowSeconds() + 86400;
    req.serial = ++serial_;
    auto cred = authority.Issue(req);
    EXPECT_TRUE(cred.has_value()) << cred.status();
    if (!cred) return p.get();
    Status s = (*c)->ImportCredential(*cred);
    EXPECT_OK(s);
    for (const auto& a : authorities_) {
      EXPECT_OK((*c)->TrustAuthority(a.public_key(), a.side(), client::TrustScope::Side(a.side())));
    }
    p->client = std::move(*c);
    p->id = MemberId(p->client->identity_key());
    people_.push_back(std::move(p));
    return people_.back().get();
  }

  void Connect(Person& inviter, Person& acceptor) {
    auto inv = inviter.client->MakeInvitation();
    ASSERT_TRUE(inv.has_value()) << inv.status();
    auto name = acceptor.client->AcceptInvitation(*inv);
    ASSERT_TRUE(name.has_value()) << acceptor.name << " accepting " << inviter.name << ": "
                                  << name.status();
    ASSERT_EQ(*name, inviter.name);
    auto r = inviter.client->Receive();
    ASSERT_TRUE(r.has_value()) << r.status();
    ASSERT_TRUE(r->refused.empty()) << r->refused[0];
    auto contact = inviter.client->store().GetContact(acceptor.name);
    ASSERT_TRUE(contact.has_value()) << contact.status();
    ASSERT_FALSE(contact->credential.empty());
  }

  std::vector<Person*> Online() {
    std::vector<Person*> out;
    for (auto& p : people_) {
      if (p->talks) out.push_back(p.get());
    }
    return out;
  }

  // Syncs everyone online, round after round, until a round changes nothing.
  void SyncAll() {
    for (int round = 0; round < 12; ++round) {
      bool quiet = true;
      for (Person* p : Online()) {
        auto r = p->talks->Sync();
        ASSERT_TRUE(r.has_value()) << p->name << " sync: " << r.status();
        for (const auto& s : r->refused)
          refused_.push_back(p->name + ": " + std::string(s.message()));
        if (!r->happenings.empty() || r->queued > 0) quiet = false;
      }
      if (quiet) return;
    }
    FAIL() << "the talks did not settle in 12 rounds";
  }

  void Sync(Person& p) {
    auto r = p.talks->Sync();
    ASSERT_TRUE(r.has_value()) << p.name << " sync: " << r.status();
    for (const auto& s : r->refused) refused_.push_back(p.name + ": " + std::string(s.message()));
  }

  // Brahimi opens the talks and seats the envoys and the guarantor; Crocker
  // brings in his principals under the rule.
  void Seat() {
    ASSERT_OK(brahimi_->talks->Create(kId, "Geneva contacts", Agenda(), {kUs, kIran}, ""));
    ASSERT_OK(brahimi_->talks->Invite(kId, "Crocker", Role::kEnvoy));
    ASSERT_OK(brahimi_->talks->Invite(kId, "Zarif", Role::kEnvoy));
    ASSERT_OK(brahimi_->talks->Invite(kId, "ICRC delegate", Role::kGuarantor));
    SyncAll();
    ASSERT_OK(crocker_->talks->Join(kId, UsProfile(), kRule));
    ASSERT_OK(zarif_->talks->Join(kId, IranProfile(), ""));
    ASSERT_OK(icrc_->talks->Join(kId, "", ""));
    for (const char* principal : {"State", "NSC", "Pentagon"}) {
      ASSERT_OK(crocker_->talks->Invite(kId, principal, Role::kPrincipal));
    }
    SyncAll();
    for (Person* p : {state_, nsc_, pentagon_}) ASSERT_OK(p->talks->Join(kId, "", ""));
    SyncAll();
    ASSERT_TRUE(refused_.empty()) << refused_.front();
  }

  talks::TalksState St(Person& p) {
    auto s = p.talks->State(kId);
    EXPECT_TRUE(s.has_value()) << p.name << ": " << s.status();
    return s.has_value() ? *s : talks::TalksState(p.id);
  }

  std::string NegotiationJson(Person& p) {
    auto s = St(p);
    return s.initialized() ? s.negotiation().ToJson() : "";
  }

  std::int64_t RecordCount(Person& p) {
    auto v = p.talks->VerifyRecord(kId);
    EXPECT_TRUE(v.has_value()) << p.name << ": " << v.status();
    EXPECT_TRUE(!v || v->ok) << p.name << "'s record: "
                             << (v && !v->problems.empty() ? v->problems[0].what : "");
    return v ? v->entries : -1;
  }

  std::string ExportJson(Person& p) {
    auto j = p.talks->ExportRecord(kId, "json");
    EXPECT_TRUE(j.has_value()) << p.name << ": " << j.status();
    return j ? *j : "";
  }

  std::vector<Entry> Entries(Person& p) {
    std::vector<Entry> out;
    auto rec = talks::RecordFromJson(ExportJson(p));
    EXPECT_TRUE(rec.has_value()) << p.name << ": " << rec.status();
    if (!rec) return out;
    for (const auto& e : rec->entries) {
      auto m = talks::DecodeMessage(AsBytes(e.message));
      EXPECT_TRUE(m.has_value()) << p.name << " entry " << e.seq << ": " << m.status();
      if (m) out.push_back(Entry{e.direction, std::move(*m)});
    }
    return out;
  }

  bool HasText(Person& p, const std::string& text) {
    for (const auto& e : Entries(p)) {
      if (e.message.text == text) return true;
    }
    return false;
  }

  // Both envoys share their profiles with the mediator, who suggests a
  // single text with the ICRC's condition.
  void ShareAndSuggest(talks::PackageSpec* suggested) {
    ASSERT_OK(crocker_->talks->ShareProfile(kId));
    ASSERT_OK(zarif_->talks->ShareProfile(kId));
    SyncAll();
    SuggestOptions options;
    options.note = "a single text for both capitals";
    options.conditions = {talks::ConditionSpec{"transfer supervised by the ICRC", icrc_->id}};
    ASSERT_OK(brahimi_->talks->Suggest(kId, options, suggested));
    SyncAll();
  }

  // Crocker's cleared move: a draft, approved by State and NSC, then tabled.
  void CrockerCleared(const Action& action, std::string* draft_out = nullptr) {
    std::string outcome;
    ASSERT_OK(crocker_->talks->Act(kId, action, "", &outcome));
    ASSERT_TRUE(outcome.starts_with("draft d")) << outcome;
    const std::string draft = outcome.substr(6, outcome.find(' ', 6) - 6);
    if (draft_out) *draft_out = draft;
    SyncAll();
    ASSERT_OK(state_->talks->Verdict(kId, draft, true, ""));
    ASSERT_OK(nsc_->talks->Verdict(kId, draft, true, ""));
    SyncAll();
  }

  void Reopen(Person& p) {
    auto c = client::Client::Open(p.options, Pass("pw-" + p.name));
    ASSERT_TRUE(c.has_value()) << p.name << ": " << c.status();
    p.client = std::move(*c);
    p.talks = std::make_unique<TalksService>(*p.client);
  }

  void Close(Person& p) {
    p.talks.reset();
    p.client.reset();
  }

  TempDir relay_dir_;
  TempDir homes_;
  std::unique_ptr<RelayProcess> relay_;
  std::vector<identity::Authority> authorities_;
  std::vector<std::unique_ptr<Person>> people_;
  std::uint64_t serial_ = 0;
  std::vector<std::string> refused_;
  Person* brahimi_ = nullptr;
  Person* crocker_ = nullptr;
  Person* zarif_ = nullptr;
  Person* icrc_ = nullptr;
  Person* state_ = nullptr;
  Person* nsc_ = nullptr;
  Person* pentagon_ = nullptr;
};

TEST_F(TalksE2eTest, SeatingGivesEveryoneTheTalksAndPrincipalsStayOffTheTable) {
  for (Person* p : Online()) {
    auto s = St(*p);
    ASSERT_TRUE(s.initialized()) << p->name;
    EXPECT_EQ(s.definition().host, brahimi_->id) << p->name;
    auto meta = p->talks->Meta(kId);
    ASSERT_TRUE(meta.has_value());
    EXPECT_TRUE(meta->joined) << p->name;
  }
  EXPECT_EQ(St(*icrc_).me().role, Role::kGuarantor);
  EXPECT_EQ(St(*state_).rule().ToString(), kRule);
  EXPECT_EQ(St(*crocker_).rule().ToString(), kRule);
  // The table never learns the US principals nor the rule.
  for (Person* p : {brahimi_, zarif_, icrc_}) {
    auto s = St(*p);
    EXPECT_EQ(s.FindMemberByName("State"), nullptr) << p->name;
    EXPECT_TRUE(s.rule().empty()) << p->name;
    EXPECT_FALSE(Contains(ExportJson(*p), kRule)) << p->name;
  }
  // Only the host seats members; a principal is not seated at the table.
  auto bad = zarif_->talks->Invite(kId, "ICRC delegate", Role::kGuarantor);
  EXPECT_FALSE(bad.has_value());
  auto wrong_role = brahimi_->talks->Invite(kId, "Zarif", Role::kMediator);
  EXPECT_FALSE(wrong_role.has_value());
}

// 1. Scopes.
TEST_F(TalksE2eTest, CaucusAndInternalMessagesReachOnlyTheirScope) {
  const std::string caucus = "In confidence: Tehran could move first on the detainees.";
  ASSERT_OK(brahimi_->talks->Chat(kId, Scope{ScopeKind::kCaucus, kIran, ""}, caucus,
                                  Authority::kExploratory));
  const std::int64_t crocker_before = RecordCount(*crocker_);
  SyncAll();
  EXPECT_TRUE(HasText(*zarif_, caucus));
  EXPECT_TRUE(HasText(*brahimi_, caucus));
  for (Person* p : {crocker_, icrc_, state_, nsc_, pentagon_}) {
    EXPECT_FALSE(HasText(*p, caucus)) << p->name;
    EXPECT_FALSE(Contains(ExportJson(*p), "Tehran could move first")) << p->name;
  }
  EXPECT_EQ(RecordCount(*crocker_), crocker_before);

  // Zarif answers in the same caucus: Brahimi hears it, Crocker does not.
  const std::string answer = "Only if the transfer is supervised.";
  ASSERT_OK(zarif_->talks->Chat(kId, Scope{ScopeKind::kCaucus, kIran, ""}, answer,
                                Authority::kExploratory));
  // The US envoy may not speak in Iran's caucus.
  auto intrude = crocker_->talks->Chat(kId, Scope{ScopeKind::kCaucus, kIran, ""}, "hello",
                                       Authority::kExploratory);
  ASSERT_FALSE(intrude.has_value());
  EXPECT_THAT(intrude, StatusIs(StatusCode::kFailedPrecondition)) << intrude.status();

  const std::string internal = "The Pentagon will balk at limited enrichment.";
  const std::int64_t zarif_before = RecordCount(*zarif_);  // the caucus answer is recorded
  const std::int64_t brahimi_before = RecordCount(*brahimi_);
  ASSERT_OK(crocker_->talks->Chat(kId, Scope{ScopeKind::kInternal, kUs, ""}, internal,
                                  Authority::kExploratory));
  SyncAll();
  EXPECT_TRUE(HasText(*brahimi_, answer));
  EXPECT_FALSE(HasText(*crocker_, answer));
  for (Person* p : {state_, nsc_, pentagon_}) EXPECT_TRUE(HasText(*p, internal)) << p->name;
  for (Person* p : {zarif_, brahimi_, icrc_}) {
    EXPECT_FALSE(HasText(*p, internal)) << p->name;
    EXPECT_FALSE(Contains(ExportJson(*p), "balk at limited")) << p->name;
  }
  EXPECT_EQ(RecordCount(*zarif_), zarif_before);
  EXPECT_EQ(RecordCount(*brahimi_), brahimi_before + 1);  // Zarif's caucus answer only

  // Principals cannot speak in plenary, nor directly to the other side.
  const std::int64_t state_before = RecordCount(*state_);
  auto plenary = state_->talks->Chat(kId, Scope{ScopeKind::kPlenary, "", ""}, "We want a deal.",
                                     Authority::kExploratory);
  ASSERT_FALSE(plenary.has_value());
  EXPECT_THAT(plenary, StatusIs(StatusCode::kFailedPrecondition)) << plenary.status();
  auto direct = state_->talks->Chat(kId, Scope{ScopeKind::kDirect, "", zarif_->id}, "psst",
                                    Authority::kExploratory);
  ASSERT_FALSE(direct.has_value());
  EXPECT_THAT(direct, StatusIs(StatusCode::kFailedPrecondition)) << direct.status();
  // Nor in Iran's internal scope.
  auto other_side = zarif_->talks->Chat(kId, Scope{ScopeKind::kInternal, kUs, ""}, "psst",
                                        Authority::kExploratory);
  EXPECT_FALSE(other_side.has_value());
  SyncAll();
  EXPECT_EQ(RecordCount(*state_), state_before);
  EXPECT_FALSE(HasText(*zarif_, "We want a deal."));
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 2. Clearance: a veto blocks a draft, a revision goes out.
TEST_F(TalksE2eTest, VetoBlocksADraftAndTheRevisionReachesTheTable) {
  std::string outcome;
  ASSERT_OK(crocker_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kCleared, Package("none", "eased", "transferred")),
      "", &outcome));
  EXPECT_TRUE(outcome.starts_with("draft d1")) << outcome;
  SyncAll();
  ASSERT_OK(state_->talks->Verdict(kId, "d1", true, ""));
  auto unreasoned = pentagon_->talks->Verdict(kId, "d1", false, "");
  ASSERT_FALSE(unreasoned.has_value());
  EXPECT_THAT(unreasoned, StatusIs(StatusCode::kInvalidArgument));
  ASSERT_OK(pentagon_->talks->Verdict(kId, "d1", false, "easing sanctions now is premature"));
  // Only principals give verdicts.
  EXPECT_FALSE(crocker_->talks->Verdict(kId, "d1", true, "").has_value());
  SyncAll();
  ASSERT_OK(nsc_->talks->Verdict(kId, "d1", true, ""));
  SyncAll();

  for (Person* p : {brahimi_, zarif_, icrc_, crocker_}) {
    EXPECT_TRUE(St(*p).negotiation().history().empty()) << p->name;
  }
  {
    auto s = St(*crocker_);
    const talks::Draft* d1 = s.FindDraft("d1");
    ASSERT_NE(d1, nullptr);
    auto c = s.DraftClearance(*d1);
    EXPECT_EQ(c.state, talks::ClearanceState::kBlocked);
    EXPECT_EQ(c.blocked_by, std::vector<std::string>{"Pentagon"});
    EXPECT_FALSE(d1->tabled);
    ASSERT_TRUE(d1->verdicts.contains("Pentagon"));
    EXPECT_EQ(d1->verdicts.at("Pentagon").reason, "easing sanctions now is premature");
  }
  // The veto was internal: nobody at the table heard of it.
  for (Person* p : {brahimi_, zarif_, icrc_}) {
    EXPECT_FALSE(Contains(ExportJson(*p), "premature")) << p->name;
  }

  // The revision keeps the sanctions; State and NSC approve, the Pentagon is silent.
  ASSERT_OK(crocker_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kCleared, Package("none", "kept", "transferred")),
      "d1", &outcome));
  EXPECT_TRUE(outcome.starts_with("draft d2")) << outcome;
  auto unknown = crocker_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kCleared, Package("none", "kept", "held")), "d9",
      &outcome);
  EXPECT_FALSE(unknown.has_value()) << "revising an unknown draft";
  SyncAll();
  {
    auto s = St(*state_);
    const talks::Draft* d2 = s.FindDraft("d2");
    ASSERT_NE(d2, nullptr);
    EXPECT_EQ(d2->revises, "d1");
    EXPECT_EQ(s.DraftClearance(*d2).state, talks::ClearanceState::kPending);
  }
  ASSERT_OK(state_->talks->Verdict(kId, "d2", true, ""));
  ASSERT_OK(nsc_->talks->Verdict(kId, "d2", true, ""));
  SyncAll();

  for (Person* p : {brahimi_, crocker_, zarif_, icrc_, state_, nsc_, pentagon_}) {
    auto s = St(*p);
    const auto& h = s.negotiation().history();
    ASSERT_EQ(h.size(), 1U) << p->name;
    EXPECT_EQ(h[0].kind, MoveKind::kPropose) << p->name;
    EXPECT_EQ(s.negotiation().sides()[h[0].side], kUs) << p->name;
    ASSERT_TRUE(s.move_info().contains(h[0].id)) << p->name;
    EXPECT_EQ(s.move_info().at(h[0].id).authority, Authority::kCleared) << p->name;
    EXPECT_EQ(talks::DescribePackage(s.domain(), h[0].package),
              Package("none", "kept", "transferred"))
        << p->name;
  }
  EXPECT_TRUE(St(*crocker_).FindDraft("d2")->tabled);
  EXPECT_EQ(NegotiationJson(*state_), NegotiationJson(*brahimi_));
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 3. A withdrawn offer cannot be accepted.
TEST_F(TalksE2eTest, WithdrawnOfferCannotBeAccepted) {
  ASSERT_OK(zarif_->talks->Act(kId,
                               Move(MoveKind::kPropose, Authority::kExploratory,
                                    Package("limited", "lifted", "transferred")),
                               "", nullptr));
  SyncAll();
  ASSERT_EQ(St(*crocker_).negotiation().history().size(), 1U);
  const negotiation::MoveId offer = St(*crocker_).negotiation().history()[0].id;
  // Exploratory offers cannot be accepted as exploratory: accepting commits.
  auto exploratory = crocker_->talks->Act(
      kId, Move(MoveKind::kAccept, Authority::kExploratory, {}, offer), "", nullptr);
  ASSERT_FALSE(exploratory.has_value());
  EXPECT_TRUE(Contains(exploratory.status().message(), "cleared")) << exploratory.status();

  // Crocker drafts an acceptance; meanwhile Zarif withdraws and the host
  // sequences it before the draft is cleared (a race).
  std::string outcome;
  ASSERT_OK(crocker_->talks->Act(kId, Move(MoveKind::kAccept, Authority::kCleared, {}, offer), "",
                                 &outcome));
  EXPECT_TRUE(outcome.starts_with("draft d1")) << outcome;
  ASSERT_OK(zarif_->talks->Act(kId, Move(MoveKind::kWithdraw, Authority::kExploratory, {}, offer),
                               "", nullptr));
  Sync(*brahimi_);  // event #2: the withdrawal, on its way to the table
  Sync(*state_);
  Sync(*nsc_);
  ASSERT_OK(state_->talks->Verdict(kId, "d1", true, ""));
  ASSERT_OK(nsc_->talks->Verdict(kId, "d1", true, ""));
  SyncAll();

  // The acceptance reached the host, which refused it: the offer was gone.
  {
    auto s = St(*crocker_);
    ASSERT_EQ(s.refusals().size(), 1U);
    EXPECT_TRUE(Contains(s.refusals().begin()->second, "withdrawn"))
        << s.refusals().begin()->second;
    EXPECT_TRUE(s.AwaitingHost().empty());
    EXPECT_TRUE(s.negotiation().IsWithdrawn(offer));
  }
  for (Person* p : {brahimi_, crocker_, zarif_, icrc_, state_}) {
    auto s = St(*p);
    ASSERT_EQ(s.negotiation().history().size(), 2U) << p->name;
    EXPECT_EQ(s.negotiation().history()[1].kind, MoveKind::kWithdraw) << p->name;
    EXPECT_EQ(s.negotiation().phase(), Phase::kOpen) << p->name;
  }
  EXPECT_EQ(NegotiationJson(*crocker_), NegotiationJson(*brahimi_));

  // Now that Crocker knows, his own precheck refuses it before anything leaves.
  const std::string before = NegotiationJson(*crocker_);
  const std::int64_t count = RecordCount(*crocker_);
  const std::size_t drafts = St(*crocker_).drafts().size();
  auto again = crocker_->talks->Act(kId, Move(MoveKind::kAccept, Authority::kCleared, {}, offer),
                                    "", &outcome);
  ASSERT_FALSE(again.has_value());
  EXPECT_THAT(again, StatusIs(StatusCode::kFailedPrecondition)) << again.status();
  EXPECT_TRUE(Contains(again.status().message(), "withdrawn")) << again.status();
  EXPECT_EQ(NegotiationJson(*crocker_), before);
  EXPECT_EQ(RecordCount(*crocker_), count);
  EXPECT_EQ(St(*crocker_).drafts().size(), drafts);
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 4. An illegal move is refused and changes nothing.
TEST_F(TalksE2eTest, IllegalMovesAreRefusedWithStateUnchanged) {
  ASSERT_OK(zarif_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kExploratory, Package("full", "lifted", "released")),
      "", nullptr));
  SyncAll();
  std::map<std::string, std::pair<std::string, std::int64_t>> before;
  for (Person* p : Online()) before[p->name] = {NegotiationJson(*p), RecordCount(*p)};

  auto counter = zarif_->talks->Act(
      kId, Move(MoveKind::kCounter, Authority::kExploratory, Package("none", "kept", "held"), 42),
      "", nullptr);
  ASSERT_FALSE(counter.has_value());
  EXPECT_TRUE(counter.status().code() == StatusCode::kNotFound ||
              counter.status().code() == StatusCode::kFailedPrecondition)
      << counter.status();
  // Cleared, under a rule: refused before it becomes a draft.
  auto cleared = crocker_->talks->Act(
      kId, Move(MoveKind::kCounter, Authority::kCleared, Package("none", "kept", "held"), 42), "",
      nullptr);
  ASSERT_FALSE(cleared.has_value());
  EXPECT_TRUE(cleared.status().code() == StatusCode::kNotFound ||
              cleared.status().code() == StatusCode::kFailedPrecondition)
      << cleared.status();
  EXPECT_TRUE(St(*crocker_).drafts().empty());
  // An option that is not on the agenda; a mediator's move; countering one's own offer.
  auto unknown_option = zarif_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kExploratory, {{"enrichment", "weapons-grade"}}), "",
      nullptr);
  ASSERT_FALSE(unknown_option.has_value());
  EXPECT_THAT(unknown_option, StatusIs(StatusCode::kInvalidArgument));
  auto mediator = brahimi_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kExploratory, Package("none", "kept", "held")), "",
      nullptr);
  ASSERT_FALSE(mediator.has_value());
  EXPECT_THAT(mediator, StatusIs(StatusCode::kFailedPrecondition));
  auto own = zarif_->talks->Act(
      kId, Move(MoveKind::kCounter, Authority::kExploratory, Package("none", "kept", "held"), 1),
      "", nullptr);
  ASSERT_FALSE(own.has_value());
  auto ratify = zarif_->talks->Act(kId, Move(MoveKind::kRatify, Authority::kCleared), "", nullptr);
  ASSERT_FALSE(ratify.has_value());
  // A principal makes no moves.
  auto principal = state_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kExploratory, Package("none", "kept", "held")), "",
      nullptr);
  ASSERT_FALSE(principal.has_value());

  SyncAll();
  for (Person* p : Online()) {
    EXPECT_EQ(NegotiationJson(*p), before[p->name].first) << p->name;
    EXPECT_EQ(RecordCount(*p), before[p->name].second) << p->name;
  }
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 5. Profiles go to the mediator only.
TEST_F(TalksE2eTest, ProfilesReachOnlyTheMediatorWhoSuggestsToBoth) {
  ASSERT_OK(crocker_->talks->ShareProfile(kId));
  SyncAll();
  EXPECT_TRUE(St(*brahimi_).shared_profiles().contains(kUs));
  EXPECT_TRUE(St(*zarif_).shared_profiles().empty());
  EXPECT_TRUE(St(*icrc_).shared_profiles().empty());
  for (Person* p : {zarif_, icrc_, state_}) {
    for (const auto& e : Entries(*p)) {
      EXPECT_NE(e.message.type, talks::Message::Type::kProfile) << p->name;
    }
  }
  // The analysis needs both sides' profiles.
  auto early = brahimi_->talks->Suggest(kId, SuggestOptions{}, nullptr);
  ASSERT_FALSE(early.has_value());
  EXPECT_TRUE(Contains(early.status().message(), kIran)) << early.status();
  // Only a mediator suggests; a principal has no profile to share.
  EXPECT_FALSE(zarif_->talks->Suggest(kId, SuggestOptions{}, nullptr).has_value());
  EXPECT_FALSE(state_->talks->ShareProfile(kId).has_value());

  talks::PackageSpec suggested;
  ShareAndSuggest(&suggested);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(suggested.size(), 3U);
  for (Person* p : {crocker_, zarif_}) {
    auto s = St(*p);
    ASSERT_EQ(s.suggestions().size(), 1U) << p->name;
    EXPECT_EQ(s.suggestions()[0].id, "s1");
    EXPECT_EQ(s.suggestions()[0].package, suggested);
    ASSERT_EQ(s.conditions().size(), 1U);
    EXPECT_EQ(s.conditions()[0].spec.guarantor, icrc_->id);
    EXPECT_EQ(s.conditions()[0].status, talks::ConditionStatus::kPending);
    // The other side's profile never arrived.
    EXPECT_FALSE(s.shared_profiles().contains(p == crocker_ ? kIran : kUs)) << p->name;
  }
  for (const auto& e : Entries(*crocker_)) {
    if (e.message.type == talks::Message::Type::kProfile) {
      EXPECT_EQ(e.direction, "out");
      EXPECT_EQ(e.message.side, kUs);
    }
  }
  EXPECT_EQ(St(*brahimi_).shared_profiles().size(), 2U);
  EXPECT_EQ(St(*state_).suggestions().size(), 1U) << "principals follow the table";
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 6. Suspend and resume; nothing lost.
TEST_F(TalksE2eTest, SuspensionHoldsMovesUntilTheSuspendingSideResumes) {
  auto not_suspended = zarif_->talks->Act(kId, Kind(Action::Kind::kResume), "", nullptr);
  ASSERT_FALSE(not_suspended.has_value());

  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kSuspend, "consultations in Washington"),
                                 "", nullptr));
  Sync(*brahimi_);
  // Zarif has not heard yet: his proposal reaches the host, which holds it.
  ASSERT_OK(zarif_->talks->Act(
      kId,
      Move(MoveKind::kPropose, Authority::kExploratory, Package("limited", "eased", "transferred")),
      "", nullptr));
  SyncAll();
  for (Person* p : Online()) {
    auto s = St(*p);
    ASSERT_TRUE(s.suspension().has_value()) << p->name;
    EXPECT_EQ(s.suspension()->reason, "consultations in Washington");
    EXPECT_TRUE(s.negotiation().history().empty()) << p->name;
  }
  EXPECT_EQ(St(*zarif_).AwaitingHost().size(), 1U);

  // Now he knows: refused locally.
  auto move = zarif_->talks->Act(
      kId,
      Move(MoveKind::kPropose, Authority::kExploratory, Package("none", "eased", "transferred")),
      "", nullptr);
  ASSERT_FALSE(move.has_value());
  EXPECT_TRUE(Contains(move.status().message(), "suspended")) << move.status();
  auto resume = zarif_->talks->Act(kId, Kind(Action::Kind::kResume), "", nullptr);
  ASSERT_FALSE(resume.has_value());
  EXPECT_TRUE(Contains(resume.status().message(), kUs)) << resume.status();

  // Talk goes on while suspended.
  ASSERT_OK(zarif_->talks->Chat(kId, Scope{}, "We remain at the table.", Authority::kExploratory));
  ASSERT_OK(crocker_->talks->Chat(kId, Scope{}, "So do we.", Authority::kExploratory));
  SyncAll();
  EXPECT_TRUE(HasText(*crocker_, "We remain at the table."));
  EXPECT_TRUE(HasText(*brahimi_, "We remain at the table."));
  EXPECT_TRUE(HasText(*icrc_, "So do we."));
  EXPECT_TRUE(HasText(*zarif_, "So do we."));
  EXPECT_TRUE(HasText(*state_, "So do we.")) << "a plenary message reaches the sender's principals";
  EXPECT_FALSE(HasText(*state_, "We remain at the table."));

  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kResume), "", nullptr));
  SyncAll();
  for (Person* p : Online()) {
    auto s = St(*p);
    EXPECT_FALSE(s.suspension().has_value()) << p->name;
    ASSERT_EQ(s.negotiation().history().size(), 1U) << p->name << ": the held move went through";
  }
  EXPECT_TRUE(St(*zarif_).AwaitingHost().empty());
  ASSERT_OK(zarif_->talks->Act(
      kId,
      Move(MoveKind::kPropose, Authority::kExploratory, Package("none", "eased", "transferred")),
      "", nullptr));
  SyncAll();
  for (Person* p : Online()) {
    EXPECT_EQ(St(*p).negotiation().history().size(), 2U) << p->name;
  }
  EXPECT_EQ(NegotiationJson(*zarif_), NegotiationJson(*brahimi_));
  EXPECT_EQ(NegotiationJson(*pentagon_), NegotiationJson(*brahimi_));
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 7. The guarantor's condition gates ratification.
TEST_F(TalksE2eTest, RatificationWaitsForTheGuarantor) {
  ShareAndSuggest(nullptr);
  ASSERT_FALSE(HasFailure());
  Action accept = Move(MoveKind::kAccept, Authority::kCleared);
  accept.suggestion = "s1";
  ASSERT_OK(zarif_->talks->Act(kId, accept, "", nullptr));
  SyncAll();
  CrockerCleared(accept);
  ASSERT_FALSE(HasFailure());
  for (Person* p : Online()) {
    EXPECT_EQ(St(*p).negotiation().phase(), Phase::kAdReferendum) << p->name;
  }

  const Action ratify = Move(MoveKind::kRatify, Authority::kCleared);
  for (Person* p : {zarif_, crocker_}) {
    auto r = p->talks->Act(kId, ratify, "", nullptr);
    ASSERT_FALSE(r.has_value()) << p->name;
    EXPECT_TRUE(Contains(r.status().message(), "ICRC delegate")) << r.status();
    EXPECT_TRUE(Contains(r.status().message(), "c1")) << r.status();
  }
  EXPECT_EQ(St(*crocker_).drafts().size(), 1U) << "no draft for a refused ratification";

  Action met = Kind(Action::Kind::kCondition, "transfer observed at the border");
  met.condition = "c1";
  met.status = talks::ConditionStatus::kMet;
  auto not_guarantor = zarif_->talks->Act(kId, met, "", nullptr);
  ASSERT_FALSE(not_guarantor.has_value());
  EXPECT_THAT(not_guarantor, StatusIs(StatusCode::kPermissionDenied)) << not_guarantor.status();
  ASSERT_OK(icrc_->talks->Act(kId, met, "", nullptr));
  SyncAll();
  for (Person* p : Online()) {
    auto s = St(*p);
    ASSERT_EQ(s.conditions().size(), 1U) << p->name;
    EXPECT_EQ(s.conditions()[0].status, talks::ConditionStatus::kMet) << p->name;
  }

  ASSERT_OK(zarif_->talks->Act(kId, ratify, "", nullptr));
  CrockerCleared(ratify);
  ASSERT_FALSE(HasFailure());
  for (Person* p : {brahimi_, crocker_, zarif_, icrc_, state_, nsc_, pentagon_}) {
    EXPECT_EQ(St(*p).negotiation().phase(), Phase::kRatified) << p->name;
  }
  EXPECT_EQ(NegotiationJson(*state_), NegotiationJson(*brahimi_));

  // The state is the fold of the record: reopening rebuilds the same state.
  for (Person* p : {brahimi_, crocker_, state_, icrc_}) {
    const std::string negotiation = NegotiationJson(*p);
    const auto drafts = St(*p).drafts().size();
    const auto conditions = St(*p).conditions().size();
    Close(*p);
    Reopen(*p);
    auto s = St(*p);
    EXPECT_EQ(s.negotiation().ToJson(), negotiation) << p->name;
    EXPECT_EQ(s.drafts().size(), drafts) << p->name;
    EXPECT_EQ(s.conditions().size(), conditions) << p->name;
  }
  EXPECT_EQ(St(*crocker_).rule().ToString(), kRule);
  SyncAll();
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// A principal brought in after the talks have moved learns what happened.
TEST_F(TalksE2eTest, LatePrincipalCatchesUpOnEarlierEvents) {
  ASSERT_OK(zarif_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kExploratory, Package("full", "lifted", "released")),
      "", nullptr));
  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kSuspend, "review"), "", nullptr));
  SyncAll();
  ASSERT_EQ(St(*brahimi_).last_seq(), 2U);

  Person* treasury = Add("Treasury", authorities_[0], identity::Role::kPrincipal);
  ASSERT_FALSE(HasFailure());
  for (Person* p : {crocker_, state_, nsc_, pentagon_}) {
    Connect(*p, *treasury);
    ASSERT_FALSE(HasFailure());
  }
  treasury->talks = std::make_unique<TalksService>(*treasury->client);
  ASSERT_OK(crocker_->talks->Invite(kId, "Treasury", Role::kPrincipal));
  SyncAll();
  // A refused join (a principal does not set its side's rule) changes
  // nothing: the talks stay not joined.
  EXPECT_THAT(treasury->talks->Join(kId, "", "approve=Treasury").status(),
              StatusIs(StatusCode::kFailedPrecondition, ::testing::HasSubstr("only an envoy")));
  auto before = treasury->talks->Meta(kId);
  ASSERT_OK(before.status());
  EXPECT_FALSE(before->joined);
  ASSERT_OK(treasury->talks->Join(kId, "", ""));
  SyncAll();
  {
    auto s = St(*treasury);
    EXPECT_EQ(s.last_seq(), 2U);
    EXPECT_TRUE(s.suspension().has_value());
    EXPECT_EQ(s.negotiation().ToJson(), NegotiationJson(*brahimi_));
    EXPECT_NE(St(*state_).FindMemberByName("Treasury"), nullptr);
  }
  // And the next event reaches it like everyone else's.
  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kResume), "", nullptr));
  SyncAll();
  EXPECT_EQ(St(*treasury).last_seq(), 3U);
  EXPECT_FALSE(St(*treasury).suspension().has_value());
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 8. A tampered record is detected.
Status Exec(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    return IoError("cannot open " + db_path);
  }
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  const int changes = sqlite3_total_changes(db);
  sqlite3_close(db);
  if (rc != SQLITE_OK) return IoError(message);
  if (changes == 0) return NotFound("the statement changed nothing: " + sql);
  return Status::Ok();
}

TEST_F(TalksE2eTest, TamperedRecordIsDetected) {
  ASSERT_OK(brahimi_->talks->Chat(kId, Scope{}, "Welcome to Geneva.", Authority::kExploratory));
  ASSERT_OK(crocker_->talks->Chat(kId, Scope{}, "Thank you.", Authority::kExploratory));
  ASSERT_OK(zarif_->talks->Act(
      kId,
      Move(MoveKind::kPropose, Authority::kExploratory, Package("limited", "lifted", "released")),
      "", nullptr));
  SyncAll();
  const std::int64_t zarif_count = RecordCount(*zarif_);
  const std::int64_t crocker_count = RecordCount(*crocker_);
  ASSERT_GE(zarif_count, 4);
  ASSERT_GE(crocker_count, 5);

  // (a) Zarif's entry 3 is deleted.
  Close(*zarif_);
  ASSERT_OK(Exec(zarif_->options.home + "/store.db",
                 "DELETE FROM app_log WHERE app = 'talks' AND log = 'geneva' AND seq = 3"));
  Reopen(*zarif_);
  {
    auto v = zarif_->talks->VerifyRecord(kId);
    ASSERT_TRUE(v.has_value()) << v.status();
    EXPECT_FALSE(v->ok);
    ASSERT_FALSE(v->problems.empty());
    bool named = false;
    for (const auto& p : v->problems) named = named || Contains(p.what, "entry 3");
    EXPECT_TRUE(named) << v->problems[0].what;
    auto exported = zarif_->talks->ExportRecord(kId, "json");
    EXPECT_FALSE(exported.has_value()) << "a broken record is not exported as if whole";
  }

  // Without its definition the rest of Zarif's record no longer applies: the
  // state is not rebuilt from it (kCorrupt), rather than rebuilt wrong.
  Close(*zarif_);
  ASSERT_OK(Exec(zarif_->options.home + "/store.db",
                 "DELETE FROM app_log WHERE app = 'talks' AND log = 'geneva' AND seq = 1"));
  Reopen(*zarif_);
  {
    auto s = zarif_->talks->State(kId);
    ASSERT_FALSE(s.has_value());
    EXPECT_THAT(s, StatusIs(StatusCode::kCorrupt)) << s.status();
    EXPECT_TRUE(Contains(s.status().message(), "no longer applies")) << s.status();
  }

  // (b) Crocker's entries 2 and 4 trade places.
  Close(*crocker_);
  ASSERT_OK(
      Exec(crocker_->options.home + "/store.db",
           "CREATE TEMP TABLE swap AS SELECT seq, entry FROM app_log "
           "WHERE app = 'talks' AND log = 'geneva' AND seq IN (2, 4); "
           "UPDATE app_log SET entry = (SELECT entry FROM swap WHERE swap.seq = 6 - app_log.seq) "
           "WHERE app = 'talks' AND log = 'geneva' AND seq IN (2, 4);"));
  Reopen(*crocker_);
  {
    auto v = crocker_->talks->VerifyRecord(kId);
    ASSERT_TRUE(v.has_value()) << v.status();
    EXPECT_FALSE(v->ok);
    bool two = false, four = false;
    for (const auto& p : v->problems) {
      two = two || Contains(p.what, "entry 2");
      four = four || Contains(p.what, "entry 4");
    }
    EXPECT_TRUE(two && four) << v->problems[0].what;
    // Rebuilding the state from a tampered record is an error, not a wrong state.
    auto s = crocker_->talks->State(kId);
    EXPECT_FALSE(s.has_value());
  }

  // Untouched clients verify.
  for (Person* p : {brahimi_, icrc_, state_}) {
    auto v = p->talks->VerifyRecord(kId);
    ASSERT_TRUE(v.has_value());
    EXPECT_TRUE(v->ok) << p->name << ": " << (v->problems.empty() ? "" : v->problems[0].what);
  }

  // An exported archive altered afterwards.
  const std::string json = ExportJson(*brahimi_);
  auto parsed = talks::RecordFromJson(json);
  ASSERT_TRUE(parsed.has_value()) << parsed.status();
  EXPECT_TRUE(talks::VerifyRecord(parsed->entries, parsed->head).ok);
  auto j = nlohmann::json::parse(json);
  std::int64_t altered = 0;
  for (auto& e : j["entries"]) {
    std::string m = e["message"].get<std::string>();
    const auto at = m.find("Thank you.");
    if (at == std::string::npos) continue;
    m.replace(at, 10, "No thanks.");
    e["message"] = m;
    altered = e["seq"].get<std::int64_t>();
  }
  ASSERT_GT(altered, 0);
  auto forged = talks::RecordFromJson(j.dump());
  ASSERT_TRUE(forged.has_value()) << forged.status();
  auto v = talks::VerifyRecord(forged->entries, forged->head);
  EXPECT_FALSE(v.ok);
  ASSERT_FALSE(v.problems.empty());
  EXPECT_EQ(v.problems[0].seq, altered);
  EXPECT_TRUE(Contains(v.problems[0].what, "altered")) << v.problems[0].what;
}

// 9. Offline for a while, relay restarted: catching up in order.
TEST_F(TalksE2eTest, OfflineMemberCatchesUpAfterRelayRestart) {
  Close(*zarif_);
  ASSERT_OK(brahimi_->talks->Chat(kId, Scope{}, "note 1", Authority::kExploratory));
  ASSERT_OK(crocker_->talks->Act(
      kId,
      Move(MoveKind::kPropose, Authority::kExploratory, Package("none", "eased", "transferred")),
      "", nullptr));
  SyncAll();
  ASSERT_OK(brahimi_->talks->Chat(kId, Scope{}, "note 2", Authority::kExploratory));
  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kSuspend, "elections"), "", nullptr));
  SyncAll();

  // The relay restarts on the same port and data.
  const std::string pin = relay_->pin();
  const std::string port = std::to_string(relay_->port());
  relay_->Signal(SIGTERM);
  relay_.reset();
  // While the relay is down, a message is recorded and stays in the outbox.
  {
    auto r = brahimi_->talks->Chat(kId, Scope{}, "note while down", Authority::kExploratory);
    ASSERT_TRUE(r.has_value()) << r.status();
    EXPECT_GT(r->queued, 0U);
    EXPECT_FALSE(brahimi_->talks->Sync().has_value()) << "no relay to receive from";
  }
  auto restarted = RelayProcess::Start(
      BC_BACKCHANNELD_BINARY, {"--listen", "127.0.0.1:" + port, "--data", relay_dir_.path()});
  ASSERT_TRUE(restarted.has_value()) << restarted.status();
  relay_ = std::move(*restarted);
  ASSERT_EQ(relay_->pin(), pin);

  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kResume), "", nullptr));
  ASSERT_OK(brahimi_->talks->Chat(kId, Scope{}, "note 3", Authority::kExploratory));
  SyncAll();
  ASSERT_EQ(St(*brahimi_).last_seq(), 3U);

  Reopen(*zarif_);
  SyncAll();
  auto z = St(*zarif_);
  EXPECT_EQ(z.last_seq(), 3U);
  EXPECT_FALSE(z.suspension().has_value());
  EXPECT_EQ(NegotiationJson(*zarif_), NegotiationJson(*brahimi_));
  ASSERT_EQ(z.negotiation().history().size(), 1U);

  // Brahimi's notes arrive in the order he wrote them; events in seq order.
  std::vector<std::string> notes;
  std::vector<std::uint64_t> seqs;
  for (const auto& e : Entries(*zarif_)) {
    if (e.message.type == talks::Message::Type::kChat) notes.push_back(e.message.text);
    if (e.message.type == talks::Message::Type::kEvent) seqs.push_back(e.message.seq);
  }
  EXPECT_EQ(notes, (std::vector<std::string>{"note 1", "note 2", "note while down", "note 3"}));
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(RecordCount(*zarif_) > 0, true);

  // And he is fully back: his move goes through.
  ASSERT_OK(zarif_->talks->Act(
      kId,
      Move(MoveKind::kCounter, Authority::kExploratory, Package("limited", "eased", "transferred"),
           z.negotiation().history()[0].id),
      "", nullptr));
  SyncAll();
  EXPECT_EQ(St(*crocker_).negotiation().history().size(), 2U);
  EXPECT_EQ(NegotiationJson(*crocker_), NegotiationJson(*zarif_));
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

}  // namespace
}  // namespace backchannel::talks_client
