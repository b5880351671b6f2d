# Feelers (issue 15): the three wire messages, the stored exchange state and
# the stored probing budget. Seeds in corpus/<name>/ are written by
# tests/feelers (BC_FEELERS_CORPUS=fuzz/corpus build/tests/feelers/feelers_test
# --gtest_filter='*RoundTrips*').
foreach(target feelers_offer feelers_response feelers_finish feelers_state feelers_budget)
  bc_add_fuzzer(NAME ${target} SRCS ${target}.cc DEPS backchannel::feelers)
endforeach()
