# bench_app: the analysis chart's request (issue 18, "talks.analysis" within
# about 1 s) on Travel and on a 10^20-outcome domain. Build Release and run:
#   cmake -S . -B build/rel -DCMAKE_BUILD_TYPE=Release
#   cmake --build build/rel -j2 --target bench_app && build/rel/bench/bench_app
add_executable(bench_app ${CMAKE_CURRENT_LIST_DIR}/bench_app.cc)
target_link_libraries(bench_app PRIVATE backchannel::app benchmark::benchmark)
target_include_directories(bench_app PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(bench_app PRIVATE BC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
bc_set_warnings(bench_app)
