// Router tests: every endpoint and every refusal, without sockets, over a
// real store (SQLite ":memory:" when the SQLite store is built; the in-memory
// test store otherwise). Each refusal checks that nothing changed.
#include "backchannel/relay/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "relay/server/relay_test_util.h"
#ifdef BC_HAVE_SQLITE_STORE
#include "backchannel/relay/store.h"
#else
#include "relay/server/memory_store.h"
#endif

namespace backchannel::relay {
namespace {

using testing::B64u;
using testing::FromB64u;
using testing::OneTimeKeyB64u;
using testing::OwnerKey;
using Json = nlohmann::json;

std::unique_ptr<Store> MakeStore() {
#ifdef BC_HAVE_SQLITE_STORE
  auto s = OpenSqliteStore(":memory:");
  if (!s.ok()) std::abort();
  return std::move(*s);
#else
  return std::make_unique<testing::MemoryStore>();
#endif
}

constexpr std::int64_t kNow = 1'700'000'000'000;

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : store_(MakeStore()) { Reset({}); }

  void Reset(RouterOptions o) {
    router_ = std::make_unique<Router>(*store_, metrics_, o, [this] { return now_; });
  }

  HttpResponse Do(std::string method, std::string target, std::string body = "",
                  testing::Headers headers = {}) {
    HttpRequest r{std::move(method), std::move(target), std::move(headers), std::move(body)};
    return router_->Handle(r);
  }
  HttpResponse Signed(const std::string& method, const std::string& target,
                      const std::string& body = "") {
    return Do(method, target, body, owner_.Sign(method, target, body, now_));
  }
  HttpResponse WithToken(const std::string& method, const std::string& target,
                         const std::string& token, const std::string& body = "") {
    return Do(method, target, body, {{"X-BC-Delivery-Token", token}});
  }

  // Creates a mailbox for owner_; sets mb_ and token_.
  void Create() {
    auto r = Do("POST", "/v1/mailboxes", Json{{"auth_key", owner_.PublicB64u()}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    auto j = Json::parse(r.body);
    mb_ = j["mailbox"];
    token_ = j["delivery_token"];
    mb_id_ = *MailboxIdFromString(mb_);
  }
  std::string Path(const std::string& rest) { return "/v1/mailboxes/" + mb_ + rest; }

  void UploadPreKeys(int n, bool replace = false) {
    Json ot = Json::array();
    for (int i = 1; i <= n; ++i)
      ot.push_back({{"id", i}, {"key", OneTimeKeyB64u(std::uint8_t(i))}});
    auto r = Signed("PUT", Path("/prekeys"),
                    Json{{"bundle", B64u(AsBytes("bundle-base"))},
                         {"one_time", ot},
                         {"replace_one_time", replace}}
                        .dump());
    ASSERT_EQ(r.status, 204) << r.body;
  }

  // Everything observable about mb_.
  struct Snapshot {
    TokenHash::Array token;  // the bytes: a TokenHash itself has no == (secret)
    std::size_t messages, one_time;
    std::string base;
    bool operator==(const Snapshot&) const = default;
  };
  Snapshot Snap() {
    auto mb = store_->GetMailbox(mb_id_);
    auto base = store_->GetBundleBase(mb_id_);
    return {mb->delivery_token_hash.bytes(), *store_->CountMessages(mb_id_),
            *store_->CountOneTimePreKeys(mb_id_), base.ok() ? std::string(AsString(*base)) : ""};
  }

  static std::string ErrorCode(const HttpResponse& r) {
    auto j = Json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].get<std::string>() : "";
  }

  std::unique_ptr<Store> store_;
  Metrics metrics_;
  std::unique_ptr<Router> router_;
  std::int64_t now_ = kNow;
  OwnerKey owner_;
  std::string mb_, token_;
  MailboxId mb_id_{};
};

#define EXPECT_REFUSED(resp, status_code, code)   \
  do {                                            \
    const HttpResponse r_ = (resp);               \
    EXPECT_EQ(r_.status, status_code) << r_.body; \
    EXPECT_EQ(ErrorCode(r_), code) << r_.body;    \
  } while (0)

TEST_F(RouterTest, HealthAndMetrics) {
  RouterOptions o;
  o.metrics_token = "a-metrics-token-of-some-length";
  Reset(o);
  auto h = Do("GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "ok");
  Create();
  EXPECT_REFUSED(Do("GET", "/nope"), 404, "not_found");
  auto m = Do("GET", "/metrics", "", {{"Authorization", "Bearer a-metrics-token-of-some-length"}});
  EXPECT_EQ(m.status, 200);
  EXPECT_THAT(m.body, ::testing::HasSubstr("bc_requests_rejected_total{reason=\"not_found\"} 1"));
  EXPECT_THAT(m.body, ::testing::HasSubstr("bc_store_latency_seconds_count"));
  EXPECT_THAT(m.body, ::testing::HasSubstr("bc_connections 0"));
  EXPECT_REFUSED(Do("POST", "/healthz"), 405, "method_not_allowed");
  auto ready = Do("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ready");
  EXPECT_REFUSED(Do("POST", "/readyz"), 405, "method_not_allowed");
}

TEST_F(RouterTest, CreateMailboxRefusesMalformedInput) {
  EXPECT_REFUSED(Do("POST", "/v1/mailboxes", "{not json"), 400, "bad_request");
  EXPECT_REFUSED(Do("POST", "/v1/mailboxes", "[]"), 400, "bad_request");
  EXPECT_REFUSED(Do("POST", "/v1/mailboxes", R"({"auth_key": 5})"), 400, "bad_request");
  EXPECT_REFUSED(Do("POST", "/v1/mailboxes", R"({"auth_key": "AAAA"})"), 400, "bad_request");
  EXPECT_REFUSED(Do("POST", "/v1/mailboxes", R"({"auth_key": "!!!"})"), 400, "bad_request");
  EXPECT_REFUSED(Do("GET", "/v1/mailboxes"), 405, "method_not_allowed");
  EXPECT_REFUSED(Do("POST", "/v1/mailboxes", std::string(70000, ' ')), 413, "too_large");
  Create();
  EXPECT_EQ(FromB64u(mb_).size(), 16u);
  EXPECT_EQ(FromB64u(token_).size(), 32u);
}

TEST_F(RouterTest, UnknownAndMalformedMailbox) {
  Create();
  const std::string other = B64u(std::array<std::uint8_t, 16>{1, 2, 3});
  EXPECT_REFUSED(WithToken("POST", "/v1/mailboxes/" + other + "/messages", token_, "x"), 404,
                 "no_mailbox");
  EXPECT_REFUSED(WithToken("POST", "/v1/mailboxes/abc/messages", token_, "x"), 400, "bad_request");
  EXPECT_REFUSED(Do("GET", "/v1/mailboxes/" + mb_ + "/bogus"), 404, "not_found");
  EXPECT_REFUSED(Do("PUT", Path("/messages")), 405, "method_not_allowed");
}

TEST_F(RouterTest, SignedRequestRefusalsChangeNothing) {
  Create();
  UploadPreKeys(3);
  const Snapshot before = Snap();
  const std::string target = Path("/token");
  // No headers.
  EXPECT_REFUSED(Do("POST", target), 401, "missing_auth");
  // Signed by another key.
  OwnerKey stranger;
  EXPECT_REFUSED(Do("POST", target, "", stranger.Sign("POST", target, "", now_)), 401,
                 "bad_signature");
  // Signed over a different path.
  EXPECT_REFUSED(Do("POST", target, "", owner_.Sign("POST", Path("/status"), "", now_)), 401,
                 "bad_signature");
  // Stale and future timestamps.
  EXPECT_REFUSED(Do("POST", target, "", owner_.Sign("POST", target, "", now_ - 301'000)), 401,
                 "stale_timestamp");
  EXPECT_REFUSED(Do("POST", target, "", owner_.Sign("POST", target, "", now_ + 301'000)), 401,
                 "stale_timestamp");
  // Malformed nonce.
  EXPECT_REFUSED(Do("POST", target, "", owner_.Sign("POST", target, "", now_, "short")), 401,
                 "missing_auth");
  EXPECT_EQ(Snap(), before);
  // Replay: the first use works, the second is refused and changes nothing.
  auto headers = owner_.Sign("POST", target, "", now_);
  auto first = Do("POST", target, "", headers);
  ASSERT_EQ(first.status, 200) << first.body;
  const Snapshot after_rotate = Snap();
  EXPECT_NE(after_rotate.token, before.token);
  EXPECT_REFUSED(Do("POST", target, "", headers), 401, "replayed_nonce");
  EXPECT_EQ(Snap(), after_rotate);
  EXPECT_EQ(metrics_.Rejected("replayed_nonce"), 1u);
}

TEST_F(RouterTest, TokenRotationRetiresTheOldToken) {
  Create();
  ASSERT_EQ(WithToken("POST", Path("/messages"), token_, "m1").status, 201);
  auto r = Signed("POST", Path("/token"));
  ASSERT_EQ(r.status, 200);
  const std::string fresh = Json::parse(r.body)["delivery_token"];
  EXPECT_NE(fresh, token_);
  EXPECT_REFUSED(WithToken("POST", Path("/messages"), token_, "m2"), 403, "bad_token");
  EXPECT_EQ(WithToken("POST", Path("/messages"), fresh, "m3").status, 201);
  EXPECT_EQ(*store_->CountMessages(mb_id_), 2u);
}

TEST_F(RouterTest, PreKeysAndBundleHandOutEachOneTimeKeyOnce) {
  Create();
  EXPECT_REFUSED(WithToken("GET", Path("/bundle"), token_), 404, "no_bundle");
  UploadPreKeys(2);
  auto b1 = WithToken("GET", Path("/bundle"), token_);
  auto b2 = WithToken("GET", Path("/bundle"), token_);
  auto b3 = WithToken("GET", Path("/bundle"), token_);
  ASSERT_EQ(b1.status, 200);
  auto j1 = Json::parse(b1.body), j2 = Json::parse(b2.body), j3 = Json::parse(b3.body);
  EXPECT_EQ(AsString(FromB64u(j1["bundle_base"].get<std::string>())), "bundle-base");
  EXPECT_EQ(j1["one_time"]["id"], 1);
  EXPECT_EQ(j1["one_time"]["key"], OneTimeKeyB64u(1));
  EXPECT_EQ(j2["one_time"]["id"], 2);
  EXPECT_TRUE(j3["one_time"].is_null());
  EXPECT_EQ(j3["bundle_base"], j1["bundle_base"]);
  // Replace: only the new set remains.
  UploadPreKeys(5, /*replace=*/true);
  EXPECT_EQ(*store_->CountOneTimePreKeys(mb_id_), 5u);
}

TEST_F(RouterTest, ConcurrentBundleFetchesTakeEachOneTimeKeyOnce) {
  RouterOptions o;
  o.bundle_rate = {1e6, 1e6};  // this test is about the store, not the rate
  Reset(o);
  Create();
  UploadPreKeys(40);
  std::mutex mu;
  std::vector<int> ids;
  int without = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 6; ++i) {
        HttpRequest r{"GET", Path("/bundle"), {{"X-BC-Delivery-Token", token_}}, ""};
        auto res = router_->Handle(r);
        auto j = Json::parse(res.body);
        std::lock_guard<std::mutex> l(mu);
        if (j["one_time"].is_null()) {
          ++without;
        } else {
          ids.push_back(j["one_time"]["id"].get<int>());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids.size(), 40u);
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  EXPECT_EQ(without, 8);
}

TEST_F(RouterTest, PreKeyUploadRefusalsChangeNothing) {
  Create();
  UploadPreKeys(3);
  const Snapshot before = Snap();
  const std::string t = Path("/prekeys");
  auto put = [&](const std::string& body) { return Signed("PUT", t, body); };
  EXPECT_REFUSED(put("{"), 400, "bad_request");
  EXPECT_REFUSED(put(R"({"one_time": []})"), 400, "bad_request");
  EXPECT_REFUSED(put(R"({"bundle": "***"})"), 400, "bad_request");
  EXPECT_REFUSED(put(R"({"bundle": "AAAA", "one_time": [{"id": 1, "key": "AAAA"}]})"), 400,
                 "bad_request");
  EXPECT_REFUSED(
      put(R"({"bundle": "AAAA", "one_time": [{"id": -1, "key": ")" + OneTimeKeyB64u(1) + R"("}]})"),
      400, "bad_request");
  EXPECT_REFUSED(put(R"({"bundle": "AAAA", "one_time": [{"id": 4294967296, "key": ")" +
                     OneTimeKeyB64u(1) + R"("}]})"),
                 400, "bad_request");
  EXPECT_REFUSED(put(R"({"bundle": "AAAA", "one_time": {}})"), 400, "bad_request");
  EXPECT_REFUSED(put(R"({"bundle": "AAAA", "replace_one_time": "yes"})"), 400, "bad_request");
  EXPECT_REFUSED(put(std::string(70000, ' ')), 413, "too_large");
  // Unsigned, and signed by a stranger.
  EXPECT_REFUSED(Do("PUT", t, R"({"bundle": "AAAA"})"), 401, "missing_auth");
  EXPECT_EQ(Snap(), before);
}

TEST_F(RouterTest, BundleNeedsTheDeliveryToken) {
  Create();
  UploadPreKeys(2);
  const Snapshot before = Snap();
  EXPECT_REFUSED(Do("GET", Path("/bundle")), 403, "bad_token");
  EXPECT_REFUSED(WithToken("GET", Path("/bundle"), B64u(Bytes(32, 7))), 403, "bad_token");
  EXPECT_REFUSED(WithToken("GET", Path("/bundle"), "nope"), 403, "bad_token");
  EXPECT_EQ(Snap(), before);
}

TEST_F(RouterTest, PostListAckDelete) {
  Create();
  UploadPreKeys(12);
  std::vector<std::pair<MailboxId, std::string>> heard;
  router_->set_message_listener([&](const MailboxId& mb, const StoredMessage& m) {
    heard.emplace_back(mb, std::string(AsString(m.envelope)));
  });
  auto p1 = WithToken("POST", Path("/messages"), token_, "envelope-1");
  now_ += 5;
  auto p2 = WithToken("POST", Path("/messages"), token_, "envelope-2");
  ASSERT_EQ(p1.status, 201) << p1.body;
  ASSERT_EQ(p2.status, 201);
  const std::string id1 = Json::parse(p1.body)["id"];
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[0].first, mb_id_);
  EXPECT_EQ(heard[1].second, "envelope-2");

  auto list = Signed("GET", Path("/messages?limit=10"));
  ASSERT_EQ(list.status, 200) << list.body;
  auto j = Json::parse(list.body);
  ASSERT_EQ(j["messages"].size(), 2u);
  EXPECT_EQ(j["messages"][0]["id"], id1);
  EXPECT_EQ(j["messages"][0]["received_ms"], kNow - kNow % 60'000);  // kept to the minute
  EXPECT_EQ(AsString(FromB64u(j["messages"][1]["envelope"].get<std::string>())), "envelope-2");
  EXPECT_EQ(j["one_time_remaining"], 12);
  auto one = Signed("GET", Path("/messages?limit=1"));
  EXPECT_EQ(Json::parse(one.body)["messages"].size(), 1u);

  auto st = Json::parse(Signed("GET", Path("/status")).body);
  EXPECT_EQ(st["queued"], 2);
  EXPECT_EQ(st["prekeys_low"], false);

  EXPECT_EQ(Signed("DELETE", Path("/messages/" + id1)).status, 204);
  EXPECT_REFUSED(Signed("DELETE", Path("/messages/" + id1)), 404, "no_message");
  EXPECT_REFUSED(Signed("DELETE", Path("/messages/xyz")), 400, "bad_request");
  EXPECT_EQ(*store_->CountMessages(mb_id_), 1u);
  EXPECT_EQ(metrics_.accepted.load(), 2u);
  EXPECT_EQ(metrics_.acked.load(), 1u);
  EXPECT_EQ(metrics_.queued.load(), 1);
}

TEST_F(RouterTest, PostRefusalsChangeNothing) {
  RouterOptions o;
  o.max_queue = 2;
  o.max_envelope = 100;
  Reset(o);
  Create();
  ASSERT_EQ(WithToken("POST", Path("/messages"), token_, "a").status, 201);
  const Snapshot before = Snap();
  EXPECT_REFUSED(WithToken("POST", Path("/messages"), token_, std::string(101, 'x')), 413,
                 "too_large");
  EXPECT_REFUSED(WithToken("POST", Path("/messages"), token_, ""), 400, "bad_request");
  EXPECT_REFUSED(WithToken("POST", Path("/messages"), B64u(Bytes(32, 1)), "b"), 403, "bad_token");
  EXPECT_REFUSED(Do("POST", Path("/messages"), "b"), 403, "bad_token");
  EXPECT_EQ(Snap(), before);
  ASSERT_EQ(WithToken("POST", Path("/messages"), token_, "b").status, 201);
  const Snapshot full = Snap();
  EXPECT_REFUSED(WithToken("POST", Path("/messages"), token_, "c"), 507, "mailbox_full");
  EXPECT_EQ(Snap(), full);
}

TEST_F(RouterTest, ListAndStatusRefusals) {
  Create();
  for (const char* q : {"?limit=0", "?limit=abc", "?limit=1001", "?foo=1", "?limit=-1"}) {
    SCOPED_TRACE(q);
    EXPECT_REFUSED(Signed("GET", Path(std::string("/messages") + q)), 400, "bad_request");
  }
  EXPECT_REFUSED(Do("GET", Path("/messages")), 401, "missing_auth");
  EXPECT_REFUSED(Do("GET", Path("/status")), 401, "missing_auth");
}

TEST_F(RouterTest, StatusReportsPreKeysLow) {
  Create();
  UploadPreKeys(10);
  std::size_t low = 99;
  router_->set_prekeys_low_listener([&](const MailboxId&, std::size_t n) { low = n; });
  auto st = Json::parse(Signed("GET", Path("/status")).body);
  EXPECT_EQ(st["one_time_remaining"], 10);
  EXPECT_EQ(st["prekeys_low"], false);
  ASSERT_EQ(WithToken("GET", Path("/bundle"), token_).status, 200);
  EXPECT_EQ(low, 9u);
  st = Json::parse(Signed("GET", Path("/status")).body);
  EXPECT_EQ(st["prekeys_low"], true);
}

TEST_F(RouterTest, WebSocketAuthorization) {
  Create();
  HttpRequest r{"GET", Path("/ws"), owner_.Sign("GET", Path("/ws"), "", now_), ""};
  EXPECT_TRUE(Router::IsWebSocketTarget(r));
  auto ok = router_->AuthorizeWebSocket(r);
  ASSERT_TRUE(std::holds_alternative<MailboxId>(ok));
  EXPECT_EQ(std::get<MailboxId>(ok), mb_id_);
  auto replay = router_->AuthorizeWebSocket(r);
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(replay));
  EXPECT_EQ(std::get<HttpResponse>(replay).status, 401);
  HttpRequest unsigned_req{"GET", Path("/ws"), {}, ""};
  EXPECT_EQ(std::get<HttpResponse>(router_->AuthorizeWebSocket(unsigned_req)).status, 401);
  // Without an upgrade the endpoint is refused.
  EXPECT_REFUSED(Signed("GET", Path("/ws")), 400, "bad_request");
}

TEST_F(RouterTest, ExpireDeletesOldMessages) {
  Create();
  ASSERT_EQ(WithToken("POST", Path("/messages"), token_, "old").status, 201);
  now_ += 120'000;  // receive times are kept to the minute
  ASSERT_EQ(WithToken("POST", Path("/messages"), token_, "new").status, 201);
  auto n = router_->Expire(60'000);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  auto left = store_->ListMessages(mb_id_, 10);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(AsString((*left)[0].envelope), "new");
}

TEST_F(RouterTest, MetricsNeedTheBearerToken) {
  // No token configured: the endpoint does not exist.
  EXPECT_REFUSED(Do("GET", "/metrics"), 404, "not_found");
  RouterOptions o;
  o.metrics_token = "the-right-token-0123456789";
  Reset(o);
  EXPECT_REFUSED(Do("GET", "/metrics"), 401, "bad_token");
  EXPECT_REFUSED(Do("GET", "/metrics", "", {{"Authorization", "Bearer the-right-token-012345678"}}),
                 401, "bad_token");
  EXPECT_REFUSED(Do("GET", "/metrics", "", {{"Authorization", "the-right-token-0123456789"}}), 401,
                 "bad_token");
  auto m = Do("GET", "/metrics", "", {{"Authorization", "Bearer the-right-token-0123456789"}});
  EXPECT_EQ(m.status, 200);
  EXPECT_THAT(m.body, ::testing::HasSubstr("bc_internal_errors_total 0"));
}

TEST_F(RouterTest, BundleFetchesAreRateLimitedPerMailbox) {
  RouterOptions o;
  o.bundle_rate = {0.5, 5};  // five at once, then one per two seconds
  Reset(o);
  Create();
  UploadPreKeys(20);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(WithToken("GET", Path("/bundle"), token_).status, 200) << i;
  }
  const Snapshot before = Snap();
  EXPECT_REFUSED(WithToken("GET", Path("/bundle"), token_), 429, "rate_limited");
  EXPECT_EQ(Snap(), before);  // no one-time key taken
  EXPECT_EQ(before.one_time, 15u);
  now_ += 2'000;
  EXPECT_EQ(WithToken("GET", Path("/bundle"), token_).status, 200);
  EXPECT_REFUSED(WithToken("GET", Path("/bundle"), token_), 429, "rate_limited");
}

TEST_F(RouterTest, ByteQuotasRefuseWith507AndChangeNothing) {
  RouterOptions o;
  o.max_mailbox_bytes = 10;
  o.max_total_bytes = 16;
  Reset(o);
  Create();
  ASSERT_EQ(WithToken("POST", Path("/messages"), token_, "123456").status, 201);
  const Snapshot full = Snap();
  EXPECT_REFUSED(WithToken("POST", Path("/messages"), token_, "12345"), 507, "mailbox_full");
  EXPECT_EQ(Snap(), full);
  ASSERT_EQ(WithToken("POST", Path("/messages"), token_, "1234").status, 201);  // exactly 10

  // A second mailbox: its own quota is free, the relay's total is not.
  OwnerKey other;
  auto r = Do("POST", "/v1/mailboxes", Json{{"auth_key", other.PublicB64u()}}.dump());
  ASSERT_EQ(r.status, 201);
  const std::string other_mb = Json::parse(r.body)["mailbox"];
  const std::string other_token = Json::parse(r.body)["delivery_token"];
  const std::string other_path = "/v1/mailboxes/" + other_mb + "/messages";
  EXPECT_REFUSED(WithToken("POST", other_path, other_token, "1234567"), 507, "storage_full");
  ASSERT_EQ(WithToken("POST", other_path, other_token, "123456").status, 201);  // exactly 16
  EXPECT_EQ(*store_->CountMessages(*MailboxIdFromString(other_mb)), 1u);
  // Acking frees the bytes.
  auto list = Json::parse(Signed("GET", Path("/messages")).body);
  const std::string first = list["messages"][0]["id"];
  ASSERT_EQ(Signed("DELETE", Path("/messages/" + first)).status, 204);
  EXPECT_EQ(WithToken("POST", Path("/messages"), token_, "123456").status, 201);
}

TEST_F(RouterTest, StoredTimesAreCoarse) {
  Create();
  ASSERT_EQ(WithToken("POST", Path("/messages"), token_, "x").status, 201);
  auto list = Json::parse(Signed("GET", Path("/messages")).body);
  const std::int64_t received = list["messages"][0]["received_ms"];
  EXPECT_EQ(received % 60'000, 0);
  EXPECT_LE(kNow - received, 60'000);
  auto mb = store_->GetMailbox(mb_id_);
  ASSERT_TRUE(mb.ok());
  EXPECT_EQ(mb->created_ms % (24 * 3600 * 1000), 0);
  EXPECT_EQ(mb->seen_ms, mb->created_ms);
}

TEST_F(RouterTest, OwnerDeletesItsMailbox) {
  Create();
  ASSERT_EQ(WithToken("POST", Path("/messages"), token_, "x").status, 201);
  // Unsigned, or signed by someone else: refused, nothing deleted.
  EXPECT_REFUSED(Do("DELETE", Path("")), 401, "missing_auth");
  OwnerKey stranger;
  EXPECT_REFUSED(Do("DELETE", Path(""), "", stranger.Sign("DELETE", Path(""), "", now_)), 401,
                 "bad_signature");
  EXPECT_REFUSED(Signed("GET", Path("")), 405, "method_not_allowed");
  EXPECT_EQ(*store_->CountMessages(mb_id_), 1u);
  ASSERT_EQ(Signed("DELETE", Path("")).status, 204);
  EXPECT_EQ(store_->GetMailbox(mb_id_).error().code(), StatusCode::kNotFound);
  EXPECT_REFUSED(WithToken("POST", Path("/messages"), token_, "y"), 404, "no_mailbox");
  EXPECT_EQ(metrics_.queued.load(), 0);
}

TEST_F(RouterTest, IdleMailboxesAreDeletedAndSignedRequestsKeepThemAlive) {
  constexpr std::int64_t kDay = 24 * 3600 * 1000;
  Create();
  const std::string active_mb = mb_;
  const MailboxId active_id = mb_id_;
  OwnerKey idle_owner;
  auto r = Do("POST", "/v1/mailboxes", Json{{"auth_key", idle_owner.PublicB64u()}}.dump());
  ASSERT_EQ(r.status, 201);
  const MailboxId idle_id = *MailboxIdFromString(Json::parse(r.body)["mailbox"].get<std::string>());
  ASSERT_EQ(
      WithToken("POST",
                "/v1/mailboxes/" + Json::parse(r.body)["mailbox"].get<std::string>() + "/messages",
                Json::parse(r.body)["delivery_token"], "queued")
          .status,
      201);
  // 300 days on, the active owner signs a request; 150 more days on, the
  // other (only ever sent to, never signing) has been idle for 450 days.
  now_ += 300 * kDay;
  ASSERT_EQ(Signed("GET", Path("/status")).status, 200);
  now_ += 150 * kDay;
  auto n = router_->DeleteIdleMailboxes(400 * kDay);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(store_->GetMailbox(idle_id).error().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->GetMailbox(active_id).ok());
  EXPECT_EQ(metrics_.queued.load(), 0);
  (void)active_mb;
}

TEST(WsProtocolTest, DecodesAcksAndRefusesTheRest) {
  const MessageId id({9, 8, 7});
  auto ok = DecodeWsClientMessage(R"({"type":"ack","id":")" + IdToString(id) + R"("})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->id, id);
  for (const char* bad : {"", "{", "[]", R"({"type":"ack"})", R"({"type":"nack","id":"AAAA"})",
                          R"({"type":"ack","id":"AAAA"})", R"({"type":"ack","id":5})"}) {
    EXPECT_FALSE(DecodeWsClientMessage(bad).ok()) << bad;
  }
  StoredMessage m{id, 42, ToBytes(std::string_view("env"))};
  auto j = Json::parse(EncodeWsMessage(m));
  EXPECT_EQ(j["type"], "message");
  EXPECT_EQ(j["id"], IdToString(id));
  EXPECT_EQ(j["received_ms"], 42);
  EXPECT_EQ(Json::parse(EncodeWsPreKeysLow(3))["one_time_remaining"], 3);
}

}  // namespace
}  // namespace backchannel::relay
