# Analysis, opponent model, rehearsal agents. Paths relative to src/negotiation.
list(APPEND NEGOTIATION_SRCS
  analysis/adjusted_winner.cc
  analysis/analyze.cc
  analysis/big_count.cc
  analysis/common.cc
  analysis/frontier.cc
  analysis/solutions.cc
  analysis/zopa.cc)
