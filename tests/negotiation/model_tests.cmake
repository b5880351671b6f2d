# model/io/moves tests
bc_add_test(NAME negotiation_model_test
  SRCS domain_test.cc io_test.cc moves_test.cc
  DEPS backchannel::negotiation)
