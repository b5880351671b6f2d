// RFC 9497 §2.2 batched DLEQ over ristretto255, with the two differences
// dleq.h lists. Steps are named as in the RFC's pseudocode.
#include "backchannel/feelers/dleq.h"

#include <string_view>

#include "backchannel/common/byte_io.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::feelers {
namespace {

using crypto::RistrettoElement;

constexpr std::string_view kSeedTag = "backchannel feelers v1 Seed-";
constexpr std::string_view kCompositeTag = "Composite";
constexpr std::string_view kChallengeTag = "Challenge";

// RFC 9497 HashToScalar: 64 uniform bytes reduced modulo the order.
crypto::RistrettoSecretScalar HashToScalar(ByteView data, std::string_view dst) {
  ByteWriter w;
  w.U16(static_cast<std::uint16_t>(dst.size()));
  w.Raw(AsBytes(dst));
  const crypto::Sha512Digest h = crypto::Sha512({w.bytes(), data});
  return crypto::RistrettoScalarReduce64(h);
}

struct Composites {
  RistrettoElement m{};
  RistrettoElement z{};
};

// §2.2.1 ComputeComposites (the verifier's form: Z from D) or, when `k` is
// given, ComputeCompositesFast (Z = k·M).
Result<Composites> ComputeComposites(const RistrettoElement& y, std::span<const RistrettoElement> c,
                                     std::span<const RistrettoElement> d, ByteView bind,
                                     Batching batching, const ByteView* k) {
  ByteWriter seed_in;
  seed_in.Bytes16(y);
  seed_in.Bytes16(bind);
  const crypto::Sha512Digest seed =
      crypto::Sha512({AsBytes(kSeedTag), AsBytes(std::string_view("v1")), seed_in.bytes()});
  Composites out;
  bool first = true;
  for (std::size_t i = 0; i < c.size(); ++i) {
    RistrettoElement mi = c[i];
    RistrettoElement zi = d[i];
    if (batching == Batching::kOrdered) {
      ByteWriter w;
      w.Bytes16(seed);
      w.U16(static_cast<std::uint16_t>(i));
      w.Bytes16(c[i]);
      w.Bytes16(d[i]);
      const crypto::RistrettoSecretScalar di = HashToScalar(w.bytes(), kCompositeTag);
      BC_ASSIGN_OR_RETURN(mi, crypto::RistrettoScalarMult(di.view(), c[i]));
      if (k == nullptr) {
        BC_ASSIGN_OR_RETURN(zi, crypto::RistrettoScalarMult(di.view(), d[i]));
      }
    }
    if (first) {
      out.m = mi;
      out.z = zi;
      first = false;
      continue;
    }
    BC_ASSIGN_OR_RETURN(out.m, crypto::RistrettoAdd(out.m, mi));
    if (k == nullptr) {
      BC_ASSIGN_OR_RETURN(out.z, crypto::RistrettoAdd(out.z, zi));
    }
  }
  if (k != nullptr) {
    BC_ASSIGN_OR_RETURN(out.z, crypto::RistrettoScalarMult(*k, out.m));
  }
  return out;
}

crypto::RistrettoSecretScalar Challenge(const RistrettoElement& y, const Composites& comp,
                                        const RistrettoElement& t2, const RistrettoElement& t3,
                                        ByteView bind) {
  ByteWriter w;
  w.Bytes16(y);
  w.Bytes16(comp.m);
  w.Bytes16(comp.z);
  w.Bytes16(t2);
  w.Bytes16(t3);
  w.Bytes16(bind);
  return HashToScalar(w.bytes(), kChallengeTag);
}

Status CheckShapes(std::span<const RistrettoElement> c, std::span<const RistrettoElement> d) {
  if (c.empty() || c.size() != d.size()) {
    return InvalidArgument("dleq: the two lists must be non-empty and of the same length");
  }
  if (c.size() > 0xffff) return InvalidArgument("dleq: too many items");
  return Status::Ok();
}

}  // namespace

Result<DleqProof> GenerateDleqProof(ByteView k, const RistrettoElement& y,
                                    std::span<const RistrettoElement> c,
                                    std::span<const RistrettoElement> d, ByteView bind,
                                    Batching batching) {
  BC_RETURN_IF_ERROR(CheckShapes(c, d));
  BC_ASSIGN_OR_RETURN(Composites comp, ComputeComposites(y, c, d, bind, batching, &k));
  const crypto::RistrettoSecretScalar r = crypto::RistrettoRandomScalar();
  BC_ASSIGN_OR_RETURN(RistrettoElement t2, crypto::RistrettoScalarMultBase(r.view()));
  BC_ASSIGN_OR_RETURN(RistrettoElement t3, crypto::RistrettoScalarMult(r.view(), comp.m));
  const crypto::RistrettoSecretScalar ch = Challenge(y, comp, t2, t3, bind);
  // s = r - c·k
  const crypto::RistrettoSecretScalar ck = crypto::RistrettoScalarMul(ch.view(), k);
  const crypto::RistrettoSecretScalar s = crypto::RistrettoScalarSub(r.view(), ck.view());
  DleqProof proof;
  std::copy(ch.view().begin(), ch.view().end(), proof.c.begin());
  std::copy(s.view().begin(), s.view().end(), proof.s.begin());
  return proof;
}

Status VerifyDleqProof(const RistrettoElement& y, std::span<const RistrettoElement> c,
                       std::span<const RistrettoElement> d, ByteView bind, Batching batching,
                       const DleqProof& proof) {
  BC_RETURN_IF_ERROR(CheckShapes(c, d));
  auto bad = [] { return Status(StatusCode::kBadSignature, "dleq: proof does not verify"); };
  if (!crypto::RistrettoScalarIsCanonical(proof.c) ||
      !crypto::RistrettoScalarIsCanonical(proof.s)) {
    return bad();
  }
  BC_ASSIGN_OR_RETURN(Composites comp, ComputeComposites(y, c, d, bind, batching, nullptr));
  // t2 = s·G + c·Y ; t3 = s·M + c·Z. A zero s or c makes a term the
  // identity, which libsodium refuses: such a proof is simply rejected.
  auto sg = crypto::RistrettoScalarMultBase(proof.s);
  auto cy = crypto::RistrettoScalarMult(proof.c, y);
  auto sm = crypto::RistrettoScalarMult(proof.s, comp.m);
  auto cz = crypto::RistrettoScalarMult(proof.c, comp.z);
  if (!sg || !cy || !sm || !cz) return bad();
  auto t2 = crypto::RistrettoAdd(*sg, *cy);
  auto t3 = crypto::RistrettoAdd(*sm, *cz);
  if (!t2 || !t3) return bad();
  const crypto::RistrettoSecretScalar expected = Challenge(y, comp, *t2, *t3, bind);
  if (!ConstantTimeEqual(expected.view(), proof.c)) return bad();
  return Status::Ok();
}

}  // namespace backchannel::feelers
