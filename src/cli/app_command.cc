// `backchannel app`: the web app (docs/webapp.md). One long-running process
// per person holds the home (unlocked once), keeps the relay connection and
// serves the page on 127.0.0.1; the first stdout line is the address to
// open, with a single-use token valid for 60 s.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "backchannel/webapp/api_router.h"
#include "backchannel/webapp/embedded_assets.h"
#include "backchannel/webapp/holder.h"
#include "backchannel/webapp/secret_token.h"
#include "backchannel/webapp/server.h"
#include "cli/app_lock.h"
#include "cli/cli.h"
#include "cli/client_common.h"
#include "cli/inputs.h"

extern char** environ;

namespace backchannel::cli {
namespace {

struct AppArgs : Common {
  std::uint16_t port = 0;
  bool no_browser = false;
  std::string idle = "15m";
};

// True when `name` is an executable on PATH.
bool OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view rest(path);
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    std::string file(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    if (file.empty()) continue;
    file += '/';
    file += name;
    if (::access(file.c_str(), X_OK) == 0) return true;
  }
  return false;
}

// `xdg-open URL` with its output on /dev/null; never fails the app. The
// child is reaped in the background (SIGCHLD ignored below).
void OpenBrowser(const std::string& url) {
  if (!OnPath("xdg-open")) return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string program = "xdg-open";
  std::string arg = url;
  char* argv[] = {program.data(), arg.data(), nullptr};
  pid_t pid = 0;
  ::posix_spawnp(&pid, "xdg-open", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
}

}  // namespace

void RegisterAppCommand(CLI::App& app, Context& context) {
  auto args = std::make_shared<AppArgs>();
  CLI::App* cmd = app.add_subcommand(
      "app", "Serve the web app on 127.0.0.1 (one process holds the unlocked home)");
  cmd->add_option("--home", args->home,
                  "Client home (default: $BACKCHANNEL_HOME, else $XDG_DATA_HOME/backchannel)");
  cmd->add_option("--port", args->port, "Port on 127.0.0.1 (default 0: any free port)");
  cmd->add_flag("--no-browser", args->no_browser, "Only print the address; do not run xdg-open");
  cmd->add_option("--idle", args->idle,
                  "Lock (wipe the key) after this long without a request (default 15m)");
  cmd->footer(
      "Example:\n"
      "  backchannel app --home ~/envoy\n"
      "The first line is the address to open: its token works once, within 60 s.\n"
      "While the app is unlocked, CLI commands on the same home get the key from it.");
  cmd->callback([args, &context] {
    auto idle = ParseIdle(args->idle);
    if (!idle) return context.Fail(idle.error());
    // The web app server's holder opens the home itself (webapp/holder.h).
    decltype(webapp::HolderOptions::client) options;
    options.home = HomeDir(*args);
    auto lock = LockHomeForApp(options.home);
    if (!lock) return context.Fail(lock.error());

    // SIGINT and SIGTERM are taken by sigwait below, not by a handler: block
    // them before any thread starts, so every thread inherits the mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    ::signal(SIGCHLD, SIG_IGN);  // xdg-open's exit is not waited for

    webapp::SseHub hub;
    webapp::TokenIssuer tokens;
    webapp::SessionTable sessions(webapp::NewInstanceId());
    webapp::StaticFiles files(webapp::EmbeddedAssets());
    webapp::HolderOptions holder_options;
    holder_options.client = options;
    holder_options.idle = *idle;
    webapp::AppHolder holder(holder_options, hub);
    webapp::ApiRouter router(holder, tokens, sessions);
    webapp::ServerOptions server_options;
    server_options.port = args->port;
    server_options.api_queued = [&holder] { holder.Wake(); };
    holder.Start();
    webapp::Server server(server_options, router, sessions, files, hub, holder.executor());
    if (Status s = server.Start(); !s.ok()) {
      holder.Stop();
      return context.Fail(s);
    }
    const std::string url =
        "http://127.0.0.1:" + std::to_string(server.port()) + "/#token=" + tokens.Issue();
    context.out << "app: " << url << std::endl;
    if (!args->no_browser) OpenBrowser(url);

    int signal_number = 0;
    ::sigwait(&stop_signals, &signal_number);
    // Server first, then the worker (server.h "Lifetime"); the holder's
    // Stop locks: the key is wiped and the agent socket removed.
    server.Stop();
    holder.Stop();
    if (*lock >= 0) ::close(*lock);
    context.err << "app: stopped\n";
  });
}

}  // namespace backchannel::cli
