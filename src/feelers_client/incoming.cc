// The checks a contact started that wait for our user's answer: overlap
// checks (overlap.cc keeps them under kOverlapIncomingPrefix) and zone
// checks (zone.cc, kZoneIncomingPrefix). Both are stored the same way, a
// JSON row with the peer's identity key, when it arrived and when it
// expires, so one lister and one expiry serve both kinds.
#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "backchannel/crypto/encoding.h"
#include "backchannel/feelers/zone.h"
#include "backchannel/feelers_client/service.h"
#include "feelers_client/store_keys.h"
#include "feelers_client/stored_json.h"

namespace backchannel::feelers_client {
namespace {

struct IncomingKind {
  std::string_view prefix;
  std::string_view kind;   // FeelerView::kind
  std::string_view words;  // how a report names it
};

constexpr std::array<IncomingKind, 2> kIncomingKinds{{
    {kOverlapIncomingPrefix, "overlap", "overlap check"},
    {kZoneIncomingPrefix, "zone", "zone check"},
}};

}  // namespace

Result<std::vector<FeelerView>> FeelerService::Incoming(
    const std::optional<session::PublicKey>& peer) {
  std::vector<FeelerView> out;
  for (const IncomingKind& kind : kIncomingKinds) {
    BC_ASSIGN_OR_RETURN(auto keys, store_.ListKeys(std::string(kind.prefix)));
    for (const auto& key : keys) {
      BC_ASSIGN_OR_RETURN(nlohmann::ordered_json in, ReadStoredJson(store_, key));
      if (in.is_null()) continue;
      auto who = FromHexFixed<session::PublicKey>(in.value("peer", ""));
      if (!who) return Corrupt("feelers: malformed " + key);
      if (peer && *who != *peer) continue;
      FeelerView v;
      v.id = key.substr(kind.prefix.size());
      auto name = ContactName(*who);
      v.contact = name ? *name : std::string("(former contact)");
      v.kind = std::string(kind.kind);
      v.phase = "incoming";
      v.created_at = in.value("at", std::int64_t{0});
      v.expires_at = in.value("expires", std::int64_t{0});
      if (kind.prefix == kZoneIncomingPrefix) {
        v.k = feelers::kZoneSize;
        v.list = in.value("list", false);  // what they asked for
      } else {
        v.k = in.value("k", std::size_t{0});
      }
      out.push_back(std::move(v));
    }
  }
  return out;
}

Status FeelerService::ExpireIncoming(FeelerReport& report) {
  const std::int64_t now = Now();
  for (const IncomingKind& kind : kIncomingKinds) {
    BC_ASSIGN_OR_RETURN(auto keys, store_.ListKeys(std::string(kind.prefix)));
    for (const auto& key : keys) {
      BC_ASSIGN_OR_RETURN(nlohmann::ordered_json in, ReadStoredJson(store_, key));
      if (in.is_null() || in.value("expires", std::int64_t{0}) > now) continue;
      BC_RETURN_IF_ERROR(store_.Delete(key));
      auto who = FromHexFixed<session::PublicKey>(in.value("peer", ""));
      auto name = who ? ContactName(*who) : Result<std::string>(NotFound(""));
      report.events.push_back(std::string(kind.words) + " from " +
                              (name ? *name : std::string("a former contact")) +
                              " expired unanswered: nothing was revealed");
    }
  }
  return Status::Ok();
}

}  // namespace backchannel::feelers_client
