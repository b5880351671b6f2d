#include "relay/server/config.h"

#include <stdexcept>

namespace backchannel::relay {
// Thrown by toml++'s internal consistency checks (TOML_ASSERT below).
struct TomlInternalError : std::logic_error {
  using std::logic_error::logic_error;
};
}  // namespace backchannel::relay

// toml++ (Debian's libtomlplusplus-dev) compiled into this file from its
// headers rather than linked from its shared library: the fuzz build then
// instruments the parser too, not only the code around it.
//
// Its internal assertions become an exception (caught below: a clear error)
// in every build type. toml++ 3.3.0 has inputs that fail them (found by
// fuzz_relay_config: "x=[}", "[)", ...); by default they abort a build with
// assertions and, with NDEBUG, vanish (GCC) or become assumptions the
// optimiser relies on (clang: undefined behaviour). NDEBUG is lifted for
// the include only, because toml++ replaces TOML_ASSERT when it is set.
// The few assertions inside its noexcept functions (UTF-8 decoding, paths,
// the formatter, stepping back in the reader) end the process instead
// (std::terminate, as an assertion would), never undefined behaviour; GCC
// warns about exactly those, hence -Wterminate off for the include.
#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr) \
  ((expr) ? static_cast<void>(0) : throw ::backchannel::relay::TomlInternalError(#expr))
#define TOML_HEADER_ONLY 1
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wterminate"
#endif
#include <toml++/toml.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#pragma pop_macro("NDEBUG")

#include <algorithm>
#include <limits>
#include <set>
#include <sstream>

namespace backchannel::relay {
namespace {

Status BadKey(std::string_view key, std::string_view why) {
  std::string m = "config: key '";
  m += key;
  m += "': ";
  m += why;
  return InvalidArgument(m);
}

Status ReadString(const toml::node& node, std::string_view key, std::optional<std::string>& out) {
  const auto* v = node.as_string();
  if (v == nullptr) return BadKey(key, "must be a string");
  if (v->get().empty()) return BadKey(key, "must not be empty");
  if (v->get().find('\0') != std::string::npos) return BadKey(key, "must not contain NUL");
  out = v->get();
  return Status::Ok();
}

Status ReadPositive(const toml::node& node, std::string_view key, std::int64_t max,
                    std::optional<std::int64_t>& out) {
  const auto* v = node.as_integer();
  if (v == nullptr) return BadKey(key, "must be an integer");
  if (v->get() < 1 || v->get() > max) {
    return BadKey(key, "must be between 1 and " + std::to_string(max));
  }
  out = v->get();
  return Status::Ok();
}

Status ReadBool(const toml::node& node, std::string_view key, std::optional<bool>& out) {
  const auto* v = node.as_boolean();
  if (v == nullptr) return BadKey(key, "must be true or false");
  out = v->get();
  return Status::Ok();
}

Status ReadStrings(const toml::node& node, std::string_view key,
                   std::optional<std::vector<std::string>>& out) {
  const auto* a = node.as_array();
  if (a == nullptr) return BadKey(key, "must be an array of strings");
  std::vector<std::string> values;
  for (const auto& item : *a) {
    std::optional<std::string> s;
    BC_RETURN_IF_ERROR(ReadString(item, key, s));
    values.push_back(*s);
  }
  out = std::move(values);
  return Status::Ok();
}

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();

Status ReadPostgres(const toml::node& node, RelayConfig& c) {
  const auto* table = node.as_table();
  if (table == nullptr) return BadKey("postgres", "must be a table ([postgres])");
  for (const auto& [k, v] : *table) {
    const std::string key = "postgres." + std::string(k.str());
    if (k.str() == "connections") {
      BC_RETURN_IF_ERROR(ReadPositive(v, key, 1000, c.postgres_connections));
    } else {
      return BadKey(key, "unknown key");
    }
  }
  return Status::Ok();
}

Status ReadTop(std::string_view k, const toml::node& v, RelayConfig& c) {
  if (k == "listen") return ReadString(v, k, c.listen);
  if (k == "data") return ReadString(v, k, c.data);
  if (k == "store") {
    BC_RETURN_IF_ERROR(ReadString(v, k, c.store));
    auto spec = ParseStoreSpec(*c.store);
    return spec.ok() ? Status::Ok() : BadKey(k, spec.error().message());
  }
  if (k == "metrics_token_file") return ReadString(v, k, c.metrics_token_file);
  if (k == "tls_cert") return ReadString(v, k, c.tls_cert);
  if (k == "tls_key") return ReadString(v, k, c.tls_key);
  if (k == "tls_next_cert") return ReadString(v, k, c.tls_next_cert);
  if (k == "ttl") return ReadPositive(v, k, kMaxInt / 1000, c.ttl);
  if (k == "max_envelope") return ReadPositive(v, k, kMaxInt, c.max_envelope);
  if (k == "max_queue") return ReadPositive(v, k, kMaxInt, c.max_queue);
  if (k == "max_connections") return ReadPositive(v, k, 10'000'000, c.max_connections);
  if (k == "max_mailbox_bytes") return ReadPositive(v, k, kMaxInt, c.max_mailbox_bytes);
  if (k == "max_total_bytes") return ReadPositive(v, k, kMaxInt, c.max_total_bytes);
  if (k == "mailbox_idle_days") return ReadPositive(v, k, 36'500, c.mailbox_idle_days);
  if (k == "threads") return ReadPositive(v, k, 64, c.threads);
  if (k == "trusted_proxy") return ReadStrings(v, k, c.trusted_proxy);
  if (k == "allow_unsafe_durability") return ReadBool(v, k, c.allow_unsafe_durability);
  if (k == "postgres") return ReadPostgres(v, c);
  return BadKey(k, "unknown key");
}

bool IsBareKeyCharacter(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '-';
}

// toml++ 3.3.0 (Debian 12) asserts, instead of reporting an error, when a
// line's '[' or '[[' is followed by something that cannot start a key
// ("[", "[)", "[ {"; parser.inl, parse_key): an abort in a build with
// assertions, undefined behaviour where its assertion becomes an
// assumption (clang). Such lines are refused here first. (A line starting
// with '[' inside a multi-line value is refused too: no value this file
// accepts spans lines that way.)
//
// It also reaches __builtin_unreachable() (undefined behaviour) for some
// non-ASCII characters (unicode_autogenerated.h,
// is_non_ascii_horizontal_whitespace, e.g. U+0256), so the file must be
// ASCII: every value it holds (paths, URIs, addresses) can be.
Status CheckBeforeTomlxx(std::string_view text) {
  std::size_t line = 1;
  for (std::size_t at = 0; at < text.size(); ++line) {
    const auto end = std::min(text.find('\n', at), text.size());
    std::string_view l = text.substr(at, end - at);
    at = end + 1;
    for (char ch : l) {
      if (static_cast<unsigned char>(ch) >= 0x80) {
        return InvalidArgument("config: line " + std::to_string(line) +
                               ": only ASCII characters are accepted");
      }
    }
    std::size_t i = l.find_first_not_of(" \t");
    if (i == std::string_view::npos || l[i] != '[') continue;
    ++i;
    if (i < l.size() && l[i] == '[') ++i;
    while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
    if (i >= l.size() || !(IsBareKeyCharacter(l[i]) || l[i] == '"' || l[i] == '\'')) {
      return InvalidArgument("config: line " + std::to_string(line) +
                             ": a table header needs a name ([postgres])");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<RelayConfig> ParseRelayConfig(std::string_view text) {
  if (text.size() > kMaxConfigBytes) {
    return InvalidArgument("config: larger than " + std::to_string(kMaxConfigBytes) + " bytes");
  }
  BC_RETURN_IF_ERROR(CheckBeforeTomlxx(text));
  toml::table table;
  // toml++ reports syntax errors by exception (its default build, which
  // Debian's library is); converted to a Status here, the only place.
  try {
    table = toml::parse(text);
  } catch (const TomlInternalError&) {
    return InvalidArgument("config: not valid TOML (the parser rejected its structure)");
  } catch (const toml::parse_error& e) {
    std::ostringstream m;
    m << "config: line " << e.source().begin.line << ", column " << e.source().begin.column << ": "
      << e.description();
    return InvalidArgument(m.str());
  }
  RelayConfig c;
  for (const auto& [k, v] : table) BC_RETURN_IF_ERROR(ReadTop(k.str(), v, c));
  return c;
}

Result<StoreSpec> ParseStoreSpec(std::string_view spec) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (spec.substr(0, kSqlite.size()) == kSqlite) {
    std::string path(spec.substr(kSqlite.size()));
    if (path.empty()) return InvalidArgument("store: sqlite: needs a path (sqlite:/var/lib/...)");
    if (path.find('\0') != std::string::npos) return InvalidArgument("store: NUL in the path");
    return StoreSpec{StoreSpec::Kind::kSqlite, path};
  }
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (spec.substr(0, scheme.size()) == scheme) {
      if (spec.find('\0') != std::string_view::npos) {
        return InvalidArgument("store: NUL in the URI");
      }
      return StoreSpec{StoreSpec::Kind::kPostgres, std::string(spec)};
    }
  }
  return InvalidArgument("store: must be sqlite:PATH or a postgresql:// URI");
}

namespace {

std::string RedactedUserInfo(std::string_view spec) {
  // postgresql://user:password@host/...: the password is between the first
  // ':' after the scheme and the last '@' before the path.
  const auto scheme_end = spec.find("://");
  if (scheme_end == std::string_view::npos) return std::string(spec);
  const auto authority_start = scheme_end + 3;
  const auto path_start = spec.find('/', authority_start);
  const auto authority = spec.substr(authority_start, path_start == std::string_view::npos
                                                          ? std::string_view::npos
                                                          : path_start - authority_start);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(spec);
  const auto colon = authority.find(':');
  if (colon == std::string_view::npos || colon > at) return std::string(spec);
  std::string out(spec.substr(0, authority_start + colon + 1));
  out += "***";
  out += spec.substr(authority_start + at);
  return out;
}

// A "password=" parameter's value (URI query or key=value form) replaced.
std::string RedactPasswordParameter(std::string s) {
  constexpr std::string_view kKey = "password=";
  for (auto at = s.find(kKey); at != std::string::npos; at = s.find(kKey, at + 1)) {
    const auto start = at + kKey.size();
    auto end = s.find_first_of("& ", start);
    if (end == std::string::npos) end = s.size();
    s.replace(start, end - start, "***");
  }
  return s;
}

}  // namespace

std::string RedactedStoreSpec(std::string_view spec) {
  return RedactPasswordParameter(RedactedUserInfo(spec));
}

}  // namespace backchannel::relay
