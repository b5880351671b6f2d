#include "backchannel/session/fingerprint.h"

#include <cstdio>

#include "backchannel/crypto/primitives.h"
#include "wire.pb.h"

namespace backchannel::session {
namespace {

constexpr std::uint8_t kFingerprintVersion[2] = {0, 0};
constexpr std::uint32_t kScannableVersion = 1;

crypto::Sha512Digest IteratedHash(std::string_view stable_id, const PublicKey& key,
                                  int iterations) {
  // The chain starts from the unhashed version || key || id; each of the
  // `iterations` rounds hashes the previous value followed by the key.
  const auto k = SerializePublicKey(key);
  if (iterations <= 0) iterations = 1;
  crypto::Sha512Digest h = crypto::Sha512({kFingerprintVersion, k, AsBytes(stable_id), k});
  for (int i = 1; i < iterations; ++i) h = crypto::Sha512({h, k});
  return h;
}

std::string DisplayDigits(const crypto::Sha512Digest& h) {
  std::string out;
  for (std::size_t chunk = 0; chunk < 6; ++chunk) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 5; ++i) v = (v << 8) | h[chunk * 5 + i];
    char buf[8];
    std::snprintf(buf, sizeof buf, "%05u", static_cast<unsigned>(v % 100000));
    out += buf;
  }
  return out;
}

Bytes Scannable(const crypto::Sha512Digest& local, const crypto::Sha512Digest& remote) {
  wire::CombinedFingerprints m;
  m.set_version(kScannableVersion);
  m.mutable_local_fingerprint()->set_content(local.data(), 32);
  m.mutable_remote_fingerprint()->set_content(remote.data(), 32);
  return ToBytes(m.SerializeAsString());
}

}  // namespace

SafetyNumber ComputeSafetyNumber(std::string_view local_stable_id, const PublicKey& local_identity,
                                 std::string_view remote_stable_id,
                                 const PublicKey& remote_identity, int iterations) {
  const auto local = IteratedHash(local_stable_id, local_identity, iterations);
  const auto remote = IteratedHash(remote_stable_id, remote_identity, iterations);
  const std::string l = DisplayDigits(local);
  const std::string r = DisplayDigits(remote);
  return SafetyNumber{l <= r ? l + r : r + l, Scannable(local, remote)};
}

Status CompareScannable(ByteView ours, ByteView theirs) {
  wire::CombinedFingerprints a;
  wire::CombinedFingerprints b;
  if (!a.ParseFromArray(ours.data(), static_cast<int>(ours.size())) ||
      !b.ParseFromArray(theirs.data(), static_cast<int>(theirs.size())) ||
      !b.has_local_fingerprint() || !b.has_remote_fingerprint()) {
    return InvalidMessage("scanned fingerprint does not parse");
  }
  if (b.version() != kScannableVersion || a.version() != kScannableVersion) {
    return {StatusCode::kUnsupportedVersion, "scanned fingerprint has another version"};
  }
  // Their local is our remote and the reverse. Public data, but compare in
  // constant time anyway: it costs nothing.
  if (!ConstantTimeEqual(AsBytes(a.local_fingerprint().content()),
                         AsBytes(b.remote_fingerprint().content())) ||
      !ConstantTimeEqual(AsBytes(a.remote_fingerprint().content()),
                         AsBytes(b.local_fingerprint().content()))) {
    return {StatusCode::kUntrusted, "safety numbers do not match"};
  }
  return Status::Ok();
}

std::string FormatDisplayable(std::string_view digits) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && i % 5 == 0) out += ' ';
    out += digits[i];
  }
  return out;
}

}  // namespace backchannel::session
