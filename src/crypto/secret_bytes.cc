#include "backchannel/crypto/secret_bytes.h"

#include <sodium.h>

#include <cstring>

namespace backchannel {

void SecureWipe(void* p, std::size_t n) {
  if (p != nullptr && n != 0) sodium_memzero(p, n);
}

bool ConstantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

SecretBytes::SecretBytes(std::size_t size)
    : data_(size != 0 ? std::make_unique<std::uint8_t[]>(size) : nullptr), size_(size) {}

SecretBytes::SecretBytes(ByteView from) : SecretBytes(from.size()) {
  if (size_ != 0) std::memcpy(data_.get(), from.data(), size_);
}

SecretBytes::~SecretBytes() { Release(); }

SecretBytes::SecretBytes(SecretBytes&& o) noexcept : data_(std::move(o.data_)), size_(o.size_) {
  o.size_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& o) noexcept {
  if (this != &o) {
    Release();
    data_ = std::move(o.data_);
    size_ = o.size_;
    o.size_ = 0;
  }
  return *this;
}

void SecretBytes::Release() {
  SecureWipe(data_.get(), size_);
  data_.reset();
  size_ = 0;
}

}  // namespace backchannel
