#include "tls_cert.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "backchannel/common/encoding.h"

namespace backchannel::relay {
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

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, std::size_t(n));
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Reads `path` if it is a regular file of this user that no one else may
// read or write (checked on the opened file, so a swap after the check
// cannot pass).
Result<std::string> ReadPrivateFile(const std::string& path) {
  constexpr off_t kMaxBytes = 1 << 20;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot read " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return IoError(path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0 || st.st_uid != ::geteuid()) {
    ::close(fd);
    return Status(StatusCode::kPermissionDenied,
                  path + " must belong to this user and be readable by no one else (chmod 600)");
  }
  if (st.st_size > kMaxBytes) {
    ::close(fd);
    return IoError(path + " is larger than 1 MiB");
  }
  std::string out(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t off = 0;
  while (off < out.size()) {
    const ssize_t n = ::read(fd, out.data() + off, out.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(off);
  return out;
}

Status WriteFile(const std::string& path, const std::string& data, mode_t mode) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return IoError("cannot create " + tmp);
  ::fchmod(fd, mode);
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n <= 0) {
      ::close(fd);
      return IoError("cannot write " + tmp);
    }
    off += std::size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return IoError("cannot sync " + tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return IoError("cannot rename to " + path);
  return {};
}

Result<TlsIdentity> Create() {
  PKeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Internal("EC P-256 key generation failed");
  X509Ptr cert(X509_new());
  if (!cert) return Internal("X509_new failed");
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("backchanneld"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return Internal("X509_sign failed");

  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(cert_bio.get(), cert.get()) ||
      !PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
    return Internal("PEM encoding failed");
  }
  TlsIdentity id;
  id.cert_pem = BioToString(cert_bio.get());
  id.key_pem = BioToString(key_bio.get());
  return id;
}

}  // namespace

Result<std::string> CertificateSha256(const std::string& cert_pem) {
  BioPtr bio(BIO_new_mem_buf(cert_pem.data(), int(cert_pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return Corrupt("not a PEM certificate");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &len) != 1) return Internal("X509_digest failed");
  return ToHex(ByteView(md, len));
}

Result<TlsIdentity> LoadOrCreateTlsIdentity(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("cannot create data directory " + dir);
  const std::string cert_path = dir + "/relay-cert.pem";
  const std::string key_path = dir + "/relay-key.pem";
  TlsIdentity id;
  if (std::filesystem::exists(cert_path) && std::filesystem::exists(key_path)) {
    BC_ASSIGN_OR_RETURN(id.cert_pem, ReadFile(cert_path));
    BC_ASSIGN_OR_RETURN(id.key_pem, ReadFile(key_path));
  } else {
    BC_ASSIGN_OR_RETURN(id, Create());
    // Key first: a certificate on disk always has its key.
    BC_RETURN_IF_ERROR(WriteFile(key_path, id.key_pem, 0600));
    BC_RETURN_IF_ERROR(WriteFile(cert_path, id.cert_pem, 0600));
  }
  BC_ASSIGN_OR_RETURN(id.cert_sha256_hex, CertificateSha256(id.cert_pem));
  return id;
}

Result<TlsIdentity> LoadTlsIdentityFiles(const std::string& cert_path,
                                         const std::string& key_path) {
  TlsIdentity id;
  BC_ASSIGN_OR_RETURN(id.cert_pem, ReadPrivateFile(cert_path));
  BC_ASSIGN_OR_RETURN(id.key_pem, ReadPrivateFile(key_path));
  auto sha = CertificateSha256(id.cert_pem);
  if (!sha.ok()) return InvalidArgument(cert_path + ": not a PEM certificate");
  id.cert_sha256_hex = *sha;
  return id;
}

}  // namespace backchannel::relay
