# bench_session: the session layer against its reference peers, in one process
# so the printed ratios hold (issue 2, "Speed"). Build Release and run:
#   cmake -S . -B build/rel -DCMAKE_BUILD_TYPE=Release
#   cmake --build build/rel -j2 --target bench_session && build/rel/bench/bench_session
#
#   session_main.cc         main + summary/ratio table
#   session_peers.cc        BM_SessionSetup/{libsignal,libolm}, BM_Roundtrip1K/{libsignal,libolm}
#   session_limit.cc        BM_Roundtrip1K/limit (raw primitive cost)
#   session_backchannel.cc  BM_SessionSetup/backchannel, BM_Roundtrip1K/backchannel
#                           (optional; linked with backchannel::session when present)
# The reference peers (GPL-3 libsignal-protocol-c, libolm) come from
# tests/interop (bc_reference_peers), so this needs BACKCHANNEL_BUILD_TESTS=ON.
if(NOT TARGET bc_reference_peers)
  message(STATUS "bench_session skipped: needs BACKCHANNEL_BUILD_TESTS=ON for the reference peers")
  return()
endif()

add_executable(bench_session
  ${CMAKE_CURRENT_LIST_DIR}/session_main.cc
  ${CMAKE_CURRENT_LIST_DIR}/session_peers.cc
  ${CMAKE_CURRENT_LIST_DIR}/session_limit.cc)
target_link_libraries(bench_session PRIVATE
  bc_reference_peers backchannel::common benchmark::benchmark OpenSSL::Crypto PkgConfig::sodium)
target_sources(bench_session PRIVATE ${CMAKE_CURRENT_LIST_DIR}/session_backchannel.cc)
target_link_libraries(bench_session PRIVATE backchannel::session)
bc_set_warnings(bench_session)
