// QR codes for terminals (libqrencode), drawn with Unicode half blocks.
#include <qrencode.h>

#include <memory>
#include <string>

#include "backchannel/identity/invitation.h"

namespace backchannel::identity {
namespace {

constexpr int kQuietZone = 2;

struct QrDeleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

Result<std::string> RenderQr(std::string_view text) {
  const std::string data(text);
  std::unique_ptr<QRcode, QrDeleter> qr(
      QRcode_encodeData(static_cast<int>(data.size()),
                        reinterpret_cast<const unsigned char*>(data.data()), 0, QR_ECLEVEL_M));
  if (qr == nullptr) return InvalidArgument("text does not fit in a QR code");
  const int modules = qr->width;
  const int size = modules + 2 * kQuietZone;
  // True for a light module (drawn), including the quiet zone and the row
  // past the bottom edge when `size` is odd.
  auto light = [&](int row, int col) {
    row -= kQuietZone;
    col -= kQuietZone;
    if (row < 0 || col < 0 || row >= modules || col >= modules) return true;
    return (qr->data[row * modules + col] & 1) == 0;
  };
  std::string out;
  for (int row = 0; row < size; row += 2) {
    for (int col = 0; col < size; ++col) {
      const bool top = light(row, col);
      const bool bottom = row + 1 < size ? light(row + 1, col) : false;
      if (top && bottom) {
        out += "\u2588";  // █
      } else if (top) {
        out += "\u2580";  // ▀
      } else if (bottom) {
        out += "\u2584";  // ▄
      } else {
        out += ' ';
      }
    }
    out += '\n';
  }
  return out;
}

}  // namespace backchannel::identity
