// The fixture of the talks tests: a relay (TalksFastTest: the in-process
// layer, the relay's real Router and SQLite store without a process;
// TalksE2eTest: the real backchanneld on port 0 in a temp dir), client homes
// accredited by four authorities, one TalksService per client. The cast follows the seeds: the UN's
// Brahimi hosts and mediates, Crocker (United States) and Zarif (Iran) are the envoys, State, NSC
// and the Pentagon are the US principals (approve=State,NSC; veto=Pentagon), and an ICRC delegate
// sits as guarantor of the transfer condition.
#ifndef BACKCHANNEL_TESTS_TALKS_CLIENT_TALKS_FIXTURE_H_
#define BACKCHANNEL_TESTS_TALKS_CLIENT_TALKS_FIXTURE_H_

#include <gtest/gtest.h>
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
#include "testing/in_process_relay.h"
#include "testing/relay_process.h"
#include "testing/status_matchers.h"

namespace backchannel::talks_client {

using ::backchannel::testing::StatusIs;

using backchannel::testing::InProcessRelay;
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

inline std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline SecretBytes Pass(const std::string& s) { return SecretBytes(AsBytes(s)); }

inline bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The agenda: three issues of three options each.
inline negotiation::Domain Agenda() {
  negotiation::Domain d;
  d.name = "geneva";
  d.issues.push_back(
      {"enrichment", negotiation::IssueKind::kDiscrete, {"none", "limited", "full"}});
  d.issues.push_back({"sanctions", negotiation::IssueKind::kDiscrete, {"kept", "eased", "lifted"}});
  d.issues.push_back(
      {"detainees", negotiation::IssueKind::kDiscrete, {"held", "transferred", "released"}});
  return d;
}

inline std::string ProfileJson(const std::string& side, std::vector<double> weights,
                               std::vector<std::vector<double>> evaluations, double reservation) {
  negotiation::Profile p;
  p.name = side;
  p.weights = std::move(weights);
  p.evaluations = std::move(evaluations);
  p.reservation = reservation;
  return negotiation::ProfileToJson(Agenda(), p);
}

inline std::string UsProfile() {
  return ProfileJson(kUs, {0.5, 0.2, 0.3}, {{1, 0.6, 0}, {1, 0.5, 0}, {0, 0.5, 1}}, 0.3);
}
inline std::string IranProfile() {
  return ProfileJson(kIran, {0.3, 0.5, 0.2}, {{0, 0.6, 1}, {0, 0.6, 1}, {0.2, 1, 0.6}}, 0.3);
}

inline talks::PackageSpec Package(const std::string& enrichment, const std::string& sanctions,
                                  const std::string& detainees) {
  return {{"enrichment", enrichment}, {"sanctions", sanctions}, {"detainees", detainees}};
}

inline Action Move(MoveKind kind, Authority authority, talks::PackageSpec package = {},
                   std::uint64_t target = 0) {
  Action a;
  a.kind = Action::Kind::kMove;
  a.move = kind;
  a.authority = authority;
  a.package = std::move(package);
  a.target = target;
  return a;
}

inline Action Kind(Action::Kind kind, const std::string& reason = "") {
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

template <bool kInProcess>
class TalksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (kInProcess) {
      auto started = InProcessRelay::Start();
      ASSERT_TRUE(started.has_value()) << started.status();
      inproc_ = std::move(*started);
    } else {
#ifdef BC_BACKCHANNELD_BINARY
      auto started = RelayProcess::StartOnAnyPort(BC_BACKCHANNELD_BINARY, relay_dir_.path());
      ASSERT_TRUE(started.has_value()) << started.status();
      relay_ = std::move(*started);
#else
      FAIL() << "built without BC_BACKCHANNELD_BINARY";
#endif
    }
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
    p->options.transport = inproc_;  // null: TLS to the relay process
    const std::string address = inproc_ ? inproc_->address() : relay_->address();
    const CertificatePin pin = inproc_ ? inproc_->certificate_pin() : relay_->certificate_pin();
    auto c = client::Client::Init(p->options, Pass("pw-" + name), {address, pin});
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

  // Whether `p`'s record holds words (a chat) saying `text`.
  bool HasText(Person& p, const std::string& text) {
    for (const auto& e : Entries(p)) {
      const auto* chat = std::get_if<talks::Message::Chat>(&e.message.body);
      if (chat != nullptr && chat->text == text) return true;
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
  std::unique_ptr<RelayProcess> relay_;     // TalksE2eTest
  std::shared_ptr<InProcessRelay> inproc_;  // TalksFastTest
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

using TalksE2eTest = TalksTest<false>;
using TalksFastTest = TalksTest<true>;

}  // namespace backchannel::talks_client

#endif  // BACKCHANNEL_TESTS_TALKS_CLIENT_TALKS_FIXTURE_H_
