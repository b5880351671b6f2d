// Fuzz target: the stored probing budget (budget.h Decode). Never a crash;
// whatever decodes re-encodes to exactly the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "backchannel/feelers/budget.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  const ByteView in(data, size);
  auto b = feelers::ProbingBudget::Decode(in);
  if (!b) return 0;
  if (b->Encode() != Bytes(in.begin(), in.end())) std::abort();
  return 0;
}
