// JSON codec of the introduction messages (talks/introduction.h). Strict like
// the talks message codec: an unknown or ill-typed field refuses the whole
// message, so nothing half-read reaches the client.
#include "backchannel/talks/introduction.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "backchannel/common/encoding.h"
#include "backchannel/talks/message.h"

namespace backchannel::talks {
namespace {

using Json = nlohmann::ordered_json;
constexpr auto kB64u = Base64Variant::kUrlSafeNoPadding;
constexpr std::size_t kMaxTalksId = 64;
constexpr std::size_t kMaxName = 128;
constexpr std::size_t kMaxBytes = 2 * kMaxCards * (kMaxInvitationText + 2 * kMemberIdHexSize);

Status CheckKeys(const Json& j, std::initializer_list<std::string_view> allowed,
                 const std::string& path) {
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string where = path;
      where += "." + key;
      return InvalidMessage(where + " is not a known field");
    }
  }
  return Status::Ok();
}

Result<std::string> Text(const Json& j, const char* key, std::size_t max, const std::string& path) {
  const std::string where = path + "." + key;
  if (!j.contains(key)) return InvalidMessage(where + " is missing");
  const Json& v = j.at(key);
  if (!v.is_string()) return InvalidMessage(where + " must be a string");
  std::string s = v.get<std::string>();
  if (s.empty()) return InvalidMessage(where + " is empty");
  if (s.size() > max) {
    return InvalidMessage(where + " is longer than " + std::to_string(max) + " bytes");
  }
  // Names and ids are shown to people: no control characters.
  if (std::any_of(s.begin(), s.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return InvalidMessage(where + " has control characters");
  }
  return s;
}

Result<std::string> MemberIdField(const Json& j, const char* key, const std::string& path) {
  BC_ASSIGN_OR_RETURN(std::string id, Text(j, key, kMemberIdHexSize, path));
  const bool hex = std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (id.size() != kMemberIdHexSize || !id.starts_with("05") || !hex) {
    return InvalidMessage(path + "." + key + " is not a member id (\"05\" + 64 hex digits)");
  }
  return id;
}

// Invitation codes are base64url after their prefix: printable ASCII only.
Result<std::string> InvitationField(const Json& j, const std::string& path) {
  BC_ASSIGN_OR_RETURN(std::string code, Text(j, "invitation", kMaxInvitationText, path));
  const bool printable =
      std::all_of(code.begin(), code.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (!printable) return InvalidMessage(path + ".invitation has characters no code has");
  return code;
}

// "an envoy", "a mediator", "a track2 participant".
std::string SeatRoleWithArticle(std::string_view role) {
  if (role == "track2") return "a track2 participant";
  const bool vowel =
      !role.empty() && std::string_view("aeiou").find(role[0]) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(role);
}

}  // namespace

Bytes EncodeIntroduction(const IntroductionMessage& m) {
  Json j{{"v", 1}};
  if (m.type == IntroductionMessage::Type::kCards) {
    j["type"] = "cards";
    j["talks"] = m.talks;
    Json cards = Json::array();
    for (const auto& c : m.cards)
      cards.push_back(Json{{"member", c.member}, {"invitation", c.invitation}});
    j["cards"] = std::move(cards);
  } else {
    j["type"] = "introduction";
    j["talks"] = m.talks;
    j["member"] = m.member;
    j["name"] = m.name;
    j["invitation"] = m.invitation;
    j["credential"] = ToBase64(m.credential, kB64u);
  }
  return ToBytes(AsBytes(j.dump()));
}

Result<IntroductionMessage> DecodeIntroduction(ByteView bytes) {
  if (bytes.size() > kMaxBytes) return InvalidMessage("introduction is too large");
  Json j = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return InvalidMessage("introduction is not a JSON object");
  const std::string path = "introduction";
  if (!j.contains("v") || !j.at("v").is_number_unsigned()) {
    return InvalidMessage(path + ".v must be a positive integer");
  }
  if (j.at("v").get<std::uint64_t>() != 1) {
    return Status(StatusCode::kUnsupportedVersion, "introduction version is not 1");
  }
  BC_ASSIGN_OR_RETURN(std::string type, Text(j, "type", 16, path));
  IntroductionMessage m;
  BC_ASSIGN_OR_RETURN(m.talks, Text(j, "talks", kMaxTalksId, path));
  if (type == "cards") {
    m.type = IntroductionMessage::Type::kCards;
    BC_RETURN_IF_ERROR(CheckKeys(j, {"v", "type", "talks", "cards"}, path));
    if (!j.contains("cards") || !j.at("cards").is_array()) {
      return InvalidMessage(path + ".cards must be an array");
    }
    const Json& cards = j.at("cards");
    if (cards.empty() || cards.size() > kMaxCards) {
      return InvalidMessage(path + ".cards must hold 1 to " + std::to_string(kMaxCards) + " cards");
    }
    for (std::size_t i = 0; i < cards.size(); ++i) {
      const std::string at = path + ".cards[" + std::to_string(i) + "]";
      const Json& c = cards[i];
      if (!c.is_object()) return InvalidMessage(at + " must be an object");
      BC_RETURN_IF_ERROR(CheckKeys(c, {"member", "invitation"}, at));
      Card card;
      BC_ASSIGN_OR_RETURN(card.member, MemberIdField(c, "member", at));
      BC_ASSIGN_OR_RETURN(card.invitation, InvitationField(c, at));
      for (const auto& earlier : m.cards) {
        if (earlier.member == card.member) return InvalidMessage(at + ".member is named twice");
      }
      m.cards.push_back(std::move(card));
    }
    return m;
  }
  if (type == "introduction") {
    m.type = IntroductionMessage::Type::kIntroduction;
    BC_RETURN_IF_ERROR(
        CheckKeys(j, {"v", "type", "talks", "member", "name", "invitation", "credential"}, path));
    BC_ASSIGN_OR_RETURN(m.member, MemberIdField(j, "member", path));
    BC_ASSIGN_OR_RETURN(m.name, Text(j, "name", kMaxName, path));
    BC_ASSIGN_OR_RETURN(m.invitation, InvitationField(j, path));
    BC_ASSIGN_OR_RETURN(std::string cred, Text(j, "credential", 2 * kMaxCredentialSize, path));
    auto decoded = FromBase64(cred, kB64u);
    if (!decoded || decoded->empty() || decoded->size() > kMaxCredentialSize ||
        ToBase64(*decoded, kB64u) != cred) {
      return InvalidMessage(path + ".credential is not base64url of a credential");
    }
    m.credential = std::move(*decoded);
    return m;
  }
  return InvalidMessage(path + ".type '" + type + "' is not cards or introduction");
}

Status CheckIntroducedSeat(const Member& seat, std::string_view introduced_name,
                           std::string_view credential_role) {
  if (introduced_name != seat.name) {
    return Status(StatusCode::kUntrusted,
                  "an introduction of " + seat.name + " under another name ('" +
                      std::string(introduced_name) + "') than the roster gives");
  }
  if (seat.role == Role::kGuarantor) return Status::Ok();
  auto held = ParseRole(credential_role);
  if (!held || *held != seat.role) {
    return Status(StatusCode::kUntrusted,
                  "an introduction of " + seat.name + " with a credential for " +
                      SeatRoleWithArticle(credential_role) + ", but the roster seats " + seat.name +
                      " as " + SeatRoleWithArticle(RoleName(seat.role)));
  }
  return Status::Ok();
}

}  // namespace backchannel::talks
