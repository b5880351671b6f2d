// Coalition sides (coalition.h).
#include "backchannel/talks/coalition.h"

#include <algorithm>

namespace backchannel::talks {

Result<std::string> SeatSide(const Definition& definition, const AuthorityPublicKey& authority,
                             const std::string& credential_side) {
  std::string bound_side;
  for (const auto& [side, keys] : definition.side_authorities) {
    if (std::find(keys.begin(), keys.end(), authority) == keys.end()) continue;
    if (!bound_side.empty()) {
      std::string why = "the talks bind one authority to two sides ('";
      why += bound_side;
      why += "' and '";
      why += side;
      why += "')";
      return InvalidArgument(why);
    }
    bound_side = side;
  }
  if (!bound_side.empty()) return bound_side;
  if (definition.side_authorities.contains(credential_side)) {
    return Status(StatusCode::kUntrusted,
                  "side '" + credential_side +
                      "' is a coalition of other authorities; this credential's authority is "
                      "not one of them");
  }
  return credential_side;
}

Status CheckSeat(const Definition& definition, const Member& member,
                 const AuthorityPublicKey& authority, const std::string& credential_side) {
  if (member.role != Role::kEnvoy && member.role != Role::kPrincipal) return Status::Ok();
  auto side = SeatSide(definition, authority, credential_side);
  if (!side) return side.error().WithContext(member.name + "'s seat");
  if (*side != member.side) {
    return Status(StatusCode::kUntrusted,
                  member.name + " is seated on side '" + member.side +
                      "', but their credential's authority accredits for '" + *side + "'");
  }
  return Status::Ok();
}

}  // namespace backchannel::talks
