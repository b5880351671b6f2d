// Text encodings of bytes: hex and base64 (libsodium's codecs).
//
// Decoders reject anything that is not exactly the encoding (odd length, stray
// characters, wrong padding) with kInvalidArgument, so user input gets a clear
// error instead of a silently truncated value.
#ifndef BACKCHANNEL_CRYPTO_ENCODING_H_
#define BACKCHANNEL_CRYPTO_ENCODING_H_

#include <string>
#include <string_view>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"

namespace backchannel {

std::string ToHex(ByteView b);
Result<Bytes> FromHex(std::string_view hex);

enum class Base64Variant { kStandard, kUrlSafeNoPadding };
std::string ToBase64(ByteView b, Base64Variant v = Base64Variant::kStandard);
Result<Bytes> FromBase64(std::string_view text, Base64Variant v = Base64Variant::kStandard);

// Hex of at most `max_bytes` bytes followed by "…(N bytes)" when longer: for
// showing wire bytes to people.
std::string HexPreview(ByteView b, std::size_t max_bytes);

}  // namespace backchannel

#endif  // BACKCHANNEL_CRYPTO_ENCODING_H_
