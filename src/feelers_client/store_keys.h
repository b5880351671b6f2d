// The keys FeelerService keeps in its app store (service.h "persistence"),
// shared by service.cc and overlap.cc.
#ifndef BACKCHANNEL_SRC_FEELERS_CLIENT_STORE_KEYS_H_
#define BACKCHANNEL_SRC_FEELERS_CLIENT_STORE_KEYS_H_

#include <string>
#include <string_view>

#include "backchannel/feelers/exchange.h"

namespace backchannel::feelers_client {

inline constexpr std::string_view kExchangePrefix = "x/";  // x/<id>: one exchange
inline constexpr std::string_view kOutboxPrefix = "out/";
inline constexpr std::string_view kBudgetKey = "budget";
inline constexpr std::string_view kOutboxNextKey = "out-next";
// ovmeta/<id>: an overlap exchange's own label, unit, width, side and value.
inline constexpr std::string_view kOverlapMetaPrefix = "ovmeta/";
// ovin/<offer nonce hex>: an overlap offer kept until our user answers it
// (its label is our user's to type: the scope binds it, so the exchange is
// made then).
inline constexpr std::string_view kOverlapIncomingPrefix = "ovin/";
// ovledger/<peer hex>/<label hex>: the committed value and rounds used.
inline constexpr std::string_view kOverlapLedgerPrefix = "ovledger/";

// zmeta/<id>: a zone check's talks, candidate list, our choice (count or
// list) and how many we accepted.
inline constexpr std::string_view kZoneMetaPrefix = "zmeta/";
// zin/<offer nonce hex>: a zone check offer kept until our user answers it
// with `talks zone` (the list and the talks are bound into the scope, so the
// exchange is made then).
inline constexpr std::string_view kZoneIncomingPrefix = "zin/";
// The scope of everything inside talks: "talks/<talks id>" (a feeler) and
// "talks/<id>/zone/<list digest>" (a zone check).
inline constexpr std::string_view kTalksScopePrefix = "talks/";

// The zone scope's suffix: "/zone/" and 32 hex digits of the list's digest.
inline constexpr std::size_t kZoneScopeSuffixSize = 6 + 32;

inline std::string TalksScope(const std::string& talks) {
  return std::string(kTalksScopePrefix) + talks;
}

// The talks id a scope belongs to; empty for the channel's.
inline std::string TalksOfScope(const std::string& scope, bool zone) {
  if (!scope.starts_with(kTalksScopePrefix)) return "";
  std::string rest = scope.substr(kTalksScopePrefix.size());
  if (zone && rest.size() > kZoneScopeSuffixSize) rest.resize(rest.size() - kZoneScopeSuffixSize);
  return rest;
}

inline bool IsOpen(feelers::Phase p) {
  return p == feelers::Phase::kIncoming || p == feelers::Phase::kOffered ||
         p == feelers::Phase::kResponded || p == feelers::Phase::kFinished;
}

}  // namespace backchannel::feelers_client

#endif  // BACKCHANNEL_SRC_FEELERS_CLIENT_STORE_KEYS_H_
