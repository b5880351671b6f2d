# The application core (issue 12): the request decoder and validator every
# face goes through. Seeds in corpus/app_request/ (hand-written requests).
bc_add_fuzzer(NAME app_request SRCS app_request.cc DEPS backchannel::app)
