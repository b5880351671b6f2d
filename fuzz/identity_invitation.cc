// Invitation codes, as text and as the binary encoding: never a crash; a
// decoded invitation re-encodes to the same text / bytes.
#include <cstdlib>

#include "backchannel/identity/invitation.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  const ByteView in(data, size);
  if (auto inv = identity::InvitationFromText(AsString(in))) {
    auto text = identity::InvitationToText(*inv);
    if (!text) std::abort();
    auto again = identity::InvitationFromText(*text);
    if (!again || !(*again == *inv)) std::abort();
  }
  if (auto inv = identity::DecodeInvitation(in)) {
    auto encoded = identity::EncodeInvitation(*inv);
    if (!encoded || !PublicEqual(*encoded, in)) std::abort();
  }
  return 0;
}
