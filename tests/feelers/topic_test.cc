// Topic normalisation (topic.h): keyboard variants meet, bad input is refused.
#include "backchannel/feelers/topic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "testing/status_matchers.h"

namespace backchannel::feelers {
namespace {

using ::backchannel::testing::StatusIs;
using ::testing::HasSubstr;

std::string Norm(std::string_view s) {
  auto t = FreeTextTopic(s);
  EXPECT_OK(t) << s;
  return t ? t->text : std::string();
}

TEST(TopicTest, PersianTypedWithArabicKeyboardLettersMatches) {
  // "نفت ایران" (Iran's oil) typed on a Persian keyboard (FARSI YEH U+06CC,
  // KEHEH U+06A9) and on an Arabic one (YEH U+064A, KAF U+0643).
  const std::string persian = "\u0646\u0641\u062A \u0627\u06CC\u0631\u0627\u0646";
  const std::string arabic = "\u0646\u0641\u062A \u0627\u064A\u0631\u0627\u0646";
  EXPECT_EQ(Norm(persian), Norm(arabic));
  // "کمک" (help) with KAF vs KEHEH; ALEF MAKSURA vs FARSI YEH at a word end.
  EXPECT_EQ(Norm("\u06A9\u0645\u06A9"), Norm("\u0643\u0645\u0643"));
  EXPECT_EQ(Norm("\u0645\u0648\u0633\u06CC"), Norm("\u0645\u0648\u0633\u0649"));
  // The result uses the Persian letters.
  EXPECT_EQ(Norm(arabic), persian);
}

TEST(TopicTest, ZwnjAndFormatCharactersAreRemoved) {
  // "می‌خواهم" with and without the ZERO WIDTH NON-JOINER, and with a
  // RIGHT-TO-LEFT MARK (U+200F) in front.
  const std::string with_zwnj = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645";
  const std::string without = "\u0645\u06CC\u062E\u0648\u0627\u0647\u0645";
  EXPECT_EQ(Norm(with_zwnj), Norm(without));
  EXPECT_EQ(Norm("\u200F" + without), Norm(without));
  // Persian and Arabic-Indic digits become ASCII.
  EXPECT_EQ(Norm("\u06F1\u06F4\u06F0\u06F3"), "1403");
  EXPECT_EQ(Norm("\u0661\u0664\u0660\u0663"), "1403");
}

TEST(TopicTest, LatinCaseWidthLigatureAndSpacingVariantsMatch) {
  const std::string base = Norm("sanctions relief");
  EXPECT_EQ(base, "sanctions relief");
  EXPECT_EQ(Norm("Sanctions RELIEF"), base);
  EXPECT_EQ(Norm("  sanctions \t\n relief  "), base);
  // Fullwidth letters (U+FF33 ...) and a no-break space.
  EXPECT_EQ(Norm("\uFF33\uFF41\uFF4E\uFF43\uFF54\uFF49\uFF4F\uFF4E\uFF53\u00A0relief"), base);
  // The "fi" ligature U+FB01; German sharp s folds to "ss".
  EXPECT_EQ(Norm("\uFB01nance"), "finance");
  EXPECT_EQ(Norm("STRASSE"), Norm("stra\u00DFe"));
  // Arabic presentation forms (isolated YEH U+FEF1) fold to the letter, then
  // to FARSI YEH.
  EXPECT_EQ(Norm("\uFEF1"), "\u06CC");
}

TEST(TopicTest, DifferentTopicsStayDifferent) {
  EXPECT_NE(Norm("enrichment"), Norm("enrichment cap"));
  EXPECT_NE(Norm("\u0646\u0641\u062A"), Norm("\u0646\u0641\u0633"));
}

TEST(TopicTest, EmptyOrOverlongTopicsAreRefused) {
  EXPECT_THAT(FreeTextTopic(""), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(FreeTextTopic(" \t\u200C\u200F "),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_OK(FreeTextTopic(std::string(kMaxTopicBytes, 'a')));
  EXPECT_THAT(FreeTextTopic(std::string(kMaxTopicBytes + 1, 'a')),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("256")));
  EXPECT_THAT(FreeTextTopic(std::string(kMaxTopicInputBytes + 1, ' ')),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("1024")));
  // The cap applies to the normalised text: 90 "ffi" ligatures (U+FB03)
  // become 270 bytes of "ffi".
  std::string ligatures;
  for (int i = 0; i < 90; ++i) ligatures += "\uFB03";  // 270 bytes in, 270 out
  EXPECT_THAT(FreeTextTopic(ligatures), StatusIs(StatusCode::kInvalidArgument));
}

TEST(TopicTest, InvalidUtf8IsRefused) {
  EXPECT_THAT(FreeTextTopic("abc\xff"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("UTF-8")));
  EXPECT_THAT(FreeTextTopic("\xed\xa0\x80"),
              StatusIs(StatusCode::kInvalidArgument));  // a surrogate
}

TEST(TopicTest, AgendaIdsAreKeptAsIdsAndNeverEqualFreeText) {
  auto issue = AgendaTopic("enrichment");
  auto option = AgendaTopic("enrichment:3.67pct");
  ASSERT_OK(issue);
  ASSERT_OK(option);
  EXPECT_EQ(option->text, "enrichment:3.67pct");
  auto text = FreeTextTopic("enrichment");
  ASSERT_OK(text);
  EXPECT_EQ(text->text, issue->text);
  EXPECT_NE(text->Canonical(), issue->Canonical());
  EXPECT_THAT(AgendaTopic(""), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(AgendaTopic("issue:"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("option")));
  EXPECT_THAT(AgendaTopic("has space"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(AgendaTopic("a:b:c"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(AgendaTopic(std::string(65, 'x')), StatusIs(StatusCode::kInvalidArgument));
}

TEST(TopicTest, CanonicalBytesRoundTripAndRefuseNonNormalForms) {
  for (const auto& t : {FreeTextTopic("Oil Exports"), AgendaTopic("oil:exports")}) {
    ASSERT_OK(t);
    auto back = TopicFromCanonical(t->Canonical());
    ASSERT_OK(back);
    EXPECT_EQ(*back, *t);
  }
  Bytes upper = {1, 'O', 'i', 'l'};
  EXPECT_THAT(TopicFromCanonical(upper), StatusIs(StatusCode::kCorrupt, HasSubstr("normal form")));
  EXPECT_THAT(TopicFromCanonical(Bytes{9, 'a'}), StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT(TopicFromCanonical(Bytes{}), StatusIs(StatusCode::kCorrupt));
}

}  // namespace
}  // namespace backchannel::feelers
