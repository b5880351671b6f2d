// Byte buffers and views used across every part.
//
// Bytes owns public data (wire messages, public keys). ByteView borrows.
// Secret material never lives in Bytes: see secret_bytes.h.
#ifndef BACKCHANNEL_COMMON_BYTES_H_
#define BACKCHANNEL_COMMON_BYTES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace backchannel {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using MutableByteView = std::span<std::uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsString(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes ToBytes(ByteView b) { return {b.begin(), b.end()}; }
inline Bytes ToBytes(std::string_view s) { return ToBytes(AsBytes(s)); }

// Appends `b` to `out`.
inline void Append(Bytes& out, ByteView b) { out.insert(out.end(), b.begin(), b.end()); }

// Equality of public data. Not constant time: never use it on MACs or secrets.
inline bool PublicEqual(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace backchannel

#endif  // BACKCHANNEL_COMMON_BYTES_H_
