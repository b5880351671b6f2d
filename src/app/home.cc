#include "backchannel/app/home.h"

#include <unistd.h>

#include <cstdlib>

#include "backchannel/client/agent.h"
#include "backchannel/client/home.h"
#include "backchannel/client/local_store.h"

namespace backchannel::app {
namespace {

// The new passphrase: the file, else BACKCHANNEL_NEW_PASSPHRASE, else a
// prompt (twice). BACKCHANNEL_PASSPHRASE names the current one, so with it
// set and neither of the above there is nothing to prompt for without
// mixing the two up: a clear error instead.
Result<SecretBytes> ReadNewHomePassphrase(const PassphraseChangeRequest& request) {
  if (!request.new_passphrase_file.empty()) {
    return client::ReadPassphrase({request.new_passphrase_file, false});
  }
  if (const char* env = std::getenv("BACKCHANNEL_NEW_PASSPHRASE"); env != nullptr) {
    if (*env == '\0') return InvalidArgument("the new passphrase is empty");
    return SecretBytes(AsBytes(std::string_view(env)));
  }
  if (std::getenv("BACKCHANNEL_PASSPHRASE") != nullptr) {
    return InvalidArgument(
        "no new passphrase: give --new-passphrase-file FILE or set BACKCHANNEL_NEW_PASSPHRASE");
  }
  return client::ReadPassphrase({"", true, "New passphrase: "});
}

FeelersSettled SettledView(const feelers_client::FeelerReport& report) {
  FeelersSettled out;
  out.events = report.events;
  for (const auto& s : report.refused) out.refused.push_back(ErrorFrom(s));
  return out;
}

}  // namespace

std::string ResolveHomeDir(const std::string& given) {
  const char* env = std::getenv("BACKCHANNEL_HOME");
  return client::ResolveHome(!given.empty() || env == nullptr ? given : std::string(env));
}

Result<OpenedHome> OpenHome(const HomeAccess& access) {
  client::ClientOptions options;
  options.home = ResolveHomeDir(access.home);
  OpenedHome opened;
  BC_ASSIGN_OR_RETURN(opened.client,
                      client::OpenWithAgent(options, {access.passphrase_file, false}));
  opened.talks = std::make_unique<talks_client::TalksService>(*opened.client);
  opened.feelers = std::make_unique<feelers_client::FeelerService>(*opened.client);
  return opened;
}

Result<InitView> CreateHome(const HomeCreateRequest& request, bool* at_store) {
  if (at_store != nullptr) *at_store = false;
  BC_ASSIGN_OR_RETURN(SecretBytes pass,
                      client::ReadPassphrase({request.access.passphrase_file, true}));
  client::ClientOptions options;
  options.home = ResolveHomeDir(request.access.home);
  options.kdf_cost =
      request.kdf == "interactive" ? client::KdfCost::kInteractive : client::KdfCost::kModerate;
  auto made = InitHome(options, pass, request.init);
  if (!made) {
    if (at_store != nullptr) *at_store = true;
    return made.error();
  }
  return made->view;
}

Result<FeelersSettled> OpenedHome::SettleFeelers() {
  BC_ASSIGN_OR_RETURN(auto report, feelers->Settle());
  return SettledView(report);
}

Status OpenedHome::Listen(std::chrono::milliseconds duration,
                          const std::function<bool(const MessageView&)>& on_message,
                          const std::function<bool(const HappeningView&)>& on_happening,
                          const std::function<void(const Error&)>& on_refused,
                          const std::function<void(const ConnectionView&)>& on_connection,
                          const std::function<bool(const Result<FeelersSettled>&)>& on_feelers) {
  return talks->Listen(
      duration, [&](const client::StoredMessage& m) { return on_message(ViewOf(m)); },
      [&](const talks_client::Happening& h) {
        return on_happening(HappeningView{h.talks, h.text});
      },
      [&](const Status& refused) { on_refused(ErrorFrom(refused)); },
      [&](const client::ConnectionEvent& e) {
        const bool dropped = e.kind == client::ConnectionEvent::Kind::kDropped;
        on_connection(ConnectionView{dropped, dropped ? std::string(e.cause.message()) : ""});
      },
      [&]() { return on_feelers(SettleFeelers()); });
}

Status StartAgent(const AgentStartRequest& request,
                  const std::function<void(const AgentView&)>& started) {
  const std::string home = ResolveHomeDir(request.access.home);
  // Before the passphrase prompt: no point typing it for a second agent.
  if (auto running = client::QueryAgent(home); running.ok()) {
    return Status(StatusCode::kAlreadyExists, "an agent already serves " + home + " (pid " +
                                                  std::to_string(running->pid) +
                                                  "; `backchannel agent stop` ends it)");
  }
  Result<client::StoreKey> key = [&]() -> Result<client::StoreKey> {
    // The passphrase lives only in this scope: the agent process forked
    // below must not carry a copy of it.
    BC_ASSIGN_OR_RETURN(auto pass, client::ReadPassphrase({request.access.passphrase_file, false}));
    return client::LocalStore::DeriveStoreKey(client::StorePath(home), pass);
  }();
  if (!key) return key.error();
  client::AgentOptions options;
  options.idle = request.idle;
  const std::string socket = client::AgentSocketPath(home);
  if (request.foreground) {
    auto ran = client::RunAgentInForeground(
        home, std::move(*key), options, [&](const client::AgentServer&) {
          started(AgentView{static_cast<std::int64_t>(::getpid()), socket, 0});
        });
    if (!ran) return ran.error();
    return Status::Ok();
  }
  BC_ASSIGN_OR_RETURN(int pid, client::SpawnAgent(home, std::move(*key), options));
  started(AgentView{pid, socket, 0});
  return Status::Ok();
}

Result<AgentView> QueryAgentOf(const std::string& home) {
  BC_ASSIGN_OR_RETURN(auto info, client::QueryAgent(home));
  return AgentView{static_cast<std::int64_t>(info.pid), client::AgentSocketPath(home),
                   static_cast<std::uint64_t>(info.idle_left_ms)};
}

Status StopAgentOf(const std::string& home) { return client::StopAgent(home); }

PassphraseChangeOutcome ChangePassphrase(const PassphraseChangeRequest& request) {
  const std::string home = ResolveHomeDir(request.access.home);
  // The agent would go on serving a key that no longer opens the store.
  if (auto running = client::QueryAgent(home); running.ok()) {
    return {Status(StatusCode::kFailedPrecondition,
                   "an agent serves " + home + " (pid " + std::to_string(running->pid) +
                       ") with the current key; stop it first (`backchannel agent stop`), then "
                       "change the passphrase")};
  }
  auto old_pass =
      client::ReadPassphrase({request.access.passphrase_file, false, "Current passphrase: "});
  if (!old_pass) return {old_pass.error()};
  auto store = client::LocalStore::Open(client::StorePath(home), *old_pass);
  if (!store) return {store.error(), /*at_open=*/true};
  auto new_pass = ReadNewHomePassphrase(request);
  if (!new_pass) return {new_pass.error()};
  return {(*store)->ChangePassphrase(*new_pass)};
}

}  // namespace backchannel::app
