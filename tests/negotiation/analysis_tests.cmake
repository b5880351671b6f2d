# analysis tests
add_library(bc_negotiation_testing STATIC testing/random_domain.cc)
target_include_directories(bc_negotiation_testing PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(bc_negotiation_testing PUBLIC backchannel::negotiation)
bc_set_warnings(bc_negotiation_testing)

bc_add_test(NAME analysis_test SRCS analysis_test.cc
  DEPS backchannel::negotiation bc_negotiation_testing)
bc_add_test(NAME agents_test SRCS agents_test.cc
  DEPS backchannel::negotiation bc_negotiation_testing)
bc_add_test(NAME agents_multilateral_test SRCS agents_multilateral_test.cc
  DEPS backchannel::negotiation bc_negotiation_testing)
bc_add_test(NAME opponent_model_test SRCS opponent_model_test.cc
  DEPS backchannel::negotiation bc_negotiation_testing)
bc_add_test(NAME reference_test SRCS reference_test.cc DEPS backchannel::negotiation)
bc_add_test(NAME analysis_aw_test SRCS analysis_aw_test.cc
  DEPS backchannel::negotiation bc_negotiation_testing)
bc_add_test(NAME analysis_many_sides_test SRCS analysis_many_sides_test.cc
  DEPS backchannel::negotiation bc_negotiation_testing)
bc_add_test(NAME analysis_large_test SRCS analysis_large_test.cc
  DEPS backchannel::negotiation bc_negotiation_testing)
bc_add_test(NAME opponent_accuracy_test SRCS opponent_accuracy_test.cc DEPS backchannel::negotiation)
