// Batched discrete-log-equality proofs over ristretto255 (Chaum–Pedersen
// 1992, non-interactive by Fiat–Shamir; the batching as RFC 9497 §2.2.1
// GenerateProof / ComputeComposites and §2.2.2 VerifyProof).
//
// A proof shows that one secret k satisfies Y = k·G and D[i] = k·C[i] for
// every i, without revealing k. In the feelers it shows that a party applied
// the secret behind its published key to every item the other side sent, so
// a "wrong-exponent" answer (an empty intersection for the victim while the
// cheater learns the real one) is caught.
//
// Differences from RFC 9497, on purpose: HashToScalar is SHA-512 reduced
// modulo the group order (the RFC uses expand_message_xmd over SHA-512 with
// the same reduction), and every hash is bound to the exchange context
// (context.h) instead of an OPRF context string.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_FEELERS_DLEQ_H_
#define BACKCHANNEL_FEELERS_DLEQ_H_

#include <span>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/crypto/ristretto255.h"

namespace backchannel::feelers {

struct DleqProof {
  crypto::RistrettoScalar c{};
  crypto::RistrettoScalar s{};
  friend bool operator==(const DleqProof&, const DleqProof&) = default;
};

// How the composite pairs are weighted. kOrdered: RFC 9497's per-index
// coefficients; D[i] must answer C[i]. kUnordered: every coefficient is 1, so
// the proof covers a shuffled D (cardinality-only answers); it is weaker
// (docs/feelers.md §Residual leakage): it catches a wrong secret, but not
// errors that cancel in the sums.
enum class Batching { kOrdered, kUnordered };

// REQUIRES: c and d non-empty and the same length; y == k·G; d[i] == k·c[i]
// (kOrdered) or d a permutation of k·c (kUnordered). `bind` is the exchange
// context's encoding.
Result<DleqProof> GenerateDleqProof(ByteView k, const crypto::RistrettoElement& y,
                                    std::span<const crypto::RistrettoElement> c,
                                    std::span<const crypto::RistrettoElement> d, ByteView bind,
                                    Batching batching);

// kBadSignature when the proof does not verify; kInvalidArgument for
// mismatched lengths or an element that is not canonical.
Status VerifyDleqProof(const crypto::RistrettoElement& y,
                       std::span<const crypto::RistrettoElement> c,
                       std::span<const crypto::RistrettoElement> d, ByteView bind,
                       Batching batching, const DleqProof& proof);

}  // namespace backchannel::feelers

#endif  // BACKCHANNEL_FEELERS_DLEQ_H_
