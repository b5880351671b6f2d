#include "backchannel/relay/router.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/ed25519.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/crypto/secret_bytes.h"
#include "backchannel/relay/auth.h"
#include "relay/server/rate_limit.h"

namespace backchannel::relay {
namespace {

using Json = nlohmann::json;
constexpr auto kB64u = Base64Variant::kUrlSafeNoPadding;
constexpr std::size_t kNonceBytes = 16;
constexpr std::size_t kOneTimeKeyBytes = 33;

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) {
             return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
           };
           return lower(x) == lower(y);
         });
}

std::string B64u(ByteView b) { return ToBase64(b, kB64u); }

// Decodes b64u that must be exactly the size of T, a size (std::size_t) or a
// named value (fixed_bytes.h): crypto's one fixed-size decoder, as an
// optional, since the router answers with its own error codes.
template <typename T>
std::optional<T> FixedFromB64u(std::string_view text) {
  auto fixed = FromBase64Fixed<T>(text, kB64u);
  if (!fixed.ok()) return std::nullopt;
  return *fixed;
}
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> FixedFromB64u(std::string_view text) {
  auto fixed = FromBase64Fixed<N>(text, kB64u);
  if (!fixed.ok()) return std::nullopt;
  return *fixed;
}

HttpResponse JsonResponse(int status, const Json& j) {
  return {status, "application/json", j.dump()};
}

HttpResponse Empty(int status) { return {status, "application/json", ""}; }

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 1;  // path starts with '/'
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

TokenHash HashToken(ByteView token) { return TokenHash(crypto::Sha256({token})); }

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kDayMs = std::int64_t{24} * 3600 * 1000;

// Times the relay keeps are coarse: what it stores tells an attacker who
// reads the database little about when anyone was active.
std::int64_t Floor(std::int64_t ms, std::int64_t unit) { return ms - ((ms % unit) + unit) % unit; }

bool ParseDecimal(std::string_view s, std::int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0;
}

}  // namespace

std::int64_t SystemClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return std::string_view{v};
  }
  return std::nullopt;
}

std::string IdToString(const MailboxId& id) { return B64u(id); }
std::string IdToString(const MessageId& id) { return B64u(id); }

Result<MailboxId> MailboxIdFromString(std::string_view text) {
  auto id = FixedFromB64u<MailboxId>(text);
  if (!id) return InvalidArgument("not a b64u 16-byte mailbox id");
  return *id;
}

Result<MessageId> MessageIdFromString(std::string_view text) {
  auto id = FixedFromB64u<MessageId>(text);
  if (!id) return InvalidArgument("not a b64u 16-byte message id");
  return *id;
}

Router::Router(Store& store, Metrics& metrics, RouterOptions options, Clock clock)
    : store_(store),
      metrics_(metrics),
      options_(std::move(options)),
      clock_(std::move(clock)),
      bundle_fetches_(
          std::make_unique<KeyedBuckets>(options_.bundle_rate, options_.max_tracked_mailboxes)) {
  crypto::EnsureInitialized();
}

Router::~Router() = default;

template <typename F>
auto Router::Timed(F&& f) -> decltype(f()) {
  const auto start = std::chrono::steady_clock::now();
  auto r = f();
  metrics_.ObserveStoreLatency(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return r;
}

HttpResponse Router::Error(int status, std::string_view code, std::string_view message) {
  metrics_.Reject(code);
  return JsonResponse(status, Json{{"error", code}, {"message", message}});
}

HttpResponse Router::StoreError(const Status& s) {
  switch (s.code()) {
    case StatusCode::kNotFound:
      return Error(404, "no_mailbox", "no such mailbox");
    case StatusCode::kResourceExhausted:
      return Error(507, "mailbox_full", "the mailbox queue is full");
    case StatusCode::kUnavailable:
      return Error(507, "storage_full", "the relay's storage is full; try again later");
    default:
      // The database failed or is unreachable (PostgreSQL down, a disk
      // error): nothing was done, and the client retries later (it queues
      // what it sends; docs/relay-api.md).
      return Error(503, "storage_unavailable",
                   "the relay's storage is unavailable; try again later");
  }
}

bool Router::IsCreateMailbox(const HttpRequest& request) {
  const std::string_view t = request.target;
  return request.method == "POST" && t.substr(0, t.find('?')) == "/v1/mailboxes";
}

HttpResponse Router::GetMetrics(const HttpRequest& r) {
  if (options_.metrics_token.empty()) return Error(404, "not_found", "no such endpoint");
  constexpr std::string_view kBearer = "Bearer ";
  auto auth = r.Header("Authorization");
  // Compared as SHA-256 digests, in constant time, so neither the token's
  // bytes nor its length leak through timing.
  const std::string_view given =
      auth && auth->substr(0, kBearer.size()) == kBearer ? auth->substr(kBearer.size()) : "";
  const TokenHash want = HashToken(AsBytes(options_.metrics_token));
  const TokenHash got = HashToken(AsBytes(given));
  if (!ConstantTimeEqual(want, got)) {
    return Error(401, "bad_token", "GET /metrics needs Authorization: Bearer <metrics token>");
  }
  return {200, "text/plain; version=0.0.4", metrics_.Render()};
}

bool Router::IsWebSocketTarget(const HttpRequest& request) {
  const std::string_view t = request.target;
  const std::string_view path = t.substr(0, t.find('?'));
  auto parts = SplitPath(path);
  return parts.size() == 4 && parts[0] == "v1" && parts[1] == "mailboxes" && parts[3] == "ws";
}

HttpResponse Router::Handle(const HttpRequest& r) {
  const std::string_view target = r.target;
  if (target.empty() || target[0] != '/') return Error(400, "bad_request", "bad request target");
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  const auto parts = SplitPath(path);
  const std::string_view m = r.method;

  auto method_not_allowed = [&] {
    return Error(405, "method_not_allowed", "method not allowed on this path");
  };
  if (path == "/healthz") {
    if (m != "GET") return method_not_allowed();
    return {200, "text/plain", "ok"};
  }
  if (path == "/readyz") {
    // Readiness (for a load balancer): the database answers. /healthz only
    // says the process serves HTTP.
    if (m != "GET") return method_not_allowed();
    Status s = Timed([&] { return store_.Ping(); });
    if (!s.ok()) return Error(503, "not_ready", "the relay's storage is unavailable");
    return {200, "text/plain", "ready"};
  }
  if (path == "/v1/pins") {
    // The certificate pins, unauthenticated: they are public, and a client
    // reads them over a connection its pin already verified (docs/relay.md,
    // "Pin rollover"). A fixed, small answer: no store call.
    if (m != "GET") return method_not_allowed();
    if (pins_current_.empty()) return Error(404, "not_found", "no such endpoint");
    Json j{{"current", pins_current_}};
    if (!pins_next_.empty()) j["next"] = pins_next_;
    return JsonResponse(200, j);
  }
  if (path == "/metrics") {
    if (m != "GET") return method_not_allowed();
    return GetMetrics(r);
  }
  if (parts.size() < 2 || parts[0] != "v1" || parts[1] != "mailboxes") {
    return Error(404, "not_found", "no such endpoint");
  }
  if (parts.size() == 2) {
    if (m != "POST") return method_not_allowed();
    return CreateMailbox(r);
  }
  if (parts.size() == 3) {  // /v1/mailboxes/{mb}
    if (m != "DELETE") return method_not_allowed();
    auto mb_id = FixedFromB64u<MailboxId>(parts[2]);
    if (!mb_id) return Error(400, "bad_request", "malformed mailbox id");
    auto mb = Timed([&] { return store_.GetMailbox(*mb_id); });
    if (!mb.ok()) return StoreError(mb.error());
    return DeleteMailbox(r, *mb);
  }
  // /v1/mailboxes/{mb}/{what}[/{id}]
  if (parts.size() < 4 || parts.size() > 5) return Error(404, "not_found", "no such endpoint");
  const std::string_view what = parts[3];
  const char* allowed = nullptr;
  if (parts.size() == 5) {
    if (what == "messages") allowed = "DELETE";
  } else if (what == "token") {
    allowed = "POST";
  } else if (what == "prekeys") {
    allowed = "PUT";
  } else if (what == "bundle" || what == "status" || what == "ws") {
    allowed = "GET";
  } else if (what == "messages") {
    allowed = (m == "POST") ? "POST" : "GET";
  }
  if (allowed == nullptr) return Error(404, "not_found", "no such endpoint");
  if (m != allowed) return method_not_allowed();

  auto mb_id = FixedFromB64u<MailboxId>(parts[2]);
  if (!mb_id) return Error(400, "bad_request", "malformed mailbox id");
  auto mb = Timed([&] { return store_.GetMailbox(*mb_id); });
  if (!mb.ok()) return StoreError(mb.error());

  if (parts.size() == 5) return DeleteMessage(r, *mb, parts[4]);
  if (what == "token") return RotateToken(r, *mb);
  if (what == "prekeys") return PutPreKeys(r, *mb);
  if (what == "bundle") return GetBundle(r, *mb);
  if (what == "status") return GetStatus(r, *mb);
  if (what == "ws") {
    if (auto refusal = CheckSignature(r, *mb)) return *refusal;
    return Error(400, "bad_request", "this endpoint needs a WebSocket upgrade");
  }
  if (m == "POST") return PostMessage(r, *mb);
  return ListMessages(r, *mb, query);
}

std::optional<HttpResponse> Router::CheckSignature(const HttpRequest& r, const MailboxRecord& mb) {
  auto ts = r.Header(kTimestampHeader);
  auto nonce = r.Header(kNonceHeader);
  auto sig = r.Header(kSignatureHeader);
  if (!ts || !nonce || !sig) return Error(401, "missing_auth", "signed request headers missing");
  std::int64_t ts_ms = 0;
  if (!ParseDecimal(*ts, ts_ms)) return Error(401, "missing_auth", "malformed X-BC-Timestamp");
  if (!FixedFromB64u<kNonceBytes>(*nonce)) {
    return Error(401, "missing_auth", "malformed X-BC-Nonce");
  }
  auto sig_bytes = FixedFromB64u<crypto::kEd25519SignatureSize>(*sig);
  if (!sig_bytes) return Error(401, "bad_signature", "malformed X-BC-Signature");
  const std::int64_t now = clock_();
  if (ts_ms > now + options_.timestamp_window_ms || ts_ms < now - options_.timestamp_window_ms) {
    return Error(401, "stale_timestamp", "timestamp outside the accepted window");
  }
  const std::string canonical = CanonicalRequest(r.method, r.target, *ts, *nonce, AsBytes(r.body));
  if (!VerifyRequestSignature(mb.auth_key, *sig_bytes, canonical)) {
    return Error(401, "bad_signature", "signature does not verify");
  }
  return std::nullopt;
}

std::optional<HttpResponse> Router::CommitNonce(const HttpRequest& r, const MailboxRecord& mb) {
  auto nonce = FixedFromB64u<kNonceBytes>(*r.Header(kNonceHeader));
  std::int64_t ts_ms = 0;
  (void)ParseDecimal(*r.Header(kTimestampHeader), ts_ms);  // checked by CheckSignature
  const std::int64_t now = clock_();
  // A nonce is kept under its request's timestamp and forgotten once that
  // timestamp is outside the window: from then on a replay is refused as
  // stale, so keeping the nonce longer would only keep metadata.
  Status s = Timed(
      [&] { return store_.RecordNonce(mb.id, *nonce, ts_ms, now - options_.timestamp_window_ms); });
  if (s.code() == StatusCode::kAlreadyExists) {
    return Error(401, "replayed_nonce", "nonce already used");
  }
  if (!s.ok()) return StoreError(s);
  // The owner is active: the mailbox is not idle. Kept to the day, and
  // written at most once a day.
  const std::int64_t today = Floor(now, kDayMs);
  if (mb.seen_ms < today) {
    Status t = Timed([&] { return store_.TouchMailbox(mb.id, today); });
    if (!t.ok()) return StoreError(t);
  }
  return std::nullopt;
}

std::optional<HttpResponse> Router::CheckDeliveryToken(const HttpRequest& r,
                                                       const MailboxRecord& mb) {
  auto header = r.Header(kDeliveryTokenHeader);
  if (!header) return Error(403, "bad_token", "X-BC-Delivery-Token missing");
  auto token = FixedFromB64u<DeliveryToken>(*header);
  if (!token) return Error(403, "bad_token", "malformed delivery token");
  const TokenHash h = HashToken(*token);
  if (!ConstantTimeEqual(h, mb.delivery_token_hash)) {
    return Error(403, "bad_token", "wrong delivery token");
  }
  return std::nullopt;
}

HttpResponse Router::CreateMailbox(const HttpRequest& r) {
  if (r.body.size() > options_.max_json_body) return Error(413, "too_large", "body too large");
  Json j = Json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error(400, "bad_request", "malformed JSON");
  auto it = j.find("auth_key");
  if (it == j.end() || !it->is_string()) return Error(400, "bad_request", "auth_key missing");
  auto key = FixedFromB64u<AuthKey>(it->get_ref<const std::string&>());
  if (!key || !crypto::IsValidEd25519PublicKey(*key)) {
    return Error(400, "bad_request", "auth_key is not an Ed25519 public key");
  }
  MailboxRecord rec;
  crypto::RandomBytes(rec.id);
  rec.auth_key = *key;
  DeliveryToken token;
  crypto::RandomBytes(token);
  rec.delivery_token_hash = HashToken(token);
  rec.created_ms = Floor(clock_(), kDayMs);
  rec.seen_ms = rec.created_ms;
  Status s = Timed([&] { return store_.CreateMailbox(rec); });
  if (s.code() == StatusCode::kAlreadyExists) return Error(409, "exists", "mailbox id taken");
  if (!s.ok()) return StoreError(s);
  return JsonResponse(201, Json{{"mailbox", B64u(rec.id)}, {"delivery_token", B64u(token)}});
}

HttpResponse Router::RotateToken(const HttpRequest& r, const MailboxRecord& mb) {
  if (auto refusal = CheckSignature(r, mb)) return *refusal;
  if (auto refusal = CommitNonce(r, mb)) return *refusal;
  DeliveryToken token;
  crypto::RandomBytes(token);
  Status s = Timed([&] { return store_.SetDeliveryToken(mb.id, HashToken(token)); });
  if (!s.ok()) return StoreError(s);
  return JsonResponse(200, Json{{"delivery_token", B64u(token)}});
}

HttpResponse Router::PutPreKeys(const HttpRequest& r, const MailboxRecord& mb) {
  if (r.body.size() > options_.max_json_body) return Error(413, "too_large", "body too large");
  if (auto refusal = CheckSignature(r, mb)) return *refusal;
  Json j = Json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error(400, "bad_request", "malformed JSON");
  auto b = j.find("bundle");
  if (b == j.end() || !b->is_string()) return Error(400, "bad_request", "bundle missing");
  auto base = FromBase64(b->get_ref<const std::string&>(), kB64u);
  if (!base.ok() || base->empty()) return Error(400, "bad_request", "bundle is not b64u");
  std::vector<OneTimePreKeyRecord> one_time;
  auto ot = j.find("one_time");
  if (ot != j.end()) {
    if (!ot->is_array()) return Error(400, "bad_request", "one_time must be an array");
    std::set<std::uint32_t> ids;
    for (const Json& e : *ot) {
      if (!e.is_object()) return Error(400, "bad_request", "one_time entry must be an object");
      auto id = e.find("id");
      auto key = e.find("key");
      if (id == e.end() || !id->is_number_unsigned() || key == e.end() || !key->is_string()) {
        return Error(400, "bad_request", "one_time entry needs id and key");
      }
      const auto id_value = id->get<std::uint64_t>();
      if (id_value > 0xffffffffULL || !ids.insert(static_cast<std::uint32_t>(id_value)).second) {
        return Error(400, "bad_request", "one_time id out of range or repeated");
      }
      auto k = FixedFromB64u<kOneTimeKeyBytes>(key->get_ref<const std::string&>());
      if (!k) return Error(400, "bad_request", "one_time key must be b64u of 33 bytes");
      one_time.push_back({static_cast<std::uint32_t>(id_value), Bytes(k->begin(), k->end())});
    }
  }
  bool replace = false;
  auto rep = j.find("replace_one_time");
  if (rep != j.end()) {
    if (!rep->is_boolean()) return Error(400, "bad_request", "replace_one_time must be a bool");
    replace = rep->get<bool>();
  }
  if (auto refusal = CommitNonce(r, mb)) return *refusal;
  Status s = Timed([&] { return store_.PutPreKeys(mb.id, *base, one_time, replace); });
  if (!s.ok()) return StoreError(s);
  return Empty(204);
}

HttpResponse Router::GetBundle(const HttpRequest& r, const MailboxRecord& mb) {
  if (auto refusal = CheckDeliveryToken(r, mb)) return *refusal;
  if (!bundle_fetches_->Take(mb.id.bytes(), clock_())) {
    return Error(429, "rate_limited", "too many bundle fetches for this mailbox; try again later");
  }
  auto base = Timed([&] { return store_.GetBundleBase(mb.id); });
  if (!base.ok()) {
    if (base.error().code() == StatusCode::kNotFound) {
      return Error(404, "no_bundle", "no prekey bundle uploaded");
    }
    return StoreError(base.error());
  }
  auto taken = Timed([&] { return store_.TakeOneTimePreKey(mb.id); });
  if (!taken.ok()) return StoreError(taken.error());
  Json one_time = nullptr;
  if (taken->has_value()) {
    one_time = Json{{"id", (*taken)->id}, {"key", B64u((*taken)->key)}};
    auto remaining = Timed([&] { return store_.CountOneTimePreKeys(mb.id); });
    if (remaining.ok() && *remaining < options_.prekeys_low_below && on_prekeys_low_) {
      on_prekeys_low_(mb.id, *remaining);
    }
  }
  return JsonResponse(200, Json{{"bundle_base", B64u(*base)}, {"one_time", one_time}});
}

HttpResponse Router::PostMessage(const HttpRequest& r, const MailboxRecord& mb) {
  if (auto refusal = CheckDeliveryToken(r, mb)) return *refusal;
  if (r.body.size() > options_.max_envelope) return Error(413, "too_large", "envelope too large");
  if (r.body.empty()) return Error(400, "bad_request", "empty envelope");
  StoredMessage msg;
  crypto::RandomBytes(msg.id);
  msg.received_ms = Floor(clock_(), kMinuteMs);
  msg.envelope = ToBytes(r.body);
  const QueueLimits limits{options_.max_queue, options_.max_mailbox_bytes,
                           options_.max_total_bytes};
  Status s = Timed([&] { return store_.AppendMessage(mb.id, msg, limits); });
  if (!s.ok()) return StoreError(s);
  ++metrics_.accepted;
  ++metrics_.queued;
  if (on_message_) on_message_(mb.id, msg);
  return JsonResponse(201, Json{{"id", B64u(msg.id)}});
}

HttpResponse Router::ListMessages(const HttpRequest& r, const MailboxRecord& mb,
                                  std::string_view query) {
  if (auto refusal = CheckSignature(r, mb)) return *refusal;
  std::int64_t limit = 100;
  if (!query.empty()) {
    if (query.substr(0, 6) != "limit=" || !ParseDecimal(query.substr(6), limit) || limit < 1 ||
        static_cast<std::uint64_t>(limit) > options_.max_list_limit) {
      return Error(400, "bad_request", "query must be limit=N with 1 <= N <= 1000");
    }
  }
  if (auto refusal = CommitNonce(r, mb)) return *refusal;
  auto msgs = Timed([&] { return store_.ListMessages(mb.id, static_cast<std::size_t>(limit)); });
  if (!msgs.ok()) return StoreError(msgs.error());
  auto remaining = Timed([&] { return store_.CountOneTimePreKeys(mb.id); });
  if (!remaining.ok()) return StoreError(remaining.error());
  Json list = Json::array();
  for (const StoredMessage& m : *msgs) {
    list.push_back(
        {{"id", B64u(m.id)}, {"received_ms", m.received_ms}, {"envelope", B64u(m.envelope)}});
  }
  return JsonResponse(200, Json{{"messages", list}, {"one_time_remaining", *remaining}});
}

HttpResponse Router::DeleteMessage(const HttpRequest& r, const MailboxRecord& mb,
                                   std::string_view id_text) {
  if (auto refusal = CheckSignature(r, mb)) return *refusal;
  auto id = FixedFromB64u<MessageId>(id_text);
  if (!id) return Error(400, "bad_request", "malformed message id");
  if (auto refusal = CommitNonce(r, mb)) return *refusal;
  Status s = Ack(mb.id, *id);
  if (s.code() == StatusCode::kNotFound) return Error(404, "no_message", "no such message");
  if (!s.ok()) return StoreError(s);
  return Empty(204);
}

HttpResponse Router::GetStatus(const HttpRequest& r, const MailboxRecord& mb) {
  if (auto refusal = CheckSignature(r, mb)) return *refusal;
  if (auto refusal = CommitNonce(r, mb)) return *refusal;
  auto queued = Timed([&] { return store_.CountMessages(mb.id); });
  if (!queued.ok()) return StoreError(queued.error());
  auto remaining = Timed([&] { return store_.CountOneTimePreKeys(mb.id); });
  if (!remaining.ok()) return StoreError(remaining.error());
  return JsonResponse(200, Json{{"queued", *queued},
                                {"one_time_remaining", *remaining},
                                {"prekeys_low", *remaining < options_.prekeys_low_below}});
}

HttpResponse Router::DeleteMailbox(const HttpRequest& r, const MailboxRecord& mb) {
  if (auto refusal = CheckSignature(r, mb)) return *refusal;
  if (auto refusal = CommitNonce(r, mb)) return *refusal;
  auto queued = Timed([&] { return store_.CountMessages(mb.id); });
  Status s = Timed([&] { return store_.DeleteMailbox(mb.id); });
  if (!s.ok()) return StoreError(s);
  if (queued.ok()) metrics_.queued -= static_cast<std::int64_t>(*queued);
  return Empty(204);
}

std::variant<MailboxId, HttpResponse> Router::AuthorizeWebSocket(const HttpRequest& r) {
  if (!IsWebSocketTarget(r)) return Error(404, "not_found", "no such endpoint");
  if (r.method != "GET") return Error(405, "method_not_allowed", "method not allowed");
  const std::string_view path = std::string_view{r.target}.substr(0, r.target.find('?'));
  auto mb_id = FixedFromB64u<MailboxId>(SplitPath(path)[2]);
  if (!mb_id) return Error(400, "bad_request", "malformed mailbox id");
  auto mb = Timed([&] { return store_.GetMailbox(*mb_id); });
  if (!mb.ok()) return StoreError(mb.error());
  if (auto refusal = CheckSignature(r, *mb)) return *refusal;
  if (auto refusal = CommitNonce(r, *mb)) return *refusal;
  return mb->id;
}

Result<std::vector<StoredMessage>> Router::Pending(const MailboxId& mailbox, std::size_t limit) {
  return Timed([&] { return store_.ListMessages(mailbox, limit); });
}

Status Router::Ack(const MailboxId& mailbox, const MessageId& message) {
  Status s = Timed([&] { return store_.DeleteMessage(mailbox, message); });
  if (s.ok()) {
    ++metrics_.acked;
    --metrics_.queued;
  }
  return s;
}

Result<std::size_t> Router::OneTimeRemaining(const MailboxId& mailbox) {
  return Timed([&] { return store_.CountOneTimePreKeys(mailbox); });
}

Result<std::size_t> Router::Expire(std::int64_t ttl_ms) {
  auto n = Timed([&] { return store_.ExpireMessages(clock_() - ttl_ms); });
  if (n.ok()) {
    metrics_.expired += *n;
    metrics_.queued -= static_cast<std::int64_t>(*n);
  }
  return n;
}

Result<std::size_t> Router::DeleteIdleMailboxes(std::int64_t idle_ms) {
  auto d = Timed([&] { return store_.DeleteIdleMailboxes(clock_() - idle_ms); });
  if (!d.ok()) return d.error();
  metrics_.queued -= static_cast<std::int64_t>(d->messages);
  return d->mailboxes;
}

Result<WsClientMessage> DecodeWsClientMessage(std::string_view text) {
  if (text.size() > 4096) return InvalidArgument("frame too large");
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("malformed JSON");
  auto type = j.find("type");
  if (type == j.end() || !type->is_string() || type->get_ref<const std::string&>() != "ack") {
    return InvalidArgument("unknown message type");
  }
  auto id = j.find("id");
  if (id == j.end() || !id->is_string()) return InvalidArgument("ack needs an id");
  auto parsed = FixedFromB64u<MessageId>(id->get_ref<const std::string&>());
  if (!parsed) return InvalidArgument("malformed id");
  WsClientMessage m;
  m.id = *parsed;
  return m;
}

std::string EncodeWsMessage(const StoredMessage& m) {
  return Json{{"type", "message"},
              {"id", B64u(m.id)},
              {"received_ms", m.received_ms},
              {"envelope", B64u(m.envelope)}}
      .dump();
}

std::string EncodeWsPreKeysLow(std::size_t remaining) {
  return Json{{"type", "prekeys_low"}, {"one_time_remaining", remaining}}.dump();
}

}  // namespace backchannel::relay
