# Session-layer decoders (issue 2, "Bad input").
foreach(target session_signal_message session_prekey_message session_prekey_bundle session_record)
  bc_add_fuzzer(NAME ${target} SRCS ${target}.cc DEPS backchannel::session)
endforeach()

# Writes seed inputs for the corpus folders (run by hand; the output is committed):
#   build/main/fuzz/gen_session_corpus fuzz/corpus
if(NOT BACKCHANNEL_FUZZ AND BACKCHANNEL_BUILD_TESTS)
  add_executable(gen_session_corpus gen_session_corpus.cc)
  target_link_libraries(gen_session_corpus PRIVATE backchannel::session)
endif()
