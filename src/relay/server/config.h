// backchanneld's configuration file (--config FILE, TOML: docs/relay.md) and
// the --store setting. Internal to the relay: main.cc applies what these
// return; options given on the command line win over the file.
//
// The file is decoded strictly: an unknown key, a value of the wrong type or
// out of range is an error naming the key (a typo must not silently leave a
// default in force). Decoding changes nothing but its result.
#ifndef BACKCHANNEL_SRC_RELAY_SERVER_CONFIG_H_
#define BACKCHANNEL_SRC_RELAY_SERVER_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/common/result.h"

namespace backchannel::relay {

// What a configuration file sets; a field left empty was not in the file.
// Keys are the long command-line options' names with '_' for '-'
// ("max_queue" is --max-queue); [postgres] holds the PostgreSQL store's.
struct RelayConfig {
  std::optional<std::string> listen;
  std::optional<std::string> data;
  std::optional<std::string> store;
  std::optional<std::string> metrics_token_file;
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
  std::optional<std::string> tls_next_cert;
  std::optional<std::int64_t> ttl;
  std::optional<std::int64_t> max_envelope;
  std::optional<std::int64_t> max_queue;
  std::optional<std::int64_t> max_connections;
  std::optional<std::int64_t> max_mailbox_bytes;
  std::optional<std::int64_t> max_total_bytes;
  std::optional<std::int64_t> mailbox_idle_days;
  std::optional<std::int64_t> threads;
  std::optional<std::vector<std::string>> trusted_proxy;
  std::optional<std::int64_t> postgres_connections;
  std::optional<bool> allow_unsafe_durability;
};

// Largest configuration file read, in bytes.
inline constexpr std::size_t kMaxConfigBytes = std::size_t{64} * 1024;

// Decodes a configuration file's text. kInvalidArgument naming the key (or
// the line and column of a TOML syntax error) when it is not acceptable.
Result<RelayConfig> ParseRelayConfig(std::string_view text);

// Where the relay keeps its data (--store): "sqlite:PATH" or a PostgreSQL
// URI ("postgresql://..." or "postgres://...", given to libpq as is).
struct StoreSpec {
  enum class Kind { kSqlite, kPostgres };
  Kind kind = Kind::kSqlite;
  std::string target;  // the SQLite path or the PostgreSQL URI
};

// kInvalidArgument for anything else (an empty SQLite path included).
Result<StoreSpec> ParseStoreSpec(std::string_view spec);

// The store spec with any password replaced by "***" (for logs).
std::string RedactedStoreSpec(std::string_view spec);

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_SRC_RELAY_SERVER_CONFIG_H_
