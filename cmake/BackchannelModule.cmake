# bc_add_module(NAME <part> SRCS <files...> [DEPS <public deps...>] [PRIVATE_DEPS <deps...>])
#
# One static library per part of the architecture, aliased backchannel::<part>.
# Public headers live under include/backchannel/<part>/; DEPS are the parts (and
# system libraries) this one may use, which keeps the dependency graph one-way.
function(bc_add_module)
  cmake_parse_arguments(M "" "NAME" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target bc_${M_NAME})
  add_library(${target} STATIC ${M_SRCS})
  add_library(backchannel::${M_NAME} ALIAS ${target})
  target_include_directories(${target}
    PUBLIC ${PROJECT_SOURCE_DIR}/include
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  bc_set_warnings(${target})
endfunction()

function(bc_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  # In a unity batch every file is #included, so GCC takes each for a header
  # and warns when a class uses a type from the file's anonymous namespace
  # (-Wsubobject-linkage), which is only wrong in a real header.
  if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
  endif()
  if(BACKCHANNEL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
    # GCC 12 at -O3 reports -Wrestrict inside libstdc++'s std::string
    # (GCC bug 105651), a false positive: keep it a warning.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-error=restrict)
    endif()
  endif()
endfunction()

# bc_add_test(NAME <name> SRCS <files...> DEPS <libs...> [LABELS <labels...>])
# A GoogleTest binary whose cases are registered with ctest one by one.
function(bc_add_test)
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gmock GTest::gtest_main)
  bc_set_warnings(${T_NAME})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  # gtest_discover_tests passes PROPERTIES on as a flat list, so "LABELS a b"
  # would give the label a and a property named b: refuse it loudly.
  list(LENGTH T_LABELS n_labels)
  if(n_labels GREATER 1)
    message(FATAL_ERROR "bc_add_test(${T_NAME}): one label per test (got ${T_LABELS})")
  endif()
  gtest_discover_tests(${T_NAME}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES LABELS "${T_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()
