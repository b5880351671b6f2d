// Big-endian writer and bounds-checked reader for the fixed binary encodings
// of envelopes, credentials, revocation lists, invitations and the authority
// key file (docs/wire.md, docs/identity.md).
//
// Thread safety: distinct objects are safe; shared objects are unsafe.
#ifndef BACKCHANNEL_COMMON_BYTE_IO_H_
#define BACKCHANNEL_COMMON_BYTE_IO_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "backchannel/common/bytes.h"
#include "backchannel/common/fixed_bytes.h"

namespace backchannel {

class ByteWriter {
 public:
  void U8(std::uint8_t v) { out_.push_back(v); }
  void U16(std::uint16_t v) { UInt(v, 2); }
  void U32(std::uint32_t v) { UInt(v, 4); }
  void U64(std::uint64_t v) { UInt(v, 8); }
  void I64(std::int64_t v) { U64(static_cast<std::uint64_t>(v)); }
  void Raw(ByteView b) { Append(out_, b); }
  // A u16 length, then the bytes. REQUIRES: size <= 65535.
  void Bytes16(ByteView b) {
    U16(static_cast<std::uint16_t>(b.size()));
    Raw(b);
  }
  void String16(std::string_view s) { Bytes16(AsBytes(s)); }
  Bytes& bytes() { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  void UInt(std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  Bytes out_;
};

// Every read returns false (and leaves the output unchanged) past the end.
class ByteReader {
 public:
  explicit ByteReader(ByteView in) : in_(in) {}

  bool U8(std::uint8_t& v) {
    std::uint64_t x = 0;
    if (!UInt(x, 1)) return false;
    v = static_cast<std::uint8_t>(x);
    return true;
  }
  bool U16(std::uint16_t& v) {
    std::uint64_t x = 0;
    if (!UInt(x, 2)) return false;
    v = static_cast<std::uint16_t>(x);
    return true;
  }
  bool U32(std::uint32_t& v) {
    std::uint64_t x = 0;
    if (!UInt(x, 4)) return false;
    v = static_cast<std::uint32_t>(x);
    return true;
  }
  bool U64(std::uint64_t& v) { return UInt(v, 8); }
  bool I64(std::int64_t& v) {
    std::uint64_t x = 0;
    if (!UInt(x, 8)) return false;
    v = static_cast<std::int64_t>(x);
    return true;
  }
  bool Raw(std::size_t n, ByteView& v) {
    if (remaining() < n) return false;
    v = in_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  template <std::size_t N>
  bool Array(std::array<std::uint8_t, N>& out) {
    ByteView v;
    if (!Raw(N, v)) return false;
    std::copy(v.begin(), v.end(), out.begin());
    return true;
  }
  // The same into a named fixed-size value (fixed_bytes.h).
  template <std::size_t N, typename Tag>
  bool Array(FixedBytes<N, Tag>& out) {
    return Array(out.mutable_bytes());
  }
  bool String16(std::string& s) {
    std::uint16_t n = 0;
    ByteView v;
    if (!U16(n) || !Raw(n, v)) return false;
    s.assign(AsString(v));
    return true;
  }
  std::size_t remaining() const { return in_.size() - pos_; }
  ByteView rest() const { return in_.subspan(pos_); }
  bool done() const { return pos_ == in_.size(); }

 private:
  bool UInt(std::uint64_t& v, int n) {
    if (remaining() < static_cast<std::size_t>(n)) return false;
    std::uint64_t x = 0;
    for (int i = 0; i < n; ++i) x = (x << 8) | in_[pos_ + static_cast<std::size_t>(i)];
    pos_ += static_cast<std::size_t>(n);
    v = x;
    return true;
  }
  ByteView in_;
  std::size_t pos_ = 0;
};

}  // namespace backchannel

#endif  // BACKCHANNEL_COMMON_BYTE_IO_H_
