// The hook's catalog and what it registers agree both ways: every registered family has an entry (else
// HookMetrics throws at start-up) and every entry is registered, with the catalog's HELP and type.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "hook_metrics.hpp"
#include "hook_metrics_catalog.hpp"

namespace openclaw::hook {
namespace {

TEST(HookMetricsCatalog, EveryEntryIsRegisteredWithItsHelpAndType) {
  HookMetrics metrics({"default"});
  metrics.pending_restart("default", 1.0);  // absent while none is pending
  metrics.notice_lead(300);                 // set from the configuration at start-up
  metrics.last_downtime("default", 2.5);    // absent until a restart through the user manager
  std::map<std::string, prometheus::MetricFamily> registered;
  for (auto& family : metrics.registry()->Collect()) registered.emplace(family.name, family);
  for (const auto& entry : hook_metrics_catalog()) {
    const auto it = registered.find(std::string(entry.name));
    ASSERT_NE(it, registered.end()) << entry.name << " is in the catalog but not registered";
    EXPECT_EQ(it->second.help, entry.help) << entry.name;
    EXPECT_EQ(it->second.type, entry.type) << entry.name;
  }
  EXPECT_EQ(registered.size(), hook_metrics_catalog().size());
}

TEST(HookMetricsCatalog, ANameNotInTheCatalogIsRefused) {
  EXPECT_THROW(hook_metric("openclaw_restart_hook_no_such_metric"), std::logic_error);
}

// `host` is the label the hook puts on every series it serves (common/src/host_label.hpp): none may have its own.
TEST(HookMetricsCatalog, NoSeriesHasALabelNamedHost) {
  for (const auto& entry : hook_metrics_catalog()) {
    const std::string labels = ", " + std::string(entry.labels) + ",";
    EXPECT_EQ(labels.find(", host,"), std::string::npos) << entry.name;
  }
}

}  // namespace
}  // namespace openclaw::hook
