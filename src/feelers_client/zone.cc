// Blind zone-of-agreement checks inside talks (service.h Zone; docs/
// feelers.md §9 and §13): the pure core's zone items (feelers/zone.h) over
// the cardinality-only exchange (the full one when both ask for the list),
// wired to the store like an overlap check.
//
// The talks id and a digest of the whole candidate list (ids and packages)
// are bound into the exchange's scope, so two sides holding different lists
// derive different exchange ids: their responses are refused and the check
// expires, instead of comparing packages nobody agreed on. That is why an
// incoming offer is kept as it came (zin/) until our user answers with
// `talks zone`: the exchange cannot be made before the list is known.
#include "backchannel/feelers/zone.h"

#include <map>
#include <nlohmann/json.hpp>

#include "backchannel/common/byte_io.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/crypto/secret_bytes.h"
#include "backchannel/feelers/message.h"
#include "backchannel/feelers_client/service.h"
#include "feelers_client/store_keys.h"
#include "feelers_client/stored_json.h"

namespace backchannel::feelers_client {
namespace {

using Json = nlohmann::ordered_json;
using feelers::Exchange;
using feelers::Phase;

// "talks/<id>/zone/<32 hex>": the first 16 bytes of SHA-256 over the
// length-prefixed ids and packages, in list order.
std::string ZoneScopeFor(const ZoneCheck& check) {
  ByteWriter w;
  w.String16("backchannel feelers v1 zone candidates");
  w.U16(static_cast<std::uint16_t>(check.candidates.size()));
  for (const auto& c : check.candidates) {
    w.String16(c.id);
    w.String16(c.text);
  }
  const auto digest = crypto::Sha256({w.bytes()});
  return TalksScope(check.talks) + "/zone/" + ToHex(ByteView(digest.data(), 16));
}

std::string ZoneChoiceWords(bool list) {
  return list ? "the list of candidates both accept" : "only how many candidates both accept";
}

// The candidate id inside a zone item (feelers/zone.cc: kind byte, list
// digest, the id behind its u16 length).
std::string ZoneItemId(const Bytes& item) {
  constexpr std::size_t kHead = 1 + 32 + 2;
  if (item.size() < kHead) return "";
  return std::string(item.begin() + kHead, item.end());
}

}  // namespace

Result<FeelerReport> FeelerService::Zone(const std::string& contact_name, const ZoneCheck& check) {
  if (check.talks.empty() || check.talks.size() > 64) {
    return InvalidArgument("zone: the talks id must be 1 to 64 bytes");
  }
  std::vector<std::string> ids;
  for (const auto& c : check.candidates) ids.push_back(c.id);
  BC_ASSIGN_OR_RETURN(auto items, feelers::ZoneItems(ids, check.acceptable));
  BC_ASSIGN_OR_RETURN(auto contact, store_.Contact(contact_name));
  if (contact.credential.empty()) {
    return FailedPrecondition(contact_name +
                              " has not presented a verified credential yet: no zone checks");
  }
  FeelerReport report;
  BC_RETURN_IF_ERROR(Expire(report));
  const std::int64_t now = Now();
  BC_ASSIGN_OR_RETURN(auto mine, Load(contact.identity_key));
  feelers::ExchangeParams params;
  params.domain = feelers::Domain::kZone;
  params.variant = check.list ? feelers::Variant::kFull : feelers::Variant::kCardinality;
  params.self = client_.identity_key();
  params.peer = contact.identity_key;
  params.scope = ZoneScopeFor(check);
  Json meta{{"talks", check.talks},
            {"list", check.list},
            {"accepted", items.size()},
            {"candidates", Json::array()}};
  for (const auto& c : check.candidates) meta["candidates"].push_back(Json::array({c.id, c.text}));
  const std::string head = "zone check with " + contact_name + " in talks " + check.talks +
                           " over " + std::to_string(check.candidates.size()) +
                           " candidates (you accept " + std::to_string(items.size()) + "; " +
                           ZoneChoiceWords(check.list) + ")";
  BC_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    for (auto& s : mine) {
      if (s.exchange.params().domain == feelers::Domain::kZone &&
          s.exchange.phase() == Phase::kOffered) {
        return FailedPrecondition("your zone check with " + contact_name +
                                  " is still pending (id " + s.key.substr(kExchangePrefix.size()) +
                                  "); wait for their answer or `backchannel feeler forget` it");
      }
    }
    // Their oldest check waiting for our answer (charged when it came).
    BC_ASSIGN_OR_RETURN(auto keys, store_.ListKeys(std::string(kZoneIncomingPrefix)));
    std::optional<std::pair<std::string, std::int64_t>> pick;
    for (const auto& key : keys) {
      BC_ASSIGN_OR_RETURN(Json in, ReadStoredJson(store_, key));
      if (in.value("peer", "") != ToHex(contact.identity_key)) continue;
      const std::int64_t at = in.value("at", std::int64_t{0});
      if (!pick || at < pick->second) pick.emplace(key, at);
    }
    if (pick) {
      BC_ASSIGN_OR_RETURN(Json in, ReadStoredJson(store_, pick->first));
      auto offer_bytes = FromBase64(in.value("offer", ""), Base64Variant::kUrlSafeNoPadding);
      if (!offer_bytes) return Corrupt("feelers: malformed " + pick->first);
      BC_ASSIGN_OR_RETURN(auto offer, feelers::DecodeOffer(*offer_bytes));
      // The list is shown only when both chose it: a mismatch is refused
      // before anything of ours is committed, and says what they chose.
      if (offer.variant != params.variant) {
        const bool they_list = offer.variant == feelers::Variant::kFull;
        return FailedPrecondition(
            contact_name + "'s zone check asks for " + ZoneChoiceWords(they_list) + ": answer it " +
            (they_list ? "with --list" : "without --list") + ", or `backchannel feeler forget " +
            pick->first.substr(kZoneIncomingPrefix.size()) + "` it");
      }
      feelers::ProbingBudget charged_already(feelers::BudgetPolicy{1, 86400, 0});
      BC_ASSIGN_OR_RETURN(
          auto exchange,
          Exchange::Incoming(params, offer, now, feelers::kDefaultTtlSeconds, charged_already));
      BC_ASSIGN_OR_RETURN(auto answer, exchange.Answer(items, feelers::kZoneSize, now));
      const std::string id = pick->first.substr(kZoneIncomingPrefix.size());
      BC_RETURN_IF_ERROR(Save(std::string(kExchangePrefix) + id, exchange));
      BC_RETURN_IF_ERROR(store_.Put(std::string(kZoneMetaPrefix) + id, AsBytes(meta.dump())));
      BC_RETURN_IF_ERROR(store_.Delete(pick->first));
      BC_RETURN_IF_ERROR(Queue(contact_name, answer));
      report.events.push_back(head + ": answered theirs");
      return Status::Ok();
    }
    BC_ASSIGN_OR_RETURN(auto budget, LoadBudget());
    Bytes offer;
    BC_ASSIGN_OR_RETURN(auto exchange,
                        Exchange::Start(params, items, feelers::kZoneSize, now,
                                        feelers::kDefaultTtlSeconds, budget, &offer));
    const std::string id = ToHex(exchange.my_nonce());
    BC_RETURN_IF_ERROR(Save(std::string(kExchangePrefix) + id, exchange));
    BC_RETURN_IF_ERROR(store_.Put(std::string(kZoneMetaPrefix) + id, AsBytes(meta.dump())));
    BC_RETURN_IF_ERROR(SaveBudget(budget));
    BC_RETURN_IF_ERROR(Queue(contact_name, {offer}));
    report.events.push_back(head + " sent: pending until they answer");
    return Status::Ok();
  }));
  BC_RETURN_IF_ERROR(Flush(report));
  return report;
}

Status FeelerService::OnZoneOffer(const client::AppMessage& am, const feelers::Offer& offer,
                                  std::vector<Stored>& mine, std::int64_t now) {
  if (offer.k != feelers::kZoneSize) {
    return InvalidArgument("a zone check offer's k must be " + std::to_string(feelers::kZoneSize));
  }
  for (auto& s : mine) {
    if (s.exchange.params().domain != feelers::Domain::kZone) continue;
    if (s.exchange.phase() != Phase::kOffered) continue;
    if (offer.answer_to && *offer.answer_to != s.exchange.my_nonce()) continue;
    auto answer = s.exchange.OnOffer(offer, now);
    if (!answer) return answer.error();
    BC_RETURN_IF_ERROR(Save(s.key, s.exchange));
    BC_RETURN_IF_ERROR(Queue(am.contact, *answer));
    events_.push_back("zone check with " + am.contact + ": paired");
    return Status::Ok();
  }
  if (offer.answer_to) {
    return InvalidArgument("a zone check offer answering one we never made (or that ended)");
  }
  const std::string key = std::string(kZoneIncomingPrefix) + ToHex(offer.nonce);
  BC_ASSIGN_OR_RETURN(auto existing, store_.Get(key));
  if (existing) return {StatusCode::kDuplicateMessage, "a zone check offer we already have"};
  // Charged by the side being asked too, before anything is kept.
  BC_ASSIGN_OR_RETURN(auto budget, LoadBudget());
  BC_RETURN_IF_ERROR(budget.ChargeExchange(am.sender_identity, now));
  const bool list = offer.variant == feelers::Variant::kFull;
  Json in{{"peer", ToHex(am.sender_identity)},
          {"offer", ToBase64(feelers::EncodeOffer(offer), Base64Variant::kUrlSafeNoPadding)},
          {"list", list},
          {"at", now},
          {"expires", now + feelers::kDefaultTtlSeconds}};
  BC_RETURN_IF_ERROR(store_.Put(key, AsBytes(in.dump())));
  BC_RETURN_IF_ERROR(SaveBudget(budget));
  events_.push_back("zone check from " + am.contact + " (asking for " + ZoneChoiceWords(list) +
                    "): answer it with your own acceptable candidates (talks zone ID --to " +
                    am.contact + (list ? " --list" : "") + ")");
  return Status::Ok();
}

Status FeelerService::ViewZone(const Stored& s, FeelerView& v) {
  v.kind = "zone";
  v.talks = TalksOfScope(s.exchange.params().scope, true);
  v.list = s.exchange.params().variant == feelers::Variant::kFull;
  const std::string id = s.key.substr(kExchangePrefix.size());
  BC_ASSIGN_OR_RETURN(Json meta, ReadStoredJson(store_, std::string(kZoneMetaPrefix) + id));
  std::map<std::string, std::string> text_of;
  if (!meta.is_null()) {
    if (!meta["candidates"].is_array() || !meta["talks"].is_string()) {
      return Corrupt("feelers: malformed zone check " + id);
    }
    v.talks = meta["talks"].get<std::string>();
    v.candidates = meta["candidates"].size();
    v.accepted = meta.value("accepted", std::size_t{0});
    for (const auto& c : meta["candidates"]) {
      if (!c.is_array() || c.size() != 2 || !c[0].is_string() || !c[1].is_string()) {
        return Corrupt("feelers: malformed zone check " + id);
      }
      text_of[c[0].get<std::string>()] = c[1].get<std::string>();
    }
  }
  if (s.exchange.phase() != Phase::kDone) return Status::Ok();
  v.zone_count = s.exchange.MatchCount();
  if (v.list) {
    for (const auto& item : s.exchange.Matched()) {
      const std::string cid = ZoneItemId(item);
      auto it = text_of.find(cid);
      v.matched.push_back(it == text_of.end() ? cid : cid + " (" + it->second + ")");
    }
  }
  return Status::Ok();
}

std::string FeelerService::ZoneOutcome(const Stored& s, const std::string& contact) {
  FeelerView v;
  if (Status viewed = ViewZone(s, v); !viewed.ok()) {
    return "zone check with " + contact + ": " + std::string(viewed.message());
  }
  const std::string head = "zone check with " + contact + " in talks " + v.talks;
  if (s.exchange.phase() == Phase::kExpired) return head + " expired: nothing was revealed";
  std::string out = head + ": " + std::to_string(v.zone_count.value_or(0)) + " of " +
                    std::to_string(v.candidates) + " candidates both would accept";
  if (v.list && !v.matched.empty()) {
    std::string joined;
    for (const auto& m : v.matched) joined += (joined.empty() ? "" : "; ") + m;
    out += ": " + joined;
  }
  return out;
}

}  // namespace backchannel::feelers_client
