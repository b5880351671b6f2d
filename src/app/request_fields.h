// What request.cc and talks_request.cc share: the field reader of one JSON
// request object and the checks of names, talks ids, texts and packages.
// Internal to the application core.
#ifndef BACKCHANNEL_SRC_APP_REQUEST_FIELDS_H_
#define BACKCHANNEL_SRC_APP_REQUEST_FIELDS_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/app/json.h"
#include "backchannel/app/request.h"
#include "backchannel/common/result.h"

namespace backchannel::app {

bool HasControl(std::string_view s);
Status CheckName(std::string_view field, const std::string& v, bool required);
Status CheckTalks(const std::string& id, bool required);
Status CheckText(std::string_view field, const std::string& v, bool required);
Status CheckPackage(const PackageView& p);

// Reads fields of one JSON object, refusing any it was not asked for.
class Fields {
 public:
  explicit Fields(const Json& j) : j_(j) {}

  Status String(const char* name, std::string& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (!it->is_string()) return InvalidArgument(std::string(name) + " must be a string");
    out = it->get<std::string>();
    return {};
  }
  Status Bool(const char* name, bool& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (!it->is_boolean()) return InvalidArgument(std::string(name) + " must be true or false");
    out = it->get<bool>();
    return {};
  }
  Status Strings(const char* name, std::vector<std::string>& out,
                 std::size_t max_items = kMaxConditions) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    return StringList(name, *it, out, max_items);
  }
  Status Count(const char* name, std::uint64_t& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (!it->is_number_unsigned()) {
      return InvalidArgument(std::string(name) + " must be a positive integer");
    }
    out = it->get<std::uint64_t>();
    return {};
  }
  // Any finite JSON number.
  Status Number(const char* name, double& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    return AsNumber(name, *it, out);
  }
  // {"key": number, ...}
  Status Numbers(const char* name, std::map<std::string, double>& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (!it->is_object()) return InvalidArgument(std::string(name) + " must be an object");
    for (const auto& [k, v] : it->items()) BC_RETURN_IF_ERROR(AsNumber(name, v, out[k]));
    return {};
  }
  // {"key": {"key": number, ...}, ...}
  Status NumberTable(const char* name, std::map<std::string, std::map<std::string, double>>& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (!it->is_object()) return InvalidArgument(std::string(name) + " must be an object");
    for (const auto& [k, row] : it->items()) {
      if (!row.is_object()) return InvalidArgument(std::string(name) + " must hold objects");
      auto& dst = out[k];
      for (const auto& [o, v] : row.items()) BC_RETURN_IF_ERROR(AsNumber(name, v, dst[o]));
    }
    return {};
  }
  // {"key": ["text", ...], ...}
  Status StringLists(const char* name, std::map<std::string, std::vector<std::string>>& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (!it->is_object()) return InvalidArgument(std::string(name) + " must be an object");
    if (it->size() > kMaxConditions) {
      return InvalidArgument(std::string(name) + " holds at most " +
                             std::to_string(kMaxConditions) + " items");
    }
    for (const auto& [k, v] : it->items()) BC_RETURN_IF_ERROR(StringList(name, v, out[k]));
    return {};
  }
  // An authority key as people paste it (ParseKeyText), decoded here so the
  // request carries the typed key. Required: a missing key is refused too.
  Status AuthorityKey(const char* name, identity::AuthorityPublicKey& out) {
    std::string text;
    BC_RETURN_IF_ERROR(String(name, text));
    auto key = ParseKeyText(text);
    if (!key) return InvalidArgument(std::string(name) + ": not a 32-byte key (base64url or hex)");
    out = *key;
    return {};
  }
  bool Has(const char* name) const { return j_.contains(name); }
  // An object {"issue": "option"} or the text form "issue=option, ...".
  Status Package(const char* name, PackageView& out) {
    seen_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end()) return {};
    if (it->is_string()) {
      BC_ASSIGN_OR_RETURN(out, ParsePackageText(it->get<std::string>()));
      return {};
    }
    if (!it->is_object()) return InvalidArgument(std::string(name) + " must be an object");
    for (const auto& [issue, option] : it->items()) {
      if (!option.is_string()) return InvalidArgument("package options must be strings");
      out[issue] = option.get<std::string>();
    }
    return {};
  }
  Status NoOthers() const {
    for (const auto& [k, v] : j_.items()) {
      if (!seen_.count(k)) return InvalidArgument("unknown field '" + k + "'");
    }
    return {};
  }

 private:
  static Status StringList(const char* name, const Json& v, std::vector<std::string>& out,
                           std::size_t max_items = kMaxConditions) {
    if (!v.is_array()) return InvalidArgument(std::string(name) + " must be an array of strings");
    if (v.size() > max_items) {
      return InvalidArgument(std::string(name) + " holds at most " + std::to_string(max_items) +
                             " items");
    }
    for (const auto& item : v) {
      if (!item.is_string()) {
        return InvalidArgument(std::string(name) + " must be an array of strings");
      }
      out.push_back(item.get<std::string>());
    }
    return {};
  }
  static Status AsNumber(const char* name, const Json& v, double& out) {
    if (!v.is_number()) return InvalidArgument(std::string(name) + " must hold numbers");
    out = v.get<double>();
    return {};
  }

  const Json& j_;
  std::set<std::string> seen_{"op"};
};

// The talks operations of issue 18 (talks_request.cc). DecodeTalksOp:
// kNotFound when `op` is not one of them, so the caller tries the others.
Result<Request> DecodeTalksOp(const std::string& op, Fields& fields);
// True when `request` is one of them; then `*status` is its check.
bool ValidateTalksOp(const Request& request, Status* status);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_SRC_APP_REQUEST_FIELDS_H_
