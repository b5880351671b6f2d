// Feelers (issue 15, "Speed"): items per second per party for a whole
// exchange as built — the state machine, the codec, hashing to the group,
// masking, answering, the batched DLEQ proof and its verification — against
// the limit set by its own primitive count, measured in the same run.
//
//   BM_Ristretto255ScalarMult      one variable-base scalar multiplication
//   BM_Ristretto255ScalarMultBase  one fixed-base scalar multiplication
//   BM_Exchange/k                  both parties, k real topics each, offer to
//                                  both finishes; counters:
//     items_per_s_party  k / (time per exchange / 2): the sides do equal work
//     limit_items_per_s  k / (per-party primitive time), where one party does
//                        5k+6 variable-base and 2 fixed-base multiplications
//                        (mask k; answer k; prove k+3 with one base; verify
//                        2k+4 with one base), performed for real after every
//                        exchange (interleaved: both see the same machine load)
//     all_ops_limit_items_per_s  the same with every other group operation
//                        one party performs added (3k-1 additions, k hashes
//                        to the group, 2k+2 decoding checks): libsodium works
//                        on encoded elements, so an addition costs about a
//                        third of a multiplication (BM_Ristretto255Add)
//     mult_us            the mean multiplication time of that limit work
//   BM_ZoneCheck100                a zone check over 100 candidates (k = 128),
//                                  50 accepted by each side, 20 by both
//     vs_limit           items_per_s_party / limit_items_per_s (aim >= 0.8)
#include <benchmark/benchmark.h>
#include <time.h>

#include <string>
#include <vector>

#include "backchannel/crypto/ristretto255.h"
#include "backchannel/feelers/context.h"
#include "backchannel/feelers/exchange.h"
#include "backchannel/feelers/message.h"
#include "backchannel/feelers/zone.h"

namespace backchannel::feelers {
namespace {

// This thread's CPU time: the machine is shared, so wall time would compare
// unlike with like.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct LimitWork {
  double mults = 0;  // the scalar multiplications alone
  double rest = 0;   // the other group operations the protocol performs
};

// The limit's work for one exchange (both parties), done for real on fresh
// inputs: the multiplication count of the header, then the rest of the
// group operations one party performs (3k-1 additions in the proof and its
// verification, k hashes to the group, 2k+2 decoding checks). CPU seconds.
LimitWork PrimitiveWork(std::size_t k) {
  const auto s = crypto::RistrettoRandomScalar();
  crypto::RistrettoElement e = crypto::RistrettoRandomElement();
  const crypto::RistrettoElement f = crypto::RistrettoRandomElement();
  ExchangeContext c;
  c.scope = "channel:bench";
  Bytes item = ToBytes(std::string_view("\x01shared 0"));
  LimitWork w;
  const double t0 = ThreadCpuSeconds();
  for (std::size_t i = 0; i < 2 * (5 * k + 6); ++i)
    e = crypto::RistrettoScalarMult(s.view(), e).value();
  for (int i = 0; i < 4; ++i) e = crypto::RistrettoScalarMultBase(s.view()).value();
  const double t1 = ThreadCpuSeconds();
  bool ok = true;
  for (std::size_t i = 0; i < 2 * (3 * k - 1); ++i) e = crypto::RistrettoAdd(e, f).value();
  for (std::size_t i = 0; i < 2 * k; ++i) {
    item.back() = static_cast<std::uint8_t>(i);
    e = HashItemToGroup(c, item);
  }
  for (std::size_t i = 0; i < 2 * (2 * k + 2); ++i)
    ok = ok && crypto::RistrettoIsValidNonIdentity(e);
  const double t2 = ThreadCpuSeconds();
  benchmark::DoNotOptimize(e);
  benchmark::DoNotOptimize(ok);
  w.mults = t1 - t0;
  w.rest = t2 - t1;
  return w;
}

// The overheads around the multiplications, for reading the ratio: a group
// addition (two decodings and an encoding of encoded elements), a received
// element's validity check (one decoding) and hashing an item to the group.
void BM_Ristretto255Add(benchmark::State& state) {
  crypto::RistrettoElement a = crypto::RistrettoRandomElement();
  const crypto::RistrettoElement b = crypto::RistrettoRandomElement();
  for (auto _ : state) a = crypto::RistrettoAdd(a, b).value();
  benchmark::DoNotOptimize(a);
}
BENCHMARK(BM_Ristretto255Add);

void BM_Ristretto255Check(benchmark::State& state) {
  const crypto::RistrettoElement a = crypto::RistrettoRandomElement();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::RistrettoIsValidNonIdentity(a));
}
BENCHMARK(BM_Ristretto255Check);

void BM_HashItemToGroup(benchmark::State& state) {
  ExchangeContext c;
  c.scope = "channel:bench";
  const Bytes item = ToBytes(std::string_view("\x01sanctions relief"));
  for (auto _ : state) benchmark::DoNotOptimize(HashItemToGroup(c, item));
}
BENCHMARK(BM_HashItemToGroup);

std::vector<Bytes> Items(const char* prefix, std::size_t n) {
  std::vector<Bytes> out;
  for (std::size_t i = 0; i < n; ++i) {
    // Half shared, half not.
    const std::string text =
        (i % 2 == 0 ? std::string("shared ") : std::string(prefix)) + std::to_string(i);
    out.push_back(ToBytes(text));
  }
  return out;
}

void BM_Exchange(benchmark::State& state) {
  const auto k = static_cast<std::size_t>(state.range(0));
  ExchangeParams pa;
  pa.self.mutable_bytes().fill(0xa1);
  pa.peer.mutable_bytes().fill(0xb0);
  pa.scope = "channel:bench";
  ExchangeParams pb = pa;
  std::swap(pb.self, pb.peer);
  const auto items_a = Items("alice ", k);
  const auto items_b = Items("bob ", k);
  std::int64_t now = 1'800'000'000;
  BudgetPolicy unlimited;
  unlimited.per_window = 1u << 30;
  ProbingBudget ba(unlimited);
  ProbingBudget bb(unlimited);
  double exchange_cpu = 0;
  double limit_cpu = 0;
  double rest_cpu = 0;
  for (auto _ : state) {
    ++now;
    const double t0 = ThreadCpuSeconds();
    Bytes offer;
    auto a = Exchange::Start(pa, items_a, k, now, 3600, ba, &offer).value();
    auto b = Exchange::Incoming(pb, DecodeOffer(offer).value(), now, 3600, bb).value();
    auto b_out = b.Answer(items_b, k, now).value();                      // offer, response
    auto a_out = a.OnOffer(DecodeOffer(b_out[0]).value(), now).value();  // response
    auto a_fin = a.OnResponse(DecodeResponse(b_out[1]).value(), now).value();
    auto b_fin = b.OnResponse(DecodeResponse(a_out[0]).value(), now).value();
    if (!b.OnFinish(DecodeFinish(a_fin[0]).value(), now).ok() ||
        !a.OnFinish(DecodeFinish(b_fin[0]).value(), now).ok() || a.MatchCount() != (k + 1) / 2) {
      state.SkipWithError("exchange failed");
      return;
    }
    exchange_cpu += ThreadCpuSeconds() - t0;
    // The limit, interleaved with the exchanges so both see the same load.
    state.PauseTiming();
    const LimitWork w = PrimitiveWork(k);
    limit_cpu += w.mults;
    rest_cpu += w.rest;
    state.ResumeTiming();
  }
  const auto n = static_cast<double>(state.iterations());
  // Each party does half of each exchange's work (the two are symmetric).
  const double per_party_s = exchange_cpu / n / 2;
  const double limit_per_party_s = limit_cpu / n / 2;
  state.counters["items_per_s_party"] = static_cast<double>(k) / per_party_s;
  state.counters["limit_items_per_s"] = static_cast<double>(k) / limit_per_party_s;
  state.counters["all_ops_limit_items_per_s"] =
      static_cast<double>(k) / ((limit_cpu + rest_cpu) / n / 2);
  state.counters["mult_us"] = limit_cpu / n / static_cast<double>(2 * (5 * k + 6) + 4) * 1e6;
}
BENCHMARK(BM_Exchange)->Arg(16)->Arg(32)->Unit(benchmark::kMillisecond);

// A zone check over 100 candidates (k = 128), each side accepting 50, both
// parties in this process: the time of one check (the relay's round trips
// are not included; the feelers are not wired to the client yet).
void BM_ZoneCheck100(benchmark::State& state) {
  std::vector<std::string> list;
  for (int i = 0; i < 100; ++i) list.push_back("pkg-" + std::to_string(i));
  std::vector<std::string> acc_a;
  std::vector<std::string> acc_b;
  for (int i = 0; i < 100; ++i) {
    if (i < 50) acc_a.push_back(list[static_cast<std::size_t>(i)]);
    if (i >= 30 && i < 80) acc_b.push_back(list[static_cast<std::size_t>(i)]);
  }
  const auto items_a = ZoneItems(list, acc_a).value();
  const auto items_b = ZoneItems(list, acc_b).value();
  ExchangeParams pa;
  pa.domain = Domain::kZone;
  pa.variant = Variant::kCardinality;
  pa.self.mutable_bytes().fill(0xa1);
  pa.peer.mutable_bytes().fill(0xb0);
  pa.scope = "talks:bench";
  ExchangeParams pb = pa;
  std::swap(pb.self, pb.peer);
  BudgetPolicy unlimited;
  unlimited.per_window = 1u << 30;
  ProbingBudget ba(unlimited);
  ProbingBudget bb(unlimited);
  std::int64_t now = 1'800'000'000;
  for (auto _ : state) {
    ++now;
    Bytes offer;
    auto a = Exchange::Start(pa, items_a, kZoneSize, now, 3600, ba, &offer).value();
    auto b = Exchange::Incoming(pb, DecodeOffer(offer).value(), now, 3600, bb).value();
    auto b_out = b.Answer(items_b, kZoneSize, now).value();
    auto a_out = a.OnOffer(DecodeOffer(b_out[0]).value(), now).value();
    auto a_fin = a.OnResponse(DecodeResponse(b_out[1]).value(), now).value();
    auto b_fin = b.OnResponse(DecodeResponse(a_out[0]).value(), now).value();
    if (!b.OnFinish(DecodeFinish(a_fin[0]).value(), now).ok() ||
        !a.OnFinish(DecodeFinish(b_fin[0]).value(), now).ok() || a.MatchCount() != 20) {
      state.SkipWithError("zone check failed");
      return;
    }
  }
}
BENCHMARK(BM_ZoneCheck100)->Unit(benchmark::kMillisecond);

// Prints vs_limit for each exchange run from the two counters above.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      auto got = r.counters.find("items_per_s_party");
      auto lim = r.counters.find("limit_items_per_s");
      if (got == r.counters.end() || lim == r.counters.end()) continue;
      const double items = got->second.value;
      GetOutputStream() << "  " << r.benchmark_name() << ": " << items << " items/s per party; "
                        << "scalar-mult limit " << lim->second.value << ", vs_limit "
                        << items / lim->second.value;
      auto all = r.counters.find("all_ops_limit_items_per_s");
      if (all != r.counters.end()) {
        GetOutputStream() << "; all-group-ops limit " << all->second.value << ", vs_all_ops "
                          << items / all->second.value;
      }
      GetOutputStream() << "\n";
    }
  }
};

}  // namespace
}  // namespace backchannel::feelers

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  backchannel::feelers::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
