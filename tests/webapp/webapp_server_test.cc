// The web app's server and app holder over real sockets (tests/webapp):
// the security measures of docs/webapp.md (Host, Origin, Sec-Fetch-Site,
// the single-use 60 s token, per-instance sessions, limits, headers), the
// API's answers and refusals (a refused request changes nothing), and the
// holder: unlock, lock, live events, the agent socket for the CLI.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <filesystem>
#include <functional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "backchannel/client/agent.h"
#include "backchannel/identity/invitation.h"
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

// The holder listens to the relay continuously (one listen of up to 30 s
// here, RunningApp::kListenSlice); a request wakes it and is answered at
// once, and a message pushed meanwhile still arrives live. Without the
// wake-up each request waited for the listen's end (measured 2.9 s from
// send to view in the browser with 1 s slices).
TEST_F(WebAppTest, RequestsAreAnsweredAtOnceWhileTheHolderListens) {
  const std::string cookie = Unlocked();
  EventStream stream(app_->port(), {{"Host", app_->host()}, {"Cookie", cookie}});
  ASSERT_NE(stream.ReadUntil(": connected", std::chrono::seconds(5)), "");
  // Bob's message arriving proves the listen is running.
  ASSERT_OK(bob_->Send("alice", "first"));
  ASSERT_NE(stream.ReadUntil("\"first\"", std::chrono::seconds(10)), "") << stream.seen();
  constexpr auto kAtOnce = std::chrono::milliseconds(2000);  // far below the 30 s listen
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    Reply sent =
        app_->Post(cookie, "/api/request",
                   R"({"op":"send","contact":"bob","text":"reply )" + std::to_string(i) + R"("})");
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(sent.json()["ok"], true) << sent.body;
    EXPECT_EQ(sent.json()["state"], "sent") << sent.body;
    EXPECT_LT(took, kAtOnce) << "request " << i << " waited for the listen";
    // And the listen starts again after each: the next push is live.
    ASSERT_OK(bob_->Send("alice", "again " + std::to_string(i)));
    const auto push_start = std::chrono::steady_clock::now();
    EXPECT_NE(stream.ReadUntil("again " + std::to_string(i), std::chrono::seconds(10)), "")
        << stream.seen();
    EXPECT_LT(std::chrono::steady_clock::now() - push_start, kAtOnce);
  }
  Reply bobs = app_->Post(cookie, "/api/request", R"({"op":"conversation","contact":"bob"})");
  EXPECT_EQ(bobs.json()["ok"], true) << bobs.body;
}

// Server-Timing ("wait;dur=W, run;dur=R", ms, one decimal) on every answer
// that went to the worker, and only there. Two numbers parsed from it.
struct Timing {
  double wait = -1;
  double run = -1;
};
Timing ServerTimingOf(Reply& r) {
  static const std::regex kForm(R"(^wait;dur=(\d+\.\d), run;dur=(\d+\.\d)$)");
  std::smatch m;
  const std::string value = r.headers["Server-Timing"];
  if (!std::regex_match(value, m, kForm)) return {};
  return {std::stod(m[1].str()), std::stod(m[2].str())};
}

// Every /api job the server queues (the holder's Wake counts it in) counts
// itself out on the worker (Dequeued), whatever the answer: refused for no
// session, an unknown route, a bad request, a real one. A request the gate
// refuses or a file is never queued. Once the counts are even the listen
// runs again: the next push is live. And the wait is the worker's: a job
// holding the worker shows up in the next answer's wait, not its run.
TEST_F(WebAppTest, EveryApiAnswerCountsItselfOutAndSaysItsWaitAndRun) {
  const std::string cookie = Unlocked();
  EventStream stream(app_->port(), {{"Host", app_->host()}, {"Cookie", cookie}});
  ASSERT_NE(stream.ReadUntil(": connected", std::chrono::seconds(5)), "");
  ASSERT_OK(bob_->Send("alice", "listening?"));
  ASSERT_NE(stream.ReadUntil("\"listening?\"", std::chrono::seconds(10)), "") << stream.seen();

  struct Ask {
    const char* what;
    std::function<Reply()> send;
    int status;
  };
  const std::vector<Ask> asks = {
      {"no session", [&] { return app_->Get("", "/api/state"); }, 401},
      {"unknown route", [&] { return app_->Post(cookie, "/api/launch", "{}"); }, 404},
      {"bad request", [&] { return app_->Post(cookie, "/api/request", R"({"op":"launch"})"); },
       200},
      {"state", [&] { return app_->Get(cookie, "/api/state"); }, 200},
      {"send",
       [&] {
         return app_->Post(cookie, "/api/request", R"({"op":"send","contact":"bob","text":"hi"})");
       },
       200},
  };
  for (const auto& ask : asks) {
    const std::int64_t before = app_->queued();
    Reply r = ask.send();
    EXPECT_EQ(r.status, ask.status) << ask.what << ": " << r.body;
    const Timing t = ServerTimingOf(r);
    EXPECT_GE(t.wait, 0) << ask.what << ": " << r.headers["Server-Timing"];
    EXPECT_GE(t.run, 0) << ask.what << ": " << r.headers["Server-Timing"];
    // The answer is written after the job ran: both counts are final.
    EXPECT_EQ(app_->queued(), before + 1) << ask.what;
    EXPECT_EQ(app_->dequeued(), app_->queued()) << ask.what;
  }

  // Refused at the gate, and a file: not queued, no Server-Timing.
  const std::int64_t before = app_->queued();
  Headers foreign = app_->Page(cookie);
  foreign["Origin"] = "http://evil.example";
  Reply refused = Http(app_->port(), "POST", "/api/request", foreign, R"({"op":"outbox"})");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.headers.count("Server-Timing"), 0U);
  Reply file = app_->Get("", "/index.html");
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.headers.count("Server-Timing"), 0U);
  EXPECT_EQ(app_->queued(), before);
  EXPECT_EQ(app_->dequeued(), before);

  // No job waits: the listen started again, a push arrives at once (the
  // listen slice is 30 s; a job counted in and never out would hold it).
  ASSERT_OK(bob_->Send("alice", "still live"));
  const auto push_start = std::chrono::steady_clock::now();
  EXPECT_NE(stream.ReadUntil("still live", std::chrono::seconds(10)), "") << stream.seen();
  EXPECT_LT(std::chrono::steady_clock::now() - push_start, std::chrono::seconds(2));

  // A job holding the worker for 500 ms (queued as the server queues one):
  // the request behind it waits for it, and says so.
  constexpr auto kHold = std::chrono::milliseconds(500);
  std::atomic<bool> holding{false};
  app_->holder().Wake();
  boost::asio::post(app_->holder().executor(), [&] {
    app_->holder().Dequeued();
    holding = true;
    std::this_thread::sleep_for(kHold);
  });
  while (!holding) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  Reply behind = app_->Get(cookie, "/api/state");
  EXPECT_EQ(behind.status, 200);
  const Timing t = ServerTimingOf(behind);
  EXPECT_GE(t.wait, 400) << behind.headers["Server-Timing"];
  EXPECT_GE(t.run, 0) << behind.headers["Server-Timing"];
  EXPECT_LT(t.run, t.wait) << behind.headers["Server-Timing"];
  EXPECT_EQ(app_->dequeued(), app_->queued());
}

// A real identity-key change: Bob loses his home and starts again (a new
// identity key, the same name, side, role and authority) and accepts an
// invitation from Alice's app. Her app's listen receives it: the page hears
// `contacts`, and the contact view raises the alarm (key_changed, naming the
// contact it replaces) until the new safety number is compared in person.
TEST_F(WebAppTest, AChangedIdentityKeyRaisesTheAlarmUntilCompared) {
  const std::string cookie = Unlocked();
  ASSERT_EQ(
      app_->Post(cookie, "/api/request", R"({"op":"fingerprint","contact":"bob","compared":true})")
          .json()["ok"],
      true);
  Reply before = app_->Post(cookie, "/api/request", R"({"op":"contacts"})");
  ASSERT_EQ(before.json()["contacts"].size(), 1U) << before.body;
  EXPECT_EQ(before.json()["contacts"][0]["key_changed"], false) << before.body;
  Reply invite = app_->Post(cookie, "/api/request", R"({"op":"invite"})");
  ASSERT_EQ(invite.json()["ok"], true) << invite.body;
  auto invitation = identity::InvitationFromText(invite.json()["code"].get<std::string>());
  ASSERT_OK(invitation);

  EventStream stream(app_->port(), {{"Host", app_->host()}, {"Cookie", cookie}});
  ASSERT_NE(stream.ReadUntil(": connected", std::chrono::seconds(5)), "");
  bob_.reset();
  std::filesystem::remove_all(homes_.File("bob"));
  auto bob2 = Valid("bob", *iran_, 3);
  ASSERT_TRUE(bob2);
  ASSERT_OK(bob2->TrustAuthority(us_->public_key(), "United States",
                                 client::TrustScope::Side("United States")));
  ASSERT_OK(bob2->AcceptInvitation(*invitation));
  ASSERT_NE(stream.ReadUntil("IDENTITY KEY CHANGED", std::chrono::seconds(10)), "")
      << stream.seen();
  EXPECT_NE(stream.seen().find("event: contacts"), std::string::npos) << stream.seen();

  Reply after = app_->Post(cookie, "/api/request", R"({"op":"contacts"})");
  const auto list = after.json()["contacts"];
  ASSERT_EQ(list.size(), 2U) << after.body;
  for (const auto& c : list) {
    if (c["name"] == "bob") {
      EXPECT_EQ(c["key_changed"], false) << "the earlier key is not the changed one";
      EXPECT_EQ(c["safety_number_compared"], true);
    } else {
      EXPECT_EQ(c["name"], "bob (2)");
      EXPECT_EQ(c["key_changed"], true) << after.body;
      EXPECT_EQ(c["replaces"], "bob");
      EXPECT_EQ(c["safety_number_compared"], false) << "the mark does not carry over";
    }
  }
  // Compared in person: the alarm ends.
  Reply compared = app_->Post(cookie, "/api/request",
                              R"x({"op":"fingerprint","contact":"bob (2)","compared":true})x");
  ASSERT_EQ(compared.json()["ok"], true) << compared.body;
  const auto settled = app_->Post(cookie, "/api/request", R"({"op":"contacts"})").json();
  for (const auto& c : settled["contacts"]) EXPECT_EQ(c["key_changed"], false) << c.dump();
}

// The safety number's halves, ours and theirs, side by side: each is one
// party's, so Bob's client shows the same two, swapped.
TEST_F(WebAppTest, TheFingerprintGivesBothHalves) {
  const std::string cookie = Unlocked();
  Reply fp = app_->Post(cookie, "/api/request", R"({"op":"fingerprint","contact":"bob"})");
  const auto j = fp.json();
  ASSERT_EQ(j["ok"], true) << fp.body;
  const std::string ours = j["our_half"];
  const std::string theirs = j["their_half"];
  EXPECT_EQ(ours.size(), 35U) << "30 digits in groups of 5";
  EXPECT_NE(ours, theirs);
  const std::string number = j["safety_number"];
  EXPECT_TRUE(number == ours + " " + theirs || number == theirs + " " + ours) << number;
  auto bob_halves = bob_->FingerprintHalves("alice");
  ASSERT_OK(bob_halves);
  EXPECT_EQ(bob_halves->first, theirs);
  EXPECT_EQ(bob_halves->second, ours);
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
  // A name with a control character, or too long: refused, nothing made.
  for (const std::string& name : {std::string("Car\\u0007ol"), std::string(129, 'c')}) {
    Reply bad_name =
        carol_app->Post(cookie, "/api/init",
                        R"({"display_name":")" + name + R"(","passphrase":"pw-carol","relay":")" +
                            RelayAddress() + R"(","pin":")" + RelayPin() + R"("})");
    EXPECT_EQ(bad_name.json()["error"]["code"], "invalid_argument") << bad_name.body;
    EXPECT_NE(bad_name.body.find("your name"), std::string::npos) << bad_name.body;
  }
  EXPECT_EQ(carol_app->Get(cookie, "/api/state").json()["exists"], false);

  // A right-to-left name: kept in the home, shown by the status view until
  // a credential names her.
  const std::string farsi = "\u06A9\u0627\u0631\u0648\u0644";  // کارول
  Reply made =
      carol_app->Post(cookie, "/api/init",
                      R"({"display_name":")" + farsi + R"(","passphrase":"pw-carol","relay":")" +
                          RelayAddress() + R"(","pin":")" + RelayPin() + R"("})");
  ASSERT_EQ(made.json()["ok"], true) << made.body;
  EXPECT_EQ(std::string(made.json()["identity_key"]).size(), 66U);
  Reply state = carol_app->Get(cookie, "/api/state");
  EXPECT_EQ(state.json()["exists"], true);
  EXPECT_EQ(state.json()["unlocked"], true);
  Reply status = carol_app->Post(cookie, "/api/request", R"({"op":"status"})");
  EXPECT_EQ(status.json()["identity_key"], made.json()["identity_key"]) << status.body;
  EXPECT_EQ(status.json()["display_name"], "\u06A9\u0627\u0631\u0648\u0644") << status.body;
  EXPECT_EQ(status.json()["has_credential"], false);
  // Kept across a lock: it is in the home, not in the process.
  ASSERT_EQ(carol_app->Post(cookie, "/api/lock", "{}").json()["ok"], true);
  ASSERT_EQ(carol_app->Post(cookie, "/api/unlock", R"({"passphrase":"pw-carol"})").json()["ok"],
            true);
  EXPECT_EQ(carol_app->Post(cookie, "/api/request", R"({"op":"status"})").json()["display_name"],
            "\u06A9\u0627\u0631\u0648\u0644");
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

// A raw connection that sends a request slowly, as a slowloris would.
class SlowSender {
 public:
  explicit SlowSender(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~SlowSender() { ::close(fd_); }
  SlowSender(const SlowSender&) = delete;
  SlowSender& operator=(const SlowSender&) = delete;
  SlowSender(SlowSender&&) = delete;
  SlowSender& operator=(SlowSender&&) = delete;

  bool connected() const { return connected_; }
  void Send(const std::string& bytes) {
    (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }
  // Whether the server closed the connection (FIN or reset), without waiting.
  bool Closed() {
    char c = 0;
    const ssize_t n = ::recv(fd_, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }
  // The first line of the answer, waiting up to `wait`.
  std::string StatusLine(std::chrono::milliseconds wait) {
    timeval tv{static_cast<time_t>(wait.count() / 1000),
               static_cast<suseconds_t>((wait.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string got;
    char chunk[256];
    while (got.find("\r\n") == std::string::npos) {
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      got.append(chunk, static_cast<std::size_t>(n));
    }
    return got.substr(0, got.find("\r\n"));
  }
  // Sends one byte every 100 ms until the server closes the
  // connection or `limit` passes; how long it took.
  std::chrono::milliseconds TrickleUntilClosed(std::chrono::milliseconds limit) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < limit && !Closed()) {
      Send("a");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  }

 private:
  int fd_;
  bool connected_ = false;
};

// Slow clients: the idle keep-alive, the header and the body are bounded
// separately. An idle connection may wait for its request's first bytes up
// to the keep-alive (here 5 s); a header trickled in byte by byte is cut
// after header_timeout (0.5 s), a body after read_timeout (0.5 s), long
// before the keep-alive would end them.
TEST_F(WebAppTest, SlowHeadersAndBodiesAreCutOffSeparatelyFromTheKeepAlive) {
  ServerOptions so;
  so.keep_alive = std::chrono::milliseconds(5000);
  so.header_timeout = std::chrono::milliseconds(500);
  so.read_timeout = std::chrono::milliseconds(500);
  app_.reset();
  app_ = std::make_unique<RunningApp>(Options("alice"), now_, std::chrono::minutes(15), so);
  ASSERT_OK(app_->start_status());
  const std::string host = "Host: " + app_->host() + "\r\n";

  // Idle past the header timeout, then a whole request: answered.
  SlowSender idle(app_->port());
  ASSERT_TRUE(idle.connected());
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_FALSE(idle.Closed()) << "idle within the keep-alive";
  idle.Send("GET / HTTP/1.1\r\n" + host + "\r\n");
  EXPECT_EQ(idle.StatusLine(std::chrono::seconds(5)), "HTTP/1.1 200 OK");

  // A header that never ends.
  SlowSender header(app_->port());
  ASSERT_TRUE(header.connected());
  header.Send("GET / HTTP/1.1\r\n" + host + "X-Slow: ");
  const auto header_cut = header.TrickleUntilClosed(std::chrono::milliseconds(4000));
  EXPECT_LT(header_cut, std::chrono::milliseconds(2000)) << "cut by header_timeout";
  EXPECT_GE(header_cut, std::chrono::milliseconds(300));

  // A body that never ends (the header complete at once).
  SlowSender body(app_->port());
  ASSERT_TRUE(body.connected());
  body.Send("POST /api/session HTTP/1.1\r\n" + host + "Origin: " + app_->origin() +
            "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
  const auto body_cut = body.TrickleUntilClosed(std::chrono::milliseconds(4000));
  EXPECT_LT(body_cut, std::chrono::milliseconds(2000)) << "cut by read_timeout";
  EXPECT_GE(body_cut, std::chrono::milliseconds(300));

  // The server still answers others.
  EXPECT_EQ(app_->Get("", "/").status, 200);
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
