// Zone-of-agreement items (zone.h): candidate ids bound to their list.
#include "backchannel/feelers/zone.h"

#include <set>

#include "backchannel/common/byte_io.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::feelers {
namespace {

constexpr std::uint8_t kZoneKind = 4;  // after topics (1, 2) and overlap prefixes (3)

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

Status CheckId(const std::string& id) {
  if (id.empty() || id.size() > 64)
    return InvalidArgument("zone: a candidate id must be 1 to 64 bytes");
  for (char c : id) {
    if (!IsIdChar(c))
      return InvalidArgument("zone: candidate id '" + id +
                             "' has a character outside [A-Za-z0-9_.:-]");
  }
  return Status::Ok();
}

}  // namespace

Result<ZoneListDigest> DigestZoneList(const std::vector<std::string>& candidates) {
  if (candidates.empty()) return InvalidArgument("zone: the candidate list is empty");
  if (candidates.size() > kMaxZoneCandidates)
    return InvalidArgument("zone: more than 100 candidates");
  std::set<std::string> seen;
  ByteWriter w;
  w.String16("backchannel feelers v1 zone list");
  w.U16(static_cast<std::uint16_t>(candidates.size()));
  for (const std::string& id : candidates) {
    BC_RETURN_IF_ERROR(CheckId(id));
    if (!seen.insert(id).second)
      return InvalidArgument("zone: candidate '" + id + "' listed twice");
    w.String16(id);
  }
  return crypto::Sha256({w.bytes()});
}

Result<std::vector<Bytes>> ZoneItems(const std::vector<std::string>& candidates,
                                     const std::vector<std::string>& acceptable) {
  BC_ASSIGN_OR_RETURN(ZoneListDigest digest, DigestZoneList(candidates));
  const std::set<std::string> on_list(candidates.begin(), candidates.end());
  std::set<std::string> seen;
  std::vector<Bytes> out;
  for (const std::string& id : acceptable) {
    if (on_list.count(id) == 0)
      return InvalidArgument("zone: acceptable candidate '" + id + "' is not on the list");
    if (!seen.insert(id).second)
      return InvalidArgument("zone: acceptable candidate '" + id + "' named twice");
    ByteWriter w;
    w.U8(kZoneKind);
    w.Raw(digest);
    w.String16(id);
    out.push_back(w.Take());
  }
  return out;
}

}  // namespace backchannel::feelers
