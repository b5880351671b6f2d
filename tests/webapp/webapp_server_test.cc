// The web app's server and app holder over real sockets (tests/webapp):
// the security measures of docs/webapp.md (Host, Origin, Sec-Fetch-Site,
// the single-use 60 s token, per-instance sessions, limits, headers), the
// API's answers and refusals (a refused request changes nothing), and the
// holder: unlock, lock, live events, the agent socket for the CLI.
#include <gtest/gtest.h>

#include "backchannel/client/agent.h"
#include "client/channel_fixture.h"
#include "webapp/webapp_fixture.h"

namespace backchannel::webapp {
namespace {

using testing::EventStream;
using testing::Headers;
using testing::Http;
using testing::Reply;
using testing::RunningApp;

class WebAppTest : public client::ChannelFastTest {
 protected:
  void SetUp() override {
    client::ChannelFastTest::SetUp();
    inproc_->set_listen_waits(true);
    auto alice = Valid("alice", *us_, 1);
    bob_ = Valid("bob", *iran_, 2);
    ASSERT_TRUE(alice && bob_);
    Connect(*alice, *bob_);
    alice.reset();  // the app opens the home itself
    app_ = std::make_unique<RunningApp>(Options("alice"), now_);
    ASSERT_OK(app_->start_status());
  }
  void TearDown() override { app_.reset(); }

  std::string Unlocked() {
    std::string cookie = app_->Login();
    EXPECT_FALSE(cookie.empty());
    Reply r = app_->Post(cookie, "/api/unlock", R"({"passphrase":"pw-alice"})");
    EXPECT_EQ(r.json()["ok"], true) << r.body;
    return cookie;
  }
  void Advance(std::int64_t ms) { *now_ += ms; }

  std::shared_ptr<std::atomic<std::int64_t>> now_ =
      std::make_shared<std::atomic<std::int64_t>>(1'000'000);
  std::unique_ptr<client::Client> bob_;
  std::unique_ptr<RunningApp> app_;
};

void ExpectCommonHeaders(Reply& r) {
  EXPECT_EQ(r.headers["Cache-Control"], "no-store");
  EXPECT_EQ(r.headers["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(r.headers["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(r.headers["Cross-Origin-Opener-Policy"], "same-origin");
}

TEST_F(WebAppTest, NoSessionIs401OnEveryApiRoute) {
  for (const char* target : {"/api/state", "/api/request", "/api/unlock", "/api/lock"}) {
    Reply r = std::string(target) == "/api/state" ? app_->Get("", target)
                                                  : app_->Post("", target, R"({"op":"contacts"})");
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_EQ(r.json()["ok"], false);
    EXPECT_EQ(r.json()["error"]["code"], "no_session") << target;
  }
  Reply events = app_->Get("", "/api/events");
  EXPECT_EQ(events.status, 401);
  // A made-up cookie of the right name and shape is no session either.
  Reply forged = app_->Get(app_->cookie_name() + "=" + std::string(43, 'A'), "/api/state");
  EXPECT_EQ(forged.status, 401);
}

TEST_F(WebAppTest, AForeignHostIs403) {
  for (const std::string& host :
       {std::string("evil.example:") + std::to_string(app_->port()), std::string("127.0.0.1:1"),
        std::string("127.0.0.1"), std::string("")}) {
    Reply r = Http(app_->port(), "GET", "/", {{"Host", host}});
    EXPECT_EQ(r.status, 403) << host;
    EXPECT_EQ(r.json()["error"]["code"], "forbidden_host") << host;
    ExpectCommonHeaders(r);
  }
  Reply ok =
      Http(app_->port(), "GET", "/", {{"Host", "localhost:" + std::to_string(app_->port())}});
  EXPECT_EQ(ok.status, 200);
}

TEST_F(WebAppTest, AForeignOriginIs403OnPostAndOnTheEventStream) {
  const std::string cookie = app_->Login();
  ASSERT_FALSE(cookie.empty());
  Headers h = app_->Page(cookie);
  h["Origin"] = "http://evil.example";
  Reply post = Http(app_->port(), "POST", "/api/lock", h, "{}");
  EXPECT_EQ(post.status, 403);
  EXPECT_EQ(post.json()["error"]["code"], "forbidden_origin");
  h["Origin"] = "http://127.0.0.1:1";  // another app on this machine
  EXPECT_EQ(Http(app_->port(), "POST", "/api/lock", h, "{}").status, 403);
  h.erase("Origin");  // a state change must carry Origin
  EXPECT_EQ(Http(app_->port(), "POST", "/api/lock", h, "{}").status, 403);

  Headers ev{{"Host", app_->host()}, {"Cookie", cookie}, {"Origin", "http://evil.example"}};
  EXPECT_EQ(Http(app_->port(), "GET", "/api/events", ev).status, 403);
  ev.erase("Origin");
  ev["Sec-Fetch-Site"] = "cross-site";
  EXPECT_EQ(Http(app_->port(), "GET", "/api/events", ev).status, 403);
  ev["Sec-Fetch-Site"] = "same-site";
  EXPECT_EQ(Http(app_->port(), "GET", "/api/events", ev).status, 403);
  ev["Sec-Fetch-Site"] = "same-origin";
  EventStream stream(app_->port(), ev);
  EXPECT_NE(stream.ReadUntil(": connected", std::chrono::seconds(5)), "");
  EXPECT_NE(stream.seen().find("text/event-stream"), std::string::npos);
}

TEST_F(WebAppTest, HtmlCarriesTheCspAndEveryAnswerTheOtherHeaders) {
  Reply page = Http(app_->port(), "GET", "/", {{"Host", app_->host()}});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers["Content-Type"], "text/html; charset=utf-8");
  EXPECT_EQ(page.headers["Content-Security-Policy"],
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'");
  ExpectCommonHeaders(page);
  Reply js = Http(app_->port(), "GET", "/assets/app.js", {{"Host", app_->host()}});
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log('app');");
  ExpectCommonHeaders(js);
  Reply missing = Http(app_->port(), "GET", "/nothing", {{"Host", app_->host()}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["ok"], false);

  const std::string cookie = app_->Login();
  Reply state = app_->Get(cookie, "/api/state");
  ASSERT_EQ(state.status, 200);
  ExpectCommonHeaders(state);
  EXPECT_EQ(state.headers.count("Content-Security-Policy"), 0U);
  EXPECT_EQ(state.json()["ok"], true);
  EXPECT_EQ(state.json()["exists"], true);
  EXPECT_EQ(state.json()["unlocked"], false);
}

TEST_F(WebAppTest, TheTokenWorksOnceAndNotAfter60Seconds) {
  const std::string token = app_->token();
  Reply first = app_->Post("", "/api/session", R"({"token":")" + token + R"("})");
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string set = first.headers["Set-Cookie"];
  EXPECT_EQ(set.substr(0, app_->cookie_name().size() + 1), app_->cookie_name() + "=");
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(app_->cookie_name(), "bc_session_" + app_->instance());
  EXPECT_EQ(app_->instance().size(), 16U);

  Reply again = app_->Post("", "/api/session", R"({"token":")" + token + R"("})");
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(again.json()["error"]["code"], "bad_token");

  const std::string late = app_->NewToken();
  Advance(61'000);
  Reply after = app_->Post("", "/api/session", R"({"token":")" + late + R"("})");
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.json()["error"]["code"], "bad_token");

  const std::string in_time = app_->NewToken();
  Advance(59'000);
  EXPECT_EQ(app_->Post("", "/api/session", R"({"token":")" + in_time + R"("})").status, 200);
  EXPECT_EQ(app_->Post("", "/api/session", R"({"token":"x"})").status, 401);
  EXPECT_EQ(app_->Post("", "/api/session", R"({"token":7})").status, 401);
}

TEST_F(WebAppTest, TwoInstancesCannotUseEachOthersSession) {
  auto bob_app = std::make_unique<RunningApp>(Options("bob"), now_);
  ASSERT_OK(bob_app->start_status());
  const std::string alice_cookie = app_->Login();
  const std::string bob_cookie = bob_app->Login();
  ASSERT_FALSE(alice_cookie.empty());
  ASSERT_FALSE(bob_cookie.empty());
  EXPECT_NE(app_->cookie_name(), bob_app->cookie_name()) << "neither overwrites the other";
  // The browser sends both cookies to both ports (cookies ignore ports).
  const std::string both = alice_cookie + "; " + bob_cookie;
  EXPECT_EQ(app_->Get(both, "/api/state").status, 200);
  EXPECT_EQ(bob_app->Get(both, "/api/state").status, 200);
  EXPECT_EQ(app_->Get(bob_cookie, "/api/state").status, 401);
  EXPECT_EQ(bob_app->Get(alice_cookie, "/api/state").status, 401);
  // Bob's value under Alice's name: still not a session of Alice's app.
  const std::string value = bob_cookie.substr(bob_cookie.find('=') + 1);
  EXPECT_EQ(app_->Get(app_->cookie_name() + "=" + value, "/api/state").status, 401);
}

TEST_F(WebAppTest, LimitsAndMalformedRequestsChangeNothing) {
  const std::string cookie = Unlocked();
  Reply before = app_->Post(cookie, "/api/request", R"({"op":"conversation","contact":"bob"})");
  ASSERT_EQ(before.json()["ok"], true) << before.body;

  const std::string big =
      R"({"op":"send","contact":"bob","text":")" + std::string(300 * 1024, 'x') + R"("})";
  EXPECT_EQ(app_->Post(cookie, "/api/request", big).status, 413);
  Headers plain = app_->Page(cookie);
  plain["Content-Type"] = "text/plain";
  Reply form = Http(app_->port(), "POST", "/api/request", plain,
                    R"({"op":"send","contact":"bob","text":"csrf"})");
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(form.json()["error"]["code"], "unsupported_media_type");
  for (const char* bad : {R"({"op":"send","contact":"bob","text":"x")", R"([1,2])",
                          R"({"op":"launch"})", R"({"op":"send","contact":"bob","text":""})",
                          R"({"op":"send","contact":"bob","text":"x","bcc":"eve"})"}) {
    Reply r = app_->Post(cookie, "/api/request", bad);
    EXPECT_EQ(r.status, 200) << bad;
    EXPECT_EQ(r.json()["ok"], false) << bad;
    EXPECT_EQ(r.json()["error"]["code"], "invalid_argument") << bad;
  }
  Reply after = app_->Post(cookie, "/api/request", R"({"op":"conversation","contact":"bob"})");
  EXPECT_EQ(after.json()["messages"], before.json()["messages"]);
  Reply outbox = app_->Post(cookie, "/api/request", R"({"op":"outbox"})");
  EXPECT_TRUE(outbox.json()["queued"].empty());
}

TEST_F(WebAppTest, AWrongPassphraseLeavesItLockedAndLockedRequestsSaySo) {
  const std::string cookie = app_->Login();
  Reply locked = app_->Post(cookie, "/api/request", R"({"op":"contacts"})");
  EXPECT_EQ(locked.status, 200);
  EXPECT_EQ(locked.json()["error"]["code"], "locked");
  Reply wrong = app_->Post(cookie, "/api/unlock", R"({"passphrase":"not-it"})");
  EXPECT_EQ(wrong.status, 200);
  EXPECT_EQ(wrong.json()["ok"], false);
  EXPECT_EQ(wrong.json()["error"]["code"], "wrong_passphrase");
  EXPECT_EQ(app_->Get(cookie, "/api/state").json()["unlocked"], false);
  EXPECT_EQ(app_->Post(cookie, "/api/unlock", R"({"passphrase":7})").json()["error"]["code"],
            "invalid_argument");
  Reply right = app_->Post(cookie, "/api/unlock", R"({"passphrase":"pw-alice"})");
  EXPECT_EQ(right.json()["ok"], true) << right.body;
  Reply contacts = app_->Post(cookie, "/api/request", R"({"op":"contacts"})");
  ASSERT_EQ(contacts.json()["ok"], true) << contacts.body;
  EXPECT_EQ(contacts.json()["contacts"][0]["name"], "bob");
}

TEST_F(WebAppTest, TheEventStreamGetsAMessageWhenTheOtherPartySends) {
  const std::string cookie = Unlocked();
  EventStream stream(app_->port(), {{"Host", app_->host()}, {"Cookie", cookie}});
  ASSERT_NE(stream.ReadUntil(": connected", std::chrono::seconds(5)), "");
  ASSERT_OK(bob_->Send("alice", "salam, <b>friend</b>"));
  const std::string got = stream.ReadUntil("event: message", std::chrono::seconds(10));
  ASSERT_NE(got, "") << stream.seen();
  EXPECT_NE(got.find(R"("body":"salam, <b>friend</b>")"), std::string::npos) << got;

  Reply sent = app_->Post(cookie, "/api/request", R"({"op":"send","contact":"bob","text":"hi"})");
  ASSERT_EQ(sent.json()["ok"], true) << sent.body;
  EXPECT_NE(stream.ReadUntil("event: delivery", std::chrono::seconds(5)), "");
}

TEST_F(WebAppTest, LockWipesTheKeyAndUnlockReceivesWhatWaited) {
  const std::string cookie = Unlocked();
  const std::string home = Options("alice").home;
  // The CLI on the same home gets the key from the app's agent socket.
  ASSERT_OK(client::AskAgentForKey(home));

  EventStream stream(app_->port(), {{"Host", app_->host()}, {"Cookie", cookie}});
  ASSERT_NE(stream.ReadUntil(": connected", std::chrono::seconds(5)), "");
  Reply locked = app_->Post(cookie, "/api/lock", "{}");
  EXPECT_EQ(locked.json()["ok"], true);
  EXPECT_NE(stream.ReadUntil("event: lock", std::chrono::seconds(5)), "");
  EXPECT_EQ(app_->Get(cookie, "/api/state").json()["unlocked"], false);
  EXPECT_EQ(app_->Post(cookie, "/api/request", R"({"op":"contacts"})").json()["error"]["code"],
            "locked");
  EXPECT_FALSE(client::AskAgentForKey(home).ok()) << "the agent's key is gone too";

  ASSERT_OK(bob_->Send("alice", "while you were away"));
  ASSERT_EQ(app_->Post(cookie, "/api/unlock", R"({"passphrase":"pw-alice"})").json()["ok"], true);
  // The listen loop receives what waited at the relay.
  bool arrived = false;
  for (int i = 0; i < 50 && !arrived; ++i) {
    Reply c = app_->Post(cookie, "/api/request", R"({"op":"conversation","contact":"bob"})");
    const auto j = c.json();  // kept: a loop over a temporary's member would dangle
    for (const auto& m : j["messages"]) arrived = arrived || m["body"] == "while you were away";
    if (!arrived) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(arrived)
      << app_->Post(cookie, "/api/request", R"({"op":"inbox","contact":"bob"})").body
      << app_->Get(cookie, "/api/state").body;
}

TEST_F(WebAppTest, InitCreatesTheHomeAndLeavesItUnlocked) {
  auto carol_app = std::make_unique<RunningApp>(Options("carol"), now_);
  ASSERT_OK(carol_app->start_status());
  const std::string cookie = carol_app->Login();
  EXPECT_EQ(carol_app->Get(cookie, "/api/state").json()["exists"], false);
  // Refused before anything is created: no relay, or a bad invitation.
  Reply bad = carol_app->Post(cookie, "/api/init", R"({"display_name":"Carol","passphrase":"p"})");
  EXPECT_EQ(bad.json()["error"]["code"], "invalid_argument") << bad.body;
  Reply bad_invite = carol_app->Post(
      cookie, "/api/init", R"({"display_name":"Carol","passphrase":"p","invitation":"bc1-x"})");
  EXPECT_EQ(bad_invite.json()["ok"], false);
  EXPECT_EQ(carol_app->Get(cookie, "/api/state").json()["exists"], false);

  Reply made = carol_app->Post(cookie, "/api/init",
                               R"({"display_name":"Carol","passphrase":"pw-carol","relay":")" +
                                   RelayAddress() + R"(","pin":")" + RelayPin() + R"("})");
  ASSERT_EQ(made.json()["ok"], true) << made.body;
  EXPECT_EQ(std::string(made.json()["identity_key"]).size(), 66U);
  Reply state = carol_app->Get(cookie, "/api/state");
  EXPECT_EQ(state.json()["exists"], true);
  EXPECT_EQ(state.json()["unlocked"], true);
  Reply status = carol_app->Post(cookie, "/api/request", R"({"op":"status"})");
  EXPECT_EQ(status.json()["identity_key"], made.json()["identity_key"]) << status.body;
  Reply again = carol_app->Post(cookie, "/api/init",
                                R"({"display_name":"Carol","passphrase":"x","relay":")" +
                                    RelayAddress() + R"(","pin":")" + RelayPin() + R"("})");
  EXPECT_EQ(again.json()["ok"], false);
}

TEST_F(WebAppTest, PasswdChangesThePassphraseOnlyWithTheRightOldOne) {
  const std::string cookie = Unlocked();
  Reply wrong = app_->Post(cookie, "/api/passwd", R"({"old":"nope","new":"pw-new"})");
  EXPECT_EQ(wrong.json()["error"]["code"], "wrong_passphrase") << wrong.body;
  Reply changed = app_->Post(cookie, "/api/passwd", R"({"old":"pw-alice","new":"pw-new"})");
  ASSERT_EQ(changed.json()["ok"], true) << changed.body;
  ASSERT_OK(client::AskAgentForKey(Options("alice").home)) << "the agent serves the new key";
  ASSERT_EQ(app_->Post(cookie, "/api/lock", "{}").json()["ok"], true);
  EXPECT_EQ(
      app_->Post(cookie, "/api/unlock", R"({"passphrase":"pw-alice"})").json()["error"]["code"],
      "wrong_passphrase");
  EXPECT_EQ(app_->Post(cookie, "/api/unlock", R"({"passphrase":"pw-new"})").json()["ok"], true);
}

TEST_F(WebAppTest, TheIdleTimeoutLocks) {
  app_.reset();
  app_ = std::make_unique<RunningApp>(Options("alice"), now_, std::chrono::milliseconds(500));
  ASSERT_OK(app_->start_status());
  const std::string cookie = Unlocked();
  EventStream stream(app_->port(), {{"Host", app_->host()}, {"Cookie", cookie}});
  ASSERT_NE(stream.ReadUntil(": connected", std::chrono::seconds(5)), "");
  Advance(1000);  // the fake clock: no real wait for the idle time
  EXPECT_NE(stream.ReadUntil("event: lock", std::chrono::seconds(5)), "");
}

}  // namespace
}  // namespace backchannel::webapp
