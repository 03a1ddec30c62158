#pragma once

#include <prometheus/metric_family.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "metric_descriptor.hpp"

namespace openclaw::exporter {

// The metrics one scrape produces, built fresh every time so that a series whose subject vanished (the old PID,
// a gateway that went away) simply is not there: absent, never stale.
//
// Every name must be declared in metrics_catalog.cpp with its HELP and type; adding an undeclared name throws
// std::logic_error, so a metric without HELP text cannot ship.
class MetricSet {
 public:
  using Labels = std::map<std::string, std::string>;

  void add(std::string_view name, const Labels& labels, double value);
  // Moves every sample of `other` into this set.
  void merge(MetricSet&& other);

  // Families in catalog order, each with at least one sample.
  std::vector<prometheus::MetricFamily> take();

 private:
  std::map<std::string, prometheus::MetricFamily, std::less<>> families_;
};

using openclaw::MetricDescriptor;

// All series the exporter may emit, in exposition order (exporter/src/metrics_catalog.cpp).
const std::vector<MetricDescriptor>& metrics_catalog();

}  // namespace openclaw::exporter
