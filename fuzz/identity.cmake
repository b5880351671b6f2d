# Identity decoders (issue 3): credentials, revocation lists, invitation codes.
foreach(target identity_credential identity_revocation_list identity_invitation)
  bc_add_fuzzer(NAME ${target} SRCS ${target}.cc DEPS backchannel::identity)
endforeach()
