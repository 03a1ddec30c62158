#include "label_matcher.hpp"

#include <fmt/format.h>

namespace openclaw::hook {

LabelMatcher LabelMatcher::equal(std::string name, std::string value) {
  return LabelMatcher(std::move(name), std::move(value), nullptr);
}

Result<LabelMatcher> LabelMatcher::regex(std::string name, const std::string& pattern) {
  try {
    auto re = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript | std::regex::optimize);
    return LabelMatcher(std::move(name), pattern, std::move(re));
  } catch (const std::regex_error& e) {
    return Result<LabelMatcher>::failure(fmt::format("invalid regular expression \"{}\": {}", pattern, e.what()));
  }
}

bool LabelMatcher::matches(const Labels& labels) const {
  const auto it = labels.find(name_);
  const std::string& value = it == labels.end() ? std::string{} : it->second;
  if (!regex_) return value == value_;
  if (value.size() > kMaxRegexSubjectLength) return false;
  return std::regex_match(value, *regex_);
}

std::string LabelMatcher::describe() const {
  return fmt::format("{}{}\"{}\"", name_, regex_ ? "=~" : "=", value_);
}

bool Matchers::matches(const Labels& labels) const {
  for (const auto& matcher : all) {
    if (!matcher.matches(labels)) return false;
  }
  return true;
}

std::string Matchers::describe() const {
  std::string out = "{";
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) out += ", ";
    out += all[i].describe();
  }
  return out + "}";
}

}  // namespace openclaw::hook
