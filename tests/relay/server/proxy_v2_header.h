// Builds a PROXY protocol v2 header (HAProxy's specification, section 2.2)
// for tests: PROXY command over TCP from `source` (IPv4 or IPv6 text) to a
// fixed destination, with `tlvs` appended.
#ifndef BACKCHANNEL_TESTS_RELAY_SERVER_PROXY_V2_HEADER_H_
#define BACKCHANNEL_TESTS_RELAY_SERVER_PROXY_V2_HEADER_H_

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <string>

namespace backchannel::relay::testing {

inline std::string ProxyV2Header(const std::string& source, const std::string& tlvs = "") {
  std::string h("\x0D\x0A\x0D\x0A\x00\x0D\x0A\x51\x55\x49\x54\x0A", 12);
  std::array<std::uint8_t, 16> addr{};
  std::string block;
  if (inet_pton(AF_INET, source.c_str(), addr.data()) == 1) {
    h += '\x21';  // version 2, PROXY
    h += '\x11';  // INET, STREAM
    block.append(reinterpret_cast<const char*>(addr.data()), 4);
    block += std::string("\xC0\x00\x02\x01", 4);  // destination 192.0.2.1
  } else {
    inet_pton(AF_INET6, source.c_str(), addr.data());
    h += '\x21';
    h += '\x21';  // INET6, STREAM
    block.append(reinterpret_cast<const char*>(addr.data()), 16);
    block += std::string(15, '\0') + '\x01';  // destination ::1
  }
  block += std::string("\x9C\x40\x01\xBB", 4);  // ports 40000 -> 443
  block += tlvs;
  h += static_cast<char>(block.size() >> 8);
  h += static_cast<char>(block.size() & 0xff);
  return h + block;
}

}  // namespace backchannel::relay::testing

#endif  // BACKCHANNEL_TESTS_RELAY_SERVER_PROXY_V2_HEADER_H_
