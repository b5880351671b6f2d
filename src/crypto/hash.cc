// HMAC-SHA256 (OpenSSL EVP_MAC), SHA-512 (libsodium) and HKDF (RFC 5869).
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "backchannel/crypto/primitives.h"

namespace backchannel::crypto {
namespace {

// One HMAC context per thread, fetched once: OpenSSL 3's one-shot HMAC()
// fetches the algorithm on every call, which costs more than hashing a short
// chain key. EVP_MAC_init with a new key fully resets the context.
class ThreadHmac {
 public:
  ThreadHmac() {
    mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    ctx_ = mac_ ? EVP_MAC_CTX_new(mac_) : nullptr;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (ctx_ == nullptr || EVP_MAC_CTX_set_params(ctx_, params) != 1) std::abort();
  }
  ~ThreadHmac() {
    EVP_MAC_CTX_free(ctx_);
    EVP_MAC_free(mac_);
  }
  ThreadHmac(const ThreadHmac&) = delete;
  ThreadHmac& operator=(const ThreadHmac&) = delete;
  ThreadHmac(ThreadHmac&&) = delete;
  ThreadHmac& operator=(ThreadHmac&&) = delete;

  EVP_MAC_CTX* ctx() { return ctx_; }

 private:
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* ctx_ = nullptr;
};

constexpr std::uint8_t kEmptyKey[1] = {0};

}  // namespace

Sha256Digest HmacSha256(ByteView key, std::initializer_list<ByteView> parts) {
  thread_local ThreadHmac hmac;
  EVP_MAC_CTX* ctx = hmac.ctx();
  // OpenSSL rejects a null key pointer even with length 0.
  const std::uint8_t* k = key.empty() ? kEmptyKey : key.data();
  if (EVP_MAC_init(ctx, k, key.size(), nullptr) != 1) std::abort();
  for (ByteView p : parts) {
    if (!p.empty() && EVP_MAC_update(ctx, p.data(), p.size()) != 1) std::abort();
  }
  Sha256Digest out{};
  std::size_t len = 0;
  if (EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != out.size()) std::abort();
  return out;
}

Sha512Digest Sha512(std::initializer_list<ByteView> parts) {
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  for (ByteView p : parts) crypto_hash_sha512_update(&st, p.data(), p.size());
  Sha512Digest out{};
  crypto_hash_sha512_final(&st, out.data());
  SecureWipe(&st, sizeof st);
  return out;
}

Sha256Digest Sha256(std::initializer_list<ByteView> parts) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  for (ByteView p : parts) crypto_hash_sha256_update(&st, p.data(), p.size());
  Sha256Digest out{};
  crypto_hash_sha256_final(&st, out.data());
  SecureWipe(&st, sizeof st);
  return out;
}

void HkdfSha256(ByteView ikm, ByteView salt, ByteView info, MutableByteView out) {
  // RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); an absent salt is HashLen zeros.
  static constexpr std::uint8_t kZeroSalt[32] = {};
  Sha256Digest prk = HmacSha256(salt.empty() ? ByteView(kZeroSalt) : salt, ikm);
  // §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i), OKM = first L bytes.
  Sha256Digest t{};
  std::size_t done = 0;
  for (std::uint8_t i = 1; done < out.size(); ++i) {
    const std::uint8_t counter[1] = {i};
    t = HmacSha256(prk, {i == 1 ? ByteView() : ByteView(t), info, counter});
    const std::size_t n = std::min(t.size(), out.size() - done);
    std::memcpy(out.data() + done, t.data(), n);
    done += n;
  }
  SecureWipe(prk.data(), prk.size());
  SecureWipe(t.data(), t.size());
}

}  // namespace backchannel::crypto
