// QR codes as a module matrix for faces that draw them (the web app draws
// squares; the terminal keeps identity::RenderQr's half blocks). The matrix
// is libqrencode's (ISO/IEC 18004), error correction level M, without the
// quiet zone: the face adds its own margin.
#ifndef BACKCHANNEL_APP_QR_H_
#define BACKCHANNEL_APP_QR_H_

#include <string>
#include <string_view>
#include <vector>

#include "backchannel/app/json.h"
#include "backchannel/common/result.h"

namespace backchannel::app {

struct QrView {
  int size = 0;                      // modules per side
  std::vector<std::string> modules;  // `size` rows of `size` '0' (light) / '1' (dark)
};

// kInvalidArgument when `text` does not fit in a QR code.
Result<QrView> MakeQr(std::string_view text);

// {"size": N, "modules": ["0101...", ...]}
Json ToJson(const QrView& view);

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_QR_H_
