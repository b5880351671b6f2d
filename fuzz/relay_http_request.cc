// Fuzz target: raw bytes -> the relay's HTTP read path -> Router, on a relay
// store in ":memory:". The same steps as backchanneld's network layer minus
// TLS (src/relay/server/http_checks.h): the header alone with the header
// limit, the header checks (any Transfer-Encoding refused before a body byte
// is parsed), then the body under the body limit, then the Router. Any input
// must end in a response or a refusal, never in a crash or an exception.
// Run with -max_len=200000 or more to reach the limits (scripts/test does).
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "backchannel/relay/router.h"
#include "backchannel/relay/store.h"
#include "relay/server/http_checks.h"

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;  // ServerOptions defaults
constexpr std::size_t kBodyLimit = 65536;

backchannel::relay::Router& TheRouter() {
  static auto store = [] {
    auto s = backchannel::relay::OpenSqliteStore(":memory:");
    if (!s.ok()) std::abort();
    return std::move(*s);
  }();
  static backchannel::relay::Metrics metrics;
  // A fixed clock: the verdict of a run must not depend on when it runs.
  static backchannel::relay::Router router(*store, metrics, {},
                                           [] { return std::int64_t{1'700'000'000'000}; });
  return router;
}

void CheckRefusal(const backchannel::relay::HttpRefusal& r) {
  if (r.status < 400 || r.status > 599 || r.code == nullptr || r.message == nullptr) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using backchannel::relay::RequestParser;
  RequestParser parser;
  backchannel::relay::LimitParser(parser, kHeaderLimit, kBodyLimit);
  boost::beast::error_code ec;
  // eager(false): put() stops once the header is complete.
  const std::size_t used = parser.put(boost::asio::buffer(data, size), ec);
  if (ec) {
    if (ec != boost::beast::http::error::need_more) {
      CheckRefusal(backchannel::relay::ReadErrorRefusal(ec));
    }
    return 0;
  }
  if (!parser.is_header_done()) return 0;
  if (auto refusal = backchannel::relay::CheckHeader(parser)) {
    CheckRefusal(*refusal);
    return 0;
  }
  if (!parser.is_done()) {
    parser.eager(true);
    parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec && ec != boost::beast::http::error::need_more) {
      CheckRefusal(backchannel::relay::ReadErrorRefusal(ec));
      return 0;
    }
    if (!parser.is_done()) return 0;
  }
  const auto& req = parser.get();
  backchannel::relay::HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  for (const auto& f : req) r.headers.emplace_back(f.name_string(), f.value());
  r.body = req.body();
  backchannel::relay::HttpResponse res = TheRouter().Handle(r);
  if (res.status < 200 || res.status > 599) std::abort();
  return 0;
}
