// The keys FeelerService keeps in its app store (service.h "persistence"),
// shared by service.cc and overlap.cc.
#ifndef BACKCHANNEL_SRC_FEELERS_CLIENT_STORE_KEYS_H_
#define BACKCHANNEL_SRC_FEELERS_CLIENT_STORE_KEYS_H_

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

inline bool IsOpen(feelers::Phase p) {
  return p == feelers::Phase::kIncoming || p == feelers::Phase::kOffered ||
         p == feelers::Phase::kResponded || p == feelers::Phase::kFinished;
}

}  // namespace backchannel::feelers_client

#endif  // BACKCHANNEL_SRC_FEELERS_CLIENT_STORE_KEYS_H_
