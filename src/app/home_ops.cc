// Creating a home (home_ops.h).
#include "backchannel/app/home_ops.h"

#include "backchannel/common/utf8.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/identity/credential.h"
#include "backchannel/identity/invitation.h"

namespace backchannel::app {

Result<InitedHome> InitHome(const client::ClientOptions& options, const SecretBytes& passphrase,
                            const InitRequest& request) {
  client::InitParams params{request.relay, {}};
  if (!request.invitation.empty()) {
    if (!request.relay.empty() || !request.pin.empty()) {
      return InvalidArgument("give relay and pin, or an invitation, not both");
    }
    BC_ASSIGN_OR_RETURN(auto invitation, identity::InvitationFromText(request.invitation));
    params.relay_address = invitation.relay_address;
    params.relay_pin = invitation.relay_certificate_sha256;
    params.relay_next_pin = invitation.relay_next_certificate_sha256;
  } else if (request.relay.empty() || request.pin.empty()) {
    return InvalidArgument("relay and pin are required (or an invitation to take them from)");
  } else {
    auto pin = FromHexFixed<CertificatePin>(request.pin);
    if (!pin.ok()) return InvalidArgument("relay certificate pin must be 64 hex digits");
    params.relay_pin = *pin;
  }
  InitedHome out;
  BC_ASSIGN_OR_RETURN(out.client, client::Client::Init(options, passphrase, params));
  BC_ASSIGN_OR_RETURN(auto status, out.client->GetStatus());
  // The view is the edge where the id becomes text: base64url, as in the relay's URLs.
  out.view = InitView{options.home, status.identity_key, status.relay,
                      ToBase64(status.mailbox, Base64Variant::kUrlSafeNoPadding)};
  return out;
}

namespace {
constexpr const char* kHomeApp = "home";
constexpr const char* kChosenNameKey = "chosen_name";
}  // namespace

Status CheckChosenName(std::string_view name) {
  if (name.empty() || name.size() > identity::kMaxDisplayNameSize) {
    return InvalidArgument("your name must be 1 to " +
                           std::to_string(identity::kMaxDisplayNameSize) + " bytes long");
  }
  if (!IsCleanUtf8(name)) {
    return InvalidArgument("your name must be UTF-8 without control characters");
  }
  return Status::Ok();
}

Status StoreChosenName(client::Client& client, std::string_view name) {
  BC_RETURN_IF_ERROR(CheckChosenName(name));
  return client.AppStoreFor(kHomeApp).Put(kChosenNameKey, AsBytes(name));
}

Result<std::string> ChosenName(client::Client& client) {
  BC_ASSIGN_OR_RETURN(auto stored, client.AppStoreFor(kHomeApp).Get(kChosenNameKey));
  if (!stored) return std::string();
  return std::string(AsString(*stored));
}

Json ToJson(const InitView& v) {
  return Json{{"home", v.home},
              {"identity_key", v.identity_key},
              {"relay", v.relay},
              {"mailbox", v.mailbox}};
}

}  // namespace backchannel::app
