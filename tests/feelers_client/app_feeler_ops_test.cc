// The application core's feeler requests (app/feeler_ops.h), decoded from
// JSON and run by app::Execute over two real clients and the in-process
// relay (the relay's real Router and SQLite store): a whole exchange through
// feeler.send and inbox alone (inbox posts the answers its receive queued),
// only shared topics in either side's answers, refusals that change
// nothing, forget by id and by contact.
#include <algorithm>

#include "backchannel/app/feeler_ops.h"
#include "backchannel/app/talks_desk.h"
#include "feelers_client/feelers_fixture.h"

namespace backchannel::feelers_client {
namespace {

using app::Json;

class AppFeelerOpsTest : public FeelersFastTest {
 protected:
  void SetUp() override {
    FeelersFastTest::SetUp();
    if (::testing::Test::HasFatalFailure()) return;
    alice_talks_ = std::make_unique<talks_client::TalksService>(*alice_);
    bob_talks_ = std::make_unique<talks_client::TalksService>(*bob_);
  }

  static Result<Json> Run(Client& client, talks_client::TalksService& talks, FeelerService* feelers,
                          std::string_view json) {
    BC_ASSIGN_OR_RETURN(app::Request request, app::DecodeRequest(json));
    app::Channel channel(client, talks, feelers);
    return app::Execute(channel, request);
  }
  Result<Json> Alice(std::string_view json) {
    return Run(*alice_, *alice_talks_, at_alice_.get(), json);
  }
  Result<Json> Bob(std::string_view json) { return Run(*bob_, *bob_talks_, at_bob_.get(), json); }

  // Both sides' inbox until nothing more happens (three rounds suffice).
  void SettleBoth() {
    for (int i = 0; i < 3; ++i) {
      ASSERT_OK(Alice(R"({"op":"inbox"})"));
      ASSERT_OK(Bob(R"({"op":"inbox"})"));
    }
  }

  // Everything an answer showed its user, as text.
  static std::string Dump(const Result<Json>& r) { return r ? r->dump() : std::string(); }

  std::unique_ptr<talks_client::TalksService> alice_talks_, bob_talks_;
};

TEST(AppFeelerRequest, DecodesTheThreeOps) {
  auto send = app::DecodeRequest(
      R"({"op":"feeler.send","contact":"Amb. Rahimi","topics":["sanctions relief","ceasefire"],"k":16})");
  ASSERT_OK(send);
  const auto& s = std::get<app::FeelerSendRequest>(*send);
  EXPECT_EQ(s.contact, "Amb. Rahimi");
  EXPECT_EQ(s.topics, (std::vector<std::string>{"sanctions relief", "ceasefire"}));
  EXPECT_EQ(s.k, 16U);
  EXPECT_EQ(app::OpName(*send), "feeler.send");

  auto status = app::DecodeRequest(R"({"op":"feeler.status"})");
  ASSERT_OK(status);
  EXPECT_TRUE(std::get<app::FeelerStatusRequest>(*status).contact.empty());
  EXPECT_EQ(app::OpName(*status), "feeler.status");

  const std::string id(64, 'a');
  auto forget = app::DecodeRequest(R"({"op":"feeler.forget","id":")" + id + R"("})");
  ASSERT_OK(forget);
  EXPECT_EQ(std::get<app::FeelerForgetRequest>(*forget).id, id);
  ASSERT_OK(app::DecodeRequest(R"({"op":"feeler.forget","contact":"bob"})"));
  auto agenda = app::DecodeRequest(R"({"op":"feeler.send","contact":"bob","agenda":["a:b"]})");
  ASSERT_OK(agenda);
  EXPECT_EQ(std::get<app::FeelerSendRequest>(*agenda).agenda, std::vector<std::string>{"a:b"});
}

TEST(AppFeelerRequest, RefusesBadFieldsNamingThem) {
  const std::string id(64, 'a');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"op":"feeler.send","topics":["x"]})", "contact"},
      {R"({"op":"feeler.send","contact":"bob"})", "topic"},
      {R"({"op":"feeler.send","contact":"bob","topics":[]})", "topic"},
      {R"({"op":"feeler.send","contact":"bob","topics":["x"],"k":7})", "k must be 8, 16 or 32"},
      {R"({"op":"feeler.send","contact":"bob","topics":["x"],"k":-8})", "k"},
      {R"({"op":"feeler.send","contact":"bob","topics":["a\u0001"]})", "control"},
      {R"({"op":"feeler.send","contact":"bob","topics":"x"})", "array"},
      {R"({"op":"feeler.send","contact":"bob","topics":["x"],"budget":3})", "unknown field"},
      {R"({"op":"feeler.forget"})", "an id or a contact"},
      {R"({"op":"feeler.forget","id":")" + id + R"(","contact":"bob"})", "an id or a contact"},
      {R"({"op":"feeler.forget","id":"zz"})", "64 hex"},
      {R"({"op":"feeler.status","contact":7})", "string"},
  };
  for (const auto& [json, words] : cases) {
    auto r = app::DecodeRequest(json);
    ASSERT_FALSE(r.has_value()) << json;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument) << json;
    EXPECT_NE(std::string(r.error().message()).find(words), std::string::npos)
        << json << ": " << r.error();
  }
  std::string many = R"({"op":"feeler.send","contact":"bob","topics":[)";
  for (int i = 0; i < 33; ++i) many += std::string(i ? "," : "") + "\"t" + std::to_string(i) + "\"";
  EXPECT_FALSE(app::DecodeRequest(many + "]}").has_value()) << "at most 32 topics";
  app::FeelerSendRequest nine;
  nine.contact = "bob";
  for (int i = 0; i < 9; ++i) nine.topics.push_back("t" + std::to_string(i));
  nine.k = 8;
  EXPECT_THAT(app::ValidateRequest(nine), StatusIs(StatusCode::kInvalidArgument))
      << "k=8 cannot hold 9 topics";
}

TEST(AppFeelerRequest, DecodesAndRefusesTheTalksAndBudgetOps) {
  auto feeler = app::DecodeRequest(
      R"({"op":"talks.feeler","talks":"geneva","to":"Rahimi","topics":["nuclear","x y"],"k":16})");
  ASSERT_OK(feeler);
  EXPECT_EQ(app::OpName(*feeler), "talks.feeler");
  EXPECT_EQ(std::get<app::TalksFeelerRequest>(*feeler).topics,
            (std::vector<std::string>{"nuclear", "x y"}));
  auto zone = app::DecodeRequest(
      R"({"op":"talks.zone","talks":"geneva","to":"Rahimi","candidates":["a=b, c=d"],"list":true})");
  ASSERT_OK(zone);
  EXPECT_EQ(app::OpName(*zone), "talks.zone");
  EXPECT_TRUE(std::get<app::TalksZoneRequest>(*zone).list);
  auto budget = app::DecodeRequest(R"({"op":"feeler.budget","per_day":5})");
  ASSERT_OK(budget);
  EXPECT_EQ(std::get<app::FeelerBudgetRequest>(*budget).per_day, 5U);
  ASSERT_OK(app::DecodeRequest(R"({"op":"feeler.budget"})"));

  std::string many = R"({"op":"talks.zone","talks":"g","to":"r","candidates":[)";
  for (int i = 0; i < 101; ++i) many += std::string(i ? "," : "") + "\"a=b\"";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"op":"talks.feeler","to":"r","topics":["x"]})", "talks"},
      {R"({"op":"talks.feeler","talks":"g","topics":["x"]})", "to"},
      {R"({"op":"talks.feeler","talks":"g","to":"r"})", "topic"},
      {R"({"op":"talks.feeler","talks":"a/b","to":"r","topics":["x"]})", "talks"},
      {R"({"op":"talks.zone","talks":"g","to":"r","candidates":["nuclear"]})", "candidates: #1"},
      {R"({"op":"talks.zone","talks":"g","to":"r","list":"yes"})", "true or false"},
      {many + "]}", "at most 100"},
      {R"({"op":"feeler.budget","per_day":0})", "1..24"},
      {R"({"op":"feeler.budget","per_day":25})", "1..24"},
  };
  for (const auto& [json, words] : cases) {
    auto r = app::DecodeRequest(json);
    ASSERT_FALSE(r.has_value()) << json;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument) << json;
    EXPECT_NE(std::string(r.error().message()).find(words), std::string::npos)
        << json << ": " << r.error();
  }
}

// The home's own budget: lowered to 1, the second offer from the contact is
// refused by our client (nothing kept), and the figure is what status shows.
TEST_F(AppFeelerOpsTest, TheHomesOwnBudgetBindsWhatItAnswers) {
  auto shown = Bob(R"({"op":"feeler.budget"})");
  ASSERT_OK(shown);
  EXPECT_EQ((*shown)["result"]["budget_per_day"], 3);
  auto set = Bob(R"({"op":"feeler.budget","per_day":1})");
  ASSERT_OK(set);
  EXPECT_EQ((*set)["result"]["budget_per_day"], 1);
  auto status = Bob(R"({"op":"feeler.status","contact":"alice"})");
  ASSERT_OK(status);
  EXPECT_EQ((*status)["result"]["budget_per_day"], 1);
  EXPECT_EQ((*status)["result"]["budget_left"], 1);

  ASSERT_OK(Alice(R"({"op":"feeler.send","contact":"bob","topics":["one"]})"));
  ASSERT_OK(Bob(R"({"op":"inbox"})"));
  ASSERT_OK(Alice(R"({"op":"feeler.forget","contact":"bob"})"));
  ASSERT_OK(Alice(R"({"op":"feeler.send","contact":"bob","topics":["two"]})"));
  auto inbox = Bob(R"({"op":"inbox"})");
  ASSERT_OK(inbox);
  EXPECT_NE(inbox->dump().find("resource_exhausted"), std::string::npos) << inbox->dump();
  auto after = Bob(R"({"op":"feeler.status","contact":"alice"})");
  ASSERT_OK(after);
  EXPECT_EQ((*after)["result"]["feelers"].size(), 1U) << "the refused offer kept nothing";
  EXPECT_EQ((*after)["result"]["budget_left"], 0);
  EXPECT_THAT(Bob(R"({"op":"feeler.budget","per_day":30})"),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(AppFeelerOpsTest, AWholeExchangeThroughSendAndInboxShowsOnlySharedTopics) {
  auto sent = Alice(
      R"({"op":"feeler.send","contact":"bob","topics":["Sanctions relief","prisoner exchange","alice-only-hostage-swap"]})");
  ASSERT_OK(sent);
  EXPECT_EQ((*sent)["result"]["feeler"]["phase"], "offered");
  EXPECT_EQ((*sent)["result"]["feeler"]["k"], 8);

  // Bob's inbox receives the offer: incoming, nothing of his filled in.
  auto inbox = Bob(R"({"op":"inbox"})");
  ASSERT_OK(inbox);
  ASSERT_TRUE(inbox->contains("feelers")) << inbox->dump();
  EXPECT_TRUE(Contains((*inbox)["feelers"].get<std::vector<std::string>>(), "feeler from alice"))
      << inbox->dump();
  auto bob_status = Bob(R"({"op":"feeler.status","contact":"alice"})");
  ASSERT_OK(bob_status);
  ASSERT_EQ((*bob_status)["result"]["feelers"].size(), 1U);
  EXPECT_EQ((*bob_status)["result"]["feelers"][0]["phase"], "incoming");
  EXPECT_TRUE((*bob_status)["result"]["feelers"][0]["topics"].empty());
  EXPECT_EQ((*bob_status)["result"]["budget_per_day"], 3);
  EXPECT_EQ((*bob_status)["result"]["budget_left"], 2);

  auto answered = Bob(
      R"({"op":"feeler.send","contact":"alice","topics":["sanctions  RELIEF","prisoner exchange","bob-only-enrichment-cap"]})");
  ASSERT_OK(answered);
  EXPECT_EQ((*answered)["result"]["feeler"]["phase"], "responded");

  // From here on only inbox: each one's receive queues the exchange's next
  // message, which the same inbox posts (without it nobody would finish).
  auto a1 = Alice(R"({"op":"inbox"})");
  auto b1 = Bob(R"({"op":"inbox"})");
  auto a2 = Alice(R"({"op":"inbox"})");
  ASSERT_OK(a1);
  ASSERT_OK(b1);
  ASSERT_OK(a2);
  const std::string alice_shown = Dump(sent) + Dump(a1) + Dump(a2);
  const std::string bob_shown = Dump(inbox) + Dump(answered) + Dump(b1);
  EXPECT_NE(bob_shown.find("shared topics: sanctions relief, prisoner exchange"), std::string::npos)
      << bob_shown;
  EXPECT_NE(alice_shown.find("shared topics: sanctions relief, prisoner exchange"),
            std::string::npos)
      << alice_shown;

  for (auto* side : {&at_alice_, &at_bob_}) {
    auto status =
        Run(side == &at_alice_ ? *alice_ : *bob_, side == &at_alice_ ? *alice_talks_ : *bob_talks_,
            side->get(), R"({"op":"feeler.status"})");
    ASSERT_OK(status);
    const Json& f = (*status)["result"]["feelers"];
    ASSERT_EQ(f.size(), 1U) << status->dump();
    EXPECT_EQ(f[0]["phase"], "done");
    EXPECT_EQ(f[0]["matched"], Json::array({"sanctions relief", "prisoner exchange"}));
  }
  // Neither side's unshared topic reaches the other, in any answer.
  for (const auto& j : {a1, a2}) EXPECT_EQ(Dump(j).find("bob-only"), std::string::npos);
  EXPECT_EQ(Dump(b1).find("alice-only"), std::string::npos);
  auto bob_final = Bob(R"({"op":"feeler.status"})");
  EXPECT_EQ(Dump(bob_final).find("alice-only"), std::string::npos);
}

TEST_F(AppFeelerOpsTest, ARefusedSendChangesNothing) {
  EXPECT_THAT(Alice(R"({"op":"feeler.send","contact":"nobody","topics":["x"]})").status(),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Alice(R"({"op":"feeler.send","contact":"bob","topics":["   "]})").status(),
              StatusIs(StatusCode::kInvalidArgument));
  ASSERT_OK(Alice(R"({"op":"feeler.send","contact":"bob","topics":["ceasefire"]})"));
  // A second while the first is pending.
  EXPECT_THAT(Alice(R"({"op":"feeler.send","contact":"bob","topics":["other"]})").status(),
              StatusIs(StatusCode::kFailedPrecondition));
  auto status = Alice(R"({"op":"feeler.status"})");
  ASSERT_OK(status);
  ASSERT_EQ((*status)["result"]["feelers"].size(), 1U);
  EXPECT_EQ((*status)["result"]["feelers"][0]["topics"], Json::array({"ceasefire"}));
  auto left = at_alice_->Remaining("bob");
  ASSERT_OK(left);
  EXPECT_EQ(*left, 2U) << "only the one exchange was charged";
}

TEST_F(AppFeelerOpsTest, KIsTheLargerOfBothSides) {
  ASSERT_OK(Alice(R"({"op":"feeler.send","contact":"bob","topics":["ceasefire"],"k":32})"));
  ASSERT_OK(Bob(R"({"op":"inbox"})"));
  auto answered = Bob(R"({"op":"feeler.send","contact":"alice","topics":["ceasefire"]})");
  ASSERT_OK(answered);
  EXPECT_EQ((*answered)["result"]["feeler"]["k"], 32);
}

TEST_F(AppFeelerOpsTest, AgendaIdsMatchAgendaIdsOnly) {
  ASSERT_OK(Alice(
      R"({"op":"feeler.send","contact":"bob","topics":["ceasefire"],"agenda":["enrichment","sanctions:phased"]})"));
  ASSERT_OK(Bob(R"({"op":"inbox"})"));
  // Bob types one agenda id as free text: a different topic, never a match.
  auto answered = Bob(
      R"({"op":"feeler.send","contact":"alice","topics":["sanctions:phased"],"agenda":["enrichment"]})");
  ASSERT_OK(answered);
  EXPECT_EQ((*answered)["result"]["feeler"]["topics"],
            Json::array({"sanctions:phased", "[agenda] enrichment"}));
  ASSERT_OK(Alice(R"({"op":"inbox"})"));
  ASSERT_OK(Bob(R"({"op":"inbox"})"));
  ASSERT_OK(Alice(R"({"op":"inbox"})"));
  for (FeelerService* side : {at_alice_.get(), at_bob_.get()}) {
    auto views = side->List(std::nullopt);
    ASSERT_OK(views);
    ASSERT_EQ(views->size(), 1U);
    EXPECT_EQ((*views)[0].phase, "done");
    EXPECT_EQ((*views)[0].matched, std::vector<std::string>{"[agenda] enrichment"});
  }
  EXPECT_THAT(
      Alice(R"({"op":"feeler.send","contact":"bob","agenda":["no spaces allowed"]})").status(),
      StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(AppFeelerOpsTest, ForgetByIdAndByContact) {
  auto sent = Alice(R"({"op":"feeler.send","contact":"bob","topics":["ceasefire"]})");
  ASSERT_OK(sent);
  const std::string id = (*sent)["result"]["feeler"]["id"];
  auto forgot = Alice(R"({"op":"feeler.forget","id":")" + id + R"("})");
  ASSERT_OK(forgot);
  EXPECT_EQ((*forgot)["result"]["forgotten"], id);
  EXPECT_THAT(Alice(R"({"op":"feeler.forget","id":")" + id + R"("})").status(),
              StatusIs(StatusCode::kNotFound));

  ASSERT_OK(Alice(R"({"op":"feeler.send","contact":"bob","topics":["truce"]})"));
  ASSERT_OK(Bob(R"({"op":"inbox"})"));
  auto all = Bob(R"({"op":"feeler.forget","contact":"alice"})");
  ASSERT_OK(all);
  EXPECT_EQ((*all)["result"]["forgotten_ids"].size(), 2U) << all->dump();
  EXPECT_TRUE((*Bob(R"({"op":"feeler.status"})"))["result"]["feelers"].empty());
}

TEST_F(AppFeelerOpsTest, BlindOverlapAnswersOnlyWhetherNIsAtMostM) {
  auto sent = Alice(
      R"({"op":"feeler.overlap","contact":"bob","label":"enrichment-cap","unit":"kg","at_least":300})");
  ASSERT_OK(sent);
  EXPECT_EQ((*sent)["result"]["feeler"]["kind"], "overlap");
  EXPECT_EQ((*sent)["result"]["feeler"]["phase"], "offered");
  EXPECT_EQ((*sent)["result"]["feeler"]["k"], 32);
  ASSERT_OK(Bob(R"({"op":"inbox"})"));
  auto incoming = Bob(R"({"op":"feeler.status"})");
  ASSERT_OK(incoming);
  ASSERT_EQ((*incoming)["result"]["feelers"].size(), 1U);
  const Json& in = (*incoming)["result"]["feelers"][0];
  EXPECT_EQ(in["kind"], "overlap");
  EXPECT_EQ(in["phase"], "incoming");
  EXPECT_FALSE(in.contains("overlap_check")) << "Bob sees no label and no value of Alice's";
  EXPECT_EQ(incoming->dump().find("enrichment"), std::string::npos) << incoming->dump();

  auto answered = Bob(
      R"({"op":"feeler.overlap","contact":"alice","label":"enrichment-cap","unit":"kg","at_most":400})");
  ASSERT_OK(answered);
  EXPECT_EQ((*answered)["result"]["feeler"]["phase"], "responded") << answered->dump();
  SettleBoth();
  for (FeelerService* side : {at_alice_.get(), at_bob_.get()}) {
    auto views = side->List(std::nullopt);
    ASSERT_OK(views);
    ASSERT_EQ(views->size(), 1U);
    EXPECT_EQ((*views)[0].phase, "done");
    EXPECT_EQ((*views)[0].overlap, "yes") << "300 <= 400";
  }
  // Bob's view holds his own position only.
  auto bob_status = Bob(R"({"op":"feeler.status"})");
  ASSERT_OK(bob_status);
  EXPECT_EQ((*bob_status)["result"]["feelers"][0]["overlap_check"]["value"], 400);
  EXPECT_EQ(bob_status->dump().find("at_least"), std::string::npos) << bob_status->dump();

  // Another label: at least 500 against at most 400 does not overlap.
  ASSERT_OK(Alice(
      R"({"op":"feeler.overlap","contact":"bob","label":"sanctions-months","at_least":500})"));
  ASSERT_OK(Bob(R"({"op":"inbox"})"));
  ASSERT_OK(
      Bob(R"({"op":"feeler.overlap","contact":"alice","label":"sanctions-months","at_most":400})"));
  SettleBoth();
  auto alice_views = at_alice_->List(std::nullopt);
  ASSERT_OK(alice_views);
  ASSERT_EQ(alice_views->size(), 2U);
  // Both checks may carry the same second; find the second one by label.
  const auto second =
      std::find_if(alice_views->begin(), alice_views->end(),
                   [](const FeelerView& v) { return v.label == "sanctions-months"; });
  ASSERT_NE(second, alice_views->end());
  EXPECT_EQ(second->phase, "done");
  EXPECT_EQ(second->overlap, "no") << "500 > 400";

  // The value is committed at the first round: another is refused, and
  // changes nothing.
  EXPECT_THAT(
      Alice(
          R"({"op":"feeler.overlap","contact":"bob","label":"enrichment-cap","unit":"kg","at_least":350})")
          .status(),
      StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_EQ(at_alice_->List(std::nullopt)->size(), 2U);
}

TEST_F(AppFeelerOpsTest, OverlapLabelsTypedDifferentlyNeverAnswer) {
  ASSERT_OK(Alice(R"({"op":"feeler.overlap","contact":"bob","label":"cap","at_least":3})"));
  ASSERT_OK(Bob(R"({"op":"inbox"})"));
  ASSERT_OK(Bob(R"({"op":"feeler.overlap","contact":"alice","label":"kap","at_most":9})"));
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(Alice(R"({"op":"inbox"})"));
    ASSERT_OK(Bob(R"({"op":"inbox"})"));
  }
  for (FeelerService* side : {at_alice_.get(), at_bob_.get()}) {
    auto views = side->List(std::nullopt);
    ASSERT_OK(views);
    ASSERT_EQ(views->size(), 1U);
    EXPECT_NE((*views)[0].phase, "done") << "no answer to a question nobody asked";
    EXPECT_TRUE((*views)[0].overlap.empty());
  }
  this->Advance(std::chrono::hours(24 * 8));
  auto alice = at_alice_->List(std::nullopt);
  ASSERT_OK(alice);
  EXPECT_EQ((*alice)[0].phase, "expired");
}

TEST(AppFeelerRequest, OverlapFields) {
  auto r = app::DecodeRequest(
      R"({"op":"feeler.overlap","contact":"bob","label":"cap","unit":"kg","width":16,"at_most":9})");
  ASSERT_OK(r);
  const auto& o = std::get<app::FeelerOverlapRequest>(*r);
  EXPECT_EQ(o.width, 16U);
  EXPECT_FALSE(o.at_least.has_value());
  EXPECT_EQ(o.at_most, 9U);
  for (const char* bad : {
           R"({"op":"feeler.overlap","contact":"bob","label":"cap"})",
           R"({"op":"feeler.overlap","contact":"bob","label":"cap","at_least":1,"at_most":2})",
           R"({"op":"feeler.overlap","contact":"bob","at_least":1})",
           R"({"op":"feeler.overlap","contact":"bob","label":"cap","width":33,"at_least":1})",
           R"({"op":"feeler.overlap","contact":"bob","label":"cap","width":8,"at_least":256})",
           R"({"op":"feeler.overlap","contact":"bob","label":"cap","unit":"","at_least":1})",
       }) {
    EXPECT_THAT(app::DecodeRequest(bad).status(), StatusIs(StatusCode::kInvalidArgument)) << bad;
  }
}

TEST_F(AppFeelerOpsTest, AFaceWithoutFeelersRefusesClearly) {
  auto r = Run(*alice_, *alice_talks_, nullptr,
               R"({"op":"feeler.send","contact":"bob","topics":["x"]})");
  EXPECT_THAT(r.status(), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_TRUE((*at_alice_->List(std::nullopt)).empty());
}

}  // namespace
}  // namespace backchannel::feelers_client
