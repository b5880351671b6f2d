// Feeler topics: what one side "would discuss", turned into the exact bytes
// that are hashed to the group (docs/feelers.md §Topics).
//
// A topic is either an agenda id (`issue` or `issue:option`, as the talks'
// agenda names them) or free text. Free text is normalised so the same words
// typed on different keyboards give the same bytes:
//   1. NFKC_Casefold (Unicode UAX #15 + CaseFolding; ICU Normalizer2): case,
//      width, ligatures and compatibility forms; it also drops default-
//      ignorable code points such as ZWNJ U+200C;
//   2. Arabic-script letter variants that Persian and Arabic keyboards type
//      differently: ARABIC YEH U+064A and ALEF MAKSURA U+0649 -> FARSI YEH
//      U+06CC, ARABIC KAF U+0643 -> KEHEH U+06A9; Arabic-Indic and Persian
//      digits -> ASCII digits;
//   3. every remaining format character (general category Cf) removed;
//   4. whitespace runs collapsed to one space, leading/trailing trimmed.
// The kind is part of the bytes (a distinct prefix), so an agenda id never
// equals a free-text topic that happens to spell it.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_FEELERS_TOPIC_H_
#define BACKCHANNEL_FEELERS_TOPIC_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"

namespace backchannel::feelers {

// Input longer than this (UTF-8 bytes) is refused before normalising.
inline constexpr std::size_t kMaxTopicInputBytes = 1024;
// A normalised topic longer than this (UTF-8 bytes) is refused.
inline constexpr std::size_t kMaxTopicBytes = 256;
// An agenda issue or option id: 1..64 of [A-Za-z0-9_.-].
inline constexpr std::size_t kMaxAgendaIdBytes = 64;

enum class TopicKind : std::uint8_t { kFreeText = 1, kAgenda = 2 };

struct Topic {
  TopicKind kind = TopicKind::kFreeText;
  std::string text;  // normalised free text, or "issue" / "issue:option"

  // The bytes hashed to the group: the kind byte, then the text.
  Bytes Canonical() const;
  friend bool operator==(const Topic&, const Topic&) = default;
};

// Normalises free text as above. kInvalidArgument for invalid UTF-8, input
// over kMaxTopicInputBytes, a result that is empty or over kMaxTopicBytes.
Result<Topic> FreeTextTopic(std::string_view text);

// An agenda topic from "issue" or "issue:option". kInvalidArgument when
// either part is empty, too long, or has a character outside [A-Za-z0-9_.-].
Result<Topic> AgendaTopic(std::string_view id);

// A topic from its canonical bytes (a stored exchange). kCorrupt when the
// bytes are not what Canonical() produces for a valid topic.
Result<Topic> TopicFromCanonical(ByteView canonical);

}  // namespace backchannel::feelers

#endif  // BACKCHANNEL_FEELERS_TOPIC_H_
