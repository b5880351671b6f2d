// The PROXY protocol version 2 header (HAProxy, "The PROXY protocol",
// section 2.2: https://www.haproxy.org/download/2.8/doc/proxy-protocol.txt),
// which a load balancer in front of the relay sends before the client's
// bytes, so that the per-address limits count the client and not the
// balancer. Accepted only from the addresses given with --trusted-proxy.
//
// A decoder only: the server reads the 16-byte fixed part, then the
// announced length, and hands both here.
#ifndef BACKCHANNEL_RELAY_SERVER_PROXY_PROTOCOL_H_
#define BACKCHANNEL_RELAY_SERVER_PROXY_PROTOCOL_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"

namespace backchannel::relay {

inline constexpr std::size_t kProxyV2FixedBytes = 16;
// The most address-and-TLV bytes the relay accepts after the fixed part (the
// specification allows 65,535; an IPv6 address block is 36 and balancers add
// a few TLVs).
inline constexpr std::size_t kProxyV2MaxRest = 512;

struct ProxyHeader {
  // The original client's address: 16 bytes (IPv4 as IPv4-mapped IPv6).
  // nullopt for a LOCAL command (the balancer's own health check) or an
  // address family other than INET and INET6: the connection is then
  // counted under the balancer's address.
  std::optional<std::array<std::uint8_t, 16>> source;
};

// The length of what follows the fixed part, from its 16 bytes; kInvalidArgument
// when they are not a version 2 header or announce more than kProxyV2MaxRest.
Result<std::size_t> ProxyV2RestLength(ByteView fixed);
// The whole header: the 16 fixed bytes and the `ProxyV2RestLength` bytes
// after them. kInvalidArgument for a malformed or truncated one.
Result<ProxyHeader> ParseProxyV2(ByteView fixed, ByteView rest);

// An address or network the relay accepts PROXY headers from: "192.0.2.10",
// "10.0.0.0/8", "2001:db8::/32". Addresses are held as IPv6 (IPv4 mapped).
struct TrustedNetwork {
  std::array<std::uint8_t, 16> address{};
  int prefix_bits = 128;
};
// kInvalidArgument (naming the text) for anything else.
Result<TrustedNetwork> ParseTrustedNetwork(std::string_view text);
bool Contains(const TrustedNetwork& network, const std::array<std::uint8_t, 16>& address);

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_SERVER_PROXY_PROTOCOL_H_
