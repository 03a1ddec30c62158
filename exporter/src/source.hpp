#pragma once

#include <optional>
#include <string_view>

#include "config.hpp"
#include "metric_set.hpp"
#include "process_sampler.hpp"
#include "result.hpp"
#include "systemd_unit.hpp"

namespace openclaw::exporter {

// What one scrape knows about one gateway; sources run in order and later ones read what earlier ones found.
struct GatewayContext {
  const GatewayTarget& target;
  std::optional<HostMemory> host;        // read once per scrape, shared by all gateways
  std::optional<UnitState> unit;         // set by the systemd source
  std::optional<int> pid;                // set by the discovery source when the main process was found
  std::optional<ProcessSample> process;  // set by the process source
  std::uint64_t pid_start_ticks = 0;     // set with pid: its start time (/proc/PID/stat starttime); PID + this is
                                         // the process's identity, which the readers after discovery check

  MetricSet::Labels labels() const { return {{"gateway", target.name}}; }
};

// One thing the exporter samples for each gateway (like a node_exporter collector). A failure is returned, never
// thrown: the collector turns it into openclaw_exporter_source_success{source} 0 and a warn log line, and the
// scrape goes on.
class Source {
 public:
  virtual ~Source() = default;
  virtual std::string_view name() const = 0;
  // False when this source has nothing to do for the target (e.g. no unit configured): no success series.
  virtual bool applies(const GatewayContext& context) const = 0;
  virtual Status collect(GatewayContext& context, MetricSet& out) = 0;
  // Normally a failing source's partial output is dropped; discovery keeps its `up 0`.
  virtual bool keeps_output_on_failure() const { return false; }
  // False for a source that only reads what the exporter already holds (the last probe, the log's counters): it runs
  // on the scrape's own thread, after the chain of sources that may block (source_chain.hpp).
  virtual bool may_block() const { return true; }
};

}  // namespace openclaw::exporter
