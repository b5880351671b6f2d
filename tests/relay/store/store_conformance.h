// The Store conformance suite: every implementation of relay::Store must pass
// it. An implementation joins by instantiating the suite with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformanceTest,
//                            testing::Values(StoreFactory{"postgres", ...}),
//                            StoreFactoryName);
//
// Each test gets a fresh temporary directory; `open(dir)` must return an
// empty store the first time and, when `persistent`, the same data when
// called again with the same directory (after the first store is destroyed).
#ifndef BACKCHANNEL_TESTS_RELAY_STORE_STORE_CONFORMANCE_H_
#define BACKCHANNEL_TESTS_RELAY_STORE_STORE_CONFORMANCE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "backchannel/relay/store.h"

namespace backchannel::relay::testing {

struct StoreFactory {
  std::string name;
  std::function<Result<std::unique_ptr<Store>>(const std::string& dir)> open;
  bool persistent = false;
};

// gtest prints the parameter by its name, not as raw bytes.
inline void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

inline std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

class StoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Destroys the store and opens it again on the same directory.
  void Reopen();

  std::string dir_;
  std::unique_ptr<Store> store_;
};

// Limits that only count messages (no byte quota reached).
inline QueueLimits MessageLimit(std::size_t max_messages) {
  return {max_messages, UINT64_MAX, UINT64_MAX};
}

// A fresh directory under $TMPDIR (or /tmp); removed with its contents by
// RemoveTree.
std::string MakeTempDir();
void RemoveTree(const std::string& dir);

}  // namespace backchannel::relay::testing

#endif  // BACKCHANNEL_TESTS_RELAY_STORE_STORE_CONFORMANCE_H_
