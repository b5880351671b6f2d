// The TLS glue of crypto/tls.h on real OpenSSL objects: what each call sets,
// and the refusals (a key of another certificate, a server name OpenSSL
// will not send). The pin check in a live handshake is the relay client's
// test (client_test: a certificate that is not the pin is kUntrusted).
#include "backchannel/crypto/tls.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "backchannel/crypto/self_signed_certificate.h"
#include "testing/status_matchers.h"

namespace backchannel::crypto {
namespace {

using ::backchannel::testing::StatusIs;

struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};
using TlsTestCtx = std::unique_ptr<SSL_CTX, SslCtxFree>;
using TlsTestSsl = std::unique_ptr<SSL, SslFree>;

// `cert_pem` and `key_pem` loaded into a fresh server context, as Boost's
// use_certificate_chain and use_private_key do.
TlsTestCtx TlsTestContextWith(const std::string& cert_pem, const std::string& key_pem) {
  TlsTestCtx ctx(SSL_CTX_new(TLS_server_method()));
  BIO* cert_bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  BIO_free(cert_bio);
  BIO* key_bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  EXPECT_NE(cert, nullptr);
  EXPECT_NE(key, nullptr);
  // Key first, then certificate: OpenSSL drops a key that does not match the
  // certificate set after it, so a mismatched pair leaves the context with a
  // certificate and no key, which the check must refuse.
  EXPECT_EQ(SSL_CTX_use_PrivateKey(ctx.get(), key), 1);
  EXPECT_EQ(SSL_CTX_use_certificate(ctx.get(), cert), 1);
  X509_free(cert);
  EVP_PKEY_free(key);
  return ctx;
}

TEST(TlsTest, RequireTls13SetsTheMinimumVersion) {
  TlsTestCtx ctx(SSL_CTX_new(TLS_server_method()));
  ASSERT_NE(ctx, nullptr);
  EXPECT_NE(SSL_CTX_get_min_proto_version(ctx.get()), TLS1_3_VERSION);
  EXPECT_OK(RequireTls13(ctx.get()));
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx.get()), TLS1_3_VERSION);
  EXPECT_THAT(RequireTls13(nullptr), StatusIs(StatusCode::kInternal));
}

TEST(TlsTest, AKeyOfAnotherCertificateIsRefused) {
  auto mine = GenerateSelfSignedCertificate("relay.example");
  auto other = GenerateSelfSignedCertificate("relay.example");
  ASSERT_OK(mine);
  ASSERT_OK(other);
  EXPECT_OK(CheckKeyMatchesCertificate(TlsTestContextWith(mine->cert_pem, mine->key_pem).get()));
  EXPECT_THAT(CheckKeyMatchesCertificate(TlsTestContextWith(mine->cert_pem, other->key_pem).get()),
              StatusIs(StatusCode::kInvalidArgument));
  // Nothing loaded at all.
  TlsTestCtx empty(SSL_CTX_new(TLS_server_method()));
  EXPECT_THAT(CheckKeyMatchesCertificate(empty.get()), StatusIs(StatusCode::kInvalidArgument));
}

TEST(TlsTest, TheServerNameIsSentAndAnImpossibleOneRefused) {
  TlsTestCtx ctx(SSL_CTX_new(TLS_client_method()));
  TlsTestSsl ssl(SSL_new(ctx.get()));
  ASSERT_NE(ssl, nullptr);
  EXPECT_OK(SetServerName(ssl.get(), "relay.example"));
  EXPECT_STREQ(SSL_get_servername(ssl.get(), TLSEXT_NAMETYPE_host_name), "relay.example");
  // RFC 6066: a host name is at most 255 bytes.
  EXPECT_THAT(SetServerName(ssl.get(), std::string(256, 'a')),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(SetServerName(nullptr, "relay.example"), StatusIs(StatusCode::kInvalidArgument));
}

TEST(TlsTest, ShutdownIsMarkedReceived) {
  TlsTestCtx ctx(SSL_CTX_new(TLS_server_method()));
  TlsTestSsl ssl(SSL_new(ctx.get()));
  ASSERT_NE(ssl, nullptr);
  EXPECT_EQ(SSL_get_shutdown(ssl.get()) & SSL_RECEIVED_SHUTDOWN, 0);
  MarkShutdownReceived(ssl.get());
  EXPECT_NE(SSL_get_shutdown(ssl.get()) & SSL_RECEIVED_SHUTDOWN, 0);
}

TEST(TlsTest, NoVerifyContextIsAnError) {
  EXPECT_THAT(LeafPinUnderVerification(nullptr), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace backchannel::crypto
