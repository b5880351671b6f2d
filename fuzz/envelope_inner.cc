// The inner envelope decoder: never a crash; a decoded value re-encodes to
// the input without its zero padding.
#include <cstdlib>

#include "backchannel/envelope/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  const ByteView in(data, size);
  auto inner = envelope::DecodeInner(in);
  if (!inner) return 0;
  auto encoded = envelope::EncodeInner(*inner);
  if (!encoded || encoded->size() > size || !PublicEqual(*encoded, in.first(encoded->size()))) {
    std::abort();
  }
  return 0;
}
