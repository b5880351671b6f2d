// Fuzz target: the relay's WebSocket session frame handling. The input is
// what a client sends after a fixed upgrade request: frames (masked, as a
// client must mask them), control frames, fragments. The server side is
// Beast's websocket stream configured as the relay configures it (message
// limit 4 KiB, server role); each message read goes to the relay's decoder
// (DecodeWsClientMessage). Any input must end in a close or an error, never
// in a crash, an exception, or more than the message limit in the buffer.
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "backchannel/relay/router.h"

namespace {

constexpr std::size_t kMaxClientFrame = 4096;  // as in server.cc
constexpr std::string_view kUpgrade =
    "GET /v1/mailboxes/AAAAAAAAAAAAAAAAAAAAAA/ws HTTP/1.1\r\n"
    "Host: relay\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace beast = boost::beast;
  namespace websocket = boost::beast::websocket;
  boost::asio::io_context ioc;
  beast::test::stream server(ioc);
  beast::test::stream client(ioc);
  server.connect(client);
  client.write_some(boost::asio::buffer(kUpgrade.data(), kUpgrade.size()));
  client.write_some(boost::asio::buffer(data, size));
  client.close();  // end of input: the server's read sees EOF

  websocket::stream<beast::test::stream&> ws(server);
  ws.read_message_max(kMaxClientFrame);
  beast::error_code ec;
  ws.accept(ec);
  if (ec) std::abort();  // the upgrade request is fixed and valid
  beast::flat_buffer buf(kMaxClientFrame + 1024);
  for (int messages = 0; messages < 1000; ++messages) {
    ws.read(buf, ec);
    if (ec) break;
    if (buf.size() > kMaxClientFrame) std::abort();
    const std::string text = beast::buffers_to_string(buf.data());
    buf.consume(buf.size());
    (void)backchannel::relay::DecodeWsClientMessage(text);
  }
  return 0;
}
