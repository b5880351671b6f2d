#include "backchannel/envelope/envelope.h"

namespace backchannel::envelope {

ClientMessageId NewClientMessageId() {
  ClientMessageId id{};
  crypto::RandomBytes(id);
  return id;
}

Result<std::size_t> BucketFor(std::size_t /*inner_size*/) { return Internal("not implemented"); }
Result<Bytes> Seal(const InnerEnvelope& /*inner*/, const session::PublicKey& /*recipient*/) {
  return Internal("not implemented");
}
Result<InnerEnvelope> Open(ByteView /*envelope*/, const crypto::X25519KeyPair& /*recipient*/) {
  return Internal("not implemented");
}

}  // namespace backchannel::envelope
