// `backchannel agent start|status|stop` (docs/cli.md, "Channel commands"): a process
// that holds one home's unlocked store key so the commands after it skip
// the passphrase and Argon2id (app/home.h, client/agent.h). Every other command uses a
// running agent through OpenClient (client_common.cc) and falls back to the
// passphrase without one.
#include <cstdint>
#include <memory>
#include <string>

#include "backchannel/app/home.h"
#include "cli/app_lock.h"
#include "cli/cli.h"
#include "cli/client_common.h"
#include "cli/inputs.h"

namespace backchannel::cli {
namespace {

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
    app::AgentStartRequest request;
    request.access = Access(*start);
    request.idle = *idle;
    request.foreground = start->foreground;
    Status started = app::StartAgent(request, [&](const app::AgentView& agent) {
      if (start->json) {
        context.Emit(app::Json{
            {"pid", agent.pid}, {"socket", agent.socket}, {"idle_seconds", idle->count()}});
      } else {
        context.out << "Agent started (pid " << agent.pid << "), socket " << agent.socket
                    << ", idle timeout " << start->idle << "\n";
      }
      context.out.flush();
    });
    if (!started.ok()) return context.Fail(started);
  });

  // ---- agent status ----
  auto status = std::make_shared<Common>();
  CLI::App* status_cmd =
      group->add_subcommand("status", "Whether an agent serves this home, and its idle time left");
  AddCommon(status_cmd, *status);
  status_cmd->callback([status, &context] {
    const std::string home = HomeDir(*status);
    auto info = app::QueryAgentOf(home);
    if (!info) {
      return context.Fail(app::Error{"not_found", "no agent serves " + home}, kExitFailed);
    }
    if (status->json) {
      context.Emit(app::Json{{"running", true},
                             {"pid", info->pid},
                             {"socket", info->socket},
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
    const std::string home = HomeDir(*stop);
    // The app serves the agent socket from its own process while unlocked:
    // stopping it would leave the app unlocked with CLI commands asking for
    // the passphrase; the app ends it by locking.
    if (auto agent = app::QueryAgentOf(home); agent.ok()) {
      if (auto app_pid = RunningAppPid(home);
          app_pid && *app_pid == static_cast<std::int64_t>(agent->pid)) {
        return context.Fail(FailedPrecondition(
            "the agent of " + home + " is the running app's (pid " + std::to_string(*app_pid) +
            "): lock the app in its page (\"Passphrase and lock\" → Lock), which wipes the "
            "key and ends the agent, or stop the app"));
      }
    }
    Status stopped = app::StopAgentOf(home);
    if (!stopped.ok()) return context.Fail(stopped);
    if (stop->json) {
      context.Emit(app::Json{{"stopped", true}});
    } else {
      context.out << "Agent stopped; the key is wiped\n";
    }
  });
}

}  // namespace backchannel::cli
