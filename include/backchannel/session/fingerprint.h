// Safety numbers: the numeric fingerprint libsignal-protocol-c computes for
// two identities, so two people can compare keys by reading 60 digits aloud or
// scanning a code. Both sides compute the same displayable string; the
// scannable form carries each side's fingerprint so either can compare.
//
// Per identity: H0 = version(2 bytes, 0) || key(33) || stable id (unhashed),
// then `iterations` times H = SHA-512(H || key). Displayable: the first 30 bytes as
// six 5-digit groups (each 5 bytes big-endian mod 100000); the two 30-digit
// halves are ordered so both sides print the same. Scannable: version 1,
// CombinedFingerprints{local = first 32 bytes of ours, remote = theirs}.
#ifndef BACKCHANNEL_SESSION_FINGERPRINT_H_
#define BACKCHANNEL_SESSION_FINGERPRINT_H_

#include <string>
#include <string_view>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/session/keys.h"

namespace backchannel::session {

inline constexpr int kDefaultFingerprintIterations = 5200;

struct SafetyNumber {
  std::string displayable;  // 60 digits
  Bytes scannable;          // serialized CombinedFingerprints, version 1
};

SafetyNumber ComputeSafetyNumber(std::string_view local_stable_id, const PublicKey& local_identity,
                                 std::string_view remote_stable_id,
                                 const PublicKey& remote_identity,
                                 int iterations = kDefaultFingerprintIterations);

// OK when `theirs` (scanned from the other device) matches `ours`;
// kUntrusted on a mismatch, kInvalidMessage when it does not parse,
// kUnsupportedVersion for another scannable version.
Status CompareScannable(ByteView ours, ByteView theirs);

// "12345 67890 ..." for display.
std::string FormatDisplayable(std::string_view digits);

}  // namespace backchannel::session

#endif  // BACKCHANNEL_SESSION_FINGERPRINT_H_
