#pragma once

#include <optional>
#include <string>
#include <utility>

namespace openclaw {

// An expected runtime outcome: a value, or the reason there is none (process gone, EACCES, bad JSON, timeout).
// Exceptions are kept for start-up configuration errors.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor): a value is a success
  static Result failure(std::string reason) { return Result(std::nullopt, std::move(reason)); }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  const T* operator->() const { return &*value_; }
  const std::string& error() const { return error_; }

 private:
  Result(std::nullopt_t, std::string reason) : error_(std::move(reason)) {}
  std::optional<T> value_;
  std::string error_;
};

// Success without a value.
struct Ok {};
using Status = Result<Ok>;

}  // namespace openclaw
