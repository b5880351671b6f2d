# Domain model, importers/exporters, moves. Paths relative to src/negotiation.
list(APPEND NEGOTIATION_SRCS
  domain.cc
  io/io.cc
  io/io_internal.cc
  io/xml_document.cc
  io/genius_xml.cc
  io/json_document.cc
  io/geniusweb_json.cc
  io/native_json.cc
  moves.cc
  moves_json.cc)
