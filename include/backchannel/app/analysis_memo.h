// The engine's part of the analysis chart (the exact Pareto frontier, Nash,
// Kalai-Smorodinsky: negotiation::Analyze within the view's budgets), kept
// per basis. A basis is what the engine computes from: the agenda's shape
// and the profiles the chart uses (our own, those shared with us, the
// opponent model's estimates, which move with every offer). The same basis
// gives the same answer, so a chart asked again, or asked after the basis
// was prepared in the background (Prepare: the web app does it at unlock and
// whenever the talks change), takes it from here instead of redoing seconds
// of engine work on a 10^20-outcome agenda (docs/webapp-talks.md "Speed").
// Nothing is approximated: the entry is the engine's own result.
//
// The key is a SHA-256 of the basis (no profile kept in it); the entries
// hold packages (option indexes). Clear() drops them all (the app does at
// lock: they are derived from the profiles).
//
// Thread safety: every member may be called from any thread. A basis asked
// while the background computes it waits for that computation; one asked
// while it is only queued is computed by the asker at once.
#ifndef BACKCHANNEL_APP_ANALYSIS_MEMO_H_
#define BACKCHANNEL_APP_ANALYSIS_MEMO_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"

namespace backchannel::app {

// What the chart draws from the engine, in the engine's order.
struct ChartSolutions {
  std::vector<negotiation::Package> frontier;
  bool frontier_complete = false;
  std::optional<negotiation::Package> nash;
  std::optional<negotiation::Package> kalai_smorodinsky;
};

// Computes them: negotiation::Analyze within the view's budgets (the chart
// answers within about a second where the engine can: the ZOPA count and
// the solution searches stop early; the frontier keeps the engine's limit
// and says when it went over).
Result<ChartSolutions> ComputeChartSolutions(const negotiation::Domain& domain,
                                             const std::vector<negotiation::Profile>& profiles);

class ChartSolutionsMemo {
 public:
  // At most `capacity` bases are kept (the oldest go first).
  explicit ChartSolutionsMemo(std::size_t capacity = 8);
  // Waits for the computation in progress (if any), then stops.
  ~ChartSolutionsMemo();
  ChartSolutionsMemo(const ChartSolutionsMemo&) = delete;
  ChartSolutionsMemo& operator=(const ChartSolutionsMemo&) = delete;
  ChartSolutionsMemo(ChartSolutionsMemo&&) = delete;
  ChartSolutionsMemo& operator=(ChartSolutionsMemo&&) = delete;

  // The solutions for `profiles` (two or more) over `domain`: kept, or being
  // computed in the background (waits for it), or computed now. Errors as
  // negotiation::Analyze (kept too: the same basis fails the same way).
  Result<ChartSolutions> Get(const negotiation::Domain& domain,
                             const std::vector<negotiation::Profile>& profiles);
  // Queues the computation on the memo's own thread (started on first use)
  // unless the basis is
  // kept or queued; returns at once. Fewer than two profiles: nothing.
  void Prepare(const negotiation::Domain& domain,
               const std::vector<negotiation::Profile>& profiles);
  // Forgets every basis (one computing finishes into nothing).
  void Clear();

  // The process's memo: `talks.analysis` reads through it, and the web
  // app prepares into it and clears it at lock. Never destroyed (its
  // thread, started by the first Prepare, ends with the process).
  static ChartSolutionsMemo& Shared();

  // How many times Get found its basis kept or underway, and how many it
  // computed itself (tests and the figures).
  std::size_t hits() const;
  std::size_t computed() const;

 private:
  struct Entry;
  std::shared_ptr<Entry> Find(const std::string& key);              // mu_ held
  void Keep(const std::string& key, std::shared_ptr<Entry> entry);  // mu_ held
  void Background();

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;  // guarded by mu_
  std::deque<std::string> order_;                          // guarded by mu_: oldest first
  std::deque<std::shared_ptr<Entry>> queue_;               // guarded by mu_
  std::size_t hits_ = 0;                                   // guarded by mu_
  std::size_t computed_ = 0;                               // guarded by mu_
  bool stopping_ = false;                                  // guarded by mu_
  std::thread thread_;                                     // started by the first Prepare
};

}  // namespace backchannel::app

#endif  // BACKCHANNEL_APP_ANALYSIS_MEMO_H_
