// The names and checks local_store.h declares that need no store: directions,
// delivery states, app names (the payload codec and its fuzzer use them too).
#include <algorithm>

#include "client/local_store_impl.h"

namespace backchannel::client {

std::string_view DirectionName(Direction d) {
  switch (d) {
    case Direction::kIn:
      return "in";
    case Direction::kOut:
      return "out";
    case Direction::kSystem:
      return "system";
  }
  return "in";
}

std::string_view DeliveryName(Delivery d) {
  switch (d) {
    case Delivery::kNone:
      return "";
    case Delivery::kQueued:
      return "queued";
    case Delivery::kSent:
      return "sent";
    case Delivery::kCancelled:
      return "cancelled";
  }
  return "";
}

Direction ParseDirection(std::string_view s) {
  if (s == "out") return Direction::kOut;
  if (s == "system") return Direction::kSystem;
  return Direction::kIn;
}
Delivery ParseDelivery(std::string_view s) {
  if (s == "queued") return Delivery::kQueued;
  if (s == "sent") return Delivery::kSent;
  if (s == "cancelled") return Delivery::kCancelled;
  return Delivery::kNone;
}

bool IsValidAppName(std::string_view name) {
  if (name.empty() || name.size() > kMaxAppNameSize) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
}

}  // namespace backchannel::client
