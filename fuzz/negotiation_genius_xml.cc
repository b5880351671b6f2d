// Fuzz target: GENIUS XML, as a domain and as a profile, strict and lenient.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "backchannel/negotiation/io.h"
#include "negotiation_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel::negotiation;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (ParseMode mode : {ParseMode::kStrict, ParseMode::kLenient}) {
    std::vector<std::string> warnings;
    ImportOptions options{mode, &warnings};
    auto domain = ParseDomain(text, "fuzz.xml", options);
    // A profile file defines its own agenda, so read it against that too.
    if (domain)
      backchannel::fuzz::CheckProfile(*domain, ParseProfile(*domain, text, "fuzz.xml", options));
    backchannel::fuzz::CheckProfile(
        backchannel::fuzz::SmallDomain(),
        ParseProfile(backchannel::fuzz::SmallDomain(), text, "fuzz.xml", options));
  }
  return 0;
}
