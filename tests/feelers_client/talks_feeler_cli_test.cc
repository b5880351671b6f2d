// `backchannel talks feeler` and `backchannel talks zone` end to end: the
// real `backchannel` program, the real `backchanneld`, two homes (a US and an
// Iranian envoy, each accredited by its own authority) in talks on the
// grand-bargain agenda, each holding its own private profile. A talks feeler
// reveals only the topics both named (agenda ids matching agenda ids); a zone
// check tells both how many candidates both would accept — the count an
// independent plaintext evaluation of both profiles gives — and the list
// only when both asked for it. Refusals: an unknown member, a bad candidates
// file, more than 100 candidates, a list asked by one side only.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backchannel/negotiation/io.h"
#include "cli/run_cli.h"
#include "client/temp_dir.h"
#include "testing/relay_process.h"

namespace {

using backchannel::client::testing::TempDir;
using backchannel::testing::CliResult;
using backchannel::testing::RelayProcess;
using Json = nlohmann::json;
namespace negotiation = backchannel::negotiation;

const std::string kScenario = std::string(BC_SOURCE_DIR) + "/scenarios/grand_bargain";

CliResult Cli(const std::string& args) {
  return backchannel::testing::RunCliLine(args, {.env = "BACKCHANNEL_PASSPHRASE=pw"});
}

Json JsonOf(const CliResult& r) {
  Json j = Json::parse(r.out, nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "not JSON: " << r.out << r.err;
  return j;
}

// `n` complete packages of the agenda spread over its 3072, each as
// "issue=option, ..." in agenda order, with which of them each profile
// accepts (at or above its reservation): the plaintext oracle.
struct Candidates {
  std::vector<std::string> texts;
  std::vector<bool> us_accepts, ir_accepts;
  std::vector<std::string> both;  // "cN (text)" as the list shows them
};

Candidates MakeCandidates(std::size_t n) {
  Candidates out;
  auto domain = negotiation::LoadDomain(kScenario + "/agenda.json");
  EXPECT_TRUE(domain.has_value()) << domain.error();
  auto us = negotiation::LoadProfile(*domain, kScenario + "/us.profile.json");
  auto ir = negotiation::LoadProfile(*domain, kScenario + "/iran.profile.json");
  EXPECT_TRUE(us.has_value() && ir.has_value());
  std::size_t total = 1;
  for (const auto& issue : domain->issues) total *= issue.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t index = (i * 7919) % total;  // a prime stride: spread, no repeats
    negotiation::Package p(domain->issues.size());
    for (std::size_t k = p.size(); k-- > 0;) {
      p[k] = static_cast<std::uint32_t>(index % domain->issues[k].size());
      index /= domain->issues[k].size();
    }
    std::string text;
    for (std::size_t k = 0; k < p.size(); ++k) {
      text += (k == 0 ? "" : ", ") + domain->issues[k].name + "=" + domain->issues[k].options[p[k]];
    }
    out.texts.push_back(text);
    out.us_accepts.push_back(us->Utility(p) >= us->reservation);
    out.ir_accepts.push_back(ir->Utility(p) >= ir->reservation);
    if (out.us_accepts.back() && out.ir_accepts.back()) {
      out.both.push_back("c" + std::to_string(i + 1) + " (" + text + ")");
    }
  }
  return out;
}

class TalksFeelerCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = RelayProcess::StartOnAnyPort(BC_BACKCHANNELD_BINARY, relay_dir_.path());
    ASSERT_TRUE(started.has_value()) << started.status();
    relay_ = std::move(*started);
    const std::string us_key = Envoy("us", "United States", "Whitfield");
    const std::string ir_key = Envoy("ir", "Iran", "Rahimi");
    ASSERT_EQ(Cli("trust add " + Home("us") + " --side Iran -- " + ir_key).code, 0);
    ASSERT_EQ(Cli("trust add " + Home("ir") + " --side 'United States' -- " + us_key).code, 0);
    CliResult code = Cli("invite " + Home("us") + " --json");
    ASSERT_EQ(code.code, 0) << code.err;
    ASSERT_EQ(Cli("accept " + Home("ir") + " " + JsonOf(code)["code"].get<std::string>()).code, 0);
    ASSERT_EQ(Cli("inbox " + Home("us")).code, 0);
    ASSERT_EQ(Cli("inbox " + Home("ir")).code, 0);
    // The talks: the US envoy hosts and seats the Iranian envoy; each side
    // joins with its own private profile.
    CliResult c = Cli("talks create geneva " + Home("us") +
                      " --title Geneva --side 'United States' --side Iran --agenda " + kScenario +
                      "/agenda.json");
    ASSERT_EQ(c.code, 0) << c.err;
    ASSERT_EQ(Cli("talks invite geneva Rahimi --role envoy " + Home("us")).code, 0);
    ASSERT_EQ(
        Cli("talks join geneva " + Home("us") + " --profile " + kScenario + "/us.profile.json")
            .code,
        0);
    CliResult j =
        Cli("talks join geneva " + Home("ir") + " --profile " + kScenario + "/iran.profile.json");
    ASSERT_EQ(j.code, 0) << j.out << j.err;
    ASSERT_EQ(Cli("talks sync geneva " + Home("us")).code, 0);
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

  // Both sides receive until both have their result (each command syncs).
  void Settle() {
    ASSERT_EQ(As("us", "feeler status").code, 0);
    ASSERT_EQ(As("ir", "feeler status").code, 0);
    ASSERT_EQ(As("us", "feeler status").code, 0);
  }

  Json Feelers(const std::string& who, const std::string& contact) {
    CliResult r = As(who, "feeler status " + contact + " --json");
    EXPECT_EQ(r.code, 0) << r.err;
    return JsonOf(r)["result"]["feelers"];
  }

  std::string WriteFile(const std::string& name, const std::vector<std::string>& lines) {
    const std::string path = dir_.File(name);
    std::ofstream out(path);
    out << "# candidate packages agreed for the zone check\n";
    for (const auto& l : lines) out << l << "\n";
    return path;
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

TEST_F(TalksFeelerCliTest, TalksFeelerRevealsOnlySharedTopicsBoundToTheTalks) {
  CliResult sent = As("us",
                      "talks feeler geneva --to Rahimi --topic nuclear --topic "
                      "sanctions:phased-lifting --topic 'us-only-regime-question' --json");
  ASSERT_EQ(sent.code, 0) << sent.out << sent.err;
  const Json s = JsonOf(sent);
  EXPECT_TRUE(s["ok"].get<bool>());
  EXPECT_EQ(s["result"]["feeler"]["talks"], "geneva");
  EXPECT_EQ(s["result"]["feeler"]["phase"], "offered");

  // Answered inside the same talks; "Nuclear" typed as free text is not the
  // agenda id "nuclear" (an agenda item matches only the agenda item).
  CliResult answer = As("ir",
                        "talks feeler geneva --to Whitfield --topic nuclear --topic "
                        "sanctions:phased-lifting --topic 'ir-only-enrichment-right'");
  ASSERT_EQ(answer.code, 0) << answer.out << answer.err;
  Settle();
  for (const auto& [who, contact] : {std::pair{"us", "Rahimi"}, std::pair{"ir", "Whitfield"}}) {
    const Json f = Feelers(who, contact);
    ASSERT_EQ(f.size(), 1U) << f.dump();
    EXPECT_EQ(f[0]["phase"], "done") << who;
    EXPECT_EQ(f[0]["talks"], "geneva") << who;
    EXPECT_EQ(f[0]["matched"], (Json{"[agenda] nuclear", "[agenda] sanctions:phased-lifting"}))
        << who;
  }
  EXPECT_NE(us_seen_.find("in talks geneva: shared topics"), std::string::npos) << us_seen_;
  EXPECT_EQ(ir_seen_.find("us-only"), std::string::npos) << ir_seen_;
  EXPECT_EQ(us_seen_.find("ir-only"), std::string::npos) << us_seen_;
  const std::string relay = RelayFiles();
  for (const char* needle : {"us-only", "ir-only", "phased-lifting"}) {
    EXPECT_EQ(relay.find(needle), std::string::npos) << needle;
  }

  // Refusals: a name that is not a member, and nothing was kept for it.
  CliResult nobody = As("us", "talks feeler geneva --to Nobody --topic nuclear --json");
  EXPECT_NE(nobody.code, 0);
  EXPECT_NE(nobody.out.find("no member 'Nobody' in talks geneva"), std::string::npos)
      << nobody.out << nobody.err;
  CliResult unknown = As("us", "talks feeler nowhere --to Rahimi --topic nuclear");
  EXPECT_NE(unknown.code, 0);
  EXPECT_NE(unknown.err.find("no talks 'nowhere'"), std::string::npos) << unknown.err;
  EXPECT_EQ(Feelers("us", "Rahimi").size(), 1U);
}

TEST_F(TalksFeelerCliTest, ZoneCheckOverOneHundredCandidatesRevealsTheCountThenTheList) {
  const Candidates c = MakeCandidates(100);
  const std::string file = WriteFile("candidates.txt", c.texts);
  // The plaintext oracle: neither all nor none, so the count says something.
  std::size_t us_count = 0, ir_count = 0;
  for (std::size_t i = 0; i < 100; ++i) {
    us_count += c.us_accepts[i] ? 1 : 0;
    ir_count += c.ir_accepts[i] ? 1 : 0;
  }
  ASSERT_GT(c.both.size(), 0U);
  ASSERT_LT(c.both.size(), std::min(us_count, ir_count));

  const auto start = std::chrono::steady_clock::now();
  CliResult sent = As("us", "talks zone geneva --to Rahimi --candidates " + file + " --json");
  ASSERT_EQ(sent.code, 0) << sent.out << sent.err;
  EXPECT_EQ(JsonOf(sent)["result"]["feeler"]["zone_check"]["accepted"], us_count);
  CliResult answer = As("ir", "talks zone geneva --to Whitfield --candidates " + file);
  ASSERT_EQ(answer.code, 0) << answer.out << answer.err;
  Settle();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  std::printf("100-candidate zone check, CLI processes over the relay: %lld ms wall (5 commands)\n",
              static_cast<long long>(ms));
  for (const auto& [who, contact] : {std::pair{"us", "Rahimi"}, std::pair{"ir", "Whitfield"}}) {
    const Json f = Feelers(who, contact);
    ASSERT_EQ(f.size(), 1U) << f.dump();
    EXPECT_EQ(f[0]["kind"], "zone");
    EXPECT_EQ(f[0]["phase"], "done") << who;
    EXPECT_EQ(f[0]["k"], 128);
    EXPECT_EQ(f[0]["zone_check"]["count"], c.both.size()) << who;
    EXPECT_EQ(f[0]["zone_check"]["candidates"], 100);
    EXPECT_TRUE(f[0]["matched"].empty()) << "count only: no list";
  }
  EXPECT_NE(us_seen_.find(std::to_string(c.both.size()) + " of 100 candidates both would accept"),
            std::string::npos)
      << us_seen_;

  // Both ask for the list: both see exactly the candidates both accept.
  ASSERT_EQ(As("us", "talks zone geneva --to Rahimi --list --candidates " + file).code, 0);
  CliResult listed = As("ir", "talks zone geneva --to Whitfield --list --candidates " + file);
  ASSERT_EQ(listed.code, 0) << listed.out << listed.err;
  Settle();
  for (const auto& [who, contact] : {std::pair{"us", "Rahimi"}, std::pair{"ir", "Whitfield"}}) {
    const Json f = Feelers(who, contact);
    ASSERT_EQ(f.size(), 2U) << f.dump();
    // The status lists exchanges in no promised order: the list check is
    // the one that asked for the list (exactly one of the two).
    const auto listed_check = std::find_if(
        f.begin(), f.end(), [](const Json& e) { return e["zone_check"]["list"].get<bool>(); });
    ASSERT_NE(listed_check, f.end()) << f.dump();
    EXPECT_EQ(std::count_if(f.begin(), f.end(),
                            [](const Json& e) { return e["zone_check"]["list"].get<bool>(); }),
              1)
        << f.dump();
    EXPECT_EQ((*listed_check)["phase"], "done") << who;
    Json expected = Json::array();
    for (const auto& b : c.both) expected.push_back(b);
    EXPECT_EQ((*listed_check)["matched"], expected) << who;
  }
}

TEST_F(TalksFeelerCliTest, ZoneRefusalsChangeNothing) {
  const Candidates c = MakeCandidates(101);
  // More than 100 candidates.
  CliResult over = As(
      "us", "talks zone geneva --to Rahimi --json --candidates " + WriteFile("over.txt", c.texts));
  EXPECT_NE(over.code, 0);
  EXPECT_NE(over.out.find("at most 100 packages (101 given)"), std::string::npos) << over.out;
  // A package naming an option the agenda does not have.
  CliResult bad = As("us", "talks zone geneva --to Rahimi --candidates " +
                               WriteFile("bad.txt", {c.texts[0], "nuclear=bogus"}));
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("candidates: #2"), std::string::npos) << bad.err;
  // An incomplete package, a missing file, an unknown member.
  CliResult open = As("us", "talks zone geneva --to Rahimi --candidates " +
                                WriteFile("open.txt", {"nuclear=suspension"}));
  EXPECT_NE(open.code, 0);
  EXPECT_NE(open.err.find("a candidate is a complete package"), std::string::npos) << open.err;
  CliResult missing = As("us", "talks zone geneva --to Rahimi --candidates /nonexistent/c.txt");
  EXPECT_NE(missing.code, 0);
  EXPECT_NE(missing.err.find("--candidates"), std::string::npos) << missing.err;
  CliResult nobody = As("us", "talks zone geneva --to Nobody");
  EXPECT_NE(nobody.code, 0);
  EXPECT_NE(nobody.err.find("no member 'Nobody'"), std::string::npos) << nobody.err;
  // The default list: the agenda has 3072 packages and no mediator
  // suggested any.
  CliResult no_default = As("us", "talks zone geneva --to Rahimi");
  EXPECT_NE(no_default.code, 0);
  EXPECT_NE(no_default.err.find("no default candidate list"), std::string::npos) << no_default.err;
  EXPECT_TRUE(Feelers("us", "Rahimi").empty()) << "a refusal keeps nothing";

  // The list is shown only when both ask: the answering side that did not
  // is refused, and told what the other asked for.
  const std::vector<std::string> ten(c.texts.begin(), c.texts.begin() + 10);
  const std::string file = WriteFile("ten.txt", ten);
  ASSERT_EQ(As("us", "talks zone geneva --to Rahimi --list --candidates " + file).code, 0);
  CliResult count_only = As("ir", "talks zone geneva --to Whitfield --candidates " + file);
  EXPECT_NE(count_only.code, 0);
  EXPECT_NE(count_only.err.find("asks for the list of candidates both accept: answer it with "
                                "--list"),
            std::string::npos)
      << count_only.err;
  const Json waiting = Feelers("ir", "Whitfield");
  ASSERT_EQ(waiting.size(), 1U) << waiting.dump();
  EXPECT_EQ(waiting[0]["phase"], "incoming");
  EXPECT_TRUE(waiting[0]["zone_check"]["list"].get<bool>());
}

}  // namespace
