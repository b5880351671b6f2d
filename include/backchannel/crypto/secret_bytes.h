// Containers for secret material: keys, chain keys, seeds, passphrases.
//
// Both types wipe their contents with sodium_memzero when destroyed or
// overwritten, cannot be copied implicitly (use Clone()), and compare only in
// constant time (Equals, via sodium_memcmp). Reading the raw bytes is allowed
// (the code that uses a key must see it) but there is no conversion to Bytes
// or std::string, so a secret cannot slide into a log or a wire buffer by
// accident: such an export has to call ExposeCopy(), which is easy to grep for.
//
// Thread safety: distinct objects are safe; shared objects are unsafe.
#ifndef BACKCHANNEL_CRYPTO_SECRET_BYTES_H_
#define BACKCHANNEL_CRYPTO_SECRET_BYTES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "backchannel/common/bytes.h"
#include "backchannel/common/fixed_bytes.h"

namespace backchannel {

// Wipes `n` bytes at `p` in a way the compiler cannot elide (sodium_memzero).
void SecureWipe(void* p, std::size_t n);
// Constant-time equality of equal-length buffers (sodium_memcmp); false when
// the lengths differ.
bool ConstantTimeEqual(ByteView a, ByteView b);
// The same for two values of one named type (fixed_bytes.h): the comparison
// for secret ones (delivery tokens, token hashes), which have no ==.
template <std::size_t N, typename Tag>
bool ConstantTimeEqual(const FixedBytes<N, Tag>& a, const FixedBytes<N, Tag>& b) {
  return ConstantTimeEqual(a.view(), b.view());
}

// A fixed-size secret, stored inline (no allocation): ratchet keys and the like.
template <std::size_t N>
class SecretArray {
 public:
  static constexpr std::size_t kSize = N;

  SecretArray() { data_.fill(0); }
  explicit SecretArray(ByteView from) { Assign(from); }
  ~SecretArray() { SecureWipe(data_.data(), N); }
  SecretArray(const SecretArray&) = delete;
  SecretArray& operator=(const SecretArray&) = delete;
  SecretArray(SecretArray&& o) noexcept : data_(o.data_) { SecureWipe(o.data_.data(), N); }
  SecretArray& operator=(SecretArray&& o) noexcept {
    if (this != &o) {
      data_ = o.data_;
      SecureWipe(o.data_.data(), N);
    }
    return *this;
  }

  SecretArray Clone() const {
    SecretArray c;
    c.data_ = data_;
    return c;
  }
  // REQUIRES: from.size() == N
  void Assign(ByteView from) {
    for (std::size_t i = 0; i < N && i < from.size(); ++i) data_[i] = from[i];
  }

  std::uint8_t* data() { return data_.data(); }
  const std::uint8_t* data() const { return data_.data(); }
  static constexpr std::size_t size() { return N; }
  ByteView view() const { return {data_.data(), N}; }
  MutableByteView mutable_view() { return {data_.data(), N}; }
  bool Equals(const SecretArray& o) const { return ConstantTimeEqual(view(), o.view()); }

 private:
  std::array<std::uint8_t, N> data_;
};

// A variable-length secret on the heap.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size);
  explicit SecretBytes(ByteView from);
  ~SecretBytes();
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& o) noexcept;
  SecretBytes& operator=(SecretBytes&& o) noexcept;

  SecretBytes Clone() const { return SecretBytes(view()); }

  std::uint8_t* data() { return data_.get(); }
  const std::uint8_t* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return {data_.get(), size_}; }
  MutableByteView mutable_view() { return {data_.get(), size_}; }
  bool Equals(const SecretBytes& o) const { return ConstantTimeEqual(view(), o.view()); }

  // Copies the secret into ordinary Bytes. Callers take responsibility for
  // wiping the copy; grep for ExposeCopy to audit every such place.
  Bytes ExposeCopy() const { return ToBytes(view()); }

 private:
  void Release();
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
};

}  // namespace backchannel

#endif  // BACKCHANNEL_CRYPTO_SECRET_BYTES_H_
