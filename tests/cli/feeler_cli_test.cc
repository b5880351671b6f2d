// `backchannel feeler send|status|forget` end to end: the real `backchannel`
// program, the real `backchanneld`, two homes (a US and an Iranian envoy,
// each accredited by its own authority) with a verified channel. Only the
// topics both named appear on either side; an unshared topic never appears
// in either side's output nor in the relay's files; a lone send stays
// pending; the budget is refused with a clear error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/run_cli.h"
#include "client/temp_dir.h"
#include "testing/relay_process.h"

namespace {

using backchannel::client::testing::TempDir;
using backchannel::testing::CliResult;
using backchannel::testing::RelayProcess;
using Json = nlohmann::json;

CliResult Cli(const std::string& args) {
  return backchannel::testing::RunCliLine(args, {.env = "BACKCHANNEL_PASSPHRASE=pw"});
}

Json JsonOf(const CliResult& r) {
  Json j = Json::parse(r.out, nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "not JSON: " << r.out << r.err;
  return j;
}

class FeelerCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = RelayProcess::StartOnAnyPort(BC_BACKCHANNELD_BINARY, relay_dir_.path());
    ASSERT_TRUE(started.has_value()) << started.status();
    relay_ = std::move(*started);
    const std::string us_key = Envoy("us", "United States", "Whitfield");
    const std::string ir_key = Envoy("ir", "Iran", "Rahimi");
    CliResult t1 = Cli("trust add " + Home("us") + " --side Iran -- " + ir_key);
    ASSERT_EQ(t1.code, 0) << t1.out << t1.err;
    CliResult t2 = Cli("trust add " + Home("ir") + " --side 'United States' -- " + us_key);
    ASSERT_EQ(t2.code, 0) << t2.out << t2.err;
    CliResult code = Cli("invite " + Home("us") + " --json");
    ASSERT_EQ(code.code, 0) << code.err;
    ASSERT_EQ(Cli("accept " + Home("ir") + " " + JsonOf(code)["code"].get<std::string>()).code, 0);
    ASSERT_EQ(Cli("inbox " + Home("us")).code, 0);
    ASSERT_EQ(Cli("inbox " + Home("ir")).code, 0);
  }

  std::string Envoy(const std::string& who, const std::string& side, const std::string& name) {
    CliResult init = Cli("init " + Home(who) + " --relay " + relay_->address() + " --pin " +
                         relay_->pin() + " --kdf interactive --json");
    EXPECT_EQ(init.code, 0) << init.err;
    const std::string adir = "--dir " + dir_.File(who + "-authority");
    EXPECT_EQ(Cli("authority init " + adir + " --side '" + side + "' --kdf interactive").code, 0);
    EXPECT_EQ(Cli("authority issue " + adir + " --identity-key " +
                  JsonOf(init)["identity_key"].get<std::string>() + " --role envoy --name " + name +
                  " --days 30 --out " + dir_.File(who + ".cred"))
                  .code,
              0);
    EXPECT_EQ(Cli("credential import " + Home(who) + " " + dir_.File(who + ".cred")).code, 0);
    return JsonOf(Cli("authority show " + adir + " --json"))["public_key"];
  }

  std::string Home(const std::string& who) const { return "--home " + dir_.File(who); }

  // Runs a command for `who`, keeping everything it printed.
  CliResult As(const std::string& who, const std::string& args) {
    CliResult r = Cli(args + " " + Home(who));
    (who == "us" ? us_seen_ : ir_seen_) += r.out + r.err;
    return r;
  }

  std::string RelayFiles() const {
    std::string all;
    for (const auto& e : std::filesystem::recursive_directory_iterator(relay_dir_.path())) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
  }

  TempDir relay_dir_;
  TempDir dir_;
  std::unique_ptr<RelayProcess> relay_;
  std::string us_seen_, ir_seen_;
};

TEST_F(FeelerCliTest, OnlySharedTopicsAppearOnBothSides) {
  CliResult sent = As("us",
                      "feeler send Rahimi --topic 'Sanctions relief' --topic 'prisoner "
                      "exchange' --topic 'us-only-hostage-swap'");
  ASSERT_EQ(sent.code, 0) << sent.err;
  EXPECT_NE(sent.out.find("pending until they send theirs"), std::string::npos) << sent.out;

  CliResult incoming = As("ir", "feeler status");
  ASSERT_EQ(incoming.code, 0) << incoming.err;
  EXPECT_NE(incoming.out.find("feeler from Whitfield"), std::string::npos) << incoming.out;
  EXPECT_NE(incoming.out.find("incoming"), std::string::npos) << incoming.out;

  // Typed differently (case, spaces) and still shared.
  CliResult answer =
      As("ir",
         "feeler send Whitfield --topic 'SANCTIONS  relief' --topic 'prisoner exchange' "
         "--topic 'ir-only-enrichment-cap'");
  ASSERT_EQ(answer.code, 0) << answer.err;
  ASSERT_EQ(As("us", "feeler status").code, 0);
  ASSERT_EQ(As("ir", "feeler status").code, 0);
  CliResult us = As("us", "feeler status Rahimi --json");
  ASSERT_EQ(us.code, 0) << us.err;
  CliResult ir = As("ir", "feeler status Whitfield --json");
  ASSERT_EQ(ir.code, 0) << ir.err;

  for (const Json& j : {JsonOf(us), JsonOf(ir)}) {
    EXPECT_TRUE(j["ok"].get<bool>());
    const Json& f = j["result"]["feelers"];
    ASSERT_EQ(f.size(), 1U) << j.dump();
    EXPECT_EQ(f[0]["phase"], "done");
    EXPECT_EQ(f[0]["matched"], (Json{"sanctions relief", "prisoner exchange"}));
    EXPECT_EQ(f[0]["k"], 8);
    EXPECT_EQ(j["result"]["budget_per_day"], 3);
    EXPECT_EQ(j["result"]["budget_left"], 2);
  }
  EXPECT_NE(us_seen_.find("shared topics: sanctions relief, prisoner exchange"), std::string::npos)
      << us_seen_;
  EXPECT_NE(ir_seen_.find("shared topics: sanctions relief, prisoner exchange"), std::string::npos)
      << ir_seen_;
  EXPECT_EQ(ir_seen_.find("us-only"), std::string::npos) << ir_seen_;
  EXPECT_EQ(ir_seen_.find("hostage"), std::string::npos) << ir_seen_;
  EXPECT_EQ(us_seen_.find("ir-only"), std::string::npos) << us_seen_;
  EXPECT_EQ(us_seen_.find("enrichment"), std::string::npos) << us_seen_;

  const std::string relay = RelayFiles();
  EXPECT_FALSE(relay.empty());
  for (const char* topic :
       {"us-only-hostage-swap", "ir-only-enrichment-cap", "sanctions", "Sanctions", "prisoner"}) {
    EXPECT_EQ(relay.find(topic), std::string::npos) << topic << " is in the relay's files";
  }

  // History is the user's to delete.
  const std::string id = JsonOf(us)["result"]["feelers"][0]["id"];
  ASSERT_EQ(As("us", "feeler forget " + id).code, 0);
  EXPECT_NE(As("us", "feeler status").out.find("no feelers"), std::string::npos);
  // Refused before the passphrase is asked for: no passphrase given, none read.
  CliResult over =
      backchannel::testing::RunCliLine("feeler budget --per-day 99 " + Home("us") + " </dev/null");
  EXPECT_EQ(over.code, 2) << over.err;
  EXPECT_NE(over.err.find("1..24"), std::string::npos) << over.err;
  EXPECT_EQ(over.err.find("passphrase"), std::string::npos) << over.err;
}

TEST_F(FeelerCliTest, ALoneSendStaysPending) {
  ASSERT_EQ(As("us", "feeler send Rahimi --topic ceasefire").code, 0);
  ASSERT_EQ(As("ir", "feeler status").code, 0);
  CliResult us = As("us", "feeler status --json");
  ASSERT_EQ(us.code, 0) << us.err;
  const Json doc = JsonOf(us);
  const Json& f = doc["result"]["feelers"];
  ASSERT_EQ(f.size(), 1U);
  EXPECT_EQ(f[0]["phase"], "offered");
  EXPECT_TRUE(f[0]["matched"].empty());
  CliResult ir = As("ir", "feeler status --json");
  EXPECT_EQ(JsonOf(ir)["result"]["feelers"][0]["phase"], "incoming");
  EXPECT_TRUE(JsonOf(ir)["result"]["feelers"][0]["topics"].empty())
      << "nothing is filled in for the answering side";
  // A second send while one is pending is refused and changes nothing.
  CliResult again = As("us", "feeler send Rahimi --topic other");
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("still pending"), std::string::npos) << again.err;
  EXPECT_EQ(JsonOf(As("us", "feeler status --json"))["result"]["feelers"].size(), 1U);
}

// After the two sends, no feeler command runs: `inbox`, `talks sync` and
// `listen` receive the exchange's messages and post what they answer, so
// both sides finish. --agenda ids match agenda ids; --k sets k.
TEST_F(FeelerCliTest, InboxTalksSyncAndListenCarryTheExchangeToItsEnd) {
  ASSERT_EQ(As("us", "feeler send Rahimi --agenda enrichment --topic ceasefire --k 16").code, 0);
  ASSERT_EQ(As("ir", "inbox").code, 0);
  CliResult answer = As("ir", "feeler send Whitfield --agenda enrichment --topic other --json");
  ASSERT_EQ(answer.code, 0) << answer.err;
  EXPECT_EQ(JsonOf(answer)["result"]["feeler"]["k"], 16) << "the larger of both sides' k";
  // us: offer + response arrive; its response and finish go out now.
  CliResult us_inbox = As("us", "inbox --json");
  ASSERT_EQ(us_inbox.code, 0) << us_inbox.err;
  // ir: response + finish arrive; its finish goes out, ir is done.
  CliResult ir_sync = As("ir", "talks sync --json");
  ASSERT_EQ(ir_sync.code, 0) << ir_sync.err;
  EXPECT_NE(ir_sync.out.find("shared topics: [agenda] enrichment"), std::string::npos)
      << ir_sync.out;
  // us: the finish is pushed while listening.
  CliResult us_listen = As("us", "listen --for 3 --count 1");
  EXPECT_EQ(us_listen.code, 0) << us_listen.err;
  EXPECT_NE(us_listen.out.find("[feeler] feeler with Rahimi: shared topics: [agenda] enrichment"),
            std::string::npos)
      << us_listen.out << us_listen.err;
  for (const char* who : {"us", "ir"}) {
    const Json j = JsonOf(As(who, "feeler status --json"));
    ASSERT_EQ(j["result"]["feelers"].size(), 1U) << j.dump();
    EXPECT_EQ(j["result"]["feelers"][0]["phase"], "done") << who;
    EXPECT_EQ(j["result"]["feelers"][0]["matched"], (Json{"[agenda] enrichment"})) << who;
  }
  EXPECT_EQ(ir_seen_.find("ceasefire"), std::string::npos) << ir_seen_;
  EXPECT_EQ(As("us", "feeler send Rahimi --k 12 --topic x").code, 2) << "k from 8, 16, 32";
}

// `feeler overlap` over the real relay: the US says at least 300, Iran at
// most 400 on the enrichment cap; both learn only that the positions
// overlap. Neither side's output holds the other's side or number, and the
// relay's files hold no label.
TEST_F(FeelerCliTest, BlindOverlapEndToEnd) {
  CliResult sent =
      As("us", "feeler overlap Rahimi --label enrichment-cap --unit kg-u235 --at-least 300");
  ASSERT_EQ(sent.code, 0) << sent.err;
  EXPECT_NE(sent.out.find("pending until they answer"), std::string::npos) << sent.out;
  CliResult incoming = As("ir", "feeler status");
  ASSERT_EQ(incoming.code, 0) << incoming.err;
  EXPECT_NE(incoming.out.find("overlap check from Whitfield"), std::string::npos) << incoming.out;
  EXPECT_EQ(incoming.out.find("enrichment"), std::string::npos) << incoming.out;
  CliResult answer = As(
      "ir", "feeler overlap Whitfield --label enrichment-cap --unit kg-u235 --at-most 400 --json");
  ASSERT_EQ(answer.code, 0) << answer.err;
  EXPECT_EQ(JsonOf(answer)["result"]["feeler"]["kind"], "overlap");
  ASSERT_EQ(As("us", "inbox").code, 0);
  ASSERT_EQ(As("ir", "inbox").code, 0);
  ASSERT_EQ(As("us", "inbox").code, 0);
  for (const char* who : {"us", "ir"}) {
    const Json j = JsonOf(As(who, "feeler status --json"));
    ASSERT_EQ(j["result"]["feelers"].size(), 1U) << j.dump();
    EXPECT_EQ(j["result"]["feelers"][0]["phase"], "done") << who;
    EXPECT_EQ(j["result"]["feelers"][0]["overlap_check"]["overlap"], "yes") << who;
  }
  EXPECT_NE(us_seen_.find("the positions overlap"), std::string::npos) << us_seen_;
  EXPECT_NE(ir_seen_.find("the positions overlap"), std::string::npos) << ir_seen_;
  EXPECT_EQ(ir_seen_.find("at least 300"), std::string::npos) << ir_seen_;
  EXPECT_EQ(ir_seen_.find("at_least"), std::string::npos) << ir_seen_;
  EXPECT_EQ(us_seen_.find("at most 400"), std::string::npos) << us_seen_;
  EXPECT_EQ(us_seen_.find("at_most"), std::string::npos) << us_seen_;
  EXPECT_EQ(RelayFiles().find("enrichment"), std::string::npos);
  // Both or neither bound: usage errors.
  EXPECT_EQ(As("us", "feeler overlap Rahimi --label x --at-least 1 --at-most 2").code, 2);
  EXPECT_EQ(As("us", "feeler overlap Rahimi --label x").code, 2);
}

TEST_F(FeelerCliTest, BudgetExhaustionIsRefusedWithAClearError) {
  for (int i = 0; i < 3; ++i) {
    CliResult s = As("us", "feeler send Rahimi --topic t" + std::to_string(i) + " --json");
    ASSERT_EQ(s.code, 0) << s.err;
    ASSERT_EQ(
        As("us", "feeler forget " + JsonOf(s)["result"]["feeler"]["id"].get<std::string>()).code,
        0);
  }
  CliResult over = As("us", "feeler send Rahimi --topic t3");
  EXPECT_EQ(over.code, 1);
  EXPECT_NE(over.err.find("budget for the day is spent"), std::string::npos) << over.err;
  CliResult j = As("us", "feeler send Rahimi --topic t3 --json");
  EXPECT_EQ(j.code, 1);
  EXPECT_FALSE(JsonOf(j)["ok"].get<bool>());
  EXPECT_EQ(JsonOf(j)["error"]["code"], "resource_exhausted");
  EXPECT_TRUE(JsonOf(As("us", "feeler status --json"))["result"]["feelers"].empty());
}

TEST_F(FeelerCliTest, BadInputIsRefusedWithExitCode2) {
  CliResult blank = As("us", "feeler send Rahimi --topic '   '");
  EXPECT_EQ(blank.code, 2) << blank.err;
  CliResult nobody = As("us", "feeler send Nobody --topic x");
  EXPECT_EQ(nobody.code, 2) << nobody.err;
  CliResult no_topic = As("us", "feeler send Rahimi");
  EXPECT_EQ(no_topic.code, 2);
  CliResult bad_id = As("us", "feeler forget zz");
  EXPECT_EQ(bad_id.code, 2);
  EXPECT_NE(As("us", "feeler status").out.find("no feelers"), std::string::npos);
  // Refused before the passphrase is asked for: no passphrase given, none read.
  CliResult over =
      backchannel::testing::RunCliLine("feeler budget --per-day 99 " + Home("us") + " </dev/null");
  EXPECT_EQ(over.code, 2) << over.err;
  EXPECT_NE(over.err.find("1..24"), std::string::npos) << over.err;
  EXPECT_EQ(over.err.find("passphrase"), std::string::npos) << over.err;
}

}  // namespace
