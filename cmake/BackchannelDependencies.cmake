# System libraries only (Debian 12 packages, installed by scripts/deps).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
pkg_check_modules(sodium REQUIRED IMPORTED_TARGET libsodium)
# Feelers (issue 15): topic normalisation (NFKC_Casefold) with ICU.
pkg_check_modules(icu REQUIRED IMPORTED_TARGET icu-uc icu-i18n)
find_package(Protobuf REQUIRED)
find_package(SQLite3 REQUIRED)
if(NOT TARGET SQLite3::SQLite3 AND TARGET SQLite::SQLite3)
  add_library(SQLite3::SQLite3 ALIAS SQLite::SQLite3)
endif()
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 CONFIG REQUIRED)

if(BACKCHANNEL_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
  # GPL-3 / Apache-2.0 reference peers: linked into tests and benchmarks only.
  pkg_check_modules(libsignal REQUIRED IMPORTED_TARGET libsignal-protocol-c)
  find_library(OLM_LIBRARY olm REQUIRED)
endif()
if(BACKCHANNEL_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Relay and client (issue 3): Boost.Asio/Beast 1.81 (header-only parts) and
# libqrencode for invitation QR codes in the terminal.
find_package(Boost 1.81 REQUIRED CONFIG)
pkg_check_modules(qrencode REQUIRED IMPORTED_TARGET libqrencode)
