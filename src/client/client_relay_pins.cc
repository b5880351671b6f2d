// Our relay's pin rollover (docs/relay.md, "Pin rollover"): the relay
// announces the certificate it will serve next on GET /v1/pins; we learn it
// over a connection our pin verified, accept a certificate matching either,
// promote the next pin once the relay serves it, and tell our contacts (a
// hello with our address) so their copy of our address follows.
#include <charconv>

#include "client/client_impl.h"

namespace backchannel::client {
namespace {

// When the pins were last read: settings key, milliseconds since the epoch.
constexpr std::string_view kRelayPinsCheckedSetting = "relay_pins_checked_ms";
// How often the pins are read again: an operator announces a next
// certificate weeks before the switch (docs/relay.md), so a day is plenty.
constexpr std::int64_t kRelayPinsCheckIntervalMs = std::int64_t{24} * 3600 * 1000;

std::optional<std::int64_t> PinsCheckedMs(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::int64_t v = 0;
  const char* end = text->data() + text->size();
  auto [p, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

}  // namespace

Status Client::Impl::MaintainRelayPins(bool force) {
  const std::int64_t now = NowMs();
  if (!force) {
    BC_ASSIGN_OR_RETURN(auto text, store().GetSetting(std::string(kRelayPinsCheckedSetting)));
    const auto checked = PinsCheckedMs(text);
    // A clock set back is a reason to look again, not to wait.
    if (checked && *checked <= now && now - *checked < kRelayPinsCheckIntervalMs) {
      return Status::Ok();
    }
  }
  auto pins = OwnRelay().GetPins();
  if (!pins) {
    // The request that follows reports the failure. A certificate matching
    // neither pin is looked at again next time; anything else (unreachable,
    // a relay without /v1/pins, which announces no rollover) is noted as a
    // look, so an offline client does not wait out a timeout twice per call.
    if (pins.error().code() == StatusCode::kUntrusted) return Status::Ok();
    return store().PutSetting(std::string(kRelayPinsCheckedSetting), std::to_string(now));
  }
  RelayConfig updated{relay.address,        relay.pin,     relay.mailbox, relay.auth_key.Clone(),
                      relay.delivery_token, relay.next_pin};
  if (pins->current == relay.pin) {
    updated.next_pin = pins->next;  // announced, changed or withdrawn
  } else if (relay.next_pin && pins->current == *relay.next_pin) {
    updated.pin = pins->current;  // the switch happened: promote
    updated.next_pin = pins->next;
  }
  // Else the relay names a certificate we were never told of; the
  // connection was verified by one of our pins, so it is our relay, but
  // nothing it says replaces a pin the user or an invitation gave.
  const bool changed = updated.pin != relay.pin || updated.next_pin != relay.next_pin;
  auto cred = OwnCredentialBytes();
  BC_RETURN_IF_ERROR(store().Transaction([&]() -> Status {
    BC_RETURN_IF_ERROR(
        store().PutSetting(std::string(kRelayPinsCheckedSetting), std::to_string(now)));
    if (!changed) return Status::Ok();
    BC_RETURN_IF_ERROR(store().PutRelayConfig(updated));
    relay.pin = updated.pin;
    relay.next_pin = updated.next_pin;
    if (!cred) return Status::Ok();  // no credential yet: no contacts to tell
    BC_ASSIGN_OR_RETURN(auto contacts, store().ListContacts());
    for (const auto& contact : contacts) {
      if (contact.session.empty()) continue;
      Payload hello = Hello{*cred, OwnAddress(), "", {}};
      BC_RETURN_IF_ERROR(Enqueue(contact.name, hello, std::nullopt).status());
    }
    return Status::Ok();
  }));
  return Status::Ok();
}

}  // namespace backchannel::client
