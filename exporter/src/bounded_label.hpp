#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace openclaw::exporter {

// A label value from outside (a log line's field, a unit property) kept to a known set so that the number of series
// stays bounded: anything not in `known` is "other". The view returned points into `known`.
template <std::size_t N>
std::string_view bounded_label(std::string_view value, const std::array<std::string_view, N>& known) {
  const auto it = std::find(known.begin(), known.end(), value);
  return it == known.end() ? std::string_view("other") : *it;
}

}  // namespace openclaw::exporter
