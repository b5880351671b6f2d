// PreKeySignalMessage decoding, session acceptance and decryption on an
// existing session: never a crash; failures change nothing.
#include <cstdlib>

#include "session/wire_codec.h"
#include "session_fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  const ByteView in(data, size);
  (void)session::internal::ParsePreKeySignalMessage(in);
  auto& f = fuzz::SessionFixture::Get();
  (void)session::Session::Accept(f.bob, 22, f.bob_prekeys, in);
  const SecretBytes before = f.bob_session->Serialize();
  auto r = f.bob_session->DecryptPreKey(f.bob, f.bob_prekeys, in);
  if (!r && !f.bob_session->Serialize().Equals(before)) std::abort();
  return 0;
}
