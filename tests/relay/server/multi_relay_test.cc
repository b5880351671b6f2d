// Two real backchanneld processes on one PostgreSQL database (label
// postgres; docs/relay.md "Several relays"): a WebSocket on relay B gets
// what is posted through relay A at once (LISTEN/NOTIFY, no polling), and
// after B's notification connection was lost it rescans and still gets what
// was posted meanwhile; acks work through either relay and nothing is
// pushed twice; one-time prekeys taken through both relays are each handed
// out once; with the database unreachable the relays answer 503 and
// /readyz says so, and recover when it is back.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "relay/server/relay_e2e_fixture.h"
#include "relay/store/pg_test_db.h"

namespace backchannel::relay::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class TwoRelaysOnPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto db = TestDatabase(test);
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = "bc_test_";
    for (char ch : test) {
      if (std::isalnum(static_cast<unsigned char>(ch)) != 0) {
        database_ += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
    }
    database_ += "_" + std::to_string(::getpid());
    dir_ = std::filesystem::temp_directory_path() /
           ("bc-relay-pg-" + std::to_string(::getpid()) + "-" + test);
    std::filesystem::remove_all(dir_);
    for (int i = 0; i < 2; ++i) {
      const auto data = dir_ / (i == 0 ? "a" : "b");
      std::filesystem::create_directories(data);
      // Host, port, user and password from the libpq environment the
      // relays inherit (pg_virtualenv's).
      auto r = RelayProcess::Start(BACKCHANNELD_PATH,
                                   {"--listen", "127.0.0.1:0", "--data", data.string(), "--store",
                                    "postgresql:///" + database_});
      ASSERT_TRUE(r.ok()) << r.error();
      relays_[i] = std::move(*r);
    }
  }
  void TearDown() override {
    for (auto& r : relays_) r.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<TlsTestClient> Client(int relay) {
    auto c = TlsTestClient::Connect(relays_[relay]->port(), relays_[relay]->pin());
    EXPECT_TRUE(c.ok()) << c.error();
    return c.ok() ? std::move(*c) : nullptr;
  }
  HttpResponse Call(TlsTestClient& c, const std::string& method, const std::string& target,
                    const std::string& body = "", Headers headers = {}) {
    auto r = c.Request(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? *r : HttpResponse{0, "", ""};
  }
  HttpResponse Signed(TlsTestClient& c, const std::string& method, const std::string& target,
                      const std::string& body = "") {
    return Call(c, method, target, body, owner_.Sign(method, target, body, NowMs()));
  }
  void CreateMailbox(TlsTestClient& c) {
    auto r = Call(c, "POST", "/v1/mailboxes", Json{{"auth_key", owner_.PublicB64u()}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    auto j = Json::parse(r.body);
    mb_ = j["mailbox"];
    token_ = j["delivery_token"];
  }
  std::string Path(const std::string& rest) const { return "/v1/mailboxes/" + mb_ + rest; }
  HttpResponse PostRaw(TlsTestClient& c, const std::string& envelope) {
    return Call(c, "POST", Path("/messages"), envelope, {{"X-BC-Delivery-Token", token_}});
  }
  std::string Post(TlsTestClient& c, const std::string& envelope) {
    auto r = PostRaw(c, envelope);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json::parse(r.body)["id"].get<std::string>() : "";
  }
  // A WebSocket on `relay` for the mailbox, past its prekeys_low frame.
  std::unique_ptr<TlsTestClient> WebSocket(int relay) {
    auto w = Client(relay);
    if (!w) return nullptr;
    Status s = w->OpenWebSocket(Path("/ws"), owner_.Sign("GET", Path("/ws"), "", NowMs()));
    EXPECT_TRUE(s.ok()) << s;
    auto f = w->ReadFrame();
    EXPECT_TRUE(f.ok() && Json::parse(*f)["type"] == "prekeys_low") << (f.ok() ? *f : "");
    return w;
  }
  // The next message frame's id and envelope ("" when none in `timeout`).
  std::pair<std::string, std::string> NextMessage(TlsTestClient& w, milliseconds timeout) {
    auto f = w.ReadFrame(timeout);
    if (!f.ok()) return {};
    auto j = Json::parse(*f);
    if (j["type"] != "message") return {"unexpected " + *f, ""};
    return {j["id"].get<std::string>(),
            std::string(AsString(FromB64u(j["envelope"].get<std::string>())))};
  }
  std::string database_;
  std::filesystem::path dir_;
  std::unique_ptr<RelayProcess> relays_[2];
  OwnerKey owner_;
  std::string mb_, token_;
};

TEST_F(TwoRelaysOnPostgresTest, WebSocketOnOneRelayGetsPostsThroughTheOtherAtOnce) {
  auto a = Client(0);
  ASSERT_TRUE(a);
  CreateMailbox(*a);
  auto w = WebSocket(1);
  ASSERT_TRUE(w);
  std::vector<double> latencies_ms;
  for (int i = 0; i < 20; ++i) {
    const auto start = steady_clock::now();
    const std::string id = Post(*a, "envelope-" + std::to_string(i));
    auto [got, envelope] = NextMessage(*w, milliseconds(2000));
    latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(steady_clock::now() - start).count());
    ASSERT_EQ(got, id);
    EXPECT_EQ(envelope, "envelope-" + std::to_string(i));
    // Acked through relay B's WebSocket (odd) or relay A's HTTP (even).
    if (i % 2 == 1) {
      ASSERT_TRUE(w->WriteFrame(Json{{"type", "ack"}, {"id", id}}.dump()).ok());
    } else {
      EXPECT_EQ(Signed(*a, "DELETE", Path("/messages/" + id)).status, 204);
    }
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  // Post through A (a durable commit) to the frame on B's WebSocket: the
  // median on an idle machine is a few milliseconds; the bound leaves room
  // for a loaded CI machine, far below any polling interval.
  EXPECT_LT(latencies_ms[latencies_ms.size() / 2], 250.0);
  std::printf("post via A -> push on B: median %.1f ms, max %.1f ms (20 posts)\n",
              latencies_ms[latencies_ms.size() / 2], latencies_ms.back());
  // Nothing more is pushed (no message twice), and nothing is left queued.
  auto extra = NextMessage(*w, milliseconds(300));
  EXPECT_EQ(extra.first, "");
  auto list = Json::parse(Signed(*a, "GET", Path("/messages?limit=100")).body);
  EXPECT_EQ(list["messages"].size(), 0u);
}

TEST_F(TwoRelaysOnPostgresTest, PostsThroughBothRelaysReachBothWebSocketsOnce) {
  auto a = Client(0);
  auto b = Client(1);
  ASSERT_TRUE(a && b);
  CreateMailbox(*a);
  auto wa = WebSocket(0);
  auto wb = WebSocket(1);
  ASSERT_TRUE(wa && wb);
  std::set<std::string> posted;
  for (int i = 0; i < 30; ++i) posted.insert(Post(i % 2 == 0 ? *a : *b, "m" + std::to_string(i)));
  ASSERT_EQ(posted.size(), 30u);
  for (auto* w : {wa.get(), wb.get()}) {
    std::map<std::string, int> seen;
    for (;;) {
      auto [id, envelope] = NextMessage(*w, milliseconds(1000));
      if (id.empty()) break;
      ++seen[id];
    }
    EXPECT_EQ(seen.size(), posted.size());
    for (const auto& [id, n] : seen) {
      EXPECT_EQ(n, 1) << id;
      EXPECT_EQ(posted.count(id), 1u) << id;
    }
  }
}

TEST_F(TwoRelaysOnPostgresTest, PreKeysTakenThroughBothRelaysAreEachHandedOutOnce) {
  auto a = Client(0);
  ASSERT_TRUE(a);
  CreateMailbox(*a);
  // 16 keys and 4 takers: at most 18 fetches per relay, within its per-mailbox
  // bundle burst (20).
  constexpr int kKeys = 16;
  Json ot = Json::array();
  for (int i = 1; i <= kKeys; ++i) {
    ot.push_back({{"id", i}, {"key", OneTimeKeyB64u(std::uint8_t(i))}});
  }
  ASSERT_EQ(Signed(*a, "PUT", Path("/prekeys"),
                   Json{{"bundle", B64u(AsBytes("base"))}, {"one_time", ot}}.dump())
                .status,
            204);
  std::mutex mu;
  std::vector<int> taken;
  int bundles_without_key = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto c = Client(t % 2);
      if (!c) return;
      for (;;) {
        auto r = Call(*c, "GET", Path("/bundle"), "", {{"X-BC-Delivery-Token", token_}});
        if (r.status != 200) {
          ADD_FAILURE() << r.status << " " << r.body;
          return;
        }
        auto j = Json::parse(r.body);
        std::lock_guard lock(mu);
        if (!j.contains("one_time") || j["one_time"].is_null()) {
          ++bundles_without_key;
          return;
        }
        taken.push_back(j["one_time"]["id"].get<int>());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::sort(taken.begin(), taken.end());
  ASSERT_EQ(taken.size(), static_cast<std::size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) EXPECT_EQ(taken[i], i + 1);
  EXPECT_EQ(bundles_without_key, 4);
}

TEST_F(TwoRelaysOnPostgresTest, LostNotificationConnectionIsReplacedAndPendingIsScanned) {
  auto a = Client(0);
  ASSERT_TRUE(a);
  CreateMailbox(*a);
  auto w = WebSocket(1);
  ASSERT_TRUE(w);
  // Both relays' LISTEN sessions end; a post through A commits before they
  // are back (their retry waits 500 ms), so its notification reaches no one.
  ASSERT_TRUE(AdminExec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = 'backchanneld-listen' AND datname = '" +
                        database_ + "'")
                  .ok());
  const std::string id = Post(*a, "while-nobody-listens");
  auto [got, envelope] = NextMessage(*w, milliseconds(5000));
  EXPECT_EQ(got, id);
  EXPECT_EQ(envelope, "while-nobody-listens");
  // Listening again: the next post arrives as before.
  const std::string next = Post(*a, "after");
  EXPECT_EQ(NextMessage(*w, milliseconds(2000)).first, next);
}

TEST_F(TwoRelaysOnPostgresTest, DatabaseUnreachableIs503AndReadinessFollowsIt) {
  auto a = Client(0);
  ASSERT_TRUE(a);
  CreateMailbox(*a);
  EXPECT_EQ(Call(*a, "GET", "/readyz").status, 200);
  ASSERT_TRUE(AdminExec("ALTER DATABASE \"" + database_ + "\" ALLOW_CONNECTIONS false").ok());
  ASSERT_TRUE(AdminExec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                        database_ + "'")
                  .ok());
  auto down = PostRaw(*a, "refused");
  if (down.status != 503) down = PostRaw(*a, "refused");  // may find a dead connection first
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(Json::parse(down.body)["error"], "storage_unavailable");
  EXPECT_EQ(Call(*a, "GET", "/readyz").status, 503);
  EXPECT_EQ(Call(*a, "GET", "/healthz").status, 200);  // the process itself serves
  ASSERT_TRUE(AdminExec("ALTER DATABASE \"" + database_ + "\" ALLOW_CONNECTIONS true").ok());
  EXPECT_EQ(Call(*a, "GET", "/readyz").status, 200);
  auto c = Client(1);
  ASSERT_TRUE(c);
  EXPECT_FALSE(Post(*c, "after the outage").empty());
  auto list = Json::parse(Signed(*a, "GET", Path("/messages?limit=100")).body);
  ASSERT_EQ(list["messages"].size(), 1u);  // the refused post left nothing
}

}  // namespace
}  // namespace backchannel::relay::testing
