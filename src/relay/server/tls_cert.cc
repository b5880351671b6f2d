#include "tls_cert.h"

#include <filesystem>

#include "backchannel/common/encoding.h"
#include "backchannel/common/file_io.h"
#include "backchannel/crypto/self_signed_certificate.h"

namespace backchannel::relay {
namespace {

constexpr std::size_t kMaxPemBytes = std::size_t{1} << 20;

}  // namespace

Result<std::string> CertificateSha256(const std::string& cert_pem) {
  BC_ASSIGN_OR_RETURN(const CertificatePin pin, crypto::CertificatePinOfPem(cert_pem));
  return ToHex(pin);
}

Result<TlsIdentity> LoadOrCreateTlsIdentity(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("cannot create data directory " + dir);
  const std::string cert_path = dir + "/relay-cert.pem";
  const std::string key_path = dir + "/relay-key.pem";
  TlsIdentity id;
  if (std::filesystem::exists(cert_path) && std::filesystem::exists(key_path)) {
    BC_ASSIGN_OR_RETURN(id.cert_pem, ReadFile(cert_path, kMaxPemBytes));
    BC_ASSIGN_OR_RETURN(id.key_pem, ReadPrivateFile(key_path, kMaxPemBytes));
  } else {
    BC_ASSIGN_OR_RETURN(crypto::PemCertificateAndKey made,
                        crypto::GenerateSelfSignedCertificate("backchanneld"));
    id.cert_pem = std::move(made.cert_pem);
    id.key_pem = std::move(made.key_pem);
    // Key first: a certificate on disk always has its key.
    BC_RETURN_IF_ERROR(WriteFileAtomic(key_path, id.key_pem, 0600));
    BC_RETURN_IF_ERROR(WriteFileAtomic(cert_path, id.cert_pem, 0600));
  }
  BC_ASSIGN_OR_RETURN(id.cert_sha256_hex, CertificateSha256(id.cert_pem));
  return id;
}

Result<TlsIdentity> LoadTlsIdentityFiles(const std::string& cert_path,
                                         const std::string& key_path) {
  TlsIdentity id;
  BC_ASSIGN_OR_RETURN(id.cert_pem, ReadPrivateFile(cert_path, kMaxPemBytes));
  BC_ASSIGN_OR_RETURN(id.key_pem, ReadPrivateFile(key_path, kMaxPemBytes));
  auto sha = CertificateSha256(id.cert_pem);
  if (!sha.ok()) return InvalidArgument(cert_path + ": not a PEM certificate");
  id.cert_sha256_hex = *sha;
  return id;
}

Result<std::string> CertificatePinOfFile(const std::string& path) {
  BC_ASSIGN_OR_RETURN(std::string pem, ReadFile(path, kMaxPemBytes));
  auto sha = CertificateSha256(pem);
  if (!sha.ok()) return InvalidArgument(path + ": not a PEM certificate");
  return *sha;
}

Result<std::string> LoadNextCertificatePin(const std::string& path,
                                           const std::string& current_sha256_hex) {
  auto sha = CertificatePinOfFile(path);
  if (!sha.ok()) {
    if (sha.error().code() != StatusCode::kInvalidArgument) return sha.error();
    return InvalidArgument("--tls-next-cert " + path + ": not a PEM certificate");
  }
  if (*sha == current_sha256_hex) {
    return InvalidArgument("--tls-next-cert " + path +
                           ": is the certificate served now (a next certificate must differ)");
  }
  return *sha;
}

}  // namespace backchannel::relay
