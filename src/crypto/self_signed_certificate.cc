// Self-signed certificates and PEM pins (self_signed_certificate.h), with
// OpenSSL 3's EVP and X509 APIs.
#include "backchannel/crypto/self_signed_certificate.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <climits>
#include <memory>

#include "backchannel/crypto/primitives.h"

namespace backchannel::crypto {
namespace {

template <auto Fn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  const auto n = BIO_get_mem_data(bio, &data);
  return {data, static_cast<std::size_t>(n)};
}

// Seconds for X509_gmtime_adj (a C long: std::int64_t on LP64).
constexpr std::int64_t kOneHour = 3600;
constexpr std::int64_t kTenYears = std::int64_t{10} * 365 * 24 * 3600;

}  // namespace

Result<PemCertificateAndKey> GenerateSelfSignedCertificate(std::string_view common_name) {
  if (common_name.empty() || common_name.size() > 64) {
    return InvalidArgument("certificate common name must be 1..64 characters");
  }
  PKeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Internal("EC P-256 key generation failed");
  X509Ptr cert(X509_new());
  if (!cert) return Internal("X509_new failed");
  if (X509_set_version(cert.get(), 2) != 1) return Internal("X509_set_version failed");  // v3
  // RFC 5280 4.1.2.2: a positive serial of at most 20 octets.
  std::array<std::uint8_t, 16> serial{};
  RandomBytes(serial);
  serial[0] &= 0x7f;
  BignumPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return Internal("certificate serial failed");
  }
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kOneHour) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kTenYears) == nullptr) {
    return Internal("certificate validity failed");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn(common_name);
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1) {
    return Internal("certificate name or key failed");
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return Internal("X509_sign failed");

  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1) {
    return Internal("PEM encoding failed");
  }
  PemCertificateAndKey out;
  out.cert_pem = BioToString(cert_bio.get());
  out.key_pem = BioToString(key_bio.get());
  return out;
}

Result<::backchannel::CertificatePin> CertificatePinOfPem(std::string_view pem) {
  if (pem.size() > INT_MAX) return Corrupt("not a PEM certificate");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Internal("BIO_new_mem_buf failed");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return Corrupt("not a PEM certificate");
  return CertificatePinOf(cert.get());
}

}  // namespace backchannel::crypto
