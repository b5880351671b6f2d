// The chart's engine results kept per basis (analysis_memo.h).
#include "backchannel/app/analysis_memo.h"

#include <atomic>
#include <cstdio>
#include <future>
#include <utility>

#include "backchannel/crypto/primitives.h"
#include "backchannel/negotiation/analysis.h"

namespace backchannel::app {
namespace {

negotiation::AnalysisOptions ChartViewBudgets() {
  negotiation::AnalysisOptions o;
  o.max_frontier = 200'000;
  o.max_frontier_work = 50'000'000;
  o.max_zopa_nodes = 1'000'000;
  o.max_search_nodes = 2'000'000;
  // The chart draws the frontier, Nash and Kalai-Smorodinsky only: the ZOPA
  // count and the two other solutions' searches were half the engine time
  // of a 10^20-outcome agenda, for nothing shown.
  o.chart_only = true;
  return o;
}

// Every number the engine reads, exactly (hex floats), hashed: the same key
// means the same engine input.
void AppendExact(std::string& out, double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%a;", v);
  out += buf;
}

std::string BasisKey(const negotiation::Domain& domain,
                     const std::vector<negotiation::Profile>& profiles) {
  std::string text = "chart-basis-v1;";
  // The names too: the engine's refusals name the issue.
  for (const auto& issue : domain.issues) {
    text += std::to_string(issue.name.size()) + ":" + issue.name + "/" +
            std::to_string(issue.size()) + ",";
  }
  for (const auto& p : profiles) {
    text += "|";
    // Each list with its length (a profile that does not fit the agenda is
    // hashed as it is, and the engine refuses it).
    AppendExact(text, p.reservation);
    text += "w" + std::to_string(p.weights.size()) + ":";
    for (double w : p.weights) AppendExact(text, w);
    for (const auto& issue : p.evaluations) {
      text += "e" + std::to_string(issue.size()) + ":";
      for (double e : issue) AppendExact(text, e);
    }
  }
  const auto digest =
      crypto::Sha256({ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())});
  return std::string(digest.begin(), digest.end());
}

}  // namespace

Result<ChartSolutions> ComputeChartSolutions(const negotiation::Domain& domain,
                                             const std::vector<negotiation::Profile>& profiles) {
  BC_ASSIGN_OR_RETURN(auto report, negotiation::Analyze(domain, profiles, ChartViewBudgets()));
  ChartSolutions out;
  out.frontier.reserve(report.pareto.size());
  for (auto& sp : report.pareto) out.frontier.push_back(std::move(sp.package));
  out.frontier_complete = report.pareto_complete;
  if (report.nash) out.nash = std::move(report.nash->package);
  if (report.kalai_smorodinsky) {
    out.kalai_smorodinsky = std::move(report.kalai_smorodinsky->package);
  }
  return out;
}

// One basis: computed once, by whoever claims it first (the background
// thread, or an asker that finds it still queued).
struct ChartSolutionsMemo::Entry {
  negotiation::Domain domain;
  std::vector<negotiation::Profile> profiles;
  std::atomic<bool> claimed{false};
  std::promise<Result<ChartSolutions>> promise;
  std::shared_future<Result<ChartSolutions>> result = promise.get_future().share();

  // True when this caller computed it.
  bool Run() {
    if (claimed.exchange(true)) return false;
    promise.set_value(ComputeChartSolutions(domain, profiles));
    // The inputs are no longer needed: not kept beside the result.
    domain = {};
    profiles.clear();
    return true;
  }
};

ChartSolutionsMemo::ChartSolutionsMemo(std::size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity) {}

ChartSolutionsMemo::~ChartSolutionsMemo() {
  {
    const std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

ChartSolutionsMemo& ChartSolutionsMemo::Shared() {
  // Leaked on purpose: a static's destructor would join a thread that may
  // be seconds into a computation while the process exits.
  static auto* const memo = new ChartSolutionsMemo();  // NOLINT(cppcoreguidelines-owning-memory)
  return *memo;
}

std::shared_ptr<ChartSolutionsMemo::Entry> ChartSolutionsMemo::Find(const std::string& key) {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second;
}

void ChartSolutionsMemo::Keep(const std::string& key, std::shared_ptr<Entry> entry) {
  entries_[key] = std::move(entry);
  order_.push_back(key);
  while (entries_.size() > capacity_ && !order_.empty()) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
}

Result<ChartSolutions> ChartSolutionsMemo::Get(const negotiation::Domain& domain,
                                               const std::vector<negotiation::Profile>& profiles) {
  const std::string key = BasisKey(domain, profiles);
  std::shared_ptr<Entry> entry;
  {
    const std::lock_guard<std::mutex> lock(mu_);
    entry = Find(key);
    if (entry) {
      ++hits_;
    } else {
      entry = std::make_shared<Entry>();
      entry->domain = domain;
      entry->profiles = profiles;
      Keep(key, entry);
    }
  }
  // Queued but not started (or new): computed here, now.
  if (entry->Run()) {
    const std::lock_guard<std::mutex> lock(mu_);
    ++computed_;
  }
  return entry->result.get();
}

void ChartSolutionsMemo::Prepare(const negotiation::Domain& domain,
                                 const std::vector<negotiation::Profile>& profiles) {
  if (profiles.size() < 2) return;
  const std::string key = BasisKey(domain, profiles);
  {
    const std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || Find(key)) return;
    auto entry = std::make_shared<Entry>();
    entry->domain = domain;
    entry->profiles = profiles;
    Keep(key, entry);
    queue_.push_back(std::move(entry));
    if (!thread_.joinable()) thread_ = std::thread([this] { Background(); });
  }
  wake_.notify_one();
}

void ChartSolutionsMemo::Clear() {
  const std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
  order_.clear();
  queue_.clear();
}

std::size_t ChartSolutionsMemo::hits() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

std::size_t ChartSolutionsMemo::computed() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return computed_;
}

void ChartSolutionsMemo::Background() {
  for (;;) {
    std::shared_ptr<Entry> entry;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      entry = std::move(queue_.front());
      queue_.pop_front();
    }
    entry->Run();
  }
}

}  // namespace backchannel::app
