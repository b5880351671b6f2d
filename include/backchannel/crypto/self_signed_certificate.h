// A self-signed TLS certificate for a relay that has none from an operator,
// and the pin of a PEM certificate (a relay prints it; invitations carry it).
//
// The certificate: ECDSA P-256 key (FIPS 186-5), X.509 v3 (RFC 5280) signed
// with SHA-256, a random 127-bit serial, valid from an hour ago for ten
// years, subject = issuer = CN=<common_name>. Clients pin it by hash
// (certificate_pin.h), so no chain or name check applies.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_CRYPTO_SELF_SIGNED_CERTIFICATE_H_
#define BACKCHANNEL_CRYPTO_SELF_SIGNED_CERTIFICATE_H_

#include <string>
#include <string_view>

#include "backchannel/common/result.h"
#include "backchannel/crypto/certificate_pin.h"

namespace backchannel::crypto {

struct PemCertificateAndKey {
  std::string cert_pem;
  std::string key_pem;  // PKCS#8, unencrypted: the caller writes it 0600
};

// kInternal when OpenSSL fails (it does not for valid input).
Result<PemCertificateAndKey> GenerateSelfSignedCertificate(std::string_view common_name);

// The pin (SHA-256 of the DER) of the first certificate in `pem`;
// kCorrupt when `pem` holds no PEM certificate.
Result<::backchannel::CertificatePin> CertificatePinOfPem(std::string_view pem);

}  // namespace backchannel::crypto

#endif  // BACKCHANNEL_CRYPTO_SELF_SIGNED_CERTIFICATE_H_
