# Analysis, opponent model, rehearsal agents. Paths relative to src/negotiation.
list(APPEND NEGOTIATION_SRCS)
