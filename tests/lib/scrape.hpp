#pragma once
// Reads an exporter's /metrics into a map for assertions (test-only; the product never parses this format).
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "test_support.hpp"

namespace openclaw::testing {

// Series as written ("name{a=\"x\",b=\"y\"}") -> value.
struct Scrape {
  std::string text;
  std::map<std::string, double> series;

  std::optional<double> get(const std::string& key) const {
    const auto it = series.find(key);
    if (it == series.end()) return std::nullopt;
    return it->second;
  }
  bool has_prefix(const std::string& prefix) const {
    const auto it = series.lower_bound(prefix);
    return it != series.end() && it->first.starts_with(prefix);
  }
};

inline Scrape scrape(const std::string& url) {
  Scrape out;
  const HttpResponse response = http_get(url);
  if (response.status != 200) return out;
  out.text = response.body;
  std::istringstream lines(response.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    const std::string value = line.substr(space + 1);
    out.series[line.substr(0, space)] = value == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(value);
  }
  return out;
}

}  // namespace openclaw::testing
