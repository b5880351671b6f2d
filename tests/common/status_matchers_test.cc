// The shared test matchers (tests/testing/status_matchers.h): they match what
// they should, refuse what they should not, and a failure prints the status.
#include "testing/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <string>

#include "backchannel/common/result.h"
#include "backchannel/common/status.h"

namespace backchannel {
namespace {

using ::backchannel::testing::IsOk;
using ::backchannel::testing::StatusIs;
using ::testing::DescribeMatcher;
using ::testing::HasSubstr;
using ::testing::Not;

Status Bad() { return {StatusCode::kCorrupt, "record field 'seq' must be an integer"}; }
Result<int> BadResult() { return Bad(); }
Result<int> Seven() { return 7; }

// An outcome shaped like tests/talks' Delivery.
struct Outcome {
  bool good = false;
  bool ok() const { return good; }
  std::string Describe() const { return good ? "fine" : "sent: permission_denied: not a member"; }
};

TEST(StatusMatchersTest, IsOkMatchesOkOnly) {
  EXPECT_THAT(Status::Ok(), IsOk());
  EXPECT_THAT(Seven(), IsOk());
  EXPECT_THAT(Outcome{true}, IsOk());
  EXPECT_THAT(Bad(), Not(IsOk()));
  EXPECT_THAT(BadResult(), Not(IsOk()));
  EXPECT_THAT(Outcome{false}, Not(IsOk()));
}

TEST(StatusMatchersTest, IsOkExplainsWithTheStatus) {
  EXPECT_FALSE(::testing::Matches(IsOk())(Bad()));
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(::testing::ExplainMatchResult(IsOk(), BadResult(), &listener));
  EXPECT_THAT(listener.str(), HasSubstr("corrupt: record field 'seq' must be an integer"));
  EXPECT_EQ(DescribeMatcher<Status>(IsOk()), "is OK");
}

TEST(StatusMatchersTest, StatusIsComparesCodeAndMessage) {
  EXPECT_THAT(Bad(), StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(BadResult(), StatusIs(StatusCode::kCorrupt, HasSubstr("'seq'")));
  EXPECT_THAT(Bad(), Not(StatusIs(StatusCode::kNotFound)));
  EXPECT_THAT(Bad(), Not(StatusIs(StatusCode::kCorrupt, HasSubstr("'time_ms'"))));
  EXPECT_THAT(Seven(), Not(StatusIs(StatusCode::kCorrupt)));
  EXPECT_THAT(Status::Ok(), StatusIs(StatusCode::kOk));
  EXPECT_THAT(DescribeMatcher<Status>(StatusIs(StatusCode::kBadMac)), HasSubstr("bad_mac"));
}

TEST(StatusMatchersTest, AssertionsPrintTheStatus) {
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(Bad()), "corrupt: record field 'seq' must be an integer");
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(BadResult()) << "while reading", "while reading");
  EXPECT_FATAL_FAILURE(ASSERT_OK(BadResult()), "Expected: BadResult() is OK");
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(Outcome{false}), "sent: permission_denied: not a member");
  EXPECT_OK(Seven());
  ASSERT_OK(Status::Ok());
}

int evaluations = 0;
Status Counted() {
  ++evaluations;
  return Bad();
}

TEST(StatusMatchersTest, AssertionsEvaluateTheirArgumentOnce) {
  evaluations = 0;
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(Counted()), "Counted()");
  EXPECT_EQ(evaluations, 1);
}

}  // namespace
}  // namespace backchannel
