// Result<T>: a T or the Status explaining why there is none.
//
// Shaped like C++23's std::expected<T, Status> (has_value, value, error,
// operator*, operator->) so that moving to std::expected later is one alias.
// A Result built from an OK Status is a programming error and becomes an
// kInternal error instead of an empty value.
#ifndef BACKCHANNEL_COMMON_RESULT_H_
#define BACKCHANNEL_COMMON_RESULT_H_

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "backchannel/common/status.h"

namespace backchannel {

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  // NOLINTBEGIN(google-explicit-constructor): implicit by design, as std::expected.
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Status status) : v_(std::in_place_index<1>, std::move(status)) {
    if (std::get<1>(v_).ok()) v_.template emplace<1>(Internal("Result built from OK status"));
  }
  // NOLINTEND(google-explicit-constructor)

  template <typename... Args>
  explicit Result(std::in_place_t /*tag*/, Args&&... args)
      : v_(std::in_place_index<0>, std::forward<Args>(args)...) {}

  bool has_value() const { return v_.index() == 0; }
  bool ok() const { return has_value(); }
  explicit operator bool() const { return has_value(); }

  // REQUIRES: has_value()
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !has_value()
  const Status& error() const& { return std::get<1>(v_); }
  // OK when there is a value, the error otherwise.
  Status status() const { return has_value() ? Status() : std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace backchannel

// Evaluates `rexpr` (a Result); on error returns its Status, else moves the
// value into `lhs` (a declaration such as `auto x` or an existing variable).
#define BC_ASSIGN_OR_RETURN(lhs, rexpr) \
  BC_ASSIGN_OR_RETURN_IMPL_(BC_CONCAT_(bc_result_, __LINE__), lhs, rexpr)
// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` may be a declaration.
#define BC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                              \
  if (!tmp.has_value()) return tmp.error();        \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
#define BC_CONCAT_(a, b) BC_CONCAT_INNER_(a, b)
#define BC_CONCAT_INNER_(a, b) a##b

#endif  // BACKCHANNEL_COMMON_RESULT_H_
