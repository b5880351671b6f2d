// The relay e2e fixture: the real backchanneld as a child process on port 0
// with a temporary data directory (and a metrics token), spoken to over TLS
// 1.3 with the certificate pinned.
#ifndef BACKCHANNEL_TESTS_RELAY_SERVER_RELAY_E2E_FIXTURE_H_
#define BACKCHANNEL_TESTS_RELAY_SERVER_RELAY_E2E_FIXTURE_H_

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "relay/server/relay_test_util.h"
#include "relay/server/tls_test_client.h"

namespace backchannel::relay::testing {

using Json = nlohmann::json;

inline std::int64_t NowMs() { return SystemClockMs(); }

// A plain TCP connection to 127.0.0.1:port (no TLS); -1 on failure.
inline int TcpConnect(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

class RelayE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bc-relay-e2e-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    StartRelay();
  }
  void TearDown() override {
    relay_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The token GET /metrics needs (written to a file the relay reads).
  static constexpr const char* kMetricsToken = "e2e-metrics-token-0123456789";
  Headers MetricsAuth() const {
    return {{"Authorization", std::string("Bearer ") + kMetricsToken}};
  }

  void StartRelay(std::vector<std::string> extra = {}) {
    std::filesystem::create_directories(dir_);
    const auto token_file = dir_ / "metrics-token";
    {
      std::ofstream out(token_file);
      out << kMetricsToken << '\n';
    }
    std::vector<std::string> args = {"--listen",    "127.0.0.1:0",          "--data",
                                     dir_.string(), "--metrics-token-file", token_file.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = RelayProcess::Start(BACKCHANNELD_PATH, args);
    ASSERT_TRUE(r.ok()) << r.error();
    relay_ = std::move(*r);
  }

  std::unique_ptr<TlsTestClient> Client() {
    auto c = TlsTestClient::Connect(relay_->port(), relay_->pin());
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
  std::string Post(TlsTestClient& c, const std::string& envelope) {
    auto r = Call(c, "POST", Path("/messages"), envelope, {{"X-BC-Delivery-Token", token_}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json::parse(r.body)["id"].get<std::string>() : "";
  }
  // The value of the metrics line that starts with `name` (-1: none).
  double Metric(const std::string& name) {
    auto c = Client();
    if (!c) return -1;
    const std::string text = Call(*c, "GET", "/metrics", "", MetricsAuth()).body;
    const auto at = text.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + name.size() + 2));
  }
  // GET /healthz on a new connection, retried for up to 5 s until it
  // answers 200 (the relay notices closed connections asynchronously); the
  // last status seen (0: no connection).
  int HealthWhenServed() {
    int status = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (status != 200 && std::chrono::steady_clock::now() < end) {
      auto c = TlsTestClient::Connect(relay_->port(), relay_->pin());
      auto h = c.ok() ? (*c)->Request("GET", "/healthz") : Result<HttpResponse>(c.error());
      status = h.ok() ? h->status : 0;
      if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return status;
  }
  Json List(TlsTestClient& c) {
    auto r = Signed(c, "GET", Path("/messages?limit=100"));
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body, nullptr, false);
  }

  std::filesystem::path dir_;
  std::unique_ptr<RelayProcess> relay_;
  OwnerKey owner_;
  std::string mb_, token_;
};

}  // namespace backchannel::relay::testing

#endif  // BACKCHANNEL_TESTS_RELAY_SERVER_RELAY_E2E_FIXTURE_H_
