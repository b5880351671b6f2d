// The relay's self-signed TLS identity: an ECDSA P-256 key and a 10-year
// X.509 certificate in the data directory (relay-key.pem, mode 0600;
// relay-cert.pem), made on first start and reused afterwards.
//
// Thread safety: free functions; do not run two on the same directory at once.
#ifndef BACKCHANNEL_SRC_RELAY_SERVER_TLS_CERT_H_
#define BACKCHANNEL_SRC_RELAY_SERVER_TLS_CERT_H_

#include <string>

#include "backchannel/common/result.h"

namespace backchannel::relay {

struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;
  std::string cert_sha256_hex;  // SHA-256 of the DER certificate
};

// Loads DIR/relay-cert.pem and DIR/relay-key.pem, creating both when absent.
Result<TlsIdentity> LoadOrCreateTlsIdentity(const std::string& dir);

// Loads a TLS identity the operator provides (--tls-cert/--tls-key: one
// identity for every relay of a deployment, so the pins in invitations hold
// behind a load balancer). Both must be regular files (symlinks to them are
// followed) owned by this process's user and readable by no one else (mode
// 0600 or stricter); kPermissionDenied naming the file otherwise, kIoError
// when unreadable, kInvalidArgument when the certificate is not PEM.
Result<TlsIdentity> LoadTlsIdentityFiles(const std::string& cert_path, const std::string& key_path);

// The pin of the certificate the relay will serve next (--tls-next-cert, a
// pin rollover: docs/relay.md). Only the certificate is read (its key is not
// needed until it is served); it is public, so its mode is not checked.
// kInvalidArgument naming the file when it is not a PEM certificate or its
// pin equals `current_sha256_hex` (the served certificate), kIoError when
// unreadable. Lower-case hex.
Result<std::string> LoadNextCertificatePin(const std::string& path,
                                           const std::string& current_sha256_hex);

// The pin of the PEM certificate in `path` (backchanneld --print-pin),
// lower-case hex. kInvalidArgument naming the file when it is not a PEM
// certificate, kIoError when unreadable.
Result<std::string> CertificatePinOfFile(const std::string& path);

// SHA-256 of the DER encoding of a PEM certificate, lower-case hex.
Result<std::string> CertificateSha256(const std::string& cert_pem);

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_SRC_RELAY_SERVER_TLS_CERT_H_
