#include "backchannel/identity/invitation.h"

namespace backchannel::identity {

Result<std::string> RenderQr(std::string_view) { return Internal("not implemented"); }

}  // namespace backchannel::identity
