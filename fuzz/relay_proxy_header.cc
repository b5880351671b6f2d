// Fuzz target: the PROXY protocol v2 decoder (src/relay/server/proxy_protocol.h)
// the relay runs on a trusted balancer's connections, fed the way the
// server feeds it: the 16 fixed bytes, then exactly the announced rest.
#include <cstdint>
#include <cstdlib>

#include "relay/server/proxy_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel::relay;
  if (size < kProxyV2FixedBytes) return 0;
  const backchannel::ByteView fixed(data, kProxyV2FixedBytes);
  auto length = ProxyV2RestLength(fixed);
  if (!length.ok()) return 0;
  if (*length > kProxyV2MaxRest) std::abort();
  if (size - kProxyV2FixedBytes < *length) return 0;
  auto header = ParseProxyV2(fixed, backchannel::ByteView(data + kProxyV2FixedBytes, *length));
  // An INET source is an IPv4-mapped address.
  if (header.ok() && header->source && (data[13] >> 4) == 1 &&
      ((*header->source)[10] != 0xff || (*header->source)[11] != 0xff)) {
    std::abort();
  }
  return 0;
}
