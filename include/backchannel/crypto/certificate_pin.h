// Certificate pins: SHA-256 of a certificate's DER encoding, as the client
// pins its relay and invitations carry it (docs/identity.md).
//
// The client's verify callback asks tls.h for the pin of the leaf under
// verification, which encodes and hashes it here.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_CRYPTO_CERTIFICATE_PIN_H_
#define BACKCHANNEL_CRYPTO_CERTIFICATE_PIN_H_

#include <array>
#include <cstdint>

#include "backchannel/common/bytes.h"
#include "backchannel/common/fixed_bytes.h"
#include "backchannel/common/result.h"

struct x509_st;  // OpenSSL's X509

namespace backchannel {

struct CertificatePinTag {
  static constexpr bool kSecret = false;
};
// A certificate pin, the SHA-256 of the DER certificate: one type for the
// relay's TLS code, the client and invitations (identity::CertificatePin).
using CertificatePin = FixedBytes<32, CertificatePinTag>;

}  // namespace backchannel

namespace backchannel::crypto {

// SHA-256 of `der`, a DER-encoded certificate.
::backchannel::CertificatePin CertificatePin(ByteView der);
// The pin of an OpenSSL certificate (its DER encoding, hashed).
// kInvalidArgument when the certificate cannot be encoded.
Result<::backchannel::CertificatePin> CertificatePinOf(const x509_st* certificate);

}  // namespace backchannel::crypto

#endif  // BACKCHANNEL_CRYPTO_CERTIFICATE_PIN_H_
