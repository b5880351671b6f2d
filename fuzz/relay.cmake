# Fuzz targets for the relay's decoders: the HTTP read path (Beast's parser
# with the relay's limits and header checks) into the Router on a ":memory:"
# SQLite store, the WebSocket session's frame handling (Beast's websocket
# stream with the relay's settings), and the ack decoder.
bc_add_fuzzer(NAME relay_http_request SRCS relay_http_request.cc
  DEPS backchannel::relay backchannel::relay_store Boost::headers)
bc_add_fuzzer(NAME relay_ws_session SRCS relay_ws_session.cc
  DEPS backchannel::relay Boost::headers Threads::Threads)
bc_add_fuzzer(NAME relay_ws_frame SRCS relay_ws_frame.cc DEPS backchannel::relay)
bc_add_fuzzer(NAME relay_proxy_header SRCS relay_proxy_header.cc DEPS backchannel::relay)
bc_add_fuzzer(NAME relay_config SRCS relay_config.cc DEPS backchannel::relay)
