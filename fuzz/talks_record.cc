// Fuzz target: an exported talks record, read and verified. Never a crash;
// an export that reads back writes the same entries again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "backchannel/talks/record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel::talks;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = RecordFromJson(text);
  if (!r) return 0;
  RecordVerification with_head = VerifyRecord(r->entries, r->head);
  RecordVerification without = VerifyRecord(r->entries, std::nullopt);
  if (with_head.ok != with_head.problems.empty() || without.ok != without.problems.empty()) {
    std::abort();
  }
  if (without.entries != static_cast<std::int64_t>(r->entries.size())) std::abort();
  auto again = RecordFromJson(RecordToJson(r->talks, r->head, r->entries));
  if (!again || again->entries.size() != r->entries.size()) std::abort();
  return 0;
}
