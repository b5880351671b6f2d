#include <cstdint>
#include <exception>

#include "negotiation/io/json_formats.h"

namespace backchannel::negotiation::io_internal {
namespace {

// Line and column (1-based) of byte `offset`.
std::pair<std::int64_t, std::int64_t> Position(std::string_view text, std::size_t offset) {
  std::int64_t line = 1;
  std::int64_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// Nesting depth of arrays and objects, ignoring brackets inside strings.
bool DeeperThan(std::string_view text, std::size_t limit, std::size_t* offset) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) {
        *offset = i;
        return true;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace

Result<Json> ParseJsonDocument(std::string_view text, const Diagnostics& diag) {
  std::size_t offset = 0;
  if (DeeperThan(text, kMaxJsonDepth, &offset)) {
    auto [line, column] = Position(text, offset);
    return diag.Error(line, "",
                      "JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                          " levels (column " + std::to_string(column) + ")");
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    auto [line, column] = Position(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    // nlohmann's text is "[json.exception.parse_error.101] parse error at line
    // 1, column 2: syntax error ..."; keep the part after the position.
    const auto colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    return diag.Error(line, "", "malformed JSON (column " + std::to_string(column) + "): " + what);
  } catch (const std::exception& e) {
    return diag.Error(0, "", std::string("malformed JSON: ") + e.what());
  }
}

Result<JsonKind> ClassifyJson(const Json& doc, const Diagnostics& diag) {
  if (!doc.is_object()) return diag.Error(0, "/", "expected a JSON object, got " + TypeName(doc));
  if (auto it = doc.find("format"); it != doc.end()) {
    if (*it == "backchannel.domain") return JsonKind::kNativeDomain;
    if (*it == "backchannel.profile") return JsonKind::kNativeProfile;
    return diag.Error(0, "/format",
                      "unknown format " + it->dump() +
                          "; expected \"backchannel.domain\" or \"backchannel.profile\"");
  }
  if (doc.contains("LinearAdditiveUtilitySpace")) return JsonKind::kGeniusWebProfile;
  if (doc.contains("issuesValues")) return JsonKind::kGeniusWebDomain;
  for (const char* other : {"LinearAdditive", "UtilitySpace", "DiscountedUtilitySpace"}) {
    if (doc.contains(other)) {
      return diag.Error(0, std::string("/") + other,
                        "unsupported GeniusWeb profile type; only LinearAdditiveUtilitySpace");
    }
  }
  return diag.Error(0, "/",
                    "unrecognised JSON: neither a native file (\"format\"), a GeniusWeb domain "
                    "(\"issuesValues\") nor a GeniusWeb profile (\"LinearAdditiveUtilitySpace\")");
}

std::string TypeName(const Json& j) { return j.type_name(); }

}  // namespace backchannel::negotiation::io_internal
