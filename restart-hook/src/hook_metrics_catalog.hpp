#pragma once

#include <string_view>
#include <vector>

#include "metric_descriptor.hpp"

namespace openclaw::hook {

// Every series the hook exposes (hook_metrics_catalog.cpp): the single source of the names, HELP texts and the
// reference table in docs/restart-hook.md. HookMetrics registers its families from here.
const std::vector<MetricDescriptor>& hook_metrics_catalog();

// The entry for `name`; throws std::logic_error when there is none (a family registered without an entry).
const MetricDescriptor& hook_metric(std::string_view name);

}  // namespace openclaw::hook
