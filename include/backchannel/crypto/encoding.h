// Text encodings of bytes: hex and base64 (libsodium's codecs).
//
// Decoders reject anything that is not exactly the encoding (odd length, stray
// characters, wrong padding) with kInvalidArgument, so user input gets a clear
// error instead of a silently truncated value.
#ifndef BACKCHANNEL_CRYPTO_ENCODING_H_
#define BACKCHANNEL_CRYPTO_ENCODING_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "backchannel/common/bytes.h"
#include "backchannel/common/fixed_bytes.h"
#include "backchannel/common/result.h"

namespace backchannel {

std::string ToHex(ByteView b);
Result<Bytes> FromHex(std::string_view hex);

enum class Base64Variant { kStandard, kUrlSafeNoPadding };
std::string ToBase64(ByteView b, Base64Variant v = Base64Variant::kStandard);
Result<Bytes> FromBase64(std::string_view text, Base64Variant v = Base64Variant::kStandard);

// `text` decoded, when it is exactly N bytes: the one decoder of fixed-size
// values (keys, ids, tokens, pins). A text longer than any encoding of N
// bytes is refused before decoding; another size is kInvalidArgument naming
// the size expected.
template <std::size_t N>
Result<std::array<std::uint8_t, N>> FromBase64Fixed(std::string_view text, Base64Variant v) {
  if (text.size() > (N + 2) / 3 * 4) {
    return InvalidArgument("not the base64 of " + std::to_string(N) + " bytes");
  }
  auto bytes = FromBase64(text, v);
  if (!bytes.ok() || bytes->size() != N) {
    return InvalidArgument("not the base64 of " + std::to_string(N) + " bytes");
  }
  std::array<std::uint8_t, N> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

// As FromBase64Fixed, for hex (2N digits, either case).
template <std::size_t N>
Result<std::array<std::uint8_t, N>> FromHexFixed(std::string_view hex) {
  if (hex.size() != 2 * N) {
    return InvalidArgument("not " + std::to_string(2 * N) + " hex digits");
  }
  auto bytes = FromHex(hex);
  if (!bytes.ok() || bytes->size() != N) {
    return InvalidArgument("not " + std::to_string(2 * N) + " hex digits");
  }
  std::array<std::uint8_t, N> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

// The same decoders, producing a named fixed-size value (fixed_bytes.h)
// directly, so data is typed where it enters: FromBase64Fixed<MailboxId>(...).
template <typename T>
requires std::is_same_v<T, FixedBytes<T::kSize, typename T::TagType>> Result<T> FromBase64Fixed(
    std::string_view text, Base64Variant v) {
  auto bytes = FromBase64Fixed<T::kSize>(text, v);
  if (!bytes.ok()) return bytes.error();
  return T(*bytes);
}
template <typename T>
requires std::is_same_v<T, FixedBytes<T::kSize, typename T::TagType>> Result<T> FromHexFixed(
    std::string_view hex) {
  auto bytes = FromHexFixed<T::kSize>(hex);
  if (!bytes.ok()) return bytes.error();
  return T(*bytes);
}

// Hex of at most `max_bytes` bytes followed by "…(N bytes)" when longer: for
// showing wire bytes to people.
std::string HexPreview(ByteView b, std::size_t max_bytes);

}  // namespace backchannel

#endif  // BACKCHANNEL_CRYPTO_ENCODING_H_
