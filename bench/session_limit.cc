// BM_Roundtrip1K/limit: the raw cost of the primitives that one 1 KiB message
// round trip of the Double Ratchet needs, with no protocol around them. It is
// the floor that BM_Roundtrip1K/backchannel is compared with (target: within 2x).
//
// Per iteration (one message, always a fresh key as each message has its own):
//   - AES-256-CBC encryption of 1 KiB with PKCS#7 padding (OpenSSL EVP; the key
//     schedule is part of the cost, as every message key is new),
//   - AES-256-CBC decryption of the resulting 1040 bytes,
//   - one HMAC-SHA256 over the ciphertext (1040 bytes: the same 17 SHA-256
//     blocks as 1 KiB; OpenSSL EVP_MAC, fresh key).
// Every 10th iteration (one DH ratchet step per 10 messages, as in
// BM_Roundtrip1K/<peer> where the direction changes every 10 messages):
//   - one X25519 key generation (libsodium: randombytes_buf + crypto_scalarmult_base,
//     what crypto_box_keypair does),
//   - two X25519 agreements (crypto_scalarmult).
// Not counted: the receiver's verifying HMAC, the small HMACs and HKDF of the
// chain and message keys, protobuf encoding, and state (de)serialization.
// Algorithm objects and contexts are fetched/allocated once, outside the loop.
#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <vector>

namespace backchannel::bench {
namespace {

constexpr std::size_t kMessageSize = 1024;
constexpr int64_t kRatchetEvery = 10;

void BM_Roundtrip1K_limit(benchmark::State& state) {
  if (sodium_init() < 0) {
    state.SkipWithError("sodium_init failed");
    return;
  }
  EVP_CIPHER* aes = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_CIPHER_CTX* cipher_ctx = EVP_CIPHER_CTX_new();
  EVP_MAC_CTX* mac_ctx = hmac != nullptr ? EVP_MAC_CTX_new(hmac) : nullptr;
  if (aes == nullptr || hmac == nullptr || cipher_ctx == nullptr || mac_ctx == nullptr) {
    state.SkipWithError("OpenSSL algorithm fetch failed");
  }
  char digest[] = "SHA256";
  const OSSL_PARAM mac_params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };

  std::vector<uint8_t> plaintext(kMessageSize);
  for (std::size_t i = 0; i < plaintext.size(); ++i)
    plaintext[i] = static_cast<uint8_t>(i * 131 + 7);
  std::vector<uint8_t> ciphertext(kMessageSize + 16);
  std::vector<uint8_t> decrypted(kMessageSize + 16);
  std::array<uint8_t, 32> key{};
  std::array<uint8_t, 32> mac_key{};
  std::array<uint8_t, 16> iv{};
  std::array<uint8_t, 32> mac{};
  randombytes_buf(key.data(), key.size());
  randombytes_buf(mac_key.data(), mac_key.size());
  randombytes_buf(iv.data(), iv.size());

  // The remote party's current ratchet public key.
  std::array<uint8_t, 32> their_secret{};
  std::array<uint8_t, 32> their_public{};
  randombytes_buf(their_secret.data(), their_secret.size());
  crypto_scalarmult_base(their_public.data(), their_secret.data());
  std::array<uint8_t, 32> our_secret{};
  std::array<uint8_t, 32> our_public{};
  randombytes_buf(our_secret.data(), our_secret.size());
  std::array<uint8_t, 32> shared1{};
  std::array<uint8_t, 32> shared2{};

  int64_t i = 0;
  bool ok = cipher_ctx != nullptr && mac_ctx != nullptr;
  for (auto _ : state) {
    if (!ok) break;
    if (i++ % kRatchetEvery == 0) {
      // DH ratchet step: new key pair, DH for the receiving chain (their key
      // with our old key) and for the sending chain (their key with our new one).
      ok &= crypto_scalarmult(shared1.data(), our_secret.data(), their_public.data()) == 0;
      randombytes_buf(our_secret.data(), our_secret.size());
      ok &= crypto_scalarmult_base(our_public.data(), our_secret.data()) == 0;
      ok &= crypto_scalarmult(shared2.data(), our_secret.data(), their_public.data()) == 0;
      benchmark::DoNotOptimize(shared1.data());
      benchmark::DoNotOptimize(shared2.data());
      benchmark::DoNotOptimize(our_public.data());
    }
    int len1 = 0;
    int len2 = 0;
    ok &= EVP_EncryptInit_ex2(cipher_ctx, aes, key.data(), iv.data(), nullptr) == 1;
    ok &= EVP_EncryptUpdate(cipher_ctx, ciphertext.data(), &len1, plaintext.data(),
                            static_cast<int>(plaintext.size())) == 1;
    ok &= EVP_EncryptFinal_ex(cipher_ctx, ciphertext.data() + len1, &len2) == 1;
    const int ciphertext_len = len1 + len2;

    std::size_t mac_len = 0;
    ok &= EVP_MAC_init(mac_ctx, mac_key.data(), mac_key.size(), mac_params) == 1;
    ok &= EVP_MAC_update(mac_ctx, ciphertext.data(), static_cast<std::size_t>(ciphertext_len)) == 1;
    ok &= EVP_MAC_final(mac_ctx, mac.data(), &mac_len, mac.size()) == 1;

    int len3 = 0;
    int len4 = 0;
    ok &= EVP_DecryptInit_ex2(cipher_ctx, aes, key.data(), iv.data(), nullptr) == 1;
    ok &= EVP_DecryptUpdate(cipher_ctx, decrypted.data(), &len3, ciphertext.data(),
                            ciphertext_len) == 1;
    ok &= EVP_DecryptFinal_ex(cipher_ctx, decrypted.data() + len3, &len4) == 1;
    ok &= static_cast<std::size_t>(len3 + len4) == kMessageSize;
    benchmark::DoNotOptimize(mac.data());
    benchmark::DoNotOptimize(decrypted.data());
    benchmark::ClobberMemory();
    key[0] ^= static_cast<uint8_t>(i);  // a different key for the next message
    mac_key[0] ^= static_cast<uint8_t>(i);
  }
  if (!ok) state.SkipWithError("a primitive failed");
  state.SetItemsProcessed(state.iterations());

  EVP_MAC_CTX_free(mac_ctx);
  EVP_CIPHER_CTX_free(cipher_ctx);
  EVP_MAC_free(hmac);
  EVP_CIPHER_free(aes);
  sodium_memzero(our_secret.data(), our_secret.size());
  sodium_memzero(their_secret.data(), their_secret.size());
}

[[maybe_unused]] const bool kRegistered = [] {
  benchmark::RegisterBenchmark("BM_Roundtrip1K/limit", BM_Roundtrip1K_limit);
  return true;
}();

}  // namespace
}  // namespace backchannel::bench
