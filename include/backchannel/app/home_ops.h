// Creating a client home, as `backchannel init` does, for every face: the
// relay and its certificate pin are given, or taken from an invitation
// (which names the inviter's relay and pin, so a new user types neither).
#ifndef BACKCHANNEL_APP_HOME_OPS_H_
#define BACKCHANNEL_APP_HOME_OPS_H_

#include <memory>
#include <string>
#include <string_view>

#include "backchannel/app/json.h"
#include "backchannel/client/client.h"
#include "backchannel/common/result.h"
#include "backchannel/common/secret_bytes.h"

namespace backchannel::app {

struct InitRequest {
  std::string relay;       // HOST:PORT
  std::string pin;         // 64 hex digits
  std::string invitation;  // bc1-...: relay and pin from it instead
};

struct InitView {
  std::string home;
  std::string identity_key;  // hex: what the authority needs for a credential
  std::string relay;
  std::string mailbox;
};

struct InitedHome {
  std::unique_ptr<client::Client> client;
  InitView view;
};

// kInvalidArgument for neither or both of relay+pin and invitation, or a
// bad invitation; Client::Init's errors (kAlreadyExists for an existing
// home) otherwise. Nothing is left behind on failure.
Result<InitedHome> InitHome(const client::ClientOptions& options, const SecretBytes& passphrase,
                            const InitRequest& request);

// {"home", "identity_key", "relay", "mailbox"} ($defs/init).
Json ToJson(const InitView& view);

// The name the person gave when creating the home (the app's "Your name"),
// shown until a credential names them. Kept sealed in the store (app data
// "home", key "chosen_name": encrypted under the store key like every app
// value). The same rule as a credential's display name: 1 to 128 bytes of
// UTF-8 without control characters, else kInvalidArgument.
Status CheckChosenName(std::string_view name);
Status StoreChosenName(client::Client& client, std::string_view name);
// Empty when none was given.
Result<std::string> ChosenName(client::Client& client);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_HOME_OPS_H_
