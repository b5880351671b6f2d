// AES-256-CBC with PKCS#7 padding over OpenSSL's EVP interface.
#include <openssl/evp.h>

#include <cstdlib>

#include "backchannel/crypto/primitives.h"

namespace backchannel::crypto {
namespace {

// The cipher is fetched once and a context kept per thread: fetching on every
// message is measurable next to encrypting 1 KiB.
class ThreadCipher {
 public:
  ThreadCipher()
      : cipher_(EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr)), ctx_(EVP_CIPHER_CTX_new()) {
    if (cipher_ == nullptr || ctx_ == nullptr) std::abort();
  }
  ~ThreadCipher() {
    EVP_CIPHER_CTX_free(ctx_);
    EVP_CIPHER_free(cipher_);
  }
  ThreadCipher(const ThreadCipher&) = delete;
  ThreadCipher& operator=(const ThreadCipher&) = delete;
  ThreadCipher(ThreadCipher&&) = delete;
  ThreadCipher& operator=(ThreadCipher&&) = delete;

  EVP_CIPHER* cipher() { return cipher_; }
  EVP_CIPHER_CTX* ctx() { return ctx_; }

 private:
  EVP_CIPHER* cipher_;
  EVP_CIPHER_CTX* ctx_;
};

ThreadCipher& Cipher() {
  thread_local ThreadCipher c;
  return c;
}

}  // namespace

Bytes Aes256CbcEncrypt(ByteView key, ByteView iv, ByteView plaintext) {
  auto& c = Cipher();
  Bytes out(plaintext.size() + 16);
  int len1 = 0;
  int len2 = 0;
  if (EVP_EncryptInit_ex2(c.ctx(), c.cipher(), key.data(), iv.data(), nullptr) != 1 ||
      EVP_EncryptUpdate(c.ctx(), out.data(), &len1, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(c.ctx(), out.data() + len1, &len2) != 1) {
    std::abort();  // only on misuse (wrong key size) or allocation failure
  }
  out.resize(static_cast<std::size_t>(len1) + static_cast<std::size_t>(len2));
  return out;
}

Result<Bytes> Aes256CbcDecrypt(ByteView key, ByteView iv, ByteView ciphertext) {
  if (ciphertext.empty() || ciphertext.size() % 16 != 0) {
    return InvalidMessage("ciphertext is not a whole number of AES blocks");
  }
  auto& c = Cipher();
  Bytes out(ciphertext.size());
  int len1 = 0;
  int len2 = 0;
  if (EVP_DecryptInit_ex2(c.ctx(), c.cipher(), key.data(), iv.data(), nullptr) != 1 ||
      EVP_DecryptUpdate(c.ctx(), out.data(), &len1, ciphertext.data(),
                        static_cast<int>(ciphertext.size())) != 1) {
    return Internal("AES-256-CBC decryption failed");
  }
  if (EVP_DecryptFinal_ex(c.ctx(), out.data() + len1, &len2) != 1) {
    SecureWipe(out.data(), out.size());
    return InvalidMessage("bad padding after decryption");
  }
  out.resize(static_cast<std::size_t>(len1) + static_cast<std::size_t>(len2));
  return out;
}

}  // namespace backchannel::crypto
