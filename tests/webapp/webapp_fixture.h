// One running web app for the tests: a real server on an ephemeral port of
// 127.0.0.1 and a real app holder on a real client home, over the
// in-process relay of the channel fixture (client/channel_fixture.h), with
// a clock the test moves (the URL token's expiry, the idle lock).
#ifndef BACKCHANNEL_TESTS_WEBAPP_WEBAPP_FIXTURE_H_
#define BACKCHANNEL_TESTS_WEBAPP_WEBAPP_FIXTURE_H_

#include <array>
#include <atomic>
#include <memory>
#include <string>

#include "backchannel/webapp/api_router.h"
#include "backchannel/webapp/holder.h"
#include "backchannel/webapp/secret_token.h"
#include "backchannel/webapp/server.h"
#include "webapp/http_test_client.h"

namespace backchannel::webapp::testing {

// The page's files a test serves (production's come from bc_webapp_assets).
inline constexpr std::array<EmbeddedAsset, 2> kTestAssets = {{
    {"/assets/app.js", "text/javascript", "console.log('app');", "", true},
    {"/index.html", "text/html; charset=utf-8",
     "<!doctype html><html><head><script type=\"module\" src=\"/assets/app.js\"></script></head>"
     "<body></body></html>",
     "", false},
}};

// The app holder as the router sees it, counting the jobs that reached the
// worker (Dequeued) beside the server's count of jobs queued (api_queued):
// each /api request must be counted in and out exactly once, or the
// holder's next relay listen never starts (or starts while a job waits).
class CountingBackend : public AppBackend {
 public:
  explicit CountingBackend(AppHolder& holder) : holder_(holder) {}
  app::Json State() override { return holder_.State(); }
  Result<app::Json> Init(const InitInput& input) override { return holder_.Init(input); }
  Status Unlock(const SecretBytes& passphrase) override { return holder_.Unlock(passphrase); }
  void Lock() override { holder_.Lock(); }
  Status Passwd(const SecretBytes& old_passphrase, const SecretBytes& new_passphrase) override {
    return holder_.Passwd(old_passphrase, new_passphrase);
  }
  Result<app::Json> Run(const app::Request& request) override { return holder_.Run(request); }
  bool unlocked() override { return holder_.unlocked(); }
  void Touch() override { holder_.Touch(); }
  void Dequeued() override {
    ++dequeued_;
    holder_.Dequeued();
  }
  std::int64_t dequeued() const { return dequeued_.load(); }

 private:
  AppHolder& holder_;
  std::atomic<std::int64_t> dequeued_{0};
};

class RunningApp {
 public:
  static constexpr std::chrono::milliseconds kListenSlice{30'000};

  RunningApp(client::ClientOptions client_options, std::shared_ptr<std::atomic<std::int64_t>> now,
             std::chrono::milliseconds idle = std::chrono::minutes(15), ServerOptions so = {})
      : now_(std::move(now)),
        tokens_([n = now_] { return n->load(); }),
        sessions_(NewInstanceId()),
        files_(kTestAssets) {
    HolderOptions o;
    o.client = std::move(client_options);
    o.idle = idle;
    // Long: a request is answered at once only if it wakes the listen
    // (holder.h, Wake), so every test here goes through that path.
    o.listen_slice = kListenSlice;
    o.retry_after = std::chrono::milliseconds(200);
    o.clock = [n = now_] { return n->load(); };
    holder_ = std::make_unique<AppHolder>(std::move(o), hub_);
    backend_ = std::make_unique<CountingBackend>(*holder_);
    router_ = std::make_unique<ApiRouter>(*backend_, tokens_, sessions_);
    holder_->Start();
    so.api_queued = [h = holder_.get(), q = queued_] {
      ++*q;
      h->Wake();
    };
    server_ = std::make_unique<Server>(std::move(so), *router_, sessions_, files_, hub_,
                                       holder_->executor());
    start_ = server_->Start();
    token_ = tokens_.Issue();
  }
  ~RunningApp() {
    // Server first, then the worker (server.h "Lifetime").
    server_->Stop();
    holder_->Stop();
  }

  const Status& start_status() const { return start_; }
  AppHolder& holder() { return *holder_; }
  // /api jobs the server queued for the worker, and those that reached it.
  std::int64_t queued() const { return queued_->load(); }
  std::int64_t dequeued() const { return backend_->dequeued(); }
  unsigned short port() const { return server_->port(); }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::string host() const { return "127.0.0.1:" + std::to_string(port()); }
  const std::string& token() const { return token_; }
  std::string NewToken() { return token_ = tokens_.Issue(); }
  const std::string& cookie_name() const { return sessions_.cookie_name(); }
  const std::string& instance() const { return sessions_.instance(); }

  // What the page sends on a same-origin request.
  Headers Page(const std::string& cookie = "") const {
    Headers h{{"Host", host()}, {"Origin", origin()}, {"Content-Type", "application/json"}};
    if (!cookie.empty()) h["Cookie"] = cookie;
    return h;
  }
  // Redeems the token; the "name=value" of the session cookie, or "".
  std::string Login() {
    Reply r = Http(port(), "POST", "/api/session", Page(), R"({"token":")" + token_ + R"("})");
    const std::string set = r.headers["Set-Cookie"];
    return r.status == 200 ? set.substr(0, set.find(';')) : "";
  }
  Reply Post(const std::string& cookie, const std::string& target, const std::string& body) {
    return Http(port(), "POST", target, Page(cookie), body);
  }
  Reply Get(const std::string& cookie, const std::string& target) {
    Headers h = Page(cookie);
    h.erase("Origin");
    h.erase("Content-Type");
    return Http(port(), "GET", target, h);
  }

 private:
  std::shared_ptr<std::atomic<std::int64_t>> now_;
  SseHub hub_;
  TokenIssuer tokens_;
  SessionTable sessions_;
  StaticFiles files_;
  std::unique_ptr<AppHolder> holder_;
  std::unique_ptr<CountingBackend> backend_;
  std::shared_ptr<std::atomic<std::int64_t>> queued_ =
      std::make_shared<std::atomic<std::int64_t>>(0);
  std::unique_ptr<ApiRouter> router_;
  std::unique_ptr<Server> server_;
  Status start_;
  std::string token_;
};

}  // namespace backchannel::webapp::testing

#endif  // BACKCHANNEL_TESTS_WEBAPP_WEBAPP_FIXTURE_H_
