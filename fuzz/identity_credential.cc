// The credential decoder: never a crash; the encoding is canonical (a decoded
// credential re-encodes to exactly the input).
#include <cstdlib>

#include "backchannel/identity/credential.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  const ByteView in(data, size);
  auto c = identity::DecodeCredential(in);
  if (!c) return 0;
  auto encoded = identity::EncodeCredential(*c);
  if (!encoded || !PublicEqual(*encoded, in)) std::abort();
  (void)identity::VerifyCredentialSignature(*c);
  return 0;
}
