// What the relay checks of an HTTP request before and while reading it, with
// Beast: the parser's limits, the refusals decided from the header alone, and
// the refusal for a read that failed. Header-only so that the network layer
// (server.cc) and the HTTP fuzz target run exactly the same checks.
#ifndef BACKCHANNEL_RELAY_SERVER_HTTP_CHECKS_H_
#define BACKCHANNEL_RELAY_SERVER_HTTP_CHECKS_H_

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace backchannel::relay {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// A refusal: the status, the JSON error code and message (docs/relay-api.md).
struct HttpRefusal {
  int status;
  const char* code;
  const char* message;
};

inline void LimitParser(RequestParser& parser, std::size_t header_limit, std::size_t body_limit) {
  parser.header_limit(static_cast<std::uint32_t>(header_limit));
  parser.body_limit(body_limit);
}

// After the header, before any byte of the body. No endpoint takes a chunked
// (or otherwise encoded) body; refusing every Transfer-Encoding here keeps
// chunk extensions and trailers out of reach, where Beast 1.81 buffers an
// unterminated line without bound and throws on a long trailer value.
inline std::optional<HttpRefusal> CheckHeader(const RequestParser& parser) {
  const auto& h = parser.get();
  if (h.find(boost::beast::http::field::transfer_encoding) != h.end()) {
    return HttpRefusal{411, "length_required",
                       "Transfer-Encoding is not accepted; send the body with Content-Length"};
  }
  return std::nullopt;
}

// A read that ended in `ec` (not a timeout or a closed connection, which the
// caller handles): what to answer before closing.
inline HttpRefusal ReadErrorRefusal(const boost::beast::error_code& ec) {
  namespace http = boost::beast::http;
  if (ec == http::error::body_limit) return {413, "too_large", "body too large"};
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return {431, "header_too_large", "request header too large"};
  }
  return {400, "bad_request", "malformed HTTP request"};
}

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_SERVER_HTTP_CHECKS_H_
