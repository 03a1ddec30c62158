#include "metric_set.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace openclaw::exporter {
namespace {

const MetricDescriptor* find_descriptor(std::string_view name) {
  const auto& catalog = metrics_catalog();
  const auto it = std::find_if(catalog.begin(), catalog.end(), [&](const auto& d) { return d.name == name; });
  return it == catalog.end() ? nullptr : &*it;
}

}  // namespace

void MetricSet::add(std::string_view name, const Labels& labels, double value) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    const MetricDescriptor* descriptor = find_descriptor(name);
    if (descriptor == nullptr) throw std::logic_error(fmt::format("metric {} is not in the catalog", name));
    prometheus::MetricFamily family;
    family.name = std::string(descriptor->name);
    family.help = std::string(descriptor->help);
    family.type = descriptor->type;
    it = families_.emplace(family.name, std::move(family)).first;
  }
  prometheus::ClientMetric metric;
  metric.label.reserve(labels.size());
  for (const auto& [label, label_value] : labels) metric.label.push_back({label, label_value});
  if (it->second.type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  it->second.metric.push_back(std::move(metric));
}

void MetricSet::merge(MetricSet&& other) {
  for (auto& [name, family] : other.families_) {
    auto [it, inserted] = families_.try_emplace(name, std::move(family));
    if (!inserted) {
      auto& metrics = it->second.metric;
      metrics.insert(metrics.end(), std::make_move_iterator(family.metric.begin()),
                     std::make_move_iterator(family.metric.end()));
    }
  }
  other.families_.clear();
}

std::vector<prometheus::MetricFamily> MetricSet::take() {
  std::vector<prometheus::MetricFamily> out;
  out.reserve(families_.size());
  for (const auto& descriptor : metrics_catalog()) {
    auto node = families_.extract(std::string(descriptor.name));
    if (!node.empty()) out.push_back(std::move(node.mapped()));
  }
  families_.clear();
  return out;
}

}  // namespace openclaw::exporter
