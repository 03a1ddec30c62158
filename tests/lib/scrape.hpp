#pragma once
// Reads an exporter's /metrics into a map for assertions (test-only; the product never parses this format).
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "test_support.hpp"

namespace openclaw::testing {

// Series as written ("name{a=\"x\",b=\"y\"}") -> value, except for the `host` label both programs put on every
// series (common/src/host_label.hpp): it is taken out of the key and counted in `hosts` (host value -> samples), so
// keys stay free of the machine's name and a test checks the label once: hosts == {{name, samples}}.
struct Scrape {
  std::string text;
  std::map<std::string, double> series;
  std::map<std::string, std::size_t> hosts;
  std::size_t samples = 0;

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

// `key` without its host="..." label (set in `host`, which stays nullopt when there is none).
inline std::string without_host_label(const std::string& key, std::optional<std::string>& host) {
  host.reset();
  const auto open = key.find('{');
  if (open == std::string::npos) return key;
  std::size_t at = open + 1;
  while (at < key.size() && key[at] != '}') {
    const auto eq = key.find("=\"", at);
    if (eq == std::string::npos) return key;
    std::size_t end = eq + 2;
    std::string value;
    while (end < key.size() && key[end] != '"') {
      if (key[end] == '\\' && end + 1 < key.size()) ++end;
      value += key[end++];
    }
    const std::size_t next = end + 1 < key.size() && key[end + 1] == ',' ? end + 2 : end + 1;
    if (key.compare(at, eq - at, "host") == 0) {
      host = value;
      std::string out = key.substr(0, at) + key.substr(next);
      if (out.ends_with(",}")) out.erase(out.size() - 2, 1);  // host was the last label
      if (out.ends_with("{}")) out.erase(out.size() - 2);     // ... and the only one
      return out;
    }
    at = next;
  }
  return key;
}

// Exposition text (an exporter's or a hook's /metrics body) as a Scrape.
inline Scrape parse_scrape(const std::string& text) {
  Scrape out;
  out.text = text;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    const std::string value = line.substr(space + 1);
    std::optional<std::string> host;
    const std::string key = without_host_label(line.substr(0, space), host);
    out.series[key] = value == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(value);
    ++out.samples;
    if (host) ++out.hosts[*host];
  }
  return out;
}

inline Scrape scrape(const std::string& url) {
  const HttpResponse response = http_get(url);
  if (response.status != 200) return {};
  return parse_scrape(response.body);
}

}  // namespace openclaw::testing
