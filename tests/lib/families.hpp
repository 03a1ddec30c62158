#pragma once
// Reading collected metric families in in-process tests (the exporter's and the hook's registries).
#include <prometheus/metric_family.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace openclaw::testing::families {

// The value of the first sample of `name` whose labels include all of `labels`; nullopt when there is none.
inline std::optional<double> value_of(const std::vector<prometheus::MetricFamily>& families, const std::string& name,
                                      const std::map<std::string, std::string>& labels = {}) {
  for (const auto& family : families) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::size_t matched = 0;
      for (const auto& pair : metric.label) {
        const auto it = labels.find(pair.name);
        if (it != labels.end() && it->second == pair.value) ++matched;
      }
      if (matched == labels.size()) {
        return family.type == prometheus::MetricType::Counter ? metric.counter.value : metric.gauge.value;
      }
    }
  }
  return std::nullopt;
}

}  // namespace openclaw::testing::families
