// Entry points of io.h: reading files and choosing the importer by content.
#include "backchannel/negotiation/io.h"

#include "backchannel/common/file_io.h"
#include "negotiation/io/io_internal.h"
#include "negotiation/io/json_formats.h"

namespace backchannel::negotiation {
namespace {

using io_internal::Diagnostics;

// The text after a UTF-8 byte order mark and leading blanks.
std::string_view Content(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

char FirstSignificant(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return c;
  }
  return 0;
}

Status NotRecognised(const Diagnostics& diag) {
  return diag.Error(0, "", "not a recognised file: expected GENIUS XML or JSON");
}

}  // namespace

Result<Domain> ParseDomain(std::string_view text, std::string_view source_name,
                           const ImportOptions& options) {
  Diagnostics diag(source_name, options);
  text = Content(text);
  if (text.size() > io_internal::kMaxInputBytes) return diag.Error(0, "", "input too large");
  const char first = FirstSignificant(text);
  if (first == '<') return io_internal::ParseGeniusDomain(text, diag);
  if (first != '{' && first != '[') return NotRecognised(diag);
  BC_ASSIGN_OR_RETURN(io_internal::Json doc, io_internal::ParseJsonDocument(text, diag));
  BC_ASSIGN_OR_RETURN(io_internal::JsonKind kind, io_internal::ClassifyJson(doc, diag));
  switch (kind) {
    case io_internal::JsonKind::kNativeDomain:
      return io_internal::ParseNativeDomain(doc, diag);
    case io_internal::JsonKind::kGeniusWebDomain:
      return io_internal::ParseGeniusWebDomain(doc, diag);
    case io_internal::JsonKind::kGeniusWebProfile: {
      // A GeniusWeb profile embeds its domain.
      const auto& space = doc["LinearAdditiveUtilitySpace"];
      if (!space.is_object() || !space.contains("domain") || !space["domain"].is_object()) {
        return diag.Error(0, "/LinearAdditiveUtilitySpace/domain", "profile embeds no domain");
      }
      return io_internal::ParseGeniusWebDomain(space["domain"], diag);
    }
    case io_internal::JsonKind::kNativeProfile:
      return diag.Error(0, "/format", "this is a profile, not a domain");
  }
  return NotRecognised(diag);
}

Result<Profile> ParseProfile(const Domain& domain, std::string_view text,
                             std::string_view source_name, const ImportOptions& options) {
  Diagnostics diag(source_name, options);
  text = Content(text);
  if (text.size() > io_internal::kMaxInputBytes) return diag.Error(0, "", "input too large");
  Status valid = domain.Validate();
  if (!valid.ok()) return InvalidArgument("invalid domain: " + std::string(valid.message()));
  const char first = FirstSignificant(text);
  if (first == '<') return io_internal::ParseGeniusProfile(domain, text, diag);
  if (first != '{' && first != '[') return NotRecognised(diag);
  BC_ASSIGN_OR_RETURN(io_internal::Json doc, io_internal::ParseJsonDocument(text, diag));
  BC_ASSIGN_OR_RETURN(io_internal::JsonKind kind, io_internal::ClassifyJson(doc, diag));
  switch (kind) {
    case io_internal::JsonKind::kNativeProfile:
      return io_internal::ParseNativeProfile(domain, doc, diag);
    case io_internal::JsonKind::kGeniusWebProfile:
      return io_internal::ParseGeniusWebProfile(domain, doc, diag);
    case io_internal::JsonKind::kNativeDomain:
    case io_internal::JsonKind::kGeniusWebDomain:
      return diag.Error(0, "", "this is a domain, not a profile");
  }
  return NotRecognised(diag);
}

Result<Domain> LoadDomain(const std::string& path, const ImportOptions& options) {
  BC_ASSIGN_OR_RETURN(std::string text, ReadFile(path, io_internal::kMaxInputBytes));
  return ParseDomain(text, path, options);
}

Result<Profile> LoadProfile(const Domain& domain, const std::string& path,
                            const ImportOptions& options) {
  BC_ASSIGN_OR_RETURN(std::string text, ReadFile(path, io_internal::kMaxInputBytes));
  return ParseProfile(domain, text, path, options);
}

}  // namespace backchannel::negotiation
