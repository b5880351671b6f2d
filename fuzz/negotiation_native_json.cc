// Fuzz target: the native JSON domain and profile format.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "backchannel/negotiation/io.h"
#include "negotiation_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel::negotiation;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (ParseMode mode : {ParseMode::kStrict, ParseMode::kLenient}) {
    ImportOptions options{mode, nullptr};
    backchannel::fuzz::CheckDomain(ParseDomain(text, "fuzz.json", options));
    const auto& small = backchannel::fuzz::SmallDomain();
    backchannel::fuzz::CheckProfile(small, ParseProfile(small, text, "fuzz.json", options));
  }
  return 0;
}
