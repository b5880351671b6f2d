// TEST AND BENCHMARK CODE ONLY (links GPL-3 libsignal-protocol-c).
#include "interop/reference/signal_crypto_provider.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

namespace backchannel::interop {
namespace {

// ---------------------------------------------------------------------------
// Algorithm objects, fetched once per process (EVP_*_fetch is not free, and
// the objects are immutable and thread-safe once fetched).

struct Algorithms {
  EVP_MAC* hmac = nullptr;
  EVP_MD* sha512 = nullptr;
  // [mode][key size]: mode 0 = CBC, 1 = CTR; key size 0/1/2 = 128/192/256.
  std::array<std::array<EVP_CIPHER*, 3>, 2> aes{};

  Algorithms() {
    hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
    const char* names[2][3] = {{"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"},
                               {"AES-128-CTR", "AES-192-CTR", "AES-256-CTR"}};
    for (int m = 0; m < 2; ++m) {
      for (int k = 0; k < 3; ++k) aes[m][k] = EVP_CIPHER_fetch(nullptr, names[m][k], nullptr);
    }
  }
};

const Algorithms& Algos() {
  static const Algorithms* algos = new Algorithms();  // never freed: process lifetime
  return *algos;
}

// ---------------------------------------------------------------------------
// Provider callbacks.

int RandomFunc(uint8_t* data, size_t len, void* /*user_data*/) {
  randombytes_buf(data, len);
  return SG_SUCCESS;
}

// A per-thread HMAC-SHA256 context with the digest already set: init dups it,
// which avoids fetching SHA-256 by name on every HMAC (libsignal runs several
// per message).
EVP_MAC_CTX* HmacTemplate() {
  struct Holder {
    EVP_MAC_CTX* ctx = nullptr;
    Holder() {
      if (Algos().hmac == nullptr) return;
      ctx = EVP_MAC_CTX_new(Algos().hmac);
      char digest[] = "SHA256";
      const OSSL_PARAM params[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
          OSSL_PARAM_construct_end(),
      };
      if (ctx != nullptr && EVP_MAC_CTX_set_params(ctx, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        ctx = nullptr;
      }
    }
    ~Holder() { EVP_MAC_CTX_free(ctx); }
    Holder(const Holder&) = delete;
    Holder& operator=(const Holder&) = delete;
  };
  thread_local Holder holder;
  return holder.ctx;
}

int HmacInit(void** hmac_context, const uint8_t* key, size_t key_len, void* /*user_data*/) {
  if (hmac_context == nullptr || (key == nullptr && key_len != 0)) return SG_ERR_INVAL;
  EVP_MAC_CTX* tmpl = HmacTemplate();
  if (tmpl == nullptr) return SG_ERR_UNKNOWN;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(tmpl);
  if (ctx == nullptr) return SG_ERR_NOMEM;
  // A null key means "keep the previous key" to OpenSSL; HMAC with an empty
  // key is legitimate, so always pass a non-null pointer.
  static const uint8_t kEmpty = 0;
  if (EVP_MAC_init(ctx, key != nullptr ? key : &kEmpty, key_len, nullptr) != 1) {
    EVP_MAC_CTX_free(ctx);
    return SG_ERR_UNKNOWN;
  }
  *hmac_context = ctx;
  return SG_SUCCESS;
}

int HmacUpdate(void* hmac_context, const uint8_t* data, size_t data_len, void* /*user_data*/) {
  if (hmac_context == nullptr) return SG_ERR_INVAL;
  if (data_len == 0) return SG_SUCCESS;
  return EVP_MAC_update(static_cast<EVP_MAC_CTX*>(hmac_context), data, data_len) == 1
             ? SG_SUCCESS
             : SG_ERR_UNKNOWN;
}

int HmacFinal(void* hmac_context, signal_buffer** output, void* /*user_data*/) {
  if (hmac_context == nullptr || output == nullptr) return SG_ERR_INVAL;
  std::array<uint8_t, 32> mac{};
  size_t mac_len = 0;
  if (EVP_MAC_final(static_cast<EVP_MAC_CTX*>(hmac_context), mac.data(), &mac_len, mac.size()) !=
          1 ||
      mac_len != mac.size()) {
    return SG_ERR_UNKNOWN;
  }
  signal_buffer* buffer = signal_buffer_create(mac.data(), mac_len);
  OPENSSL_cleanse(mac.data(), mac.size());
  if (buffer == nullptr) return SG_ERR_NOMEM;
  *output = buffer;
  return SG_SUCCESS;
}

void HmacCleanup(void* hmac_context, void* /*user_data*/) {
  EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(hmac_context));
}

int Sha512Init(void** digest_context, void* /*user_data*/) {
  if (digest_context == nullptr) return SG_ERR_INVAL;
  if (Algos().sha512 == nullptr) return SG_ERR_UNKNOWN;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return SG_ERR_NOMEM;
  if (EVP_DigestInit_ex2(ctx, Algos().sha512, nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    return SG_ERR_UNKNOWN;
  }
  *digest_context = ctx;
  return SG_SUCCESS;
}

int Sha512Update(void* digest_context, const uint8_t* data, size_t data_len, void* /*user_data*/) {
  if (digest_context == nullptr) return SG_ERR_INVAL;
  return EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(digest_context), data, data_len) == 1
             ? SG_SUCCESS
             : SG_ERR_UNKNOWN;
}

// Finalizes and, as the provider contract asks, leaves the context ready for
// reuse (the fingerprint generator hashes thousands of times with one context).
int Sha512Final(void* digest_context, signal_buffer** output, void* /*user_data*/) {
  if (digest_context == nullptr || output == nullptr) return SG_ERR_INVAL;
  auto* ctx = static_cast<EVP_MD_CTX*>(digest_context);
  std::array<uint8_t, 64> md{};
  unsigned int md_len = 0;
  if (EVP_DigestFinal_ex(ctx, md.data(), &md_len) != 1 || md_len != md.size()) {
    return SG_ERR_UNKNOWN;
  }
  if (EVP_DigestInit_ex2(ctx, Algos().sha512, nullptr) != 1) return SG_ERR_UNKNOWN;
  signal_buffer* buffer = signal_buffer_create(md.data(), md_len);
  if (buffer == nullptr) return SG_ERR_NOMEM;
  *output = buffer;
  return SG_SUCCESS;
}

void Sha512Cleanup(void* digest_context, void* /*user_data*/) {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(digest_context));
}

// Returns the cipher for (mode, key length) or null when unsupported.
const EVP_CIPHER* PickCipher(int cipher, size_t key_len) {
  int mode = 0;
  if (cipher == SG_CIPHER_AES_CBC_PKCS5) {
    mode = 0;
  } else if (cipher == SG_CIPHER_AES_CTR_NOPADDING) {
    mode = 1;
  } else {
    return nullptr;
  }
  int size = 0;
  switch (key_len) {
    case 16:
      size = 0;
      break;
    case 24:
      size = 1;
      break;
    case 32:
      size = 2;
      break;
    default:
      return nullptr;
  }
  return Algos().aes[mode][size];
}

int AesCrypt(bool encrypt, signal_buffer** output, int cipher, const uint8_t* key, size_t key_len,
             const uint8_t* iv, size_t iv_len, const uint8_t* input, size_t input_len) {
  if (output == nullptr || key == nullptr || iv == nullptr ||
      (input == nullptr && input_len != 0)) {
    return SG_ERR_INVAL;
  }
  const EVP_CIPHER* evp = PickCipher(cipher, key_len);
  if (evp == nullptr || iv_len != 16) return SG_ERR_INVAL;
  if (input_len > static_cast<size_t>(INT32_MAX) - 32) return SG_ERR_INVAL;

  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return SG_ERR_NOMEM;
  std::vector<uint8_t> out(input_len + 16);  // PKCS#7 adds at most one block
  int len1 = 0;
  int len2 = 0;
  int rc = SG_SUCCESS;
  if (EVP_CipherInit_ex2(ctx, evp, key, iv, encrypt ? 1 : 0, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx, cipher == SG_CIPHER_AES_CBC_PKCS5 ? 1 : 0) != 1 ||
      EVP_CipherUpdate(ctx, out.data(), &len1, input, static_cast<int>(input_len)) != 1 ||
      EVP_CipherFinal_ex(ctx, out.data() + len1, &len2) != 1) {
    rc = SG_ERR_UNKNOWN;  // includes bad padding on decrypt
  }
  EVP_CIPHER_CTX_free(ctx);
  if (rc == SG_SUCCESS) {
    signal_buffer* buffer = signal_buffer_create(out.data(), static_cast<size_t>(len1 + len2));
    if (buffer == nullptr) {
      rc = SG_ERR_NOMEM;
    } else {
      *output = buffer;
    }
  }
  OPENSSL_cleanse(out.data(), out.size());
  return rc;
}

int EncryptFunc(signal_buffer** output, int cipher, const uint8_t* key, size_t key_len,
                const uint8_t* iv, size_t iv_len, const uint8_t* plaintext, size_t plaintext_len,
                void* /*user_data*/) {
  return AesCrypt(true, output, cipher, key, key_len, iv, iv_len, plaintext, plaintext_len);
}

int DecryptFunc(signal_buffer** output, int cipher, const uint8_t* key, size_t key_len,
                const uint8_t* iv, size_t iv_len, const uint8_t* ciphertext, size_t ciphertext_len,
                void* /*user_data*/) {
  return AesCrypt(false, output, cipher, key, key_len, iv, iv_len, ciphertext, ciphertext_len);
}

signal_buffer* CopyToSignalBuffer(const Bytes& bytes) {
  return signal_buffer_create(bytes.data(), bytes.size());
}

InMemorySignalStore::AddressKey KeyOf(const signal_protocol_address* address) {
  return {std::string(address->name, address->name_len), address->device_id};
}

}  // namespace

signal_crypto_provider OpenSslCryptoProvider() {
  if (sodium_init() < 0) {
    // libsodium cannot run here; randombytes_buf would abort anyway.
  }
  (void)Algos();
  signal_crypto_provider p{};
  p.random_func = RandomFunc;
  p.hmac_sha256_init_func = HmacInit;
  p.hmac_sha256_update_func = HmacUpdate;
  p.hmac_sha256_final_func = HmacFinal;
  p.hmac_sha256_cleanup_func = HmacCleanup;
  p.sha512_digest_init_func = Sha512Init;
  p.sha512_digest_update_func = Sha512Update;
  p.sha512_digest_final_func = Sha512Final;
  p.sha512_digest_cleanup_func = Sha512Cleanup;
  p.encrypt_func = EncryptFunc;
  p.decrypt_func = DecryptFunc;
  p.user_data = nullptr;
  return p;
}

std::string SignalErrorName(int code) {
  switch (code) {
    case SG_SUCCESS:
      return "SG_SUCCESS";
    case SG_ERR_NOMEM:
      return "SG_ERR_NOMEM";
    case SG_ERR_INVAL:
      return "SG_ERR_INVAL";
    case SG_ERR_UNKNOWN:
      return "SG_ERR_UNKNOWN";
    case SG_ERR_DUPLICATE_MESSAGE:
      return "SG_ERR_DUPLICATE_MESSAGE";
    case SG_ERR_INVALID_KEY:
      return "SG_ERR_INVALID_KEY";
    case SG_ERR_INVALID_KEY_ID:
      return "SG_ERR_INVALID_KEY_ID";
    case SG_ERR_INVALID_MAC:
      return "SG_ERR_INVALID_MAC";
    case SG_ERR_INVALID_MESSAGE:
      return "SG_ERR_INVALID_MESSAGE";
    case SG_ERR_INVALID_VERSION:
      return "SG_ERR_INVALID_VERSION";
    case SG_ERR_LEGACY_MESSAGE:
      return "SG_ERR_LEGACY_MESSAGE";
    case SG_ERR_NO_SESSION:
      return "SG_ERR_NO_SESSION";
    case SG_ERR_STALE_KEY_EXCHANGE:
      return "SG_ERR_STALE_KEY_EXCHANGE";
    case SG_ERR_UNTRUSTED_IDENTITY:
      return "SG_ERR_UNTRUSTED_IDENTITY";
    case SG_ERR_VRF_SIG_VERIF_FAILED:
      return "SG_ERR_VRF_SIG_VERIF_FAILED";
    case SG_ERR_INVALID_PROTO_BUF:
      return "SG_ERR_INVALID_PROTO_BUF";
    case SG_ERR_FP_VERSION_MISMATCH:
      return "SG_ERR_FP_VERSION_MISMATCH";
    case SG_ERR_FP_IDENT_MISMATCH:
      return "SG_ERR_FP_IDENT_MISMATCH";
    default:
      return "SG_ERR_" + std::to_string(code);
  }
}

StatusCode SignalErrorToStatusCode(int code) {
  switch (code) {
    case SG_SUCCESS:
      return StatusCode::kOk;
    case SG_ERR_NOMEM:
      return StatusCode::kResourceExhausted;
    case SG_ERR_INVAL:
      return StatusCode::kInvalidArgument;
    case SG_ERR_DUPLICATE_MESSAGE:
      return StatusCode::kDuplicateMessage;
    case SG_ERR_INVALID_KEY:
      return StatusCode::kInvalidArgument;
    case SG_ERR_INVALID_KEY_ID:
      return StatusCode::kInvalidKeyId;
    case SG_ERR_INVALID_MAC:
      return StatusCode::kBadMac;
    case SG_ERR_INVALID_MESSAGE:
    case SG_ERR_INVALID_PROTO_BUF:
      return StatusCode::kInvalidMessage;
    case SG_ERR_INVALID_VERSION:
    case SG_ERR_LEGACY_MESSAGE:
      return StatusCode::kUnsupportedVersion;
    case SG_ERR_NO_SESSION:
    case SG_ERR_STALE_KEY_EXCHANGE:
      return StatusCode::kFailedPrecondition;
    case SG_ERR_UNTRUSTED_IDENTITY:
    case SG_ERR_FP_IDENT_MISMATCH:
    case SG_ERR_FP_VERSION_MISMATCH:
      return StatusCode::kUntrusted;
    case SG_ERR_VRF_SIG_VERIF_FAILED:
      return StatusCode::kBadSignature;
    default:
      return StatusCode::kInternal;
  }
}

Status SignalError(std::string_view what, int code, std::string_view detail) {
  std::string message(what);
  message += ": " + SignalErrorName(code) + " (" + std::to_string(code) + ")";
  if (!detail.empty()) {
    message += "; ";
    message += detail;
  }
  StatusCode status_code = SignalErrorToStatusCode(code);
  if (status_code == StatusCode::kOk) status_code = StatusCode::kInternal;
  return {status_code, message};
}

// ---------------------------------------------------------------------------
// SignalContextHolder

SignalContextHolder::SignalContextHolder() {
  signal_crypto_provider provider = OpenSslCryptoProvider();
  if (signal_context_create(&context_, this) != SG_SUCCESS) {
    context_ = nullptr;
    return;
  }
  if (signal_context_set_crypto_provider(context_, &provider) != SG_SUCCESS ||
      signal_context_set_locking_functions(context_, &Lock, &Unlock) != SG_SUCCESS ||
      signal_context_set_log_function(context_, &Log) != SG_SUCCESS) {
    signal_context_destroy(context_);
    context_ = nullptr;
  }
}

SignalContextHolder::~SignalContextHolder() {
  if (context_ != nullptr) signal_context_destroy(context_);
}

std::string SignalContextHolder::TakeLastLog() { return std::exchange(last_log_, std::string()); }

void SignalContextHolder::Lock(void* user_data) {
  static_cast<SignalContextHolder*>(user_data)->mutex_.lock();
}

void SignalContextHolder::Unlock(void* user_data) {
  static_cast<SignalContextHolder*>(user_data)->mutex_.unlock();
}

void SignalContextHolder::Log(int level, const char* message, size_t len, void* user_data) {
  if (level > SG_LOG_WARNING || message == nullptr) return;
  std::string& log = static_cast<SignalContextHolder*>(user_data)->last_log_;
  if (!log.empty()) log += " | ";
  log.append(message, len);
}

// ---------------------------------------------------------------------------
// InMemorySignalStore

// The C callbacks, as static members of a friend so they can reach the maps.
struct StoreCallbacks {
  static InMemorySignalStore& Self(void* user_data) {
    return *static_cast<InMemorySignalStore*>(user_data);
  }
  static void Destroy(void* /*user_data*/) {}

  // Session store.
  static int LoadSession(signal_buffer** record, signal_buffer** user_record,
                         const signal_protocol_address* address, void* user_data) {
    auto& sessions = Self(user_data).sessions_;
    auto it = sessions.find(KeyOf(address));
    if (it == sessions.end()) return 0;
    signal_buffer* r = CopyToSignalBuffer(it->second.record);
    if (r == nullptr) return SG_ERR_NOMEM;
    if (it->second.user_record.has_value() && user_record != nullptr) {
      signal_buffer* u = CopyToSignalBuffer(*it->second.user_record);
      if (u == nullptr) {
        signal_buffer_free(r);
        return SG_ERR_NOMEM;
      }
      *user_record = u;
    }
    *record = r;
    return 1;
  }
  static int GetSubDeviceSessions(signal_int_list** sessions, const char* name, size_t name_len,
                                  void* user_data) {
    signal_int_list* list = signal_int_list_alloc();
    if (list == nullptr) return SG_ERR_NOMEM;
    std::string_view wanted(name, name_len);
    for (const auto& [key, entry] : Self(user_data).sessions_) {
      if (key.name == wanted && signal_int_list_push_back(list, key.device_id) < 0) {
        signal_int_list_free(list);
        return SG_ERR_NOMEM;
      }
    }
    *sessions = list;
    return static_cast<int>(signal_int_list_size(list));
  }
  static int StoreSession(const signal_protocol_address* address, uint8_t* record,
                          size_t record_len, uint8_t* user_record, size_t user_record_len,
                          void* user_data) {
    InMemorySignalStore::SessionEntry entry;
    entry.record.assign(record, record + record_len);
    if (user_record != nullptr)
      entry.user_record = Bytes(user_record, user_record + user_record_len);
    Self(user_data).sessions_[KeyOf(address)] = std::move(entry);
    return SG_SUCCESS;
  }
  static int ContainsSession(const signal_protocol_address* address, void* user_data) {
    return Self(user_data).sessions_.count(KeyOf(address)) != 0 ? 1 : 0;
  }
  static int DeleteSession(const signal_protocol_address* address, void* user_data) {
    return Self(user_data).sessions_.erase(KeyOf(address)) != 0 ? 1 : 0;
  }
  static int DeleteAllSessions(const char* name, size_t name_len, void* user_data) {
    auto& sessions = Self(user_data).sessions_;
    std::string_view wanted(name, name_len);
    int deleted = 0;
    for (auto it = sessions.begin(); it != sessions.end();) {
      if (it->first.name == wanted) {
        it = sessions.erase(it);
        ++deleted;
      } else {
        ++it;
      }
    }
    return deleted;
  }

  // Pre key and signed pre key stores (same shape).
  static int LoadKey(std::map<uint32_t, Bytes>& keys, signal_buffer** record, uint32_t id) {
    auto it = keys.find(id);
    if (it == keys.end()) return SG_ERR_INVALID_KEY_ID;
    signal_buffer* r = CopyToSignalBuffer(it->second);
    if (r == nullptr) return SG_ERR_NOMEM;
    *record = r;
    return SG_SUCCESS;
  }
  static int LoadPreKey(signal_buffer** record, uint32_t id, void* user_data) {
    return LoadKey(Self(user_data).pre_keys_, record, id);
  }
  static int StorePreKey(uint32_t id, uint8_t* record, size_t record_len, void* user_data) {
    Self(user_data).pre_keys_[id] = Bytes(record, record + record_len);
    return SG_SUCCESS;
  }
  static int ContainsPreKey(uint32_t id, void* user_data) {
    return Self(user_data).pre_keys_.count(id) != 0 ? 1 : 0;
  }
  static int RemovePreKey(uint32_t id, void* user_data) {
    Self(user_data).pre_keys_.erase(id);
    return SG_SUCCESS;
  }
  static int LoadSignedPreKey(signal_buffer** record, uint32_t id, void* user_data) {
    return LoadKey(Self(user_data).signed_pre_keys_, record, id);
  }
  static int StoreSignedPreKey(uint32_t id, uint8_t* record, size_t record_len, void* user_data) {
    Self(user_data).signed_pre_keys_[id] = Bytes(record, record + record_len);
    return SG_SUCCESS;
  }
  static int ContainsSignedPreKey(uint32_t id, void* user_data) {
    return Self(user_data).signed_pre_keys_.count(id) != 0 ? 1 : 0;
  }
  static int RemoveSignedPreKey(uint32_t id, void* user_data) {
    Self(user_data).signed_pre_keys_.erase(id);
    return SG_SUCCESS;
  }

  // Identity key store: trust on first use.
  static int GetIdentityKeyPair(signal_buffer** public_data, signal_buffer** private_data,
                                void* user_data) {
    auto& self = Self(user_data);
    signal_buffer* pub = CopyToSignalBuffer(self.identity_public_);
    signal_buffer* priv = CopyToSignalBuffer(self.identity_private_);
    if (pub == nullptr || priv == nullptr) {
      signal_buffer_free(pub);
      signal_buffer_bzero_free(priv);
      return SG_ERR_NOMEM;
    }
    *public_data = pub;
    *private_data = priv;
    return SG_SUCCESS;
  }
  static int GetLocalRegistrationId(void* user_data, uint32_t* registration_id) {
    *registration_id = Self(user_data).registration_id_;
    return SG_SUCCESS;
  }
  static int SaveIdentity(const signal_protocol_address* address, uint8_t* key_data, size_t key_len,
                          void* user_data) {
    auto& identities = Self(user_data).identities_;
    if (key_data == nullptr) {
      identities.erase(KeyOf(address));
    } else {
      identities[KeyOf(address)] = Bytes(key_data, key_data + key_len);
    }
    return SG_SUCCESS;
  }
  static int IsTrustedIdentity(const signal_protocol_address* address, uint8_t* key_data,
                               size_t key_len, void* user_data) {
    auto& identities = Self(user_data).identities_;
    auto it = identities.find(KeyOf(address));
    if (it == identities.end()) return 1;
    return PublicEqual(it->second, ByteView(key_data, key_len)) ? 1 : 0;
  }

  // Sender key store.
  static InMemorySignalStore::SenderKeyId SenderKeyOf(const signal_protocol_sender_key_name* n) {
    return {std::string(n->group_id, n->group_id_len),
            std::string(n->sender.name, n->sender.name_len), n->sender.device_id};
  }
  static int StoreSenderKey(const signal_protocol_sender_key_name* name, uint8_t* record,
                            size_t record_len, uint8_t* user_record, size_t user_record_len,
                            void* user_data) {
    InMemorySignalStore::SessionEntry entry;
    entry.record.assign(record, record + record_len);
    if (user_record != nullptr)
      entry.user_record = Bytes(user_record, user_record + user_record_len);
    Self(user_data).sender_keys_[SenderKeyOf(name)] = std::move(entry);
    return SG_SUCCESS;
  }
  static int LoadSenderKey(signal_buffer** record, signal_buffer** user_record,
                           const signal_protocol_sender_key_name* name, void* user_data) {
    auto& keys = Self(user_data).sender_keys_;
    auto it = keys.find(SenderKeyOf(name));
    if (it == keys.end()) return 0;
    signal_buffer* r = CopyToSignalBuffer(it->second.record);
    if (r == nullptr) return SG_ERR_NOMEM;
    if (it->second.user_record.has_value() && user_record != nullptr) {
      signal_buffer* u = CopyToSignalBuffer(*it->second.user_record);
      if (u == nullptr) {
        signal_buffer_free(r);
        return SG_ERR_NOMEM;
      }
      *user_record = u;
    }
    *record = r;
    return 1;
  }
};

InMemorySignalStore::InMemorySignalStore(uint32_t registration_id, Bytes identity_public_33,
                                         Bytes identity_private_32)
    : registration_id_(registration_id),
      identity_public_(std::move(identity_public_33)),
      identity_private_(std::move(identity_private_32)) {}

InMemorySignalStore::~InMemorySignalStore() {
  sodium_memzero(identity_private_.data(), identity_private_.size());
  for (auto& [id, record] : pre_keys_) sodium_memzero(record.data(), record.size());
  for (auto& [id, record] : signed_pre_keys_) sodium_memzero(record.data(), record.size());
  for (auto& [key, entry] : sessions_) sodium_memzero(entry.record.data(), entry.record.size());
}

int InMemorySignalStore::Install(signal_protocol_store_context* store_context) {
  signal_protocol_session_store session_store{};
  session_store.load_session_func = &StoreCallbacks::LoadSession;
  session_store.get_sub_device_sessions_func = &StoreCallbacks::GetSubDeviceSessions;
  session_store.store_session_func = &StoreCallbacks::StoreSession;
  session_store.contains_session_func = &StoreCallbacks::ContainsSession;
  session_store.delete_session_func = &StoreCallbacks::DeleteSession;
  session_store.delete_all_sessions_func = &StoreCallbacks::DeleteAllSessions;
  session_store.destroy_func = &StoreCallbacks::Destroy;
  session_store.user_data = this;

  signal_protocol_pre_key_store pre_key_store{};
  pre_key_store.load_pre_key = &StoreCallbacks::LoadPreKey;
  pre_key_store.store_pre_key = &StoreCallbacks::StorePreKey;
  pre_key_store.contains_pre_key = &StoreCallbacks::ContainsPreKey;
  pre_key_store.remove_pre_key = &StoreCallbacks::RemovePreKey;
  pre_key_store.destroy_func = &StoreCallbacks::Destroy;
  pre_key_store.user_data = this;

  signal_protocol_signed_pre_key_store signed_store{};
  signed_store.load_signed_pre_key = &StoreCallbacks::LoadSignedPreKey;
  signed_store.store_signed_pre_key = &StoreCallbacks::StoreSignedPreKey;
  signed_store.contains_signed_pre_key = &StoreCallbacks::ContainsSignedPreKey;
  signed_store.remove_signed_pre_key = &StoreCallbacks::RemoveSignedPreKey;
  signed_store.destroy_func = &StoreCallbacks::Destroy;
  signed_store.user_data = this;

  signal_protocol_identity_key_store identity_store{};
  identity_store.get_identity_key_pair = &StoreCallbacks::GetIdentityKeyPair;
  identity_store.get_local_registration_id = &StoreCallbacks::GetLocalRegistrationId;
  identity_store.save_identity = &StoreCallbacks::SaveIdentity;
  identity_store.is_trusted_identity = &StoreCallbacks::IsTrustedIdentity;
  identity_store.destroy_func = &StoreCallbacks::Destroy;
  identity_store.user_data = this;

  signal_protocol_sender_key_store sender_store{};
  sender_store.store_sender_key = &StoreCallbacks::StoreSenderKey;
  sender_store.load_sender_key = &StoreCallbacks::LoadSenderKey;
  sender_store.destroy_func = &StoreCallbacks::Destroy;
  sender_store.user_data = this;

  int rc = signal_protocol_store_context_set_session_store(store_context, &session_store);
  if (rc >= 0) rc = signal_protocol_store_context_set_pre_key_store(store_context, &pre_key_store);
  if (rc >= 0) {
    rc = signal_protocol_store_context_set_signed_pre_key_store(store_context, &signed_store);
  }
  if (rc >= 0) {
    rc = signal_protocol_store_context_set_identity_key_store(store_context, &identity_store);
  }
  if (rc >= 0)
    rc = signal_protocol_store_context_set_sender_key_store(store_context, &sender_store);
  return rc < 0 ? rc : SG_SUCCESS;
}

}  // namespace backchannel::interop
