// Serialized session records: never a crash; what deserializes serializes
// back to the same bytes' meaning and can encrypt.
#include <cstdlib>

#include "backchannel/session/session.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  auto s = session::Session::Deserialize(ByteView(data, size));
  if (!s) return 0;
  const SecretBytes once = s->Serialize();
  auto again = session::Session::Deserialize(once.view());
  if (!again || !again->Serialize().Equals(once)) std::abort();
  (void)s->Encrypt(AsBytes("x"));
  return 0;
}
