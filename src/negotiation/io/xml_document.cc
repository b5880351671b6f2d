#include "negotiation/io/xml_document.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <cctype>
#include <climits>
#include <cstdint>
#include <cstring>

namespace backchannel::negotiation::io_internal {
namespace {

// The first error libxml2 reports during one parse.
struct FirstError {
  bool set = false;
  std::int64_t line = 0;
  std::int64_t column = 0;
  std::string message;
};

void CollectError(void* user, xmlErrorPtr error) {
  auto* first = static_cast<FirstError*>(user);
  if (first->set || error == nullptr) return;
  if (error->level < XML_ERR_ERROR) return;  // warnings do not fail a parse
  first->set = true;
  first->line = error->line;
  first->column = error->int2;
  first->message = error->message != nullptr ? error->message : "malformed XML";
  for (char& c : first->message) {
    if (c == '\n') c = ' ';
  }
  while (!first->message.empty() &&
         (first->message.back() == '\n' || first->message.back() == ' ')) {
    first->message.pop_back();
  }
}

void IgnoreGeneric(void* /*ctx*/, const char* /*msg*/, ...) {}

// Installs the collectors for one parse and restores libxml2's defaults.
class ErrorScope {
 public:
  explicit ErrorScope(FirstError* first) {
    xmlSetStructuredErrorFunc(first, &CollectError);
    xmlSetGenericErrorFunc(nullptr, &IgnoreGeneric);
  }
  ~ErrorScope() {
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    xmlSetGenericErrorFunc(nullptr, nullptr);
  }
  ErrorScope(const ErrorScope&) = delete;
  ErrorScope& operator=(const ErrorScope&) = delete;
  ErrorScope(ErrorScope&&) = delete;
  ErrorScope& operator=(ErrorScope&&) = delete;
};

// Name of the element whose start tag contains byte `offset` of line `line`,
// found by scanning back to the nearest '<'. Empty when there is none.
std::string ElementAt(std::string_view text, std::int64_t line, std::int64_t column) {
  std::size_t pos = 0;
  for (std::int64_t l = 1; l < line && pos < text.size(); ++l) {
    pos = text.find('\n', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  std::size_t at = pos + static_cast<std::size_t>(column > 0 ? column - 1 : 0);
  if (at >= text.size()) at = text.empty() ? 0 : text.size() - 1;
  const auto open = text.rfind('<', at);
  if (open == std::string_view::npos) return {};
  std::size_t end = open + 1;
  if (end < text.size() && text[end] == '/') ++end;
  std::size_t start = end;
  while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                               text[end] == '_' || text[end] == '-' || text[end] == ':')) {
    ++end;
  }
  if (end == start) return {};
  return "<" + std::string(text.substr(start, end - start)) + ">";
}

xmlDoc* ParseWith(std::string_view text, int options, FirstError* first) {
  ErrorScope scope(first);
  if (text.size() > static_cast<std::size_t>(INT_MAX)) return nullptr;
  return xmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr, nullptr, options);
}

bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}

}  // namespace

std::string RepairAttributeSpacing(std::string_view text, std::vector<std::int64_t>* lines) {
  std::string out;
  out.reserve(text.size() + 16);
  std::int64_t line = 1;
  bool in_tag = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (!in_tag) {
      // Comments, processing instructions and declarations are copied as is.
      if (c == '<' && text.substr(i, 4) == "<!--") {
        const auto end = text.find("-->", i + 4);
        const std::size_t stop = end == std::string_view::npos ? text.size() : end + 3;
        for (std::size_t j = i; j < stop; ++j) {
          if (text[j] == '\n' && j != i) ++line;
        }
        out.append(text.substr(i, stop - i));
        i = stop - 1;
        continue;
      }
      if (c == '<' && i + 1 < text.size() && IsNameStart(text[i + 1])) in_tag = true;
      out.push_back(c);
      continue;
    }
    out.push_back(c);
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
        if (i + 1 < text.size() && IsNameStart(text[i + 1])) {
          out.push_back(' ');
          if (lines != nullptr) lines->push_back(line);
        }
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      in_tag = false;
    }
  }
  return out;
}

Result<XmlDocument> XmlDocument::Parse(std::string_view text, const Diagnostics& diag) {
  if (text.find("<!DOCTYPE") != std::string_view::npos ||
      text.find("<!ENTITY") != std::string_view::npos) {
    return diag.Error(0, "", "document type declarations are not supported in GENIUS files");
  }
  const int base = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
  FirstError first;
  xmlDoc* doc = ParseWith(text, base, &first);
  if (doc != nullptr && !first.set) return XmlDocument(doc);
  if (doc != nullptr) xmlFreeDoc(doc);
  const std::string element = ElementAt(text, first.line, first.column);
  const std::string what = (first.set ? first.message : std::string("not well-formed XML")) +
                           " (column " + std::to_string(first.column) + ")";
  if (!diag.lenient()) return diag.Error(first.line, element, what);

  // Lenient: first the repair GENIUS's own tolerant reader amounts to.
  std::vector<std::int64_t> repaired;
  const std::string fixed = RepairAttributeSpacing(text, &repaired);
  if (!repaired.empty()) {
    FirstError again;
    doc = ParseWith(fixed, base, &again);
    if (doc != nullptr && !again.set) {
      for (std::int64_t l : repaired) {
        diag.Warn(l, ElementAt(fixed, l, 1),
                  "missing blank between attributes; read as GENIUS does");
      }
      return XmlDocument(doc);
    }
    if (doc != nullptr) xmlFreeDoc(doc);
  }
  // Then libxml2's own recovery, which may drop content.
  FirstError recovered;
  doc = ParseWith(text, base | XML_PARSE_RECOVER, &recovered);
  if (doc == nullptr || xmlDocGetRootElement(doc) == nullptr) {
    if (doc != nullptr) xmlFreeDoc(doc);
    return diag.Error(first.line, element, what);
  }
  diag.Warn(first.line, element, what + "; recovered, content may be lost");
  return XmlDocument(doc);
}

std::vector<xmlNode*> ChildElements(const xmlNode* node, std::string_view name) {
  std::vector<xmlNode*> out;
  if (node == nullptr) return out;
  for (xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (name.empty() || ElementName(c) == name) out.push_back(c);
  }
  return out;
}

std::string ElementName(const xmlNode* node) {
  if (node == nullptr || node->name == nullptr) return {};
  return reinterpret_cast<const char*>(node->name);
}

std::optional<std::string> Attribute(const xmlNode* node, const char* name) {
  xmlChar* v = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

std::int64_t LineOf(const xmlNode* node) { return node == nullptr ? 0 : xmlGetLineNo(node); }

std::string Describe(const xmlNode* node) {
  std::string out = "<" + ElementName(node);
  for (const char* key : {"name", "value", "index"}) {
    if (auto v = Attribute(node, key)) {
      out += std::string(" ") + key + "='" + *v + "'";
      break;
    }
  }
  return out + ">";
}

}  // namespace backchannel::negotiation::io_internal
