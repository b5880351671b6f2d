#include "backchannel/common/terminal_text.h"

#include <cstdint>
#include <cstdio>

namespace backchannel {
namespace {

// Decodes one UTF-8 code point at text[i] (RFC 3629: shortest form, no
// surrogates, at most U+10FFFF). Returns its length, or 0 if the bytes there
// are not valid UTF-8.
std::size_t DecodeOne(std::string_view text, std::size_t i, char32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(text[i + k]); };
  const std::size_t left = text.size() - i;
  const std::uint8_t b0 = b(0);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t n = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (left < n) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool ActsOnTerminal(char32_t cp) {
  if (cp == '\n' || cp == '\t') return false;
  if (cp < 0x20 || cp == 0x7F) return true;                       // C0, DEL
  if (cp >= 0x80 && cp <= 0x9F) return true;                      // C1
  if (cp == 0x061C || cp == 0x200E || cp == 0x200F) return true;  // ALM, LRM, RLM
  if (cp >= 0x202A && cp <= 0x202E) return true;                  // LRE RLE PDF LRO RLO
  if (cp >= 0x2066 && cp <= 0x2069) return true;                  // LRI RLI FSI PDI
  return cp == 0x2028 || cp == 0x2029;                            // line and paragraph separators
}

bool BreaksLine(char32_t cp) {
  return cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

void AppendEscape(std::string& out, char32_t cp) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
  out += buf;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

std::string NeutraliseForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = DecodeOne(text, i, cp);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (ActsOnTerminal(cp)) {
      AppendEscape(out, cp);
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::vector<std::string> DisplayLines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    std::size_t n = DecodeOne(text, i, cp);
    if (n == 0) {  // not UTF-8: NeutraliseForTerminal replaces it
      ++i;
      continue;
    }
    if (BreaksLine(cp)) {
      lines.push_back(NeutraliseForTerminal(text.substr(start, i - start)));
      if (cp == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++n;  // CR LF
      start = i + n;
    }
    i += n;
  }
  lines.push_back(NeutraliseForTerminal(text.substr(start)));
  return lines;
}

std::string DisplayName(std::string_view name) {
  std::string safe = NeutraliseForTerminal(name);
  bool quote = safe.empty() || safe.front() == ' ' || safe.back() == ' ' ||
               safe.find_first_of(":*[]\"|\\\n\t") != std::string::npos ||
               safe.find("->") != std::string::npos;
  if (!quote) return safe;
  std::string out = "\"";
  for (char c : safe) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\t') {
      out += "\\t";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string ShellWord(std::string_view word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace backchannel
