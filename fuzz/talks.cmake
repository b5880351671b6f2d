# Talks (issue 5): the message codec, the state fold over a fixed small talks
# (tests/talks/talks_fixture.h), the record export, and the introduction
# messages (talks/introduction.h). Seeds in
# corpus/<name>/ are written by tests/talks (BC_TALKS_CORPUS=fuzz/corpus).
foreach(target talks_message talks_state talks_record talks_introduction)
  bc_add_fuzzer(NAME ${target} SRCS ${target}.cc DEPS backchannel::talks)
endforeach()
