# The application core (issue 12): the request decoder and validator every
# face goes through. Seeds in corpus/app_request/ (hand-written requests).
bc_add_fuzzer(NAME app_request SRCS app_request.cc DEPS backchannel::app)

# The same requests decoded AND executed on a real home over the in-process
# relay (the relay's Router and SQLite store, tests/testing): a refused
# request changes nothing in the home (app_execute.cc). Seeds in
# corpus/app_execute/ (valid and refused requests of every kind).
bc_add_fuzzer(NAME app_execute
  SRCS app_execute.cc ${PROJECT_SOURCE_DIR}/tests/testing/in_process_relay.cc
  DEPS backchannel::app backchannel::client backchannel::relay backchannel::relay_store
       backchannel::crypto backchannel::talks_client backchannel::identity)
target_include_directories(fuzz_app_execute PRIVATE ${PROJECT_SOURCE_DIR}/tests)
