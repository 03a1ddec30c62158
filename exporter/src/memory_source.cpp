#include "memory_source.hpp"

namespace openclaw::exporter {

Status MemorySource::collect(GatewayContext& context, MetricSet& out) {
  const ProcessSample& process = *context.process;
  const auto tree = sampler_->tree_memory(process.pid, process.descendant_pids);
  if (!tree) return Status::failure(tree.error());
  // The process source read /proc/PID/cgroup a moment ago; without cgroups there is no cgroup to measure.
  const auto cgroup = process.cgroups ? sampler_->cgroup_memory_bytes(*process.cgroups)
                                      : Result<std::optional<std::uint64_t>>(std::optional<std::uint64_t>{});
  if (!cgroup) return Status::failure(cgroup.error());
  // For the unit's main process, the command line systemd started it with (Node overwrites its own with the title).
  const bool unit_main = context.unit && context.unit->main_pid == process.pid;
  const auto heap_limit =
      sampler_->heap_limit_bytes(process.pid, unit_main ? context.unit->exec_start_argv : std::vector<std::string>{});
  if (!heap_limit) return Status::failure(heap_limit.error());

  const auto labels = context.labels();
  out.add("openclaw_gateway_proportional_memory_bytes", labels, static_cast<double>(tree->pss_bytes));
  // Absent, not 0, when the process is in no memory-accounted cgroup or was started without the flag.
  if (*cgroup) out.add("openclaw_gateway_cgroup_memory_bytes", labels, static_cast<double>(**cgroup));
  if (*heap_limit) out.add("openclaw_gateway_heap_limit_bytes", labels, static_cast<double>(**heap_limit));
  for (const auto& [kind, children] : tree->children) {
    auto kind_labels = labels;
    kind_labels.emplace("kind", child_kind_name(kind));
    out.add("openclaw_gateway_child_processes", kind_labels, static_cast<double>(children.processes));
    out.add("openclaw_gateway_child_proportional_memory_bytes", kind_labels, static_cast<double>(children.pss_bytes));
  }
  return Ok{};
}

}  // namespace openclaw::exporter
