// The one function that labels what a member says (talks/label.h): each
// label, and the speaker's role winning over the authority it claims.
#include "backchannel/talks/label.h"

#include <gtest/gtest.h>

namespace backchannel::talks {
namespace {

TEST(LabelTest, EnvoysAndPrincipalsAreLabelledByAuthority) {
  for (Role r : {Role::kEnvoy, Role::kPrincipal}) {
    EXPECT_EQ(LabelOf(r, Authority::kCleared), Label::kCleared);
    EXPECT_EQ(LabelOf(r, Authority::kOwn), Label::kOwn);
    EXPECT_EQ(LabelOf(r, Authority::kExploratory), Label::kExploratory);
  }
}

TEST(LabelTest, OtherRolesCarryTheirRoleWhateverTheyClaim) {
  for (Authority a : {Authority::kCleared, Authority::kOwn, Authority::kExploratory}) {
    EXPECT_EQ(LabelOf(Role::kMediator, a), Label::kMediator);
    EXPECT_EQ(LabelOf(Role::kGuarantor, a), Label::kGuarantor);
    EXPECT_EQ(LabelOf(Role::kTrack2, a), Label::kUnofficial);
  }
}

TEST(LabelTest, KeysAndWords) {
  EXPECT_EQ(LabelKey(Label::kCleared), "cleared");
  EXPECT_EQ(LabelText(Label::kCleared), "cleared");
  EXPECT_EQ(LabelKey(Label::kOwn), "own");
  EXPECT_EQ(LabelText(Label::kOwn), "on the envoy's own authority");
  EXPECT_EQ(LabelKey(Label::kExploratory), "exploratory");
  EXPECT_EQ(LabelText(Label::kExploratory), "exploratory");
  EXPECT_EQ(LabelKey(Label::kMediator), "mediator");
  EXPECT_EQ(LabelText(Label::kMediator), "mediator");
  EXPECT_EQ(LabelKey(Label::kGuarantor), "guarantor");
  EXPECT_EQ(LabelText(Label::kGuarantor), "guarantor");
  EXPECT_EQ(LabelKey(Label::kUnofficial), "unofficial");
  EXPECT_EQ(LabelText(Label::kUnofficial), "unofficial (Track 2)");
}

}  // namespace
}  // namespace backchannel::talks
