// The domain model: validation, exact outcome counts and additive utility.
#include "backchannel/negotiation/domain.h"

#include <gtest/gtest.h>

namespace backchannel::negotiation {
namespace {

Domain TwoIssues() {
  Domain d;
  d.name = "d";
  d.issues.push_back({"a", IssueKind::kDiscrete, {"x", "y"}, 0, 0, false});
  d.issues.push_back({"b", IssueKind::kDiscrete, {"p", "q", "r"}, 0, 0, true});
  return d;
}

TEST(DomainTest, IndicesByName) {
  Domain d = TwoIssues();
  EXPECT_EQ(*d.IssueIndex("b"), 1u);
  EXPECT_EQ(d.IssueIndex("c").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(*d.OptionIndex(1, "r"), 2u);
  EXPECT_EQ(d.OptionIndex(1, "x").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(d.OptionIndex(5, "x").error().code(), StatusCode::kNotFound);
}

TEST(DomainTest, OutcomeCountIsExactBeyond64Bits) {
  EXPECT_EQ(TwoIssues().OutcomeCount(), "6");
  Domain big;
  for (int i = 0; i < 20; ++i) {
    big.issues.push_back({"i" + std::to_string(i),
                          IssueKind::kDiscrete,
                          {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
                          0,
                          0,
                          false});
  }
  EXPECT_EQ(big.OutcomeCount(), "100000000000000000000");
}

TEST(DomainTest, ValidateNamesAndOptions) {
  EXPECT_TRUE(TwoIssues().Validate().ok());
  Domain d = TwoIssues();
  d.issues[1].name = "a";
  EXPECT_EQ(d.Validate().code(), StatusCode::kInvalidArgument);
  d = TwoIssues();
  d.issues[0].options = {"x", "x"};
  EXPECT_EQ(d.Validate().code(), StatusCode::kInvalidArgument);
  d = TwoIssues();
  d.issues[0].options.clear();
  EXPECT_EQ(d.Validate().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Domain{}.Validate().code(), StatusCode::kInvalidArgument);
}

TEST(DomainTest, AdditiveUtilityAndProfileValidation) {
  Domain d = TwoIssues();
  Profile p;
  p.name = "p";
  p.weights = {0.25, 0.75};
  p.evaluations = {{1.0, 0.0}, {0.0, 0.5, 1.0}};
  ASSERT_TRUE(p.Validate(d).ok());
  EXPECT_DOUBLE_EQ(p.Utility({0, 2}), 1.0);
  EXPECT_DOUBLE_EQ(p.Utility({1, 1}), 0.375);
  Profile bad = p;
  bad.weights = {0.5, 0.75};
  EXPECT_EQ(bad.Validate(d).code(), StatusCode::kInvalidArgument);
  bad = p;
  bad.evaluations[1][0] = 1.5;
  EXPECT_EQ(bad.Validate(d).code(), StatusCode::kInvalidArgument);
  bad = p;
  bad.evaluations[1].pop_back();
  EXPECT_EQ(bad.Validate(d).code(), StatusCode::kInvalidArgument);
  bad = p;
  bad.reservation = -0.1;
  EXPECT_EQ(bad.Validate(d).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace backchannel::negotiation
