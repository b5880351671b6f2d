// Topic normalisation with ICU's Normalizer2 (NFKC_Casefold) and the
// Arabic-script letter mapping described in topic.h.
#include "backchannel/feelers/topic.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include <string>

namespace backchannel::feelers {
namespace {

// Step 2 of topic.h: letters a Persian keyboard and an Arabic keyboard type
// differently for the same word, and the two Eastern digit sets.
UChar32 MapArabicScript(UChar32 c) {
  switch (c) {
    case 0x064A:      // ARABIC LETTER YEH
    case 0x0649:      // ARABIC LETTER ALEF MAKSURA
      return 0x06CC;  // ARABIC LETTER FARSI YEH
    case 0x0643:      // ARABIC LETTER KAF
      return 0x06A9;  // ARABIC LETTER KEHEH
    default:
      break;
  }
  if (c >= 0x0660 && c <= 0x0669) return '0' + (c - 0x0660);  // Arabic-Indic digits
  if (c >= 0x06F0 && c <= 0x06F9) return '0' + (c - 0x06F0);  // Extended (Persian) digits
  return c;
}

// Steps 1-4 of topic.h once.
icu::UnicodeString OnePass(const icu::Normalizer2& nfkc_cf, const icu::UnicodeString& in,
                           UErrorCode& err) {
  const icu::UnicodeString folded = nfkc_cf.normalize(in, err);
  icu::UnicodeString out;
  if (U_FAILURE(err)) return out;
  bool pending_space = false;
  for (int32_t i = 0; i < folded.length(); i = folded.moveIndex32(i, 1)) {
    const UChar32 c = MapArabicScript(folded.char32At(i));
    if (u_charType(c) == U_FORMAT_CHAR) continue;  // ZWNJ, ZWJ, bidi marks, ...
    if (u_isUWhiteSpace(c) != 0) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (pending_space) out.append(static_cast<UChar>(' '));
    pending_space = false;
    out.append(c);
  }
  return out;
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

Status CheckIdPart(std::string_view part, std::string_view what) {
  if (part.empty()) return InvalidArgument(std::string("agenda topic: empty ") + std::string(what));
  if (part.size() > kMaxAgendaIdBytes) {
    return InvalidArgument(std::string("agenda topic: ") + std::string(what) +
                           " longer than 64 characters");
  }
  for (char c : part) {
    if (!IsIdChar(c)) {
      return InvalidArgument(std::string("agenda topic: ") + std::string(what) +
                             " may only contain letters, digits, '_', '.' and '-'");
    }
  }
  return Status::Ok();
}

}  // namespace

Bytes Topic::Canonical() const {
  Bytes out;
  out.reserve(1 + text.size());
  out.push_back(static_cast<std::uint8_t>(kind));
  Append(out, AsBytes(text));
  return out;
}

Result<Topic> FreeTextTopic(std::string_view text) {
  if (text.size() > kMaxTopicInputBytes) {
    return InvalidArgument("topic: longer than 1024 bytes");
  }
  // Strict UTF-8 decoding: ill-formed input is refused, not replaced.
  UErrorCode err = U_ZERO_ERROR;
  int32_t utf16_len = 0;
  u_strFromUTF8(nullptr, 0, &utf16_len, text.data(), static_cast<int32_t>(text.size()), &err);
  if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) {
    return InvalidArgument("topic: not valid UTF-8");
  }
  icu::UnicodeString input;
  err = U_ZERO_ERROR;
  UChar* buf = input.getBuffer(utf16_len + 1);
  u_strFromUTF8(buf, utf16_len + 1, nullptr, text.data(), static_cast<int32_t>(text.size()), &err);
  input.releaseBuffer(U_SUCCESS(err) ? utf16_len : 0);
  if (U_FAILURE(err)) return InvalidArgument("topic: not valid UTF-8");

  err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(err);
  if (U_FAILURE(err) || nfkc_cf == nullptr)
    return Internal("topic: ICU NFKC_Casefold data missing");
  // Removing a format character can bring a base letter and a combining mark
  // together, which normalises anew: repeat until a fixed point (two passes
  // for any real text; the bound only stops a pathological input).
  icu::UnicodeString out = input;
  bool fixed = false;
  for (int pass = 0; pass < 4 && !fixed; ++pass) {
    icu::UnicodeString next = OnePass(*nfkc_cf, out, err);
    if (U_FAILURE(err)) return Internal("topic: ICU normalisation failed");
    fixed = next == out;
    out = std::move(next);
  }
  if (!fixed) return InvalidArgument("topic: normalisation does not settle");
  Topic topic;
  out.toUTF8String(topic.text);
  if (topic.text.empty()) return InvalidArgument("topic: empty after normalisation");
  if (topic.text.size() > kMaxTopicBytes) {
    return InvalidArgument("topic: longer than 256 bytes after normalisation");
  }
  topic.kind = TopicKind::kFreeText;
  return topic;
}

Result<Topic> AgendaTopic(std::string_view id) {
  const std::size_t colon = id.find(':');
  const std::string_view issue = id.substr(0, colon);
  BC_RETURN_IF_ERROR(CheckIdPart(issue, "issue id"));
  if (colon != std::string_view::npos) {
    BC_RETURN_IF_ERROR(CheckIdPart(id.substr(colon + 1), "option id"));
  }
  return Topic{TopicKind::kAgenda, std::string(id)};
}

Result<Topic> TopicFromCanonical(ByteView canonical) {
  if (canonical.empty()) return Corrupt("topic: empty encoding");
  const std::string_view text = AsString(canonical.subspan(1));
  Result<Topic> t = Corrupt("topic: unknown kind");
  if (canonical[0] == static_cast<std::uint8_t>(TopicKind::kFreeText)) {
    t = FreeTextTopic(text);
  } else if (canonical[0] == static_cast<std::uint8_t>(TopicKind::kAgenda)) {
    t = AgendaTopic(text);
  }
  if (!t) return Corrupt("topic: " + std::string(t.error().message()));
  if (t->text != text) return Corrupt("topic: stored text is not in normal form");
  return t;
}

}  // namespace backchannel::feelers
