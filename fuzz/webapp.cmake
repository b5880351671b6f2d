# The web app's server side (issue 17): the security gate, the Cookie header
# parser, the session check and the token exchange, socket-free. The target
# compiles those files itself rather than linking bc_webapp (the holder and
# the Beast server are not reached, and Beast under the fuzz build's
# instrumentation costs minutes). Seeds in corpus/webapp_gate/.
bc_add_fuzzer(NAME webapp_gate
  SRCS webapp_gate.cc ${PROJECT_SOURCE_DIR}/src/webapp/security_gate.cc
       ${PROJECT_SOURCE_DIR}/src/webapp/http_types.cc
       ${PROJECT_SOURCE_DIR}/src/webapp/session_table.cc
       ${PROJECT_SOURCE_DIR}/src/webapp/secret_token.cc
       ${PROJECT_SOURCE_DIR}/src/webapp/token_issuer.cc
  DEPS backchannel::crypto backchannel::common nlohmann_json::nlohmann_json)
target_include_directories(fuzz_webapp_gate PRIVATE ${PROJECT_SOURCE_DIR}/include)
