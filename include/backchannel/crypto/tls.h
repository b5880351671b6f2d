// The TLS settings and checks the relay server and the client's transport
// make on the OpenSSL objects Boost.Asio wraps, so that libssl is called
// only from this part (issue 10: one crypto seam). Each function takes the
// native handle the Asio object gives (ssl::context::native_handle(),
// ssl::stream::native_handle(), ssl::verify_context::native_handle()); the
// OpenSSL types are only declared here, so callers need not include OpenSSL.
//
// Thread safety: each function touches only the object it is given; calls on
// distinct objects are safe from any thread, calls on one object follow its
// own rules (one strand per SSL connection).
#ifndef BACKCHANNEL_CRYPTO_TLS_H_
#define BACKCHANNEL_CRYPTO_TLS_H_

#include <optional>
#include <string>

#include "backchannel/common/result.h"
#include "backchannel/common/status.h"
#include "backchannel/crypto/certificate_pin.h"

struct ssl_ctx_st;         // OpenSSL's SSL_CTX
struct ssl_st;             // OpenSSL's SSL
struct x509_store_ctx_st;  // OpenSSL's X509_STORE_CTX

namespace backchannel::crypto {

// In a verify callback: the pin of the certificate under verification when
// it is the leaf (depth 0), nullopt for the chain above it (only the leaf is
// pinned). kInvalidArgument when there is no certificate or it cannot be
// DER-encoded.
Result<std::optional<::backchannel::CertificatePin>> LeafPinUnderVerification(
    x509_store_ctx_st* verify);

// Refuses every protocol version below TLS 1.3 on connections made from
// `context`. kInternal if OpenSSL does not take it.
Status RequireTls13(ssl_ctx_st* context);

// kInvalidArgument when the private key loaded into `context` does not
// belong to its certificate (or either is missing).
Status CheckKeyMatchesCertificate(ssl_ctx_st* context);

// Sends `host` as the server name (SNI) in the client hello of `ssl`: for
// host names only (RFC 6066 forbids IP literals). kInvalidArgument if
// OpenSSL refuses it (longer than 255 bytes, empty).
Status SetServerName(ssl_st* ssl, const std::string& host);

// Marks the peer's close_notify as received, so a shutdown of `ssl` sends
// ours and does not wait for the peer's.
void MarkShutdownReceived(ssl_st* ssl);

}  // namespace backchannel::crypto

#endif  // BACKCHANNEL_CRYPTO_TLS_H_
