// `backchannel agent start|status|stop` end to end: the real program, a real
// home (initialised against the real relay) and the real agent process it
// leaves running; commands then open the home without any passphrase.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "backchannel/client/agent.h"
#include "cli/run_cli.h"
#include "client/temp_dir.h"
#include "testing/relay_process.h"

namespace {

using backchannel::client::testing::TempDir;
using backchannel::testing::CliResult;
using backchannel::testing::RelayProcess;
using backchannel::testing::ShellQuote;
using Json = nlohmann::json;

// With BACKCHANNEL_PASSPHRASE=`pass`, or with no passphrase anywhere when
// `pass` is empty (stdin is /dev/null, so there is no prompt either).
CliResult Cli(const std::string& pass, const std::string& args) {
  const std::string env =
      pass.empty() ? "env -u BACKCHANNEL_PASSPHRASE" : "BACKCHANNEL_PASSPHRASE=" + ShellQuote(pass);
  return backchannel::testing::RunCliLine(args + " </dev/null", {.env = env});
}

// Whether `pid` runs: not gone and not a zombie (the agent's parent is
// whatever adopts orphans here, which may be slow to reap).
bool Alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

Json JsonOf(const CliResult& r) {
  try {
    return Json::parse(r.out);
  } catch (const Json::exception&) {
    ADD_FAILURE() << "not JSON: " << r.out << r.err;
    return Json::object();
  }
}

class AgentCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = RelayProcess::StartOnAnyPort(BC_BACKCHANNELD_BINARY, relay_dir_.path());
    ASSERT_TRUE(started.has_value()) << started.status();
    relay_ = std::move(*started);
    home_ = "--home " + dir_.File("alice");
    CliResult init = Cli("pw-alice", "init " + home_ + " --relay " + relay_->address() + " --pin " +
                                         relay_->pin() + " --kdf interactive");
    ASSERT_EQ(init.code, 0) << init.out << init.err;
  }

  void TearDown() override {
    (void)Cli("", "agent stop " + home_);  // never leave an agent behind
  }

  // Starts an agent; returns its pid.
  int Start(const std::string& extra = "") {
    CliResult r = Cli("pw-alice", "agent start --json " + home_ + " " + extra);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return JsonOf(r).value("pid", -1);
  }

  std::string Socket() const { return dir_.File("alice") + "/agent.sock"; }

  TempDir relay_dir_;
  TempDir dir_;
  std::unique_ptr<RelayProcess> relay_;
  std::string home_;
};

TEST_F(AgentCliTest, CommandsOpenWithoutThePassphraseUntilStopped) {
  // No agent: a command needs the passphrase, as always.
  CliResult before = Cli("", "contacts --json " + home_);
  EXPECT_EQ(before.code, 2) << before.out << before.err;
  EXPECT_NE(before.err.find("no passphrase"), std::string::npos) << before.err;

  const int pid = Start("--idle 10m");
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(std::filesystem::is_socket(Socket()));
  EXPECT_EQ(std::filesystem::status(Socket()).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  CliResult status = Cli("", "agent status --json " + home_);
  ASSERT_EQ(status.code, 0) << status.out << status.err;
  EXPECT_EQ(JsonOf(status)["running"], true);
  EXPECT_EQ(JsonOf(status)["pid"], pid);
  EXPECT_GT(JsonOf(status)["idle_left_ms"].get<std::int64_t>(), 9 * 60 * 1000);

  for (int i = 0; i < 3; ++i) {
    CliResult contacts = Cli("", "contacts --json " + home_);
    EXPECT_EQ(contacts.code, 0) << contacts.out << contacts.err;
  }
  // A wrong passphrase in the environment does not matter while the agent
  // serves: the key it holds opens the store.
  EXPECT_EQ(Cli("not-the-passphrase", "contacts " + home_).code, 0);

  CliResult second = Cli("pw-alice", "agent start " + home_);
  EXPECT_EQ(second.code, 1) << second.out << second.err;
  EXPECT_NE(second.err.find("already serves"), std::string::npos) << second.err;

  CliResult stop = Cli("", "agent stop " + home_);
  EXPECT_EQ(stop.code, 0) << stop.out << stop.err;
  EXPECT_FALSE(std::filesystem::exists(Socket()));
  for (int i = 0; i < 50 && Alive(pid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(Alive(pid));
  CliResult after = Cli("", "contacts " + home_);
  EXPECT_EQ(after.code, 2) << after.out << after.err;
  CliResult none = Cli("", "agent status " + home_);
  EXPECT_EQ(none.code, 1);
  EXPECT_NE(none.err.find("no agent serves"), std::string::npos) << none.err;
}

TEST_F(AgentCliTest, WrongPassphraseStartsNothing) {
  CliResult r = Cli("wrong", "agent start " + home_);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("wrong passphrase"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(Socket()));
  EXPECT_EQ(Cli("", "agent status " + home_).code, 1);
}

TEST_F(AgentCliTest, BadIdleIsRefused) {
  for (const char* idle : {"0", "abc", "15x", "25h", "-5m"}) {
    CliResult r = Cli("pw-alice", std::string("agent start --idle=") + idle + " " + home_);
    EXPECT_EQ(r.code, 2) << idle << ": " << r.out << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(Socket()));
}

TEST_F(AgentCliTest, IdleTimeoutEndsTheAgent) {
  const int pid = Start("--idle 1s");
  ASSERT_GT(pid, 0);
  for (int i = 0; i < 50 && std::filesystem::exists(Socket()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(std::filesystem::exists(Socket()));
  EXPECT_EQ(Cli("", "agent status " + home_).code, 1);
  EXPECT_EQ(Cli("", "contacts " + home_).code, 2);
}

TEST_F(AgentCliTest, AKilledAgentsSocketIsReplaced) {
  const int pid = Start();
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  for (int i = 0; i < 50 && Alive(pid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(std::filesystem::exists(Socket()));  // left behind
  EXPECT_EQ(Cli("", "agent status " + home_).code, 1);
  EXPECT_EQ(Cli("", "contacts " + home_).code, 2);  // and ignored
  const int again = Start();
  EXPECT_GT(again, 0);
  EXPECT_NE(again, pid);
  EXPECT_EQ(Cli("", "contacts " + home_).code, 0);
}

TEST_F(AgentCliTest, AnAgentWithAWrongKeyIsIgnored) {
  // An agent of this uid whose key opens another store (the home was made
  // anew, say): commands fall back to the passphrase.
  backchannel::client::StoreKey wrong;
  wrong.data()[0] = 0x5a;
  auto server = backchannel::client::AgentServer::Bind(dir_.File("alice"), std::move(wrong));
  ASSERT_TRUE(server.ok()) << server.status();
  auto serving = std::async(std::launch::async, [&] { return (*server)->Serve(); });
  EXPECT_EQ(Cli("", "agent status " + home_).code, 0);
  CliResult with_pass = Cli("pw-alice", "contacts " + home_);
  EXPECT_EQ(with_pass.code, 0) << with_pass.out << with_pass.err;
  CliResult without = Cli("", "contacts " + home_);
  EXPECT_EQ(without.code, 2) << without.out << without.err;
  EXPECT_NE(without.err.find("no passphrase"), std::string::npos) << without.err;
  (*server)->Shutdown();
  serving.wait();
}

TEST_F(AgentCliTest, AGarbledAgentIsIgnored) {
  // Something listening on agent.sock that answers nonsense.
  const std::string path = Socket();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_EQ(::bind(listener, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  auto fake = std::async(std::launch::async, [listener] {
    const int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) return;
    const std::string nonsense(200, 'x');
    (void)::send(fd, nonsense.data(), nonsense.size(), MSG_NOSIGNAL);
    ::close(fd);
  });
  CliResult r = Cli("pw-alice", "contacts " + home_);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  fake.wait();
  ::close(listener);
}

}  // namespace
