// Fuzz target: the stored feeler exchange state (exchange.h Decode). Never a
// crash; whatever decodes re-encodes to exactly the input, and the accessors
// a client calls on a loaded state are safe.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "backchannel/feelers/exchange.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  const ByteView in(data, size);
  auto x = feelers::Exchange::Decode(in);
  if (!x) return 0;
  const SecretBytes encoded = x->Encode();
  if (!ConstantTimeEqual(encoded.view(), in)) std::abort();
  (void)x->Matched();
  (void)x->MatchCount();
  (void)feelers::PhaseName(x->phase());
  return 0;
}
