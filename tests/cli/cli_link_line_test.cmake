# The CLI is a thin face (issue 12): bc_cli links the application core and
# the libraries of its own job, never a lower layer, and its sources include
# no lower layer's header. Run by ctest as
#   cmake -DLINK_FILE=<bc_cli's link libraries> -DCLI_DIR=<src/cli> -P this
# LINK_FILE holds bc_cli's LINK_LIBRARIES and INTERFACE_LINK_LIBRARIES as the
# build system resolved them (file(GENERATE), tests/cli/CMakeLists.txt).

cmake_minimum_required(VERSION 3.25)

# The layers below the application core, by module name (bc_NAME, alias
# backchannel::NAME).
set(forbidden talks negotiation client talks_client feelers_client feelers identity crypto
    session envelope relay request_auth)
# What a CLI source may include from backchannel/: the core, common and the
# web app server it starts.
set(allowed_parts app common webapp)

file(READ "${LINK_FILE}" libraries)
string(REPLACE "|" ";" libraries "${libraries}")
set(failures "")
foreach(lib IN LISTS libraries)
  # $<LINK_ONLY:x> names x for a static library's private dependency.
  string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" lib "${lib}")
  foreach(name IN LISTS forbidden)
    if(lib STREQUAL "backchannel::${name}" OR lib STREQUAL "bc_${name}")
      list(APPEND failures "bc_cli links ${lib}: the CLI must reach it through backchannel::app")
    endif()
  endforeach()
endforeach()

file(GLOB sources "${CLI_DIR}/*.cc" "${CLI_DIR}/*.h")
foreach(source IN LISTS sources)
  get_filename_component(name "${source}" NAME)
  file(STRINGS "${source}" includes REGEX "^#include \"backchannel/")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"backchannel/([^/]+)/.*$" "\\1" part "${line}")
    if(NOT part IN_LIST allowed_parts)
      list(APPEND failures "src/cli/${name}: ${line} (call the application core instead)")
    endif()
  endforeach()
endforeach()

list(LENGTH failures count)
if(count GREATER 0)
  list(JOIN failures "\n  " text)
  message(FATAL_ERROR "the CLI reaches around the application core:\n  ${text}")
endif()
message(STATUS "bc_cli links: ${libraries}")
