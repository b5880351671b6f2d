// Fuzz target: backchanneld's configuration file decoder
// (src/relay/server/config.h): toml++'s parser and the strict key checks.
// A file that decodes must name a store the store parser accepts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "relay/server/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel::relay;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = ParseRelayConfig(text);
  if (config.ok() && config->store && !ParseStoreSpec(*config->store).ok()) std::abort();
  if (config.ok() && config->threads && (*config->threads < 1 || *config->threads > 64)) {
    std::abort();
  }
  (void)ParseStoreSpec(text);
  (void)RedactedStoreSpec(text);
  return 0;
}
