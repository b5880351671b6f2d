// TLS glue on the OpenSSL objects Boost.Asio wraps (see tls.h).
#include "backchannel/crypto/tls.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace backchannel::crypto {

Result<std::optional<::backchannel::CertificatePin>> LeafPinUnderVerification(
    x509_store_ctx_st* verify) {
  if (verify == nullptr) return InvalidArgument("no certificate under verification");
  if (X509_STORE_CTX_get_error_depth(verify) != 0) {
    return std::optional<::backchannel::CertificatePin>();
  }
  BC_ASSIGN_OR_RETURN(auto pin, CertificatePinOf(X509_STORE_CTX_get_current_cert(verify)));
  return std::optional<::backchannel::CertificatePin>(pin);
}

Status RequireTls13(ssl_ctx_st* context) {
  if (context == nullptr || SSL_CTX_set_min_proto_version(context, TLS1_3_VERSION) != 1) {
    return Internal("TLS 1.3 cannot be required of this TLS context");
  }
  return Status::Ok();
}

Status CheckKeyMatchesCertificate(ssl_ctx_st* context) {
  if (context == nullptr || SSL_CTX_check_private_key(context) != 1) {
    return InvalidArgument("the TLS key does not belong to the certificate");
  }
  return Status::Ok();
}

Status SetServerName(ssl_st* ssl, const std::string& host) {
  if (ssl == nullptr || SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    return InvalidArgument("'" + host + "' cannot be sent as the TLS server name");
  }
  return Status::Ok();
}

void MarkShutdownReceived(ssl_st* ssl) {
  if (ssl != nullptr) SSL_set_shutdown(ssl, SSL_RECEIVED_SHUTDOWN);
}

}  // namespace backchannel::crypto
