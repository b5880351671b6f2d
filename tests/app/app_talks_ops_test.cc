// The talks operations of issue 18 as the web app sends them: JSON decoded
// and run by app::Execute on each person's channel, over the talks fixture's
// real clients, stores and in-process relay (tests/talks_client). Utilities
// are checked against the negotiation engine's own numbers; every refused
// request is checked to change nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "backchannel/app/channel.h"
#include "backchannel/app/talks_desk.h"
#include "backchannel/negotiation/analysis.h"
#include "backchannel/negotiation/opponent_model.h"
#include "talks_client/talks_fixture.h"

namespace backchannel::app {
namespace {

using ::backchannel::testing::StatusIs;
using talks_client::Person;
using ::testing::HasSubstr;

class AppTalksOpsTest : public talks_client::TalksFastTest {
 protected:
  Result<Json> Exec(Person& p, const Json& request) {
    BC_ASSIGN_OR_RETURN(Request r, DecodeRequest(request.dump()));
    Channel channel(*p.client, *p.talks);
    return Execute(channel, r);
  }
  // The request's result, asserting it succeeded.
  Json Ok(Person& p, const Json& request) {
    auto r = Exec(p, request);
    EXPECT_TRUE(r.has_value()) << p.name << " " << request.dump() << ": " << r.status();
    return r ? (*r)["result"] : Json();
  }
  std::int64_t Entries(Person& p) { return RecordCount(p); }

  // Zarif (no clearance rule) proposes; the table settles.
  void ZarifProposes(const talks::PackageSpec& package) {
    Json pkg = Json::object();
    for (const auto& [k, v] : package) pkg[k] = v;
    Ok(*zarif_, Json{{"op", "talks.move"},
                     {"talks", talks_client::kId},
                     {"move", "propose"},
                     {"package", pkg}});
    SyncAll();
  }
};

const char* kId = talks_client::kId;

negotiation::Profile ParsedProfile(const std::string& json) {
  auto p = negotiation::ParseProfile(talks_client::Agenda(), json, "test");
  EXPECT_TRUE(p.has_value()) << p.status();
  return p ? *p : negotiation::Profile{};
}

// Someone at no table yet: talks.status answers an empty list, not no list
// (the web app's talks tab reads it; a missing key broke the page).
TEST_F(AppTalksOpsTest, StatusWithoutTalksIsAnEmptyList) {
  Person* lone = Add("Lone envoy", authorities_[0], identity::Role::kEnvoy);
  ASSERT_NE(lone, nullptr);
  lone->talks = std::make_unique<talks_client::TalksService>(*lone->client);
  const Json result = Ok(*lone, Json{{"op", "talks.status"}});
  ASSERT_TRUE(result.contains("talks")) << result.dump();
  EXPECT_TRUE(result["talks"].is_array());
  EXPECT_TRUE(result["talks"].empty());
  // A move answers no list at all.
  auto moved = Exec(*zarif_, Json{{"op", "talks.say"}, {"talks", kId}, {"text", "salam"}});
  ASSERT_OK(moved);
  EXPECT_FALSE((*moved)["result"].contains("talks"));
}

TEST_F(AppTalksOpsTest, AgendaShowsOurProfileOrNulls) {
  Json a = Ok(*crocker_, {{"op", "talks.agenda"}, {"talks", kId}});
  ASSERT_EQ(a["issues"].size(), 3u);
  EXPECT_EQ(a["issues"][0]["issue"], "enrichment");  // domain order
  EXPECT_DOUBLE_EQ(a["issues"][0]["weight"].get<double>(), 0.5);
  EXPECT_EQ(a["issues"][0]["options"][1]["option"], "limited");
  EXPECT_DOUBLE_EQ(a["issues"][0]["options"][1]["value"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(a["reservation"].get<double>(), 0.3);
  EXPECT_TRUE(a["profile_held"].get<bool>());
  EXPECT_TRUE(a["profile_text"].is_string());

  Json m = Ok(*brahimi_, {{"op", "talks.agenda"}, {"talks", kId}});
  EXPECT_FALSE(m["profile_held"].get<bool>());
  EXPECT_TRUE(m["issues"][0]["weight"].is_null());
  EXPECT_TRUE(m["issues"][0]["options"][0]["value"].is_null());
  EXPECT_TRUE(m["reservation"].is_null());

  EXPECT_THAT(Exec(*crocker_, {{"op", "talks.agenda"}, {"talks", "nowhere"}}),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(AppTalksOpsTest, ProfileComposeNormalisesAndRefusesWhatDoesNotFit) {
  Json values = {{"enrichment", {{"none", 1}, {"limited", 0.5}, {"full", 0}}},
                 {"sanctions", {{"kept", 0}, {"eased", 0.5}, {"lifted", 1}}},
                 {"detainees", {{"held", 0}, {"transferred", 1}, {"released", 0.5}}}};
  Json req = {{"op", "talks.profile.compose"},
              {"talks", kId},
              {"weights", {{"enrichment", 2}, {"sanctions", 1}, {"detainees", 1}}},
              {"values", values},
              {"reservation", 0.25}};
  Json r = Ok(*zarif_, req);
  negotiation::Profile p = ParsedProfile(r["profile_text"].get<std::string>());
  ASSERT_EQ(p.weights.size(), 3u);
  EXPECT_DOUBLE_EQ(p.weights[0], 0.5);
  EXPECT_DOUBLE_EQ(p.weights[1], 0.25);
  EXPECT_DOUBLE_EQ(p.reservation, 0.25);
  EXPECT_DOUBLE_EQ(p.evaluations[2][1], 1.0);

  Json unknown = req;
  unknown["weights"]["oil"] = 1;
  EXPECT_THAT(Exec(*zarif_, unknown), StatusIs(StatusCode::kInvalidArgument, HasSubstr("oil")));
  Json missing = req;
  missing["values"]["sanctions"].erase("eased");
  EXPECT_THAT(Exec(*zarif_, missing),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("'eased' of 'sanctions' missing")));
  Json zero = req;
  zero["weights"] = {{"enrichment", 0}, {"sanctions", 0}, {"detainees", 0}};
  EXPECT_THAT(Exec(*zarif_, zero), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(AppTalksOpsTest, EvaluateGivesOurExactUtilityAndEstimatesTheOthers) {
  const auto offer = talks_client::Package("full", "lifted", "transferred");
  ZarifProposes(offer);
  const auto us = ParsedProfile(talks_client::UsProfile());
  Json e = Ok(*crocker_,
              {{"op", "talks.evaluate"},
               {"talks", kId},
               {"package",
                {{"enrichment", "limited"}, {"sanctions", "eased"}, {"detainees", "released"}}}});
  EXPECT_TRUE(e["complete"].get<bool>());
  EXPECT_DOUBLE_EQ(e["my_utility"].get<double>(), us.Utility({1, 1, 2}));
  ASSERT_EQ(e["others"].size(), 1u);
  EXPECT_EQ(e["others"][0]["side"], talks_client::kIran);
  EXPECT_TRUE(e["others"][0]["estimated"].get<bool>());
  auto est = negotiation::EstimateProfile(talks_client::Agenda(), {{2, 2, 1}});
  ASSERT_OK(est);
  EXPECT_DOUBLE_EQ(e["others"][0]["utility"].get<double>(), est->Utility({1, 1, 2}));
  EXPECT_THAT(e["words"].get<std::string>(), HasSubstr("estimated"));

  Json partial =
      Ok(*crocker_,
         {{"op", "talks.evaluate"}, {"talks", kId}, {"package", {{"enrichment", "limited"}}}});
  EXPECT_FALSE(partial["complete"].get<bool>());
  EXPECT_TRUE(partial["my_utility"].is_null());
  EXPECT_TRUE(partial["others"][0]["utility"].is_null());
  EXPECT_THAT(partial["words"].get<std::string>(), HasSubstr("2 of 3 issues still open"));

  EXPECT_THAT(
      Exec(*crocker_,
           {{"op", "talks.evaluate"}, {"talks", kId}, {"package", {{"enrichment", "plutonium"}}}}),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("plutonium")));
}

TEST_F(AppTalksOpsTest, MediatorAnalysisIsExactOnceBothProfilesAreShared) {
  Json before = Ok(*brahimi_, {{"op", "talks.analysis"}, {"talks", kId}});
  EXPECT_EQ(before["known"], Json::array({false, false}));
  EXPECT_TRUE(before["frontier"].empty());
  EXPECT_TRUE(before["nash"].is_null());

  Ok(*crocker_, {{"op", "talks.share"}, {"talks", kId}});
  Ok(*zarif_, {{"op", "talks.share"}, {"talks", kId}});
  SyncAll();
  Json a = Ok(*brahimi_, {{"op", "talks.analysis"}, {"talks", kId}});
  EXPECT_EQ(a["title"], "exact");
  EXPECT_EQ(a["sides"], Json::array({talks_client::kUs, talks_client::kIran}));
  EXPECT_TRUE(a["me"].is_null());
  EXPECT_EQ(a["exact"], Json::array({true, true}));
  EXPECT_EQ(a["outcomes"], "27");
  EXPECT_EQ(a["pairs"], Json::array({Json::array({0, 1})}));
  EXPECT_TRUE(a["sample_complete"].get<bool>());
  EXPECT_EQ(a["sample"].size(), 27u);
  EXPECT_DOUBLE_EQ(a["reservations"][0].get<double>(), 0.3);

  // The engine's own answer, computed here from the same profiles.
  const std::vector<negotiation::Profile> profiles = {ParsedProfile(talks_client::UsProfile()),
                                                      ParsedProfile(talks_client::IranProfile())};
  auto report = negotiation::Analyze(talks_client::Agenda(), profiles);
  ASSERT_OK(report);
  ASSERT_EQ(a["frontier"].size(), report->pareto.size());
  for (std::size_t i = 0; i < report->pareto.size(); ++i) {
    EXPECT_DOUBLE_EQ(a["frontier"][i]["u"][0].get<double>(), report->pareto[i].utilities[0]);
    EXPECT_DOUBLE_EQ(a["frontier"][i]["u"][1].get<double>(), report->pareto[i].utilities[1]);
  }
  ASSERT_TRUE(report->nash.has_value());
  EXPECT_DOUBLE_EQ(a["nash"]["u"][0].get<double>(), report->nash->utilities[0]);
  EXPECT_DOUBLE_EQ(a["nash"]["u"][1].get<double>(), report->nash->utilities[1]);
  ASSERT_TRUE(report->kalai_smorodinsky.has_value());
  EXPECT_DOUBLE_EQ(a["kalai_smorodinsky"]["u"][0].get<double>(),
                   report->kalai_smorodinsky->utilities[0]);

  Json capped = Ok(*brahimi_, {{"op", "talks.analysis"}, {"talks", kId}, {"cap", 5}});
  EXPECT_EQ(capped["sample"].size(), 5u);
  EXPECT_FALSE(capped["sample_complete"].get<bool>());
  EXPECT_EQ(capped["frontier"].size(), report->pareto.size()) << "the frontier is never capped";
}

TEST_F(AppTalksOpsTest, EnvoyAnalysisIsEstimatedFromTheOtherSidesOffers) {
  Json none = Ok(*crocker_, {{"op", "talks.analysis"}, {"talks", kId}});
  EXPECT_EQ(none["known"], Json::array({true, false}));
  EXPECT_TRUE(none["frontier"].empty());

  ZarifProposes(talks_client::Package("full", "lifted", "transferred"));
  Json a = Ok(*crocker_, {{"op", "talks.analysis"}, {"talks", kId}});
  EXPECT_EQ(a["title"], "estimated");
  EXPECT_EQ(a["me"], talks_client::kUs);
  EXPECT_EQ(a["exact"], Json::array({true, false}));
  EXPECT_EQ(a["known"], Json::array({true, true}));
  EXPECT_TRUE(a["reservations"][1].is_null());
  EXPECT_FALSE(a["frontier"].empty());
  EXPECT_THAT(a["explain"]["estimated"].get<std::string>(), HasSubstr("1 offer"));
  ASSERT_EQ(a["offers"].size(), 1u);
  EXPECT_EQ(a["offers"][0]["side"], talks_client::kIran);
  EXPECT_EQ(a["offers"][0]["kind"], "propose");
  const auto us = ParsedProfile(talks_client::UsProfile());
  EXPECT_DOUBLE_EQ(a["offers"][0]["u"][0].get<double>(), us.Utility({2, 2, 1}));
}

TEST_F(AppTalksOpsTest, AnalysisRefusesUnknownTalksAndCapsOutOfRange) {
  EXPECT_THAT(Exec(*crocker_, {{"op", "talks.analysis"}, {"talks", "nowhere"}}),
              StatusIs(StatusCode::kNotFound));
  TalksAnalysisRequest r;
  r.talks = kId;
  r.cap = 0;
  Channel channel(*crocker_->client, *crocker_->talks);
  EXPECT_THAT(Execute(channel, r), StatusIs(StatusCode::kInvalidArgument, HasSubstr("cap")));
}

TEST_F(AppTalksOpsTest, SuggestConditionSuspendResumeAndIdea) {
  const auto entries = Entries(*brahimi_);
  EXPECT_THAT(Exec(*crocker_, {{"op", "talks.suggest"}, {"talks", kId}}),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_EQ(Entries(*brahimi_), entries) << "a refused suggestion changes nothing";

  Ok(*crocker_, {{"op", "talks.share"}, {"talks", kId}});
  Ok(*zarif_, {{"op", "talks.share"}, {"talks", kId}});
  SyncAll();
  Json s = Ok(*brahimi_, {{"op", "talks.suggest"},
                          {"talks", kId},
                          {"solution", "nash"},
                          {"conditions", {"transfer supervised by the ICRC@ICRC delegate"}},
                          {"note", "a single text"}});
  EXPECT_EQ(s["package"].size(), 3u);
  SyncAll();
  ASSERT_EQ(St(*icrc_).conditions().size(), 1u);
  Json c = Ok(*icrc_, {{"op", "talks.condition"},
                       {"talks", kId},
                       {"condition", "c1"},
                       {"status", "met"},
                       {"note", "seen"}});
  EXPECT_TRUE(c.contains("outcome"));
  SyncAll();
  EXPECT_EQ(St(*brahimi_).conditions()[0].status, talks::ConditionStatus::kMet);

  Ok(*icrc_, {{"op", "talks.idea"},
              {"talks", kId},
              {"package", "enrichment=limited, sanctions=eased, detainees=transferred"},
              {"note", "for discussion"}});
  SyncAll();
  EXPECT_EQ(St(*zarif_).ideas().size(), 1u);

  Ok(*zarif_, {{"op", "talks.suspend"}, {"talks", kId}, {"reason", "consultations"}});
  SyncAll();
  EXPECT_TRUE(St(*crocker_).suspension().has_value());
  Ok(*zarif_, {{"op", "talks.resume"}, {"talks", kId}});
  SyncAll();
  EXPECT_FALSE(St(*crocker_).suspension().has_value());
}

TEST_F(AppTalksOpsTest, CreateInviteAndJoinFromTheDomainText) {
  const std::string domain = negotiation::DomainToJson(talks_client::Agenda());
  Json bad = {{"op", "talks.create"},
              {"talks", "vienna"},
              {"title", "Vienna"},
              {"domain", "<not a domain"},
              {"sides", {"United States", "Iran"}}};
  EXPECT_THAT(Exec(*brahimi_, bad), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(brahimi_->talks->Meta("vienna"), StatusIs(StatusCode::kNotFound))
      << "a refused create stores nothing";

  Json create = bad;
  create["domain"] = domain;
  Ok(*brahimi_, create);
  Json status = Ok(*brahimi_, {{"op", "talks.status"}, {"talks", "vienna"}});
  EXPECT_EQ(status["talks"][0]["title"], "Vienna");

  EXPECT_THAT(
      Exec(*brahimi_,
           {{"op", "talks.invite"}, {"talks", "vienna"}, {"contact", "Nobody"}, {"role", "envoy"}}),
      StatusIs(StatusCode::kNotFound));
  Ok(*brahimi_,
     {{"op", "talks.invite"}, {"talks", "vienna"}, {"contact", "Zarif"}, {"role", "envoy"}});
  SyncAll();
  EXPECT_THAT(Exec(*zarif_, {{"op", "talks.join"}, {"talks", "vienna"}, {"profile", "{oops"}}),
              StatusIs(StatusCode::kInvalidArgument));
  Ok(*zarif_,
     {{"op", "talks.join"}, {"talks", "vienna"}, {"profile", talks_client::IranProfile()}});
  auto meta = zarif_->talks->Meta("vienna");
  ASSERT_OK(meta);
  EXPECT_TRUE(meta->joined);
  EXPECT_FALSE(meta->profile.empty());
}

TEST_F(AppTalksOpsTest, RecordVerifyAndExportWithTimesAndTheOutcome) {
  Json v = Ok(*crocker_, {{"op", "record.verify"}, {"talks", kId}});
  EXPECT_TRUE(v["intact"].get<bool>());
  EXPECT_GT(v["entries"].get<std::int64_t>(), 0);
  EXPECT_EQ(v["head"].get<std::string>().size(), 64u);
  EXPECT_TRUE(v["problem"].is_null());

  Json md = Ok(*crocker_, {{"op", "record.export"}, {"talks", kId}, {"format", "md"}});
  EXPECT_EQ(md["filename"], "geneva-record.md");
  EXPECT_EQ(md["content_type"], "text/markdown");
  const std::string text = md["content"];
  EXPECT_THAT(text, HasSubstr("## Outcome"));
  EXPECT_THAT(text, HasSubstr("No agreement"));
  EXPECT_THAT(text, HasSubstr(" UTC |"));
  EXPECT_LT(text.find("## Outcome"), text.find("## Record")) << "the summary comes first";

  Json js = Ok(*crocker_, {{"op", "record.export"}, {"talks", kId}, {"format", "json"}});
  EXPECT_EQ(js["content_type"], "application/json");
  const std::string content = js["content"];
  auto rec = talks::RecordFromJson(content);
  ASSERT_OK(rec);  // still the verifiable record
  EXPECT_TRUE(talks::VerifyRecord(rec->entries, rec->head).ok);
  Json parsed = Json::parse(content);
  EXPECT_THAT(parsed["summary"][0].get<std::string>(), HasSubstr("No agreement"));
  EXPECT_THAT(parsed["entries"][0]["time_utc"].get<std::string>(), HasSubstr(" UTC"));

  EXPECT_THAT(Exec(*crocker_, {{"op", "record.verify"}, {"talks", "nowhere"}}),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(AppTalksOpsTest, StatusCarriesTheTimelineFromTheRecord) {
  Ok(*zarif_, {{"op", "talks.say"}, {"talks", kId}, {"text", "we are ready"}, {"cleared", true}});
  SyncAll();
  ZarifProposes(talks_client::Package("full", "lifted", "transferred"));
  Json status = Ok(*crocker_, {{"op", "talks.status"}, {"talks", kId}});
  const Json& timeline = status["talks"][0]["timeline"];
  ASSERT_FALSE(timeline.empty());
  const Json* words = nullptr;
  const Json* move = nullptr;
  std::int64_t last_seq = 0;
  for (const auto& t : timeline) {
    EXPECT_GT(t["seq"].get<std::int64_t>(), last_seq) << "in record order";
    last_seq = t["seq"];
    if (t["kind"] == "words") words = &t;
    if (t["kind"] == "move") move = &t;
  }
  ASSERT_NE(words, nullptr);
  EXPECT_EQ((*words)["scope"], "plenary");
  EXPECT_EQ((*words)["by"], "Zarif");
  EXPECT_EQ((*words)["side"], talks_client::kIran);
  EXPECT_THAT((*words)["text"].get<std::string>(), HasSubstr("we are ready"));
  EXPECT_TRUE((*words)["label"].is_string());
  ASSERT_NE(move, nullptr);
  EXPECT_EQ((*move)["move"], 1);
  EXPECT_EQ((*move)["by"], "Zarif");
  EXPECT_THAT((*move)["text"].get<std::string>(), HasSubstr("proposes"));
}

// The answers of the web app's data requests, as the app sends them (the
// envelope of app::Document), written one per line to the file named by
// BC_APP_ANSWERS for tests/app/app_request_schema_test.py, which validates
// each against its $defs entry in docs/app-api.schema.json. Each request is
// also refused once: the refusal's document must be a `failure`.
struct SchemaAnswers {
  std::vector<std::string> lines;
  void Add(const std::string& def, const Json& doc) {
    lines.push_back(Json{{"def", def}, {"doc", doc}}.dump());
  }
  void Write() const {
    const char* path = std::getenv("BC_APP_ANSWERS");
    if (path == nullptr) return;
    std::ofstream out(path, std::ios::trunc);
    for (const auto& l : lines) out << l << "\n";
    ASSERT_TRUE(out.good()) << path;
  }
};

TEST_F(AppTalksOpsTest, DataRequestAnswersForTheSchemaCheck) {
  SchemaAnswers answers;
  auto answer = [&](Person& p, const std::string& def, const Json& request) {
    auto r = Exec(p, request);
    ASSERT_TRUE(r.has_value()) << def << ": " << r.status();
    answers.Add(def, Document(*r));
  };
  auto refusal = [&](Person& p, const Json& request) {
    auto r = Exec(p, request);
    ASSERT_FALSE(r.has_value()) << request.dump();
    answers.Add("failure", ErrorDocument(ErrorFrom(r.status())));
  };
  const Json compose = {{"op", "talks.profile.compose"},
                        {"talks", kId},
                        {"weights", {{"enrichment", 2}, {"sanctions", 1}, {"detainees", 1}}},
                        {"values",
                         {{"enrichment", {{"none", 1}, {"limited", 0.5}, {"full", 0}}},
                          {"sanctions", {{"kept", 0}, {"eased", 0.5}, {"lifted", 1}}},
                          {"detainees", {{"held", 0}, {"transferred", 1}, {"released", 0.5}}}}},
                        {"reservation", 0.25}};
  answer(*zarif_, "talks_profile_compose", compose);
  Json unknown = compose;
  unknown["weights"]["oil"] = 1;
  refusal(*zarif_, unknown);

  refusal(*crocker_, {{"op", "talks.suggest"}, {"talks", kId}});  // no profiles shared yet
  Ok(*crocker_, {{"op", "talks.share"}, {"talks", kId}});
  Ok(*zarif_, {{"op", "talks.share"}, {"talks", kId}});
  SyncAll();
  answer(*brahimi_, "talks_suggest",
         {{"op", "talks.suggest"}, {"talks", kId}, {"solution", "nash"}, {"note", "one text"}});

  answer(*crocker_, "request_record_verify", {{"op", "record.verify"}, {"talks", kId}});
  refusal(*crocker_, {{"op", "record.verify"}, {"talks", "nowhere"}});
  answer(*crocker_, "request_record_export",
         {{"op", "record.export"}, {"talks", kId}, {"format", "md"}});
  answer(*crocker_, "request_record_export",
         {{"op", "record.export"}, {"talks", kId}, {"format", "json"}});
  refusal(*crocker_, {{"op", "record.export"}, {"talks", "nowhere"}});
  answers.Write();
}

}  // namespace
}  // namespace backchannel::app
