# Domain model, importers/exporters, moves. Paths relative to src/negotiation.
list(APPEND NEGOTIATION_SRCS domain.cc)
