// The fixture of the feelers client tests (feelers_client/service.h): two
// client homes accredited by different authorities (the client channel
// fixture), a mutually verified channel, one FeelerService each.
// FeelersFastTest runs on the in-process layer (the relay's real Router and
// SQLite store); FeelersE2eTest on the real backchanneld.
#ifndef BACKCHANNEL_TESTS_FEELERS_CLIENT_FEELERS_FIXTURE_H_
#define BACKCHANNEL_TESTS_FEELERS_CLIENT_FEELERS_FIXTURE_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "backchannel/feelers_client/service.h"
#include "client/channel_fixture.h"
#include "testing/status_matchers.h"

namespace backchannel::feelers_client {

using ::backchannel::testing::StatusIs;
using client::Client;

inline bool Contains(const std::vector<std::string>& v, std::string_view s) {
  for (const auto& x : v) {
    if (x.find(s) != std::string::npos) return true;
  }
  return false;
}

// Everything a side has shown its user, in one string.
inline std::string Shown(const std::vector<FeelerReport>& reports,
                         const std::vector<FeelerView>& views) {
  std::string out;
  for (const auto& r : reports) {
    for (const auto& e : r.events) out += e + "\n";
  }
  for (const auto& v : views) {
    for (const auto& t : v.topics) out += "topic " + t + "\n";
    for (const auto& t : v.matched) out += "matched " + t + "\n";
    out += v.notice + "\n";
  }
  return out;
}

inline std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <bool kInProcess>
class FeelersTest : public client::ChannelTest<kInProcess> {
 protected:
  using Base = client::ChannelTest<kInProcess>;

  void SetUp() override {
    Base::SetUp();
    if (::testing::Test::HasFatalFailure()) return;
    alice_ = this->Valid("alice", *this->us_, 1);
    bob_ = this->Valid("bob", *this->iran_, 1);
    ASSERT_TRUE(alice_ && bob_);
    this->Connect(*alice_, *bob_);
    if (::testing::Test::HasFatalFailure()) return;
    MakeServices({}, {});
  }

  void MakeServices(feelers::BudgetPolicy a, feelers::BudgetPolicy b) {
    auto clock = [offset = this->offset_ms_] { return client::Now() + offset->load() / 1000; };
    at_alice_ = std::make_unique<FeelerService>(*alice_, clock, a);
    at_bob_ = std::make_unique<FeelerService>(*bob_, clock, b);
  }

  static FeelerReport SyncOk(FeelerService& s) {
    auto r = s.Sync();
    EXPECT_TRUE(r.has_value()) << r.error();
    if (!r) return {};
    for (const auto& refused : r->refused) ADD_FAILURE() << "refused: " << refused;
    return std::move(*r);
  }

  static FeelerReport SendOk(FeelerService& s, const std::string& to,
                             const std::vector<std::string>& topics) {
    auto r = s.Send(to, topics);
    EXPECT_TRUE(r.has_value()) << r.error();
    return r.has_value() ? std::move(*r) : FeelerReport{};
  }

  static std::vector<FeelerView> ListOk(FeelerService& s) {
    auto v = s.List(std::nullopt);
    EXPECT_TRUE(v.has_value()) << v.error();
    return v.has_value() ? std::move(*v) : std::vector<FeelerView>{};
  }

  // Alice offers first, Bob answers after receiving it, then both sync until
  // both have the result. Returns every report each side saw.
  void RunExchange(const std::vector<std::string>& alice_topics,
                   const std::vector<std::string>& bob_topics) {
    alice_reports_.push_back(SendOk(*at_alice_, "bob", alice_topics));
    bob_reports_.push_back(SyncOk(*at_bob_));
    bob_reports_.push_back(SendOk(*at_bob_, "alice", bob_topics));
    alice_reports_.push_back(SyncOk(*at_alice_));  // offer + response: response, finish out
    bob_reports_.push_back(SyncOk(*at_bob_));      // response + finish: done, finish out
    alice_reports_.push_back(SyncOk(*at_alice_));  // finish: done
  }

  std::unique_ptr<Client> alice_, bob_;
  std::unique_ptr<FeelerService> at_alice_, at_bob_;
  std::vector<FeelerReport> alice_reports_, bob_reports_;
};

using FeelersFastTest = FeelersTest<true>;
using FeelersE2eTest = FeelersTest<false>;

// Topics typed on two keyboards; only the shared ones show, on both sides.
inline const std::vector<std::string> kAliceTopics = {"Sanctions relief", "prisoner exchange",
                                                      "alice-only-hostage-swap"};
inline const std::vector<std::string> kBobTopics = {"sanctions  RELIEF", "prisoner exchange",
                                                    "bob-only-enrichment-cap"};

inline void ExpectOnlySharedShown(const std::vector<FeelerView>& alice,
                                  const std::vector<FeelerView>& bob,
                                  const std::string& alice_shown, const std::string& bob_shown) {
  ASSERT_EQ(alice.size(), 1U);
  ASSERT_EQ(bob.size(), 1U);
  EXPECT_EQ(alice[0].phase, "done");
  EXPECT_EQ(bob[0].phase, "done");
  EXPECT_EQ(alice[0].matched, (std::vector<std::string>{"sanctions relief", "prisoner exchange"}));
  EXPECT_EQ(bob[0].matched, (std::vector<std::string>{"sanctions relief", "prisoner exchange"}));
  EXPECT_EQ(alice[0].contact, "bob");
  EXPECT_EQ(bob[0].contact, "alice");
  EXPECT_EQ(alice[0].k, 8U);
  EXPECT_NE(alice_shown.find("shared topics: sanctions relief, prisoner exchange"),
            std::string::npos)
      << alice_shown;
  EXPECT_NE(bob_shown.find("shared topics: sanctions relief, prisoner exchange"), std::string::npos)
      << bob_shown;
  // Each side's unshared topic never reaches the other.
  EXPECT_EQ(bob_shown.find("alice-only"), std::string::npos) << bob_shown;
  EXPECT_EQ(alice_shown.find("bob-only"), std::string::npos) << alice_shown;
}

}  // namespace backchannel::feelers_client

#endif  // BACKCHANNEL_TESTS_FEELERS_CLIENT_FEELERS_FIXTURE_H_
