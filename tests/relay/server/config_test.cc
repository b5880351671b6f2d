// backchanneld's configuration file decoder and --store parser
// (src/relay/server/config.h): what is accepted, and that every refusal
// names the key.
#include "relay/server/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace backchannel::relay {
namespace {

using ::testing::HasSubstr;

std::string Error(std::string_view text) {
  auto c = ParseRelayConfig(text);
  EXPECT_FALSE(c.ok()) << text;
  if (c.ok()) return "";
  EXPECT_EQ(c.error().code(), StatusCode::kInvalidArgument);
  return std::string(c.error().message());
}

TEST(RelayConfigTest, EveryKeyIsRead) {
  auto c = ParseRelayConfig(R"(
listen = "0.0.0.0:443"
data = "/var/lib/backchannel"
store = "postgresql://relay@db/relay"
metrics_token_file = "/etc/backchannel/metrics-token"
tls_cert = "/etc/backchannel/relay-cert.pem"
tls_key = "/etc/backchannel/relay-key.pem"
tls_next_cert = "/etc/backchannel/relay-next-cert.pem"
ttl = 86400
max_envelope = 65536
max_queue = 500
max_connections = 20000
max_mailbox_bytes = 1048576
max_total_bytes = 1073741824
mailbox_idle_days = 90
threads = 4
trusted_proxy = ["10.0.0.1", "fd00::/64"]
allow_unsafe_durability = false
[postgres]
connections = 12
)");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen, "0.0.0.0:443");
  EXPECT_EQ(c->data, "/var/lib/backchannel");
  EXPECT_EQ(c->store, "postgresql://relay@db/relay");
  EXPECT_EQ(c->metrics_token_file, "/etc/backchannel/metrics-token");
  EXPECT_EQ(c->tls_cert, "/etc/backchannel/relay-cert.pem");
  EXPECT_EQ(c->tls_key, "/etc/backchannel/relay-key.pem");
  EXPECT_EQ(c->tls_next_cert, "/etc/backchannel/relay-next-cert.pem");
  EXPECT_EQ(c->ttl, 86400);
  EXPECT_EQ(c->max_envelope, 65536);
  EXPECT_EQ(c->max_queue, 500);
  EXPECT_EQ(c->max_connections, 20000);
  EXPECT_EQ(c->max_mailbox_bytes, 1048576);
  EXPECT_EQ(c->max_total_bytes, 1073741824);
  EXPECT_EQ(c->mailbox_idle_days, 90);
  EXPECT_EQ(c->threads, 4);
  EXPECT_THAT(*c->trusted_proxy, ::testing::ElementsAre("10.0.0.1", "fd00::/64"));
  EXPECT_EQ(c->allow_unsafe_durability, false);
  EXPECT_EQ(c->postgres_connections, 12);
}

TEST(RelayConfigTest, AbsentKeysStayUnset) {
  auto c = ParseRelayConfig("threads = 2\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->threads, 2);
  EXPECT_FALSE(c->store.has_value());
  EXPECT_FALSE(c->postgres_connections.has_value());
  EXPECT_TRUE(ParseRelayConfig("").ok());
}

TEST(RelayConfigTest, RefusalsNameTheKey) {
  EXPECT_THAT(Error("max_queu = 5"), HasSubstr("'max_queu': unknown key"));
  EXPECT_THAT(Error("max_queue = \"5\""), HasSubstr("'max_queue': must be an integer"));
  EXPECT_THAT(Error("max_queue = 0"), HasSubstr("'max_queue': must be between 1"));
  EXPECT_THAT(Error("threads = 65"), HasSubstr("'threads'"));
  EXPECT_THAT(Error("data = \"\""), HasSubstr("'data': must not be empty"));
  EXPECT_THAT(Error("trusted_proxy = \"10.0.0.1\""), HasSubstr("'trusted_proxy'"));
  EXPECT_THAT(Error("trusted_proxy = [1]"), HasSubstr("'trusted_proxy'"));
  EXPECT_THAT(Error("allow_unsafe_durability = 1"), HasSubstr("'allow_unsafe_durability'"));
  EXPECT_THAT(Error("store = \"mysql://x\""), HasSubstr("'store'"));
  EXPECT_THAT(Error("[postgres]\nconnection = 3"), HasSubstr("'postgres.connection'"));
  EXPECT_THAT(Error("postgres = 3"), HasSubstr("'postgres'"));
}

TEST(RelayConfigTest, SyntaxErrorsGiveTheLine) {
  EXPECT_THAT(Error("threads = 2\n[postgres\n"), HasSubstr("line 2"));
  EXPECT_THAT(Error("threads = 2\nthreads = 3\n"), HasSubstr("line 2"));
}

TEST(RelayConfigTest, TableHeadersWithoutANameAreRefusedBeforeTomlxx) {
  // Inputs on which toml++ 3.3.0 asserts instead of reporting (found by
  // fuzz_relay_config): refused with the line.
  for (const char* text : {"[", "[)", "[ {", "threads = 2\n  [[ ]\n", "[\t"}) {
    EXPECT_THAT(Error(text), HasSubstr("a table header needs a name")) << text;
  }
  EXPECT_THAT(Error("threads = 2\n[)"), HasSubstr("line 2"));
  EXPECT_TRUE(ParseRelayConfig("[ postgres ]\nconnections = 2\n").ok());
  EXPECT_TRUE(ParseRelayConfig("[\"postgres\"]\nconnections = 2\n").ok());
}

TEST(RelayConfigTest, NonAsciiIsRefusedBeforeTomlxx) {
  // "max" then U+0256: toml++ 3.3.0 reaches __builtin_unreachable() on it
  // (found by fuzz_relay_config).
  EXPECT_THAT(Error("max\xc9\x96\n"), HasSubstr("line 1: only ASCII"));
  EXPECT_THAT(Error("threads = 2\n# caf\xc3\xa9\n"), HasSubstr("line 2: only ASCII"));
}

TEST(RelayConfigTest, InputsThatFailTomlxxsOwnChecksAreErrors) {
  // toml++ 3.3.0 fails an internal assertion on these (found by
  // fuzz_relay_config); config.cc turns that into an error.
  for (const char* text : {"x=[}", "li=[}\n", "x = [[[[}"}) {
    EXPECT_THAT(Error(text), HasSubstr("config:")) << text;
  }
}

TEST(RelayConfigTest, OversizedFileIsRefused) {
  std::string big = "# " + std::string(kMaxConfigBytes, 'x') + "\n";
  EXPECT_THAT(Error(big), HasSubstr("larger than"));
}

TEST(StoreSpecTest, SqliteAndPostgres) {
  auto s = ParseStoreSpec("sqlite:/var/lib/relay.db");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, StoreSpec::Kind::kSqlite);
  EXPECT_EQ(s->target, "/var/lib/relay.db");
  for (const char* uri : {"postgresql://relay@db/relay", "postgres://db/relay?sslmode=require"}) {
    auto p = ParseStoreSpec(uri);
    ASSERT_TRUE(p.ok()) << uri;
    EXPECT_EQ(p->kind, StoreSpec::Kind::kPostgres);
    EXPECT_EQ(p->target, uri);
  }
  EXPECT_FALSE(ParseStoreSpec("sqlite:").ok());
  EXPECT_FALSE(ParseStoreSpec("/var/lib/relay.db").ok());
  EXPECT_FALSE(ParseStoreSpec("").ok());
  EXPECT_FALSE(ParseStoreSpec(std::string_view("sqlite:a\0b", 10)).ok());
}

TEST(StoreSpecTest, PasswordsAreRedacted) {
  EXPECT_EQ(RedactedStoreSpec("postgresql://relay:s3cret@db:5432/relay"),
            "postgresql://relay:***@db:5432/relay");
  EXPECT_EQ(RedactedStoreSpec("postgresql://relay@db/relay"), "postgresql://relay@db/relay");
  EXPECT_EQ(RedactedStoreSpec("sqlite:/x"), "sqlite:/x");
  EXPECT_EQ(RedactedStoreSpec("postgresql://db/relay?password=s3cret&sslmode=require"),
            "postgresql://db/relay?password=***&sslmode=require");
}

}  // namespace
}  // namespace backchannel::relay
