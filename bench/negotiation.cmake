# bench_negotiation: the exact analysis against brute-force enumeration on
# Travel (188,160 outcomes), and exact analysis of synthetic domains far too
# large to enumerate (issue 4, "Speed"). Build Release and run:
#   cmake -S . -B build/rel -DCMAKE_BUILD_TYPE=Release
#   cmake --build build/rel -j2 --target bench_negotiation && build/rel/bench/bench_negotiation
# Travel is read from ../shared/domains/Travel next to the repository; when it
# is missing that benchmark reports an error and the others still run.
add_executable(bench_negotiation ${CMAKE_CURRENT_LIST_DIR}/bench_negotiation.cc)
target_link_libraries(bench_negotiation PRIVATE backchannel::negotiation benchmark::benchmark)
target_include_directories(bench_negotiation PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(bench_negotiation PRIVATE BC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
bc_set_warnings(bench_negotiation)
