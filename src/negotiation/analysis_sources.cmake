# Analysis, opponent model, rehearsal agents. Paths relative to src/negotiation.
list(APPEND NEGOTIATION_SRCS
  agents/base_agent.cc
  agents/bid_space.cc
  agents/session.cc
  agents/tactics.cc
  agents/tournament.cc
  analysis/adjusted_winner.cc
  analysis/analyze.cc
  analysis/big_count.cc
  analysis/branch_and_bound.cc
  analysis/common.cc
  analysis/frontier.cc
  analysis/solutions.cc
  analysis/zopa.cc
  opponent/accuracy.cc
  opponent/frequency_model.cc)
