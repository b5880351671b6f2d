// Blind overlap checks between two contacts (service.h Overlap; docs/
// feelers.md §9): the pure core's Lin–Tzeng encoding (feelers/overlap.h) over
// the cardinality-only exchange, wired to the store like a feeler.
//
// The label, unit and width are bound into the exchange's scope, so two
// sides that typed different labels derive different exchange ids: their
// responses are refused and the check expires, instead of answering a
// question nobody asked. That is why an incoming offer is kept as it came
// (ovin/) until our user answers with a label of their own: the exchange
// cannot be made before the scope is known.
#include <nlohmann/json.hpp>

#include "backchannel/crypto/encoding.h"
#include "backchannel/crypto/secret_bytes.h"
#include "backchannel/feelers/message.h"
#include "backchannel/feelers_client/service.h"
#include "feelers_client/store_keys.h"
#include "feelers_client/stored_json.h"

namespace backchannel::feelers_client {
namespace {

using Json = nlohmann::ordered_json;
using feelers::Exchange;
using feelers::OverlapLabel;
using feelers::OverlapSide;
using feelers::Phase;

// Injective: each variable part behind its length; the width last.
std::string OverlapScope(const OverlapLabel& l) {
  return std::string(kChannelScope) + "/overlap/" + std::to_string(l.label.size()) + ":" + l.label +
         std::to_string(l.unit.size()) + ":" + l.unit + "/" + std::to_string(l.width);
}

std::string SideName(OverlapSide side) {
  return side == OverlapSide::kAtLeast ? "at_least" : "at_most";
}

std::string SideWords(const std::string& side) {
  return side == "at_least" ? "at least" : "at most";
}

std::string LabelWords(const OverlapLabel& l) {
  return l.label + " (" + l.unit + ", " + std::to_string(l.width) + " bits)";
}

std::string LedgerKey(const session::PublicKey& peer, const OverlapLabel& l) {
  return std::string(kOverlapLedgerPrefix) + ToHex(peer) + "/" + ToHex(AsBytes(OverlapScope(l)));
}

struct Meta {
  OverlapLabel label;
  std::string side;
  std::uint64_t value = 0;
};

Result<std::optional<Meta>> ReadMeta(client::AppStore& store, const std::string& id) {
  BC_ASSIGN_OR_RETURN(Json j, ReadStoredJson(store, std::string(kOverlapMetaPrefix) + id));
  if (j.is_null()) return std::optional<Meta>();
  Meta m;
  if (!j["label"].is_string() || !j["unit"].is_string() || !j["width"].is_number_unsigned() ||
      !j["side"].is_string() || !j["value"].is_number_unsigned()) {
    return Corrupt("feelers: malformed overlap " + id);
  }
  m.label.label = j["label"].get<std::string>();
  m.label.unit = j["unit"].get<std::string>();
  m.label.width = static_cast<std::uint8_t>(j["width"].get<std::uint32_t>());
  m.side = j["side"].get<std::string>();
  m.value = j["value"].get<std::uint64_t>();
  return std::optional<Meta>(std::move(m));
}

}  // namespace

Status FeelerService::UseOverlapRound(const session::PublicKey& peer, const OverlapLabel& label,
                                      OverlapSide side, std::uint64_t value) {
  const std::string key = LedgerKey(peer, label);
  BC_ASSIGN_OR_RETURN(Json j, ReadStoredJson(store_, key));
  // The pure ledger judges; it is rebuilt from the stored commitment.
  feelers::OverlapLedger ledger(kOverlapRounds);
  std::uint32_t rounds = 0;
  if (!j.is_null()) {
    if (!j["side"].is_number_unsigned() || !j["value"].is_number_unsigned() ||
        !j["rounds"].is_number_unsigned()) {
      return Corrupt("feelers: malformed overlap ledger");
    }
    const auto stored_side = static_cast<OverlapSide>(j["side"].get<std::uint32_t>());
    rounds = j["rounds"].get<std::uint32_t>();
    for (std::uint32_t i = 0; i < rounds; ++i) {
      BC_RETURN_IF_ERROR(
          ledger.UseRound(peer, label, stored_side, j["value"].get<std::uint64_t>()));
    }
  }
  BC_RETURN_IF_ERROR(ledger.UseRound(peer, label, side, value));
  Json out{{"side", static_cast<std::uint32_t>(side)}, {"value", value}, {"rounds", rounds + 1}};
  return store_.Put(key, AsBytes(out.dump()));
}

Result<FeelerReport> FeelerService::Overlap(const std::string& contact_name,
                                            const OverlapLabel& label, OverlapSide side,
                                            std::uint64_t value) {
  BC_ASSIGN_OR_RETURN(auto items, feelers::OverlapItems(label, side, value));
  BC_ASSIGN_OR_RETURN(auto contact, store_.Contact(contact_name));
  if (contact.credential.empty()) {
    return FailedPrecondition(contact_name +
                              " has not presented a verified credential yet: no overlap checks");
  }
  FeelerReport report;
  BC_RETURN_IF_ERROR(Expire(report));
  const std::int64_t now = Now();
  BC_ASSIGN_OR_RETURN(auto mine, Load(contact.identity_key));
  feelers::ExchangeParams params;
  params.domain = feelers::Domain::kOverlap;
  params.variant = feelers::Variant::kCardinality;
  params.self = client_.identity_key();
  params.peer = contact.identity_key;
  params.scope = OverlapScope(label);
  Json meta{{"label", label.label},
            {"unit", label.unit},
            {"width", label.width},
            {"side", SideName(side)},
            {"value", value}};
  BC_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    for (auto& s : mine) {
      if (s.exchange.params().domain == feelers::Domain::kOverlap &&
          s.exchange.phase() == Phase::kOffered) {
        return FailedPrecondition("your overlap check with " + contact_name +
                                  " is still pending (id " + s.key.substr(kExchangePrefix.size()) +
                                  "); wait for their answer or `backchannel feeler forget` it");
      }
    }
    BC_RETURN_IF_ERROR(UseOverlapRound(contact.identity_key, label, side, value));
    // Their oldest check waiting for our answer (its budget was charged when
    // it came).
    BC_ASSIGN_OR_RETURN(auto keys, store_.ListKeys(std::string(kOverlapIncomingPrefix)));
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
      // Charged already when it came: the exchange is made against a
      // throwaway budget.
      feelers::ProbingBudget charged_already(feelers::BudgetPolicy{1, 86400, 0});
      BC_ASSIGN_OR_RETURN(
          auto exchange,
          Exchange::Incoming(params, offer, now, feelers::kDefaultTtlSeconds, charged_already));
      BC_ASSIGN_OR_RETURN(auto answer, exchange.Answer(items, feelers::OverlapK(label), now));
      const std::string id = pick->first.substr(kOverlapIncomingPrefix.size());
      BC_RETURN_IF_ERROR(Save(std::string(kExchangePrefix) + id, exchange));
      BC_RETURN_IF_ERROR(store_.Put(std::string(kOverlapMetaPrefix) + id, AsBytes(meta.dump())));
      BC_RETURN_IF_ERROR(store_.Delete(pick->first));
      BC_RETURN_IF_ERROR(Queue(contact_name, answer));
      report.events.push_back("overlap check with " + contact_name + " on " + LabelWords(label) +
                              ": answered theirs (you: " + SideWords(SideName(side)) + " " +
                              std::to_string(value) + ")");
      return Status::Ok();
    }
    BC_ASSIGN_OR_RETURN(auto budget, LoadBudget());
    Bytes offer;
    BC_ASSIGN_OR_RETURN(auto exchange,
                        Exchange::Start(params, items, feelers::OverlapK(label), now,
                                        feelers::kDefaultTtlSeconds, budget, &offer));
    const std::string id = ToHex(exchange.my_nonce());
    BC_RETURN_IF_ERROR(Save(std::string(kExchangePrefix) + id, exchange));
    BC_RETURN_IF_ERROR(store_.Put(std::string(kOverlapMetaPrefix) + id, AsBytes(meta.dump())));
    BC_RETURN_IF_ERROR(SaveBudget(budget));
    BC_RETURN_IF_ERROR(Queue(contact_name, {offer}));
    report.events.push_back("overlap check with " + contact_name + " on " + LabelWords(label) +
                            " sent (you: " + SideWords(SideName(side)) + " " +
                            std::to_string(value) + "): pending until they answer");
    return Status::Ok();
  }));
  BC_RETURN_IF_ERROR(Flush(report));
  return report;
}

Status FeelerService::OnOverlapOffer(const client::AppMessage& am, const feelers::Offer& offer,
                                     std::vector<Stored>& mine, std::int64_t now) {
  if (offer.variant != feelers::Variant::kCardinality) {
    return InvalidArgument("an overlap check must reveal only a count (cardinality variant)");
  }
  for (auto& s : mine) {
    if (s.exchange.params().domain != feelers::Domain::kOverlap) continue;
    if (s.exchange.phase() != Phase::kOffered) continue;
    if (offer.answer_to && *offer.answer_to != s.exchange.my_nonce()) continue;
    auto answer = s.exchange.OnOffer(offer, now);
    if (!answer) return answer.error();
    BC_RETURN_IF_ERROR(Save(s.key, s.exchange));
    BC_RETURN_IF_ERROR(Queue(am.contact, *answer));
    events_.push_back("overlap check with " + am.contact + ": paired");
    return Status::Ok();
  }
  if (offer.answer_to) {
    return InvalidArgument("an overlap offer answering one we never made (or that ended)");
  }
  if (!feelers::IsPolicySize(offer.k)) {
    return InvalidArgument("an overlap offer's k must be 8, 16 or 32");
  }
  const std::string key = std::string(kOverlapIncomingPrefix) + ToHex(offer.nonce);
  BC_ASSIGN_OR_RETURN(auto existing, store_.Get(key));
  if (existing) return {StatusCode::kDuplicateMessage, "an overlap offer we already have"};
  // Charged by the side being asked too, before anything is kept.
  BC_ASSIGN_OR_RETURN(auto budget, LoadBudget());
  BC_RETURN_IF_ERROR(budget.ChargeExchange(am.sender_identity, now));
  Json in{{"peer", ToHex(am.sender_identity)},
          {"offer", ToBase64(feelers::EncodeOffer(offer), Base64Variant::kUrlSafeNoPadding)},
          {"k", offer.k},
          {"at", now},
          {"expires", now + feelers::kDefaultTtlSeconds}};
  BC_RETURN_IF_ERROR(store_.Put(key, AsBytes(in.dump())));
  BC_RETURN_IF_ERROR(SaveBudget(budget));
  events_.push_back("overlap check from " + am.contact + " (k=" + std::to_string(offer.k) +
                    "): answer it with your own position (feeler overlap)");
  return Status::Ok();
}

Status FeelerService::ViewOverlap(const Stored& s, FeelerView& v) {
  v.kind = "overlap";
  const std::string id = s.key.substr(kExchangePrefix.size());
  BC_ASSIGN_OR_RETURN(auto meta, ReadMeta(store_, id));
  if (meta) {
    v.label = meta->label.label;
    v.unit = meta->label.unit;
    v.width = meta->label.width;
    v.side = meta->side;
    v.value = meta->value;
  }
  if (s.exchange.phase() == Phase::kDone) {
    v.overlap = feelers::OverlapHolds(s.exchange.MatchCount()) ? "yes" : "no";
  }
  return Status::Ok();
}

std::string FeelerService::OverlapOutcome(const Stored& s, const std::string& contact) {
  FeelerView v;
  if (Status viewed = ViewOverlap(s, v); !viewed.ok()) {
    return "overlap check with " + contact + ": " + std::string(viewed.message());
  }
  const std::string head = "overlap check with " + contact + " on " + v.label;
  if (s.exchange.phase() == Phase::kExpired) return head + " expired: nothing was revealed";
  if (v.overlap == "yes") {
    return head + ": the positions overlap (their bound is compatible with your " +
           SideWords(v.side) + " " + std::to_string(v.value) + ")";
  }
  return head + ": the positions do not overlap (nothing more is revealed)";
}

}  // namespace backchannel::feelers_client
