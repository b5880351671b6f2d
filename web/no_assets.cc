// The web app's assets for a build without the front end
// (-DBACKCHANNEL_WEBAPP=OFF: the fuzz and lint builds, which need no Node).
// The server answers that this build has no web app.
#include "backchannel/webapp/embedded_assets.h"

namespace backchannel::webapp {

std::span<const EmbeddedAsset> EmbeddedAssets() { return {}; }

}  // namespace backchannel::webapp
