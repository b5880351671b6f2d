# Fuzz targets for every negotiation decoder: GENIUS XML, GeniusWeb JSON, the
# native format and the serialized moves state. Seeds in corpus/<name>/.
bc_add_fuzzer(NAME negotiation_genius_xml SRCS negotiation_genius_xml.cc
  DEPS backchannel::negotiation)
bc_add_fuzzer(NAME negotiation_geniusweb_json SRCS negotiation_geniusweb_json.cc
  DEPS backchannel::negotiation)
bc_add_fuzzer(NAME negotiation_native_json SRCS negotiation_native_json.cc
  DEPS backchannel::negotiation)
bc_add_fuzzer(NAME negotiation_moves_state SRCS negotiation_moves_state.cc
  DEPS backchannel::negotiation)
