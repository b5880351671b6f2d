// SignalMessage decoding and decryption: hostile bytes never crash, and a
// failed decryption leaves the session byte-identical.
#include <cstdlib>

#include "session/wire_codec.h"
#include "session_fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  const ByteView in(data, size);
  (void)session::internal::ParseSignalMessage(in);
  auto& f = fuzz::SessionFixture::Get();
  const SecretBytes before = f.bob_session->Serialize();
  auto r = f.bob_session->Decrypt({session::CiphertextMessage::Type::kSignal, ToBytes(in)});
  if (!r && !f.bob_session->Serialize().Equals(before)) std::abort();
  return 0;
}
