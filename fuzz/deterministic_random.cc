// Linked into every libFuzzer target (BACKCHANNEL_FUZZ): replaces libsodium's
// random source, before anything initialises libsodium, with a fixed-key
// ChaCha20 stream, so keys, nonces and ids a target generates are the same
// in every process. With a fixed -seed and run count (and ASLR off, as
// scripts/test runs it), a fuzz run then executes the same inputs every time:
// the fuzz stage's verdict depends on the commit only. Never in a product
// build: the replay and test builds do not link this file.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

// The stream's next key; each request draws its bytes and the next key from
// ChaCha20 under the current one.
std::array<unsigned char, randombytes_SEEDBYTES> state = {'b', 'a', 'c', 'k', 'c', 'h', 'a', 'n',
                                                          'n', 'e', 'l', '-', 'f', 'u', 'z', 'z'};

void Buf(void* out, std::size_t size) {
  std::vector<unsigned char> block(size + state.size());
  randombytes_buf_deterministic(block.data(), block.size(), state.data());
  if (size > 0) std::memcpy(out, block.data(), size);
  std::copy(block.end() - static_cast<std::ptrdiff_t>(state.size()), block.end(), state.begin());
}

std::uint32_t Random() {
  std::uint32_t r = 0;
  Buf(&r, sizeof r);
  return r;
}

const char* Name() { return "backchannel-fuzz-deterministic"; }

randombytes_implementation implementation = {
    Name, Random, /*stir=*/nullptr, /*uniform=*/nullptr, Buf, /*close=*/nullptr,
};

// Before main, so before the first sodium_init().
[[maybe_unused]] const int installed = randombytes_set_implementation(&implementation);

}  // namespace
