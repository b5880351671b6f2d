// A fixed-size byte value with a name: FixedBytes<N, Tag>.
//
// Mailbox ids, delivery tokens, keys and pins are all "N bytes", and as bare
// std::array values one can be passed where another is meant without a word
// from the compiler. Each gets its own Tag here, so a MailboxId is not a
// ClientMessageId, and a raw array becomes one only by an explicit
// construction at the point where data enters (a decoder, a random draw).
//
// Reading is free: bytes(), data(), size(), begin()/end() (so a value converts
// to ByteView and works with ToHex, ToBase64, Append).
//
// Equality: a Tag declares `static constexpr bool kSecret`. Public values get
// == and <=> (and std::hash, for maps). A secret or MAC-like value (a delivery
// token) gets neither: comparing it must be constant time, which is a
// libsodium call and lives in crypto (ConstantTimeEqual(a, b) on the views).
#ifndef BACKCHANNEL_COMMON_FIXED_BYTES_H_
#define BACKCHANNEL_COMMON_FIXED_BYTES_H_

#include <algorithm>
#include <array>
#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>

#include "backchannel/common/bytes.h"

namespace backchannel {

template <std::size_t N, typename Tag>
class FixedBytes {
 public:
  using Array = std::array<std::uint8_t, N>;
  using TagType = Tag;
  static constexpr std::size_t kSize = N;

  // All zero: the state of a field not yet filled in.
  constexpr FixedBytes() = default;
  constexpr explicit FixedBytes(const Array& bytes) : bytes_(bytes) {}

  // `view` as this type when it is exactly N bytes; nullopt otherwise.
  static std::optional<FixedBytes> FromView(ByteView view) {
    if (view.size() != N) return std::nullopt;
    FixedBytes out;
    std::copy(view.begin(), view.end(), out.bytes_.begin());
    return out;
  }

  constexpr const Array& bytes() const { return bytes_; }
  // For filling in place (a random draw, a decoder writing into the value).
  constexpr Array& mutable_bytes() { return bytes_; }
  constexpr const std::uint8_t* data() const { return bytes_.data(); }
  static constexpr std::size_t size() { return N; }
  constexpr std::uint8_t operator[](std::size_t i) const { return bytes_[i]; }
  constexpr auto begin() const { return bytes_.begin(); }
  constexpr auto end() const { return bytes_.end(); }
  ByteView view() const { return {bytes_.data(), N}; }

  friend constexpr bool operator==(const FixedBytes& a,
                                   const FixedBytes& b) requires(!Tag::kSecret) {
    return a.bytes_ == b.bytes_;
  }
  friend constexpr std::strong_ordering operator<=>(const FixedBytes& a,
                                                    const FixedBytes& b) requires(!Tag::kSecret) {
    return a.bytes_ <=> b.bytes_;
  }

 private:
  Array bytes_{};
};

}  // namespace backchannel

// Public values can key unordered maps; secrets cannot (their hash would leak
// timing the way == would).
template <std::size_t N, typename Tag>
requires(!Tag::kSecret) struct std::hash<backchannel::FixedBytes<N, Tag>> {
  std::size_t operator()(const backchannel::FixedBytes<N, Tag>& v) const noexcept {
    // Every byte counts. Random ids would do with their first 8 bytes, but
    // not every value here is uniform at the front (a curve point's
    // encoding, keys that share a prefix in tests), so each 8-byte word is
    // folded in: xor, multiply by an odd constant (2^64 / golden ratio),
    // rotate. Not keyed, so no defence against keys chosen to collide: a
    // map of values taken from strangers in bulk wants std::map instead.
    std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ N;
    for (std::size_t at = 0; at < N; at += sizeof(std::uint64_t)) {
      std::uint64_t word = 0;
      std::memcpy(&word, v.data() + at, std::min(sizeof word, N - at));
      h = std::rotl((h ^ word) * 0x9e3779b97f4a7c15ULL, 31);
    }
    return static_cast<std::size_t>(h);
  }
};

#endif  // BACKCHANNEL_COMMON_FIXED_BYTES_H_
