// The revocation list decoder: never a crash; the encoding is canonical.
#include <cstdlib>

#include "backchannel/identity/credential.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  const ByteView in(data, size);
  auto l = identity::DecodeRevocationList(in);
  if (!l) return 0;
  auto encoded = identity::EncodeRevocationList(*l);
  if (!encoded || !PublicEqual(*encoded, in)) std::abort();
  (void)identity::VerifyRevocationListSignature(*l);
  return 0;
}
