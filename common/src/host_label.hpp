#pragma once

#include <prometheus/labels.h>
#include <prometheus/metric_family.h>

#include <string>
#include <vector>

namespace openclaw {

// Both programs put `host` on every series they serve (--host, default machine_hostname()): in a fleet each host's
// series, and so each alert, names its host, and the hook refuses an alert naming another one. The label is added
// where the exposition is rendered (serialize_metrics in metrics_handler.hpp), not family by family, so no series —
// registered, built per scrape or added later — can miss it. Prometheus' side (the inventory's `host` wins, the
// program's becomes `exported_host`, kept on build_info only): deploy/prometheus.yml, docs/fleet.md.
inline constexpr const char* kHostLabel = "host";

// This machine's name (gethostname(2)); "localhost" when it cannot be read.
std::string machine_hostname();

// {host: `host`}; no label when `host` is empty (in-process tests that run without one).
prometheus::Labels host_labels(const std::string& host);

// Adds `labels` to every sample of `families`, keeping each sample's labels in name order (as prometheus-cpp and
// MetricSet write them). A sample's own label of the same name is replaced: the constant one is the program's word.
void add_constant_labels(std::vector<prometheus::MetricFamily>& families, const prometheus::Labels& labels);

}  // namespace openclaw
