// `backchannel agent start|status|stop` (docs/cli.md, "Channel commands"): a process
// that holds one home's unlocked store key so the commands after it skip
// the passphrase and Argon2id (client/agent.h). Every other command uses a
// running agent through OpenClient (client_common.cc) and falls back to the
// passphrase without one.
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "backchannel/client/agent.h"
#include "backchannel/client/home.h"
#include "backchannel/client/local_store.h"
#include "cli/app_lock.h"
#include "cli/cli.h"
#include "cli/client_common.h"
#include "cli/inputs.h"

namespace backchannel::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string Minutes(std::uint64_t ms) {
  const std::uint64_t s = (ms + 999) / 1000;
  return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
}

}  // namespace

void RegisterAgentCommands(CLI::App& app, Context& context) {
  CLI::App* group = app.add_subcommand(
      "agent", "Unlock once: an agent holds the store key for the commands that follow");
  group->require_subcommand(1);

  // ---- agent start ----
  struct StartArgs : Common {
    std::string idle = "15m";
    bool foreground = false;
  };
  auto start = std::make_shared<StartArgs>();
  CLI::App* start_cmd = group->add_subcommand(
      "start", "Read the passphrase once and serve the store key on <home>/agent.sock");
  AddCommon(start_cmd, *start);
  start_cmd->add_option("--idle", start->idle,
                        "Wipe the key and exit after this long without a command (default 15m)");
  start_cmd->add_flag("--foreground", start->foreground,
                      "Stay attached to the terminal instead of running in the background");
  start_cmd->callback([start, &context] {
    auto idle = ParseIdle(start->idle);
    if (!idle) return context.Fail(idle.error());
    const std::string home = Options(*start).home;
    // Before the passphrase prompt: no point typing it for a second agent.
    if (auto running = client::QueryAgent(home); running.ok()) {
      return context.Fail(
          Status(StatusCode::kAlreadyExists, "an agent already serves " + home + " (pid " +
                                                 std::to_string(running->pid) +
                                                 "; `backchannel agent stop` ends it)"));
    }
    Result<client::StoreKey> key = [&]() -> Result<client::StoreKey> {
      // The passphrase lives only in this scope: the agent process forked
      // below must not carry a copy of it.
      BC_ASSIGN_OR_RETURN(auto pass, client::ReadPassphrase({start->passphrase_file, false}));
      return client::LocalStore::DeriveStoreKey(client::StorePath(home), pass);
    }();
    if (!key) return context.Fail(key.error());
    client::AgentOptions options;
    options.idle = *idle;
    const std::string socket = client::AgentSocketPath(home);
    auto print = [&](std::int64_t pid) {
      if (start->json) {
        context.Emit(app::Json{{"pid", pid}, {"socket", socket}, {"idle_seconds", idle->count()}});
      } else {
        context.out << "Agent started (pid " << pid << "), socket " << socket << ", idle timeout "
                    << start->idle << "\n";
      }
      context.out.flush();
    };
    if (start->foreground) {
      auto ran = client::RunAgentInForeground(
          home, std::move(*key), options,
          [&](const client::AgentServer&) { print(static_cast<std::int64_t>(::getpid())); });
      if (!ran) return context.Fail(ran.error());
      return;
    }
    auto pid = client::SpawnAgent(home, std::move(*key), options);
    if (!pid) return context.Fail(pid.error());
    print(*pid);
  });

  // ---- agent status ----
  auto status = std::make_shared<Common>();
  CLI::App* status_cmd =
      group->add_subcommand("status", "Whether an agent serves this home, and its idle time left");
  AddCommon(status_cmd, *status);
  status_cmd->callback([status, &context] {
    const std::string home = Options(*status).home;
    auto info = client::QueryAgent(home);
    if (!info) {
      return context.Fail(app::Error{"not_found", "no agent serves " + home}, kExitFailed);
    }
    if (status->json) {
      context.Emit(app::Json{{"running", true},
                             {"pid", info->pid},
                             {"socket", client::AgentSocketPath(home)},
                             {"idle_left_ms", info->idle_left_ms}});
      return;
    }
    context.out << "Agent running (pid " << info->pid << "), key wiped in "
                << Minutes(info->idle_left_ms) << " unless used\n";
  });

  // ---- agent stop ----
  auto stop = std::make_shared<Common>();
  CLI::App* stop_cmd = group->add_subcommand("stop", "Wipe the key and end the agent");
  AddCommon(stop_cmd, *stop);
  stop_cmd->callback([stop, &context] {
    const std::string home = Options(*stop).home;
    // The app serves the agent socket from its own process while unlocked:
    // stopping it would leave the app unlocked with CLI commands asking for
    // the passphrase; the app ends it by locking.
    if (auto agent = client::QueryAgent(home); agent.ok()) {
      if (auto app_pid = RunningAppPid(home);
          app_pid && *app_pid == static_cast<std::int64_t>(agent->pid)) {
        return context.Fail(FailedPrecondition(
            "the agent of " + home + " is the running app's (pid " + std::to_string(*app_pid) +
            "): lock the app in its page (\"Passphrase and lock\" → Lock), which wipes the "
            "key and ends the agent, or stop the app"));
      }
    }
    Status stopped = client::StopAgent(home);
    if (!stopped.ok()) return context.Fail(stopped);
    if (stop->json) {
      context.Emit(app::Json{{"stopped", true}});
    } else {
      context.out << "Agent stopped; the key is wiped\n";
    }
  });
}

}  // namespace backchannel::cli
