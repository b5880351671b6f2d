// What the API router asks of the process that holds the home (the app
// holder, holder.h). Every call runs on the holder's one worker thread
// (Server posts it there), so the client is used by one thread at a time.
#ifndef BACKCHANNEL_WEBAPP_BACKEND_H_
#define BACKCHANNEL_WEBAPP_BACKEND_H_

#include <string>

#include "backchannel/app/json.h"
#include "backchannel/app/request.h"
#include "backchannel/common/result.h"
#include "backchannel/common/secret_bytes.h"

namespace backchannel::webapp {

struct InitInput {
  std::string display_name;  // shown until a credential names us
  SecretBytes passphrase;
  std::string relay;       // HOST:PORT
  std::string pin;         // 64 hex
  std::string invitation;  // bc1-...: the relay and pin are taken from it
};

class AppBackend {
 public:
  AppBackend() = default;
  virtual ~AppBackend() = default;
  AppBackend(const AppBackend&) = delete;
  AppBackend& operator=(const AppBackend&) = delete;
  AppBackend(AppBackend&&) = delete;
  AppBackend& operator=(AppBackend&&) = delete;
  // {"home", "exists", "unlocked", "relay": {"reachable", "error", "queued_out"}}
  virtual app::Json State() = 0;
  // Creates the home as `backchannel init` does and leaves it unlocked; the
  // status view.
  virtual Result<app::Json> Init(const InitInput& input) = 0;
  // kPermissionDenied (wrong passphrase), kNotFound (no store).
  virtual Status Unlock(const SecretBytes& passphrase) = 0;
  virtual void Lock() = 0;
  virtual Status Passwd(const SecretBytes& old_passphrase, const SecretBytes& new_passphrase) = 0;
  // app::Execute's body; kFailedPrecondition "unlock first" while locked.
  virtual Result<app::Json> Run(const app::Request& request) = 0;
  virtual bool unlocked() = 0;
  // The browser did something: the idle timer starts again.
  virtual void Touch() = 0;
  // An /api job has reached the worker (the server counted it in with its
  // `api_queued` call, the holder's Wake): the holder's next relay listen
  // may start once no job waits. Called first for every /api request.
  virtual void Dequeued() {}
};

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_BACKEND_H_
