#include <sodium.h>

#include <cstdlib>
#include <mutex>

#include "backchannel/crypto/primitives.h"

namespace backchannel::crypto {

void EnsureInitialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no randomness: nothing safe can run
  });
}

void RandomBytes(MutableByteView out) {
  if (out.empty()) return;  // an empty span may have a null data(): randombytes_buf wants non-null
  EnsureInitialized();
  randombytes_buf(out.data(), out.size());
}

std::uint32_t RandomUint32() {
  EnsureInitialized();
  return randombytes_random();
}

std::uint32_t RandomUniform(std::uint32_t upper_bound) {
  EnsureInitialized();
  return randombytes_uniform(upper_bound);
}

}  // namespace backchannel::crypto
