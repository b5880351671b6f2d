// Glue that libsignal-protocol-c 2.3.3 needs from its host application: a
// crypto provider, locking functions and the five data stores.
//
// TEST AND BENCHMARK CODE ONLY. libsignal-protocol-c is GPL-3; this file and
// everything that links it belong to the `bc_reference_peers` test library and
// must never be linked into a product library or executable.
//
// Crypto provider (signal_protocol.h, `signal_crypto_provider`):
//   random      libsodium randombytes_buf
//   HMAC-SHA256 OpenSSL 3 EVP_MAC ("HMAC", digest SHA-256), init/update/final/cleanup
//   SHA-512     OpenSSL 3 EVP_MD ("SHA512"), init/update/final(+reinit)/cleanup
//   AES         OpenSSL 3 EVP_CIPHER, SG_CIPHER_AES_CBC_PKCS5 and
//               SG_CIPHER_AES_CTR_NOPADDING with 128/192/256-bit keys, 16-byte IV
// Every callback returns SG_SUCCESS or a negative SG_ERR_* code (SG_ERR_INVAL
// for bad arguments, SG_ERR_NOMEM for allocation, SG_ERR_UNKNOWN when OpenSSL
// reports a failure, e.g. bad padding on decrypt). The algorithm objects are
// fetched once per process and shared read-only.
//
// Stores (InMemorySignalStore): session, pre key, signed pre key, identity key
// and sender key stores over std::map, holding exactly the serialized records
// that libsignal hands them. The identity store trusts on first use: a remote
// identity is trusted when none is saved for that address or when it equals
// the saved one.
//
// Thread safety: the provider functions are safe to call concurrently (no
// shared mutable state). An InMemorySignalStore is not synchronized itself;
// libsignal serializes access to it through the locking functions installed
// by SignalContextHolder (one recursive mutex per context).
#ifndef BACKCHANNEL_TESTS_INTEROP_REFERENCE_SIGNAL_CRYPTO_PROVIDER_H_
#define BACKCHANNEL_TESTS_INTEROP_REFERENCE_SIGNAL_CRYPTO_PROVIDER_H_

#include <signal_protocol.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "backchannel/common/bytes.h"
#include "backchannel/common/status.h"

namespace backchannel::interop {

// The provider described above; user_data is null. Calls sodium_init().
signal_crypto_provider OpenSslCryptoProvider();

// "SG_ERR_INVALID_MAC" and so on; "SG_SUCCESS" for 0; "SG_ERR_<n>" when unknown.
std::string SignalErrorName(int code);

// A coarse backchannel StatusCode for a libsignal error code.
StatusCode SignalErrorToStatusCode(int code);

// Status{SignalErrorToStatusCode(code), "<what>: SG_ERR_NAME (<code>)[; <detail>]"}.
// REQUIRES: code < 0.
Status SignalError(std::string_view what, int code, std::string_view detail = {});

// Owns a signal_context with the provider, a recursive mutex as the locking
// functions, and a log function that remembers the last message (libsignal
// logs the reason for most failures, e.g. "Bad Mac!").
class SignalContextHolder {
 public:
  SignalContextHolder();
  ~SignalContextHolder();
  SignalContextHolder(const SignalContextHolder&) = delete;
  SignalContextHolder& operator=(const SignalContextHolder&) = delete;

  // Null if creation failed.
  signal_context* get() const { return context_; }
  // The messages libsignal logged at SG_LOG_WARNING or more severe since the
  // last call, joined with " | ", then cleared. Empty when there were none.
  std::string TakeLastLog();

 private:
  static void Lock(void* user_data);
  static void Unlock(void* user_data);
  static void Log(int level, const char* message, size_t len, void* user_data);

  std::recursive_mutex mutex_;
  std::string last_log_;
  signal_context* context_ = nullptr;
};

// The five stores of one local party, in memory. Install() points a
// signal_protocol_store_context at them; the store object must outlive that
// context (destroy_func does nothing).
class InMemorySignalStore {
 public:
  struct AddressKey {
    std::string name;
    int32_t device_id = 0;
    auto operator<=>(const AddressKey&) const = default;
  };
  struct SessionEntry {
    Bytes record;
    std::optional<Bytes> user_record;
  };

  InMemorySignalStore(uint32_t registration_id, Bytes identity_public_33,
                      Bytes identity_private_32);
  ~InMemorySignalStore();
  InMemorySignalStore(const InMemorySignalStore&) = delete;
  InMemorySignalStore& operator=(const InMemorySignalStore&) = delete;

  // Installs all five stores into `store_context`. Returns 0 or an SG_ERR code.
  int Install(signal_protocol_store_context* store_context);

  // Direct access for tests (serialize/restore of session records).
  std::map<AddressKey, SessionEntry>& sessions() { return sessions_; }
  std::map<uint32_t, Bytes>& pre_keys() { return pre_keys_; }
  std::map<uint32_t, Bytes>& signed_pre_keys() { return signed_pre_keys_; }
  std::map<AddressKey, Bytes>& trusted_identities() { return identities_; }

 private:
  using SenderKeyId = std::tuple<std::string, std::string, int32_t>;  // group, name, device
  friend struct StoreCallbacks;

  uint32_t registration_id_;
  Bytes identity_public_;   // 33 bytes, 0x05 || X25519 public
  Bytes identity_private_;  // 32 bytes
  std::map<AddressKey, SessionEntry> sessions_;
  std::map<uint32_t, Bytes> pre_keys_;
  std::map<uint32_t, Bytes> signed_pre_keys_;
  std::map<AddressKey, Bytes> identities_;
  std::map<SenderKeyId, SessionEntry> sender_keys_;
};

}  // namespace backchannel::interop

#endif  // BACKCHANNEL_TESTS_INTEROP_REFERENCE_SIGNAL_CRYPTO_PROVIDER_H_
