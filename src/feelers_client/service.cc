// The feelers service: exchanges in the store, the handler that routes each
// message to its exchange, the outbox, expiry (service.h).
#include "backchannel/feelers_client/service.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "backchannel/crypto/encoding.h"
#include "backchannel/crypto/secret_bytes.h"
#include "backchannel/feelers/message.h"
#include "backchannel/feelers/topic.h"
#include "feelers_client/store_keys.h"

namespace backchannel::feelers_client {
namespace {

using Json = nlohmann::ordered_json;
using feelers::Exchange;
using feelers::Phase;

std::string AppName() { return std::string(kApp); }

std::int64_t SystemSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string OutboxKey(std::uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(n));
  return std::string(kOutboxPrefix) + buf;
}

std::string TopicText(ByteView canonical) {
  auto t = feelers::TopicFromCanonical(canonical);
  if (!t) return "(unreadable topic)";
  // An agenda id is shown apart from free text that happens to spell it
  // (the two never match: the kind is part of the hashed bytes).
  return t->kind == feelers::TopicKind::kAgenda ? "[agenda] " + t->text : t->text;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

FeelerService::FeelerService(client::Client& client, std::function<std::int64_t()> now_seconds,
                             feelers::BudgetPolicy policy)
    : client_(client),
      store_(client.AppStoreFor(AppName())),
      now_(std::move(now_seconds)),
      policy_(policy) {
  client_.SetAppHandler(AppName(), [this](const client::AppMessage& m) { return OnMessage(m); });
}

std::int64_t FeelerService::Now() const { return now_ ? now_() : SystemSeconds(); }

// ---- persistence ----

Result<std::vector<FeelerService::Stored>> FeelerService::Load(
    const std::optional<session::PublicKey>& peer) {
  BC_ASSIGN_OR_RETURN(auto keys, store_.ListKeys(std::string(kExchangePrefix)));
  std::vector<Stored> out;
  for (const auto& key : keys) {
    BC_ASSIGN_OR_RETURN(auto value, store_.Get(key));
    if (!value) continue;
    // The state may hold the exchange secret: move it into wiped memory
    // before decoding, and wipe the plain copy the store handed us.
    SecretBytes state{ByteView(*value)};
    SecureWipe(value->data(), value->size());
    auto exchange = Exchange::Decode(state.view());
    if (!exchange) return exchange.error().WithContext("feeler " + key);
    if (peer && exchange->params().peer != *peer) continue;
    out.push_back(Stored{key, std::move(*exchange)});
  }
  std::stable_sort(out.begin(), out.end(), [](const Stored& a, const Stored& b) {
    return a.exchange.created_at() < b.exchange.created_at();
  });
  return out;
}

Status FeelerService::Save(const std::string& key, const Exchange& exchange) {
  SecretBytes state = exchange.Encode();
  return store_.Put(key, state.view());
}

Result<feelers::ProbingBudget> FeelerService::LoadBudget() {
  BC_ASSIGN_OR_RETURN(auto value, store_.Get(std::string(kBudgetKey)));
  if (!value) return feelers::ProbingBudget(policy_);
  auto budget = feelers::ProbingBudget::Decode(*value);
  if (!budget) return budget.error().WithContext("the feelers budget");
  return std::move(*budget);
}

Status FeelerService::SaveBudget(const feelers::ProbingBudget& budget) {
  return store_.Put(std::string(kBudgetKey), budget.Encode());
}

Status FeelerService::Queue(const std::string& contact, const std::vector<Bytes>& bodies) {
  BC_ASSIGN_OR_RETURN(auto next, store_.Get(std::string(kOutboxNextKey)));
  std::uint64_t n = 1;
  if (next) {
    const std::string text(AsString(*next));
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
      return Corrupt("the feelers outbox counter is malformed");
    }
    n = std::stoull(text);
  }
  for (const auto& body : bodies) {
    Json item{{"contact", contact}, {"body", ToBase64(body, Base64Variant::kUrlSafeNoPadding)}};
    BC_RETURN_IF_ERROR(store_.Put(OutboxKey(n++), AsBytes(item.dump())));
  }
  return store_.Put(std::string(kOutboxNextKey), AsBytes(std::to_string(n)));
}

Result<std::string> FeelerService::ContactName(const session::PublicKey& key) {
  BC_ASSIGN_OR_RETURN(auto contact, store_.ContactByIdentity(key));
  if (!contact) return NotFound("a feeler from someone who is no longer a contact");
  return contact->name;
}

// ---- receiving ----

Status FeelerService::OnMessage(const client::AppMessage& am) {
  BC_ASSIGN_OR_RETURN(auto type, feelers::PeekMessageType(am.body));
  const std::int64_t now = Now();
  BC_ASSIGN_OR_RETURN(auto mine, Load(am.sender_identity));
  // What the exchange answers goes out after the receive (handlers may not
  // send); the new state and the queued answer commit together.
  auto advance = [&](Stored& s, Result<std::vector<Bytes>> answer) -> Status {
    if (!answer) return answer.error();
    BC_RETURN_IF_ERROR(Save(s.key, s.exchange));
    return Queue(am.contact, *answer);
  };

  switch (type) {
    case feelers::MessageType::kOffer: {
      BC_ASSIGN_OR_RETURN(auto offer, feelers::DecodeOffer(am.body));
      if (offer.domain == feelers::Domain::kOverlap) return OnOverlapOffer(am, offer, mine, now);
      if (offer.domain == feelers::Domain::kZone) return OnZoneOffer(am, offer, mine, now);
      for (auto& s : mine) {
        if (s.exchange.params().domain != feelers::Domain::kFeeler) continue;
        if (s.exchange.phase() != Phase::kOffered) continue;
        // Our pending offer: answered by name, or crossed by theirs.
        if (offer.answer_to && *offer.answer_to != s.exchange.my_nonce()) continue;
        BC_RETURN_IF_ERROR(advance(s, s.exchange.OnOffer(offer, now)));
        events_.push_back("feeler with " + am.contact +
                          ": paired (k=" + std::to_string(s.exchange.k()) + ")");
        return Status::Ok();
      }
      if (offer.answer_to) {
        return InvalidArgument("a feeler offer answering one we never made (or that ended)");
      }
      BC_ASSIGN_OR_RETURN(auto budget, LoadBudget());
      feelers::ExchangeParams params;
      params.self = client_.identity_key();
      params.peer = am.sender_identity;
      params.scope = std::string(kChannelScope);
      BC_ASSIGN_OR_RETURN(auto exchange, Exchange::Incoming(params, offer, now,
                                                            feelers::kDefaultTtlSeconds, budget));
      // Our nonce does not exist until our user answers: the local id of an
      // incoming exchange is the offer's nonce (fresh and random too).
      const std::string key = std::string(kExchangePrefix) + ToHex(offer.nonce);
      BC_ASSIGN_OR_RETURN(auto existing, store_.Get(key));
      if (existing) {
        SecureWipe(existing->data(), existing->size());
        return {StatusCode::kDuplicateMessage, "a feeler offer we already have"};
      }
      BC_RETURN_IF_ERROR(Save(key, exchange));
      BC_RETURN_IF_ERROR(SaveBudget(budget));
      // The offer does not say where it belongs (channel or talks): the
      // answering user names it by the command they answer with.
      events_.push_back("feeler from " + am.contact + " (k=" + std::to_string(offer.k) +
                        "): answer it with topics of your own choosing (feeler send, or "
                        "talks feeler ID --to NAME inside talks you share)");
      return Status::Ok();
    }
    case feelers::MessageType::kResponse: {
      BC_ASSIGN_OR_RETURN(auto response, feelers::DecodeResponse(am.body));
      for (auto& s : mine) {
        if (s.exchange.exchange_id() != response.exchange_id) continue;
        return advance(s, s.exchange.OnResponse(response, now));
      }
      return NotFound("a feeler response for no exchange of ours");
    }
    case feelers::MessageType::kFinish: {
      BC_ASSIGN_OR_RETURN(auto finish, feelers::DecodeFinish(am.body));
      for (auto& s : mine) {
        if (s.exchange.exchange_id() != finish.exchange_id) continue;
        BC_RETURN_IF_ERROR(s.exchange.OnFinish(finish, now));
        BC_RETURN_IF_ERROR(Save(s.key, s.exchange));
        events_.push_back(Outcome(s, am.contact));
        return Status::Ok();
      }
      return NotFound("a feeler finish for no exchange of ours");
    }
  }
  return InvalidArgument("an unknown feeler message");
}

std::string FeelerService::Outcome(const Stored& stored, const std::string& contact) {
  const Exchange& exchange = stored.exchange;
  if (exchange.phase() == Phase::kWithheld) return exchange.WithheldNotice(contact);
  if (exchange.params().domain == feelers::Domain::kOverlap) return OverlapOutcome(stored, contact);
  if (exchange.params().domain == feelers::Domain::kZone) return ZoneOutcome(stored, contact);
  const std::string talks = TalksOfScope(exchange.params().scope, false);
  const std::string head = "feeler with " + contact + (talks.empty() ? "" : " in talks " + talks);
  if (exchange.phase() == Phase::kExpired) return head + " expired: nothing was revealed";
  std::vector<std::string> matched;
  for (const auto& item : exchange.Matched()) matched.push_back(TopicText(item));
  if (matched.empty()) return head + ": no shared topic";
  return head + ": shared topics: " + Join(matched);
}

// ---- sending ----

Status FeelerService::Flush(FeelerReport& report) {
  BC_ASSIGN_OR_RETURN(auto keys, store_.ListKeys(std::string(kOutboxPrefix)));
  std::set<std::string> blocked;  // contacts whose earlier message is still queued
  report.queued = 0;
  for (const auto& key : keys) {
    BC_ASSIGN_OR_RETURN(auto value, store_.Get(key));
    if (!value) continue;
    Json item = Json::parse(value->begin(), value->end(), nullptr, false);
    if (item.is_discarded() || !item.is_object()) return Corrupt("feelers outbox item " + key);
    const std::string contact = item.value("contact", "");
    auto body = FromBase64(item.value("body", ""), Base64Variant::kUrlSafeNoPadding);
    if (!body) return Corrupt("feelers outbox item " + key + " has a malformed body");
    if (blocked.contains(contact)) {
      ++report.queued;
      continue;
    }
    // The client's own outbox takes over what the relay cannot take now;
    // only a send that fails outright keeps the item here (order per contact).
    auto sent = client_.SendApp(contact, AppName(), *body);
    if (!sent) {
      blocked.insert(contact);
      ++report.queued;
      report.refused.push_back(sent.error().WithContext("feeler queued for " + contact));
      continue;
    }
    BC_RETURN_IF_ERROR(store_.Delete(key));
    if (sent->queued) ++report.queued;
    if (sent->refused) report.refused.push_back(sent->reason.WithContext("feeler to " + contact));
  }
  return Status::Ok();
}

Status FeelerService::Expire(FeelerReport& report) {
  const std::int64_t now = Now();
  BC_RETURN_IF_ERROR(ExpireIncoming(report));
  BC_ASSIGN_OR_RETURN(auto all, Load(std::nullopt));
  bool any = false;
  for (const auto& s : all)
    any = any || (IsOpen(s.exchange.phase()) && s.exchange.expires_at() <= now);
  if (!any) return Status::Ok();
  return store_.Transaction([&]() -> Status {
    BC_ASSIGN_OR_RETURN(auto budget, LoadBudget());
    for (auto& s : all) {
      if (!IsOpen(s.exchange.phase())) continue;
      const Phase before = s.exchange.phase();
      if (s.exchange.Expire(now, budget) == before) continue;
      BC_RETURN_IF_ERROR(Save(s.key, s.exchange));
      auto name = ContactName(s.exchange.params().peer);
      report.events.push_back(Outcome(s, name ? *name : std::string("a former contact")));
    }
    return SaveBudget(budget);
  });
}

Result<FeelerReport> FeelerService::Settle() {
  FeelerReport report;
  report.events = std::move(events_);
  events_.clear();
  BC_RETURN_IF_ERROR(Expire(report));
  BC_RETURN_IF_ERROR(Flush(report));
  return report;
}

Result<FeelerReport> FeelerService::Sync() {
  events_.clear();
  auto received = client_.Receive();
  if (!received) return received.error();
  BC_ASSIGN_OR_RETURN(FeelerReport report, Settle());
  for (const auto& s : received->refused) report.refused.push_back(s);
  return report;
}

Result<FeelerReport> FeelerService::Send(const std::string& contact_name,
                                         const std::vector<std::string>& topics, std::size_t k,
                                         const std::vector<std::string>& agenda,
                                         const std::string& talks) {
  if (topics.empty() && agenda.empty()) {
    return InvalidArgument("name at least one topic (--topic T or --agenda ISSUE[:OPTION])");
  }
  std::vector<Bytes> items;
  std::set<Bytes> seen;
  auto add = [&](const std::string& t, bool is_agenda) -> Status {
    auto topic = is_agenda ? feelers::AgendaTopic(t) : feelers::FreeTextTopic(t);
    if (!topic) return topic.error().WithContext((is_agenda ? "agenda id '" : "topic '") + t + "'");
    Bytes canonical = topic->Canonical();
    // The same topic typed twice (or two spellings that normalise alike)
    // is one topic.
    if (seen.insert(canonical).second) items.push_back(std::move(canonical));
    return Status::Ok();
  };
  for (const auto& t : topics) BC_RETURN_IF_ERROR(add(t, false));
  for (const auto& t : agenda) BC_RETURN_IF_ERROR(add(t, true));
  BC_ASSIGN_OR_RETURN(auto contact, store_.Contact(contact_name));
  if (contact.credential.empty()) {
    return FailedPrecondition(contact_name +
                              " has not presented a verified credential yet: no feelers before");
  }
  const std::string scope = talks.empty() ? std::string(kChannelScope) : TalksScope(talks);
  const std::string where = talks.empty() ? std::string() : " in talks " + talks;
  FeelerReport report;
  BC_RETURN_IF_ERROR(Expire(report));
  const std::int64_t now = Now();
  BC_ASSIGN_OR_RETURN(auto mine, Load(contact.identity_key));
  BC_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    // One pending offer per contact, whatever its scope: an offer does not
    // carry its scope, so two crossing offers pair by contact alone.
    for (auto& s : mine) {
      if (s.exchange.params().domain != feelers::Domain::kFeeler) continue;
      if (s.exchange.phase() == Phase::kOffered) {
        return FailedPrecondition("your feeler to " + contact_name + " is still pending (id " +
                                  s.key.substr(kExchangePrefix.size()) +
                                  "); wait for their answer or `backchannel feeler forget` it");
      }
    }
    for (auto& s : mine) {
      if (s.exchange.params().domain != feelers::Domain::kFeeler) continue;
      if (s.exchange.phase() != Phase::kIncoming) continue;
      // Their offer waits for our own topics: answer it (no budget charge:
      // it was charged when it came), inside the talks our user named. A
      // refusal saves nothing (the loaded copy is dropped).
      BC_RETURN_IF_ERROR(s.exchange.Rescope(scope));
      BC_ASSIGN_OR_RETURN(auto answer, s.exchange.Answer(items, k, now));
      BC_RETURN_IF_ERROR(Save(s.key, s.exchange));
      BC_RETURN_IF_ERROR(Queue(contact_name, answer));
      std::string event = "feeler with " + contact_name;
      event += where;
      event += ": answered their feeler (k=" + std::to_string(s.exchange.k()) + ")";
      report.events.push_back(std::move(event));
      return Status::Ok();
    }
    BC_ASSIGN_OR_RETURN(auto budget, LoadBudget());
    feelers::ExchangeParams params;
    params.self = client_.identity_key();
    params.peer = contact.identity_key;
    params.scope = scope;
    Bytes offer;
    BC_ASSIGN_OR_RETURN(
        auto exchange,
        Exchange::Start(params, items, k, now, feelers::kDefaultTtlSeconds, budget, &offer));
    const std::string key = std::string(kExchangePrefix) + ToHex(exchange.my_nonce());
    BC_RETURN_IF_ERROR(Save(key, exchange));
    BC_RETURN_IF_ERROR(SaveBudget(budget));
    BC_RETURN_IF_ERROR(Queue(contact_name, {offer}));
    report.events.push_back("feeler to " + contact_name + where + " sent (k=" +
                            std::to_string(exchange.k()) + "): pending until they send theirs");
    return Status::Ok();
  }));
  BC_RETURN_IF_ERROR(Flush(report));
  return report;
}

// ---- looking ----

Result<FeelerView> FeelerService::View(const Stored& s) {
  const Exchange& x = s.exchange;
  FeelerView v;
  v.id = s.key.substr(kExchangePrefix.size());
  auto name = ContactName(x.params().peer);
  v.contact = name ? *name : std::string("(former contact)");
  v.phase = std::string(feelers::PhaseName(x.phase()));
  v.created_at = x.created_at();
  v.expires_at = x.expires_at();
  v.k = x.k();
  if (x.phase() == Phase::kWithheld) v.notice = x.WithheldNotice(v.contact);
  if (x.params().domain == feelers::Domain::kOverlap) {
    BC_RETURN_IF_ERROR(ViewOverlap(s, v));
    return v;
  }
  if (x.params().domain == feelers::Domain::kZone) {
    BC_RETURN_IF_ERROR(ViewZone(s, v));
    return v;
  }
  v.talks = TalksOfScope(x.params().scope, false);
  for (const auto& item : x.my_items()) v.topics.push_back(TopicText(item));
  if (x.phase() == Phase::kDone) {
    for (const auto& item : x.Matched()) v.matched.push_back(TopicText(item));
  }
  return v;
}

Result<std::vector<FeelerView>> FeelerService::List(const std::optional<std::string>& contact) {
  FeelerReport ignored;
  BC_RETURN_IF_ERROR(Expire(ignored));
  std::optional<session::PublicKey> peer;
  if (contact) {
    BC_ASSIGN_OR_RETURN(auto c, store_.Contact(*contact));
    peer = c.identity_key;
  }
  BC_ASSIGN_OR_RETURN(auto all, Load(peer));
  std::vector<FeelerView> out;
  for (const auto& s : all) {
    BC_ASSIGN_OR_RETURN(auto v, View(s));
    out.push_back(std::move(v));
  }
  BC_ASSIGN_OR_RETURN(auto incoming, Incoming(peer));
  for (auto& v : incoming) out.push_back(std::move(v));
  return out;
}

Result<feelers::BudgetPolicy> FeelerService::Policy() {
  BC_ASSIGN_OR_RETURN(auto budget, LoadBudget());
  return budget.policy();
}

Status FeelerService::SetBudgetPerDay(std::uint32_t per_day) {
  if (per_day < 1 || per_day > kMaxBudgetPerDay) {
    return InvalidArgument("the feelers budget is 1 to " + std::to_string(kMaxBudgetPerDay) +
                           " exchanges per contact per day");
  }
  return store_.Transaction([&]() -> Status {
    BC_ASSIGN_OR_RETURN(auto budget, LoadBudget());
    budget.set_per_window(per_day);
    return SaveBudget(budget);
  });
}

Result<std::uint32_t> FeelerService::Remaining(const std::string& contact) {
  BC_ASSIGN_OR_RETURN(auto c, store_.Contact(contact));
  BC_ASSIGN_OR_RETURN(auto budget, LoadBudget());
  return budget.Remaining(c.identity_key, Now());
}

Status FeelerService::Forget(const std::string& id) {
  if (id.empty() || id.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return InvalidArgument("a feeler id is the hex shown by `backchannel feeler status`");
  }
  // An exchange (and an overlap's own label and value), or an incoming
  // overlap check not answered yet.
  bool found = false;
  for (const std::string& key :
       {std::string(kExchangePrefix) + id, std::string(kOverlapMetaPrefix) + id,
        std::string(kOverlapIncomingPrefix) + id, std::string(kZoneMetaPrefix) + id,
        std::string(kZoneIncomingPrefix) + id}) {
    BC_ASSIGN_OR_RETURN(auto value, store_.Get(key));
    if (!value) continue;
    found = true;
    SecureWipe(value->data(), value->size());
    BC_RETURN_IF_ERROR(store_.Delete(key));
  }
  if (!found) return NotFound("no feeler '" + id + "' here (see `backchannel feeler status`)");
  return Status::Ok();
}

}  // namespace backchannel::feelers_client
