#pragma once

#include <prometheus/metric_type.h>

#include <string_view>

namespace openclaw {

// One series a program of ours may expose: the single source of its name, type and HELP text (what the program
// registers) and of its reference entry (the tables in docs/metrics.md and docs/restart-hook.md and the names in
// tests/alerts/known_metrics.txt, all generated from the catalogs by tools/metrics_reference; the test
// metrics.generated_files_up_to_date fails when a committed file differs).
struct MetricDescriptor {
  std::string_view name;
  prometheus::MetricType type;
  std::string_view help;     // HELP text in the exposition
  std::string_view section;  // which table of the reference lists it (a marker in the docs names it)
  std::string_view labels;   // label names as the reference lists them, comma-separated ("" for none)
  std::string_view doc;      // the reference's "meaning" column (Markdown)
};

}  // namespace openclaw
