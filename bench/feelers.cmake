# bench_feelers: a whole feeler exchange (16 and 32 topics, proofs included)
# against the limit of its own ristretto255 scalar multiplications, timed in
# the same run (issue 15, "Speed"). Build Release and run:
#   cmake -S . -B build/rel -DCMAKE_BUILD_TYPE=Release
#   cmake --build build/rel -j2 --target bench_feelers && build/rel/bench/bench_feelers
add_executable(bench_feelers ${CMAKE_CURRENT_LIST_DIR}/bench_feelers.cc)
target_link_libraries(bench_feelers PRIVATE backchannel::feelers benchmark::benchmark)
target_include_directories(bench_feelers PRIVATE ${PROJECT_SOURCE_DIR}/src)
bc_set_warnings(bench_feelers)
