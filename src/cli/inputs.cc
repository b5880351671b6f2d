#include "cli/inputs.h"

#include <charconv>

namespace backchannel::cli {

void PrintWarnings(const std::vector<std::string>& warnings, std::ostream& err) {
  for (const auto& w : warnings) err << "warning: " << w << "\n";
}

constexpr std::chrono::seconds kMinIdle{1};
constexpr std::chrono::hours kMaxIdle{24};

// "90", "90s", "15m", "2h": a whole number with an optional unit (seconds
// when none), from 1 s to 24 h.
Result<std::chrono::seconds> ParseIdle(const std::string& text) {
  std::int64_t n = 0;
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(text.data(), end, n);
  const std::string unit(rest, end);
  std::int64_t scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (ec != std::errc() || rest == text.data() || scale == 0 || n <= 0 ||
      n > std::int64_t{24} * 3600) {
    return InvalidArgument("--idle '" + text + "': give a duration such as 90s, 15m or 2h");
  }
  const std::chrono::seconds idle{n * scale};
  if (idle < kMinIdle || idle > kMaxIdle) {
    return InvalidArgument("--idle '" + text + "': between 1s and 24h");
  }
  return idle;
}

}  // namespace backchannel::cli
