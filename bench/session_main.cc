// bench_session's main: runs every registered benchmark (Google Benchmark
// flags apply, e.g. --benchmark_filter, --benchmark_repetitions), prints the
// usual console table, then a summary of items/s and the ratios that the
// session layer's quality bars are stated in (issue 2):
//
//   bc/libsignal   backchannel items/s ÷ libsignal items/s   (target ≥ 3 setup, ≥ 2 round trip)
//   bc/libolm      backchannel items/s ÷ libolm items/s      (target > 1)
//   bc/limit       backchannel time per op ÷ limit time per op (target ≤ 2; round trip only)
//
// A benchmark that is missing (not built, filtered out, or failed) shows "n/a".
// Benchmarks register themselves from static initializers in their own source
// files (session_peers.cc, session_limit.cc, and session_backchannel.cc when it
// exists); they are named BM_SessionSetup/<impl> and BM_Roundtrip1K/<impl>,
// and each must call state.SetItemsProcessed(state.iterations()).
//
// With repetitions, the median aggregate is used; otherwise the last run.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  explicit CollectingReporter(OutputOptions options) : ConsoleReporter(options) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !median) continue;
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end() || it->second.value <= 0) continue;
      const std::string name = run.run_name.str();
      Entry& entry = items_per_second_[name];
      if (entry.from_median && !median) continue;
      entry.value = it->second.value;
      entry.from_median = median;
    }
  }

  std::optional<double> ItemsPerSecond(const std::string& name) const {
    auto it = items_per_second_.find(name);
    if (it == items_per_second_.end()) return std::nullopt;
    return it->second.value;
  }

 private:
  struct Entry {
    double value = 0;
    bool from_median = false;
  };
  std::map<std::string, Entry> items_per_second_;
};

std::string Format(std::optional<double> v, const char* fmt) {
  if (!v.has_value()) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, *v);
  return buf;
}

std::optional<double> Ratio(std::optional<double> num, std::optional<double> den) {
  if (!num.has_value() || !den.has_value() || *den <= 0) return std::nullopt;
  return *num / *den;
}

void PrintSummary(const CollectingReporter& r) {
  const char* kFamilies[] = {"BM_SessionSetup", "BM_Roundtrip1K"};
  const char* kImpls[] = {"backchannel", "libsignal", "libolm", "limit"};

  std::printf("\nSession layer summary (items/s, same process):\n");
  std::printf("%-16s", "");
  for (const char* impl : kImpls) std::printf(" %14s", impl);
  std::printf("\n");
  for (const char* family : kFamilies) {
    std::printf("%-16s", family);
    for (const char* impl : kImpls) {
      std::printf(" %14s",
                  Format(r.ItemsPerSecond(std::string(family) + "/" + impl), "%.1f").c_str());
    }
    std::printf("\n");
  }

  std::printf(
      "\nRatios: bc/libsignal and bc/libolm are speed-ups (items/s ÷ items/s, higher is\n"
      "better); bc/limit is backchannel's time per op ÷ the limit's (lower is better).\n");
  std::printf("%-16s %22s %22s %22s\n", "", "bc/libsignal", "bc/libolm", "bc/limit");
  for (const char* family : kFamilies) {
    const std::string f(family);
    auto bc = r.ItemsPerSecond(f + "/backchannel");
    auto libsignal = r.ItemsPerSecond(f + "/libsignal");
    auto libolm = r.ItemsPerSecond(f + "/libolm");
    auto limit = r.ItemsPerSecond(f + "/limit");
    const bool setup = f == "BM_SessionSetup";
    std::string vs_signal = Format(Ratio(bc, libsignal), "%.2fx");
    std::string vs_olm = Format(Ratio(bc, libolm), "%.2fx");
    std::string vs_limit = Format(Ratio(limit, bc), "%.2fx");  // time_bc / time_limit
    vs_signal += setup ? " (>= 3x)" : " (>= 2x)";
    vs_olm += " (> 1x)";
    if (!setup) vs_limit += " (<= 2x)";
    std::printf("%-16s %22s %22s %22s\n", family, vs_signal.c_str(), vs_olm.c_str(),
                vs_limit.c_str());
  }
  std::fflush(stdout);
}

// Colour as the library's own console reporter does it: --benchmark_color=
// true/false/auto (default auto: only on a terminal).
benchmark::ConsoleReporter::OutputOptions ConsoleOptions(int argc, char** argv) {
  std::string color = "auto";
  const std::string flag = "--benchmark_color=";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind(flag, 0) == 0) color = arg.substr(flag.size());
  }
  bool use_color = isatty(fileno(stdout)) != 0;
  if (color == "true" || color == "yes" || color == "1") use_color = true;
  if (color == "false" || color == "no" || color == "0") use_color = false;
  return use_color ? benchmark::ConsoleReporter::OO_Defaults
                   : benchmark::ConsoleReporter::OO_Tabular;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = ConsoleOptions(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  CollectingReporter reporter(options);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  PrintSummary(reporter);
  return 0;
}
