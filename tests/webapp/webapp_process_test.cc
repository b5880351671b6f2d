// `backchannel app` as a process (the built binary) against the real relay
// process: the first stdout line is the address with its token, the page's
// session and unlock work over a real socket, the relay is reachable through
// TLS, and SIGTERM stops it cleanly (locked: the agent socket is gone).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <string>
#include <thread>
#include <utility>

#include "backchannel/client/agent.h"
#include "client/channel_fixture.h"
#include "testing/die_with_parent.h"
#include "webapp/http_test_client.h"

namespace backchannel::webapp {
namespace {

using testing::Headers;
using testing::Http;
using testing::Reply;

class WebAppProcessTest : public client::ChannelE2eTest {};

// Starts `backchannel app` and reads its first stdout line.
struct AppProcess {
  pid_t pid = -1;
  FILE* out = nullptr;
  std::string first_line;

  explicit AppProcess(const std::string& home) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    const pid_t parent = ::getpid();
    pid = ::fork();
    if (pid == 0) {
      backchannel::testing::DieWithParent(parent);
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      ::close(fds[1]);
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 2);
      ::execl(BC_BACKCHANNEL_BINARY, "backchannel", "app", "--home", home.c_str(), "--no-browser",
              "--idle", "5m", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    out = ::fdopen(fds[0], "r");
    char line[512];
    if (out != nullptr && std::fgets(line, sizeof line, out) != nullptr) first_line = line;
  }
  int Stop(int sig) {
    if (pid <= 0) return -1;
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    return status;
  }
  ~AppProcess() {
    if (pid > 0) Stop(SIGKILL);
    if (out != nullptr) std::fclose(out);
  }
};

// Runs the CLI binary with `args` (shell words, no quoting needed here);
// its exit status and what it printed (stdout and stderr).
std::pair<int, std::string> RunCli(const std::string& args) {
  const std::string command = std::string(BC_BACKCHANNEL_BINARY) + " " + args + " 2>&1";
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST_F(WebAppProcessTest, TheBinaryServesThePageUnlocksAndStopsCleanly) {
  const client::ClientOptions options = Options("alice");
  ASSERT_OK(client::Client::Init(options, client::Pass("pw-alice"),
                                 {RelayAddress(), RelayCertificatePin()}));

  AppProcess app(options.home);
  std::smatch m;
  const std::regex shape(R"(^app: http://127\.0\.0\.1:(\d+)/#token=([A-Za-z0-9_-]{43})\n$)");
  ASSERT_TRUE(std::regex_match(app.first_line, m, shape)) << app.first_line;
  const auto port = static_cast<unsigned short>(std::stoi(m[1]));
  const std::string token = m[2];
  const std::string host = "127.0.0.1:" + std::to_string(port);
  Headers page{{"Host", host}, {"Origin", "http://" + host}, {"Content-Type", "application/json"}};

  Reply index = Http(port, "GET", "/", {{"Host", host}});
  EXPECT_EQ(index.status, 200) << "the embedded page";
  EXPECT_FALSE(index.headers["Content-Security-Policy"].empty());

  Reply session = Http(port, "POST", "/api/session", page, R"({"token":")" + token + R"("})");
  ASSERT_EQ(session.status, 200) << session.body;
  const std::string set = session.headers["Set-Cookie"];
  page["Cookie"] = set.substr(0, set.find(';'));
  EXPECT_EQ(Http(port, "POST", "/api/session", page, R"({"token":")" + token + R"("})").status,
            401);

  Reply unlock = Http(port, "POST", "/api/unlock", page, R"({"passphrase":"pw-alice"})");
  ASSERT_EQ(unlock.json()["ok"], true) << unlock.body;
  ASSERT_OK(client::AskAgentForKey(options.home)) << "the CLI gets the key from the app";
  bool reachable = false;
  for (int i = 0; i < 50 && !reachable; ++i) {
    Headers get = page;
    get.erase("Origin");
    reachable = Http(port, "GET", "/api/state", get).json()["relay"]["reachable"] == true;
    if (!reachable) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(reachable) << "the listen loop reached the relay over TLS";
  Reply status = Http(port, "POST", "/api/request", page, R"({"op":"status"})");
  EXPECT_EQ(status.json()["relay_reachable"], true) << status.body;

  // The holder listens over TLS continuously (a listen lasts up to 60 s);
  // each request wakes it (ListenInterrupt over the TLS channel) and is
  // answered at once.
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    Reply contacts = Http(port, "POST", "/api/request", page, R"({"op":"contacts"})");
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(contacts.json()["ok"], true) << contacts.body;
    EXPECT_LT(took, std::chrono::milliseconds(2000)) << "request " << i << " waited";
  }

  // CLI commands that would fight the app over the home are refused, and
  // change nothing: the app's agent still serves the key.
  const std::string home_arg = "--home " + options.home;
  auto [stop_code, stop_out] = RunCli("agent stop " + home_arg);
  EXPECT_NE(stop_code, 0) << stop_out;
  EXPECT_NE(stop_out.find("is the running app's"), std::string::npos) << stop_out;
  auto [listen_code, listen_out] = RunCli("listen --for 1 " + home_arg);
  EXPECT_NE(listen_code, 0) << listen_out;
  EXPECT_NE(listen_out.find("`listen` is refused while an app serves"), std::string::npos)
      << listen_out;
  ASSERT_OK(client::AskAgentForKey(options.home)) << "the app's agent still serves";
  EXPECT_EQ(Http(port, "POST", "/api/request", page, R"({"op":"contacts"})").json()["ok"], true);

  const int exit_status = app.Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0) << exit_status;
  EXPECT_FALSE(client::AskAgentForKey(options.home).ok()) << "stopping locks: no key served";
}

}  // namespace
}  // namespace backchannel::webapp
