#include "backchannel/crypto/encoding.h"

#include <sodium.h>

namespace backchannel {
namespace {

int SodiumVariant(Base64Variant v) {
  return v == Base64Variant::kStandard ? sodium_base64_VARIANT_ORIGINAL
                                       : sodium_base64_VARIANT_URLSAFE_NO_PADDING;
}

}  // namespace

// libsodium's codecs declare their pointers non-null, and an empty span or
// vector may have a null data(): empty input is answered here.

std::string ToHex(ByteView b) {
  if (b.empty()) return {};
  std::string out(b.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), b.data(), b.size());
  out.pop_back();
  return out;
}

Result<Bytes> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgument("hex string has odd length");
  if (hex.empty()) return Bytes{};
  Bytes out(hex.size() / 2);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, &end) != 0 ||
      end != hex.data() + hex.size() || len != out.size()) {
    return InvalidArgument("not a hex string");
  }
  return out;
}

std::string ToBase64(ByteView b, Base64Variant v) {
  if (b.empty()) return {};
  const int variant = SodiumVariant(v);
  std::string out(sodium_base64_encoded_len(b.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), b.data(), b.size(), variant);
  out.pop_back();  // the terminating NUL
  return out;
}

Result<Bytes> FromBase64(std::string_view text, Base64Variant v) {
  Bytes out(text.size() / 4 * 3 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        SodiumVariant(v)) != 0 ||
      end != text.data() + text.size()) {
    return InvalidArgument("not valid base64");
  }
  out.resize(len);
  return out;
}

std::string HexPreview(ByteView b, std::size_t max_bytes) {
  if (b.size() <= max_bytes) return ToHex(b);
  return ToHex(b.first(max_bytes)) + "…(" + std::to_string(b.size()) + " bytes)";
}

}  // namespace backchannel
