// Fuzz target: the feeler finish decoder (message.h). Never a crash; whatever
// decodes re-encodes to exactly the input (the encoding is canonical).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "backchannel/feelers/message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  const ByteView in(data, size);
  auto m = feelers::DecodeFinish(in);
  if (!m) return 0;
  const Bytes encoded = feelers::EncodeFinish(*m);
  if (encoded != Bytes(in.begin(), in.end())) std::abort();
  auto again = feelers::DecodeFinish(encoded);
  if (!again || !(*again == *m)) std::abort();
  return 0;
}
