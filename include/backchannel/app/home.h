// A client home for the faces: where it is, opening it with every
// application service attached, and what a face does with the home as a
// whole (the agent that holds the unlocked store key, changing the
// passphrase). docs/app-api.md, docs/cli.md ("Channel commands").
//
// Thread safety: an OpenedHome is used from one thread at a time, as its
// client requires; the free functions are reentrant except the passphrase
// prompt, which owns the terminal while it runs.
#ifndef BACKCHANNEL_APP_HOME_H_
#define BACKCHANNEL_APP_HOME_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backchannel/app/channel.h"
#include "backchannel/app/error.h"
#include "backchannel/app/home_ops.h"
#include "backchannel/common/result.h"

namespace backchannel::app {

// Where a face found the home and how to unlock it.
struct HomeAccess {
  std::string home;             // as given (--home); empty: BACKCHANNEL_HOME, else the default
  std::string passphrase_file;  // else BACKCHANNEL_PASSPHRASE, else a prompt
};

// --home, then BACKCHANNEL_HOME, then $XDG_DATA_HOME/backchannel.
std::string ResolveHomeDir(const std::string& given);

// What the feelers did after messages arrived: for people, and refusals.
struct FeelersSettled {
  std::vector<std::string> events;
  std::vector<Error> refused;
};

// The relay connection of a long listen dropped (with why) or came back.
struct ConnectionView {
  bool dropped = false;
  std::string cause;  // dropped only
};

// An opened client with every application handler registered (talks and
// feelers), so that no operation (a receive included) refuses a talks or
// feeler message for want of a handler. The services are declared after
// the client: they are destroyed before it.
struct OpenedHome {
  std::unique_ptr<client::Client> client;
  std::unique_ptr<talks_client::TalksService> talks;
  std::unique_ptr<feelers_client::FeelerService> feelers;

  // The application core's channel operations on this home.
  Channel channel() const { return {*client, *talks, feelers.get()}; }
  // Posts what pushed or synced feeler messages answer (a receive handler
  // may not send) and reports what the feelers did.
  Result<FeelersSettled> SettleFeelers();
  // Streams what arrives for `duration` (0: until a callback returns
  // false): each message, each talks happening, refusals, connection
  // changes; after each event the feelers are settled and `on_feelers`
  // told (returning false stops too).
  Status Listen(std::chrono::milliseconds duration,
                const std::function<bool(const MessageView&)>& on_message,
                const std::function<bool(const HappeningView&)>& on_happening,
                const std::function<void(const Error&)>& on_refused,
                const std::function<void(const ConnectionView&)>& on_connection,
                const std::function<bool(const Result<FeelersSettled>&)>& on_feelers);
};

// With the key the home's agent holds when one runs (no passphrase, no
// Argon2id), else the passphrase. Errors as opening a client: kNotFound for
// no store, kPermissionDenied for a wrong passphrase (ErrorFromOpen).
Result<OpenedHome> OpenHome(const HomeAccess& access);

// Creates a home (InitHome) after reading the new passphrase twice (file,
// BACKCHANNEL_PASSPHRASE, or a prompt). `kdf`: moderate or interactive
// (tests). `at_store` (may be null) is set when the failure came from
// creating the store, which a face reports as it reports a failure to open
// one (ErrorFromOpen), rather than from reading the passphrase.
struct HomeCreateRequest {
  HomeAccess access;
  std::string kdf = "moderate";
  InitRequest init;
};
Result<InitView> CreateHome(const HomeCreateRequest& request, bool* at_store);

// ---- the agent (client/agent.h) ----

struct AgentView {
  std::int64_t pid = 0;
  std::string socket;
  std::uint64_t idle_left_ms = 0;  // status only
};

struct AgentStartRequest {
  HomeAccess access;
  std::chrono::seconds idle{15 * 60};
  bool foreground = false;  // serve in this process until stopped
};

// Refuses (kAlreadyExists) before the passphrase is read when an agent
// serves the home already; derives the store key, then starts the agent in
// the background or, with `foreground`, in this process. `started` is told
// the agent's pid and socket as soon as it serves.
Status StartAgent(const AgentStartRequest& request,
                  const std::function<void(const AgentView&)>& started);
// kUnavailable when no agent answers.
Result<AgentView> QueryAgentOf(const std::string& home);
Status StopAgentOf(const std::string& home);

// ---- the passphrase ----

struct PassphraseChangeRequest {
  HomeAccess access;                // the current passphrase
  std::string new_passphrase_file;  // else BACKCHANNEL_NEW_PASSPHRASE, else a prompt (twice)
};

struct PassphraseChangeOutcome {
  Status status;
  bool at_open = false;  // the failure came from opening the store (ErrorFromOpen)
};

// The store key changes and every encrypted field is re-sealed under it in
// one transaction: on failure nothing changed. Refused (kFailedPrecondition)
// while an agent serves the old key.
PassphraseChangeOutcome ChangePassphrase(const PassphraseChangeRequest& request);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_HOME_H_
