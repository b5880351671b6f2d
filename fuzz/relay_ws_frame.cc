// Fuzz target: the relay's decoder of WebSocket client frames
// ({"type":"ack","id":...}).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "backchannel/relay/router.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto m = backchannel::relay::DecodeWsClientMessage(text);
  // A decoded ack re-encodes to an id that decodes to the same bytes.
  if (m.ok()) {
    auto again = backchannel::relay::MessageIdFromString(backchannel::relay::IdToString(m->id));
    if (!again.ok() || *again != m->id) std::abort();
  }
  return 0;
}
