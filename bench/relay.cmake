# bench_relay: post+ack throughput and post->push latency over TLS on
# loopback, durable (SQLite) against "echo" (same stack, in-memory store).
# Build Release and run:
#   cmake -S . -B build/rel -DCMAKE_BUILD_TYPE=Release -DBACKCHANNEL_BUILD_BENCH=ON
#   cmake --build build/rel -j2 --target bench_relay && build/rel/bench/bench_relay
# Uses the relay tests' TLS client and in-memory store (tests/relay/server).
add_executable(bench_relay ${CMAKE_CURRENT_LIST_DIR}/bench_relay.cc
  ${CMAKE_CURRENT_LIST_DIR}/redis_reference.cc
  ${PROJECT_SOURCE_DIR}/tests/relay/server/tls_test_client.cc)
target_include_directories(bench_relay PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(bench_relay PRIVATE backchannel::relay_server backchannel::relay_store
  benchmark::benchmark Boost::headers OpenSSL::SSL OpenSSL::Crypto PkgConfig::sodium
  nlohmann_json::nlohmann_json Threads::Threads)
target_link_libraries(bench_relay PRIVATE bc_test_relay_process)
bc_set_warnings(bench_relay)
# GCC 12 at -O3 reports -Wstringop-overread inside libstdc++'s vector <=>
# (std::set<Bytes> in the test MemoryStore), a false positive like the
# -Wrestrict one bc_set_warnings keeps a warning.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(bench_relay PRIVATE -Wno-error=stringop-overread)
endif()
