#include "host_label.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>

namespace openclaw {

std::string machine_hostname() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "localhost";
  return name.data();
}

prometheus::Labels host_labels(const std::string& host) {
  if (host.empty()) return {};
  return {{kHostLabel, host}};
}

void add_constant_labels(std::vector<prometheus::MetricFamily>& families, const prometheus::Labels& labels) {
  if (labels.empty()) return;
  for (auto& family : families) {
    for (auto& metric : family.metric) {
      for (const auto& constant : labels) {
        const std::string& name = constant.first;
        auto& own = metric.label;
        const auto same = std::find_if(own.begin(), own.end(), [&](const auto& l) { return l.name == name; });
        if (same != own.end()) {
          same->value = constant.second;
          continue;
        }
        const auto after = std::find_if(own.begin(), own.end(), [&](const auto& l) { return l.name > name; });
        own.insert(after, prometheus::ClientMetric::Label{name, constant.second});
      }
    }
  }
}

}  // namespace openclaw
