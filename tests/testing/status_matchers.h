// GoogleTest matchers and assertions for Status and Result<T>
// (backchannel/common/result.h), shared by every test folder. On failure they
// print the status, e.g. "corrupt: record field 'seq' must be an integer",
// where ASSERT_TRUE(x.ok()) prints only "false".
//
//   ASSERT_OK(store.Put(key, value));        // a Status or a Result<T>
//   EXPECT_OK(r) << "while opening " << path; // extra context streams as usual
//   EXPECT_THAT(Open(path), StatusIs(StatusCode::kCorrupt));
//   EXPECT_THAT(Open(path), StatusIs(StatusCode::kCorrupt, HasSubstr("seq")));
//   EXPECT_THAT(r, Not(IsOk()));
//
// Besides Status and Result<T>, these accept any test-fixture outcome with
// `bool ok() const` and `std::string Describe() const` (tests/talks'
// Delivery), printing Describe() on failure.
//
// Thread safety: as GoogleTest's own assertions.
#ifndef BACKCHANNEL_TESTS_TESTING_STATUS_MATCHERS_H_
#define BACKCHANNEL_TESTS_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <concepts>
#include <ostream>
#include <string>
#include <type_traits>

#include "backchannel/common/result.h"
#include "backchannel/common/status.h"

namespace backchannel {

// Lets GoogleTest print a Result<T> (the value, or the status) in failure
// messages, instead of the bytes of the object.
template <typename T>
void PrintTo(const Result<T>& r, std::ostream* os) {
  if (r.has_value()) {
    *os << "value " << ::testing::PrintToString(*r);
  } else {
    *os << r.error();
  }
}

namespace testing {
namespace internal {

template <typename T>
concept DescribedOutcome = requires(const T& t) {
  { t.ok() } -> std::convertible_to<bool>;
  { t.Describe() } -> std::convertible_to<std::string>;
};

inline Status GetStatus(const Status& s) { return s; }
template <typename T>
Status GetStatus(const Result<T>& r) {
  return r.status();
}

// What a failure prints about `value`.
inline std::string Explain(const Status& s) { return s.ToString(); }
template <typename T>
std::string Explain(const Result<T>& r) {
  return r.status().ToString();
}
template <DescribedOutcome T>
std::string Explain(const T& t) {
  return t.Describe();
}

template <typename T>
bool IsOkValue(const T& value) {
  return value.ok();
}

// The predicate-formatter behind ASSERT_OK / EXPECT_OK.
template <typename T>
::testing::AssertionResult AssertOk(const char* expr_text, const T& value) {
  if (IsOkValue(value)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "Expected: " << expr_text << " is OK\n"
                                       << "  Actual: " << Explain(value);
}

class IsOkMatcher {
 public:
  template <typename T>
  bool MatchAndExplain(const T& value, ::testing::MatchResultListener* listener) const {
    if (IsOkValue(value)) return true;
    *listener << "whose status is " << Explain(value);
    return false;
  }
  void DescribeTo(std::ostream* os) const { *os << "is OK"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "is not OK"; }
};

class StatusIsMatcher {
 public:
  StatusIsMatcher(StatusCode code, ::testing::Matcher<const std::string&> message)
      : code_(code), message_(std::move(message)) {}

  template <typename T>
  bool MatchAndExplain(const T& value, ::testing::MatchResultListener* listener) const {
    const Status s = GetStatus(value);
    *listener << "whose status is " << s.ToString();
    if (s.code() != code_) return false;
    return message_.Matches(std::string(s.message()));
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has status code " << StatusCodeName(code_) << " and a message that ";
    message_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have status code " << StatusCodeName(code_) << " or has a message that ";
    message_.DescribeNegationTo(os);
  }

 private:
  StatusCode code_;
  ::testing::Matcher<const std::string&> message_;
};

}  // namespace internal

// Matches an OK Status, a Result<T> holding a value, or an outcome whose ok()
// is true.
inline ::testing::PolymorphicMatcher<internal::IsOkMatcher> IsOk() {
  return ::testing::MakePolymorphicMatcher(internal::IsOkMatcher());
}

// Matches a Status, or a Result<T> holding an error, with this code (and a
// message matching `message`). StatusIs(StatusCode::kOk) matches OK.
inline ::testing::PolymorphicMatcher<internal::StatusIsMatcher> StatusIs(
    StatusCode code, ::testing::Matcher<const std::string&> message = ::testing::_) {
  return ::testing::MakePolymorphicMatcher(internal::StatusIsMatcher(code, std::move(message)));
}

}  // namespace testing
}  // namespace backchannel

// ASSERT_OK(expr) / EXPECT_OK(expr): `expr` (a Status, a Result<T> or a
// described outcome) is OK; on failure prints the expression and its status.
// `expr` is evaluated once. Further context can be streamed with <<.
#define ASSERT_OK(expr) ASSERT_PRED_FORMAT1(::backchannel::testing::internal::AssertOk, expr)
#define EXPECT_OK(expr) EXPECT_PRED_FORMAT1(::backchannel::testing::internal::AssertOk, expr)

#endif  // BACKCHANNEL_TESTS_TESTING_STATUS_MATCHERS_H_
