# Fuzz targets for the relay's decoders: HTTP requests through Beast's parser
# into the Router (on a ":memory:" SQLite store) and WebSocket client frames.
if(TARGET backchannel::relay AND TARGET backchannel::relay_store)
  bc_add_fuzzer(NAME relay_http_request SRCS relay_http_request.cc
    DEPS backchannel::relay backchannel::relay_store Boost::headers)
  bc_add_fuzzer(NAME relay_ws_frame SRCS relay_ws_frame.cc DEPS backchannel::relay)
endif()
