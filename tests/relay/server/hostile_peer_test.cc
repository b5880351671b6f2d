// The relay against hostile peers (docs/threat_model.md, "The relay's
// port"): the probes of an adversarial pass, each against the real
// backchanneld over TLS. Every test here failed before its limit existed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "relay/server/proxy_v2_header.h"
#include "relay/server/relay_e2e_fixture.h"

namespace backchannel::relay::testing {
namespace {

// The probe that used to kill the relay: a chunked request whose trailer
// field value is 65,534 bytes (Beast threw std::length_error out of the I/O
// loop).
std::string TrailerProbe() {
  return "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: " +
         std::string(65534, 't') + "\r\n\r\n";
}

class HostilePeerTest : public RelayE2eTest {
 protected:
  // Polls the connection gauge until it shows only the connection asking.
  bool GaugeBackToOne() {
    for (int i = 0; i < 100; ++i) {
      if (Metric("bc_connections") == 1) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  HttpResponse Health() {
    auto c = Client();
    if (!c) return {0, "", ""};
    return Call(*c, "GET", "/healthz");
  }
  static std::string Code(const HttpResponse& r) {
    auto j = Json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].get<std::string>() : "";
  }
};

TEST_F(HostilePeerTest, TrailerProbePastTheConnectionLimitLeavesTheRelayServing) {
  relay_.reset();
  StartRelay({"--max-connections", "4"});
  const std::string probe = TrailerProbe();
  // max_connections + 1 probes at once: four are served (and refused with
  // 411), the fifth takes the over-limit path (503 after the header).
  std::vector<std::thread> threads;
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back([&] {
      auto c = TlsTestClient::Connect(relay_->port(), relay_->pin());
      if (!c.ok()) return;
      (void)(*c)->WriteRaw(probe);  // the relay may close before all of it is read
      (void)(*c)->WaitClosed(std::chrono::seconds(5));
    });
  }
  for (auto& t : threads) t.join();
  // The probes' connections are all released (slow under sanitizers: the
  // relay drains each for up to a second before closing).
  EXPECT_TRUE(GaugeBackToOne());
  // One more, read to its answer: refused in words, not by a dead process.
  {
    auto c = Client();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->WriteRaw(probe.substr(0, probe.find("0\r\n"))).ok());
    auto r = c->ReadResponse();
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r->status, 411);
    EXPECT_EQ(Code(*r), "length_required");
  }
  EXPECT_EQ(Health().status, 200);
  EXPECT_EQ(Metric("bc_internal_errors_total"), 0);
  EXPECT_EQ(relay_->Signal(SIGTERM), 0);  // a clean graceful stop (under ASan too)
}

TEST_F(HostilePeerTest, AnyTransferEncodingIsRefusedAndTheBodyIsNotReadAsARequest) {
  auto c = Client();
  ASSERT_TRUE(c);
  auto r = c->RawRequest(
      "POST /v1/mailboxes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->status, 411);
  EXPECT_TRUE(c->WaitClosed().ok());  // no second response (the "body")
  EXPECT_EQ(Metric("bc_requests_rejected_total{reason=\"length_required\"}"), 1);
}

TEST_F(HostilePeerTest, AnOversizedHeaderGets431) {
  auto c = Client();
  ASSERT_TRUE(c);
  auto r = c->RawRequest("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') +
                         "\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(Code(*r), "header_too_large");
}

TEST_F(HostilePeerTest, ConnectionsPerAddressAreLimited) {
  relay_.reset();
  StartRelay({"--max-connections-per-address", "2"});
  auto c1 = Client();
  auto c2 = Client();
  ASSERT_TRUE(c1 && c2);
  EXPECT_EQ(Call(*c1, "GET", "/healthz").status, 200);
  EXPECT_EQ(Call(*c2, "GET", "/healthz").status, 200);
  auto c3 = Client();
  ASSERT_TRUE(c3);
  auto r = c3->Request("GET", "/healthz");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(Code(*r), "too_many_connections_from_address");
  c3.reset();
  c1.reset();
  EXPECT_EQ(HealthWhenServed(), 200);
}

TEST_F(HostilePeerTest, BehindATrustedBalancerTheLimitsCountTheClient) {
  relay_.reset();
  StartRelay({"--max-connections-per-address", "1", "--trusted-proxy", "127.0.0.0/8"});
  auto via = [&](const std::string& client) {
    return TlsTestClient::Connect(relay_->port(), relay_->pin(), ProxyV2Header(client));
  };
  auto a = via("198.51.100.7");
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_EQ(Call(**a, "GET", "/healthz").status, 200);
  // Another client through the same balancer: its own count.
  auto b = via("2001:db8::7");
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(Call(**b, "GET", "/healthz").status, 200);
  // The first client again: over its limit of one.
  auto again = via("198.51.100.7");
  ASSERT_TRUE(again.ok()) << again.error();
  auto r = (*again)->Request("GET", "/healthz");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(Code(*r), "too_many_connections_from_address");
  // A balancer that sends no valid header is dropped.
  EXPECT_FALSE(
      TlsTestClient::Connect(relay_->port(), relay_->pin(), "GET / HTTP/1.1\r\n\r\n").ok());
}

TEST_F(HostilePeerTest, APeerThatIsNotATrustedBalancerCannotClaimAnAddress) {
  // No --trusted-proxy: a PROXY header is just bytes that fail the TLS
  // handshake, so nobody can pick the address the limits count.
  EXPECT_FALSE(
      TlsTestClient::Connect(relay_->port(), relay_->pin(), ProxyV2Header("198.51.100.7")).ok());
  EXPECT_EQ(Health().status, 200);
}

TEST_F(HostilePeerTest, MailboxCreationsPerAddressAreLimitedAcrossConnections) {
  relay_.reset();
  StartRelay({"--mailbox-creations", "3"});
  const std::string body = Json{{"auth_key", owner_.PublicB64u()}}.dump();
  for (int i = 0; i < 3; ++i) {
    auto c = Client();  // a new connection each time: the limit is the address's
    ASSERT_TRUE(c);
    EXPECT_EQ(Call(*c, "POST", "/v1/mailboxes", body).status, 201) << i;
  }
  auto c = Client();
  ASSERT_TRUE(c);
  auto r = Call(*c, "POST", "/v1/mailboxes", body);
  EXPECT_EQ(r.status, 429);
  EXPECT_NE(r.body.find("mailboxes created from this address"), std::string::npos) << r.body;
  EXPECT_EQ(Call(*c, "GET", "/healthz").status, 200);  // other requests still pass
}

TEST_F(HostilePeerTest, RequestsPerAddressAreLimitedAcrossConnections) {
  relay_.reset();
  StartRelay({"--address-requests", "5"});  // burst 10
  auto a = Client();
  auto b = Client();
  ASSERT_TRUE(a && b);
  const auto start = std::chrono::steady_clock::now();
  int ok = 0;
  int limited = 0;
  for (int i = 0; i < 30; ++i) {
    const int s = Call(i % 2 ? *a : *b, "GET", "/healthz").status;
    ok += s == 200;
    limited += s == 429;
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(limited, 0);
  EXPECT_LE(ok, 10 + static_cast<int>(elapsed * 5) + 1);
  EXPECT_EQ(ok + limited, 30);
}

TEST_F(HostilePeerTest, WebSocketsPerMailboxAreLimited) {
  relay_.reset();
  StartRelay({"--max-websockets-per-mailbox", "2"});
  auto c = Client();
  ASSERT_TRUE(c);
  CreateMailbox(*c);
  auto open_ws = [&] {
    auto w = Client();
    if (!w || !w->OpenWebSocket(Path("/ws"), owner_.Sign("GET", Path("/ws"), "", NowMs())).ok()) {
      return std::unique_ptr<TlsTestClient>();
    }
    return w;
  };
  auto w1 = open_ws();
  auto w2 = open_ws();
  ASSERT_TRUE(w1 && w2);
  auto third = Client();
  ASSERT_TRUE(third);
  Headers upgrade = owner_.Sign("GET", Path("/ws"), "", NowMs());
  upgrade.insert(upgrade.end(), {{"Upgrade", "websocket"},
                                 {"Connection", "Upgrade"},
                                 {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                                 {"Sec-WebSocket-Version", "13"}});
  auto r = third->Request("GET", Path("/ws"), "", upgrade);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(Code(*r), "too_many_websockets");
  w1.reset();
  std::unique_ptr<TlsTestClient> w3;
  for (int i = 0; i < 100 && !w3; ++i) {
    w3 = open_ws();
    if (!w3) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(w3);
}

TEST_F(HostilePeerTest, AWebSocketPeerThatAnswersNoPingIsDropped) {
  relay_.reset();
  StartRelay({"--ws-idle-timeout", "0.5"});
  auto c = Client();
  ASSERT_TRUE(c);
  CreateMailbox(*c);
  auto w = Client();
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->OpenWebSocket(Path("/ws"), owner_.Sign("GET", Path("/ws"), "", NowMs())).ok());
  ASSERT_TRUE(w->ReadFrame().ok());  // prekeys_low
  c.reset();
  // Not reading means not answering the relay's pings: the relay drops the
  // WebSocket while the peer still holds it open, and the gauge shows only
  // the connection that asks.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(GaugeBackToOne());
  EXPECT_NE(w, nullptr);  // held open on this side until here
}

TEST_F(HostilePeerTest, ASilentTcpPeerIsDroppedAfterTheHandshakeTimeout) {
  relay_.reset();
  StartRelay({"--handshake-timeout", "0.3"});
  const int fd = TcpConnect(relay_->port());
  ASSERT_GE(fd, 0);
  timeval tv{3, 0};
  ASSERT_EQ(::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
  const auto start = std::chrono::steady_clock::now();
  char byte = 0;
  const ssize_t n = ::recv(fd, &byte, 1, 0);
  const auto waited = std::chrono::steady_clock::now() - start;
  ::close(fd);
  EXPECT_LE(n, 0);  // closed (0) or reset (-1 with ECONNRESET), not timed out
  EXPECT_LT(waited, std::chrono::milliseconds(2500));
}

TEST_F(HostilePeerTest, TheSoftDescriptorLimitIsRaisedOrTheRelayRefusesToStart) {
  relay_.reset();
  // The soft limit below what 1,000 connections need: the relay raises it.
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
  if (old.rlim_max != RLIM_INFINITY && old.rlim_max < 2000) GTEST_SKIP() << "hard limit too low";
  rlimit low = old;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  StartRelay({"--max-connections", "1000"});
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &old), 0);
  ASSERT_TRUE(relay_);
  rlimit child{};
  ASSERT_EQ(::prlimit(relay_->pid(), RLIMIT_NOFILE, nullptr, &child), 0);
  EXPECT_GE(child.rlim_cur, 1000u);
  relay_.reset();

  // A hard limit below what is asked: a clear refusal, exit 1.
  const std::string err = (dir_ / "stderr").string();
  const std::string cmd = "sh -c 'ulimit -n 256 && exec " + std::string(BACKCHANNELD_PATH) +
                          " --listen 127.0.0.1:0 --data " + (dir_ / "d2").string() +
                          " --max-connections 1000' >/dev/null 2>" + err;
  const int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 1);
  std::ifstream in(err);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("--max-connections 1000 needs 1128 file descriptors"), std::string::npos)
      << text;
}

TEST_F(HostilePeerTest, TheDataDirectoryIsTheRelaysAlone) {
  struct stat st {};
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  for (const char* f : {"relay.db", "relay-key.pem", "relay-cert.pem"}) {
    ASSERT_EQ(::stat((dir_ / f).c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
}

TEST_F(HostilePeerTest, MetricsAreNotPublic) {
  auto c = Client();
  ASSERT_TRUE(c);
  auto r = Call(*c, "GET", "/metrics");
  EXPECT_EQ(r.status, 401);
  relay_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  auto started =
      RelayProcess::Start(BACKCHANNELD_PATH, {"--listen", "127.0.0.1:0", "--data", dir_.string()});
  ASSERT_TRUE(started.ok()) << started.error();
  relay_ = std::move(*started);
  auto c2 = Client();
  ASSERT_TRUE(c2);
  EXPECT_EQ(Call(*c2, "GET", "/metrics").status, 404);  // no token configured: no endpoint
}

}  // namespace
}  // namespace backchannel::relay::testing
