// The feeler exchange state machine of exchange.h. Every step checks the
// phase, the clock and the message before changing anything: a refused
// message leaves the state exactly as it was.
#include "backchannel/feelers/exchange.h"

#include <algorithm>
#include <set>
#include <string>

#include "backchannel/common/byte_io.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/feelers/topic.h"

namespace backchannel::feelers {
namespace {

using crypto::RistrettoElement;

Status Precondition(std::string_view what) {
  return FailedPrecondition("feeler exchange: " + std::string(what));
}

bool IsZero(ByteView b) {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

Status CheckParams(const ExchangeParams& p) {
  if (p.scope.empty() || p.scope.size() > kMaxScopeBytes) {
    return InvalidArgument("feeler exchange: the channel or talks id must be 1 to 128 bytes");
  }
  if (p.self == p.peer) return InvalidArgument("feeler exchange: peer is ourselves");
  if (p.domain == Domain::kOverlap && p.variant != Variant::kCardinality) {
    // Revealing which prefix matched would reveal the common prefix.
    return InvalidArgument("feeler exchange: an overlap check must be cardinality-only");
  }
  return Status::Ok();
}

// Feelers and overlaps use the policy sizes; a zone check always kZoneSize.
bool SizeFitsDomain(Domain d, std::size_t k) {
  return d == Domain::kZone ? k == kZoneSize : IsPolicySize(k);
}

Status CheckTime(std::int64_t now, std::int64_t ttl_seconds) {
  if (now < 0) return InvalidArgument("feeler exchange: time before the epoch");
  if (ttl_seconds <= 0 || ttl_seconds > kMaxTtlSeconds) {
    return InvalidArgument("feeler exchange: ttl must be 1 s to 90 days");
  }
  return Status::Ok();
}

}  // namespace

std::string_view PhaseName(Phase p) {
  switch (p) {
    case Phase::kIncoming:
      return "incoming";
    case Phase::kOffered:
      return "offered";
    case Phase::kResponded:
      return "responded";
    case Phase::kFinished:
      return "finished";
    case Phase::kDone:
      return "done";
    case Phase::kExpired:
      return "expired";
    case Phase::kWithheld:
      return "withheld";
  }
  return "unknown";
}

Exchange Exchange::Clone() const {
  Exchange x;
  x.params_ = params_;
  x.phase_ = phase_;
  x.created_at_ = created_at_;
  x.expires_at_ = expires_at_;
  x.k_ = k_;
  x.my_nonce_ = my_nonce_;
  x.peer_nonce_ = peer_nonce_;
  x.exchange_id_ = exchange_id_;
  x.secret_ = secret_.Clone();
  x.public_key_ = public_key_;
  x.my_items_ = my_items_;
  x.masked_ = masked_;
  x.their_doubled_ = their_doubled_;
  x.their_key_ = their_key_;
  x.matched_ = matched_;
  x.matched_count_ = matched_count_;
  return x;
}

ExchangeContext Exchange::Context() const {
  ExchangeContext c;
  c.domain = params_.domain;
  c.self = params_.self;
  c.peer = params_.peer;
  c.scope = params_.scope;
  c.exchange_id = exchange_id_.value_or(ExchangeId{});
  return c;
}

Status Exchange::CheckOpen(std::int64_t now) const {
  if (phase_ == Phase::kDone || phase_ == Phase::kExpired || phase_ == Phase::kWithheld) {
    return Precondition(std::string("exchange already ended (") + std::string(PhaseName(phase_)) +
                        ")");
  }
  if (now >= expires_at_) return Precondition("exchange expired");
  return Status::Ok();
}

Status Exchange::Commit(std::vector<Bytes> items, std::size_t k) {
  // A feeler needs topics; an overlap's encoding may be empty (padding
  // fills it), and then k comes from the width, never from the count.
  if (items.empty() && params_.domain == Domain::kFeeler) {
    return InvalidArgument("feeler exchange: choose at least one topic");
  }
  if (k == 0 && params_.domain != Domain::kFeeler) {
    return InvalidArgument("feeler exchange: an overlap or zone check needs an explicit k");
  }
  if (k == 0) k = PolicySizeFor(items.size());
  if (!SizeFitsDomain(params_.domain, k)) {
    return InvalidArgument(
        "feeler exchange: k must be 8, 16 or 32 (128 for a zone check, and only there)");
  }
  if (items.size() > k) return InvalidArgument("feeler exchange: more topics than k");
  std::set<Bytes> distinct(items.begin(), items.end());
  if (distinct.size() != items.size())
    return InvalidArgument("feeler exchange: the same topic twice");
  my_items_ = std::move(items);
  k_ = std::max(k_, k);
  return Status::Ok();
}

Result<Exchange> Exchange::Start(const ExchangeParams& params, std::vector<Bytes> items,
                                 std::size_t k, std::int64_t now, std::int64_t ttl_seconds,
                                 ProbingBudget& budget, Bytes* offer) {
  BC_RETURN_IF_ERROR(CheckParams(params));
  BC_RETURN_IF_ERROR(CheckTime(now, ttl_seconds));
  Exchange x;
  x.params_ = params;
  BC_RETURN_IF_ERROR(x.Commit(std::move(items), k));
  BC_RETURN_IF_ERROR(
      budget.ChargeExchange(params.peer, now));  // last check: charges only a valid start
  x.phase_ = Phase::kOffered;
  x.created_at_ = now;
  x.expires_at_ = now + ttl_seconds;
  crypto::RandomBytes(x.my_nonce_);
  Offer m;
  m.domain = params.domain;
  m.variant = params.variant;
  m.k = static_cast<std::uint8_t>(x.k_);
  m.nonce = x.my_nonce_;
  *offer = EncodeOffer(m);
  return x;
}

Result<Exchange> Exchange::Incoming(const ExchangeParams& params, const Offer& offer,
                                    std::int64_t now, std::int64_t ttl_seconds,
                                    ProbingBudget& budget) {
  BC_RETURN_IF_ERROR(CheckParams(params));
  BC_RETURN_IF_ERROR(CheckTime(now, ttl_seconds));
  if (!SizeFitsDomain(params.domain, offer.k)) {
    return InvalidArgument("feeler exchange: the offer's k does not fit its protocol");
  }
  if (offer.domain != params.domain || offer.variant != params.variant) {
    return InvalidArgument("feeler exchange: offer is for another protocol or variant");
  }
  if (offer.answer_to) return Precondition("offer answers an offer we do not have");
  BC_RETURN_IF_ERROR(budget.ChargeExchange(params.peer, now));
  Exchange x;
  x.params_ = params;
  x.phase_ = Phase::kIncoming;
  x.created_at_ = now;
  x.expires_at_ = now + ttl_seconds;
  x.k_ = offer.k;
  x.peer_nonce_ = offer.nonce;
  return x;
}

Result<Bytes> Exchange::MakeResponse() {
  exchange_id_ = DeriveExchangeId(params_.domain, params_.self, params_.peer, params_.scope,
                                  my_nonce_, *peer_nonce_);
  secret_ = crypto::RistrettoRandomScalar();
  BC_ASSIGN_OR_RETURN(public_key_, crypto::RistrettoScalarMultBase(secret_.view()));
  BC_ASSIGN_OR_RETURN(masked_, MaskItems(Context(), secret_.view(), my_items_, k_));
  Response r;
  r.exchange_id = *exchange_id_;
  r.public_key = public_key_;
  r.elements = masked_.elements;
  return EncodeResponse(r);
}

Result<std::vector<Bytes>> Exchange::Answer(std::vector<Bytes> items, std::size_t k,
                                            std::int64_t now) {
  BC_RETURN_IF_ERROR(CheckOpen(now));
  if (phase_ != Phase::kIncoming) return Precondition("only an incoming offer can be answered");
  Exchange next = Clone();  // work on a copy: a refusal changes nothing
  BC_RETURN_IF_ERROR(next.Commit(std::move(items), k));
  do {
    crypto::RandomBytes(next.my_nonce_);
  } while (next.my_nonce_ == *next.peer_nonce_);
  Offer m;
  m.domain = params_.domain;
  m.variant = params_.variant;
  m.k = static_cast<std::uint8_t>(next.k_);
  m.nonce = next.my_nonce_;
  m.answer_to = *next.peer_nonce_;
  std::vector<Bytes> out;
  out.push_back(EncodeOffer(m));
  BC_ASSIGN_OR_RETURN(Bytes response, next.MakeResponse());
  out.push_back(std::move(response));
  next.phase_ = Phase::kResponded;
  *this = std::move(next);
  return out;
}

Status Exchange::Rescope(std::string scope) {
  if (phase_ != Phase::kIncoming) return Precondition("only an incoming offer can be rescoped");
  ExchangeParams next = params_;
  next.scope = std::move(scope);
  BC_RETURN_IF_ERROR(CheckParams(next));
  params_ = std::move(next);
  return Status::Ok();
}

Result<std::vector<Bytes>> Exchange::OnOffer(const Offer& offer, std::int64_t now) {
  BC_RETURN_IF_ERROR(CheckOpen(now));
  if (peer_nonce_ && offer.nonce == *peer_nonce_) {
    return Status(StatusCode::kDuplicateMessage, "feeler exchange: offer already received");
  }
  if (phase_ != Phase::kOffered) return Precondition("not waiting for an offer");
  if (offer.domain != params_.domain || offer.variant != params_.variant) {
    return InvalidArgument("feeler exchange: offer is for another protocol or variant");
  }
  if (!SizeFitsDomain(params_.domain, offer.k)) {
    return InvalidArgument("feeler exchange: the offer's k does not fit its protocol");
  }
  if (offer.nonce == my_nonce_) return InvalidArgument("feeler exchange: our own offer reflected");
  if (offer.answer_to && *offer.answer_to != my_nonce_) {
    return InvalidArgument("feeler exchange: offer answers another exchange");
  }
  Exchange next = Clone();
  next.peer_nonce_ = offer.nonce;
  next.k_ = std::max<std::size_t>(k_, offer.k);
  BC_ASSIGN_OR_RETURN(Bytes response, next.MakeResponse());
  next.phase_ = Phase::kResponded;
  *this = std::move(next);
  return std::vector<Bytes>{std::move(response)};
}

Result<std::vector<Bytes>> Exchange::OnResponse(const Response& response, std::int64_t now) {
  BC_RETURN_IF_ERROR(CheckOpen(now));
  if (!exchange_id_ || response.exchange_id != *exchange_id_) {
    return InvalidArgument("feeler exchange: response belongs to another exchange");
  }
  if (phase_ == Phase::kFinished) {
    return Status(StatusCode::kDuplicateMessage, "feeler exchange: response already received");
  }
  if (phase_ != Phase::kResponded) return Precondition("not waiting for a response");
  // The decoder checked every element; AnswerItems' multiplications refuse
  // a non-canonical one or the identity again, so only the shape is left.
  BC_RETURN_IF_ERROR(CheckCountAndDistinct(response.elements, k_));
  if (!crypto::RistrettoIsValidNonIdentity(response.public_key) ||
      response.public_key == public_key_) {
    return InvalidMessage("feeler exchange: bad or reflected public key");
  }
  const std::set<RistrettoElement> ours(masked_.elements.begin(), masked_.elements.end());
  for (const RistrettoElement& e : response.elements) {
    if (ours.count(e) != 0) return InvalidMessage("feeler exchange: our own elements reflected");
  }
  BC_ASSIGN_OR_RETURN(struct Answer answer, AnswerItems(Context(), secret_.view(), public_key_,
                                                        response.elements, params_.variant));
  Finish f;
  f.exchange_id = *exchange_id_;
  f.elements = answer.elements;
  f.proof = answer.proof;
  // Our secret applied to their elements is exactly our answer (as a set):
  // keep that to compare with, and wipe the secret now.
  their_doubled_ = answer.elements;
  their_key_ = response.public_key;
  secret_ = crypto::RistrettoSecretScalar();
  phase_ = Phase::kFinished;
  return std::vector<Bytes>{EncodeFinish(f)};
}

Status Exchange::OnFinish(const Finish& finish, std::int64_t now) {
  if (phase_ == Phase::kDone && exchange_id_ && finish.exchange_id == *exchange_id_) {
    return {StatusCode::kDuplicateMessage, "feeler exchange: finish already received"};
  }
  BC_RETURN_IF_ERROR(CheckOpen(now));
  if (!exchange_id_ || finish.exchange_id != *exchange_id_) {
    return InvalidArgument("feeler exchange: finish belongs to another exchange");
  }
  if (phase_ != Phase::kFinished) return Precondition("not waiting for a finish");
  struct Answer answer {
    finish.elements, finish.proof
  };
  BC_RETURN_IF_ERROR(
      VerifyAnswer(Context(), their_key_, masked_.elements, answer, params_.variant));
  const std::set<RistrettoElement> doubled(their_doubled_.begin(), their_doubled_.end());
  std::vector<std::size_t> matched;
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < finish.elements.size(); ++pos) {
    if (doubled.count(finish.elements[pos]) == 0) continue;
    ++count;
    if (params_.variant == Variant::kFull && masked_.item_at[pos] >= 0) {
      matched.push_back(static_cast<std::size_t>(masked_.item_at[pos]));
    }
  }
  std::sort(matched.begin(), matched.end());
  matched_ = std::move(matched);
  matched_count_ = count;
  phase_ = Phase::kDone;
  return Status::Ok();
}

Phase Exchange::Expire(std::int64_t now, ProbingBudget& budget) {
  if (now < expires_at_) return phase_;
  if (phase_ == Phase::kFinished) {
    phase_ = Phase::kWithheld;
    budget.ChargePenalty(params_.peer, now);
  } else if (phase_ != Phase::kDone && phase_ != Phase::kWithheld) {
    phase_ = Phase::kExpired;
  }
  secret_ = crypto::RistrettoSecretScalar();
  return phase_;
}

std::vector<Bytes> Exchange::Matched() const {
  std::vector<Bytes> out;
  for (std::size_t i : matched_) out.push_back(my_items_[i]);
  return out;
}

std::string Exchange::WithheldNotice(std::string_view peer_name) const {
  return std::string(peer_name) + " could learn the result and withheld yours";
}

// State layout (all integers big-endian), version 1:
//   u8 version, u8 domain, u8 variant, self[32], peer[32], u16 scope_len, scope,
//   u8 phase, i64 created_at, i64 expires_at, u8 k, my_nonce[32],
//   u8 has_peer_nonce [nonce[32]], u8 has_exchange_id [id[32]],
//   secret[32], public_key[32], u8 n_items, n x (u16 len, bytes),
//   u8 n_masked, n x element[32], n x i16 item_at,
//   u8 n_doubled, n x element[32], their_key[32],
//   u8 n_matched, n x u8 index, u8 matched_count
SecretBytes Exchange::Encode() const {
  ByteWriter w;
  // Room for the largest state up front, so no reallocation leaves a copy
  // of the secret behind in freed memory; the buffer is wiped below.
  constexpr std::size_t kMaxK = kZoneSize;
  constexpr std::size_t kElement = 32;
  w.bytes().reserve(std::size_t{600} + kMaxK * (2 + kMaxTopicBytes + 1) +
                    kMaxK * (3 * kElement + 2));
  w.U8(1);
  w.U8(static_cast<std::uint8_t>(params_.domain));
  w.U8(static_cast<std::uint8_t>(params_.variant));
  w.Raw(params_.self);
  w.Raw(params_.peer);
  w.String16(params_.scope);
  w.U8(static_cast<std::uint8_t>(phase_));
  w.I64(created_at_);
  w.I64(expires_at_);
  w.U8(static_cast<std::uint8_t>(k_));
  w.Raw(my_nonce_);
  w.U8(peer_nonce_ ? 1 : 0);
  if (peer_nonce_) w.Raw(*peer_nonce_);
  w.U8(exchange_id_ ? 1 : 0);
  if (exchange_id_) w.Raw(*exchange_id_);
  w.Raw(secret_.view());
  w.Raw(public_key_);
  w.U8(static_cast<std::uint8_t>(my_items_.size()));
  for (const Bytes& item : my_items_) w.String16(AsString(item));
  w.U8(static_cast<std::uint8_t>(masked_.elements.size()));
  for (const RistrettoElement& e : masked_.elements) w.Raw(e);
  for (std::int16_t i : masked_.item_at) w.U16(static_cast<std::uint16_t>(i));
  w.U8(static_cast<std::uint8_t>(their_doubled_.size()));
  for (const RistrettoElement& e : their_doubled_) w.Raw(e);
  w.Raw(their_key_);
  w.U8(static_cast<std::uint8_t>(matched_.size()));
  for (std::size_t i : matched_) w.U8(static_cast<std::uint8_t>(i));
  w.U8(static_cast<std::uint8_t>(matched_count_));
  SecretBytes out(w.bytes());
  SecureWipe(w.bytes().data(), w.bytes().size());
  return out;
}

Result<Exchange> Exchange::Decode(ByteView in) {
  const Status bad = Corrupt("feeler exchange state: malformed");
  ByteReader r(in);
  Exchange x;
  std::uint8_t version = 0;
  std::uint8_t domain = 0;
  std::uint8_t variant = 0;
  std::uint8_t phase = 0;
  std::uint8_t k = 0;
  std::uint8_t flag = 0;
  if (!r.U8(version) || version != 1) return Corrupt("feeler exchange state: unknown version");
  if (!r.U8(domain) || !r.U8(variant) || !r.Array(x.params_.self) || !r.Array(x.params_.peer) ||
      !r.String16(x.params_.scope) || !r.U8(phase) || !r.I64(x.created_at_) ||
      !r.I64(x.expires_at_) || !r.U8(k) || !r.Array(x.my_nonce_) || !r.U8(flag)) {
    return bad;
  }
  if (!IsKnownDomain(domain) || (variant != 1 && variant != 2) || phase < 1 || phase > 7 ||
      !SizeFitsDomain(static_cast<Domain>(domain), k) || flag > 1 || !CheckParams(x.params_).ok()) {
    return bad;
  }
  x.params_.domain = static_cast<Domain>(domain);
  x.params_.variant = static_cast<Variant>(variant);
  x.phase_ = static_cast<Phase>(phase);
  x.k_ = k;
  if (flag == 1) {
    Nonce n{};
    if (!r.Array(n)) return bad;
    x.peer_nonce_ = n;
  }
  if (!r.U8(flag) || flag > 1) return bad;
  if (flag == 1) {
    ExchangeId id{};
    if (!r.Array(id)) return bad;
    x.exchange_id_ = id;
  }
  ByteView secret;
  std::uint8_t n = 0;
  if (!r.Raw(crypto::kRistrettoScalarBytes, secret) || !r.Array(x.public_key_) || !r.U8(n) ||
      n > k) {
    return bad;
  }
  if (!IsZero(secret) && !crypto::RistrettoScalarIsCanonical(secret)) return bad;
  x.secret_.Assign(secret);
  for (std::uint8_t i = 0; i < n; ++i) {
    std::string item;
    if (!r.String16(item)) return bad;
    x.my_items_.push_back(ToBytes(item));
  }
  if (!r.U8(n) || (n != 0 && n != k)) return bad;
  x.masked_.elements.resize(n);
  for (RistrettoElement& e : x.masked_.elements) {
    if (!r.Array(e)) return bad;
  }
  for (std::uint8_t i = 0; i < n; ++i) {
    std::uint16_t v = 0;
    if (!r.U16(v)) return bad;
    const auto at = static_cast<std::int16_t>(v);
    if (at < -1 || at >= static_cast<std::int16_t>(x.my_items_.size())) return bad;
    x.masked_.item_at.push_back(at);
  }
  if (!r.U8(n) || (n != 0 && n != k)) return bad;
  x.their_doubled_.resize(n);
  for (RistrettoElement& e : x.their_doubled_) {
    if (!r.Array(e)) return bad;
  }
  if (!r.Array(x.their_key_) || !r.U8(n) || n > x.my_items_.size()) return bad;
  for (std::uint8_t i = 0; i < n; ++i) {
    std::uint8_t v = 0;
    if (!r.U8(v) || v >= x.my_items_.size()) return bad;
    x.matched_.push_back(v);
  }
  std::uint8_t count = 0;
  if (!r.U8(count) || count > k || !r.done()) return bad;
  x.matched_count_ = count;
  // What each phase must have: a state that could not arise is refused, so
  // every later step can rely on it.
  const bool paired = x.phase_ >= Phase::kResponded && x.phase_ <= Phase::kDone;
  if (paired &&
      (!x.exchange_id_ || !x.peer_nonce_ || x.masked_.elements.empty() || x.my_items_.empty())) {
    return bad;
  }
  if ((x.phase_ == Phase::kFinished || x.phase_ == Phase::kDone) && x.their_doubled_.empty())
    return bad;
  if (x.phase_ == Phase::kResponded && IsZero(x.secret_.view())) return bad;
  if (x.phase_ == Phase::kIncoming && !x.peer_nonce_) return bad;
  return x;
}

}  // namespace backchannel::feelers
