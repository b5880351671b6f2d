// Fuzz target: the serialized state of the moves state machine. Whatever
// restores must serialize back to a state that restores to the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "backchannel/negotiation/moves.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using backchannel::negotiation::Negotiation;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = Negotiation::FromJson(text);
  if (!state) return 0;
  const std::string json = state->ToJson();
  auto again = Negotiation::FromJson(json);
  if (!again || again->ToJson() != json) std::abort();
  return 0;
}
