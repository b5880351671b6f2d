// Fuzz target: raw bytes -> Beast's HTTP request parser -> Router, on a
// relay store in ":memory:". The same path as backchanneld's network layer
// minus TLS: any parsed request must get a response without a crash.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "backchannel/relay/router.h"
#include "backchannel/relay/store.h"

namespace {

backchannel::relay::Router& TheRouter() {
  static auto store = [] {
    auto s = backchannel::relay::OpenSqliteStore(":memory:");
    if (!s.ok()) std::abort();
    return std::move(*s);
  }();
  static backchannel::relay::Metrics metrics;
  static backchannel::relay::Router router(*store, metrics);
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.body_limit(65536);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;
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
