// Certificate pins (see certificate_pin.h): i2d_X509, then SHA-256.
#include "backchannel/crypto/certificate_pin.h"

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "backchannel/crypto/primitives.h"

namespace backchannel::crypto {

::backchannel::CertificatePin CertificatePin(ByteView der) {
  return ::backchannel::CertificatePin(Sha256({der}));
}

Result<::backchannel::CertificatePin> CertificatePinOf(const x509_st* certificate) {
  if (certificate == nullptr) return InvalidArgument("no certificate to pin");
  unsigned char* der = nullptr;
  const int len = i2d_X509(certificate, &der);
  if (len <= 0 || der == nullptr) return InvalidArgument("certificate cannot be DER-encoded");
  const ::backchannel::CertificatePin pin = CertificatePin({der, static_cast<std::size_t>(len)});
  OPENSSL_free(der);
  return pin;
}

}  // namespace backchannel::crypto
