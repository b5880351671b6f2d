# Client decoders: the inner payload (the JSON inside every session message).
bc_add_fuzzer(NAME client_payload SRCS client_payload.cc DEPS backchannel::client)
