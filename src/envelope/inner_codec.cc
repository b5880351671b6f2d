#include "backchannel/envelope/envelope.h"

namespace backchannel::envelope {

Result<Bytes> EncodeInner(const InnerEnvelope& /*inner*/) { return Internal("not implemented"); }
Result<InnerEnvelope> DecodeInner(ByteView /*encoded*/) { return Internal("not implemented"); }

}  // namespace backchannel::envelope
