// The PROXY protocol v2 decoder and the trusted-network parser, against
// headers laid out as the specification's section 2.2 describes them.
#include "relay/server/proxy_protocol.h"

#include <gtest/gtest.h>

#include <string>

#include "relay/server/proxy_v2_header.h"

namespace backchannel::relay {
namespace {

using testing::ProxyV2Header;

Result<ProxyHeader> Parse(const std::string& h) {
  const ByteView all = AsBytes(h);
  if (all.size() < kProxyV2FixedBytes) return InvalidArgument("short");
  return ParseProxyV2(all.subspan(0, kProxyV2FixedBytes), all.subspan(kProxyV2FixedBytes));
}

TEST(ProxyProtocolTest, Ipv4AndIpv6SourcesAreRead) {
  auto v4 = Parse(ProxyV2Header("198.51.100.7"));
  ASSERT_TRUE(v4.ok()) << v4.error();
  ASSERT_TRUE(v4->source);
  const std::array<std::uint8_t, 16> want4 = {0, 0, 0,    0,    0,   0,  0,   0,
                                              0, 0, 0xff, 0xff, 198, 51, 100, 7};
  EXPECT_EQ(*v4->source, want4);
  auto v6 = Parse(ProxyV2Header("2001:db8::1"));
  ASSERT_TRUE(v6.ok()) << v6.error();
  ASSERT_TRUE(v6->source);
  EXPECT_EQ((*v6->source)[0], 0x20);
  EXPECT_EQ((*v6->source)[15], 0x01);
}

TEST(ProxyProtocolTest, LocalCommandAndTlvsAreAccepted) {
  std::string local = ProxyV2Header("198.51.100.7");
  local[12] = 0x20;  // version 2, LOCAL
  auto l = Parse(local);
  ASSERT_TRUE(l.ok()) << l.error();
  EXPECT_FALSE(l->source);
  auto with_tlv = Parse(ProxyV2Header("198.51.100.7", std::string("\x04\x00\x02ok", 5)));
  ASSERT_TRUE(with_tlv.ok()) << with_tlv.error();
  EXPECT_TRUE(with_tlv->source);
}

TEST(ProxyProtocolTest, MalformedHeadersAreRefused) {
  const std::string good = ProxyV2Header("198.51.100.7");
  std::string bad_sig = good;
  bad_sig[0] = 'G';
  EXPECT_EQ(Parse(bad_sig).error().code(), StatusCode::kInvalidArgument);
  std::string v1 = good;
  v1[12] = 0x11;  // version 1 in the binary format
  EXPECT_EQ(Parse(v1).error().code(), StatusCode::kInvalidArgument);
  std::string unknown_command = good;
  unknown_command[12] = 0x2F;
  EXPECT_EQ(Parse(unknown_command).error().code(), StatusCode::kInvalidArgument);
  std::string too_long = good;
  too_long[14] = 0x02;  // 512 + 12 announced
  EXPECT_EQ(ProxyV2RestLength(AsBytes(too_long).subspan(0, 16)).error().code(),
            StatusCode::kInvalidArgument);
  std::string short_block = good;
  short_block[15] = 4;  // INET with 4 address bytes
  EXPECT_EQ(Parse(short_block.substr(0, 20)).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse(good.substr(0, good.size() - 1)).error().code(), StatusCode::kInvalidArgument);
}

TEST(TrustedNetworkTest, AddressesAndPrefixes) {
  auto one = ParseTrustedNetwork("192.0.2.10");
  ASSERT_TRUE(one.ok());
  auto net8 = ParseTrustedNetwork("10.0.0.0/8");
  ASSERT_TRUE(net8.ok());
  auto v6 = ParseTrustedNetwork("2001:db8::/32");
  ASSERT_TRUE(v6.ok());
  auto ip = [](const char* text) {
    auto n = ParseTrustedNetwork(text);
    return n->address;
  };
  EXPECT_TRUE(Contains(*one, ip("192.0.2.10")));
  EXPECT_FALSE(Contains(*one, ip("192.0.2.11")));
  EXPECT_TRUE(Contains(*net8, ip("10.200.1.2")));
  EXPECT_FALSE(Contains(*net8, ip("11.0.0.1")));
  EXPECT_TRUE(Contains(*v6, ip("2001:db8:ffff::7")));
  EXPECT_FALSE(Contains(*v6, ip("2001:db9::7")));
  EXPECT_FALSE(Contains(*net8, ip("::a00:1")));  // not IPv4-mapped
  for (const char* bad :
       {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "2001:db8::/129", "host", "10.0.0.0/8x"}) {
    EXPECT_EQ(ParseTrustedNetwork(bad).error().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace backchannel::relay
