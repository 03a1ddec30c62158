#pragma once

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "result.hpp"

namespace openclaw::hook {

using Labels = std::map<std::string, std::string>;

// One label matcher with Alertmanager's semantics: equality, or a regular expression anchored at both ends.
// A missing label has the value "".
class LabelMatcher {
 public:
  static LabelMatcher equal(std::string name, std::string value);
  // Fails with the regex error when the pattern does not compile.
  static Result<LabelMatcher> regex(std::string name, const std::string& pattern);

  bool matches(const Labels& labels) const;
  // `name="value"` or `name=~"pattern"`, for logs and the status page.
  std::string describe() const;
  const std::string& name() const { return name_; }

 private:
  LabelMatcher(std::string name, std::string value, std::shared_ptr<const std::regex> re)
      : name_(std::move(name)), value_(std::move(value)), regex_(std::move(re)) {}
  std::string name_;
  std::string value_;
  std::shared_ptr<const std::regex> regex_;  // null: equality
};

// All matchers must match (an empty set matches everything).
struct Matchers {
  std::vector<LabelMatcher> all;
  bool matches(const Labels& labels) const;
  std::string describe() const;
};

// libstdc++'s std::regex recurses per character; values longer than this never match a regex, so a hostile
// label cannot overflow the stack.
inline constexpr std::size_t kMaxRegexSubjectLength = 4096;

}  // namespace openclaw::hook
