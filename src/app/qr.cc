// QR module matrices (qr.h) from libqrencode.
#include "backchannel/app/qr.h"

#include <qrencode.h>

#include <memory>

namespace backchannel::app {
namespace {

struct QrDeleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

Result<QrView> MakeQr(std::string_view text) {
  const std::string data(text);
  // Byte mode (encodeData), so any text round-trips exactly; version 0 lets
  // libqrencode choose the smallest symbol that holds it.
  std::unique_ptr<QRcode, QrDeleter> qr(
      QRcode_encodeData(static_cast<int>(data.size()),
                        reinterpret_cast<const unsigned char*>(data.data()), 0, QR_ECLEVEL_M));
  if (qr == nullptr) return InvalidArgument("text does not fit in a QR code");
  QrView view;
  view.size = qr->width;
  view.modules.reserve(static_cast<std::size_t>(qr->width));
  for (int row = 0; row < qr->width; ++row) {
    std::string line(static_cast<std::size_t>(qr->width), '0');
    for (int col = 0; col < qr->width; ++col) {
      // Bit 0 of each byte is the module's colour (1: dark); the other bits
      // are libqrencode's bookkeeping.
      if ((qr->data[row * qr->width + col] & 1) != 0) line[static_cast<std::size_t>(col)] = '1';
    }
    view.modules.push_back(std::move(line));
  }
  return view;
}

Json ToJson(const QrView& view) { return Json{{"size", view.size}, {"modules", view.modules}}; }

}  // namespace backchannel::app
