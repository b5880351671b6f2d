// The command line's habits (docs/cli.md): --version, BACKCHANNEL_HOME, the
// "no store" error, keys starting with '-', --domain FILE, unknown
// subcommands, --help with examples and exit codes, and JSON errors for
// usage mistakes. Runs the real program.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/run_cli.h"

namespace {

namespace fs = std::filesystem;
using backchannel::testing::CliResult;
using backchannel::testing::CliRunOptions;
using backchannel::testing::RunCli;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

const std::string kDomain = "../shared/domains/Laptop/laptop_domain.xml";

class CliHabitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "bc_cli_habits_XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CliHabitsTest, VersionPrintsTheVersion) {
  CliResult r = RunCli({"--version"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("backchannel 0."));
}

TEST_F(CliHabitsTest, TopLevelHelpListsExitCodes) {
  CliResult r = RunCli({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("Exit codes: 0 ok"));
  EXPECT_THAT(r.out, HasSubstr("2 bad input or usage"));
  EXPECT_THAT(r.out, HasSubstr("BACKCHANNEL_HOME"));
}

TEST_F(CliHabitsTest, EveryCommandHelpHasAnExample) {
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"analyze"},
                                             {"rehearse"},
                                             {"domain", "show"},
                                             {"domain", "convert"},
                                             {"authority", "init"},
                                             {"authority", "issue"},
                                             {"authority", "revoke"},
                                             {"authority", "show"},
                                             {"init"},
                                             {"credential", "import"},
                                             {"trust", "add"},
                                             {"trust", "list"},
                                             {"trust", "remove"},
                                             {"trust", "pending"},
                                             {"trust", "revocations"},
                                             {"invite"},
                                             {"accept"},
                                             {"contacts"},
                                             {"send"},
                                             {"outbox"},
                                             {"inbox"},
                                             {"listen"},
                                             {"fingerprint"},
                                             {"reset"},
                                             {"status"},
                                             {"talks", "create"},
                                             {"talks", "propose"},
                                             {"talks", "status"},
                                             {"record", "verify"},
                                             {"record", "export"}}) {
    std::vector<std::string> args = cmd;
    args.push_back("--help");
    CliResult r = RunCli(args);
    SCOPED_TRACE(cmd.back());
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Example:\n  backchannel " + cmd.front()));
  }
}

TEST_F(CliHabitsTest, TypoInASubcommandIsNamedUnknown) {
  CliResult r = RunCli({"talks", "fealer"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown subcommand 'fealer' of 'talks'"));
  EXPECT_THAT(r.err, Not(HasSubstr("A subcommand is required")));
  r = RunCli({"trust", "lst"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown subcommand 'lst' of 'trust'"));
}

TEST_F(CliHabitsTest, KeyStartingWithDashNamesDoubleDash) {
  CliResult r =
      RunCli({"trust", "add", "--home", (dir_ / "h").string(), "--side", "Iran", "-AbCdEf12"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("put `--` before it"));
}

// A missing passphrase file is a bad argument, never "no store" (the home
// exists or not regardless of it).
TEST_F(CliHabitsTest, AMissingPassphraseFileIsNotAMissingStore) {
  CliResult r = RunCli({"status", "--home", (dir_ / "h").string(), "--passphrase-file",
                        (dir_ / "no-such-file").string(), "--json"});
  EXPECT_EQ(r.code, 2);
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "invalid_argument") << r.out;
  EXPECT_THAT(r.err, HasSubstr("the passphrase file"));
  EXPECT_THAT(r.err, Not(HasSubstr("init")));
}

TEST_F(CliHabitsTest, NoStoreNamesHomeAndEnvironmentBeforeInit) {
  CliRunOptions pass;
  pass.env = "BACKCHANNEL_PASSPHRASE=x";
  CliResult r = RunCli({"status", "--home", (dir_ / "nowhere").string(), "--json"}, pass);
  EXPECT_EQ(r.code, 2);
  const std::string why = r.err;
  ASSERT_NE(why.find("--home"), std::string::npos) << why;
  ASSERT_NE(why.find("BACKCHANNEL_HOME"), std::string::npos) << why;
  EXPECT_LT(why.find("--home"), why.find("init"));
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["error"]["code"], "no_store");
}

// Bad input is refused for what it is, before the home is opened: no
// passphrase is asked for and a missing store is not the error reported.
TEST_F(CliHabitsTest, BadInputIsRefusedBeforeTheHomeIsOpened) {
  const std::string home = (dir_ / "nowhere").string();
  const std::vector<std::vector<std::string>> bad = {
      {"send", "Amb. Rahimi", ""},
      {"talks", "say", "geneva", ""},
      {"talks", "veto", "geneva", "", "--reason", "no"},
      {"talks", "propose", "geneva", "--package", "nuclear=suspension", "--exploratory", "--reason",
       "x", "--revises", "d1", "--suggestion", "s1"},
      {"feeler", "budget", "--per-day", "99"},
      {"feeler", "overlap", "Amb. Rahimi", "--label", "cap"},
  };
  for (auto args : bad) {
    args.insert(args.end(), {"--home", home});
    CliResult r = RunCli(args);
    EXPECT_EQ(r.code, 2) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("passphrase"))) << args[1];
    EXPECT_THAT(r.err, Not(HasSubstr("no store"))) << args[1];
  }
}

TEST_F(CliHabitsTest, BackchannelHomeIsTheDefaultHome) {
  const fs::path home = dir_ / "from-env";
  CliRunOptions env_home;
  env_home.env = "BACKCHANNEL_HOME=" + backchannel::testing::ShellQuote(home.string()) +
                 " BACKCHANNEL_PASSPHRASE=x";
  CliResult r = RunCli({"status", "--json"}, env_home);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr(home.string()));
  // --home wins over the environment.
  const fs::path other = dir_ / "flag";
  r = RunCli({"status", "--home", other.string(), "--json"}, env_home);
  EXPECT_THAT(r.err, HasSubstr(other.string()));
  EXPECT_THAT(r.err, Not(HasSubstr(home.string())));
}

TEST_F(CliHabitsTest, DomainShowTakesDomainLikeEveryCommand) {
  CliResult flag = RunCli({"domain", "show", "--domain", kDomain, "--json"});
  ASSERT_EQ(flag.code, 0) << flag.err;
  CliResult positional = RunCli({"domain", "show", kDomain, "--json"});
  ASSERT_EQ(positional.code, 0) << positional.err;
  EXPECT_EQ(flag.out, positional.out);
  EXPECT_EQ(Json::parse(flag.out)["ok"], true);
  CliResult both = RunCli({"domain", "show", "--domain", kDomain, kDomain});
  EXPECT_EQ(both.code, 2);
  EXPECT_THAT(both.err, HasSubstr("--domain FILE"));
}

TEST_F(CliHabitsTest, UsageErrorsAreJsonWithJson) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"frobnicate", "--json"},
                                             {"talks", "feeler", "--json"},
                                             {"analyze", "--bogus", "--json"}}) {
    CliResult r = RunCli(args);
    EXPECT_EQ(r.code, 2);
    Json j = Json::parse(r.out);
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["error"]["code"], "usage");
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  }
}

}  // namespace
