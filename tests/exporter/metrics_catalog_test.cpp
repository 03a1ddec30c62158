// The exporter's catalog (exporter/src/metrics_catalog.cpp) is the single source of its metric names: the tables of
// docs/metrics.md and tests/alerts/known_metrics.txt are generated from it (tools/metrics_reference; the ctest
// metrics.generated_files_up_to_date compares the committed files with what it generates). These tests say, name
// by name, which series is missing where, when the generated files were not regenerated.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "metric_set.hpp"
#include "paths.hpp"

namespace openclaw::exporter {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<std::string> catalog_names() {
  std::set<std::string> names;
  for (const auto& metric : metrics_catalog()) names.insert(std::string(metric.name));
  return names;
}

TEST(MetricsCatalog, EveryExporterSeriesIsDocumentedAndEveryDocumentedOneExists) {
  const std::string docs = read(openclaw::testing::source_dir() + "/docs/metrics.md");
  ASSERT_FALSE(docs.empty());
  std::set<std::string> documented;  // the first column of the reference's tables
  static const std::regex kRow(R"(\n\| `(openclaw_(gateway|host|exporter)_[a-z0-9_]+)` \|)");
  for (std::sregex_iterator it(docs.begin(), docs.end(), kRow), end; it != end; ++it) documented.insert((*it)[1]);
  for (const auto& name : catalog_names()) EXPECT_TRUE(documented.contains(name)) << name << " not in docs/metrics.md";
  for (const auto& name : documented) EXPECT_TRUE(catalog_names().contains(name)) << name << " documented, not emitted";
}

TEST(MetricsCatalog, EveryExporterSeriesIsKnownToTheRulesChecks) {
  std::istringstream known(read(openclaw::testing::source_dir() + "/tests/alerts/known_metrics.txt"));
  std::set<std::string> names;
  for (std::string line; std::getline(known, line);) {
    if (!line.empty() && line[0] != '#') names.insert(line);
  }
  ASSERT_FALSE(names.empty());
  for (const auto& name : catalog_names()) {
    EXPECT_TRUE(names.contains(name)) << name << " missing from tests/alerts/known_metrics.txt";
  }
}

// `host` is the label both programs put on every series (common/src/host_label.hpp): a series of its own named so
// would lose its value to it.
TEST(MetricsCatalog, NoSeriesHasALabelNamedHost) {
  for (const auto& metric : metrics_catalog()) {
    const std::string labels = ", " + std::string(metric.labels) + ",";
    EXPECT_EQ(labels.find(", host,"), std::string::npos) << metric.name;
  }
}

}  // namespace
}  // namespace openclaw::exporter
