#include "relay/server/proxy_protocol.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace backchannel::relay {
namespace {

// Section 2.2: the signature, then version and command, family and
// transport, and the length of the rest in network byte order.
constexpr std::array<std::uint8_t, 12> kSignature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                                     0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
constexpr std::uint8_t kVersion2 = 0x2;
constexpr std::uint8_t kCommandLocal = 0x0;
constexpr std::uint8_t kCommandProxy = 0x1;
constexpr std::uint8_t kFamilyInet = 0x1;
constexpr std::uint8_t kFamilyInet6 = 0x2;
// The address blocks: source, destination, source port, destination port.
constexpr std::size_t kInetBlock = 4 + 4 + 2 + 2;
constexpr std::size_t kInet6Block = 16 + 16 + 2 + 2;

}  // namespace

Result<std::size_t> ProxyV2RestLength(ByteView fixed) {
  if (fixed.size() != kProxyV2FixedBytes ||
      !std::equal(kSignature.begin(), kSignature.end(), fixed.begin())) {
    return InvalidArgument("not a PROXY protocol v2 header");
  }
  if ((fixed[12] >> 4) != kVersion2) return InvalidArgument("PROXY protocol version is not 2");
  const std::size_t rest = (static_cast<std::size_t>(fixed[14]) << 8) | fixed[15];
  if (rest > kProxyV2MaxRest) return InvalidArgument("PROXY protocol header too long");
  return rest;
}

Result<ProxyHeader> ParseProxyV2(ByteView fixed, ByteView rest) {
  auto length = ProxyV2RestLength(fixed);
  if (!length.ok()) return length.error();
  if (rest.size() != *length) return InvalidArgument("PROXY protocol header truncated");
  const std::uint8_t command = fixed[12] & 0x0F;
  const std::uint8_t family = fixed[13] >> 4;
  ProxyHeader out;
  if (command == kCommandLocal) return out;
  if (command != kCommandProxy) return InvalidArgument("unknown PROXY protocol command");
  std::array<std::uint8_t, 16> source{};
  if (family == kFamilyInet) {
    if (rest.size() < kInetBlock) return InvalidArgument("PROXY protocol INET block truncated");
    source[10] = 0xff;
    source[11] = 0xff;
    std::copy(rest.begin(), rest.begin() + 4, source.begin() + 12);
    out.source = source;
  } else if (family == kFamilyInet6) {
    if (rest.size() < kInet6Block) return InvalidArgument("PROXY protocol INET6 block truncated");
    std::copy(rest.begin(), rest.begin() + 16, source.begin());
    out.source = source;
  }
  // UNSPEC and UNIX: no client address to count by (the spec says to use
  // the connection's own).
  return out;
}

Result<TrustedNetwork> ParseTrustedNetwork(std::string_view text) {
  const auto bad = [&] {
    return InvalidArgument("not an IP address or network: '" + std::string(text) + "'");
  };
  const std::size_t slash = text.find('/');
  const std::string host(text.substr(0, slash));
  TrustedNetwork n;
  int max_bits = 128;
  int offset = 0;
  std::array<std::uint8_t, 4> v4{};
  if (inet_pton(AF_INET, host.c_str(), v4.data()) == 1) {
    n.address[10] = 0xff;
    n.address[11] = 0xff;
    std::copy(v4.begin(), v4.end(), n.address.begin() + 12);
    max_bits = 32;
    offset = 96;
  } else if (inet_pton(AF_INET6, host.c_str(), n.address.data()) != 1) {
    return bad();
  }
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view b = text.substr(slash + 1);
    auto [p, ec] = std::from_chars(b.data(), b.data() + b.size(), bits);
    if (b.empty() || ec != std::errc() || p != b.data() + b.size() || bits < 0 || bits > max_bits) {
      return bad();
    }
  }
  n.prefix_bits = offset + bits;
  return n;
}

bool Contains(const TrustedNetwork& network, const std::array<std::uint8_t, 16>& address) {
  int bits = network.prefix_bits;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const auto mask = static_cast<std::uint8_t>(bits >= 8 ? 0xff : (0xff << (8 - bits)));
    if ((network.address[i] & mask) != (address[i] & mask)) return false;
  }
  return true;
}

}  // namespace backchannel::relay
