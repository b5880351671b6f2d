# Sealed-sender envelope decoders (issue 3): Open with a fixed recipient key,
# and the inner encoding.
foreach(target envelope_open envelope_inner)
  bc_add_fuzzer(NAME ${target} SRCS ${target}.cc DEPS backchannel::envelope)
endforeach()
