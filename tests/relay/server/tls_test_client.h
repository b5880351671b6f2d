// A small blocking TLS client for relay e2e tests and the benchmark: HTTPS
// requests and one WebSocket, with the relay's certificate pinned by the
// SHA-256 of its DER encoding (any other certificate fails the handshake).
// Also: starting backchanneld as a child process and reading its startup line.
//
// Beast lives only in tls_test_client.cc. Thread safety: one object per thread.
#ifndef BACKCHANNEL_TESTS_RELAY_SERVER_TLS_TEST_CLIENT_H_
#define BACKCHANNEL_TESTS_RELAY_SERVER_TLS_TEST_CLIENT_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/relay/router.h"
#include "testing/relay_process.h"

namespace backchannel::relay::testing {

class TlsTestClient {
 public:
  // Connects to 127.0.0.1:`port` and completes a TLS 1.3 handshake that
  // accepts only the certificate whose SHA-256 is `pin_hex`. `before_tls`
  // is written first (a load balancer's PROXY header).
  static Result<std::unique_ptr<TlsTestClient>> Connect(std::uint16_t port,
                                                        const std::string& pin_hex,
                                                        const std::string& before_tls = "");
  ~TlsTestClient();

  Result<HttpResponse> Request(
      const std::string& method, const std::string& target, const std::string& body = "",
      const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Sends raw bytes and reads one HTTP response (for malformed requests).
  Result<HttpResponse> RawRequest(const std::string& bytes);
  // Sends raw bytes and reads nothing (half a request, the rest later).
  Status WriteRaw(const std::string& bytes);
  // Reads one HTTP response; kUnavailable after `timeout`, another error
  // when the connection ends first.
  Result<HttpResponse> ReadResponse(std::chrono::milliseconds timeout = std::chrono::seconds(2));
  // OK once the relay has closed the connection (EOF, TLS close or reset)
  // within `timeout`; an error if it sends data or stays open.
  Status WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(2));

  // Upgrades this connection to a WebSocket at `target` (signed `headers`).
  Status OpenWebSocket(const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers);
  // The next text frame; kUnavailable after `timeout`.
  Result<std::string> ReadFrame(std::chrono::milliseconds timeout = std::chrono::seconds(2));
  Status WriteFrame(const std::string& text);
  // The code of the close frame the relay sent (after ReadFrame failed
  // because of it), 0 if none.
  int CloseCode() const;

 private:
  struct Impl;
  explicit TlsTestClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The relay child process lives in tests/testing (shared with other tests).
using backchannel::testing::RelayProcess;

}  // namespace backchannel::relay::testing

#endif  // BACKCHANNEL_TESTS_RELAY_SERVER_TLS_TEST_CLIENT_H_
