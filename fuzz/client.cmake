# Client decoders: the inner payload (the JSON inside every session message).
# The target compiles payload.cc and local_store_names.cc (app names) itself rather
# than linking all of bc_client: the fuzz build then skips the relay client
# and the client core (Boost.Beast under ASan, UBSan and coverage
# instrumentation: minutes of the fuzz stage's allowance for code this target
# never runs).
bc_add_fuzzer(NAME client_payload
  SRCS client_payload.cc ${PROJECT_SOURCE_DIR}/src/client/payload.cc
       ${PROJECT_SOURCE_DIR}/src/client/local_store_names.cc
  DEPS backchannel::envelope backchannel::crypto backchannel::common
       PkgConfig::sodium nlohmann_json::nlohmann_json)

# What a relay says to the client (HTTP reply bodies, pushed WebSocket
# frames): never a throw or crash, and no decoded id outside base64url.
bc_add_fuzzer(NAME client_relay_replies
  SRCS client_relay_replies.cc ${PROJECT_SOURCE_DIR}/src/client/relay_replies.cc
  DEPS backchannel::session backchannel::common nlohmann_json::nlohmann_json)

# The agent's request and reply decoders (the bytes on <home>/agent.sock).
bc_add_fuzzer(NAME client_agent
  SRCS client_agent.cc ${PROJECT_SOURCE_DIR}/src/client/agent_protocol.cc
  DEPS backchannel::crypto backchannel::common)

# The local store's sealed row layouts and table digests (client/sealed_row.h):
# what an authenticated row's plaintext decodes to.
bc_add_fuzzer(NAME client_sealed_row
  SRCS client_sealed_row.cc ${PROJECT_SOURCE_DIR}/src/client/sealed_row.cc
  DEPS backchannel::crypto backchannel::common)
