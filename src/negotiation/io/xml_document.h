// A thin, owning wrapper over a libxml2 document for the GENIUS importer:
// parsing with positions (strict) or with the repairs GENIUS tolerates
// (lenient), and small accessors for elements and attributes.
//
// Thread safety: one XmlDocument per thread. Parsing installs libxml2's error
// handlers for the duration of the call; libxml2 keeps them per thread.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_IO_XML_DOCUMENT_H_
#define BACKCHANNEL_SRC_NEGOTIATION_IO_XML_DOCUMENT_H_

#include <libxml/tree.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/common/result.h"
#include "negotiation/io/io_internal.h"

namespace backchannel::negotiation::io_internal {

class XmlDocument {
 public:
  // Strict: the first well-formedness error fails with its line, column and
  // element. Lenient: a missing blank between attributes (as in
  // Car/adg_deal.xml) is repaired with a warning; anything else is recovered
  // by libxml2 with a warning. DTDs are refused in both modes (GENIUS files
  // have none, and refusing them removes entity expansion).
  static Result<XmlDocument> Parse(std::string_view text, const Diagnostics& diag);

  xmlNode* root() const { return xmlDocGetRootElement(doc_.get()); }

 private:
  struct Free {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
  };
  explicit XmlDocument(xmlDoc* doc) : doc_(doc) {}
  std::unique_ptr<xmlDoc, Free> doc_;
};

// Element children of `node` named `name` (all element children when empty).
std::vector<xmlNode*> ChildElements(const xmlNode* node, std::string_view name = {});
std::string ElementName(const xmlNode* node);
std::optional<std::string> Attribute(const xmlNode* node, const char* name);
std::int64_t LineOf(const xmlNode* node);
// "<issue name='Price'>", for messages.
std::string Describe(const xmlNode* node);

// Inserts a blank wherever an attribute value's closing quote is directly
// followed by another attribute name inside a tag. Returns the repaired text
// and appends the 1-based line of each repair to `lines`.
std::string RepairAttributeSpacing(std::string_view text, std::vector<std::int64_t>* lines);

}  // namespace backchannel::negotiation::io_internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_IO_XML_DOCUMENT_H_
